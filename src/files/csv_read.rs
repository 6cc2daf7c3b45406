//! Reading one record file: the header, the rows, and the rule that ids
//! are unique.
//!
//! There are two readers. The general one is the `csv` crate, one row at
//! a time. The fast one handles the files this crate's own tools write,
//! which have no quotes and end lines with `\n` or `\r\n`: in such a file
//! every comma separates fields and every newline ends a row, so blocks
//! of whole lines can be split apart and parsed on all threads while the
//! next block is read. A file with a `"`, or a `\r` that does not end a
//! line, goes to the general reader from its start. Both read the same
//! rows the same way; a test holds them to it.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
#[cfg(test)]
use std::path::PathBuf;

use hashbrown::HashSet;
use rayon::prelude::*;

use super::layout::{CsvRecord, MAX_COLUMNS, Row, shown};
use crate::error::Error;

/// How much the fast reader reads and parses at a time.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// Bytes read per block.
    block: usize,
    /// Bytes per parallel task within a block, at least.
    chunk: usize,
}

const SIZES: Sizes = Sizes { block: 8 << 20, chunk: 256 << 10 };

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads every record of the file at `path`.
pub(crate) fn read_records<T: CsvRecord>(
    path: &Path,
) -> Result<Vec<T>, Error> {
    let records = match read_fast::<T>(path, SIZES)? {
        Some(records) => records,
        None => read_general::<T>(path)?,
    };
    check_unique_ids(path, &records)?;
    Ok(records)
}

/// Which column of the file is which field, from the header row.
struct Header {
    /// For each column of the file, its index in [`CsvRecord::COLUMNS`].
    positions: Vec<usize>,
}

impl Header {
    fn parse<'a, T: CsvRecord>(
        path: &Path,
        line: u64,
        names: impl Iterator<Item = &'a [u8]>,
    ) -> Result<Header, Error> {
        let columns = T::COLUMNS;
        let mut positions = Vec::with_capacity(columns.len());
        let mut seen = [false; MAX_COLUMNS];
        for name in names {
            let bad = |reason: String| {
                Error::input(
                    path,
                    Some(line),
                    Some(&shown(name)),
                    Some(&shown(name)),
                    reason,
                )
            };
            let Ok(text) = std::str::from_utf8(name) else {
                return Err(bad("the column name is not valid UTF-8".into()));
            };
            let Some(at) = columns.iter().position(|&c| c == text) else {
                return Err(bad(format!(
                    "unknown column; the columns are {}",
                    columns.join(", ")
                )));
            };
            if seen[at] {
                return Err(bad("the column appears twice".into()));
            }
            seen[at] = true;
            positions.push(at);
        }
        if let Some(at) = seen[..columns.len()].iter().position(|&s| !s) {
            return Err(Error::input(
                path,
                Some(line),
                Some(columns[at]),
                None,
                format!(
                    "the header has no column {}; the columns are {}",
                    columns[at],
                    columns.join(", ")
                ),
            ));
        }
        Ok(Header { positions })
    }

    /// The row whose fields, in file order, are `fields`.
    fn row<'a>(
        &self,
        path: &'a Path,
        line: u64,
        columns: &'static [&'static str],
        fields: impl Iterator<Item = &'a [u8]>,
    ) -> Result<Row<'a>, Error> {
        let mut row =
            Row { file: path, line, columns, fields: [&[]; MAX_COLUMNS] };
        let mut count = 0;
        let mut extra = None;
        for field in fields {
            match self.positions.get(count) {
                Some(&at) => row.fields[at] = field,
                None => {
                    extra.get_or_insert(field);
                }
            }
            count += 1;
        }
        if count == self.positions.len() {
            return Ok(row);
        }
        let expected = self.positions.len();
        let reason = format!(
            "the row has {count} field{}; the header has {expected}",
            if count == 1 { "" } else { "s" }
        );
        Err(match extra {
            // Too few: name the first column the row does not reach.
            None => Error::input(
                path,
                Some(line),
                Some(columns[self.positions[count]]),
                None,
                reason,
            ),
            // Too many: there is no column to name; show the first extra
            // field.
            Some(field) => Error::input(
                path,
                Some(line),
                None,
                Some(&shown(field)),
                reason,
            ),
        })
    }
}

