//! CSV/TSV reading: encoding, delimiter detection, header, ragged rows, physical line numbers.

use nagar_core::{Cell, CellRef, Issue, RawTable};

use crate::detect::{decode_text, Format};
use crate::header::clean_headers;
use crate::{DataRead, ReadError, ReadErrorKind};

const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// Records looked at to choose the delimiter.
const SAMPLE_RECORDS: usize = 50;

pub(crate) fn read_csv(bytes: &[u8], file: &str, max_cells: usize) -> Result<DataRead, ReadError> {
    read_csv_split(bytes, file, max_cells, SPLIT_MIN_BYTES)
}

/// Data after the header of at least this many bytes is read in two halves at once (feature
/// `threads`, with a second core): below it, starting a thread costs more than it saves.
const SPLIT_MIN_BYTES: usize = 1 << 20;

/// [`read_csv`], reading the data in two halves at once when there are at least `split_min`
/// bytes after the header (feature `threads`). The result is the same either way: the second
/// half is kept only if the first half's reader, reading on, starts a record exactly where the
/// second half began (else the split fell inside a quoted field and the first reader reads to
/// the end alone).
pub(crate) fn read_csv_split(
    bytes: &[u8],
    file: &str,
    max_cells: usize,
    split_min: usize,
) -> Result<DataRead, ReadError> {
    let (text, mut issues) = decode_text(bytes, file)?;
    let delimiter = detect_delimiter(&text);
    let mut reader = Reader::new(delimiter, &text);
    let mut record = Record::default();
    let mut lines = Lines::new(text.as_bytes());
    // The header: the first record with a cell that is not blank.
    let (columns, header_row) = loop {
        if !reader.read_record(&mut record) {
            return Err(ReadError::new(file, ReadErrorKind::Empty));
        }
        let row = lines.record_start(record.start);
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let (columns, mut header_issues) = clean_headers(record.iter().map(str::to_string).collect(), file, row);
        issues.append(&mut header_issues);
        break (columns, row);
    };
    let expected = columns.len();
    // The data row (0-based) that would take the table over `max_cells`.
    let first_over = max_cells.checked_div(expected).unwrap_or(usize::MAX);
    let data_start = reader.position();
    let split = split_point(&text, data_start, split_min);
    let (first, second) = read_halves(&text, delimiter, &mut reader, &mut lines, &columns, first_over, split);
    let mut table = RawTable::new(file, columns);
    let mut parts = vec![(first, 0)];
    if let Some((part, line_at_split)) = second {
        parts.push((part, line_at_split - 1));
    }
    let mut skipped_empty = 0usize;
    for (part, line_offset) in parts {
        let rows_before = table.n_rows();
        if part.over || rows_before + part.table.n_rows() > first_over {
            let (limit, columns, rows) = (max_cells, expected, first_over);
            return Err(ReadError::new(file, ReadErrorKind::TooManyCells { limit, columns, rows }));
        }
        for (index, end_line, cells) in &part.ragged {
            let row = part.table.source_row(*index).unwrap_or_default() + line_offset;
            issues.push(ragged_issue(file, row, end_line + line_offset, cells, expected));
        }
        skipped_empty += part.skipped_empty;
        table.append(part.table, line_offset);
    }
    if skipped_empty > 0 {
        issues.push(Issue::info(format!("{skipped_empty} row(s) with only empty cells were skipped")).file(file));
    }
    if table.is_empty() {
        issues.push(Issue::warning("the file has a header but no data rows").file(file).row(header_row));
    }
    if delimiter != b',' {
        let name = if delimiter == b';' { "semicolons" } else { "tabs" };
        issues.push(Issue::info(format!("columns are separated by {name}")).file(file));
    }
    Ok(DataRead { table, format: Format::Csv, issues })
}

