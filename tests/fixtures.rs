//! Integration tests: every dataset under `fixtures/` that has an
//! `expected/countervalue.csv` (worked out by hand, or for the demo by an
//! independent SQL implementation) is counted and written, and the output
//! must equal the expected file byte for byte.

use std::path::{Path, PathBuf};

use saint_counters::Regenerator;
use saint_counters::files::{Dataset, write_counter_values_to};

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected/countervalue.csv").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_gives_its_expected_countervalue_csv() {
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 10, "only {} fixtures found", dirs.len());
    let pools: Vec<rayon::ThreadPool> = [1, 3]
        .iter()
        .map(|&n| {
            rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()
        })
        .collect();
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected =
            std::fs::read(dir.join("expected/countervalue.csv")).unwrap();
        let dataset = Dataset::load(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for pool in &pools {
            let table = Regenerator::new(dataset.settings())
                .thread_pool(pool)
                .run(&dataset.records())
                .unwrap();
            let mut out = Vec::new();
            write_counter_values_to(&table, &mut out).unwrap();
            if out != expected {
                failures.push(format!(
                    "{} ({} threads):\n--- expected\n{}\n--- got\n{}",
                    dir.display(),
                    pool.current_num_threads(),
                    String::from_utf8_lossy(&expected),
                    String::from_utf8_lossy(&out)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
