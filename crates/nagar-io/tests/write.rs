//! Exports: CSV quoting and formula safety, JSON records, XLSX round trips, templates.

use nagar_core::output::{OutCell, Sheet};
use nagar_core::{Cell, Framework, RawTable};
use nagar_io::{read_data, write_csv, write_json, write_template_csv, ReadOptions};
use proptest::prelude::*;

fn sheet(columns: &[&str], rows: Vec<Vec<OutCell>>) -> Sheet {
    Sheet { name: "Scores".into(), columns: columns.iter().map(|s| s.to_string()).collect(), rows }
}

fn t(s: &str) -> OutCell {
    OutCell::text(s)
}

fn read(bytes: &[u8], name: &str) -> RawTable {
    match read_data(bytes, name, &ReadOptions::default()) {
        Ok(r) => r.table,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn csv_quotes_per_rfc4180_and_formats_numbers() {
    let s = sheet(
        &["ulb", "note", "score", "change"],
        vec![
            vec![t("Pune"), t("a, \"b\"\nc"), OutCell::Number(61.25), OutCell::Number(-2.5)],
            vec![t("Nashik"), t("x;y"), OutCell::num(f64::NAN), OutCell::Number(1.0)],
            vec![t("Thane")],
        ],
    );
    let csv = write_csv(&s);
    assert_eq!(
        csv,
        "ulb,note,score,change\r\nPune,\"a, \"\"b\"\"\nc\",61.25,-2.5\r\nNashik,\"x;y\",,1\r\nThane,,,\r\n"
    );
}

#[test]
fn csv_text_is_safe_against_formula_injection() {
    let s = sheet(
        &["=HYPERLINK(\"x\")", "b"],
        vec![vec![t("=1+1"), t("@SUM(A1)")], vec![t("+91 98"), t("-5")], vec![t("\tx"), OutCell::Number(-7.0)]],
    );
    let csv = write_csv(&s);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], r#""'=HYPERLINK(""x"")",b"#);
    assert_eq!(lines[1], "'=1+1,'@SUM(A1)");
    assert_eq!(lines[2], "'+91 98,-5");
    assert_eq!(lines[3], "\"'\tx\",-7");
}

#[test]
fn json_is_an_array_of_records_in_column_order() {
    let s = sheet(
        &["ulb", "score", "zeta", "alpha"],
        vec![vec![t("Pune \"W\""), OutCell::Number(0.1), OutCell::Empty, OutCell::Number(-3.0)], vec![t("X")]],
    );
    let json = write_json(&s);
    assert_eq!(
        json,
        "[\n{\"ulb\":\"Pune \\\"W\\\"\",\"score\":0.1,\"zeta\":null,\"alpha\":-3},\n\
         {\"ulb\":\"X\",\"score\":null,\"zeta\":null,\"alpha\":null}\n]\n"
    );
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back[0]["alpha"], serde_json::json!(-3));
    assert_eq!(write_json(&sheet(&["a"], vec![])), "[\n]\n");
    // What we write, we read.
    let table = read(json.as_bytes(), "out.json");
    assert_eq!(table.columns, ["ulb", "score", "zeta", "alpha"]);
    assert_eq!(table.cell(0, 1), Cell::Number(0.1));
}

