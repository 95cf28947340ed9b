//! Loading frameworks: TOML, JSON, COINr iMeta; broken frameworks name the entry at fault.

use std::path::PathBuf;

use nagar_core::{Framework, FrameworkError};
use nagar_io::load_framework;

/// COINr's ASEM iMeta, from the shared folder beside the repository (or `NAGAR_SHARED`).
fn asem_imeta() -> Vec<u8> {
    let mut candidates = vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))];
    candidates.extend(std::env::var_os("NAGAR_SHARED").map(PathBuf::from));
    candidates.push(PathBuf::from("/work/shared"));
    for dir in &candidates {
        if let Ok(bytes) = std::fs::read(dir.join("data/coinr-asem/ASEM_iMeta.csv")) {
            return bytes;
        }
    }
    panic!("ASEM_iMeta.csv not found in {candidates:?}; set NAGAR_SHARED to the shared folder");
}

const MINI: &str = r#"
id = "mini"
name = "Mini index"

[columns]
id = "ulb_id"
name = "ulb_name"

[[inputs]]
id = "population"
label = "Population (Census 2011)"
kind = "population"

[[inputs]]
id = "households_total"
label = "Households"
kind = "count"

[[inputs]]
id = "households_piped"
label = "Households with piped water"
kind = "count"

[[aggregates]]
id = "index"
name = "Index"

[[aggregates]]
id = "services"
name = "Services"
parent = "index"

[[indicators]]
id = "piped"
name = "Piped water coverage"
parent = "services"
derive = { kind = "ratio", num = "households_piped", den = "households_total", scale = 100, share = true }

[[indicators]]
id = "density"
name = "Households per 1000 people"
parent = "services"
weight = 0.5
derive = { kind = "ratio", num = "households_total", den = "population", scale = 1000 }
"#;

fn errors(bytes: &str, name: &str) -> Vec<FrameworkError> {
    match load_framework(bytes.as_bytes(), name) {
        Ok(fw) => panic!("{name} loaded: {}", fw.id),
        Err(e) => e,
    }
}

fn has(errs: &[FrameworkError], entry: &str, message: &str) -> bool {
    errs.iter().any(|e| e.entry.contains(entry) && e.message.contains(message))
}

#[test]
fn coinr_asem_imeta_csv_loads() {
    let bytes = asem_imeta();
    let fw = load_framework(&bytes, "ASEM_iMeta.csv").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(fw.id, "ASEM_iMeta");
    assert_eq!(fw.indicators.len(), 49);
    assert_eq!(fw.aggregates.len(), 11);
    assert_eq!(fw.root().map(|a| a.id.as_str()), Some("Index"));
    let children = fw.children();
    assert_eq!(children["Index"].0.len(), 2);
    assert_eq!(children["Conn"].0.len(), 5);
    assert_eq!(children["Sust"].0.len(), 3);
    assert_eq!(fw.aggregates.iter().filter(|a| a.parent.as_deref() == Some("Conn")).count(), 5);
    let flights = fw.indicators.iter().find(|i| i.id == "Flights").unwrap();
    assert_eq!(flights.name, "International flights passenger capacity");
    assert_eq!(flights.parent, "Physical");
    assert_eq!(flights.denominator.as_deref(), Some("Population"));
    assert_eq!(flights.target, Some(200.3326555));
    assert_eq!(flights.unit, "Thousand seats");
    assert_eq!((flights.direction, flights.weight), (1.0, 1.0));
    let lpi = fw.indicators.iter().find(|i| i.id == "LPI").unwrap();
    assert_eq!(lpi.denominator, None);
    let tariff = fw.indicators.iter().find(|i| i.id == "Tariff").unwrap();
    assert_eq!(tariff.direction, -1.0);
    assert_eq!((fw.columns.id.as_str(), fw.columns.name.as_str()), ("uCode", "uName"));
    assert!(fw.description.contains("Group columns: GDP_group, GDPpc_group, Pop_group, EurAsia_group."));
    assert!(fw.description.contains("Denominator columns: Area, Energy, GDP, Population."));
    assert!(fw.indicators.iter().all(|i| i.derive.is_none()));
}

#[test]
fn imeta_headers_are_case_insensitive() {
    let csv = "LEVEL,icode,INAME,direction,weight,parent,TYPE\n\
               1,x,X,1,1,idx,Indicator\n\
               2,idx,Index,NA,NA,NA,Aggregate\n";
    let fw = load_framework(csv.as_bytes(), "lower.csv").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(fw.indicators[0].id, "x");
    assert_eq!(fw.aggregates[0].weight, 1.0);
}

