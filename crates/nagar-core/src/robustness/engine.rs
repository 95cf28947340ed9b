//! Running the replications of a [`Design`] over a nominal scoring run, each from the first
//! pipeline stage its parameters touch, and the results' statistics.
//!
//! Caches: the processed and normalised stages per (imputation, normalisation, missing-data
//! policy) ([`crate::pipeline::restage`]), and on top of each the aggregates with the nominal
//! weights per aggregation method. A replication re-evaluates only the plan nodes whose
//! children's weights differ from the nominal ones (and their ancestors), into buffers reused
//! from one replication to the next; the replications are run grouped by cache entry (the
//! results do not depend on the order: each replication is computed from its cache entry alone).

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::design::{Block, Design, Params};
use super::spec::Kind;
use super::stats::{sa_estimate, summary_of_keys, summary_of_ranks, total_order_key, Sensitivity, Summary};
use super::RobustnessError;
use crate::aggregate::{Child, Names, Plan, Scratch};
use crate::framework::Framework;
use crate::groups::Groups;
use crate::matrix::Matrix;
use crate::output::{OutCell, Sheet};
use crate::pipeline::{self, Scored, WeightOverrides};
use crate::settings::{Aggregation, Imputation, MissingPolicy, Normalisation, Settings};
use crate::table::RawTable;

/// Most threads [`Engine::run`] uses.
pub const MAX_THREADS: usize = 8;

/// Most replication × unit results held at once (12 bytes each: score and rank).
pub const MAX_VALUES: usize = 200_000_000;

/// A replication whose scores could not be computed (all its scores and ranks are missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// 1-based, as the design's `rep`.
    pub rep: usize,
    pub message: String,
}

/// Normalised stage under one (imputation, normalisation, missing policy).
struct NormEntry {
    key: (Imputation, Normalisation, MissingPolicy),
    data: Result<(Groups, Vec<bool>, Matrix), String>,
}

/// Aggregates with the nominal weights on a [`NormEntry`], for one aggregation method.
struct AggEntry {
    norm: usize,
    aggregate: Aggregation,
    plan: Plan,
    out: Matrix,
    /// The nominal-weight aggregation failed (e.g. geometric mean of a zero): every node is
    /// evaluated per replication.
    failed: bool,
}

/// The analysis engine over one nominal run.
pub struct Engine<'a> {
    fw: &'a Framework,
    table: &'a RawTable,
    nominal: &'a Scored,
    weights: WeightOverrides,
    norms: Vec<NormEntry>,
    aggs: Vec<AggEntry>,
    threads: usize,
}

/// Every replication's index and rank of every unit, and what failed.
#[derive(Debug, Clone)]
pub struct Results {
    pub design: Design,
    pub id_header: String,
    pub unit_ids: Vec<String>,
    pub nominal_score: Vec<f64>,
    pub nominal_rank: Vec<Option<u32>>,
    /// Replication-major: `scores[r * n_units + u]`; NaN = missing.
    pub scores: Vec<f64>,
    /// Same layout; 0 = no rank.
    pub ranks: Vec<u32>,
    /// Ranked units of each comparison group per replication: `group_sizes[r * n_groups + g]`.
    pub group_sizes: Vec<u32>,
    pub group_of_unit: Vec<Option<usize>>,
    pub n_groups: usize,
    pub failures: Vec<Failure>,
}

/// Per-unit statistics over the replications ([`Design::stats_rows`]).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitStats {
    pub rank: Summary,
    pub score: Summary,
    /// Share of the (non-failed) replications in which the unit ranks in the top N / bottom N.
    pub p_top: f64,
    pub p_bottom: f64,
}

/// The stages an [`Engine`] computed (the normalised stage of each alternative met, the
/// aggregates with the nominal weights on each), kept so that a later engine over the **same**
/// framework, data, nominal run and weights starts without recomputing them
/// ([`Engine::into_cache`], [`Engine::with_cache`]). Results are the same with or without it.
#[derive(Default)]
pub struct EngineCache {
    norms: Vec<NormEntry>,
    aggs: Vec<AggEntry>,
}

impl<'a> Engine<'a> {
    /// The stages computed so far, for [`Engine::with_cache`].
    pub fn into_cache(self) -> EngineCache {
        EngineCache { norms: self.norms, aggs: self.aggs }
    }

