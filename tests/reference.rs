//! A plain reference implementation of SPEC sections 1 to 4, written
//! record by record into an ordered map, for the property tests to compare
//! the engine with. It shares no code with the engine's rules: it
//! enumerates the fan-out itself, tests periods with chrono arithmetic and
//! finds amount classes by a linear scan.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use saint_counters::{
    Activity, AppointmentStatus, CounterKey, CounterValues, OwnerKind,
    RunStatistics, Sale, Settings, Ticket, TicketStatus,
};

/// The rows of a dataset, by key.
pub type Rows = BTreeMap<CounterKey, CounterValues>;

struct Fed {
    completed: bool,
    date: Option<DateTime<Utc>>,
}

/// Counts every row the plain way.
pub fn count(
    settings: &Settings,
    activities: &[Activity],
    sales: &[Sale],
    tickets: &[Ticket],
) -> Rows {
    let mut fed: BTreeMap<CounterKey, Vec<Fed>> = BTreeMap::new();
    let owners = |ids: [u32; 3]| {
        let kinds =
            [OwnerKind::Contact, OwnerKind::Person, OwnerKind::Project];
        let mut keys = Vec::new();
        for (kind, id) in kinds.into_iter().zip(ids) {
            if id == 0 || !settings.owner(kind).enabled {
                continue;
            }
            let mut key = CounterKey::default();
            match kind {
                OwnerKind::Contact => key.contact_id = id,
                OwnerKind::Person => key.person_id = id,
                OwnerKind::Project => key.project_id = id,
            }
            keys.push(key);
        }
        keys
    };
    let with_all = |value: u32, all: u32| {
        if value == 0 { vec![all] } else { vec![value, all] }
    };

    for a in activities {
        if a.mother_id != 0 && a.mother_id != a.id {
            continue;
        }
        let completed = a.status == AppointmentStatus::Completed;
        for base in owners([a.contact_id, a.person_id, a.project_id]) {
            for t in with_all(a.record_type.code(), 10) {
                for d in with_all(a.direction.code(), 3) {
                    for i in with_all(a.intent_id, 0) {
                        let key = CounterKey {
                            record_type: t,
                            direction: d,
                            intent_id: i,
                            ..base
                        };
                        fed.entry(key)
                            .or_default()
                            .push(Fed { completed, date: a.date });
                    }
                }
            }
        }
    }
    for s in sales {
        let class = settings
            .amount_classes()
            .iter()
            .find(|c| {
                c.from.is_none_or(|f| f <= s.amount)
                    && c.to.is_none_or(|t| s.amount < t)
            })
            .map_or(0, |c| c.id);
        for base in owners([s.contact_id, s.person_id, s.project_id]) {
            for st in with_all(s.status.code(), 1000) {
                for c in with_all(class, 0) {
                    let key = CounterKey {
                        sale_status: st,
                        amount_class_id: c,
                        ..base
                    };
                    fed.entry(key)
                        .or_default()
                        .push(Fed { completed: s.done, date: s.date });
                }
            }
        }
    }
    for t in tickets {
        if matches!(t.status, TicketStatus::Deleted | TicketStatus::Merged) {
            continue;
        }
        let completed = t.status == TicketStatus::Closed;
        for base in owners([t.contact_id, t.person_id, 0]) {
            for st in with_all(t.status.code(), 1000) {
                for c in with_all(t.category_id, 0) {
                    let key = CounterKey {
                        ticket_status: st,
                        ticket_category_id: c,
                        ..base
                    };
                    fed.entry(key)
                        .or_default()
                        .push(Fed { completed, date: t.date });
                }
            }
        }
    }

    fed.into_iter()
        .map(|(key, records)| {
            let values = values(settings, &key, &records);
            (key, values)
        })
        .collect()
}

fn values(
    settings: &Settings,
    key: &CounterKey,
    records: &[Fed],
) -> CounterValues {
    let kind = key.owner().expect("one owner").kind;
    let now = settings.now();
    let periods = settings.owner(kind).periods;
    let in_period = |days: u32, date: Option<DateTime<Utc>>| {
        date.is_some_and(|d| {
            now - Duration::days(i64::from(days)) <= d && d <= now
        })
    };
    let count = |pick: &dyn Fn(&Fed) -> bool| {
        u32::try_from(records.iter().filter(|r| pick(r)).count()).unwrap()
    };
    let in_k = |k: usize, only_open: bool| {
        periods[k].map(|days| {
            count(&|r: &Fed| {
                in_period(days, r.date) && (!only_open || !r.completed)
            })
        })
    };
    let last = |pick: &dyn Fn(&Fed) -> bool| {
        records
            .iter()
            .filter(|r| pick(r))
            .filter_map(|r| r.date)
            .max()
            .map(|d| d.duration_trunc(Duration::microseconds(1)).unwrap())
    };
    CounterValues {
        total_reg: count(&|_| true),
        total_reg_in_period: in_k(0, false),
        not_completed: count(&|r| !r.completed),
        not_completed_in_period: in_k(0, true),
        last_registered: last(&|_| true),
        last_completed: last(&|r| r.completed),
        last_do_by: last(&|r| !r.completed),
        extra1_count: in_k(1, false),
        extra2_count: in_k(1, true),
        extra3_count: in_k(2, false),
        extra4_count: in_k(2, true),
    }
}

/// What a run should report about its records, the plain way.
pub fn statistics(
    settings: &Settings,
    activities: &[Activity],
    sales: &[Sale],
    tickets: &[Ticket],
) -> RunStatistics {
    let enabled = |kind| settings.owner(kind).enabled;
    let has_owner = |contact: u32, person: u32, project: u32| {
        (contact > 0 && enabled(OwnerKind::Contact))
            || (person > 0 && enabled(OwnerKind::Person))
            || (project > 0 && enabled(OwnerKind::Project))
    };
    let mut stats = RunStatistics::default();
    for a in activities {
        let s = &mut stats.activities;
        s.read += 1;
        if a.mother_id != 0 && a.mother_id != a.id {
            s.skipped_invitation_child += 1;
        } else if has_owner(a.contact_id, a.person_id, a.project_id) {
            s.counted += 1;
        } else {
            s.skipped_no_owner += 1;
        }
    }
    for sale in sales {
        let s = &mut stats.sales;
        s.read += 1;
        if has_owner(sale.contact_id, sale.person_id, sale.project_id) {
            s.counted += 1;
        } else {
            s.skipped_no_owner += 1;
        }
    }
    for t in tickets {
        let s = &mut stats.tickets;
        s.read += 1;
        if t.status == TicketStatus::Deleted {
            s.skipped_deleted += 1;
        } else if t.status == TicketStatus::Merged {
            s.skipped_merged += 1;
        } else if has_owner(t.contact_id, t.person_id, 0) {
            s.counted += 1;
        } else {
            s.skipped_no_owner += 1;
        }
    }
    stats
}
