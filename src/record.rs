//! The records that feed the counters, and the rules of which records
//! count and when a record is completed.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::codes::{
    AppointmentStatus, Direction, RecordType, SaleStatus, TicketStatus,
};
use crate::owner::OwnerKind;

/// The three kinds of record that feed counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// Activities: appointments, documents, e-mails, calls and the like.
    Activity,
    /// Sales.
    Sale,
    /// Tickets (requests).
    Ticket,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Activity => "activity",
            SourceKind::Sale => "sale",
            SourceKind::Ticket => "ticket",
        })
    }
}

/// An activity: an appointment, follow-up, document, e-mail and so on.
///
/// The host resolves `record_type`, `direction` and `intent_id` from the
/// task or document-template list item before handing the record over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    /// The record id.
    pub id: u32,
    /// The contact (company), 0 for none.
    pub contact_id: u32,
    /// The person, 0 for none.
    pub person_id: u32,
    /// The project, 0 for none.
    pub project_id: u32,
    /// What kind of activity it is.
    pub record_type: RecordType,
    /// Incoming or outgoing.
    pub direction: Direction,
    /// The intent list id, 0 for none.
    pub intent_id: u32,
    /// The appointment status; [`AppointmentStatus::Completed`] is the
    /// only completed one.
    pub status: AppointmentStatus,
    /// 0, or the id of the invitation's master appointment.
    pub mother_id: u32,
    /// The active date (SuperOffice `activeDate`), if any.
    pub date: Option<DateTime<Utc>>,
}

impl Activity {
    /// Whether the activity is completed: its status is
    /// [`AppointmentStatus::Completed`].
    pub fn is_completed(&self) -> bool {
        self.status == AppointmentStatus::Completed
    }

    /// Whether this is an invitation's child appointment, which is not
    /// counted: SuperOffice counts one appointment per invitation, the
    /// master. A master may carry its own id as `mother_id`.
    pub fn is_invitation_child(&self) -> bool {
        self.mother_id != 0 && self.mother_id != self.id
    }

    /// The owner id of the given kind, 0 for none.
    pub fn owner_id(&self, kind: OwnerKind) -> u32 {
        match kind {
            OwnerKind::Contact => self.contact_id,
            OwnerKind::Person => self.person_id,
            OwnerKind::Project => self.project_id,
        }
    }
}

/// A sale.
#[derive(Clone, Debug, PartialEq)]
pub struct Sale {
    /// The record id.
    pub id: u32,
    /// The contact (company), 0 for none.
    pub contact_id: u32,
    /// The person, 0 for none.
    pub person_id: u32,
    /// The project, 0 for none.
    pub project_id: u32,
    /// The sale's status.
    pub status: SaleStatus,
    /// The sale's "completed" flag (SuperOffice `sale.done`).
    pub done: bool,
    /// The amount in the base currency. It must be finite; the engine
    /// rejects a sale whose amount is not.
    pub amount: f64,
    /// The sale date (`saledate`), if any.
    pub date: Option<DateTime<Utc>>,
}

impl Sale {
    /// Whether the sale is completed: its `done` flag is set, whatever its
    /// status. A sold sale that is not marked done is not completed.
    pub fn is_completed(&self) -> bool {
        self.done
    }

    /// The owner id of the given kind, 0 for none.
    pub fn owner_id(&self, kind: OwnerKind) -> u32 {
        match kind {
            OwnerKind::Contact => self.contact_id,
            OwnerKind::Person => self.person_id,
            OwnerKind::Project => self.project_id,
        }
    }
}

/// A ticket (request).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// The record id.
    pub id: u32,
    /// The company of the person who asked, 0 for none.
    pub contact_id: u32,
    /// The person who asked, 0 for none.
    pub person_id: u32,
    /// The base status.
    pub status: TicketStatus,
    /// The request category, 0 for none.
    pub category_id: u32,
    /// When the ticket was created (`created_at`), if known.
    pub date: Option<DateTime<Utc>>,
}

impl Ticket {
    /// Whether the ticket is completed: its status is
    /// [`TicketStatus::Closed`].
    pub fn is_completed(&self) -> bool {
        self.status == TicketStatus::Closed
    }

    /// Whether the ticket is counted at all: deleted and merged tickets
    /// are not.
    pub fn is_counted(&self) -> bool {
        !matches!(self.status, TicketStatus::Deleted | TicketStatus::Merged)
    }

    /// The owner id of the given kind, 0 for none. Tickets never belong
    /// to projects.
    pub fn owner_id(&self, kind: OwnerKind) -> u32 {
        match kind {
            OwnerKind::Contact => self.contact_id,
            OwnerKind::Person => self.person_id,
            OwnerKind::Project => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(
        id: u32,
        mother_id: u32,
        status: AppointmentStatus,
    ) -> Activity {
        Activity {
            id,
            contact_id: 1,
            person_id: 0,
            project_id: 0,
            record_type: RecordType::Appointment,
            direction: Direction::Unknown,
            intent_id: 0,
            status,
            mother_id,
            date: None,
        }
    }

    #[test]
    fn invitation_child_is_one_whose_mother_is_another() {
        let s = AppointmentStatus::Booking;
        assert!(!activity(5, 0, s).is_invitation_child());
        assert!(!activity(5, 5, s).is_invitation_child());
        assert!(activity(6, 5, s).is_invitation_child());
    }

    #[test]
    fn only_status_3_completes_an_activity() {
        for &s in AppointmentStatus::VALUES {
            let completed = activity(1, 0, s).is_completed();
            assert_eq!(completed, s.code() == 3, "{s:?}");
        }
    }

    #[test]
    fn sale_completion_follows_done_not_status() {
        let mut sale = Sale {
            id: 1,
            contact_id: 1,
            person_id: 0,
            project_id: 0,
            status: SaleStatus::Sold,
            done: false,
            amount: 5.0,
            date: None,
        };
        assert!(!sale.is_completed());
        sale.status = SaleStatus::Open;
        sale.done = true;
        assert!(sale.is_completed());
    }

    #[test]
    fn closed_completes_a_ticket_and_deleted_or_merged_do_not_count() {
        let mut ticket = Ticket {
            id: 1,
            contact_id: 1,
            person_id: 2,
            status: TicketStatus::Closed,
            category_id: 0,
            date: None,
        };
        assert!(ticket.is_completed() && ticket.is_counted());
        for &s in TicketStatus::VALUES {
            ticket.status = s;
            assert_eq!(ticket.is_completed(), s == TicketStatus::Closed);
            assert_eq!(ticket.is_counted(), s.code() < 4, "{s:?}");
        }
        assert_eq!(ticket.owner_id(OwnerKind::Project), 0);
    }
}
