//! The robustness binding under Node (`wasm-pack test --node crates/nagar-wasm --features
//! spreadsheet,analysis,audit,robustness`): the page's flow on the MPI demo data (weights ±25% at
//! vertical and sector level, the three missing-data policies) run in parts of any size gives the
//! same files, byte for byte, as nagar-core's `Engine::run` over the whole design written by
//! nagar-io (what `nagar robustness` writes); the summary holds the numbers of rankstats.csv; bad
//! specifications fail with a `SettingsError` that says why, never a panic.
#![cfg(all(target_arch = "wasm32", feature = "main", feature = "robustness"))]

use js_sys::{Float64Array, Reflect, Uint32Array};
use nagar_core::robustness::{design_for, Engine, Spec};
use nagar_wasm::Workspace;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

mod common;
use common::{error_name, json};

/// The page's flow: the built-in MPI framework, the demo file read as CSV, scored.
fn demo() -> (Workspace, String) {
    let mut ws = Workspace::new();
    ws.use_builtin("mpi-2019").unwrap();
    let csv = ws.demo_csv(120, 2019).unwrap();
    ws.load_data(csv.as_bytes(), "demo.csv").unwrap();
    ws.score().unwrap();
    (ws, csv)
}

fn spec_json(kind: &str, n: usize) -> serde_json::Value {
    serde_json::json!({
        "type": kind, "n": n, "seed": 42, "nboot": 20, "top_n": 10,
        "weights": [{ "levels": [2, 3], "noise": 0.25 }],
        "missing": ["reweight", "mean", "worst"],
    })
}

fn js(v: &serde_json::Value) -> JsValue {
    nagar_wasm::to_js(v).unwrap()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap()
}

/// Runs the design in parts of `size` and joins them as the page does.
fn run_in_parts(
    ws: &Workspace,
    spec: &serde_json::Value,
    reps: usize,
    size: usize,
) -> (Vec<f64>, Vec<u32>, Vec<u32>, JsValue) {
    let (mut s, mut r, mut g) = (Vec::new(), Vec::new(), Vec::new());
    let mut failures = Vec::new();
    let mut calls = 0;
    let progress = js_sys::Function::new_no_args("");
    for from in (0..reps).step_by(size) {
        let part = ws.robustness_run(js(spec), from, (from + size).min(reps), Some(progress.clone())).unwrap();
        assert_eq!(get(&part, "first").as_f64(), Some(from as f64));
        s.extend(Float64Array::from(get(&part, "scores")).to_vec());
        r.extend(Uint32Array::from(get(&part, "ranks")).to_vec());
        g.extend(Uint32Array::from(get(&part, "groupSizes")).to_vec());
        failures.extend(json(get(&part, "failures")).as_array().unwrap().clone());
        calls += 1;
    }
    assert!(calls >= 1);
    (s, r, g, js(&serde_json::Value::Array(failures)))
}

