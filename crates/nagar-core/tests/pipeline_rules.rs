//! Pipeline rules on tiny frameworks, with numbers worked by hand in the comments.

use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::{Aggregation, Framework, Group, MissingPolicy, RawTable, Settings};

mod common;
use common::table;

/// Index ← {A ← a1, a2 ; B ← b1}, all weights 1, z-scores, arithmetic means.
fn framework(extra: &str) -> Framework {
    let src = format!(
        r#"
id = "t"
name = "test"
[columns]
id = "id"
{extra}
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
[[indicators]]
id = "a1"
name = "a1"
parent = "A"
[[indicators]]
id = "a2"
name = "a2"
parent = "A"
direction = -1
[[indicators]]
id = "b1"
name = "b1"
parent = "B"
"#
    );
    toml::from_str(&src).unwrap()
}

fn run(fw: &Framework, t: &RawTable, s: &Settings) -> nagar_core::pipeline::Scored {
    score(fw, t, s, &WeightOverrides::new()).unwrap()
}

#[test]
fn zscore_uses_sample_sd_and_direction_first() {
    // a1 = 1,2,3: mean 2, sample sd 1 → z = -1, 0, 1. a2 (lower is better) = 1,2,3 → -a2 → z = 1, 0, -1.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,1,5\ny,2,2,5\nz,3,3,5");
    let s = run(&fw, &t, &Settings::default());
    let a1 = s.indicator_index("a1").unwrap();
    let a2 = s.indicator_index("a2").unwrap();
    assert_eq!(s.normalised.col(a1), &[-1.0, 0.0, 1.0]);
    assert_eq!(s.normalised.col(a2), &[1.0, 0.0, -1.0]);
}

#[test]
fn sd_zero_gives_every_unit_the_mean() {
    // b1 is 5 for everyone: sd = 0 → z = 0 for every non-missing unit.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,1,5\ny,2,2,5\nz,3,3,");
    let s = run(&fw, &t, &Settings::default());
    let b1 = s.indicator_index("b1").unwrap();
    assert_eq!(s.normalised.get(0, b1), 0.0);
    assert_eq!(s.normalised.get(1, b1), 0.0);
    assert!(s.normalised.get(2, b1).is_nan());
}

#[test]
fn arithmetic_mean_skips_missing_children_and_renormalises_weights() {
    // x: a1 = -1, a2 missing → A = -1 (weight of a2 dropped). B: b1 = 10, 20, 30 → z -1, 0, 1.
    // Index of x = (A + B)/2 = (-1 + -1)/2 = -1.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,,10\ny,2,2,20\nz,3,3,30");
    let s = run(&fw, &t, &Settings::default());
    let a = s.aggregate_index("A").unwrap();
    assert_eq!(s.aggregates.get(0, a), -1.0);
    // y: a1 = 0, a2: values 2,3 → -2,-3 → mean -2.5, sd 0.7071 → z(y) = 0.7071 → A = 0.35355
    let z = 0.5 / (0.5f64).sqrt();
    assert!((s.aggregates.get(1, a) - z / 2.0).abs() < 1e-12);
    assert_eq!(s.index()[0], -1.0);
}

#[test]
fn ranks_ties_share_the_smallest_rank() {
    // b1 only decides: 30, 20, 20, 10 → ranks 1, 2, 2, 4.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nw,1,1,30\nx,1,1,20\ny,1,1,20\nz,1,1,10");
    let s = run(&fw, &t, &Settings::default());
    assert_eq!(s.rank, vec![Some(1), Some(2), Some(2), Some(4)]);
}

#[test]
fn below_minimum_coverage_keeps_scores_but_gets_no_rank() {
    // w has 1 of 3 indicators (coverage 1/3 < 0.5): scored, not ranked; others ranked without it.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nw,,,40\nx,1,1,20\ny,2,2,20\nz,3,3,10");
    let st = Settings { min_coverage: 0.5, ..Settings::default() };
    let s = run(&fw, &t, &st);
    assert!(!s.index()[0].is_nan());
    assert_eq!(s.rank[0], None);
    assert!((s.coverage[0] - 1.0 / 3.0).abs() < 1e-15);
    assert_eq!(s.rank.iter().flatten().count(), 3);
}

#[test]
fn missing_policy_mean_and_worst_substitute_normalised_values() {
    // a1 = 1, 2, 3, missing → z = -1, 0, 1. mean policy: z = 0 for the missing unit; worst: z = -1.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nw,1,1,1\nx,2,2,2\ny,3,3,3\nz,,4,4");
    let a1 = 0;
    let mean = run(&fw, &t, &Settings { missing: MissingPolicy::Mean, ..Settings::default() });
    assert_eq!(mean.normalised.get(3, a1), 0.0);
    assert!(mean.derived.get(3, a1).is_nan(), "derived value stays missing");
    assert!(mean.coverage[3] < 1.0, "coverage still counts it as missing");
    let worst = run(&fw, &t, &Settings { missing: MissingPolicy::Worst, ..Settings::default() });
    assert_eq!(worst.normalised.get(3, a1), -1.0);
}

#[test]
fn rescaled_aggregate_with_max_equal_min_gives_everyone_the_top() {
    let fw = framework("");
    let mut fw = fw;
    fw.aggregates[2].rescale = Some([0.0, 100.0]); // B
    let t = table("id,a1,a2,b1\nx,1,1,5\ny,2,2,5\nz,3,3,5");
    let s = run(&fw, &t, &Settings::default());
    let b = s.aggregate_index("B").unwrap();
    assert_eq!(s.aggregates.col(b), &[100.0, 100.0, 100.0]);
    assert_eq!(s.aggregates_raw.col(b), &[0.0, 0.0, 0.0]);
}

