//! Text exports (CSV, JSON) of output sheets, and the CSV data template of a framework.
//! Everything returns a `String`; nothing touches the filesystem.

use std::borrow::Cow;

use nagar_core::fmt::push_number;
use nagar_core::i18n::{English, Language, Words};
use nagar_core::output::{CellSink, OutCell, Sheet};
use nagar_core::parse::parse_number;
use nagar_core::table::normalise_header;
use nagar_core::{Framework, InputKind};
use serde::Serialize;

/// Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a
/// leading `'`, so opening an export never executes anything (OWASP "CSV injection").
/// Plain numbers typed as text (`-5`, `+1,234.5`, `-12%`) are not formulas and are kept.
pub fn formula_safe(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_plain_number(s) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

fn is_plain_number(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '+' | '-' | 'e' | 'E' | '%'))
        && matches!(parse_number(s, true), Ok(Some(_)))
}

/// Appends one CSV field: quoted when it holds a quote, comma, CR or LF, and also a semicolon or
/// tab (so no reader guesses another delimiter) or leading/trailing spaces (which readers trim).
fn push_field(out: &mut String, f: &str) {
    let needs_quotes = f.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n' | b';' | b'\t'))
        || f.starts_with(' ')
        || f.ends_with(' ');
    if needs_quotes {
        out.push('"');
        for (k, part) in f.split('"').enumerate() {
            if k > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(f);
    }
}

/// Appends one CSV record (RFC 4180, CRLF). A lone empty field is written `""` so the line is
/// not blank.
fn push_record<'a>(out: &mut String, fields: impl IntoIterator<Item = Cow<'a, str>>) {
    let mut n = 0;
    let mut only_empty = true;
    for f in fields {
        only_empty &= f.is_empty();
        if n > 0 {
            out.push(',');
        }
        n += 1;
        push_field(out, &f);
    }
    end_record(out, n, only_empty);
}

fn end_record(out: &mut String, n: usize, only_empty: bool) {
    if n == 1 && only_empty {
        out.push_str("\"\"");
    }
    out.push_str("\r\n");
}

/// A sheet as RFC 4180 CSV (CRLF line ends, quotes only where needed). Numbers in shortest
/// round-trip form, missing as an empty field; text made safe against formula injection.
/// Rows shorter than the header are padded with empty fields.
pub fn write_csv(sheet: &Sheet) -> String {
    let mut w = CsvWriter::default();
    // About 10 bytes a cell (a score with its digits and a comma): one reservation, not a
    // growing buffer copied again and again.
    let width = sheet.columns.len();
    w.out.reserve(sheet.rows.len().saturating_add(1).saturating_mul(width.max(1)).saturating_mul(10));
    w.header(&sheet.columns);
    for row in &sheet.rows {
        w.row(row);
    }
    w.into_string()
}

/// CSV written a record at a time into one buffer, as [`write_csv`] writes a sheet: numbers
/// formatted straight into the buffer, no string per cell. A caller that streams (the CLI) hands
/// the buffer to a file now and then and clears it, so a large table never exists as text
/// whole; the buffer's memory is reused.
#[derive(Debug, Default, Clone)]
pub struct CsvWriter {
    out: String,
    width: usize,
    /// A record's run of numbers, gathered before they are formatted ([`CellSink::numbers`]).
    scratch: Vec<f64>,
}

impl CsvWriter {
    /// The header record; later rows are padded to its width.
    pub fn header(&mut self, columns: &[String]) {
        self.width = columns.len();
        push_record(&mut self.out, columns.iter().map(|c| formula_safe(c)));
    }

    /// One data record (through [`record`](Self::record): one set of rules for both).
    pub fn row(&mut self, row: &[OutCell]) {
        let mut record = self.record();
        for cell in row {
            match cell {
                OutCell::Number(x) => record.number(*x),
                OutCell::Text(s) => record.text(s),
                OutCell::Empty => record.empty(),
            }
        }
        record.end();
    }

    /// One data record written cell by cell ([`CellSink`]); [`CsvRecord::end`] pads it to the
    /// header's width and ends it. Numbers in shortest round-trip form, missing or non-finite as
    /// an empty field; text quoted where needed and made safe against formula injection; a lone
    /// empty field written `""`.
    pub fn record(&mut self) -> CsvRecord<'_> {
        CsvRecord { out: &mut self.out, scratch: &mut self.scratch, width: self.width, n: 0, only_empty: true }
    }

    /// The text written since the last [`clear`](Self::clear).
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// Room for `bytes` more bytes of text, so that a buffer filled again and again does not
    /// grow by doubling (each step a copy into fresh memory).
    pub fn reserve(&mut self, bytes: usize) {
        self.out.reserve(bytes);
    }

    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.out.clear();
    }

    pub fn into_string(self) -> String {
        self.out
    }
}

