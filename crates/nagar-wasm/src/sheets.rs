//! Stateless functions around the file readers and writers that the main module leaves out,
//! called by the page's worker the first time they are needed. Values go to and from the main
//! module's `Workspace`. Each group is in a different module (`scripts/build.sh`):
//! - feature `sheets-read`, the spreadsheet-reading module: XLSX/ODS → table (calamine);
//! - feature `sheets-write`, the spreadsheet-writing module: sheets → XLSX, and the XLSX
//!   template of a framework (rust_xlsxwriter);
//! - feature `analysis`, the full module: framework files (TOML, JSON, COINr iMeta tables).

#[cfg(feature = "sheets-write")]
use nagar_core::output::Sheet;
#[cfg(any(feature = "sheets-write", feature = "analysis"))]
use nagar_core::Framework;
use wasm_bindgen::prelude::*;

#[cfg(any(feature = "sheets-write", feature = "analysis"))]
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

/// An XLSX workbook of the given sheets (from `Workspace.exportSheets`).
#[cfg(feature = "sheets-write")]
#[wasm_bindgen(js_name = writeXlsx)]
pub fn write_xlsx(sheets: JsValue) -> Result<Vec<u8>, JsValue> {
    let sheets: Vec<Sheet> = from_js(sheets, "sheets")?;
    nagar_io::write_xlsx(&sheets).map_err(|e| js_error(ErrorKind::Internal, e))
}

/// The blank XLSX template of a framework (from `Workspace.frameworkValue`), with its
/// Dictionary sheet and drop-downs, as `nagar template --out t.xlsx` writes it.
#[cfg(feature = "sheets-write")]
#[wasm_bindgen(js_name = templateXlsx)]
pub fn template_xlsx(framework: JsValue) -> Result<Vec<u8>, JsValue> {
    let fw: Framework = from_js(framework, "framework")?;
    nagar_io::write_template_xlsx(&fw).map_err(|e| js_error(ErrorKind::Internal, e))
}

/// [`template_xlsx`] in `lang` (`nagar template --lang LANG`): labels, Dictionary and messages
/// translated, column ids unchanged; an error listing the framework's languages when it has no
/// names in `lang`.
#[cfg(feature = "sheets-write")]
#[wasm_bindgen(js_name = templateXlsxIn)]
pub fn template_xlsx_in(framework: JsValue, lang: &str) -> Result<Vec<u8>, JsValue> {
    let fw: Framework = from_js(framework, "framework")?;
    fw.check_language(lang).map_err(|m| js_error(ErrorKind::Input, m))?;
    nagar_io::write_template_xlsx_in(&fw, lang).map_err(|e| js_error(ErrorKind::Internal, e))
}
