//! What an analysis varies, as data: [`Spec`] is the `[robustness]` table of a TOML file (read
//! by nagar-io) and what the CLI flags fill; [`Spec::resolve`] checks it against a framework and
//! gives the uncertain [`Input`]s, in this order: weights entries, normalisation, aggregation,
//! missing-data policy, imputation, exclusion.

use serde::{Deserialize, Serialize};

use super::RobustnessError;
use crate::framework::Framework;
use crate::settings::{Aggregation, Imputation, MissingPolicy, Normalisation};

/// Largest N and bootstrap count accepted (beyond them memory, not statistics, is the limit).
pub const MAX_N: usize = 1_000_000;
pub const MAX_NBOOT: usize = 1_000_000;

/// Uncertainty analysis (N random replications) or sensitivity analysis (Saltelli design,
/// N(d+2) replications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Ua,
    Sa,
}

impl Kind {
    pub fn parse(s: &str) -> Result<Kind, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ua" => Ok(Kind::Ua),
            "sa" => Ok(Kind::Sa),
            _ => Err(format!("unknown analysis type {s:?}; expected ua (uncertainty) or sa (sensitivity)")),
        }
    }
}

/// Noise on the weights of some nodes: each weight multiplied by 1 + u, u ~ U[−noise, noise]
/// (COINr `get_noisy_weights`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsSpec {
    /// Input name in the design's `AB:<name>` blocks (default `Weights`).
    #[serde(default)]
    pub name: Option<String>,
    /// Levels whose weights vary, numbered as COINr: 1 = indicators, 2 = their parents, …
    #[serde(default)]
    pub levels: Vec<usize>,
    /// Or the ids of the nodes (aggregates or indicators) whose weights vary.
    #[serde(default)]
    pub ids: Vec<String>,
    pub noise: f64,
}

/// Leave one element out (weight 0, as COINr's `remove_elements`): each replication drops one
/// element of the level (or of `ids`), chosen uniformly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ExcludeSpec {
    pub name: Option<String>,
    pub level: Option<usize>,
    pub ids: Vec<String>,
    /// Also the alternative "nothing left out".
    pub include_none: bool,
}

/// The specification of an analysis (`[robustness]`). Alternatives are given in their CLI text
/// forms (`minmax:1,100`, `gmean`, `worst`, `mean-group:COL`), as in the design file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Spec {
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Replications (UA) or base sample size (SA: N(d+2) replications). At least 3.
    pub n: usize,
    pub seed: u64,
    /// Bootstrap resamples of the sensitivity indices (0: none).
    pub nboot: usize,
    /// N of the "top N" and "bottom N" probabilities.
    pub top_n: usize,
    /// SA output: this unit's rank instead of the mean absolute rank change over units.
    pub unit: Option<String>,
    pub weights: Vec<WeightsSpec>,
    pub normalise: Vec<String>,
    pub aggregate: Vec<String>,
    pub missing: Vec<String>,
    pub impute: Vec<String>,
    pub exclude: Option<ExcludeSpec>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            kind: Kind::Ua,
            n: 100,
            seed: 1,
            nboot: 0,
            top_n: 20,
            unit: None,
            weights: Vec::new(),
            normalise: Vec::new(),
            aggregate: Vec::new(),
            missing: Vec::new(),
            impute: Vec::new(),
            exclude: None,
        }
    }
}

/// One uncertain input of the analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    pub vary: Vary,
}

/// What an input varies, with its alternatives.
#[derive(Debug, Clone, PartialEq)]
pub enum Vary {
    /// Node ids (aggregates or indicators) and the noise factor f ∈ [0, 1).
    Weights {
        ids: Vec<String>,
        noise: f64,
    },
    Normalise(Vec<Normalisation>),
    Aggregate(Vec<Aggregation>),
    Missing(Vec<MissingPolicy>),
    Impute(Vec<Imputation>),
    /// The element left out; `None` = nothing.
    Exclude(Vec<Option<String>>),
}

