//! Framework files: nagar's TOML (canonical) or the same schema in JSON, and COINr's `iMeta`
//! table (CSV, spreadsheet or JSON records). Every loaded framework is validated.

use nagar_core::framework::Columns;
use nagar_core::parse::{cell_number, is_missing_marker};
use nagar_core::{Aggregate, Cell, Framework, FrameworkError, Indicator, RawTable, Settings};

use crate::detect::{extension, stem};
use crate::{read_data, ReadOptions};

/// Load a framework from a file's bytes; the extension says which form it is in:
/// `.toml` (nagar's schema), `.json` (the same schema, or an array of iMeta records),
/// `.csv`/`.tsv`/`.txt`/`.xlsx`/`.xls`/`.xlsb`/`.ods` (a COINr iMeta table).
/// Returns every problem found, each naming the entry (or the line and column for syntax).
pub fn load_framework(bytes: &[u8], file_name: &str) -> Result<Framework, Vec<FrameworkError>> {
    let ext = extension(file_name).to_ascii_lowercase();
    let fw = match ext.as_str() {
        "toml" => from_toml(bytes, file_name)?,
        "json" if first_char(bytes) == Some('[') => from_imeta_file(bytes, file_name)?,
        "json" => from_json(bytes, file_name)?,
        "csv" | "tsv" | "tab" | "txt" | "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => from_imeta_file(bytes, file_name)?,
        _ => {
            return Err(vec![ferr(
                file_name,
                "unknown framework file type; expected .toml, .json, or a COINr iMeta table (.csv, .xlsx, .ods)",
            )])
        }
    };
    fw.validate()?;
    Ok(fw)
}

fn ferr(entry: impl Into<String>, message: impl Into<String>) -> FrameworkError {
    FrameworkError { entry: entry.into(), message: message.into() }
}

fn utf8<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, Vec<FrameworkError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        vec![ferr(file, format!("not UTF-8 text (invalid byte at offset {}); save the file as UTF-8", e.valid_up_to()))]
    })
}

fn first_char(bytes: &[u8]) -> Option<char> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()).map(|&b| b as char)
}

