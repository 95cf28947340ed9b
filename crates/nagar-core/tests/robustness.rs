//! Uncertainty and sensitivity analysis against COINr 1.1.14: replaying COINr's own design of
//! the ASEM sensitivity analysis (`shared/data/coinr-asem/robustness/sa/`, 200 runs: pillar
//! weights ±25%, min-max or rank normalisation, arithmetic or geometric mean) must reproduce its
//! scores and rank statistics to 1e-9, its ranks exactly, and its Si/STi to 1e-9. Plus the
//! bad-input rules and seed determinism of sampled designs.

use std::collections::HashMap;

use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::robustness::{spec::WeightsSpec, Design, Engine, Kind, RobustnessError, Spec};
use nagar_core::{Aggregation, Cell, CellRef, Framework, Normalisation, RawTable, Settings};

const TOL: f64 = 1e-9;

#[path = "common/asem.rs"]
mod asem;
use asem::{asem_framework, csv_table};

fn nominal_settings(fw: &Framework) -> Settings {
    let mut s = fw.settings.clone();
    s.normalise = Normalisation::Minmax { lo: 1.0, hi: 100.0 };
    s.aggregate = Aggregation::Amean;
    s
}

/// A COINr CSV keyed by its first column; each row the remaining cells by header.
fn reference(name: &str) -> (Vec<String>, HashMap<String, Vec<String>>) {
    let t = csv_table(&format!("data/coinr-asem/robustness/sa/{name}"));
    let rows = t.rows().map(|r| (r.cell(0).display(), r.iter().skip(1).map(|c| c.display()).collect())).collect();
    (t.columns[1..].to_vec(), rows)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOL * b.abs().max(1.0)
}

#[test]
fn replaying_coinr_design_reproduces_scores_ranks_rankstats_and_sensitivity() {
    let fw = asem_framework();
    let data = csv_table("data/coinr-asem/ASEM_iData.csv");
    let settings = nominal_settings(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &settings, &w).unwrap();
    let design = Design::from_table(&csv_table("data/coinr-asem/robustness/sa/design.csv"), &fw).unwrap();
    assert_eq!((design.kind, design.n, design.rows.len()), (Kind::Sa, 40, 200));
    assert_eq!(design.inputs, ["Weights", "Normalisation", "Aggregation"]);
    let res = Engine::new(&fw, &data, &nominal, &w).run(&design).unwrap();
    assert!(res.failures.is_empty(), "{:?}", res.failures);

    let (scores, ranks) = res.scores_sheets();
    for (ours, file, exact) in [(&scores, "scores.csv", false), (&ranks, "ranks.csv", true)] {
        let (cols, refs) = reference(file);
        assert_eq!(ours.columns[1..], cols[..], "{file} columns");
        assert_eq!(ours.rows.len(), refs.len(), "{file}: units");
        let mut compared = 0;
        for row in &ours.rows {
            let id = match &row[0] {
                nagar_core::output::OutCell::Text(s) => s.clone(),
                c => panic!("id cell {c:?}"),
            };
            let r = &refs[&id];
            for (k, cell) in row[1..].iter().enumerate() {
                let mine = match cell {
                    nagar_core::output::OutCell::Number(x) => *x,
                    _ => f64::NAN,
                };
                if r[k] == "NA" {
                    assert!(mine.is_nan(), "{file} {id} {}: COINr NA, ours {mine}", cols[k]);
                    continue;
                }
                let want: f64 = r[k].parse().unwrap();
                if exact {
                    assert_eq!(mine, want, "{file} {id} {}", cols[k]);
                } else {
                    assert!(close(mine, want), "{file} {id} {}: COINr {want}, ours {mine}", cols[k]);
                }
                compared += 1;
            }
        }
        assert_eq!(compared, 51 * 201, "{file}: every cell compared");
    }

    let stats = res.rankstats_sheet(20);
    let (cols, refs) = reference("rankstats.csv");
    assert_eq!(cols, ["Nominal", "Mean", "Median", "Q5", "Q95"]);
    for row in &stats.rows {
        let nagar_core::output::OutCell::Text(id) = &row[0] else { panic!() };
        for k in 0..5 {
            let nagar_core::output::OutCell::Number(x) = row[k + 1] else { panic!("{id} {}", cols[k]) };
            let want: f64 = refs[id][k].parse().unwrap();
            assert!(close(x, want), "rankstats {id} {}: COINr {want}, ours {x}", cols[k]);
        }
    }

    let sens = res.sensitivity(None, 0, 1).unwrap();
    let (_, refs) = reference("sensitivity.csv");
    assert_eq!(sens.len(), 3);
    for (name, s) in &sens {
        let r = &refs[name];
        let (si, sti): (f64, f64) = (r[0].parse().unwrap(), r[1].parse().unwrap());
        assert!(close(s.si, si), "{name} Si: COINr {si}, ours {}", s.si);
        assert!(close(s.sti, sti), "{name} STi: COINr {sti}, ours {}", s.sti);
    }

    // Our own design.csv of the replay reads back to the same design.
    let sheet = design.sheet();
    let mut t = RawTable::new("again.csv", sheet.columns.clone());
    for (i, row) in sheet.rows.iter().enumerate() {
        t.push_row(
            row.iter()
                .map(|c| match c {
                    nagar_core::output::OutCell::Number(x) => Cell::Text(format!("{x}")),
                    nagar_core::output::OutCell::Text(s) => Cell::Text(s.clone()),
                    nagar_core::output::OutCell::Empty => Cell::Empty,
                })
                .collect(),
            i + 2,
        );
    }
    assert_eq!(Design::from_table(&t, &fw).unwrap(), design);
}

