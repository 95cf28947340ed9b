//! Improvement priorities: for each indicator of a unit, the index gain if the unit reached the
//! comparison group's 75th percentile (and, separately, the group's best value) on that
//! indicator alone, everything else fixed and the group re-standardised.
//!
//! "Re-standardised" means a full re-score with that one processed value changed: the group's
//! mean and sd of the indicator, every unit's normalised value of it, every aggregate above it
//! (with the group's new min/max where nodes are rescaled) and every rank are recomputed. The
//! fast path re-normalises only that indicator's column within the unit's group and
//! re-aggregates only the aggregates above it; `tests/analysis.rs` checks it against
//! `pipeline::score` on an edited table.
//!
//! Targets are in the units of the derived indicator (the value people understand):
//! * percentile: R's default quantile (type 7) of the group's present derived values, taken at
//!   `p` for higher-is-better indicators and at `1 − p` for lower-is-better ones (the value
//!   that 75% of the group does no better than): sorted values `x_1..x_n`, `h = (n − 1)·q`,
//!   `x_⌊h⌋+1 + (h − ⌊h⌋)(x_⌊h⌋+2 − x_⌊h⌋+1)`;
//! * best: the group's highest (lower-is-better: lowest) derived value;
//! * then the indicator's cap/floor is applied (reaching the cap is enough).
//!
//! Indicators where the unit is already at or beyond the percentile target, or whose value is
//! missing, are not listed (they are returned in `skipped` with the reason).

use serde::Serialize;

use super::{
    clamp, column_local_processing, eval_node, find_unit, opt, rank_of, renormalise_group, show, unit_index_value,
    AnalysisError, Scratch, Tree,
};
use crate::framework::{Framework, Lever};
use crate::matrix::Matrix;
use crate::pipeline::Scored;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImproveOptions {
    /// The percentile target, 0..1 (default 0.75).
    pub percentile: f64,
}

impl Default for ImproveOptions {
    fn default() -> Self {
        ImproveOptions { percentile: 0.75 }
    }
}

/// One indicator's improvement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Improvement {
    pub id: String,
    pub name: String,
    pub direction: f64,
    /// What the unit can do about it (the framework's mark; outcome by default).
    pub lever: Lever,
    /// The unit's derived value, and after cap/floor.
    pub current_value: f64,
    pub current_processed: f64,
    /// The percentile target (derived units, cap/floor applied).
    pub target_value: f64,
    /// Index points gained by reaching it.
    pub gain: f64,
    pub new_index: f64,
    pub new_rank: Option<u32>,
    pub new_rank_in_tier: Option<u32>,
    /// The group's best value and what reaching it gives (`None` when already there).
    pub best_value: Option<f64>,
    pub best_gain: Option<f64>,
    pub best_new_index: Option<f64>,
    pub best_new_rank: Option<u32>,
    /// "raising X from a to b adds c points and moves you from rank r1 to r2".
    pub sentence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Improvements {
    pub unit_id: String,
    pub unit_name: String,
    pub index: f64,
    pub rank: Option<u32>,
    pub rank_in_tier: Option<u32>,
    pub percentile: f64,
    /// Sorted by gain, largest first (ties in framework order).
    pub rows: Vec<Improvement>,
    pub skipped: Vec<Skipped>,
}

/// R type-7 quantile of the present values (`None` when there are none).
pub fn quantile_type7(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() || !(0.0..=1.0).contains(&q) {
        return None;
    }
    crate::sort::sort_f64(&mut v);
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
}

/// Re-scores with one processed value changed, reusing buffers.
pub(crate) struct OneChange<'a> {
    fw: &'a Framework,
    s: &'a Scored,
    tree: Tree,
    normalised: Matrix,
    raw: Matrix,
    out: Matrix,
    processed_col: Vec<f64>,
    scratch: Scratch,
    buf: Vec<f64>,
}

impl<'a> OneChange<'a> {
    pub(crate) fn new(fw: &'a Framework, s: &'a Scored) -> Self {
        OneChange {
            fw,
            s,
            tree: Tree::new(&s.plan, s.indicator_ids.len(), s.aggregate_ids.len()),
            normalised: s.normalised.clone(),
            raw: s.aggregates_raw.clone(),
            out: s.aggregates.clone(),
            processed_col: Vec::new(),
            scratch: Scratch::default(),
            buf: Vec::new(),
        }
    }

    /// The index of every unit if unit `u` had processed value `x` on indicator `j`.
    /// Leaves the state as it found it.
    pub(crate) fn index_with(&mut self, u: usize, j: usize, x: f64) -> Result<Vec<f64>, AnalysisError> {
        let s = self.s;
        let Some(g) = s.groups.of_unit[u] else { return Ok(s.index().to_vec()) };
        self.processed_col.clear();
        self.processed_col.extend_from_slice(s.processed.col(j));
        self.processed_col[u] = x;
        let mut stats = (f64::NAN, f64::NAN);
        renormalise_group(
            self.fw,
            &s.settings,
            &s.groups,
            j,
            g,
            &self.processed_col,
            self.normalised.col_mut(j),
            &mut stats,
            &mut self.buf,
        )?;
        let dirty = self.tree.dirty(&[j]);
        let mut result = Ok(());
        for &p in &dirty {
            result = eval_node(
                &s.plan,
                p,
                &self.normalised,
                &mut self.raw,
                &mut self.out,
                &s.groups,
                (&s.indicator_ids, &s.aggregate_ids),
                &s.units.ids,
                &mut self.scratch,
            );
            if result.is_err() {
                break;
            }
        }
        let index = self.out.col(s.plan.root).to_vec();
        // Restore.
        self.normalised.col_mut(j).copy_from_slice(s.normalised.col(j));
        for &p in &dirty {
            let k = s.plan.nodes[p].aggregate;
            self.raw.col_mut(k).copy_from_slice(s.aggregates_raw.col(k));
            self.out.col_mut(k).copy_from_slice(s.aggregates.col(k));
        }
        result.map(|_| index)
    }
}

