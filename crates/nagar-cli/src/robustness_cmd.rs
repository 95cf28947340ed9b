//! `nagar robustness`: Monte Carlo uncertainty analysis (`--type ua`), variance-based
//! sensitivity analysis (`--type sa`, Saltelli design), or the replay of a `design.csv`
//! (`--design`), over the nominal run that the pipeline flags of `nagar score` set. Writes
//! `design.csv`, `scores.csv`, `ranks.csv`, `rankstats.csv` and, for `sa`, `sensitivity.csv`
//! into the `--out` directory. The same functions as the page (`nagar_core::robustness`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use nagar_core::output::Sheet;
use nagar_core::pipeline;
use nagar_core::robustness::spec::{ExcludeSpec, WeightsSpec};
use nagar_core::robustness::{Design, Engine, Kind, Spec};

use crate::{commands, effective_settings, load_framework, read_data_file, Fatal, ScoreArgs};

pub const EXAMPLES: &str = "Examples:
  # MPI: weights of verticals and sectors ±25%, the three missing-data policies, 1,000 replications
  nagar robustness --framework mpi-2019 --data cities.csv --n 1000 --seed 1 \\
    --vary-weights 2,3:0.25 --vary-missing reweight --vary-missing mean --vary-missing worst --out ua/
  # Sensitivity analysis (N(d+2) runs) with bootstrap intervals, from a specification file
  nagar robustness --framework mpi-2019 --data cities.csv --type sa --spec robustness.toml --nboot 500 --out sa/
  # Replay COINr's design of the ASEM analysis
  nagar robustness --framework ASEM_iMeta.csv --data ASEM_iData.csv --normalise minmax:1,100 \\
    --aggregate amean --design design.csv --out replay/

--out is a directory here. Levels are numbered as COINr's: 1 = indicators, 2 = their parents, ...";

#[derive(Args, Clone)]
pub struct RobustnessArgs {
    /// The nominal run: framework, data and pipeline flags as for `nagar score`.
    #[command(flatten)]
    pub common: ScoreArgs,
    /// ua (uncertainty analysis: N replications) or sa (sensitivity analysis: N(d+2) replications).
    #[arg(long = "type")]
    pub kind: Option<String>,
    /// Replications (ua) or base sample size (sa); at least 3. Default 100.
    #[arg(long)]
    pub n: Option<usize>,
    /// Seed of the random numbers (ChaCha8); the same seed gives the same results. Default 1.
    #[arg(long)]
    pub seed: Option<u64>,
    /// A .toml/.json file with a [robustness] table (its own file or the framework's).
    #[arg(long)]
    pub spec: Option<PathBuf>,
    /// Replay this design.csv (rep, block, normalise, aggregate, ..., weight:<id>) instead of sampling.
    #[arg(long)]
    pub design: Option<PathBuf>,
    /// Bootstrap resamples for the sensitivity indices' 5–95% intervals (sa). Default 0.
    #[arg(long)]
    pub nboot: Option<usize>,
    /// N of the top-N / bottom-N probabilities. Default 20.
    #[arg(long)]
    pub top_n: Option<usize>,
    /// Sensitivity output: this unit's rank (default: mean |rank − nominal rank| over units).
    #[arg(long)]
    pub unit: Option<String>,
    /// Weights noise: LEVELS:F or IDS:F, e.g. 2,3:0.25 (levels 2 and 3 ±25%) or services,water:0.1 (repeatable; each is one input).
    #[arg(long = "vary-weights", value_name = "LEVELS:F")]
    pub vary_weights: Vec<String>,
    /// An alternative normalisation (repeat for each), e.g. --vary-normalise zscore --vary-normalise minmax:0,100.
    #[arg(long = "vary-normalise", value_name = "METHOD")]
    pub vary_normalise: Vec<String>,
    /// An alternative aggregation (repeatable): amean, gmean, hmean.
    #[arg(long = "vary-aggregate", value_name = "METHOD")]
    pub vary_aggregate: Vec<String>,
    /// An alternative missing-data policy (repeatable): reweight, mean, worst.
    #[arg(long = "vary-missing", value_name = "POLICY")]
    pub vary_missing: Vec<String>,
    /// An alternative imputation (repeatable): none, mean, median, mean-group:COL, median-group:COL.
    #[arg(long = "vary-impute", value_name = "METHOD")]
    pub vary_impute: Vec<String>,
    /// Leave out one element of this level in each replication (1 = indicators).
    #[arg(long = "exclude-level", value_name = "LEVEL")]
    pub exclude_level: Option<usize>,
}

