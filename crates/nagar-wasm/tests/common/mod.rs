//! Helpers shared by the wasm test binaries.
#![allow(dead_code)]

use serde_json::{json, Map, Value};
use wasm_bindgen::JsValue;

/// A JS value as the page would see it after `JSON.stringify`.
pub fn json(v: JsValue) -> Value {
    let text: String = js_sys::JSON::stringify(&v).expect("a JSON-like value").into();
    serde_json::from_str(&text).expect("JSON")
}

/// The `name` of a JS `Error` (the error kind).
pub fn error_name(e: JsValue) -> String {
    js_sys::Reflect::get(&e, &"name".into()).unwrap().as_string().unwrap()
}

/// `Workspace.score`'s packed value (`json`: the `PackedResults` as JSON text, `unit_numbers`)
/// as `Results` (units as objects), written from the layout that `PackedResults` documents,
/// independently of the page's unpacking code.
pub fn results(packed: JsValue) -> Value {
    let numbers = js_sys::Reflect::get(&packed, &"unit_numbers".into()).unwrap();
    let numbers = js_sys::Float64Array::from(numbers).to_vec();
    let text = js_sys::Reflect::get(&packed, &"json".into()).unwrap().as_string().expect("`json` is a string");
    let mut r: Value = serde_json::from_str(&text).expect("`json` is JSON");
    let nv = r["verticals"].as_array().unwrap().len();
    let ns = r["sectors"].as_array().unwrap().len();
    let width = 5 + nv + ns;
    let text = r["unit_text"].clone();
    let n = text["id"].as_array().unwrap().len();
    assert_eq!(numbers.len(), n * width, "unit_numbers has {width} numbers per unit");
    let num = |x: f64| if x.is_nan() { Value::Null } else { json!(x) };
    let int = |x: f64| if x.is_nan() { Value::Null } else { json!(x as u64) };
    let units: Vec<Value> = (0..n)
        .map(|u| {
            let o = &numbers[u * width..(u + 1) * width];
            let mut m = Map::new();
            for k in ["id", "name", "state", "zone", "tier", "flag"] {
                m.insert(k.into(), text[k][u].clone());
            }
            m.insert("population".into(), num(o[0]));
            m.insert("coverage".into(), json!(o[1]));
            m.insert("index".into(), num(o[2]));
            m.insert("rank".into(), int(o[3]));
            m.insert("rank_in_tier".into(), int(o[4]));
            m.insert("verticals".into(), o[5..5 + nv].iter().map(|&x| num(x)).collect());
            m.insert("sectors".into(), o[5 + nv..].iter().map(|&x| num(x)).collect());
            Value::Object(m)
        })
        .collect();
    let obj = r.as_object_mut().unwrap();
    obj.remove("unit_text");
    obj.insert("units".into(), Value::Array(units));
    r
}
