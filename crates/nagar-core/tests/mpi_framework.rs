//! The built-in MPI 2019 framework (`frameworks/mpi-2019.toml`) against the normative spec
//! (`shared/spec/mpi-2019.md`), and the demo-data generator against its promises.
//!
//! The expected values below are typed from the spec, not read from the file: each `check_*`
//! function returns the list of mismatches, and `checks_catch_mutations` proves that they do
//! fail when the file is changed.

// Populations are written with Indian digit grouping (5_00_000 = 5 lakh), as the spec does.
#![allow(clippy::inconsistent_digit_grouping)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use nagar_core::demo::{self, CensusCity, CENSUS_CITIES_CSV, DEMO_SEED, DEMO_ULBS};
use nagar_core::derive::{Derivation, Fields};
use nagar_core::framework::Framework;
use nagar_core::settings::{Aggregation, Group, Imputation, MissingPolicy, Normalisation, Treatment};
use nagar_core::{Cell, CellRef, InputKind, RawTable};

const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

fn mpi() -> Framework {
    toml::from_str::<Framework>(MPI_TOML).unwrap_or_else(|e| panic!("frameworks/mpi-2019.toml does not parse: {e}"))
}

fn vertical_of(indicator_id: &str) -> &'static str {
    match indicator_id.split('.').next() {
        Some("1") => "services",
        Some("2") => "finance",
        Some("3") => "technology",
        Some("4") => "planning",
        Some("5") => "governance",
        _ => "?",
    }
}

// ------------------------------------------------------------------------------------------
// Expected values typed from the spec (section 2 and 3).
// ------------------------------------------------------------------------------------------

const VERTICALS: [(&str, f64, usize, usize); 5] = [
    // id, weight, sectors, indicators
    ("services", 0.30, 6, 31),
    ("finance", 0.20, 4, 28),
    ("technology", 0.15, 3, 13),
    ("planning", 0.15, 3, 11),
    ("governance", 0.20, 4, 17),
];

const SECTOR_SIZES: [(&str, usize); 20] = [
    ("1.1", 3),
    ("1.2", 4),
    ("1.3", 6),
    ("1.4", 6),
    ("1.5", 6),
    ("1.6", 6),
    ("2.1", 10),
    ("2.2", 9),
    ("2.3", 6),
    ("2.4", 3),
    ("3.1", 8),
    ("3.2", 2),
    ("3.3", 3),
    ("4.1", 4),
    ("4.2", 5),
    ("4.3", 2),
    ("5.1", 7),
    ("5.2", 4),
    ("5.3", 3),
    ("5.4", 3),
];

/// Lower is better (dir `-`); every other indicator is `+`.
const LOWER_IS_BETTER: [&str; 14] = [
    "1.1.1", "1.1.2", "1.2.2", "1.3.3", "1.5.1", "1.5.3", "2.1.2", "2.2.4", "2.2.8", "2.2.9", "2.3.2", "4.3.1",
    "4.3.2", "5.1.5",
];

/// `<=u` caps; every other indicator has none.
const CAPS: &[(&str, f64)] = &[
    ("1.2.1", 1.0),
    ("1.3.1", 100.0),
    ("1.3.2", 100.0),
    ("1.3.4", 80.0),
    ("1.3.5", 100.0),
    ("1.4.1", 100.0),
    ("1.4.2", 100.0),
    ("1.4.3", 100.0),
    ("1.4.4", 100.0),
    ("1.4.5", 100.0),
    ("1.4.6", 100.0),
    ("1.6.1", 100.0),
    ("2.1.3", 100.0),
    ("2.1.4", 100.0),
    ("2.2.1", 100.0),
    ("2.2.2", 100.0),
    ("4.1.4", 100.0),
    ("4.2.1", 100.0),
    ("5.2.2", 100.0),
    ("5.2.3", 100.0),
    ("5.2.4", 50.0),
    ("5.3.1", 100.0),
    ("5.3.2", 100.0),
];

/// `>=b` floors; every other indicator has none.
const FLOORS: [(&str, f64); 1] = [("1.1.2", 30.0)];

