//! The bindings under Node (`wasm-pack test --node crates/nagar-wasm -- --features spreadsheet`):
//! the Workspace calls the page makes, their errors, and the spreadsheet module's round trip.
#![cfg(all(target_arch = "wasm32", feature = "main"))]

use nagar_wasm::Workspace;
use serde_json::Value;
use wasm_bindgen_test::wasm_bindgen_test;

mod common;
use common::{error_name, json, results};

fn mpi() -> Workspace {
    let mut ws = Workspace::new();
    ws.use_builtin("mpi-2019").expect("built-in framework");
    ws
}

#[wasm_bindgen_test]
fn builtin_frameworks_are_listed_and_load() {
    let list = json(Workspace::builtin_frameworks().unwrap());
    assert_eq!(list[0]["id"], "mpi-2019");
    let info = json(Workspace::new().use_builtin("mpi-2019").unwrap());
    assert_eq!(info["verticals"].as_array().unwrap().len(), 5);
    assert_eq!(info["indicators"], 100);
    assert_eq!(error_name(Workspace::new().use_builtin("nope").unwrap_err()), "FrameworkError");
}

#[wasm_bindgen_test]
fn demo_scores_and_exports_like_the_cli() {
    let mut ws = mpi();
    let data = json(ws.load_demo(120, 2019).unwrap());
    assert_eq!(data["rows"], 120);
    assert_eq!(data["dataset_note"], "synthetic demo data");
    let res = results(ws.score().unwrap());
    let units = res["units"].as_array().unwrap();
    assert_eq!(units.len(), 120);
    assert!(res["ranked"].as_u64().unwrap() > 100);
    assert!(units.iter().any(|u| u["rank"] == 1));
    // The CSV export is what `nagar score` writes for the same file.
    let csv = ws.demo_csv(120, 2019).unwrap();
    let read = nagar_io::read_data(csv.as_bytes(), "synthetic-demo-120-ulbs.csv", &Default::default()).unwrap();
    let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
    let scored = nagar_core::pipeline::score(&fw, &read.table, &fw.settings, &Default::default()).unwrap();
    let prov = nagar_core::report::Provenance {
        dataset_note: nagar_io::builtin::dataset_note(&read.table),
        ..Default::default()
    };
    let want = nagar_io::write_csv(&nagar_core::report::scores_sheet(&fw, &scored, &prov));
    assert_eq!(String::from_utf8(ws.export("csv").unwrap()).unwrap(), want);
    // Profile and the framework description.
    let id = units[0]["id"].as_str().unwrap().to_string();
    let p = json(ws.profile(&id).unwrap());
    assert_eq!(p["indicators"].as_array().unwrap().len(), 100);
    assert_eq!(error_name(ws.profile("no such city").unwrap_err()), "InputError");
    let doc = json(ws.framework_doc().unwrap());
    assert!(doc["provisional"].as_u64().unwrap() > 0);
    assert!(ws.template_csv().unwrap().starts_with("ulb_id"));
}

#[wasm_bindgen_test]
fn a_run_with_many_issues_sends_the_rest_when_asked() {
    // 700 demo ULBs have some 600 issues, more than a run's results carry.
    let mut ws = mpi();
    let csv = ws.demo_csv(700, 2019).unwrap();
    ws.load_data(csv.as_bytes(), "demo.csv").unwrap();
    let res = results(ws.score().unwrap());
    let read = nagar_io::read_data(csv.as_bytes(), "demo.csv", &Default::default()).unwrap();
    let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
    let scored = nagar_core::pipeline::score(&fw, &read.table, &fw.settings, &Default::default()).unwrap();
    let all: Vec<nagar_core::Issue> = read.issues.iter().chain(&scored.issues).cloned().collect();
    assert!(all.len() > nagar_wasm::views::ISSUES_SENT, "{} issues", all.len());
    assert_eq!(res["issues_complete"], false);
    let warnings = all.iter().filter(|i| i.severity == nagar_core::Severity::Warning).count();
    assert_eq!(res["issue_counts"]["warning"], warnings);
    assert_eq!(res["issues"].as_array().unwrap().len(), all.iter().filter(|i| i.row.is_none()).count());
    // `issues`: every one, as the run has them.
    let sent: serde_json::Value = serde_json::from_str(&ws.issues().unwrap()).unwrap();
    let sent = sent.as_array().unwrap();
    assert_eq!(sent.len(), all.len());
    for (s, i) in sent.iter().zip(&all) {
        assert_eq!(
            (s["row"].as_u64(), s["message"].as_str(), s["severity"].as_str()),
            (i.row.map(|r| r as u64), Some(i.message.as_str()), Some(i.severity.as_str()))
        );
    }
}

