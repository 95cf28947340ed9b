//! Minimal uses of the two spreadsheet crates, so the linker keeps only what reading the first
//! sheet of an XLSX/ODS workbook (`read`) and writing a one-column workbook with a drop-down
//! (`write`) need.

use wasm_bindgen::prelude::*;

/// The first sheet of an XLSX (or ODS) workbook as tab-separated text.
#[cfg(feature = "read")]
#[wasm_bindgen]
pub fn read(bytes: Vec<u8>, ods: bool) -> Result<String, String> {
    use calamine::{Data, Reader};
    let cursor = std::io::Cursor::new(bytes);
    let range = if ods {
        let mut book = calamine::Ods::new(cursor).map_err(|e| e.to_string())?;
        let first = book.sheet_names().first().cloned().ok_or("no sheet")?;
        book.worksheet_range(&first).map_err(|e| e.to_string())?
    } else {
        let mut book = calamine::Xlsx::new(cursor).map_err(|e| e.to_string())?;
        let first = book.sheet_names().first().cloned().ok_or("no sheet")?;
        book.worksheet_range(&first).map_err(|e| e.to_string())?
    };
    let mut out = String::new();
    for row in range.rows() {
        for cell in row {
            match cell {
                Data::Float(x) => out.push_str(&x.to_string()),
                Data::String(s) => out.push_str(s),
                _ => {}
            }
            out.push('\t');
        }
        out.push('\n');
    }
    Ok(out)
}

/// A workbook with the given cells in column A (numbers as numbers) and a Y/N drop-down.
#[cfg(feature = "write")]
#[wasm_bindgen]
pub fn write(cells: Vec<String>) -> Result<Vec<u8>, String> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, cell) in cells.iter().enumerate() {
        let row = row as u32;
        match cell.parse::<f64>() {
            Ok(x) => sheet.write_number(row, 0, x),
            Err(_) => sheet.write_string(row, 0, cell),
        }
        .map_err(|e| e.to_string())?;
    }
    let yes_no = rust_xlsxwriter::DataValidation::new().allow_list_strings(&["Y", "N"]).map_err(|e| e.to_string())?;
    sheet.add_data_validation(0, 1, 100, 1, &yes_no).map_err(|e| e.to_string())?;
    book.save_to_buffer().map_err(|e| e.to_string())
}
