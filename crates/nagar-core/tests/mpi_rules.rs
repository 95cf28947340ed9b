//! The MPI 2019 rules of the spec (`shared/spec/mpi-2019.md`), one test per rule, each with
//! numbers worked by hand in its comment, scored through the built-in framework file.

use nagar_core::pipeline::{score, Scored, WeightOverrides};
use nagar_core::{Cell, Framework, Group, MissingPolicy, RawTable, Settings, Severity};

fn mpi() -> Framework {
    let src = include_str!("../../../frameworks/mpi-2019.toml");
    toml::from_str(src).expect("mpi-2019.toml parses")
}

/// A table from a header and rows of text cells (blank = empty), with ulb_id/ulb_name added.
fn table(header: &[&str], rows: &[&[&str]]) -> RawTable {
    let mut cols = vec!["ulb_id".to_string()];
    cols.extend(header.iter().map(|s| s.to_string()));
    let mut t = RawTable::new("rules.csv", cols);
    for (k, r) in rows.iter().enumerate() {
        let mut cells = vec![Cell::Text(format!("U{}", k + 1))];
        cells.extend(r.iter().map(|v| if v.is_empty() { Cell::Empty } else { Cell::Text(v.to_string()) }));
        t.push_row(cells, k + 2);
    }
    t
}

fn run_with(t: &RawTable, s: &Settings) -> Scored {
    score(&mpi(), t, s, &WeightOverrides::new()).expect("scores")
}

fn run(t: &RawTable) -> Scored {
    let mut s = mpi().settings;
    s.min_coverage = 0.0;
    run_with(t, &s)
}

fn derived(s: &Scored, u: usize, id: &str) -> f64 {
    s.derived.get(u, s.indicator_index(id).unwrap())
}
fn processed(s: &Scored, u: usize, id: &str) -> f64 {
    s.processed.get(u, s.indicator_index(id).unwrap())
}
fn norm(s: &Scored, u: usize, id: &str) -> f64 {
    s.normalised.get(u, s.indicator_index(id).unwrap())
}
fn agg_raw(s: &Scored, u: usize, id: &str) -> f64 {
    s.aggregates_raw.get(u, s.aggregate_index(id).unwrap())
}
fn agg(s: &Scored, u: usize, id: &str) -> f64 {
    s.aggregates.get(u, s.aggregate_index(id).unwrap())
}
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn vacancy_rate_is_the_share_of_sanctioned_posts_not_filled() {
    // 40 sanctioned, 30 in position → 100·10/40 = 25 %; 50/50 → 0 %.
    let t = table(&["teachers_sanctioned", "teachers_actual"], &[&["40", "30"], &["50", "50"]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "1.1.1"), 25.0);
    assert_eq!(derived(&s, 1, "1.1.1"), 0.0);
}

#[test]
fn vacancy_with_zero_sanctioned_posts_is_missing_not_zero() {
    let t = table(&["teachers_sanctioned", "teachers_actual"], &[&["0", "0"], &["50", "40"]]);
    let s = run(&t);
    assert!(derived(&s, 0, "1.1.1").is_nan());
    assert!(s.issues.iter().any(|i| i.row == Some(2) && i.message.contains("1.1.1")));
}

#[test]
fn pupil_teacher_ratio_better_than_30_earns_no_more() {
    // 500/25 = 20 and 600/24 = 25 are both floored at 30 (RTE 30:1): equal z-scores (0, sd = 0
    // among them only with the third at 40: values 30, 30, 40 → −x = −30, −30, −40, mean −33.33,
    // sd 5.7735 → z = 0.57735, 0.57735, −1.1547).
    let t =
        table(&["students_municipal_schools", "teachers_on_roll"], &[&["500", "25"], &["600", "24"], &["800", "20"]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "1.1.2"), 20.0, "derived value is kept as computed");
    assert_eq!(processed(&s, 0, "1.1.2"), 30.0);
    assert_eq!(processed(&s, 1, "1.1.2"), 30.0);
    assert_eq!(processed(&s, 2, "1.1.2"), 40.0);
    assert!(close(norm(&s, 0, "1.1.2"), 1.0 / 3f64.sqrt()));
    assert!(close(norm(&s, 1, "1.1.2"), 1.0 / 3f64.sqrt()));
    assert!(close(norm(&s, 2, "1.1.2"), -2.0 / 3f64.sqrt()));
}