fn spec_weights_and_norms(kind: Kind, n: usize) -> Spec {
    Spec {
        kind,
        n,
        seed: 42,
        weights: vec![WeightsSpec { name: None, levels: vec![2], ids: vec![], noise: 0.25 }],
        normalise: vec!["minmax:1,100".into(), "rank".into()],
        aggregate: vec!["amean".into(), "gmean".into()],
        ..Spec::default()
    }
}

#[test]
fn sampled_designs_are_seeded_bounded_and_in_saltelli_layout() {
    let fw = asem_framework();
    let spec = spec_weights_and_norms(Kind::Sa, 10);
    let inputs = spec.resolve(&fw).unwrap();
    let one = |_: &str| 1.0;
    let a = Design::sample(Kind::Sa, 10, 42, &inputs, &one).unwrap();
    let b = Design::sample(Kind::Sa, 10, 42, &inputs, &one).unwrap();
    let c = Design::sample(Kind::Sa, 10, 43, &inputs, &one).unwrap();
    assert_eq!(a, b, "same seed, same design");
    assert_ne!(a, c, "another seed, another design");
    assert_eq!(a.rows.len(), 10 * 5);
    assert_eq!(a.columns.weights.len(), 8, "eight pillars at level 2");
    for (_, p) in &a.rows {
        assert!(p.weights.iter().all(|&w| (0.75..=1.25).contains(&w)), "{:?}", p.weights);
    }
    // AB:Weights = A's normalisation and aggregation with B's weights; AB:Normalisation = A's
    // weights and aggregation with B's normalisation.
    for k in 0..10 {
        let (pa, pb) = (&a.rows[k].1, &a.rows[10 + k].1);
        let ab_w = &a.rows[20 + k].1;
        assert_eq!((&ab_w.weights, &ab_w.normalise, ab_w.aggregate), (&pb.weights, &pa.normalise, pa.aggregate));
        let ab_n = &a.rows[30 + k].1;
        assert_eq!((&ab_n.weights, &ab_n.normalise, ab_n.aggregate), (&pa.weights, &pb.normalise, pa.aggregate));
    }
    // Both alternatives are drawn.
    assert!(a.rows.iter().any(|(_, p)| p.normalise == Some(Normalisation::Rank)));
    assert!(a.rows.iter().any(|(_, p)| p.aggregate == Some(Aggregation::Gmean)));
}

