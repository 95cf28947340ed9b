//! Sister cities — the Ministry's "20-20 formula" (the N best-ranked units each mentor one of the
//! N worst, paired "from a similar region … or facing similar problems, such as water scarcity")
//! — and peer search (for one unit and one sector, the most similar units that do clearly better
//! there, and the indicators that make the difference).
//!
//! Pure functions of a [`Scored`] run and its [`Framework`]; inputs and outputs are serde types so
//! the page binds them as JSON. Every formula and default is in `docs/methodology-pairing.md`.
//!
//! Pairing, in short:
//! 1. the ranked units are split into subgroups: the comparison group (scores are only
//!    comparable inside one) × `within` (all, tier, zone or terrain);
//! 2. in each subgroup of `m` ranked units, `n = min(N, ⌊m/2⌋)` best are mentors and the `n`
//!    worst are mentees (ordered by rank, ties by id);
//! 3. cost(mentor, mentee) = Σ weight × term over six terms ([`Terms`]); `same` constraints
//!    forbid pairs; the assignment is the exact least-cost maximum matching ([`min_cost_matching`]).

mod assign;
mod peers;
mod sheet;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use assign::{min_cost_matching, min_cost_matching_int, COST_QUANTUM};
pub use peers::{peers, search_nodes, Driver, NodeRef, Peer, PeerOptions, PeerSearch};
pub use sheet::{pairs_sheet, peers_sheet};

use crate::aggregate::Child;
use crate::framework::Framework;
use crate::issue::Issue;
use crate::pipeline::Scored;

/// A problem that stops pairing or peer search; the message says what to change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{0}")]
pub struct PairError(pub String);

fn err<T>(m: impl Into<String>) -> Result<T, PairError> {
    Err(PairError(m.into()))
}

/// Where pairs are formed: among all ranked units, or separately inside each tier/zone/terrain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Within {
    #[default]
    All,
    Tier,
    Zone,
    Terrain,
}

impl Within {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(Within::All),
            "tier" => Ok(Within::Tier),
            "zone" => Ok(Within::Zone),
            "terrain" => Ok(Within::Terrain),
            o => Err(format!("within {o:?}: expected all, tier, zone or terrain")),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Within::All => "all",
            Within::Tier => "tier",
            Within::Zone => "zone",
            Within::Terrain => "terrain",
        }
    }
}

/// A context attribute a hard constraint can require to be equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Attr {
    Zone,
    Terrain,
    Tier,
}

impl Attr {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zone" => Ok(Attr::Zone),
            "terrain" => Ok(Attr::Terrain),
            "tier" => Ok(Attr::Tier),
            o => Err(format!("same {o:?}: expected zone, terrain or tier")),
        }
    }
    /// `zone,terrain` → [Zone, Terrain] (order kept, repeats dropped; empty → none).
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let a = Attr::parse(part)?;
            if !out.contains(&a) {
                out.push(a);
            }
        }
        Ok(out)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Attr::Zone => "zone",
            Attr::Terrain => "terrain",
            Attr::Tier => "tier",
        }
    }
}

/// Weights of the six cost terms. 0 switches a term off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostWeights {
    pub zone: f64,
    pub terrain: f64,
    pub tier: f64,
    pub population: f64,
    pub tags: f64,
    pub complement: f64,
}

impl Default for CostWeights {
    /// Pairing defaults (choices, see the methodology): region and terrain ("the best hilly city
    /// with the worst hilly city") and shared problems (tags) count 1 each; tier 0.5 and
    /// population 0.5 per e-fold (a city twice as large costs 0.35) because tier already carries
    /// most of the size; complementarity 2, since it is the point of pairing (its term spans 0..1).
    fn default() -> Self {
        CostWeights { zone: 1.0, terrain: 1.0, tier: 0.5, population: 0.5, tags: 1.0, complement: 2.0 }
    }
}