#[test]
fn water_supply_scores_the_distance_from_135_lpcd() {
    // |150 − 135| = 15, |120 − 135| = 15, |135 − 135| = 0 (lower is better).
    let t = table(&["water_supplied_lpcd"], &[&["150"], &["120"], &["135"]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "1.3.3"), 15.0);
    assert_eq!(derived(&s, 1, "1.3.3"), 15.0);
    assert_eq!(derived(&s, 2, "1.3.3"), 0.0);
    assert!(norm(&s, 2, "1.3.3") > norm(&s, 0, "1.3.3"));
}

#[test]
fn three_year_mean_uses_the_years_that_exist() {
    // U1: 50/100 = 50 %, y2 missing, 30/60 = 50 % → 50. U2: 20 %, 30 %, y3 missing → 25.
    // U3: nothing → missing.
    let h = [
        "own_revenue_y1",
        "own_revenue_y2",
        "own_revenue_y3",
        "total_revenue_y1",
        "total_revenue_y2",
        "total_revenue_y3",
    ];
    let t = table(
        &h,
        &[&["50", "", "30", "100", "100", "60"], &["20", "30", "", "100", "100", "100"], &["", "", "", "", "", ""]],
    );
    let s = run(&t);
    assert_eq!(derived(&s, 0, "2.1.1"), 50.0);
    assert_eq!(derived(&s, 1, "2.1.1"), 25.0);
    assert!(derived(&s, 2, "2.1.1").is_nan());
}

#[test]
fn y_count_counts_a_missing_item_as_no_with_a_warning() {
    // 2.1.7 = Y + (missing) = 1, with a warning naming the blank cell; both blank → missing.
    let t = table(&["tax_revision_carried_out", "tax_revision_on_time"], &[&["Yes", ""], &["y", "N"], &["", ""]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "2.1.7"), 1.0);
    assert_eq!(derived(&s, 1, "2.1.7"), 1.0);
    assert!(derived(&s, 2, "2.1.7").is_nan());
    let w = s.issues.iter().find(|i| i.row == Some(2) && i.message.contains("2.1.7")).expect("warning");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.column.as_deref(), Some("tax_revision_on_time"));
}

#[test]
fn bad_yes_no_is_an_error_and_counts_as_missing() {
    let t = table(&["accrual_accounting"], &[&["maybe"], &["Y"]]);
    let s = run(&t);
    assert!(derived(&s, 0, "2.1.8").is_nan());
    let e = s.issues.iter().find(|i| i.value.as_deref() == Some("maybe")).expect("error");
    assert_eq!((e.severity, e.row, e.column.as_deref()), (Severity::Error, Some(2), Some("accrual_accounting")));
}

#[test]
fn credit_ratings_become_points_and_unknown_text_is_an_error() {
    // AAA = 20, aa- = 17 (case ignored), NR = 0, "Not rated" = 0, "XYZ" → error, missing.
    let t = table(&["credit_rating"], &[&["AAA"], &["aa-"], &["NR"], &["Not rated"], &["XYZ"]]);
    let s = run(&t);
    let pts: Vec<f64> = (0..5).map(|u| derived(&s, u, "2.4.3")).collect();
    assert_eq!(&pts[..4], &[20.0, 17.0, 0.0, 0.0]);
    assert!(pts[4].is_nan());
    let e = s.issues.iter().find(|i| i.value.as_deref() == Some("XYZ")).expect("error");
    assert_eq!((e.severity, e.row, e.column.as_deref()), (Severity::Error, Some(6), Some("credit_rating")));
}

#[test]
fn community_services_earn_a_point_per_facility_type_at_its_benchmark() {
    // Population 1,50,000. Community centres: 10 → 6.667 per lakh < 6.67 (no point); 11 → 7.33
    // (point). Crematoria 1 → 0.667 ≥ 0.2 (point). Cultural centres 1 → 0.667 < 1 (no point).
    // Other counts blank: no point. U1 = 1 + 0 = 1... U1: 10, 1, 1 → 1 point; U2: 11, 1, 1 → 2.
    let h = ["population", "community_centres", "crematoria", "cultural_centres"];
    let t = table(&h, &[&["1,50,000", "10", "1", "1"], &["1,50,000", "11", "1", "1"], &["", "11", "1", "1"]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "1.6.6"), 1.0);
    assert_eq!(derived(&s, 1, "1.6.6"), 2.0);
    assert!(derived(&s, 2, "1.6.6").is_nan(), "no population → missing");
}