#[test]
fn ua_run_is_deterministic_and_nominal_only_design_gives_nominal_ranks() {
    let fw = asem_framework();
    let data = csv_table("data/coinr-asem/ASEM_iData.csv");
    let settings = nominal_settings(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &settings, &w).unwrap();
    let spec = Spec {
        n: 30,
        weights: vec![WeightsSpec { name: None, levels: vec![2, 3], ids: vec![], noise: 0.0 }],
        missing: vec!["reweight".into(), "reweight".into()],
        ..Spec::default()
    };
    let inputs = spec.resolve(&fw).unwrap();
    let d = Design::sample(Kind::Ua, 30, 7, &inputs, &|_| 1.0).unwrap();
    let res = Engine::new(&fw, &data, &nominal, &w).run(&d).unwrap();
    // Zero noise and the nominal policy: every replication is the nominal run, bit for bit.
    let n = res.n_units();
    for r in 0..30 {
        for u in 0..n {
            assert_eq!(res.scores[r * n + u].to_bits(), nominal.index()[u].to_bits());
            assert_eq!(res.ranks[r * n + u], nominal.rank[u].unwrap_or(0));
        }
    }
    let st = res.unit_stats(20);
    for (u, s) in st.iter().enumerate() {
        let k = f64::from(nominal.rank[u].unwrap());
        assert_eq!((s.rank.mean, s.rank.median, s.rank.q5, s.rank.q95), (k, k, k, k));
        assert_eq!(s.p_top, if k <= 20.0 { 1.0 } else { 0.0 });
        assert_eq!(s.p_bottom, if k > 51.0 - 20.0 { 1.0 } else { 0.0 });
    }

    // A real UA twice with the same seed: identical results.
    let spec = Spec { n: 25, ..spec_weights_and_norms(Kind::Ua, 25) };
    let inputs = spec.resolve(&fw).unwrap();
    let d1 = Design::sample(Kind::Ua, 25, 9, &inputs, &|_| 1.0).unwrap();
    let r1 = Engine::new(&fw, &data, &nominal, &w).run(&d1).unwrap();
    let r2 = Engine::new(&fw, &data, &nominal, &w).run(&d1).unwrap();
    assert_eq!(r1.ranks, r2.ranks);
    assert!(r1.scores.iter().zip(&r2.scores).all(|(a, b)| a.to_bits() == b.to_bits()));
    // Each replication equals scoring from scratch with its parameters.
    for (r, (_, p)) in d1.rows.iter().enumerate().take(6) {
        let mut s = settings.clone();
        s.normalise = p.normalise.clone().unwrap();
        s.aggregate = p.aggregate.unwrap();
        let wo: WeightOverrides = d1.columns.weights.iter().cloned().zip(p.weights.iter().copied()).collect();
        let full = score(&fw, &data, &s, &wo).unwrap();
        for u in 0..n {
            assert_eq!(res_score(&r1, r, u).to_bits(), full.index()[u].to_bits(), "rep {} unit {u}", r + 1);
            assert_eq!(r1.ranks[r * n + u], full.rank[u].unwrap_or(0));
        }
    }
}

fn res_score(r: &nagar_core::robustness::Results, rep: usize, u: usize) -> f64 {
    r.scores[rep * r.n_units() + u]
}

#[test]
fn bad_specifications_are_refused_with_reasons() {
    let fw = asem_framework();
    let msg = |s: Spec| match s.resolve(&fw) {
        Err(RobustnessError::Spec(m)) => m,
        other => panic!("expected an error, got {other:?}"),
    };
    assert!(msg(Spec { n: 2, ..spec_weights_and_norms(Kind::Ua, 2) }).contains("at least 3"));
    let one_input = Spec { kind: Kind::Sa, normalise: vec!["minmax:1,100".into(), "rank".into()], ..Spec::default() };
    assert!(msg(one_input).contains("at least two uncertain inputs"));
    for noise in [1.0, -0.1, f64::NAN] {
        let s =
            Spec { weights: vec![WeightsSpec { name: None, levels: vec![2], ids: vec![], noise }], ..Spec::default() };
        assert!(msg(s).contains("[0, 1)"), "noise {noise}");
    }
    let s = Spec {
        weights: vec![WeightsSpec { name: None, levels: vec![], ids: vec!["Nope".into()], noise: 0.1 }],
        ..Spec::default()
    };
    assert!(msg(s).contains("\"Nope\""));
    assert!(msg(Spec { normalise: vec!["zscroe".into(), "rank".into()], ..Spec::default() }).contains("zscroe"));
    assert!(msg(Spec::default()).contains("nothing varies"));
}

