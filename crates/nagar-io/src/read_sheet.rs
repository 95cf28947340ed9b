//! Workbooks (XLSX, ODS, and with feature `legacy-spreadsheet` XLS and XLSB) through calamine:
//! one sheet, first non-empty row = header, rows numbered as the spreadsheet shows them.

use std::io::Cursor;

use calamine::{Data, Ods, Range, Reader, Xlsx};
#[cfg(feature = "legacy-spreadsheet")]
use calamine::{Xls, Xlsb};
use nagar_core::{Cell, Issue, RawTable};

use crate::detect::Format;
use crate::header::clean_headers;
use crate::{DataRead, ReadError, ReadErrorKind};

pub(crate) fn read_sheet(bytes: &[u8], file: &str, format: Format, sheet: Option<&str>) -> Result<DataRead, ReadError> {
    let err = |m: String| ReadError::new(file, ReadErrorKind::Spreadsheet(m));
    let cursor = Cursor::new(bytes);
    // Each reader type is opened on its own (not through calamine's `Sheets`, which names every
    // format) so that a build without `legacy-spreadsheet` links no XLS/XLSB code.
    let picked = match format {
        Format::Xlsx => pick_sheet(Xlsx::new(cursor).map_err(|e| err(e.to_string()))?, "Xlsx", file, sheet)?,
        Format::Ods => pick_sheet(Ods::new(cursor).map_err(|e| err(e.to_string()))?, "Ods", file, sheet)?,
        #[cfg(feature = "legacy-spreadsheet")]
        Format::Xls => pick_sheet(Xls::new(cursor).map_err(|e| err(e.to_string()))?, "Xls", file, sheet)?,
        #[cfg(feature = "legacy-spreadsheet")]
        Format::Xlsb => pick_sheet(Xlsb::new(cursor).map_err(|e| err(e.to_string()))?, "Xlsb", file, sheet)?,
        #[cfg(not(feature = "legacy-spreadsheet"))]
        Format::Xls | Format::Xlsb => {
            return Err(ReadError::new(file, ReadErrorKind::LegacySpreadsheetUnsupported(format.name())))
        }
        Format::Csv | Format::Json => return Err(err(format!("{} is not a spreadsheet format", format.name()))),
    };
    let PickedSheet { name, range, mut issues } = picked;
    let Some((row0, _)) = range.start() else {
        return Err(err(format!("the sheet {name:?} has no data")));
    };
    let row0 = row0 as usize;
    let mut rows = range.rows().enumerate().map(|(i, cells)| (row0 + i + 1, cells));
    let Some((header_row, header_cells)) = rows.by_ref().find(|(_, cells)| cells.iter().any(|c| !is_blank(c))) else {
        return Err(err(format!("the sheet {name:?} has no data")));
    };
    let data: Vec<(usize, &[Data])> = rows.collect();
    // Columns end at the last one holding anything (formatting can stretch the used range).
    let used = |cells: &[Data]| cells.iter().rposition(|c| !is_blank(c)).map_or(0, |i| i + 1);
    let width = data.iter().map(|(_, c)| used(c)).chain([used(header_cells)]).max().unwrap_or(0);
    let header: Vec<String> = header_cells.iter().take(width).map(header_text).collect();
    let (columns, mut header_issues) = clean_headers(header, file, header_row);
    issues.append(&mut header_issues);
    let mut table = RawTable::new(file, columns);
    for (row, cells) in data {
        if cells.iter().all(is_blank) {
            continue;
        }
        let mut out = Vec::with_capacity(width);
        for (k, c) in cells.iter().take(width).enumerate() {
            out.push(match c {
                Data::Error(e) => {
                    let column = table.columns.get(k).cloned().unwrap_or_default();
                    issues.push(
                        Issue::error(format!("the cell holds the spreadsheet error {e}; read as empty"))
                            .file(file)
                            .row(row)
                            .column(column)
                            .value(e.to_string()),
                    );
                    Cell::Empty
                }
                other => cell(other),
            });
        }
        table.push_row(out, row);
    }
    if table.is_empty() {
        issues.push(Issue::warning("the sheet has a header but no data rows").file(file).row(header_row));
    }
    Ok(DataRead { table, format, issues })
}

/// The sheet chosen in a workbook, its cells, and a note when other sheets were passed over.
struct PickedSheet {
    name: String,
    range: Range<Data>,
    issues: Vec<Issue>,
}

/// Choose the sheet (by name, or the first one) and read its cells. The only code generic over
/// the workbook type, kept small because it is instantiated once per format. `kind` prefixes a
/// failure as calamine's own `Error` does ("Xlsx error: ...").
fn pick_sheet<'a, R>(mut book: R, kind: &str, file: &str, sheet: Option<&str>) -> Result<PickedSheet, ReadError>
where
    R: Reader<Cursor<&'a [u8]>>,
    R::Error: std::fmt::Display,
{
    let err = |m: String| ReadError::new(file, ReadErrorKind::Spreadsheet(m));
    let names = book.sheet_names();
    let mut issues = Vec::new();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.trim().eq_ignore_ascii_case(wanted.trim())))
            .cloned()
            .ok_or_else(|| {
                ReadError::new(
                    file,
                    ReadErrorKind::UnknownSheet { sheet: wanted.to_string(), available: names.clone() },
                )
            })?,
        None => {
            let first = names.first().cloned().ok_or_else(|| err("the workbook has no sheets".into()))?;
            if names.len() > 1 {
                let others = names.get(1..).unwrap_or_default().join(", ");
                issues.push(
                    Issue::info(format!("read the first sheet, {first:?}; the workbook also has: {others}")).file(file),
                );
            }
            first
        }
    };
    let range = book.worksheet_range(&name).map_err(|e| err(format!("sheet {name:?}: {kind} error: {e}")))?;
    Ok(PickedSheet { name, range, issues })
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn cell(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(x) if x.is_finite() => Cell::Number(*x),
        Data::Float(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let t = s.trim();
            if t.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(t.to_string())
            }
        }
        Data::Bool(b) => Cell::Bool(*b),
        // Dates are kept as the spreadsheet's serial number.
        Data::DateTime(dt) => Cell::Number(dt.as_f64()),
        Data::Error(_) | Data::Empty => Cell::Empty,
    }
}

fn header_text(d: &Data) -> String {
    match cell(d) {
        Cell::Empty => String::new(),
        c => c.display(),
    }
}
