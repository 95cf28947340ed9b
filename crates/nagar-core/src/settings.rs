//! Pipeline settings: which method runs at each stage. A framework file sets defaults; the CLI
//! and the page override them. Every variant here is documented in docs/METHODOLOGY.md.

use serde::{Deserialize, Serialize};

/// Normalisation of one indicator (applied after `x * direction`, as COINr does). Written as a
/// table with a `method`; read through [`MethodForm`] (see [`crate::derive::Derivation`] for why).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", try_from = "MethodForm")]
pub enum Normalisation {
    /// (x - mean) / sd * sd_target + mean_target, sample sd. sd = 0 or < 2 values: every value → mean_target.
    Zscore { mean: f64, sd: f64 },
    /// (x - min) / (max - min) * (hi - lo) + lo.
    Minmax { lo: f64, hi: f64 },
    /// Goalposts (COINr `n_goalposts`): per-indicator [lower, upper] from the framework.
    Goalposts { scale: f64, truncate: bool },
    /// Distance to target (COINr `n_dist2targ`): target from the indicator.
    Dist2targ { cap_max: bool },
    /// Rank, ties take the minimum rank (COINr `n_rank`).
    Rank,
    /// Percentile rank (COINr `n_prank`).
    Prank,
    /// Leave as is (after direction).
    None,
}