/// Improvement priorities of unit `unit_id` (see the module docs).
pub fn improve(
    fw: &Framework,
    s: &Scored,
    unit_id: &str,
    opts: &ImproveOptions,
) -> Result<Improvements, AnalysisError> {
    let u = find_unit(s, unit_id)?;
    let index = unit_index_value(s, u)?;
    if !(0.0..=1.0).contains(&opts.percentile) {
        return Err(AnalysisError::Invalid(format!("percentile must be between 0 and 1, got {}", opts.percentile)));
    }
    if fw.indicators.len() != s.indicator_ids.len() {
        return Err(AnalysisError::Unsupported("the framework is not the one the data was scored with".into()));
    }
    column_local_processing(&s.settings, true)
        .map_err(|m| AnalysisError::Unsupported(format!("improvement priorities with these settings: {m}")))?;
    let Some(g) = s.groups.of_unit[u] else {
        return Err(AnalysisError::NoScore { id: unit_id.into(), reason: "it is in no comparison group".into() });
    };
    let members = &s.groups.members[g];
    let mut work = OneChange::new(fw, s);
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let rank = s.rank[u];
    let mut vals = Vec::with_capacity(members.len());
    for (j, ind) in fw.indicators.iter().enumerate() {
        let cur = s.derived.get(u, j);
        let cur_p = s.processed.get(u, j);
        if cur.is_nan() || cur_p.is_nan() {
            skipped.push(Skipped { id: ind.id.clone(), reason: "missing: report this indicator first".into() });
            continue;
        }
        let d = ind.direction;
        vals.clear();
        vals.extend(members.iter().map(|&v| s.derived.get(v, j)));
        let q = if d > 0.0 { opts.percentile } else { 1.0 - opts.percentile };
        let Some(target) = quantile_type7(&vals, q).map(|t| clamp(ind, t)) else {
            skipped.push(Skipped { id: ind.id.clone(), reason: "no values in the group".into() });
            continue;
        };
        if d * cur_p >= d * target {
            skipped.push(Skipped {
                id: ind.id.clone(),
                reason: format!("already at or beyond the target {}", show(target)),
            });
            continue;
        }
        let best = vals.iter().copied().filter(|x| !x.is_nan()).map(|x| d * x).fold(f64::NEG_INFINITY, f64::max) * d;
        let best = clamp(ind, best);
        let new = work.index_with(u, j, target)?;
        let new_index = new[u];
        let new_rank = rank_of(s, &new, u, false);
        let new_rank_in_tier = rank_of(s, &new, u, true);
        let (mut best_value, mut best_gain, mut best_new_index, mut best_new_rank) = (None, None, None, None);
        if d * best > d * cur_p {
            let nb = work.index_with(u, j, best)?;
            best_value = Some(best);
            best_gain = opt(nb[u] - index);
            best_new_index = opt(nb[u]);
            best_new_rank = rank_of(s, &nb, u, false);
        }
        let gain = new_index - index;
        let verb = if d > 0.0 { "raising" } else { "lowering" };
        let unit = match ind.unit.as_str() {
            "" => String::new(),
            "%" => "%".to_string(),
            u => format!(" {u}"),
        };
        let effect = if gain >= 0.0 {
            format!("adds {} points", show(gain))
        } else {
            format!("costs {} points (the group's ranges shift)", show(-gain))
        };
        let moves = match (rank, new_rank) {
            (Some(a), Some(b)) if a == b => format!(" and keeps you at rank {a}"),
            (Some(a), Some(b)) => format!(" and moves you from rank {a} to {b}"),
            _ => " (the unit is not ranked)".to_string(),
        };
        rows.push(Improvement {
            id: ind.id.clone(),
            name: ind.name.clone(),
            direction: d,
            lever: ind.lever,
            current_value: cur,
            current_processed: cur_p,
            target_value: target,
            gain,
            new_index,
            new_rank,
            new_rank_in_tier,
            best_value,
            best_gain,
            best_new_index,
            best_new_rank,
            sentence: format!(
                "{verb} {} {} from {}{unit} to {}{unit} {effect}{moves}",
                ind.id,
                ind.name,
                show(cur),
                show(target)
            ),
        });
    }
    crate::sort::sort_by(&mut rows, |a, b| b.gain.total_cmp(&a.gain));
    Ok(Improvements {
        unit_id: s.units.ids[u].clone(),
        unit_name: s.units.names[u].clone(),
        index,
        rank,
        rank_in_tier: s.rank_in_tier[u],
        percentile: opts.percentile,
        rows,
        skipped,
    })
}
