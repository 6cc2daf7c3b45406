//! One row's aggregates: adding a record to a row, and merging two rows.
//!
//! In the vocabulary of aggregate engines, [`Tally`] is the accumulator a
//! row's records update, [`Aggregate`] its compact state, and
//! [`Aggregate::merge`] combines the states of two disjoint record sets.

use crate::owner::Owner;

/// A date as microseconds since the Unix epoch, or [`NO_DATE`].
pub(crate) type Micros = i64;

/// The "no date" marker. It is below every real date, so taking the
/// maximum ignores it.
pub(crate) const NO_DATE: Micros = i64::MIN;

/// A record's flag for "completed", in the low bits of a packed item.
pub(crate) const COMPLETED: u64 = 1;

/// The shift of the three in-period bits (one per period) in a packed item.
pub(crate) const PERIOD_SHIFT: u32 = 1;

/// The state of one counter row.
///
/// Counts are exact `u32`s; periods that are disabled are counted as 0
/// here and shown as null by the table, which knows the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Aggregate {
    pub(crate) total: u32,
    pub(crate) not_completed: u32,
    pub(crate) in_period: [u32; 3],
    pub(crate) not_completed_in_period: [u32; 3],
    pub(crate) last_completed: Micros,
    pub(crate) last_do_by: Micros,
}

impl Aggregate {
    /// The latest date of all the row's records. Every dated record is
    /// either completed or not, so this is the later of the two "last"
    /// dates the row keeps, and needs no room of its own.
    #[inline]
    pub(crate) fn last_registered(&self) -> Micros {
        self.last_completed.max(self.last_do_by)
    }

    /// Adds the records of `other`, a disjoint set, to this row.
    ///
    /// # Errors
    ///
    /// Returns the name of the first column whose sum does not fit in
    /// `u32`; `self` is then unchanged.
    pub(crate) fn merge(
        &mut self,
        other: &Aggregate,
    ) -> Result<(), &'static str> {
        let add = |a: u32, b: u32, column| a.checked_add(b).ok_or(column);
        let mut merged = *self;
        merged.total = add(self.total, other.total, "total_reg")?;
        merged.not_completed =
            add(self.not_completed, other.not_completed, "not_completed")?;
        for k in 0..3 {
            merged.in_period[k] =
                add(self.in_period[k], other.in_period[k], IN_PERIOD[k])?;
            merged.not_completed_in_period[k] = add(
                self.not_completed_in_period[k],
                other.not_completed_in_period[k],
                NOT_COMPLETED_IN_PERIOD[k],
            )?;
        }
        merged.last_completed = self.last_completed.max(other.last_completed);
        merged.last_do_by = self.last_do_by.max(other.last_do_by);
        *self = merged;
        Ok(())
    }
}

/// The output columns of the in-period counts, per period.
pub(crate) const IN_PERIOD: [&str; 3] =
    ["total_reg_in_period", "extra1_count", "extra3_count"];

/// The output columns of the not-completed in-period counts, per period.
pub(crate) const NOT_COMPLETED_IN_PERIOD: [&str; 3] =
    ["not_completed_in_period", "extra2_count", "extra4_count"];

/// The accumulator of one row while its records are added.
///
/// It counts in `u64`, which no number of records in memory can overflow,
/// and checks the `u32` bound once, in [`Tally::finish`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tally {
    total: u64,
    not_completed: u64,
    in_period: [u64; 3],
    not_completed_in_period: [u64; 3],
    last_completed: Micros,
    last_do_by: Micros,
}

impl Tally {
    pub(crate) fn new() -> Tally {
        Tally {
            total: 0,
            not_completed: 0,
            in_period: [0; 3],
            not_completed_in_period: [0; 3],
            last_completed: NO_DATE,
            last_do_by: NO_DATE,
        }
    }

    /// Adds one record, given its flags (completed, in-period bits) and
    /// its date.
    #[inline]
    pub(crate) fn add(&mut self, flags: u64, date: Micros) {
        let completed = flags & COMPLETED;
        let open = completed ^ 1;
        self.total += 1;
        self.not_completed += open;
        for k in 0..3 {
            let inside = flags >> (PERIOD_SHIFT + k as u32) & 1;
            self.in_period[k] += inside;
            self.not_completed_in_period[k] += inside & open;
        }
        if completed == 1 {
            self.last_completed = self.last_completed.max(date);
        } else {
            self.last_do_by = self.last_do_by.max(date);
        }
    }