#[test]
fn imeta_unknown_type_and_bad_weight_name_row_and_code() {
    let csv = "iCode,iName,Direction,Weight,Parent,Type\n\
               a,A,1,1,idx,Indicator\n\
               b,B,1,heavy,idx,Indicator\n\
               c,C,1,1,idx,Indicatr\n\
               d,D,,1,idx,Indicator\n\
               idx,Index,1,1,NA,Aggregate\n";
    let errs = errors(csv, "meta.csv");
    assert!(has(&errs, "meta.csv, row 3, iCode b", "Weight \"heavy\" is not a number"), "{errs:?}");
    assert!(has(&errs, "meta.csv, row 4, iCode c", "unknown Type \"Indicatr\""), "{errs:?}");
    assert!(has(&errs, "row 5, iCode d", "needs Direction"), "{errs:?}");
    assert_eq!(errs.len(), 3);
}

#[test]
fn imeta_missing_columns_are_listed() {
    let errs = errors("code,parent\nx,y\n", "m.csv");
    assert!(errs[0].message.contains("missing column(s) iCode, Type, Weight, Direction"), "{errs:?}");
}

#[test]
fn imeta_structure_errors_come_from_validation() {
    let csv = "iCode,Direction,Weight,Parent,Type\n\
               a,1,1,P,Indicator\n\
               a,1,1,P,Indicator\n\
               b,1,-2,Nowhere,Indicator\n\
               P,1,1,Index,Aggregate\n\
               Index,1,1,NA,Aggregate\n";
    let errs = errors(csv, "v.csv");
    assert!(has(&errs, "indicator a", "duplicate id"), "{errs:?}");
    assert!(has(&errs, "indicator b", "unknown parent \"Nowhere\""), "{errs:?}");
    assert!(has(&errs, "indicator b", "weight must be"), "{errs:?}");
}

#[test]
fn toml_framework_loads() {
    let fw = load_framework(MINI.as_bytes(), "frameworks/mini.toml").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(fw.id, "mini");
    assert_eq!(fw.indicators.len(), 2);
    assert_eq!(fw.used_inputs(), ["households_piped", "households_total", "population"]);
}

#[test]
fn json_framework_with_the_same_schema_loads() {
    let fw: Framework = toml::from_str(MINI).unwrap();
    let json = serde_json::to_string_pretty(&fw).unwrap();
    let back = load_framework(json.as_bytes(), "mini.json").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(back, fw);
}

#[test]
fn imeta_as_json_records_loads() {
    let json = r#"[{"iCode": "x", "Direction": 1, "Weight": 1, "Parent": "idx", "Type": "Indicator"},
                   {"iCode": "idx", "Direction": null, "Weight": 1, "Parent": null, "Type": "Aggregate"}]"#;
    let fw = load_framework(json.as_bytes(), "meta.json").unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(fw.indicators[0].parent, "idx");
}

#[test]
fn toml_syntax_error_gives_line_and_column() {
    let bad = MINI.replace("name = \"Services\"", "name = \"Services");
    let errs = errors(&bad, "mini.toml");
    assert_eq!(errs.len(), 1);
    assert!(errs[0].entry.starts_with("mini.toml, line 30, column "), "{errs:?}");
}

#[test]
fn toml_unknown_field_names_the_field_and_line() {
    let bad = MINI.replace("weight = 0.5", "wieght = 0.5");
    let errs = errors(&bad, "mini.toml");
    assert!(errs[0].entry == "mini.toml, line 43, column 1", "{errs:?}");
    assert!(errs[0].message.contains("unknown field `wieght`"), "{errs:?}");
}

/// TOML frameworks are read through their JSON form: the built-in framework gives exactly what
/// reading the TOML straight into the framework types gives, and errors in the types still name
/// the TOML line and column of the value (an unknown field: of the key; a missing field: of the
/// table).
#[test]
fn toml_through_json_reads_the_builtin_framework_exactly() {
    let src = nagar_io::builtin::framework_source("mpi-2019").unwrap();
    let direct: nagar_core::Framework = toml::from_str(src).unwrap();
    assert_eq!(load_framework(src.as_bytes(), "mpi-2019.toml").unwrap(), direct);
    let fw = load_framework(MINI.as_bytes(), "mini.toml").unwrap();
    assert_eq!(fw, toml::from_str::<nagar_core::Framework>(MINI).unwrap());
}

#[test]
fn toml_type_errors_name_the_line_and_column_of_the_value() {
    let bad = MINI.replace("weight = 0.5", "weight = \"heavy\"");
    let errs = errors(&bad, "mini.toml");
    assert_eq!(errs[0].entry, "mini.toml, line 43, column 10", "{errs:?}");
    assert!(errs[0].message.contains("invalid type: string \"heavy\", expected f64"), "{errs:?}");
    // Inside an inline table.
    let bad = MINI.replace("scale = 100, share = true", "scale = 100, share = \"yes\"");
    let errs = errors(&bad, "mini.toml");
    let line = 1 + MINI.lines().position(|l| l.contains("share = true")).unwrap();
    assert!(errs[0].entry.starts_with(&format!("mini.toml, line {line}, column ")), "{errs:?}");
    assert!(errs[0].message.contains("expected a boolean"), "{errs:?}");
    // Not a finite number.
    let errs = errors(&MINI.replace("weight = 0.5", "weight = inf"), "mini.toml");
    assert_eq!(errs[0].entry, "mini.toml, line 43, column 10", "{errs:?}");
    assert_eq!(errs[0].message, "inf is not a finite number");
}

