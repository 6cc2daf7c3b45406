//! The zone serialized dates are rendered in, as SuperOffice's
//! `SO-TimeZone` header asks for one.

use std::fmt;

use chrono::{DateTime, FixedOffset, Offset, SecondsFormat, Utc};

use crate::error::{Error, ErrorKind};

/// The zone serialized dates are rendered in: UTC (the default), a fixed
/// offset, or an IANA zone with its daylight saving rules.
///
/// Dates are stored as instants; the zone only changes how they are
/// written. In UTC a date is written with `Z`
/// (`2026-12-01T12:00:00Z`); in any other zone with that zone's offset
/// at that instant (`2026-12-01T13:00:00+01:00` in Europe/Oslo,
/// `2026-07-01T14:00:00+02:00` in summer). A fraction of a second is
/// written only when there is one, with 3, 6 or 9 digits.
///
/// IANA names need the default cargo feature `time-zones`.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone as _, Utc};
/// use saint_counters::batch::TimeZone;
///
/// let noon = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
/// assert_eq!(TimeZone::utc().format(noon), "2026-12-01T12:00:00Z");
/// let kolkata = TimeZone::parse("+05:30")?;
/// assert_eq!(kolkata.format(noon), "2026-12-01T17:30:00+05:30");
/// # #[cfg(feature = "time-zones")]
/// assert_eq!(
///     TimeZone::parse("Europe/Oslo")?.format(noon),
///     "2026-12-01T13:00:00+01:00",
/// );
/// # Ok::<(), saint_counters::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeZone(Zone);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Zone {
    #[default]
    Utc,
    Fixed(FixedOffset),
    #[cfg(feature = "time-zones")]
    Named(chrono_tz::Tz),
}

impl TimeZone {
    /// UTC, written with `Z`.
    pub const fn utc() -> TimeZone {
        TimeZone(Zone::Utc)
    }

    /// A fixed offset from UTC, without daylight saving.
    pub const fn fixed(offset: FixedOffset) -> TimeZone {
        TimeZone(Zone::Fixed(offset))
    }

    /// The zone `name` names. Surrounding whitespace is ignored.
    ///
    /// - `Z` or `UTC`, in any case: UTC.
    /// - A fixed offset: `+02:00`, `-0330` or `+05`, hours below 24 and
    ///   minutes below 60.
    /// - An IANA zone name such as `Europe/Oslo`, with the `time-zones`
    ///   feature. The exact spelling is looked up first, then the name
    ///   in any case.
    ///
    /// SuperOffice's own zone codes (such as `NOOSL`) are not known.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownTimeZone`] when `name` is none of these, and
    /// [`ErrorKind::TimeZonesDisabled`] for a name that is not an offset
    /// when the `time-zones` feature is off.
    pub fn parse(name: &str) -> Result<TimeZone, Error> {
        let text = name.trim();
        let unknown = || {
            Error::new(ErrorKind::UnknownTimeZone { name: name.to_owned() })
        };

        if text.eq_ignore_ascii_case("Z") || text.eq_ignore_ascii_case("UTC") {
            return Ok(TimeZone::utc());
        }
        if text.starts_with(['+', '-']) {
            return parse_offset(text)
                .map(TimeZone::fixed)
                .ok_or_else(unknown);
        }
        if text.is_empty() {
            return Err(unknown());
        }

        #[cfg(feature = "time-zones")]
        {
            let zone = text.parse::<chrono_tz::Tz>().ok().or_else(|| {
                chrono_tz::TZ_VARIANTS
                    .iter()
                    .copied()
                    .find(|tz| tz.name().eq_ignore_ascii_case(text))
            });
            zone.map(|tz| TimeZone(Zone::Named(tz))).ok_or_else(unknown)
        }
        #[cfg(not(feature = "time-zones"))]
        {
            let _ = unknown;
            Err(Error::new(ErrorKind::TimeZonesDisabled {
                name: name.to_owned(),
            }))
        }
    }