#[wasm_bindgen_test]
fn parts_give_the_files_nagar_robustness_writes() {
    let (ws, csv) = demo();
    for (kind, n) in [("ua", 30), ("sa", 5)] {
        let spec = spec_json(kind, n);
        let plan = json(ws.robustness_plan(js(&spec)).unwrap());
        let reps = plan["reps"].as_u64().unwrap() as usize;
        assert_eq!(reps, if kind == "ua" { 30 } else { 5 * (2 + 2) }, "{plan}");
        assert_eq!(plan["inputs"].as_array().unwrap().len(), 2);

        // The same analysis straight from nagar-core, as the CLI runs it (whole design at once).
        let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
        let table = nagar_io::read_data(csv.as_bytes(), "demo.csv", &nagar_io::ReadOptions::default()).unwrap().table;
        let w = Default::default();
        let nominal = nagar_core::pipeline::score(&fw, &table, &fw.settings, &w).unwrap();
        let core_spec: Spec = serde_json::from_value(spec.clone()).unwrap();
        let design = design_for(&core_spec, &fw, &nominal).unwrap();
        let whole = Engine::new(&fw, &table, &nominal, &w).run(&design).unwrap();
        let (scores, ranks) = whole.scores_sheets();
        let mut want = vec![
            ("design.csv", nagar_io::write_csv(&design.sheet())),
            ("scores.csv", nagar_io::write_csv(&scores)),
            ("ranks.csv", nagar_io::write_csv(&ranks)),
            ("rankstats.csv", nagar_io::write_csv(&whole.rankstats_sheet(10))),
        ];
        if kind == "sa" {
            let s = whole.sensitivity(None, 20, 42).unwrap();
            want.push(("sensitivity.csv", nagar_io::write_csv(&whole.sensitivity_sheet(&s))));
        }
        for size in [1, 7, reps] {
            let (s, r, g, f) = run_in_parts(&ws, &spec, reps, size);
            for (name, text) in &want {
                let got = ws.robustness_csv(name, js(&spec), s.clone(), r.clone(), g.clone(), f.clone()).unwrap();
                assert_eq!(String::from_utf8(got).unwrap(), *text, "{kind} {name}, parts of {size}");
            }
            // The units' statistics in two ranges (two workers), handed to the summary, give the
            // same summary as computing them there.
            let n_units = ws.robustness_plan(js(&spec)).map(|p| json(p)["units"].as_u64().unwrap() as usize).unwrap();
            let mid = n_units / 2 + 1;
            let mut packed =
                ws.robustness_unit_stats(js(&spec), s.clone(), r.clone(), g.clone(), f.clone(), 0, mid).unwrap();
            packed.extend(
                ws.robustness_unit_stats(js(&spec), s.clone(), r.clone(), g.clone(), f.clone(), mid, n_units).unwrap(),
            );
            let joined = json(
                ws.robustness_summary(js(&spec), s.clone(), r.clone(), g.clone(), f.clone(), Some(packed)).unwrap(),
            );
            let sum = json(ws.robustness_summary(js(&spec), s, r, g, f, None).unwrap());
            assert_eq!(joined, sum, "{kind}: unit statistics in ranges");
            let st = whole.unit_stats(10);
            // Undefined numbers (an unranked unit's quantiles) are null. (The test reads the value
            // back through serde_json's parser, which may be one ulp off: 113.45 vs
            // 113.44999999999999; the CSV files above are compared byte for byte.)
            let same = |got: &serde_json::Value, want: f64| match got.as_f64() {
                Some(g) => (g - want).abs() <= 1e-12 * want.abs().max(1.0),
                None => got.is_null() && !want.is_finite(),
            };
            assert!(st.iter().any(|x| x.rank.q5.is_finite()));
            for (u, x) in st.iter().enumerate() {
                assert!(same(&sum["rank_q5"][u], x.rank.q5), "{kind} unit {u}: {} {}", sum["rank_q5"][u], x.rank.q5);
                assert!(same(&sum["rank_q95"][u], x.rank.q95), "{kind} unit {u}");
                assert!(same(&sum["rank_median"][u], x.rank.median), "{kind} unit {u}");
                assert!(same(&sum["p_top"][u], x.p_top), "{kind} unit {u}");
                assert!(same(&sum["p_bottom"][u], x.p_bottom), "{kind} unit {u}");
            }
            assert_eq!(sum["sensitivity"].is_null(), kind == "ua");
        }
    }
}

#[wasm_bindgen_test]
fn bad_specifications_say_why() {
    let (ws, _) = demo();
    let cases = [
        (serde_json::json!({ "n": 2, "missing": ["reweight", "worst"] }), "N must be"),
        (
            serde_json::json!({ "type": "sa", "n": 10, "missing": ["reweight", "worst"] }),
            "at least two uncertain inputs",
        ),
        (serde_json::json!({ "n": 10, "weights": [{ "levels": [2], "noise": 1.0 }] }), "noise"),
        (serde_json::json!({ "n": 10, "weights": [{ "levels": [2], "noise": -0.1 }] }), "noise"),
        (serde_json::json!({ "n": 10, "missing": ["reweight", "sometimes"] }), "sometimes"),
        (serde_json::json!({ "n": 10, "missing": ["worst"] }), "at least two alternatives"),
    ];
    for (spec, words) in cases {
        let e = ws.robustness_plan(js(&spec)).unwrap_err();
        assert_eq!(error_name(e.clone()), "SettingsError", "{spec}");
        let m = js_sys::Error::from(e).message().as_string().unwrap();
        assert!(m.contains(words), "{spec}: {m}");
        assert!(ws.robustness_run(js(&spec), 0, 1, None).is_err());
    }
    // Unknown fields and a range beyond the design: named input errors.
    let e = ws.robustness_plan(js(&serde_json::json!({ "replications": 10 }))).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    let ok = spec_json("ua", 5);
    assert_eq!(error_name(ws.robustness_run(js(&ok), 3, 9, None).unwrap_err()), "InputError");
    // Arrays that do not fit the design.
    let e = ws.robustness_summary(js(&ok), vec![1.0; 3], vec![1; 3], vec![], JsValue::NULL, None).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    // Unit statistics that do not fit the units.
    let plan = json(ws.robustness_plan(js(&ok)).unwrap());
    let (reps, units) = (plan["reps"].as_u64().unwrap() as usize, plan["units"].as_u64().unwrap() as usize);
    let (s, r, g, f) = run_in_parts(&ws, &ok, reps, reps);
    let e = ws.robustness_summary(js(&ok), s.clone(), r.clone(), g.clone(), f.clone(), Some(vec![0.0; 7])).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    let e = ws.robustness_unit_stats(js(&ok), s, r, g, f, 0, units + 1).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    // Nothing scored yet.
    let mut empty = Workspace::new();
    empty.use_builtin("mpi-2019").unwrap();
    assert_eq!(error_name(empty.robustness_plan(js(&ok)).unwrap_err()), "InputError");
}