#[test]
fn toml_missing_field_names_the_table() {
    // The second [[aggregates]] table without its name.
    let bad = MINI.replacen("name = \"Services\"\n", "", 1);
    let errs = errors(&bad, "mini.toml");
    assert!(errs[0].message.contains("missing field `name`"), "{errs:?}");
    let header = 1 + bad.lines().position(|l| l == "id = \"services\"").unwrap() - 1;
    assert!(
        errs[0].entry.starts_with(&format!("mini.toml, line {header}, column ")),
        "{errs:?} (table header at line {header})"
    );
}

#[test]
fn json_syntax_error_gives_line_and_column() {
    let errs = errors("{\n  \"id\": \"x\",\n  \"name\": }", "f.json");
    assert_eq!(errs[0].entry, "f.json, line 3, column 11");
}

#[test]
fn broken_frameworks_name_the_entry() {
    let cycle =
        MINI.replace("id = \"index\"\nname = \"Index\"", "id = \"index\"\nname = \"Index\"\nparent = \"services\"");
    let errs = errors(&cycle, "c.toml");
    assert!(has(&errs, "aggregate", "cycle in parents"), "{errs:?}");

    let unknown = MINI.replace(
        "parent = \"services\"\nderive = { kind = \"ratio\", num = \"households_piped\"",
        "parent = \"service\"\nderive = { kind = \"ratio\", num = \"households_piped\"",
    );
    let errs = errors(&unknown, "u.toml");
    assert!(has(&errs, "indicator piped", "unknown parent \"service\""), "{errs:?}");

    let dup = MINI.replace("id = \"density\"", "id = \"piped\"");
    let errs = errors(&dup, "d.toml");
    assert!(has(&errs, "indicator piped", "duplicate id"), "{errs:?}");

    let neg = MINI.replace("weight = 0.5", "weight = -0.5");
    let errs = errors(&neg, "n.toml");
    assert!(has(&errs, "indicator density", "weight must be a finite number ≥ 0, got -0.5"), "{errs:?}");

    let input = MINI.replace("den = \"population\"", "den = \"popn\"");
    let errs = errors(&input, "i.toml");
    assert!(has(&errs, "indicator density", "input \"popn\""), "{errs:?}");
}

#[test]
fn unknown_framework_type_and_non_utf8_are_errors() {
    let errs = errors("x", "f.yaml");
    assert!(errs[0].message.contains("unknown framework file type"));
    let errs = load_framework(b"id = \"\xff\"", "f.toml").unwrap_err();
    assert!(errs[0].message.contains("not UTF-8"), "{errs:?}");
}

#[cfg(feature = "spreadsheet")]
#[test]
fn coinr_asem_imeta_xlsx_loads_like_the_csv() {
    use nagar_core::output::{OutCell, Sheet};
    use nagar_core::parse::parse_number;
    use nagar_core::Cell;
    use nagar_io::{read_data, write_xlsx, ReadOptions};

    let bytes = asem_imeta();
    let table = read_data(&bytes, "ASEM_iMeta.csv", &ReadOptions::default()).unwrap().table;
    // As a person would have it in Excel: numbers as numbers, NA as text.
    let rows = table
        .to_rows()
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Text(s) => match parse_number(s, false) {
                        Ok(Some(x)) => OutCell::Number(x),
                        _ => OutCell::Text(s.clone()),
                    },
                    Cell::Number(x) => OutCell::Number(*x),
                    _ => OutCell::Empty,
                })
                .collect()
        })
        .collect();
    let sheet = Sheet { name: "iMeta".into(), columns: table.columns.clone(), rows };
    let xlsx = write_xlsx(&[sheet]).unwrap();
    let from_xlsx = load_framework(&xlsx, "ASEM_iMeta.xlsx").unwrap_or_else(|e| panic!("{e:?}"));
    let from_csv = load_framework(&bytes, "ASEM_iMeta.csv").unwrap();
    assert_eq!(from_xlsx.indicators.len(), 49);
    assert_eq!(
        from_xlsx.indicators,
        from_csv
            .indicators
            .iter()
            .map(|i| {
                let mut i = i.clone();
                i.source = i.source.replace(".csv", ".xlsx");
                i
            })
            .collect::<Vec<_>>()
    );
}
