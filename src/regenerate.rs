//! The parallel driver: checks the records, groups them by owner and
//! counts every owner's rows on the caller's rayon pool.
//!
//! The counting rules live elsewhere ([`fan_out`], [`Tally`], the record
//! and period rules); this module only composes them. For each enabled
//! owner kind it turns every record into one small entry (owner id,
//! packed dimensions and flags, date), sorts the entries by owner, and
//! hands runs of whole owners to the pool. Each worker fans an owner's
//! entries out into their rows, sorts them and tallies equal rows, so the
//! rows come out already in table order and no global map is needed.

use std::sync::Arc;

use rayon::prelude::*;

use crate::aggregate::{COMPLETED, Micros, NO_DATE, PERIOD_SHIFT, Tally};
use crate::codes::TicketStatus;
use crate::error::{Error, ErrorKind};
use crate::fanout::{fan_out, fan_out_len};
use crate::key::{Dims, FLAG_BITS};
use crate::owner::{Owner, OwnerKind};
use crate::period::{PeriodWindows, nanos};
use crate::progress::{Callback, Progress, Reporter, Stage, StopToken};
use crate::record::{Activity, Sale, SourceKind, Ticket};
use crate::settings::Settings;
use crate::stats::{RunStatistics, SourceStatistics};
use crate::table::{CounterTable, OwnerSpan, Part, Row};

/// Records per task when the driver walks the record slices.
const RECORD_CHUNK: usize = 32 * 1024;

/// Records per owner bucket, roughly: a bucket is one counting task.
const BUCKET_RECORDS: u64 = 8 * 1024;

/// The most owner buckets per owner kind.
const MAX_BUCKETS: u64 = 512;

/// The records of one regeneration, as one or more partitions per kind.
///
/// Partitions are borrowed slices, so a host passes its records however
/// it holds them, without copying. The result does not depend on how the
/// records are split or ordered.
#[derive(Clone, Debug, Default)]
pub struct Records<'a> {
    activities: Vec<&'a [Activity]>,
    sales: Vec<&'a [Sale]>,
    tickets: Vec<&'a [Ticket]>,
}

impl<'a> Records<'a> {
    /// No records.
    pub fn new() -> Records<'a> {
        Records::default()
    }

    /// Adds a partition of activities.
    #[must_use]
    pub fn activities(mut self, partition: &'a [Activity]) -> Self {
        self.activities.push(partition);
        self
    }

    /// Adds a partition of sales.
    #[must_use]
    pub fn sales(mut self, partition: &'a [Sale]) -> Self {
        self.sales.push(partition);
        self
    }

    /// Adds a partition of tickets.
    #[must_use]
    pub fn tickets(mut self, partition: &'a [Ticket]) -> Self {
        self.tickets.push(partition);
        self
    }

    /// The number of records of every kind.
    pub fn len(&self) -> u64 {
        fn count<T>(parts: &[&[T]]) -> u64 {
            parts.iter().map(|p| p.len() as u64).sum()
        }
        count(&self.activities) + count(&self.sales) + count(&self.tickets)
    }

    /// Whether there are no records at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Regenerates counters from records with default options: the current
/// rayon pool, no progress callback, no stop token.
///
/// # Errors
///
/// As [`Regenerator::run`].
pub fn regenerate(
    settings: &Settings,
    records: &Records<'_>,
) -> Result<CounterTable, Error> {
    Regenerator::new(settings).run(records)
}

/// A configured regeneration: settings, and optionally a progress
/// callback, a stop token and a thread pool.
///
/// # Progress callback contract
///
/// - The callback is called from the thread that calls
///   [`run`](Self::run) or from any worker thread of the pool, never from
///   two threads at once. Reports arrive in order: the percent never goes
///   down.
/// - It is called when the stage or the percent changes, so a run makes a
///   few hundred calls at most, however many records it counts. A worker
///   that would report while another report is under way skips its own.
/// - A successful run's last call is [`Stage::Done`] at 100 percent. A
///   stopped or failed run never reports 100.
/// - After [`StopToken::stop`] no new call starts, but a call already
///   under way on another thread finishes.
/// - If the callback panics, the panic is caught, the run stops and
///   returns [`ErrorKind::CallbackPanicked`] with the panic's message; the
///   callback is not called again.
///
/// The callback runs on the counting threads, so it should be quick: store
/// the value, or send it on a channel.
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
/// let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()
///     .expect("a pool");
/// let stop = StopToken::new();
/// let table = Regenerator::new(&settings)
///     .thread_pool(&pool)
///     .stop_token(stop.clone())
///     .on_progress(|p| eprintln!("{}: {}%", p.stage, p.percent))
///     .run(&Records::new())?;
/// assert!(table.is_empty());
/// # Ok::<(), saint_counters::Error>(())
/// ```
pub struct Regenerator<'a> {
    settings: &'a Settings,
    progress: Option<Box<Callback<'a>>>,
    stop: StopToken,
    pool: Option<&'a rayon::ThreadPool>,
    bucket_records: u64,
}

