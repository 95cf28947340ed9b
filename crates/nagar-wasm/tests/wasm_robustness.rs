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

/// What the page's workers hand back, joined: every replication's arrays, the failures, each
/// range of units' columns of every part, and (SA) the outputs.
struct Joined {
    s: Vec<f64>,
    r: Vec<u32>,
    g: Vec<u32>,
    f: JsValue,
    columns: Vec<js_sys::Array>,
    output: Option<Vec<f64>>,
}

/// Runs the design in parts of `size` (each handing back the columns of the unit ranges
/// `bounds`) and joins them as the page does.
fn run_in_parts(ws: &Workspace, spec: &serde_json::Value, reps: usize, size: usize, bounds: &[u32]) -> Joined {
    let (mut s, mut r, mut g) = (Vec::new(), Vec::new(), Vec::new());
    let mut failures = Vec::new();
    let columns: Vec<js_sys::Array> = (1..bounds.len()).map(|_| js_sys::Array::new()).collect();
    let mut output: Option<Vec<f64>> = None;
    let progress = js_sys::Function::new_no_args("");
    for from in (0..reps).step_by(size) {
        let part = ws
            .robustness_run(js(spec), from, (from + size).min(reps), Some(progress.clone()), Some(bounds.to_vec()))
            .unwrap();
        assert_eq!(get(&part, "first").as_f64(), Some(from as f64));
        s.extend(Float64Array::from(get(&part, "scores")).to_vec());
        r.extend(Uint32Array::from(get(&part, "ranks")).to_vec());
        g.extend(Uint32Array::from(get(&part, "groupSizes")).to_vec());
        failures.extend(json(get(&part, "failures")).as_array().unwrap().clone());
        let cols = js_sys::Array::from(&get(&part, "columns"));
        assert_eq!(cols.length() as usize, columns.len());
        for (j, c) in cols.iter().enumerate() {
            columns[j].push(&c);
        }
        let y = get(&part, "output");
        if !y.is_undefined() {
            output.get_or_insert_with(Vec::new).extend(Float64Array::from(y).to_vec());
        }
    }
    Joined { s, r, g, f: js(&serde_json::Value::Array(failures)), columns, output }
}

/// The units' statistics of every range (one worker each), packed in unit order.
fn unit_stats(ws: &Workspace, spec: &serde_json::Value, j: &Joined, bounds: &[u32]) -> Vec<f64> {
    let mut packed = Vec::new();
    for (k, w) in bounds.windows(2).enumerate() {
        packed.extend(
            ws.robustness_unit_stats(
                js(spec),
                j.columns[k].clone(),
                j.g.clone(),
                j.f.clone(),
                w[0] as usize,
                w[1] as usize,
            )
            .unwrap(),
        );
    }
    packed
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
        let n_units = plan["units"].as_u64().unwrap() as usize;
        let bounds = [0, n_units as u32 / 2 + 1, n_units as u32];
        for size in [1, 7, reps] {
            let j = run_in_parts(&ws, &spec, reps, size, &bounds);
            for (name, text) in &want {
                let got =
                    ws.robustness_csv(name, js(&spec), j.s.clone(), j.r.clone(), j.g.clone(), j.f.clone()).unwrap();
                assert_eq!(String::from_utf8(got).unwrap(), *text, "{kind} {name}, parts of {size}");
            }
            // The units' statistics in two ranges (two workers) from the parts' columns, and
            // the outputs, handed to the summary.
            assert_eq!(j.output.is_some(), kind == "sa");
            let packed = unit_stats(&ws, &spec, &j, &bounds);
            let sum = json(ws.robustness_summary(js(&spec), j.output.clone(), j.f.clone(), packed).unwrap());
            if kind == "sa" {
                let want = whole.sensitivity(None, 20, 42).unwrap();
                for (k, (_, x)) in want.iter().enumerate() {
                    let got = sum["sensitivity"][k]["sti"].as_f64().unwrap();
                    assert!((got - x.sti).abs() <= 1e-12 * x.sti.abs().max(1.0), "{kind}: STi {got} {}", x.sti);
                }
            }
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
        assert!(ws.robustness_run(js(&spec), 0, 1, None, None).is_err());
    }
    // Unknown fields and a range beyond the design: named input errors.
    let e = ws.robustness_plan(js(&serde_json::json!({ "replications": 10 }))).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    let ok = spec_json("ua", 5);
    assert_eq!(error_name(ws.robustness_run(js(&ok), 3, 9, None, None).unwrap_err()), "InputError");
    // Unit statistics that do not fit the units, and a summary without them.
    let plan = json(ws.robustness_plan(js(&ok)).unwrap());
    let (reps, units) = (plan["reps"].as_u64().unwrap() as usize, plan["units"].as_u64().unwrap() as usize);
    let bounds = [0, units as u32];
    let j = run_in_parts(&ws, &ok, reps, reps, &bounds);
    let e = ws.robustness_summary(js(&ok), None, j.f.clone(), vec![0.0; 7]).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    let e =
        ws.robustness_unit_stats(js(&ok), j.columns[0].clone(), j.g.clone(), j.f.clone(), 0, units + 1).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    let e = ws.robustness_unit_stats(js(&ok), js_sys::Array::new(), j.g.clone(), j.f.clone(), 0, units).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    // A sensitivity analysis's summary needs every replication's output.
    let sa = spec_json("sa", 5);
    let e = ws.robustness_summary(js(&sa), Some(vec![1.0; 3]), JsValue::NULL, vec![f64::NAN; 10 * units]).unwrap_err();
    assert_eq!(error_name(e), "InputError");
    assert!(ws.robustness_run(js(&ok), 0, 2, None, Some(vec![0, units as u32 + 1])).is_err());
    // Nothing scored yet.
    let mut empty = Workspace::new();
    empty.use_builtin("mpi-2019").unwrap();
    assert_eq!(error_name(empty.robustness_plan(js(&ok)).unwrap_err()), "InputError");
}