/// Derivation kinds; every indicator not listed is a `ratio`.
const KINDS: [(&str, &[&str]); 9] = [
    ("vacancy", &["1.1.1", "1.2.2"]),
    ("value", &["1.4.1", "1.4.2", "1.4.3", "1.4.4", "1.5.3", "1.5.5", "2.3.1", "3.1.2", "5.3.1", "5.4.1", "5.4.2"]),
    ("mean", &["1.5.1"]),
    ("abs_deviation", &["1.3.3", "2.3.2"]),
    ("threshold_points", &["1.6.6"]),
    ("yearly_ratio_mean", &["2.1.1", "2.1.2", "2.1.5", "2.1.10", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.2.5"]),
    ("years_mean", &["2.2.7", "2.2.8", "2.2.9"]),
    ("lookup", &["2.4.3"]),
    ("above_group_mean", &["3.1.1"]),
];

/// Y-count indicators (`count_yes`) with their number of items.
const Y_COUNTS: &[(&str, usize)] = &[
    ("2.1.6", 1),
    ("2.1.7", 2),
    ("2.1.8", 1),
    ("2.2.6", 3),
    ("2.3.3", 3),
    ("2.3.4", 1),
    ("2.3.5", 2),
    ("2.3.6", 3),
    ("2.4.1", 6),
    ("2.4.2", 1),
    ("3.1.5", 1),
    ("3.1.6", 1),
    ("3.1.7", 1),
    ("3.1.8", 1),
    ("3.3.1", 1),
    ("4.1.1", 2),
    ("4.1.2", 1),
    ("4.2.2", 1),
    ("4.2.3", 1),
    ("4.2.4", 1),
    ("4.2.5", 1),
    ("5.1.1", 1),
    ("5.1.2", 1),
    ("5.1.3", 1),
    ("5.1.4", 1),
    ("5.1.6", 1),
    ("5.1.7", 1),
    ("5.4.3", 1),
];

/// Ratio scales: per lakh, per 60,000, plain ratios; every other ratio is a percentage (100).
const PER_LAKH: [&str; 5] = ["1.2.4", "3.3.2", "3.3.3", "4.1.3", "5.3.3"];
const PLAIN_RATIO: [&str; 6] = ["1.1.2", "1.6.4", "1.6.5", "3.2.1", "4.3.1", "5.2.1"];

/// Inputs of a sample of indicators, typed from the spec's table (order as in the spec).
const SAMPLE_INPUTS: [(&str, &[&str]); 24] = [
    ("1.1.1", &["teachers_sanctioned", "teachers_actual"]),
    ("1.1.2", &["students_municipal_schools", "teachers_on_roll"]),
    ("1.1.3", &["education_expenditure", "total_budget"]),
    ("1.2.1", &["uphc_count", "population"]),
    ("1.3.3", &["water_supplied_lpcd"]),
    ("1.3.4", &["wastewater_treated_mld", "water_supplied_mld"]),
    ("1.4.5", &["sewage_treatment_capacity_mld", "sewage_generated_mld"]),
    ("1.5.1", &["birth_certificate_days", "death_certificate_days"]),
    ("1.5.2", &["births_registered_online", "deaths_registered_online", "births_registered", "deaths_registered"]),
    ("1.5.6", &["licence_types_online", "licence_types_awarded"]),
    ("1.6.4", &["road_km", "area_sqkm"]),
    (
        "2.1.5",
        &[
            "property_tax_collected_y1",
            "property_tax_collected_y2",
            "property_tax_collected_y3",
            "property_tax_billed_y1",
            "property_tax_billed_y2",
            "property_tax_billed_y3",
        ],
    ),
    (
        "2.2.5",
        &[
            "own_revenue_y1",
            "own_revenue_y2",
            "own_revenue_y3",
            "salary_expenditure_y1",
            "salary_expenditure_y2",
            "salary_expenditure_y3",
        ],
    ),
    ("2.2.7", &["capital_expenditure_y1", "capital_expenditure_y2", "capital_expenditure_y3", "population"]),
    ("2.2.9", &["budget_deficit_pct_y1", "budget_deficit_pct_y2", "budget_deficit_pct_y3"]),
    ("2.3.2", &["expenditure_actual", "expenditure_budgeted"]),
    (
        "2.4.1",
        &[
            "power_property_tax",
            "power_local_body_tax",
            "power_professional_tax",
            "power_advertisement_tax",
            "power_entertainment_tax",
            "power_other_tax",
        ],
    ),
    ("2.4.3", &["credit_rating"]),
    (
        "3.1.1",
        &["web_portal", "services_online_pct", "services_mobile_pct", "grievances_online_pct", "grievances_mobile_pct"],
    ),
    ("3.2.2", &["wifi_users", "population"]),
    ("4.3.2", &["land_encroached_acres", "municipal_land_acres"]),
    ("5.1.5", &["employees_corruption_charged", "employees_total"]),
    ("5.2.1", &["establishment_expenditure_y3", "employees_total"]),
    ("5.4.1", &["commissioner_avg_tenure_months"]),
];

/// 1.6.6: (input, threshold per lakh, provisional).
const COMMUNITY: [(&str, f64, bool); 12] = [
    ("community_centres", 6.67, true),
    ("crematoria", 0.2, true),
    ("parks", 6.67, true),
    ("cultural_centres", 1.0, false),
    ("recreational_clubs", 1.0, false),
    ("care_centres_disabled", 0.1, false),
    ("burial_grounds", 0.2, false),
    ("fitness_centres", 0.2, false),
    ("working_hostels", 0.1, false),
    ("night_shelters", 0.1, false),
    ("old_age_homes", 0.1, true),
    ("orphanages", 0.1, true),
];

const CREDIT: [(&str, f64); 22] = [
    ("AAA", 20.0),
    ("AA+", 19.0),
    ("AA", 18.0),
    ("AA-", 17.0),
    ("A+", 16.0),
    ("A", 15.0),
    ("A-", 14.0),
    ("BBB+", 13.0),
    ("BBB", 12.0),
    ("BBB-", 11.0),
    ("BB+", 10.0),
    ("BB", 9.0),
    ("BB-", 8.0),
    ("B+", 7.0),
    ("B", 6.0),
    ("B-", 5.0),
    ("C+", 4.0),
    ("C", 3.0),
    ("C-", 2.0),
    ("D", 1.0),
    ("NR", 0.0),
    ("Not rated", 0.0),
];

/// Indicators whose spec note describes an interpretation: they must carry a `choice`.
const CHOICES: [&str; 10] = ["1.1.1", "1.1.3", "1.2.1", "1.2.2", "1.2.3", "1.6.3", "2.2.4", "2.2.8", "2.3.2", "3.1.4"];

fn is_provisional_in_spec(id: &str) -> bool {
    id == "3.3.3" || id.starts_with("4.") || (id.starts_with("5.") && id != "5.1.5")
}

// ------------------------------------------------------------------------------------------
// Checks: each returns the mismatches found.
// ------------------------------------------------------------------------------------------

fn check_structure(fw: &Framework) -> Vec<String> {
    let mut errs = Vec::new();
    let root: Vec<_> = fw.aggregates.iter().filter(|a| a.parent.is_none()).collect();
    if root.len() != 1 || root[0].id != "index" {
        errs.push(format!("root must be the single aggregate `index`, found {:?}", root.iter().map(|a| &a.id)));
    }
    let aggs: HashMap<&str, &nagar_core::Aggregate> = fw.aggregates.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut wsum = 0.0;
    for (v, w, n_sectors, n_ind) in VERTICALS {
        match aggs.get(v) {
            None => errs.push(format!("vertical {v} missing")),
            Some(a) => {
                if a.parent.as_deref() != Some("index") {
                    errs.push(format!("vertical {v}: parent {:?}", a.parent));
                }
                if (a.weight - w).abs() > 1e-12 {
                    errs.push(format!("vertical {v}: weight {} != {w}", a.weight));
                }
                wsum += a.weight;
            }
        }
        let sectors = fw.aggregates.iter().filter(|a| a.parent.as_deref() == Some(v)).count();
        if sectors != n_sectors {
            errs.push(format!("vertical {v}: {sectors} sectors, spec has {n_sectors}"));
        }
        let inds = fw
            .indicators
            .iter()
            .filter(|i| aggs.get(i.parent.as_str()).and_then(|s| s.parent.as_deref()) == Some(v))
            .count();
        if inds != n_ind {
            errs.push(format!("vertical {v}: {inds} indicators, spec has {n_ind}"));
        }
    }
    if (wsum - 1.0).abs() > 1e-12 {
        errs.push(format!("vertical weights sum to {wsum}"));
    }
    if fw.aggregates.len() != 1 + 5 + 20 {
        errs.push(format!("{} aggregates, expected 26", fw.aggregates.len()));
    }
    for (s, n) in SECTOR_SIZES {
        let Some(a) = aggs.get(s) else {
            errs.push(format!("sector {s} missing"));
            continue;
        };
        if a.parent.as_deref() != Some(vertical_of(&format!("{s}.1"))) {
            errs.push(format!("sector {s}: parent {:?}", a.parent));
        }
        if a.rescale != Some([0.0, 100.0]) {
            errs.push(format!("sector {s}: rescale {:?}, expected [0, 100]", a.rescale));
        }
        if a.weight != 1.0 {
            errs.push(format!("sector {s}: weight {}", a.weight));
        }
        // Indicators numbered s.1 .. s.n, in order.
        let ids: Vec<&str> = fw.indicators.iter().filter(|i| i.parent == s).map(|i| i.id.as_str()).collect();
        let want: Vec<String> = (1..=n).map(|k| format!("{s}.{k}")).collect();
        if ids != want.iter().map(String::as_str).collect::<Vec<_>>() {
            errs.push(format!("sector {s}: indicators {ids:?}, expected {want:?}"));
        }
    }
    for v in ["index", "services", "finance", "technology", "planning", "governance"] {
        if aggs.get(v).is_some_and(|a| a.rescale.is_some()) {
            errs.push(format!("{v} must not be rescaled (only sectors are, p.27)"));
        }
    }
    if fw.indicators.len() != 100 {
        errs.push(format!("{} indicators, expected 100", fw.indicators.len()));
    }
    for i in &fw.indicators {
        if i.weight != 1.0 {
            errs.push(format!("{}: weight {}", i.id, i.weight));
        }
    }
    errs
}

fn check_directions_caps(fw: &Framework) -> Vec<String> {
    let mut errs = Vec::new();
    let caps: BTreeMap<&str, f64> = CAPS.iter().copied().collect();
    let floors: BTreeMap<&str, f64> = FLOORS.iter().copied().collect();
    assert_eq!(caps.len(), 23, "the spec has 23 caps");
    for i in &fw.indicators {
        let want_dir = if LOWER_IS_BETTER.contains(&i.id.as_str()) { -1.0 } else { 1.0 };
        if i.direction != want_dir {
            errs.push(format!("{}: direction {} != {want_dir}", i.id, i.direction));
        }
        if i.cap != caps.get(i.id.as_str()).copied() {
            errs.push(format!("{}: cap {:?} != {:?}", i.id, i.cap, caps.get(i.id.as_str())));
        }
        if i.floor != floors.get(i.id.as_str()).copied() {
            errs.push(format!("{}: floor {:?} != {:?}", i.id, i.floor, floors.get(i.id.as_str())));
        }
        if i.provisional != is_provisional_in_spec(&i.id) {
            errs.push(format!("{}: provisional {}", i.id, i.provisional));
        }
        if CHOICES.contains(&i.id.as_str()) == i.choice.trim().is_empty() {
            errs.push(format!(
                "{}: choice {:?} (expected one iff the spec describes an interpretation)",
                i.id, i.choice
            ));
        }
        if !i.source.starts_with("p.") {
            errs.push(format!("{}: source {:?} is not a page", i.id, i.source));
        }
        if i.name.trim().is_empty() || i.unit.trim().is_empty() {
            errs.push(format!("{}: empty name or unit", i.id));
        }
        if i.normalise.is_some() || i.target.is_some() || i.goalposts.is_some() || i.denominator.is_some() {
            errs.push(format!("{}: MPI sets no per-indicator normalisation, target, goalposts or denominator", i.id));
        }
    }
    errs
}

fn kind_name(d: &Derivation) -> &'static str {
    match d {
        Derivation::Value { .. } => "value",
        Derivation::Ratio { .. } => "ratio",
        Derivation::Vacancy { .. } => "vacancy",
        Derivation::Mean { .. } => "mean",
        Derivation::YearlyRatioMean { .. } => "yearly_ratio_mean",
        Derivation::YearsMean { .. } => "years_mean",
        Derivation::CountYes { .. } => "count_yes",
        Derivation::Lookup { .. } => "lookup",
        Derivation::ThresholdPoints { .. } => "threshold_points",
        Derivation::AboveGroupMean { .. } => "above_group_mean",
        Derivation::AbsDeviation { .. } => "abs_deviation",
    }
}

fn check_derivations(fw: &Framework) -> Vec<String> {
    let mut errs = Vec::new();
    let mut want_kind: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, ids) in KINDS {
        for id in ids {
            want_kind.insert(id, k);
        }
    }
    let y_counts: BTreeMap<&str, usize> = Y_COUNTS.iter().copied().collect();
    assert_eq!(y_counts.len(), 28, "the spec has 28 Y-count indicators");
    for id in y_counts.keys() {
        want_kind.insert(id, "count_yes");
    }
    let sample: BTreeMap<&str, &[&str]> = SAMPLE_INPUTS.iter().copied().collect();
    for i in &fw.indicators {
        let Some(d) = &i.derive else {
            errs.push(format!("{}: no derive (every MPI indicator names its inputs)", i.id));
            continue;
        };
        let want = want_kind.get(i.id.as_str()).copied().unwrap_or("ratio");
        if kind_name(d) != want {
            errs.push(format!("{}: derive kind {} != {want}", i.id, kind_name(d)));
        }
        match d {
            Derivation::Ratio { den, scale, .. } => {
                let want_scale = if PER_LAKH.contains(&i.id.as_str()) {
                    100_000.0
                } else if i.id == "1.2.1" {
                    60_000.0
                } else if PLAIN_RATIO.contains(&i.id.as_str()) {
                    1.0
                } else {
                    100.0
                };
                if *scale != want_scale {
                    errs.push(format!("{}: scale {scale} != {want_scale}", i.id));
                }
                if want_scale == 100_000.0 && *den != Fields::One("population".into()) {
                    errs.push(format!("{}: per lakh must divide by population, got {den:?}", i.id));
                }
            }
            Derivation::YearlyRatioMean { num, den, scale, .. } => {
                let want_scale = if i.id == "2.2.5" { 1.0 } else { 100.0 };
                if *scale != want_scale || num.len() != 3 || den.len() != 3 {
                    errs.push(format!("{}: yearly_ratio_mean needs 3+3 years and scale {want_scale}", i.id));
                }
            }
            Derivation::YearsMean { inputs, per, scale } => {
                let want_per = if i.id == "2.2.9" { None } else { Some("population".to_string()) };
                if inputs.len() != 3 || *per != want_per || *scale != 1.0 {
                    errs.push(format!("{}: years_mean {inputs:?} per {per:?} scale {scale}", i.id));
                }
            }
            Derivation::CountYes { inputs } if Some(&inputs.len()) != y_counts.get(i.id.as_str()) => {
                errs.push(format!("{}: {} Y items, spec has {:?}", i.id, inputs.len(), y_counts.get(i.id.as_str())));
            }
            Derivation::AbsDeviation { of, benchmark } => {
                let ok = match i.id.as_str() {
                    "1.3.3" => *benchmark == 135.0 && **of == Derivation::Value { input: "water_supplied_lpcd".into() },
                    "2.3.2" => {
                        *benchmark == 100.0
                            && matches!(&**of, Derivation::Ratio { num: Fields::One(n), den: Fields::One(d), scale, .. }
                                if n == "expenditure_actual" && d == "expenditure_budgeted" && *scale == 100.0)
                    }
                    _ => false,
                };
                if !ok {
                    errs.push(format!("{}: abs_deviation {d:?}", i.id));
                }
            }
            Derivation::AboveGroupMean { yes_inputs, inputs } if yes_inputs != &["web_portal"] || inputs.len() != 4 => {
                errs.push(format!("{}: above_group_mean {yes_inputs:?} {inputs:?}", i.id));
            }
            _ => {}
        }
        if let Some(want) = sample.get(i.id.as_str()) {
            let got = d.inputs();
            if got != *want {
                errs.push(format!("{}: inputs {got:?}, spec has {want:?}", i.id));
            }
        }
    }
    errs
}

