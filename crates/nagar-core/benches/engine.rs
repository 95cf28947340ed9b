//! Engine benchmarks (docs/BENCHMARKS.md, "Native"):
//! * the full pipeline on 5,000 units × 100 indicators from a parsed table (target ≤ 20 ms):
//!   a 100-indicator framework built here (indicators read as given) and the MPI 2019 framework
//!   on demo data (derivations from ~250 input fields);
//! * re-aggregation with new weights over cached normalised values, 5,000 units (`Plan::run`
//!   and the branch-free `analysis::reaggregate`, same bits; target ≤ 1 ms);
//! * one what-if change of one unit's input on 5,000 MPI units (target ≤ 16 ms in the browser);
//! * explain and improve for one unit on 5,000 MPI units.
//!
//! Run: `cargo bench -p nagar-core --bench engine` (add `-- --quick` for a fast pass).

// A long-lived process re-scores in a loop (what-if, Monte Carlo, the page's worker). glibc hands
// the freed 4 MB stage matrices back to the kernel after every run, so each run would pay ~30% in
// page faults that a process keeping its memory (wasm's linear memory, mimalloc) does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use nagar_core::analysis::{explain, improve, ImproveOptions, WhatIf};
use nagar_core::matrix::Matrix;
use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::{Cell, Framework, RawTable};

const N: usize = 5_000;
const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

/// index ← 5 verticals ← 20 sectors (rescaled 0–100) ← 100 indicators, MPI-like weights.
fn synthetic_framework() -> Framework {
    let mut src = String::from(
        "id = \"bench\"\nname = \"bench\"\n[columns]\nid = \"id\"\n[[aggregates]]\nid = \"index\"\nname = \"Index\"\n",
    );
    let vw = [0.30, 0.20, 0.15, 0.15, 0.20];
    for (v, w) in vw.iter().enumerate() {
        src += &format!("[[aggregates]]\nid = \"v{v}\"\nname = \"v{v}\"\nparent = \"index\"\nweight = {w}\n");
    }
    for s in 0..20 {
        src +=
            &format!("[[aggregates]]\nid = \"s{s}\"\nname = \"s{s}\"\nparent = \"v{}\"\nrescale = [0, 100]\n", s % 5);
    }
    for i in 0..100 {
        let dir = if i % 7 == 3 { -1 } else { 1 };
        src +=
            &format!("[[indicators]]\nid = \"x{i}\"\nname = \"x{i}\"\nparent = \"s{}\"\ndirection = {dir}\n", i % 20);
    }
    toml::from_str(&src).expect("bench framework parses")
}

fn synthetic_table(n: usize) -> RawTable {
    let mut cols = vec!["id".to_string()];
    cols.extend((0..100).map(|i| format!("x{i}")));
    let mut t = RawTable::new("bench.csv", cols);
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    for u in 0..n {
        let mut row = Vec::with_capacity(101);
        row.push(Cell::Text(format!("u{u}")));
        for _ in 0..100 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let x = (s >> 11) as f64 / (1u64 << 53) as f64;
            row.push(if x < 0.03 { Cell::Empty } else { Cell::Number((x * 1000.0).round() / 10.0) });
        }
        t.push_row(row, u + 2);
    }
    t
}

fn mpi() -> (Framework, RawTable) {
    let f: Framework = toml::from_str(MPI_TOML).expect("mpi-2019.toml parses");
    let t = nagar_core::demo::demo_table(&f, &nagar_core::demo::census_cities(), N, 2019);
    (f, t)
}

