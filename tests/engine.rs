//! Integration tests: the counting rules, worked by hand, and the engine
//! against the reference implementation on random datasets.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use saint_counters::{
    Activity, AmountClass, AppointmentStatus, CounterKey, CounterTable,
    CounterValues, Direction, ErrorKind, OwnerKind, OwnerSettings, Progress,
    RecordType, Records, Regenerator, Sale, SaleStatus, Settings, Stage,
    StopToken, Ticket, TicketStatus, regenerate,
};

use crate::reference;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
}

/// SPEC's example settings.
fn settings() -> Settings {
    Settings::builder(now())
        .owner(
            OwnerKind::Contact,
            OwnerSettings::enabled([Some(30), Some(90), Some(365)]),
        )
        .owner(
            OwnerKind::Person,
            OwnerSettings::enabled([Some(30), Some(90), Some(365)]),
        )
        .owner(
            OwnerKind::Project,
            OwnerSettings::enabled([Some(14), Some(180), None]),
        )
        .amount_class(AmountClass::new(1, "Small", Some(0.0), Some(10_000.0)))
        .amount_class(AmountClass::new(
            2,
            "Medium",
            Some(10_000.0),
            Some(100_000.0),
        ))
        .amount_class(AmountClass::new(3, "Large", Some(100_000.0), None))
        .build()
        .unwrap()
}

fn activity(id: u32, contact_id: u32) -> Activity {
    Activity {
        id,
        contact_id,
        person_id: 0,
        project_id: 0,
        record_type: RecordType::Unknown,
        direction: Direction::Unknown,
        intent_id: 0,
        status: AppointmentStatus::NotStarted,
        mother_id: 0,
        date: Some(now() - Duration::days(1)),
    }
}

fn sale(id: u32, contact_id: u32, amount: f64) -> Sale {
    Sale {
        id,
        contact_id,
        person_id: 0,
        project_id: 0,
        status: SaleStatus::Open,
        done: false,
        amount,
        date: Some(now() - Duration::days(1)),
    }
}

fn ticket(id: u32, contact_id: u32, status: TicketStatus) -> Ticket {
    Ticket {
        id,
        contact_id,
        person_id: 0,
        status,
        category_id: 0,
        date: Some(now() - Duration::days(1)),
    }
}

fn count(
    activities: &[Activity],
    sales: &[Sale],
    tickets: &[Ticket],
) -> CounterTable {
    let records =
        Records::new().activities(activities).sales(sales).tickets(tickets);
    regenerate(&settings(), &records).unwrap()
}

fn key_of_contact(contact_id: u32) -> CounterKey {
    CounterKey { contact_id, ..CounterKey::default() }
}

/// The values of a row fed by one record, not completed, dated `date`,
/// with the given period memberships.
fn one_open(
    date: Option<DateTime<Utc>>,
    in_periods: [u32; 3],
) -> CounterValues {
    CounterValues {
        total_reg: 1,
        total_reg_in_period: Some(in_periods[0]),
        not_completed: 1,
        not_completed_in_period: Some(in_periods[0]),
        last_registered: date,
        last_completed: None,
        last_do_by: date,
        extra1_count: Some(in_periods[1]),
        extra2_count: Some(in_periods[1]),
        extra3_count: Some(in_periods[2]),
        extra4_count: Some(in_periods[2]),
    }
}

