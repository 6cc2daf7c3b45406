//! The period rule: when a date is "in period".
//!
//! A date is in a period of `N` days when `now - N * 86400 s <= date <=
//! now`, both ends inclusive and compared as exact instants. A future date
//! is in no period, and neither is a missing one.

use chrono::{DateTime, Utc};

/// An instant as nanoseconds since the Unix epoch. `i128` holds every
/// instant chrono can represent, so no period arithmetic can overflow.
pub(crate) fn nanos(instant: DateTime<Utc>) -> i128 {
    i128::from(instant.timestamp()) * 1_000_000_000
        + i128::from(instant.timestamp_subsec_nanos())
}

const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;

/// The windows of one owner kind's three periods, measured back from
/// `now`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PeriodWindows {
    now: i128,
    starts: [Option<i128>; 3],
}

impl PeriodWindows {
    pub(crate) fn new(now: DateTime<Utc>, days: [Option<u32>; 3]) -> Self {
        let now = nanos(now);
        let starts =
            days.map(|d| d.map(|d| now - i128::from(d) * NANOS_PER_DAY));
        PeriodWindows { now, starts }
    }

    /// A bit per period (bit 0 for period 1) that is set when the date,
    /// given in nanoseconds, lies in that period.
    pub(crate) fn membership(&self, date: i128) -> u8 {
        if date > self.now {
            return 0;
        }
        let mut bits = 0;
        for (k, start) in self.starts.iter().enumerate() {
            if let Some(start) = *start
                && start <= date
            {
                bits |= 1 << k;
            }
        }
        bits
    }
}

/// Whether `date` lies in a period of `days` days ending at `now`.
///
/// This is the rule every in-period column follows, offered for hosts
/// that want to explain a counter: `now - days * 86400 s <= date <= now`,
/// both ends inclusive.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use saint_counters::in_period;
///
/// let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
/// let edge = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
/// assert!(in_period(now, 30, edge));
/// assert!(in_period(now, 30, now));
/// assert!(!in_period(now, 29, edge));
/// ```
pub fn in_period(now: DateTime<Utc>, days: u32, date: DateTime<Utc>) -> bool {
    PeriodWindows::new(now, [Some(days), None, None]).membership(nanos(date))
        & 1
        == 1
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
    }

    #[test]
    fn both_ends_of_the_window_are_inside() {
        let start = now() - Duration::days(30);
        assert!(in_period(now(), 30, start));
        assert!(in_period(now(), 30, now()));
    }

    #[test]
    fn one_nanosecond_outside_either_end_is_outside() {
        let start = now() - Duration::days(30);
        assert!(!in_period(now(), 30, start - Duration::nanoseconds(1)));
        assert!(!in_period(now(), 30, now() + Duration::nanoseconds(1)));
    }

    #[test]
    fn future_date_is_in_no_period() {
        let windows =
            PeriodWindows::new(now(), [Some(30), Some(90), Some(365)]);
        let future = now() + Duration::days(1);
        assert_eq!(windows.membership(nanos(future)), 0);
    }

    #[test]
    fn membership_sets_a_bit_per_period_and_none_for_disabled() {
        let windows = PeriodWindows::new(now(), [Some(30), None, Some(365)]);
        let date = now() - Duration::days(60);
        assert_eq!(windows.membership(nanos(date)), 0b100);
        let date = now() - Duration::days(10);
        assert_eq!(windows.membership(nanos(date)), 0b101);
    }

    #[test]
    fn longest_period_does_not_overflow() {
        let windows = PeriodWindows::new(now(), [Some(u32::MAX), None, None]);
        let old = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(windows.membership(nanos(old)), 1);
    }
}