/// Data rows read by one reader.
struct Part {
    /// The rows (every one with exactly the header's number of cells), each with the line it
    /// starts on (counted from the part's start).
    table: RawTable,
    /// Rows with another number of cells than the header: (index in `table`, the line after the
    /// row, the cells as read).
    ragged: Vec<(usize, usize, Vec<Cell>)>,
    skipped_empty: usize,
    /// The second half stopped with both halves together over the cell limit; its rows were
    /// freed (an error, if the half is kept).
    over: bool,
    /// The reader's byte offset where the part starts, and how many bytes of text its table
    /// will cover (its own, and any part appended to it): for [`Part::reserve`].
    start: usize,
    span: usize,
    /// The most rows the part may hold (the cell limit's, for [`Part::reserve`]); the reader's
    /// `first_over` when `None`. The second half reads in steps of 256 rows, each with a
    /// `first_over` of the step's end, which must not cap the room reserved.
    max_rows: Option<usize>,
}

/// Rows read before the part's room is reserved from their average size.
const SAMPLE_ROWS: usize = 32;

impl Part {
    fn new(columns: &[String], start: usize, span: usize) -> Self {
        Part {
            table: RawTable::new("", columns.to_vec()),
            ragged: Vec::new(),
            skipped_empty: 0,
            over: false,
            start,
            span,
            max_rows: None,
        }
    }

    /// After the first rows (the reader now at `pos`), room for the rows the part's span will
    /// hold at their average size (5% more; at most `max_rows`), so that the table's store
    /// grows once instead of doubling, which would hold up to twice the memory.
    fn reserve(&mut self, pos: usize, max_rows: usize) {
        let n = self.table.n_rows().max(1);
        let per_row = (pos.saturating_sub(self.start) / n).max(1);
        let rows = (self.span / per_row).saturating_mul(21) / 20 + 16;
        let more = rows.min(max_rows).saturating_sub(n);
        let text_per_row = self.table.text_bytes().div_ceil(n);
        self.table.reserve(more, text_per_row.saturating_mul(more).saturating_mul(21) / 20);
    }
}

/// How [`read_part`] ended.
#[cfg_attr(not(feature = "threads"), allow(dead_code))] // only the threads read at a split
enum PartEnd {
    /// The end of the text, an error, or more rows than the table may hold.
    Done,
    /// A record starts exactly at the split: its line.
    AtSplit(usize),
}