fn mini() -> Framework {
    let toml = r#"
id = "mini"
name = "Mini"
[columns]
id = "ulb_id"
name = "ulb_name"
[[inputs]]
id = "households_total"
label = "Households"
unit = "households"
kind = "count"
[[inputs]]
id = "households_piped"
label = "Households with piped water"
kind = "count"
[[inputs]]
id = "population"
label = "Population (Census 2011)"
kind = "population"
[[inputs]]
id = "has_plan"
label = "Has a master plan"
kind = "yes_no"
[[inputs]]
id = "vacancy"
label = "Posts vacant"
kind = "percent"
[[inputs]]
id = "rating"
label = "Credit rating"
kind = "text"
allowed = ["AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB", "BB-", "B+", "B", "B-", "C", "D"]
note = "As published by CRISIL, ICRA or CARE."
[[inputs]]
id = "long_list"
label = "Long list"
kind = "text"
allowed = ["first, with a comma", "second"]
[[aggregates]]
id = "index"
name = "Index"
[[indicators]]
id = "piped"
name = "Piped water"
parent = "index"
derive = { kind = "ratio", num = "households_piped", den = "households_total", scale = 100, share = true }
[[indicators]]
id = "density"
name = "Households per 1000"
parent = "index"
derive = { kind = "ratio", num = "households_total", den = "population", scale = 1000 }
[[indicators]]
id = "plan"
name = "Plan"
parent = "index"
derive = { kind = "count_yes", inputs = ["has_plan"] }
[[indicators]]
id = "vac"
name = "Vacancy"
parent = "index"
derive = { kind = "value", input = "vacancy" }
[[indicators]]
id = "credit"
name = "Credit"
parent = "index"
derive = { kind = "lookup", input = "rating", table = { AAA = 4, AA = 3 } }
[[indicators]]
id = "other"
name = "Other"
parent = "index"
derive = { kind = "lookup", input = "long_list", table = { second = 1 } }
"#;
    nagar_io::load_framework(toml.as_bytes(), "mini.toml").unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn template_csv_has_identity_columns_then_inputs_without_repeats() {
    let csv = write_template_csv(&mini());
    assert_eq!(
        csv,
        "ulb_id,ulb_name,state,population,households_piped,households_total,has_plan,vacancy,rating,long_list\r\n"
    );
    // The template reads back as a header-only table.
    let table = read(csv.as_bytes(), "template.csv");
    assert_eq!(table.columns.len(), 10);
    assert_eq!(table.n_rows(), 0);
}

#[test]
fn template_csv_of_a_coinr_framework_lists_indicators_and_denominators() {
    let csv = "iCode,iName,Direction,Weight,Parent,Type,Denominator\n\
               x,X,1,1,idx,Indicator,GDP\n\
               y,Y,1,1,idx,Indicator,NA\n\
               idx,Index,1,1,NA,Aggregate,NA\n\
               GDP,GDP,NA,NA,NA,Denominator,NA\n";
    let fw = nagar_io::load_framework(csv.as_bytes(), "m.csv").unwrap();
    assert_eq!(write_template_csv(&fw), "uCode,uName,state,population,x,y,GDP\r\n");
}

#[cfg(feature = "spreadsheet")]
mod xlsx {
    use super::*;
    use nagar_io::{write_template_xlsx, write_xlsx};

    #[test]
    fn xlsx_round_trip_gives_back_the_same_cells() {
        let a = sheet(
            &["ulb", "score", "rank", "note"],
            vec![
                vec![t("Pune"), OutCell::Number(61.25), OutCell::Number(1.0), t("=1+1")],
                vec![t("Nashik"), OutCell::num(f64::NAN), OutCell::Number(-2.0), OutCell::Empty],
                vec![t("Thane"), OutCell::Number(1e-12), OutCell::Number(2.0), t("@x")],
            ],
        );
        let mut b = sheet(&["a"], vec![vec![t("only")]]);
        b.name = "scores".into(); // same name, other case: must get a distinct sheet name
        let bytes = write_xlsx(&[a.clone(), b]).unwrap();
        let table = read(&bytes, "out.xlsx");
        assert_eq!(table.columns, a.columns);
        let expected: Vec<Vec<Cell>> = a
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        OutCell::Number(x) => Cell::Number(*x),
                        OutCell::Text(s) => Cell::Text(s.clone()),
                        OutCell::Empty => Cell::Empty,
                    })
                    .collect()
            })
            .collect();
        assert_eq!(table.to_rows(), expected);
        assert_eq!(table.source_rows(), [2, 3, 4]);
        let opts = ReadOptions { sheet: Some("scores (2)".into()), ..ReadOptions::default() };
        let second = read_data(&bytes, "out.xlsx", &opts).unwrap().table;
        assert_eq!(second.to_rows(), vec![vec![Cell::Text("only".into())]]);
    }

    #[test]
    fn xlsx_refuses_strings_longer_than_excel_allows() {
        let s = sheet(&["a"], vec![vec![t(&"x".repeat(40_000))]]);
        let e = write_xlsx(&[s]).unwrap_err();
        assert!(e.to_string().contains("row 2, column 1"), "{e}");
    }

    #[test]
    fn template_xlsx_has_data_and_dictionary_sheets() {
        let fw = mini();
        let bytes = write_template_xlsx(&fw).unwrap();
        let data = read_data(&bytes, "template.xlsx", &ReadOptions::default()).unwrap();
        assert_eq!(
            data.table.columns,
            [
                "ulb_id",
                "ulb_name",
                "state",
                "population",
                "households_piped",
                "households_total",
                "has_plan",
                "vacancy",
                "rating",
                "long_list"
            ]
        );
        assert_eq!(data.table.n_rows(), 0);
        let opts = ReadOptions { sheet: Some("Dictionary".into()), ..ReadOptions::default() };
        let dict = read_data(&bytes, "template.xlsx", &opts).unwrap().table;
        assert_eq!(dict.columns, ["field", "label", "unit", "kind", "used by", "allowed values", "note"]);
        let row = |id: &str| dict.rows().find(|r| r.cell(0) == Cell::Text(id.into())).unwrap().to_vec();
        let total = row("households_total");
        assert_eq!(total[1], Cell::Text("Households".into()));
        assert_eq!(total[2], Cell::Text("households".into()));
        assert_eq!(total[3], Cell::Text("count".into()));
        assert_eq!(total[4], Cell::Text("piped, density".into()));
        assert_eq!(row("has_plan")[5], Cell::Text("Y; N".into()));
        assert!(matches!(&row("rating")[5], Cell::Text(s) if s.starts_with("AAA; AA+")));
        assert_eq!(row("population")[3], Cell::Text("population".into()));
        // The long/comma list lives on the hidden "Lists" sheet.
        let opts = ReadOptions { sheet: Some("Lists".into()), ..ReadOptions::default() };
        let lists = read_data(&bytes, "template.xlsx", &opts).unwrap().table;
        assert_eq!(lists.columns, ["first, with a comma"]);
    }

    #[test]
    fn template_xlsx_carries_validation_and_notes() {
        // The worksheet XML is compressed; check what rust_xlsxwriter was asked for through
        // its own structure instead: the parts exist in the archive's file list.
        let bytes = write_template_xlsx(&mini()).unwrap();
        let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
        assert!(has("xl/comments1.xml"), "header notes");
        assert!(has("xl/worksheets/sheet3.xml"), "Lists sheet");
    }
}

