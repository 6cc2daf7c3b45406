//! Regenerates the SAINT counters of a dataset directory.
//!
//! ```text
//! regenerate [DATASET_DIR] [--output FILE] [--threads N]
//!            [--select LIST] [--time-zone TZ]
//! ```
//!
//! Reads `DATASET_DIR` (default `fixtures/demo`), counts every counter
//! row, and writes `countervalue.csv` (default: into `DATASET_DIR`).
//! Stdout holds only the run's BatchTaskInfo as JSON, after `--select`
//! and `--time-zone` are applied. Stderr shows a progress bar when it is
//! a terminal, then a summary with the time spent loading, counting and
//! writing.
//!
//! Exit status: 0 on success, 1 for bad input or a failed run, 2 for bad
//! usage. Ctrl-C stops the run and leaves no output file behind.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use saint_counters::batch::{
    BatchOutcome, BatchTask, BatchTaskInfo, BatchTaskState, TimeZone,
};
use saint_counters::files::{Dataset, write_counter_values_until};
use saint_counters::{CounterTable, OwnerKind, StopToken};

const USAGE: &str = "usage: regenerate [DATASET_DIR] [--output FILE] \
                     [--threads N] [--select LIST] [--time-zone TZ]";

struct Options {
    dataset: PathBuf,
    output: Option<PathBuf>,
    threads: Option<usize>,
    select: Option<String>,
    zone: TimeZone,
}

/// Reads the command line; `Err` is the message for a usage error.
fn parse_options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut dataset = None;
    let mut output = None;
    let mut threads = None;
    let mut select = None;
    let mut zone = TimeZone::utc();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next().ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--output" => output = Some(PathBuf::from(value("--output")?)),
            "--threads" => {
                let text = value("--threads")?;
                match text.parse::<usize>() {
                    Ok(n) if n > 0 => threads = Some(n),
                    _ => {
                        return Err(format!(
                            "--threads takes a whole number above 0, \
                             not {text:?}"
                        ));
                    }
                }
            }
            "--select" => select = Some(value("--select")?),
            "--time-zone" => {
                let name = value("--time-zone")?;
                zone = TimeZone::parse(&name).map_err(|e| e.to_string())?;
            }
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option {flag:?}"));
            }
            _ if dataset.is_none() => dataset = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    // An unknown $select name is a usage error: find it before any work.
    if let Some(list) = &select {
        BatchTaskInfo::default()
            .render_json(Some(list), &zone)
            .map_err(|e| e.to_string())?;
    }
    Ok(Options {
        dataset: dataset.unwrap_or_else(|| PathBuf::from("fixtures/demo")),
        output,
        threads,
        select,
        zone,
    })
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("regenerate: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("regenerate: {message}");
            ExitCode::from(1)
        }
    }
}

/// Loads, counts, writes and prints; `Err` is the message of a failure.
fn run(options: &Options) -> Result<(), String> {
    let stop = StopToken::new();
    let on_interrupt = stop.clone();
    // Without the handler Ctrl-C would end the process at once, which
    // leaves no output file either (it is renamed into place only when
    // complete); with it the run stops cleanly and reports Failed.
    let _ = ctrlc::set_handler(move || on_interrupt.stop());

    let started = Instant::now();
    let dataset =
        Dataset::load(&options.dataset).map_err(|e| e.to_string())?;
    let loading = started.elapsed();

    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = options.threads {
        pool = pool.num_threads(n);
    }
    let pool = Arc::new(
        pool.build().map_err(|e| format!("cannot start threads: {e}"))?,
    );

    let bar = progress_bar();
    let mut task = BatchTask::new(dataset.settings().clone())
        .thread_pool(pool.clone())
        .stop_token(stop.clone());
    if let Some(bar) = &bar {
        let bar = bar.clone();
        task = task.on_progress(move |p| {
            bar.set_position(u64::from(p.percent));
            bar.set_message(p.stage.to_string());
        });
    }
    let started = Instant::now();
    let BatchOutcome { mut info, result } = task.run(&dataset.records());
    let counting = started.elapsed();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }

    let failure = match &result {
        Ok(table) => {
            let output = options
                .output
                .clone()
                .unwrap_or_else(|| options.dataset.join("countervalue.csv"));
            let started = Instant::now();
            let written = pool
                .install(|| write_counter_values_until(table, &output, &stop));
            let writing = started.elapsed();
            match written {
                Ok(()) => {
                    summarize(table, &output, [loading, counting, writing]);
                    None
                }
                // The counters are only regenerated once they are saved.
                Err(err) => {
                    info.state = BatchTaskState::Failed;
                    info.response = Some(err.to_string());
                    Some(err.to_string())
                }
            }
        }
        Err(err) => Some(err.to_string()),
    };

    let json = info
        .render_json(options.select.as_deref(), &options.zone)
        .map_err(|e| e.to_string())?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &json)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(stdout))
        .map_err(|e| format!("cannot print the result: {e}"))?;
    failure.map_or(Ok(()), Err)
}

/// A progress bar on stderr, when stderr is a terminal.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(100);
    let style =
        ProgressStyle::with_template("{bar:40.cyan/blue} {pos:>3}% {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// The summary on stderr: rows per owner kind, records read and skipped,
/// and the seconds each phase took.
fn summarize(
    table: &CounterTable,
    output: &std::path::Path,
    [loading, counting, writing]: [std::time::Duration; 3],
) {
    let stats = table.statistics();
    let rows: Vec<String> = OwnerKind::ALL
        .iter()
        .rev()
        .map(|&k| format!("{} {k}", table.rows_per_owner_kind(k)))
        .collect();
    eprintln!(
        "{} counter rows ({}) written to {}",
        table.len(),
        rows.join(", "),
        output.display()
    );
    eprintln!(
        "records: {} activities, {} sales, {} tickets read; \
         {} skipped ({} without an owner, {} invitation children, \
         {} deleted and {} merged tickets)",
        stats.activities.read,
        stats.sales.read,
        stats.tickets.read,
        stats.skipped(),
        stats.activities.skipped_no_owner
            + stats.sales.skipped_no_owner
            + stats.tickets.skipped_no_owner,
        stats.activities.skipped_invitation_child,
        stats.tickets.skipped_deleted,
        stats.tickets.skipped_merged,
    );
    eprintln!(
        "seconds: loading {:.3}, counting {:.3}, writing {:.3}, total {:.3}",
        loading.as_secs_f64(),
        counting.as_secs_f64(),
        writing.as_secs_f64(),
        (loading + counting + writing).as_secs_f64()
    );
}