/// Read data records into `part` until the end, `first_over + 1` rows (one more than
/// the table may hold, for the caller to report), or a record starting at or after `split`
/// (then `*split` is set to `None`; a record starting exactly there ends the part). Every 256
/// rows the count is stored in `progress`.
fn read_part(
    reader: &mut Reader,
    lines: &mut Lines,
    first_over: usize,
    split: &mut Option<usize>,
    part: &mut Part,
    progress: Option<&std::sync::atomic::AtomicUsize>,
) -> PartEnd {
    let mut record = Record::default();
    let expected = part.table.columns.len();
    loop {
        if !reader.read_record(&mut record) {
            return PartEnd::Done;
        }
        let start = record.start;
        if let Some(at) = *split {
            if start >= at {
                *split = None;
                if start == at {
                    return PartEnd::AtSplit(lines.record_start(start));
                }
            }
        }
        let row = lines.record_start(start);
        if record.iter().all(|f| f.trim().is_empty()) {
            if record.len() > 1 {
                part.skipped_empty += 1;
            }
            continue;
        }
        if record.len() != expected {
            let end_line = lines.at(reader.position());
            let cells = record.iter().map(|f| text_cell(f).to_cell()).collect();
            part.ragged.push((part.table.n_rows(), end_line, cells));
        }
        part.table.push_row_from(record.iter().map(text_cell), row);
        let n = part.table.n_rows();
        if n == SAMPLE_ROWS {
            let max_rows = part.max_rows.unwrap_or(first_over.saturating_add(1));
            part.reserve(reader.position(), max_rows);
        }
        if n.is_multiple_of(256) {
            if let Some(progress) = progress {
                progress.store(n, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if n > first_over {
            return PartEnd::Done;
        }
    }
}

/// The data rows: the first part, and the second part with the line it starts on when the
/// text was read in two halves.
#[cfg(feature = "threads")]
fn read_halves(
    text: &str,
    delimiter: u8,
    reader: &mut Reader,
    lines: &mut Lines,
    columns: &[String],
    first_over: usize,
    split: Option<usize>,
) -> (Part, Option<(Part, usize)>) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let data_start = reader.position();
    // The first part's table takes the second's rows too.
    let mut first = Part::new(columns, data_start, text.len().saturating_sub(data_start));
    let Some(at) = split else {
        read_part(reader, lines, first_over, &mut None, &mut first, None);
        return (first, None);
    };
    // The second half stops early when the first half finds the split inside a record, or when
    // both halves together hold more rows than the table may (the first half's count is
    // `first_rows`), so that a file over the cell limit takes no more memory than in one piece.
    let wasted = AtomicBool::new(false);
    let first_rows = AtomicUsize::new(0);
    let second_text = &text[at..];
    let (end, second) = std::thread::scope(|s| {
        let handle = s.spawn(|| {
            let mut part = Part::new(columns, 0, second_text.len());
            part.max_rows = Some(first_over.saturating_add(1));
            let mut reader = Reader::new(delimiter, second_text);
            let mut lines = Lines::new(second_text.as_bytes());
            // Split at the `\n` of `\r\n`: the `\r` before it ended the line, so this `\n`
            // starts no line.
            if second_text.starts_with('\n') {
                lines.pos = 1;
            }
            // `read_part` in steps of 256 rows, asking between them whether to go on.
            loop {
                // The rows this half may hold with the first half's so far; one more means
                // both together are over the limit, whatever the first half still reads.
                let room = first_over.saturating_sub(first_rows.load(Ordering::Relaxed));
                if part.table.n_rows() > room {
                    return Part { over: true, ..Part::new(&[], 0, 0) };
                }
                if wasted.load(Ordering::Relaxed) {
                    return part;
                }
                let limit = (part.table.n_rows() + 256).min(room);
                read_part(&mut reader, &mut lines, limit, &mut None, &mut part, None);
                if part.table.n_rows() > room {
                    // Over the limit together: the rows are of no use, free them now.
                    return Part { over: true, ..Part::new(&[], 0, 0) };
                }
                if part.table.n_rows() <= limit {
                    return part; // the end
                }
            }
        });
        let mut split = Some(at);
        let end = read_part(reader, lines, first_over, &mut split, &mut first, Some(&first_rows));
        if !matches!(end, PartEnd::AtSplit(_)) {
            wasted.store(true, Ordering::Relaxed);
        }
        (end, handle.join())
    });
    let second = second.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    match end {
        PartEnd::AtSplit(line) => (first, Some((second, line))),
        PartEnd::Done => (first, None),
    }
}

#[cfg(not(feature = "threads"))]
fn read_halves(
    text: &str,
    _: u8,
    reader: &mut Reader,
    lines: &mut Lines,
    columns: &[String],
    first_over: usize,
    _: Option<usize>,
) -> (Part, Option<(Part, usize)>) {
    let data_start = reader.position();
    let mut first = Part::new(columns, data_start, text.len().saturating_sub(data_start));
    read_part(reader, lines, first_over, &mut None, &mut first, None);
    (first, None)
}

/// Where to start the second half: at a line end near the middle of the data, after a
/// non-blank line (so no blank lines lie between it and the record before, which the csv reader
/// would count into the next record), not followed by a line break or a byte order mark (the csv
/// reader drops one at the start of its input). After `\n`, or at the `\n` of `\r\n`: the csv
/// reader ends a record at its `\r` and starts the next one at the `\n`, which it skips. `None`
/// for short data or one core.
fn split_point(text: &str, data_start: usize, split_min: usize) -> Option<usize> {
    if !cfg!(feature = "threads") || text.len().saturating_sub(data_start) < split_min.max(1) {
        return None;
    }
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return None;
    }
    let b = text.as_bytes();
    let mid = data_start + (b.len() - data_start) / 2;
    let mut from = mid;
    // A few candidate lines; a split inside a quoted field is harmless, only wasted.
    for _ in 0..64 {
        let nl = from + b.get(from..)?.iter().position(|&c| c == b'\n')?;
        let crlf = nl >= 1 && b[nl - 1] == b'\r';
        // The split, and the last byte of the line before it.
        let (at, last) = if crlf { (nl, nl.checked_sub(2)) } else { (nl + 1, nl.checked_sub(1)) };
        let ok = last.is_some_and(|p| p > data_start && !matches!(b[p], b'\n' | b'\r'))
            && nl + 1 < b.len()
            && !matches!(b[nl + 1], b'\n' | b'\r')
            && !text[nl + 1..].starts_with('\u{feff}');
        if ok {
            return Some(at);
        }
        from = nl + 1;
    }
    None
}

/// Physical line numbers by byte offset: `\n`, `\r\n` and a lone `\r` (old Mac files) each end
/// a line. The csv crate's own line count ignores lone `\r`, so it is not used.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    after_cr: bool,
    /// Every `\r` of the text is followed by `\n` (line ends `\n` or `\r\n`, no old-Mac `\r`):
    /// its lines are counted by its `\n`s (memchr), not byte by byte.
    no_cr: bool,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8]) -> Self {
        let no_cr = memchr::memchr_iter(b'\r', text).all(|i| text.get(i + 1) == Some(&b'\n'));
        Lines { text, pos: 0, line: 1, after_cr: false, no_cr }
    }

    /// The line at byte offset `to` (offsets only move forward).
    fn at(&mut self, to: usize) -> usize {
        let to = to.min(self.text.len());
        if self.no_cr {
            // Each `\n` ends a line, and so does a `\r` at the end (its `\n`, next time, not).
            let part = self.text.get(self.pos..to).unwrap_or_default();
            if let Some(&last) = part.last() {
                let lf = memchr::memchr_iter(b'\n', part).count();
                let seen = usize::from(self.after_cr && part[0] == b'\n');
                self.after_cr = last == b'\r';
                self.line += lf + usize::from(self.after_cr) - seen;
            }
            self.pos = self.pos.max(to);
            return self.line;
        }
        // Locals, not fields, in the loop: this runs over every byte of the file.
        let (mut line, mut after_cr) = (self.line, self.after_cr);
        for &b in self.text.get(self.pos..to).unwrap_or_default() {
            if b > b'\r' {
                after_cr = false;
            } else if b == b'\n' {
                line += usize::from(!after_cr);
                after_cr = false;
            } else if b == b'\r' {
                line += 1;
                after_cr = true;
            } else {
                after_cr = false;
            }
        }
        (self.line, self.after_cr) = (line, after_cr);
        self.pos = self.pos.max(to);
        self.line
    }

    fn step(&mut self, b: u8) {
        match b {
            b'\n' if self.after_cr => self.after_cr = false,
            b'\n' => self.line += 1,
            b'\r' => {
                self.line += 1;
                self.after_cr = true;
            }
            _ => self.after_cr = false,
        }
    }

    /// The line a record starting at `start` is on: the csv reader puts a record's start before
    /// any blank lines it skipped.
    fn record_start(&mut self, start: usize) -> usize {
        self.at(start);
        while let Some(&b @ (b'\r' | b'\n')) = self.text.get(self.pos) {
            self.step(b);
            self.pos += 1;
        }
        self.line
    }
}

