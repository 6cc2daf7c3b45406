//! Regenerates SuperOffice CRM's SAINT status counters.
//!
//! SuperOffice keeps, for every contact, person and project, counters
//! such as "outgoing phone calls in the last 90 days", "open sales in
//! amount class Large" or "date of the last completed activity". Its batch
//! job `RegenerateCounters` rebuilds them all. This crate does that job as
//! a library: it takes activities, sales and tickets, counts every counter
//! row in parallel on a rayon pool, reports progress, can be stopped, and
//! returns the rows as a [`CounterTable`].
//!
//! # Example
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use saint_counters::{
//!     Activity, AppointmentStatus, CounterKey, Direction, OwnerKind,
//!     OwnerSettings, RecordType, Records, Settings, regenerate,
//! };
//!
//! let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
//! let settings = Settings::builder(now)
//!     .owner(
//!         OwnerKind::Contact,
//!         OwnerSettings::enabled([Some(30), Some(90), Some(365)]),
//!     )
//!     .build()?;
//!
//! // A completed outgoing phone call with contact 12, ten days ago.
//! let calls = vec![Activity {
//!     id: 1,
//!     contact_id: 12,
//!     person_id: 0,
//!     project_id: 0,
//!     record_type: RecordType::Phone,
//!     direction: Direction::Outgoing,
//!     intent_id: 7,
//!     status: AppointmentStatus::Completed,
//!     mother_id: 0,
//!     date: Some(now - chrono::Duration::days(10)),
//! }];
//! let table = regenerate(&settings, &Records::new().activities(&calls))?;
//!
//! // The call feeds 8 rows: every mix of its own codes and "all" codes.
//! assert_eq!(table.len(), 8);
//! let all_calls = CounterKey {
//!     contact_id: 12,
//!     record_type: RecordType::Phone.code(),
//!     direction: Direction::ALL_CODE,
//!     ..CounterKey::default()
//! };
//! let row = table.get(&all_calls).expect("the row exists");
//! assert_eq!(row.values.total_reg_in_period, Some(1));
//! assert_eq!(row.values.not_completed, 0);
//! # Ok::<(), saint_counters::Error>(())
//! ```
//!
//! # The rules
//!
//! Each rule lives in a module named after it, without threads or I/O:
//! which records count and when one is completed ([`Activity`], [`Sale`],
//! [`Ticket`]), the fan-out into "all" rows, the period window
//! ([`in_period`]), amount classes ([`AmountClass`]) and the aggregates
//! of one row. The driver only composes them.
//!
//! Where SuperOffice's documentation is silent the crate chose:
//!
//! - "all sales" is status 1000;
//! - a sale is completed when its `done` flag is set;
//! - a ticket is completed when closed; deleted and merged tickets are not
//!   counted; ticket rows use `ticket_status` (all = 1000) and
//!   `ticket_category_id` (all = 0);
//! - a period of N days is `[now - N days, now]`, inclusive, exact
//!   instants, future dates in no period;
//! - amount classes are half-open, `from <= amount < to`;
//! - records without a date count in the totals only;
//! - rows no record feeds are not produced.
//!
//! Where the rules leave room for reading, the crate reads them so:
//!
//! - dates keep their full precision for the period rule; the "last" dates
//!   of a row keep microseconds, the precision of the output format, and a
//!   finer fraction is truncated;
//! - a future date is in no period, but is still a date of the record, so
//!   it can be a row's `last_registered`, `last_completed` or `last_do_by`;
//! - a record whose only owner ids belong to disabled owner kinds has no
//!   usable owner: it is skipped, and counted as such in the statistics.

// Every public item is documented; the lints table in Cargo.toml denies
// `missing_docs` and forbids `unsafe_code`.

pub mod batch;
#[cfg(feature = "files")]
pub mod files;

mod aggregate;
mod amount_class;
mod codes;
mod error;
mod fanout;
mod key;
mod owner;
mod period;
mod progress;
mod record;
mod regenerate;
mod settings;
mod stats;
mod table;

pub use crate::{
    amount_class::AmountClass,
    codes::{
        AppointmentStatus, Direction, RecordType, SaleStatus, TicketStatus,
    },
    error::{Error, ErrorKind},
    key::CounterKey,
    owner::{Owner, OwnerKind, PerOwnerKind},
    period::in_period,
    progress::{Progress, Stage, StopToken},
    record::{Activity, Sale, SourceKind, Ticket},
    regenerate::{Records, Regenerator, regenerate},
    settings::{OwnerSettings, Settings, SettingsBuilder},
    stats::{RunStatistics, SourceStatistics},
    table::{CounterRow, CounterTable, CounterValues, Iter},
};

// The README's library example is compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
