//! The framework model: a tree of any depth (index → aggregates → indicators), the input-field
//! dictionary, derivations and pipeline settings. Deserialised from TOML/JSON by nagar-io and
//! checked by [`Framework::validate`] before anything is scored.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::derive::Derivation;
use crate::names::{Names, Pairs};
use crate::settings::{Aggregation, Normalisation, Settings};

/// A whole composite-indicator framework, as written in `frameworks/*.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub name: String,
    /// This node's name in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `name` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Where the framework comes from (document, URL, package).
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub columns: Columns,
    #[serde(default)]
    pub settings: Settings,
    /// Population tier schemes; the one named by `settings.tiers` is used.
    #[serde(default)]
    pub tier_schemes: Vec<TierScheme>,
    /// Zones derived from the state column when the data has no zone column
    /// (MPI: the six Zonal Councils of India).
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// Dictionary of raw input fields (the template's columns). Optional for frameworks whose
    /// indicators are read as given (COINr): then every `value` input is a number.
    #[serde(default)]
    pub inputs: Vec<InputField>,
    pub aggregates: Vec<Aggregate>,
    pub indicators: Vec<Indicator>,
    /// Units (as written in `unit` fields) in other languages: `"sq km" = { hi = "वर्ग किमी" }`.
    /// A unit without an entry is shown as written.
    #[serde(default, skip_serializing_if = "Pairs::is_empty")]
    pub unit_names: Pairs<Names>,
}

/// Which data columns carry identity and context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Columns {
    /// Unique id of a unit (`ulb_id`, `uCode`). Required in the data.
    pub id: String,
    /// Display name (`ulb_name`, `uName`).
    pub name: String,
    /// Population, used by tiers.
    pub population: String,
    /// State (used to derive the zone).
    pub state: String,
    /// Zone (derived from `state` through `zones` when absent).
    pub zone: String,
    /// Terrain (`hilly`, `coastal`, `plains`, ...), free text.
    pub terrain: String,
    /// Semicolon-separated tags such as `water-scarce`.
    pub tags: String,
    /// Alternative spellings accepted for `id` and `name` headers.
    pub id_aliases: Vec<String>,
    pub name_aliases: Vec<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            id: "uCode".into(),
            name: "uName".into(),
            population: "population".into(),
            state: "state".into(),
            zone: "zone".into(),
            terrain: "terrain".into(),
            tags: "tags".into(),
            id_aliases: vec![],
            name_aliases: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierScheme {
    pub id: String,
    pub name: String,
    /// This node's name in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `name` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    #[serde(default)]
    pub source: String,
    /// Tiers from smallest to largest; each applies while population < `below`
    /// (the last one has no bound).
    pub tiers: Vec<Tier>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub id: String,
    pub name: String,
    /// This node's name in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `name` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    #[serde(default)]
    pub below: Option<f64>,
    #[serde(default)]
    pub note: String,
}

impl TierScheme {
    /// The tier a population falls in; `None` when the population is missing.
    pub fn tier_of(&self, population: f64) -> Option<&Tier> {
        if !population.is_finite() {
            return None;
        }
        self.tiers.iter().find(|t| t.below.is_none_or(|b| population < b))
    }
}

/// A zone and the states in it. State names are matched leniently (case, `&`/`and`,
/// punctuation); `aliases` hold old or alternative names (Orissa, Pondicherry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    pub id: String,
    pub name: String,
    /// This node's name in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `name` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub states: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// What kind of value an input field holds; drives parsing and validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// Any real number (may be negative, e.g. a deficit).
    #[default]
    Number,
    /// A count of things: non-negative.
    Count,
    /// Money: non-negative.
    Amount,
    /// Length, area, volume, time: non-negative.
    Quantity,
    Population,
    /// A percentage 0..100; a trailing `%` is accepted; above 100 is a warning.
    Percent,
    /// A percentage that may be negative (a deficit/surplus); a trailing `%` is accepted.
    SignedPercent,
    /// Y/N answer.
    YesNo,
    /// Free text interpreted by a lookup derivation (e.g. a credit rating).
    Text,
}

