//! Analysis: exact decomposition, improvement priorities, preview and what-if, each checked
//! against full re-scoring with `pipeline::score`.

use nagar_core::analysis::{
    explain, improve, preview, AnalysisError, Collision, ImproveOptions, PreviewOptions, WhatIf,
};
use nagar_core::pipeline::{score, Scored, WeightOverrides};
use nagar_core::{Aggregation, Cell, CellRef, Framework, Group, MissingPolicy, RawTable, Settings};

/// xorshift64*: deterministic data without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unif(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unif()
    }
}

fn fw(src: &str) -> Framework {
    let f: Framework = toml::from_str(src).unwrap();
    f.validate().unwrap();
    f
}

/// A generic tree: index ← A (w 2), B (w 1) ← A1, A2 | B1 ← indicators; rescale where asked.
/// Indicators are read as given (column = id).
fn generic(depth3_rescale: bool, root_rescale: bool, weights: bool, method_b: &str) -> Framework {
    let rs = |b: bool| if b { "rescale = [0, 100]" } else { "" };
    let w = |x: f64| if weights { format!("weight = {x}") } else { String::new() };
    let src = format!(
        r#"
id = "gen"
name = "generic"
[columns]
id = "id"
[[aggregates]]
id = "index"
name = "Index"
{root}
[[aggregates]]
id = "A"
name = "A"
parent = "index"
{wa}
[[aggregates]]
id = "B"
name = "B"
parent = "index"
{mb}
[[aggregates]]
id = "A1"
name = "A1"
parent = "A"
{r3}
[[aggregates]]
id = "A2"
name = "A2"
parent = "A"
{r3}
{wa2}
[[aggregates]]
id = "B1"
name = "B1"
parent = "B"
{r3}
[[indicators]]
id = "a11"
name = "a11"
parent = "A1"
[[indicators]]
id = "a12"
name = "a12"
parent = "A1"
direction = -1
{wi}
[[indicators]]
id = "a13"
name = "a13"
parent = "A1"
cap = 80
[[indicators]]
id = "a21"
name = "a21"
parent = "A2"
[[indicators]]
id = "a22"
name = "a22"
parent = "A2"
floor = 10
direction = -1
[[indicators]]
id = "b11"
name = "b11"
parent = "B1"
[[indicators]]
id = "b12"
name = "b12"
parent = "B1"
{wi}
"#,
        root = rs(root_rescale),
        r3 = rs(depth3_rescale),
        wa = w(2.0),
        wa2 = w(0.5),
        wi = w(3.0),
        mb = if method_b.is_empty() { String::new() } else { format!("method = \"{method_b}\"") },
    );
    fw(&src)
}

const GEN_IDS: [&str; 7] = ["a11", "a12", "a13", "a21", "a22", "b11", "b12"];

fn generic_table(n: usize, seed: u64, missing: f64) -> RawTable {
    let mut rng = Rng(seed);
    let mut cols = vec!["id".to_string(), "group".to_string()];
    cols.extend(GEN_IDS.iter().map(|s| s.to_string()));
    let mut t = RawTable::new("gen.csv", cols);
    for u in 0..n {
        let mut row = vec![Cell::Text(format!("u{u}")), Cell::Text(if u % 3 == 0 { "g1" } else { "g2" }.into())];
        for _ in GEN_IDS {
            if rng.unif() < missing {
                row.push(Cell::Empty);
            } else {
                row.push(Cell::Number((rng.range(0.0, 100.0) * 100.0).round() / 100.0));
            }
        }
        t.push_row(row, u + 2);
    }
    t
}

fn run(f: &Framework, t: &RawTable, s: &Settings) -> Scored {
    score(f, t, s, &WeightOverrides::new()).unwrap()
}

