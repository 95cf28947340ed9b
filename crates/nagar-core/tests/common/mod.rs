//! Helpers shared by the integration tests.

use std::path::PathBuf;

use nagar_core::{Cell, RawTable};

/// A raw table from CSV-like text: the first line is the header, cells are trimmed, an empty
/// cell is `Cell::Empty`, every other cell text (as a CSV file gives them); rows numbered from 2.
#[allow(dead_code)] // not every test file that shares these helpers uses each of them
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

/// COINr's ASEM reference data: `shared/data/coinr-asem` beside the repository, or under
/// `NAGAR_SHARED` when the repository is not its sibling.
#[allow(dead_code)]
pub fn coinr_asem_dir() -> PathBuf {
    let sibling = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/coinr-asem"));
    if sibling.join("README.md").is_file() {
        return sibling;
    }
    if let Ok(shared) = std::env::var("NAGAR_SHARED") {
        let dir = PathBuf::from(shared).join("data/coinr-asem");
        if dir.join("README.md").is_file() {
            return dir;
        }
        panic!("NAGAR_SHARED is set but {} holds no COINr reference data", dir.display());
    }
    panic!(
        "COINr reference data not found: looked in {} and NAGAR_SHARED is not set \
         (run with NAGAR_SHARED=/path/to/shared)",
        sibling.display()
    );
}