#[test]
fn phone_call_fans_out_into_spec_eight_rows() {
    let date = now() - Duration::days(10);
    let call = Activity {
        record_type: RecordType::Phone,
        direction: Direction::Outgoing,
        intent_id: 7,
        status: AppointmentStatus::Completed,
        date: Some(date),
        ..activity(1, 12)
    };
    let table = count(&[call], &[], &[]);

    let expected_keys: Vec<CounterKey> = [
        (5, 2, 0),
        (5, 2, 7),
        (5, 3, 0),
        (5, 3, 7),
        (10, 2, 0),
        (10, 2, 7),
        (10, 3, 0),
        (10, 3, 7),
    ]
    .into_iter()
    .map(|(record_type, direction, intent_id)| CounterKey {
        record_type,
        direction,
        intent_id,
        ..key_of_contact(12)
    })
    .collect();
    let keys: Vec<CounterKey> = table.iter().map(|r| r.key).collect();
    assert_eq!(keys, expected_keys);

    let completed_in_all_periods = CounterValues {
        total_reg: 1,
        total_reg_in_period: Some(1),
        not_completed: 0,
        not_completed_in_period: Some(0),
        last_registered: Some(date),
        last_completed: Some(date),
        last_do_by: None,
        extra1_count: Some(1),
        extra2_count: Some(0),
        extra3_count: Some(1),
        extra4_count: Some(0),
    };
    assert!(table.iter().all(|r| r.values == completed_in_all_periods));
    assert_eq!(table.rows_per_owner_kind(OwnerKind::Contact), 8);
    assert_eq!(table.statistics().activities.counted, 1);
}

#[test]
fn dates_on_both_window_edges_are_in_period_and_a_future_one_is_not() {
    let all =
        CounterKey { record_type: 10, direction: 3, ..key_of_contact(1) };
    let on = |contact, date| Activity {
        date: Some(date),
        ..activity(contact, contact)
    };
    let table = count(
        &[
            // Exactly now - 30 days: in periods 1, 2 and 3.
            on(1, now() - Duration::days(30)),
            // Exactly now - 90 days: in periods 2 and 3 only.
            on(2, now() - Duration::days(90)),
            // One second before now - 365 days: in no period.
            on(3, now() - Duration::days(365) - Duration::seconds(1)),
            // Exactly now: in every period.
            on(4, now()),
            // One second after now: in no period.
            on(5, now() + Duration::seconds(1)),
        ],
        &[],
        &[],
    );
    let expected = [
        (1, now() - Duration::days(30), [1, 1, 1]),
        (2, now() - Duration::days(90), [0, 1, 1]),
        (3, now() - Duration::days(365) - Duration::seconds(1), [0, 0, 0]),
        (4, now(), [1, 1, 1]),
        (5, now() + Duration::seconds(1), [0, 0, 0]),
    ];
    for (contact, date, periods) in expected {
        let key = CounterKey { contact_id: contact, ..all };
        let row = table.get(&key).unwrap();
        assert_eq!(
            row.values,
            one_open(Some(date), periods),
            "contact {contact}"
        );
    }
    assert_eq!(table.len(), 5);
}

#[test]
fn record_without_date_counts_in_totals_only() {
    let undated = Activity { date: None, ..activity(1, 1) };
    let table = count(&[undated], &[], &[]);
    let row = table.iter().next().unwrap();
    assert_eq!(row.values, one_open(None, [0, 0, 0]));
}

#[test]
fn invitation_child_is_skipped_and_master_is_counted() {
    let master = Activity { mother_id: 1, ..activity(1, 1) };
    let child = Activity { mother_id: 1, ..activity(2, 1) };
    let table = count(&[master, child], &[], &[]);
    let row = table.iter().next().unwrap();
    assert_eq!(row.values.total_reg, 1);
    assert_eq!(table.len(), 1);
    let stats = table.statistics().activities;
    assert_eq!(
        (stats.read, stats.counted, stats.skipped_invitation_child),
        (2, 1, 1)
    );
}

#[test]
fn sale_in_no_amount_class_feeds_only_class_zero_rows() {
    let table = count(&[], &[sale(1, 1, -5.0)], &[]);
    let keys: Vec<(u32, u32)> = table
        .iter()
        .map(|r| (r.key.sale_status, r.key.amount_class_id))
        .collect();
    assert_eq!(keys, vec![(1, 0), (1000, 0)]);
}

