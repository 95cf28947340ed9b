//! Stateless functions around the file readers and writers that the main module leaves out,
//! called by the page's worker the first time they are needed. Values go to and from the main
//! module's `Workspace`. Each group is in a different module (`scripts/build.sh`):
//! - feature `sheets-read`, the spreadsheet-reading module: XLSX/ODS → table (calamine);
//! - feature `sheets-write`, the spreadsheet-writing module: sheets → XLSX, and the XLSX
//!   template from its layout (rust_xlsxwriter), both read with js-sys (no serde_json);
//! - feature `analysis`, the full module: framework files (TOML, JSON, COINr iMeta tables).

#[cfg(feature = "analysis")]
use nagar_core::Framework;
use wasm_bindgen::prelude::*;

#[cfg(feature = "analysis")]
use crate::from_js;
#[cfg(any(feature = "sheets-read", feature = "analysis"))]
use crate::to_js;
use crate::{js_error, ErrorKind};

/// Read a workbook (XLSX/ODS) into the value the main module's `Workspace.loadTable` takes.
/// `sheet`: worksheet name (default: the first). A CSV or JSON file is an error: the main
/// module reads those.
#[cfg(feature = "sheets-read")]
#[wasm_bindgen(js_name = readSpreadsheet, unchecked_return_type = "TableTransfer")]
pub fn read_spreadsheet(bytes: &[u8], file_name: &str, sheet: Option<String>) -> Result<JsValue, JsValue> {
    let opts = nagar_io::ReadOptions { sheet, ..Default::default() };
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let read = nagar_io::read_workbook(bytes, name, &opts).map_err(|e| js_error(ErrorKind::Data, e))?;
    to_js(&crate::views::TableTransfer {
        format: read.format.name().to_string(),
        table: read.table,
        issues: read.issues,
    })
}

/// Read a framework file (TOML, JSON, or a COINr iMeta table as CSV or JSON) into the value the
/// main module's `Workspace.loadFrameworkValue` takes. An iMeta workbook (XLSX/ODS) is read by
/// the spreadsheet-reading module and converted by [`framework_from_table`].
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = readFramework)]
pub fn read_framework(bytes: &[u8], file_name: &str) -> Result<JsValue, JsValue> {
    if crate::is_spreadsheet_name(file_name) {
        return Err(js_error(ErrorKind::NeedsSpreadsheet, format!("{file_name} is a workbook")));
    }
    let fw = nagar_io::load_framework(bytes, file_name)
        .map_err(|e| js_error(ErrorKind::Framework, crate::framework_errors_message(&e)))?;
    to_js(&fw)
}

/// The framework of a COINr iMeta table read from a workbook (the `readSpreadsheet` value), as
/// [`read_framework`] gives it for the same table as CSV.
#[cfg(feature = "analysis")]
#[wasm_bindgen(js_name = frameworkFromTable)]
pub fn framework_from_table(table: JsValue, file_name: &str) -> Result<JsValue, JsValue> {
    let t: crate::views::TableTransfer = from_js(table, "table")?;
    let errors =
        |e: Vec<nagar_core::FrameworkError>| js_error(ErrorKind::Framework, crate::framework_errors_message(&e));
    let fw: Framework = nagar_io::imeta_to_framework(&t.table, file_name).map_err(errors)?;
    fw.validate().map_err(errors)?;
    to_js(&fw)
}

/// An XLSX workbook of the given sheets (from `Workspace.exportSheets`): an array of
/// `{name, columns, rows}`, each cell a number, a text or `null`, as `nagar score --out x.xlsx`
/// writes them. Read with js-sys, not serde: the module then carries no JSON reader
/// (docs/BENCHMARKS.md).
#[cfg(feature = "sheets-write")]
#[wasm_bindgen(js_name = writeXlsx)]
pub fn write_xlsx(sheets: JsValue) -> Result<Vec<u8>, JsValue> {
    let sheets = lean::sheets(&sheets).map_err(|m| js_error(ErrorKind::Input, format!("sheets: {m}")))?;
    nagar_io::write_xlsx(&sheets).map_err(|e| js_error(ErrorKind::Internal, e))
}

/// The blank XLSX template of a framework, with its Dictionary sheet and drop-downs, as
/// `nagar template --lang LANG --out t.xlsx` writes it, from its layout in the language
/// (`Workspace.templateSpec` of the full module, a `nagar_io::TemplateSpec`): the same
/// `nagar_io::write_template_spec_xlsx` as the CLI's.
#[cfg(feature = "sheets-write")]
#[wasm_bindgen(js_name = templateXlsx)]
pub fn template_xlsx(spec: JsValue) -> Result<Vec<u8>, JsValue> {
    let spec = lean::template_spec(&spec).map_err(|m| js_error(ErrorKind::Input, format!("template: {m}")))?;
    nagar_io::write_template_spec_xlsx(&spec).map_err(|e| js_error(ErrorKind::Internal, e))
}