/// The specification: the file's `[robustness]` table, then the flags.
fn spec_of(a: &RobustnessArgs) -> Result<Spec, Fatal> {
    let mut spec = match &a.spec {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| Fatal(format!("{}: cannot read: {e}", p.display())))?;
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            nagar_io::load_robustness_spec(&bytes, &name)
                .map_err(|errs| Fatal(errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))?
        }
        None => Spec::default(),
    };
    if let Some(k) = &a.kind {
        spec.kind = Kind::parse(k).map_err(Fatal)?;
    }
    if let Some(n) = a.n {
        spec.n = n;
    }
    if let Some(s) = a.seed {
        spec.seed = s;
    }
    if let Some(b) = a.nboot {
        spec.nboot = b;
    }
    if let Some(t) = a.top_n {
        spec.top_n = t;
    }
    if a.unit.is_some() {
        spec.unit = a.unit.clone();
    }
    if !a.vary_weights.is_empty() {
        spec.weights = a.vary_weights.iter().map(|w| weights_flag(w)).collect::<Result<_, _>>()?;
    }
    for (flag, list) in [
        (&a.vary_normalise, &mut spec.normalise),
        (&a.vary_aggregate, &mut spec.aggregate),
        (&a.vary_missing, &mut spec.missing),
        (&a.vary_impute, &mut spec.impute),
    ] {
        if !flag.is_empty() {
            list.clone_from(flag);
        }
    }
    if let Some(l) = a.exclude_level {
        spec.exclude = Some(ExcludeSpec { level: Some(l), ..Default::default() });
    }
    Ok(spec)
}

/// `2,3:0.25` → levels 2 and 3, noise 0.25; `services,water:0.1` → those ids.
fn weights_flag(s: &str) -> Result<WeightsSpec, Fatal> {
    let (what, f) = s
        .rsplit_once(':')
        .ok_or_else(|| Fatal(format!("--vary-weights {s:?}: expected LEVELS:F or IDS:F, e.g. 2,3:0.25")))?;
    let noise: f64 =
        f.trim().parse().map_err(|_| Fatal(format!("--vary-weights {s:?}: noise {f:?} is not a number")))?;
    let mut w = WeightsSpec { name: None, levels: vec![], ids: vec![], noise };
    for item in what.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        match item.parse::<usize>() {
            Ok(l) => w.levels.push(l),
            Err(_) => w.ids.push(item.to_string()),
        }
    }
    Ok(w)
}

fn write(dir: &Path, name: &str, sheet: &Sheet) -> Result<(), Fatal> {
    crate::write_bytes(&dir.join(name), nagar_io::write_csv(sheet))
}

/// `scores.csv` or `ranks.csv` (`Results::scores_sheets`) streamed: a row at a time into a
/// reused buffer, handed to the file every megabyte or so, so the table never exists whole as
/// cells or as text.
fn write_replications(dir: &Path, name: &str, res: &nagar_core::robustness::Results, ranks: bool) -> Result<(), Fatal> {
    use nagar_core::output::OutCell;
    use std::io::Write;
    let p = dir.join(name);
    let n = res.n_units();
    let reps = res.design.rows.len();
    let mut columns = vec![res.id_header.clone(), "Nominal".to_string()];
    columns.extend((1..=reps).map(|r| format!("r_{r}")));
    crate::write_output(&p, |file| {
        let mut w = nagar_io::CsvWriter::default();
        w.header(&columns);
        let rank_cell = |k: u32| if k == 0 { OutCell::Empty } else { OutCell::Number(f64::from(k)) };
        let mut row = Vec::with_capacity(reps + 2);
        for u in 0..n {
            row.clear();
            row.push(OutCell::text(&res.unit_ids[u]));
            if ranks {
                row.push(rank_cell(res.nominal_rank[u].unwrap_or(0)));
                row.extend((0..reps).map(|r| rank_cell(res.ranks[r * n + u])));
            } else {
                row.push(OutCell::num(res.nominal_score[u]));
                row.extend((0..reps).map(|r| OutCell::num(res.scores[r * n + u])));
            }
            w.row(&row);
            if w.as_str().len() >= 1 << 20 {
                file.write_all(w.as_str().as_bytes())?;
                w.clear();
            }
        }
        file.write_all(w.as_str().as_bytes())
    })
    .map_err(crate::cannot_write(&p))
}