/// The empty-file error: there is not even a header.
fn no_header<T: CsvRecord>(path: &Path) -> Error {
    Error::input(
        path,
        Some(1),
        None,
        None,
        format!(
            "the file is empty; it needs a header row with the columns {}",
            T::COLUMNS.join(", ")
        ),
    )
}

fn open(path: &Path) -> Result<File, Error> {
    File::open(path).map_err(|e| Error::io(path, e))
}

/// Reads `file` into `buffer` until it holds at least `want` bytes or the
/// file ends. Returns whether the file ended.
fn fill(
    file: &mut File,
    buffer: &mut Vec<u8>,
    want: usize,
) -> io::Result<bool> {
    while buffer.len() < want {
        let before = buffer.len();
        let limit = (want - before) as u64;
        file.by_ref().take(limit).read_to_end(buffer)?;
        if buffer.len() == before {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the fast reader reads `bytes` exactly as the `csv` crate
/// would: no quotes, and every `\r` directly before a `\n`.
fn is_plain(bytes: &[u8]) -> bool {
    if bytes.contains(&b'"') {
        return false;
    }
    if !bytes.contains(&b'\r') {
        return true;
    }
    bytes
        .iter()
        .enumerate()
        .all(|(k, &b)| b != b'\r' || bytes.get(k + 1) == Some(&b'\n'))
}

/// A line's fields, without its `\r\n` or `\n`.
fn split_line(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.split(|&b| b == b',')
}

fn is_blank(line: &[u8]) -> bool {
    line.is_empty() || line == b"\r"
}

/// The fast reader; `None` when the file is not plain and the general
/// reader must read it.
fn read_fast<T: CsvRecord>(
    path: &Path,
    sizes: Sizes,
) -> Result<Option<Vec<T>>, Error> {
    let io_error = |e| Error::io(path, e);
    let mut file = open(path)?;
    let mut buffer = Vec::with_capacity(sizes.block);

    // The header: the first line that is not blank.
    let mut line = 1;
    let mut ended = false;
    let mut start = 0;
    // Bytes after `start` already known to hold no newline, so that a
    // very long line is not searched again after every read.
    let mut scanned = 0;
    let mut first_fill = true;
    let header = loop {
        let from = start + scanned;
        if let Some(end) = buffer[from..].iter().position(|&b| b == b'\n') {
            let text = start..from + end;
            start = from + end + 1;
            scanned = 0;
            if !is_blank(&buffer[text.clone()]) {
                break text;
            }
            line += 1;
            continue;
        }
        scanned = buffer.len() - start;
        if ended {
            let text = start..buffer.len();
            start = buffer.len();
            if is_blank(&buffer[text.clone()]) {
                return Err(no_header::<T>(path));
            }
            break text;
        }
        // At least enough for a byte order mark.
        let want = buffer.len() + sizes.block.max(BOM.len());
        ended = fill(&mut file, &mut buffer, want).map_err(io_error)?;
        if first_fill && buffer.starts_with(BOM) {
            buffer.drain(..BOM.len());
            scanned = 0;
        }
        first_fill = false;
    };
    // The header's line end counts: a lone `\r` there is a line end too.
    if !is_plain(&buffer[..start]) {
        return Ok(None);
    }
    let header = Header::parse::<T>(path, line, split_line(&buffer[header]))?;
    line += 1;

    let mut records = Vec::new();
    buffer.drain(..start);
    scanned = 0;
    loop {
        if !ended && !buffer[scanned..].contains(&b'\n') {
            scanned = buffer.len();
            let want = buffer.len() + sizes.block;
            ended = fill(&mut file, &mut buffer, want).map_err(io_error)?;
            continue;
        }
        // Whole lines go to the parser; a partial last line waits for the
        // next block, unless the file has ended.
        let whole = if ended {
            buffer.len()
        } else {
            buffer.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1)
        };
        let mut next = Vec::with_capacity(sizes.block + buffer.len() - whole);
        next.extend_from_slice(&buffer[whole..]);
        let want = next.len() + sizes.block;
        let block = &buffer[..whole];
        if !is_plain(block) {
            return Ok(None);
        }
        let (parsed, read) = if ended {
            (
                parse_block::<T>(path, &header, line, block, sizes.chunk),
                Ok(true),
            )
        } else {
            rayon::join(
                || parse_block::<T>(path, &header, line, block, sizes.chunk),
                || fill(&mut file, &mut next, want),
            )
        };
        let (parsed, lines) = parsed?;
        records.extend(parsed.into_iter().flatten());
        line += lines;
        if ended {
            return Ok(Some(records));
        }
        ended = read.map_err(io_error)?;
        buffer = next;
        scanned = 0;
    }
}

/// The number of `\n` in `bytes`.
fn count_newlines(bytes: &[u8]) -> u64 {
    // Summing small counts per slice lets the compiler vectorize the
    // comparison.
    bytes
        .chunks(255)
        .map(|c| {
            u64::from(c.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>())
        })
        .sum()
}

/// Parses a block of whole lines whose first line is `line`, on all
/// threads. Returns the records, in order, and the number of lines.
fn parse_block<T: CsvRecord>(
    path: &Path,
    header: &Header,
    line: u64,
    block: &[u8],
    chunk_size: usize,
) -> Result<(Vec<Vec<T>>, u64), Error> {
    let mut chunks = Vec::new();
    let mut rest = block;
    while !rest.is_empty() {
        let end = match rest.get(chunk_size..) {
            None => rest.len(),
            Some(after) => after
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |k| chunk_size + k + 1),
        };
        let (chunk, after) = rest.split_at(end);
        chunks.push(chunk);
        rest = after;
    }
    let counts: Vec<u64> =
        chunks.par_iter().map(|c| count_newlines(c)).collect();
    let mut starts = Vec::with_capacity(chunks.len());
    let mut next = line;
    for count in &counts {
        starts.push(next);
        next += count;
    }
    let parsed: Vec<Result<Vec<T>, Error>> = chunks
        .par_iter()
        .zip(&starts)
        .map(|(chunk, &start)| parse_chunk::<T>(path, header, start, chunk))
        .collect();
    // The first error in file order, whichever thread found it first.
    let parsed = parsed.into_iter().collect::<Result<Vec<_>, _>>()?;
    // A final line without a newline is a line too.
    let lines = next - line + u64::from(!block.ends_with(b"\n"));
    Ok((parsed, lines))
}

fn parse_chunk<T: CsvRecord>(
    path: &Path,
    header: &Header,
    mut line: u64,
    chunk: &[u8],
) -> Result<Vec<T>, Error> {
    let mut records = Vec::with_capacity(chunk.len() / 48);
    let text = chunk.strip_suffix(b"\n").unwrap_or(chunk);
    for row in text.split(|&b| b == b'\n') {
        if !is_blank(row) {
            let row = header.row(path, line, T::COLUMNS, split_line(row))?;
            records.push(T::parse(&row)?);
        }
        line += 1;
    }
    Ok(records)
}

/// The general reader's view of a file: all its bytes, without a byte
/// order mark.
struct General {
    data: Vec<u8>,
}

impl General {
    fn open(path: &Path) -> Result<General, Error> {
        let mut data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        if data.starts_with(BOM) {
            data.drain(..BOM.len());
        }
        Ok(General { data })
    }

    fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&self.data[..])
    }

    /// The rows, each with the line it starts on; the first is the
    /// header.
    ///
    /// The `csv` crate's own line numbers count from where it started
    /// looking for a row, which is before the blank lines and the `\n`
    /// of a `\r\n` that it then skips; so the line is counted here, from
    /// the first byte of the row itself.
    fn rows<'a>(
        &'a self,
        path: &'a Path,
    ) -> impl Iterator<Item = Result<(u64, csv::ByteRecord), Error>> + 'a {
        let mut reader = self.reader();
        let (mut offset, mut line) = (0, 1);
        std::iter::from_fn(move || {
            let mut record = csv::ByteRecord::new();
            match reader.read_byte_record(&mut record) {
                Err(e) => return Some(Err(csv_error(path, e))),
                Ok(false) => return None,
                Ok(true) => {}
            }
            let from = record.position().map_or(0, |p| p.byte() as usize);
            let start = self
                .data
                .get(from..)
                .unwrap_or_default()
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .map_or(self.data.len(), |k| from + k);
            if start > offset {
                line += count_newlines(&self.data[offset..start]);
                offset = start;
            }
            Some(Ok((line, record)))
        })
    }
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    let line = error.position().map(csv::Position::line);
    let reason = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        // With byte records and flexible rows the crate reports nothing
        // else, but a new kind of error must not be lost.
        _ => Error::input(path, line, None, None, reason),
    }
}