#[test]
fn contributions_sum_to_the_index_on_varied_frameworks() {
    let settings = [
        Settings::default(),
        Settings { missing: MissingPolicy::Mean, ..Settings::default() },
        Settings { missing: MissingPolicy::Worst, ..Settings::default() },
        Settings { group: Group::Column("group".into()), ..Settings::default() },
        Settings { normalise: nagar_core::Normalisation::Minmax { lo: 0.0, hi: 100.0 }, ..Settings::default() },
    ];
    let mut checked = 0;
    for (k, (d3, root, weights)) in
        [(true, false, false), (true, true, true), (false, false, true), (false, true, false)].into_iter().enumerate()
    {
        let f = generic(d3, root, weights, "");
        for (m, st) in settings.iter().enumerate() {
            for seed in [1, 7, 99] {
                let t = generic_table(40, seed + 10 * k as u64 + 100 * m as u64, 0.15);
                let s = run(&f, &t, st);
                for u in 0..s.units.len() {
                    let Ok(e) = explain(&f, &s, &s.units.ids[u]) else {
                        assert!(s.index()[u].is_nan());
                        continue;
                    };
                    let sum: f64 = e.baseline + e.rows.iter().map(|r| r.contribution).sum::<f64>();
                    assert!((sum - s.index()[u]).abs() < 1e-9, "{k} {m} {seed} {u}: {sum} vs {}", s.index()[u]);
                    assert!((e.total - e.index).abs() < 1e-9);
                    assert_eq!(e.rows.len(), GEN_IDS.len());
                    // Shares of the index weight add to 1 over the present indicators.
                    let share: f64 = e.rows.iter().map(|r| r.weight).sum();
                    assert!((share - 1.0).abs() < 1e-12, "{share}");
                    // Node roll-up: top-level nodes' points add up to the index.
                    let top: f64 = e
                        .nodes
                        .iter()
                        .filter(|n| n.parent.as_deref() == Some("index"))
                        .map(|n| n.contribution + n.baseline)
                        .sum::<f64>();
                    let root_base = if root {
                        e.baseline
                            - e.nodes
                                .iter()
                                .filter(|n| n.parent.as_deref() == Some("index"))
                                .map(|n| n.baseline)
                                .sum::<f64>()
                    } else {
                        0.0
                    };
                    assert!((top + root_base - e.index).abs() < 1e-9);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1500, "{checked}");
}

#[test]
fn decomposition_worked_example() {
    // Index ← A (weight 2), B (weight 1); A1, A2, B1 rescaled [0, 100]. Three units.
    let f = generic(true, false, true, "");
    let t = {
        let mut t =
            RawTable::new("x.csv", ["id", "a11", "a12", "a13", "a21", "a22", "b11", "b12"].map(String::from).to_vec());
        for (k, row) in [
            [1.0, 3.0, 20.0, 5.0, 40.0, 1.0, 2.0],
            [2.0, 2.0, 90.0, 6.0, 20.0, 2.0, 2.0],
            [3.0, 1.0, 50.0, 9.0, 5.0, 3.0, 5.0],
        ]
        .iter()
        .enumerate()
        {
            let mut cells = vec![Cell::Text(format!("u{k}"))];
            cells.extend(row.iter().map(|x| Cell::Number(*x)));
            t.push_row(cells, k + 2);
        }
        t
    };
    let s = run(&f, &t, &Settings::default());
    let e = explain(&f, &s, "u2").unwrap();
    assert!((e.total - e.index).abs() < 1e-12);
    // a11 = 1,2,3 → z(u2) = 1. A1 = (z11 + 3 z12 + z13)/5 (a12 has weight 3).
    let a11 = e.rows.iter().find(|r| r.id == "a11").unwrap();
    assert_eq!(a11.normalised, Some(1.0));
    let raw = s.aggregates_raw.col(s.aggregate_index("A1").unwrap());
    let (min, max) = raw.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    // Index = (2·A + 1·B)/3, A = (1·A1 + 0.5·A2)/1.5 → a11's points per z = 2/3 · 1/1.5 · 1/5 · 100/(max−min).
    let expect = 2.0 / 3.0 * (1.0 / 1.5) * (1.0 / 5.0) * 100.0 / (max - min);
    assert!((a11.points_per_unit - expect).abs() < 1e-12);
    assert!((a11.contribution - expect).abs() < 1e-12);
}

#[test]
fn decomposition_refuses_geometric_means() {
    // B is a geometric mean; z-scores shifted to mean 10 keep every value positive.
    let f = generic(false, false, false, "gmean");
    let t = generic_table(10, 3, 0.0);
    let st = Settings { normalise: nagar_core::Normalisation::Zscore { mean: 10.0, sd: 1.0 }, ..Settings::default() };
    let s = score(&f, &t, &st, &WeightOverrides::new()).unwrap();
    let err = explain(&f, &s, "u1").unwrap_err();
    assert!(matches!(err, AnalysisError::Unsupported(_)));
    assert!(err.to_string().contains("exact only for arithmetic means"), "{err}");
}

#[test]
fn explain_unknown_unit_is_a_clear_error() {
    let f = generic(true, false, false, "");
    let s = run(&f, &generic_table(5, 1, 0.0), &Settings::default());
    let err = explain(&f, &s, "nope").unwrap_err();
    assert!(err.to_string().contains("\"nope\" is not in the data"), "{err}");
    let err = explain(&f, &s, "U1").unwrap_err();
    assert!(err.to_string().contains("did you mean \"u1\""), "{err}");
    let err = improve(&f, &s, "nope", &ImproveOptions::default()).unwrap_err();
    assert!(err.to_string().contains("\"nope\" is not in the data"), "{err}");
    let err = improve(&f, &s, "u1", &ImproveOptions { percentile: 1.5 }).unwrap_err();
    assert!(err.to_string().contains("percentile must be between 0 and 1"), "{err}");
}

#[test]
fn quantile_is_r_type_7() {
    use nagar_core::analysis::improve::quantile_type7;
    // R: quantile(c(1, 2, 3, 4, 5, 10), 0.75) = 4.75; quantile(c(3, 1, 2), 0.25) = 1.5.
    assert_eq!(quantile_type7(&[1.0, 2.0, 3.0, 4.0, 5.0, 10.0], 0.75), Some(4.75));
    assert_eq!(quantile_type7(&[3.0, 1.0, 2.0, f64::NAN], 0.25), Some(1.5));
    assert_eq!(quantile_type7(&[7.0], 0.75), Some(7.0));
    assert_eq!(quantile_type7(&[f64::NAN], 0.75), None);
}

fn set_cell(t: &mut RawTable, id: &str, col: &str, v: f64) {
    let k = t.column_index(col).unwrap();
    let r = t.rows().position(|r| r.cell(0) == Cell::Text(id.into())).unwrap();
    t.set(r, k, CellRef::Number(v));
}

#[test]
fn improvement_gains_equal_full_rescoring() {
    for (k, st) in [
        Settings::default(),
        Settings { missing: MissingPolicy::Worst, ..Settings::default() },
        Settings { group: Group::Column("group".into()), ..Settings::default() },
        Settings { normalise: nagar_core::Normalisation::Minmax { lo: 0.0, hi: 100.0 }, ..Settings::default() },
        Settings { normalise: nagar_core::Normalisation::Rank, missing: MissingPolicy::Mean, ..Settings::default() },
        Settings { screen: Some(0.75), ..Settings::default() },
    ]
    .into_iter()
    .enumerate()
    {
        let f = generic(true, k == 1, true, "");
        let t = generic_table(30, 40 + k as u64, 0.1);
        let s = run(&f, &t, &st);
        if st.screen.is_some() {
            assert!(s.screened.iter().any(|x| *x), "some units are screened out");
        }
        let mut rows_checked = 0;
        for unit in ["u0", "u4", "u17", "u29"] {
            let Ok(imp) = improve(&f, &s, unit, &ImproveOptions::default()) else { continue };
            for w in imp.rows.windows(2) {
                assert!(w[0].gain >= w[1].gain);
            }
            for r in &imp.rows {
                let mut t2 = t.clone();
                set_cell(&mut t2, unit, &r.id, r.target_value);
                let s2 = run(&f, &t2, &st);
                let u = s2.unit_index(unit).unwrap();
                assert!(
                    (s2.index()[u] - r.new_index).abs() < 1e-9,
                    "{unit} {}: {} vs {}",
                    r.id,
                    s2.index()[u],
                    r.new_index
                );
                assert!((r.gain - (s2.index()[u] - imp.index)).abs() < 1e-9);
                assert_eq!(s2.rank[u], r.new_rank, "{unit} {}", r.id);
                assert_eq!(s2.rank_in_tier[u], r.new_rank_in_tier);
                if let Some(b) = r.best_value {
                    let mut t3 = t.clone();
                    set_cell(&mut t3, unit, &r.id, b);
                    let s3 = run(&f, &t3, &st);
                    assert!((s3.index()[u] - r.best_new_index.unwrap()).abs() < 1e-9);
                    assert_eq!(s3.rank[u], r.best_new_rank);
                }
                assert!(r.sentence.contains(&r.id), "{}", r.sentence);
                rows_checked += 1;
            }
            // Skipped rows: missing or already at/above target; never both listed.
            for sk in &imp.skipped {
                assert!(!imp.rows.iter().any(|r| r.id == sk.id));
            }
            assert_eq!(imp.rows.len() + imp.skipped.len(), GEN_IDS.len());
        }
        assert!(rows_checked > 5, "{k}: {rows_checked}");
    }
}

#[test]
fn improvement_targets_apply_caps_and_direction() {
    // a13 is capped at 80; a22 (lower is better) has floor 10.
    let f = generic(true, false, false, "");
    let mut t = generic_table(20, 5, 0.0);
    for u in 0..20 {
        set_cell(&mut t, &format!("u{u}"), "a13", if u == 0 { 10.0 } else { 95.0 });
        set_cell(&mut t, &format!("u{u}"), "a22", if u == 0 { 90.0 } else { 2.0 + u as f64 });
    }
    let s = run(&f, &t, &Settings::default());
    let imp = improve(&f, &s, "u0", &ImproveOptions::default()).unwrap();
    let a13 = imp.rows.iter().find(|r| r.id == "a13").unwrap();
    assert_eq!(a13.target_value, 80.0, "p75 of 95s capped at 80");
    assert!(a13.sentence.starts_with("raising a13"), "{}", a13.sentence);
    let a22 = imp.rows.iter().find(|r| r.id == "a22").unwrap();
    // Lower is better: the 25th percentile of 3..21 and 90, floored at 10.
    let mut v: Vec<f64> = (1..20).map(|u| 2.0 + u as f64).collect();
    v.push(90.0);
    let q = nagar_core::analysis::improve::quantile_type7(&v, 0.25).unwrap().max(10.0);
    assert_eq!(a22.target_value, q);
    assert_eq!(a22.best_value, Some(10.0));
    assert!(a22.sentence.starts_with("lowering a22"), "{}", a22.sentence);
    assert!(a22.gain > 0.0);
}

#[test]
fn improve_refuses_column_wide_processing() {
    let f = generic(true, false, false, "");
    let st = Settings { treat: nagar_core::Treatment::winsorise_default(), ..Settings::default() };
    let s = run(&f, &generic_table(10, 1, 0.0), &st);
    let err = improve(&f, &s, "u1", &ImproveOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("not supported: improvement priorities with these settings"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// A small framework with the MPI derivation kinds, caps, tiers and a group-dependent derivation.

const MINI: &str = r#"
id = "mini"
name = "mini MPI"
[columns]
id = "ulb_id"
name = "ulb_name"
population = "population"
[settings]
tiers = "size"
[[tier_schemes]]
id = "size"
name = "size"
[[tier_schemes.tiers]]
id = "small"
name = "Small"
below = 300000
[[tier_schemes.tiers]]
id = "large"
name = "Large"
[[inputs]]
id = "population"
label = "Population"
kind = "population"
[[inputs]]
id = "hh_piped"
label = "Households with piped water"
kind = "count"
[[inputs]]
id = "hh_total"
label = "Households"
kind = "count"
[[inputs]]
id = "teachers_sanctioned"
label = "Teachers sanctioned"
kind = "count"
[[inputs]]
id = "teachers_actual"
label = "Teachers in position"
kind = "count"
[[inputs]]
id = "audit_y1"
label = "Audit y1"
kind = "yes_no"
[[inputs]]
id = "audit_y2"
label = "Audit y2"
kind = "yes_no"
[[inputs]]
id = "web_portal"
label = "Web portal"
kind = "yes_no"
[[inputs]]
id = "online_pct"
label = "Services online"
kind = "percent"
[[inputs]]
id = "mobile_pct"
label = "Services on mobile"
kind = "percent"
[[inputs]]
id = "rating"
label = "Credit rating"
kind = "text"
[[inputs]]
id = "doctors"
label = "Doctors"
kind = "count"
[[inputs]]
id = "permit_days"
label = "Days to a permit"
kind = "quantity"
[[inputs]]
id = "rev_y1"
label = "Revenue y1"
kind = "amount"
[[inputs]]
id = "rev_y2"
label = "Revenue y2"
kind = "amount"
[[inputs]]
id = "bud_y1"
label = "Budget y1"
kind = "amount"
[[inputs]]
id = "bud_y2"
label = "Budget y2"
kind = "amount"
[[aggregates]]
id = "index"
name = "Index"
[[aggregates]]
id = "services"
name = "Services"
parent = "index"
weight = 0.6
[[aggregates]]
id = "finance"
name = "Finance"
parent = "index"
weight = 0.4
[[aggregates]]
id = "s1"
name = "Water and schools"
parent = "services"
rescale = [0, 100]
[[aggregates]]
id = "s2"
name = "Health and permits"
parent = "services"
rescale = [0, 100]
[[aggregates]]
id = "f1"
name = "Finance and tech"
parent = "finance"
rescale = [0, 100]
[[indicators]]
id = "piped"
name = "Households piped"
parent = "s1"
cap = 100
derive = { kind = "ratio", num = "hh_piped", den = "hh_total", scale = 100, share = true }
[[indicators]]
id = "vacancy"
name = "Teacher vacancy"
parent = "s1"
direction = -1
derive = { kind = "vacancy", sanctioned = "teachers_sanctioned", actual = "teachers_actual" }
[[indicators]]
id = "doctors_lakh"
name = "Doctors per lakh"
parent = "s2"
cap = 60
derive = { kind = "ratio", num = "doctors", den = "population", scale = 100000 }
[[indicators]]
id = "permit"
name = "Days to a permit"
parent = "s2"
direction = -1
floor = 7
derive = { kind = "value", input = "permit_days" }
[[indicators]]
id = "audit"
name = "Audits"
parent = "f1"
derive = { kind = "count_yes", inputs = ["audit_y1", "audit_y2"] }
[[indicators]]
id = "egov"
name = "e-Governance"
parent = "f1"
derive = { kind = "above_group_mean", yes_inputs = ["web_portal"], inputs = ["online_pct", "mobile_pct"] }
[[indicators]]
id = "rating"
name = "Credit rating"
parent = "f1"
derive = { kind = "lookup", input = "rating", table = { AAA = 3, AA = 2, A = 1, NR = 0 } }
[[indicators]]
id = "budget_eff"
name = "Budget efficiency"
parent = "f1"
derive = { kind = "yearly_ratio_mean", num = ["rev_y1", "rev_y2"], den = ["bud_y1", "bud_y2"], scale = 100 }
"#;

const MINI_COLS: [&str; 19] = [
    "ulb_id",
    "ulb_name",
    "population",
    "hh_piped",
    "hh_total",
    "teachers_sanctioned",
    "teachers_actual",
    "audit_y1",
    "audit_y2",
    "web_portal",
    "online_pct",
    "mobile_pct",
    "rating",
    "doctors",
    "permit_days",
    "rev_y1",
    "rev_y2",
    "bud_y1",
    "bud_y2",
];

fn mini_row(rng: &mut Rng, id: &str) -> Vec<Cell> {
    let mut cells = vec![Cell::Text(id.into()), Cell::Text(format!("City {id}"))];
    let miss = |rng: &mut Rng, c: Cell| if rng.unif() < 0.06 { Cell::Empty } else { c };
    let pop = (rng.range(20_000.0, 900_000.0)).round();
    let hh = (pop / 5.0).round();
    let yn = |rng: &mut Rng| Cell::Text(if rng.unif() < 0.5 { "Y" } else { "N" }.into());
    let ts = rng.range(10.0, 200.0).round();
    let vals = vec![
        Cell::Number(pop),
        Cell::Number((hh * rng.range(0.2, 1.05)).round()),
        Cell::Number(hh),
        Cell::Number(ts),
        Cell::Number((ts * rng.range(0.5, 1.0)).round()),
        yn(rng),
        yn(rng),
        yn(rng),
        Cell::Text(format!("{:.1}%", rng.range(0.0, 100.0))),
        Cell::Number((rng.range(0.0, 100.0) * 10.0).round() / 10.0),
        Cell::Text(["AAA", "AA", "A", "NR"][(rng.unif() * 4.0) as usize % 4].into()),
        Cell::Number(rng.range(0.0, 400.0).round()),
        Cell::Number(rng.range(2.0, 90.0).round()),
        Cell::Number(rng.range(50.0, 120.0).round()),
        Cell::Number(rng.range(50.0, 120.0).round()),
        Cell::Number(100.0),
        Cell::Number(rng.range(90.0, 130.0).round()),
    ];
    for (k, v) in vals.into_iter().enumerate() {
        cells.push(if k == 0 { v } else { miss(rng, v) });
    }
    cells
}

fn mini_table(n: usize, seed: u64, prefix: &str, file: &str) -> RawTable {
    let mut rng = Rng(seed);
    let mut t = RawTable::new(file, MINI_COLS.map(String::from).to_vec());
    for u in 0..n {
        let row = mini_row(&mut rng, &format!("{prefix}{u}"));
        t.push_row(row, u + 2);
    }
    t
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

/// Every output column of two scored states agrees within 1e-9.
fn assert_same_scores(a: &Scored, b: &Scored, what: &str) {
    assert_eq!(a.units.ids, b.units.ids, "{what}");
    let mats = [
        ("derived", &a.derived, &b.derived),
        ("processed", &a.processed, &b.processed),
        ("normalised", &a.normalised, &b.normalised),
        ("aggregates_raw", &a.aggregates_raw, &b.aggregates_raw),
        ("aggregates", &a.aggregates, &b.aggregates),
    ];
    for (name, x, y) in mats {
        assert_eq!(x.n_cols(), y.n_cols());
        for j in 0..x.n_cols() {
            for u in 0..x.n_rows() {
                assert!(same(x.get(u, j), y.get(u, j)), "{what}: {name}[{u}, {j}] {} vs {}", x.get(u, j), y.get(u, j));
            }
        }
    }
    for u in 0..a.units.len() {
        assert!(same(a.coverage[u], b.coverage[u]), "{what}: coverage {u}");
    }
    assert_eq!(a.rank, b.rank, "{what}: rank");
    assert_eq!(a.rank_in_tier, b.rank_in_tier, "{what}: rank_in_tier");
    assert_eq!(a.tier, b.tier, "{what}: tier");
    for j in 0..a.group_stats.len() {
        for g in 0..a.group_stats[j].len() {
            let ((m1, s1), (m2, s2)) = (a.group_stats[j][g], b.group_stats[j][g]);
            assert!(same(m1, m2) && same(s1, s2), "{what}: group_stats {j} {g}");
        }
    }
}

#[test]
fn what_if_equals_rescoring_the_edited_file() {
    let f = fw(MINI);
    for (k, st) in [
        Settings { tiers: "size".into(), ..Settings::default() },
        Settings {
            tiers: "size".into(),
            group: Group::Tier,
            missing: MissingPolicy::Worst,
            min_coverage: 0.8,
            ..Settings::default()
        },
        Settings { tiers: "size".into(), missing: MissingPolicy::Mean, ..Settings::default() },
        Settings {
            tiers: "size".into(),
            normalise: nagar_core::Normalisation::Minmax { lo: 0.0, hi: 100.0 },
            ..Settings::default()
        },
    ]
    .into_iter()
    .enumerate()
    {
        let t = mini_table(60, 11 + k as u64, "c", "pub.csv");
        let mut w = WhatIf::new(&f, t, &st, &WeightOverrides::new(), "c7").unwrap();
        let mut rng = Rng(500 + k as u64);
        let changes: Vec<(&str, String)> = vec![
            ("hh_piped", "12,345".into()),
            ("hh_total", "".into()),
            ("hh_total", "40000".into()),
            ("teachers_actual", "3".into()),
            ("audit_y1", "N".into()),
            ("audit_y2", "yes".into()),
            ("web_portal", "Y".into()),
            ("online_pct", "99%".into()),
            ("mobile_pct", "0".into()),
            ("rating", "aa".into()),
            ("rating", "".into()),
            ("doctors", "500".into()),
            ("permit_days", "1".into()),
            ("rev_y1", "NA".into()),
            ("bud_y2", "0".into()),
            ("Households with piped water", "30000".into()), // by label
            ("population", "1000000".into()),                // moves tier: full re-score
            ("population", "50000".into()),
        ];
        for (field, text) in &changes {
            let r = w.set_input_text(field, text).unwrap();
            let full = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
            assert_same_scores(w.scored(), &full, &format!("{k}: {field} = {text:?}"));
            let u = full.unit_index("c7").unwrap();
            assert_eq!(r.scores.index, if full.index()[u].is_nan() { None } else { Some(full.index()[u]) });
            assert_eq!(r.scores.rank, full.rank[u]);
            assert_eq!(r.full_rescore, *field == "population");
        }
        // Random numeric changes.
        for step in 0..30 {
            let fields = ["hh_piped", "teachers_actual", "online_pct", "doctors", "permit_days", "rev_y2"];
            let field = fields[(rng.unif() * fields.len() as f64) as usize % fields.len()];
            let v = format!("{:.2}", rng.range(0.0, 150.0));
            w.set_input_text(field, &v).unwrap();
            if step % 5 == 4 {
                let full = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
                assert_same_scores(w.scored(), &full, &format!("{k}: random step {step}"));
            }
        }
    }
}

#[test]
fn what_if_rejects_bad_values_and_unknown_fields_without_changing_anything() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), ..Settings::default() };
    let mut w = WhatIf::new(&f, mini_table(20, 3, "c", "pub.csv"), &st, &WeightOverrides::new(), "c2").unwrap();
    let before = w.result();
    let table_before = w.table().clone();
    let e = w.set_input_text("hh_piped", "-5").unwrap_err();
    assert!(e.to_string().contains("cannot be negative"), "{e}");
    let e = w.set_input_text("audit_y1", "maybe").unwrap_err();
    assert!(e.to_string().contains("expected Y or N"), "{e}");
    let e = w.set_input_text("hh_piped", "12abc").unwrap_err();
    assert!(e.to_string().contains("not a number"), "{e}");
    let e = w.set_input_text("no_such_field", "1").unwrap_err();
    assert!(matches!(e, AnalysisError::UnknownInput { .. }), "{e}");
    assert_eq!(w.result(), before);
    assert_eq!(w.table(), &table_before);
    let r = w.set_input_text("online_pct", "120").unwrap();
    assert_eq!(r.warnings.len(), 1, "percentage above 100 is a warning");
    assert!(WhatIf::new(&f, mini_table(5, 3, "c", "pub.csv"), &st, &WeightOverrides::new(), "zz").is_err());
}

#[test]
fn what_if_falls_back_to_full_rescoring_when_processing_is_column_wide() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), screen: Some(0.7), ..Settings::default() };
    let mut w = WhatIf::new(&f, mini_table(30, 8, "c", "pub.csv"), &st, &WeightOverrides::new(), "c3").unwrap();
    for (field, v) in [("hh_piped", ""), ("hh_total", ""), ("doctors", ""), ("permit_days", ""), ("rating", "AAA")] {
        let r = w.set_input_text(field, v).unwrap();
        assert!(r.full_rescore);
        let full = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
        assert_same_scores(w.scored(), &full, field);
    }
}

#[test]
fn what_if_adds_a_column_the_file_lacks() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), ..Settings::default() };
    let mut t = mini_table(25, 4, "c", "pub.csv");
    let k = t.column_index("doctors").unwrap();
    t.remove_column(k);
    let mut w = WhatIf::new(&f, t, &st, &WeightOverrides::new(), "c1").unwrap();
    let r = w.set_input_text("doctors", "40").unwrap();
    assert_eq!(r.changed.len(), 1);
    let full = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
    assert_same_scores(w.scored(), &full, "added column");
}