pub fn robustness(a: &RobustnessArgs) -> Result<ExitCode, Fatal> {
    let out = a.common.out.clone().ok_or_else(|| Fatal("--out DIR is required: the directory for design.csv, scores.csv, ranks.csv, rankstats.csv (and sensitivity.csv)".into()))?;
    let spec = spec_of(a)?;
    let lf = load_framework(&a.common.framework)?;
    let fw = &lf.framework;
    let (settings, weights) = effective_settings(fw, &a.common)?;
    let read = read_data_file(&a.common)?;
    let t0 = Instant::now();
    let mut nominal = pipeline::score(fw, &read.table, &settings, &weights)?;
    let mut issues = read.issues;
    issues.append(&mut nominal.issues);
    commands::print_issues_stderr(&issues, a.common.issues.is_some());
    crate::write_issues(a.common.issues.as_deref(), &issues)?;
    let design = match &a.design {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| Fatal(format!("{}: cannot read: {e}", p.display())))?;
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let t = nagar_io::read_data(&bytes, &name, &nagar_io::ReadOptions::default())
                .map_err(|e| Fatal(e.to_string()))?
                .table;
            let d = Design::from_table(&t, fw)?;
            if a.kind.as_deref().is_some_and(|k| Kind::parse(k).ok() != Some(d.kind)) || a.n.is_some_and(|n| n != d.n) {
                eprintln!(
                    "note: --type and --n are taken from the design when one is replayed ({}, N = {})",
                    if d.kind == Kind::Sa { "sa" } else { "ua" },
                    d.n
                );
            }
            d
        }
        None => {
            spec.check_numbers()?;
            let inputs = spec.resolve(fw)?;
            let nominal_weight = |id: &str| {
                fw.aggregates
                    .iter()
                    .position(|x| x.id == id)
                    .map(|k| nominal.plan.aggregate_weights[k])
                    .or_else(|| {
                        fw.indicators.iter().position(|i| i.id == id).map(|j| nominal.plan.indicator_weights[j])
                    })
                    .unwrap_or(f64::NAN)
            };
            Design::sample(spec.kind, spec.n, spec.seed, &inputs, &nominal_weight)?
        }
    };
    let unit = match &spec.unit {
        Some(id) => Some(
            nominal
                .unit_index(id)
                .ok_or_else(|| Fatal(format!("--unit {id:?} is not in {}", a.common.data.display())))?,
        ),
        None => None,
    };
    let t1 = Instant::now();
    let res = Engine::new(fw, &read.table, &nominal, &weights).run(&design)?;
    let sens = res.sensitivity(unit, spec.nboot, spec.seed);
    let t_run = t1.elapsed();

    std::fs::create_dir_all(&out).map_err(|e| Fatal(format!("{}: cannot create the directory: {e}", out.display())))?;
    // The two large files (every replication of every unit) streamed, each on its own thread,
    // beside the statistics of rankstats.csv (the same bytes as writing the sheets whole).
    let (scores_written, ranks_written, rankstats) = std::thread::scope(|scope| {
        let scores = scope.spawn(|| write_replications(&out, "scores.csv", &res, false));
        let ranks = scope.spawn(|| write_replications(&out, "ranks.csv", &res, true));
        let rankstats = res.rankstats_sheet(spec.top_n);
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<(), Fatal>>| {
            h.join().unwrap_or_else(|_| Err(Fatal("writing a file failed".into())))
        };
        (join(scores), join(ranks), rankstats)
    });
    scores_written?;
    ranks_written?;
    write(&out, "design.csv", &design.sheet())?;
    write(&out, "rankstats.csv", &rankstats)?;
    if let Some(s) = &sens {
        write(&out, "sensitivity.csv", &res.sensitivity_sheet(s))?;
    }
    // Failed replications, grouped by reason.
    let mut reasons: Vec<(String, Vec<usize>)> = Vec::new();
    for f in &res.failures {
        match reasons.iter_mut().find(|(m, _)| *m == f.message) {
            Some((_, reps)) => reps.push(f.rep),
            None => reasons.push((f.message.clone(), vec![f.rep])),
        }
    }
    if !reasons.is_empty() {
        eprintln!(
            "{} of {} replications failed; their scores and ranks are missing and left out of the statistics:",
            res.failures.len(),
            design.rows.len()
        );
        for (m, reps) in &reasons {
            let shown: Vec<String> = reps.iter().take(10).map(|r| r.to_string()).collect();
            let more = if reps.len() > 10 { format!(", … ({} in all)", reps.len()) } else { String::new() };
            eprintln!("  rep {}{more}: {m}", shown.join(", "));
        }
        if sens.is_some() {
            eprintln!("  sensitivity indices need every run: they are missing (NaN) while any run fails");
        }
    }
    let kind = match design.kind {
        Kind::Ua => "uncertainty analysis",
        Kind::Sa => "sensitivity analysis",
    };
    eprintln!(
        "{kind}: {} replications of {} units (N = {}; inputs: {}) in {:.3} s ({:.3} s with the nominal run) → {}",
        design.rows.len(),
        res.n_units(),
        design.n,
        if design.inputs.is_empty() { "as in the design".to_string() } else { design.inputs.join(", ") },
        t_run.as_secs_f64(),
        t0.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
