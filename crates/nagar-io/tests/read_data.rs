//! Reading user data files: every bad input the readers must turn into a clear error or issue.

use nagar_core::{Cell, Severity};
use nagar_io::{read_data, DataRead, Format, ReadError, ReadErrorKind, ReadOptions};

fn read(bytes: &[u8], name: &str) -> Result<DataRead, ReadError> {
    read_data(bytes, name, &ReadOptions::default())
}

fn ok(bytes: &[u8], name: &str) -> DataRead {
    match read(bytes, name) {
        Ok(r) => r,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

#[test]
fn plain_csv_gives_trimmed_text_cells_and_row_numbers() {
    let r = ok(b"ulb_id , ulb_name,population\nA1,  Pune ,12,34,567\n", "x.csv");
    // A header without quotes around a grouped number splits it: that is a ragged row.
    assert_eq!(r.table.columns, ["ulb_id", "ulb_name", "population"]);
    let r = ok(b"ulb_id,ulb_name,population\nA1,  Pune ,\"12,34,567\"\nA2,,NA\n", "x.csv");
    assert_eq!(r.format, Format::Csv);
    assert_eq!(r.table.row(0), vec![text("A1"), text("Pune"), text("12,34,567")]);
    assert_eq!(r.table.row(1), vec![text("A2"), Cell::Empty, text("NA")]);
    assert_eq!(r.table.source_rows(), [2, 3]);
    assert_eq!(r.table.file, "x.csv");
    assert!(r.issues.is_empty(), "{:?}", r.issues);
}

#[test]
fn binary_junk_named_csv_is_not_a_text_file() {
    let junk: Vec<u8> = (0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let e = read(&junk, "data.csv").unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::NotText);
    assert!(e.to_string().contains("not a text/CSV file"), "{e}");
    assert!(e.to_string().starts_with("data.csv: "), "{e}");
    let e = read(b"id,x\n1,\x002\n", "data.csv").unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::NotText);
}

#[test]
fn known_binary_formats_are_named() {
    let e = read(b"%PDF-1.7\n...", "report.csv").unwrap_err();
    assert!(e.to_string().contains("PDF"), "{e}");
}

#[test]
fn windows_1252_is_decoded_with_a_warning() {
    // "Montréal" with é as the single byte 0xE9.
    let r = ok(b"city,population\nMontr\xe9al,1704694\n", "cities.csv");
    assert_eq!(r.table.cell(0, 0), text("Montréal"));
    let w: Vec<_> = r.issues.iter().filter(|i| i.message.contains("Windows-1252")).collect();
    assert_eq!(w.len(), 1, "{:?}", r.issues);
    assert_eq!(w[0].severity, Severity::Warning);
    assert_eq!(w[0].file, "cities.csv");
}

#[test]
fn utf8_bom_is_removed_from_the_first_header() {
    let r = ok("\u{feff}ulb_id,x\nA,1\n".as_bytes(), "bom.csv");
    assert_eq!(r.table.columns, ["ulb_id", "x"]);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
}

#[test]
fn utf16_with_bom_is_read() {
    // Excel's "Unicode text": UTF-16LE, tab-separated.
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("id\tcity\r\n1\tKōchi\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
    let r = ok(&bytes, "unicode.txt");
    assert_eq!(r.table.columns, ["id", "city"]);
    assert_eq!(r.table.row(0), vec![Cell::Number(1.0), text("Kōchi")]);
}

/// A CSV field that is a number written exactly as nagar writes it is stored as that number
/// (it shows as the same text); any other way of writing a number stays text, as typed, for the
/// field's kind to interpret (grouping, percent, leading zeros of an id).
#[test]
fn canonical_numbers_are_read_as_numbers_and_other_text_is_kept() {
    let r = ok(b"id,a,b,c,d,e,f,g\n007,12.5,-0.25,1.50,1e3,\"12,34,567\",-0,45%\n", "n.csv");
    assert_eq!(
        r.table.row(0),
        vec![
            text("007"),
            Cell::Number(12.5),
            Cell::Number(-0.25),
            text("1.50"),
            text("1e3"),
            text("12,34,567"),
            text("-0"),
            text("45%")
        ]
    );
    let shown: Vec<String> = r.table.row(0).iter().map(|c| c.display()).collect();
    assert_eq!(shown, ["007", "12.5", "-0.25", "1.50", "1e3", "12,34,567", "-0", "45%"]);
}

#[test]
fn semicolon_delimiter_is_detected() {
    let r = ok(b"id;value;note\nA;1,5;x\nB;2,5;y\n", "eu.csv");
    assert_eq!(r.table.columns, ["id", "value", "note"]);
    assert_eq!(r.table.row(0), vec![text("A"), text("1,5"), text("x")]);
    assert!(r.issues.iter().any(|i| i.message.contains("semicolons")));
}

#[test]
fn tab_delimiter_is_detected() {
    let r = ok(b"id\tname\tpop\nA\tPune, West\t10\n", "t.tsv");
    assert_eq!(r.table.columns, ["id", "name", "pop"]);
    assert_eq!(r.table.cell(0, 1), text("Pune, West"));
}

#[test]
fn ragged_rows_are_padded_or_cut_and_reported() {
    let r = ok(b"a,b,c\n1,2\n1,2,3,4\n1,2,3,,\n1,2,3\n", "r.csv");
    let t = &r.table;
    let n = Cell::Number;
    assert_eq!(t.row(0), vec![n(1.0), n(2.0), Cell::Empty]);
    assert_eq!(t.row(1), vec![n(1.0), n(2.0), n(3.0)]);
    assert_eq!(t.row(2), vec![n(1.0), n(2.0), n(3.0)]);
    assert_eq!(t.source_rows(), [2, 3, 4, 5]);
    let short = r.issues.iter().find(|i| i.row == Some(2)).expect("short row reported");
    assert_eq!(short.severity, Severity::Warning);
    assert!(short.message.contains("2 cells, expected 3"), "{}", short.message);
    let long = r.issues.iter().find(|i| i.row == Some(3)).expect("long row reported");
    assert_eq!(long.severity, Severity::Warning);
    assert!(long.message.contains("4 cells, expected 3"), "{}", long.message);
    assert_eq!(long.value.as_deref(), Some("4"));
    // Trailing empty cells lose nothing: only an info.
    let trailing = r.issues.iter().find(|i| i.row == Some(4)).expect("trailing empties reported");
    assert_eq!(trailing.severity, Severity::Info);
    assert!(!r.issues.iter().any(|i| i.row == Some(5)));
}

#[test]
fn quoted_newlines_keep_physical_line_numbers() {
    let csv = b"id,note\nA,\"first line\nsecond line\"\nB,plain\n\nC,\"x\r\ny\r\nz\"\nD,end\n";
    let r = ok(csv, "q.csv");
    assert_eq!(r.table.cell(0, 1), text("first line\nsecond line"));
    assert_eq!(r.table.source_rows(), [2, 4, 6, 9]);
    assert_eq!(r.table.cell(3, 0), text("D"));
}

#[test]
fn unclosed_quote_is_pointed_at() {
    let r = ok(b"id,note,x\nA,\"oops,1\nB,fine,2\nC,fine,3\n", "u.csv");
    assert_eq!(r.table.n_rows(), 1);
    let i = &r.issues[0];
    assert_eq!(i.row, Some(2));
    assert!(i.message.contains("unclosed quote"), "{}", i.message);
}

#[test]
fn blank_lines_are_skipped() {
    let r = ok(b"\n\nid,x\n\nA,1\n   \n,,\nB,2\n\n", "b.csv");
    assert_eq!(r.table.columns, ["id", "x"]);
    assert_eq!(r.table.source_rows(), [5, 8]);
    let r = ok(b"id,x\r\n\r\nA,1\r\nB,2\r\n\r\n\r\nC,3", "crlf.csv");
    assert_eq!(r.table.source_rows(), [3, 4, 7]);
}

#[test]
fn empty_file_is_an_error() {
    for bytes in [&b""[..], b"   \n\r\n\t\n", b"\xEF\xBB\xBF"] {
        let e = read(bytes, "empty.csv").unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::Empty, "{bytes:?}");
        assert!(e.to_string().contains("empty"));
    }
}

#[test]
fn header_only_gives_zero_rows_and_an_issue() {
    let r = ok(b"ulb_id,ulb_name,population\n", "h.csv");
    assert_eq!(r.table.columns.len(), 3);
    assert_eq!(r.table.n_rows(), 0);
    assert!(r.issues.iter().any(|i| i.message.contains("no data rows") && i.row == Some(1)));
}

#[test]
fn duplicate_and_empty_headers_are_reported_by_position() {
    let r = ok(b"id,pop,,Pop\n1,2,3,4\n", "d.csv");
    assert_eq!(r.table.columns, ["id", "pop", "column_3", "Pop_4"]);
    assert!(r.issues.iter().any(|i| i.message.contains("column 3 has no header")));
    assert!(r.issues.iter().any(|i| i.message.contains("column 4 has the same header as column 2")));
}

#[test]
fn over_size_file_is_refused_naming_size_and_limit() {
    let opts = ReadOptions { max_bytes: 10, ..ReadOptions::default() };
    let e = read_data(b"id,x\n1,2\n3,4\n", "big.csv", &opts).unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::TooLarge { size: 13, limit: 10 });
    let msg = e.to_string();
    assert!(msg.contains("13 bytes") && msg.contains("10 bytes"), "{msg}");
}