#[test]
fn design_files_that_do_not_fit_are_refused_naming_the_column() {
    let fw = asem_framework();
    let good = csv_table("data/coinr-asem/robustness/sa/design.csv");
    let err = |t: &RawTable| match Design::from_table(t, &fw) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("accepted"),
    };
    let mut t = good.clone();
    t.columns[4] = "weight:Physicl".into();
    assert!(err(&t).contains("\"weight:Physicl\""), "{}", err(&t));
    let mut t = good.clone();
    t.columns[2] = "normalize".into();
    assert!(err(&t).contains("\"normalize\""), "{}", err(&t));
    let mut t = good.clone();
    t.set(5, 2, CellRef::Text("zscroe"));
    let e = err(&t);
    assert!(e.contains("row 7") && e.contains("normalise") && e.contains("zscroe"), "{e}");
    let mut t = good.clone();
    t.set(3, 5, CellRef::Text("-1"));
    assert!(err(&t).contains("weight:ConEcFin"), "{}", err(&t));
    let mut t = good.clone();
    t.truncate(199);
    assert!(err(&t).contains("N(d+2)"), "{}", err(&t));
    // Only one AB block: a sensitivity analysis of one input.
    let mut t = good.clone();
    t.truncate(120);
    assert!(err(&t).contains("at least two inputs"), "{}", err(&t));
}