    /// Starts from the stages of an engine over the same framework, data, nominal run and
    /// weights (the caller's promise; the page's workspace drops its cache whenever it scores
    /// again or loads other data).
    pub fn with_cache(mut self, cache: EngineCache) -> Self {
        self.norms = cache.norms;
        self.aggs = cache.aggs;
        self
    }

    /// `nominal` must be `pipeline::score(fw, table, &nominal.settings, weights)`.
    pub fn new(fw: &'a Framework, table: &'a RawTable, nominal: &'a Scored, weights: &WeightOverrides) -> Self {
        let threads = if cfg!(target_arch = "wasm32") {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |k| k.get()).min(MAX_THREADS)
        };
        Engine { fw, table, nominal, weights: weights.clone(), norms: Vec::new(), aggs: Vec::new(), threads }
    }

    /// Threads for the replications (native; the browser build always uses one). Default: the
    /// machine's cores, at most [`MAX_THREADS`]. Results are the same for any number.
    pub fn threads(mut self, k: usize) -> Self {
        self.threads = if cfg!(target_arch = "wasm32") { 1 } else { k.clamp(1, MAX_THREADS) };
        self
    }

    fn settings_for(&self, p: &Params) -> Settings {
        let mut s = self.nominal.settings.clone();
        if let Some(n) = &p.normalise {
            s.normalise = n.clone();
        }
        if let Some(a) = p.aggregate {
            s.aggregate = a;
        }
        if let Some(m) = p.missing {
            s.missing = m;
        }
        if let Some(i) = &p.impute {
            s.impute = i.clone();
        }
        s
    }

    /// The cache entry (built on first use) of a replication's settings.
    fn agg_entry(&mut self, s: &Settings) -> usize {
        let key = (s.impute.clone(), s.normalise.clone(), s.missing);
        let norm = match self.norms.iter().position(|e| e.key == key) {
            Some(k) => k,
            None => {
                let data = if self.nominal.settings.impute == s.impute
                    && self.nominal.settings.normalise == s.normalise
                    && self.nominal.settings.missing == s.missing
                {
                    Ok((self.nominal.groups.clone(), self.nominal.screened.clone(), self.nominal.normalised.clone()))
                } else {
                    pipeline::restage(self.fw, self.table, self.nominal, s, &mut Vec::new())
                        .map(|(p, n)| (p.groups, p.screened, n.normalised))
                        .map_err(|e| e.to_string())
                };
                self.norms.push(NormEntry { key, data });
                self.norms.len() - 1
            }
        };
        if let Some(k) = self.aggs.iter().position(|e| e.norm == norm && e.aggregate == s.aggregate) {
            return k;
        }
        let plan = pipeline::plan_with_weights(self.fw, s, &self.weights);
        let n = self.nominal.units.len();
        let n_agg = self.fw.aggregates.len();
        let (mut raw, mut out) = (Matrix::new(n, n_agg), Matrix::new(n, n_agg));
        let failed = match &self.norms[norm].data {
            Ok((groups, _, normalised)) => {
                let names = self.names();
                plan.run(normalised, groups, &names, &mut raw, &mut out).is_err()
            }
            Err(_) => true,
        };
        self.aggs.push(AggEntry { norm, aggregate: s.aggregate, plan, out, failed });
        self.aggs.len() - 1
    }

    fn names(&self) -> Names<'_> {
        Names {
            indicators: &self.nominal.indicator_ids,
            aggregates: &self.nominal.aggregate_ids,
            units: &self.nominal.units.ids,
        }
    }

    /// Run every replication of `design`.
    pub fn run(&mut self, design: &Design) -> Result<Results, RobustnessError> {
        let fw = self.fw;
        let nominal = self.nominal;
        let n = nominal.units.len();
        let n_reps = design.rows.len();
        let n_groups = nominal.groups.len();
        check_size(n_reps, n)?;
        // Weight targets of the design's weight columns and of exclusions.
        let weight_targets = weight_targets(fw, design)?;
        // Cache entry of every replication; then run them grouped by entry.
        let mut entry_of = Vec::with_capacity(n_reps);
        for (_, p) in &design.rows {
            let s = self.settings_for(p);
            entry_of.push(self.agg_entry(&s));
        }

        let mut res = Results {
            design: design.clone(),
            id_header: nominal.units.id_header.clone(),
            unit_ids: nominal.units.ids.clone(),
            nominal_score: nominal.index().to_vec(),
            nominal_rank: nominal.rank.clone(),
            // Zeroed memory costs no pass of its own (fresh pages); every replication writes its
            // row, a failed one NaN.
            scores: vec![0.0; n * n_reps],
            ranks: vec![0; n * n_reps],
            group_sizes: vec![0; n_groups * n_reps],
            group_of_unit: nominal.groups.of_unit.clone(),
            n_groups,
            failures: Vec::new(),
        };
        // Contiguous ranges of replications, one per thread; each computes its replications from
        // the shared caches alone, so the split changes no result (tested: 1 and 2 threads).
        let threads = self.threads.clamp(1, n_reps.max(1));
        let per = n_reps.div_ceil(threads).max(1);
        let ctx = Ctx { engine: self, design, weight_targets: &weight_targets, entry_of: &entry_of };
        let chunks = res
            .scores
            .chunks_mut(per * n.max(1))
            .zip(res.ranks.chunks_mut(per * n.max(1)))
            .zip(res.group_sizes.chunks_mut(per * n_groups.max(1)))
            .enumerate()
            .map(|(t, ((s, r), g))| (t * per, s, r, g));
        let mut failures = Vec::new();
        if threads == 1 || cfg!(target_arch = "wasm32") {
            for (first, s, r, g) in chunks {
                failures.extend(ctx.work(first, s, r, g));
            }
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = chunks
                    .map(|(first, s, r, g)| {
                        let ctx = &ctx;
                        scope.spawn(move || ctx.work(first, s, r, g))
                    })
                    .collect();
                for h in handles {
                    match h.join() {
                        Ok(f) => failures.extend(f),
                        Err(p) => std::panic::resume_unwind(p),
                    }
                }
            });
        }
        res.failures = failures;
        crate::sort::sort_by_key(&mut res.failures, |f| f.rep);
        Ok(res)
    }
}