#[test]
fn json_records_keep_first_seen_key_order() {
    let json = br#"[{"id": "A", "z": 1.5, "flag": true},
                    {"id": "B", "a": null, "z": "  7 ", "nested": {"x": 1}},
                    {"id": "C", "list": [1, 2]}]"#;
    let r = ok(json, "d.json");
    assert_eq!(r.format, Format::Json);
    assert_eq!(r.table.columns, ["id", "z", "flag", "a", "nested", "list"]);
    assert_eq!(
        r.table.row(0),
        vec![text("A"), Cell::Number(1.5), Cell::Bool(true), Cell::Empty, Cell::Empty, Cell::Empty]
    );
    assert_eq!(r.table.cell(1, 1), text("7"));
    assert_eq!(r.table.source_rows(), [1, 2, 3]);
    let nested: Vec<_> = r.issues.iter().filter(|i| i.severity == Severity::Error).collect();
    assert_eq!(nested.len(), 2, "{:?}", r.issues);
    assert_eq!(nested[0].row, Some(2));
    assert_eq!(nested[0].column.as_deref(), Some("nested"));
    assert!(nested[1].message.contains("an array"));
}

#[test]
fn json_data_wrapper_is_accepted() {
    let r = ok(br#"{"meta": {"v": 1}, "data": [{"id": "A", "b": 2, "a": 1}]}"#, "w.json");
    assert_eq!(r.table.columns, ["id", "b", "a"]);
    assert_eq!(r.table.cell(0, 1), Cell::Number(2.0));
}

#[test]
fn json_that_is_not_an_array_of_records_is_refused() {
    for (json, found) in [
        (&br#"{"id": 1, "x": 2}"#[..], "an object with keys \"id\", \"x\""),
        (b"42", "a number"),
        (b"\"text\"", "a string"),
        (b"[]", "an empty array"),
        (br#"{"data": 3}"#, "\"data\" is a number"),
    ] {
        let e = read(json, "n.json").unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e.kind, ReadErrorKind::NotRecords(_)), "{msg}");
        assert!(msg.contains("expected an array of records"), "{msg}");
        assert!(msg.contains(found), "{msg}");
    }
}

#[test]
fn json_items_that_are_not_objects_are_skipped_with_an_issue() {
    let r = ok(br#"[{"id": "A"}, 5, {"id": "B"}]"#, "m.json");
    assert_eq!(r.table.source_rows(), [1, 3]);
    assert!(r.issues.iter().any(|i| i.row == Some(2) && i.message.contains("not an object")));
}

#[test]
fn json_syntax_error_gives_line_and_column() {
    let e = read(b"[{\"id\": 1},\n {\"id\": }]", "s.json").unwrap_err();
    match e.kind {
        ReadErrorKind::Json { line, column, .. } => assert_eq!((line, column), (2, 9)),
        k => panic!("{k:?}"),
    }
}

#[test]
fn content_decides_and_contradicting_extensions_are_errors() {
    // CSV named .json
    let e = read(b"id,x\n1,2\n", "d.json").unwrap_err();
    assert!(matches!(e.kind, ReadErrorKind::FormatMismatch { .. }), "{e}");
    // JSON named .csv
    let e = read(b"[{\"id\": 1}]", "d.csv").unwrap_err();
    assert!(e.to_string().contains("named .csv") && e.to_string().contains("JSON"), "{e}");
    // A CSV whose first header starts with a bracket is still CSV.
    let r = ok(b"[id],x\n1,2\n", "d.csv");
    assert_eq!(r.table.columns, ["[id]", "x"]);
    // HTML saved as .xls
    let e = read(b"<html><table><tr><td>1</td></tr></table></html>", "portal.xls").unwrap_err();
    assert!(e.to_string().contains("HTML"), "{e}");
    // Unknown extension: the content decides.
    assert_eq!(ok(b"id,x\n1,2\n", "export.dat").format, Format::Csv);
    assert_eq!(ok(b"[{\"id\": 1}]", "noext").format, Format::Json);
}

#[test]
fn unknown_zip_is_refused() {
    let e = read(b"PK\x03\x04\x14\x00\x00\x00somefile.txt", "a.csv").unwrap_err();
    assert!(matches!(e.kind, ReadErrorKind::UnknownFormat(_)), "{e}");
    assert!(e.to_string().contains("zip"), "{e}");
}

#[cfg(feature = "spreadsheet")]
mod spreadsheet {
    use super::*;
    use rust_xlsxwriter::{Formula, Workbook};

    fn workbook(fill: impl FnOnce(&mut Workbook)) -> Vec<u8> {
        let mut wb = Workbook::new();
        fill(&mut wb);
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_cells_are_typed_and_rows_numbered_like_the_sheet() {
        let bytes = workbook(|wb| {
            let ws = wb.add_worksheet();
            ws.set_name("Data").unwrap();
            // Header on spreadsheet row 3, starting at column B.
            ws.write_string(2, 1, "ulb_id").unwrap();
            ws.write_string(2, 2, "population").unwrap();
            ws.write_string(2, 3, "has_plan").unwrap();
            ws.write_string(3, 1, "A1").unwrap();
            ws.write_number(3, 2, 1234567.0).unwrap();
            ws.write_boolean(3, 3, true).unwrap();
            ws.write_string(5, 1, "A2").unwrap();
            ws.write_formula(5, 2, Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
            ws.write_string(5, 3, "  N ").unwrap();
        });
        let r = ok(&bytes, "book.xlsx");
        assert_eq!(r.format, Format::Xlsx);
        assert_eq!(r.table.columns, ["ulb_id", "population", "has_plan"]);
        assert_eq!(r.table.row(0), vec![text("A1"), Cell::Number(1234567.0), Cell::Bool(true)]);
        assert_eq!(r.table.row(1), vec![text("A2"), Cell::Empty, text("N")]);
        assert_eq!(r.table.source_rows(), [4, 6]);
        let e = r.issues.iter().find(|i| i.severity == Severity::Error).expect("error cell reported");
        assert_eq!((e.row, e.column.as_deref(), e.value.as_deref()), (Some(6), Some("population"), Some("#DIV/0!")));
    }

    /// `read_workbook` (the browser's spreadsheet-reading module) reads exactly what
    /// `read_data` reads from a workbook, and refuses text files instead of parsing them.
    #[test]
    fn read_workbook_reads_workbooks_only() {
        let bytes = workbook(|wb| {
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "ulb_id").unwrap();
            ws.write_string(0, 1, "population").unwrap();
            ws.write_string(1, 0, "A1").unwrap();
            ws.write_number(1, 1, 5000.0).unwrap();
        });
        let opts = ReadOptions::default();
        let a = nagar_io::read_workbook(&bytes, "book.xlsx", &opts).unwrap();
        assert_eq!(a, ok(&bytes, "book.xlsx"));
        assert_eq!(a.table.row(0), vec![text("A1"), Cell::Number(5000.0)]);
        let e = nagar_io::read_workbook(b"ulb_id,population\nA1,5000\n", "data.csv", &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data.csv: spreadsheet: the file is not a workbook (Excel .xlsx or OpenDocument .ods)"
        );
        let e = nagar_io::read_workbook(b"[{\"ulb_id\": \"A1\"}]", "data.json", &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "data.json: spreadsheet: the file is not a workbook (Excel .xlsx or OpenDocument .ods)"
        );
        assert_eq!(
            nagar_io::read_workbook(b"", "book.xlsx", &opts).unwrap_err().to_string(),
            "book.xlsx: the file is empty"
        );
        let big = nagar_io::read_workbook(&bytes, "book.xlsx", &ReadOptions { max_bytes: 10, ..opts.clone() });
        assert!(matches!(big.unwrap_err().kind, ReadErrorKind::TooLarge { limit: 10, .. }));
    }

    #[test]
    fn named_sheet_and_unknown_sheet() {
        let bytes = workbook(|wb| {
            wb.add_worksheet().set_name("Notes").unwrap().write_string(0, 0, "read me").unwrap();
            let ws = wb.add_worksheet().set_name("Data").unwrap();
            ws.write_string(0, 0, "id").unwrap();
            ws.write_string(1, 0, "A").unwrap();
        });
        let first = ok(&bytes, "b.xlsx");
        assert_eq!(first.table.columns, ["read me"]);
        assert!(first.issues.iter().any(|i| i.message.contains("also has: Data")));
        let opts = ReadOptions { sheet: Some("data".into()), ..ReadOptions::default() };
        let named = read_data(&bytes, "b.xlsx", &opts).unwrap();
        assert_eq!(named.table.columns, ["id"]);
        let opts = ReadOptions { sheet: Some("Scores".into()), ..ReadOptions::default() };
        let e = read_data(&bytes, "b.xlsx", &opts).unwrap_err();
        assert_eq!(
            e.kind,
            ReadErrorKind::UnknownSheet { sheet: "Scores".into(), available: vec!["Notes".into(), "Data".into()] }
        );
        assert!(e.to_string().contains("Notes, Data"), "{e}");
    }

    #[test]
    fn xlsx_with_no_data_is_an_error() {
        let bytes = workbook(|wb| {
            wb.add_worksheet();
        });
        let e = read(&bytes, "empty.xlsx").unwrap_err();
        assert!(matches!(e.kind, ReadErrorKind::Spreadsheet(_)), "{e}");
        assert!(e.to_string().contains("has no data"), "{e}");
    }

    #[test]
    fn xlsx_named_csv_is_a_mismatch_and_named_xls_is_read() {
        let bytes = workbook(|wb| {
            let ws = wb.add_worksheet();
            ws.write_string(0, 0, "id").unwrap();
            ws.write_string(1, 0, "A").unwrap();
        });
        let e = read(&bytes, "data.csv").unwrap_err();
        assert!(matches!(e.kind, ReadErrorKind::FormatMismatch { .. }), "{e}");
        assert!(e.to_string().contains("Excel"), "{e}");
        let r = ok(&bytes, "data.xls");
        assert_eq!(r.format, Format::Xlsx);
        assert!(r.issues.iter().any(|i| i.severity == Severity::Warning && i.message.contains(".xls")));
    }

    #[test]
    fn corrupt_xlsx_is_a_clear_error() {
        let mut bytes = workbook(|wb| {
            wb.add_worksheet().write_string(0, 0, "id").unwrap();
        });
        bytes.truncate(bytes.len() / 2);
        let e = read(&bytes, "broken.xlsx").unwrap_err();
        assert!(matches!(e.kind, ReadErrorKind::Spreadsheet(_) | ReadErrorKind::UnknownFormat(_)), "{e}");
    }
}

#[cfg(not(feature = "spreadsheet-read"))]
#[test]
fn spreadsheets_need_the_feature() {
    let e = read(b"PK\x03\x04....xl/workbook.xml....", "a.xlsx").unwrap_err();
    assert!(matches!(e.kind, ReadErrorKind::SpreadsheetUnsupported(_)), "{e}");
}

#[test]
fn large_utf8_file_is_not_mistaken_for_another_encoding() {
    // Multi-byte characters across the 64 KiB sniffing window must not look like binary data.
    let mut csv = String::from("id,name\n");
    let mut k = 0;
    while csv.len() < 200_000 {
        csv.push_str(&format!("{k},नगर पालिका परिषद\n"));
        k += 1;
    }
    let r = ok(csv.as_bytes(), "hi.csv");
    assert_eq!(r.table.n_rows(), k);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
}

#[test]
fn old_mac_line_ends_count_as_lines() {
    let r = ok(b"id,x\r\rA,1\rB,\"2\r3\"\rC,4", "mac.csv");
    assert_eq!(r.table.source_rows(), [3, 4, 6]);
    assert_eq!(r.table.cell(1, 1), text("2\r3"));
}

#[test]
fn fuzz_json_like_csv_never_numbers_a_row_before_its_header() {
    // Found by fuzzing: invalid JSON named .csv, with lone CRs, is read as CSV.
    let bytes =
        b"[{\"id\":\"A\",\"x\":1,\"\x92:\"A\",\"x\":1,\"\x92\xdd\xc5\x84\xdd\x9e\xdd\xbe[1]}},{\"dir\raZat\":B}2a]l*\n";
    let r = ok(bytes, "x.csv");
    assert!(r.table.source_rows().iter().all(|&row| row >= 2), "{:?}", r.table.source_rows());
}

/// Without `legacy-spreadsheet` (the browser's build: `cargo test -p nagar-io
/// --no-default-features --features spreadsheet`), .xls/.xlsb files are a clear error.
#[cfg(all(feature = "spreadsheet", not(feature = "legacy-spreadsheet")))]
#[test]
fn old_binary_workbooks_are_an_error_naming_the_file() {
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    let e = read(&ole, "cities.xls").unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::LegacySpreadsheetUnsupported("Excel 97-2003 (.xls)"));
    assert!(e.to_string().starts_with("cities.xls: Excel 97-2003 (.xls) workbooks cannot be read here"), "{e}");
}

#[test]
fn a_csv_with_more_cells_than_the_limit_is_refused_with_its_size() {
    let csv = b"id,a,b\n1,2,3\n4,5,6\n7,8,9\n";
    let opts = |max_cells| ReadOptions { max_cells, ..ReadOptions::default() };
    // 3 rows × 3 columns = 9 cells: within a limit of 9, refused at 8.
    assert_eq!(read_data(csv, "c.csv", &opts(9)).unwrap().table.n_rows(), 3);
    let e = read_data(csv, "c.csv", &opts(8)).unwrap_err();
    assert_eq!(e.kind, ReadErrorKind::TooManyCells { limit: 8, columns: 3, rows: 2 });
    let m = e.to_string();
    assert!(m.starts_with("c.csv: the file has more than 8 cells"), "{m}");
    assert!(m.contains("Split the file"), "{m}");
}
