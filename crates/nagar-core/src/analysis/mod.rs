//! Analysis on top of a scored run, for one unit: why its score is what it is
//! ([`explain()`]), which single improvements would move it most ([`improve()`]), how it would rank
//! among published units ([`preview`]) and live what-if changes of its inputs ([`WhatIf`]).
//!
//! Every result is a plain serde-serialisable value (missing numbers are `None`), so the page can
//! bind them directly. The fast paths here (re-normalise one column, re-aggregate only the
//! ancestors of the changed indicators, re-rank) are checked against full re-scoring in
//! `tests/analysis.rs`.
//!
//! For the page, one flow (every result type is `Serialize`):
//!
//! ```text
//! let p = preview(&fw, &published, &mine, &settings, &weights, &PreviewOptions::default())?;
//!     // Err(IdCollision) → ask "replace or add as new", retry with `on_collision`
//! let report = p.report();                              // my scores, everyone's rank moves
//! let mut w = p.what_if(&report.mine[0].id)?;           // a live what-if session
//! let r = w.set_input_text("households_piped", "12,000")?; // Err(InvalidInput) → inline message
//! let moves = p.report_for(&w);                         // rank moves after my changes
//! let why = explain(&fw, w.scored(), &report.mine[0].id)?;
//! let todo = improve(&fw, w.scored(), &report.mine[0].id, &ImproveOptions::default())?;
//! ```
//!
//! Weight sliders over a scored state: [`reaggregate_changed`] (only what the changed weights
//! touch) or [`reaggregate`] (everything), then `pipeline::rank_within`.

pub mod explain;
pub mod improve;
pub mod whatif;

pub use explain::{explain, Contribution, Explanation, InputValue, NodeContribution};
pub use improve::{improve, ImproveOptions, Improvement, Improvements, Skipped};
pub use whatif::{
    input_form, preview, Collision, FormField, FormSection, NodeScore, Preview, PreviewOptions, PreviewReport,
    RankMove, UnitScores, WhatIf, WhatIfResult,
};

pub(crate) use crate::aggregate::Scratch;
use crate::aggregate::{Child, Names, Plan};
use crate::framework::Framework;
use crate::groups::Groups;
use crate::matrix::Matrix;
use crate::pipeline::{ScoreError, Scored};
use crate::settings::{Imputation, Settings, Treatment};

/// Why an analysis could not be done. Every message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("unit {id:?} is not in the data{hint}")]
    UnknownUnit { id: String, hint: String },
    #[error("unit {id} has no index: {reason}")]
    NoScore { id: String, reason: String },
    #[error("not supported: {0}")]
    Unsupported(String),
    #[error(
        "id(s) {} of my file are already in the published data: choose `replace` (score my row instead of the \
         published one) or `add-as-new` (keep both; mine is renamed with the suffix {suffix:?})",
        .ids.join(", ")
    )]
    IdCollision { ids: Vec<String>, suffix: String },
    #[error("{0}")]
    Preview(String),
    #[error("input {field:?} is not an input of framework {framework}{hint}")]
    UnknownInput { field: String, framework: String, hint: String },
    #[error("input {field}: {message} (value {value:?}); nothing was changed")]
    InvalidInput { field: String, value: String, message: String },
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("{0}")]
    Aggregation(String),
    /// An option out of range (e.g. a percentile above 1).
    #[error("{0}")]
    Invalid(String),
}

/// The unit with this id, or an error that helps find the right one.
pub(crate) fn find_unit(s: &Scored, id: &str) -> Result<usize, AnalysisError> {
    let t = id.trim();
    if let Some(u) = s.unit_index(t) {
        return Ok(u);
    }
    let hint = match s.units.ids.iter().find(|x| x.eq_ignore_ascii_case(t)) {
        Some(x) => format!(" (did you mean {x:?}? ids are case-sensitive)"),
        None => {
            let ex: Vec<&str> = s.units.ids.iter().take(3).map(|x| x.as_str()).collect();
            format!(" ({} units; ids look like {})", s.units.len(), ex.join(", "))
        }
    };
    Err(AnalysisError::UnknownUnit { id: t.to_string(), hint })
}