fn from_toml(bytes: &[u8], file: &str) -> Result<Framework, Vec<FrameworkError>> {
    let text = utf8(bytes, file)?;
    toml::from_str::<Framework>(text).map_err(|e| {
        let entry = match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                format!("{file}, line {line}, column {column}")
            }
            None => file.to_string(),
        };
        vec![ferr(entry, e.message().trim().to_string())]
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

fn from_json(bytes: &[u8], file: &str) -> Result<Framework, Vec<FrameworkError>> {
    let text = utf8(bytes, file)?;
    serde_json::from_str::<Framework>(text).map_err(|e| {
        let message = e.to_string();
        let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_string();
        vec![ferr(format!("{file}, line {}, column {}", e.line(), e.column()), message)]
    })
}

fn from_imeta_file(bytes: &[u8], file: &str) -> Result<Framework, Vec<FrameworkError>> {
    let read = read_data(bytes, file, &ReadOptions::default()).map_err(|e| vec![ferr(file, e.kind.to_string())])?;
    imeta_to_framework(&read.table, file)
}

/// The iMeta table's value in a cell as text; `None` when empty or a missing marker (`NA`).
fn text(cell: Option<&Cell>) -> Option<String> {
    match cell? {
        Cell::Empty => None,
        Cell::Text(s) if is_missing_marker(s) => None,
        c => Some(c.display().trim().to_string()),
    }
}

/// Convert a COINr `iMeta` table into a framework (not yet validated).
///
/// Columns (any case): `iCode`, `Parent`, `Type`, `Weight`, `Direction` (required), `iName`,
/// `Target`, `Denominator`, `Unit`, `Level` (optional; `Level` is not needed since the tree comes
/// from `Parent`). `NA` or empty means missing. `Type` is `Indicator`, `Aggregate` (the one without
/// a parent is the index), or `Group`/`Denominator`/`Other`: data columns, listed in the
/// framework's description. Units are identified by `uCode` and named by `uName`, as in COINr.
pub fn imeta_to_framework(table: &RawTable, file_name: &str) -> Result<Framework, Vec<FrameworkError>> {
    let mut errs = Vec::new();
    let col = |name: &str| table.column_index(name);
    let required = ["iCode", "Parent", "Type", "Weight", "Direction"];
    let missing: Vec<&str> = required.iter().copied().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(vec![ferr(
            file_name,
            format!(
                "not a COINr iMeta table: missing column(s) {}; found {}",
                missing.join(", "),
                table.columns.join(", ")
            ),
        )]);
    }
    let (c_code, c_parent, c_type, c_weight, c_dir) =
        (col("iCode"), col("Parent"), col("Type"), col("Weight"), col("Direction"));
    let (c_name, c_target, c_den, c_unit) = (col("iName"), col("Target"), col("Denominator"), col("Unit"));
    let mut aggregates = Vec::new();
    let mut indicators = Vec::new();
    let mut data_columns: Vec<(&'static str, String)> = Vec::new();
    for (k, cells) in table.rows.iter().enumerate() {
        let row = table.source_rows.get(k).copied().unwrap_or(k + 2);
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i));
        let Some(code) = text(get(c_code)) else {
            errs.push(ferr(format!("{file_name}, row {row}"), "iCode is missing"));
            continue;
        };
        let entry = format!("{file_name}, row {row}, iCode {code}");
        let number = |c: Option<usize>, what: &str, errs: &mut Vec<FrameworkError>| -> Option<f64> {
            let cell = get(c)?;
            match cell {
                Cell::Text(s) if is_missing_marker(s) => None,
                _ => match cell_number(cell, false) {
                    Ok(v) => v,
                    Err(m) => {
                        errs.push(ferr(&entry, format!("{what} {:?} is not a number ({m})", cell.display())));
                        None
                    }
                },
            }
        };
        let kind = text(get(c_type)).unwrap_or_default();
        let name = text(get(c_name)).unwrap_or_else(|| code.clone());
        let parent = text(get(c_parent));
        let source = format!("{file_name} row {row}");
        match kind.to_ascii_lowercase().as_str() {
            "indicator" => {
                let n_errs = errs.len();
                let direction = number(c_dir, "Direction", &mut errs);
                let weight = number(c_weight, "Weight", &mut errs);
                let target = number(c_target, "Target", &mut errs);
                if errs.len() > n_errs {
                    continue;
                }
                let (Some(parent), Some(direction), Some(weight)) = (parent, direction, weight) else {
                    let what: Vec<&str> = [
                        (text(get(c_parent)).is_none(), "Parent"),
                        (direction.is_none(), "Direction"),
                        (weight.is_none(), "Weight"),
                    ]
                    .into_iter()
                    .filter_map(|(m, w)| m.then_some(w))
                    .collect();
                    errs.push(ferr(&entry, format!("an indicator needs {}", what.join(", "))));
                    continue;
                };
                indicators.push(Indicator {
                    id: code,
                    name,
                    parent,
                    unit: text(get(c_unit)).unwrap_or_default(),
                    direction,
                    weight,
                    derive: None,
                    cap: None,
                    floor: None,
                    normalise: None,
                    target,
                    goalposts: None,
                    denominator: text(get(c_den)),
                    source,
                    choice: String::new(),
                    provisional: false,
                    note: String::new(),
                });
            }
            "aggregate" => {
                let n_errs = errs.len();
                let weight = number(c_weight, "Weight", &mut errs);
                if errs.len() > n_errs {
                    continue;
                }
                // The index (no parent) needs no weight.
                let weight = match (weight, &parent) {
                    (Some(w), _) => w,
                    (None, None) => 1.0,
                    (None, Some(_)) => {
                        errs.push(ferr(&entry, "an aggregate with a parent needs a Weight"));
                        continue;
                    }
                };
                aggregates.push(Aggregate {
                    id: code,
                    name,
                    parent,
                    weight,
                    method: None,
                    rescale: None,
                    source,
                    note: String::new(),
                });
            }
            "group" => data_columns.push(("group", code)),
            "denominator" => data_columns.push(("denominator", code)),
            "other" => data_columns.push(("other", code)),
            "" => errs.push(ferr(&entry, "Type is missing (Indicator, Aggregate, Group, Denominator or Other)")),
            _ => errs.push(ferr(
                &entry,
                format!("unknown Type {kind:?}; expected Indicator, Aggregate, Group, Denominator or Other"),
            )),
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let id = stem(file_name).to_string();
    let mut description = format!("Converted from the COINr iMeta table {file_name}.");
    for (kind, label) in
        [("group", "Group columns"), ("denominator", "Denominator columns"), ("other", "Other columns")]
    {
        let codes: Vec<&str> = data_columns.iter().filter(|(k, _)| *k == kind).map(|(_, c)| c.as_str()).collect();
        if !codes.is_empty() {
            description.push_str(&format!(" {label}: {}.", codes.join(", ")));
        }
    }
    Ok(Framework {
        name: id.clone(),
        id,
        version: String::new(),
        description,
        source: file_name.to_string(),
        columns: Columns { id: "uCode".into(), name: "uName".into(), ..Columns::default() },
        settings: Settings::default(),
        tier_schemes: Vec::new(),
        zones: Vec::new(),
        inputs: Vec::new(),
        aggregates,
        indicators,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters() {
        let t = "ab\ncé d\n";
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 3), (2, 1));
        assert_eq!(line_column(t, 6), (2, 3)); // after "cé"
        assert_eq!(line_column(t, 5), (2, 2)); // inside "é": start of the character
        assert_eq!(line_column(t, 999), (3, 1));
    }
}