#[test]
fn e_governance_points_for_a_portal_and_each_share_above_the_group_mean() {
    // services_online_pct 10, 20, 60: mean 30, only U3 above. services_mobile_pct 50, 50, 50:
    // nobody strictly above. Portal Y, N, Y. → U1 1, U2 0, U3 2.
    let h = ["web_portal", "services_online_pct", "services_mobile_pct"];
    let t = table(&h, &[&["Y", "10", "50"], &["N", "20", "50"], &["Y", "60%", "50"]]);
    let s = run(&t);
    assert_eq!([derived(&s, 0, "3.1.1"), derived(&s, 1, "3.1.1"), derived(&s, 2, "3.1.1")], [1.0, 0.0, 2.0]);
}

#[test]
fn sd_zero_gives_every_reporting_ulb_z_zero() {
    let t = table(&["teachers_sanctioned", "teachers_actual"], &[&["10", "8"], &["20", "16"], &["5", "4"]]);
    let s = run(&t);
    for u in 0..3 {
        assert_eq!(derived(&s, u, "1.1.1"), 20.0);
        assert_eq!(norm(&s, u, "1.1.1"), 0.0);
    }
}

#[test]
fn a_single_ulb_gets_z_zero_and_the_top_sector_score() {
    // One ULB: z = 0 (fewer than 2 values); each sector's max = min → 100; so the index is 100.
    let t = table(&["teachers_sanctioned", "teachers_actual", "credit_rating"], &[&["10", "8", "AA"]]);
    let s = run(&t);
    assert_eq!(norm(&s, 0, "1.1.1"), 0.0);
    assert_eq!(agg(&s, 0, "1.1"), 100.0);
    assert_eq!(agg(&s, 0, "2.4"), 100.0);
    assert!(close(s.index()[0], 100.0));
    assert_eq!(s.rank[0], Some(1));
}

/// 1.1.1 vacancy 10, 20, 30 (z = 1, 0, −1); 1.1.3 education share 5 %, 10 %, missing
/// (z = −0.70711, 0.70711).
fn policy_table() -> RawTable {
    let h = ["teachers_sanctioned", "teachers_actual", "education_expenditure", "total_budget"];
    table(&h, &[&["100", "90", "5", "100"], &["100", "80", "10", "100"], &["100", "70", "", "100"]])
}

fn policy(p: MissingPolicy) -> Scored {
    let mut s = mpi().settings;
    s.min_coverage = 0.0;
    s.missing = p;
    run_with(&policy_table(), &s)
}

#[test]
fn missing_policy_reweight_averages_the_available_indicators() {
    // U3's sector 1.1 raw = z(1.1.1) = −1; U1 = (1 − 0.70711)/2 = 0.146447.
    let s = policy(MissingPolicy::Reweight);
    assert!(close(agg_raw(&s, 2, "1.1"), -1.0));
    assert!(close(agg_raw(&s, 0, "1.1"), (1.0 - 0.5f64.sqrt()) / 2.0));
    assert!(norm(&s, 2, "1.1.3").is_nan());
    assert!(processed(&s, 0, "1.1.2").is_nan(), "a floor never turns missing into a value");
}

#[test]
fn missing_policy_mean_substitutes_z_zero() {
    // U3: (−1 + 0)/2 = −0.5; norm:1.1.3 reported as 0, derived stays missing.
    let s = policy(MissingPolicy::Mean);
    assert!(close(agg_raw(&s, 2, "1.1"), -0.5));
    assert_eq!(norm(&s, 2, "1.1.3"), 0.0);
    assert!(derived(&s, 2, "1.1.3").is_nan());
}