impl Results {
    pub fn n_units(&self) -> usize {
        self.unit_ids.len()
    }

    fn failed(&self) -> Vec<bool> {
        let mut f = vec![false; self.design.rows.len()];
        for x in &self.failures {
            f[x.rep - 1] = true;
        }
        f
    }

    /// Rank and score statistics of every unit over the replications of [`Design::stats_rows`]
    /// (failed ones left out), and its top/bottom-N probabilities. Units are taken in blocks,
    /// each replication's row of the block copied out at once (the results are stored by
    /// replication), so the gathering reads memory in order.
    pub fn unit_stats(&self, top_n: usize) -> Vec<UnitStats> {
        let threads = if cfg!(target_arch = "wasm32") {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |k| k.get()).min(MAX_THREADS)
        };
        self.unit_stats_threads(top_n, threads)
    }

    /// [`Results::unit_stats`] on `threads` threads (units split in contiguous ranges; the same
    /// numbers for any count).
    pub fn unit_stats_threads(&self, top_n: usize, threads: usize) -> Vec<UnitStats> {
        let n = self.n_units();
        let threads = if cfg!(target_arch = "wasm32") { 1 } else { threads.clamp(1, MAX_THREADS) };
        if threads == 1 || n < 2 {
            return self.unit_stats_range(top_n, 0, n);
        }
        let per = n.div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .step_by(per)
                .map(|u0| scope.spawn(move || self.unit_stats_range(top_n, u0, (u0 + per).min(n))))
                .collect();
            let mut out = Vec::with_capacity(n);
            for h in handles {
                match h.join() {
                    Ok(part) => out.extend(part),
                    Err(p) => std::panic::resume_unwind(p),
                }
            }
            out
        })
    }

    fn unit_stats_range(&self, top_n: usize, from: usize, to: usize) -> Vec<UnitStats> {
        // Units per block: the block's slice of one replication's row is one cache line of
        // ranks and two of scores, and the block's gathered values stay in the L2 cache.
        const BLOCK: usize = 16;
        let n = self.n_units();
        let reps = self.design.stats_rows();
        let failed = self.failed();
        let ok: Vec<usize> = (0..reps).filter(|&r| !failed[r]).collect();
        let denom = if ok.is_empty() { f64::NAN } else { ok.len() as f64 };
        let mut ranks = vec![0u32; BLOCK * ok.len()];
        let mut scores = vec![0f64; BLOCK * ok.len()];
        let (mut rank_buf, mut key_buf) = (Vec::with_capacity(ok.len()), Vec::with_capacity(ok.len()));
        let mut out = Vec::with_capacity(to - from);
        for u0 in (from..to).step_by(BLOCK) {
            let b = BLOCK.min(to - u0);
            for (i, &r) in ok.iter().enumerate() {
                for k in 0..b {
                    ranks[k * ok.len() + i] = self.ranks[r * n + u0 + k];
                    scores[k * ok.len() + i] = self.scores[r * n + u0 + k];
                }
            }
            for k in 0..b {
                let u = u0 + k;
                let my_ranks = &ranks[k * ok.len()..(k + 1) * ok.len()];
                let my_scores = &scores[k * ok.len()..(k + 1) * ok.len()];
                let group = self.group_of_unit[u];
                let size = |i: usize| group.map_or(0, |g| self.group_sizes[ok[i] * self.n_groups + g] as usize);
                out.push(unit_stat(my_ranks, my_scores, size, top_n, denom, &mut rank_buf, &mut key_buf));
            }
        }
        out
    }

    /// The output of each replication for the sensitivity analysis: the mean over units of
    /// |rank − nominal rank| (units with both ranks), or one unit's rank. NaN for a failed one.
    pub fn output(&self, unit: Option<usize>) -> Vec<f64> {
        let n = self.n_units();
        let failed = self.failed();
        (0..self.design.rows.len())
            .map(|r| {
                if failed[r] {
                    f64::NAN
                } else {
                    rep_output(&self.ranks[r * n..(r + 1) * n], &self.nominal_rank, unit)
                }
            })
            .collect()
    }

    /// Sensitivity indices of each input (SA designs only); bootstrap with `nboot` resamples from
    /// ChaCha8 seeded with `seed`, stream 1.
    pub fn sensitivity(&self, unit: Option<usize>, nboot: usize, seed: u64) -> Option<Vec<(String, Sensitivity)>> {
        if self.design.kind != Kind::Sa {
            return None;
        }
        Some(sensitivity_of(&self.design, &self.output(unit), nboot, seed))
    }

    /// `scores.csv` and `ranks.csv`: the id column, `Nominal`, then `r_1` … `r_R`.
    pub fn scores_sheets(&self) -> (Sheet, Sheet) {
        let n = self.n_units();
        let reps = self.design.rows.len();
        let mut columns = vec![self.id_header.clone(), "Nominal".to_string()];
        columns.extend((1..=reps).map(|r| format!("r_{r}")));
        let mut scores = Sheet { name: "scores".into(), columns: columns.clone(), rows: Vec::with_capacity(n) };
        let mut ranks = Sheet { name: "ranks".into(), columns, rows: Vec::with_capacity(n) };
        let rank_cell = |k: u32| if k == 0 { OutCell::Empty } else { OutCell::Number(f64::from(k)) };
        for u in 0..n {
            let mut s = vec![OutCell::text(&self.unit_ids[u]), OutCell::num(self.nominal_score[u])];
            s.extend((0..reps).map(|r| OutCell::num(self.scores[r * n + u])));
            scores.rows.push(s);
            let mut k = vec![OutCell::text(&self.unit_ids[u]), rank_cell(self.nominal_rank[u].unwrap_or(0))];
            k.extend((0..reps).map(|r| rank_cell(self.ranks[r * n + u])));
            ranks.rows.push(k);
        }
        (scores, ranks)
    }

    /// `rankstats.csv`: id, `Nominal`, `Mean`, `Median`, `Q5`, `Q95` of the ranks (COINr's
    /// columns), then the same of the index (`NominalScore`, `ScoreMean` …) and
    /// `P_top<N>`, `P_bottom<N>`.
    pub fn rankstats_sheet(&self, top_n: usize) -> Sheet {
        let columns: Vec<String> = [
            self.id_header.as_str(),
            "Nominal",
            "Mean",
            "Median",
            "Q5",
            "Q95",
            "NominalScore",
            "ScoreMean",
            "ScoreMedian",
            "ScoreQ5",
            "ScoreQ95",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("P_top{top_n}"), format!("P_bottom{top_n}")])
        .collect();
        let stats = self.unit_stats(top_n);
        let rows = stats
            .iter()
            .enumerate()
            .map(|(u, st)| {
                vec![
                    OutCell::text(&self.unit_ids[u]),
                    self.nominal_rank[u].map_or(OutCell::Empty, |k| OutCell::Number(f64::from(k))),
                    OutCell::num(st.rank.mean),
                    OutCell::num(st.rank.median),
                    OutCell::num(st.rank.q5),
                    OutCell::num(st.rank.q95),
                    OutCell::num(self.nominal_score[u]),
                    OutCell::num(st.score.mean),
                    OutCell::num(st.score.median),
                    OutCell::num(st.score.q5),
                    OutCell::num(st.score.q95),
                    OutCell::num(st.p_top),
                    OutCell::num(st.p_bottom),
                ]
            })
            .collect();
        Sheet { name: "rankstats".into(), columns, rows }
    }

    /// `sensitivity.csv`: `Variable`, `Si`, `STi`, and with a bootstrap `Si_q5`, `Si_q95`,
    /// `STi_q5`, `STi_q95` (COINr's names).
    pub fn sensitivity_sheet(&self, s: &[(String, Sensitivity)]) -> Sheet {
        let boot = s.iter().any(|(_, x)| x.boot.is_some());
        let mut columns: Vec<String> = ["Variable", "Si", "STi"].iter().map(|s| s.to_string()).collect();
        if boot {
            columns.extend(["Si_q5", "Si_q95", "STi_q5", "STi_q95"].iter().map(|s| s.to_string()));
        }
        let rows = s
            .iter()
            .map(|(name, x)| {
                let mut row = vec![OutCell::text(name), OutCell::num(x.si), OutCell::num(x.sti)];
                if let Some(b) = x.boot {
                    row.extend(b.iter().map(|&v| OutCell::num(v)));
                }
                row
            })
            .collect();
        Sheet { name: "sensitivity".into(), columns, rows }
    }
}