impl<'a> Regenerator<'a> {
    /// A regeneration with `settings`, on the current rayon pool.
    pub fn new(settings: &'a Settings) -> Regenerator<'a> {
        Regenerator {
            settings,
            progress: None,
            stop: StopToken::new(),
            pool: None,
            bucket_records: BUCKET_RECORDS,
        }
    }

    /// Reports progress to `callback`; see the type's docs for when and
    /// from where it is called.
    #[must_use]
    pub fn on_progress(
        mut self,
        callback: impl Fn(&Progress) + Send + Sync + 'a,
    ) -> Self {
        self.progress = Some(Box::new(callback));
        self
    }

    /// Stops the run when `stop` is stopped.
    #[must_use]
    pub fn stop_token(mut self, stop: StopToken) -> Self {
        self.stop = stop;
        self
    }

    /// Counts on `pool` instead of the current rayon pool.
    #[must_use]
    pub fn thread_pool(mut self, pool: &'a rayon::ThreadPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Counts every counter row of `records`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidRecord`] for a sale whose amount is not
    ///   finite (the first one in partition order);
    /// - [`ErrorKind::Overflow`] when a count does not fit in `u32`;
    /// - [`ErrorKind::Stopped`] when the stop token was stopped;
    /// - [`ErrorKind::CallbackPanicked`] when the progress callback
    ///   panicked.
    pub fn run(&self, records: &Records<'_>) -> Result<CounterTable, Error> {
        match self.pool {
            Some(pool) => pool.install(|| self.run_here(records)),
            None => self.run_here(records),
        }
    }

    fn run_here(&self, records: &Records<'_>) -> Result<CounterTable, Error> {
        let settings = self.settings;
        let kinds: Vec<OwnerKind> = OwnerKind::ALL
            .into_iter()
            .filter(|&k| settings.owner(k).enabled)
            .collect();
        // Checking walks the records once, and each owner kind walks them
        // once to gather entries and once more (as entries) to count.
        let n = records.len();
        let total = n + 2 * n * kinds.len() as u64;
        let reporter =
            Reporter::new(self.progress.as_deref(), &self.stop, total);

        reporter.enter(Stage::Checking);
        let statistics = check(settings, records, &reporter)?;
        reporter.check()?;

        let mut parts = Vec::new();
        for kind in kinds {
            let stage = Stage::Counting(kind);
            reporter.enter(stage);
            let buckets = gather(
                settings,
                kind,
                records,
                self.bucket_records,
                &reporter,
            );
            reporter.check()?;
            parts.extend(count(kind, buckets, n, &reporter)?);
        }

        reporter.check()?;
        reporter.finish();
        let settings = Arc::new(settings.clone());
        Ok(CounterTable::from_parts(settings, parts, statistics))
    }
}

/// One record as seen by one owner kind.
#[derive(Clone, Copy, Debug)]
struct Entry {
    owner: u32,
    /// The record's own dimensions, with its flags in the low bits.
    item: u64,
    date: Micros,
}

/// The entry of a record with `dims`, `completed` and `date`.
fn entry(
    owner: u32,
    dims: Dims,
    completed: bool,
    date: Option<chrono::DateTime<chrono::Utc>>,
    windows: &PeriodWindows,
) -> Entry {
    let (date, periods) = match date {
        Some(d) => (d.timestamp_micros(), windows.membership(nanos(d))),
        None => (NO_DATE, 0),
    };
    let flags = (u64::from(completed) * COMPLETED)
        | (u64::from(periods) << PERIOD_SHIFT);
    Entry { owner, item: dims.0 | flags, date }
}

fn activity_entry(
    a: &Activity,
    kind: OwnerKind,
    windows: &PeriodWindows,
) -> Option<Entry> {
    let owner = a.owner_id(kind);
    if owner == 0 || a.is_invitation_child() {
        return None;
    }
    let dims =
        Dims::activity(a.record_type.code(), a.direction.code(), a.intent_id);
    Some(entry(owner, dims, a.is_completed(), a.date, windows))
}

fn sale_entry(
    s: &Sale,
    kind: OwnerKind,
    settings: &Settings,
    windows: &PeriodWindows,
) -> Option<Entry> {
    let owner = s.owner_id(kind);
    if owner == 0 {
        return None;
    }
    let dims = Dims::sale(s.status.code(), settings.amount_class_of(s.amount));
    Some(entry(owner, dims, s.is_completed(), s.date, windows))
}

fn ticket_entry(
    t: &Ticket,
    kind: OwnerKind,
    windows: &PeriodWindows,
) -> Option<Entry> {
    let owner = t.owner_id(kind);
    if owner == 0 || !t.is_counted() {
        return None;
    }
    let dims = Dims::ticket(t.status.code(), t.category_id);
    Some(entry(owner, dims, t.is_completed(), t.date, windows))
}

/// Checks the records and gathers the run's statistics.
fn check(
    settings: &Settings,
    records: &Records<'_>,
    reporter: &Reporter<'_>,
) -> Result<RunStatistics, Error> {
    let enabled = |kind: OwnerKind| settings.owner(kind).enabled;
    let usable = |ids: [u32; 3]| {
        OwnerKind::ALL.iter().zip(ids).any(|(&k, id)| id > 0 && enabled(k))
    };

    let bad_amount = records.sales.iter().find_map(|part| {
        part.par_iter().find_first(|s| !s.amount.is_finite())
    });
    if let Some(sale) = bad_amount {
        return Err(Error::new(ErrorKind::InvalidRecord {
            source: SourceKind::Sale,
            id: sale.id,
            field: "amount",
            reason: format!("{} is not a finite amount", sale.amount),
        }));
    }

    let activities = tally(&records.activities, reporter, |a, s| {
        if a.is_invitation_child() {
            s.skipped_invitation_child += 1;
        } else if usable([a.project_id, a.person_id, a.contact_id]) {
            s.counted += 1;
        } else {
            s.skipped_no_owner += 1;
        }
    });
    let sales = tally(&records.sales, reporter, |sale, s| {
        if usable([sale.project_id, sale.person_id, sale.contact_id]) {
            s.counted += 1;
        } else {
            s.skipped_no_owner += 1;
        }
    });
    let tickets = tally(&records.tickets, reporter, |t, s| match t.status {
        TicketStatus::Deleted => s.skipped_deleted += 1,
        TicketStatus::Merged => s.skipped_merged += 1,
        _ if usable([0, t.person_id, t.contact_id]) => s.counted += 1,
        _ => s.skipped_no_owner += 1,
    });
    Ok(RunStatistics { activities, sales, tickets })
}

/// Applies `classify` to every record in parallel and sums the results.
fn tally<T: Sync>(
    parts: &[&[T]],
    reporter: &Reporter<'_>,
    classify: impl Fn(&T, &mut SourceStatistics) + Sync,
) -> SourceStatistics {
    let mut total = SourceStatistics::default();
    for part in parts {
        total += part
            .par_chunks(RECORD_CHUNK)
            .map(|chunk| {
                let mut s = SourceStatistics::default();
                if reporter.halted() {
                    return s;
                }
                for record in chunk {
                    classify(record, &mut s);
                }
                s.read = chunk.len() as u64;
                reporter.advance(Stage::Checking, chunk.len() as u64);
                s
            })
            .reduce(SourceStatistics::default, |mut a, b| {
                a += b;
                a
            });
    }
    total
}

/// The entries of every record that counts for owners of `kind`, in
/// buckets of ascending owner ranges. Each bucket is a list of pieces, one
/// per task that found entries for it.
///
/// Bucketing by owner range instead of sorting all entries lets every
/// bucket be sorted and counted on its own, in parallel, and its rows
/// still come out in table order.
fn gather(
    settings: &Settings,
    kind: OwnerKind,
    records: &Records<'_>,
    bucket_records: u64,
    reporter: &Reporter<'_>,
) -> Vec<Vec<Vec<Entry>>> {
    let windows = settings.windows(kind);
    let stage = Stage::Counting(kind);
    let buckets = Buckets::sample(kind, records, bucket_records);
    let mut pieces = Vec::new();
    let sink = Sink { buckets: &buckets, reporter, stage };
    sink.gather(&mut pieces, &records.activities, |a| {
        activity_entry(a, kind, &windows)
    });
    sink.gather(&mut pieces, &records.sales, |s| {
        sale_entry(s, kind, settings, &windows)
    });
    sink.gather(&mut pieces, &records.tickets, |t| {
        ticket_entry(t, kind, &windows)
    });

    let mut by_bucket: Vec<Vec<Vec<Entry>>> =
        (0..buckets.len()).map(|_| Vec::new()).collect();
    for task in pieces {
        for (bucket, piece) in by_bucket.iter_mut().zip(task) {
            if !piece.is_empty() {
                bucket.push(piece);
            }
        }
    }
    by_bucket
}

/// Ascending owner-id ranges that split an owner kind's records into
/// buckets of similar size, whatever the spread of the ids.
struct Buckets {
    /// The first owner id of every bucket but the first.
    starts: Vec<u32>,
}

impl Buckets {
    /// Chooses the ranges from a sample of the records' owner ids.
    fn sample(
        kind: OwnerKind,
        records: &Records<'_>,
        bucket_records: u64,
    ) -> Buckets {
        let n = records.len();
        let wanted = (n / bucket_records).clamp(1, MAX_BUCKETS) as usize;
        // Sixteen samples per bucket place the cuts well enough.
        let stride = (n / (wanted as u64 * 16)).max(1) as usize;
        let mut ids = Vec::new();
        let mut sample = |ids_of: &mut dyn Iterator<Item = u32>| {
            ids.extend(ids_of.step_by(stride).filter(|&id| id > 0));
        };
        for part in &records.activities {
            sample(&mut part.iter().map(|a| a.owner_id(kind)));
        }
        for part in &records.sales {
            sample(&mut part.iter().map(|s| s.owner_id(kind)));
        }
        for part in &records.tickets {
            sample(&mut part.iter().map(|t| t.owner_id(kind)));
        }
        ids.sort_unstable();
        let Some(&lowest) = ids.first() else {
            return Buckets { starts: Vec::new() };
        };
        let mut starts: Vec<u32> =
            (1..wanted).map(|b| ids[b * ids.len() / wanted]).collect();
        starts.dedup();
        starts.retain(|&id| id > lowest);
        Buckets { starts }
    }

    fn len(&self) -> usize {
        self.starts.len() + 1
    }

    #[inline]
    fn of(&self, owner: u32) -> usize {
        self.starts.partition_point(|&start| start <= owner)
    }
}

/// Where gathered entries go: the buckets, and the run's reporter.
struct Sink<'a> {
    buckets: &'a Buckets,
    reporter: &'a Reporter<'a>,
    stage: Stage,
}

impl Sink<'_> {
    /// Appends, per task, the bucketed entries `make` gives for the
    /// records of `parts`.
    fn gather<T: Sync>(
        &self,
        pieces: &mut Vec<Vec<Vec<Entry>>>,
        parts: &[&[T]],
        make: impl Fn(&T) -> Option<Entry> + Sync,
    ) {
        for part in parts {
            pieces.par_extend(part.par_chunks(RECORD_CHUNK).map(|chunk| {
                let mut buckets = vec![Vec::new(); self.buckets.len()];
                // A halted run gathers nothing more; the caller checks.
                if self.reporter.halted() {
                    return buckets;
                }
                for entry in chunk.iter().filter_map(&make) {
                    buckets[self.buckets.of(entry.owner)].push(entry);
                }
                self.reporter.advance(self.stage, chunk.len() as u64);
                buckets
            }));
        }
    }
}

