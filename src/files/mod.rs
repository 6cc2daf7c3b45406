//! Dataset directories and the `countervalue.csv` output file.
//!
//! # The dataset layout
//!
//! A dataset directory holds:
//!
//! - `settings.json` (required):
//!
//!   ```json
//!   {
//!     "now": "2026-12-01T00:00:00Z",
//!     "owners": {
//!       "contact": {"enabled": true, "periods": [30, 90, 365]},
//!       "project": {"enabled": true, "periods": [14, 180, null]}
//!     },
//!     "amount_classes": [
//!       {"id": 1, "name": "Small", "from": 0, "to": 10000},
//!       {"id": 2, "name": "Large", "from": 10000, "to": null}
//!     ]
//!   }
//!   ```
//!
//!   `now` is required. An owner kind that `owners` leaves out is
//!   disabled; one that it names needs both `enabled` and three
//!   `periods`, each a whole number of days above 0 or null. Without
//!   `amount_classes` there are none; each class needs all four keys,
//!   with `from` and `to` an amount or null. Unknown and repeated keys are
//!   errors.
//! - `activities.csv` with the columns `id, contact_id, person_id,
//!   project_id, record_type, direction, intent_id, status, mother_id,
//!   date`;
//! - `sales.csv`: `id, contact_id, person_id, project_id, status, done,
//!   amount, date`;
//! - `tickets.csv`: `id, contact_id, person_id, status, category_id,
//!   date`.
//!
//! A record file that does not exist means no records of its kind; one
//! with only its header row has none either.
//!
//! # The rules a record file follows
//!
//! - The first row is the header. Its columns may come in any order, but
//!   each must be one of the file's columns, appear once, and none may be
//!   missing.
//! - Every row has as many fields as the header. Rows may be quoted as
//!   CSV allows; blank lines are skipped.
//! - Ids (`id` and the `_id` columns) are whole numbers from 0 to
//!   4294967295, written as plain digits. A file's `id`s are unique.
//! - Codes (`record_type`, `direction`, `status`) must be values a record
//!   may carry: the "all" codes of the counter rows (record type 10,
//!   direction 3, sale and ticket status 1000) are errors.
//! - `done` is `true` or `false`; `amount` is a finite number such as
//!   `12`, `-0.5` or `1e6` (not `NaN` or `inf`).
//! - `date` is RFC 3339 with any offset (`2026-12-01T09:30:00+01:00`),
//!   converted to UTC, or empty for no date. It is the only field that
//!   may be empty. Dates that do not exist, such as February 30, are
//!   errors, and so are leap seconds.
//! - Files are UTF-8. A byte order mark at the very start is allowed and
//!   ignored, in every file.
//!
//! Bad input is an [`ErrorKind::Input`](crate::ErrorKind::Input) that
//! names the file and the line, and, where there is one, the column (a
//! header name, or a key path such as `owners.person.periods[1]`) and the
//! offending value; an unreadable file is an
//! [`ErrorKind::Io`](crate::ErrorKind::Io). A row with too few fields
//! names the first column it lacks; one with too many shows the first
//! extra field. In `settings.json` a JSON syntax error gives
//! `serde_json`'s line, with its column number as the column, and
//! amount classes that the engine rejects (say, two that overlap) name
//! the class that makes them invalid, as `amount_classes[1]`. A repeated
//! id is reported once the rest of the file has been read, so another
//! kind of error later in the file is reported first.
//!
//! # Threads and memory
//!
//! [`Dataset::load`] reads the record files at the same time. A file
//! without quotes, as this crate's tools write them, is read in blocks of
//! a few megabytes and each block is parsed on every thread of the current
//! rayon pool while the next one is read. A file with quotes, or with `\r`
//! alone as a line end, is read whole into memory and parsed row by row
//! with the `csv` crate. Both give the same records and the same errors.
//!
//! [`write_counter_values`] formats rows on the current rayon pool, a few
//! megabytes at a time, while the calling thread writes the previous
//! ones.
//!
//! # The output
//!
//! [`write_counter_values`] writes one row per counter row, in table
//! order, under a header row of these 21 columns, in this order:
//!
//! ```text
//! contact_id, person_id, project_id,
//! record_type, direction, intent_id,
//! sale_status, amount_class_id,
//! ticket_status, ticket_category_id,
//! total_reg, total_reg_in_period, not_completed, not_completed_in_period,
//! last_registered, last_completed, last_do_by,
//! extra1_count, extra2_count, extra3_count, extra4_count
//! ```
//!
//! The header and the rows separate fields with a comma and no space.
//! Dates are UTC, `YYYY-MM-DDTHH:MM:SSZ`, with six digits of fraction
//! before the `Z` only when the instant has one. Years outside 0 to 9999,
//! which only a host building records by hand can produce, are written
//! with a sign, as chrono writes them (`-0001`, `+10000`). A null value
//! is an empty field. Lines end with `\n`.