impl CostWeights {
    pub const TERMS: [&'static str; 6] = ["zone", "terrain", "tier", "population", "tags", "complement"];

    /// Peer-search defaults: similarity of context only (complement does not apply).
    pub fn peer_defaults() -> Self {
        CostWeights { zone: 1.0, terrain: 1.0, tier: 1.0, population: 0.5, tags: 1.0, complement: 0.0 }
    }

    pub fn get(&self, term: &str) -> Option<f64> {
        Some(match term {
            "zone" => self.zone,
            "terrain" => self.terrain,
            "tier" => self.tier,
            "population" => self.population,
            "tags" => self.tags,
            "complement" => self.complement,
            _ => return None,
        })
    }

    fn slot(&mut self, term: &str) -> Option<&mut f64> {
        Some(match term {
            "zone" => &mut self.zone,
            "terrain" => &mut self.terrain,
            "tier" => &mut self.tier,
            "population" => &mut self.population,
            "tags" => &mut self.tags,
            "complement" => &mut self.complement,
            _ => return None,
        })
    }

    /// These weights with `zone=2,tags=0,...` applied (the CLI's `--weights`); terms not named
    /// keep their value. Names are the six term names; values finite and ≥ 0.
    pub fn with_overrides(&self, spec: &str) -> Result<Self, String> {
        let mut w = *self;
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("weights: {part:?} is not TERM=W"))?;
            let k = k.trim().to_ascii_lowercase();
            let x: f64 = v.trim().parse().map_err(|_| format!("weights: {part:?}: {:?} is not a number", v.trim()))?;
            let slot =
                w.slot(&k).ok_or_else(|| format!("weights: unknown term {k:?} (terms: {})", Self::TERMS.join(", ")))?;
            *slot = x;
        }
        w.check()?;
        Ok(w)
    }

    pub fn check(&self) -> Result<(), String> {
        for t in Self::TERMS {
            let x = self.get(t).unwrap_or(0.0);
            if !x.is_finite() || x < 0.0 {
                return Err(format!("weight of {t} must be a finite number ≥ 0, got {x}"));
            }
        }
        Ok(())
    }

    /// `zone=1,terrain=1,...` (all six, for settings sheets and the page).
    pub fn label(&self) -> String {
        Self::TERMS
            .iter()
            .map(|t| format!("{t}={}", crate::fmt::number(self.get(t).unwrap_or(0.0))))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The six cost terms of one (mentor, mentee) pair, or their weighted contributions.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Terms {
    /// 1 if the zones differ (or either is unknown: `unknown`), else 0.
    pub zone: f64,
    /// 1 if the terrains differ (case-insensitive; unknown: `unknown`), else 0.
    pub terrain: f64,
    /// 1 if the tiers differ (unknown: `unknown`), else 0.
    pub tier: f64,
    /// |ln pop_a − ln pop_b| (unknown or ≤ 0 population: `unknown_population`).
    pub population: f64,
    /// 1 if the two share no tag, else 0.
    pub tags: f64,
    /// 1 − mean, over the mentee's weakest sectors, of the mentor's strength there (0..1).
    pub complement: f64,
}

impl Terms {
    pub fn weighted(&self, w: &CostWeights) -> Terms {
        Terms {
            zone: w.zone * self.zone,
            terrain: w.terrain * self.terrain,
            tier: w.tier * self.tier,
            population: w.population * self.population,
            tags: w.tags * self.tags,
            complement: w.complement * self.complement,
        }
    }
    pub fn total(&self) -> f64 {
        self.zone + self.terrain + self.tier + self.population + self.tags + self.complement
    }
    pub fn values(&self) -> [f64; 6] {
        [self.zone, self.terrain, self.tier, self.population, self.tags, self.complement]
    }
}

/// Options of [`pair`]. Every field has a default, so `{}` is a valid JSON value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PairOptions {
    /// Mentors (and mentees) per subgroup; capped at ⌊ranked units / 2⌋, with a note.
    pub n: usize,
    pub within: Within,
    /// Hard constraints: pairs must share these attributes (an unknown value never matches).
    pub same: Vec<Attr>,
    pub weights: CostWeights,
    /// Value of the zone/terrain/tier terms when either side's value is unknown (0..1).
    pub unknown: f64,
    /// Value of the population term when either population is unknown (default ln 10: a
    /// tenfold difference).
    pub unknown_population: f64,
    /// How many of the mentee's weakest sectors the complement term and the explanation use.
    pub weakest: usize,
}

