//! Pipeline settings: which method runs at each stage. A framework file sets defaults; the CLI
//! and the page override them. Every variant here is documented in docs/METHODOLOGY.md.

use serde::{Deserialize, Serialize};

/// Normalisation of one indicator (applied after `x * direction`, as COINr does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Normalisation {
    /// (x - mean) / sd * sd_target + mean_target, sample sd. sd = 0 or < 2 values: every value → mean_target.
    Zscore {
        #[serde(default)]
        mean: f64,
        #[serde(default = "one")]
        sd: f64,
    },
    /// (x - min) / (max - min) * (hi - lo) + lo.
    Minmax {
        #[serde(default)]
        lo: f64,
        #[serde(default = "hundred")]
        hi: f64,
    },
    /// Goalposts (COINr `n_goalposts`): per-indicator [lower, upper] from the framework.
    Goalposts {
        #[serde(default = "one")]
        scale: f64,
        #[serde(default = "yes")]
        truncate: bool,
    },
    /// Distance to target (COINr `n_dist2targ`): target from the indicator.
    Dist2targ {
        #[serde(default)]
        cap_max: bool,
    },
    /// Rank, ties take the minimum rank (COINr `n_rank`).
    Rank,
    /// Percentile rank (COINr `n_prank`).
    Prank,
    /// Leave as is (after direction).
    None,
}

fn one() -> f64 {
    1.0
}
fn hundred() -> f64 {
    100.0
}
fn yes() -> bool {
    true
}

impl Default for Normalisation {
    fn default() -> Self {
        Normalisation::Zscore { mean: 0.0, sd: 1.0 }
    }
}

impl Normalisation {
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Normalisation::Zscore { mean, sd } if !(mean.is_finite() && sd.is_finite() && sd > 0.0) => {
                Err(format!("zscore needs a finite mean and sd > 0, got mean {mean}, sd {sd}"))
            }
            Normalisation::Minmax { lo, hi } if !(lo.is_finite() && hi.is_finite() && lo < hi) => {
                Err(format!("minmax needs lo < hi, got [{lo}, {hi}]"))
            }
            Normalisation::Goalposts { scale, .. } if !(scale.is_finite() && scale > 0.0) => {
                Err(format!("goalposts scale must be > 0, got {scale}"))
            }
            _ => Ok(()),
        }
    }

    /// Parse the CLI form: `zscore`, `minmax:LO,HI`, `goalposts`, `dist2targ`, `rank`, `prank`, `none`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (name, arg) = match s.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (s.trim(), None),
        };
        let n = match (name, arg) {
            ("zscore", None) => Normalisation::Zscore { mean: 0.0, sd: 1.0 },
            ("zscore", Some(a)) => {
                let (m, s) = two_numbers(a)?;
                Normalisation::Zscore { mean: m, sd: s }
            }
            ("minmax", None) => Normalisation::Minmax { lo: 0.0, hi: 100.0 },
            ("minmax", Some(a)) => {
                let (lo, hi) = two_numbers(a)?;
                Normalisation::Minmax { lo, hi }
            }
            ("goalposts", None) => Normalisation::Goalposts { scale: 1.0, truncate: true },
            ("goalposts", Some(a)) => {
                let scale: f64 = a.parse().map_err(|_| format!("goalposts scale {a:?} is not a number"))?;
                Normalisation::Goalposts { scale, truncate: true }
            }
            ("dist2targ", None) => Normalisation::Dist2targ { cap_max: false },
            ("rank", None) => Normalisation::Rank,
            ("prank", None) => Normalisation::Prank,
            ("none", None) => Normalisation::None,
            _ => {
                return Err(format!(
                "unknown normalisation {s:?}; expected zscore, minmax:LO,HI, goalposts, dist2targ, rank, prank or none"
            ))
            }
        };
        n.check()?;
        Ok(n)
    }
}

fn two_numbers(a: &str) -> Result<(f64, f64), String> {
    let mut it = a.split(',').map(|p| p.trim().parse::<f64>());
    match (it.next(), it.next(), it.next()) {
        (Some(Ok(x)), Some(Ok(y)), None) => Ok((x, y)),
        _ => Err(format!("expected two numbers like 0,100, got {a:?}")),
    }
}

/// Aggregation of a node's children: weighted means that skip missing children and
/// renormalise the remaining weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    #[default]
    Amean,
    Gmean,
    Hmean,
}