/// A cell of a generated table: any printable text, including the characters CSV must quote.
fn cell_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 ,;\"'\t\n\r=+@.é€क-]{0,12}").unwrap()
}

fn header_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z][a-zA-Z0-9 ,;\"_é-]{0,8}").unwrap()
}

/// Tables as the reader produces them: distinct trimmed headers, trimmed text cells.
fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    proptest::collection::vec(header_name(), 1..5)
        .prop_map(|names| names.into_iter().map(|n| n.trim().to_string()).collect::<Vec<_>>())
        .prop_filter("distinct headers", |names| {
            let keys: std::collections::HashSet<String> =
                names.iter().map(|n| nagar_core::table::normalise_header(n)).collect();
            keys.len() == names.len() && names.iter().all(|n| !n.is_empty())
        })
        .prop_flat_map(|names| {
            let width = names.len();
            let rows = proptest::collection::vec(proptest::collection::vec(cell_text(), width), 0..8);
            (Just(names), rows)
        })
}

fn to_sheet(table: &RawTable) -> Sheet {
    let rows = table
        .to_rows()
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Text(s) => OutCell::Text(s.clone()),
                    Cell::Number(x) => OutCell::Number(*x),
                    Cell::Bool(b) => OutCell::Text(b.to_string()),
                    Cell::Empty => OutCell::Empty,
                })
                .collect()
        })
        .collect();
    Sheet { name: "t".into(), columns: table.columns.clone(), rows }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// parse → write_csv → parse gives back the same table (cells as text).
    #[test]
    fn csv_round_trip_is_lossless((names, rows) in table()) {
        // Start from a table the reader made: write the generated cells, read them.
        let raw = sheet(
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            rows.iter().map(|r| r.iter().map(|s| OutCell::Text(s.trim().to_string())).collect()).collect(),
        );
        let first = read(write_csv(&raw).as_bytes(), "t.csv");
        prop_assert_eq!(&first.columns, &raw.columns);
        let again = read(write_csv(&to_sheet(&first)).as_bytes(), "t.csv");
        prop_assert_eq!(&again.columns, &first.columns);
        prop_assert_eq!(&again.to_rows(), &first.to_rows());
        // Nothing but the formula guard changes the text (a number written as nagar writes
        // numbers is read as that number, which shows as the same text).
        let expected: Vec<Vec<Cell>> = raw
            .rows
            .iter()
            .map(|r| r.iter().map(|c| match c {
                OutCell::Text(s) if !s.is_empty() => {
                    let safe = nagar_io::formula_safe(s).into_owned();
                    match nagar_core::parse::plain_number(&safe) {
                        Some(x) => Cell::Number(x),
                        None => Cell::Text(safe),
                    }
                }
                _ => Cell::Empty,
            }).collect::<Vec<_>>())
            .filter(|r| r.iter().any(|c| *c != Cell::Empty))
            .collect();
        prop_assert_eq!(&first.to_rows(), &expected);
    }
}