/// The unit's index, or why it has none.
pub(crate) fn unit_index_value(s: &Scored, u: usize) -> Result<f64, AnalysisError> {
    let x = s.index()[u];
    if x.is_nan() {
        let reason = if s.screened[u] {
            "it was screened out (too little data)".to_string()
        } else if s.groups.of_unit[u].is_none() {
            "it is in no comparison group (e.g. no population under tier grouping)".to_string()
        } else {
            "none of its indicators has a value".to_string()
        };
        return Err(AnalysisError::NoScore { id: s.units.ids[u].clone(), reason });
    }
    Ok(x)
}

/// `Some(x)` unless missing.
pub(crate) fn opt(x: f64) -> Option<f64> {
    if x.is_finite() {
        Some(x)
    } else {
        None
    }
}

/// The processing between derived and normalised values is "caps and floors only", so one
/// column can be re-processed alone. Anything that looks at the whole column (imputation,
/// treatment), needs a data column (denomination) or can drop units (screening) is not.
/// `screening_ok`: the caller never turns a present value into a missing one or back (so no
/// unit's availability, hence screening, can change).
pub(crate) fn column_local_processing(settings: &Settings, screening_ok: bool) -> Result<(), String> {
    if settings.impute != Imputation::None {
        return Err(format!("imputation ({}) fills values from the whole column", settings.impute.label()));
    }
    if settings.treat != Treatment::None {
        return Err(format!("outlier treatment ({}) depends on the whole column", settings.treat.label()));
    }
    if settings.denominate {
        return Err("denomination divides by data columns".into());
    }
    if settings.screen.is_some() && !screening_ok {
        return Err("screening can remove units when their data changes".into());
    }
    Ok(())
}

/// A derived value after the indicator's cap and floor (the processed value when
/// [`column_local_processing`] holds).
pub(crate) fn clamp(ind: &crate::framework::Indicator, x: f64) -> f64 {
    if x.is_nan() {
        return x; // missing stays missing (f64::min would return the bound)
    }
    let mut x = x;
    if let Some(c) = ind.cap {
        x = x.min(c);
    }
    if let Some(f) = ind.floor {
        x = x.max(f);
    }
    x
}

/// Parent links of the compiled plan, to find what a changed indicator touches.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    /// Position in `plan.nodes` of each aggregate (framework order).
    pos: Vec<usize>,
    parent_of_aggregate: Vec<Option<usize>>,
    parent_of_indicator: Vec<Option<usize>>,
}

impl Tree {
    pub(crate) fn new(plan: &Plan, n_ind: usize, n_agg: usize) -> Tree {
        let mut t = Tree {
            pos: vec![usize::MAX; n_agg],
            parent_of_aggregate: vec![None; n_agg],
            parent_of_indicator: vec![None; n_ind],
        };
        for (p, node) in plan.nodes.iter().enumerate() {
            t.pos[node.aggregate] = p;
            for c in &node.children {
                match *c {
                    Child::Indicator(j) => t.parent_of_indicator[j] = Some(node.aggregate),
                    Child::Aggregate(a) => t.parent_of_aggregate[a] = Some(node.aggregate),
                }
            }
        }
        t
    }

    /// Plan positions of every ancestor of the given indicators, in evaluation order.
    pub(crate) fn dirty(&self, indicators: &[usize]) -> Vec<usize> {
        let mut mark = vec![false; self.pos.len()];
        for &j in indicators {
            let mut a = self.parent_of_indicator.get(j).copied().flatten();
            while let Some(k) = a {
                if std::mem::replace(&mut mark[k], true) {
                    break;
                }
                a = self.parent_of_aggregate[k];
            }
        }
        let mut out: Vec<usize> =
            (0..mark.len()).filter(|&k| mark[k] && self.pos[k] != usize::MAX).map(|k| self.pos[k]).collect();
        out.sort_unstable();
        out
    }

    pub(crate) fn parent_of_indicator(&self, j: usize) -> Option<usize> {
        self.parent_of_indicator.get(j).copied().flatten()
    }
    pub(crate) fn parent_of_aggregate(&self, a: usize) -> Option<usize> {
        self.parent_of_aggregate.get(a).copied().flatten()
    }
}

