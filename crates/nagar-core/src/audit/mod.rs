//! Statistical audit of a scored run, for any framework, deterministic: what the JRC checks
//! before it trusts a composite indicator (OECD/JRC Handbook 2008, steps 4-7; COINr's
//! `get_stats`, `get_corr`, `get_cronbach`, `get_PCA`, `remove_elements`).
//!
//! - [`stats`]: indicator statistics exactly as COINr's `get_stats()`, on the derived ("Raw")
//!   values and on the normalised ones;
//! - correlation of every element with its parent and with the index, and between the children
//!   of each aggregate ([`corr`]: Pearson or Spearman, pairwise complete);
//! - Cronbach's alpha and the first principal component ([`pca`]) of the children of each
//!   aggregate;
//! - the impact of removing each element (weight 0, re-aggregated, re-ranked): mean absolute
//!   rank change of the index, as COINr's `remove_elements()`;
//! - each child's share of squared correlation with its parent beside its share of the weight;
//! - flags in words.
//!
//! The "Aggregated" data set of COINr is, in nagar terms, the normalised indicator values
//! (`Scored::normalised`) and the aggregate scores (`Scored::aggregates`). Levels are counted as
//! COINr does: indicators are level 1 and an aggregate is one level above its highest child
//! (ASEM: pillars 2, sub-indices 3, index 4; MPI: sectors 2, verticals 3, index 4).
//!
//! Results are `Serialize`; [`sheets`] turns them into the output tables (CSV/XLSX).

pub mod corr;
pub mod pca;
pub mod sheets;
pub mod stats;

use serde::Serialize;

use crate::aggregate::Child;
use crate::framework::Framework;
use crate::matrix::Matrix;
use crate::pipeline::Scored;

pub use corr::CorrMethod;
pub use sheets::sheets;
pub use stats::{IndicatorStats, StatsThresholds};

/// What to audit and the thresholds of the flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditOptions {
    /// Correlation coefficient of every correlation (Cronbach and PCA are Pearson-based by
    /// definition).
    pub corr: CorrMethod,
    /// Levels whose Cronbach/PCA (children of level L, grouped by their parent) and removal
    /// impact (elements of level L) are computed; `None`: every level below the index.
    pub levels: Option<Vec<u32>>,
    pub stats: StatsThresholds,
    /// |r| between two children of one aggregate above this flags them as redundant.
    pub redundant_r: f64,
    /// Cronbach's alpha below this flags an aggregate as incoherent (Nunnally 1978).
    pub alpha_min: f64,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            corr: CorrMethod::Pearson,
            levels: None,
            stats: StatsThresholds::default(),
            redundant_r: 0.9,
            alpha_min: 0.7,
        }
    }
}

/// One element of the framework (indicator or aggregate) as the audit sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Element {
    pub id: String,
    pub name: String,
    pub level: u32,
    /// `None` for the index.
    pub parent: Option<String>,
    pub indicator: bool,
}

/// A correlation of an element with another (its parent, the index, a sibling).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrRow {
    pub element: String,
    /// The parent, the index, or the other sibling.
    pub with: String,
    /// Level of `element`.
    pub level: u32,
    /// The aggregate whose children are compared (sibling correlations), else the parent.
    pub aggregate: String,
    pub r: f64,
    /// Complete pairs.
    pub n: usize,
}

/// Cronbach's alpha and the first principal component of the children of one aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coherence {
    pub aggregate: String,
    /// Level of the children (one below the aggregate), as COINr's `Level` argument.
    pub level: u32,
    pub children: Vec<String>,
    pub alpha: f64,
    /// Why alpha is undefined (empty when defined).
    pub alpha_note: String,
    /// Units with a value in every child (the rows PCA uses).
    pub n_complete: usize,
    pub pc1_variance_share: f64,
    /// Loading of each child on the first component (sign arbitrary: oriented to sum ≥ 0).
    pub loadings: Vec<f64>,
    pub pca_note: String,
}

/// The rank impact of removing one element (its weight set to 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Removal {
    pub element: String,
    pub level: u32,
    /// Mean over units ranked in both runs of |nominal rank − rank without the element|.
    pub mean_abs_rank_change: f64,
    /// Largest |rank change| of a unit.
    pub max_abs_rank_change: f64,
    /// Units ranked in both runs.
    pub n: usize,
    pub note: String,
}

