//! Any bytes named `x.csv`: `read_data` must return a table or an error, never panic, and a
//! table must be rectangular with one source row per data row. Read in two halves at once (as the
//! CLI reads large files, here from the first byte after the header), the file gives exactly
//! what it gives read in one piece: the same table, issues or error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nagar_io::{read_csv_split, read_data, ReadOptions};

fuzz_target!(|data: &[u8]| {
    if let Ok(read) = read_data(data, "x.csv", &ReadOptions::default()) {
        let t = &read.table;
        assert_eq!(t.rows().count(), t.source_rows().len());
        assert!(t.rows().all(|r| r.len() == t.columns.len()));
        // Header is row 1 or later; data rows come after it.
        assert!(t.source_rows().iter().all(|&r| r >= 2));
    }
    // A small cell limit too, so that the limit is also met in the second half.
    for max_cells in [nagar_io::DEFAULT_MAX_CELLS, 7] {
        let one = read_csv_split(data, "x.csv", max_cells, usize::MAX);
        let two = read_csv_split(data, "x.csv", max_cells, 1);
        assert_eq!(one, two);
    }
});
