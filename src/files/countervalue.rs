//! Writing a counter table as `countervalue.csv`.
//!
//! Rows are formatted straight from the table's packed parts into byte
//! buffers, a few thousand rows per task on the rayon pool, while the
//! calling thread writes the buffers of the previous batch in order.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::date::{decimal, push_date};
use crate::aggregate::NO_DATE;
use crate::error::{Error, ErrorKind};
use crate::owner::OwnerKind;
use crate::progress::StopToken;
use crate::record::SourceKind;
use crate::table::{CounterTable, Part, Row};

/// The header row of `countervalue.csv`, with its line end.
pub(crate) const HEADER: &str = "contact_id,person_id,project_id,\
record_type,direction,intent_id,sale_status,amount_class_id,\
ticket_status,ticket_category_id,total_reg,total_reg_in_period,\
not_completed,not_completed_in_period,last_registered,last_completed,\
last_do_by,extra1_count,extra2_count,extra3_count,extra4_count\n";

/// Rows per formatting task.
const ROWS_PER_TASK: usize = 16 * 1024;

/// Tasks formatted while the previous batch is written.
const TASKS_PER_BATCH: usize = 8;

/// A run of rows of one part, formatted by one task.
struct Task<'a> {
    part: &'a Part,
    rows: Range<usize>,
}

/// Writes `table` to `out`, header first, rows in table order. A stop
/// of `stop` ends the writing between two batches with an error of kind
/// [`io::ErrorKind::Interrupted`].
pub(crate) fn write_table(
    table: &CounterTable,
    out: &mut dyn Write,
    stop: Option<&StopToken>,
) -> io::Result<()> {
    out.write_all(HEADER.as_bytes())?;
    let mut tasks = Vec::new();
    for part in table.parts() {
        let mut start = 0;
        while start < part.rows.len() {
            let end = part.rows.len().min(start + ROWS_PER_TASK);
            tasks.push(Task { part, rows: start..end });
            start = end;
        }
    }
    let periods = OwnerKind::ALL.map(|kind| {
        table.settings().owner(kind).periods.map(|days| days.is_some())
    });

    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    for batch in tasks.chunks(TASKS_PER_BATCH) {
        if stop.is_some_and(StopToken::is_stopped) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "stopped"));
        }
        let mut buffers: Vec<Vec<u8>> = (0..batch.len())
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let written = rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                buffers.par_iter_mut().zip(batch).for_each(
                    |(buffer, task)| {
                        format_task(buffer, task, &periods);
                    },
                );
            });
            write_buffers(out, &mut pending, &mut spare)
        });
        written?;
        pending = buffers;
    }
    write_buffers(out, &mut pending, &mut spare)?;
    out.flush()
}

/// Writes and empties `pending`, keeping its buffers for reuse.
fn write_buffers(
    out: &mut dyn Write,
    pending: &mut Vec<Vec<u8>>,
    spare: &mut Vec<Vec<u8>>,
) -> io::Result<()> {
    for mut buffer in pending.drain(..) {
        out.write_all(&buffer)?;
        buffer.clear();
        spare.push(buffer);
    }
    Ok(())
}

/// Index of an owner kind in [`OwnerKind::ALL`].
fn kind_index(kind: OwnerKind) -> usize {
    match kind {
        OwnerKind::Project => 0,
        OwnerKind::Person => 1,
        OwnerKind::Contact => 2,
    }
}

/// Formats the rows of `task` into `out`.
fn format_task(out: &mut Vec<u8>, task: &Task<'_>, periods: &[[bool; 3]; 3]) {
    let part = task.part;
    let kind = part.kind;
    let periods = periods[kind_index(kind)];
    out.reserve(task.rows.len() * 96);
    let mut dates = DateCache::default();

    // The owner columns repeat across an owner's rows; they are formatted
    // once per owner and kept at the start of the line.
    let mut owner = part.owners.partition_point(|s| s.end <= task.rows.start);
    let mut line = Line::new();
    let mut prefix = 0;
    let mut prefix_owner = None;
    for index in task.rows.clone() {
        while part.owners[owner].end <= index {
            owner += 1;
        }
        let id = part.owners[owner].id;
        if prefix_owner != Some(id) {
            line.len = 0;
            for column in
                [OwnerKind::Contact, OwnerKind::Person, OwnerKind::Project]
            {
                line.number(if column == kind { id } else { 0 });
                line.byte(b',');
            }
            prefix = line.len;
            prefix_owner = Some(id);
        }
        line.len = prefix;
        format_row(&mut line, &part.rows[index], periods, &mut dates);
        out.extend_from_slice(line.text());
    }
}

/// The longest line: ten ids and eight counts of up to ten digits, three
/// dates of up to 27 bytes, twenty commas and the line end.
const LINE_MAX: usize = 18 * 10 + 3 * 27 + 21;

