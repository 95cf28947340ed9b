//! Output tables: what every export (CSV, JSON, XLSX, the page's table) is written from.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OutCell {
    Empty,
    Number(f64),
    Text(String),
}

impl OutCell {
    /// A number, or empty when missing (NaN).
    pub fn num(x: f64) -> Self {
        if x.is_finite() {
            OutCell::Number(x)
        } else {
            OutCell::Empty
        }
    }
    pub fn text(s: impl Into<String>) -> Self {
        OutCell::Text(s.into())
    }
}

/// Where a row's cells go, one at a time: a CSV writer formats each straight into its text
/// (`nagar_io::CsvRecord`, no cell kept), a `Vec<OutCell>` keeps them.
pub trait CellSink {
    fn text(&mut self, s: &str);
    /// A number; NaN or ±∞ is an empty cell, as [`OutCell::num`] makes it.
    fn number(&mut self, x: f64);
    fn empty(&mut self);
    /// Numbers one after another, as [`number`](Self::number) each. A writer that formats may
    /// first gather them: loads from a column-major matrix, one per column, then wait for
    /// memory side by side rather than one after another between formatting work.
    fn numbers(&mut self, xs: impl IntoIterator<Item = f64>) {
        for x in xs {
            self.number(x);
        }
    }
}

impl CellSink for Vec<OutCell> {
    fn text(&mut self, s: &str) {
        self.push(OutCell::text(s));
    }
    fn number(&mut self, x: f64) {
        self.push(OutCell::num(x));
    }
    fn empty(&mut self) {
        self.push(OutCell::Empty);
    }
}

/// One named sheet of an export: header plus rows of the same width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<OutCell>>,
}