fn check_community(fw: &Framework) -> Vec<String> {
    let Some(i) = fw.indicators.iter().find(|i| i.id == "1.6.6") else { return vec!["1.6.6 missing".into()] };
    let Some(Derivation::ThresholdPoints { per, scale, items }) = &i.derive else {
        return vec![format!("1.6.6: not threshold_points: {:?}", i.derive)];
    };
    let mut errs = Vec::new();
    if per != "population" || *scale != 100_000.0 {
        errs.push(format!("1.6.6: per {per} scale {scale}, expected population per lakh"));
    }
    let got: Vec<(&str, f64, bool)> = items.iter().map(|t| (t.input.as_str(), t.threshold, t.provisional)).collect();
    if got != COMMUNITY {
        errs.push(format!("1.6.6 items {got:?}\n  != spec {COMMUNITY:?}"));
    }
    if items.iter().any(|t| !t.source.starts_with("p.45")) {
        errs.push("1.6.6: every item cites p.45".into());
    }
    errs
}

fn check_credit(fw: &Framework) -> Vec<String> {
    let Some(i) = fw.indicators.iter().find(|i| i.id == "2.4.3") else { return vec!["2.4.3 missing".into()] };
    let Some(Derivation::Lookup { input, table }) = &i.derive else {
        return vec![format!("2.4.3 is not a lookup: {:?}", i.derive)];
    };
    let want: BTreeMap<String, f64> = CREDIT.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let mut errs = Vec::new();
    if input != "credit_rating" {
        errs.push(format!("2.4.3 reads {input}"));
    }
    if *table != want {
        errs.push(format!("2.4.3 table {table:?}\n  != spec {want:?}"));
    }
    let allowed: BTreeSet<&str> =
        fw.input("credit_rating").map(|f| f.allowed.iter().map(String::as_str).collect()).unwrap_or_default();
    if allowed != CREDIT.iter().map(|(k, _)| *k).collect() {
        errs.push(format!("credit_rating allowed {allowed:?} differs from the table"));
    }
    errs
}