/// Sensitivity indices of each input of a sensitivity analysis's `design` from every
/// replication's output `y` ([`Results::output`]); bootstrap with `nboot` resamples from ChaCha8
/// seeded with `seed`, stream 1.
pub fn sensitivity_of(design: &Design, y: &[f64], nboot: usize, seed: u64) -> Vec<(String, Sensitivity)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let s = sa_estimate(y, design.n, design.inputs.len(), nboot, &mut rng);
    design.inputs.iter().cloned().zip(s).collect()
}

/// The sensitivity output of one (non-failed) replication from its ranks: the mean over units
/// of |rank − nominal rank| (units with both ranks), or unit `unit`'s rank (NaN when unranked).
pub(super) fn rep_output(ranks: &[u32], nominal_rank: &[Option<u32>], unit: Option<usize>) -> f64 {
    match unit {
        Some(u) => match ranks.get(u) {
            None | Some(0) => f64::NAN,
            Some(&k) => f64::from(k),
        },
        None => {
            let diffs: Vec<f64> = ranks
                .iter()
                .zip(nominal_rank)
                .filter_map(|(&k, nom)| match (k, nom) {
                    (0, _) | (_, None) => None,
                    (k, Some(m)) => Some((f64::from(k) - f64::from(*m)).abs()),
                })
                .collect();
            crate::methods::stats::mean(&diffs)
        }
    }
}

