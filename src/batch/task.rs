//! Running a regeneration as a batch task: to the end on the caller's
//! thread, or spawned on a thread of its own that the caller polls,
//! stops and joins.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use chrono::Utc;

use super::info::{BatchTaskInfo, RegenerateCountersRequest};
use super::state::{BatchTaskState, CancellationBehaviour};
use crate::error::{Error, ErrorKind};
use crate::owner::OwnerKind;
use crate::progress::{Progress, StopToken, panic_message};
use crate::record::{Activity, Sale, Ticket};
use crate::regenerate::{Records, Regenerator};
use crate::settings::Settings;
use crate::table::CounterTable;

/// Records a spawned task can own: the task keeps the source for as long
/// as it runs and asks it for its [`Records`] on its own thread.
///
/// It is implemented for [`OwnedRecords`], for `Arc` of any source (so a
/// host can share one set of records between tasks, or keep using it),
/// and for `Records<'static>`.
pub trait RecordSource: Send + Sync + 'static {
    /// The records, as partitions of each kind.
    fn records(&self) -> Records<'_>;
}

/// Records held by value, one partition per kind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwnedRecords {
    /// The activities.
    pub activities: Vec<Activity>,
    /// The sales.
    pub sales: Vec<Sale>,
    /// The tickets.
    pub tickets: Vec<Ticket>,
}

impl RecordSource for OwnedRecords {
    fn records(&self) -> Records<'_> {
        Records::new()
            .activities(&self.activities)
            .sales(&self.sales)
            .tickets(&self.tickets)
    }
}

impl<T: RecordSource + ?Sized> RecordSource for Arc<T> {
    fn records(&self) -> Records<'_> {
        (**self).records()
    }
}

impl RecordSource for Records<'static> {
    fn records(&self) -> Records<'_> {
        self.clone()
    }
}

/// The host's progress callback.
type HostCallback = dyn Fn(&Progress) + Send + Sync;

/// Ids for tasks that were not given one, unique within the process.
static NEXT_ID: AtomicI32 = AtomicI32::new(1);

/// What [`BatchTaskInfo::description`] says of a regeneration.
const DESCRIPTION: &str = "Regenerates the SAINT status counters";

/// A regeneration as SuperOffice's batch task `RegenerateCounters`: its
/// settings, the options of the run, and the identity its
/// [`BatchTaskInfo`] reports.
///
/// Run it in one of two ways, as the endpoint's `RunAsBatch` chooses:
///
/// - [`run`](Self::run) counts on the caller's thread and returns the
///   table with the final info (`RunAsBatch: false`);
/// - [`spawn`](Self::spawn) returns at once with a [`TaskHandle`]
///   whose info can be read while the task runs, which can stop it and
///   join it (`RunAsBatch: true`).
///
/// [`regenerate_counters`](Self::regenerate_counters) chooses from a
/// [`RegenerateCountersRequest`].
///
/// A run's info moves New → Started (with the engine's percent and stage
/// as `ProgressPercent` and `ProgressDescription`) → Succeeded, with a
/// summary in `Response`, or Failed, with the error in `Response`. Every
/// failure ends that way, never as a hang or an abort: bad records, an
/// overflow, a stop, a panicking progress callback, and a panic anywhere
/// in the run ([`ErrorKind::TaskPanicked`]).
///
/// # Example: a blocking run
///
/// ```
/// use chrono::{TimeZone as _, Utc};
/// use saint_counters::batch::{BatchOutcome, BatchTask, BatchTaskState};
/// use saint_counters::{OwnerKind, OwnerSettings, Records, Settings};
///
/// let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
/// let settings = Settings::builder(now)
///     .owner(OwnerKind::Contact, OwnerSettings::enabled([Some(30); 3]))
///     .build()?;
/// let BatchOutcome { info, result } =
///     BatchTask::new(settings).id(7).run(&Records::new());
/// assert_eq!(info.state, BatchTaskState::Succeeded);
/// assert_eq!(info.progress_percent, 100);
/// assert!(result?.is_empty());
/// # Ok::<(), saint_counters::Error>(())
/// ```
pub struct BatchTask {
    settings: Settings,
    pool: Option<Arc<rayon::ThreadPool>>,
    progress: Option<Arc<HostCallback>>,
    stop: StopToken,
    id: i32,
    name: String,
    associate_id: i32,
    database_serial_number: Option<String>,
}