#[test]
fn missing_policy_worst_substitutes_the_group_minimum() {
    // U3: (−1 − 0.70711)/2 = −0.853553.
    let s = policy(MissingPolicy::Worst);
    assert!(close(norm(&s, 2, "1.1.3"), -(0.5f64.sqrt())));
    assert!(close(agg_raw(&s, 2, "1.1"), (-1.0 - 0.5f64.sqrt()) / 2.0));
}

#[test]
fn comparison_group_tier_standardises_within_each_tier() {
    // Small (population < 50,000): vacancy 10, 20 → z 0.70711, −0.70711.
    // Large (5–10 lakh): vacancy 30, 40 → the same z within its own tier.
    // Under `all`, the four values 10..40 give z = 1.16190, 0.38730, −0.38730, −1.16190.
    let h = ["population", "teachers_sanctioned", "teachers_actual"];
    let rows: &[&[&str]] =
        &[&["10000", "100", "90"], &["20000", "100", "80"], &["600000", "100", "70"], &["700000", "100", "60"]];
    let t = table(&h, rows);
    let mut st = mpi().settings;
    st.min_coverage = 0.0;
    st.min_group_size = 2; // groups of two, ranked (the default minimum is 5)
    let all = run_with(&t, &st);
    st.group = Group::Tier;
    let tier = run_with(&t, &st);
    let a = 0.5f64.sqrt();
    assert!(close(norm(&tier, 0, "1.1.1"), a) && close(norm(&tier, 2, "1.1.1"), a));
    assert!(close(norm(&tier, 1, "1.1.1"), -a) && close(norm(&tier, 3, "1.1.1"), -a));
    let sd = (500.0f64 / 3.0).sqrt();
    assert!(close(norm(&all, 0, "1.1.1"), 15.0 / sd));
    assert_eq!(tier.rank, vec![Some(1), Some(2), Some(1), Some(2)], "ranked within each tier");
    assert_eq!(all.rank, vec![Some(1), Some(2), Some(3), Some(4)]);
    assert_eq!(all.rank_in_tier, vec![Some(1), Some(2), Some(1), Some(2)]);
    assert_eq!(all.tier, vec!["small", "small", "large", "large"]);
}

#[test]
fn ties_share_the_smallest_rank() {
    // U1 and U2 report identical values → same index → ranks 1, 1, 3.
    let h = ["teachers_sanctioned", "teachers_actual"];
    let t = table(&h, &[&["100", "90"], &["100", "90"], &["100", "50"]]);
    let s = run(&t);
    assert_eq!(s.rank, vec![Some(1), Some(1), Some(3)]);
}

#[test]
fn below_minimum_coverage_a_ulb_is_scored_but_not_ranked() {
    // Default minimum coverage 0.66: with only 2 of 100 indicators every ULB is unranked.
    let h = ["teachers_sanctioned", "teachers_actual", "credit_rating"];
    let t = table(&h, &[&["100", "90", "AA"], &["100", "80", "A"]]);
    let s = run_with(&t, &mpi().settings);
    assert!(s.index().iter().all(|x| !x.is_nan()));
    assert_eq!(s.rank, vec![None, None]);
    assert!(nagar_core::report::flag(&s, 0).contains("low coverage"));
    assert!(close(s.coverage[0], 0.02));
}

#[test]
fn indian_digit_grouping_percent_signs_and_missing_markers_are_read() {
    // 12,34,567 households, 6,17,284 piped → 50.00000 %; "NA" and "-" are missing, not zero.
    let h = ["households_total", "households_piped", "wards_door_to_door_pct"];
    let t = table(&h, &[&["12,34,567", "6,17,284", "85.5%"], &["NA", "-", " 90 "]]);
    let s = run(&t);
    assert!(close(derived(&s, 0, "1.3.1"), 100.0 * 617284.0 / 1234567.0));
    assert_eq!(derived(&s, 0, "1.4.1"), 85.5);
    assert!(derived(&s, 1, "1.3.1").is_nan());
    assert_eq!(derived(&s, 1, "1.4.1"), 90.0);
}

