//! nagar-io: reading and writing files. Knows nothing about scoring.
//!
//! Every function takes and returns bytes or strings, never paths, so the same code runs in the
//! CLI and in the browser (WebAssembly). Problems in a user's file become [`Issue`]s naming the
//! file, row, column and value; a file that cannot be read at all is a [`ReadError`].
//!
//! Feature `spreadsheet` (default): XLSX/ODS reading (calamine, feature `spreadsheet-read`) and
//! XLSX writing (rust_xlsxwriter, feature `spreadsheet-write`). Without reading, CSV and JSON
//! still work and spreadsheets give a clear error.
//! Feature `legacy-spreadsheet` (default): also XLS and XLSB reading; without it (the browser),
//! those files give an error asking for the file as .xlsx.
//!
//! [`Issue`]: nagar_core::Issue

pub mod builtin;
mod detect;
mod framework;
mod header;
mod read_csv;
mod read_json;
#[cfg(feature = "spreadsheet-read")]
mod read_sheet;
mod write;
#[cfg(feature = "spreadsheet-write")]
mod write_xlsx;

use nagar_core::{Issue, RawTable};

pub use builtin::table_to_sheet;
pub use detect::Format;
pub use framework::{imeta_to_framework, load_framework, load_robustness_spec};
pub use write::{
    formula_safe, template_spec, write_csv, write_json, write_template_csv, CsvRecord, CsvWriter, TemplateCheck,
    TemplateField, TemplateSpec,
};
#[cfg(feature = "spreadsheet-write")]
pub use write_xlsx::{write_template_spec_xlsx, write_template_xlsx, write_template_xlsx_in, write_xlsx};

/// How to read a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Worksheet to read from a workbook; `None` reads the first one. Ignored for CSV/JSON.
    pub sheet: Option<String>,
    /// Files larger than this are refused before any parsing.
    pub max_bytes: usize,
    /// A CSV file with more cells (data rows × columns) than this is refused as soon as the
    /// reader gets there, before the table outgrows the memory it may use.
    pub max_cells: usize,
}

/// Default size limit: 256 MiB.
pub const DEFAULT_MAX_BYTES: usize = 256 * 1024 * 1024;

/// Default cell limit: 12 million, about 60,000 ULBs of MPI data (~200 columns). Reading and
/// scoring take about 12 KB of memory per ULB of MPI data in the CLI (200,000 ULBs: 2.45 GB,
/// measured with `/usr/bin/time -v`, docs/BENCHMARKS.md), so the largest file read stays within
/// about 1 GB; a larger one is refused with a message instead of exhausting memory (or, in
/// the browser, killing the tab).
pub const DEFAULT_MAX_CELLS: usize = 12_000_000;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { sheet: None, max_bytes: DEFAULT_MAX_BYTES, max_cells: DEFAULT_MAX_CELLS }
    }
}

/// A data file as a table, plus every problem met while reading it (the table is still usable).
#[derive(Debug, Clone, PartialEq)]
pub struct DataRead {
    pub table: RawTable,
    /// The format the content was read as.
    pub format: Format,
    pub issues: Vec<Issue>,
}