#[wasm_bindgen_test]
fn a_design_file_is_replayed_and_one_that_does_not_fit_is_refused_naming_the_column() {
    let (ws, _) = demo();
    let spec = spec_json("sa", 5);
    // The design as `nagar robustness` writes it, from a run of the analysis.
    let plan = json(ws.robustness_plan(js(&spec)).unwrap());
    let (reps, units) = (plan["reps"].as_u64().unwrap() as usize, plan["units"].as_u64().unwrap() as usize);
    let j = run_in_parts(&ws, &spec, reps, reps, &[0, units as u32]);
    let text = String::from_utf8(
        ws.robustness_csv("design.csv", js(&spec), j.s.clone(), j.r.clone(), j.g.clone(), j.f.clone()).unwrap(),
    )
    .unwrap();
    // Replayed (the design sets the type, N and the inputs: another N is not used), the same
    // replications: the same files.
    let mut replay = spec.clone();
    replay["n"] = 99.into();
    replay["design"] = serde_json::json!({ "name": "design.csv", "text": text });
    let p2 = json(ws.robustness_plan(js(&replay)).unwrap());
    assert_eq!((p2["kind"].as_str(), p2["reps"].as_u64()), (Some("sa"), Some(reps as u64)));
    let j2 = run_in_parts(&ws, &replay, reps, 7, &[0, units as u32]);
    for name in ["design.csv", "ranks.csv", "sensitivity.csv"] {
        let a = ws.robustness_csv(name, js(&spec), j.s.clone(), j.r.clone(), j.g.clone(), j.f.clone()).unwrap();
        let b = ws.robustness_csv(name, js(&replay), j2.s.clone(), j2.r.clone(), j2.g.clone(), j2.f.clone()).unwrap();
        assert_eq!(a, b, "{name}");
    }
    // A column that names nothing in the framework: a SettingsError naming the file and column.
    let bad = text.replacen("weight:", "weight:nowhere_", 1);
    replay["design"] = serde_json::json!({ "name": "mine.csv", "text": bad });
    let e = ws.robustness_plan(js(&replay)).unwrap_err();
    assert_eq!(error_name(e.clone()), "SettingsError");
    let m = js_sys::Error::from(e).message().as_string().unwrap();
    assert!(m.starts_with("mine.csv: column \"weight:nowhere_"), "{m}");
}