impl Aggregation {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "amean" => Ok(Aggregation::Amean),
            "gmean" => Ok(Aggregation::Gmean),
            "hmean" => Ok(Aggregation::Hmean),
            _ => Err(format!("unknown aggregation {s:?}; expected amean, gmean or hmean")),
        }
    }
}

/// What a missing indicator contributes to aggregation (spec §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Skip it and renormalise the weights of the others.
    #[default]
    Reweight,
    /// Substitute the comparison group's mean normalised value.
    Mean,
    /// Substitute the comparison group's worst (minimum) normalised value.
    Worst,
}

impl MissingPolicy {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "reweight" => Ok(MissingPolicy::Reweight),
            "mean" => Ok(MissingPolicy::Mean),
            "worst" => Ok(MissingPolicy::Worst),
            _ => Err(format!("unknown missing-data policy {s:?}; expected reweight, mean or worst")),
        }
    }
}

/// Imputation of missing indicator values before normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Imputation {
    #[default]
    None,
    Mean,
    Median,
    MeanGroup {
        column: String,
    },
    MedianGroup {
        column: String,
    },
}

impl Imputation {
    /// CLI form: `none`, `mean`, `median`, `mean-group:COL`, `median-group:COL`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(col) = s.strip_prefix("mean-group:") {
            return Ok(Imputation::MeanGroup { column: col.to_string() });
        }
        if let Some(col) = s.strip_prefix("median-group:") {
            return Ok(Imputation::MedianGroup { column: col.to_string() });
        }
        match s {
            "none" => Ok(Imputation::None),
            "mean" => Ok(Imputation::Mean),
            "median" => Ok(Imputation::Median),
            _ => Err(format!(
                "unknown imputation {s:?}; expected none, mean, median, mean-group:COL or median-group:COL"
            )),
        }
    }
}

/// Outlier treatment (COINr `Treat()` default method).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Treatment {
    #[default]
    None,
    Winsorise {
        #[serde(default = "winmax")]
        winmax: usize,
        #[serde(default = "skew_thresh")]
        skew_thresh: f64,
        #[serde(default = "kurt_thresh")]
        kurt_thresh: f64,
    },
}

fn winmax() -> usize {
    5
}
fn skew_thresh() -> f64 {
    2.0
}
fn kurt_thresh() -> f64 {
    3.5
}

impl Treatment {
    pub fn winsorise_default() -> Self {
        Treatment::Winsorise { winmax: winmax(), skew_thresh: skew_thresh(), kurt_thresh: kurt_thresh() }
    }
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "none" => Ok(Treatment::None),
            "winsorise" | "winsorize" => Ok(Self::winsorise_default()),
            _ => Err(format!("unknown treatment {s:?}; expected none or winsorise")),
        }
    }
}

/// Which units are standardised, rescaled and ranked together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Every unit in the file.
    #[default]
    All,
    /// Each population tier separately (tier scheme from `settings.tiers`).
    Tier,
    /// Each distinct value of a data column.
    Column(String),
}

