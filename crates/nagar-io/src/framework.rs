//! Framework files: nagar's TOML (canonical) or the same schema in JSON, and COINr's `iMeta`
//! table (CSV, spreadsheet or JSON records). Every loaded framework is validated.

use nagar_core::framework::Columns;
use nagar_core::parse::{cell_number, is_missing_marker};
use nagar_core::{Aggregate, CellRef, Framework, FrameworkError, Indicator, RawTable, Settings};

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

/// A TOML framework is read in two steps: the TOML document is turned into the same framework in
/// JSON, which is then read like a JSON framework. One reader of the framework types (serde_json)
/// serves both forms, which keeps the browser's modules small: the TOML parser is a parser only,
/// not a second set of typed deserializers. Each line of the JSON remembers where in the TOML
/// its key or value is, so every error still names the TOML file's line and column.
fn from_toml(bytes: &[u8], file: &str) -> Result<Framework, Vec<FrameworkError>> {
    // A framework file may also hold the `[robustness]` table of its analysis (read by
    // [`load_robustness_spec`]); the framework itself skips it.
    toml_as::<Framework>(bytes, file, Some("robustness"))
}

/// A TOML document read as `T` through its JSON form (one typed reader for both forms), errors
/// naming the TOML line and column; `skip` leaves out one top-level key.
fn toml_as<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    file: &str,
    skip: Option<&'static str>,
) -> Result<T, Vec<FrameworkError>> {
    let text = utf8(bytes, file)?;
    let at = |offset: usize| {
        let (line, column) = line_column(text, offset);
        format!("{file}, line {line}, column {column}")
    };
    let doc = toml::de::DeTable::parse(text).map_err(|e| {
        let entry = e.span().map_or_else(|| file.to_string(), |span| at(span.start));
        vec![ferr(entry, e.message().trim().to_string())]
    })?;
    let start = doc.span().start;
    let mut json = TomlJson { text: String::with_capacity(text.len() * 2), origin: vec![Origin::at(start)], skip };
    json.table(doc.get_ref(), start).map_err(|(offset, message)| vec![ferr(at(offset), message)])?;
    serde_json::from_str::<T>(&json.text).map_err(|e| {
        let origin = json.origin.get(e.line().saturating_sub(1)).copied().unwrap_or(Origin::at(0));
        // serde_json places an error after what it read: past the value's first column, the
        // error is about the value (a wrong type), else about the key (an unknown field).
        let offset = if e.column() > origin.value_column { origin.value } else { origin.key };
        vec![ferr(at(offset), json_message(&e))]
    })
}

/// The file form of a robustness specification: the `[robustness]` table of a TOML (or JSON)
/// file, its own or a framework file's; other top-level keys are ignored here.
#[derive(serde::Deserialize)]
struct SpecFile {
    #[serde(default)]
    robustness: Option<nagar_core::robustness::Spec>,
}

/// Read the `[robustness]` table of a `.toml` or `.json` file (a framework file or a file of its
/// own). Errors name the line and column; a file without the table is an error.
pub fn load_robustness_spec(
    bytes: &[u8],
    file_name: &str,
) -> Result<nagar_core::robustness::Spec, Vec<FrameworkError>> {
    let ext = extension(file_name).to_ascii_lowercase();
    let f: SpecFile = match ext.as_str() {
        "toml" => toml_as(bytes, file_name, None)?,
        "json" => serde_json::from_str(utf8(bytes, file_name)?).map_err(|e| {
            vec![ferr(format!("{file_name}, line {}, column {}", e.line(), e.column()), json_message(&e))]
        })?,
        _ => {
            return Err(vec![ferr(
                file_name,
                "a robustness specification is a .toml or .json file with a [robustness] table",
            )])
        }
    };
    f.robustness.ok_or_else(|| {
        vec![ferr(
            file_name,
            "no [robustness] table (e.g. `[robustness]` with `type = \"ua\"`, `n = 1000`, `[[robustness.weights]]` …)",
        )]
    })
}

/// The error's message without serde_json's " at line L column C" (the position is given apart).
fn json_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_string()
}

/// A TOML document written as JSON, one key or array item per line; `origin[k]` tells where in
/// the TOML text line `k + 1` of the JSON comes from (a closing bracket: the table or array it
/// closes).
struct TomlJson {
    text: String,
    origin: Vec<Origin>,
    /// A top-level key to leave out (taken when the top-level table is written).
    skip: Option<&'static str>,
}

/// Byte offsets in the TOML text of a JSON line's key and value, and the JSON column (1-based,
/// in bytes, as serde_json counts) where the value begins.
#[derive(Clone, Copy)]
struct Origin {
    key: usize,
    value: usize,
    value_column: usize,
}

impl Origin {
    fn at(offset: usize) -> Self {
        Origin { key: offset, value: offset, value_column: 0 }
    }
}

type Spanned<'i> = toml::Spanned<toml::de::DeValue<'i>>;

impl TomlJson {
    fn line(&mut self, offset: usize) {
        self.text.push('\n');
        self.origin.push(Origin::at(offset));
    }

