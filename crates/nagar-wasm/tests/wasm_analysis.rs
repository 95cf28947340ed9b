//! The analysis bindings under Node (`wasm-pack test --node crates/nagar-wasm --features spreadsheet,analysis`): pairing, peers,
//! preview with its id-collision choice, what-if and its errors, explain and improve — the calls
//! the page's Sister cities and Preview views make.
#![cfg(all(target_arch = "wasm32", feature = "main", feature = "analysis"))]

use nagar_wasm::Workspace;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

mod common;
use common::{error_name, json, results};

fn demo() -> (Workspace, String) {
    let mut ws = Workspace::new();
    ws.use_builtin("mpi-2019").unwrap();
    ws.load_demo(120, 2019).unwrap();
    ws.score().unwrap();
    let csv = ws.demo_csv(120, 2019).unwrap();
    (ws, csv)
}

/// The demo file's header and row `k` (plain cells: the demo has no quoted fields with commas).
fn header_and_row(csv: &str, k: usize) -> (String, Vec<String>) {
    let mut lines = csv.lines();
    let header = lines.next().unwrap().to_string();
    let row = lines.nth(k).unwrap().split(',').map(String::from).collect();
    (header, row)
}

#[wasm_bindgen_test]
fn pairing_and_peers() {
    let (mut ws, _) = demo();
    let p = json(ws.pair(JsValue::UNDEFINED).unwrap());
    assert_eq!(p["pairs"].as_array().unwrap().len(), 20);
    let csv = ws.pairs_export_csv().unwrap();
    assert!(csv.starts_with("mentor_id,mentee_id,cost"));
    let mentee = p["pairs"][0]["mentee"]["id"].as_str().unwrap().to_string();
    let nodes = json(ws.search_nodes().unwrap());
    let sector = nodes[0]["id"].as_str().unwrap().to_string();
    let peers = json(ws.peers(&mentee, &sector, JsValue::UNDEFINED).unwrap());
    assert_eq!(peers["node"]["id"], sector.as_str());
    // N = 0 is refused with a message, never a panic.
    let bad = nagar_wasm::to_js(&serde_json::json!({ "n": 0 })).unwrap();
    match ws.pair(bad) {
        Err(e) => assert_eq!(error_name(e), "SettingsError"),
        Ok(v) => assert!(json(v)["pairs"].as_array().unwrap().is_empty()),
    }
    // A peer search for an unknown sector says which ones exist.
    assert_eq!(error_name(ws.peers(&mentee, "9.9", JsValue::UNDEFINED).unwrap_err()), "SettingsError");
}

#[wasm_bindgen_test]
fn preview_what_if_explain_improve() {
    let (mut ws, csv) = demo();
    let (header, mut row) = header_and_row(&csv, 17);
    // An id already published: the page must ask.
    let clash = format!("{header}\n{}\n", row.join(","));
    assert_eq!(error_name(ws.load_my_rows(clash.as_bytes(), "mine.csv", None).unwrap_err()), "IdCollision");
    let r = json(ws.load_my_rows(clash.as_bytes(), "mine.csv", Some("add-as-new".into())).unwrap());
    assert!(r["mine"][0]["id"].as_str().unwrap().ends_with("-mine"));
    // A new id: my scores, and only the cities whose rank moves.
    row[0] = "MY-1".into();
    let mine = format!("{header}\n{}\n", row.join(","));
    let r = json(ws.load_my_rows(mine.as_bytes(), "mine.csv", None).unwrap());
    assert_eq!(r["mine"][0]["id"], "MY-1");
    let index = r["mine"][0]["index"].as_f64().unwrap();
    assert!(r["moves"].as_array().unwrap().iter().all(|m| m["change"] != 0));
    assert_eq!(r["moves"].as_array().unwrap().len() + r["unchanged"].as_u64().unwrap() as usize, 120);
    // Why: baseline + contributions = index.
    let e = json(ws.explain("MY-1").unwrap());
    let sum = e["baseline"].as_f64().unwrap()
        + e["rows"].as_array().unwrap().iter().map(|x| x["contribution"].as_f64().unwrap()).sum::<f64>();
    assert!((sum - index).abs() < 1e-9);
    let imp = json(ws.improve("MY-1", JsValue::UNDEFINED).unwrap());
    assert!(!imp["rows"].as_array().unwrap().is_empty());
    // What-if: a bad value changes nothing; a good one moves the index.
    assert_eq!(error_name(ws.what_if_set("teachers_actual", "lots").unwrap_err()), "InputError");
    let form = json(ws.what_if_form().unwrap());
    assert!(form.as_array().unwrap().len() > 10);
    let ch = json(ws.what_if_set("teachers_actual", "1").unwrap());
    let after = ch["result"]["scores"]["index"].as_f64().unwrap();
    assert_ne!(after, index);
    assert_eq!(ch["report"]["mine"][0]["index"].as_f64().unwrap(), after);
    // The combined data with my change scores the same from scratch.
    let combined = ws.what_if_csv().unwrap();
    let mut fresh = Workspace::new();
    fresh.use_builtin("mpi-2019").unwrap();
    fresh.load_data(combined.as_bytes(), "combined.csv").unwrap();
    let res = results(fresh.score().unwrap());
    let me = res["units"].as_array().unwrap().iter().find(|u| u["id"] == "MY-1").unwrap().clone();
    assert!((me["index"].as_f64().unwrap() - after).abs() < 1e-9);
    // New data forgets the preview.
    ws.load_demo(120, 2019).unwrap();
    ws.score().unwrap();
    assert_eq!(error_name(ws.preview_report().unwrap_err()), "InputError");
}
