//! CPU time of the MPI uncertainty analysis of docs/BENCHMARKS.md, phase by phase, from the
//! thread's own CPU clock (`/proc/thread-self/schedstat`, Linux), so a busy machine does not
//! inflate it the way wall time is: 5,000 demo ULBs, weights of sectors and verticals ±25%, the
//! three missing-data policies, 1,000 replications, on one thread.
//!
//! Run: `cargo run --release -p nagar-core --example ua_timing`

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::robustness::spec::WeightsSpec;
use nagar_core::robustness::{Design, Engine, Kind, Spec};
use nagar_core::Framework;

/// CPU time of this thread, in seconds.
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()).expect("ns") / 1e9
}

fn main() {
    let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).unwrap();
    let table = nagar_core::demo::demo_table(&fw, &nagar_core::demo::census_cities(), 5_000, 2019);
    let w0 = WeightOverrides::new();
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
    for round in 0..5 {
        let t0 = cpu();
        let design = Design::sample(Kind::Ua, spec.n, spec.seed, &inputs, &weight).unwrap();
        let t1 = cpu();
        let res = Engine::new(&fw, &table, &nominal, &w0).threads(1).run(&design).unwrap();
        let t2 = cpu();
        let stats = res.unit_stats_threads(20, 1);
        let t3 = cpu();
        std::hint::black_box(&stats);
        println!(
            "round {round}: design {:.1} ms, replications {:.1} ms, statistics {:.1} ms, total {:.1} ms (CPU, one thread)",
            (t1 - t0) * 1e3,
            (t2 - t1) * 1e3,
            (t3 - t2) * 1e3,
            (t3 - t0) * 1e3
        );
    }
}
