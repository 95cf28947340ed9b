//! `nagar audit` as a user runs it: on COINr's ASEM example with the nominal run of the shared
//! references (`--normalise minmax:1,100 --aggregate amean`), every file COINr wrote in
//! `shared/data/coinr-asem/robustness/` is reproduced by the file of the same name, cell by cell
//! (numbers to 1e-9, PCA loadings in absolute value; rows matched by their key columns); the
//! XLSX output holds the same tables as sheets; bad flags are refused with exit code 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nagar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nagar")).args(args).output().expect("nagar runs")
}

fn ok(o: &Output) {
    assert!(o.status.success(), "nagar failed: {}\n{}", o.status, String::from_utf8_lossy(&o.stderr));
}

/// `shared/` beside the repository, or `NAGAR_SHARED`. Missing data fails the test loudly.
fn shared(p: &str) -> PathBuf {
    let sibling = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let base = if sibling.join("data").is_dir() {
        sibling
    } else if let Ok(s) = std::env::var("NAGAR_SHARED") {
        PathBuf::from(s)
    } else {
        panic!("shared/ reference data not found beside the repository (set NAGAR_SHARED)");
    };
    base.join(p)
}

fn asem_args(out: &Path) -> Vec<String> {
    [
        "audit",
        "--framework",
        shared("data/coinr-asem/ASEM_iMeta.csv").to_str().unwrap(),
        "--data",
        shared("data/coinr-asem/ASEM_iData.csv").to_str().unwrap(),
        "--normalise",
        "minmax:1,100",
        "--aggregate",
        "amean",
        "--out",
        out.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    (header, r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect())
}

/// Same header; same rows by key; every cell equal (numbers to 1e-9, R's NA = empty cell).
/// Returns the number of numbers compared.
fn assert_same_table(
    name: &str,
    reference: (Vec<String>, Vec<Vec<String>>),
    ours: (Vec<String>, Vec<Vec<String>>),
    key: &[&str],
    abs: &[&str],
) -> usize {
    let (h, theirs) = reference;
    assert_eq!(ours.0, h, "{name}: header");
    let kc: Vec<usize> = key.iter().map(|k| h.iter().position(|x| x == k).unwrap()).collect();
    let by_key = |rows: Vec<Vec<String>>| -> BTreeMap<String, Vec<String>> {
        rows.into_iter().map(|r| (kc.iter().map(|&c| r[c].as_str()).collect::<Vec<_>>().join("/"), r)).collect()
    };
    let n_ours = ours.1.len();
    let (theirs, mine) = (by_key(theirs), by_key(ours.1));
    assert_eq!(mine.len(), n_ours, "{name}: duplicate keys");
    assert_eq!(mine.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>(), "{name}: rows");
    let mut compared = 0;
    for (k, want) in &theirs {
        let got = &mine[k];
        for (c, col) in h.iter().enumerate() {
            let (w, g) = (&want[c], &got[c]);
            if w == "NA" {
                assert_eq!(g, "", "{name} {k} {col}: COINr NA");
                continue;
            }
            match (w.parse::<f64>(), g.parse::<f64>()) {
                (Ok(a), Ok(b)) => {
                    let (a, b) = if abs.contains(&col.as_str()) { (a.abs(), b.abs()) } else { (a, b) };
                    assert!((a - b).abs() <= 1e-9, "{name} {k} {col}: COINr {a}, ours {b}");
                    compared += 1;
                }
                _ => assert_eq!(g, w, "{name} {k} {col}"),
            }
        }
    }
    compared
}

/// The reference files and the key columns that identify a row.
const REFERENCES: [(&str, &[&str], &[&str]); 5] = [
    ("stats_raw.csv", &["iCode"], &[]),
    ("corr_with_parent.csv", &["child", "parent"], &[]),
    ("cronbach_level1.csv", &["aggregate"], &[]),
    ("pca_level1.csv", &["aggregate", "child"], &["abs_loading"]),
    ("remove_level1.csv", &["removed"], &[]),
];

#[test]
fn audit_directory_reproduces_every_coinr_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit");
    let o = nagar(&asem_args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    ok(&o);
    let mut total = 0;
    for (file, key, abs) in REFERENCES {
        let reference = read_csv(&shared(&format!("data/coinr-asem/robustness/{file}")));
        total += assert_same_table(file, reference, read_csv(&out.join(file)), key, abs);
    }
    assert_eq!(total, 49 * 15 + 59 * 2 + 8 * 2 + 49 * 3 + 49, "numbers compared");
    // The rest of the audit, every level by default.
    for f in [
        "cronbach_level2.csv",
        "pca_level3.csv",
        "remove_level3.csv",
        "corr_with_index.csv",
        "corr_children.csv",
        "shares.csv",
        "coherence.csv",
        "removal.csv",
        "stats_normalised.csv",
        "flags.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let (h, flags) = read_csv(&out.join("flags.csv"));
    assert_eq!(h, ["element", "level", "kind", "value", "message"]);
    assert!(flags.iter().any(|r| r[0] == "SusEcFin" && r[2] == "low_alpha"), "{flags:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("audited 51 units, 49 indicators, 11 aggregates"), "{err}");
}

#[test]
fn audit_xlsx_has_one_sheet_per_table_with_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("audit.xlsx");
    let mut args = asem_args(&xlsx);
    args.extend(["--level", "1"].map(String::from));
    ok(&nagar(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    let bytes = std::fs::read(&xlsx).unwrap();
    for (file, key, abs) in REFERENCES {
        let sheet = file.trim_end_matches(".csv");
        let opts = nagar_io::ReadOptions { sheet: Some(sheet.to_string()), ..Default::default() };
        let t = nagar_io::read_data(&bytes, "audit.xlsx", &opts).unwrap_or_else(|e| panic!("{sheet}: {e}")).table;
        let rows = t
            .to_rows()
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        nagar_core::Cell::Number(x) => format!("{x}"),
                        c => c.display(),
                    })
                    .collect()
            })
            .collect();
        let reference = read_csv(&shared(&format!("data/coinr-asem/robustness/{file}")));
        assert_same_table(sheet, reference, (t.columns.clone(), rows), key, abs);
    }
    // --level 1 only: no other level's tables.
    let opts = nagar_io::ReadOptions { sheet: Some("cronbach_level2".into()), ..Default::default() };
    assert!(nagar_io::read_data(&bytes, "audit.xlsx", &opts).is_err());
}

