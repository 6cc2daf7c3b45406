//! The crate's one error type.

use std::fmt;
use std::path::PathBuf;

use crate::owner::Owner;
use crate::record::SourceKind;

/// An error from checking input, counting, merging or serializing.
///
/// The error is a pointer wide, so a `Result` stays cheap to move. Its
/// [`kind`](Error::kind) says what went wrong and where: the file, line,
/// column and value for bad input, the record id for a bad record, the
/// owner for an overflowing count.
pub struct Error {
    kind: Box<ErrorKind>,
}

/// What went wrong, and where.
///
/// More variants may be added in later versions.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A code that is out of range, or an "all" code (record type 10,
    /// direction 3, sale status 1000) where a record needs a real value.
    InvalidCode {
        /// The field the code was meant for, such as `record_type`.
        field: &'static str,
        /// The rejected value.
        value: i64,
    },
    /// A record the engine cannot count.
    InvalidRecord {
        /// Which kind of record.
        source: SourceKind,
        /// The record's id.
        id: u32,
        /// The offending field.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// Settings that contradict themselves, such as overlapping amount
    /// classes or a period of zero days.
    InvalidSettings {
        /// Which setting, and why.
        reason: String,
    },
    /// Two counter tables counted with different settings cannot merge.
    SettingsMismatch,
    /// A count that does not fit in `u32`.
    Overflow {
        /// The owner of the row whose count overflowed.
        owner: Owner,
        /// The column that overflowed, such as `total_reg`.
        column: &'static str,
    },
    /// The run was stopped through its [`StopToken`](crate::StopToken).
    Stopped,
    /// The progress callback panicked; the run stopped.
    CallbackPanicked {
        /// The panic message, where it was a string.
        message: String,
    },
    /// A spawned task's thread panicked outside the callback.
    TaskPanicked {
        /// The panic message, where it was a string.
        message: String,
    },
    /// Bad input in a dataset file.
    Input {
        /// The file.
        file: PathBuf,
        /// The line, counting from 1, where one applies.
        line: Option<u64>,
        /// The column (CSV header name or JSON path), where one applies.
        column: Option<String>,
        /// The offending value, where one applies.
        value: Option<String>,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A `$select` name that is not a property of the result.
    UnknownSelect {
        /// The name as the caller wrote it.
        name: String,
    },
    /// A time zone that is neither a known IANA name nor a fixed offset.
    UnknownTimeZone {
        /// The name as the caller wrote it.
        name: String,
    },
    /// An IANA time zone name, given to a build without the `time-zones`
    /// feature; fixed offsets such as `+02:00` still work.
    TimeZonesDisabled {
        /// The name as the caller wrote it.
        name: String,
    },
    /// The operating system would not start a spawned task's thread.
    TaskNotStarted {
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// Makes an error of the given kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind: Box::new(kind) }
    }

    /// What went wrong, and where.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Takes the kind out of the error.
    pub fn into_kind(self) -> ErrorKind {
        *self.kind
    }

    /// Whether the run ended because it was asked to stop.
    pub fn is_stopped(&self) -> bool {
        matches!(*self.kind, ErrorKind::Stopped)
    }

    /// Whether the error is about bad input or bad settings, as opposed to
    /// a stop, an overflow or a failing callback.
    pub fn is_input(&self) -> bool {
        matches!(
            *self.kind,
            ErrorKind::InvalidCode { .. }
                | ErrorKind::InvalidRecord { .. }
                | ErrorKind::InvalidSettings { .. }
                | ErrorKind::Input { .. }
        )
    }

    pub(crate) fn invalid_settings(reason: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidSettings { reason: reason.into() })
    }

    #[cfg_attr(not(feature = "files"), allow(dead_code))]
    pub(crate) fn input(
        file: impl Into<PathBuf>,
        line: Option<u64>,
        column: Option<&str>,
        value: Option<&str>,
        reason: impl Into<String>,
    ) -> Error {
        Error::new(ErrorKind::Input {
            file: file.into(),
            line,
            column: column.map(str::to_owned),
            value: value.map(str::to_owned),
            reason: reason.into(),
        })
    }

    #[cfg_attr(not(feature = "files"), allow(dead_code))]
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Error {
        Error::new(ErrorKind::Io { path: path.into(), source })
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.kind, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ErrorKind::InvalidCode { field, value } => {
                write!(f, "{field} {value} is not a valid code on a record")
            }
            ErrorKind::InvalidRecord { source, id, field, reason } => {
                write!(f, "{source} {id}: {field}: {reason}")
            }
            ErrorKind::InvalidSettings { reason } => {
                write!(f, "invalid settings: {reason}")
            }
            ErrorKind::SettingsMismatch => f.write_str(
                "cannot merge counter tables counted with different settings",
            ),
            ErrorKind::Overflow { owner, column } => {
                write!(f, "{column} of {owner} does not fit in 32 bits")
            }
            ErrorKind::Stopped => f.write_str("the run was stopped"),
            ErrorKind::CallbackPanicked { message } => {
                write!(f, "the progress callback panicked: {message}")
            }
            ErrorKind::TaskPanicked { message } => {
                write!(f, "the task panicked: {message}")
            }
            ErrorKind::Input { file, line, column, value, reason } => {
                write!(f, "{}", file.display())?;
                if let Some(line) = line {
                    write!(f, ", line {line}")?;
                }
                if let Some(column) = column {
                    write!(f, ", column {column}")?;
                }
                if let Some(value) = value {
                    write!(f, ", value {value:?}")?;
                }
                write!(f, ": {reason}")
            }
            ErrorKind::Io { path, source } => {
                write!(f, "{}: {source}", path.display())
            }
            ErrorKind::UnknownSelect { name } => {
                write!(f, "$select names an unknown property {name:?}")
            }
            ErrorKind::UnknownTimeZone { name } => {
                write!(f, "unknown time zone {name:?}")
            }
            ErrorKind::TimeZonesDisabled { name } => write!(
                f,
                "time zone {name:?} needs the crate feature `time-zones`, \
                 which is off"
            ),
            ErrorKind::TaskNotStarted { source } => {
                write!(f, "the task thread could not be started: {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            ErrorKind::Io { source, .. }
            | ErrorKind::TaskNotStarted { source } => Some(source),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn input_error_names_file_line_column_and_value() {
        let err = Error::input(
            "data/activities.csv",
            Some(7),
            Some("record_type"),
            Some("10"),
            "10 is the \"all\" code",
        );
        assert_eq!(
            err.to_string(),
            "data/activities.csv, line 7, column record_type, value \"10\": \
             10 is the \"all\" code"
        );
        assert!(err.is_input());
    }
}
