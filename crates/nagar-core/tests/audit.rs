//! The statistical audit against COINr 1.1.14 (`shared/data/coinr-asem/robustness/`, see its
//! README.md): the audit of the nominal ASEM run (Raw → min-max [1, 100] → arithmetic mean,
//! iMeta weights) must reproduce every audit table COINr wrote, cell by cell, numbers to 1e-9
//! (PCA loadings in absolute value). Then: removal impact equals full re-scoring, and bad input
//! (constant, empty columns, one child, too few complete rows) gives NaN with an explanation.
//!
//! Set `NAGAR_SHARED` to the shared folder when the repository is not its sibling.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use nagar_core::audit::{self, AuditOptions, CorrMethod};
use nagar_core::output::{OutCell, Sheet};
use nagar_core::pipeline::{score, Scored, WeightOverrides};
use nagar_core::{Cell, Framework, Normalisation, RawTable, Settings};

const TOL: f64 = 1e-9;

mod common;

fn data_dir() -> PathBuf {
    common::coinr_asem_dir()
}

/// A CSV file as header + rows of strings.
fn read_csv(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let path = data_dir().join(name);
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rdr.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

/// The ASEM framework from COINr's iMeta table (indicators and aggregates; directions, weights,
/// parents), read as given: the same conversion as `nagar_io::load_framework`, written out here
/// because nagar-core's tests do not depend on nagar-io.
fn asem_framework() -> Framework {
    let (h, rows) = read_csv("ASEM_iMeta.csv");
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (ty, code, name, dir, w, parent) =
        (col("Type"), col("iCode"), col("iName"), col("Direction"), col("Weight"), col("Parent"));
    let mut aggregates = Vec::new();
    let mut indicators = Vec::new();
    for r in &rows {
        match r[ty].as_str() {
            "Indicator" => indicators.push(serde_json::json!({
                "id": r[code], "name": r[name], "parent": r[parent],
                "direction": r[dir].parse::<f64>().unwrap(), "weight": r[w].parse::<f64>().unwrap(),
            })),
            "Aggregate" => {
                let mut a = serde_json::json!({ "id": r[code], "name": r[name] });
                if r[parent] != "NA" {
                    a["parent"] = r[parent].clone().into();
                    a["weight"] = r[w].parse::<f64>().unwrap().into();
                }
                aggregates.push(a);
            }
            _ => {}
        }
    }
    let f: Framework = serde_json::from_value(serde_json::json!({
        "id": "ASEM_iMeta", "name": "ASEM",
        "columns": { "id": "uCode", "name": "uName" },
        "aggregates": aggregates, "indicators": indicators,
    }))
    .unwrap();
    f.validate().unwrap();
    f
}

fn asem_table() -> RawTable {
    let (h, rows) = read_csv("ASEM_iData.csv");
    let mut t = RawTable::new("ASEM_iData.csv", h);
    for (k, r) in rows.into_iter().enumerate() {
        t.push_row(r.into_iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c) }).collect(), k + 2);
    }
    t
}

/// The nominal run of the references: `--normalise minmax:1,100 --aggregate amean`.
fn nominal_settings() -> Settings {
    Settings { normalise: Normalisation::parse("minmax:1,100").unwrap(), ..Settings::default() }
}

fn nominal() -> (Framework, Scored) {
    let f = asem_framework();
    let s = score(&f, &asem_table(), &nominal_settings(), &WeightOverrides::new()).unwrap();
    (f, s)
}

fn cell_text(c: &OutCell) -> String {
    match c {
        OutCell::Empty => String::new(),
        OutCell::Number(x) => format!("{x}"),
        OutCell::Text(t) => t.clone(),
    }
}

