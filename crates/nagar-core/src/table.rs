//! The input table as read from a user's file: named columns of cells, with the source row of
//! every record so issues can point back to it. Readers (nagar-io) build it; the pipeline reads it.

use serde::{Deserialize, Serialize};

/// One cell as the file gave it. Text is kept verbatim (trimmed by readers only where the format
/// says so); interpretation (numbers with Indian grouping, Y/N, ratings) happens in `parse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(untagged)]
pub enum Cell {
    #[default]
    Empty,
    Number(f64),
    Bool(bool),
    Text(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
    /// The cell as a person would read it, for issue messages.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(x) => crate::fmt::number(*x),
            Cell::Bool(b) => b.to_string(),
            Cell::Text(s) => s.clone(),
        }
    }
}

/// A rectangular table of cells. `rows[i]` has exactly `columns.len()` cells
/// (readers pad or cut ragged rows and report it). `source_rows[i]` is the 1-based row number
/// in the file (header = row 1 for tabular formats; record index + 1 for JSON).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RawTable {
    pub file: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub source_rows: Vec<usize>,
}

impl RawTable {
    pub fn new(file: impl Into<String>, columns: Vec<String>) -> Self {
        RawTable { file: file.into(), columns, rows: Vec::new(), source_rows: Vec::new() }
    }

    pub fn push_row(&mut self, mut cells: Vec<Cell>, source_row: usize) {
        cells.resize(self.columns.len(), Cell::Empty);
        self.rows.push(cells);
        self.source_rows.push(source_row);
    }

    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// Index of a column by exact name, then by case-insensitive trimmed name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name).or_else(|| {
            let key = normalise_header(name);
            self.columns.iter().position(|c| normalise_header(c) == key)
        })
    }

    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        &self.rows[row][col]
    }
}

/// Header comparison key: trimmed, lower case, runs of spaces/underscores/hyphens folded to `_`.
pub fn normalise_header(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.trim().trim_start_matches('\u{feff}').chars() {
        if ch.is_whitespace() || ch == '_' || ch == '-' {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('_');
            }
            sep = false;
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}