/// A file that cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {kind}")]
pub struct ReadError {
    pub file: String,
    pub kind: ReadErrorKind,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadErrorKind {
    #[error("the file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error(
        "the file has more than {limit} cells (data rows × columns: {columns} columns, more than {rows} rows); \
         nagar reads at most {limit} cells at once, so the scoring stays within memory. Split the file into \
         parts of fewer rows (each part is scored on its own), or leave out columns the framework does not use"
    )]
    TooManyCells { limit: usize, columns: usize, rows: usize },
    #[error("the file is empty")]
    Empty,
    #[error("not a text/CSV file (it contains binary data)")]
    NotText,
    #[error("{0}")]
    UnknownFormat(String),
    #[error("the file is named .{extension} but its content is {content}; rename it or save it again as .{extension}")]
    FormatMismatch { extension: String, content: String },
    #[error("CSV: {0}")]
    Csv(String),
    #[error("JSON, line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("expected an array of records (objects), like [{{\"id\": 1, \"name\": \"x\"}}], or {{\"data\": [...]}}; found {0}")]
    NotRecords(String),
    #[error("spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("no sheet named {sheet:?}; the sheets are: {}", .available.join(", "))]
    UnknownSheet { sheet: String, available: Vec<String> },
    #[error("{0} files need the `spreadsheet` feature, which this build leaves out; save the data as CSV")]
    SpreadsheetUnsupported(&'static str),
    /// An `.xls`/`.xlsb` workbook in a build without the `legacy-spreadsheet` feature (the
    /// browser): the person can save it again in a format this build reads.
    #[error("{0} workbooks cannot be read here; open the file in Excel or LibreOffice, save it as Excel Workbook (.xlsx), and load that file")]
    LegacySpreadsheetUnsupported(&'static str),
}

impl ReadError {
    pub(crate) fn new(file: &str, kind: ReadErrorKind) -> Self {
        ReadError { file: file.to_string(), kind }
    }
}

/// Read a user's data file (CSV/TSV, JSON records, XLSX/XLS/XLSB/ODS) into a [`RawTable`].
///
/// The format is decided by the content first (zip → XLSX/ODS, OLE → XLS, `[`/`{` → JSON,
/// text → CSV) and checked against the file extension; a contradiction is an error rather than a
/// guess. Cells are kept as the file gives them (`Cell::Text` for CSV, typed cells for
/// spreadsheets and JSON); numbers in text are interpreted later by `nagar_core::parse`.
pub fn read_data(bytes: &[u8], file_name: &str, opts: &ReadOptions) -> Result<DataRead, ReadError> {
    if bytes.len() > opts.max_bytes {
        return Err(ReadError::new(file_name, ReadErrorKind::TooLarge { size: bytes.len(), limit: opts.max_bytes }));
    }
    let (format, mut issues) = detect::detect(bytes, file_name)?;
    let mut read = match format {
        Format::Csv => read_csv::read_csv(bytes, file_name, opts.max_cells)?,
        Format::Json => read_json::read_json(bytes, file_name)?,
        Format::Xlsx | Format::Xls | Format::Xlsb | Format::Ods => read_spreadsheet(bytes, file_name, format, opts)?,
    };
    issues.append(&mut read.issues);
    read.issues = issues;
    Ok(read)
}

/// The CSV reader with the data read in two halves at once from `split_min` bytes after the
/// header on (`usize::MAX`: in one piece), for the fuzz target, which compares the two.
#[cfg(feature = "threads")]
#[doc(hidden)]
pub fn read_csv_split(
    bytes: &[u8],
    file_name: &str,
    max_cells: usize,
    split_min: usize,
) -> Result<DataRead, ReadError> {
    read_csv::read_csv_split(bytes, file_name, max_cells, split_min)
}

/// Read a workbook (XLSX/ODS, and XLS/XLSB with `legacy-spreadsheet`) into a [`RawTable`], as
/// [`read_data`] does, but nothing else: any other content (CSV, JSON) is an error. The browser's
/// spreadsheet-reading module uses it, so it carries no CSV or JSON reader. (Only with
/// `spreadsheet-read`: the main module's build leaves it out entirely, which keeps the code
/// generated for `read_data`, the hot path of reading a CSV, as it was.)
#[cfg(feature = "spreadsheet-read")]
pub fn read_workbook(bytes: &[u8], file_name: &str, opts: &ReadOptions) -> Result<DataRead, ReadError> {
    if bytes.len() > opts.max_bytes {
        return Err(ReadError::new(file_name, ReadErrorKind::TooLarge { size: bytes.len(), limit: opts.max_bytes }));
    }
    // Only workbook content: the page hands this module a file only once the main module has
    // found a workbook in it, and leaving the text and JSON detection out keeps the module small.
    let Some((format, mut issues)) = detect::detect_workbook(bytes, file_name)? else {
        let kind = if bytes.is_empty() {
            ReadErrorKind::Empty
        } else {
            ReadErrorKind::Spreadsheet("the file is not a workbook (Excel .xlsx or OpenDocument .ods)".into())
        };
        return Err(ReadError::new(file_name, kind));
    };
    let mut read = read_spreadsheet(bytes, file_name, format, opts)?;
    issues.append(&mut read.issues);
    read.issues = issues;
    Ok(read)
}

#[cfg(feature = "spreadsheet-read")]
fn read_spreadsheet(bytes: &[u8], file_name: &str, format: Format, opts: &ReadOptions) -> Result<DataRead, ReadError> {
    read_sheet::read_sheet(bytes, file_name, format, opts.sheet.as_deref())
}

#[cfg(not(feature = "spreadsheet-read"))]
fn read_spreadsheet(_: &[u8], file_name: &str, format: Format, _: &ReadOptions) -> Result<DataRead, ReadError> {
    Err(ReadError::new(file_name, ReadErrorKind::SpreadsheetUnsupported(format.name())))
}

/// Error from the writers (only XLSX writing can fail: Excel's limits on sizes and names).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct WriteError(pub String);