    /// The row's state.
    ///
    /// # Errors
    ///
    /// Returns the name of the first column whose count does not fit in
    /// `u32`, for `owner`.
    #[inline]
    pub(crate) fn finish(
        self,
        owner: Owner,
    ) -> Result<Aggregate, (Owner, &'static str)> {
        let fit =
            |n: u64, column| u32::try_from(n).map_err(|_| (owner, column));
        let mut in_period = [0; 3];
        let mut not_completed_in_period = [0; 3];
        for k in 0..3 {
            in_period[k] = fit(self.in_period[k], IN_PERIOD[k])?;
            not_completed_in_period[k] = fit(
                self.not_completed_in_period[k],
                NOT_COMPLETED_IN_PERIOD[k],
            )?;
        }
        Ok(Aggregate {
            total: fit(self.total, "total_reg")?,
            not_completed: fit(self.not_completed, "not_completed")?,
            in_period,
            not_completed_in_period,
            last_completed: self.last_completed,
            last_do_by: self.last_do_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::OwnerKind;

    const OWNER: Owner = Owner { kind: OwnerKind::Contact, id: 1 };

    #[test]
    fn tally_counts_completed_periods_and_last_dates() {
        let mut tally = Tally::new();
        // Completed, in periods 1 and 2.
        tally.add(COMPLETED | 0b011 << PERIOD_SHIFT, 50);
        // Not completed, in period 2 only.
        tally.add(0b010 << PERIOD_SHIFT, 70);
        // Not completed, no date.
        tally.add(0, NO_DATE);
        let row = tally.finish(OWNER).unwrap();
        assert_eq!(row.total, 3);
        assert_eq!(row.not_completed, 2);
        assert_eq!(row.in_period, [1, 2, 0]);
        assert_eq!(row.not_completed_in_period, [0, 1, 0]);
        assert_eq!(row.last_registered(), 70);
        assert_eq!(row.last_completed, 50);
        assert_eq!(row.last_do_by, 70);
    }

    #[test]
    fn row_of_undated_records_has_no_last_dates() {
        let mut tally = Tally::new();
        tally.add(COMPLETED, NO_DATE);
        let row = tally.finish(OWNER).unwrap();
        assert_eq!(row.last_registered(), NO_DATE);
        assert_eq!(row.last_completed, NO_DATE);
        assert_eq!(row.last_do_by, NO_DATE);
    }

    #[test]
    fn tally_past_u32_is_an_overflow_naming_owner_and_column() {
        let mut tally = Tally::new();
        tally.add(COMPLETED, 1);
        tally.total = u64::from(u32::MAX) + 1;
        assert_eq!(tally.finish(OWNER), Err((OWNER, "total_reg")));
    }

    #[test]
    fn merge_sums_counts_and_keeps_latest_dates() {
        let mut a = Tally::new();
        a.add(COMPLETED | 1 << PERIOD_SHIFT, 10);
        let mut b = Tally::new();
        b.add(0, 30);
        b.add(COMPLETED, 20);
        let mut merged = a.finish(OWNER).unwrap();
        merged.merge(&b.finish(OWNER).unwrap()).unwrap();
        let mut whole = Tally::new();
        whole.add(COMPLETED | 1 << PERIOD_SHIFT, 10);
        whole.add(0, 30);
        whole.add(COMPLETED, 20);
        assert_eq!(merged, whole.finish(OWNER).unwrap());
    }

    #[test]
    fn merge_past_u32_is_an_error_and_leaves_the_row() {
        let mut tally = Tally::new();
        tally.add(0, 5);
        let mut row = tally.finish(OWNER).unwrap();
        row.not_completed = u32::MAX;
        let before = row;
        let other = tally.finish(OWNER).unwrap();
        assert_eq!(row.merge(&other), Err("not_completed"));
        assert_eq!(row, before);
    }
}
