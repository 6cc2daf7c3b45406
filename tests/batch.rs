//! Integration tests: batch.
//!
//! The batch task's face: BatchTaskInfo on the wire, blocking and
//! spawned runs, `$select` and time zones.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use saint_counters::batch::{
    BatchOutcome, BatchTask, BatchTaskInfo, BatchTaskState,
    CancellationBehaviour, FieldRightMask, OwnedRecords, RecordSource,
    RegenerateCountersRequest, Regeneration, TableRight, TableRightMask,
    TaskHandle, TaskMonitor, TimeZone, select,
};
use saint_counters::{
    Activity, AppointmentStatus, Direction, ErrorKind, OwnerKind,
    OwnerSettings, Progress, RecordType, Records, Sale, SaleStatus, Settings,
    StopToken, Ticket, TicketStatus,
};
use serde_json::{Value, json};

/// SuperOffice's sample response of `RegenerateCounters`, from its REST
/// reference (`v1SaintAgent_RegenerateCounters`). Its values are fake:
/// `State` is the query filter `All` and `ProgressPercent` is above 100.
const DOCUMENTED_SAMPLE: &str = r#"{
  "Id": 520,
  "Name": "Moen Group",
  "AssociateId": 471,
  "DetailsTable": 173,
  "DetailsRecord": 823,
  "IsSystemTask": false,
  "IsInternalTask": false,
  "ParameterObject": {
    "ParameterObject1": "quo",
    "ParameterObject2": "ut"
  },
  "LastStarted": "2016-07-23T03:45:23.8423206+02:00",
  "Created": "2022-11-09T03:45:23.8423206+01:00",
  "StartCount": 76,
  "DatabaseSerialNumber": "664245",
  "Context": "iure",
  "Result": "eius",
  "State": "All",
  "Description": "User-centric real-time superstructure",
  "Response": "voluptatem",
  "Request": "ut",
  "ProgressDescription": "Configurable bifurcated conglomeration",
  "ProgressPercent": 284,
  "FileName": "Lesch Group",
  "CancellationBehaviour": "CanCancel",
  "TableRight": null,
  "FieldProperties": {
    "fieldName": {
      "FieldRight": null,
      "FieldType": "System.Int32",
      "FieldLength": 415
    }
  }
}"#;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
}

fn settings() -> Settings {
    let periods = OwnerSettings::enabled([Some(30), Some(90), Some(365)]);
    Settings::builder(now())
        .owner(OwnerKind::Contact, periods)
        .owner(OwnerKind::Person, periods)
        .owner(OwnerKind::Project, periods)
        .build()
        .unwrap()
}

fn activity(
    id: u32,
    contact_id: u32,
    person_id: u32,
    project_id: u32,
) -> Activity {
    Activity {
        id,
        contact_id,
        person_id,
        project_id,
        record_type: RecordType::Phone,
        direction: Direction::Outgoing,
        intent_id: 7,
        status: AppointmentStatus::Completed,
        mother_id: 0,
        date: Some(now() - Duration::days(10)),
    }
}

fn sale(id: u32, amount: f64) -> Sale {
    Sale {
        id,
        contact_id: 12,
        person_id: 3,
        project_id: 0,
        status: SaleStatus::Open,
        done: false,
        amount,
        date: Some(now() - Duration::days(5)),
    }
}

/// Four records, worked out by hand:
///
/// - a phone call with contact 12: 8 contact rows, every mix of
///   (5 or 10) x (2 or 3) x (7 or 0);
/// - an activity with no owner: skipped;
/// - an open sale of contact 12 and person 3, no amount classes: 2 rows
///   each, sale status 1 and 1000 with amount class 0;
/// - a deleted ticket: skipped.
///
/// So 12 rows: 10 contact, 2 person, 0 project; 4 read, 2 skipped.
fn small_records() -> OwnedRecords {
    OwnedRecords {
        activities: vec![activity(1, 12, 0, 0), activity(2, 0, 0, 0)],
        sales: vec![sale(5, 500.0)],
        tickets: vec![Ticket {
            id: 9,
            contact_id: 12,
            person_id: 3,
            status: TicketStatus::Deleted,
            category_id: 0,
            date: None,
        }],
    }
}

const SMALL_SUMMARY: &str = concat!(
    "12 counter rows: 10 contact, 2 person, 0 project; ",
    "4 records read, 2 skipped",
);

