//! Dates in files: RFC 3339 in, `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` out.
//!
//! Both directions are hand-written for speed and checked against chrono
//! in the tests: a dataset holds millions of dates, and an output file
//! three for every row.

use std::fmt;

use chrono::{DateTime, Utc};

/// Why a date field is not an RFC 3339 date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateError {
    /// The text does not have the shape of one.
    Syntax,
    /// A month outside 1 to 12.
    Month(u8),
    /// A day the month does not have.
    Day { year: u16, month: u8, day: u8 },
    /// An hour above 23.
    Hour(u8),
    /// A minute above 59.
    Minute(u8),
    /// Second 60.
    LeapSecond,
    /// A second above 60.
    Second(u8),
    /// An offset whose hours are above 23 or minutes above 59.
    Offset,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DateError::Syntax => f.write_str(
                "not an RFC 3339 date and time such as \
                 2026-12-01T08:30:00Z or 2026-12-01T09:30:00.5+01:00",
            ),
            DateError::Month(m) => write!(f, "month {m} does not exist"),
            DateError::Day { year, month, day } => {
                write!(f, "{year:04}-{month:02} has no day {day}")
            }
            DateError::Hour(h) => write!(f, "hour {h} does not exist"),
            DateError::Minute(m) => write!(f, "minute {m} does not exist"),
            DateError::LeapSecond => {
                f.write_str("leap seconds (second 60) are not supported")
            }
            DateError::Second(s) => write!(f, "second {s} does not exist"),
            DateError::Offset => f.write_str(
                "the offset's hours must be below 24 and its minutes \
                 below 60",
            ),
        }
    }
}

const SECONDS_PER_DAY: i64 = 86_400;
const MICROS_PER_SECOND: i64 = 1_000_000;

/// Parses an RFC 3339 date and time, with any offset, into UTC.
///
/// The accepted form is `YYYY-MM-DDTHH:MM:SS`, an optional fraction of
/// one or more digits (digits past the ninth are ignored), then `Z` or
/// `+HH:MM` / `-HH:MM`. As RFC 3339 allows, `T` and `Z` may be lower
/// case and `T` may be a space. Leap seconds are rejected: the engine
/// works with instants, which have none.
pub(crate) fn parse_rfc3339(text: &[u8]) -> Result<DateTime<Utc>, DateError> {
    // The fixed part: 19 bytes of date and time, separators included.
    if text.len() < 20 {
        return Err(DateError::Syntax);
    }
    let (fixed, rest) = text.split_at(19);
    if fixed[4] != b'-'
        || fixed[7] != b'-'
        || !matches!(fixed[10], b'T' | b't' | b' ')
        || fixed[13] != b':'
        || fixed[16] != b':'
    {
        return Err(DateError::Syntax);
    }
    let year = u16::from(two_digits(fixed, 0)?) * 100
        + u16::from(two_digits(fixed, 2)?);
    let month = two_digits(fixed, 5)?;
    let day = two_digits(fixed, 8)?;
    let hour = two_digits(fixed, 11)?;
    let minute = two_digits(fixed, 14)?;
    let second = two_digits(fixed, 17)?;

    let (nanos, rest) = fraction(rest)?;
    let offset_seconds = offset(rest)?;

    if !(1..=12).contains(&month) {
        return Err(DateError::Month(month));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(DateError::Day { year, month, day });
    }
    if hour > 23 {
        return Err(DateError::Hour(hour));
    }
    if minute > 59 {
        return Err(DateError::Minute(minute));
    }
    match second {
        0..=59 => {}
        60 => return Err(DateError::LeapSecond),
        _ => return Err(DateError::Second(second)),
    }

    let days = days_from_civil(i64::from(year), month, day);
    let seconds = days * SECONDS_PER_DAY
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second)
        - offset_seconds;
    // Years 0 to 9999 with offsets below a day are well inside chrono's
    // range; the check only guards that reasoning.
    DateTime::from_timestamp(seconds, nanos).ok_or(DateError::Syntax)
}