#[test]
fn sale_on_a_class_boundary_goes_to_the_upper_class() {
    let table = count(&[], &[sale(1, 1, 10_000.0)], &[]);
    let classes: Vec<u32> =
        table.iter().map(|r| r.key.amount_class_id).collect();
    assert_eq!(classes, vec![0, 2, 0, 2]);
}

#[test]
fn merged_and_deleted_tickets_are_skipped() {
    let table = count(
        &[],
        &[],
        &[
            ticket(1, 1, TicketStatus::Merged),
            ticket(2, 1, TicketStatus::Deleted),
            ticket(3, 1, TicketStatus::Closed),
        ],
    );
    let rows: Vec<_> = table.iter().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].key.ticket_status, rows[1].key.ticket_status),
        (2, 1000)
    );
    assert!(
        rows.iter()
            .all(|r| r.values.total_reg == 1 && r.values.not_completed == 0)
    );
    let stats = table.statistics().tickets;
    assert_eq!(
        (stats.skipped_merged, stats.skipped_deleted, stats.counted),
        (1, 1, 1)
    );
}

#[test]
fn rows_sort_projects_then_persons_then_contacts() {
    let a = Activity {
        contact_id: 1,
        person_id: 2,
        project_id: 3,
        ..activity(1, 1)
    };
    let table =
        count(&[a], &[sale(1, 1, 1.0)], &[ticket(1, 1, TicketStatus::Active)]);
    let owners: Vec<_> =
        table.iter().map(|r| r.key.owner().unwrap()).collect();
    let kinds: Vec<_> = owners.iter().map(|o| o.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    assert_eq!(kinds.first(), Some(&OwnerKind::Project));
    // Within contact 1: ticket rows, then sale rows, then activity rows.
    let contact_rows: Vec<_> = table
        .iter()
        .filter(|r| r.key.contact_id == 1)
        .map(|r| r.key)
        .collect();
    assert!(contact_rows.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(contact_rows[0].ticket_status, 1);
    assert_eq!(contact_rows.last().unwrap().record_type, 10);
}

#[test]
fn disabled_period_gives_null_columns_and_disabled_owner_no_rows() {
    let settings = Settings::builder(now())
        .owner(
            OwnerKind::Contact,
            OwnerSettings::enabled([Some(14), None, Some(365)]),
        )
        .owner(OwnerKind::Person, OwnerSettings::disabled())
        .build()
        .unwrap();
    let a = Activity { person_id: 9, ..activity(1, 1) };
    let acts = [a];
    let table =
        regenerate(&settings, &Records::new().activities(&acts)).unwrap();
    assert_eq!(table.len(), 1);
    let values = table.iter().next().unwrap().values;
    assert_eq!(values.total_reg_in_period, Some(1));
    assert_eq!((values.extra1_count, values.extra2_count), (None, None));
    assert_eq!(values.extra3_count, Some(1));
    assert_eq!(table.rows_per_owner_kind(OwnerKind::Person), 0);
}

#[test]
fn record_without_usable_owner_is_skipped_and_counted_as_such() {
    let settings = Settings::builder(now())
        .owner(OwnerKind::Contact, OwnerSettings::enabled([Some(30); 3]))
        .build()
        .unwrap();
    let orphans = [
        Activity { contact_id: 0, person_id: 5, ..activity(1, 0) },
        activity(2, 0),
    ];
    let table =
        regenerate(&settings, &Records::new().activities(&orphans)).unwrap();
    assert!(table.is_empty());
    assert_eq!(table.statistics().activities.skipped_no_owner, 2);
}

#[test]
fn non_finite_amount_is_an_error_naming_the_sale() {
    let sales = [sale(1, 1, 5.0), sale(44, 1, f64::NAN)];
    let err =
        regenerate(&settings(), &Records::new().sales(&sales)).unwrap_err();
    match err.kind() {
        ErrorKind::InvalidRecord { id, field, .. } => {
            assert_eq!((*id, *field), (44, "amount"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn lookup_of_a_row_not_produced_is_none() {
    let table = count(&[activity(1, 1)], &[], &[]);
    assert!(
        table
            .get(&CounterKey {
                record_type: 10,
                direction: 3,
                ..key_of_contact(2)
            })
            .is_none()
    );
    assert!(
        table
            .get(&CounterKey {
                record_type: 5,
                direction: 3,
                ..key_of_contact(1)
            })
            .is_none()
    );
    assert!(
        table
            .get(&CounterKey {
                record_type: 10,
                direction: 3,
                ..key_of_contact(1)
            })
            .is_some()
    );
}

fn many_activities(n: u32) -> Vec<Activity> {
    (1..=n)
        .map(|id| Activity {
            record_type: RecordType::VALUES[(id % 10) as usize],
            direction: Direction::VALUES[(id % 3) as usize],
            intent_id: id % 5,
            person_id: id % 701,
            ..activity(id, id % 997 + 1)
        })
        .collect()
}

#[test]
fn progress_rises_in_order_to_one_hundred() {
    let acts = many_activities(200_000);
    let seen = Mutex::new(Vec::new());
    let table = Regenerator::new(&settings())
        .on_progress(|p| seen.lock().unwrap().push(*p))
        .run(&Records::new().activities(&acts))
        .unwrap();
    assert!(!table.is_empty());
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[0].percent <= w[1].percent));
    assert_eq!(
        seen.last(),
        Some(&Progress { stage: Stage::Done, percent: 100 })
    );
    assert!(seen.len() < 400, "{} reports", seen.len());
    assert!(
        seen.iter().any(|p| p.stage == Stage::Counting(OwnerKind::Contact))
    );
}

#[test]
fn stop_during_a_run_returns_stopped_and_no_table() {
    let acts = many_activities(200_000);
    let stop = StopToken::new();
    let calls = AtomicUsize::new(0);
    let result = Regenerator::new(&settings())
        .stop_token(stop.clone())
        .on_progress(|p| {
            calls.fetch_add(1, Ordering::Relaxed);
            if p.percent >= 20 {
                stop.stop();
            }
        })
        .run(&Records::new().activities(&acts));
    assert!(result.unwrap_err().is_stopped());
    assert!(calls.load(Ordering::Relaxed) > 0);
}

#[test]
fn stop_before_a_run_returns_stopped() {
    let stop = StopToken::new();
    stop.stop();
    let acts = [activity(1, 1)];
    let err = Regenerator::new(&settings())
        .stop_token(stop)
        .run(&Records::new().activities(&acts))
        .unwrap_err();
    assert!(err.is_stopped());
}

#[test]
fn panicking_callback_fails_the_run() {
    let acts = many_activities(1000);
    let err = Regenerator::new(&settings())
        .on_progress(|_| panic!("callback bug"))
        .run(&Records::new().activities(&acts))
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::CallbackPanicked { message }
                if message == "callback bug"
        ),
        "{err}"
    );
}

#[test]
fn merge_of_tables_with_different_settings_is_refused() {
    let acts = [activity(1, 1)];
    let records = Records::new().activities(&acts);
    let a = regenerate(&settings(), &records).unwrap();
    let other = Settings::builder(now() + Duration::days(1))
        .owner(
            OwnerKind::Contact,
            OwnerSettings::enabled([Some(30), Some(90), Some(365)]),
        )
        .build()
        .unwrap();
    let b = regenerate(&other, &records).unwrap();
    assert!(matches!(
        a.merge(&b).unwrap_err().kind(),
        ErrorKind::SettingsMismatch
    ));
}

// Property tests: the engine equals the reference implementation.

fn pools() -> &'static [rayon::ThreadPool] {
    static POOLS: OnceLock<Vec<rayon::ThreadPool>> = OnceLock::new();
    POOLS.get_or_init(|| {
        (1..=4)
            .map(|n| {
                rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()
            })
            .collect()
    })
}

/// Dates that hit the rules' edges often: null, exactly on a period
/// start, exactly now, just after now, and fractions of a second.
fn date() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    let edge = prop_oneof![
        Just(0i64),
        Just(14),
        Just(30),
        Just(90),
        Just(180),
        Just(365),
    ]
    .prop_map(|d| now() - Duration::days(d));
    let day = 86_400_i64;
    let edge_30 = now() - Duration::days(30);
    let seconds = Duration::seconds;
    let seconds_ago = move |s| now() - seconds(s);
    let nanos_ago = |n| now() - Duration::nanoseconds(n);
    prop_oneof![
        1 => Just(None),
        2 => edge.prop_map(Some),
        1 => Just(Some(now() + Duration::seconds(1))),
        1 => (-1i64..2).prop_map(move |s| Some(edge_30 + seconds(s))),
        4 => (-400 * day..5 * day).prop_map(move |s| Some(seconds_ago(s))),
        1 => (0i64..10_000_000_000).prop_map(move |n| Some(nanos_ago(n * 97))),
    ]
}

fn owner_id() -> impl Strategy<Value = u32> {
    prop_oneof![3 => 0u32..6, 1 => Just(u32::MAX)]
}

fn activities() -> impl Strategy<Value = Vec<Activity>> {
    let one = (
        (1u32..40, owner_id(), owner_id(), owner_id()),
        (
            0usize..10,
            0usize..3,
            prop_oneof![0u32..4, Just(u32::MAX)],
            0usize..14,
        ),
        prop_oneof![4 => Just(0u32), 1 => 1u32..40],
        date(),
    );
    prop::collection::vec(one, 0..40).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, ((_, c, p, j), (t, d, intent, s), mother, date))| {
                Activity {
                    id: i as u32 + 1,
                    contact_id: c,
                    person_id: p,
                    project_id: j,
                    record_type: RecordType::VALUES[t],
                    direction: Direction::VALUES[d],
                    intent_id: intent,
                    status: AppointmentStatus::VALUES[s],
                    mother_id: if mother == 1 { i as u32 + 1 } else { mother },
                    date,
                }
            })
            .collect()
    })
}

