//! Replications in parts: a range of replication indices computed on its own, and the parts put
//! back together. A replication's result depends on the design's row alone (the seed drew every
//! row before any is computed), so splitting the replications in any way — chunks for a progress
//! bar, several Web Workers — gives the same bits as [`Engine::run`] (tested).
//! Also [`design_for`]: the design a specification gives over a nominal run (what `nagar
//! robustness` samples without `--design`).

use std::ops::Range;

use super::{check_size, rep_output, unit_stat, weight_targets, Ctx, Engine, Failure, Results, UnitStats};
use crate::framework::Framework;
use crate::pipeline::Scored;
use crate::robustness::{Design, RobustnessError, Spec};

/// The results of replications `first .. first + count` of a design, laid out as in
/// [`Results`] (replication-major).
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// 0-based index of the first replication.
    pub first: usize,
    pub count: usize,
    /// `scores[i * n_units + u]` for replication `first + i`; NaN = missing.
    pub scores: Vec<f64>,
    /// Same layout; 0 = no rank.
    pub ranks: Vec<u32>,
    /// `group_sizes[i * n_groups + g]`.
    pub group_sizes: Vec<u32>,
    /// Failed replications (`rep` 1-based, as in [`Results::failures`]).
    pub failures: Vec<Failure>,
}

/// The values of units `units` over replications `first .. first + count`, unit-major:
/// `ranks[k * count + i]` and `scores[k * count + i]` are those of unit `units.start + k` in
/// replication `first + i`. A worker that computed the replications hands these to the one that
/// computes those units' statistics ([`unit_stats_of_columns`]): each then reads its units'
/// values in order, and no copy holds every replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    pub first: usize,
    pub count: usize,
    pub units: Range<usize>,
    pub ranks: Vec<u32>,
    pub scores: Vec<f64>,
}

impl Part {
    /// [`Columns`] of units `units` over this part's replications that lie in `reps` (both ranges
    /// clipped to what the part holds; `n_units` is the units of a replication).
    pub fn columns(&self, n_units: usize, reps: Range<usize>, units: Range<usize>) -> Columns {
        let first = reps.start.max(self.first);
        let end = reps.end.min(self.first + self.count).max(first);
        let count = end - first;
        let units = units.start.min(n_units)..units.end.min(n_units).max(units.start.min(n_units));
        let width = units.len();
        let (mut ranks, mut scores) = (vec![0u32; width * count], vec![0f64; width * count]);
        // A block of units at a time: one replication's slice of the block is a cache line or
        // two, and the block's outputs stay in the cache.
        const BLOCK: usize = 16;
        for k0 in (0..width).step_by(BLOCK) {
            let b = BLOCK.min(width - k0);
            for i in 0..count {
                let row = (first - self.first + i) * n_units + units.start + k0;
                let (r, s) = (&self.ranks[row..row + b], &self.scores[row..row + b]);
                for k in 0..b {
                    ranks[(k0 + k) * count + i] = r[k];
                    scores[(k0 + k) * count + i] = s[k];
                }
            }
        }
        Columns { first, count, units, ranks, scores }
    }

    /// The sensitivity output of each of this part's replications ([`Results::output`]; NaN for
    /// a failed one).
    pub fn output(&self, nominal_rank: &[Option<u32>], unit: Option<usize>) -> Vec<f64> {
        let n = nominal_rank.len();
        (0..self.count)
            .map(|i| {
                if self.failures.iter().any(|f| f.rep == self.first + i + 1) {
                    f64::NAN
                } else {
                    rep_output(&self.ranks[i * n..(i + 1) * n], nominal_rank, unit)
                }
            })
            .collect()
    }
}

