//! Any bytes named `x.csv`: `read_data` must return a table or an error, never panic, and a
//! table must be rectangular with one source row per data row.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nagar_io::{read_data, ReadOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = read_data(data, "x.csv", &ReadOptions::default()) {
        let t = &read.table;
        assert_eq!(t.rows.len(), t.source_rows.len());
        assert!(t.rows.iter().all(|r| r.len() == t.columns.len()));
        // Header is row 1 or later; data rows come after it.
        assert!(t.source_rows.iter().all(|&r| r >= 2));
    }
});
