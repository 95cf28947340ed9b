//! "Why this score": the exact decomposition of one unit's index into the contributions of its
//! indicators.
//!
//! With the comparison group's statistics held fixed (the means and sds that standardised the
//! indicators, and the min and max that rescaled each node), every arithmetic-mean node is an
//! affine function of its children, so the index is an affine function of the unit's normalised
//! values:
//!
//! ```text
//! index = baseline + Σ_i c_i,   c_i = a_i · z_i
//! ```
//!
//! Walking down from the root with multiplier `m = 1`: a node with rescale `[lo, hi]` and group
//! range `[min, max]` of its raw values has slope `k = (hi − lo)/(max − min)` and adds
//! `m · (lo − k · min)` to the baseline (`m · hi` and `k = 0` when `max == min`); a child `c` with
//! weight `w_c` gets multiplier `m · k · w_c / W`, where `W` is the sum of the weights of the
//! node's children that are available for this unit (missing children are skipped and the
//! weights renormalised over the others, exactly as the aggregation does). An indicator's
//! multiplier `a_i` is its "points per unit of normalised value"; `c_i = a_i · z_i`.
//! For MPI: `c_i = (w_v/Σw) · (1/n_s) · (1/n_i) · 100/(max_s − min_s) · z_i`, and the baseline
//! collects the `−100 · min_s/(max_s − min_s)` terms.
//!
//! Geometric and harmonic means are not affine: decomposition is refused for them.

use serde::Serialize;

use super::{find_unit, opt, unit_index_value, AnalysisError};
use crate::aggregate::Child;
use crate::framework::Framework;
use crate::pipeline::Scored;
use crate::settings::Aggregation;

/// One input field of the unit as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputValue {
    pub id: String,
    /// Numbers and Y/N (1/0); `None` when missing or a text field.
    pub value: Option<f64>,
    /// Text fields (e.g. a credit rating).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// One indicator's part of the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub id: String,
    pub name: String,
    /// Id of the aggregate the indicator belongs to (MPI: the sector).
    pub parent: String,
    /// +1 higher is better, −1 lower is better.
    pub direction: f64,
    pub inputs: Vec<InputValue>,
    /// Value derived from the inputs, and after caps/floors etc.
    pub derived: Option<f64>,
    pub processed: Option<f64>,
    /// Mean and sd of the directed processed values in the unit's comparison group.
    pub group_mean: Option<f64>,
    pub group_sd: Option<f64>,
    /// Normalised value (MPI: z-score; under the `mean`/`worst` policies the substitute).
    pub normalised: Option<f64>,
    /// The indicator's share of the index weight for this unit (after reweighting over the
    /// available children at every level); sums to 1 over the contributing indicators.
    pub weight: f64,
    /// Index points per unit of normalised value (`a_i`), with the group's ranges fixed.
    pub points_per_unit: f64,
    /// Index points contributed: `points_per_unit × normalised` (0 when missing and skipped).
    pub contribution: f64,
    /// The derived value is missing.
    pub missing: bool,
}

/// The points one aggregate (sector, vertical) brings to the index: the sum of its indicators'
/// contributions plus its share of the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeContribution {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
    /// The node's score for the unit.
    pub value: Option<f64>,
    pub contribution: f64,
    pub baseline: f64,
}

/// The decomposition of one unit's index: `baseline + Σ contributions == index`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub unit_id: String,
    pub unit_name: String,
    pub index: f64,
    pub rank: Option<u32>,
    pub rank_in_tier: Option<u32>,
    /// The constant part: what the unit would score with every available normalised value 0
    /// (z = 0: at the group mean), group ranges fixed.
    pub baseline: f64,
    /// `baseline + Σ contribution` (equals `index` up to rounding, ~1e-13).
    pub total: f64,
    /// One row per indicator of the framework, sorted by |contribution| (largest first; ties
    /// by framework order). [`Explanation::sort_by_id`] gives framework order.
    pub rows: Vec<Contribution>,
    /// Every aggregate except the root, in framework order.
    pub nodes: Vec<NodeContribution>,
}

impl Explanation {
    /// Rows in framework order (the order of the indicators in the framework file).
    pub fn sort_by_id(&mut self, fw: &Framework) {
        let pos = |id: &str| fw.indicators.iter().position(|i| i.id == id).unwrap_or(usize::MAX);
        crate::sort::sort_by_key(&mut self.rows, |r| pos(&r.id));
    }
}