/// `n` activities spread over many owners, enough for several progress
/// reports.
fn many_activities(n: u32) -> OwnedRecords {
    let activities = (1..=n)
        .map(|id| Activity {
            intent_id: id % 3,
            status: if id % 2 == 0 {
                AppointmentStatus::Completed
            } else {
                AppointmentStatus::NotStarted
            },
            date: Some(now() - Duration::days(i64::from(id % 400))),
            ..activity(id, id % 500 + 1, id % 700 + 1, id % 90 + 1)
        })
        .collect();
    OwnedRecords { activities, ..OwnedRecords::default() }
}

fn pool() -> Arc<rayon::ThreadPool> {
    Arc::new(rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap())
}

/// Snapshots keep one name whichever test binary runs them.
fn snapshot(name: &str, value: &Value) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_json_snapshot!(name, value, {
            ".Created" => "[created]",
            ".LastStarted" => "[last started]",
        });
    });
}

/// A progress callback that hands each report to the test and waits for
/// the test's go-ahead, so the test sees the task stand still at every
/// report.
struct Gate {
    reports: mpsc::Receiver<Progress>,
    go: mpsc::Sender<()>,
}

fn gated(task: BatchTask) -> (BatchTask, Gate) {
    let (report, reports) = mpsc::channel();
    let (go, wait) = mpsc::channel::<()>();
    let wait = Mutex::new(wait);
    let task = task.on_progress(move |p| {
        let _ = report.send(*p);
        // A closed gate (the test ended) lets the task run on.
        let _ = wait.lock().unwrap().recv();
    });
    (task, Gate { reports, go })
}

#[test]
fn blocking_run_snapshot_pins_names_order_and_summary() {
    let records = small_records();
    let BatchOutcome { info, result } =
        BatchTask::new(settings()).id(17).run(&records.records());

    let table = result.unwrap();
    assert_eq!(table.len(), 12);
    assert_eq!(table.rows_per_owner_kind(OwnerKind::Contact), 10);
    assert_eq!(table.rows_per_owner_kind(OwnerKind::Person), 2);
    assert_eq!(info.state, BatchTaskState::Succeeded);
    assert_eq!(info.progress_percent, 100);
    assert_eq!(info.start_count, 1);
    assert_eq!(info.response.as_deref(), Some(SMALL_SUMMARY));
    let (created, started) =
        (info.created.unwrap(), info.last_started.unwrap());
    assert!(created <= started && started <= Utc::now());

    let json = info.to_json(&TimeZone::utc());
    assert!(json["Created"].as_str().unwrap().ends_with('Z'));
    snapshot("batch_info_succeeded", &json);
}

#[test]
fn stopped_blocking_run_snapshot() {
    let stop = StopToken::new();
    stop.stop();
    let records = small_records();
    let outcome = BatchTask::new(settings())
        .id(18)
        .associate_id(5)
        .database_serial_number("1234567890")
        .stop_token(stop)
        .run(&records.records());
    assert!(outcome.result.unwrap_err().is_stopped());
    snapshot("batch_info_stopped", &outcome.info.to_json(&TimeZone::utc()));
}

#[test]
fn info_round_trips_through_json() {
    let records = small_records();
    let mut info = BatchTask::new(settings()).run(&records.records()).info;
    info.table_right = Some(TableRight {
        mask: TableRightMask::FULL | TableRightMask::RESTRICTED_UPDATE,
        reason: None,
    });
    info.created = Some(info.created.unwrap() + Duration::nanoseconds(1));
    let text = serde_json::to_string(&info).unwrap();
    let back: BatchTaskInfo = serde_json::from_str(&text).unwrap();
    assert_eq!(back, info);

    #[cfg(feature = "time-zones")]
    {
        let oslo = TimeZone::parse("Europe/Oslo").unwrap();
        let shifted: BatchTaskInfo =
            serde_json::from_value(info.to_json(&oslo)).unwrap();
        assert_eq!(shifted, info, "a zone changes the text, not the instant");
    }
}