/// Compare our sheet with a COINr reference CSV: same header, same set of keys, every cell equal
/// (numbers to 1e-9, `abs` columns in absolute value; R's NA = our empty cell). Rows are matched
/// by the key columns (COINr's row order is an artefact of R's `merge`). Returns the number of
/// numbers compared.
fn assert_sheet_matches(reference: &str, ours: &Sheet, key: &[&str], abs: &[&str]) -> usize {
    let (h, rows) = read_csv(&format!("robustness/{reference}"));
    assert_eq!(ours.columns, h, "{reference}: columns");
    let kcols: Vec<usize> = key.iter().map(|k| h.iter().position(|x| x == k).unwrap()).collect();
    let keyed = |r: &[String]| kcols.iter().map(|&c| r[c].clone()).collect::<Vec<_>>().join("/");
    let mine: BTreeMap<String, Vec<String>> = ours
        .rows
        .iter()
        .map(|r| {
            let t: Vec<String> = r.iter().map(cell_text).collect();
            (keyed(&t), t)
        })
        .collect();
    let theirs: BTreeMap<String, Vec<String>> = rows.iter().map(|r| (keyed(r), r.clone())).collect();
    assert_eq!(mine.len(), ours.rows.len(), "{reference}: duplicate keys in ours");
    assert_eq!(mine.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>(), "{reference}: rows differ");
    let mut compared = 0;
    let mut max_diff = 0.0f64;
    let mut bad = Vec::new();
    for (k, want) in &theirs {
        let got = &mine[k];
        for (c, name) in h.iter().enumerate() {
            let (w, g) = (&want[c], &got[c]);
            if w == "NA" {
                if !g.is_empty() {
                    bad.push(format!("{k} {name}: COINr NA, ours {g}"));
                }
                continue;
            }
            match (w.parse::<f64>(), g.parse::<f64>()) {
                (Ok(mut a), Ok(mut b)) => {
                    if abs.contains(&name.as_str()) {
                        (a, b) = (a.abs(), b.abs());
                    }
                    compared += 1;
                    max_diff = max_diff.max((a - b).abs());
                    if (a - b).abs() > TOL {
                        bad.push(format!("{k} {name}: COINr {a}, ours {b}, diff {:e}", (a - b).abs()));
                    }
                }
                _ if w == g => {}
                _ => bad.push(format!("{k} {name}: COINr {w:?}, ours {g:?}")),
            }
        }
    }
    assert!(bad.is_empty(), "{reference}: {} mismatches:\n{}", bad.len(), bad.join("\n"));
    eprintln!("{reference}: {compared} numbers, max abs diff {max_diff:e}");
    compared
}

fn sheet<'a>(sheets: &'a [Sheet], name: &str) -> &'a Sheet {
    sheets.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

#[test]
fn asem_audit_reproduces_coinr() {
    let (f, s) = nominal();
    let opts = AuditOptions { levels: Some(vec![1]), ..AuditOptions::default() };
    let a = audit::audit(&f, &s, &opts);
    let sheets = audit::sheets(&a);
    let n = assert_sheet_matches("stats_raw.csv", sheet(&sheets, "stats_raw"), &["iCode"], &[]);
    assert_eq!(n, 49 * 15, "every number of stats_raw compared");
    let n = assert_sheet_matches("corr_with_parent.csv", sheet(&sheets, "corr_with_parent"), &["child", "parent"], &[]);
    assert_eq!(n, 59 * 2);
    let n = assert_sheet_matches("cronbach_level1.csv", sheet(&sheets, "cronbach_level1"), &["aggregate"], &[]);
    assert_eq!(n, 8 * 2);
    let n =
        assert_sheet_matches("pca_level1.csv", sheet(&sheets, "pca_level1"), &["aggregate", "child"], &["abs_loading"]);
    assert_eq!(n, 49 * 3);
    let n = assert_sheet_matches("remove_level1.csv", sheet(&sheets, "remove_level1"), &["removed"], &[]);
    assert_eq!(n, 49);
}