/// CSV records of a text held whole in memory: the csv crate's parser (`csv_core`), handed the
/// text at once. (`csv::Reader` copies its input through an 8 KB buffer and keeps a position of
/// its own for every record; in the browser that was a fifth of reading a file.) Records are what
/// `csv::Reader` with `has_headers(false)` and `flexible(true)` reads, a UTF-8 byte order mark at
/// the start dropped as it drops it (a test compares the two on any text).
struct Reader<'t> {
    core: csv_core::Reader,
    text: &'t [u8],
    /// Bytes of `text` read.
    pos: usize,
    done: bool,
}

/// One record: its fields' text one after another, and where each ends.
#[derive(Default)]
struct Record {
    /// Where reading the record began in the text (before any blank lines the parser skipped,
    /// as `csv::Reader`'s record position).
    start: usize,
    text: String,
    /// `ends[..fields]`: where each field ends in `text`.
    ends: Vec<usize>,
    fields: usize,
    /// The parser's output, kept at its full length between records (a `Vec::resize` at every
    /// record filled it byte by byte in the browser's build).
    out: Vec<u8>,
}

impl<'t> Reader<'t> {
    fn new(delimiter: u8, text: &'t str) -> Self {
        let core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        Reader { core, text: text.as_bytes(), pos: 0, done: false }
    }