impl InputKind {
    pub fn non_negative(self) -> bool {
        matches!(
            self,
            InputKind::Count | InputKind::Amount | InputKind::Quantity | InputKind::Population | InputKind::Percent
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputField {
    pub id: String,
    pub label: String,
    /// This field's label in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `label` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub kind: InputKind,
    /// Allowed values shown in the template (e.g. the rating scale).
    #[serde(default)]
    pub allowed: Vec<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    pub id: String,
    pub name: String,
    /// This node's name in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `name` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    /// `None` for the root (the index).
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default = "one")]
    pub weight: f64,
    /// Overrides `settings.aggregate` for this node.
    #[serde(default)]
    pub method: Option<Aggregation>,
    /// Min-max rescale of this node's result across the comparison group, e.g. `[0, 100]`.
    #[serde(default)]
    pub rescale: Option<[f64; 2]>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    /// This node's name in other languages: language code → name (`names = { hi = "..." }`).
    /// English is the `name` field itself; a language without an entry falls back to it.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub parent: String,
    #[serde(default)]
    pub unit: String,
    /// +1 higher is better, -1 lower is better.
    #[serde(default = "one")]
    pub direction: f64,
    #[serde(default = "one")]
    pub weight: f64,
    /// How the value is computed from input fields; default: the column named like the id.
    #[serde(default)]
    pub derive: Option<Derivation>,
    /// Upper benchmark: x' = min(x, cap).
    #[serde(default)]
    pub cap: Option<f64>,
    /// Lower benchmark: x' = max(x, floor).
    #[serde(default)]
    pub floor: Option<f64>,
    /// Overrides `settings.normalise` for this indicator.
    #[serde(default)]
    pub normalise: Option<Normalisation>,
    /// Target for distance-to-target normalisation (COINr iMeta `Target`).
    #[serde(default)]
    pub target: Option<f64>,
    /// Goalposts [lower, upper] for goalpost normalisation.
    #[serde(default)]
    pub goalposts: Option<[f64; 2]>,
    /// Data column this indicator is divided by when denomination is on (COINr `Denominator`).
    #[serde(default)]
    pub denominator: Option<String>,
    /// Source of the definition (page of the framework document).
    #[serde(default)]
    pub source: String,
    /// An interpretation the framework leaves open, fixed by the spec.
    #[serde(default)]
    pub choice: String,
    /// Reconstructed from the indicator's name alone.
    #[serde(default)]
    pub provisional: bool,
    /// What the unit can do about this indicator (`lever = "spending"`, ...): improvement
    /// priorities set spending, size and what is decided elsewhere apart from the outcomes a
    /// unit acts on. Default: an outcome.
    #[serde(default, skip_serializing_if = "Lever::is_outcome")]
    pub lever: Lever,
    #[serde(default)]
    pub note: String,
}

/// What kind of lever an indicator is for the unit it measures (a mark a framework may carry;
/// nagar's MPI marks are its own, docs/METHODOLOGY.md "Levers").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lever {
    /// A result the unit acts on (the default).
    #[default]
    Outcome,
    /// Money spent (a budget share, expenditure per head or per employee): raising it moves the
    /// score, but spending is an input, not a result.
    Spending,
    /// A count or extent that grows with the unit's size or scope rather than its performance.
    Size,
    /// Decided outside the unit: state law, powers granted to it, elections, citizens' turnout.
    External,
}

impl Lever {
    pub fn is_outcome(&self) -> bool {
        *self == Lever::Outcome
    }

    /// The mark as written in a framework file ("outcome", "spending", "size", "external").
    pub fn as_str(&self) -> &'static str {
        match self {
            Lever::Outcome => "outcome",
            Lever::Spending => "spending",
            Lever::Size => "size",
            Lever::External => "external",
        }
    }
}

fn one() -> f64 {
    1.0
}

impl Indicator {
    /// The derivation, defaulting to "the column named like the indicator" (borrowed when the
    /// framework gives one: it is asked for in every scoring run, for every indicator).
    pub fn derivation(&self) -> std::borrow::Cow<'_, Derivation> {
        match &self.derive {
            Some(d) => std::borrow::Cow::Borrowed(d),
            None => std::borrow::Cow::Owned(Derivation::Value { input: self.id.clone() }),
        }
    }
}