    /// The zone's offset from UTC at `instant`, daylight saving included.
    #[cfg_attr(
        not(feature = "time-zones"),
        allow(unused_variables, reason = "only named zones look at it")
    )]
    pub fn offset_at(&self, instant: DateTime<Utc>) -> FixedOffset {
        match self.0 {
            Zone::Utc => Utc.fix(),
            Zone::Fixed(offset) => offset,
            #[cfg(feature = "time-zones")]
            Zone::Named(tz) => instant.with_timezone(&tz).offset().fix(),
        }
    }

    /// `instant` as RFC 3339 text in this zone: with `Z` in UTC, with
    /// the zone's offset at that instant otherwise.
    pub fn format(&self, instant: DateTime<Utc>) -> String {
        match self.0 {
            Zone::Utc => instant.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            _ => instant
                .with_timezone(&self.offset_at(instant))
                .to_rfc3339_opts(SecondsFormat::AutoSi, false),
        }
    }

    /// Whether this is UTC.
    pub fn is_utc(&self) -> bool {
        self.0 == Zone::Utc
    }
}

impl fmt::Display for TimeZone {
    /// `UTC`, the offset (`+02:00`) or the IANA name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Zone::Utc => f.write_str("UTC"),
            Zone::Fixed(offset) => write!(f, "{offset}"),
            #[cfg(feature = "time-zones")]
            Zone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

/// `+HH:MM`, `+HHMM` or `+HH` (or with `-`) as an offset.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = text.split_at(1);
    let digits: String = match rest.len() {
        5 if rest.as_bytes()[2] == b':' => {
            rest.chars().filter(|&c| c != ':').collect()
        }
        4 | 2 => rest.to_owned(),
        _ => return None,
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 =
        if digits.len() == 4 { digits[2..].parse().ok()? } else { 0 };
    if hours > 23 || minutes > 59 {
        return None;
    }
    let seconds = (hours * 60 + minutes) * 60;
    FixedOffset::east_opt(if sign == "-" { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn utc_is_the_default_and_writes_z() {
        assert!(TimeZone::default().is_utc());
        assert_eq!(
            TimeZone::default().format(at(2026, 1, 2, 3)),
            "2026-01-02T03:00:00Z"
        );
        assert!(TimeZone::parse(" utc ").unwrap().is_utc());
        assert!(TimeZone::parse("Z").unwrap().is_utc());
    }

    #[test]
    fn fractions_are_written_only_when_present() {
        let t = at(2026, 1, 2, 3) + chrono::Duration::microseconds(5);
        assert_eq!(TimeZone::utc().format(t), "2026-01-02T03:00:00.000005Z");
    }

    #[test]
    fn fixed_offsets_in_three_spellings() {
        let noon = at(2026, 6, 1, 12);
        for (name, written) in [
            ("+02:00", "2026-06-01T14:00:00+02:00"),
            ("-0330", "2026-06-01T08:30:00-03:30"),
            ("+05", "2026-06-01T17:00:00+05:00"),
            ("+00:00", "2026-06-01T12:00:00+00:00"),
        ] {
            let zone = TimeZone::parse(name).unwrap();
            assert_eq!(zone.format(noon), written, "{name}");
        }
        assert_eq!(TimeZone::parse("-03:30").unwrap().to_string(), "-03:30");
    }

    #[test]
    fn malformed_offsets_are_unknown_zones() {
        for name in ["+24:00", "+02:60", "+2", "+02:0", "-ab:cd", "+", ""] {
            let err = TimeZone::parse(name).unwrap_err();
            assert!(
                matches!(err.kind(), ErrorKind::UnknownTimeZone { name: n }
                    if n == name),
                "{name}: {err}"
            );
        }
    }

    #[cfg(feature = "time-zones")]
    #[test]
    fn oslo_follows_daylight_saving() {
        let oslo = TimeZone::parse("Europe/Oslo").unwrap();
        assert_eq!(
            oslo.format(at(2026, 12, 1, 12)),
            "2026-12-01T13:00:00+01:00"
        );
        assert_eq!(
            oslo.format(at(2026, 7, 1, 12)),
            "2026-07-01T14:00:00+02:00"
        );
        assert_eq!(oslo.to_string(), "Europe/Oslo");
        let lower = TimeZone::parse("europe/oslo").unwrap();
        assert_eq!(lower, oslo);
    }

    #[cfg(feature = "time-zones")]
    #[test]
    fn unknown_names_are_named_in_the_error() {
        let err = TimeZone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(err.to_string(), "unknown time zone \"Mars/Olympus\"");
    }

    #[cfg(not(feature = "time-zones"))]
    #[test]
    fn names_need_the_feature() {
        let err = TimeZone::parse("Europe/Oslo").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::TimeZonesDisabled { .. }));
        assert!(err.to_string().contains("`time-zones`"), "{err}");
        assert!(TimeZone::parse("+01:00").is_ok());
    }
}
