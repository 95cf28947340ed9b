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

/// One named sheet of an export: header plus rows of the same width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<OutCell>>,
}
