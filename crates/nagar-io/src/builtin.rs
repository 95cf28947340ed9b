//! The frameworks built into every nagar build (CLI and wasm), and the synthetic demo data.
//! Framework files are data in `frameworks/`, embedded at compile time.

use nagar_core::output::{OutCell, Sheet};
use nagar_core::{CellRef, Framework, RawTable};

const BUILTIN: &[(&str, &str)] = &[("mpi-2019", include_str!("../../../frameworks/mpi-2019.toml"))];

/// The label every export of demo results carries.
pub const DEMO_NOTE: &str = "synthetic demo data";

/// Names of the built-in frameworks.
pub fn names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// The TOML source of a built-in framework.
pub fn framework_source(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// A built-in framework, parsed and validated (tested for every built-in).
pub fn framework(name: &str) -> Option<Framework> {
    framework_source(name).and_then(|src| crate::load_framework(src.as_bytes(), &format!("{name}.toml")).ok())
}

/// Synthetic demo data for a framework: `n` ULBs from the Census 2011 city table, seeded.
pub fn demo_table(fw: &Framework, n: usize, seed: u64) -> Result<RawTable, String> {
    if n == 0 {
        return Err("the demo needs at least one ULB".into());
    }
    if n > 100_000 {
        return Err(format!("{n} ULBs is more than the demo generator makes (at most 100,000)"));
    }
    Ok(nagar_core::demo::demo_table(fw, &nagar_core::demo::census_cities(), n, seed))
}

/// The demo data set the page offers ("Try the demo data"): 120 ULBs, seed 2019.
pub fn demo_default(fw: &Framework) -> RawTable {
    nagar_core::demo::demo_default(fw)
}

/// `Some("synthetic demo data")` when the table is the demo generator's (its file name, or every
/// id of the first column in the generator's `DEMO-` form), so exports say so.
pub fn dataset_note(table: &RawTable) -> Option<String> {
    let generated = table.file.starts_with("demo (seed ");
    let demo_ids =
        !table.is_empty() && table.rows().all(|r| matches!(r.get(0), Some(CellRef::Text(s)) if s.starts_with("DEMO-")));
    (generated || demo_ids).then(|| DEMO_NOTE.to_string())
}

/// A raw table as a sheet (to write the demo data or a normalised copy of an input).
pub fn table_to_sheet(table: &RawTable) -> Sheet {
    let rows = table
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    CellRef::Empty => OutCell::Empty,
                    CellRef::Number(x) => OutCell::num(x),
                    CellRef::Bool(b) => OutCell::Text(if b { "Y" } else { "N" }.into()),
                    CellRef::Text(s) => OutCell::Text(s.to_string()),
                })
                .collect()
        })
        .collect();
    Sheet { name: "Data".into(), columns: table.columns.clone(), rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_framework_loads_and_validates() {
        for name in names() {
            let fw = framework(name).unwrap_or_else(|| panic!("{name} does not load"));
            assert_eq!(fw.id, name);
        }
    }

    #[test]
    fn demo_tables_are_labelled_as_synthetic() {
        let fw = framework("mpi-2019").unwrap();
        let t = demo_table(&fw, 12, 7).unwrap();
        assert_eq!(dataset_note(&t).as_deref(), Some(DEMO_NOTE));
        let mut renamed = t.clone();
        renamed.file = "my-copy.csv".into();
        assert_eq!(dataset_note(&renamed).as_deref(), Some(DEMO_NOTE), "recognised by its DEMO- ids");
        let real = RawTable::new("x.csv", vec!["ulb_id".into()]);
        assert_eq!(dataset_note(&real), None);
    }

    #[test]
    fn the_demo_note_is_the_catalogues_so_exports_can_translate_it() {
        assert_eq!(DEMO_NOTE, nagar_core::i18n::text("en", "dataset.demo"));
    }
}