fn benches(c: &mut Criterion) {
    let w0 = WeightOverrides::new();

    // Full pipeline.
    let sf = synthetic_framework();
    let st = synthetic_table(N);
    let settings = sf.settings.clone();
    c.bench_function("pipeline: score 5000 units x 100 indicators (synthetic, read as given)", |b| {
        b.iter(|| score(black_box(&sf), black_box(&st), &settings, &w0).unwrap())
    });
    let (mf, mt) = mpi();
    let ms = mf.settings.clone();
    c.bench_function("pipeline: score 5000 ULBs with MPI 2019 (demo data, 100 derived indicators)", |b| {
        b.iter(|| score(black_box(&mf), black_box(&mt), &ms, &w0).unwrap())
    });

    // Re-aggregation with new weights over cached normalised values.
    let scored = score(&mf, &mt, &ms, &w0).unwrap();
    let n_agg = scored.aggregate_ids.len();
    let mut raw = Matrix::new(N, n_agg);
    let mut out = Matrix::new(N, n_agg);
    let names = nagar_core::aggregate::Names {
        indicators: &scored.indicator_ids,
        aggregates: &scored.aggregate_ids,
        units: &scored.units.ids,
    };
    let mut k = 0usize;
    c.bench_function("reaggregate: Plan::run with new vertical weights, 5000 ULBs (MPI)", |b| {
        b.iter(|| {
            let mut plan = scored.plan.clone();
            k += 1;
            for (a, w) in plan.aggregate_weights.iter_mut().enumerate() {
                *w = 1.0 + ((a + k) % 5) as f64 * 0.1;
            }
            plan.run(black_box(&scored.normalised), &scored.groups, &names, &mut raw, &mut out).unwrap();
            black_box(out.col(plan.root)[0])
        })
    });

    let mut k2 = 0usize;
    c.bench_function("reaggregate: analysis::reaggregate with new vertical weights, 5000 ULBs (MPI)", |b| {
        b.iter(|| {
            let mut plan = scored.plan.clone();
            k2 += 1;
            for (a, w) in plan.aggregate_weights.iter_mut().enumerate() {
                *w = 1.0 + ((a + k2) % 5) as f64 * 0.1;
            }
            nagar_core::analysis::reaggregate(black_box(&scored), &plan, &mut raw, &mut out).unwrap();
            black_box(out.col(plan.root)[0])
        })
    });

    let mut k3 = 0usize;
    c.bench_function("reaggregate: analysis::reaggregate_changed, new vertical weights only, 5000 ULBs (MPI)", |b| {
        b.iter(|| {
            let mut plan = scored.plan.clone();
            k3 += 1;
            for (a, w) in plan.aggregate_weights.iter_mut().enumerate() {
                if scored.plan.nodes.iter().any(|n| {
                    n.aggregate == scored.plan.root && n.children.contains(&nagar_core::aggregate::Child::Aggregate(a))
                }) {
                    *w = 1.0 + ((a + k3) % 5) as f64 * 0.1;
                }
            }
            nagar_core::analysis::reaggregate_changed(black_box(&scored), &plan, &mut raw, &mut out).unwrap();
            black_box(out.col(plan.root)[0])
        })
    });

    // What-if on one unit.
    let id = scored.units.ids[17].clone();
    let mut wi = WhatIf::from_scored(&mf, mt.clone(), scored.clone(), &w0, &id).unwrap();
    for (field, a, b2) in [
        ("households_piped", "12000", "30000"),
        ("total_budget", "1,00,00,000", "3,00,00,000"),
        ("services_online_pct", "10%", "95%"),
    ] {
        let mut flip = false;
        c.bench_function(&format!("what-if: change {field} of one ULB among 5000 (MPI)"), |b| {
            b.iter(|| {
                flip = !flip;
                wi.set_input_text(field, if flip { a } else { b2 }).unwrap()
            })
        });
    }

    c.bench_function("explain: one ULB among 5000 (MPI)", |b| {
        b.iter(|| explain(&mf, black_box(&scored), &id).unwrap())
    });
    let mut g = c.benchmark_group("slow");
    g.sample_size(10);
    g.bench_function("improve: one ULB among 5000, 100 indicators x (p75, best) (MPI)", |b| {
        b.iter(|| improve(&mf, black_box(&scored), &id, &ImproveOptions::default()).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(engine);
