//! Counter row keys: the owner and the seven code dimensions.
//!
//! Inside the engine a row's dimensions travel packed in one `u64` whose
//! numeric order is the order of the rows: ticket rows, then sale rows,
//! then activity rows, each sorted by its own dimensions. That order is
//! the one SPEC's ten sort columns give within one owner, because ticket
//! rows carry record type and sale status 0, sale rows carry record type
//! 0, and activity rows never do.

use crate::codes::{Direction, RecordType, SaleStatus, TicketStatus};
use crate::owner::{Owner, OwnerKind};
use crate::record::SourceKind;

/// The key of one counter row: its owner and its code dimensions.
///
/// Exactly one of `contact_id`, `person_id` and `project_id` is above 0.
/// The dimensions of the other two record kinds are 0. Keys order by their
/// fields in declaration order, which is the order of the output file.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
pub struct CounterKey {
    /// The contact, or 0.
    pub contact_id: u32,
    /// The person, or 0.
    pub person_id: u32,
    /// The project, or 0.
    pub project_id: u32,
    /// Activity record type, [`RecordType::ALL_CODE`] for all; 0 on sale
    /// and ticket rows.
    pub record_type: u32,
    /// Activity direction, [`Direction::ALL_CODE`] for all; 0 on sale and
    /// ticket rows.
    pub direction: u32,
    /// Activity intent, 0 for all.
    pub intent_id: u32,
    /// Sale status, [`SaleStatus::ALL_CODE`] for all; 0 on other rows.
    pub sale_status: u32,
    /// Sale amount class, 0 for all.
    pub amount_class_id: u32,
    /// Ticket status, [`TicketStatus::ALL_CODE`] for all; 0 on other
    /// rows.
    pub ticket_status: u32,
    /// Ticket category, 0 for all.
    pub ticket_category_id: u32,
}

impl CounterKey {
    /// The row's owner, or `None` when the key does not name exactly one.
    pub fn owner(&self) -> Option<Owner> {
        match (self.contact_id, self.person_id, self.project_id) {
            (id, 0, 0) if id > 0 => {
                Some(Owner { kind: OwnerKind::Contact, id })
            }
            (0, id, 0) if id > 0 => {
                Some(Owner { kind: OwnerKind::Person, id })
            }
            (0, 0, id) if id > 0 => {
                Some(Owner { kind: OwnerKind::Project, id })
            }
            _ => None,
        }
    }

    /// The kind of record that feeds the row, or `None` when the key is
    /// not one a regeneration can produce.
    pub fn source(&self) -> Option<SourceKind> {
        self.dims().map(Dims::source)
    }

    /// The key of `owner`'s row with the dimensions `dims`.
    pub(crate) fn new(owner: Owner, dims: Dims) -> CounterKey {
        let mut key = CounterKey::default();
        match owner.kind {
            OwnerKind::Contact => key.contact_id = owner.id,
            OwnerKind::Person => key.person_id = owner.id,
            OwnerKind::Project => key.project_id = owner.id,
        }
        let (first, second, last) = dims.parts();
        match dims.source() {
            SourceKind::Activity => {
                key.record_type = first;
                key.direction = second;
                key.intent_id = last;
            }
            SourceKind::Sale => {
                key.sale_status = first;
                key.amount_class_id = last;
            }
            SourceKind::Ticket => {
                key.ticket_status = first;
                key.ticket_category_id = last;
            }
        }
        key
    }

    /// The packed dimensions, or `None` when the key mixes the dimensions
    /// of two record kinds or uses a code no row carries.
    pub(crate) fn dims(&self) -> Option<Dims> {
        let k = self;
        let activity = [k.record_type, k.direction, k.intent_id];
        let sale = [k.sale_status, k.amount_class_id];
        let ticket = [k.ticket_status, k.ticket_category_id];
        let zero = |v: &[u32]| v.iter().all(|&x| x == 0);
        if k.record_type != 0 {
            let known = (1..=RecordType::ALL_CODE).contains(&k.record_type)
                && (1..=Direction::ALL_CODE).contains(&k.direction);
            (known && zero(&sale) && zero(&ticket)).then(|| {
                Dims::activity(k.record_type, k.direction, k.intent_id)
            })
        } else if k.sale_status != 0 {
            let known =
                k.sale_status == SaleStatus::ALL_CODE || k.sale_status <= 4;
            (known && zero(&activity) && zero(&ticket))
                .then(|| Dims::sale(k.sale_status, k.amount_class_id))
        } else {
            let known = k.ticket_status == TicketStatus::ALL_CODE
                || (1..=3).contains(&k.ticket_status);
            (known && zero(&activity) && zero(&sale))
                .then(|| Dims::ticket(k.ticket_status, k.ticket_category_id))
        }
    }
}

