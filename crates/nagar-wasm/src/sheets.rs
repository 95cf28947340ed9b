//! The spreadsheet module (built with `--no-default-features --features spreadsheet`): stateless
//! functions around calamine and rust_xlsxwriter, called by the page's worker the first time a
//! workbook is read or written. Values go to and from the main module's `Workspace`.

use nagar_core::output::Sheet;
use nagar_core::Framework;
use wasm_bindgen::prelude::*;

use crate::{from_js, js_error, to_js, ErrorKind};

/// Read a data file of any supported format (XLSX/ODS, also CSV/JSON) into the value
/// the main module's `Workspace.loadTable` takes. `sheet`: worksheet name (default: the first).
#[wasm_bindgen(js_name = readSpreadsheet, unchecked_return_type = "TableTransfer")]
pub fn read_spreadsheet(bytes: &[u8], file_name: &str, sheet: Option<String>) -> Result<JsValue, JsValue> {
    let opts = nagar_io::ReadOptions { sheet, ..Default::default() };
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let read = nagar_io::read_data(bytes, name, &opts).map_err(|e| js_error(ErrorKind::Data, e))?;
    to_js(&crate::views::TableTransfer {
        format: read.format.name().to_string(),
        table: read.table,
        issues: read.issues,
    })
}

/// Read a framework file of any supported kind, including a COINr iMeta workbook, into the value
/// the main module's `Workspace.loadFrameworkValue` takes.
#[wasm_bindgen(js_name = readFramework)]
pub fn read_framework(bytes: &[u8], file_name: &str) -> Result<JsValue, JsValue> {
    let fw = nagar_io::load_framework(bytes, file_name)
        .map_err(|e| js_error(ErrorKind::Framework, crate::framework_errors_message(&e)))?;
    to_js(&fw)
}

/// An XLSX workbook of the given sheets (from `Workspace.exportSheets`).
#[wasm_bindgen(js_name = writeXlsx)]
pub fn write_xlsx(sheets: JsValue) -> Result<Vec<u8>, JsValue> {
    let sheets: Vec<Sheet> = from_js(sheets, "sheets")?;
    nagar_io::write_xlsx(&sheets).map_err(|e| js_error(ErrorKind::Internal, e))
}

/// The blank XLSX template of a framework (from `Workspace.frameworkValue`), with its
/// Dictionary sheet and drop-downs, as `nagar template --out t.xlsx` writes it.
#[wasm_bindgen(js_name = templateXlsx)]
pub fn template_xlsx(framework: JsValue) -> Result<Vec<u8>, JsValue> {
    let fw: Framework = from_js(framework, "framework")?;
    nagar_io::write_template_xlsx(&fw).map_err(|e| js_error(ErrorKind::Internal, e))
}