impl Default for PairOptions {
    fn default() -> Self {
        PairOptions {
            n: 20,
            within: Within::All,
            same: Vec::new(),
            weights: CostWeights::default(),
            unknown: 1.0,
            unknown_population: std::f64::consts::LN_10,
            weakest: 3,
        }
    }
}

/// A unit as shown in a pair or a peer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: String,
    pub name: String,
    pub rank: Option<u32>,
    pub rank_in_tier: Option<u32>,
    pub index: Option<f64>,
    /// Empty when unknown.
    pub zone: String,
    pub terrain: String,
    /// Tier display name; empty when unknown.
    pub tier: String,
    pub population: Option<f64>,
    pub tags: Vec<String>,
}

/// What two units have in common (`None`: different or unknown).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Shared {
    pub zone: Option<String>,
    pub terrain: Option<String>,
    pub tier: Option<String>,
    pub tags: Vec<String>,
}

/// One sector with the two units' scores there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorScores {
    pub id: String,
    pub name: String,
    pub mentee: Option<f64>,
    pub mentor: Option<f64>,
}

/// One pair with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    pub subgroup: String,
    pub mentor: UnitRef,
    pub mentee: UnitRef,
    /// Σ weight × term = `weighted.total()`.
    pub cost: f64,
    /// Raw term values.
    pub terms: Terms,
    /// weight × term, per term.
    pub weighted: Terms,
    pub shared: Shared,
    /// The mentee's weakest sectors (lowest first) with both units' scores.
    pub weakest: Vec<SectorScores>,
    /// Attributes that were unknown for either unit (`zone`, `terrain`, `tier`, `population`).
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Mentor,
    Mentee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
        }
    }
}

/// A selected unit that could not be given a partner, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unplaced {
    pub subgroup: String,
    pub role: Role,
    pub unit: UnitRef,
    pub reason: String,
}

/// One subgroup in which pairs were formed (or not).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subgroup {
    pub label: String,
    /// Ranked units in the subgroup.
    pub ranked: usize,
    /// Mentors (= mentees) selected: min(N, ⌊ranked/2⌋); 0 when skipped.
    pub n: usize,
    /// Mentor ids, best first; mentee ids, best first.
    pub mentors: Vec<String>,
    pub mentees: Vec<String>,
    pub pairs: usize,
    pub cost: f64,
    /// Why the subgroup was capped or skipped (empty when neither).
    pub note: String,
}

/// Result of [`pair`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pairing {
    pub options: PairOptions,
    /// The sectors used for weakest-sector explanations and the complement term (framework order).
    pub sectors: Vec<String>,
    pub subgroups: Vec<Subgroup>,
    /// Pairs by subgroup, then mentor rank.
    pub pairs: Vec<Pair>,
    pub unplaced: Vec<Unplaced>,
    pub total_cost: f64,
    /// Notes: capped N, skipped subgroups, unknown context, ties at the cut.
    pub issues: Vec<Issue>,
}