/// One unit's statistics from its ranks and scores over the non-failed replications of
/// [`Design::stats_rows`], in replication order (`size(i)`: the ranked units of its comparison
/// group in the `i`-th of them; `denom`: their count, NaN when none). Shared by
/// [`Results::unit_stats`] and [`unit_stats_of_columns`] so both give the same bits.
pub(super) fn unit_stat(
    my_ranks: &[u32],
    my_scores: &[f64],
    size: impl Fn(usize) -> usize,
    top_n: usize,
    denom: f64,
    rank_buf: &mut Vec<u32>,
    key_buf: &mut Vec<i64>,
) -> UnitStats {
    rank_buf.clear();
    rank_buf.extend(my_ranks.iter().copied().filter(|&x| x != 0));
    let rank = summary_of_ranks(rank_buf);
    // The mean over the replications in order, then the order statistics of the values'
    // total-order keys.
    let mean = crate::methods::stats::mean(my_scores);
    key_buf.clear();
    key_buf.extend(my_scores.iter().copied().filter(|x| x.is_finite()).map(total_order_key));
    let score = summary_of_keys(key_buf, mean);
    let (mut top, mut bottom) = (0usize, 0usize);
    for (i, &x) in my_ranks.iter().enumerate() {
        if x == 0 {
            continue;
        }
        let m = size(i);
        top += usize::from(x as usize <= top_n);
        bottom += usize::from(x as usize + top_n > m);
    }
    UnitStats { rank, score, p_top: top as f64 / denom, p_bottom: bottom as f64 / denom }
}