#[test]
fn all_levels_by_default_and_the_facts_coinr_shows() {
    let (f, s) = nominal();
    let a = audit::audit(&f, &s, &AuditOptions::default());
    assert_eq!(a.levels, vec![1, 2, 3]);
    let names: Vec<String> = audit::sheets(&a).into_iter().map(|s| s.name).collect();
    for n in ["cronbach_level2", "pca_level3", "remove_level3", "corr_children", "shares", "flags"] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
    // Level 2: pillars grouped by sub-index; level 3: the two sub-indices under the index.
    assert_eq!(a.coherence.iter().filter(|c| c.level == 2).count(), 2);
    let top = a.coherence.iter().find(|c| c.level == 3).unwrap();
    assert_eq!(top.children, vec!["Conn", "Sust"]);
    assert_eq!(a.removal.iter().filter(|r| r.level == 3).count(), 2);
    // COINr's reference: SusEcFin has alpha -0.44 → flagged; Instit 0.20 too; ConEcFin 0.92 not.
    let low: Vec<&str> = a.flags.iter().filter(|f| f.kind == "low_alpha").map(|f| f.element.as_str()).collect();
    assert!(low.contains(&"SusEcFin") && low.contains(&"Instit") && !low.contains(&"ConEcFin"), "{low:?}");
    // TBTs correlates negatively with Instit in COINr's corr_with_parent.csv (r = -0.586): flagged,
    // with that r; no other element is.
    let neg: Vec<&audit::Flag> = a.flags.iter().filter(|f| f.kind == "negative_with_parent").collect();
    assert_eq!(neg.len(), 1, "{neg:?}");
    assert_eq!(neg[0].element, "TBTs");
    assert!((neg[0].value - -0.585647401518365).abs() < 1e-9 && neg[0].message.contains("Instit"), "{:?}", neg[0]);
    // Redundant pairs (|r| > 0.9 between siblings), each checked against the sibling correlations.
    for f in a.flags.iter().filter(|f| f.kind == "redundant") {
        let pair =
            a.corr_children.iter().find(|r| r.element == f.element && f.message.contains(&format!("and {} ", r.with)));
        assert!(pair.is_some_and(|p| p.r.abs() > 0.9 && p.r == f.value), "{f:?}");
    }
    let redundant = a.corr_children.iter().filter(|r| r.r.abs() > 0.9).count();
    assert_eq!(a.flags.iter().filter(|f| f.kind == "redundant").count(), redundant);
    assert!(redundant >= 1);
    // Flights is OUT in COINr's stats_raw (skew 2.10, kurt 4.51).
    assert!(a.flags.iter().any(|f| f.kind == "outliers" && f.element == "Flights"));
    assert!(!a.flags.iter().any(|f| f.kind == "outliers" && f.element == "LPI"));
    // Shares of squared correlation sum to 1 in every aggregate, as do weight shares.
    let mut by_agg: HashMap<&str, (f64, f64)> = HashMap::new();
    for sh in &a.shares {
        let e = by_agg.entry(&sh.aggregate).or_default();
        e.0 += sh.r2_share;
        e.1 += sh.weight_share;
    }
    for (agg, (r2, w)) in by_agg {
        assert!((r2 - 1.0).abs() < 1e-12 && (w - 1.0).abs() < 1e-12, "{agg}: {r2} {w}");
    }
    // Correlation with the index: the sub-indices' equals their correlation with the parent.
    let conn = a.corr_with_index.iter().find(|r| r.element == "Conn").unwrap();
    let conn_p = a.corr_with_parent.iter().find(|r| r.element == "Conn").unwrap();
    assert_eq!(conn.r, conn_p.r);
    assert_eq!(a.corr_with_index.len(), 49 + 8 + 2);
    // 8 pillars with 5,6,8,8,3,5,9,5 children, 2 sub-indices with 5 and 3, the index with 2.
    let pairs = |k: usize| k * (k - 1) / 2;
    let expected: usize = [5, 6, 8, 8, 3, 5, 9, 5, 5, 3, 2].iter().map(|&k| pairs(k)).sum();
    assert_eq!(a.corr_children.len(), expected);
}