impl Vary {
    /// Uniform variates this input takes per replication (one per weight; one otherwise).
    pub fn dims(&self) -> usize {
        match self {
            Vary::Weights { ids, .. } => ids.len(),
            _ => 1,
        }
    }
}

/// COINr's level of every aggregate (framework order): indicators are level 1, an aggregate is
/// one above its highest child.
pub fn aggregate_levels(fw: &Framework) -> Vec<usize> {
    let n = fw.aggregates.len();
    let mut level = vec![0usize; n];
    let index = |id: &str| fw.aggregates.iter().position(|a| a.id == id);
    for i in &fw.indicators {
        if let Some(p) = index(&i.parent) {
            level[p] = level[p].max(2);
        }
    }
    // Propagate upwards; depth ≤ n, so n passes reach a fixed point on a validated tree.
    for _ in 0..n {
        let mut changed = false;
        for a in &fw.aggregates {
            let (Some(k), Some(p)) = (index(&a.id), a.parent.as_deref().and_then(index)) else { continue };
            if level[p] < level[k] + 1 {
                level[p] = level[k] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    level
}

/// Ids of the nodes of a level (1 = indicators), in framework order.
fn level_ids(fw: &Framework, level: usize) -> Result<Vec<String>, RobustnessError> {
    let levels = aggregate_levels(fw);
    let max = levels.iter().copied().max().unwrap_or(1);
    if level == 1 {
        return Ok(fw.indicators.iter().map(|i| i.id.clone()).collect());
    }
    let ids: Vec<String> = fw
        .aggregates
        .iter()
        .zip(&levels)
        .filter(|(a, &l)| l == level && a.parent.is_some())
        .map(|(a, _)| a.id.clone())
        .collect();
    if ids.is_empty() {
        return Err(RobustnessError::Spec(format!(
            "level {level} has no weighted elements in framework {} (levels: 1 = indicators … {} = the index, whose weight is not used)",
            fw.id, max
        )));
    }
    Ok(ids)
}

fn known_id(fw: &Framework, id: &str) -> Result<(), RobustnessError> {
    if fw.indicators.iter().any(|i| i.id == id) || fw.aggregates.iter().any(|a| a.id == id && a.parent.is_some()) {
        Ok(())
    } else {
        Err(RobustnessError::Spec(format!(
            "{id:?} is not an indicator or weighted aggregate of framework {} (the index has no weight)",
            fw.id
        )))
    }
}

impl Spec {
    /// Check the numbers of the specification (N ≥ 3; noise in [0, 1); SA needs two inputs).
    pub fn check_numbers(&self) -> Result<(), RobustnessError> {
        if self.n < 3 {
            return Err(RobustnessError::Spec(format!(
                "N must be at least 3 (got {}): quantiles and variances of fewer replications mean nothing (COINr also requires N > 2)",
                self.n
            )));
        }
        if self.n > MAX_N {
            return Err(RobustnessError::Spec(format!("N = {} is more than the {MAX_N} this tool runs", self.n)));
        }
        if self.nboot > MAX_NBOOT {
            return Err(RobustnessError::Spec(format!(
                "{} bootstrap resamples is more than the {MAX_NBOOT} allowed (1,000 give stable 5-95% intervals)",
                self.nboot
            )));
        }
        if self.top_n == 0 {
            return Err(RobustnessError::Spec("top N must be at least 1".into()));
        }
        for w in &self.weights {
            if !(w.noise.is_finite() && (0.0..1.0).contains(&w.noise)) {
                return Err(RobustnessError::Spec(format!(
                    "weight noise must be in [0, 1) (a share of the nominal weight: 0.25 = ±25%), got {}",
                    w.noise
                )));
            }
        }
        Ok(())
    }

    /// The uncertain inputs, checked against the framework.
    pub fn resolve(&self, fw: &Framework) -> Result<Vec<Input>, RobustnessError> {
        self.check_numbers()?;
        let mut inputs = Vec::new();
        let mut weighted: Vec<String> = Vec::new();
        let several = self.weights.len() > 1;
        for (k, w) in self.weights.iter().enumerate() {
            let mut ids = Vec::new();
            for &l in &w.levels {
                ids.extend(level_ids(fw, l)?);
            }
            for id in &w.ids {
                known_id(fw, id)?;
                ids.push(id.clone());
            }
            if ids.is_empty() {
                return Err(RobustnessError::Spec("a weights entry needs `levels` or `ids`".into()));
            }
            for id in &ids {
                if weighted.contains(id) {
                    return Err(RobustnessError::Spec(format!("the weight of {id} is varied twice")));
                }
                weighted.push(id.clone());
            }
            let name = w.name.clone().unwrap_or_else(|| {
                if !several {
                    "Weights".into()
                } else if !w.levels.is_empty() && w.ids.is_empty() {
                    format!("Weights level {}", w.levels.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("+"))
                } else {
                    format!("Weights {}", k + 1)
                }
            });
            inputs.push(Input { name, vary: Vary::Weights { ids, noise: w.noise } });
        }
        let list = |xs: &[String], what: &str| -> Result<(), RobustnessError> {
            if xs.len() == 1 {
                return Err(RobustnessError::Spec(format!(
                    "{what}: give at least two alternatives to vary between (one is just the nominal setting)"
                )));
            }
            Ok(())
        };
        if !self.normalise.is_empty() {
            list(&self.normalise, "normalise")?;
            let alts = self.normalise.iter().map(|s| Normalisation::parse(s)).collect::<Result<_, _>>();
            inputs.push(Input {
                name: "Normalisation".into(),
                vary: Vary::Normalise(alts.map_err(RobustnessError::Spec)?),
            });
        }
        if !self.aggregate.is_empty() {
            list(&self.aggregate, "aggregate")?;
            let alts = self.aggregate.iter().map(|s| Aggregation::parse(s)).collect::<Result<_, _>>();
            inputs.push(Input {
                name: "Aggregation".into(),
                vary: Vary::Aggregate(alts.map_err(RobustnessError::Spec)?),
            });
        }
        if !self.missing.is_empty() {
            list(&self.missing, "missing")?;
            let alts = self.missing.iter().map(|s| MissingPolicy::parse(s)).collect::<Result<_, _>>();
            inputs.push(Input { name: "Missing".into(), vary: Vary::Missing(alts.map_err(RobustnessError::Spec)?) });
        }
        if !self.impute.is_empty() {
            list(&self.impute, "impute")?;
            let alts = self.impute.iter().map(|s| Imputation::parse(s)).collect::<Result<_, _>>();
            inputs.push(Input { name: "Imputation".into(), vary: Vary::Impute(alts.map_err(RobustnessError::Spec)?) });
        }
        if let Some(e) = &self.exclude {
            let mut ids = match e.level {
                Some(l) => level_ids(fw, l)?,
                None => Vec::new(),
            };
            for id in &e.ids {
                known_id(fw, id)?;
                ids.push(id.clone());
            }
            if ids.is_empty() {
                return Err(RobustnessError::Spec("exclude needs a `level` or `ids`".into()));
            }
            let mut alts: Vec<Option<String>> = ids.into_iter().map(Some).collect();
            if e.include_none {
                alts.insert(0, None);
            }
            inputs
                .push(Input { name: e.name.clone().unwrap_or_else(|| "Exclusion".into()), vary: Vary::Exclude(alts) });
        }
        if inputs.is_empty() {
            return Err(RobustnessError::Spec(
                "nothing varies: give weights noise, alternative normalisations, aggregations, missing-data policies, imputations or an exclusion".into(),
            ));
        }
        if self.kind == Kind::Sa && inputs.len() < 2 {
            return Err(RobustnessError::Spec(format!(
                "a sensitivity analysis needs at least two uncertain inputs (only {:?} is given): with one input, all output variance is \
                 trivially due to it (Si = STi = 1 up to sampling error), which COINr also refuses; run an uncertainty analysis (type ua) instead",
                inputs[0].name
            )));
        }
        let mut names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(RobustnessError::Spec(format!("two inputs are named {:?}", w[0])));
        }
        Ok(inputs)
    }
}