impl BatchTask {
    /// A task that regenerates with `settings`, on the current rayon
    /// pool (a spawned task: rayon's global pool), reported as a system
    /// task named `RegenerateCounters` with an id that is unique within
    /// the process.
    pub fn new(settings: Settings) -> BatchTask {
        BatchTask {
            settings,
            pool: None,
            progress: None,
            stop: StopToken::new(),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: "RegenerateCounters".to_owned(),
            associate_id: 0,
            database_serial_number: None,
        }
    }

    /// Reports the task with this `Id`.
    #[must_use]
    pub fn id(mut self, id: i32) -> Self {
        self.id = id;
        self
    }

    /// Reports the task with this `Name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Reports the task as owned by this associate; any id but 0 also
    /// makes `IsSystemTask` false.
    #[must_use]
    pub fn associate_id(mut self, associate_id: i32) -> Self {
        self.associate_id = associate_id;
        self
    }

    /// Reports the task with this `DatabaseSerialNumber`.
    #[must_use]
    pub fn database_serial_number(
        mut self,
        serial: impl Into<String>,
    ) -> Self {
        self.database_serial_number = Some(serial.into());
        self
    }

    /// Counts on `pool` instead of the current rayon pool. The crate
    /// never configures rayon's global pool.
    #[must_use]
    pub fn thread_pool(mut self, pool: Arc<rayon::ThreadPool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Stops the run when `stop` is stopped, so that a blocking run can
    /// be stopped from another thread. A spawned task's
    /// [`TaskHandle::stop`] stops this same token.
    #[must_use]
    pub fn stop_token(mut self, stop: StopToken) -> Self {
        self.stop = stop;
        self
    }

    /// Also reports progress to `callback`, after the task's info shows
    /// it. The engine's contract holds ([`Regenerator`]): calls come from
    /// the counting threads, one at a time, in order. The run waits for
    /// the callback, so a slow callback slows the run. If it panics the
    /// task ends Failed with [`ErrorKind::CallbackPanicked`].
    #[must_use]
    pub fn on_progress(
        mut self,
        callback: impl Fn(&Progress) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// Runs the task to the end on this thread (`RunAsBatch: false`) and
    /// returns the table with the final info: Succeeded at 100 percent
    /// with a summary in `Response`, or Failed with the error.
    /// `Created` and `LastStarted` are the start of the call; `StartCount`
    /// is 1.
    pub fn run(&self, records: &Records<'_>) -> BatchOutcome {
        let shared = Shared::new(self.new_info(false), self.stop.clone());
        shared.start();
        let result = guarded(|| count(self, records, &shared));
        shared.finish(&result);
        BatchOutcome { info: shared.info(), result }
    }

    /// Starts the task on a thread of its own (`RunAsBatch: true`) and
    /// returns at once. The task owns `source` and everything else it
    /// needs; see [`TaskHandle`] for what the handle can do, and what
    /// dropping it does.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::TaskNotStarted`] when the operating system will not
    /// start a thread.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone as _, Utc};
    /// use saint_counters::batch::{BatchTask, BatchTaskState, OwnedRecords};
    /// use saint_counters::{OwnerKind, OwnerSettings, Settings};
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    /// let settings = Settings::builder(now)
    ///     .owner(OwnerKind::Person, OwnerSettings::enabled([Some(30); 3]))
    ///     .build()?;
    /// let handle = BatchTask::new(settings).spawn(OwnedRecords::default())?;
    /// // From any thread, while it runs:
    /// let _percent = handle.info().progress_percent;
    /// let outcome = handle.join();
    /// assert_eq!(outcome.info.state, BatchTaskState::Succeeded);
    /// assert!(outcome.result?.is_empty());
    /// # Ok::<(), saint_counters::Error>(())
    /// ```
    pub fn spawn(
        self,
        source: impl RecordSource,
    ) -> Result<TaskHandle, Error> {
        let shared =
            Arc::new(Shared::new(self.new_info(true), self.stop.clone()));
        let task = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("saint-counters-task-{}", self.id))
            .spawn(move || {
                task.start();
                // The source and the settings are dropped inside the
                // guard, so a panic in a host's drop is caught too.
                let work = {
                    let task = &task;
                    move || {
                        let records = source.records();
                        count(&self, &records, task)
                    }
                };
                let result = guarded(work);
                task.finish(&result);
                result
            })
            .map_err(|source| {
                Error::new(ErrorKind::TaskNotStarted { source })
            })?;
        Ok(TaskHandle { thread, monitor: TaskMonitor { shared } })
    }

    /// The endpoint: runs to the end when `request.run_as_batch` is
    /// false, and spawns otherwise.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Self::spawn); a failing blocking run is not an error
    /// here but a [`Regeneration::Completed`] whose info is Failed.
    pub fn regenerate_counters(
        self,
        request: &RegenerateCountersRequest,
        source: impl RecordSource,
    ) -> Result<Regeneration, Error> {
        if request.run_as_batch {
            self.spawn(source).map(Regeneration::Running)
        } else {
            let outcome = self.run(&source.records());
            Ok(Regeneration::Completed(Box::new(outcome)))
        }
    }

    /// The info of the task before it starts.
    fn new_info(&self, run_as_batch: bool) -> BatchTaskInfo {
        BatchTaskInfo {
            id: self.id,
            name: Some(self.name.clone()),
            associate_id: self.associate_id,
            is_system_task: self.associate_id == 0,
            parameter_object: [(
                "RunAsBatch".to_owned(),
                run_as_batch.to_string(),
            )]
            .into(),
            created: Some(Utc::now()),
            database_serial_number: self.database_serial_number.clone(),
            state: BatchTaskState::New,
            description: Some(DESCRIPTION.to_owned()),
            request: Some(format!("{{\"RunAsBatch\":{run_as_batch}}}")),
            cancellation_behaviour: CancellationBehaviour::CanCancel,
            ..BatchTaskInfo::default()
        }
    }
}

impl fmt::Debug for BatchTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchTask")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("associate_id", &self.associate_id)
            .field("settings", &self.settings)
            .field("thread_pool", &self.pool.is_some())
            .field("on_progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}

/// Counts `records` for `task`, showing progress in `shared`.
fn count(
    task: &BatchTask,
    records: &Records<'_>,
    shared: &Shared,
) -> Result<CounterTable, Error> {
    let report = |progress: &Progress| {
        shared.update(|info| {
            // Reports only move a running task.
            if info.state == BatchTaskState::Started {
                info.progress_percent = i32::from(progress.percent);
                info.progress_description = Some(progress.stage.to_string());
            }
        });
        if let Some(host) = &task.progress {
            host(progress);
        }
    };
    let mut regenerator = Regenerator::new(&task.settings)
        .stop_token(shared.stop.clone())
        .on_progress(report);
    if let Some(pool) = task.pool.as_deref() {
        regenerator = regenerator.thread_pool(pool);
    }
    regenerator.run(records)
}

/// Runs `work`, turning a panic into [`ErrorKind::TaskPanicked`].
fn guarded(
    work: impl FnOnce() -> Result<CounterTable, Error>,
) -> Result<CounterTable, Error> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(Error::new(ErrorKind::TaskPanicked {
            message: panic_message(payload.as_ref()),
        }))
    })
}