#[test]
fn a_failing_alternative_gives_missing_scores_counted_and_explained() {
    // Geometric mean over z-scores (which are negative for half the units) fails.
    let fw = asem_framework();
    let data = csv_table("data/coinr-asem/ASEM_iData.csv");
    let settings = nominal_settings(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &settings, &w).unwrap();
    let spec = Spec {
        n: 20,
        normalise: vec!["minmax:1,100".into(), "zscore".into()],
        aggregate: vec!["amean".into(), "gmean".into()],
        ..Spec::default()
    };
    let d = Design::sample(Kind::Ua, 20, 3, &spec.resolve(&fw).unwrap(), &|_| 1.0).unwrap();
    let res = Engine::new(&fw, &data, &nominal, &w).run(&d).unwrap();
    let bad: Vec<usize> = d
        .rows
        .iter()
        .enumerate()
        .filter(|(_, (_, p))| p.normalise == Some(Normalisation::default()) && p.aggregate == Some(Aggregation::Gmean))
        .map(|(r, _)| r + 1)
        .collect();
    assert!(!bad.is_empty(), "the seed draws the failing combination");
    assert_eq!(res.failures.iter().map(|f| f.rep).collect::<Vec<_>>(), bad);
    assert!(res.failures[0].message.contains("geometric"), "{}", res.failures[0].message);
    let n = res.n_units();
    for &r in &bad {
        assert!(res.scores[(r - 1) * n..r * n].iter().all(|x| x.is_nan()));
        assert!(res.ranks[(r - 1) * n..r * n].iter().all(|&k| k == 0));
    }
    // The page's path (statistics from columns, failed replications named) leaves them out too.
    let part = Engine::new(&fw, &data, &nominal, &w).run_range(&d, 0..20).unwrap();
    let failed: Vec<usize> = part.failures.iter().map(|f| f.rep).collect();
    assert_eq!(failed, bad);
    let cols = [part.columns(n, 0..20, 0..n)];
    let stats = nagar_core::robustness::unit_stats_of_columns(&d, &nominal, &failed, &res.group_sizes, 20, 0..n, &cols)
        .unwrap();
    assert_eq!(format!("{stats:?}"), format!("{:?}", res.unit_stats(20)));
    assert!(part.output(&nominal.rank, None).iter().zip(res.output(None)).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn replications_that_reprocess_or_renormalise_equal_scoring_from_scratch() {
    // Missing-data policies re-run the normalise stage; imputations the process stage; an
    // exclusion is a zero weight. Each replication must equal `score` with its settings.
    let fw = asem_framework();
    let data = csv_table("data/coinr-asem/ASEM_iData.csv");
    let settings = nominal_settings(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &settings, &w).unwrap();
    let spec = Spec {
        n: 24,
        weights: vec![WeightsSpec { name: None, levels: vec![3], ids: vec![], noise: 0.2 }],
        missing: vec!["reweight".into(), "mean".into(), "worst".into()],
        impute: vec!["none".into(), "median".into(), "mean-group:EurAsia_group".into()],
        exclude: Some(nagar_core::robustness::spec::ExcludeSpec {
            level: Some(2),
            include_none: true,
            ..Default::default()
        }),
        ..Spec::default()
    };
    let d = Design::sample(Kind::Ua, 24, 11, &spec.resolve(&fw).unwrap(), &|_| 1.0).unwrap();
    let res = Engine::new(&fw, &data, &nominal, &w).threads(1).run(&d).unwrap();
    assert!(res.failures.is_empty());
    // Any number of threads: the same bits.
    for k in [2, 3, 7] {
        let par = Engine::new(&fw, &data, &nominal, &w).threads(k).run(&d).unwrap();
        assert_eq!(par.ranks, res.ranks, "{k} threads");
        assert!(par.scores.iter().zip(&res.scores).all(|(a, b)| a.to_bits() == b.to_bits()), "{k} threads");
        assert_eq!(par.group_sizes, res.group_sizes);
        let (a, b) = (res.unit_stats_threads(20, 1), res.unit_stats_threads(20, k));
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "unit statistics on {k} threads");
    }
    let n = res.n_units();
    for (r, (_, p)) in d.rows.iter().enumerate() {
        let mut s = settings.clone();
        s.missing = p.missing.unwrap();
        s.impute = p.impute.clone().unwrap();
        let mut wo: WeightOverrides = d.columns.weights.iter().cloned().zip(p.weights.iter().copied()).collect();
        if let Some(Some(id)) = &p.exclude {
            wo.insert(id.clone(), 0.0);
        }
        let full = score(&fw, &data, &s, &wo).unwrap();
        for u in 0..n {
            assert_eq!(res_score(&res, r, u).to_bits(), full.index()[u].to_bits(), "rep {} unit {u} {p:?}", r + 1);
            assert_eq!(res.ranks[r * n + u], full.rank[u].unwrap_or(0));
        }
    }
    // All three policies, several imputations and exclusions were drawn.
    for m in [nagar_core::MissingPolicy::Mean, nagar_core::MissingPolicy::Worst, nagar_core::MissingPolicy::Reweight] {
        assert!(d.rows.iter().any(|(_, p)| p.missing == Some(m)), "{m:?}");
    }
    assert!(d.rows.iter().any(|(_, p)| matches!(p.impute, Some(nagar_core::Imputation::MeanGroup { .. }))));
    assert!(d.rows.iter().any(|(_, p)| matches!(p.exclude, Some(Some(_)))));
}

/// The optimised replications on MPI-shaped data (tiers as comparison groups, the benchmark's
/// inputs plus two normalisations): every replication equals `score` from scratch, bit for bit,
/// and every unit's statistics equal a plain computation over the stored ranks and scores
/// (full sort, R's mean, type-7 quantiles, counts of top/bottom N from the ranks themselves).
#[test]
fn mpi_replications_equal_scoring_and_statistics_equal_sorting() {
    use nagar_core::robustness::stats::{median_sorted, quantile7_sorted};
    let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).unwrap();
    let table = nagar_core::demo::demo_table(&fw, &nagar_core::demo::census_cities(), 300, 2019);
    let mut settings = fw.settings.clone();
    settings.group = nagar_core::Group::Tier;
    let w = WeightOverrides::new();
    let nominal = score(&fw, &table, &settings, &w).unwrap();
    let spec = Spec {
        n: 10,
        weights: vec![WeightsSpec { name: None, levels: vec![2, 3], ids: vec![], noise: 0.25 }],
        normalise: vec!["zscore".into(), "minmax:0,100".into()],
        missing: vec!["reweight".into(), "mean".into(), "worst".into()],
        ..Spec::default()
    };
    let d = Design::sample(Kind::Ua, 10, 5, &spec.resolve(&fw).unwrap(), &|_| 1.0).unwrap();
    let res = Engine::new(&fw, &table, &nominal, &w).threads(1).run(&d).unwrap();
    assert!(res.failures.is_empty(), "{:?}", res.failures);
    let par = Engine::new(&fw, &table, &nominal, &w).threads(2).run(&d).unwrap();
    assert_eq!(par.ranks, res.ranks);
    let n = res.n_units();
    assert!(nominal.groups.members.len() > 1, "tiers give several groups");
    for (r, (_, p)) in d.rows.iter().enumerate() {
        let mut s = settings.clone();
        s.normalise = p.normalise.clone().unwrap();
        s.missing = p.missing.unwrap();
        let wo: WeightOverrides = d.columns.weights.iter().cloned().zip(p.weights.iter().copied()).collect();
        let full = score(&fw, &table, &s, &wo).unwrap();
        for u in 0..n {
            assert_eq!(res_score(&res, r, u).to_bits(), full.index()[u].to_bits(), "rep {} unit {u} {p:?}", r + 1);
            assert_eq!(res.ranks[r * n + u], full.rank[u].unwrap_or(0), "rep {} unit {u}", r + 1);
            assert_eq!(par.scores[r * n + u].to_bits(), full.index()[u].to_bits());
        }
    }
    // Statistics by sorting.
    let reps = d.rows.len();
    let ranked_in = |r: usize, g: usize| {
        (0..n).filter(|&v| nominal.groups.of_unit[v] == Some(g) && res.ranks[r * n + v] != 0).count()
    };
    let plain = |mut v: Vec<f64>| {
        let mean = nagar_core::methods::stats::mean(&v);
        v.sort_by(f64::total_cmp);
        (mean, median_sorted(&v), quantile7_sorted(&v, 0.05), quantile7_sorted(&v, 0.95))
    };
    let top_n = 20;
    for (k, st) in [1, 2].into_iter().map(|t| res.unit_stats_threads(top_n, t)).enumerate() {
        for (u, st) in st.iter().enumerate() {
            let ranks: Vec<f64> = (0..reps).map(|r| res.ranks[r * n + u]).filter(|&x| x != 0).map(f64::from).collect();
            let scores: Vec<f64> = (0..reps).map(|r| res.scores[r * n + u]).filter(|x| x.is_finite()).collect();
            let bits = |s: &nagar_core::robustness::stats::Summary| {
                (s.mean.to_bits(), s.median.to_bits(), s.q5.to_bits(), s.q95.to_bits())
            };
            let b = |t: (f64, f64, f64, f64)| (t.0.to_bits(), t.1.to_bits(), t.2.to_bits(), t.3.to_bits());
            assert_eq!(bits(&st.rank), b(plain(ranks)), "unit {u}, {} thread(s)", k + 1);
            assert_eq!(bits(&st.score), b(plain(scores)), "unit {u}, {} thread(s)", k + 1);
            let (mut top, mut bottom) = (0, 0);
            for r in 0..reps {
                let x = res.ranks[r * n + u] as usize;
                if x != 0 {
                    let m = ranked_in(r, nominal.groups.of_unit[u].unwrap());
                    top += usize::from(x <= top_n);
                    bottom += usize::from(x > m.saturating_sub(top_n));
                }
            }
            assert_eq!(st.p_top, top as f64 / reps as f64, "unit {u}");
            assert_eq!(st.p_bottom, bottom as f64 / reps as f64, "unit {u}");
        }
    }
}