// ---------------------------------------------------------------------------------------------
// Preview.

#[test]
fn preview_scores_with_and_without_my_rows() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), ..Settings::default() };
    let published = mini_table(50, 21, "c", "published.csv");
    let mine = mini_table(2, 77, "mine", "mine.csv");
    let p = preview(&f, &published, &mine, &st, &WeightOverrides::new(), &PreviewOptions::default()).unwrap();
    let rep = p.report();
    assert_eq!(rep.published_units, 50);
    assert_eq!(rep.mine.len(), 2);
    assert_eq!(rep.moves.len(), 50);
    // Same numbers as scoring the two files concatenated.
    let mut both = published.clone();
    for (r, row) in mine.rows().enumerate() {
        both.push_row(row.to_vec(), 100 + r);
    }
    let full = score(&f, &both, &st, &WeightOverrides::new()).unwrap();
    for m in &rep.mine {
        let u = full.unit_index(&m.id).unwrap();
        assert!(same(m.index.unwrap(), full.index()[u]));
        assert_eq!(m.rank, full.rank[u]);
        assert_eq!(m.nodes.len(), 5);
    }
    let alone = score(&f, &published, &st, &WeightOverrides::new()).unwrap();
    for mv in &rep.moves {
        let (a, b) = (alone.unit_index(&mv.id).unwrap(), full.unit_index(&mv.id).unwrap());
        assert_eq!(mv.rank_before, alone.rank[a]);
        assert_eq!(mv.rank_after, full.rank[b]);
    }
    // Serialisable for the page.
    let json = serde_json::to_string(&rep).unwrap();
    assert!(json.contains("\"moves\""));
    // What-if from the preview state is exact too.
    let mut w = p.what_if("mine1").unwrap();
    w.set_input_text("permit_days", "3").unwrap();
    let full2 = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
    assert_same_scores(w.scored(), &full2, "preview what-if");
    // The preview report follows the what-if state.
    let rep2 = p.report_for(&w);
    let u = full2.unit_index("mine1").unwrap();
    let m = rep2.mine.iter().find(|m| m.id == "mine1").unwrap();
    assert_eq!(m.index, Some(full2.index()[u]));
    for mv in &rep2.moves {
        assert_eq!(mv.rank_after, full2.rank[full2.unit_index(&mv.id).unwrap()]);
    }
    // The quick summary of a change is the same report without the moves.
    let mut without_moves = rep2.clone();
    without_moves.moves.clear();
    assert!(!rep2.moves.is_empty());
    assert_eq!(p.summary_for(&w), without_moves);
    let e = explain(&f, w.scored(), "mine1").unwrap();
    assert!((e.total - e.index).abs() < 1e-9);
}

