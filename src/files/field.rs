//! Parsers for one CSV field, straight from its bytes.
//!
//! Each parser accepts only ASCII, so a field that is not valid UTF-8
//! always fails; [`FieldError::for_bytes`] then says so instead of
//! blaming the number.

use std::fmt;

/// Why a field was rejected.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FieldError {
    /// The field is not valid UTF-8.
    NotUtf8,
    /// The field is empty, and only `date` may be.
    Empty,
    /// An id that is not a whole number of digits.
    NotAnId,
    /// An id above `u32::MAX`.
    IdTooLarge,
    /// A code that is not a whole number.
    NotACode,
    /// A code the field does not have; the message comes from the code
    /// enum's error.
    BadCode(String),
    /// `done` other than `true` or `false`.
    NotABool,
    /// An amount that is not a number.
    NotAnAmount,
    /// An amount that is NaN or infinite.
    AmountNotFinite,
    /// A date that is not RFC 3339.
    Date(super::date::DateError),
}

impl FieldError {
    /// This error, or [`FieldError::NotUtf8`] when `bytes` is not UTF-8,
    /// which is the better explanation.
    pub(crate) fn for_bytes(self, bytes: &[u8]) -> FieldError {
        if std::str::from_utf8(bytes).is_err() {
            FieldError::NotUtf8
        } else {
            self
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldError::NotUtf8 => f.write_str("the field is not valid UTF-8"),
            FieldError::Empty => {
                f.write_str("the field is empty; only date may be empty")
            }
            FieldError::NotAnId => f.write_str(
                "not an id: expected a whole number from 0 to 4294967295",
            ),
            FieldError::IdTooLarge => f.write_str(
                "the id does not fit in 32 bits (above 4294967295)",
            ),
            FieldError::NotACode => f.write_str("not a whole number"),
            FieldError::BadCode(reason) => f.write_str(reason),
            FieldError::NotABool => {
                f.write_str("expected true or false, in lower case")
            }
            FieldError::NotAnAmount => f.write_str("not a number"),
            FieldError::AmountNotFinite => {
                f.write_str("the amount must be a finite number")
            }
            FieldError::Date(error) => error.fmt(f),
        }
    }
}

/// A non-negative id that fits in `u32`: ASCII digits only, no sign, no
/// spaces. Leading zeros are allowed.
pub(crate) fn parse_id(bytes: &[u8]) -> Result<u32, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::Empty);
    }
    let mut value: u64 = 0;
    for &byte in bytes {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(FieldError::NotAnId.for_bytes(bytes));
        }
        value = value * 10 + u64::from(digit);
        if value > u64::from(u32::MAX) {
            // Keep checking the rest: "99999999999x" is not an id at all.
            return Err(if bytes.iter().all(u8::is_ascii_digit) {
                FieldError::IdTooLarge
            } else {
                FieldError::NotAnId.for_bytes(bytes)
            });
        }
    }
    Ok(value as u32)
}

/// A code: an optional `-` and ASCII digits, as an `i64` for the code
/// enums' `from_code`, which decides whether the value is allowed.
///
/// Values beyond `i64` saturate; no code is anywhere near them, so they
/// are rejected by `from_code` as out of range.
pub(crate) fn parse_code(bytes: &[u8]) -> Result<i64, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::Empty);
    }
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', digits)) => (true, digits),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return Err(FieldError::NotACode);
    }
    let mut value: i64 = 0;
    for &byte in digits {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return Err(FieldError::NotACode.for_bytes(bytes));
        }
        value = value.saturating_mul(10).saturating_add(i64::from(digit));
    }
    Ok(if negative { -value } else { value })
}

/// `true` or `false`, exactly.
pub(crate) fn parse_bool(bytes: &[u8]) -> Result<bool, FieldError> {
    match bytes {
        b"true" => Ok(true),
        b"false" => Ok(false),
        b"" => Err(FieldError::Empty),
        _ => Err(FieldError::NotABool.for_bytes(bytes)),
    }
}

/// A finite decimal number, as Rust's `f64` parser reads it (`12`,
/// `-0.5`, `1e6`). NaN and infinities, which it also reads, are
/// rejected, and so is a number too large for `f64`.
pub(crate) fn parse_amount(bytes: &[u8]) -> Result<f64, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::Empty);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FieldError::NotUtf8)?;
    let amount: f64 = text.parse().map_err(|_| FieldError::NotAnAmount)?;
    if amount.is_finite() {
        Ok(amount)
    } else {
        Err(FieldError::AmountNotFinite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_digits_within_u32() {
        assert_eq!(parse_id(b"0"), Ok(0));
        assert_eq!(parse_id(b"007"), Ok(7));
        assert_eq!(parse_id(b"4294967295"), Ok(u32::MAX));
        assert_eq!(parse_id(b"4294967296"), Err(FieldError::IdTooLarge));
        assert_eq!(
            parse_id(b"99999999999999999999999"),
            Err(FieldError::IdTooLarge)
        );
        assert_eq!(parse_id(b"00000000000000000001"), Ok(1));
        for bad in [&b"-1"[..], b"+1", b" 1", b"1 ", b"1.0", b"x", b"1e3"] {
            assert_eq!(parse_id(bad), Err(FieldError::NotAnId), "{bad:?}");
        }
        assert_eq!(parse_id(b""), Err(FieldError::Empty));
        assert_eq!(parse_id(b"1\xff"), Err(FieldError::NotUtf8));
        assert_eq!(parse_id(b"99999999999\xff"), Err(FieldError::NotUtf8));
    }

    #[test]
    fn codes_are_signed_whole_numbers() {
        assert_eq!(parse_code(b"10"), Ok(10));
        assert_eq!(parse_code(b"-3"), Ok(-3));
        assert_eq!(parse_code(b"99999999999999999999999"), Ok(i64::MAX));
        assert_eq!(parse_code(b"-"), Err(FieldError::NotACode));
        assert_eq!(parse_code(b"1.5"), Err(FieldError::NotACode));
        assert_eq!(parse_code(b""), Err(FieldError::Empty));
    }

    #[test]
    fn done_is_exactly_true_or_false() {
        assert_eq!(parse_bool(b"true"), Ok(true));
        assert_eq!(parse_bool(b"false"), Ok(false));
        for bad in [&b"True"[..], b"1", b"yes", b"true "] {
            assert_eq!(parse_bool(bad), Err(FieldError::NotABool));
        }
    }

    #[test]
    fn amounts_are_finite_numbers() {
        assert_eq!(parse_amount(b"-12.5"), Ok(-12.5));
        assert_eq!(parse_amount(b"1e6"), Ok(1e6));
        for bad in [&b"NaN"[..], b"nan", b"inf", b"-infinity", b"1e400"] {
            assert_eq!(
                parse_amount(bad),
                Err(FieldError::AmountNotFinite),
                "{bad:?}"
            );
        }
        assert_eq!(parse_amount(b"12 kr"), Err(FieldError::NotAnAmount));
        assert_eq!(parse_amount(b"\xff"), Err(FieldError::NotUtf8));
    }
}
