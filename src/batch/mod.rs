//! The batch task: SuperOffice's
//! `POST /api/v1/Agents/Saint/RegenerateCounters` as a library, with its
//! `BatchTaskInfo` wire types.
//!
//! - [`BatchTask`] runs a regeneration the endpoint's two ways: to the
//!   end ([`BatchTask::run`], `RunAsBatch: false`), or on a thread of its
//!   own that returns a [`TaskHandle`] at once ([`BatchTask::spawn`],
//!   `RunAsBatch: true`). The handle reads a fresh [`BatchTaskInfo`] from
//!   any thread, stops the task and joins it.
//! - [`BatchTaskInfo`], [`BatchTaskState`], [`CancellationBehaviour`],
//!   [`TableRight`], [`FieldProperty`] and the masks are SuperOffice's
//!   wire types, with serde. They read SuperOffice's own output too.
//! - [`select`] applies a `$select` list to any serialized result, and
//!   [`TimeZone`] renders dates in the zone an `SO-TimeZone` header asks
//!   for; [`BatchTaskInfo::render_json`] does both.
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone as _, Utc};
//! use saint_counters::batch::{
//!     BatchTask, BatchTaskState, OwnedRecords, TimeZone,
//! };
//! use saint_counters::{
//!     Activity, AppointmentStatus, Direction, OwnerKind, OwnerSettings,
//!     RecordType, Settings,
//! };
//!
//! let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
//! let settings = Settings::builder(now)
//!     .owner(OwnerKind::Contact, OwnerSettings::enabled([Some(30); 3]))
//!     .build()?;
//! let records = OwnedRecords {
//!     activities: vec![Activity {
//!         id: 1,
//!         contact_id: 12,
//!         person_id: 0,
//!         project_id: 0,
//!         record_type: RecordType::Phone,
//!         direction: Direction::Outgoing,
//!         intent_id: 7,
//!         status: AppointmentStatus::Completed,
//!         mother_id: 0,
//!         date: Some(now),
//!     }],
//!     ..OwnedRecords::default()
//! };
//!
//! let handle = BatchTask::new(settings).id(42).spawn(records)?;
//! let outcome = handle.join();
//! assert_eq!(outcome.info.state, BatchTaskState::Succeeded);
//! assert_eq!(outcome.result?.len(), 8);
//!
//! let json = outcome
//!     .info
//!     .render_json(Some("Id,State,Response"), &TimeZone::parse("+01:00")?)?;
//! assert_eq!(json["Id"], 42);
//! assert_eq!(
//!     json["Response"],
//!     "8 counter rows: 8 contact, 0 person, 0 project; \
//!      1 records read, 0 skipped",
//! );
//! assert!(json["Created"].is_null());
//! # Ok::<(), saint_counters::Error>(())
//! ```

mod info;
mod rights;
mod select;
mod state;
mod task;
mod time_zone;

pub use self::{
    info::{BatchTaskInfo, RegenerateCountersRequest},
    rights::{
        FieldProperty, FieldRight, FieldRightMask, TableRight, TableRightMask,
    },
    select::select,
    state::{BatchTaskState, CancellationBehaviour},
    task::{
        BatchOutcome, BatchTask, OwnedRecords, RecordSource, Regeneration,
        TaskHandle, TaskMonitor,
    },
    time_zone::TimeZone,
};