#[wasm_bindgen_test]
fn options_and_weights_change_the_scores() {
    let mut ws = mpi();
    ws.load_demo(60, 7).unwrap();
    let before = results(ws.score().unwrap());
    let opts = serde_json::json!({ "weights": { "services": 0.0 }, "missing": "worst" });
    ws.set_options(nagar_wasm::to_js(&opts).unwrap()).unwrap();
    let after = results(ws.score().unwrap());
    let index = |r: &Value| r["units"].as_array().unwrap().iter().map(|u| u["index"].clone()).collect::<Vec<_>>();
    assert_ne!(index(&before), index(&after));
    let bad = serde_json::json!({ "missing": "sometimes" });
    assert_eq!(error_name(ws.set_options(nagar_wasm::to_js(&bad).unwrap()).unwrap_err()), "SettingsError");
}

#[wasm_bindgen_test]
fn bad_files_are_errors_not_panics() {
    let mut ws = mpi();
    assert_eq!(error_name(ws.load_data(&[0, 1, 2, 0xff, 0, 0, 9], "x.csv").unwrap_err()), "DataError");
    assert_eq!(error_name(ws.load_data(b"{\"a\": 1}", "x.json").unwrap_err()), "DataError");
    assert_eq!(error_name(ws.load_data(b"", "x.csv").unwrap_err()), "DataError");
    assert_eq!(error_name(ws.score().unwrap_err()), "InputError");
    // Read but not scorable: no id column.
    ws.load_data(b"a,b\n1,2\n", "x.csv").unwrap();
    assert_eq!(error_name(ws.score().unwrap_err()), "DataError");
    // A workbook goes to the spreadsheet module (in a build with it, a broken one is a data error).
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00";
    let want = if cfg!(feature = "spreadsheet") { "DataError" } else { "NeedsSpreadsheet" };
    assert_eq!(error_name(ws.load_data(zip, "cities.xlsx").unwrap_err()), want);
}