#[cfg(feature = "spreadsheet")]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// write_xlsx → read gives back the same cells.
    #[test]
    fn xlsx_round_trip_is_lossless((names, rows) in table(), numbers in proptest::collection::vec(-1e12f64..1e12, 8)) {
        let mut raw = sheet(
            &names.iter().map(String::as_str).collect::<Vec<_>>(),
            rows.iter().map(|r| r.iter().map(|s| OutCell::Text(s.trim().to_string())).collect()).collect(),
        );
        // Put numbers in the last column.
        for (r, row) in raw.rows.iter_mut().enumerate() {
            if let (Some(last), Some(x)) = (row.last_mut(), numbers.get(r)) {
                *last = OutCell::Number(*x);
            }
        }
        let table = read(&nagar_io::write_xlsx(&[raw.clone()]).unwrap(), "t.xlsx");
        let expected: Vec<Vec<Cell>> = raw
            .rows
            .iter()
            .map(|r| r.iter().map(|c| match c {
                OutCell::Text(s) if !s.is_empty() => Cell::Text(s.clone()),
                OutCell::Number(x) => Cell::Number(*x),
                _ => Cell::Empty,
            }).collect::<Vec<_>>())
            .filter(|r| r.iter().any(|c| *c != Cell::Empty))
            .collect();
        prop_assert_eq!(&table.columns, &raw.columns);
        prop_assert_eq!(&table.to_rows(), &expected);
    }
}

/// The CLI streams the Scores sheet (`ScoresTable` a row at a time through `CsvWriter`); that text
/// must be exactly `write_csv` of the whole sheet, in English and in Hindi (tier names, flags and
/// the demo note translated), so `nagar score --out x.csv` and the XLSX/JSON exports agree.
#[test]
fn streamed_scores_csv_equals_the_whole_sheet_in_every_language() {
    use nagar_core::report::{scores_sheet, scores_sheet_in, Provenance, ScoresTable};
    let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
    let table = nagar_io::builtin::demo_table(&fw, 300, 7).unwrap();
    let mut settings = fw.settings.clone();
    settings.tiers = "mpi2020".into();
    settings.group = nagar_core::settings::Group::parse("tier");
    let scored = nagar_core::pipeline::score(&fw, &table, &settings, &Default::default()).unwrap();
    let prov = Provenance { dataset_note: nagar_io::builtin::dataset_note(&table), ..Default::default() };
    assert!(prov.dataset_note.is_some());
    // As the CLI writes it: each cell straight into the text (`row_to` into a `CsvRecord`); and
    // the same rows as cells first (`row_into`, then `CsvWriter::row`) must give the same text.
    fn stream<W: nagar_core::i18n::Words>(t: &ScoresTable<W>) -> String {
        let mut w = nagar_io::CsvWriter::default();
        w.header(&t.columns);
        let mut by_cells = w.clone();
        let mut row = Vec::new();
        for u in 0..t.len() {
            let mut record = w.record();
            t.row_to(u, &mut record);
            record.end();
            t.row_into(u, &mut row);
            by_cells.row(&row);
        }
        assert_eq!(w.as_str(), by_cells.as_str());
        w.as_str().to_string()
    }
    let en = stream(&ScoresTable::new(&fw, &scored, &prov));
    assert_eq!(en, write_csv(&scores_sheet(&fw, &scored, &prov)));
    assert_eq!(stream(&ScoresTable::new_in(&fw, &scored, &prov, "en")), en);
    let hi = stream(&ScoresTable::new_in(&fw, &scored, &prov, "hi"));
    assert_eq!(hi, write_csv(&scores_sheet_in(&fw, &scored, &prov, "hi")));
    // Hindi texts are really there (tier names, the demo note), and the English ones are not.
    let devanagari = |s: &str| s.chars().filter(|c| ('\u{0900}'..='\u{097F}').contains(c)).count();
    assert_eq!(devanagari(&en), 0);
    assert!(devanagari(&hi) > 300, "{}", &hi[..hi.len().min(2000)]);
    assert_eq!(en.lines().count(), hi.lines().count());
}