    /// Bytes of the text read so far (`csv::Reader::position().byte()`).
    fn position(&self) -> usize {
        self.pos
    }

    /// The next record into `record`; `false` at the end of the text.
    fn read_record(&mut self, record: &mut Record) -> bool {
        use csv_core::ReadRecordResult;
        record.start = self.pos;
        record.fields = 0;
        record.text.clear();
        if self.done {
            return false;
        }
        if record.out.is_empty() {
            record.out.resize(1024, 0);
        }
        if record.ends.is_empty() {
            record.ends.resize(64, 0);
        }
        let (mut n_out, mut n_ends) = (0, 0);
        let found = loop {
            // After the whole text, an empty input: the parser's end of input.
            let input = self.text.get(self.pos..).unwrap_or_default();
            let (result, n_in, o, e) =
                self.core.read_record(input, &mut record.out[n_out..], &mut record.ends[n_ends..]);
            self.pos += n_in;
            n_out += o;
            n_ends += e;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => record.out.resize(record.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => record.ends.resize(record.ends.len() * 2, 0),
                ReadRecordResult::Record => break true,
                ReadRecordResult::End => break false,
            }
        };
        if !found {
            self.done = true;
            return false;
        }
        // The text is UTF-8 and the parser only drops ASCII bytes (delimiters, quotes, line
        // ends), so the fields are UTF-8 too; were they not, the record would read as empty.
        if let Ok(t) = std::str::from_utf8(&record.out[..n_out]) {
            record.text.push_str(t);
            record.fields = n_ends;
        }
        true
    }
}

impl Record {
    /// The number of fields.
    fn len(&self) -> usize {
        self.fields
    }

    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let mut from = 0;
        self.ends.get(..self.fields).unwrap_or_default().iter().map(move |&end| {
            let field = self.text.get(from..end).unwrap_or_default();
            from = end;
            field
        })
    }
}

/// A field as a cell: empty, a number when the text is one exactly as nagar writes it (no
/// text kept; `Cell::display` shows the same text), else the trimmed text.
#[inline(always)]
fn text_cell(field: &str) -> CellRef<'_> {
    let t = nagar_core::parse::trim_inline(field);
    if t.is_empty() {
        CellRef::Empty
    } else if let Some(x) = nagar_core::parse::plain_number_inline(t) {
        CellRef::Number(x)
    } else {
        CellRef::Text(t)
    }
}

fn ragged_issue(file: &str, row: usize, end_line: usize, cells: &[Cell], expected: usize) -> Issue {
    let actual = cells.len();
    let spans = if end_line > row + 1 {
        format!("; the row spans lines {row}–{}: check for an unclosed quote (\")", end_line - 1)
    } else {
        String::new()
    };
    if actual < expected {
        return Issue::warning(format!(
            "the row has {actual} cells, expected {expected} (as many as the header); the missing cells are empty{spans}"
        ))
        .file(file)
        .row(row);
    }
    let extra: Vec<String> = cells.get(expected..).unwrap_or_default().iter().map(Cell::display).collect();
    if extra.iter().all(|s| s.is_empty()) {
        Issue::info(format!(
            "the row has {actual} cells, expected {expected}; the extra empty cells are ignored{spans}"
        ))
        .file(file)
        .row(row)
    } else {
        Issue::warning(format!("the row has {actual} cells, expected {expected}; the extra cells are ignored{spans}"))
            .file(file)
            .row(row)
            .value(extra.join(", "))
    }
}