#[test]
fn audit_spearman_and_bad_flags() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sp");
    let mut args = asem_args(&out);
    args.extend(["--corr", "spearman", "--level", "2"].map(String::from));
    ok(&nagar(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    let (_, rows) = read_csv(&out.join("corr_with_parent.csv"));
    assert!(rows.iter().all(|r| r[3] == "spearman"));
    assert!(out.join("remove_level2.csv").is_file() && !out.join("remove_level1.csv").exists());
    // Spearman differs from Pearson (the reference) somewhere.
    let (_, pearson) = read_csv(&shared("data/coinr-asem/robustness/corr_with_parent.csv"));
    let r_of = |rows: &[Vec<String>], c: &str| rows.iter().find(|r| r[0] == c).unwrap()[4].parse::<f64>().unwrap();
    assert!((r_of(&rows, "TBTs") - r_of(&pearson, "TBTs")).abs() > 0.01);

    for (extra, needle) in [
        (vec!["--corr", "kendall"], "expected pearson or spearman"),
        (vec!["--level", "4"], "choose 1 to 3"),
        (vec!["--level", "0"], "choose 1 to 3"),
    ] {
        let mut args = asem_args(&dir.path().join("bad"));
        args.extend(extra.iter().map(|s| s.to_string()));
        let o = nagar(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{extra:?}: {err}");
    }
    let o = nagar(&asem_args(&dir.path().join("audit.csv")).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a directory (one CSV per table) or a .xlsx file"));
}