/// Counts the rows of owners of `kind`, one bucket per task.
fn count(
    kind: OwnerKind,
    buckets: Vec<Vec<Vec<Entry>>>,
    records: u64,
    reporter: &Reporter<'_>,
) -> Result<Vec<Part>, Error> {
    let stage = Stage::Counting(kind);
    let total: usize = buckets.iter().flatten().map(Vec::len).sum();
    // Progress counts each entry as its share of the kind's record walk.
    let scale = |n: usize| {
        (n as u128 * u128::from(records) / total.max(1) as u128) as u64
    };

    buckets
        .into_par_iter()
        .map(|pieces| {
            let len = pieces.iter().map(Vec::len).sum();
            let mut entries = Vec::with_capacity(len);
            for piece in pieces {
                entries.extend_from_slice(&piece);
            }
            entries.sort_unstable_by_key(|e| e.owner);
            let part = count_owners(kind, &entries, reporter)?;
            reporter.advance(stage, scale(len));
            Ok(part)
        })
        .collect()
}

/// Counts the rows of a run of whole owners.
fn count_owners(
    kind: OwnerKind,
    entries: &[Entry],
    reporter: &Reporter<'_>,
) -> Result<Part, Error> {
    let mut part = Part::new(kind);
    let flag_mask = (1 << FLAG_BITS) - 1;
    // Reserving the most rows the entries can feed spares the copies of
    // a growing vector; the pages never written are never touched, and
    // the slack is given back below.
    let most_rows =
        entries.iter().map(|e| fan_out_len(Dims(e.item & !flag_mask))).sum();
    part.rows.reserve_exact(most_rows);
    part.owners
        .reserve_exact(entries.chunk_by(|a, b| a.owner == b.owner).count());
    let mut fanned: Vec<(u64, Micros)> = Vec::new();
    for owner_entries in entries.chunk_by(|a, b| a.owner == b.owner) {
        reporter.check()?;
        let id = owner_entries[0].owner;
        fanned.clear();
        for e in owner_entries {
            let flags = e.item & flag_mask;
            fan_out(Dims(e.item - flags), |d| {
                fanned.push((d.0 | flags, e.date));
            });
        }
        fanned.sort_unstable_by_key(|f| f.0);
        for same_row in
            fanned.chunk_by(|a, b| a.0 >> FLAG_BITS == b.0 >> FLAG_BITS)
        {
            let mut tally = Tally::new();
            for &(item, date) in same_row {
                tally.add(item, date);
            }
            let owner = Owner { kind, id };
            let aggregate =
                tally.finish(owner).map_err(|(owner, column)| {
                    Error::new(ErrorKind::Overflow { owner, column })
                })?;
            let dims = Dims(same_row[0].0 >> FLAG_BITS << FLAG_BITS);
            part.rows.push(Row { dims, aggregate });
        }
        part.owners.push(OwnerSpan { id, end: part.rows.len() });
    }
    // The table keeps these for its lifetime.
    part.rows.shrink_to_fit();
    part.owners.shrink_to_fit();
    Ok(part)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::codes::{AppointmentStatus, Direction, RecordType};
    use crate::settings::OwnerSettings;

    #[test]
    fn bucket_count_and_skewed_ids_do_not_change_the_table() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let settings = Settings::builder(now)
            .owner(OwnerKind::Contact, OwnerSettings::enabled([Some(30); 3]))
            .owner(OwnerKind::Person, OwnerSettings::enabled([None; 3]))
            .build()
            .unwrap();
        // Owner ids crowd at both ends of the range, one owner is huge.
        let activities: Vec<Activity> = (1..=5000u32)
            .map(|id| Activity {
                id,
                contact_id: match id % 4 {
                    0 => u32::MAX - id % 7,
                    1 => 42,
                    _ => id % 300,
                },
                person_id: id % 11,
                project_id: 0,
                record_type: RecordType::VALUES[(id % 10) as usize],
                direction: Direction::VALUES[(id % 3) as usize],
                intent_id: id % 4,
                status: AppointmentStatus::VALUES[(id % 14) as usize],
                mother_id: 0,
                date: Some(now - Duration::hours(i64::from(id))),
            })
            .collect();
        let records = Records::new().activities(&activities);
        let one = Regenerator {
            bucket_records: u64::MAX,
            ..Regenerator::new(&settings)
        };
        let many =
            Regenerator { bucket_records: 10, ..Regenerator::new(&settings) };
        let sampled = Buckets::sample(OwnerKind::Contact, &records, 10);
        assert!(sampled.len() > 50, "{} buckets", sampled.len());
        let (one, many) =
            (one.run(&records).unwrap(), many.run(&records).unwrap());
        assert!(one.len() > 1000);
        assert!(one.iter().eq(many.iter()));
        assert!(many.parts().len() > 50);
    }
}