/// A record of a [`CsvWriter`] being written: see [`CsvWriter::record`].
#[must_use = "a record is written only up to its last cell until `CsvRecord::end` ends its line"]
pub struct CsvRecord<'a> {
    out: &'a mut String,
    scratch: &'a mut Vec<f64>,
    width: usize,
    /// Cells written so far.
    n: usize,
    only_empty: bool,
}

impl CsvRecord<'_> {
    fn next(&mut self) {
        if self.n > 0 {
            self.out.push(',');
        }
        self.n += 1;
    }

    /// Empty cells up to the header's width, and the line's end.
    pub fn end(mut self) {
        while self.n < self.width {
            self.next();
        }
        end_record(self.out, self.n, self.only_empty);
    }
}

impl CellSink for CsvRecord<'_> {
    fn text(&mut self, s: &str) {
        self.next();
        if !s.is_empty() {
            self.only_empty = false;
            push_field(self.out, &formula_safe(s));
        }
    }
    fn number(&mut self, x: f64) {
        self.next();
        if x.is_finite() {
            self.only_empty = false;
            push_number(self.out, x);
        }
    }
    fn empty(&mut self) {
        self.next();
    }
    fn numbers(&mut self, xs: impl IntoIterator<Item = f64>) {
        // Gathered first: measured faster than formatting each as it is loaded (the loads of a
        // row from column-major matrices miss the cache; side by side their waits overlap).
        let mut scratch = std::mem::take(self.scratch);
        scratch.clear();
        scratch.extend(xs);
        for &x in &scratch {
            self.number(x);
        }
        *self.scratch = scratch;
    }
}

/// A sheet as a JSON array of records, keys in column order, one record per line.
/// Numbers are JSON numbers; missing values are `null`.
pub fn write_json(sheet: &Sheet) -> String {
    let keys: Vec<String> = sheet.columns.iter().map(|c| json_string(c)).collect();
    let mut out = String::from("[");
    out.reserve(sheet.rows.len().saturating_mul(keys.iter().map(|k| k.len() + 12).sum::<usize>()));
    for (r, row) in sheet.rows.iter().enumerate() {
        out.push_str(if r == 0 { "\n{" } else { ",\n{" });
        for (k, key) in keys.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(key);
            out.push(':');
            match row.get(k) {
                Some(OutCell::Number(x)) if x.is_finite() => push_number(&mut out, *x),
                Some(OutCell::Text(s)) => push_json_string(&mut out, s),
                _ => out.push_str("null"),
            }
        }
        out.push('}');
    }
    out.push_str("\n]\n");
    out
}

fn json_string(s: &str) -> String {
    let mut out = String::new();
    push_json_string(&mut out, s);
    out
}