#[test]
fn preview_id_collision_asks_and_then_replaces_or_adds() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), ..Settings::default() };
    let published = mini_table(30, 21, "c", "published.csv");
    let mine = mini_table(1, 77, "c", "mine.csv"); // id c0 collides
    let err = preview(&f, &published, &mine, &st, &WeightOverrides::new(), &PreviewOptions::default()).unwrap_err();
    assert!(matches!(err, AnalysisError::IdCollision { .. }));
    let m = err.to_string();
    assert!(m.contains("c0") && m.contains("replace") && m.contains("add-as-new"), "{m}");

    let opts = PreviewOptions { on_collision: Some(Collision::Replace), ..Default::default() };
    let rep = preview(&f, &published, &mine, &st, &WeightOverrides::new(), &opts).unwrap().report();
    assert_eq!(rep.replaced, vec!["c0".to_string()]);
    assert_eq!(rep.mine[0].id, "c0");
    assert_eq!(rep.moves.len(), 29);

    let opts = PreviewOptions { on_collision: Some(Collision::AddAsNew), ..Default::default() };
    let p = preview(&f, &published, &mine, &st, &WeightOverrides::new(), &opts).unwrap();
    let rep = p.report();
    assert_eq!(rep.mine[0].id, "c0-mine");
    assert_eq!(rep.mine[0].original_id.as_deref(), Some("c0"));
    assert_eq!(rep.moves.len(), 30);
    assert_eq!(p.with.units.len(), 31);
}

