//! Timing of the robustness workloads of docs/BENCHMARKS.md, phase by phase: CPU time of the
//! calling thread (`/proc/thread-self/schedstat`, Linux), which a busy machine inflates far less
//! than wall time, and wall time.
//!
//! Cases (first argument; default `ua`):
//! * `ua`   — MPI 2019 on 5,000 demo ULBs (seed 2019), uncertainty analysis: weights of sectors
//!   and verticals (levels 2 and 3) ±25% and the three missing-data policies, 1,000 replications,
//!   then every unit's rank and score statistics;
//! * `sa`   — the same data, sensitivity analysis with d = 4 inputs (sector weights ±25%,
//!   vertical weights ±25%, normalisation z-score | min-max 0–100, the three missing-data
//!   policies), N = 250: 1,500 runs, Si/STi (no bootstrap) and the rank statistics;
//! * `asem` — COINr's ASEM sensitivity analysis replayed from its `design.csv` (200 runs,
//!   51 units), Si/STi and the rank statistics (needs `../shared` beside the repository).
//!
//! Then the number of rounds (default 5) and of threads (default 1; `0` = all cores). With one
//! thread the CPU time of the thread is the whole cost of the analysis.
//!
//! Run: `cargo run --release -p nagar-core --example ua_timing -- ua 5 1`

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use nagar_core::pipeline::{score, WeightOverrides};
use nagar_core::robustness::spec::WeightsSpec;
use nagar_core::robustness::{Design, Engine, Kind, Spec};
use nagar_core::{Aggregation, Framework, Normalisation};

/// CPU time of this thread, in seconds.
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux schedstat");
    s.split_whitespace().next().and_then(|x| x.parse::<f64>().ok()).expect("ns") / 1e9
}

#[path = "../tests/common/asem.rs"]
mod asem;
use asem::{asem_framework, csv_table};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let case = args.first().map_or("ua", String::as_str);
    let rounds: usize = args.get(1).map_or(5, |s| s.parse().expect("rounds"));
    let threads: usize = args.get(2).map_or(1, |s| s.parse().expect("threads"));
    let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, |k| k.get()) } else { threads };
    let w0 = WeightOverrides::new();

    let (fw, table, settings) = if case == "asem" {
        let fw = asem_framework();
        let table = csv_table("data/coinr-asem/ASEM_iData.csv");
        let mut s = fw.settings.clone();
        s.normalise = Normalisation::Minmax { lo: 1.0, hi: 100.0 };
        s.aggregate = Aggregation::Amean;
        (fw, table, s)
    } else {
        let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).unwrap();
        let table = nagar_core::demo::demo_table(&fw, &nagar_core::demo::census_cities(), 5_000, 2019);
        let s = fw.settings.clone();
        (fw, table, s)
    };
    let nominal = score(&fw, &table, &settings, &w0).unwrap();
    let weights = |levels: Vec<usize>, name: Option<&str>| WeightsSpec {
        name: name.map(str::to_string),
        levels,
        ids: vec![],
        noise: 0.25,
    };
    let spec = match case {
        "ua" => Spec {
            kind: Kind::Ua,
            n: 1000,
            seed: 1,
            weights: vec![weights(vec![2, 3], None)],
            missing: vec!["reweight".into(), "mean".into(), "worst".into()],
            ..Spec::default()
        },
        "sa" => Spec {
            kind: Kind::Sa,
            n: 250,
            seed: 1,
            weights: vec![weights(vec![2], Some("SectorWeights")), weights(vec![3], Some("VerticalWeights"))],
            normalise: vec!["zscore".into(), "minmax:0,100".into()],
            missing: vec!["reweight".into(), "mean".into(), "worst".into()],
            ..Spec::default()
        },
        "asem" => Spec::default(),
        other => panic!("unknown case {other:?}: ua, sa or asem"),
    };
    let inputs = if case == "asem" { Vec::new() } else { spec.resolve(&fw).unwrap() };
    let weight = |id: &str| {
        fw.aggregates.iter().position(|a| a.id == id).map(|k| nominal.plan.aggregate_weights[k]).unwrap_or(f64::NAN)
    };
    let replay = (case == "asem")
        .then(|| Design::from_table(&csv_table("data/coinr-asem/robustness/sa/design.csv"), &fw).unwrap());
    for round in 0..rounds {
        let (t0, w0_) = (cpu(), Instant::now());
        let design = match &replay {
            Some(d) => d.clone(),
            None => Design::sample(spec.kind, spec.n, spec.seed, &inputs, &weight).unwrap(),
        };
        let t1 = cpu();
        let res = Engine::new(&fw, &table, &nominal, &w0).threads(threads).run(&design).unwrap();
        let t2 = cpu();
        let stats = res.unit_stats_threads(20, threads);
        let sens = res.sensitivity(None, 0, 1);
        let (t3, wall) = (cpu(), w0_.elapsed().as_secs_f64());
        std::hint::black_box((&stats, &sens));
        println!(
            "{case} round {round}: {} runs; CPU of this thread: design {:.1} ms, replications {:.1} ms, statistics {:.1} ms, total {:.1} ms; wall {:.1} ms on {threads} thread(s)",
            design.rows.len(),
            (t1 - t0) * 1e3,
            (t2 - t1) * 1e3,
            (t3 - t2) * 1e3,
            (t3 - t0) * 1e3,
            wall * 1e3
        );
    }
}
