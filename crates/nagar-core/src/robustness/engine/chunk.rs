//! Replications in parts: a range of replication indices computed on its own, and the parts put
//! back together. A replication's result depends on the design's row alone (the seed drew every
//! row before any is computed), so splitting the replications in any way — chunks for a progress
//! bar, several Web Workers — gives the same bits as [`Engine::run`] (tested).
//! Also [`design_for`]: the design a specification gives over a nominal run (what `nagar
//! robustness` samples without `--design`).

use std::ops::Range;

use super::{check_size, weight_targets, Ctx, Engine, Failure, Results, UnitStats};
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