#[test]
fn preview_bad_input_gives_clear_messages() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), ..Settings::default() };
    let published = mini_table(10, 21, "c", "published.csv");
    let mine = mini_table(1, 77, "mine", "mine.csv");
    let w = WeightOverrides::new();
    let o = PreviewOptions::default();
    // Zero published rows.
    let empty = RawTable::new("published.csv", published.columns.clone());
    let e = preview(&f, &empty, &mine, &st, &w, &o).unwrap_err().to_string();
    assert!(e.contains("published data published.csv: no data rows"), "{e}");
    // Zero rows of mine.
    let none = RawTable::new("mine.csv", mine.columns.clone());
    let e = preview(&f, &published, &none, &st, &w, &o).unwrap_err().to_string();
    assert!(e.contains("my file mine.csv: no data rows"), "{e}");
    // My file made for another framework: other id column and columns.
    let mut other = RawTable::new("asem.csv", ["uCode", "uName", "LPI", "Flights"].map(String::from).to_vec());
    other.push_row(
        vec![Cell::Text("AUT".into()), Cell::Text("Austria".into()), Cell::Number(3.0), Cell::Number(5.0)],
        2,
    );
    let e = preview(&f, &published, &other, &st, &w, &o).unwrap_err().to_string();
    assert!(e.contains("another framework"), "{e}");
    // Right id column but none of the inputs.
    let mut other2 = RawTable::new("other.csv", ["ulb_id", "LPI"].map(String::from).to_vec());
    other2.push_row(vec![Cell::Text("x".into()), Cell::Number(1.0)], 2);
    let e = preview(&f, &published, &other2, &st, &w, &o).unwrap_err().to_string();
    assert!(e.contains("none of the input columns of framework mini"), "{e}");
    // Published data of another framework.
    let e = preview(&f, &other, &mine, &st, &w, &o).unwrap_err().to_string();
    assert!(e.contains("published data asem.csv has no id column"), "{e}");
    // Unknown unit for what-if.
    let p = preview(&f, &published, &mine, &st, &w, &o).unwrap();
    let e = p.what_if("nobody").unwrap_err().to_string();
    assert!(e.contains("\"nobody\" is not in the data"), "{e}");
    // My file with fewer columns: a warning, and my issues carry my file's name.
    let mut partial = mine.clone();
    while partial.columns.len() > 6 {
        partial.remove_column(6);
    }
    partial.set(0, 3, CellRef::Text("lots"));
    let rep = preview(&f, &published, &partial, &st, &w, &o).unwrap().report();
    assert!(rep.warnings[0].contains("lacks"), "{:?}", rep.warnings);
    assert!(
        rep.my_issues.iter().any(|i| i.file == "mine.csv" && i.message.contains("not a number")),
        "{:?}",
        rep.my_issues
    );
}