#[cfg(all(feature = "spreadsheet", feature = "analysis"))]
#[wasm_bindgen_test]
fn workbooks_round_trip_through_the_spreadsheet_modules() {
    use nagar_core::output::{OutCell, Sheet};
    let mut ws = mpi();
    ws.load_demo(40, 3).unwrap();
    let csv_scores = ws.export("csv").map(|_| ()).err();
    assert!(csv_scores.is_some(), "nothing scored yet");
    ws.score().unwrap();
    let by_csv = ws.export("csv").unwrap();
    // The demo data as a workbook, read back by the spreadsheet module, scores the same.
    let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
    let table = nagar_io::builtin::demo_table(&fw, 40, 3).unwrap();
    let sheet = nagar_io::table_to_sheet(&table);
    let xlsx = nagar_wasm::write_xlsx(nagar_wasm::to_js(&[sheet]).unwrap()).unwrap();
    let value = nagar_wasm::read_spreadsheet(&xlsx, "synthetic-demo-40-ulbs.xlsx", None).unwrap();
    ws.load_table(value).unwrap();
    ws.score().unwrap();
    let by_xlsx = ws.export("csv").unwrap();
    assert_eq!(String::from_utf8(by_xlsx).unwrap(), String::from_utf8(by_csv).unwrap());
    // XLSX export and template.
    let out = nagar_wasm::write_xlsx(ws.export_sheets().unwrap()).unwrap();
    assert_eq!(&out[..2], b"PK");
    let tpl = nagar_wasm::template_xlsx(ws.template_spec("en", wasm_bindgen::JsValue::NULL).unwrap()).unwrap();
    assert_eq!(&tpl[..2], b"PK");
    // The template from the full module's layout has the cells of the CLI's (`nagar template`),
    // in English and in Hindi.
    let named = nagar_wasm::to_js(&fw).unwrap();
    for (lang, bytes, sheets) in [
        ("en", tpl, ["Data", "Dictionary"]),
        ("hi", nagar_wasm::template_xlsx(ws.template_spec("hi", named).unwrap()).unwrap(), ["डेटा", "शब्दकोश"]),
    ] {
        let cli = nagar_io::write_template_xlsx_in(&fw, lang).unwrap();
        for sheet in sheets {
            let read = |b: &[u8]| json(nagar_wasm::read_spreadsheet(b, "t.xlsx", Some(sheet.into())).unwrap());
            let (page, native) = (read(&bytes), read(&cli));
            assert!(page["table"]["columns"].as_array().unwrap().len() > 5, "{lang} {sheet}");
            assert_eq!(page, native, "{lang} {sheet}");
        }
    }
    // Numbers reach the workbook exactly as the page holds them (shortest round-trip digits, as
    // `nagar score --out x.xlsx` writes them): no JSON re-parse that moves one in ten by an ulp.
    let xs = [13.350000000000001, 39.513513513513516, 0.1 + 0.2, -1.3841340588612125e-7];
    let sheet = Sheet {
        name: "N".into(),
        columns: vec!["x".into()],
        rows: xs.iter().map(|x| vec![OutCell::Number(*x)]).collect(),
    };
    let back = nagar_wasm::read_spreadsheet(
        &nagar_wasm::write_xlsx(nagar_wasm::to_js(&[sheet]).unwrap()).unwrap(),
        "n.xlsx",
        None,
    )
    .unwrap();
    let rows = js_sys::Reflect::get(&js_sys::Reflect::get(&back, &"table".into()).unwrap(), &"rows".into()).unwrap();
    for (k, x) in xs.iter().enumerate() {
        let row = js_sys::Reflect::get_u32(&rows, k as u32).unwrap();
        assert_eq!(js_sys::Reflect::get_u32(&row, 0).unwrap().as_f64(), Some(*x), "row {k}");
    }
    // Values of the wrong shape are errors, never a panic.
    let parse = |s: &str| js_sys::JSON::parse(s).unwrap();
    for bad in
        ["3", "[3]", r#"[{"name":"a","columns":["x"],"rows":[[true]]}]"#, r#"[{"name":"a","columns":[1],"rows":[]}]"#]
    {
        assert_eq!(error_name(nagar_wasm::write_xlsx(parse(bad)).unwrap_err()), "InputError", "{bad}");
    }
    for bad in ["null", "{}", r#"{"columns":[{"id":"x","check":"maybe"}]}"#] {
        assert_eq!(error_name(nagar_wasm::template_xlsx(parse(bad)).unwrap_err()), "InputError", "{bad}");
    }
    // A framework file, read by the full module and loaded here.
    let src = nagar_io::builtin::framework_source("mpi-2019").unwrap();
    let fwv = nagar_wasm::read_framework(src.as_bytes(), "mine.toml").unwrap();
    let info = json(ws.load_framework_value(fwv, src.as_bytes(), "mine.toml").unwrap());
    assert_eq!(info["source"], "mine.toml");
    let broken = nagar_wasm::read_framework(b"id = 1", "broken.toml").unwrap_err();
    assert_eq!(error_name(broken), "FrameworkError");
}

/// A COINr iMeta table as a workbook: read by the spreadsheet-reading module, converted by the
/// full module, it is the same framework as the same table as CSV; `readFramework` sends a
/// workbook back to be read that way.
#[cfg(all(feature = "spreadsheet", feature = "analysis"))]
#[wasm_bindgen_test]
fn imeta_workbooks_give_the_framework_of_the_same_csv() {
    use nagar_core::output::{OutCell, Sheet};
    let csv = "iCode,Parent,Type,Weight,Direction,iName\n\
               a,Index,Indicator,1,1,Alpha\n\
               b,Index,Indicator,2,-1,Beta\n\
               Index,,Aggregate,1,NA,The index\n";
    let from_csv = json(nagar_wasm::read_framework(csv.as_bytes(), "mine.csv").unwrap());
    let text = |s: &str| OutCell::Text(s.to_string());
    let rows = vec![
        vec![text("a"), text("Index"), text("Indicator"), OutCell::Number(1.0), OutCell::Number(1.0), text("Alpha")],
        vec![text("b"), text("Index"), text("Indicator"), OutCell::Number(2.0), OutCell::Number(-1.0), text("Beta")],
        vec![text("Index"), OutCell::Empty, text("Aggregate"), OutCell::Number(1.0), text("NA"), text("The index")],
    ];
    let columns = ["iCode", "Parent", "Type", "Weight", "Direction", "iName"].map(String::from).to_vec();
    let sheet = Sheet { name: "iMeta".into(), columns, rows };
    let xlsx = nagar_wasm::write_xlsx(nagar_wasm::to_js(&[sheet]).unwrap()).unwrap();
    let e = nagar_wasm::read_framework(&xlsx, "mine.xlsx").unwrap_err();
    assert_eq!(error_name(e), "NeedsSpreadsheet");
    let table = nagar_wasm::read_spreadsheet(&xlsx, "mine.xlsx", None).unwrap();
    let from_xlsx = json(nagar_wasm::framework_from_table(table, "mine.xlsx").unwrap());
    assert_eq!(from_xlsx["indicators"].as_array().map(Vec::len), Some(2));
    assert_eq!(from_xlsx.to_string().replace("mine.xlsx", "mine.csv"), from_csv.to_string());
    // An iMeta table with a mistake is a framework error naming the row.
    let bad = nagar_wasm::read_spreadsheet(&xlsx, "mine.xlsx", None).unwrap();
    let mut bad = json(bad);
    bad["table"]["rows"][1][3] = serde_json::json!("heavy");
    let e = nagar_wasm::framework_from_table(nagar_wasm::to_js(&bad).unwrap(), "mine.xlsx").unwrap_err();
    assert_eq!(error_name(e.clone()), "FrameworkError");
    let message = js_sys::Error::from(e).message().as_string().unwrap();
    assert!(message.contains("mine.xlsx, row 3") && message.contains("heavy"), "{message}");
}

/// The spreadsheet-reading module leaves out XLS/XLSB (nagar-io's `legacy-spreadsheet`): such a
/// file is a `DataError` naming the file and asking for .xlsx, for data and framework files
/// alike (the page reads an iMeta workbook there too).
#[cfg(feature = "spreadsheet")]
#[wasm_bindgen_test]
fn old_binary_workbooks_ask_for_xlsx() {
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(4096, 0);
    for name in ["cities-2019.xls", "imeta.xls"] {
        let e = nagar_wasm::read_spreadsheet(&ole, name, None).unwrap_err();
        assert_eq!(error_name(e.clone()), "DataError");
        let message = js_sys::Error::from(e).message().as_string().unwrap();
        assert!(
            message.starts_with(&format!("{name}: Excel 97-2003 (.xls) workbooks cannot be read here")),
            "{message}"
        );
        assert!(message.contains("save it as Excel Workbook (.xlsx)"), "{message}");
    }
    // A CSV or JSON file is not read here: the main module reads those.
    let e = nagar_wasm::read_spreadsheet(b"ulb_id\nA1\n", "data.csv", None).unwrap_err();
    assert_eq!(error_name(e), "DataError");
}