/// One plan node through [`Plan::eval_node`], with the scored state's ids for messages.
#[allow(clippy::too_many_arguments)]
pub(crate) fn eval_node(
    plan: &Plan,
    pos: usize,
    normalised: &Matrix,
    raw: &mut Matrix,
    out: &mut Matrix,
    groups: &Groups,
    names: (&[String], &[String]),
    unit_ids: &[String],
    scratch: &mut Scratch,
) -> Result<(), AnalysisError> {
    let names = Names { indicators: names.0, aggregates: names.1, units: unit_ids };
    plan.eval_node(pos, normalised, groups, &names, raw, out, scratch)
        .map_err(|e| AnalysisError::Aggregation(e.to_string()))
}

/// Re-normalise indicator `j` within group `g` from the processed column, as the pipeline does
/// (method, then the missing-data policy's substitute), writing into `norm` and `stats`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn renormalise_group(
    fw: &Framework,
    settings: &Settings,
    groups: &Groups,
    j: usize,
    g: usize,
    processed: &[f64],
    norm: &mut [f64],
    stats: &mut (f64, f64),
    scratch: &mut Vec<f64>,
) -> Result<(), AnalysisError> {
    crate::pipeline::normalise_in_group(fw, settings, groups, j, g, processed, norm, stats, scratch)
        .map_err(|m| AnalysisError::Score(ScoreError::Settings(m)))
}

/// Whether a unit is ranked given its index (pipeline rule: scored, not screened, coverage met,
/// its comparison group not below the minimum size).
pub(crate) fn eligible(s: &Scored, u: usize, index: f64) -> bool {
    !index.is_nan()
        && !s.screened[u]
        && s.coverage[u] >= s.settings.min_coverage
        && s.groups.of_unit[u].is_some_and(|g| s.groups.members[g].len() >= s.settings.effective_min_group_size())
}

/// The rank unit `u` would have when the units have `index`: one plus the number of ranked
/// units of its group (and tier, for the tier rank) with a strictly higher index (ties share the
/// smallest rank, as `pipeline::rank_within`).
pub(crate) fn rank_of(s: &Scored, index: &[f64], u: usize, tier: bool) -> Option<u32> {
    let x = index[u];
    if !eligible(s, u, x) || (tier && s.tier[u].is_empty()) {
        return None;
    }
    let g = s.groups.of_unit[u]?;
    let mut r = 1u32;
    for &v in &s.groups.members[g] {
        if v != u && index[v] > x && eligible(s, v, index[v]) && (!tier || s.tier[v] == s.tier[u]) {
            r += 1;
        }
    }
    Some(r)
}