/// A child's share of its parent's squared correlations beside its share of the weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub aggregate: String,
    pub child: String,
    pub level: u32,
    pub weight: f64,
    /// weight / Σ sibling weights.
    pub weight_share: f64,
    /// Correlation with the parent.
    pub r: f64,
    /// r² / Σ sibling r² (siblings with a defined r).
    pub r2_share: f64,
}

/// A finding in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub element: String,
    pub level: u32,
    /// `negative_with_parent`, `redundant`, `low_alpha`, `outliers`, `low_availability`,
    /// `mostly_zero`, `few_unique`, `undefined`.
    pub kind: &'static str,
    /// The number behind the flag (r, alpha, share...), NaN when none.
    pub value: f64,
    pub message: String,
}

/// The whole audit of one scored run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub corr_method: CorrMethod,
    /// Every element: indicators, then aggregates, framework order.
    pub elements: Vec<Element>,
    /// `get_stats()` of the derived ("Raw") indicator values, and of the normalised ones.
    pub stats_raw: Vec<IndicatorStats>,
    pub stats_normalised: Vec<IndicatorStats>,
    /// Every element but the index with its parent, by level.
    pub corr_with_parent: Vec<CorrRow>,
    /// Every element but the index with the index, by level.
    pub corr_with_index: Vec<CorrRow>,
    /// Every pair of children of every aggregate (each pair once).
    pub corr_children: Vec<CorrRow>,
    /// Per aggregate (of the audited levels): Cronbach's alpha and PCA of its children.
    pub coherence: Vec<Coherence>,
    pub removal: Vec<Removal>,
    pub shares: Vec<Share>,
    pub flags: Vec<Flag>,
    /// The levels audited by Cronbach/PCA/removal.
    pub levels: Vec<u32>,
}

/// Two decimals for messages.
fn show(x: f64) -> String {
    crate::analysis::show(x)
}

/// A correlation for messages: three decimals (0.904 is above 0.9; 0.90 would not say so).
fn show_r(r: f64) -> String {
    format!("{r:.3}")
}

/// The order flags are listed in: the coherence findings first, data problems after.
pub const FLAG_KINDS: [&str; 8] = [
    "negative_with_parent",
    "redundant",
    "low_alpha",
    "outliers",
    "low_availability",
    "mostly_zero",
    "few_unique",
    "undefined",
];

/// The level of every indicator (1) and aggregate (one above its highest child), as COINr counts.
pub fn levels(s: &Scored) -> (Vec<u32>, Vec<u32>) {
    let ind_level = vec![1u32; s.indicator_ids.len()];
    let mut agg_level = vec![2u32; s.aggregate_ids.len()];
    // Children come before parents in the plan.
    for node in &s.plan.nodes {
        let top = node
            .children
            .iter()
            .map(|&c| match c {
                Child::Indicator(_) => 1,
                Child::Aggregate(a) => agg_level[a],
            })
            .max()
            .unwrap_or(1);
        agg_level[node.aggregate] = top + 1;
    }
    (ind_level, agg_level)
}

/// The level of the index: elements of levels 1 to this minus one can be audited by level.
pub fn index_level(s: &Scored) -> u32 {
    levels(s).1.get(s.plan.root).copied().unwrap_or(2)
}