fn sales() -> impl Strategy<Value = Vec<Sale>> {
    let amount = prop_oneof![
        Just(0.0),
        Just(10_000.0),
        Just(100_000.0),
        Just(-1.0),
        -1e3..2e5f64,
    ];
    let one = (
        (owner_id(), owner_id(), owner_id()),
        0usize..5,
        any::<bool>(),
        amount,
        date(),
    );
    prop::collection::vec(one, 0..20).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, ((c, p, j), s, done, amount, date))| Sale {
                id: i as u32 + 1,
                contact_id: c,
                person_id: p,
                project_id: j,
                status: SaleStatus::VALUES[s],
                done,
                amount,
                date,
            })
            .collect()
    })
}

fn tickets() -> impl Strategy<Value = Vec<Ticket>> {
    let one = ((owner_id(), owner_id()), 0usize..6, 0u32..3, date());
    prop::collection::vec(one, 0..20).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, ((c, p), s, category_id, date))| Ticket {
                id: i as u32 + 1,
                contact_id: c,
                person_id: p,
                status: TicketStatus::VALUES[s],
                category_id,
                date,
            })
            .collect()
    })
}

fn owner_settings() -> impl Strategy<Value = OwnerSettings> {
    let period = prop_oneof![Just(None), (1u32..400).prop_map(Some)];
    (prop::bool::weighted(0.85), [period.clone(), period.clone(), period])
        .prop_map(|(enabled, periods)| OwnerSettings { enabled, periods })
}