/// Context of a scored run that pairing and peer search read: sectors, their scales, units.
pub(crate) struct Ctx<'a> {
    pub fw: &'a Framework,
    pub s: &'a Scored,
    /// Aggregate indices of the sectors: aggregates whose children are all indicators.
    pub sectors: Vec<usize>,
    /// Per aggregate, its rescale range if any.
    pub rescale: Vec<Option<[f64; 2]>>,
    pub terrain_key: Vec<String>,
    pub zone_key: Vec<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(fw: &'a Framework, s: &'a Scored) -> Result<Self, PairError> {
        let fw_ids: Vec<&str> = fw.aggregates.iter().map(|a| a.id.as_str()).collect();
        if fw_ids != s.aggregate_ids.iter().map(|a| a.as_str()).collect::<Vec<_>>()
            || fw.indicators.len() != s.indicator_ids.len()
        {
            return err(format!("the scores were not computed with framework {} (its aggregates differ)", fw.id));
        }
        let mut rescale = vec![None; fw.aggregates.len()];
        let mut sectors = Vec::new();
        for node in &s.plan.nodes {
            if let Some(r) = rescale.get_mut(node.aggregate) {
                *r = node.rescale;
            }
            if !node.children.is_empty() && node.children.iter().all(|c| matches!(c, Child::Indicator(_))) {
                sectors.push(node.aggregate);
            }
        }
        sectors.sort_unstable();
        let key = |v: &Vec<String>| v.iter().map(|x| x.trim().to_ascii_lowercase()).collect::<Vec<_>>();
        Ok(Ctx { fw, s, sectors, rescale, terrain_key: key(&s.units.terrain), zone_key: key(&s.units.zone) })
    }

    pub fn unit_ref(&self, u: usize) -> UnitRef {
        let s = self.s;
        let index = s.index()[u];
        let pop = s.units.population[u];
        UnitRef {
            id: s.units.ids[u].clone(),
            name: s.units.names[u].clone(),
            rank: s.rank[u],
            rank_in_tier: s.rank_in_tier[u],
            index: finite(index),
            zone: s.units.zone[u].trim().to_string(),
            terrain: s.units.terrain[u].trim().to_string(),
            tier: s.tier_name[u].clone(),
            population: if pop.is_finite() && pop > 0.0 { Some(pop) } else { None },
            tags: s.units.tags[u].clone(),
        }
    }

    pub fn score(&self, u: usize, a: usize) -> Option<f64> {
        finite(self.s.aggregates.get(u, a))
    }

    /// Strength of unit `u` in aggregate `a` on 0..1: (score − lo)/(hi − lo) with the
    /// aggregate's rescale range [lo, hi] (MPI sectors: score/100); without a rescale range,
    /// min-max over the unit's comparison group (max = min gives 1, as spec §1.6).
    pub fn strength(&self, u: usize, a: usize) -> Option<f64> {
        let x = self.score(u, a)?;
        let (lo, hi) = match self.rescale[a] {
            Some([lo, hi]) => (lo, hi),
            None => {
                let g = self.s.groups.of_unit[u]?;
                let vals = self.s.groups.members[g].iter().filter_map(|&v| self.score(v, a));
                vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(x), h.max(x)))
            }
        };
        if hi > lo {
            Some(((x - lo) / (hi - lo)).clamp(0.0, 1.0))
        } else {
            Some(1.0)
        }
    }

    /// The `k` sectors where `u` scores lowest (missing scores skipped; ties by framework order).
    pub fn weakest(&self, u: usize, k: usize) -> Vec<usize> {
        let mut v: Vec<(f64, usize)> = self.sectors.iter().filter_map(|&a| self.score(u, a).map(|x| (x, a))).collect();
        crate::sort::sort_by(&mut v, |x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        v.into_iter().take(k).map(|(_, a)| a).collect()
    }

    fn attr_key(&self, u: usize, a: Attr) -> &str {
        match a {
            Attr::Zone => &self.zone_key[u],
            Attr::Terrain => &self.terrain_key[u],
            Attr::Tier => &self.s.tier[u],
        }
    }

    fn attr_display(&self, u: usize, a: Attr) -> String {
        match a {
            Attr::Zone => self.s.units.zone[u].trim().to_string(),
            Attr::Terrain => self.s.units.terrain[u].trim().to_string(),
            Attr::Tier => self.s.tier_name[u].clone(),
        }
    }

    /// Both known and equal.
    pub fn same(&self, x: usize, y: usize, a: Attr) -> bool {
        let (kx, ky) = (self.attr_key(x, a), self.attr_key(y, a));
        !kx.is_empty() && kx == ky
    }

    /// The five context terms (complement left 0), what is shared and what was unknown.
    pub fn context_terms(&self, x: usize, y: usize, unknown: f64, unknown_pop: f64) -> (Terms, Shared, Vec<String>) {
        let mut t = Terms::default();
        let mut shared = Shared::default();
        let mut unk = Vec::new();
        for a in [Attr::Zone, Attr::Terrain, Attr::Tier] {
            let v = if self.attr_key(x, a).is_empty() || self.attr_key(y, a).is_empty() {
                unk.push(a.as_str().to_string());
                unknown
            } else if self.same(x, y, a) {
                let d = Some(self.attr_display(x, a));
                match a {
                    Attr::Zone => shared.zone = d,
                    Attr::Terrain => shared.terrain = d,
                    Attr::Tier => shared.tier = d,
                }
                0.0
            } else {
                1.0
            };
            match a {
                Attr::Zone => t.zone = v,
                Attr::Terrain => t.terrain = v,
                Attr::Tier => t.tier = v,
            }
        }
        let (px, py) = (self.s.units.population[x], self.s.units.population[y]);
        t.population = if px.is_finite() && py.is_finite() && px > 0.0 && py > 0.0 {
            (px.ln() - py.ln()).abs()
        } else {
            unk.push("population".into());
            unknown_pop
        };
        shared.tags = self.s.units.tags[x].iter().filter(|g| self.s.units.tags[y].contains(g)).cloned().collect();
        t.tags = if shared.tags.is_empty() { 1.0 } else { 0.0 };
        (t, shared, unk)
    }

    /// 1 − mean over `weak` (the mentee's weakest sectors) of the mentor's strength there;
    /// a sector where the mentor has no score counts strength 0; no weak sectors → 1.
    pub fn complement(&self, mentor: usize, weak: &[usize]) -> f64 {
        if weak.is_empty() {
            return 1.0;
        }
        let sum: f64 = weak.iter().map(|&a| self.strength(mentor, a).unwrap_or(0.0)).sum();
        1.0 - sum / weak.len() as f64
    }

    pub fn aggregate_name(&self, a: usize) -> String {
        self.fw.aggregates.get(a).map(|x| x.name.clone()).unwrap_or_default()
    }
}