/// Which block each replication is, for messages.
pub fn block_of(design: &Design, rep: usize) -> Option<Block> {
    design.rows.get(rep).map(|(b, _)| *b)
}

/// What the replication workers share (read only).
struct Ctx<'e, 'a> {
    engine: &'e Engine<'a>,
    design: &'e Design,
    weight_targets: &'e [Child],
    entry_of: &'e [usize],
}

impl Ctx<'_, '_> {
    /// Replications `first ..` (as many as `scores` holds rows), written into the slices; returns
    /// the failed ones. Run grouped by cache entry, with buffers reused across replications.
    fn work(&self, first: usize, scores_out: &mut [f64], ranks_out: &mut [u32], sizes_out: &mut [u32]) -> Vec<Failure> {
        let e = self.engine;
        let (fw, nominal) = (e.fw, e.nominal);
        let n = nominal.units.len();
        let n_groups = nominal.groups.len();
        let count = scores_out.len().checked_div(n).unwrap_or(sizes_out.len() / n_groups.max(1));
        let mut order: Vec<usize> = (first..first + count).collect();
        crate::sort::sort_by_key(&mut order, |&r| self.entry_of[r]);
        let mut failures = Vec::new();
        let n_agg = fw.aggregates.len();
        let (mut raw, mut out) = (Matrix::new(n, n_agg), Matrix::new(n, n_agg));
        let mut scratch = Scratch::default();
        let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(n);
        let mut spare: Vec<(u64, u32)> = Vec::with_capacity(n);
        let mut stale = vec![true; n_agg];
        let mut dirty = vec![false; n_agg];
        let mut current = usize::MAX;
        let mut plan = nominal.plan.clone();
        let root = nominal.plan.root;
        let min_cov = nominal.settings.min_coverage;
        // A comparison group below the minimum size is not ranked (pipeline rule).
        let min_group = nominal.settings.effective_min_group_size();
        let names =
            Names { indicators: &nominal.indicator_ids, aggregates: &nominal.aggregate_ids, units: &nominal.units.ids };
        for &r in &order {
            let k_entry = self.entry_of[r];
            let params = &self.design.rows[r].1;
            let entry = &e.aggs[k_entry];
            let (groups, screened, normalised) = match &e.norms[entry.norm].data {
                Ok((g, s, m)) => (g, s, m),
                Err(m) => {
                    failures.push(Failure { rep: r + 1, message: m.clone() });
                    scores_out[(r - first) * n..(r - first + 1) * n].fill(f64::NAN);
                    continue;
                }
            };
            if k_entry != current {
                stale.fill(true);
                current = k_entry;
                plan.clone_from(&entry.plan);
            }
            // This replication's weights (restored below).
            for (t, &w) in self.weight_targets.iter().zip(&params.weights) {
                match *t {
                    Child::Indicator(j) => plan.indicator_weights[j] = w,
                    Child::Aggregate(a) => plan.aggregate_weights[a] = w,
                }
            }
            if let Some(Some(id)) = &params.exclude {
                match node_of(fw, id) {
                    Some(Child::Indicator(j)) => plan.indicator_weights[j] = 0.0,
                    Some(Child::Aggregate(a)) => plan.aggregate_weights[a] = 0.0,
                    None => {}
                }
            }
            // Nodes to evaluate: a child's weight differs from the entry's nominal plan, or a
            // child aggregate is re-evaluated (children come before parents in the plan).
            let (iw, aw) = (&entry.plan.indicator_weights, &entry.plan.aggregate_weights);
            for node in &plan.nodes {
                let changed = |c: &Child| match *c {
                    Child::Indicator(j) => plan.indicator_weights[j].to_bits() != iw[j].to_bits(),
                    Child::Aggregate(a) => plan.aggregate_weights[a].to_bits() != aw[a].to_bits() || dirty[a],
                };
                dirty[node.aggregate] = entry.failed || node.children.iter().any(changed);
            }
            let mut failure = None;
            for (pos, node) in plan.nodes.iter().enumerate() {
                let k = node.aggregate;
                if dirty[k] {
                    if let Err(err) = plan.eval_node(pos, normalised, groups, &names, &mut raw, &mut out, &mut scratch)
                    {
                        failure = Some(err.to_string());
                        break;
                    }
                    stale[k] = true;
                } else if stale[k] {
                    out.col_mut(k).copy_from_slice(entry.out.col(k));
                    stale[k] = false;
                }
            }
            plan.indicator_weights.copy_from_slice(iw);
            plan.aggregate_weights.copy_from_slice(aw);
            if let Some(message) = failure {
                failures.push(Failure { rep: r + 1, message });
                scores_out[(r - first) * n..(r - first + 1) * n].fill(f64::NAN);
                continue;
            }
            // Rank (pipeline rule: scored, not screened, coverage met, group large enough; ties share the
            // smallest rank).
            let i = r - first;
            let index = out.col(root);
            scores_out[i * n..(i + 1) * n].copy_from_slice(index);
            let ranks = &mut ranks_out[i * n..(i + 1) * n];
            for (g, members) in groups.members.iter().enumerate() {
                if members.len() < min_group {
                    sizes_out[i * n_groups + g] = 0;
                    continue;
                }
                // Sort keys: the index in descending order (f64::total_cmp's order, as bits), then
                // a radix sort (linear; ties keep unit order, which no rank depends on).
                pairs.clear();
                pairs.extend(
                    members
                        .iter()
                        .filter(|&&u| !index[u].is_nan() && !screened[u] && nominal.coverage[u] >= min_cov)
                        .map(|&u| (descending_key(index[u]), u as u32)),
                );
                radix_sort(&mut pairs, &mut spare);
                let (mut prev, mut prev_rank) = (f64::NAN, 0u32);
                for (k, &(_, u)) in pairs.iter().enumerate() {
                    let u = u as usize;
                    let x = index[u];
                    let rk = if x == prev { prev_rank } else { k as u32 + 1 };
                    ranks[u] = rk;
                    prev = x;
                    prev_rank = rk;
                }
                sizes_out[i * n_groups + g] = pairs.len() as u32;
            }
        }
        failures
    }
}