#[test]
fn explain_and_improve_on_mini_framework_with_derivations() {
    let f = fw(MINI);
    let st = Settings { tiers: "size".into(), ..Settings::default() };
    let t = mini_table(40, 9, "c", "pub.csv");
    let s = run(&f, &t, &st);
    let e = explain(&f, &s, "c3").unwrap();
    assert!((e.total - e.index).abs() < 1e-9);
    let piped = e.rows.iter().find(|r| r.id == "piped").unwrap();
    assert_eq!(piped.inputs.len(), 2);
    let with_text = (0..10)
        .filter_map(|u| explain(&f, &s, &format!("c{u}")).ok())
        .filter(|e| e.rows.iter().any(|r| r.id == "rating" && r.inputs[0].text.is_some() && r.derived.is_some()));
    assert!(with_text.count() > 5, "credit rating text");
    let imp = improve(&f, &s, "c3", &ImproveOptions { percentile: 0.9 }).unwrap();
    assert!(imp.rows.iter().all(|r| r.gain.is_finite()));
    let json = serde_json::to_string(&imp).unwrap();
    assert!(json.contains("sentence"));
    let _ = Aggregation::Amean;
}

// ---------------------------------------------------------------------------------------------
// The built-in MPI 2019 framework on synthetic demo data.