fn two_digits(bytes: &[u8], at: usize) -> Result<u8, DateError> {
    let (tens, ones) = (bytes[at].wrapping_sub(b'0'), bytes[at + 1]);
    let ones = ones.wrapping_sub(b'0');
    if tens > 9 || ones > 9 {
        return Err(DateError::Syntax);
    }
    Ok(tens * 10 + ones)
}

/// The nanoseconds of an optional fraction, and the text after it.
fn fraction(text: &[u8]) -> Result<(u32, &[u8]), DateError> {
    let Some((&b'.', digits)) = text.split_first() else {
        return Ok((0, text));
    };
    let count = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if count == 0 {
        return Err(DateError::Syntax);
    }
    let mut nanos = 0;
    for k in 0..9 {
        let digit =
            digits.get(k).filter(|_| k < count).map_or(0, |d| d - b'0');
        nanos = nanos * 10 + u32::from(digit);
    }
    Ok((nanos, &digits[count..]))
}

/// The offset east of UTC in seconds; `text` must be exactly the offset.
fn offset(text: &[u8]) -> Result<i64, DateError> {
    match text {
        [b'Z' | b'z'] => Ok(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = two_digits(&[*h1, *h2], 0)?;
            let minutes = two_digits(&[*m1, *m2], 0)?;
            if hours > 23 || minutes > 59 {
                return Err(DateError::Offset);
            }
            let seconds = i64::from(hours) * 3600 + i64::from(minutes) * 60;
            Ok(if *sign == b'-' { -seconds } else { seconds })
        }
        _ => Err(DateError::Syntax),
    }
}

fn is_leap_year(year: u16) -> bool {
    year.is_multiple_of(4)
        && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1 to 12,
/// `day` valid for it).
///
/// The calendar repeats every 400 years (146,097 days); counting years
/// from March puts the leap day at the end of a year, so the day of the
/// year follows from the month by one linear formula.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian year, month and day of a day count since
/// 1970-01-01; the inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524
        - day_of_era / 146_096)
        / 365;
    let day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u8, day as u8)
}

/// "00" to "99", so that two digits cost one copy.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

fn push_pair(out: &mut Vec<u8>, value: u8) {
    let at = usize::from(value) * 2;
    out.extend_from_slice(&PAIRS[at..at + 2]);
}

/// Appends `value` in decimal.
pub(crate) fn push_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(decimal(value, &mut [0; 10]));
}