fn check_inputs(fw: &Framework) -> Vec<String> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    for f in &fw.inputs {
        if !seen.insert(f.id.as_str()) {
            errs.push(format!("input {} declared twice", f.id));
        }
        if f.label.trim().is_empty() || f.unit.trim().is_empty() {
            errs.push(format!("input {}: empty label or unit", f.id));
        }
        if f.kind == InputKind::YesNo && f.allowed != ["Y", "N"] {
            errs.push(format!("input {}: Y/N must allow [Y, N], got {:?}", f.id, f.allowed));
        }
        if f.id.ends_with("_pct") && !f.id.starts_with("budget_deficit_pct") && f.kind != InputKind::Percent {
            errs.push(format!("input {}: a percentage must be kind percent", f.id));
        }
        if f.id.starts_with("budget_deficit_pct") && f.kind != InputKind::SignedPercent {
            errs.push(format!("input {}: may be negative, must be kind signed_percent", f.id));
        }
    }
    if fw.input("population").map(|f| f.kind) != Some(InputKind::Population) {
        errs.push("population must be an input of kind population".into());
    }
    let used: BTreeSet<String> = fw.used_inputs().into_iter().collect();
    for id in &used {
        if !seen.contains(id.as_str()) {
            errs.push(format!("input {id} is used but not declared"));
        }
    }
    for id in &seen {
        if !used.contains(*id) {
            errs.push(format!("input {id} is declared but no indicator uses it"));
        }
    }
    for i in &fw.indicators {
        let Some(d) = &i.derive else { continue };
        let want = match d {
            Derivation::CountYes { .. } => Some(InputKind::YesNo),
            Derivation::Lookup { .. } => Some(InputKind::Text),
            _ => None,
        };
        let yes = match d {
            Derivation::AboveGroupMean { yes_inputs, .. } => yes_inputs.clone(),
            _ => vec![],
        };
        for f in d.inputs() {
            let kind = fw.input(&f).map(|x| x.kind);
            if let Some(w) = want {
                if kind != Some(w) {
                    errs.push(format!("{}: input {f} is {kind:?}, expected {w:?}", i.id));
                }
            } else if yes.contains(&f) {
                if kind != Some(InputKind::YesNo) {
                    errs.push(format!("{}: input {f} must be yes_no", i.id));
                }
            } else if matches!(kind, Some(InputKind::YesNo | InputKind::Text)) {
                errs.push(format!("{}: numeric input {f} is {kind:?}", i.id));
            }
        }
    }
    errs
}

// ------------------------------------------------------------------------------------------
// Framework tests
// ------------------------------------------------------------------------------------------

#[test]
fn parses_and_validates() {
    let fw = mpi();
    if let Err(errs) = fw.validate() {
        panic!("validate(): {}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"));
    }
    assert_eq!(fw.id, "mpi-2019");
    assert_eq!(fw.version, "2019.1");
    assert!(fw.source.contains("MoHUA"));
    assert!(!fw.description.is_empty() && !fw.name.is_empty());
    let c = &fw.columns;
    assert_eq!(
        [&c.id, &c.name, &c.population, &c.state, &c.zone, &c.terrain, &c.tags],
        ["ulb_id", "ulb_name", "population", "state", "zone", "terrain", "tags"]
    );
}

fn assert_clean(what: &str, errs: Vec<String>) {
    assert!(errs.is_empty(), "{what}: {} mismatch(es) with the spec:\n{}", errs.len(), errs.join("\n"));
}

#[test]
fn structure_matches_spec() {
    assert_clean("structure", check_structure(&mpi()));
}

#[test]
fn directions_caps_and_marks_match_spec() {
    assert_clean("directions/caps", check_directions_caps(&mpi()));
}

#[test]
fn derivations_match_spec() {
    assert_clean("derivations", check_derivations(&mpi()));
}

#[test]
fn community_thresholds_match_spec() {
    assert_clean("1.6.6", check_community(&mpi()));
}

#[test]
fn credit_table_matches_spec() {
    assert_clean("2.4.3", check_credit(&mpi()));
}

#[test]
fn inputs_are_declared_and_typed() {
    assert_clean("inputs", check_inputs(&mpi()));
}

#[test]
fn spot_checks_typed_from_spec() {
    // A few indicators written out in full, independently of the tables above.
    let fw = mpi();
    let get = |id: &str| fw.indicators.iter().find(|i| i.id == id).unwrap_or_else(|| panic!("{id} missing"));
    let i = get("1.1.2");
    assert_eq!((i.direction, i.floor, i.cap, i.parent.as_str()), (-1.0, Some(30.0), None, "1.1"));
    let i = get("1.2.1");
    assert_eq!((i.direction, i.cap), (1.0, Some(1.0)));
    assert!(matches!(&i.derive, Some(Derivation::Ratio { scale, .. }) if *scale == 60_000.0));
    let i = get("1.3.4");
    assert_eq!((i.direction, i.cap, i.source.as_str()), (1.0, Some(80.0), "p.35"));
    let i = get("1.1.1");
    assert_eq!(i.source, "p.30");
    assert_eq!(
        i.derive,
        Some(Derivation::Vacancy { sanctioned: "teachers_sanctioned".into(), actual: "teachers_actual".into() })
    );
    let i = get("1.3.1");
    assert_eq!(
        i.derive,
        Some(Derivation::Ratio {
            num: Fields::One("households_piped".into()),
            den: Fields::One("households_total".into()),
            scale: 100.0,
            share: true
        })
    );
    let i = get("5.2.4");
    assert_eq!((i.direction, i.cap, i.provisional), (1.0, Some(50.0), true));
    let i = get("5.1.5");
    assert_eq!((i.direction, i.provisional), (-1.0, false));
    let i = get("2.1.2");
    assert_eq!(i.direction, -1.0);
    let i = get("2.2.9");
    assert_eq!(i.direction, -1.0);
    let i = get("3.3.3");
    assert!(i.provisional);
    let i = get("2.2.7");
    assert_eq!(
        i.derive,
        Some(Derivation::YearsMean {
            inputs: vec![
                "capital_expenditure_y1".into(),
                "capital_expenditure_y2".into(),
                "capital_expenditure_y3".into()
            ],
            per: Some("population".into()),
            scale: 1.0
        })
    );
    let i = get("1.6.5");
    assert_eq!((i.direction, i.cap, i.unit.as_str()), (1.0, None, "ratio"));
    let i = get("4.3.1");
    assert_eq!((i.direction, i.provisional), (-1.0, true));
}