/// Audit a scored run of `fw` (the run's own settings and weights).
pub fn audit(fw: &Framework, s: &Scored, opts: &AuditOptions) -> Audit {
    let n_ind = s.indicator_ids.len();
    let n_agg = s.aggregate_ids.len();
    let (ind_level, agg_level) = levels(s);
    let mut ind_parent: Vec<Option<usize>> = vec![None; n_ind];
    let mut agg_parent: Vec<Option<usize>> = vec![None; n_agg];
    for node in &s.plan.nodes {
        for &c in &node.children {
            match c {
                Child::Indicator(j) => ind_parent[j] = Some(node.aggregate),
                Child::Aggregate(a) => agg_parent[a] = Some(node.aggregate),
            }
        }
    }
    let root = s.plan.root;
    let top = agg_level[root];
    let level_of = |c: Child| match c {
        Child::Indicator(j) => ind_level[j],
        Child::Aggregate(a) => agg_level[a],
    };
    let id_of = |c: Child| match c {
        Child::Indicator(j) => s.indicator_ids[j].clone(),
        Child::Aggregate(a) => s.aggregate_ids[a].clone(),
    };
    let values = |c: Child| -> &[f64] {
        match c {
            Child::Indicator(j) => s.normalised.col(j),
            Child::Aggregate(a) => s.aggregates.col(a),
        }
    };

    let mut elements = Vec::with_capacity(n_ind + n_agg);
    for (j, ind) in fw.indicators.iter().enumerate().take(n_ind) {
        elements.push(Element {
            id: ind.id.clone(),
            name: ind.name.clone(),
            level: ind_level[j],
            parent: ind_parent[j].map(|p| s.aggregate_ids[p].clone()),
            indicator: true,
        });
    }
    for (k, a) in fw.aggregates.iter().enumerate().take(n_agg) {
        elements.push(Element {
            id: a.id.clone(),
            name: a.name.clone(),
            level: agg_level[k],
            parent: agg_parent[k].map(|p| s.aggregate_ids[p].clone()),
            indicator: false,
        });
    }
    // Every child of an aggregate, by level then framework order (indicators, then aggregates).
    let mut nodes: Vec<(Child, usize)> = (0..n_ind)
        .filter_map(|j| ind_parent[j].map(|p| (Child::Indicator(j), p)))
        .chain((0..n_agg).filter_map(|k| agg_parent[k].map(|p| (Child::Aggregate(k), p))))
        .collect();
    crate::sort::sort_by_key(&mut nodes, |&(c, _)| level_of(c));

    let mut flags = Vec::new();
    let flag = |flags: &mut Vec<Flag>, element: &str, level: u32, kind: &'static str, value: f64, message: String| {
        flags.push(Flag { element: element.to_string(), level, kind, value, message })
    };

    // Statistics.
    let stats_of = |m: &Matrix| -> Vec<IndicatorStats> {
        (0..n_ind).map(|j| stats::column_stats(&s.indicator_ids[j], m.col(j), &opts.stats)).collect()
    };
    let stats_raw = stats_of(&s.derived);
    let stats_normalised = stats_of(&s.normalised);
    for st in &stats_raw {
        let id = &st.id;
        if st.flag_avail == Some("LOW") {
            flag(
                &mut flags,
                id,
                1,
                "low_availability",
                st.frc_avail,
                format!(
                    "{id}: only {}% of units have a value (below {}%)",
                    show(st.frc_avail * 100.0),
                    show(opts.stats.avail * 100.0)
                ),
            );
        }
        if st.flag_nonzero == Some("LOW") && st.n_avail > 0 {
            flag(
                &mut flags,
                id,
                1,
                "mostly_zero",
                st.n_nonzero as f64 / s.units.len().max(1) as f64,
                format!(
                    "{id}: {} of {} units have a non-zero value (below {}%)",
                    st.n_nonzero,
                    s.units.len(),
                    show(opts.stats.zero * 100.0)
                ),
            );
        }
        if st.flag_unique == Some("LOW") && st.n_avail > 0 {
            flag(
                &mut flags,
                id,
                1,
                "few_unique",
                st.n_unique as f64 / s.units.len().max(1) as f64,
                format!(
                    "{id}: {} distinct values among {} units (below {}%): it separates units little",
                    st.n_unique,
                    s.units.len(),
                    show(opts.stats.unique * 100.0)
                ),
            );
        }
        if st.flag_skew_kurt == Some("OUT") {
            flag(
                &mut flags,
                id,
                1,
                "outliers",
                st.skew,
                format!(
                    "{id}: skewness {} and kurtosis {} (|skew| > {} and kurtosis > {}): possible outliers; \
                     consider treating them (--treat winsorise)",
                    show(st.skew),
                    show(st.kurt),
                    show(opts.stats.skew),
                    show(opts.stats.kurt)
                ),
            );
        }
        if !st.undefined.is_empty() {
            flag(
                &mut flags,
                id,
                1,
                "undefined",
                f64::NAN,
                format!("{id}: some statistics are undefined: {}", st.undefined),
            );
        }
    }

    // Correlations with the parent and with the index.
    let method = opts.corr;
    let why_undefined = |c: corr::Corr| {
        if c.n < 2 {
            format!("only {} unit(s) have both values", c.n)
        } else {
            "one of the two does not vary".to_string()
        }
    };
    let mut corr_with_parent = Vec::new();
    let mut corr_with_index = Vec::new();
    for &(c, p) in &nodes {
        let id = id_of(c);
        let lvl = level_of(c);
        let pid = &s.aggregate_ids[p];
        let cp = corr::correlation(values(c), s.aggregates.col(p), method);
        if cp.r.is_nan() {
            flag(
                &mut flags,
                &id,
                lvl,
                "undefined",
                f64::NAN,
                format!("correlation of {id} with its parent {pid} is undefined: {}", why_undefined(cp)),
            );
        } else if cp.r < 0.0 {
            flag(
                &mut flags,
                &id,
                lvl,
                "negative_with_parent",
                cp.r,
                format!(
                    "{id} is negatively correlated with its parent {pid} (r = {}): it pulls against the aggregate; \
                     check its direction",
                    show_r(cp.r)
                ),
            );
        }
        corr_with_parent.push(CorrRow {
            element: id.clone(),
            with: pid.clone(),
            level: lvl,
            aggregate: pid.clone(),
            r: cp.r,
            n: cp.n,
        });
        let ci = if p == root { cp } else { corr::correlation(values(c), s.aggregates.col(root), method) };
        corr_with_index.push(CorrRow {
            element: id,
            with: s.aggregate_ids[root].clone(),
            level: lvl,
            aggregate: pid.clone(),
            r: ci.r,
            n: ci.n,
        });
    }

    // Children of each aggregate: pairs, shares, coherence.
    let levels: Vec<u32> = match &opts.levels {
        Some(l) => l.clone(),
        None => (1..top).collect(),
    };
    let mut corr_children = Vec::new();
    let mut shares = Vec::new();
    let mut coherence = Vec::new();
    for node in &s.plan.nodes {
        let k = node.aggregate;
        let aid = &s.aggregate_ids[k];
        let kids = &node.children;
        let kid_ids: Vec<String> = kids.iter().map(|&c| id_of(c)).collect();
        for a in 0..kids.len() {
            for b in a + 1..kids.len() {
                let c = corr::correlation(values(kids[a]), values(kids[b]), method);
                if c.r.abs() > opts.redundant_r {
                    flag(
                        &mut flags,
                        &kid_ids[a],
                        level_of(kids[a]),
                        "redundant",
                        c.r,
                        format!(
                            "{} and {} (both in {aid}) are correlated at r = {} (|r| > {}): they may measure the \
                             same thing twice",
                            kid_ids[a],
                            kid_ids[b],
                            show_r(c.r),
                            show(opts.redundant_r)
                        ),
                    );
                }
                corr_children.push(CorrRow {
                    element: kid_ids[a].clone(),
                    with: kid_ids[b].clone(),
                    level: level_of(kids[a]),
                    aggregate: aid.clone(),
                    r: c.r,
                    n: c.n,
                });
            }
        }
        // Shares of squared correlation with the parent, beside the weights.
        let weight = |c: Child| match c {
            Child::Indicator(j) => s.plan.indicator_weights[j],
            Child::Aggregate(a) => s.plan.aggregate_weights[a],
        };
        let wsum: f64 = kids.iter().map(|&c| weight(c)).sum();
        let rs: Vec<f64> = kids
            .iter()
            .map(|&c| corr_with_parent.iter().find(|r| r.element == id_of(c)).map_or(f64::NAN, |r| r.r))
            .collect();
        let r2sum: f64 = rs.iter().filter(|r| !r.is_nan()).map(|r| r * r).sum();
        for (i, &c) in kids.iter().enumerate() {
            shares.push(Share {
                aggregate: aid.clone(),
                child: kid_ids[i].clone(),
                level: level_of(c),
                weight: weight(c),
                weight_share: if wsum > 0.0 { weight(c) / wsum } else { f64::NAN },
                r: rs[i],
                r2_share: if r2sum > 0.0 && !rs[i].is_nan() { rs[i] * rs[i] / r2sum } else { f64::NAN },
            });
        }
        // Cronbach and PCA for the audited levels.
        let lvl = agg_level[k] - 1;
        if !levels.contains(&lvl) {
            continue;
        }
        let cols: Vec<&[f64]> = kids.iter().map(|&c| values(c)).collect();
        let (alpha, alpha_note) = match corr::cronbach_alpha(&cols) {
            Ok(a) => (a, String::new()),
            Err(why) => (f64::NAN, why),
        };
        if alpha_note.is_empty() && alpha < opts.alpha_min {
            flag(
                &mut flags,
                aid,
                agg_level[k],
                "low_alpha",
                alpha,
                format!(
                    "the {} children of {aid} have Cronbach's alpha {} (below {}): they do not measure one thing \
                     consistently",
                    kids.len(),
                    show_r(alpha),
                    show(opts.alpha_min)
                ),
            );
        } else if !alpha_note.is_empty() {
            flag(
                &mut flags,
                aid,
                agg_level[k],
                "undefined",
                f64::NAN,
                format!("Cronbach's alpha of the children of {aid} is undefined: {alpha_note}"),
            );
        }
        let (n_complete, share, loadings, pca_note) = match pca::first_component(&cols, &kid_ids) {
            Ok(p) => {
                let note = if kids.len() == 1 {
                    "one child: the first component is all of it".to_string()
                } else {
                    String::new()
                };
                (p.n_complete, p.variance_share, p.loadings, note)
            }
            Err((m, why)) => {
                flag(
                    &mut flags,
                    aid,
                    agg_level[k],
                    "undefined",
                    f64::NAN,
                    format!("PCA of the children of {aid} is undefined: {why}"),
                );
                (m, f64::NAN, vec![f64::NAN; kids.len()], why)
            }
        };
        coherence.push(Coherence {
            aggregate: aid.clone(),
            level: lvl,
            children: kid_ids,
            alpha,
            alpha_note,
            n_complete,
            pc1_variance_share: share,
            loadings,
            pca_note,
        });
    }

    let removal = removal_impact(s, &levels, &ind_level, &agg_level);
    for r in removal.iter().filter(|r| !r.note.is_empty()) {
        flag(&mut flags, &r.element, r.level, "undefined", f64::NAN, format!("removing {}: {}", r.element, r.note));
    }

    crate::sort::sort_by_key(&mut flags, |f| FLAG_KINDS.iter().position(|k| *k == f.kind).unwrap_or(FLAG_KINDS.len()));
    Audit {
        corr_method: method,
        elements,
        stats_raw,
        stats_normalised,
        corr_with_parent,
        corr_with_index,
        corr_children,
        coherence,
        removal,
        shares,
        flags,
        levels,
    }
}