/// A problem in a framework, naming the offending entry.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{entry}: {message}")]
pub struct FrameworkError {
    pub entry: String,
    pub message: String,
}

fn ferr(entry: impl Into<String>, message: impl Into<String>) -> FrameworkError {
    FrameworkError { entry: entry.into(), message: message.into() }
}

impl Framework {
    /// Every structural problem, not just the first: unknown parent, cycle, duplicate id,
    /// negative or non-finite weight, bad direction, unknown input, parameter out of range.
    pub fn validate(&self) -> Result<(), Vec<FrameworkError>> {
        let mut errs = Vec::new();
        if self.id.trim().is_empty() {
            errs.push(ferr("framework", "id is empty"));
        }
        if self.indicators.is_empty() {
            errs.push(ferr("framework", "has no indicators"));
        }
        let mut ids: HashMap<&str, &str> = HashMap::new();
        for a in &self.aggregates {
            if a.id.trim().is_empty() {
                errs.push(ferr(format!("aggregate {:?}", a.name), "id is empty"));
            }
            if ids.insert(&a.id, "aggregate").is_some() {
                errs.push(ferr(format!("aggregate {}", a.id), "duplicate id"));
            }
        }
        for i in &self.indicators {
            if i.id.trim().is_empty() {
                errs.push(ferr(format!("indicator {:?}", i.name), "id is empty"));
            }
            if ids.insert(&i.id, "indicator").is_some() {
                errs.push(ferr(format!("indicator {}", i.id), "duplicate id"));
            }
        }
        let aggs: HashSet<&str> = self.aggregates.iter().map(|a| a.id.as_str()).collect();
        let roots: Vec<&Aggregate> = self.aggregates.iter().filter(|a| a.parent.is_none()).collect();
        if roots.len() != 1 && !self.aggregates.is_empty() {
            let names: Vec<&str> = roots.iter().map(|a| a.id.as_str()).collect();
            errs.push(ferr(
                "framework",
                format!("needs exactly one root aggregate (no parent), found {}: {:?}", roots.len(), names),
            ));
        }
        if self.aggregates.is_empty() {
            errs.push(ferr("framework", "has no aggregates (at least the index)"));
        }
        for a in &self.aggregates {
            let e = format!("aggregate {}", a.id);
            if let Some(p) = &a.parent {
                if !aggs.contains(p.as_str()) {
                    errs.push(ferr(&e, format!("unknown parent {p:?}")));
                }
            }
            check_weight(&e, a.weight, &mut errs);
            if let Some([lo, hi]) = a.rescale {
                if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                    errs.push(ferr(&e, format!("rescale range [{lo}, {hi}] must have lo < hi")));
                }
            }
        }
        let known: HashSet<&str> = self.inputs.iter().map(|f| f.id.as_str()).collect();
        for i in &self.indicators {
            let e = format!("indicator {}", i.id);
            if !aggs.contains(i.parent.as_str()) {
                errs.push(ferr(&e, format!("unknown parent {:?}", i.parent)));
            }
            check_weight(&e, i.weight, &mut errs);
            if i.direction != 1.0 && i.direction != -1.0 {
                errs.push(ferr(&e, format!("direction must be 1 or -1, got {}", i.direction)));
            }
            if let (Some(c), Some(f)) = (i.cap, i.floor) {
                if f > c {
                    errs.push(ferr(&e, format!("floor {f} is above cap {c}")));
                }
            }
            for (what, v) in [("cap", i.cap), ("floor", i.floor), ("target", i.target)] {
                if let Some(v) = v {
                    if !v.is_finite() {
                        errs.push(ferr(&e, format!("{what} must be a finite number")));
                    }
                }
            }
            if let Some(n) = &i.normalise {
                if let Err(m) = n.check() {
                    errs.push(ferr(&e, m));
                }
            }
            if let Some([l, u]) = i.goalposts {
                if !(l.is_finite() && u.is_finite() && l != u) {
                    errs.push(ferr(&e, format!("goalposts [{l}, {u}] must be two different finite numbers")));
                }
            }
            if let Err(m) = i.derivation().check() {
                errs.push(ferr(&e, m));
            }
            if !self.inputs.is_empty() {
                for input in i.derivation().inputs() {
                    if !known.contains(input.as_str()) {
                        errs.push(ferr(&e, format!("input {input:?} is not in the framework's [[inputs]]")));
                    }
                }
            }
        }
        // Cycles among aggregates: follow parents; a walk longer than the number of aggregates loops.
        let parent: HashMap<&str, &str> =
            self.aggregates.iter().filter_map(|a| a.parent.as_deref().map(|p| (a.id.as_str(), p))).collect();
        let mut reported: HashSet<&str> = HashSet::new();
        for a in &self.aggregates {
            let mut cur = a.id.as_str();
            let mut path = vec![cur];
            while let Some(&p) = parent.get(cur) {
                if path.contains(&p) {
                    if reported.insert(p) {
                        path.push(p);
                        errs.push(ferr(
                            format!("aggregate {}", a.id),
                            format!("cycle in parents: {}", path.join(" → ")),
                        ));
                    }
                    break;
                }
                path.push(p);
                cur = p;
            }
        }
        // Aggregates with no children can never have a value.
        let mut has_child: HashSet<&str> = HashSet::new();
        for a in &self.aggregates {
            if let Some(p) = &a.parent {
                has_child.insert(p);
            }
        }
        for i in &self.indicators {
            has_child.insert(&i.parent);
        }
        for a in &self.aggregates {
            if !has_child.contains(a.id.as_str()) {
                errs.push(ferr(format!("aggregate {}", a.id), "has no children"));
            }
        }
        let mut scheme_ids = HashSet::new();
        for s in &self.tier_schemes {
            if !scheme_ids.insert(s.id.as_str()) {
                errs.push(ferr(format!("tier scheme {}", s.id), "duplicate id"));
            }
            if s.tiers.is_empty() {
                errs.push(ferr(format!("tier scheme {}", s.id), "has no tiers"));
            }
            let mut last = f64::NEG_INFINITY;
            for (k, t) in s.tiers.iter().enumerate() {
                match t.below {
                    Some(b) if b > last => last = b,
                    Some(b) => errs.push(ferr(
                        format!("tier scheme {}", s.id),
                        format!("tier {} bound {b} is not above the previous one", t.id),
                    )),
                    None if k + 1 != s.tiers.len() => errs.push(ferr(
                        format!("tier scheme {}", s.id),
                        format!("only the last tier may have no bound ({})", t.id),
                    )),
                    None => {}
                }
            }
        }
        if let Err(m) = self.settings.check() {
            errs.push(ferr("settings", m));
        }
        // Without the `names` feature every names table is empty (docs/BENCHMARKS.md).
        #[cfg(feature = "names")]
        self.check_names(&mut errs);
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    pub fn tier_scheme(&self, id: &str) -> Option<&TierScheme> {
        self.tier_schemes.iter().find(|s| s.id == id)
    }