#[test]
fn settings_match_spec() {
    let s = mpi().settings;
    assert_eq!(s.normalise, Normalisation::Zscore { mean: 0.0, sd: 1.0 });
    assert_eq!(s.aggregate, Aggregation::Amean);
    assert_eq!(s.missing, MissingPolicy::Reweight);
    assert_eq!(s.group, Group::All);
    assert_eq!(s.tiers, "urdpfi");
    assert_eq!(s.min_coverage, 0.66);
    assert_eq!(s.impute, Imputation::None);
    assert_eq!(s.treat, Treatment::None);
    assert!(!s.denominate);
    assert_eq!(s.screen, None);
}

#[test]
fn tiers_match_spec() {
    let fw = mpi();
    let u = fw.tier_scheme("urdpfi").expect("urdpfi scheme");
    assert_eq!(u.source, "p.22 (URDPFI Guidelines)");
    let tier = |p: f64| u.tier_of(p).map(|t| t.id.as_str());
    for (p, want) in [
        (12_000.0, "small"),
        (49_999.0, "small"),
        (50_000.0, "medium"),
        (4_99_999.0, "medium"),
        (5_00_000.0, "large"),
        (9_99_999.0, "large"),
        (10_00_000.0, "metropolitan"),
        (49_99_999.0, "metropolitan"),
        (50_00_000.0, "megapolis"),
        (1_24_78_447.0, "megapolis"),
    ] {
        assert_eq!(tier(p), Some(want), "population {p}");
    }
    assert_eq!(tier(f64::NAN), None);
    let m = fw.tier_scheme("mpi2020").expect("mpi2020 scheme");
    let tier = |p: f64| m.tier_of(p).map(|t| t.name.as_str());
    assert_eq!(tier(9_99_999.0), Some("Less-than-Million"));
    assert_eq!(tier(10_00_000.0), Some("Million+"));
    assert_eq!(fw.tier_schemes.len(), 2);
}

// ------------------------------------------------------------------------------------------
// Zones
// ------------------------------------------------------------------------------------------

/// Lenient state key, as the framework documents: case, `&`/`and`, punctuation and spaces.
fn state_key(s: &str) -> String {
    let s = s.replace('&', " and ").to_lowercase();
    let cleaned: String = s.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every state spelling in shared/data/mpi/census2011_*.csv (the three files), typed here so
/// the test runs without shared/; `census_files_map_to_zones` re-reads the files when present.
const CENSUS_STATE_SPELLINGS: [&str; 67] = [
    "ANDAMAN & NICOBAR ISLANDS",
    "ANDHRA PRADESH",
    "ASSAM",
    "Andaman & Nicobar Islands",
    "Andaman and Nicobar Islands",
    "Andhra Pradesh",
    "Arunachal Pradesh",
    "Assam",
    "BIHAR",
    "Bihar",
    "CHANDIGARH",
    "CHHATTISGARH",
    "Chandigarh",
    "Chhattisgarh",
    "Dadra and Nagar Haveli and Daman and Diu",
    "Delhi",
    "GUJARAT",
    "Goa",
    "Gujarat",
    "HARYANA",
    "HIMACHAL PRADESH",
    "Haryana",
    "Himachal Pradesh",
    "JAMMU & KASHMIR",
    "JHARKHAND",
    "Jammu & Kashmir",
    "Jammu and Kashmir",
    "Jharkhand",
    "KARNATAKA",
    "KERALA",
    "Karnataka",
    "Kerala",
    "Ladakh",
    "Lakshadweep",
    "MADHYA PRADESH",
    "MAHARASHTRA",
    "MANIPUR ",
    "MEGHALAYA",
    "MIZORAM",
    "Madhya Pradesh",
    "Maharashtra",
    "Manipur",
    "Meghalaya",
    "Mizoram",
    "NAGALAND",
    "NCT OF DELHI",
    "Nagaland",
    "ORISSA",
    "Odisha",
    "PUDUCHERRY",
    "PUNJAB",
    "Puducherry",
    "Punjab",
    "RAJASTHAN",
    "Rajasthan",
    "Sikkim",
    "TAMIL NADU",
    "TRIPURA",
    "Tamil Nadu",
    "Telangana",
    "Tripura",
    "UTTAR PRADESH",
    "UTTARAKHAND",
    "Uttar Pradesh",
    "Uttarakhand",
    "WEST BENGAL",
    "West Bengal",
];

/// Zone ids a state name matches (by name or alias).
fn zones_of<'a>(fw: &'a Framework, state: &str) -> Vec<&'a str> {
    let k = state_key(state);
    fw.zones
        .iter()
        .filter(|z| z.states.iter().chain(&z.aliases).any(|s| state_key(s) == k))
        .map(|z| z.id.as_str())
        .collect()
}

fn check_zone_mapping<'a>(fw: &Framework, states: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    states
        .into_iter()
        .filter_map(|s| {
            let z = zones_of(fw, s);
            (z.len() != 1).then(|| format!("state {s:?} matches zones {z:?} (needs exactly one)"))
        })
        .collect()
}

#[test]
fn zones_are_the_six_councils() {
    let fw = mpi();
    let ids: Vec<&str> = fw.zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["northern", "central", "eastern", "western", "southern", "north_eastern"]);
    let names: Vec<&str> = fw.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(names, ["Northern", "Central", "Eastern", "Western", "Southern", "North-Eastern"]);
    // 28 states and 8 union territories, each in exactly one zone; no alias shadows another zone.
    let all: Vec<&String> = fw.zones.iter().flat_map(|z| &z.states).collect();
    assert_eq!(all.len(), 36, "{all:?}");
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for z in &fw.zones {
        for s in z.states.iter().chain(&z.aliases) {
            let prev = owner.insert(state_key(s), &z.id);
            assert!(prev.is_none() || prev == Some(z.id.as_str()), "{s:?} is in {prev:?} and {}", z.id);
        }
    }
    for (state, zone) in [
        ("Orissa", "eastern"),
        ("NCT OF DELHI", "northern"),
        ("Pondicherry", "southern"),
        ("Uttaranchal", "central"),
        ("MANIPUR ", "north_eastern"),
        ("Jammu & Kashmir", "northern"),
        ("Ladakh", "northern"),
        ("Telangana", "southern"),
        ("Sikkim", "north_eastern"),
        ("Daman & Diu", "western"),
        ("Dadra & Nagar Haveli", "western"),
        ("Andaman & Nicobar Islands", "southern"),
        ("Lakshadweep", "southern"),
        ("Chhattisgarh", "central"),
        ("Goa", "western"),
    ] {
        assert_eq!(zones_of(&fw, state), [zone], "{state}");
    }
}