/// [`Results::unit_stats_of`] from [`Columns`] of the units `units` that cover the replications
/// of [`Design::stats_rows`] exactly once (in any order; replications beyond them are ignored):
/// the same numbers. `failed`: every failed replication (1-based); `group_sizes`: the ranked
/// units of each comparison group in each of those replications, `[r * n_groups + g]`.
pub fn unit_stats_of_columns(
    design: &Design,
    nominal: &Scored,
    failed: &[usize],
    group_sizes: &[u32],
    top_n: usize,
    units: Range<usize>,
    columns: &[Columns],
) -> Result<Vec<UnitStats>, RobustnessError> {
    let bad = |m: String| Err(RobustnessError::Spec(m));
    let n = nominal.units.len();
    let n_groups = nominal.groups.len();
    let reps = design.stats_rows();
    if units.start > units.end || units.end > n {
        return bad(format!("units {}..{} are not within the {n}", units.start, units.end));
    }
    if group_sizes.len() < reps * n_groups {
        return bad(format!("{} group sizes for {reps} replications of {n_groups} groups", group_sizes.len()));
    }
    // Which columns hold each replication, checked to cover them once.
    let mut source: Vec<Option<(usize, usize)>> = vec![None; reps];
    for (c, col) in columns.iter().enumerate() {
        if col.units != units
            || col.ranks.len() != col.count * units.len()
            || col.scores.len() != col.count * units.len()
        {
            return bad(format!(
                "columns of units {}..{} over replications {}..{} do not fit units {}..{}",
                col.units.start,
                col.units.end,
                col.first,
                col.first + col.count,
                units.start,
                units.end
            ));
        }
        for i in 0..col.count {
            let r = col.first + i;
            if r >= reps {
                continue;
            }
            if source[r].is_some() {
                return bad(format!("replication {} is in two columns", r + 1));
            }
            source[r] = Some((c, i));
        }
    }
    let mut is_failed = vec![false; reps];
    for &f in failed {
        if (1..=reps).contains(&f) {
            is_failed[f - 1] = true;
        }
    }
    let mut ok = Vec::with_capacity(reps);
    for r in 0..reps {
        match source[r] {
            None => return bad(format!("replication {} is in no column", r + 1)),
            Some(at) if !is_failed[r] => ok.push((r, at)),
            Some(_) => {}
        }
    }
    let denom = if ok.is_empty() { f64::NAN } else { ok.len() as f64 };
    let (mut my_ranks, mut my_scores) = (vec![0u32; ok.len()], vec![0f64; ok.len()]);
    let (mut rank_buf, mut key_buf) = (Vec::with_capacity(ok.len()), Vec::with_capacity(ok.len()));
    let mut out = Vec::with_capacity(units.len());
    for (k, u) in units.clone().enumerate() {
        for (j, &(_, (c, i))) in ok.iter().enumerate() {
            let col = &columns[c];
            my_ranks[j] = col.ranks[k * col.count + i];
            my_scores[j] = col.scores[k * col.count + i];
        }
        let group = nominal.groups.of_unit[u];
        let size = |j: usize| group.map_or(0, |g| group_sizes[ok[j].0 * n_groups + g] as usize);
        out.push(unit_stat(&my_ranks, &my_scores, size, top_n, denom, &mut rank_buf, &mut key_buf));
    }
    Ok(out)
}

/// The design of a specification over a nominal run: the numbers checked, the inputs resolved
/// against the framework, the replications drawn (seeded) around the nominal weights.
pub fn design_for(spec: &Spec, fw: &Framework, nominal: &Scored) -> Result<Design, RobustnessError> {
    spec.check_numbers()?;
    let inputs = spec.resolve(fw)?;
    let nominal_weight = |id: &str| {
        fw.aggregates
            .iter()
            .position(|x| x.id == id)
            .map(|k| nominal.plan.aggregate_weights[k])
            .or_else(|| fw.indicators.iter().position(|i| i.id == id).map(|j| nominal.plan.indicator_weights[j]))
            .unwrap_or(f64::NAN)
    };
    Design::sample(spec.kind, spec.n, spec.seed, &inputs, &nominal_weight)
}

