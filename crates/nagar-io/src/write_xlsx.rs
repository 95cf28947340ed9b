//! XLSX exports (rust_xlsxwriter): output sheets, and a framework's data-entry template with
//! a field dictionary, header notes and Excel data validation. Returns bytes, never a file.

use std::collections::HashSet;

use nagar_core::output::{OutCell, Sheet};
use nagar_core::Framework;
use rust_xlsxwriter::{
    utility::column_number_to_name, ColNum, DataValidation, DataValidationErrorStyle, DataValidationRule, Format,
    Formula, Note, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::write::{template_spec, TemplateCheck, TemplateField, TemplateSpec};
use crate::WriteError;

/// Excel's limits.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLS: usize = 16_384;
/// Template rows carrying data validation: spreadsheet rows 2..=10001.
const TEMPLATE_ROWS: RowNum = 10_000;
/// Excel's limit for an inline validation list, commas included.
const MAX_INLINE_LIST: usize = 255;

fn xerr(context: &str) -> impl Fn(XlsxError) -> WriteError + '_ {
    move |e| WriteError(format!("{context}: {e}"))
}

/// Output sheets as one workbook: a worksheet per sheet, header row bold and frozen, numbers as
/// numbers, text always as text (never a formula). Sheet names are made valid for Excel.
pub fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let mut names = HashSet::new();
    for (k, sheet) in sheets.iter().enumerate() {
        let name = sheet_name(&sheet.name, k + 1, &mut names);
        if sheet.rows.len() + 1 > MAX_ROWS || sheet.columns.len() > MAX_COLS {
            return Err(WriteError(format!(
                "sheet {:?} has {} rows and {} columns; Excel allows at most {} rows and {MAX_COLS} columns",
                sheet.name,
                sheet.rows.len() + 1,
                sheet.columns.len(),
                MAX_ROWS
            )));
        }
        let ws = book.add_worksheet();
        ws.set_name(&name).map_err(xerr(&name))?;
        write_header(ws, &sheet.columns, &bold, &name)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let xr = (r + 1) as RowNum;
            for (c, cell) in row.iter().enumerate() {
                let Ok(xc) = ColNum::try_from(c) else { break };
                let at = || format!("sheet {name:?}, row {}, column {}", r + 2, c + 1);
                match cell {
                    OutCell::Number(x) if x.is_finite() => {
                        ws.write_number(xr, xc, *x).map_err(|e| WriteError(format!("{}: {e}", at())))?;
                    }
                    OutCell::Text(s) if !s.is_empty() => {
                        ws.write_string(xr, xc, s).map_err(|e| WriteError(format!("{}: {e}", at())))?;
                    }
                    _ => {}
                }
            }
        }
        ws.autofit();
    }
    book.save_to_buffer().map_err(xerr("saving the workbook"))
}

fn write_header(ws: &mut Worksheet, columns: &[String], bold: &Format, sheet: &str) -> Result<(), WriteError> {
    for (c, name) in columns.iter().enumerate() {
        let Ok(xc) = ColNum::try_from(c) else { break };
        ws.write_string_with_format(0, xc, name, bold).map_err(xerr(sheet))?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr(sheet))?;
    Ok(())
}

/// A valid, unique (case-insensitively) Excel sheet name: no `[]:*?/\`, not starting or ending
/// with `'`, at most 31 UTF-16 units, not "History".
fn sheet_name(wanted: &str, position: usize, taken: &mut HashSet<String>) -> String {
    let cleaned: String =
        wanted.chars().map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c }).collect();
    let mut base = cleaned.trim().trim_matches('\'').trim().to_string();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("Sheet{position}");
    }
    let mut n = 1;
    loop {
        let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
        let mut name = truncate_utf16(&base, 31 - suffix.len()).trim_end_matches('\'').to_string();
        name.push_str(&suffix);
        if taken.insert(name.to_lowercase()) {
            return name;
        }
        n += 1;
    }
}

fn truncate_utf16(s: &str, max_units: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max_units {
            return s.get(..i).unwrap_or_default();
        }
    }
    s
}

/// Shorten to at most `max_units` UTF-16 units (Excel's limits on messages), marking the cut.
fn clip(s: &str, max_units: usize) -> String {
    let t = truncate_utf16(s, max_units);
    if t.len() == s.len() {
        s.to_string()
    } else {
        format!("{}…", truncate_utf16(s, max_units.saturating_sub(1)))
    }
}

/// The data-entry template of a framework as XLSX: sheet "Data" (the template's header, bold and
/// frozen, each header cell with a note giving the field's label, unit and note; data validation
/// on rows 2..=10001) and sheet "Dictionary" (one row per column: field, label, unit, kind,
/// indicators using it, allowed values, note). Lists too long for an inline Excel list live on a
/// hidden sheet "Lists".
///
/// Validation (warnings, so `NA` or an empty cell can still be entered): Y/N drop-down for yes/no
/// fields; a drop-down of `allowed` values when given; 0..100 for percentages; a number ≥ 0 for
/// counts, amounts, quantities and population.
pub fn write_template_xlsx(fw: &Framework) -> Result<Vec<u8>, WriteError> {
    write_template_xlsx_in(fw, "en")
}

/// [`write_template_xlsx`] in `lang` ([`template_spec`]): sheet names, the Dictionary's headings,
/// labels, units, kinds and validation messages translated (English where the framework or the
/// catalogue has no text in `lang`); the Data sheet's header (the column ids) and the values a
/// cell accepts unchanged. In a language other than English the Dictionary also gives each
/// field's English label.
pub fn write_template_xlsx_in(fw: &Framework, lang: &str) -> Result<Vec<u8>, WriteError> {
    write_template_spec_xlsx(&template_spec(fw, lang))
}