/// Rounded for sentences: two decimals below 100, one above, no trailing zeros.
pub fn show(x: f64) -> String {
    if !x.is_finite() {
        return "missing".into();
    }
    let d = if x.abs() >= 100.0 { 1 } else { 2 };
    let s = format!("{x:.d$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Re-aggregate every node of `plan` (e.g. with new weights) over the cached normalised values
/// of a scored state: the same numbers as [`Plan::run`], for the page's weight sliders. `raw`
/// and `out` have one column per aggregate.
pub fn reaggregate(s: &Scored, plan: &Plan, raw: &mut Matrix, out: &mut Matrix) -> Result<(), AnalysisError> {
    let names = Names { indicators: &s.indicator_ids, aggregates: &s.aggregate_ids, units: &s.units.ids };
    plan.run(&s.normalised, &s.groups, &names, raw, out).map_err(|e| AnalysisError::Aggregation(e.to_string()))
}

/// Like [`reaggregate`], but only the nodes whose children's weights differ from the scored
/// plan's (and their ancestors) are recomputed; the others are copied from the scored state.
/// Moving the vertical sliders of MPI recomputes only the index column. `plan` must be the
/// scored plan with other weights.
pub fn reaggregate_changed(s: &Scored, plan: &Plan, raw: &mut Matrix, out: &mut Matrix) -> Result<(), AnalysisError> {
    if plan.nodes != s.plan.nodes
        || plan.indicator_weights.len() != s.plan.indicator_weights.len()
        || plan.aggregate_weights.len() != s.plan.aggregate_weights.len()
    {
        return reaggregate(s, plan, raw, out);
    }
    let n_agg = s.aggregate_ids.len();
    let tree = Tree::new(plan, s.indicator_ids.len(), n_agg);
    let mut mark = vec![false; n_agg];
    let mark_up = |start: Option<usize>, mark: &mut Vec<bool>| {
        let mut a = start;
        while let Some(k) = a {
            if std::mem::replace(&mut mark[k], true) {
                break;
            }
            a = tree.parent_of_aggregate(k);
        }
    };
    for (j, (a, b)) in plan.indicator_weights.iter().zip(&s.plan.indicator_weights).enumerate() {
        if a.to_bits() != b.to_bits() {
            mark_up(tree.parent_of_indicator(j), &mut mark);
        }
    }
    for (k, (a, b)) in plan.aggregate_weights.iter().zip(&s.plan.aggregate_weights).enumerate() {
        if a.to_bits() != b.to_bits() {
            mark_up(tree.parent_of_aggregate(k), &mut mark);
        }
    }
    let mut scratch = Scratch::default();
    for (p, node) in plan.nodes.iter().enumerate() {
        let k = node.aggregate;
        if mark[k] {
            eval_node(
                plan,
                p,
                &s.normalised,
                raw,
                out,
                &s.groups,
                (&s.indicator_ids, &s.aggregate_ids),
                &s.units.ids,
                &mut scratch,
            )?;
        } else {
            raw.col_mut(k).copy_from_slice(s.aggregates_raw.col(k));
            out.col_mut(k).copy_from_slice(s.aggregates.col(k));
        }
    }
    Ok(())
}

/// Ranks over fixed rank keys (comparison group, and group × tier), re-computed quickly after
/// the index changed: same result as `pipeline::rank_within` with the pipeline's keys.
#[derive(Debug, Clone)]
pub(crate) struct Ranker {
    groups: Vec<Vec<usize>>,
    tiers: Vec<Vec<usize>>,
    has_tiers: bool,
    pairs: Vec<(f64, usize)>,
}

impl Ranker {
    pub(crate) fn new(s: &Scored) -> Ranker {
        let mut tiers: Vec<Vec<usize>> = Vec::new();
        for members in &s.groups.members {
            let mut by_tier: Vec<(String, Vec<usize>)> = Vec::new();
            for &u in members {
                if s.tier[u].is_empty() {
                    continue;
                }
                match by_tier.iter_mut().find(|(t, _)| *t == s.tier[u]) {
                    Some((_, v)) => v.push(u),
                    None => by_tier.push((s.tier[u].clone(), vec![u])),
                }
            }
            tiers.extend(by_tier.into_iter().map(|(_, v)| v));
        }
        Ranker { groups: s.groups.members.clone(), tiers, has_tiers: !s.settings.tiers.is_empty(), pairs: Vec::new() }
    }

    fn rank_lists(
        lists: &[Vec<usize>],
        index: &[f64],
        eligible: &[bool],
        pairs: &mut Vec<(f64, usize)>,
        out: &mut [Option<u32>],
    ) {
        out.fill(None);
        for list in lists {
            pairs.clear();
            pairs.extend(list.iter().filter(|&&u| eligible[u]).map(|&u| (index[u], u)));
            pairs.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            let mut prev = f64::NAN;
            let mut prev_rank = 0;
            for (k, &(x, u)) in pairs.iter().enumerate() {
                let r = if x == prev { prev_rank } else { k as u32 + 1 };
                out[u] = Some(r);
                prev = x;
                prev_rank = r;
            }
        }
    }

    /// Recompute `s.rank` and `s.rank_in_tier` from the current index and coverage.
    pub(crate) fn rerank(&mut self, s: &mut Scored) {
        let n = s.units.len();
        let index = s.aggregates.col(s.plan.root);
        let eligible: Vec<bool> = (0..n).map(|u| eligible(s, u, index[u])).collect();
        let mut rank = std::mem::take(&mut s.rank);
        rank.resize(n, None);
        Self::rank_lists(&self.groups, index, &eligible, &mut self.pairs, &mut rank);
        let mut tier = std::mem::take(&mut s.rank_in_tier);
        tier.resize(n, None);
        if self.has_tiers {
            Self::rank_lists(&self.tiers, index, &eligible, &mut self.pairs, &mut tier);
        } else {
            tier.fill(None);
        }
        s.rank = rank;
        s.rank_in_tier = tier;
    }
}