#[test]
fn geometric_mean_of_non_positive_values_is_a_clear_error_naming_the_node() {
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,1,5\ny,2,2,6\nz,3,3,7");
    let st = Settings { aggregate: Aggregation::Gmean, ..Settings::default() };
    let err = score(&fw, &t, &st, &WeightOverrides::new()).unwrap_err().to_string();
    assert!(err.contains("geometric aggregation of A"), "{err}");
}

#[test]
fn duplicate_id_rejects_the_later_row() {
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,1,5\nx,2,2,6\nz,3,3,7");
    let s = run(&fw, &t, &Settings::default());
    assert_eq!(s.units.ids, vec!["x", "z"]);
    let dup = s.issues.iter().find(|i| i.message.contains("duplicate id")).expect("issue");
    assert_eq!(dup.row, Some(3));
    assert_eq!(dup.value.as_deref(), Some("x"));
}

#[test]
fn grouping_column_standardises_each_group_separately() {
    // Group g1: a1 = 1, 3 → z = -0.7071, 0.7071; group g2: a1 = 10, 30 → same z-scores.
    let fw = framework("");
    let t = table("id,g,a1,a2,b1\nw,g1,1,1,1\nx,g1,3,2,2\ny,g2,10,3,3\nz,g2,30,4,4");
    // Groups of two are ranked only with a minimum of 2 (the default is 5).
    let st = Settings { group: Group::Column("g".into()), min_group_size: 2, ..Settings::default() };
    let s = run(&fw, &t, &st);
    let a1 = s.indicator_index("a1").unwrap();
    assert!((s.normalised.get(0, a1) - s.normalised.get(2, a1)).abs() < 1e-15);
    assert!((s.normalised.get(1, a1) - s.normalised.get(3, a1)).abs() < 1e-15);
    assert_eq!(s.rank.iter().filter(|r| **r == Some(1)).count(), 2, "ranked within each group");
}

#[test]
fn weight_override_changes_the_index() {
    // Weight of B set to 0: the index equals A.
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,1,5\ny,2,3,6\nz,3,2,9");
    let mut w = WeightOverrides::new();
    w.insert("B".into(), 0.0);
    let s = score(&fw, &t, &Settings::default(), &w).unwrap();
    let a = s.aggregate_index("A").unwrap();
    assert_eq!(s.index(), s.aggregates.col(a));
}

#[test]
fn bad_cells_are_reported_with_row_column_and_value_and_the_rest_is_scored() {
    let fw = framework("");
    let t = table("id,a1,a2,b1\nx,1,abc,5\ny,2,2,6\nz,3,3,7");
    let s = run(&fw, &t, &Settings::default());
    let i = s.issues.iter().find(|i| i.value.as_deref() == Some("abc")).expect("issue for abc");
    assert_eq!((i.row, i.column.as_deref()), (Some(2), Some("a2")));
    assert!(!s.index()[0].is_nan());
}

#[test]
fn a_comparison_group_below_the_minimum_size_is_scored_but_not_ranked() {
    // Groups by the column `st`: "North" written three ways is one group of 3 (x, y, z); "South"
    // is a group of 2 (v, w). With the minimum 3: North is ranked within itself (index = mean of
    // A = mean(z(a1), z(-a2)) = 0 and B = z(b1) = -1, 0, 1 → z first), South gets one warning and
    // no ranks; its units' indices are still computed within South (a1 = 5, 6: mean 5.5, sample
    // sd 1/√2, z = ∓1/√2; A = 0, B = ∓1/√2, index = ∓1/(2√2)).
    let fw = framework("");
    let t = table("id,st,a1,a2,b1\nx,North,1,1,1\ny,  north ,2,2,2\nz,NORTH,3,3,3\nv,South,5,5,5\nw,south,6,6,6");
    let st = Settings { group: Group::Column("st".into()), min_group_size: 3, ..Settings::default() };
    let s = run(&fw, &t, &st);
    assert_eq!(s.groups.labels, ["North", "South"]);
    assert_eq!(s.rank, vec![Some(3), Some(2), Some(1), None, None]);
    let r = |x: f64| (x * 1e12).round() / 1e12;
    let h = 1.0 / (2.0 * 2f64.sqrt());
    assert_eq!(s.index().iter().map(|x| r(*x)).collect::<Vec<_>>(), vec![-0.5, 0.0, 0.5, r(-h), r(h)]);
    let warnings: Vec<&str> =
        s.issues.iter().filter(|i| i.message.starts_with("comparison group")).map(|i| i.message.as_str()).collect();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("comparison group \"South\" has 2 units, fewer than the minimum of 3"),
        "{}",
        warnings[0]
    );
    assert_eq!(nagar_core::report::flag(&s, 3), "group too small (2 < 3): not ranked");
    assert_eq!(nagar_core::report::flag(&s, 0), "");
    // The minimum 2 ranks both groups; under `all` no minimum applies.
    let s = run(&fw, &t, &Settings { min_group_size: 2, ..st.clone() });
    assert_eq!(s.rank[4], Some(1));
    let s = run(&fw, &t, &Settings { group: Group::All, min_group_size: 50, ..st });
    assert_eq!(s.rank.iter().flatten().count(), 5);
}