/// One line being formatted, on the stack.
struct Line {
    bytes: [u8; LINE_MAX],
    len: usize,
}

impl Line {
    fn new() -> Line {
        Line { bytes: [0; LINE_MAX], len: 0 }
    }

    fn text(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    #[inline]
    fn byte(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    #[inline]
    fn bytes(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    #[inline]
    fn number(&mut self, value: u32) {
        // Most counts and codes are one digit.
        if value < 10 {
            self.byte(b'0' + value as u8);
        } else {
            self.bytes(decimal(value, &mut [0; 10]));
        }
    }
}

/// The last few dates formatted, with their text. A row's three dates
/// repeat one another, and an owner's rows share dates, so most dates
/// are found here.
#[derive(Default)]
struct DateCache {
    entries: [(i64, [u8; 32], usize); 4],
    next: usize,
    scratch: Vec<u8>,
}

impl DateCache {
    fn text(&mut self, micros: i64) -> &[u8] {
        let found = self.entries.iter().position(|e| e.0 == micros && e.2 > 0);
        let at = found.unwrap_or_else(|| {
            let at = self.next;
            self.next = (self.next + 1) % self.entries.len();
            let text = &mut self.scratch;
            text.clear();
            push_date(text, micros);
            let entry = &mut self.entries[at];
            entry.0 = micros;
            entry.1[..text.len()].copy_from_slice(text);
            entry.2 = text.len();
            at
        });
        let (_, text, len) = &self.entries[at];
        &text[..*len]
    }
}

/// Appends one row after its owner columns, with its line end.
fn format_row(
    line: &mut Line,
    row: &Row,
    periods: [bool; 3],
    dates: &mut DateCache,
) {
    let (first, second, last) = row.dims.parts();
    let dims = match row.dims.source() {
        SourceKind::Activity => [first, second, last, 0, 0, 0, 0],
        SourceKind::Sale => [0, 0, 0, first, last, 0, 0],
        SourceKind::Ticket => [0, 0, 0, 0, 0, first, last],
    };
    for value in dims {
        line.number(value);
        line.byte(b',');
    }

    let a = &row.aggregate;
    let count = |line: &mut Line, k: usize, value: u32| {
        if periods[k] {
            line.number(value);
        }
        line.byte(b',');
    };
    let mut date = |line: &mut Line, micros: i64| {
        if micros != NO_DATE {
            line.bytes(dates.text(micros));
        }
        line.byte(b',');
    };
    line.number(a.total);
    line.byte(b',');
    count(line, 0, a.in_period[0]);
    line.number(a.not_completed);
    line.byte(b',');
    count(line, 0, a.not_completed_in_period[0]);
    date(line, a.last_registered());
    date(line, a.last_completed);
    date(line, a.last_do_by);
    count(line, 1, a.in_period[1]);
    count(line, 1, a.not_completed_in_period[1]);
    count(line, 2, a.in_period[2]);
    // The last column ends the line instead of taking a comma.
    if periods[2] {
        line.number(a.not_completed_in_period[2]);
    }
    line.byte(b'\n');
}

/// Makes temporary names unique within the process.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

/// A temporary file's name, removed when dropped unless it was renamed
/// into place.
struct Temporary {
    path: Option<PathBuf>,
}

impl Temporary {
    /// Creates a new, empty file next to `target`.
    fn next_to(target: &Path) -> io::Result<(Temporary, File)> {
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = target.file_name().unwrap_or(target.as_os_str());
        loop {
            let n = TEMPORARY.fetch_add(1, Ordering::Relaxed);
            let mut temporary = OsString::from(".");
            temporary.push(name);
            temporary.push(format!(".{}.{n}.tmp", std::process::id()));
            let path = directory.join(temporary);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((Temporary { path: Some(path) }, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Gives the (closed) file the name `target`.
    fn rename_to(mut self, target: &Path) -> io::Result<()> {
        if let Some(path) = &self.path {
            std::fs::rename(path, target)?;
        }
        self.path = None;
        Ok(())
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            // Nothing more can be done about a failure while cleaning up
            // after another error.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes `table` to a temporary file next to `path`, then renames it to
/// `path`.
pub(crate) fn write_file(
    table: &CounterTable,
    path: &Path,
    stop: Option<&StopToken>,
) -> Result<(), Error> {
    let io_error = |e| Error::io(path, e);
    let (temporary, mut file) = Temporary::next_to(path).map_err(io_error)?;
    write_table(table, &mut file, stop).map_err(|e| {
        if stop.is_some_and(StopToken::is_stopped) {
            Error::new(ErrorKind::Stopped)
        } else {
            io_error(e)
        }
    })?;
    // Closed before the rename, which some systems require.
    drop(file);
    temporary.rename_to(path).map_err(io_error)
}