/// The XLSX template laid out by a [`TemplateSpec`]: what [`write_template_xlsx_in`] writes, and
/// what the browser's spreadsheet-writing module writes from the spec the full module made.
/// Texts longer than a cell or a note holds are cut, marked with `…`.
pub fn write_template_spec_xlsx(spec: &TemplateSpec) -> Result<Vec<u8>, WriteError> {
    let cols = &spec.columns;
    if cols.len() > MAX_COLS {
        return Err(WriteError(format!("the template has {} columns; Excel allows {MAX_COLS}", cols.len())));
    }
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();

    // Long or comma-containing lists go to a hidden sheet and are referenced by range.
    let mut lists: Vec<Vec<String>> = Vec::new();
    let mut validations: Vec<(ColNum, DataValidation)> = Vec::new();
    for (c, col) in cols.iter().enumerate() {
        let Ok(xc) = ColNum::try_from(c) else { break };
        if let Some(dv) = validation(col, &mut lists, &spec.lists_sheet)? {
            validations.push((xc, dv));
        }
    }

    let data = book.add_worksheet();
    let data_name = spec.data_sheet.as_str();
    data.set_name(data_name).map_err(xerr(data_name))?;
    let ids: Vec<String> = cols.iter().map(|c| c.id.clone()).collect();
    write_header(data, &ids, &bold, data_name)?;
    for (c, col) in cols.iter().enumerate() {
        let Ok(xc) = ColNum::try_from(c) else { break };
        let width = col.id.chars().count().clamp(12, 40) as f64 + 2.0;
        data.set_column_width(xc, width).map_err(xerr(data_name))?;
        let note = Note::new(clip(&col.note, 32_767)).add_author_prefix(false);
        data.insert_note(0, xc, &note).map_err(xerr(data_name))?;
    }
    for (xc, dv) in &validations {
        data.add_data_validation(1, *xc, TEMPLATE_ROWS, *xc, dv).map_err(xerr(data_name))?;
    }

    let dict = book.add_worksheet();
    let dict_name = spec.dictionary_sheet.as_str();
    dict.set_name(dict_name).map_err(xerr(dict_name))?;
    write_header(dict, &spec.dictionary_header, &bold, dict_name)?;
    for (r, col) in cols.iter().enumerate() {
        let xr = (r + 1) as RowNum;
        for (c, v) in col.dictionary.iter().enumerate() {
            let Ok(xc) = ColNum::try_from(c) else { break };
            if !v.is_empty() {
                dict.write_string_with_format(xr, xc, clip(v, 32_767), &wrap).map_err(xerr(dict_name))?;
            }
        }
    }
    for (c, w) in spec.dictionary_widths.iter().enumerate() {
        let Ok(xc) = ColNum::try_from(c) else { break };
        // Excel's widths are 0..=255 characters.
        if (0.0..=255.0).contains(w) {
            dict.set_column_width(xc, *w).map_err(xerr(dict_name))?;
        }
    }

    if !lists.is_empty() {
        let ls = book.add_worksheet();
        let lists_name = spec.lists_sheet.as_str();
        ls.set_name(lists_name).map_err(xerr(lists_name))?;
        for (c, list) in lists.iter().enumerate() {
            for (r, v) in list.iter().enumerate() {
                ls.write_string(r as RowNum, c as ColNum, clip(v, 32_767)).map_err(xerr(lists_name))?;
            }
        }
        ls.set_hidden(true);
    }
    book.save_to_buffer().map_err(xerr("saving the template"))
}

/// The data validation for a template column, if it has one.
fn validation(
    col: &TemplateField,
    lists: &mut Vec<Vec<String>>,
    lists_sheet: &str,
) -> Result<Option<DataValidation>, WriteError> {
    let ctx = format!("data validation of {}", col.id);
    let dv = match col.check {
        TemplateCheck::List => list_validation(&col.allowed, lists, &ctx, lists_sheet)?,
        TemplateCheck::Percent => DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0)),
        TemplateCheck::NonNegative => {
            DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        }
        TemplateCheck::None => return Ok(None),
    };
    let dv = dv
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(clip(&col.id, 32))
        .map_err(xerr(&ctx))?
        .set_error_message(&col.message)
        .map_err(xerr(&ctx))?;
    Ok(Some(dv))
}

fn list_validation(
    values: &[String],
    lists: &mut Vec<Vec<String>>,
    ctx: &str,
    sheet: &str,
) -> Result<DataValidation, WriteError> {
    let inline_len: usize = values.iter().map(|v| v.encode_utf16().count() + 1).sum();
    if inline_len <= MAX_INLINE_LIST && values.iter().all(|v| !v.contains(',')) {
        return DataValidation::new().allow_list_strings(values).map_err(xerr(ctx));
    }
    let column = column_number_to_name(lists.len() as ColNum);
    // A sheet name other than letters and digits (Devanagari, spaces) is quoted in a formula.
    let sheet = if sheet.bytes().all(|b| b.is_ascii_alphanumeric()) { sheet.to_string() } else { format!("'{sheet}'") };
    let range = format!("={sheet}!${column}$1:${column}${}", values.len());
    lists.push(values.to_vec());
    Ok(DataValidation::new().allow_list_formula(Formula::new(range)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("Scores", 1, &mut taken), "Scores");
        assert_eq!(sheet_name("scores", 2, &mut taken), "scores (2)");
        assert_eq!(sheet_name("a/b:c[d]", 3, &mut taken), "a_b_c_d_");
        assert_eq!(sheet_name("''", 4, &mut taken), "Sheet4");
        assert_eq!(sheet_name("History", 5, &mut taken), "Sheet5");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, 6, &mut taken).len(), 31);
        assert_eq!(sheet_name(&long, 7, &mut taken), format!("{} (2)", "x".repeat(27)));
    }
}