/// A JSON string literal: as written by serde_json, without a copy when nothing needs escaping.
fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f) {
        out.push_str(&serde_json::Value::String(s.to_string()).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// One column of a framework's data template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TemplateColumn {
    pub id: String,
    /// The label in the template's language (English when the framework has none in it).
    pub label: String,
    /// The English label.
    pub label_en: String,
    pub unit: String,
    /// `None` for identity columns (id, name, state) and fields outside `inputs`.
    pub kind: Option<InputKind>,
    pub kind_name: String,
    pub used_by: Vec<String>,
    pub allowed: Vec<String>,
    pub note: String,
}

/// The kind in `lang`; in English as written in framework files (`count`, `yes_no`, ...).
pub(crate) fn kind_name(k: InputKind, w: &dyn Words) -> String {
    let key = match k {
        InputKind::Number => "kind.number",
        InputKind::Count => "kind.count",
        InputKind::Amount => "kind.amount",
        InputKind::Quantity => "kind.quantity",
        InputKind::Population => "kind.population",
        InputKind::Percent => "kind.percent",
        InputKind::SignedPercent => "kind.signed_percent",
        InputKind::YesNo => "kind.yes_no",
        InputKind::Text => "kind.text",
    };
    w.text(key).to_string()
}

/// The template's columns: id, name, state, population (the framework's `columns`), every input
/// field in `used_inputs()` order, then every denominator column indicators name. A field that is
/// already present (e.g. population as an input) is not repeated. Labels, units and kinds are in
/// `lang` (English where the framework has no name in it); ids never change.
pub(crate) fn template_columns(fw: &Framework, w: &dyn Words) -> Vec<TemplateColumn> {
    let mut out: Vec<TemplateColumn> = Vec::new();
    let present =
        |out: &[TemplateColumn], id: &str| out.iter().any(|c| normalise_header(&c.id) == normalise_header(id));
    let used_by = |field: &str| -> Vec<String> {
        fw.indicators
            .iter()
            .filter(|i| i.derivation().inputs().iter().any(|f| f == field) || i.denominator.as_deref() == Some(field))
            .map(|i| i.id.clone())
            .collect()
    };
    let field_column = |id: &str| -> TemplateColumn {
        match fw.input(id) {
            Some(f) => TemplateColumn {
                id: f.id.clone(),
                label: w.name(f).to_string(),
                label_en: f.label.clone(),
                unit: w.unit(fw, &f.unit).to_string(),
                kind: Some(f.kind),
                kind_name: kind_name(f.kind, w),
                used_by: used_by(id),
                allowed: f.allowed.clone(),
                note: f.note.clone(),
            },
            None => {
                // Frameworks without an input dictionary (COINr): the indicator named like the field.
                let ind = fw.indicators.iter().find(|i| i.id == id);
                TemplateColumn {
                    id: id.to_string(),
                    label: ind.map_or_else(|| id.to_string(), |i| w.name(i).to_string()),
                    label_en: ind.map_or_else(|| id.to_string(), |i| i.name.clone()),
                    unit: ind.map(|i| w.unit(fw, &i.unit).to_string()).unwrap_or_default(),
                    kind: Some(InputKind::Number),
                    kind_name: kind_name(InputKind::Number, w),
                    used_by: used_by(id),
                    allowed: Vec::new(),
                    note: String::new(),
                }
            }
        }
    };
    let identity =
        [(&fw.columns.id, "template.id"), (&fw.columns.name, "template.name"), (&fw.columns.state, "template.state")];
    for (id, label) in identity {
        if !id.trim().is_empty() && !present(&out, id) {
            out.push(TemplateColumn {
                id: id.clone(),
                label: w.text(label).to_string(),
                label_en: English.text(label).to_string(),
                unit: String::new(),
                kind: None,
                kind_name: kind_name(InputKind::Text, w),
                used_by: Vec::new(),
                allowed: Vec::new(),
                note: String::new(),
            });
        }
    }
    let pop = &fw.columns.population;
    if !pop.trim().is_empty() && !present(&out, pop) {
        let mut c = field_column(pop);
        if fw.input(pop).is_none() {
            c.label = w.text("template.population").into();
            c.label_en = English.text("template.population").into();
            c.kind = Some(InputKind::Population);
            c.kind_name = kind_name(InputKind::Population, w);
        }
        out.push(c);
    }
    let denominators = fw.indicators.iter().filter_map(|i| i.denominator.clone());
    for id in fw.used_inputs().into_iter().chain(denominators) {
        if !present(&out, &id) {
            out.push(field_column(&id));
        }
    }
    out
}

/// A framework's XLSX data-entry template, laid out and translated, ready to be written by
/// `write_template_spec_xlsx` (feature `spreadsheet-write`): everything the workbook shows, in
/// one language, and nothing of the framework. [`template_spec`] makes it from a framework; the
/// CLI writes it at once, the browser's full module hands it to the spreadsheet-writing module
/// (which then needs neither the framework's types nor the catalogues).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateSpec {
    /// The sheet with the template's header (the column ids).
    pub data_sheet: String,
    /// The sheet with one row per column.
    pub dictionary_sheet: String,
    /// The hidden sheet with lists too long for an inline Excel list.
    pub lists_sheet: String,
    /// The Dictionary sheet's headings, and its column widths (Excel's units).
    pub dictionary_header: Vec<String>,
    pub dictionary_widths: Vec<f64>,
    pub columns: Vec<TemplateField>,
}

/// One column of a [`TemplateSpec`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateField {
    /// The column id: the Data sheet's header cell.
    pub id: String,
    /// The header cell's note: label, unit and note.
    pub note: String,
    /// The column's row of the Dictionary sheet, one value per heading (empty: no cell).
    pub dictionary: Vec<String>,
    /// The data validation of the column's cells (rows 2..=10001), a warning.
    pub check: TemplateCheck,
    /// The values a [`TemplateCheck::List`] offers.
    pub allowed: Vec<String>,
    /// The validation's message.
    pub message: String,
}

/// The data validation of a template column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateCheck {
    None,
    /// One of `allowed` (a drop-down).
    List,
    /// A number from 0 to 100.
    Percent,
    /// A number ≥ 0.
    NonNegative,
}