/// A key whose unsigned order is the descending order of `f64::total_cmp` (the same bit
/// transformation `total_cmp` uses, then inverted).
fn descending_key(x: f64) -> u64 {
    let b = x.to_bits();
    let ascending = if (b as i64) < 0 { !b } else { b | (1 << 63) };
    !ascending
}

/// Sorts by (key, second) ascending, in linear time for the keys scores give: a
/// least-significant-digit radix sort on the leading 22 significant bits of `key − min`
/// (two passes of 11 bits, both histograms counted in one pass, a pass skipped when one bucket
/// holds everything), then each run of elements sharing those bits sorted by the whole
/// (key, second) pair. Scores of thousands of units rarely share 22 leading bits, so the runs
/// are mostly single elements; many equal or clustered keys make longer runs, which a
/// comparison sort handles (never worse than O(n log n)). `spare` is a reused buffer.
fn radix_sort(v: &mut Vec<(u64, u32)>, spare: &mut Vec<(u64, u32)>) {
    const BITS: u32 = 11;
    const MASK: u64 = (1 << BITS) - 1;
    let n = v.len();
    if n <= 64 {
        v.sort_unstable();
        return;
    }
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for &(k, _) in v.iter() {
        lo = lo.min(k);
        hi = hi.max(k);
    }
    let shift = (64 - (hi - lo).leading_zeros()).saturating_sub(2 * BITS);
    let digit = |k: u64| (k - lo) >> shift;
    let mut count = [[0u32; 1 << BITS]; 2];
    for &(k, _) in v.iter() {
        let d = digit(k);
        count[0][(d & MASK) as usize] += 1;
        count[1][(d >> BITS) as usize] += 1;
    }
    spare.clear();
    spare.resize(n, (0, 0));
    for (pass, count) in count.iter_mut().enumerate() {
        if count.contains(&(n as u32)) {
            continue;
        }
        let mut at = 0u32;
        for c in count.iter_mut() {
            let here = *c;
            *c = at;
            at += here;
        }
        let sh = pass as u32 * BITS;
        for &x in v.iter() {
            let b = ((digit(x.0) >> sh) & MASK) as usize;
            spare[count[b] as usize] = x;
            count[b] += 1;
        }
        std::mem::swap(v, spare);
    }
    // Runs of equal digits: in (key, second) order.
    let mut start = 0;
    while start < n {
        let d = digit(v[start].0);
        let mut end = start + 1;
        while end < n && digit(v[end].0) == d {
            end += 1;
        }
        if end - start > 1 {
            v[start..end].sort_unstable();
        }
        start = end;
    }
}