/// The response of a successful run: rows per owner kind, records read
/// and skipped.
fn summary(table: &CounterTable) -> String {
    let rows = |kind| table.rows_per_owner_kind(kind);
    let statistics = table.statistics();
    format!(
        "{} counter rows: {} contact, {} person, {} project; \
         {} records read, {} skipped",
        table.len(),
        rows(OwnerKind::Contact),
        rows(OwnerKind::Person),
        rows(OwnerKind::Project),
        statistics.read(),
        statistics.skipped(),
    )
}

/// A task's info, shared by the task and the handles that watch it.
struct Shared {
    info: Mutex<BatchTaskInfo>,
    finished: Condvar,
    stop: StopToken,
}

impl Shared {
    fn new(info: BatchTaskInfo, stop: StopToken) -> Shared {
        Shared { info: Mutex::new(info), finished: Condvar::new(), stop }
    }

    /// The info, whether or not a panic poisoned the lock: every change
    /// under the lock is a plain assignment, so the info is whole.
    fn lock(&self) -> MutexGuard<'_, BatchTaskInfo> {
        self.info.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, change: impl FnOnce(&mut BatchTaskInfo)) {
        change(&mut self.lock());
    }

    fn info(&self) -> BatchTaskInfo {
        self.lock().clone()
    }

    fn start(&self) {
        self.update(|info| {
            info.state = BatchTaskState::Started;
            info.last_started = Some(Utc::now());
            info.start_count += 1;
            info.progress_percent = 0;
            info.progress_description = Some("starting".to_owned());
        });
    }

    fn finish(&self, result: &Result<CounterTable, Error>) {
        self.update(|info| match result {
            Ok(table) => {
                info.state = BatchTaskState::Succeeded;
                info.progress_percent = 100;
                info.progress_description = Some("done".to_owned());
                info.response = Some(summary(table));
            }
            Err(error) => {
                info.state = BatchTaskState::Failed;
                info.response = Some(error.to_string());
            }
        });
        self.finished.notify_all();
    }

    fn wait(&self) -> BatchTaskInfo {
        let mut info = self.lock();
        while !info.state.is_finished() {
            info = self
                .finished
                .wait(info)
                .unwrap_or_else(PoisonError::into_inner);
        }
        info.clone()
    }
}