impl TemplateCheck {
    /// The check by its serialized name (`none`, `list`, `percent`, `non_negative`).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "none" => TemplateCheck::None,
            "list" => TemplateCheck::List,
            "percent" => TemplateCheck::Percent,
            "non_negative" => TemplateCheck::NonNegative,
            _ => return None,
        })
    }
}

/// The XLSX template of a framework in `lang` (see `write_template_xlsx_in`): sheet names, the
/// Dictionary's headings, labels, units, kinds and validation messages in `lang` (English where
/// the framework or the catalogue has no text in it); column ids and accepted values unchanged.
/// In a language other than English the Dictionary also gives each field's English label.
///
/// Validation: a drop-down of `allowed` values when given, Y/N for yes/no fields; 0..100 for
/// percentages; a number ≥ 0 for counts, amounts, quantities and population.
pub fn template_spec(fw: &Framework, lang: &str) -> TemplateSpec {
    let w = Language(lang);
    let english_too = lang != "en";
    let mut keys = vec!["dict.field", "dict.label"];
    let mut widths = vec![24.0, 40.0];
    if english_too {
        keys.push("dict.label_en");
        widths.push(40.0);
    }
    keys.extend(["dict.unit", "dict.kind", "dict.used_by", "dict.allowed", "dict.note"]);
    widths.extend([14.0, 12.0, 30.0, 30.0, 50.0]);
    let columns = template_columns(fw, &w)
        .into_iter()
        .map(|col| {
            let yes_no = col.kind == Some(InputKind::YesNo);
            let (check, allowed, message) = if !col.allowed.is_empty() {
                (TemplateCheck::List, col.allowed.clone(), w.text("valid.list"))
            } else if yes_no {
                (TemplateCheck::List, vec!["Y".to_string(), "N".to_string()], w.text("valid.yes_no"))
            } else {
                match col.kind {
                    Some(InputKind::Percent) => (TemplateCheck::Percent, Vec::new(), w.text("valid.percent")),
                    Some(k) if k.non_negative() => {
                        (TemplateCheck::NonNegative, Vec::new(), w.text("valid.non_negative"))
                    }
                    _ => (TemplateCheck::None, Vec::new(), ""),
                }
            };
            let mut note = col.label.clone();
            if !col.unit.is_empty() {
                note.push_str(&format!(" ({})", col.unit));
            }
            if !col.note.is_empty() {
                note.push_str("\n\n");
                note.push_str(&col.note);
            }
            let shown_allowed =
                if yes_no && col.allowed.is_empty() { "Y; N".to_string() } else { col.allowed.join("; ") };
            let mut dictionary = vec![col.id.clone(), col.label];
            if english_too {
                dictionary.push(col.label_en);
            }
            dictionary.extend([col.unit, col.kind_name, col.used_by.join(", "), shown_allowed, col.note]);
            TemplateField { id: col.id, note, dictionary, check, allowed, message: message.to_string() }
        })
        .collect();
    TemplateSpec {
        data_sheet: w.text("sheet.data").to_string(),
        dictionary_sheet: w.text("sheet.dictionary").to_string(),
        lists_sheet: w.text("sheet.lists").to_string(),
        dictionary_header: keys.iter().map(|k| w.text(k).to_string()).collect(),
        dictionary_widths: widths,
        columns,
    }
}

/// The CSV data template of a framework: just the header row (see `template_columns`).
pub fn write_template_csv(fw: &Framework) -> String {
    let mut out = String::new();
    push_record(&mut out, template_columns(fw, &English).iter().map(|c| formula_safe(&c.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The browser's writing module reads a check by the name the full module serializes.
    #[test]
    fn template_checks_read_back_by_their_serialized_names() {
        for c in [TemplateCheck::None, TemplateCheck::List, TemplateCheck::Percent, TemplateCheck::NonNegative] {
            let name = serde_json::to_value(c).unwrap();
            assert_eq!(TemplateCheck::from_name(name.as_str().unwrap()), Some(c), "{name}");
        }
        assert_eq!(TemplateCheck::from_name("yes_no"), None);
    }

    #[test]
    fn formula_prefixes_are_neutralised_but_numbers_kept() {
        assert_eq!(formula_safe("=1+2"), "'=1+2");
        assert_eq!(formula_safe("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(formula_safe("-2+3"), "'-2+3");
        assert_eq!(formula_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(formula_safe("\tx"), "'\tx");
        assert_eq!(formula_safe("-5"), "-5");
        assert_eq!(formula_safe("-12,34,567.5"), "-12,34,567.5");
        assert_eq!(formula_safe("+3%"), "+3%");
        assert_eq!(formula_safe("Delhi"), "Delhi");
        assert_eq!(formula_safe("-"), "'-");
    }
}