/// Writes `value` in decimal at the end of `digits`, two digits at a
/// time, and returns the part written.
pub(crate) fn decimal(value: u32, digits: &mut [u8; 10]) -> &[u8] {
    let mut start = digits.len();
    let mut rest = value;
    while rest >= 100 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        start -= 2;
        digits[start..start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if rest >= 10 {
        let pair = rest as usize * 2;
        start -= 2;
        digits[start..start + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        start -= 1;
        digits[start] = b'0' + rest as u8;
    }
    &digits[start..]
}

/// Appends the instant `micros` (microseconds since the Unix epoch) as
/// `YYYY-MM-DDTHH:MM:SSZ`, with `.ffffff` before the `Z` only when the
/// instant has a fraction of a second.
///
/// Years outside 0 to 9999, which RFC 3339 cannot express, are written
/// as chrono writes them: with a sign, and at least four digits
/// (`-0001`, `+10000`).
pub(crate) fn push_date(out: &mut Vec<u8>, micros: i64) {
    let seconds = micros.div_euclid(MICROS_PER_SECOND);
    let fraction = micros.rem_euclid(MICROS_PER_SECOND) as u32;
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY) as u32;
    let (year, month, day) = civil_from_days(days);

    if (0..=9999).contains(&year) {
        push_pair(out, (year / 100) as u8);
        push_pair(out, (year % 100) as u8);
    } else {
        out.push(if year < 0 { b'-' } else { b'+' });
        let abs = year.unsigned_abs();
        if abs < 1000 {
            // Zero-padded to four digits, as in "-0001".
            push_pair(out, (abs / 100) as u8);
            push_pair(out, (abs % 100) as u8);
        } else {
            push_u32(out, abs as u32);
        }
    }
    out.push(b'-');
    push_pair(out, month);
    out.push(b'-');
    push_pair(out, day);
    out.push(b'T');
    push_pair(out, (second_of_day / 3600) as u8);
    out.push(b':');
    push_pair(out, (second_of_day / 60 % 60) as u8);
    out.push(b':');
    push_pair(out, (second_of_day % 60) as u8);
    if fraction != 0 {
        out.push(b'.');
        push_pair(out, (fraction / 10_000) as u8);
        push_pair(out, (fraction / 100 % 100) as u8);
        push_pair(out, (fraction % 100) as u8);
    }
    out.push(b'Z');
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};
    use proptest::prelude::*;

    use super::*;

    fn formatted(micros: i64) -> String {
        let mut out = Vec::new();
        push_date(&mut out, micros);
        String::from_utf8(out).unwrap()
    }

    /// chrono's rendering of the same instant in the same format.
    fn chrono_formatted(micros: i64) -> String {
        let date = DateTime::from_timestamp_micros(micros).unwrap();
        if micros.rem_euclid(1_000_000) == 0 {
            date.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else {
            date.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
        }
    }

    fn parsed(text: &str) -> Result<DateTime<Utc>, DateError> {
        parse_rfc3339(text.as_bytes())
    }

    #[test]
    fn dates_are_formatted_with_a_fraction_only_when_there_is_one() {
        let date = Utc.with_ymd_and_hms(2026, 12, 1, 8, 5, 9).unwrap();
        let micros = date.timestamp_micros();
        assert_eq!(formatted(micros), "2026-12-01T08:05:09Z");
        assert_eq!(formatted(micros + 1), "2026-12-01T08:05:09.000001Z");
        assert_eq!(formatted(micros + 500_000), "2026-12-01T08:05:09.500000Z");
        assert_eq!(formatted(0), "1970-01-01T00:00:00Z");
        assert_eq!(formatted(-1), "1969-12-31T23:59:59.999999Z");
    }

    #[test]
    fn years_outside_four_digits_carry_a_sign() {
        let early = NaiveDate::from_ymd_opt(-1, 3, 1).unwrap();
        let early = early.and_hms_opt(0, 0, 0).unwrap().and_utc();
        assert_eq!(
            formatted(early.timestamp_micros()),
            "-0001-03-01T00:00:00Z"
        );
        let late = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            formatted(late.timestamp_micros()),
            "+10000-01-01T00:00:00Z"
        );
    }

    #[test]
    fn formatting_agrees_with_chrono_at_the_ends_of_its_range() {
        for micros in [
            DateTime::<Utc>::MIN_UTC.timestamp_micros(),
            DateTime::<Utc>::MAX_UTC.timestamp_micros(),
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap().timestamp_micros(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
                .unwrap()
                .timestamp_micros(),
            Utc.with_ymd_and_hms(2000, 2, 29, 12, 0, 0)
                .unwrap()
                .timestamp_micros(),
        ] {
            assert_eq!(formatted(micros), chrono_formatted(micros));
        }
    }

    #[test]
    fn integers_are_formatted_as_std_does() {
        let mut values = vec![0, 9, 10, 99, 100, 999, 1000, u32::MAX];
        let mut power = 1u32;
        while let Some(next) = power.checked_mul(10) {
            values.extend([next - 1, next, next + 1]);
            power = next;
        }
        for value in values {
            let mut out = Vec::new();
            push_u32(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(
            parsed("2026-02-30T00:00:00Z"),
            Err(DateError::Day { year: 2026, month: 2, day: 30 })
        );
        assert!(parsed("2024-02-29T00:00:00Z").is_ok());
        assert!(parsed("2100-02-29T00:00:00Z").is_err());
        assert!(parsed("2000-02-29T00:00:00Z").is_ok());
        assert_eq!(parsed("2026-13-01T00:00:00Z"), Err(DateError::Month(13)));
        assert_eq!(
            parsed("2026-04-31T00:00:00Z"),
            Err(DateError::Day { year: 2026, month: 4, day: 31 })
        );
        assert_eq!(parsed("2026-01-01T24:00:00Z"), Err(DateError::Hour(24)));
        assert_eq!(parsed("2026-01-01T00:60:00Z"), Err(DateError::Minute(60)));
        assert_eq!(parsed("2026-01-01T00:00:60Z"), Err(DateError::LeapSecond));
        assert_eq!(
            parsed("2026-01-01T00:00:00+24:00"),
            Err(DateError::Offset)
        );
    }

    #[test]
    fn offsets_convert_to_utc_and_fractions_keep_nanoseconds() {
        let date = parsed("2026-01-01T01:30:00.123456789+01:30").unwrap();
        let expected = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(date, expected);
        let date = parsed("2025-12-31t23:00:00-01:00").unwrap();
        assert_eq!(date, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let date = parsed("2026-01-01 00:00:00.5z").unwrap();
        assert_eq!(date.timestamp_subsec_millis(), 500);
    }

    #[test]
    fn malformed_text_is_a_syntax_error() {
        for text in [
            "",
            "2026-01-01",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00Z",
            "2026-1-01T00:00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00+01",
            "2026-01-01T00:00:00Z ",
            " 2026-01-01T00:00:00Z",
            "2026-01-01X00:00:00Z",
            "+2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00UTC",
        ] {
            assert_eq!(parsed(text), Err(DateError::Syntax), "{text:?}");
        }
    }

    fn digits(
        range: std::ops::RangeInclusive<u32>,
        width: usize,
    ) -> impl Strategy<Value = String> {
        range.prop_map(move |v| format!("{v:0width$}"))
    }

    prop_compose! {
        /// Date-like text: mostly well formed, with values that are
        /// sometimes out of range and separators that are sometimes
        /// wrong.
        fn date_text()(
            year in digits(0..=9999, 4),
            month in digits(0..=13, 2),
            day in digits(0..=32, 2),
            separator in prop::sample::select(vec!["T", "t", " ", "x"]),
            hour in digits(0..=24, 2),
            minute in digits(0..=60, 2),
            // Second 60 is a leap second, which chrono accepts and this
            // parser rejects on purpose; it has a test of its own.
            second in digits(0..=59, 2),
            fraction in prop::option::of("[0-9]{0,12}"),
            offset in prop::sample::select(vec![
                "Z".to_owned(), "z".to_owned(), "+00:00".to_owned(),
                "-00:00".to_owned(), "+05:30".to_owned(),
                "-23:59".to_owned(), "+24:00".to_owned(),
                "+01:60".to_owned(), "+1:00".to_owned(), String::new(),
            ]),
        ) -> String {
            let fraction = fraction.map(|f| format!(".{f}"))
                .unwrap_or_default();
            format!(
                "{year}-{month}-{day}{separator}{hour}:{minute}:{second}\
                 {fraction}{offset}"
            )
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn parsing_agrees_with_chrono(text in date_text()) {
            let ours = parsed(&text).ok();
            let theirs = DateTime::parse_from_rfc3339(&text)
                .ok()
                .map(|d| d.with_timezone(&Utc));
            prop_assert_eq!(ours, theirs, "{}", text);
        }

        #[test]
        fn formatting_agrees_with_chrono(
            micros in DateTime::<Utc>::MIN_UTC.timestamp_micros()
                ..=DateTime::<Utc>::MAX_UTC.timestamp_micros(),
        ) {
            prop_assert_eq!(formatted(micros), chrono_formatted(micros));
        }

        #[test]
        fn formatting_agrees_with_chrono_near_today(
            micros in -5_000_000_000_000_000i64..5_000_000_000_000_000,
            whole in any::<bool>(),
        ) {
            let micros = if whole { micros - micros % 1_000_000 } else {
                micros
            };
            prop_assert_eq!(formatted(micros), chrono_formatted(micros));
        }

        #[test]
        fn formatted_dates_parse_back(
            micros in 0i64..253_402_300_799_999_999,
        ) {
            let text = formatted(micros);
            let back = parsed(&text).unwrap();
            prop_assert_eq!(back.timestamp_micros(), micros);
        }

        #[test]
        fn civil_days_round_trip(days in -100_000_000i64..100_000_000) {
            let (year, month, day) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(year, month, day), days);
        }

        #[test]
        fn integers_agree_with_std(value in any::<u32>()) {
            let mut out = Vec::new();
            push_u32(&mut out, value);
            prop_assert_eq!(out, value.to_string().into_bytes());
        }
    }
}