/// A row's dimensions packed in a `u64`, ordered as the rows are.
///
/// Bits 62-63 hold the source (0 ticket, 1 sale, 2 activity), bits 52-61
/// the first dimension (ticket status, sale status or record type), bits
/// 50-51 the direction, bits 18-49 the last dimension (category, amount
/// class or intent). The low [`FLAG_BITS`] bits are 0 here; the engine
/// carries a record's flags in them while it sorts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Dims(pub(crate) u64);

/// The low bits of a packed item that carry a record's flags.
pub(crate) const FLAG_BITS: u32 = 4;

const SOURCE_SHIFT: u32 = 62;
const FIRST_SHIFT: u32 = 52;
const SECOND_SHIFT: u32 = 50;
const LAST_SHIFT: u32 = 18;

impl Dims {
    fn pack(source: u64, first: u32, second: u32, last: u32) -> Dims {
        debug_assert!(first < 1 << 10 && second < 1 << 2);
        Dims(
            source << SOURCE_SHIFT
                | u64::from(first) << FIRST_SHIFT
                | u64::from(second) << SECOND_SHIFT
                | u64::from(last) << LAST_SHIFT,
        )
    }

    pub(crate) fn ticket(status: u32, category_id: u32) -> Dims {
        Dims::pack(0, status, 0, category_id)
    }

    pub(crate) fn sale(status: u32, amount_class_id: u32) -> Dims {
        Dims::pack(1, status, 0, amount_class_id)
    }

    pub(crate) fn activity(
        record_type: u32,
        direction: u32,
        intent_id: u32,
    ) -> Dims {
        Dims::pack(2, record_type, direction, intent_id)
    }

    pub(crate) fn source(self) -> SourceKind {
        match self.0 >> SOURCE_SHIFT {
            0 => SourceKind::Ticket,
            1 => SourceKind::Sale,
            _ => SourceKind::Activity,
        }
    }

    /// The first, second and last dimension.
    pub(crate) fn parts(self) -> (u32, u32, u32) {
        (
            (self.0 >> FIRST_SHIFT & 0x3ff) as u32,
            (self.0 >> SECOND_SHIFT & 0x3) as u32,
            (self.0 >> LAST_SHIFT) as u32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> Owner {
        Owner { kind: OwnerKind::Person, id: 9 }
    }

    #[test]
    fn packed_order_is_key_order() {
        let dims = [
            Dims::ticket(1, 0),
            Dims::ticket(1, u32::MAX),
            Dims::ticket(1000, 0),
            Dims::sale(1, 7),
            Dims::sale(1000, 0),
            Dims::activity(1, 3, 0),
            Dims::activity(5, 2, 7),
            Dims::activity(5, 3, 0),
            Dims::activity(10, 1, u32::MAX),
            Dims::activity(10, 3, 0),
        ];
        for pair in dims.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(a < b);
            let (ka, kb) =
                (CounterKey::new(owner(), a), CounterKey::new(owner(), b));
            assert!(ka < kb, "{ka:?} {kb:?}");
        }
    }

    #[test]
    fn key_round_trips_through_dims() {
        for dims in
            [Dims::ticket(1000, 4), Dims::sale(2, 3), Dims::activity(10, 3, 8)]
        {
            let key = CounterKey::new(owner(), dims);
            assert_eq!(key.dims(), Some(dims));
            assert_eq!(key.owner(), Some(owner()));
        }
    }

    #[test]
    fn mixed_or_impossible_keys_have_no_dims() {
        let mut key = CounterKey::new(owner(), Dims::activity(5, 2, 0));
        key.sale_status = 1;
        assert_eq!(key.dims(), None);
        let key = CounterKey { record_type: 11, direction: 1, ..key };
        assert_eq!(key.dims(), None);
        let two_owners = CounterKey { contact_id: 1, person_id: 1, ..key };
        assert_eq!(two_owners.owner(), None);
    }
}