/// The first field of a flat form (a table read before its kind is known) that is set but not
/// `allowed` for `of` (e.g. "kind `ratio`"), as the error message; `given` pairs each field's
/// name with whether it is set. Shared by the derivation and method forms.
pub(crate) fn only_allowed(given: &[(&str, bool)], allowed: &[&str], of: &str) -> Result<(), String> {
    match given.iter().find(|(k, set)| *set && !allowed.contains(k)) {
        None => Ok(()),
        Some((k, _)) if allowed.is_empty() => Err(format!("unknown field `{k}`: {of} takes no parameters")),
        Some((k, _)) => Err(format!(
            "unknown field `{k}` for {of}, expected {}",
            allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// A method table as written (`method` and every parameter some method takes), for
/// [`Normalisation`], [`Imputation`] and [`Treatment`]. Each checks the parameters against the
/// method it names: a parameter the method does not take, or a missing one, is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodForm {
    method: String,
    mean: Option<f64>,
    sd: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    scale: Option<f64>,
    truncate: Option<bool>,
    cap_max: Option<bool>,
    column: Option<String>,
    winmax: Option<usize>,
    skew_thresh: Option<f64>,
    kurt_thresh: Option<f64>,
}

impl MethodForm {
    /// An error if a parameter outside `allowed` is given.
    fn only(&self, what: &str, allowed: &[&str]) -> Result<(), String> {
        let given = [
            ("mean", self.mean.is_some()),
            ("sd", self.sd.is_some()),
            ("lo", self.lo.is_some()),
            ("hi", self.hi.is_some()),
            ("scale", self.scale.is_some()),
            ("truncate", self.truncate.is_some()),
            ("cap_max", self.cap_max.is_some()),
            ("column", self.column.is_some()),
            ("winmax", self.winmax.is_some()),
            ("skew_thresh", self.skew_thresh.is_some()),
            ("kurt_thresh", self.kurt_thresh.is_some()),
        ];
        only_allowed(&given, allowed, &format!("{what} method `{}`", self.method))
    }

    fn unknown(&self, what: &str, expected: &str) -> String {
        format!("unknown {what} method `{}`, expected one of {expected}", self.method)
    }
}

impl TryFrom<MethodForm> for Normalisation {
    type Error = String;
    fn try_from(f: MethodForm) -> Result<Self, String> {
        const W: &str = "normalisation";
        Ok(match f.method.as_str() {
            "zscore" => {
                f.only(W, &["mean", "sd"])?;
                Normalisation::Zscore { mean: f.mean.unwrap_or(0.0), sd: f.sd.unwrap_or(1.0) }
            }
            "minmax" => {
                f.only(W, &["lo", "hi"])?;
                Normalisation::Minmax { lo: f.lo.unwrap_or(0.0), hi: f.hi.unwrap_or(100.0) }
            }
            "goalposts" => {
                f.only(W, &["scale", "truncate"])?;
                Normalisation::Goalposts { scale: f.scale.unwrap_or(1.0), truncate: f.truncate.unwrap_or(true) }
            }
            "dist2targ" => {
                f.only(W, &["cap_max"])?;
                Normalisation::Dist2targ { cap_max: f.cap_max.unwrap_or(false) }
            }
            "rank" => f.only(W, &[]).map(|_| Normalisation::Rank)?,
            "prank" => f.only(W, &[]).map(|_| Normalisation::Prank)?,
            "none" => f.only(W, &[]).map(|_| Normalisation::None)?,
            _ => return Err(f.unknown(W, "`zscore`, `minmax`, `goalposts`, `dist2targ`, `rank`, `prank`, `none`")),
        })
    }
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

/// Imputation of missing indicator values before normalisation (read through [`MethodForm`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "method", rename_all = "snake_case", try_from = "MethodForm")]
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

/// Outlier treatment (COINr `Treat()` default method; read through [`MethodForm`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "method", rename_all = "snake_case", try_from = "MethodForm")]
pub enum Treatment {
    #[default]
    None,
    Winsorise {
        winmax: usize,
        skew_thresh: f64,
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

impl TryFrom<MethodForm> for Imputation {
    type Error = String;
    fn try_from(f: MethodForm) -> Result<Self, String> {
        const W: &str = "imputation";
        let column = |f: MethodForm| {
            f.only(W, &["column"])?;
            f.column.ok_or_else(|| format!("missing field `column` (imputation method `{}`)", f.method))
        };
        Ok(match f.method.as_str() {
            "none" => f.only(W, &[]).map(|_| Imputation::None)?,
            "mean" => f.only(W, &[]).map(|_| Imputation::Mean)?,
            "median" => f.only(W, &[]).map(|_| Imputation::Median)?,
            "mean_group" => Imputation::MeanGroup { column: column(f)? },
            "median_group" => Imputation::MedianGroup { column: column(f)? },
            _ => return Err(f.unknown(W, "`none`, `mean`, `median`, `mean_group`, `median_group`")),
        })
    }
}

impl TryFrom<MethodForm> for Treatment {
    type Error = String;
    fn try_from(f: MethodForm) -> Result<Self, String> {
        const W: &str = "treatment";
        Ok(match f.method.as_str() {
            "none" => f.only(W, &[]).map(|_| Treatment::None)?,
            "winsorise" => {
                f.only(W, &["winmax", "skew_thresh", "kurt_thresh"])?;
                Treatment::Winsorise {
                    winmax: f.winmax.unwrap_or_else(winmax),
                    skew_thresh: f.skew_thresh.unwrap_or_else(skew_thresh),
                    kurt_thresh: f.kurt_thresh.unwrap_or_else(kurt_thresh),
                }
            }
            _ => return Err(f.unknown(W, "`none`, `winsorise`")),
        })
    }
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
    /// A comparison group with fewer members than this is too small to standardise: its units
    /// keep their scores (which compare them only with each other) but get no rank, and the
    /// group gets a warning. 0 or 1: every group is ranked. Applies when the units are split
    /// into groups (`tier` or a column), not under `all`.
    pub min_group_size: usize,
    pub impute: Imputation,
    pub treat: Treatment,
    /// Divide indicators by their `denominator` column.
    pub denominate: bool,
    /// COINr `Screen(dat_thresh)`: units whose data availability is below this are removed
    /// before normalisation. `None`: no screening.
    pub screen: Option<f64>,
}

/// The smallest comparison group whose units are ranked, unless a framework or the user says
/// otherwise: with fewer units, a z-score or a 0-100 rescaling says little (one city alone
/// scores 100 on every rescaled aggregate).
pub const DEFAULT_MIN_GROUP_SIZE: usize = 5;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            normalise: Normalisation::default(),
            aggregate: Aggregation::Amean,
            missing: MissingPolicy::Reweight,
            group: Group::All,
            tiers: String::new(),
            min_coverage: 0.0,
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
            impute: Imputation::None,
            treat: Treatment::None,
            denominate: false,
            screen: None,
        }
    }
}

impl Settings {
    /// The smallest group that is ranked, as applied: `min_group_size` when the units are split
    /// into comparison groups (a tier or a column), 0 under `all` (the whole file is the group).
    pub fn effective_min_group_size(&self) -> usize {
        if self.group == Group::All {
            0
        } else {
            self.min_group_size
        }
    }

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
    pub min_group_size: Option<usize>,
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
        if let Some(m) = o.min_group_size {
            s.min_group_size = m;
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

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn every_method_reads_back_what_it_writes() {
        let norms = [
            Normalisation::Zscore { mean: 10.0, sd: 2.0 },
            Normalisation::Minmax { lo: 1.0, hi: 10.0 },
            Normalisation::Goalposts { scale: 100.0, truncate: false },
            Normalisation::Dist2targ { cap_max: true },
            Normalisation::Rank,
            Normalisation::Prank,
            Normalisation::None,
        ];
        for n in norms {
            let j = serde_json::to_string(&n).unwrap();
            assert_eq!(serde_json::from_str::<Normalisation>(&j).unwrap(), n, "{j}");
        }
        let imps = [
            Imputation::None,
            Imputation::Mean,
            Imputation::Median,
            Imputation::MeanGroup { column: "g".into() },
            Imputation::MedianGroup { column: "g".into() },
        ];
        for i in imps {
            let j = serde_json::to_string(&i).unwrap();
            assert_eq!(serde_json::from_str::<Imputation>(&j).unwrap(), i, "{j}");
        }
        for t in [Treatment::None, Treatment::Winsorise { winmax: 3, skew_thresh: 1.0, kurt_thresh: 2.0 }] {
            let j = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<Treatment>(&j).unwrap(), t, "{j}");
        }
    }

    #[test]
    fn defaults_and_errors() {
        let n: Normalisation = serde_json::from_str(r#"{"method":"minmax"}"#).unwrap();
        assert_eq!(n, Normalisation::Minmax { lo: 0.0, hi: 100.0 });
        let n: Normalisation = serde_json::from_str(r#"{"method":"goalposts"}"#).unwrap();
        assert_eq!(n, Normalisation::Goalposts { scale: 1.0, truncate: true });
        let t: Treatment = serde_json::from_str(r#"{"method":"winsorise"}"#).unwrap();
        assert_eq!(t, Treatment::winsorise_default());
        let err = |t: &str| serde_json::from_str::<Normalisation>(t).unwrap_err().to_string();
        assert!(err(r#"{"method":"zscore","lo":1}"#)
            .contains("unknown field `lo` for normalisation method `zscore`, expected `mean`, `sd`"));
        assert!(err(r#"{"method":"rank","sd":1}"#).contains("takes no parameters"));
        assert!(err(r#"{"method":"zcore"}"#).contains("unknown normalisation method `zcore`"));
        assert!(err(r#"{"method":"zscore","typo":1}"#).contains("unknown field `typo`"));
        let e = serde_json::from_str::<Imputation>(r#"{"method":"mean_group"}"#).unwrap_err().to_string();
        assert!(e.contains("missing field `column`"), "{e}");
    }
}