/// The general reader: the `csv` crate, one row at a time.
fn read_general<T: CsvRecord>(path: &Path) -> Result<Vec<T>, Error> {
    let file = General::open(path)?;
    let mut rows = file.rows(path);
    let Some(header) = rows.next() else {
        return Err(no_header::<T>(path));
    };
    let (line, names) = header?;
    let header = Header::parse::<T>(path, line, names.iter())?;

    let mut records = Vec::new();
    for row in rows {
        let (line, fields) = row?;
        let row = header.row(path, line, T::COLUMNS, fields.iter())?;
        records.push(T::parse(&row)?);
    }
    Ok(records)
}

/// The line of the record at `index` (0 for the first after the header).
fn line_of_record(path: &Path, index: usize) -> Result<Option<u64>, Error> {
    let file = General::open(path)?;
    let row = file.rows(path).nth(index + 1).transpose()?;
    Ok(row.map(|(line, _)| line))
}

/// Fails on the first record, in file order, whose id an earlier record
/// already has.
fn check_unique_ids<T: CsvRecord>(
    path: &Path,
    records: &[T],
) -> Result<(), Error> {
    let Some(index) = first_repeated_id(records) else {
        return Ok(());
    };
    let id = records[index].id();
    let line = line_of_record(path, index)?;
    Err(Error::input(
        path,
        line,
        Some("id"),
        Some(&id.to_string()),
        "the id is used by an earlier row; ids are unique within a file",
    ))
}