    pub fn input(&self, id: &str) -> Option<&InputField> {
        self.inputs.iter().find(|f| f.id == id)
    }

    pub fn root(&self) -> Option<&Aggregate> {
        self.aggregates.iter().find(|a| a.parent.is_none())
    }

    /// Children of each aggregate, in file order: (aggregate children, indicator children).
    pub fn children(&self) -> BTreeMap<&str, (Vec<&Aggregate>, Vec<&Indicator>)> {
        let mut m: BTreeMap<&str, (Vec<&Aggregate>, Vec<&Indicator>)> = BTreeMap::new();
        for a in &self.aggregates {
            m.entry(a.id.as_str()).or_default();
            if let Some(p) = &a.parent {
                m.entry(p.as_str()).or_default().0.push(a);
            }
        }
        for i in &self.indicators {
            m.entry(i.parent.as_str()).or_default().1.push(i);
        }
        m
    }

    /// Every input field the framework reads, in indicator order, without repeats.
    pub fn used_inputs(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for i in &self.indicators {
            for f in i.derivation().inputs() {
                if seen.insert(f.clone()) {
                    out.push(f);
                }
            }
        }
        out
    }
}

fn check_weight(entry: &str, w: f64, errs: &mut Vec<FrameworkError>) {
    if !w.is_finite() || w < 0.0 {
        errs.push(ferr(entry, format!("weight must be a finite number ≥ 0, got {w}")));
    }
}
