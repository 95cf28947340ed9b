//! Helpers shared by the integration tests.

use nagar_core::{Cell, RawTable};

/// A raw table from CSV-like text: the first line is the header, cells are trimmed, an empty
/// cell is `Cell::Empty`, every other cell text (as a CSV file gives them); rows numbered from 2.
pub fn table(text: &str) -> RawTable {
    let mut lines = text.trim().lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(|s| s.trim().to_string()).collect();
    let mut t = RawTable::new("test.csv", header);
    for (k, l) in lines.enumerate() {
        let cells = l
            .split(',')
            .map(|s| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.trim().to_string()) })
            .collect();
        t.push_row(cells, k + 2);
    }
    t
}