/// The bootstrap of Si/STi, worked independently from its documented definition
/// (METHODOLOGY §14): ChaCha8 seeded with the seed, stream 1; for each input in order, for each
/// of the B resamples, N indices ⌊word·N/2⁶⁴⌋ for the Si terms y_B(y_ABi − y_A), then N for the
/// differences y_A − y_ABi; V fixed; type-7 percentiles of the B estimates. On the replay of
/// COINr's ASEM design, with y recomputed from the stored ranks.
#[test]
fn bootstrap_intervals_equal_an_independent_resampling() {
    use rand_chacha::rand_core::{RngCore, SeedableRng};
    let fw = asem_framework();
    let data = csv_table("data/coinr-asem/ASEM_iData.csv");
    let settings = nominal_settings(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &settings, &w).unwrap();
    let design = Design::from_table(&csv_table("data/coinr-asem/robustness/sa/design.csv"), &fw).unwrap();
    let res = Engine::new(&fw, &data, &nominal, &w).run(&design).unwrap();
    let (nb, seed) = (300, 42);
    let got = res.sensitivity(None, nb, seed).unwrap();
    let point = res.sensitivity(None, 0, seed).unwrap();

    let (n, d, units) = (design.n, design.inputs.len(), res.n_units());
    let y: Vec<f64> = (0..design.rows.len())
        .map(|r| {
            let (mut sum, mut k) = (0.0, 0.0);
            for u in 0..units {
                if let (x, Some(m)) = (res.ranks[r * units + u], nominal.rank[u]) {
                    if x != 0 {
                        sum += (f64::from(x) - f64::from(m)).abs();
                        k += 1.0;
                    }
                }
            }
            sum / k
        })
        .collect();
    let m = y[..2 * n].iter().sum::<f64>() / (2 * n) as f64;
    let var = y[..2 * n].iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (2 * n - 1) as f64;
    let q7 = |mut v: Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        let h = (v.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        v[lo] + (h - lo as f64) * (v[(lo + 1).min(v.len() - 1)] - v[lo])
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    for i in 0..d {
        let (ya, yb, yab) = (&y[..n], &y[n..2 * n], &y[(2 + i) * n..(3 + i) * n]);
        let si_terms: Vec<f64> = (0..n).map(|k| yb[k] * (yab[k] - ya[k])).collect();
        let st_terms: Vec<f64> = (0..n).map(|k| ya[k] - yab[k]).collect();
        let (mut si, mut st) = (Vec::new(), Vec::new());
        for _ in 0..nb {
            let mut pick = || ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize;
            si.push((0..n).map(|_| si_terms[pick()]).sum::<f64>() / n as f64 / var);
            st.push((0..n).map(|_| st_terms[pick()].powi(2)).sum::<f64>() / (2.0 * n as f64 * var));
        }
        let want = [q7(si.clone(), 0.05), q7(si, 0.95), q7(st.clone(), 0.05), q7(st, 0.95)];
        let (name, s) = &got[i];
        assert_eq!(name, &design.inputs[i]);
        let b = s.boot.expect("bootstrap asked for");
        for (k, (x, w)) in b.iter().zip(want).enumerate() {
            assert!(close(*x, w), "{name} column {k}: ours {x}, independent {w}");
        }
        // The point estimates do not depend on the bootstrap.
        assert_eq!((s.si, s.sti), (point[i].1.si, point[i].1.sti));
        assert!(b[0] < b[1] && b[2] < b[3], "{name}: {b:?}");
    }
}

/// A statistical property that a wrong resampling fails: for a large N the bootstrap
/// distribution of Si (a mean of N terms over V) is close to normal with standard error
/// sd(terms)/(√N·V), so its 5th and 95th percentiles lie near Si ∓ 1.645·se; and for an input
/// with no effect (y_ABi = y_A) STi and its interval are exactly 0.
#[test]
fn bootstrap_percentiles_match_the_normal_approximation() {
    use nagar_core::robustness::stats::{sa_estimate, unit_uniform};
    use rand_chacha::rand_core::SeedableRng;
    let (n, d) = (2000, 2);
    let mut g = rand_chacha::ChaCha8Rng::seed_from_u64(99);
    // y = x1 + 0.3·x2 + noise; A, B, AB1 (x1 from B), AB2 = A (no effect).
    let a: Vec<(f64, f64)> = (0..n).map(|_| (unit_uniform(&mut g), unit_uniform(&mut g))).collect();
    let b: Vec<(f64, f64)> = (0..n).map(|_| (unit_uniform(&mut g), unit_uniform(&mut g))).collect();
    let f = |x1: f64, x2: f64| x1 + 0.3 * x2;
    let mut y: Vec<f64> = a.iter().map(|&(x1, x2)| f(x1, x2)).collect();
    y.extend(b.iter().map(|&(x1, x2)| f(x1, x2)));
    y.extend(a.iter().zip(&b).map(|(&(_, x2), &(b1, _))| f(b1, x2)));
    y.extend(a.iter().map(|&(x1, x2)| f(x1, x2)));
    let s = sa_estimate(&y, n, d, 1000, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
    let m = y[..2 * n].iter().sum::<f64>() / (2 * n) as f64;
    let var = y[..2 * n].iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (2 * n - 1) as f64;
    let terms: Vec<f64> = (0..n).map(|k| y[n + k] * (y[2 * n + k] - y[k])).collect();
    let tm = terms.iter().sum::<f64>() / n as f64;
    let sd = (terms.iter().map(|t| (t - tm) * (t - tm)).sum::<f64>() / (n - 1) as f64).sqrt();
    let se = sd / (n as f64).sqrt() / var;
    let [s5, s95, t5, t95] = s[0].boot.unwrap();
    // Si of x1 is 1/(1 + 0.09) ≈ 0.917 in theory.
    assert!((s[0].si - 1.0 / 1.09).abs() < 0.1, "{}", s[0].si);
    for (q, want) in [(s5, s[0].si - 1.645 * se), (s95, s[0].si + 1.645 * se)] {
        // The Monte Carlo error of a 5% quantile of 1,000 resamples is about 0.07·se.
        assert!((q - want).abs() < 0.25 * se, "percentile {q}, normal approximation {want}, se {se}");
        // A resampling of the wrong size (N/2 or 2N terms) would move the percentiles by
        // (√2 − 1)·1.645·se ≈ 0.68·se or more.
    }
    assert!(t5 < s[0].sti && s[0].sti < t95);
    assert_eq!((s[1].sti, s[1].boot.unwrap()[2], s[1].boot.unwrap()[3]), (0.0, 0.0, 0.0));
}