impl Group {
    pub fn parse(s: &str) -> Self {
        match s.trim() {
            "all" => Group::All,
            "tier" => Group::Tier,
            c => Group::Column(c.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub normalise: Normalisation,
    pub aggregate: Aggregation,
    pub missing: MissingPolicy,
    pub group: Group,
    /// Id of the tier scheme (`urdpfi`, `mpi2020`); empty when the framework has none.
    pub tiers: String,
    /// Units covering less than this share of indicators keep scores but get no rank.
    pub min_coverage: f64,
    pub impute: Imputation,
    pub treat: Treatment,
    /// Divide indicators by their `denominator` column.
    pub denominate: bool,
    /// COINr `Screen(dat_thresh)`: units whose data availability is below this are removed
    /// before normalisation. `None`: no screening.
    pub screen: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            normalise: Normalisation::default(),
            aggregate: Aggregation::Amean,
            missing: MissingPolicy::Reweight,
            group: Group::All,
            tiers: String::new(),
            min_coverage: 0.0,
            impute: Imputation::None,
            treat: Treatment::None,
            denominate: false,
            screen: None,
        }
    }
}

impl Settings {
    pub fn check(&self) -> Result<(), String> {
        self.normalise.check()?;
        if !(0.0..=1.0).contains(&self.min_coverage) {
            return Err(format!("min_coverage must be between 0 and 1, got {}", self.min_coverage));
        }
        if let Some(t) = self.screen {
            if !(0.0..=1.0).contains(&t) {
                return Err(format!("screen threshold must be between 0 and 1, got {t}"));
            }
        }
        if let Treatment::Winsorise { skew_thresh, kurt_thresh, .. } = self.treat {
            if !(skew_thresh.is_finite() && kurt_thresh.is_finite()) {
                return Err("winsorise thresholds must be finite".into());
            }
        }
        Ok(())
    }
}

fn num(x: f64) -> String {
    crate::fmt::number(x)
}

impl Normalisation {
    /// The CLI form (`zscore`, `minmax:0,100`, ...), also used in exports' Settings sheet.
    pub fn label(&self) -> String {
        match self {
            Normalisation::Zscore { mean, sd } if *mean == 0.0 && *sd == 1.0 => "zscore".into(),
            Normalisation::Zscore { mean, sd } => format!("zscore:{},{}", num(*mean), num(*sd)),
            Normalisation::Minmax { lo, hi } => format!("minmax:{},{}", num(*lo), num(*hi)),
            Normalisation::Goalposts { scale, truncate } => {
                format!("goalposts:{}{}", num(*scale), if *truncate { "" } else { " (not truncated)" })
            }
            Normalisation::Dist2targ { cap_max } => format!("dist2targ{}", if *cap_max { " (capped)" } else { "" }),
            Normalisation::Rank => "rank".into(),
            Normalisation::Prank => "prank".into(),
            Normalisation::None => "none".into(),
        }
    }
}

impl Aggregation {
    pub fn label(&self) -> String {
        match self {
            Aggregation::Amean => "amean",
            Aggregation::Gmean => "gmean",
            Aggregation::Hmean => "hmean",
        }
        .into()
    }
}

impl MissingPolicy {
    pub fn label(&self) -> String {
        match self {
            MissingPolicy::Reweight => "reweight",
            MissingPolicy::Mean => "mean",
            MissingPolicy::Worst => "worst",
        }
        .into()
    }
}

impl Imputation {
    pub fn label(&self) -> String {
        match self {
            Imputation::None => "none".into(),
            Imputation::Mean => "mean".into(),
            Imputation::Median => "median".into(),
            Imputation::MeanGroup { column } => format!("mean-group:{column}"),
            Imputation::MedianGroup { column } => format!("median-group:{column}"),
        }
    }
}

impl Treatment {
    pub fn label(&self) -> String {
        match self {
            Treatment::None => "none".into(),
            Treatment::Winsorise { winmax, skew_thresh, kurt_thresh } => {
                format!("winsorise (winmax {winmax}, skew {}, kurtosis {})", num(*skew_thresh), num(*kurt_thresh))
            }
        }
    }
}

impl Group {
    pub fn label(&self) -> String {
        match self {
            Group::All => "all".into(),
            Group::Tier => "tier".into(),
            Group::Column(c) => c.clone(),
        }
    }
}

/// Overrides of a framework's settings in their text (CLI) forms: what `nagar score`'s flags and
/// the page's options both say. `None` keeps the framework's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsOverrides {
    pub group: Option<String>,
    pub tiers: Option<String>,
    pub missing: Option<String>,
    pub min_coverage: Option<f64>,
    pub normalise: Option<String>,
    pub aggregate: Option<String>,
    pub impute: Option<String>,
    pub treat: Option<String>,
    pub denominate: Option<bool>,
    pub screen: Option<f64>,
}

impl Settings {
    /// These settings with the overrides applied, checked.
    pub fn with_overrides(&self, o: &SettingsOverrides) -> Result<Settings, String> {
        let mut s = self.clone();
        if let Some(g) = &o.group {
            s.group = Group::parse(g);
        }
        if let Some(t) = &o.tiers {
            s.tiers = t.clone();
        }
        if let Some(m) = &o.missing {
            s.missing = MissingPolicy::parse(m)?;
        }
        if let Some(c) = o.min_coverage {
            s.min_coverage = c;
        }
        if let Some(n) = &o.normalise {
            s.normalise = Normalisation::parse(n)?;
        }
        if let Some(a) = &o.aggregate {
            s.aggregate = Aggregation::parse(a)?;
        }
        if let Some(i) = &o.impute {
            s.impute = Imputation::parse(i)?;
        }
        if let Some(t) = &o.treat {
            s.treat = Treatment::parse(t)?;
        }
        if let Some(d) = o.denominate {
            s.denominate = d;
        }
        if o.screen.is_some() {
            s.screen = o.screen;
        }
        s.check()?;
        Ok(s)
    }
}
