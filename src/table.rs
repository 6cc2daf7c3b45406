//! The counter table: every row a regeneration produced, in output order.

use std::cmp::Ordering;
use std::iter::FusedIterator;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::aggregate::{Aggregate, Micros, NO_DATE};
use crate::error::{Error, ErrorKind};
use crate::key::{CounterKey, Dims};
use crate::owner::{Owner, OwnerKind, PerOwnerKind};
use crate::settings::Settings;
use crate::stats::RunStatistics;

/// The values of one counter row, as SuperOffice's CounterValue columns
/// hold them.
///
/// The in-period columns are `None` when their period is disabled for the
/// row's owner kind; the "last" dates are `None` when no record qualifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CounterValues {
    /// Records that feed the row.
    pub total_reg: u32,
    /// Of them, those in period 1.
    pub total_reg_in_period: Option<u32>,
    /// Records not completed.
    pub not_completed: u32,
    /// Of them, those in period 1.
    pub not_completed_in_period: Option<u32>,
    /// The latest date of all the row's records.
    pub last_registered: Option<DateTime<Utc>>,
    /// The latest date of its completed records.
    pub last_completed: Option<DateTime<Utc>>,
    /// The latest date of its records not completed.
    pub last_do_by: Option<DateTime<Utc>>,
    /// Records in period 2.
    pub extra1_count: Option<u32>,
    /// Records not completed, in period 2.
    pub extra2_count: Option<u32>,
    /// Records in period 3.
    pub extra3_count: Option<u32>,
    /// Records not completed, in period 3.
    pub extra4_count: Option<u32>,
}

/// One counter row: its key and its values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CounterRow {
    /// The owner and code dimensions.
    pub key: CounterKey,
    /// The counts and dates.
    pub values: CounterValues,
}

/// A row inside the table: packed dimensions and aggregates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) dims: Dims,
    pub(crate) aggregate: Aggregate,
}

/// Where one owner's rows end within its part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OwnerSpan {
    pub(crate) id: u32,
    pub(crate) end: usize,
}

/// A run of whole owners of one kind, in order, with their rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) kind: OwnerKind,
    pub(crate) owners: Vec<OwnerSpan>,
    pub(crate) rows: Vec<Row>,
}

impl Part {
    pub(crate) fn new(kind: OwnerKind) -> Part {
        Part { kind, owners: Vec::new(), rows: Vec::new() }
    }

    /// Each owner's id and rows, in order.
    pub(crate) fn owners(&self) -> impl Iterator<Item = (u32, &[Row])> {
        let mut start = 0;
        self.owners.iter().map(move |span| {
            let rows = &self.rows[start..span.end];
            start = span.end;
            (span.id, rows)
        })
    }
}

/// Every counter row of a regeneration, sorted by SPEC's ten key columns.
///
/// The table is immutable. Iterate it with [`iter`](Self::iter), look a
/// row up with [`get`](Self::get), and combine tables counted from
/// disjoint records with [`merge`](Self::merge).
#[derive(Clone, Debug)]
pub struct CounterTable {
    settings: Arc<Settings>,
    parts: Vec<Part>,
    rows_per_kind: PerOwnerKind<u64>,
    statistics: RunStatistics,
}

impl CounterTable {
    /// Assembles a table from parts that are already in output order.
    pub(crate) fn from_parts(
        settings: Arc<Settings>,
        parts: Vec<Part>,
        statistics: RunStatistics,
    ) -> CounterTable {
        let mut rows_per_kind = PerOwnerKind::default();
        let parts: Vec<Part> =
            parts.into_iter().filter(|p| !p.rows.is_empty()).collect();
        for part in &parts {
            *rows_per_kind.get_mut(part.kind) += part.rows.len() as u64;
        }
        CounterTable { settings, parts, rows_per_kind, statistics }
    }