    /// The value of the current line's key begins here, at `offset` in the TOML text.
    fn value_begins(&mut self, offset: usize) {
        let column = self.text.len() - self.text.rfind('\n').map_or(0, |i| i + 1) + 1;
        if let Some(o) = self.origin.last_mut() {
            o.value = offset;
            o.value_column = column;
        }
    }

    fn string(&mut self, s: &str) {
        // A string always converts (the `Err` branch cannot happen).
        self.text.push_str(&serde_json::to_string(s).unwrap_or_default());
    }

    fn table(&mut self, table: &toml::de::DeTable<'_>, origin: usize) -> Result<(), (usize, String)> {
        self.text.push('{');
        let skip = self.skip.take();
        let kept = table.iter().filter(|(key, _)| Some(key.get_ref().as_ref()) != skip);
        for (k, (key, value)) in kept.enumerate() {
            if k > 0 {
                self.text.push(',');
            }
            self.line(key.span().start);
            self.string(key.get_ref());
            self.text.push(':');
            self.value_begins(value.span().start);
            self.value(value)?;
        }
        self.line(origin);
        self.text.push('}');
        Ok(())
    }

    fn value(&mut self, value: &Spanned<'_>) -> Result<(), (usize, String)> {
        use std::fmt::Write as _;
        use toml::de::DeValue;
        let origin = value.span().start;
        match value.get_ref() {
            DeValue::String(s) => self.string(s),
            DeValue::Integer(i) => {
                let n = i64::from_str_radix(i.as_str(), i.radix())
                    .map_err(|_| (origin, format!("the integer {} is too large", i.as_str())))?;
                let _ = write!(self.text, "{n}");
            }
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    let _ = write!(self.text, "{x:?}");
                }
                _ => return Err((origin, format!("{} is not a finite number", f.as_str()))),
            },
            DeValue::Boolean(b) => self.text.push_str(if *b { "true" } else { "false" }),
            DeValue::Datetime(d) => self.string(&d.to_string()),
            DeValue::Array(items) => {
                self.text.push('[');
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        self.text.push(',');
                    }
                    self.line(item.span().start);
                    self.value(item)?;
                }
                self.line(origin);
                self.text.push(']');
            }
            DeValue::Table(t) => self.table(t, origin)?,
        }
        Ok(())
    }
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
    serde_json::from_str::<Framework>(text)
        .map_err(|e| vec![ferr(format!("{file}, line {}, column {}", e.line(), e.column()), json_message(&e))])
}

fn from_imeta_file(bytes: &[u8], file: &str) -> Result<Framework, Vec<FrameworkError>> {
    let read = read_data(bytes, file, &ReadOptions::default()).map_err(|e| vec![ferr(file, e.kind.to_string())])?;
    imeta_to_framework(&read.table, file)
}

/// The iMeta table's value in a cell as text; `None` when empty or a missing marker (`NA`).
fn text(cell: Option<CellRef>) -> Option<String> {
    match cell? {
        CellRef::Empty => None,
        CellRef::Text(s) if is_missing_marker(s) => None,
        c => Some(c.display().trim().to_string()),
    }
}

/// Convert a COINr `iMeta` table into a framework (not yet validated).
///
/// Columns (any case): `iCode`, `Parent`, `Type`, `Weight`, `Direction` (required), `iName`,
/// `Target`, `Denominator`, `Unit`, `Level` (optional; `Level` is not needed since the tree comes
/// from `Parent`), and `iName_<language>` (`iName_hi`: the name in that language, optional). `NA` or empty means missing. `Type` is `Indicator`, `Aggregate` (the one without
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
    // Names in other languages: a column `iName_<language>` (`iName_hi`) per language.
    let c_names: Vec<(String, usize)> = table
        .columns
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            let lang = c.get(..6).filter(|p| p.eq_ignore_ascii_case("iname_")).and(c.get(6..))?;
            Some((lang.trim().to_string(), k))
        })
        .collect();
    let mut aggregates = Vec::new();
    let mut indicators = Vec::new();
    let mut data_columns: Vec<(&'static str, String)> = Vec::new();
    for (k, cells) in table.rows().enumerate() {
        let row = table.source_row(k).unwrap_or(k + 2);
        let get = |c: Option<usize>| c.and_then(|i| cells.get(i));
        let Some(code) = text(get(c_code)) else {
            errs.push(ferr(format!("{file_name}, row {row}"), "iCode is missing"));
            continue;
        };
        let entry = format!("{file_name}, row {row}, iCode {code}");
        let number = |c: Option<usize>, what: &str, errs: &mut Vec<FrameworkError>| -> Option<f64> {
            let cell = get(c)?;
            match cell {
                CellRef::Text(s) if is_missing_marker(s) => None,
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
        let names: nagar_core::Names =
            c_names.iter().filter_map(|(lang, c)| Some((lang.clone(), text(get(Some(*c)))?))).collect();
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
                    names,
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
                    lever: Default::default(),
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
                    names,
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
        names: Default::default(),
        unit_names: Default::default(),
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
