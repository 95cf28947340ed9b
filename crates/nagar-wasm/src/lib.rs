//! WebAssembly bindings of nagar for the browser app. Thin: every number comes from
//! `nagar-core`, every file format from `nagar-io`; this crate only converts values.
//!
//! The crate is built four times (see `scripts/build.sh`):
//! - feature `main` (default): the main module, one stateful [`Workspace`] — load a
//!   framework, load CSV/JSON data, set options, score, read results, export CSV/JSON;
//! - `--no-default-features --features analysis`: the full module, a second Workspace with the
//!   analyses (sister cities, peers, preview, what-if, explain, improve) instead of the results
//!   views and exports, loaded by the page the first time an analysis is asked for (the page
//!   replays the main module's framework, data and options into it whenever they changed), and
//!   the framework-file readers (TOML, JSON, COINr iMeta tables), used when a framework file is
//!   uploaded;
//! - `--no-default-features --features sheets-read`: the spreadsheet-reading module, loaded the
//!   first time an XLSX/ODS file is read: workbook bytes → the table the main module takes;
//! - `--no-default-features --features sheets-write`: the spreadsheet-writing module, loaded
//!   the first time an XLSX file is written: sheets → XLSX bytes, and the XLSX template from
//!   the layout the full module makes (`Workspace.templateSpec`).
//!
//! Keeping calamine, rust_xlsxwriter and the TOML reader out of the main module keeps the first
//! load small; keeping reading and writing apart keeps each spreadsheet module small.
//!
//! Conventions, in one place each: values cross the boundary through [`to_js`]/[`from_js`]
//! (one serializer, serde_json, and the browser's own `JSON.parse`/`JSON.stringify`: one serde
//! format per type keeps the modules small; the spreadsheet-writing module alone reads its two
//! values with js-sys instead, so it links no JSON reader), and every failure becomes a JS
//! `Error` through [`js_error`], whose `name` tells the page what kind of failure it is
//! ([`ErrorKind`]).

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod views;

#[cfg(feature = "analysis")]
mod analysis;
#[cfg(feature = "audit")]
mod audit;
#[cfg(feature = "robustness")]
mod robustness;
#[cfg(feature = "workspace")]
mod workspace;
#[cfg(feature = "workspace")]
pub use workspace::Workspace;

#[cfg(any(feature = "sheets-read", feature = "sheets-write", feature = "analysis"))]
mod sheets;
#[cfg(any(feature = "sheets-read", feature = "sheets-write", feature = "analysis"))]
pub use sheets::*;

/// The one serializer configuration: the value as JSON text, turned into a JS value by the
/// browser's `JSON.parse` (maps as objects, `None` as `null`; a non-finite number would be
/// `null`, and the views carry none).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&to_json(value)?)
}

/// The value as JSON text, for the page to parse (see [`to_js`]).
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value)
        .map_err(|e| js_error(ErrorKind::Internal, format!("cannot convert a value for the page: {e}")))
}

/// The inverse of [`to_js`], for values the page sends (options, tables, sheets).
pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let text: String = js_sys::JSON::stringify(&value)?.into();
    serde_json::from_str(&text).map_err(|e| js_error(ErrorKind::Input, format!("{what}: {e}")))
}

/// What went wrong, as the `name` of the JS `Error` the page receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The data file cannot be read as a table (or cannot be scored at all).
    Data,
    /// The framework file is invalid.
    Framework,
    /// An option or weight is not acceptable.
    Settings,
    /// The file is a spreadsheet: the page must load the spreadsheet module and retry there.
    NeedsSpreadsheet,
    /// A call in the wrong order (score before data) or a malformed value from the page.
    Input,
    /// A bug: should not happen.
    Internal,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Data => "DataError",
            ErrorKind::Framework => "FrameworkError",
            ErrorKind::Settings => "SettingsError",
            ErrorKind::NeedsSpreadsheet => "NeedsSpreadsheet",
            ErrorKind::Input => "InputError",
            ErrorKind::Internal => "InternalError",
        }
    }
}

/// The one error mapping: a JS `Error` with `name` = the kind and the message for the person.
pub fn js_error(kind: ErrorKind, message: impl std::fmt::Display) -> JsValue {
    let e = js_sys::Error::new(&message.to_string());
    e.set_name(kind.name());
    e.into()
}

/// Framework errors as one message, one problem per line.
pub fn framework_errors_message(errors: &[nagar_core::FrameworkError]) -> String {
    let mut m = String::from("the framework file has problems:");
    for e in errors {
        m.push_str("\n  - ");
        m.push_str(&e.to_string());
    }
    m
}

/// The spreadsheet formats, by file extension (the page routes them to the spreadsheet module).
pub fn is_spreadsheet_name(file_name: &str) -> bool {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// Version of the engine, shown in the page footer and written to exports.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
