//! Progress reports and stopping a run.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::{Error, ErrorKind};
use crate::owner::OwnerKind;

/// The stage a run is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Checking the records and gathering the run's statistics.
    Checking,
    /// Counting the rows of one owner kind.
    Counting(OwnerKind),
    /// Finished: the table is complete.
    Done,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stage::Checking => f.write_str("checking records"),
            Stage::Counting(kind) => write!(f, "counting {kind} counters"),
            Stage::Done => f.write_str("done"),
        }
    }
}

/// One progress report: the stage and the percent of the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The stage the run is in.
    pub stage: Stage,
    /// How much of the run is done, 0 to 100. It never goes down within a
    /// run, and 100 comes once, with [`Stage::Done`].
    pub percent: u8,
}

/// A handle that asks a run to stop.
///
/// Clones share one flag: stopping any clone stops every run that was
/// given one of them. A stopped run returns an error for which
/// [`Error::is_stopped`] is true, and no table.
#[derive(Clone, Debug, Default)]
pub struct StopToken {
    flag: Arc<AtomicBool>,
}

impl StopToken {
    /// A token that has not been stopped.
    pub fn new() -> StopToken {
        StopToken::default()
    }

    /// Asks every run holding this token to stop. Runs check the token
    /// between small batches of records, so a run ends soon after.
    pub fn stop(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether [`stop`](Self::stop) has been called.
    pub fn is_stopped(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

/// The callback type a run reports progress to.
pub(crate) type Callback<'a> = dyn Fn(&Progress) + Send + Sync + 'a;

/// Turns work done into progress reports, and carries the run's stop
/// state.
///
/// Reports are serialized by a mutex and only made when the percent or
/// the stage changes, so the callback sees at most a few hundred calls a
/// run, in order. A worker that finds the mutex held skips its report
/// rather than wait; the next report covers it.
pub(crate) struct Reporter<'a> {
    callback: Option<&'a Callback<'a>>,
    stop: &'a StopToken,
    halted: AtomicBool,
    panic: Mutex<Option<String>>,
    last: Mutex<Option<Progress>>,
    done: AtomicU64,
    total: u64,
}

impl<'a> Reporter<'a> {
    /// A reporter for a run of `total` units of work.
    pub(crate) fn new(
        callback: Option<&'a Callback<'a>>,
        stop: &'a StopToken,
        total: u64,
    ) -> Self {
        Reporter {
            callback,
            stop,
            halted: AtomicBool::new(false),
            panic: Mutex::new(None),
            last: Mutex::new(None),
            done: AtomicU64::new(0),
            total: total.max(1),
        }
    }

    /// Whether the run must end: a stop was asked for or the callback
    /// panicked.
    #[inline]
    pub(crate) fn halted(&self) -> bool {
        self.stop.is_stopped() || self.halted.load(Ordering::Relaxed)
    }

    /// The error that ends a halted run, or `Ok` when it may go on.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if !self.halted() {
            return Ok(());
        }
        let panic = self.panic.lock().unwrap_or_else(PoisonError::into_inner);
        Err(Error::new(match panic.clone() {
            Some(message) => ErrorKind::CallbackPanicked { message },
            None => ErrorKind::Stopped,
        }))
    }

    /// Records `units` of work done in `stage`, reporting if the percent
    /// moved.
    pub(crate) fn advance(&self, stage: Stage, units: u64) {
        let done = self.done.fetch_add(units, Ordering::Relaxed) + units;
        // 0 to 99 while working; 100 belongs to `finish`.
        let done = u128::from(done.min(self.total));
        let percent = (done * 99 / u128::from(self.total)) as u8;
        if let Ok(mut last) = self.last.try_lock() {
            self.report(&mut last, Progress { stage, percent });
        }
    }

    /// Reports the start of `stage`, waiting for the report lock.
    pub(crate) fn enter(&self, stage: Stage) {
        let mut last =
            self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let percent = last.map_or(0, |p| p.percent);
        self.report(&mut last, Progress { stage, percent });
    }

    /// Reports 100 percent and [`Stage::Done`].
    pub(crate) fn finish(&self) {
        let mut last =
            self.last.lock().unwrap_or_else(PoisonError::into_inner);
        self.report(&mut last, Progress { stage: Stage::Done, percent: 100 });
    }

    fn report(&self, last: &mut Option<Progress>, next: Progress) {
        let Some(callback) = self.callback else { return };
        if self.halted() {
            return;
        }
        if let Some(prev) = *last {
            let percent = next.percent.max(prev.percent);
            if prev.stage == next.stage && percent == prev.percent {
                return;
            }
            *last = Some(Progress { percent, ..next });
        } else {
            *last = Some(next);
        }
        let progress = last.expect("just set");
        if let Err(payload) =
            catch_unwind(AssertUnwindSafe(|| callback(&progress)))
        {
            *self.panic.lock().unwrap_or_else(PoisonError::into_inner) =
                Some(panic_message(payload.as_ref()));
            self.halted.store(true, Ordering::Relaxed);
        }
    }
}

/// The message of a panic payload, where it is a string.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_in_order_and_only_on_change() {
        let seen = Mutex::new(Vec::new());
        let callback = |p: &Progress| seen.lock().unwrap().push(*p);
        let stop = StopToken::new();
        let reporter = Reporter::new(Some(&callback), &stop, 1000);
        reporter.enter(Stage::Checking);
        for _ in 0..1000 {
            reporter.advance(Stage::Checking, 1);
        }
        reporter.finish();
        let seen = seen.into_inner().unwrap();
        assert!(seen.len() <= 102, "{} reports", seen.len());
        assert!(seen.windows(2).all(|w| w[0].percent <= w[1].percent));
        assert_eq!(
            *seen.last().unwrap(),
            Progress { stage: Stage::Done, percent: 100 }
        );
        assert_eq!(seen.iter().filter(|p| p.percent == 100).count(), 1);
    }

    #[test]
    fn panicking_callback_halts_with_its_message() {
        let callback = |_: &Progress| panic!("host bug");
        let stop = StopToken::new();
        let reporter = Reporter::new(Some(&callback), &stop, 10);
        reporter.enter(Stage::Checking);
        assert!(reporter.halted());
        let err = reporter.check().unwrap_err();
        assert_eq!(
            err.to_string(),
            "the progress callback panicked: host bug"
        );
    }

    #[test]
    fn stop_token_halts_and_silences_reports() {
        let calls = AtomicU64::new(0);
        let callback = |_: &Progress| {
            calls.fetch_add(1, Ordering::Relaxed);
        };
        let stop = StopToken::new();
        let reporter = Reporter::new(Some(&callback), &stop, 10);
        stop.clone().stop();
        reporter.advance(Stage::Checking, 5);
        assert_eq!(calls.load(Ordering::Relaxed), 0);
        assert!(reporter.check().unwrap_err().is_stopped());
    }
}
