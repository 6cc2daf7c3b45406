//! The fan-out rule: which rows one record feeds.
//!
//! A record feeds, for each owner it counts for, every row of the cross
//! product of {its specific value, the "all" code} over the dimensions of
//! its kind. An unknown or absent value (code 0) feeds only the "all" row
//! of that dimension. An activity therefore feeds up to 8 rows per owner,
//! a sale or a ticket up to 4.

use crate::codes::{Direction, RecordType, SaleStatus, TicketStatus};
use crate::key::Dims;
use crate::record::SourceKind;

/// The values of one dimension a record feeds: its own when known, and
/// always the "all" code.
fn choices(value: u32, all: u32) -> ([u32; 2], usize) {
    if value == 0 || value == all {
        ([all, all], 1)
    } else {
        ([value, all], 2)
    }
}

/// How many rows the record with specific dimensions `dims` feeds: 1, 2,
/// 4 or 8.
pub(crate) fn fan_out_len(dims: Dims) -> usize {
    let (first, second, last) = dims.parts();
    let all_first = match dims.source() {
        SourceKind::Activity => RecordType::ALL_CODE,
        SourceKind::Sale => SaleStatus::ALL_CODE,
        SourceKind::Ticket => TicketStatus::ALL_CODE,
    };
    let second = match dims.source() {
        SourceKind::Activity => choices(second, Direction::ALL_CODE).1,
        _ => 1,
    };
    choices(first, all_first).1 * second * choices(last, 0).1
}

/// Calls `feed` with every row the record with specific dimensions `dims`
/// feeds. The rows come in no particular order.
pub(crate) fn fan_out(dims: Dims, mut feed: impl FnMut(Dims)) {
    let (first, second, last) = dims.parts();
    let (lasts, n_last) = choices(last, 0);
    match dims.source() {
        SourceKind::Activity => {
            let (record_types, n_types) = choices(first, RecordType::ALL_CODE);
            let (directions, n_directions) =
                choices(second, Direction::ALL_CODE);
            for &t in &record_types[..n_types] {
                for &d in &directions[..n_directions] {
                    for &i in &lasts[..n_last] {
                        feed(Dims::activity(t, d, i));
                    }
                }
            }
        }
        SourceKind::Sale => {
            let (statuses, n) = choices(first, SaleStatus::ALL_CODE);
            for &s in &statuses[..n] {
                for &c in &lasts[..n_last] {
                    feed(Dims::sale(s, c));
                }
            }
        }
        SourceKind::Ticket => {
            let (statuses, n) = choices(first, TicketStatus::ALL_CODE);
            for &s in &statuses[..n] {
                for &c in &lasts[..n_last] {
                    feed(Dims::ticket(s, c));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(dims: Dims) -> Vec<(u32, u32, u32)> {
        let mut out = Vec::new();
        fan_out(dims, |d| out.push(d.parts()));
        out.sort_unstable();
        assert_eq!(out.len(), fan_out_len(dims), "{dims:?}");
        out
    }

    #[test]
    fn outgoing_phone_call_with_intent_feeds_eight_rows() {
        // SPEC's example: record type 5, direction 2, intent 7.
        let expected = vec![
            (5, 2, 0),
            (5, 2, 7),
            (5, 3, 0),
            (5, 3, 7),
            (10, 2, 0),
            (10, 2, 7),
            (10, 3, 0),
            (10, 3, 7),
        ];
        assert_eq!(rows(Dims::activity(5, 2, 7)), expected);
    }

    #[test]
    fn unknown_activity_codes_feed_only_all_rows() {
        assert_eq!(rows(Dims::activity(0, 0, 0)), vec![(10, 3, 0)]);
        assert_eq!(
            rows(Dims::activity(0, 1, 0)),
            vec![(10, 1, 0), (10, 3, 0)]
        );
    }

    #[test]
    fn sale_feeds_status_and_class_rows() {
        assert_eq!(
            rows(Dims::sale(2, 3)),
            vec![(2, 0, 0), (2, 0, 3), (1000, 0, 0), (1000, 0, 3)]
        );
        // No amount class and unknown status: only the "all" row.
        assert_eq!(rows(Dims::sale(0, 0)), vec![(1000, 0, 0)]);
    }

    #[test]
    fn ticket_feeds_status_and_category_rows() {
        let mut out = Vec::new();
        fan_out(Dims::ticket(1, 4), |d| out.push(d));
        out.sort_unstable();
        let expected = vec![
            Dims::ticket(1, 0),
            Dims::ticket(1, 4),
            Dims::ticket(1000, 0),
            Dims::ticket(1000, 4),
        ];
        assert_eq!(out, expected);
    }
}