#[test]
fn census_states_map_to_zones() {
    let fw = mpi();
    assert_clean("zones", check_zone_mapping(&fw, CENSUS_STATE_SPELLINGS));
    let bundled: BTreeSet<String> = demo::census_cities().into_iter().map(|c| c.state).collect();
    assert_clean("zones (bundled census)", check_zone_mapping(&fw, bundled.iter().map(String::as_str)));
}

/// shared/data/mpi, when this checkout has it beside it (CI and the main tree do).
fn shared_census_dir() -> Option<std::path::PathBuf> {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cands: Vec<std::path::PathBuf> = here.ancestors().map(|a| a.join("shared/data/mpi")).collect();
    if let Ok(d) = std::env::var("NAGAR_SHARED") {
        cands.insert(0, std::path::Path::new(&d).join("data/mpi"));
    }
    cands.into_iter().find(|d| d.join("census2011_cities_1lakh_plus_recurze.csv").is_file())
}

/// A CSV line's fields, honouring double quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for ch in line.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// (column values, by header name) of a shared census CSV.
fn read_shared(dir: &std::path::Path, file: &str, column: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let mut lines = text.lines();
    let head = csv_fields(lines.next().unwrap());
    let k = head.iter().position(|h| h == column).unwrap_or_else(|| panic!("{file}: no column {column}"));
    lines.filter(|l| !l.trim().is_empty()).map(|l| csv_fields(l)[k].clone()).collect()
}

#[test]
fn census_files_map_to_zones() {
    let Some(dir) = shared_census_dir() else {
        eprintln!("shared/data/mpi not found beside this checkout: checked the typed list only");
        return;
    };
    let fw = mpi();
    for (file, col) in [
        ("census2011_cities_1lakh_plus_recurze.csv", "State"),
        ("census2011_states_recurze.csv", "State/UT"),
        ("census2011_top500_cities_r2_kaggle.csv", "state_name"),
    ] {
        let states: BTreeSet<String> = read_shared(&dir, file, col).into_iter().collect();
        assert_clean(file, check_zone_mapping(&fw, states.iter().map(String::as_str)));
    }
}

// ------------------------------------------------------------------------------------------
// The checks can fail: each mutation of the file must be caught.
// ------------------------------------------------------------------------------------------

#[test]
fn checks_catch_mutations() {
    type Mutation = (&'static str, fn(&mut Framework));
    let mutations: [Mutation; 12] = [
        ("1.1.2 floor removed", |fw| fw.indicators.iter_mut().find(|i| i.id == "1.1.2").unwrap().floor = None),
        ("1.3.4 cap 100", |fw| fw.indicators.iter_mut().find(|i| i.id == "1.3.4").unwrap().cap = Some(100.0)),
        ("2.1.2 direction +1", |fw| fw.indicators.iter_mut().find(|i| i.id == "2.1.2").unwrap().direction = 1.0),
        ("services weight 0.25", |fw| fw.aggregates.iter_mut().find(|a| a.id == "services").unwrap().weight = 0.25),
        ("sector 2.3 not rescaled", |fw| fw.aggregates.iter_mut().find(|a| a.id == "2.3").unwrap().rescale = None),
        ("indicator 5.4.3 dropped", |fw| fw.indicators.retain(|i| i.id != "5.4.3")),
        ("3.3.3 not provisional", |fw| fw.indicators.iter_mut().find(|i| i.id == "3.3.3").unwrap().provisional = false),
        ("AAA = 19", |fw| {
            if let Some(Derivation::Lookup { table, .. }) =
                &mut fw.indicators.iter_mut().find(|i| i.id == "2.4.3").unwrap().derive
            {
                table.insert("AAA".into(), 19.0);
            }
        }),
        ("parks threshold 1", |fw| {
            if let Some(Derivation::ThresholdPoints { items, .. }) =
                &mut fw.indicators.iter_mut().find(|i| i.id == "1.6.6").unwrap().derive
            {
                items[2].threshold = 1.0;
            }
        }),
        ("1.2.4 per 1000", |fw| {
            if let Some(Derivation::Ratio { scale, .. }) =
                &mut fw.indicators.iter_mut().find(|i| i.id == "1.2.4").unwrap().derive
            {
                *scale = 1000.0;
            }
        }),
        ("Orissa alias dropped", |fw| fw.zones.iter_mut().for_each(|z| z.aliases.retain(|a| a != "Orissa"))),
        ("web_portal is a percent", |fw| {
            fw.inputs.iter_mut().find(|f| f.id == "web_portal").unwrap().kind = InputKind::Percent;
        }),
    ];
    let all_checks = |fw: &Framework| -> usize {
        let mut n = check_structure(fw).len()
            + check_directions_caps(fw).len()
            + check_derivations(fw).len()
            + check_community(fw).len()
            + check_credit(fw).len()
            + check_inputs(fw).len();
        n += check_zone_mapping(fw, CENSUS_STATE_SPELLINGS).len();
        n
    };
    assert_eq!(all_checks(&mpi()), 0);
    for (what, mutate) in mutations {
        let mut fw = mpi();
        mutate(&mut fw);
        assert!(all_checks(&fw) > 0, "mutation not caught: {what}");
    }
}

// ------------------------------------------------------------------------------------------
// Demo data
// ------------------------------------------------------------------------------------------

/// The default demo table, generated once for all tests.
fn default_demo() -> &'static RawTable {
    static T: std::sync::OnceLock<RawTable> = std::sync::OnceLock::new();
    T.get_or_init(|| demo::demo_default(&mpi()))
}