const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

fn mpi() -> (Framework, RawTable, Settings) {
    let f: Framework = toml::from_str(MPI_TOML).unwrap();
    let t = nagar_core::demo::demo_table(&f, &nagar_core::demo::census_cities(), 150, 2019);
    let st = f.settings.clone();
    (f, t, st)
}

/// Improvement priorities carry each indicator's lever mark from the framework, and only that.
#[test]
fn mpi_improvements_carry_the_lever_mark() {
    use nagar_core::framework::Lever;
    let (f, t, st) = mpi();
    let s = run(&f, &t, &st);
    let mut seen = std::collections::BTreeSet::new();
    for u in 0..40 {
        let Ok(imp) = improve(&f, &s, &s.units.ids[u], &ImproveOptions::default()) else { continue };
        for r in &imp.rows {
            let ind = f.indicators.iter().find(|i| i.id == r.id).unwrap();
            assert_eq!(r.lever, ind.lever, "{}", r.id);
            seen.insert(r.lever.as_str());
        }
    }
    // The demo data leaves something to improve in each kind.
    assert!(seen.contains("spending") && seen.contains("outcome"), "{seen:?}");
    assert_eq!(Lever::default(), Lever::Outcome);
}

#[test]
fn mpi_contributions_sum_to_the_index() {
    let (f, t, st) = mpi();
    for st in [st.clone(), Settings { group: Group::Tier, missing: MissingPolicy::Worst, ..st }] {
        let s = run(&f, &t, &st);
        let mut n = 0;
        for u in 0..s.units.len() {
            let Ok(e) = explain(&f, &s, &s.units.ids[u]) else { continue };
            assert!((e.total - e.index).abs() < 1e-9, "{}: {} vs {}", e.unit_id, e.total, e.index);
            assert_eq!(e.rows.len(), 100);
            n += 1;
        }
        assert!(n > 140);
    }
}

#[test]
fn mpi_what_if_equals_rescoring() {
    let (f, t, st) = mpi();
    let id = t.cell(5, t.column_index("ulb_id").unwrap()).display();
    let mut w = WhatIf::new(&f, t, &st, &WeightOverrides::new(), &id).unwrap();
    // Inputs read by several indicators (total_budget, road_km, households_total), a
    // group-dependent one (services_online_pct for 3.1.1), Y/N, a credit rating, population.
    for (field, v) in [
        ("total_budget", "1,23,45,678"),
        ("road_km", "850"),
        ("households_total", ""),
        ("services_online_pct", "97%"),
        ("web_portal", "N"),
        ("credit_rating", "AA+"),
        ("own_revenue_y2", "0"),
        ("teachers_actual", "1"),
        ("budget_deficit_pct_y1", "-3.5%"),
        ("population", "6000000"),
    ] {
        let r = w.set_input_text(field, v).unwrap();
        let full = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
        assert_same_scores(w.scored(), &full, &format!("{field} = {v}"));
        assert!(!r.full_rescore || field == "population");
    }
    let imp = improve(&f, w.scored(), &id, &ImproveOptions::default()).unwrap();
    assert!(!imp.rows.is_empty());
}