impl Engine<'_> {
    /// Replications `reps` (0-based, within the design) only. The engine's caches are kept from
    /// one call to the next, so calling it for consecutive ranges costs what one [`Engine::run`]
    /// does; the numbers are those of [`Engine::run`] for the same replications.
    pub fn run_range(&mut self, design: &Design, reps: Range<usize>) -> Result<Part, RobustnessError> {
        let fw = self.fw;
        let n = self.nominal.units.len();
        let n_groups = self.nominal.groups.len();
        let n_reps = design.rows.len();
        if reps.start > reps.end || reps.end > n_reps {
            return Err(RobustnessError::Spec(format!(
                "replications {}..{} are not within the design's {n_reps}",
                reps.start, reps.end
            )));
        }
        check_size(n_reps, n)?;
        let weight_targets = weight_targets(fw, design)?;
        // Cache entries of this range's replications only (the others are never read).
        let mut entry_of = vec![0; n_reps];
        for r in reps.clone() {
            let s = self.settings_for(&design.rows[r].1);
            entry_of[r] = self.agg_entry(&s);
        }
        let count = reps.len();
        let mut part = Part {
            first: reps.start,
            count,
            scores: vec![f64::NAN; n * count],
            ranks: vec![0; n * count],
            group_sizes: vec![0; n_groups * count],
            failures: Vec::new(),
        };
        if count > 0 {
            let ctx = Ctx { engine: self, design, weight_targets: &weight_targets, entry_of: &entry_of };
            part.failures = ctx.work(reps.start, &mut part.scores, &mut part.ranks, &mut part.group_sizes);
            crate::sort::sort_by_key(&mut part.failures, |f| f.rep);
        }
        Ok(part)
    }
}

impl Results {
    /// [`Results::unit_stats`] of the units `units` only (the same numbers: several workers
    /// can each take a range of units).
    pub fn unit_stats_of(&self, top_n: usize, units: Range<usize>) -> Vec<UnitStats> {
        let n = self.n_units();
        let (from, to) = (units.start.min(n), units.end.min(n));
        if from >= to {
            return Vec::new();
        }
        self.unit_stats_range(top_n, from, to)
    }

    /// The results of `design` put together from parts that cover its replications exactly once
    /// (in any order), over the nominal run they were computed on.
    pub fn from_parts(design: Design, nominal: &Scored, parts: Vec<Part>) -> Result<Results, RobustnessError> {
        let n = nominal.units.len();
        let n_groups = nominal.groups.len();
        let n_reps = design.rows.len();
        let bad = |m: String| Err(RobustnessError::Spec(m));
        let mut covered = vec![false; n_reps];
        for p in &parts {
            if p.first + p.count > n_reps {
                return bad(format!(
                    "part {}..{} is beyond the design's {n_reps} replications",
                    p.first,
                    p.first + p.count
                ));
            }
            if p.scores.len() != p.count * n
                || p.ranks.len() != p.count * n
                || p.group_sizes.len() != p.count * n_groups
            {
                return bad(format!(
                    "part {}..{}: {} scores, {} ranks and {} group sizes do not fit {} units and {} groups",
                    p.first,
                    p.first + p.count,
                    p.scores.len(),
                    p.ranks.len(),
                    p.group_sizes.len(),
                    n,
                    n_groups
                ));
            }
            for c in &mut covered[p.first..p.first + p.count] {
                if *c {
                    return bad(format!("part {}..{} overlaps another part", p.first, p.first + p.count));
                }
                *c = true;
            }
        }
        if let Some(r) = covered.iter().position(|c| !c) {
            return bad(format!("replication {} is in no part", r + 1));
        }
        let mut res = Results {
            design,
            id_header: nominal.units.id_header.clone(),
            unit_ids: nominal.units.ids.clone(),
            nominal_score: nominal.index().to_vec(),
            nominal_rank: nominal.rank.clone(),
            scores: vec![f64::NAN; n * n_reps],
            ranks: vec![0; n * n_reps],
            group_sizes: vec![0; n_groups * n_reps],
            group_of_unit: nominal.groups.of_unit.clone(),
            n_groups,
            failures: Vec::new(),
        };
        for p in parts {
            res.scores[p.first * n..(p.first + p.count) * n].copy_from_slice(&p.scores);
            res.ranks[p.first * n..(p.first + p.count) * n].copy_from_slice(&p.ranks);
            res.group_sizes[p.first * n_groups..(p.first + p.count) * n_groups].copy_from_slice(&p.group_sizes);
            res.failures.extend(p.failures);
        }
        crate::sort::sort_by_key(&mut res.failures, |f| f.rep);
        Ok(res)
    }
}