    /// The number of rows.
    pub fn len(&self) -> u64 {
        OwnerKind::ALL.iter().map(|&k| self.rows_per_kind.get(k)).sum()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of rows that belong to owners of `kind`.
    pub fn rows_per_owner_kind(&self, kind: OwnerKind) -> u64 {
        *self.rows_per_kind.get(kind)
    }

    /// What the run did with its records.
    pub fn statistics(&self) -> &RunStatistics {
        &self.statistics
    }

    /// The settings the table was counted with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The rows, in the order of SPEC's ten key columns.
    pub fn iter(&self) -> Iter<'_> {
        Iter { table: self, part: 0, owner: 0, row: 0, left: self.len() }
    }

    /// The row with `key`, if the table has it.
    pub fn get(&self, key: &CounterKey) -> Option<CounterRow> {
        let owner = key.owner()?;
        let dims = key.dims()?;
        // Parts are in (kind, id) order and never split an owner.
        let after = self.parts.partition_point(|p| {
            let last = p.owners.last().map_or(0, |s| s.id);
            (p.kind, last) < (owner.kind, owner.id)
        });
        let part = self.parts.get(after)?;
        if part.kind != owner.kind {
            return None;
        }
        let at = part.owners.binary_search_by_key(&owner.id, |s| s.id).ok()?;
        let start = if at == 0 { 0 } else { part.owners[at - 1].end };
        let rows = &part.rows[start..part.owners[at].end];
        let row = rows.binary_search_by_key(&dims, |r| r.dims).ok()?;
        Some(self.row(owner, &rows[row]))
    }

    /// Combines two tables counted with the same settings from disjoint
    /// sets of records into the table of their union: counts add up, the
    /// "last" dates are the later of the two, and the statistics add up.
    ///
    /// This lets a host count a large database in shards, on several
    /// processes or machines, and combine the parts.
    ///
    /// # Errors
    ///
    /// Fails with [`ErrorKind::SettingsMismatch`] when the two tables were
    /// counted with different settings, and with [`ErrorKind::Overflow`]
    /// when a sum does not fit in `u32`.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::{TimeZone, Utc};
    /// # use saint_counters::*;
    /// # let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    /// # let settings = Settings::builder(now)
    /// #     .owner(OwnerKind::Contact, OwnerSettings::enabled([Some(30); 3]))
    /// #     .build()?;
    /// # let call = |id| Activity {
    /// #     id, contact_id: 1, person_id: 0, project_id: 0,
    /// #     record_type: RecordType::Phone, direction: Direction::Outgoing,
    /// #     intent_id: 0, status: AppointmentStatus::Completed,
    /// #     mother_id: 0, date: Some(now),
    /// # };
    /// let (first, second) = (vec![call(1)], vec![call(2)]);
    /// let a = regenerate(&settings, &Records::new().activities(&first))?;
    /// let b = regenerate(&settings, &Records::new().activities(&second))?;
    /// let both = regenerate(
    ///     &settings,
    ///     &Records::new().activities(&first).activities(&second),
    /// )?;
    /// let merged = a.merge(&b)?;
    /// assert!(merged.iter().eq(both.iter()));
    /// # Ok::<(), saint_counters::Error>(())
    /// ```
    pub fn merge(&self, other: &CounterTable) -> Result<CounterTable, Error> {
        if self.settings != other.settings {
            return Err(Error::new(ErrorKind::SettingsMismatch));
        }
        let mut parts = Vec::new();
        for kind in OwnerKind::ALL {
            let left: Vec<_> = self.owners_of(kind).collect();
            let right: Vec<_> = other.owners_of(kind).collect();
            let mut part = Part::new(kind);
            let (mut l, mut r) = (0, 0);
            while l < left.len() || r < right.len() {
                let order = match (left.get(l), right.get(r)) {
                    (Some(a), Some(b)) => a.0.cmp(&b.0),
                    (Some(_), None) => Ordering::Less,
                    _ => Ordering::Greater,
                };
                let id = match order {
                    Ordering::Less => {
                        part.rows.extend_from_slice(left[l].1);
                        l += 1;
                        left[l - 1].0
                    }
                    Ordering::Greater => {
                        part.rows.extend_from_slice(right[r].1);
                        r += 1;
                        right[r - 1].0
                    }
                    Ordering::Equal => {
                        let id = left[l].0;
                        merge_rows(&mut part.rows, left[l].1, right[r].1)
                            .map_err(|column| overflow(kind, id, column))?;
                        l += 1;
                        r += 1;
                        id
                    }
                };
                part.owners.push(OwnerSpan { id, end: part.rows.len() });
            }
            parts.push(part);
        }
        let mut statistics = self.statistics;
        statistics += other.statistics;
        Ok(CounterTable::from_parts(self.settings.clone(), parts, statistics))
    }