#[test]
fn spearman_correlations_are_pearson_of_average_ranks() {
    let (f, s) = nominal();
    let opts = AuditOptions { corr: CorrMethod::Spearman, levels: Some(vec![]), ..AuditOptions::default() };
    let a = audit::audit(&f, &s, &opts);
    let sheets = audit::sheets(&a);
    assert!(sheet(&sheets, "corr_with_parent").rows.iter().all(|r| r[3] == OutCell::text("spearman")));
    // By hand for one pair: ranks of the complete pairs, then Pearson.
    let j = s.indicator_index("Tariff").unwrap();
    let p = s.aggregate_index("Instit").unwrap();
    let (x, y): (Vec<f64>, Vec<f64>) = s
        .normalised
        .col(j)
        .iter()
        .zip(s.aggregates.col(p))
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    let want =
        audit::corr::correlation(&audit::corr::average_ranks(&x), &audit::corr::average_ranks(&y), CorrMethod::Pearson);
    let got = a.corr_with_parent.iter().find(|r| r.element == "Tariff").unwrap();
    assert_eq!((got.r, got.n), (want.r, want.n));
    assert_eq!(got.n, 48); // Tariff has 48 values
}

/// Removal impact is computed by re-aggregating cached normalised values; it must equal a full
/// re-score with the element's weight overridden to 0, at every level.
#[test]
fn removal_impact_equals_full_rescoring() {
    let (f, s) = nominal();
    let a = audit::audit(&f, &s, &AuditOptions::default());
    assert_eq!(a.removal.len(), 49 + 8 + 2);
    for r in &a.removal {
        let w: WeightOverrides = [(r.element.clone(), 0.0)].into_iter().collect();
        let re = score(&f, &asem_table(), &nominal_settings(), &w).unwrap();
        let diffs: Vec<f64> = s
            .rank
            .iter()
            .zip(&re.rank)
            .filter_map(|(a, b)| Some((a.as_ref()?, b.as_ref()?)))
            .map(|(a, b)| (*a as f64 - *b as f64).abs())
            .collect();
        let mean = diffs.iter().sum::<f64>() / diffs.len() as f64;
        assert_eq!(r.mean_abs_rank_change, mean, "{}", r.element);
        assert_eq!(r.n, diffs.len());
    }
}

const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

/// The same on MPI 2019 demo data, ranked within population tiers' comparison groups and with a
/// coverage minimum (the pipeline's ranking rule, not COINr's plain ranks).
#[test]
fn removal_on_mpi_with_tier_groups_equals_rescoring() {
    let f: Framework = toml::from_str(MPI_TOML).unwrap();
    let t = nagar_core::demo::demo_table(&f, &nagar_core::demo::census_cities(), 120, 2019);
    let st = Settings { group: nagar_core::Group::Tier, ..f.settings.clone() };
    let s = score(&f, &t, &st, &WeightOverrides::new()).unwrap();
    let a = audit::audit(&f, &s, &AuditOptions { levels: Some(vec![2, 3]), ..AuditOptions::default() });
    assert_eq!(a.removal.len(), 20 + 5);
    assert!(a.removal.iter().any(|r| r.mean_abs_rank_change > 0.0));
    for r in &a.removal {
        let w: WeightOverrides = [(r.element.clone(), 0.0)].into_iter().collect();
        let re = score(&f, &t, &st, &w).unwrap();
        let (sum, n) = s
            .rank
            .iter()
            .zip(&re.rank)
            .filter_map(|(a, b)| Some((*a.as_ref()? as f64 - *b.as_ref()? as f64).abs()))
            .fold((0.0, 0usize), |(s, n), d| (s + d, n + 1));
        assert_eq!(r.mean_abs_rank_change, sum / n as f64, "{}", r.element);
    }
    // MPI: indicators level 1, sectors 2, verticals 3, index 4.
    let lvl = |id: &str| a.elements.iter().find(|e| e.id == id).unwrap().level;
    assert_eq!((lvl("1.1"), lvl(&f.indicators[0].id), lvl(&f.aggregates[0].id)), (2, 1, 4));
}

