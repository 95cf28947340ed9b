//! Replications in parts (the page's progress bar and its several Web Workers): any split of a
//! design's replications into ranges, run one range at a time and put back together, gives the
//! same bits as running the design at once — on the MPI framework over the demo data, with
//! weights ±25% at vertical and sector level and the three missing-data policies (the page's
//! defaults), and on a sensitivity design. Parts that do not cover the design are refused.

use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::robustness::engine::sensitivity_of;
use nagar_core::robustness::{
    design_for, spec::WeightsSpec, unit_stats_of_columns, Columns, Engine, Kind, Part, Results, Spec,
};
use nagar_core::Framework;

const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

fn mpi_spec(kind: Kind, n: usize) -> Spec {
    Spec {
        kind,
        n,
        seed: 7,
        weights: vec![WeightsSpec { name: None, levels: vec![2, 3], ids: vec![], noise: 0.25 }],
        missing: vec!["reweight".into(), "mean".into(), "worst".into()],
        ..Spec::default()
    }
}

#[test]
fn any_split_of_the_replications_gives_the_same_results() {
    let fw: Framework = toml::from_str(MPI_TOML).unwrap();
    let data = nagar_core::demo::demo_default(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &fw.settings, &w).unwrap();
    for (kind, n) in [(Kind::Ua, 40), (Kind::Sa, 6)] {
        let spec = mpi_spec(kind, n);
        let design = design_for(&spec, &fw, &nominal).unwrap();
        let reps = design.rows.len();
        let whole = Engine::new(&fw, &data, &nominal, &w).threads(1).run(&design).unwrap();
        assert!(whole.failures.is_empty());
        // Ranges of several sizes, each from its own engine (one worker each) or from one engine
        // (one worker, progress between ranges); handed over in reverse order.
        for size in [1, 7, reps / 2 + 1, reps] {
            let mut shared = Engine::new(&fw, &data, &nominal, &w);
            let mut parts: Vec<Part> = Vec::new();
            for (k, first) in (0..reps).step_by(size).enumerate() {
                let range = first..(first + size).min(reps);
                let part = if k % 2 == 0 {
                    shared.run_range(&design, range).unwrap()
                } else {
                    Engine::new(&fw, &data, &nominal, &w).run_range(&design, range).unwrap()
                };
                parts.push(part);
            }
            parts.reverse();
            // The page's path: each part's columns of each range of units, the statistics of a
            // range from the columns of every part (no array holds every replication), and the
            // sensitivity output computed part by part.
            let n_units = whole.n_units();
            let per = n_units.div_ceil(3);
            let stats_reps = design.stats_rows();
            let by_columns: Vec<_> = (0..n_units)
                .step_by(per)
                .flat_map(|u0| {
                    let units = u0..(u0 + per).min(n_units);
                    let cols: Vec<Columns> =
                        parts.iter().map(|p| p.columns(n_units, 0..stats_reps, units.clone())).collect();
                    let sizes = &whole.group_sizes[..stats_reps * whole.n_groups];
                    unit_stats_of_columns(&design, &nominal, &[], sizes, 20, units, &cols).unwrap()
                })
                .collect();
            assert_eq!(format!("{by_columns:?}"), format!("{:?}", whole.unit_stats(20)), "{kind:?} split {size}");
            let mut y = vec![f64::NAN; reps];
            for p in &parts {
                y[p.first..p.first + p.count].copy_from_slice(&p.output(&nominal.rank, None));
            }
            let want = whole.output(None);
            assert!(y.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()), "{kind:?} split {size}");
            if kind == Kind::Sa {
                assert_eq!(
                    format!("{:?}", Some(sensitivity_of(&design, &y, 50, 7))),
                    format!("{:?}", whole.sensitivity(None, 50, 7))
                );
            }
            let joined = Results::from_parts(design.clone(), &nominal, parts).unwrap();
            assert_eq!(joined.ranks, whole.ranks, "{kind:?} split {size}");
            assert!(
                joined.scores.iter().zip(&whole.scores).all(|(a, b)| a.to_bits() == b.to_bits()),
                "{kind:?} split {size}"
            );
            assert_eq!(joined.group_sizes, whole.group_sizes);
            assert_eq!(format!("{:?}", joined.unit_stats(20)), format!("{:?}", whole.unit_stats(20)));
            // Unit statistics in ranges of units (one a worker) are the same numbers.
            let n_units = whole.n_units();
            let by_range: Vec<_> = (0..n_units)
                .step_by(size.max(13))
                .flat_map(|u| joined.unit_stats_of(20, u..u + size.max(13)))
                .collect();
            assert_eq!(format!("{by_range:?}"), format!("{:?}", whole.unit_stats(20)));
            assert_eq!(
                format!("{:?}", joined.sensitivity(None, 50, 7)),
                format!("{:?}", whole.sensitivity(None, 50, 7))
            );
        }
        // An engine started from another's stages (a warm worker's next run) gives the same bits.
        let mut first = Engine::new(&fw, &data, &nominal, &w);
        let a = first.run_range(&design, 0..reps).unwrap();
        let mut again = Engine::new(&fw, &data, &nominal, &w).with_cache(first.into_cache());
        let b = again.run_range(&design, 0..reps).unwrap();
        assert_eq!(a.ranks, b.ranks);
        assert!(a.scores.iter().zip(&b.scores).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert_eq!(b.ranks, whole.ranks);
        // The ranks moved: a test of splitting that could not fail on constant results is none.
        let n_units = whole.n_units();
        assert!((0..reps).any(|r| whole.ranks[r * n_units..(r + 1) * n_units]
            .iter()
            .zip(&nominal.rank)
            .any(|(&k, m)| k != m.unwrap_or(0))));
    }
}