fn col(t: &RawTable, name: &str) -> usize {
    t.columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn num(t: &RawTable, row: usize, name: &str) -> Option<f64> {
    match t.cell(row, col(t, name)) {
        CellRef::Number(x) => Some(x),
        CellRef::Empty => None,
        other => panic!("row {row} {name}: not a number: {other:?}"),
    }
}

#[test]
fn demo_is_deterministic() {
    let fw = mpi();
    let census = demo::census_cities();
    let a = demo::demo_table(&fw, &census, 60, 7);
    let b = demo::demo_table(&fw, &census, 60, 7);
    assert_eq!(a, b);
    assert_ne!(a.to_rows(), demo::demo_table(&fw, &census, 60, 8).to_rows());
    let d = demo::demo_default(&fw);
    assert_eq!(d, demo::demo_table(&fw, &census, DEMO_ULBS, DEMO_SEED));
    assert_eq!(d.n_rows(), 120);
    assert_eq!(d.source_rows(), (2..=121).collect::<Vec<_>>());
}

/// FNV-1a over every cell as a person reads it: pins the default table across platforms.
fn fingerprint(t: &RawTable) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for row in t.rows() {
        for c in row.iter() {
            for b in c.display().bytes().chain([0x1f]) {
                h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    h
}

#[test]
fn demo_default_is_pinned() {
    // If the generator changes on purpose, update this value (and say so in the commit).
    let d = default_demo();
    assert_eq!(fingerprint(d), PINNED_FINGERPRINT, "demo_default changed: fingerprint {:#x}", fingerprint(d));
}

const PINNED_FINGERPRINT: u64 = 0x23bb_1c2b_2759_1858;

#[test]
fn demo_has_every_column_once() {
    let fw = mpi();
    let d = default_demo();
    let head = ["ulb_id", "ulb_name", "state", "population", "terrain", "tags"];
    assert_eq!(&d.columns[..6], head);
    let set: BTreeSet<&String> = d.columns.iter().collect();
    assert_eq!(set.len(), d.columns.len(), "duplicate column");
    for f in &fw.inputs {
        assert!(d.columns.contains(&f.id), "input {} has no column", f.id);
    }
    assert_eq!(d.columns.len(), 6 + fw.inputs.len() - 1, "population is both a column and an input");
    assert!(d.rows().all(|r| r.len() == d.columns.len()));
}

#[test]
fn demo_names_are_synthetic() {
    let d = default_demo();
    let mut real: BTreeSet<String> =
        ["Greater Mumbai", "Delhi", "Kochi", "Pune", "Shimla", "Port Blair", "Kolkata", "Chennai", "Indore"]
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
    if let Some(dir) = shared_census_dir() {
        real.extend(
            read_shared(&dir, "census2011_cities_1lakh_plus_recurze.csv", "City")
                .iter()
                .map(|s| s.trim().to_lowercase()),
        );
        real.extend(
            read_shared(&dir, "census2011_top500_cities_r2_kaggle.csv", "name_of_city")
                .iter()
                .map(|s| s.trim().to_lowercase()),
        );
    }
    let (ci, ni, si) = (col(d, "ulb_id"), col(d, "ulb_name"), col(d, "state"));
    let mut ids = BTreeSet::new();
    for (k, row) in d.rows().enumerate() {
        let (CellRef::Text(id), CellRef::Text(name), CellRef::Text(state)) = (row.cell(ci), row.cell(ni), row.cell(si))
        else {
            panic!("row {k}: id, name, state must be text");
        };
        assert_eq!(id, &format!("DEMO-{:03}", k + 1));
        assert_eq!(name, &format!("Demo ULB {:03} ({state})", k + 1));
        assert!(!real.contains(&name.trim().to_lowercase()) && !real.contains(&id.to_lowercase()), "{name}");
        assert!(ids.insert(id.to_string()));
    }
}

#[test]
fn demo_populations_follow_census_and_tiers() {
    let fw = mpi();
    let d = default_demo();
    let scheme = fw.tier_scheme("urdpfi").unwrap();
    let census = demo::census_cities();
    let census_pops: BTreeSet<u64> = census.iter().map(|c| c.population as u64).collect();
    let mut tiers = BTreeMap::new();
    let mut synthetic = 0;
    for r in 0..d.n_rows() {
        let p = num(d, r, "population").expect("population is never blank");
        assert!(p >= 10_000.0 && p.fract() == 0.0, "population {p}");
        if p < 1_00_000.0 {
            synthetic += 1;
        } else {
            assert!(census_pops.contains(&(p as u64)), "population {p} is not a Census 2011 city's");
        }
        *tiers.entry(scheme.tier_of(p).unwrap().id.clone()).or_insert(0) += 1;
        let CellRef::Text(state) = d.cell(r, col(d, "state")) else { panic!() };
        assert_eq!(zones_of(&fw, state).len(), 1, "state {state} has no zone");
    }
    assert!(tiers.len() >= 4, "tiers {tiers:?}");
    assert!(tiers.contains_key("small") && tiers.contains_key("megapolis"), "tiers {tiers:?}");
    assert_eq!(synthetic, 24, "a fifth of 120 are synthetic towns");
}

/// (part, whole, strict): part ≤ whole on every row when strict, on ≥ 90% of rows otherwise.
const PARTS: [(&str, &str, bool); 40] = [
    ("households_piped", "households_total", true),
    ("households_metered", "households_piped", true),
    ("households_sewer", "households_total", true),
    ("births_registered_online", "births_registered", true),
    ("deaths_registered_online", "deaths_registered", true),
    ("building_permits_online", "building_permits_total", true),
    ("licence_types_online", "licence_types_awarded", true),
    ("road_km_streetlit", "road_km", true),
    ("streetlight_poles_led", "streetlight_poles", true),
    ("footpath_km", "road_km", true),
    ("education_expenditure", "total_budget", true),
    ("health_expenditure", "total_budget", true),
    ("road_maintenance_expenditure", "total_budget", true),
    ("wastewater_treated_mld", "water_supplied_mld", true),
    ("own_revenue_y1", "total_revenue_y1", true),
    ("own_revenue_y3", "total_revenue_y3", true),
    ("tax_revenue_y2", "own_revenue_y2", true),
    ("properties_taxed", "properties_total", true),
    ("properties_gis", "properties_total", true),
    ("property_tax_collected_y1", "property_tax_billed_y1", true),
    ("property_tax_collected_y3", "property_tax_billed_y3", true),
    ("alternate_finance_earnings", "total_earnings", true),
    ("capital_expenditure_y2", "total_expenditure_y2", true),
    ("establishment_expenditure_y3", "total_expenditure_y3", true),
    ("salary_expenditure_y1", "establishment_expenditure_y1", true),
    ("tenders_e", "tenders_total", true),
    ("tender_value_e", "tender_value_total", true),
    ("wifi_users", "population", true),
    ("tp_scheme_area_sqkm", "area_sqkm", true),
    ("plan_proposals_implemented", "plan_proposals_total", true),
    ("land_encroached_acres", "municipal_land_acres", true),
    ("employees_corruption_charged", "employees_total", true),
    ("employees_trained", "employees_total", true),
    ("women_employees", "employees_total", true),
    ("wards_with_committees", "wards_total", true),
    ("teachers_actual", "teachers_sanctioned", false),
    ("health_staff_actual", "health_staff_sanctioned", false),
    ("staff_in_position", "staff_sanctioned", false),
    ("central_grants_spent_y1", "central_grants_received_y1", false),
    ("state_grants_spent_y2", "state_grants_received_y2", false),
];

#[test]
fn demo_values_are_consistent() {
    let fw = mpi();
    let d = default_demo();
    for (part, whole, strict) in PARTS {
        let (mut ok, mut both) = (0, 0);
        for r in 0..d.n_rows() {
            if let (Some(a), Some(b)) = (num(d, r, part), num(d, r, whole)) {
                both += 1;
                if a <= b {
                    ok += 1;
                } else {
                    assert!(!strict, "row {r}: {part} = {a} > {whole} = {b}");
                }
            }
        }
        assert!(both >= 60, "{part}/{whole}: only {both} rows with both");
        assert!(ok as f64 >= 0.9 * both as f64, "{part} > {whole} on {} of {both} rows", both - ok);
    }
    let rating_ok: BTreeSet<&str> = CREDIT.iter().map(|(k, _)| *k).collect();
    let (mut nr, mut rated, mut negative) = (0, 0, 0);
    for r in 0..d.n_rows() {
        for f in &fw.inputs {
            let c = d.cell(r, col(d, &f.id));
            if c.is_empty() {
                continue;
            }
            match f.kind {
                InputKind::YesNo => assert!(c == CellRef::Text("Y") || c == CellRef::Text("N"), "{c:?}"),
                InputKind::Text => {
                    let CellRef::Text(s) = c else { panic!("{}: {c:?}", f.id) };
                    assert!(rating_ok.contains(s), "rating {s}");
                    if s == "NR" || s == "Not rated" {
                        nr += 1;
                    } else {
                        rated += 1;
                    }
                }
                InputKind::Percent => {
                    let x = num(d, r, &f.id).unwrap();
                    assert!((0.0..=100.0).contains(&x), "{} = {x}", f.id);
                }
                InputKind::Number | InputKind::SignedPercent => {
                    let x = num(d, r, &f.id).unwrap();
                    assert!(x.is_finite());
                    if x < 0.0 {
                        negative += 1;
                    }
                }
                _ => {
                    let x = num(d, r, &f.id).unwrap();
                    assert!(x >= 0.0 && x.is_finite(), "{} = {x}", f.id);
                }
            }
        }
        // Derived sanity: a sensible water supply, non-zero denominators.
        if let Some(l) = num(d, r, "water_supplied_lpcd") {
            assert!((40.0..=220.0).contains(&l), "lpcd {l}");
        }
        for den in ["households_total", "road_km", "area_sqkm", "total_budget", "employees_total"] {
            if let Some(x) = num(d, r, den) {
                assert!(x > 0.0, "{den} = 0 on row {r}");
            }
        }
    }
    assert!(nr >= 5 && rated >= 40, "ratings: {nr} NR, {rated} rated");
    assert!(negative >= 5, "only {negative} negative deficits");
}

#[test]
fn demo_missing_cells_and_low_coverage() {
    let fw = mpi();
    let d = default_demo();
    let inputs: Vec<usize> = fw.inputs.iter().filter(|f| f.id != "population").map(|f| col(d, &f.id)).collect();
    let mut low = 0;
    let (mut blank, mut cells) = (0, 0);
    for row in d.rows() {
        let b = inputs.iter().filter(|&&c| row.cell(c).is_empty()).count();
        let share = b as f64 / inputs.len() as f64;
        if share >= 0.3 {
            low += 1;
            assert!((0.39..=0.61).contains(&share), "low-coverage row with {share} blank");
        } else {
            blank += b;
            cells += inputs.len();
        }
        assert!(!row.cell(col(d, "population")).is_empty() && !row.cell(col(d, "ulb_id")).is_empty());
    }
    assert_eq!(low, 4, "≈3% of 120 ULBs report little");
    let rate = blank as f64 / cells as f64;
    assert!((0.02..=0.04).contains(&rate), "blank rate {rate}");
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

#[test]
fn demo_quality_is_correlated_across_verticals() {
    // A good ULB tends to be good elsewhere: shares from different verticals correlate.
    let d = default_demo();
    let share = |r: usize, a: &str, b: &str| Some(num(d, r, a)? / num(d, r, b)?);
    let pairs = [
        (("households_piped", "households_total"), ("tenders_e", "tenders_total")),
        (("properties_taxed", "properties_total"), ("wards_with_committees", "wards_total")),
        (("streetlight_poles_led", "streetlight_poles"), ("employees_trained", "employees_total")),
    ];
    for ((a1, b1), (a2, b2)) in pairs {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for r in 0..d.n_rows() {
            if let (Some(u), Some(v)) = (share(r, a1, b1), share(r, a2, b2)) {
                x.push(u);
                y.push(v);
            }
        }
        let c = pearson(&x, &y);
        assert!(c > 0.2 && c < 0.9, "corr({a1}, {a2}) = {c}: expected a clear but imperfect correlation");
    }
}

#[test]
fn demo_works_for_any_framework() {
    let fw: Framework = toml::from_str(
        r#"
        id = "tiny"
        name = "Tiny"
        [[aggregates]]
        id = "index"
        name = "Index"
        [[indicators]]
        id = "a"
        name = "A"
        parent = "index"
        [[indicators]]
        id = "b"
        name = "B"
        parent = "index"
        derive = { kind = "lookup", input = "grade", table = { good = 2, poor = 0 } }
        "#,
    )
    .unwrap();
    let census = vec![CensusCity { state: "Goa".into(), population: 200_000.0 }];
    let t = demo::demo_table(&fw, &census, 12, 1);
    assert_eq!(t.columns, ["uCode", "uName", "state", "population", "terrain", "tags", "a", "grade"]);
    assert_eq!(t.n_rows(), 12);
    for row in t.to_rows() {
        assert!(matches!(&row[6], Cell::Number(_) | Cell::Empty));
        assert!(
            matches!(&row[7], Cell::Empty)
                || row[7] == Cell::Text("good".into())
                || row[7] == Cell::Text("poor".into())
        );
    }
    // No census: synthetic towns, still deterministic.
    let t0 = demo::demo_table(&fw, &[], 5, 1);
    assert_eq!(t0, demo::demo_table(&fw, &[], 5, 1));
    assert_eq!(demo::demo_table(&fw, &census, 0, 1).n_rows(), 0);
}

#[test]
fn bundled_census_csv_is_state_and_population_only() {
    let mut lines = CENSUS_CITIES_CSV.lines();
    assert_eq!(lines.next(), Some("state,population"));
    assert_eq!(lines.filter(|l| !l.is_empty()).count(), 523);
}

#[test]
fn readme_example_is_a_valid_framework() {
    let readme = include_str!("../../../frameworks/README.md");
    let start = readme.find("```toml\n").expect("README has a toml example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let fw: Framework = toml::from_str(&readme[start..end]).unwrap_or_else(|e| panic!("README example: {e}"));
    fw.validate().unwrap_or_else(|e| panic!("README example: {e:?}"));
    assert_eq!(fw.indicators.len(), 3);
    let t = demo::demo_table(&fw, &demo::census_cities(), 8, 3);
    assert_eq!(t.n_rows(), 8);
}

/// The lever marks of MPI 2019 (nagar's own reading, docs/METHODOLOGY.md "Levers"), typed from
/// the methodology: every other indicator is an outcome.
#[test]
fn mpi_lever_marks_are_the_documented_ones() {
    use nagar_core::framework::Lever;
    let expected: BTreeMap<&str, Lever> = [
        ("1.1.3", Lever::Spending),
        ("1.2.3", Lever::Spending),
        ("1.6.3", Lever::Spending),
        ("2.2.3", Lever::Spending),
        ("2.2.4", Lever::Spending),
        ("2.2.7", Lever::Spending),
        ("2.2.8", Lever::Spending),
        ("5.2.1", Lever::Spending),
        ("1.5.5", Lever::Size),
        ("3.1.2", Lever::Size),
        ("2.4.1", Lever::External),
        ("2.4.2", Lever::External),
        ("4.2.2", Lever::External),
        ("4.2.3", Lever::External),
        ("5.3.1", Lever::External),
        ("5.4.3", Lever::External),
    ]
    .into_iter()
    .collect();
    let fw = mpi();
    for ind in &fw.indicators {
        let want = expected.get(ind.id.as_str()).copied().unwrap_or(Lever::Outcome);
        assert_eq!(ind.lever, want, "{} {}", ind.id, ind.name);
    }
    // A mark that is not one of the four is an error naming it.
    let bad = MPI_TOML.replacen("lever = \"size\"", "lever = \"budget\"", 1);
    let err = toml::from_str::<Framework>(&bad).unwrap_err().to_string();
    assert!(err.contains("budget"), "{err}");
}
