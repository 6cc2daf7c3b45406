//! A dataset directory: settings and records, loaded together.

use std::io;
use std::path::Path;

use super::{ACTIVITIES_FILE, SALES_FILE, SETTINGS_FILE, TICKETS_FILE};
use crate::error::{Error, ErrorKind};
use crate::record::{Activity, Sale, Ticket};
use crate::regenerate::Records;
use crate::settings::Settings;

/// The settings and records of a dataset directory.
///
/// See the [module docs](super) for the layout and the rules each file
/// follows.
///
/// # Example
///
/// ```
/// use saint_counters::files::Dataset;
///
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::write(dir.path().join("settings.json"), r#"{
/// #     "now": "2026-12-01T00:00:00Z",
/// #     "owners": {"contact": {"enabled": true, "periods": [30, 90, 365]}}
/// # }"#).unwrap();
/// # std::fs::write(
/// #     dir.path().join("tickets.csv"),
/// #     "id,contact_id,person_id,status,category_id,date\n\
/// #      1,12,0,2,0,2026-11-20T10:00:00Z\n",
/// # ).unwrap();
/// let dataset = Dataset::load(dir.path())?;
/// assert_eq!(dataset.tickets().len(), 1);
/// assert!(dataset.activities().is_empty()); // there is no activities.csv
/// let table =
///     saint_counters::regenerate(dataset.settings(), &dataset.records())?;
/// // A closed ticket feeds its status row and the "all" row.
/// assert_eq!(table.len(), 2);
/// # Ok::<(), saint_counters::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Dataset {
    settings: Settings,
    activities: Vec<Activity>,
    sales: Vec<Sale>,
    tickets: Vec<Ticket>,
}

impl Dataset {
    /// Loads the dataset in the directory `dir`.
    ///
    /// The record files are read at the same time, each on the current
    /// rayon pool. A record file that does not exist means no records of
    /// its kind.
    ///
    /// # Errors
    ///
    /// Fails with [`ErrorKind::Io`] when `settings.json` is missing or a
    /// file cannot be read, and with [`ErrorKind::Input`] naming the file,
    /// line, column and value for anything a file holds that breaks the
    /// rules in the [module docs](super). When several files are bad, the
    /// error is about the first of `settings.json`, `activities.csv`,
    /// `sales.csv` and `tickets.csv`.
    pub fn load(dir: impl AsRef<Path>) -> Result<Dataset, Error> {
        let dir = dir.as_ref();
        let ((settings, activities), (sales, tickets)) = rayon::join(
            || {
                rayon::join(
                    || super::read_settings(dir.join(SETTINGS_FILE)),
                    || {
                        optional(super::read_activities(
                            dir.join(ACTIVITIES_FILE),
                        ))
                    },
                )
            },
            || {
                rayon::join(
                    || optional(super::read_sales(dir.join(SALES_FILE))),
                    || optional(super::read_tickets(dir.join(TICKETS_FILE))),
                )
            },
        );
        Ok(Dataset {
            settings: settings?,
            activities: activities?,
            sales: sales?,
            tickets: tickets?,
        })
    }

    /// The settings, from `settings.json`.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The activities from `activities.csv`, in file order.
    pub fn activities(&self) -> &[Activity] {
        &self.activities
    }

    /// The sales from `sales.csv`, in file order.
    pub fn sales(&self) -> &[Sale] {
        &self.sales
    }

    /// The tickets from `tickets.csv`, in file order.
    pub fn tickets(&self) -> &[Ticket] {
        &self.tickets
    }

    /// The records, for [`regenerate`](crate::regenerate) or a
    /// [`Regenerator`](crate::Regenerator).
    pub fn records(&self) -> Records<'_> {
        Records::new()
            .activities(&self.activities)
            .sales(&self.sales)
            .tickets(&self.tickets)
    }
}

/// No records when the file does not exist.
fn optional<T>(read: Result<Vec<T>, Error>) -> Result<Vec<T>, Error> {
    match read {
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::Io { source, .. }
                    if source.kind() == io::ErrorKind::NotFound
            ) =>
        {
            Ok(Vec::new())
        }
        other => other,
    }
}
