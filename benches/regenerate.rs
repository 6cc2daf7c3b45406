//! Benchmarks of counting, loading and writing, on datasets that the
//! generate example writes.
//!
//! Ids say what the data is: `regenerate/300k-activities/2-threads`
//! counts 300,000 activities with 60,000 sales and 30,000 tickets in
//! memory. Throughput is in records. Every measured result is checked
//! against totals computed from the records themselves, so a change that
//! breaks counting cannot look fast.

use std::path::Path;

use chrono::{TimeZone, Utc};
use criterion::{
    BatchSize, BenchmarkId, Criterion, Throughput, criterion_group,
    criterion_main,
};
use saint_counters::files::{Dataset, write_counter_values};
use saint_counters::{CounterTable, OwnerKind, Regenerator};

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/generate.rs"]
mod generate;

/// The sizes benchmarked, in activities.
const SIZES: [(u32, &str); 1] = [(300_000, "300k-activities")];

fn write_dataset(dir: &Path, activities: u32) {
    let options = generate::Options {
        out_dir: dir.to_path_buf(),
        activities,
        seed: 1,
        edge_cases: false,
        now: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
    };
    generate::generate(&options).expect("the generator writes the dataset");
}

fn records(dataset: &Dataset) -> u64 {
    dataset.records().len()
}

/// Checks `table` against what the records alone say: for every owner
/// kind, the "all" row of each source kind counts exactly the records that
/// carry an id of that kind (the generated data has no skipped records).
fn check(dataset: &Dataset, table: &CounterTable) {
    for kind in OwnerKind::ALL {
        let owned = |id: u32| u32::from(id > 0);
        let expected: [u32; 3] = [
            dataset.activities().iter().map(|a| owned(a.owner_id(kind))).sum(),
            dataset.sales().iter().map(|s| owned(s.owner_id(kind))).sum(),
            dataset.tickets().iter().map(|t| owned(t.owner_id(kind))).sum(),
        ];
        let mut counted = [0u32; 3];
        for row in table.iter().filter(|r| r.key.owner().unwrap().kind == kind)
        {
            let k = row.key;
            let slot =
                if (k.record_type, k.direction, k.intent_id) == (10, 3, 0) {
                    0
                } else if (k.sale_status, k.amount_class_id) == (1000, 0) {
                    1
                } else if (k.ticket_status, k.ticket_category_id) == (1000, 0)
                    && k.record_type == 0
                    && k.sale_status == 0
                {
                    2
                } else {
                    continue;
                };
            counted[slot] += row.values.total_reg;
        }
        assert_eq!(counted, expected, "{kind} totals");
    }
}

fn benches(c: &mut Criterion) {
    for (activities, name) in SIZES {
        let dir = tempfile::tempdir().expect("a temporary directory");
        write_dataset(dir.path(), activities);
        let dataset = Dataset::load(dir.path()).expect("the dataset loads");
        let n = records(&dataset);
        let table = Regenerator::new(dataset.settings())
            .run(&dataset.records())
            .expect("the dataset counts");
        check(&dataset, &table);
        let rows = table.len();

        let mut group = c.benchmark_group("regenerate");
        group.sample_size(20).throughput(Throughput::Elements(n));
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            let label = if threads == 1 { "1-thread" } else { "2-threads" };
            group.bench_function(BenchmarkId::new(name, label), |b| {
                b.iter_with_large_drop(|| {
                    let table = Regenerator::new(dataset.settings())
                        .thread_pool(&pool)
                        .run(&dataset.records())
                        .expect("the dataset counts");
                    assert_eq!(table.len(), rows);
                    table
                });
            });
            let last = Regenerator::new(dataset.settings())
                .thread_pool(&pool)
                .run(&dataset.records())
                .expect("the dataset counts");
            check(&dataset, &last);
            assert!(last.iter().eq(table.iter()), "{threads} threads differ");
        }
        group.finish();

        let mut group = c.benchmark_group("load");
        group.sample_size(20).throughput(Throughput::Elements(n));
        group.bench_function(name, |b| {
            b.iter(|| {
                let loaded = Dataset::load(dir.path()).expect("it loads");
                assert_eq!(records(&loaded), n);
                loaded
            });
        });
        group.finish();

        let mut group = c.benchmark_group("write");
        group.sample_size(10).throughput(Throughput::Elements(table.len()));
        let out = dir.path().join("countervalue.csv");
        group.bench_function(name, |b| {
            // Replacing an existing file would also time the freeing of
            // its pages; each write goes to a fresh path instead.
            b.iter_batched(
                || {
                    let _ = std::fs::remove_file(&out);
                },
                |()| write_counter_values(&table, &out).expect("it writes"),
                BatchSize::PerIteration,
            );
        });
        let text = std::fs::read_to_string(&out).expect("the output");
        let lines = text.lines().count() as u64;
        assert_eq!(lines, table.len() + 1, "one line per row and a header");
        group.finish();
    }
}

criterion_group!(all, benches);
criterion_main!(all);