/// The delimiter (`,` `;` or tab) under which the first records agree with the header's field
/// count. A reading with a single column only wins when no multi-column reading is consistent.
fn detect_delimiter(text: &str) -> u8 {
    // (consistency, delimiter) of the best multi-column reading.
    let mut best: Option<(f64, u8)> = None;
    let mut single_column_consistent = false;
    for d in DELIMITERS {
        let mut counts = Vec::new();
        let mut reader = Reader::new(d, text);
        let mut r = Record::default();
        for _ in 0..SAMPLE_RECORDS {
            if !reader.read_record(&mut r) {
                break;
            }
            if !r.iter().all(|f| f.trim().is_empty()) {
                counts.push(r.len());
            }
        }
        let Some((&header, rows)) = counts.split_first() else { continue };
        let consistency = if rows.is_empty() {
            1.0
        } else {
            rows.iter().filter(|&&n| n == header).count() as f64 / rows.len() as f64
        };
        if header < 2 {
            if d == b',' && consistency == 1.0 {
                single_column_consistent = true;
            }
            continue;
        }
        // Ties go to the earlier delimiter: comma, then semicolon, then tab.
        if best.is_none_or(|(c, _)| consistency > c) {
            best = Some((consistency, d));
        }
    }
    match best {
        Some((c, d)) if c >= 0.5 || !single_column_consistent => d,
        _ => b',',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading in two halves gives what reading in one piece gives, wherever the split falls:
    /// inside quoted fields with line breaks, among blank lines, CR and CRLF line ends, ragged
    /// rows, rows of empty cells, and past the cell limit.
    #[cfg(feature = "threads")]
    #[test]
    fn two_halves_read_as_one() {
        let cases = [
            "a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n",
            "a,b\r\n1,2\r\n3,4\r\n\r\n5,6\r\n7,8\r\n",
            "a,b\r1,2\r3,4\r5,6\r7,8\r",
            "id,note\n1,\"x\n2,y\n3,z\n4,w\"\n5,v\n6,\"a\nb\"\n7,u\n",
            "id,note\n\n\n1,a\n\n2,b\n,\n3,c,d\n4\n5,e,\n6,f\n",
            "id,x\n1,2\n\u{feff}2,3\n3,4\n4,5\n5,6\n",
            "x;y\n1,5;2\n3;4\n5;6\n7;8\n",
            "h1,h2,h3\n\"1\",\"2\",\"3\"\n\"4\"\"\",5,6\n7,8,9\n10,11,12\n13,14,15\n16,17,18\n",
        ];
        for text in cases {
            for max_cells in [usize::MAX, 6, 9, 1] {
                let one = read_csv_split(text.as_bytes(), "x.csv", max_cells, usize::MAX);
                let two = read_csv_split(text.as_bytes(), "x.csv", max_cells, 1);
                assert_eq!(one, two, "{text:?}, max_cells {max_cells}");
            }
        }
    }

    /// Over the cell limit with thousands of rows: the second half stops once both halves
    /// together are over it (the first half's count, stored every 256 rows), with the same
    /// error as one reader; under it, the same table.
    #[cfg(feature = "threads")]
    #[test]
    fn two_halves_meet_the_cell_limit_as_one() {
        let mut text = String::from("id,x\n");
        for i in 0..3000 {
            text.push_str(&format!("u{i},{i}\n"));
        }
        for max_cells in [2 * 3000, 2 * 2999, 2 * 2000, 2 * 1600, 2 * 1400, 2 * 300, 2 * 256, 10] {
            let one = read_csv_split(text.as_bytes(), "x.csv", max_cells, usize::MAX);
            let two = read_csv_split(text.as_bytes(), "x.csv", max_cells, 1);
            assert_eq!(one, two, "max_cells {max_cells}");
        }
    }

    /// The tests above compare something: on plain data the second half is taken, and a split
    /// inside a quoted field is found out and dropped.
    #[cfg(feature = "threads")]
    #[test]
    fn the_second_half_is_kept_only_where_a_record_starts() {
        let halves = |text: &str| {
            let mut reader = Reader::new(b',', text);
            let mut record = Record::default();
            assert!(reader.read_record(&mut record));
            let start = reader.position();
            let split = split_point(text, start, 1);
            let mut lines = Lines::new(text.as_bytes());
            let columns = [String::from("a"), String::from("b")];
            let (first, second) = read_halves(text, b',', &mut reader, &mut lines, &columns, usize::MAX, split);
            (split, first.table.n_rows(), second.map(|(p, line)| (p.table.n_rows(), line)))
        };
        assert_eq!(halves("a,b\n1,2\n3,4\n5,6\n7,8\n"), (Some(16), 3, Some((1, 5))));
        // CRLF: the split at the `\n` of a `\r\n` (the csv reader starts the next record there).
        assert_eq!(halves("a,b\r\n1,2\r\n3,4\r\n5,6\r\n7,8\r\n"), (Some(14), 2, Some((2, 4))));
        // The middle line is inside a quoted field: the first half reads everything.
        assert_eq!(halves("a,b\n1,\"2\n3,4\n5,6\n7\"\n8,9\n"), (Some(17), 2, None));
    }

    #[cfg(feature = "threads")]
    proptest::proptest! {
        #[test]
        fn two_halves_read_as_one_on_any_text(text in "[a1,;\"\n\r \t]{0,80}", max_cells in 1usize..40) {
            let one = read_csv_split(text.as_bytes(), "x.csv", max_cells, usize::MAX);
            let two = read_csv_split(text.as_bytes(), "x.csv", max_cells, 1);
            proptest::prop_assert_eq!(one, two);
        }
    }

    /// `Reader` reads the records `csv::Reader` reads (no headers, flexible), with the same
    /// positions, on any text: quotes, blank lines, CR, CRLF, byte order marks, long fields.
    fn records_as_the_csv_crate_reads_them(text: &str, delimiter: u8) {
        let mut ours = Reader::new(delimiter, text);
        let mut theirs = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let (mut a, mut b) = (Record::default(), csv::StringRecord::new());
        loop {
            let before = theirs.position().byte() as usize;
            let more = theirs.read_record(&mut b).unwrap();
            assert_eq!(ours.read_record(&mut a), more, "{text:?}");
            if !more {
                break;
            }
            assert_eq!(a.iter().collect::<Vec<_>>(), b.iter().collect::<Vec<_>>(), "{text:?}");
            assert_eq!(a.start, b.position().map_or(before, |p| p.byte() as usize), "{text:?}");
            assert_eq!(ours.position(), theirs.position().byte() as usize, "{text:?}");
        }
        assert!(!ours.read_record(&mut a));
    }

    #[test]
    fn records_as_the_csv_crate_reads_them_in_examples() {
        let long = format!("a,\"{}\"\n{}\n", "x\"\"y,".repeat(300), "z;".repeat(400));
        for text in [
            "",
            "\n\n",
            "a,b\n1,2",
            "a,b\r\n1,2\r\n\r\n3,4\r\n",
            "a;b\r1;2\r3",
            "\u{feff}a,b\n\u{feff}1,2\n",
            "a,\"b\nc\",d\n\"e\"\"f\",\"g",
            "x,\"unclosed\n1,2\n",
            "é,ü\n\"ñ\",\"\u{a0}\"\n",
            &long,
        ] {
            for d in [b',', b';', b'\t'] {
                records_as_the_csv_crate_reads_them(text, d);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn records_as_the_csv_crate_reads_them_on_any_text(text in "[a1,;\"\n\r \t\u{feff}é]{0,120}") {
            records_as_the_csv_crate_reads_them(&text, b',');
            records_as_the_csv_crate_reads_them(&text, b';');
        }
    }

    proptest::proptest! {
        /// Lines counted by `\n` alone (a text without a lone `\r`) are the lines counted byte by
        /// byte.
        #[test]
        fn lines_by_newlines_as_byte_by_byte(text in "([a,\n\"]|\r\n){0,200}", steps in proptest::collection::vec(0usize..60, 1..12)) {
            let mut fast = Lines::new(text.as_bytes());
            proptest::prop_assert!(fast.no_cr);
            let mut slow = Lines { no_cr: false, ..Lines::new(text.as_bytes()) };
            let mut to = 0;
            for step in steps {
                to += step;
                proptest::prop_assert_eq!(fast.at(to), slow.at(to));
                proptest::prop_assert_eq!(fast.record_start(to), slow.record_start(to));
            }
        }
    }

    #[test]
    fn delimiter_by_consistent_field_counts() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter("a;b;c\n1,5;2,5;3\n"), b';');
        assert_eq!(detect_delimiter("a\tb\n1,5\t2\n"), b'\t');
        assert_eq!(detect_delimiter("name,note\nx,\"a;b;c\"\n"), b',');
        assert_eq!(detect_delimiter("single\nx\ny\n"), b',');
        // One column whose header contains a semicolon stays one column.
        assert_eq!(detect_delimiter("a;b\nx\ny\n"), b',');
        assert_eq!(detect_delimiter("a;b\n"), b';');
    }
}