    /// The parts, in output order, for writers.
    #[cfg_attr(not(feature = "files"), allow(dead_code))]
    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Each owner of `kind` with its rows, in order.
    fn owners_of(
        &self,
        kind: OwnerKind,
    ) -> impl Iterator<Item = (u32, &[Row])> {
        self.parts
            .iter()
            .filter(move |p| p.kind == kind)
            .flat_map(Part::owners)
    }

    /// The public form of an inside row.
    pub(crate) fn row(&self, owner: Owner, row: &Row) -> CounterRow {
        let periods = self.settings.owner(owner.kind).periods;
        let a = &row.aggregate;
        let count = |k: usize, n: u32| periods[k].map(|_| n);
        CounterRow {
            key: CounterKey::new(owner, row.dims),
            values: CounterValues {
                total_reg: a.total,
                total_reg_in_period: count(0, a.in_period[0]),
                not_completed: a.not_completed,
                not_completed_in_period: count(
                    0,
                    a.not_completed_in_period[0],
                ),
                last_registered: date(a.last_registered()),
                last_completed: date(a.last_completed),
                last_do_by: date(a.last_do_by),
                extra1_count: count(1, a.in_period[1]),
                extra2_count: count(1, a.not_completed_in_period[1]),
                extra3_count: count(2, a.in_period[2]),
                extra4_count: count(2, a.not_completed_in_period[2]),
            },
        }
    }
}

fn overflow(kind: OwnerKind, id: u32, column: &'static str) -> Error {
    Error::new(ErrorKind::Overflow { owner: Owner { kind, id }, column })
}

/// Appends the merge of two sorted row lists of one owner to `out`.
fn merge_rows(
    out: &mut Vec<Row>,
    left: &[Row],
    right: &[Row],
) -> Result<(), &'static str> {
    let (mut l, mut r) = (0, 0);
    while l < left.len() && r < right.len() {
        match left[l].dims.cmp(&right[r].dims) {
            Ordering::Less => {
                out.push(left[l]);
                l += 1;
            }
            Ordering::Greater => {
                out.push(right[r]);
                r += 1;
            }
            Ordering::Equal => {
                let mut row = left[l];
                row.aggregate.merge(&right[r].aggregate)?;
                out.push(row);
                l += 1;
                r += 1;
            }
        }
    }
    out.extend_from_slice(&left[l..]);
    out.extend_from_slice(&right[r..]);
    Ok(())
}

/// A date from its microseconds, or `None` for [`NO_DATE`].
pub(crate) fn date(micros: Micros) -> Option<DateTime<Utc>> {
    if micros == NO_DATE {
        None
    } else {
        DateTime::from_timestamp_micros(micros)
    }
}

impl<'a> IntoIterator for &'a CounterTable {
    type Item = CounterRow;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The rows of a [`CounterTable`], in order; see [`CounterTable::iter`].
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    table: &'a CounterTable,
    part: usize,
    owner: usize,
    row: usize,
    left: u64,
}

impl Iterator for Iter<'_> {
    type Item = CounterRow;

    fn next(&mut self) -> Option<CounterRow> {
        loop {
            let part = self.table.parts.get(self.part)?;
            if self.row == part.rows.len() {
                self.part += 1;
                self.owner = 0;
                self.row = 0;
                continue;
            }
            while part.owners[self.owner].end <= self.row {
                self.owner += 1;
            }
            let owner =
                Owner { kind: part.kind, id: part.owners[self.owner].id };
            let row = self.table.row(owner, &part.rows[self.row]);
            self.row += 1;
            self.left -= 1;
            return Some(row);
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.left).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl FusedIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_row_stays_at_56_bytes() {
        // Memory grows with the rows produced; a wider row costs every
        // large regeneration.
        assert_eq!(std::mem::size_of::<Row>(), 56);
    }
}
