//! Peer search: for one unit and one sector (or vertical, or any aggregate), the k most similar
//! units that score clearly better there, with the gap and the indicators behind it.

use serde::{Deserialize, Serialize};

use super::{check_unknown, err, finite, CostWeights, Ctx, PairError, Shared, Terms, UnitRef};
use crate::aggregate::Child;
use crate::framework::Framework;
use crate::issue::Issue;
use crate::pipeline::Scored;

/// Options of [`peers`]. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PeerOptions {
    /// How many peers to return.
    pub k: usize,
    /// "Clearly better": the peer's score minus the unit's is at least this many points of the
    /// aggregate's scale (MPI sectors and verticals: 0..100).
    pub min_gap: f64,
    /// Distance weights of the context terms (complement is ignored).
    pub weights: CostWeights,
    pub unknown: f64,
    pub unknown_population: f64,
    /// How many indicators to list per peer as the difference.
    pub drivers: usize,
}

impl Default for PeerOptions {
    fn default() -> Self {
        PeerOptions {
            k: 5,
            min_gap: 5.0,
            weights: CostWeights::peer_defaults(),
            unknown: 1.0,
            unknown_population: std::f64::consts::LN_10,
            drivers: 5,
        }
    }
}

/// The aggregate searched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeRef {
    pub id: String,
    pub name: String,
    /// `sector` (aggregate of indicators), `vertical` (child of the index), `index`, or `aggregate`.
    pub level: String,
}

/// One indicator of the searched aggregate and how much it contributes to the gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    pub id: String,
    pub name: String,
    /// Nominal share of the indicator in the aggregate: product of w / Σ sibling w along the tree.
    pub weight: f64,
    /// Derived values (the indicator's own units).
    pub unit_value: Option<f64>,
    pub peer_value: Option<f64>,
    /// Normalised values (direction applied: higher is better).
    pub unit_normalised: Option<f64>,
    pub peer_normalised: Option<f64>,
    /// weight × (peer_normalised − unit_normalised).
    pub contribution: f64,
    pub higher_is_better: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    pub unit: UnitRef,
    pub score: f64,
    /// Peer's score minus the unit's, in points.
    pub gap: f64,
    /// Σ weight × context term (0 = same zone, terrain, tier, population, a shared tag).
    pub distance: f64,
    /// 1 / (1 + distance), in (0, 1].
    pub similarity: f64,
    /// Raw context terms (complement is 0).
    pub terms: Terms,
    pub shared: Shared,
    pub unknown: Vec<String>,
    /// Indicators with the largest positive contributions, largest first.
    pub drivers: Vec<Driver>,
    /// Indicators of the aggregate the peer reports and the unit does not.
    pub missing_at_unit: Vec<String>,
}

/// Result of [`peers`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerSearch {
    pub options: PeerOptions,
    pub unit: UnitRef,
    pub node: NodeRef,
    pub score: f64,
    /// Units of the comparison group that score at least `min_gap` above (before taking k).
    pub clearly_better: usize,
    pub peers: Vec<Peer>,
    pub issues: Vec<Issue>,
}

/// The aggregates a peer search can be asked about, for a picker: sectors first, then verticals,
/// then the index (framework order inside each level).
pub fn search_nodes(fw: &Framework, s: &Scored) -> Result<Vec<NodeRef>, PairError> {
    let ctx = Ctx::new(fw, s)?;
    let mut out: Vec<(u8, usize, NodeRef)> = Vec::new();
    let root = fw.root().map(|r| r.id.as_str());
    for (a, agg) in fw.aggregates.iter().enumerate() {
        let (rank, level) = if ctx.sectors.contains(&a) {
            (0, "sector")
        } else if agg.parent.is_none() {
            (2, "index")
        } else if agg.parent.as_deref() == root {
            (1, "vertical")
        } else {
            (1, "aggregate")
        };
        out.push((rank, a, NodeRef { id: agg.id.clone(), name: agg.name.clone(), level: level.into() }));
    }
    crate::sort::sort_by_key(&mut out, |x| (x.0, x.1));
    Ok(out.into_iter().map(|x| x.2).collect())
}

/// Indicators under aggregate `a` with their nominal shares.
fn indicator_shares(s: &Scored, a: usize) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    let mut stack = vec![(a, 1.0f64)];
    let mut guard = 0usize;
    while let Some((node, share)) = stack.pop() {
        guard += 1;
        if guard > 100_000 {
            break; // a validated framework has no cycles; never loop on a bad one
        }
        let Some(pn) = s.plan.nodes.iter().find(|n| n.aggregate == node) else { continue };
        let w = |c: &Child| match *c {
            Child::Indicator(j) => s.plan.indicator_weights.get(j).copied().unwrap_or(0.0),
            Child::Aggregate(k) => s.plan.aggregate_weights.get(k).copied().unwrap_or(0.0),
        };
        let total: f64 = pn.children.iter().map(w).filter(|x| *x > 0.0).sum();
        if total <= 0.0 {
            continue;
        }
        for c in &pn.children {
            let wc = w(c);
            if wc <= 0.0 {
                continue;
            }
            match *c {
                Child::Indicator(j) => out.push((j, share * wc / total)),
                Child::Aggregate(k) => stack.push((k, share * wc / total)),
            }
        }
    }
    crate::sort::sort_by_key(&mut out, |x| x.0);
    out
}