/// A record written cell by cell (`CsvWriter::record`) is the text `CsvWriter::row` writes for
/// the same cells: padding to the header's width, cells past it, missing and non-finite numbers,
/// text that needs quotes or would run as a formula, and a lone empty cell.
#[test]
fn a_record_cell_by_cell_is_the_row_of_the_same_cells() {
    use nagar_core::output::{CellSink, OutCell};
    let rows: Vec<Vec<OutCell>> = vec![
        vec![OutCell::text("U1"), OutCell::Number(1.5), OutCell::Number(f64::NAN), OutCell::Empty],
        vec![OutCell::text("=SUM(A1)"), OutCell::text("a,b \"c\""), OutCell::Number(-0.0)],
        vec![OutCell::Number(f64::INFINITY)],
        vec![OutCell::text("")],
        vec![],
        vec![
            OutCell::Number(66653.0),
            OutCell::Number(0.1),
            OutCell::text(" x"),
            OutCell::Number(2.0),
            OutCell::text("-5"),
            OutCell::Number(1e300),
        ],
    ];
    for width in [0, 1, 3, 5] {
        let columns: Vec<String> = (0..width).map(|k| format!("c{k}")).collect();
        let mut by_row = nagar_io::CsvWriter::default();
        by_row.header(&columns);
        let mut by_cell = by_row.clone();
        for row in &rows {
            by_row.row(row);
            let mut record = by_cell.record();
            // Numbers in runs of two through `numbers`, the rest one at a time.
            let mut k = 0;
            while k < row.len() {
                match (&row[k], row.get(k + 1)) {
                    (OutCell::Number(a), Some(OutCell::Number(b))) => {
                        record.numbers([*a, *b]);
                        k += 2;
                        continue;
                    }
                    (OutCell::Number(a), _) => record.number(*a),
                    (OutCell::Text(t), _) => record.text(t),
                    (OutCell::Empty, _) => record.empty(),
                }
                k += 1;
            }
            record.end();
        }
        assert_eq!(by_cell.as_str(), by_row.as_str(), "width {width}");
        // `row` itself writes through `record`, so the text is also checked as worked by hand:
        // cells past the width kept, short rows padded, a lone empty field as `""`, quotes
        // doubled, a formula made text, a plain negative number left alone, no exponent.
        let big = format!("1{}", "0".repeat(300));
        let want = match width {
            1 => Some(format!(
                "c0\r\nU1,1.5,,\r\n'=SUM(A1),\"a,b \"\"c\"\"\",0\r\n\"\"\r\n\"\"\r\n\"\"\r\n66653,0.1,\" x\",2,-5,{big}\r\n"
            )),
            3 => Some(format!(
                "c0,c1,c2\r\nU1,1.5,,\r\n'=SUM(A1),\"a,b \"\"c\"\"\",0\r\n,,\r\n,,\r\n,,\r\n66653,0.1,\" x\",2,-5,{big}\r\n"
            )),
            _ => None,
        };
        if let Some(want) = want {
            assert_eq!(by_cell.as_str(), want, "width {width}");
        }
    }
}