/// The end of a run: its final info, and the table or the error.
#[derive(Debug)]
pub struct BatchOutcome {
    /// The final info: Succeeded or Failed.
    pub info: BatchTaskInfo,
    /// The counter table, or why there is none. A stopped or failed run
    /// leaves no partial table.
    pub result: Result<CounterTable, Error>,
}

/// What [`BatchTask::regenerate_counters`] started.
#[derive(Debug)]
pub enum Regeneration {
    /// `RunAsBatch` was false: the run has ended.
    Completed(Box<BatchOutcome>),
    /// `RunAsBatch` was true: the task runs on its own thread.
    Running(TaskHandle),
}

impl Regeneration {
    /// The task's info as the endpoint answers it: the final info of a
    /// completed run, the current info of a running one.
    pub fn info(&self) -> BatchTaskInfo {
        match self {
            Regeneration::Completed(outcome) => outcome.info.clone(),
            Regeneration::Running(handle) => handle.info(),
        }
    }
}

/// A spawned task: read its info from any thread, stop it, join it.
///
/// The handle is `Send` and `Sync`; share it by reference, or hand out
/// [`TaskMonitor`]s, which can do all but join.
///
/// # Dropping the handle
///
/// Dropping a handle that was not joined detaches the task, as dropping
/// a [`std::thread::JoinHandle`] does: it runs to the end, its table is
/// dropped, and [`TaskMonitor`]s still see its info, final state
/// included. To end it, [`stop`](Self::stop) it first.
#[derive(Debug)]
pub struct TaskHandle {
    thread: JoinHandle<Result<CounterTable, Error>>,
    monitor: TaskMonitor,
}

impl TaskHandle {
    /// A fresh copy of the task's info.
    pub fn info(&self) -> BatchTaskInfo {
        self.monitor.info()
    }

    /// The task's state.
    pub fn state(&self) -> BatchTaskState {
        self.monitor.state()
    }

    /// Whether the task has ended, Succeeded or Failed.
    pub fn is_finished(&self) -> bool {
        self.monitor.is_finished()
    }

    /// Asks the task to stop; see [`TaskMonitor::stop`].
    pub fn stop(&self) {
        self.monitor.stop();
    }

    /// A watcher of the task that can be cloned and sent to other
    /// threads.
    pub fn monitor(&self) -> TaskMonitor {
        self.monitor.clone()
    }

    /// Waits for the task to end and returns its final info with the
    /// table or the error.
    pub fn join(self) -> BatchOutcome {
        let result = match self.thread.join() {
            Ok(result) => result,
            // Everything between start and finish is guarded; this is a
            // panic after that, such as in a drop of the record source.
            Err(payload) => {
                let result = Err(Error::new(ErrorKind::TaskPanicked {
                    message: panic_message(payload.as_ref()),
                }));
                self.monitor.shared.finish(&result);
                result
            }
        };
        BatchOutcome { info: self.monitor.info(), result }
    }
}

/// A clonable watcher of a spawned task: reads its info, waits for it,
/// stops it.
#[derive(Clone)]
pub struct TaskMonitor {
    shared: Arc<Shared>,
}

impl TaskMonitor {
    /// A fresh copy of the task's info.
    pub fn info(&self) -> BatchTaskInfo {
        self.shared.info()
    }

    /// The task's state.
    pub fn state(&self) -> BatchTaskState {
        self.shared.lock().state
    }

    /// Whether the task has ended, Succeeded or Failed.
    pub fn is_finished(&self) -> bool {
        self.state().is_finished()
    }

    /// Asks the task to stop. It ends soon after, Failed with a
    /// `Response` that says it was stopped, and without a table. A task
    /// that has already ended is not changed.
    pub fn stop(&self) {
        self.shared.stop.stop();
    }

    /// Waits for the task to end and returns its final info.
    pub fn wait(&self) -> BatchTaskInfo {
        self.shared.wait()
    }
}

impl fmt::Debug for TaskMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.shared.lock();
        f.debug_struct("TaskMonitor")
            .field("id", &info.id)
            .field("state", &info.state)
            .field("progress_percent", &info.progress_percent)
            .finish()
    }
}