#[test]
fn documented_sample_reads() {
    for percent in [284, 449] {
        let text = DOCUMENTED_SAMPLE.replace("284", &percent.to_string());
        let info: BatchTaskInfo = serde_json::from_str(&text).unwrap();
        assert_eq!(info.id, 520);
        assert_eq!(info.state, BatchTaskState::All);
        assert_eq!(info.progress_percent, percent);
        assert_eq!(
            info.cancellation_behaviour,
            CancellationBehaviour::CanCancel
        );
        assert_eq!(info.parameter_object["ParameterObject2"], "ut");
        // 03:45:23.8423206 at +02:00 is 01:45:23.8423206 UTC.
        let started = Utc.with_ymd_and_hms(2016, 7, 23, 1, 45, 23).unwrap()
            + Duration::nanoseconds(842_320_600);
        assert_eq!(info.last_started, Some(started));
        assert_eq!(info.table_right, None);
        let field = &info.field_properties["fieldName"];
        assert_eq!(field.field_right, None);
        assert_eq!(field.field_type.as_deref(), Some("System.Int32"));
        assert_eq!(field.field_length, 415);
    }
}

#[test]
fn our_output_has_the_documented_names_in_the_documented_order() {
    let sample: Value = serde_json::from_str(DOCUMENTED_SAMPLE).unwrap();
    let documented: Vec<&String> =
        sample.as_object().unwrap().keys().collect();
    let records = small_records();
    let ours = BatchTask::new(settings()).run(&records.records()).info;
    let json = ours.to_json(&TimeZone::utc());
    let produced: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(produced, documented);
    assert_eq!(produced.len(), 24);
}

#[test]
fn rights_with_masks_read_from_superoffice_spelling() {
    let info: BatchTaskInfo = serde_json::from_str(
        r#"{"TableRight": {"Mask": "FULL", "Reason": ""},
            "FieldProperties": {"name": {
                "FieldRight": {"Mask": "Update, Nullable", "Reason": null},
                "FieldType": "System.String", "FieldLength": 40}}}"#,
    )
    .unwrap();
    let table = info.table_right.unwrap();
    assert_eq!(table.mask.bits(), 15);
    assert_eq!(table.mask.to_string(), "Select, Update, Insert, Delete");
    let field = info.field_properties["name"].field_right.clone().unwrap();
    assert_eq!(field.mask.bits(), 1 + 2 + 32);
    assert!(field.mask.contains(FieldRightMask::NULLABLE));
}

#[test]
fn spawned_task_shows_rising_progress_while_it_runs() {
    let (task, gate) =
        gated(BatchTask::new(settings()).id(21).thread_pool(pool()));
    let handle = task.spawn(many_activities(30_000)).unwrap();

    let mut seen = Vec::new();
    for progress in &gate.reports {
        // The task waits at the gate, so its info holds still.
        let info = handle.info();
        assert_eq!(info.state, BatchTaskState::Started);
        assert_eq!(info.progress_percent, i32::from(progress.percent));
        assert_eq!(
            info.progress_description,
            Some(progress.stage.to_string())
        );
        assert!(!handle.is_finished());
        seen.push(progress.percent);
        gate.go.send(()).unwrap();
    }
    let outcome = handle.join();

    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert_eq!(seen.first(), Some(&0));
    assert_eq!(seen.last(), Some(&100));
    let between = seen.iter().filter(|&&p| p > 0 && p < 100).count();
    assert!(between >= 3, "{seen:?}");

    assert_eq!(outcome.info.state, BatchTaskState::Succeeded);
    assert_eq!(outcome.info.progress_percent, 100);
    assert_eq!(outcome.info.progress_description.as_deref(), Some("done"));
    assert_eq!(
        outcome.info.request.as_deref(),
        Some(r#"{"RunAsBatch":true}"#)
    );
    let table = outcome.result.unwrap();
    assert_eq!(table.statistics().read(), 30_000);
}

#[test]
fn stopped_task_fails_without_a_table() {
    let (task, gate) = gated(BatchTask::new(settings()).thread_pool(pool()));
    let handle = task.spawn(many_activities(30_000)).unwrap();

    let first = gate.reports.recv().unwrap();
    assert!(first.percent < 100);
    handle.stop();
    gate.go.send(()).unwrap();
    drop(gate.go);
    let outcome = handle.join();

    let late: Vec<Progress> = gate.reports.try_iter().collect();
    assert!(late.is_empty(), "reports after the stop: {late:?}");
    assert_eq!(outcome.info.state, BatchTaskState::Failed);
    assert_eq!(outcome.info.response.as_deref(), Some("the run was stopped"));
    assert!(outcome.info.progress_percent < 100);
    assert!(outcome.result.unwrap_err().is_stopped());
}

#[test]
fn joined_task_succeeds_with_its_table_and_summary() {
    let handle = BatchTask::new(settings()).spawn(small_records()).unwrap();
    let outcome = handle.join();
    assert_eq!(outcome.info.state, BatchTaskState::Succeeded);
    assert_eq!(outcome.info.start_count, 1);
    assert_eq!(outcome.info.response.as_deref(), Some(SMALL_SUMMARY));
    assert_eq!(outcome.result.unwrap().len(), 12);
}

#[test]
fn panicking_callback_fails_the_task_instead_of_crashing() {
    let handle = BatchTask::new(settings())
        .on_progress(|_| panic!("host bug"))
        .spawn(small_records())
        .unwrap();
    let outcome = handle.join();
    assert_eq!(outcome.info.state, BatchTaskState::Failed);
    assert_eq!(
        outcome.info.response.as_deref(),
        Some("the progress callback panicked: host bug")
    );
    let kind = outcome.result.unwrap_err().into_kind();
    assert!(matches!(kind, ErrorKind::CallbackPanicked { .. }), "{kind:?}");
}

#[test]
fn panic_anywhere_in_the_task_fails_it() {
    struct Broken;

    impl RecordSource for Broken {
        fn records(&self) -> Records<'_> {
            panic!("the database went away")
        }
    }

    let outcome = BatchTask::new(settings()).spawn(Broken).unwrap().join();
    assert_eq!(outcome.info.state, BatchTaskState::Failed);
    assert_eq!(
        outcome.info.response.as_deref(),
        Some("the task panicked: the database went away")
    );
    let kind = outcome.result.unwrap_err().into_kind();
    assert!(matches!(kind, ErrorKind::TaskPanicked { .. }), "{kind:?}");
}