/// Replications in parts (progress, several workers): [`Engine::run_range`], [`Results::from_parts`].
mod chunk;
pub use chunk::{design_for, unit_stats_of_columns, Columns, Part};

/// Refuses a design whose results would not fit in memory (`MAX_VALUES`).
pub(super) fn check_size(n_reps: usize, n: usize) -> Result<(), RobustnessError> {
    if n_reps.saturating_mul(n.max(1)) > MAX_VALUES {
        return Err(RobustnessError::Spec(format!(
            "{n_reps} replications × {n} units = {} results is more than the {MAX_VALUES} kept in memory; use a smaller N",
            n_reps.saturating_mul(n)
        )));
    }
    Ok(())
}

/// The framework node with this id: an aggregate, else an indicator.
fn node_of(fw: &Framework, id: &str) -> Option<Child> {
    fw.aggregates
        .iter()
        .position(|a| a.id == id)
        .map(Child::Aggregate)
        .or_else(|| fw.indicators.iter().position(|i| i.id == id).map(Child::Indicator))
}

/// The node each of the design's weight columns varies, or an error naming the column.
pub(super) fn weight_targets(fw: &Framework, design: &Design) -> Result<Vec<Child>, RobustnessError> {
    design
        .columns
        .weights
        .iter()
        .map(|id| {
            node_of(fw, id)
                .ok_or_else(|| RobustnessError::Spec(format!("weight:{id}: {id:?} is not in framework {}", fw.id)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn radix_sort_sorts_like_sort() {
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        // Scores as an index gives them (0–100, nearly all distinct), few distinct values
        // (ties), one far outlier (every other key in one bucket), all equal, negative and
        // positive z-scores with ±0, and raw 64-bit keys.
        let kinds: [&dyn Fn(u64, usize) -> u64; 6] = [
            &|r, _| super::descending_key((r >> 11) as f64 / (1u64 << 53) as f64 * 100.0),
            &|r, _| super::descending_key(((r >> 40) % 1000) as f64 / 7.0),
            &|r, i| super::descending_key(if i == 3 { 1e300 } else { (r >> 11) as f64 / (1u64 << 53) as f64 }),
            &|_, _| super::descending_key(42.0),
            &|r, i| {
                super::descending_key(match i % 7 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => ((r >> 11) as f64 / (1u64 << 52) as f64) - 1.0,
                })
            },
            &|r, _| r,
        ];
        for (kind, key) in kinds.iter().enumerate() {
            for n in [0usize, 1, 2, 17, 64, 65, 300, 5000] {
                let mut v: Vec<(u64, u32)> = (0..n).map(|i| (key(next(), i), i as u32)).collect();
                let mut want = v.clone();
                want.sort_by_key(|x| x.0);
                super::radix_sort(&mut v, &mut Vec::new());
                assert_eq!(v, want, "kind {kind}, n = {n}");
                // Input not in index order: still (key, index) order.
                v.reverse();
                super::radix_sort(&mut v, &mut vec![(7, 7); 3]);
                assert_eq!(v, want, "kind {kind}, n = {n}, reversed");
            }
        }
    }

    #[test]
    fn descending_key_orders_as_total_cmp_reversed() {
        let xs = [f64::NEG_INFINITY, -3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, 2.0000000000000004, f64::INFINITY];
        for a in xs {
            for b in xs {
                assert_eq!(super::descending_key(a).cmp(&super::descending_key(b)), b.total_cmp(&a), "{a} {b}");
            }
        }
    }
}
