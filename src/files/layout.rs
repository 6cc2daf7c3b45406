//! The columns of `activities.csv`, `sales.csv` and `tickets.csv`, and how
//! one row of each becomes a record.

use std::ops::RangeInclusive;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::date::parse_rfc3339;
use super::field::{
    FieldError, parse_amount, parse_bool, parse_code, parse_id,
};
use crate::codes::{
    AppointmentStatus, Direction, RecordType, SaleStatus, TicketStatus,
};
use crate::error::Error;
use crate::record::{Activity, Sale, Ticket};

/// The most columns any record file has.
pub(crate) const MAX_COLUMNS: usize = 10;

/// A record kind as a CSV file holds it.
pub(crate) trait CsvRecord: Sized + Send {
    /// The columns, in the order SPEC lists them; a file may order them
    /// differently.
    const COLUMNS: &'static [&'static str];

    /// The record of one row.
    fn parse(row: &Row<'_>) -> Result<Self, Error>;

    /// The record's id, which is unique within a file.
    fn id(&self) -> u32;
}

/// One data row, its fields rearranged into [`CsvRecord::COLUMNS`] order.
pub(crate) struct Row<'a> {
    pub(crate) file: &'a Path,
    pub(crate) line: u64,
    pub(crate) columns: &'static [&'static str],
    pub(crate) fields: [&'a [u8]; MAX_COLUMNS],
}

/// A field's bytes as text for an error message: as they are when they
/// are UTF-8, escaped otherwise.
pub(crate) fn shown(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.escape_ascii().to_string(),
    }
}

impl Row<'_> {
    #[cold]
    #[inline(never)]
    fn error(&self, at: usize, reason: &FieldError) -> Error {
        Error::input(
            self.file,
            Some(self.line),
            Some(self.columns[at]),
            Some(&shown(self.fields[at])),
            reason.to_string(),
        )
    }

    #[inline]
    fn id(&self, at: usize) -> Result<u32, Error> {
        parse_id(self.fields[at]).map_err(|e| self.error(at, &e))
    }

    /// A code, checked by the code enum's `from_code`. `all` is the
    /// field's "all" code, if it has one, for a clearer message.
    #[inline]
    fn code<T>(
        &self,
        at: usize,
        from_code: fn(i64) -> Result<T, Error>,
        codes: RangeInclusive<u32>,
        all: Option<u32>,
    ) -> Result<T, Error> {
        let code =
            parse_code(self.fields[at]).map_err(|e| self.error(at, &e))?;
        from_code(code).map_err(|_| {
            let (first, last) = codes.into_inner();
            let reason = if all.is_some_and(|all| i64::from(all) == code) {
                format!(
                    "{code} is the \"all\" code of {}, which no record may \
                     carry",
                    self.columns[at]
                )
            } else {
                format!(
                    "{code} is not a {}: expected {first} to {last}",
                    self.columns[at]
                )
            };
            self.error(at, &FieldError::BadCode(reason))
        })
    }

    #[inline]
    fn date(&self, at: usize) -> Result<Option<DateTime<Utc>>, Error> {
        let bytes = self.fields[at];
        if bytes.is_empty() {
            return Ok(None);
        }
        parse_rfc3339(bytes)
            .map(Some)
            .map_err(|e| self.error(at, &FieldError::Date(e).for_bytes(bytes)))
    }

    #[inline]
    fn done(&self, at: usize) -> Result<bool, Error> {
        parse_bool(self.fields[at]).map_err(|e| self.error(at, &e))
    }

    #[inline]
    fn amount(&self, at: usize) -> Result<f64, Error> {
        parse_amount(self.fields[at]).map_err(|e| self.error(at, &e))
    }
}

/// The codes a code enum allows, from its `VALUES`.
macro_rules! code_range {
    ($name:ident) => {
        $name::VALUES[0].code()..=$name::VALUES[$name::VALUES.len() - 1].code()
    };
}

impl CsvRecord for Activity {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "contact_id",
        "person_id",
        "project_id",
        "record_type",
        "direction",
        "intent_id",
        "status",
        "mother_id",
        "date",
    ];

    fn parse(row: &Row<'_>) -> Result<Activity, Error> {
        Ok(Activity {
            id: row.id(0)?,
            contact_id: row.id(1)?,
            person_id: row.id(2)?,
            project_id: row.id(3)?,
            record_type: row.code(
                4,
                RecordType::from_code,
                code_range!(RecordType),
                Some(RecordType::ALL_CODE),
            )?,
            direction: row.code(
                5,
                Direction::from_code,
                code_range!(Direction),
                Some(Direction::ALL_CODE),
            )?,
            intent_id: row.id(6)?,
            status: row.code(
                7,
                AppointmentStatus::from_code,
                code_range!(AppointmentStatus),
                None,
            )?,
            mother_id: row.id(8)?,
            date: row.date(9)?,
        })
    }

    fn id(&self) -> u32 {
        self.id
    }
}

impl CsvRecord for Sale {
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "contact_id",
        "person_id",
        "project_id",
        "status",
        "done",
        "amount",
        "date",
    ];

    fn parse(row: &Row<'_>) -> Result<Sale, Error> {
        Ok(Sale {
            id: row.id(0)?,
            contact_id: row.id(1)?,
            person_id: row.id(2)?,
            project_id: row.id(3)?,
            status: row.code(
                4,
                SaleStatus::from_code,
                code_range!(SaleStatus),
                Some(SaleStatus::ALL_CODE),
            )?,
            done: row.done(5)?,
            amount: row.amount(6)?,
            date: row.date(7)?,
        })
    }

    fn id(&self) -> u32 {
        self.id
    }
}

impl CsvRecord for Ticket {
    const COLUMNS: &'static [&'static str] =
        &["id", "contact_id", "person_id", "status", "category_id", "date"];

    fn parse(row: &Row<'_>) -> Result<Ticket, Error> {
        Ok(Ticket {
            id: row.id(0)?,
            contact_id: row.id(1)?,
            person_id: row.id(2)?,
            status: row.code(
                3,
                TicketStatus::from_code,
                code_range!(TicketStatus),
                Some(TicketStatus::ALL_CODE),
            )?,
            category_id: row.id(4)?,
            date: row.date(5)?,
        })
    }

    fn id(&self) -> u32 {
        self.id
    }
}
