//! COINr's ASEM example as nagar-core values, for the robustness tests, the robustness bench and
//! the `ua_timing` example (each includes this file with `#[path]`): the shared data folder, its
//! CSV files as tables of text cells, and the ASEM framework from `ASEM_iMeta.csv`.
#![allow(dead_code)] // not every file that includes it uses each function

use std::path::PathBuf;

use nagar_core::{Cell, Framework, RawTable};

pub fn shared() -> PathBuf {
    let sibling = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if sibling.join("data").is_dir() {
        return sibling;
    }
    PathBuf::from(std::env::var("NAGAR_SHARED").expect("shared/ not beside the repository: set NAGAR_SHARED"))
}

/// A CSV file as a table of text cells (the pipeline parses them, `NA` counting as missing).
pub fn csv_table(rel: &str) -> RawTable {
    let path = shared().join(rel);
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cols: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let mut t = RawTable::new(path.file_name().unwrap().to_string_lossy(), cols);
    for (i, rec) in r.records().enumerate() {
        t.push_row(rec.unwrap().iter().map(|s| Cell::Text(s.to_string())).collect(), i + 2);
    }
    t
}

/// The ASEM framework from iMeta: indicators and aggregates with their parents, weights and
/// directions (what nagar-io's iMeta reader does, written out here so this test needs only nagar-core).
pub fn asem_framework() -> Framework {
    let meta = csv_table("data/coinr-asem/ASEM_iMeta.csv");
    let col = |name: &str| meta.columns.iter().position(|c| c == name).unwrap();
    let (ty, code, parent, weight, dir) = (col("Type"), col("iCode"), col("Parent"), col("Weight"), col("Direction"));
    let text = |r: usize, k: usize| meta.cell(r, k).display();
    let mut src = String::from("id = \"asem\"\nname = \"ASEM\"\n");
    for r in 0..meta.n_rows() {
        match text(r, ty).as_str() {
            "Aggregate" => {
                src += &format!(
                    "[[aggregates]]\nid = \"{}\"\nname = \"{}\"\nweight = {}\n",
                    text(r, code),
                    text(r, code),
                    text(r, weight)
                );
                if text(r, parent) != "NA" {
                    src += &format!("parent = \"{}\"\n", text(r, parent));
                }
            }
            "Indicator" => {
                src += &format!(
                    "[[indicators]]\nid = \"{}\"\nname = \"{}\"\nparent = \"{}\"\nweight = {}\ndirection = {}\n",
                    text(r, code),
                    text(r, code),
                    text(r, parent),
                    text(r, weight),
                    text(r, dir)
                );
            }
            _ => {}
        }
    }
    toml::from_str(&src).expect("ASEM framework")
}
