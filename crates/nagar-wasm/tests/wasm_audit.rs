//! The audit binding under Node (`wasm-pack test --node crates/nagar-wasm --features
//! spreadsheet,analysis`): the page's flow (read the COINr iMeta framework, load the ASEM data,
//! set the nominal options, score, audit) gives COINr's numbers from
//! `shared/data/coinr-asem/robustness/` (embedded at compile time: the shared folder must be
//! beside the repository), and bad requests fail with a named error, never a panic.
#![cfg(all(target_arch = "wasm32", feature = "main", feature = "analysis"))]

use nagar_wasm::Workspace;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

mod common;
use common::{error_name, json};

macro_rules! shared {
    ($p:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/coinr-asem/", $p))
    };
}

const IMETA: &str = shared!("ASEM_iMeta.csv");
const IDATA: &str = shared!("ASEM_iData.csv");

fn asem() -> Workspace {
    let mut ws = Workspace::new();
    let fw = nagar_wasm::read_framework(IMETA.as_bytes(), "ASEM_iMeta.csv").unwrap();
    ws.load_framework_value(fw, IMETA.as_bytes(), "ASEM_iMeta.csv").unwrap();
    ws.load_data(IDATA.as_bytes(), "ASEM_iData.csv").unwrap();
    let opts = nagar_wasm::to_js(&serde_json::json!({ "normalise": "minmax:1,100", "aggregate": "amean" })).unwrap();
    ws.set_options(opts).unwrap();
    ws.score().unwrap();
    ws
}

/// A reference CSV (no quoted commas in these files) as rows of fields, quotes removed.
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines().skip(1).map(|l| l.split(',').map(|f| f.trim_matches('"').to_string()).collect()).collect()
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() <= 1e-9, "{what}: COINr {a}, ours {b}");
}

#[wasm_bindgen_test]
fn audit_json_gives_coinr_numbers() {
    let ws = asem();
    let a = json(ws.audit(JsValue::UNDEFINED).unwrap());
    assert_eq!(a["levels"], serde_json::json!([1, 2, 3]));
    let find = |list: &str, key: &str, id: &str| {
        a[list].as_array().unwrap().iter().find(|x| x[key] == id).unwrap_or_else(|| panic!("{list} {id}")).clone()
    };
    for r in rows(shared!("robustness/corr_with_parent.csv")) {
        let got = find("corr_with_parent", "element", &r[0]);
        assert_eq!(got["with"], r[1].as_str());
        close(r[4].parse().unwrap(), got["r"].as_f64().unwrap(), &r[0]);
    }
    for r in rows(shared!("robustness/cronbach_level1.csv")) {
        let got = find("coherence", "aggregate", &r[0]);
        assert_eq!(got["level"], 1);
        close(r[2].parse().unwrap(), got["alpha"].as_f64().unwrap(), &r[0]);
    }
    for r in rows(shared!("robustness/pca_level1.csv")) {
        let got = find("coherence", "aggregate", &r[0]);
        let k = got["children"].as_array().unwrap().iter().position(|c| c == r[1].as_str()).unwrap();
        assert_eq!(got["n_complete"].as_u64().unwrap().to_string(), r[2]);
        close(r[3].parse().unwrap(), got["pc1_variance_share"].as_f64().unwrap(), &r[0]);
        close(r[4].parse().unwrap(), got["loadings"][k].as_f64().unwrap().abs(), &r[1]);
    }
    for r in rows(shared!("robustness/remove_level1.csv")) {
        close(
            r[1].parse().unwrap(),
            find("removal", "element", &r[0])["mean_abs_rank_change"].as_f64().unwrap(),
            &r[0],
        );
    }
    for r in rows(shared!("robustness/stats_raw.csv")) {
        let got = find("stats_raw", "id", &r[0]);
        close(r[3].parse().unwrap(), got["mean"].as_f64().unwrap(), &r[0]);
        close(r[6].parse().unwrap(), got["skew"].as_f64().unwrap(), &r[0]);
        assert_eq!(got["flag_skew_kurt"], r[19].as_str(), "{}", r[0]);
    }
    assert!(a["flags"].as_array().unwrap().iter().any(|f| f["kind"] == "low_alpha" && f["element"] == "SusEcFin"));
}

#[wasm_bindgen_test]
fn audit_sheets_are_the_cli_tables_and_bad_requests_are_named_errors() {
    let ws = asem();
    let opts = nagar_wasm::to_js(&serde_json::json!({ "corr": "spearman", "levels": [1] })).unwrap();
    let sheets = json(ws.audit_sheets(opts).unwrap());
    let names: Vec<&str> = sheets.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(&names[..5], ["stats_raw", "corr_with_parent", "cronbach_level1", "pca_level1", "remove_level1"]);
    assert_eq!(sheets[1]["rows"][0][3], "spearman");

    for bad in [serde_json::json!({ "corr": "kendall" }), serde_json::json!({ "levels": [4] })] {
        let e = ws.audit(nagar_wasm::to_js(&bad).unwrap()).unwrap_err();
        assert_eq!(error_name(e), "SettingsError", "{bad}");
    }
    let e = ws.audit(nagar_wasm::to_js(&serde_json::json!({ "level": 1 })).unwrap()).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    // Nothing scored yet: a named error.
    assert_eq!(error_name(Workspace::new().audit(JsValue::UNDEFINED).unwrap_err()), "InputError");
}