pub(crate) fn finite(x: f64) -> Option<f64> {
    if x.is_finite() {
        Some(x)
    } else {
        None
    }
}

pub(crate) fn check_unknown(unknown: f64, unknown_pop: f64) -> Result<(), PairError> {
    if !(unknown.is_finite() && (0.0..=1.0).contains(&unknown)) {
        return err(format!("unknown must be between 0 and 1, got {unknown}"));
    }
    if !(unknown_pop.is_finite() && unknown_pop >= 0.0) {
        return err(format!("unknown_population must be a finite number ≥ 0, got {unknown_pop}"));
    }
    Ok(())
}

/// Pair the N best-ranked units of each subgroup with its N worst, at least total cost.
///
/// Errors only when nothing can be paired or the options are invalid; everything else
/// (capped N, skipped subgroups, units left out under hard constraints) is reported in the result.
pub fn pair(fw: &Framework, s: &Scored, opts: &PairOptions) -> Result<Pairing, PairError> {
    if opts.n == 0 {
        return err("N must be at least 1 (the number of mentors and of mentees)");
    }
    opts.weights.check().map_err(PairError)?;
    check_unknown(opts.unknown, opts.unknown_population)?;
    if opts.weakest == 0 {
        return err("weakest must be at least 1 (the number of the mentee's weakest sectors used)");
    }
    let ctx = Ctx::new(fw, s)?;
    let mut issues: Vec<Issue> = Vec::new();
    let n_units = s.units.len();
    let ranked: Vec<usize> = (0..n_units).filter(|&u| s.rank[u].is_some()).collect();
    if ranked.is_empty() {
        return err(format!(
            "none of the {n_units} units is ranked (no index, screened out, or coverage below the minimum {:.0}%): \
             nothing to pair",
            s.settings.min_coverage * 100.0
        ));
    }
    if ctx.sectors.is_empty() {
        issues.push(Issue::warning("the framework has no sectors (aggregates of indicators): complement term is 1"));
    }

    // Subgroups: comparison group × within.
    // Ordered by comparison group, then tier (scheme order), then label; keys are case-insensitive.
    let multi_group = s.groups.len() > 1;
    let tier_order: Vec<String> =
        fw.tier_scheme(&s.settings.tiers).map(|t| t.tiers.iter().map(|t| t.id.clone()).collect()).unwrap_or_default();
    let mut by_key: BTreeMap<(usize, usize, String), (String, Vec<usize>)> = BTreeMap::new();
    let mut no_label: Vec<String> = Vec::new();
    for &u in &ranked {
        let w = match opts.within {
            Within::All => "all".to_string(),
            Within::Tier => s.tier_name[u].clone(),
            Within::Zone => s.units.zone[u].trim().to_string(),
            Within::Terrain => s.units.terrain[u].trim().to_string(),
        };
        if w.is_empty() {
            no_label.push(s.units.ids[u].clone());
            continue;
        }
        let g = s.groups.of_unit[u].unwrap_or(0);
        let label = match s.groups.of_unit[u] {
            Some(g) if multi_group => {
                let gl = &s.groups.labels[g];
                if opts.within == Within::All || (opts.within == Within::Tier && s.settings.group == crate::Group::Tier)
                {
                    gl.clone()
                } else {
                    format!("{gl} / {w}")
                }
            }
            _ => w.clone(),
        };
        let tier_pos = match opts.within {
            Within::Tier => tier_order.iter().position(|t| *t == s.tier[u]).unwrap_or(usize::MAX),
            _ => 0,
        };
        by_key.entry((g, tier_pos, label.to_ascii_lowercase())).or_insert_with(|| (label, Vec::new())).1.push(u);
    }
    if !no_label.is_empty() {
        issues.push(Issue::warning(format!(
            "{} ranked unit(s) have no {} and are left out of pairing within {}: {}",
            no_label.len(),
            opts.within.as_str(),
            opts.within.as_str(),
            shorten(&no_label.iter().map(String::as_str).collect::<Vec<_>>(), 12)
        )));
    }
    if s.tier.iter().all(|t| t.is_empty()) && (opts.weights.tier > 0.0 || opts.same.contains(&Attr::Tier)) {
        issues.push(Issue::warning(
            "no tier scheme (or no population) in this run: the tier term is `unknown` for every pair \
             (a constant: it does not change the pairs) and `same tier` forbids every pair",
        ));
    }
    for a in [Attr::Zone, Attr::Terrain] {
        let missing: Vec<&str> =
            ranked.iter().filter(|&&u| ctx.attr_key(u, a).is_empty()).map(|&u| s.units.ids[u].as_str()).collect();
        if !missing.is_empty() {
            issues.push(Issue::warning(format!(
                "{} ranked unit(s) have no {}: treated as unknown ({} term {}, never equal under `same {}`): {}",
                missing.len(),
                a.as_str(),
                a.as_str(),
                crate::fmt::number(opts.unknown),
                a.as_str(),
                shorten(&missing, 12)
            )));
        }
    }

    let mut subgroups = Vec::new();
    let mut pairs = Vec::new();
    let mut unplaced = Vec::new();
    for (_, (label, mut members)) in by_key {
        crate::sort::sort_by(&mut members, |&a, &b| {
            s.rank[a].cmp(&s.rank[b]).then_with(|| s.units.ids[a].cmp(&s.units.ids[b]))
        });
        let m = members.len();
        let mut sg = Subgroup {
            label: label.clone(),
            ranked: m,
            n: 0,
            mentors: vec![],
            mentees: vec![],
            pairs: 0,
            cost: 0.0,
            note: String::new(),
        };
        if m < 2 {
            sg.note = format!("only {m} ranked unit: nobody to pair with");
            issues.push(Issue::warning(format!("subgroup {label}: {}", sg.note)));
            subgroups.push(sg);
            continue;
        }
        let index = s.index();
        let (hi, lo) = (index[members[0]], index[members[m - 1]]);
        if hi == lo {
            sg.note = format!(
                "all {m} ranked units have the same index ({}): there are no leaders and laggards to pair",
                crate::fmt::number(hi)
            );
            issues.push(Issue::warning(format!("subgroup {label}: {}", sg.note)));
            subgroups.push(sg);
            continue;
        }
        let n = opts.n.min(m / 2);
        if n < opts.n {
            sg.note =
                format!("{m} ranked units, fewer than 2N = {}: N capped to {n} ({n} mentors, {n} mentees)", 2 * opts.n);
            issues.push(Issue::warning(format!("subgroup {label}: {}", sg.note)));
        }
        sg.n = n;
        let mentors: Vec<usize> = members[..n].to_vec();
        let mentees: Vec<usize> = members[m - n..].to_vec();
        // Ties at the cuts: the selection among tied units is by id.
        for (cut, what) in [(n, "mentors"), (m - n, "mentees")] {
            if cut > 0 && cut < m && s.rank[members[cut - 1]] == s.rank[members[cut]] {
                issues.push(Issue::info(format!(
                    "subgroup {label}: units tied at rank {} straddle the cut of the {what}; the tie is broken by id",
                    s.rank[members[cut]].unwrap_or(0)
                )));
            }
        }
        if index[mentors[n - 1]] <= index[mentees[0]] {
            issues.push(Issue::warning(format!(
                "subgroup {label}: the weakest mentor ({}) does not score above the best mentee ({}); \
                 many tied units",
                s.units.ids[mentors[n - 1]],
                s.units.ids[mentees[0]]
            )));
        }
        sg.mentors = mentors.iter().map(|&u| s.units.ids[u].clone()).collect();
        sg.mentees = mentees.iter().map(|&u| s.units.ids[u].clone()).collect();

        // Cost matrix.
        let weak: Vec<Vec<usize>> = mentees.iter().map(|&e| ctx.weakest(e, opts.weakest)).collect();
        // Terms are recomputed for the chosen pairs (deterministic), so only costs are stored.
        let terms_of = |mr: usize, me: usize, k: usize| {
            let (mut t, sh, unk) = ctx.context_terms(mr, me, opts.unknown, opts.unknown_population);
            t.complement = ctx.complement(mr, &weak[k]);
            (t, sh, unk)
        };
        let mut cost: Vec<Vec<Option<f64>>> = Vec::with_capacity(n);
        for &mr in &mentors {
            let row = mentees
                .iter()
                .enumerate()
                .map(|(k, &me)| {
                    let allowed = opts.same.iter().all(|&a| ctx.same(mr, me, a));
                    allowed.then(|| terms_of(mr, me, k).0.weighted(&opts.weights).total())
                })
                .collect();
            cost.push(row);
        }
        if cost.iter().flatten().flatten().any(|c| !c.is_finite()) {
            return err("a pair cost is not a finite number: the weights are too large");
        }
        let assignment = min_cost_matching(&cost);
        let mut mentee_taken = vec![false; n];
        for (i, a) in assignment.iter().enumerate() {
            let Some(k) = *a else { continue };
            mentee_taken[k] = true;
            let (t, sh, unk) = terms_of(mentors[i], mentees[k], k);
            let weighted = t.weighted(&opts.weights);
            let c = weighted.total();
            sg.cost += c;
            sg.pairs += 1;
            pairs.push(Pair {
                subgroup: label.clone(),
                mentor: ctx.unit_ref(mentors[i]),
                mentee: ctx.unit_ref(mentees[k]),
                cost: c,
                terms: t,
                weighted,
                shared: sh,
                weakest: weak[k]
                    .iter()
                    .map(|&a| SectorScores {
                        id: s.aggregate_ids[a].clone(),
                        name: ctx.aggregate_name(a),
                        mentee: ctx.score(mentees[k], a),
                        mentor: ctx.score(mentors[i], a),
                    })
                    .collect(),
                unknown: unk,
            });
        }
        let left_mentors: Vec<usize> = (0..n).filter(|&i| assignment[i].is_none()).map(|i| mentors[i]).collect();
        let left_mentees: Vec<usize> = (0..n).filter(|&k| !mentee_taken[k]).map(|k| mentees[k]).collect();
        for (role, list, own, other) in
            [(Role::Mentor, &left_mentors, &mentors, &mentees), (Role::Mentee, &left_mentees, &mentees, &mentors)]
        {
            for &u in list.iter() {
                let reason = unplaced_reason(&ctx, u, role, own, other, &opts.same);
                unplaced.push(Unplaced { subgroup: label.clone(), role, unit: ctx.unit_ref(u), reason });
            }
        }
        if !left_mentors.is_empty() {
            issues.push(Issue::warning(format!(
                "subgroup {label}: under `same {}` only {} of {n} pairs are possible; {} mentor(s) and {} mentee(s) \
                 could not be placed (see the reasons)",
                opts.same.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(","),
                sg.pairs,
                left_mentors.len(),
                left_mentees.len()
            )));
        }
        subgroups.push(sg);
    }
    if pairs.is_empty() && unplaced.is_empty() {
        let notes: Vec<String> = issues.iter().map(|i| format!("  - {}", i.message)).collect();
        return err(format!("no pairs could be formed:\n{}", notes.join("\n")));
    }
    let total_cost = pairs.iter().map(|p| p.cost).sum();
    Ok(Pairing {
        options: opts.clone(),
        sectors: ctx.sectors.iter().map(|&a| s.aggregate_ids[a].clone()).collect(),
        subgroups,
        pairs,
        unplaced,
        total_cost,
        issues,
    })
}