#[test]
fn bad_records_fail_both_ways_with_the_reason() {
    let mut records = small_records();
    records.sales.push(sale(6, f64::NAN));
    let expected = "sale 6: amount: NaN is not a finite amount";

    let blocking = BatchTask::new(settings()).run(&records.records());
    assert_eq!(blocking.info.state, BatchTaskState::Failed);
    assert_eq!(blocking.info.response.as_deref(), Some(expected));
    assert!(blocking.result.unwrap_err().is_input());

    let spawned = BatchTask::new(settings()).spawn(records).unwrap().join();
    assert_eq!(spawned.info.state, BatchTaskState::Failed);
    assert_eq!(spawned.info.response.as_deref(), Some(expected));
}

#[test]
fn dropped_handle_lets_the_task_finish_detached() {
    let handle = BatchTask::new(settings()).spawn(small_records()).unwrap();
    let monitor = handle.monitor();
    drop(handle);
    let info = monitor.wait();
    assert_eq!(info.state, BatchTaskState::Succeeded);
    assert_eq!(info.response.as_deref(), Some(SMALL_SUMMARY));
    assert_eq!(monitor.info(), info);
}

#[test]
fn monitors_and_handles_cross_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<TaskHandle>();
    shareable::<TaskMonitor>();

    let (task, gate) = gated(BatchTask::new(settings()));
    let handle = task.spawn(small_records()).unwrap();
    let monitor = handle.monitor();
    let watcher = std::thread::spawn(move || monitor.wait());
    for _ in &gate.reports {
        gate.go.send(()).unwrap();
    }
    let seen_elsewhere = watcher.join().unwrap();
    assert_eq!(seen_elsewhere, handle.join().info);
}

#[test]
fn shared_records_feed_several_tasks() {
    let records = Arc::new(small_records());
    let first =
        BatchTask::new(settings()).spawn(Arc::clone(&records)).unwrap();
    let second =
        BatchTask::new(settings()).spawn(Arc::clone(&records)).unwrap();
    let (a, b) = (first.join(), second.join());
    assert!(a.result.unwrap().iter().eq(b.result.unwrap().iter()));
    assert_ne!(a.info.id, b.info.id, "tasks get distinct ids");
    assert_eq!(records.activities.len(), 2, "the host keeps its records");
}

