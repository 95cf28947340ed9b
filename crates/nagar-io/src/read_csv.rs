//! CSV/TSV reading: encoding, delimiter detection, header, ragged rows, physical line numbers.

use nagar_core::{Cell, Issue, RawTable};

use crate::detect::{decode_text, Format};
use crate::header::clean_headers;
use crate::{DataRead, ReadError, ReadErrorKind};

const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// Records looked at to choose the delimiter.
const SAMPLE_RECORDS: usize = 50;

pub(crate) fn read_csv(bytes: &[u8], file: &str, max_cells: usize) -> Result<DataRead, ReadError> {
    let (text, mut issues) = decode_text(bytes, file)?;
    let delimiter = detect_delimiter(&text);
    let mut reader = reader(delimiter, &text);
    let mut record = csv::StringRecord::new();
    let mut table: Option<RawTable> = None;
    let mut header_row = 0;
    let mut skipped_empty = 0usize;
    let mut lines = Lines::new(text.as_bytes());
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(ReadError::new(file, ReadErrorKind::Csv(e.to_string()))),
        }
        let row = lines.record_start(record.position().map_or(before, |p| p.byte() as usize));
        if record.iter().all(|f| f.trim().is_empty()) {
            if table.is_some() && record.len() > 1 {
                skipped_empty += 1;
            }
            continue;
        }
        let Some(t) = table.as_mut() else {
            let (columns, mut header_issues) = clean_headers(record.iter().map(str::to_string).collect(), file, row);
            issues.append(&mut header_issues);
            table = Some(RawTable::new(file, columns));
            header_row = row;
            continue;
        };
        let expected = t.columns.len();
        if (t.rows.len() + 1).saturating_mul(expected) > max_cells {
            let (limit, columns, rows) = (max_cells, expected, t.rows.len());
            return Err(ReadError::new(file, ReadErrorKind::TooManyCells { limit, columns, rows }));
        }
        let cells: Vec<Cell> = record.iter().map(text_cell).collect();
        if cells.len() != expected {
            let end_line = lines.at(reader.position().byte() as usize);
            issues.push(ragged_issue(file, row, end_line, &cells, expected));
        }
        t.push_row(cells, row);
    }
    let Some(table) = table else {
        return Err(ReadError::new(file, ReadErrorKind::Empty));
    };
    if skipped_empty > 0 {
        issues.push(Issue::info(format!("{skipped_empty} row(s) with only empty cells were skipped")).file(file));
    }
    if table.rows.is_empty() {
        issues.push(Issue::warning("the file has a header but no data rows").file(file).row(header_row));
    }
    if delimiter != b',' {
        let name = if delimiter == b';' { "semicolons" } else { "tabs" };
        issues.push(Issue::info(format!("columns are separated by {name}")).file(file));
    }
    Ok(DataRead { table, format: Format::Csv, issues })
}

/// Physical line numbers by byte offset: `\n`, `\r\n` and a lone `\r` (old Mac files) each end
/// a line. The csv crate's own line count ignores lone `\r`, so it is not used.
struct Lines<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    after_cr: bool,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8]) -> Self {
        Lines { text, pos: 0, line: 1, after_cr: false }
    }

    /// The line at byte offset `to` (offsets only move forward).
    fn at(&mut self, to: usize) -> usize {
        let to = to.min(self.text.len());
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

fn reader(delimiter: u8, text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes())
}

/// A field as a cell: empty, a number when the text is one exactly as nagar writes it (no
/// string kept; `Cell::display` shows the same text), else the trimmed text.
fn text_cell(field: &str) -> Cell {
    let t = nagar_core::parse::trim(field);
    if t.is_empty() {
        Cell::Empty
    } else if let Some(x) = nagar_core::parse::plain_number(t) {
        Cell::Number(x)
    } else {
        Cell::Text(t.to_string())
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
        for rec in reader(d, text).records().take(SAMPLE_RECORDS) {
            match rec {
                Ok(r) if r.iter().all(|f| f.trim().is_empty()) => {}
                Ok(r) => counts.push(r.len()),
                Err(_) => break,
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