/// Decompose the index of unit `unit_id` (see the module docs).
pub fn explain(fw: &Framework, s: &Scored, unit_id: &str) -> Result<Explanation, AnalysisError> {
    let u = find_unit(s, unit_id)?;
    let index = unit_index_value(s, u)?;
    let plan = &s.plan;
    let n_ind = s.indicator_ids.len();
    let n_agg = s.aggregate_ids.len();
    if fw.indicators.len() != n_ind || fw.aggregates.len() != n_agg {
        return Err(AnalysisError::Unsupported("the framework is not the one the data was scored with".into()));
    }
    let g = s.groups.of_unit[u];
    let members: &[usize] = g.map(|g| s.groups.members[g].as_slice()).unwrap_or(&[]);

    let mut mult_agg = vec![0.0; n_agg];
    let mut share_agg = vec![0.0; n_agg];
    let mut base_agg = vec![0.0; n_agg];
    let mut mult_ind = vec![0.0; n_ind];
    let mut share_ind = vec![0.0; n_ind];
    mult_agg[plan.root] = 1.0;
    share_agg[plan.root] = 1.0;
    for node in plan.nodes.iter().rev() {
        let k = node.aggregate;
        if s.aggregates.get(u, k).is_nan() {
            continue; // not available: its parent skipped it
        }
        if node.method != Aggregation::Amean {
            return Err(AnalysisError::Unsupported(format!(
                "decomposition is exact only for arithmetic means, but {} uses {} aggregation",
                s.aggregate_ids[k],
                node.method.label()
            )));
        }
        let m = mult_agg[k];
        let mut slope = 1.0;
        if let Some([lo, hi]) = node.rescale {
            let raw = s.aggregates_raw.col(k);
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            for &v in members {
                if !raw[v].is_nan() {
                    min = min.min(raw[v]);
                    max = max.max(raw[v]);
                }
            }
            if max == min {
                slope = 0.0;
                base_agg[k] = m * hi;
            } else {
                slope = (hi - lo) / (max - min);
                base_agg[k] = m * (lo - slope * min);
            }
        }
        let value = |c: Child| match c {
            Child::Indicator(j) => s.normalised.get(u, j),
            Child::Aggregate(a) => s.aggregates.get(u, a),
        };
        let weight = |c: Child| match c {
            Child::Indicator(j) => plan.indicator_weights[j],
            Child::Aggregate(a) => plan.aggregate_weights[a],
        };
        let wsum: f64 =
            node.children.iter().filter(|&&c| weight(c) != 0.0 && !value(c).is_nan()).map(|&c| weight(c)).sum();
        if wsum <= 0.0 {
            continue;
        }
        for &c in &node.children {
            let w = weight(c);
            if w == 0.0 || value(c).is_nan() {
                continue;
            }
            match c {
                Child::Indicator(j) => {
                    mult_ind[j] = m * slope * w / wsum;
                    share_ind[j] = share_agg[k] * w / wsum;
                }
                Child::Aggregate(a) => {
                    mult_agg[a] = m * slope * w / wsum;
                    share_agg[a] = share_agg[k] * w / wsum;
                }
            }
        }
    }

    let tree = super::Tree::new(plan, n_ind, n_agg);
    let mut rows = Vec::with_capacity(n_ind);
    let mut contrib_agg = vec![0.0; n_agg];
    for (j, ind) in fw.indicators.iter().enumerate() {
        let z = s.normalised.get(u, j);
        let c = if z.is_nan() || mult_ind[j] == 0.0 { 0.0 } else { mult_ind[j] * z };
        let mut a = tree.parent_of_indicator(j);
        while let Some(k) = a {
            contrib_agg[k] += c;
            a = tree.parent_of_aggregate(k);
        }
        let (gm, gsd) = g.map(|g| s.group_stats[j][g]).unwrap_or((f64::NAN, f64::NAN));
        rows.push(Contribution {
            id: ind.id.clone(),
            name: ind.name.clone(),
            parent: ind.parent.clone(),
            direction: ind.direction,
            inputs: unit_inputs(fw, s, u, j),
            derived: opt(s.derived.get(u, j)),
            processed: opt(s.processed.get(u, j)),
            group_mean: opt(gm),
            group_sd: opt(gsd),
            normalised: opt(z),
            weight: share_ind[j],
            points_per_unit: mult_ind[j],
            contribution: c,
            missing: s.derived.get(u, j).is_nan(),
        });
    }
    // Baseline of each node's subtree.
    let mut base_sub = base_agg.clone();
    for node in &plan.nodes {
        let k = node.aggregate;
        if let Some(p) = tree.parent_of_aggregate(k) {
            base_sub[p] += base_sub[k];
        }
    }
    let baseline = base_sub[plan.root];
    // Sum small terms first for the least rounding.
    let mut terms: Vec<f64> = rows.iter().map(|r| r.contribution).collect();
    crate::sort::sort_by(&mut terms, |a, b| a.abs().total_cmp(&b.abs()));
    let total = baseline + terms.iter().sum::<f64>();
    crate::sort::sort_by(&mut rows, |a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
    let nodes = fw
        .aggregates
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != plan.root)
        .map(|(k, a)| NodeContribution {
            id: a.id.clone(),
            name: a.name.clone(),
            parent: a.parent.clone(),
            value: opt(s.aggregates.get(u, k)),
            contribution: contrib_agg[k],
            baseline: base_sub[k],
        })
        .collect();
    Ok(Explanation {
        unit_id: s.units.ids[u].clone(),
        unit_name: s.units.names[u].clone(),
        index,
        rank: s.rank[u],
        rank_in_tier: s.rank_in_tier[u],
        baseline,
        total,
        rows,
        nodes,
    })
}

/// The unit's values of the input fields an indicator reads.
pub(crate) fn unit_inputs(fw: &Framework, s: &Scored, u: usize, j: usize) -> Vec<InputValue> {
    fw.indicators[j]
        .derivation()
        .inputs()
        .into_iter()
        .map(|id| match s.inputs.get(&id) {
            Some(c) => {
                let text = c.text.get(u).filter(|t| !t.is_empty()).cloned();
                InputValue { value: if text.is_some() { None } else { opt(c.values[u]) }, text, id }
            }
            None => InputValue { id, value: None, text: None },
        })
        .collect()
}