/// Why a selected unit has no partner under the hard constraints. The allowed pairs form
/// blocks (units with the same values of the constrained attributes), so at most
/// min(mentors, mentees) pairs are possible in each block.
fn unplaced_reason(ctx: &Ctx, u: usize, role: Role, own: &[usize], other: &[usize], same: &[Attr]) -> String {
    let unknown: Vec<&str> = same.iter().filter(|&&a| ctx.attr_key(u, a).is_empty()).map(|a| a.as_str()).collect();
    if !unknown.is_empty() {
        return format!("{} unknown, so no partner can satisfy `same {}`", unknown.join(" and "), unknown.join(","));
    }
    let block: Vec<String> = same.iter().map(|&a| format!("{} {}", a.as_str(), ctx.attr_display(u, a))).collect();
    let in_block = |v: usize| same.iter().all(|&a| ctx.same(u, v, a));
    let own_n = own.iter().filter(|&&v| in_block(v)).count();
    let other_n = other.iter().filter(|&&v| in_block(v)).count();
    let (own_word, other_word) = match role {
        Role::Mentor => ("mentor", "mentee"),
        Role::Mentee => ("mentee", "mentor"),
    };
    if other_n == 0 {
        format!("no {other_word} with the same {}", block.join(" and "))
    } else {
        format!(
            "{} {own_word}s but only {} {other_word}(s) with the same {}; the least-cost pairing leaves this one out",
            own_n,
            other_n,
            block.join(" and ")
        )
    }
}

fn shorten(ids: &[&str], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..max].join(", "), ids.len() - max)
    }
}