/// A small framework with every kind of bad input: a constant indicator, an all-missing one, an
/// aggregate with one child, and an aggregate with fewer than 3 complete rows.
#[test]
fn bad_input_gives_nan_with_an_explanation_not_a_panic() {
    let f: Framework = toml::from_str(
        r#"
id = "bad"
name = "bad"
[columns]
id = "id"
[[aggregates]]
id = "index"
name = "Index"
[[aggregates]]
id = "A"
name = "A"
parent = "index"
[[aggregates]]
id = "B"
name = "B"
parent = "index"
[[aggregates]]
id = "C"
name = "C"
parent = "index"
[[indicators]]
id = "const"
name = "constant"
parent = "A"
[[indicators]]
id = "a2"
name = "a2"
parent = "A"
[[indicators]]
id = "empty"
name = "all missing"
parent = "A"
[[indicators]]
id = "only"
name = "only child"
parent = "B"
[[indicators]]
id = "c1"
name = "c1"
parent = "C"
[[indicators]]
id = "c2"
name = "c2"
parent = "C"
"#,
    )
    .unwrap();
    let mut t = RawTable::new("bad.csv", ["id", "const", "a2", "empty", "only", "c1", "c2"].map(String::from).to_vec());
    let rows = [
        ["u1", "5", "1", "", "3", "1", ""],
        ["u2", "5", "2", "", "1", "", "2"],
        ["u3", "5", "4", "", "2", "3", "1"],
        ["u4", "5", "3", "", "5", "4", "5"],
    ];
    for (k, r) in rows.iter().enumerate() {
        t.push_row(
            r.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect(),
            k + 2,
        );
    }
    let s = score(&f, &t, &Settings::default(), &WeightOverrides::new()).unwrap();
    let a = audit::audit(&f, &s, &AuditOptions::default());
    let st = |id: &str| a.stats_raw.iter().find(|x| x.id == id).unwrap();
    assert!(st("const").skew.is_nan() && st("const").undefined.contains("all values are equal"));
    assert!(st("empty").mean.is_nan() && st("empty").undefined.contains("no value"));
    let undefined: Vec<&str> =
        a.flags.iter().filter(|f| f.kind == "undefined").map(|f| f.message.as_str()).collect::<Vec<_>>();
    let has = |needle: &str| undefined.iter().any(|m| m.contains(needle));
    // z-scores of a constant column are missing, so its correlation with A is undefined.
    assert!(has("correlation of const with its parent A is undefined"), "{undefined:#?}");
    assert!(has("correlation of empty with its parent A is undefined: only 0 unit(s)"), "{undefined:#?}");
    assert!(has("Cronbach's alpha of the children of B is undefined: 1 element(s)"), "{undefined:#?}");
    assert!(has("PCA of the children of A is undefined: 0 unit(s) have a value in every element"), "{undefined:#?}");
    assert!(has("PCA of the children of C is undefined: 2 unit(s)"), "{undefined:#?}");
    let b = a.coherence.iter().find(|c| c.aggregate == "B").unwrap();
    assert!(b.alpha.is_nan());
    assert_eq!((b.pc1_variance_share, b.loadings.clone()), (1.0, vec![1.0]));
    let c = a.coherence.iter().find(|c| c.aggregate == "C").unwrap();
    assert!(c.pc1_variance_share.is_nan() && c.loadings.iter().all(|x| x.is_nan()));
    // Every sheet renders; NaN becomes an empty cell.
    for sh in audit::sheets(&a) {
        assert!(sh.rows.iter().all(|r| r.len() == sh.columns.len()), "{}", sh.name);
    }
}