fn random_settings() -> impl Strategy<Value = Settings> {
    (owner_settings(), owner_settings(), owner_settings(), any::<bool>())
        .prop_map(|(contact, person, project, gap)| {
            let mut b = Settings::builder(now())
                .owner(OwnerKind::Contact, contact)
                .owner(OwnerKind::Person, person)
                .owner(OwnerKind::Project, project)
                .amount_class(AmountClass::new(
                    2,
                    "Small",
                    Some(0.0),
                    Some(10_000.0),
                ))
                .amount_class(AmountClass::new(
                    7,
                    "Large",
                    Some(100_000.0),
                    None,
                ));
            if !gap {
                b = b.amount_class(AmountClass::new(
                    5,
                    "Medium",
                    Some(10_000.0),
                    Some(100_000.0),
                ));
            }
            b.build().unwrap()
        })
}

/// Splits `records` at the given fractions into partitions.
fn split<'a, T>(records: &'a [T], cuts: &[f64]) -> Vec<&'a [T]> {
    let mut at: Vec<usize> =
        cuts.iter().map(|c| (c * records.len() as f64) as usize).collect();
    at.sort_unstable();
    let mut parts = Vec::new();
    let mut start = 0;
    for end in at.into_iter().chain([records.len()]) {
        parts.push(&records[start..end.max(start)]);
        start = end.max(start);
    }
    parts
}

