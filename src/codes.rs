//! The typed codes a record carries: record type, direction, appointment
//! status, sale status and ticket status.
//!
//! Each enum holds only the values a record may carry. The "all" codes
//! that the counter rows use for their fan-out (record type 10, direction
//! 3, sale status 1000, ticket status 1000) are constants, not variants,
//! so a record cannot carry one.

use crate::error::{Error, ErrorKind};

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum $name {
            $( $(#[$vmeta])* $variant = $code, )+
        }

        impl $name {
            /// Every variant, in code order.
            pub const VALUES: &'static [$name] = &[$($name::$variant),+];

            /// SuperOffice's number for this value.
            pub const fn code(self) -> u32 {
                self as u32
            }

            /// The value with SuperOffice's number `code`.
            ///
            /// # Errors
            ///
            /// Fails with [`ErrorKind::InvalidCode`] when `code` is out of
            /// range or is an "all" code, which no record may carry.
            pub fn from_code(code: i64) -> Result<$name, Error> {
                match code {
                    $( $code => Ok($name::$variant), )+
                    _ => Err(Error::new(ErrorKind::InvalidCode {
                        field: $field,
                        value: code,
                    })),
                }
            }
        }
    };
}

code_enum! {
    /// What an activity is: SuperOffice's record type of the task or
    /// document template.
    RecordType, "record_type" {
        /// Not known; counts only in the "all" rows.
        Unknown = 0,
        /// An appointment or follow-up.
        Appointment = 1,
        /// A document.
        Document = 2,
        /// An e-mail.
        Email = 3,
        /// A fax.
        Fax = 4,
        /// A phone call.
        Phone = 5,
        /// A to-do.
        ToDo = 6,
        /// A mail-merge draft.
        MailMergeDraft = 7,
        /// A final mail-merge document.
        MailMergeFinal = 8,
        /// A report.
        Report = 9,
    }
}

impl RecordType {
    /// The code of the rows that count every record type.
    pub const ALL_CODE: u32 = 10;
}

code_enum! {
    /// Whether an activity came in or went out.
    Direction, "direction" {
        /// Not known; counts only in the "all" rows.
        Unknown = 0,
        /// Incoming.
        Incoming = 1,
        /// Outgoing.
        Outgoing = 2,
    }
}

impl Direction {
    /// The code of the rows that count every direction.
    pub const ALL_CODE: u32 = 3;
}

code_enum! {
    /// An appointment's status. Only [`Completed`](Self::Completed) counts
    /// as completed.
    AppointmentStatus, "status" {
        /// Unknown, or a post-it.
        Unknown = 0,
        /// Not started.
        NotStarted = 1,
        /// Started.
        Started = 2,
        /// Completed.
        Completed = 3,
        /// Hidden.
        Hidden = 4,
        /// A booking.
        Booking = 5,
        /// A booking that was moved.
        BookingMoved = 6,
        /// A booking that was seen.
        BookingSeen = 7,
        /// A booking that was moved and seen.
        BookingMovedSeen = 8,
        /// A declined booking.
        BookingDeclined = 9,
        /// A deleted booking.
        BookingDeleted = 10,
        /// An assignment.
        Assignment = 11,
        /// An assignment that was seen.
        AssignmentSeen = 12,
        /// A declined assignment.
        AssignmentDeclined = 13,
    }
}

code_enum! {
    /// A sale's status.
    SaleStatus, "status" {
        /// Not known; counts only in the "all" rows.
        Unknown = 0,
        /// Open.
        Open = 1,
        /// Sold.
        Sold = 2,
        /// Lost.
        Lost = 3,
        /// Stalled.
        Stalled = 4,
    }
}

impl SaleStatus {
    /// The code of the rows that count every sale status.
    pub const ALL_CODE: u32 = 1000;
}

code_enum! {
    /// A ticket's base status.
    TicketStatus, "status" {
        /// Not known; counts only in the "all" rows.
        Unknown = 0,
        /// Active.
        Active = 1,
        /// Closed: the only completed status.
        Closed = 2,
        /// Postponed.
        Postponed = 3,
        /// Deleted: not counted.
        Deleted = 4,
        /// Merged into another ticket: not counted.
        Merged = 5,
    }
}

impl TicketStatus {
    /// The code of the rows that count every ticket status.
    pub const ALL_CODE: u32 = 1000;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_codes_are_rejected_on_records() {
        for (code, err) in [
            (10, RecordType::from_code(10).err()),
            (3, Direction::from_code(3).err()),
            (1000, SaleStatus::from_code(1000).err()),
            (1000, TicketStatus::from_code(1000).err()),
        ] {
            let err = err.expect("an all code must be rejected");
            assert!(
                matches!(err.kind(), ErrorKind::InvalidCode { value, .. }
                    if *value == code),
                "{err}"
            );
        }
    }

    #[test]
    fn out_of_range_codes_are_rejected() {
        assert!(RecordType::from_code(-1).is_err());
        assert!(AppointmentStatus::from_code(14).is_err());
        assert!(SaleStatus::from_code(5).is_err());
        assert!(TicketStatus::from_code(6).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for &t in RecordType::VALUES {
            assert_eq!(RecordType::from_code(t.code().into()).unwrap(), t);
        }
        for &s in AppointmentStatus::VALUES {
            let back = AppointmentStatus::from_code(s.code().into());
            assert_eq!(back.unwrap(), s);
        }
        assert_eq!(RecordType::VALUES.len(), 10);
        assert_eq!(AppointmentStatus::VALUES.len(), 14);
    }
}