/// The numbers of docs/methodology-analysis.md.
#[test]
fn methodology_worked_example() {
    let f = fw(r#"
id = "ex"
name = "example"
[columns]
id = "id"
[[aggregates]]
id = "index"
name = "Index"
[[aggregates]]
id = "S1"
name = "S1"
parent = "index"
rescale = [0, 100]
[[aggregates]]
id = "S2"
name = "S2"
parent = "index"
rescale = [0, 100]
[[indicators]]
id = "i1"
name = "i1"
parent = "S1"
[[indicators]]
id = "i2"
name = "i2"
parent = "S1"
[[indicators]]
id = "i3"
name = "i3"
parent = "S2"
"#);
    let mut t = RawTable::new("ex.csv", ["id", "i1", "i2", "i3"].map(String::from).to_vec());
    for (k, (id, a, b, c)) in
        [("P", 10.0, 5.0, 1.0), ("Q", 20.0, 5.0, 3.0), ("R", 30.0, 8.0, 2.0)].into_iter().enumerate()
    {
        t.push_row(vec![Cell::Text(id.into()), Cell::Number(a), Cell::Number(b), Cell::Number(c)], k + 2);
    }
    let s = run(&f, &t, &Settings::default());
    let r2 = |x: f64| (x * 100.0).round() / 100.0;
    assert_eq!(s.index().iter().map(|x| r2(*x)).collect::<Vec<_>>(), vec![0.0, 63.4, 75.0]);
    let e = explain(&f, &s, "Q").unwrap();
    assert_eq!(r2(e.baseline), 46.13);
    let c = |id: &str| e.rows.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(r2(c("i1").points_per_unit), 13.4);
    assert_eq!(r2(c("i2").contribution), -7.74);
    assert_eq!(c("i3").contribution, 25.0);
    assert!((e.total - e.index).abs() < 1e-12);
    let imp = improve(&f, &s, "Q", &ImproveOptions::default()).unwrap();
    let i1 = imp.rows.iter().find(|r| r.id == "i1").unwrap();
    assert_eq!(i1.target_value, 25.0);
    assert_eq!(r2(i1.gain), 6.32);
    assert_eq!(r2(i1.new_index), 69.72);
    assert_eq!((imp.rank, i1.new_rank), (Some(2), Some(2)));
}

#[test]
fn reaggregation_with_new_weights_equals_rescoring() {
    let (f, t, st) = mpi();
    let s = run(&f, &t, &st);
    let mut w = WeightOverrides::new();
    w.insert("services".into(), 0.5);
    w.insert("finance".into(), 0.1);
    w.insert("1.3".into(), 2.0);
    w.insert("3.2.1".into(), 0.0);
    let full = score(&f, &t, &st, &w).unwrap();
    let mut plan = s.plan.clone();
    for (id, x) in &w {
        if let Some(k) = s.aggregate_index(id) {
            plan.aggregate_weights[k] = *x;
        } else if let Some(j) = s.indicator_index(id) {
            plan.indicator_weights[j] = *x;
        }
    }
    let n_agg = s.aggregate_ids.len();
    for changed_only in [false, true] {
        let mut raw = nagar_core::matrix::Matrix::new(s.units.len(), n_agg);
        let mut out = raw.clone();
        if changed_only {
            nagar_core::analysis::reaggregate_changed(&s, &plan, &mut raw, &mut out).unwrap();
        } else {
            nagar_core::analysis::reaggregate(&s, &plan, &mut raw, &mut out).unwrap();
        }
        for k in 0..n_agg {
            for u in 0..s.units.len() {
                assert_eq!(out.get(u, k).to_bits(), full.aggregates.get(u, k).to_bits(), "{changed_only} {k} {u}");
                assert_eq!(raw.get(u, k).to_bits(), full.aggregates_raw.get(u, k).to_bits());
            }
        }
    }
}

#[test]
fn what_if_form_groups_every_input_by_sector_once() {
    let (f, t, st) = mpi();
    let id = t.cell(2, t.column_index("ulb_id").unwrap()).display();
    let w = WhatIf::new(&f, t, &st, &WeightOverrides::new(), &id).unwrap();
    let form = w.form();
    assert_eq!(form.len(), 20, "one section per MPI sector");
    let n: usize = form.iter().map(|s| s.fields.len()).sum();
    assert_eq!(n, f.used_inputs().len());
    let rating = form.iter().flat_map(|s| &s.fields).find(|x| x.id == "credit_rating").unwrap();
    assert!(rating.text.is_some() || rating.value.is_none());
    let json = serde_json::to_string(&form).unwrap();
    assert!(json.contains("\"kind\":\"yes_no\""));
    assert_eq!(nagar_core::analysis::input_form(&f).len(), 20);
}

#[test]
fn mpi_what_if_random_changes_of_any_input_equal_rescoring() {
    let (f, t, _) = mpi();
    let kinds = nagar_core::inputs::input_kinds(&f);
    for (k, st) in
        [f.settings.clone(), Settings { group: Group::Tier, missing: MissingPolicy::Mean, ..f.settings.clone() }]
            .into_iter()
            .enumerate()
    {
        let id = t.cell(9 + k, t.column_index("ulb_id").unwrap()).display();
        let mut w = WhatIf::new(&f, t.clone(), &st, &WeightOverrides::new(), &id).unwrap();
        let mut rng = Rng(77 + k as u64);
        for step in 0..60 {
            let (field, kind) = &kinds[(rng.unif() * kinds.len() as f64) as usize % kinds.len()];
            let text = match kind {
                _ if rng.unif() < 0.1 => String::new(),
                nagar_core::InputKind::YesNo => if rng.unif() < 0.5 { "Y" } else { "N" }.to_string(),
                nagar_core::InputKind::Text => ["AAA", "BBB-", "NR", "D"][(rng.unif() * 4.0) as usize % 4].to_string(),
                nagar_core::InputKind::Percent => format!("{:.1}", rng.range(0.0, 100.0)),
                nagar_core::InputKind::Population => format!("{}", rng.range(10_000.0, 3_000_000.0).round()),
                _ => format!("{:.2}", rng.range(0.0, 5000.0)),
            };
            w.set_input_text(field, &text).unwrap_or_else(|e| panic!("{field} = {text:?}: {e}"));
            if step % 6 == 5 {
                let full = score(&f, w.table(), &st, &WeightOverrides::new()).unwrap();
                assert_same_scores(w.scored(), &full, &format!("{k}: step {step} ({field} = {text:?})"));
            }
        }
    }
}