#[test]
fn parts_that_do_not_cover_the_design_are_refused() {
    let fw: Framework = toml::from_str(MPI_TOML).unwrap();
    let data = nagar_core::demo::demo_default(&fw);
    let w = WeightOverrides::new();
    let nominal = score(&fw, &data, &fw.settings, &w).unwrap();
    let design = design_for(&mpi_spec(Kind::Ua, 10), &fw, &nominal).unwrap();
    let mut e = Engine::new(&fw, &data, &nominal, &w);
    let a = e.run_range(&design, 0..4).unwrap();
    let b = e.run_range(&design, 4..10).unwrap();
    let c = e.run_range(&design, 3..6).unwrap();
    let err = |parts: Vec<Part>| Results::from_parts(design.clone(), &nominal, parts).unwrap_err().to_string();
    assert!(err(vec![a.clone()]).contains("replication 5 is in no part"), "{}", err(vec![a.clone()]));
    assert!(err(vec![a.clone(), b.clone(), c]).contains("overlaps"));
    let mut short = b.clone();
    short.ranks.pop();
    assert!(err(vec![a.clone(), short]).contains("do not fit"));
    assert!(e.run_range(&design, 8..11).unwrap_err().to_string().contains("not within"));
    assert!(Results::from_parts(design.clone(), &nominal, vec![b.clone(), a.clone()]).is_ok());
    // Columns that miss or repeat a replication, or hold other units, are refused too.
    let n = nominal.units.len();
    let sizes = vec![1u32; 10 * nominal.groups.len()];
    let stats = |cols: &[Columns]| unit_stats_of_columns(&design, &nominal, &[], &sizes, 20, 0..5, cols);
    let (ca, cb) = (a.columns(n, 0..10, 0..5), b.columns(n, 0..10, 0..5));
    assert!(stats(&[ca.clone(), cb.clone()]).is_ok());
    assert!(stats(std::slice::from_ref(&ca)).unwrap_err().to_string().contains("replication 5 is in no column"));
    assert!(stats(&[ca.clone(), ca.clone(), cb.clone()]).unwrap_err().to_string().contains("in two columns"));
    assert!(stats(&[ca, b.columns(n, 0..10, 0..6)]).unwrap_err().to_string().contains("do not fit"));
    assert!(unit_stats_of_columns(&design, &nominal, &[], &sizes, 20, 0..n + 1, &[]).is_err());
    assert!(unit_stats_of_columns(&design, &nominal, &[], &sizes[..3], 20, 0..5, &[cb]).is_err());
}