mod countervalue;
mod csv_read;
mod dataset;
mod date;
mod field;
mod json_lines;
mod layout;
mod settings_json;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use self::dataset::Dataset;
use crate::error::Error;
use crate::progress::StopToken;
use crate::record::{Activity, Sale, Ticket};
use crate::settings::Settings;
use crate::table::CounterTable;

/// The settings file of a dataset directory.
pub const SETTINGS_FILE: &str = "settings.json";
/// The activities file of a dataset directory.
pub const ACTIVITIES_FILE: &str = "activities.csv";
/// The sales file of a dataset directory.
pub const SALES_FILE: &str = "sales.csv";
/// The tickets file of a dataset directory.
pub const TICKETS_FILE: &str = "tickets.csv";
/// The customary name of the output file.
pub const COUNTER_VALUE_FILE: &str = "countervalue.csv";

/// Reads and checks a settings file.
///
/// # Errors
///
/// Fails with [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot
/// be read, and with [`ErrorKind::Input`](crate::ErrorKind::Input) for
/// JSON that is not valid, a key that is unknown, repeated or missing, a
/// value of the wrong kind, or settings that
/// [`SettingsBuilder::build`](crate::SettingsBuilder::build) rejects.
pub fn read_settings(path: impl AsRef<Path>) -> Result<Settings, Error> {
    settings_json::read_settings(path.as_ref())
}

/// Reads an activities file.
///
/// # Errors
///
/// Fails with [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot
/// be read (including when it does not exist), and with
/// [`ErrorKind::Input`](crate::ErrorKind::Input) for anything that breaks
/// the rules in the [module docs](self).
pub fn read_activities(
    path: impl AsRef<Path>,
) -> Result<Vec<Activity>, Error> {
    csv_read::read_records(path.as_ref())
}

/// Reads a sales file.
///
/// # Errors
///
/// As [`read_activities`].
pub fn read_sales(path: impl AsRef<Path>) -> Result<Vec<Sale>, Error> {
    csv_read::read_records(path.as_ref())
}

/// Reads a tickets file.
///
/// # Errors
///
/// As [`read_activities`].
pub fn read_tickets(path: impl AsRef<Path>) -> Result<Vec<Ticket>, Error> {
    csv_read::read_records(path.as_ref())
}

/// Writes `table` as a `countervalue.csv` file at `path`.
///
/// The rows go to a new file with a temporary name in the same directory,
/// which is renamed to `path` once it is complete, replacing any file
/// there. On an error the temporary file is removed and `path` is left as
/// it was. The file is not synced to the disk; a host that needs it to
/// survive a power failure syncs it itself.
///
/// Formatting runs on the current rayon pool while the calling thread
/// writes.
///
/// # Errors
///
/// Fails with [`ErrorKind::Io`](crate::ErrorKind::Io), naming `path`, when
/// the temporary file cannot be created, written or renamed.
///
/// # Example
///
/// ```
/// # use chrono::{TimeZone, Utc};
/// # use saint_counters::*;
/// use saint_counters::files::write_counter_values;
///
/// # let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
/// # let settings = Settings::builder(now).build()?;
/// let table = regenerate(&settings, &Records::new())?;
/// let dir = tempfile::tempdir().expect("a temporary directory");
/// let path = dir.path().join("countervalue.csv");
/// write_counter_values(&table, &path)?;
/// let text = std::fs::read_to_string(&path).expect("the file");
/// assert!(text.starts_with("contact_id,person_id,project_id,"));
/// # Ok::<(), saint_counters::Error>(())
/// ```
pub fn write_counter_values(
    table: &CounterTable,
    path: impl AsRef<Path>,
) -> Result<(), Error> {
    countervalue::write_file(table, path.as_ref(), None)
}

/// Writes `table` as a `countervalue.csv` file at `path`, as
/// [`write_counter_values`] does, unless `stop` is stopped first.
///
/// The token is checked between batches of a few hundred thousand rows;
/// once it is stopped, the temporary file is removed and `path` is left
/// as it was. A program that stops on Ctrl-C passes the token its run
/// used, so that no output is left behind whenever the user interrupts.
///
/// # Errors
///
/// As [`write_counter_values`], and
/// [`ErrorKind::Stopped`](crate::ErrorKind::Stopped) when `stop` was
/// stopped before the file was complete.
pub fn write_counter_values_until(
    table: &CounterTable,
    path: impl AsRef<Path>,
    stop: &StopToken,
) -> Result<(), Error> {
    countervalue::write_file(table, path.as_ref(), Some(stop))
}

/// Writes `table` in the `countervalue.csv` format to `out`.
///
/// The rows are written in large pieces, so `out` needs no buffering of
/// its own. After an error, `out` may hold part of the output.
///
/// # Errors
///
/// Fails with [`ErrorKind::Io`](crate::ErrorKind::Io) when writing fails;
/// as there is no file name, the error's path is `<writer>`.
pub fn write_counter_values_to(
    table: &CounterTable,
    mut out: impl Write,
) -> Result<(), Error> {
    countervalue::write_table(table, &mut out, None)
        .map_err(|e| Error::io(PathBuf::from("<writer>"), e))
}