/// For every element of the given levels (the index excluded): its weight set to 0, every
/// aggregate it reaches recomputed over the run's normalised values, the index re-ranked with
/// the run's rule (comparison group, coverage, screening); then the mean absolute rank change
/// over the units ranked in both runs (COINr `remove_elements(...)$MeanAbsDiff`). Weights enter
/// only the aggregation, so this equals re-scoring with the weight overridden to 0
/// (tests/audit.rs checks it against `pipeline::score`).
fn removal_impact(s: &Scored, levels: &[u32], ind_level: &[u32], agg_level: &[u32]) -> Vec<Removal> {
    let n = s.units.len();
    let n_agg = s.aggregate_ids.len();
    let mut raw = Matrix::new(n, n_agg);
    let mut out = Matrix::new(n, n_agg);
    let key: Vec<String> = (0..n).map(|u| s.groups.of_unit[u].map(|g| g.to_string()).unwrap_or_default()).collect();
    let mut targets: Vec<(Child, u32)> = Vec::new();
    for &l in levels {
        targets.extend(ind_level.iter().enumerate().filter(|(_, &x)| x == l).map(|(j, _)| (Child::Indicator(j), l)));
        targets.extend(
            agg_level
                .iter()
                .enumerate()
                .filter(|&(k, &x)| x == l && k != s.plan.root)
                .map(|(k, _)| (Child::Aggregate(k), l)),
        );
    }
    let mut result = Vec::with_capacity(targets.len());
    for (c, level) in targets {
        let mut plan = s.plan.clone();
        let element = match c {
            Child::Indicator(j) => {
                plan.indicator_weights[j] = 0.0;
                s.indicator_ids[j].clone()
            }
            Child::Aggregate(a) => {
                plan.aggregate_weights[a] = 0.0;
                s.aggregate_ids[a].clone()
            }
        };
        let mut r = Removal {
            element,
            level,
            mean_abs_rank_change: f64::NAN,
            max_abs_rank_change: f64::NAN,
            n: 0,
            note: String::new(),
        };
        if let Err(e) = crate::analysis::reaggregate_changed(s, &plan, &mut raw, &mut out) {
            r.note = e.to_string();
            result.push(r);
            continue;
        }
        let index = out.col(s.plan.root);
        let eligible: Vec<bool> = (0..n).map(|u| crate::analysis::eligible(s, u, index[u])).collect();
        let ranks = crate::pipeline::rank_within(index, &eligible, &key);
        let (mut sum, mut max, mut count) = (0.0, 0.0f64, 0usize);
        for (a, b) in s.rank.iter().zip(&ranks) {
            if let (Some(a), Some(b)) = (a, b) {
                let d = (*a as f64 - *b as f64).abs();
                sum += d;
                max = max.max(d);
                count += 1;
            }
        }
        if count == 0 {
            r.note = "no unit is ranked in both runs".into();
        } else {
            r.mean_abs_rank_change = sum / count as f64;
            r.max_abs_rank_change = max;
            r.n = count;
        }
        result.push(r);
    }
    result
}