/// The page's values read field by field with js-sys (the serde_json reader and the serde code of
/// the types would be a fifth of the spreadsheet-writing module). A value of the wrong shape is an
/// error naming where it is, never a panic.
#[cfg(feature = "sheets-write")]
mod lean {
    use js_sys::{Array, Reflect};
    use nagar_core::output::{OutCell, Sheet};
    use nagar_io::{TemplateCheck, TemplateField, TemplateSpec};
    use wasm_bindgen::{JsCast, JsValue};

    type Res<T> = Result<T, String>;

    fn get(obj: &JsValue, key: &str) -> Res<JsValue> {
        if !obj.is_object() {
            return Err(format!("not an object where {key} was expected"));
        }
        Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| format!("cannot read {key}"))
    }

    fn array(obj: &JsValue, key: &str) -> Res<Array> {
        get(obj, key)?.dyn_into::<Array>().map_err(|_| format!("{key} is not an array"))
    }

    fn string(obj: &JsValue, key: &str) -> Res<String> {
        get(obj, key)?.as_string().ok_or_else(|| format!("{key} is not a text"))
    }

    fn strings(obj: &JsValue, key: &str) -> Res<Vec<String>> {
        let a = array(obj, key)?;
        (0..a.length()).map(|k| a.get(k).as_string().ok_or_else(|| format!("{key}[{k}] is not a text"))).collect()
    }

    /// `[{name, columns, rows}]`.
    pub fn sheets(v: &JsValue) -> Res<Vec<Sheet>> {
        let list = v.dyn_ref::<Array>().ok_or("not an array")?;
        let mut out = Vec::with_capacity(list.length() as usize);
        for k in 0..list.length() {
            let s = list.get(k);
            let at = |m: String| format!("sheet {}: {m}", k + 1);
            let name = string(&s, "name").map_err(at)?;
            let columns = strings(&s, "columns").map_err(at)?;
            let rows = array(&s, "rows").map_err(at)?;
            let mut cells = Vec::with_capacity(rows.length() as usize);
            for r in 0..rows.length() {
                let row = rows.get(r).dyn_into::<Array>().map_err(|_| at(format!("row {} is not an array", r + 1)))?;
                let mut line = Vec::with_capacity(row.length() as usize);
                for c in 0..row.length() {
                    let v = row.get(c);
                    line.push(if let Some(x) = v.as_f64() {
                        OutCell::Number(x)
                    } else if let Some(t) = v.as_string() {
                        OutCell::Text(t)
                    } else if v.is_null() || v.is_undefined() {
                        OutCell::Empty
                    } else {
                        return Err(at(format!("row {}, column {}: not a number, a text or null", r + 1, c + 1)));
                    });
                }
                cells.push(line);
            }
            out.push(Sheet { name, columns, rows: cells });
        }
        Ok(out)
    }

    /// A `nagar_io::TemplateSpec` as the full module's `templateSpec` gives it.
    pub fn template_spec(v: &JsValue) -> Res<TemplateSpec> {
        let cols = array(v, "columns")?;
        let mut columns = Vec::with_capacity(cols.length() as usize);
        for k in 0..cols.length() {
            let c = cols.get(k);
            let at = |m: String| format!("column {}: {m}", k + 1);
            let check = string(&c, "check").map_err(at)?;
            columns.push(TemplateField {
                id: string(&c, "id").map_err(at)?,
                note: string(&c, "note").map_err(at)?,
                dictionary: strings(&c, "dictionary").map_err(at)?,
                check: TemplateCheck::from_name(&check).ok_or_else(|| at(format!("unknown check {check:?}")))?,
                allowed: strings(&c, "allowed").map_err(at)?,
                message: string(&c, "message").map_err(at)?,
            });
        }
        let widths = array(v, "dictionary_widths")?;
        Ok(TemplateSpec {
            data_sheet: string(v, "data_sheet")?,
            dictionary_sheet: string(v, "dictionary_sheet")?,
            lists_sheet: string(v, "lists_sheet")?,
            dictionary_header: strings(v, "dictionary_header")?,
            dictionary_widths: (0..widths.length())
                .map(|k| widths.get(k).as_f64().ok_or_else(|| format!("dictionary_widths[{k}] is not a number")))
                .collect::<Res<_>>()?,
            columns,
        })
    }
}