#[test]
fn shares_above_their_whole_and_percentages_above_100_are_warnings_and_used() {
    let h = ["households_total", "households_piped", "wards_door_to_door_pct"];
    let t = table(&h, &[&["100", "120", "105"], &["100", "50", "50"]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "1.3.1"), 120.0);
    assert_eq!(processed(&s, 0, "1.3.1"), 100.0, "capped at 100");
    let w: Vec<_> = s.issues.iter().filter(|i| i.row == Some(2) && i.severity == Severity::Warning).collect();
    assert!(w.iter().any(|i| i.message.contains("households_piped is above households_total")), "{w:?}");
    assert!(w.iter().any(|i| i.message.contains("percentage above 100")), "{w:?}");
}

#[test]
fn negative_counts_are_errors_and_the_rest_of_the_row_is_scored() {
    let h = ["teachers_sanctioned", "teachers_actual", "uphc_count", "population"];
    let t = table(&h, &[&["-5", "3", "2", "120000"], &["10", "8", "1", "60000"]]);
    let s = run(&t);
    assert!(derived(&s, 0, "1.1.1").is_nan());
    assert!(close(derived(&s, 0, "1.2.1"), 1.0));
    let e = s.issues.iter().find(|i| i.value.as_deref() == Some("-5")).expect("error");
    assert_eq!((e.severity, e.column.as_deref()), (Severity::Error, Some("teachers_sanctioned")));
}

#[test]
fn zone_is_derived_from_old_and_lenient_state_names() {
    let t = table(
        &["state", "teachers_sanctioned", "teachers_actual"],
        &[&["Orissa", "1", "1"], &["jammu & kashmir", "2", "1"], &["Atlantis", "3", "1"]],
    );
    let s = run(&t);
    assert_eq!(s.units.zone[0], "Eastern");
    assert_eq!(s.units.zone[1], "Northern");
    assert_eq!(s.units.zone[2], "");
    assert!(s.issues.iter().any(|i| i.value.as_deref() == Some("Atlantis") && i.message.contains("zone")));
}

#[test]
fn inputs_may_be_given_by_their_human_label() {
    let fw = mpi();
    let label = fw.input("teachers_sanctioned").unwrap().label.clone();
    let t = table(&[label.as_str(), "teachers_actual"], &[&["40", "30"], &["50", "50"]]);
    let s = run(&t);
    assert_eq!(derived(&s, 0, "1.1.1"), 25.0);
}

#[test]
fn a_file_without_any_framework_input_is_a_clear_error_pointing_to_the_template() {
    let t = table(&["foo", "bar"], &[&["1", "2"]]);
    let err = score(&mpi(), &t, &mpi().settings, &WeightOverrides::new()).unwrap_err().to_string();
    assert!(err.contains("template") && err.contains("teachers_sanctioned"), "{err}");
}

#[test]
fn comparison_group_zone_uses_the_zone_derived_from_the_state() {
    // Two Eastern (Odisha, Bihar) and two Southern (Kerala, Goa is Western → three groups).
    let h = ["state", "teachers_sanctioned", "teachers_actual"];
    let rows: &[&[&str]] =
        &[&["Odisha", "100", "90"], &["Bihar", "100", "80"], &["Kerala", "100", "70"], &["Kerala", "100", "60"]];
    let mut st = mpi().settings;
    st.min_coverage = 0.0;
    st.min_group_size = 2; // groups of two, ranked (the default minimum is 5)
    st.group = Group::Column("zone".into());
    let s = run_with(&table(&h, rows), &st);
    assert_eq!(s.rank, vec![Some(1), Some(2), Some(1), Some(2)]);
    assert_eq!(s.groups.labels, vec!["Eastern", "Southern"]);
}

#[test]
fn a_bad_population_cell_is_reported_once() {
    // `population` is both the unit's size (tiers) and an input field (per-capita indicators):
    // one cell, one issue, and missing in both uses.
    let t = table(&["population", "teachers_sanctioned"], &[&["12a", "10"], &["-5", "10"], &["50000", "10"]]);
    let s = run(&t);
    let about = |row: usize| {
        s.issues.iter().filter(|i| i.row == Some(row) && i.column.as_deref() == Some("population")).count()
    };
    assert_eq!(about(2), 1, "{:?}", s.issues);
    assert_eq!(about(3), 1, "{:?}", s.issues);
    assert_eq!(about(4), 0);
    assert!(s.units.population[0].is_nan() && s.units.population[1].is_nan());
    assert_eq!(s.units.population[2], 50000.0);
}
