//! Robustness benchmarks (docs/BENCHMARKS.md, "Robustness"):
//! * MPI 2019 on 5,000 demo ULBs: uncertainty analysis over the weights of sectors and verticals
//!   (levels 2 and 3, ±25%) and the three missing-data policies, 1,000 replications — the design,
//!   every replication and the per-unit statistics (target ≤ 0.3 s native);
//! * COINr's ASEM sensitivity analysis replayed (200 runs; COINr 1.1.14 took 3.96 s), with Si/STi.
//!
//! Run: `cargo bench -p nagar-core --bench robustness`.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::robustness::spec::WeightsSpec;
use nagar_core::robustness::{Design, Engine, Kind, Spec};
use nagar_core::{Aggregation, Framework, Normalisation};

const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

#[path = "../tests/common/asem.rs"]
mod asem;
use asem::{asem_framework, csv_table};

fn benches(c: &mut Criterion) {
    let w0 = WeightOverrides::new();

    // MPI, 5,000 ULBs, UA 1,000 replications.
    let fw: Framework = toml::from_str(MPI_TOML).unwrap();
    let table = nagar_core::demo::demo_table(&fw, &nagar_core::demo::census_cities(), 5_000, 2019);
    let nominal = score(&fw, &table, &fw.settings, &w0).unwrap();
    let spec = Spec {
        kind: Kind::Ua,
        n: 1000,
        seed: 1,
        weights: vec![WeightsSpec { name: None, levels: vec![2, 3], ids: vec![], noise: 0.25 }],
        missing: vec!["reweight".into(), "mean".into(), "worst".into()],
        ..Spec::default()
    };
    let inputs = spec.resolve(&fw).unwrap();
    let weight = |id: &str| {
        fw.aggregates.iter().position(|a| a.id == id).map(|k| nominal.plan.aggregate_weights[k]).unwrap_or(f64::NAN)
    };
    let mut g = c.benchmark_group("robustness");
    g.sample_size(10);
    g.bench_function("UA: MPI 5000 ULBs, weights ±25% (sectors, verticals) x 3 missing policies, 1000 reps", |b| {
        b.iter(|| {
            let design = Design::sample(Kind::Ua, spec.n, spec.seed, &inputs, &weight).unwrap();
            let res = Engine::new(&fw, &table, black_box(&nominal), &w0).run(&design).unwrap();
            let stats = res.unit_stats(20);
            black_box((res.ranks[17], stats[3].rank.median))
        })
    });

    // Its parts: the replications alone (design given), the statistics alone.
    let design = Design::sample(Kind::Ua, spec.n, spec.seed, &inputs, &weight).unwrap();
    g.bench_function("UA parts: the 1000 replications (Engine::run), MPI 5000 ULBs", |b| {
        b.iter(|| Engine::new(&fw, &table, black_box(&nominal), &w0).run(&design).unwrap().ranks[17])
    });
    let res = Engine::new(&fw, &table, &nominal, &w0).run(&design).unwrap();
    g.bench_function("UA parts: rank and score statistics of 5000 units over 1000 replications", |b| {
        b.iter(|| black_box(&res).unit_stats(20)[3].rank.median)
    });

    // ASEM SA replay: 200 runs, with Si/STi.
    let afw = asem_framework();
    let adata = csv_table("data/coinr-asem/ASEM_iData.csv");
    let mut s = afw.settings.clone();
    s.normalise = Normalisation::Minmax { lo: 1.0, hi: 100.0 };
    s.aggregate = Aggregation::Amean;
    let anom = score(&afw, &adata, &s, &w0).unwrap();
    let design = Design::from_table(&csv_table("data/coinr-asem/robustness/sa/design.csv"), &afw).unwrap();
    g.bench_function("SA: ASEM replay of COINr's design.csv, 200 runs, Si/STi + rank stats", |b| {
        b.iter(|| {
            let res = Engine::new(&afw, &adata, black_box(&anom), &w0).run(&design).unwrap();
            let s = res.sensitivity(None, 0, 1).unwrap();
            black_box((s[0].1.si, res.unit_stats(20)[0].rank.mean))
        })
    });
    g.finish();
}

criterion_group! {
    name = robustness;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = benches
}
criterion_main!(robustness);