/// The index of the first record whose id an earlier one has.
fn first_repeated_id<T: CsvRecord>(records: &[T]) -> Option<usize> {
    // Files usually list ids in increasing order, which proves them
    // unique without a set.
    let increasing = records.windows(2).all(|w| w[0].id() < w[1].id());
    if increasing {
        return None;
    }
    let mut seen = HashSet::with_capacity(records.len());
    records.iter().position(|r| !seen.insert(r.id()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::record::{Sale, Ticket};

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The outcome as comparable text: the records, or the error.
    fn outcome<T: std::fmt::Debug>(result: Result<Vec<T>, Error>) -> String {
        match result {
            Ok(records) => format!("{records:?}"),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn a_line_longer_than_a_block_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let text = "id,contact_id,person_id,status,category_id,date\n\
                    1,2,3,1,0,2026-01-01T00:00:00Z\n\
                    2,2,3,1,0,\n";
        let path = write(&dir, "tickets.csv", text.as_bytes());
        let tiny = Sizes { block: 1, chunk: 1 };
        let fast = read_fast::<Ticket>(&path, tiny).unwrap().unwrap();
        assert_eq!(fast.len(), 2);
        assert_eq!(fast[1].date, None);
    }

    #[test]
    fn quotes_or_a_lone_carriage_return_need_the_general_reader() {
        let dir = tempfile::tempdir().unwrap();
        let header = "id,contact_id,person_id,status,category_id,date";
        for text in [
            format!("{header}\n\"1\",2,3,1,0,\n"),
            format!("{header}\r1,2,3,1,0,\r"),
        ] {
            let path = write(&dir, "tickets.csv", text.as_bytes());
            assert!(read_fast::<Ticket>(&path, SIZES).unwrap().is_none());
            let records: Vec<Ticket> = read_records(&path).unwrap();
            assert_eq!(records.len(), 1, "{text:?}");
        }
    }

    #[test]
    fn a_file_of_blank_lines_has_no_header_for_either_reader() {
        let dir = tempfile::tempdir().unwrap();
        for text in ["", "\n", "\r\n\n", "\u{feff}\n"] {
            let path = write(&dir, "tickets.csv", text.as_bytes());
            let fast = read_fast::<Ticket>(&path, SIZES).unwrap_err();
            let general = read_general::<Ticket>(&path).unwrap_err();
            assert_eq!(fast.to_string(), general.to_string(), "{text:?}");
            assert!(fast.to_string().contains("empty"), "{fast}");
        }
    }

    fn field(
        choices: &'static [&'static str],
    ) -> impl Strategy<Value = String> {
        prop::sample::select(choices).prop_map(str::to_owned)
    }

    prop_compose! {
        fn sale_row()(
            id in field(&["1", "2", "3", "0007", "4294967296", "x", ""]),
            contact in field(&["0", "12", "13"]),
            status in field(&["0", "1", "2", "4", "1000", "-1"]),
            done in field(&["true", "false", "True"]),
            amount in field(&["0", "-5.5", "1e5", "NaN", "12 kr"]),
            date in field(&[
                "", "2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
                "2026-01-01T01:00:00.25+01:00",
            ]),
            width in prop::sample::select(&[8usize, 8, 8, 8, 8, 7, 9][..]),
        ) -> Vec<String> {
            let mut row = vec![
                id, contact, "0".into(), "5".into(), status, done, amount,
                date, "extra".into(),
            ];
            row.truncate(width);
            row
        }
    }

    prop_compose! {
        /// A sales file: the header in some order (sometimes with an
        /// unknown column), rows that are mostly valid, blank lines,
        /// either line end, and optionally a byte order mark.
        fn sales_file()(
            order in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
            unknown in prop::bool::weighted(0.05),
            rows in prop::collection::vec(
                (sale_row(), prop::bool::weighted(0.1)), 0..40),
            crlf in any::<bool>(),
            final_newline in any::<bool>(),
            bom in any::<bool>(),
            quoted in any::<bool>(),
            leading_blanks in 0usize..3,
        ) -> (Vec<u8>, bool) {
            let end = if crlf { "\r\n" } else { "\n" };
            let quote = |f: &str| if quoted {
                format!("\"{f}\"")
            } else {
                f.to_owned()
            };
            let mut names: Vec<String> =
                order.iter().map(|&k| quote(Sale::COLUMNS[k])).collect();
            if unknown {
                names[0] = quote("identity");
            }
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&end.repeat(leading_blanks));
            text.push_str(&names.join(","));
            for (row, blank) in rows {
                text.push_str(end);
                if blank {
                    text.push_str(end);
                }
                let fields: Vec<String> = order
                    .iter()
                    .map(|&k| row.get(k).map_or(String::new(), |f| quote(f)))
                    .take(row.len())
                    .chain(row.get(8).map(|f| quote(f)))
                    .collect();
                text.push_str(&fields.join(","));
            }
            if final_newline {
                text.push_str(end);
            }
            (text.into_bytes(), quoted)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn fast_and_general_readers_agree(
            (bytes, quoted) in sales_file(),
            block in 1usize..200,
            chunk in 1usize..64,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = write(&dir, "sales.csv", &bytes);
            let general = outcome(read_general::<Sale>(&path));
            let fast = read_fast::<Sale>(&path, Sizes { block, chunk });
            match fast.transpose() {
                None => prop_assert!(quoted, "a plain file was refused"),
                Some(fast) => {
                    prop_assert!(!quoted);
                    prop_assert_eq!(outcome(fast), general.clone());
                    let whole = read_fast::<Sale>(&path, SIZES)
                        .transpose()
                        .unwrap();
                    prop_assert_eq!(outcome(whole), general);
                }
            }
        }
    }
}