fn as_map(table: &CounterTable) -> reference::Rows {
    table.iter().map(|r| (r.key, r.values)).collect()
}

/// The records split at the same fractions in each kind.
fn partitioned<'a>(
    activities: &'a [Activity],
    sales: &'a [Sale],
    tickets: &'a [Ticket],
    cuts: &[f64],
) -> Records<'a> {
    let mut records = Records::new();
    for part in split(activities, cuts) {
        records = records.activities(part);
    }
    for part in split(sales, cuts) {
        records = records.sales(part);
    }
    for part in split(tickets, cuts) {
        records = records.tickets(part);
    }
    records
}

/// The first `fraction` of `records`, and the rest.
fn halves<T>(records: &[T], fraction: f64) -> (&[T], &[T]) {
    records.split_at((fraction * records.len() as f64) as usize)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn engine_equals_reference_for_any_threads_partitioning_and_order(
        settings in random_settings(),
        activities in activities().prop_shuffle(),
        sales in sales().prop_shuffle(),
        tickets in tickets().prop_shuffle(),
        cuts in prop::collection::vec(0.0..1.0f64, 0..4),
        threads in 0usize..4,
    ) {
        let expected =
            reference::count(&settings, &activities, &sales, &tickets);
        let records = partitioned(&activities, &sales, &tickets, &cuts);
        let table = Regenerator::new(&settings)
            .thread_pool(&pools()[threads])
            .run(&records)
            .unwrap();
        // Iteration order is key order, and every row matches.
        let keys: Vec<CounterKey> = table.iter().map(|r| r.key).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        prop_assert_eq!(as_map(&table), expected);
        let statistics =
            reference::statistics(&settings, &activities, &sales, &tickets);
        prop_assert_eq!(table.statistics(), &statistics);
        for row in &table {
            prop_assert_eq!(table.get(&row.key), Some(row));
        }
    }

    #[test]
    fn merging_tables_of_disjoint_parts_equals_counting_the_whole(
        settings in random_settings(),
        activities in activities(),
        sales in sales(),
        tickets in tickets(),
        cut in 0.0..1.0f64,
    ) {
        let all = Records::new()
            .activities(&activities)
            .sales(&sales)
            .tickets(&tickets);
        let whole = regenerate(&settings, &all).unwrap();
        let (a1, a2) = halves(&activities, cut);
        let (s1, s2) = halves(&sales, cut);
        let (t1, t2) = halves(&tickets, cut);
        let first = Records::new().activities(a1).sales(s1).tickets(t1);
        let second = Records::new().activities(a2).sales(s2).tickets(t2);
        let first = regenerate(&settings, &first).unwrap();
        let second = regenerate(&settings, &second).unwrap();
        let merged = first.merge(&second).unwrap();
        prop_assert!(merged.iter().eq(whole.iter()));
        prop_assert_eq!(merged.statistics(), whole.statistics());
        for kind in OwnerKind::ALL {
            prop_assert_eq!(
                merged.rows_per_owner_kind(kind),
                whole.rows_per_owner_kind(kind)
            );
        }
    }
}