/// Find the `k` units most similar to `ulb` that score at least `min_gap` points better in
/// aggregate `node` (a sector such as `1.3`, a vertical such as `services`, or any aggregate id).
///
/// Candidates: ranked units of the same comparison group (scores are comparable only there).
/// Order: distance ascending, then larger gap, then id.
pub fn peers(fw: &Framework, s: &Scored, ulb: &str, node: &str, opts: &PeerOptions) -> Result<PeerSearch, PairError> {
    if opts.k == 0 {
        return err("k must be at least 1");
    }
    if !(opts.min_gap.is_finite() && opts.min_gap >= 0.0) {
        return err(format!("min_gap must be a finite number ≥ 0, got {}", opts.min_gap));
    }
    opts.weights.check().map_err(PairError)?;
    check_unknown(opts.unknown, opts.unknown_population)?;
    let ctx = Ctx::new(fw, s)?;
    let Some(u) = s.unit_index(ulb.trim()) else {
        return err(format!("unit {ulb:?} is not in the data ({} units)", s.units.len()));
    };
    let Some(a) = s.aggregate_index(node.trim()) else {
        let sectors: Vec<&str> = ctx.sectors.iter().map(|&a| s.aggregate_ids[a].as_str()).collect();
        let verticals: Vec<&str> = fw
            .aggregates
            .iter()
            .filter(|x| x.parent.as_deref() == fw.root().map(|r| r.id.as_str()))
            .map(|x| x.id.as_str())
            .collect();
        return err(format!(
            "{node:?} is not a sector or vertical of framework {} (sectors: {}; verticals: {})",
            fw.id,
            sectors.join(", "),
            verticals.join(", ")
        ));
    };
    let level = if a == s.plan.root {
        "index"
    } else if ctx.sectors.contains(&a) {
        "sector"
    } else if fw.aggregates[a].parent.as_deref() == fw.root().map(|r| r.id.as_str()) {
        "vertical"
    } else {
        "aggregate"
    };
    let node_ref = NodeRef { id: s.aggregate_ids[a].clone(), name: ctx.aggregate_name(a), level: level.into() };
    let Some(g) = s.groups.of_unit[u] else {
        return err(format!("unit {ulb} has no scores (not in any comparison group, or screened out)"));
    };
    let Some(score) = ctx.score(u, a) else {
        return err(format!(
            "unit {ulb} has no score in {} {} (all its indicators there are missing): nothing to compare",
            node_ref.id, node_ref.name
        ));
    };
    let mut issues = Vec::new();
    if s.rank[u].is_none() {
        issues.push(Issue::warning(format!("unit {ulb} is not ranked (low coverage); its scores are less reliable")));
    }
    let shares = indicator_shares(s, a);
    let mut cands: Vec<Peer> = Vec::new();
    for &v in &s.groups.members[g] {
        if v == u || s.rank[v].is_none() {
            continue;
        }
        let Some(sv) = ctx.score(v, a) else { continue };
        let gap = sv - score;
        if gap < opts.min_gap {
            continue;
        }
        let (terms, shared, unknown) = ctx.context_terms(u, v, opts.unknown, opts.unknown_population);
        let mut w = opts.weights;
        w.complement = 0.0;
        let distance = terms.weighted(&w).total();
        let mut drivers = Vec::new();
        let mut missing_at_unit = Vec::new();
        for &(j, share) in &shares {
            let (nu, nv) = (s.normalised.get(u, j), s.normalised.get(v, j));
            if nu.is_nan() {
                if !nv.is_nan() {
                    missing_at_unit.push(s.indicator_ids[j].clone());
                }
                continue;
            }
            if nv.is_nan() {
                continue;
            }
            let contribution = share * (nv - nu);
            if contribution > 0.0 {
                drivers.push(Driver {
                    id: s.indicator_ids[j].clone(),
                    name: fw.indicators[j].name.clone(),
                    weight: share,
                    unit_value: finite(s.derived.get(u, j)),
                    peer_value: finite(s.derived.get(v, j)),
                    unit_normalised: Some(nu),
                    peer_normalised: Some(nv),
                    contribution,
                    higher_is_better: fw.indicators[j].direction > 0.0,
                });
            }
        }
        crate::sort::sort_by(&mut drivers, |x, y| {
            y.contribution.total_cmp(&x.contribution).then_with(|| x.id.cmp(&y.id))
        });
        drivers.truncate(opts.drivers);
        cands.push(Peer {
            unit: ctx.unit_ref(v),
            score: sv,
            gap,
            distance,
            similarity: 1.0 / (1.0 + distance),
            terms,
            shared,
            unknown,
            drivers,
            missing_at_unit,
        });
    }
    let clearly_better = cands.len();
    if clearly_better == 0 {
        issues.push(Issue::info(format!(
            "no ranked unit of the comparison group scores {} or more points above {ulb} in {} (score {})",
            crate::fmt::number(opts.min_gap),
            node_ref.id,
            crate::fmt::number((score * 100.0).round() / 100.0)
        )));
    }
    crate::sort::sort_by(&mut cands, |x, y| {
        x.distance.total_cmp(&y.distance).then(y.gap.total_cmp(&x.gap)).then_with(|| x.unit.id.cmp(&y.unit.id))
    });
    cands.truncate(opts.k);
    Ok(PeerSearch {
        options: opts.clone(),
        unit: ctx.unit_ref(u),
        node: node_ref,
        score,
        clearly_better,
        peers: cands,
        issues,
    })
}