#[test]
fn endpoint_runs_or_spawns_as_run_as_batch_says() {
    let blocking = BatchTask::new(settings())
        .regenerate_counters(
            &RegenerateCountersRequest { run_as_batch: false },
            small_records(),
        )
        .unwrap();
    let Regeneration::Completed(outcome) = blocking else {
        panic!("RunAsBatch false must run to the end");
    };
    assert_eq!(outcome.info.state, BatchTaskState::Succeeded);
    assert_eq!(outcome.info.parameter_object["RunAsBatch"], "false");
    assert_eq!(
        outcome.info.request.as_deref(),
        Some(r#"{"RunAsBatch":false}"#)
    );

    let request: RegenerateCountersRequest =
        serde_json::from_str(r#"{"RunAsBatch": true}"#).unwrap();
    let queued = BatchTask::new(settings())
        .regenerate_counters(&request, small_records())
        .unwrap();
    assert_eq!(queued.info().parameter_object["RunAsBatch"], "true");
    let Regeneration::Running(handle) = queued else {
        panic!("RunAsBatch true must spawn");
    };
    assert_eq!(handle.join().info.state, BatchTaskState::Succeeded);
}

fn dated_info() -> BatchTaskInfo {
    BatchTaskInfo {
        id: 3,
        name: Some("RegenerateCounters".into()),
        state: BatchTaskState::Started,
        progress_percent: 40,
        created: Some(Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()),
        last_started: Some(
            Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap(),
        ),
        table_right: Some(TableRight {
            mask: TableRightMask::UR,
            reason: Some("owner".into()),
        }),
        ..BatchTaskInfo::default()
    }
}

#[test]
fn select_keeps_named_properties_in_any_case_and_nulls_the_rest() {
    let json = dated_info()
        .render_json(Some("name,STATE,progresspercent"), &TimeZone::utc())
        .unwrap();
    let object = json.as_object().unwrap();
    let names: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(names, BatchTaskInfo::PROPERTY_NAMES, "every key stays");
    assert_eq!(json["Name"], "RegenerateCounters");
    assert_eq!(json["State"], "Started");
    assert_eq!(json["ProgressPercent"], 40);
    let nulls = object.values().filter(|v| v.is_null()).count();
    assert_eq!(nulls, 21);
}

#[test]
fn select_path_keeps_one_property_of_table_right() {
    let json = dated_info()
        .render_json(Some("TableRight/Mask"), &TimeZone::utc())
        .unwrap();
    assert_eq!(
        json["TableRight"],
        json!({"Mask": "Select, Update", "Reason": null})
    );
    assert!(json["Id"].is_null());
}

#[test]
fn select_names_an_unknown_property() {
    let err = dated_info()
        .render_json(Some("Name, Progress"), &TimeZone::utc())
        .unwrap_err();
    let ErrorKind::UnknownSelect { name } = err.kind() else {
        panic!("not an unknown select: {err:?}");
    };
    assert_eq!(name, "Progress");
    let value = json!({"TableRight": {"Mask": "None"}});
    let err = select(value, "TableRight/Musk").unwrap_err();
    assert_eq!(
        err.to_string(),
        "$select names an unknown property \"TableRight/Musk\""
    );
}

#[test]
fn dates_are_utc_by_default() {
    let json = dated_info().to_json(&TimeZone::default());
    assert_eq!(json["Created"], "2026-12-01T12:00:00Z");
    assert_eq!(json["LastStarted"], "2026-07-01T12:00:00Z");
    assert_eq!(serde_json::to_value(dated_info()).unwrap(), json);
}

#[cfg(feature = "time-zones")]
#[test]
fn oslo_dates_carry_winter_and_summer_offsets() {
    let oslo = TimeZone::parse("Europe/Oslo").unwrap();
    let json = dated_info().render_json(None, &oslo).unwrap();
    assert_eq!(json["Created"], "2026-12-01T13:00:00+01:00");
    assert_eq!(json["LastStarted"], "2026-07-01T14:00:00+02:00");
}

#[test]
fn fixed_offset_dates_and_select_in_one_call() {
    let zone = TimeZone::parse("+05:30").unwrap();
    let json =
        dated_info().render_json(Some("created,lastStarted"), &zone).unwrap();
    assert_eq!(json["Created"], "2026-12-01T17:30:00+05:30");
    assert_eq!(json["LastStarted"], "2026-07-01T17:30:00+05:30");
    assert!(json["Id"].is_null());
}

#[test]
fn unknown_zones_are_errors() {
    let err = TimeZone::parse("+25:00").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::UnknownTimeZone { .. }));
    #[cfg(feature = "time-zones")]
    {
        let err = TimeZone::parse("Atlantis/Capital").unwrap_err();
        assert_eq!(err.to_string(), "unknown time zone \"Atlantis/Capital\"");
    }
}
