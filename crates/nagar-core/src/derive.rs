//! Derivations as data: how an indicator's value is computed from raw input fields.
//! No indicator-specific code: every MPI indicator is one of these kinds with parameters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One or several input field ids (TOML: `"a"` or `["a", "b"]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Fields {
    One(String),
    Many(Vec<String>),
}

impl Fields {
    pub fn list(&self) -> Vec<String> {
        match self {
            Fields::One(s) => vec![s.clone()],
            Fields::Many(v) => v.clone(),
        }
    }
}

/// One facility type of a `threshold_points` derivation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdItem {
    pub input: String,
    /// Minimum of `scale * count / per` that earns the point.
    pub threshold: f64,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Derivation {
    /// The input as given.
    Value { input: String },
    /// scale * sum(num) / sum(den). `share`: num is part of den (warn when num > den).
    Ratio {
        num: Fields,
        den: Fields,
        #[serde(default = "one")]
        scale: f64,
        #[serde(default)]
        share: bool,
    },
    /// 100 * (sanctioned - actual) / sanctioned.
    Vacancy { sanctioned: String, actual: String },
    /// Mean of several inputs, all required.
    Mean { inputs: Vec<String> },
    /// Ratio per year (num[k] / den[k] * scale), averaged over the years where it exists.
    YearlyRatioMean {
        num: Vec<String>,
        den: Vec<String>,
        #[serde(default = "one")]
        scale: f64,
        #[serde(default)]
        share: bool,
    },
    /// Mean of the available years, optionally divided by `per` and times `scale`.
    YearsMean {
        inputs: Vec<String>,
        #[serde(default)]
        per: Option<String>,
        #[serde(default = "one")]
        scale: f64,
    },
    /// Number of Y answers; missing only if all are missing.
    CountYes { inputs: Vec<String> },
    /// Text → points, matched case-insensitively after trimming. Unknown text is an error.
    Lookup { input: String, table: BTreeMap<String, f64> },
    /// One point per item whose `scale * count / per` reaches its threshold.
    ThresholdPoints {
        per: String,
        #[serde(default = "one")]
        scale: f64,
        items: Vec<ThresholdItem>,
    },
    /// One point per Y in `yes_inputs`, plus one per input strictly above the comparison
    /// group's mean of that input. Missing only if all are missing.
    AboveGroupMean {
        #[serde(default)]
        yes_inputs: Vec<String>,
        inputs: Vec<String>,
    },
    /// |value of `of` - benchmark|.
    AbsDeviation { of: Box<Derivation>, benchmark: f64 },
}

fn one() -> f64 {
    1.0
}

impl Derivation {
    /// Input field ids read, in order, without repeats.
    pub fn inputs(&self) -> Vec<String> {
        let mut v: Vec<String> = match self {
            Derivation::Value { input } => vec![input.clone()],
            Derivation::Ratio { num, den, .. } => num.list().into_iter().chain(den.list()).collect(),
            Derivation::Vacancy { sanctioned, actual } => vec![sanctioned.clone(), actual.clone()],
            Derivation::Mean { inputs } | Derivation::CountYes { inputs } => inputs.clone(),
            Derivation::YearlyRatioMean { num, den, .. } => num.iter().chain(den).cloned().collect(),
            Derivation::YearsMean { inputs, per, .. } => inputs.iter().chain(per).cloned().collect(),
            Derivation::Lookup { input, .. } => vec![input.clone()],
            Derivation::ThresholdPoints { per, items, .. } => {
                items.iter().map(|i| i.input.clone()).chain(std::iter::once(per.clone())).collect()
            }
            Derivation::AboveGroupMean { yes_inputs, inputs } => yes_inputs.iter().chain(inputs).cloned().collect(),
            Derivation::AbsDeviation { of, .. } => of.inputs(),
        };
        let mut seen = std::collections::HashSet::new();
        v.retain(|s| seen.insert(s.clone()));
        v
    }

    /// Parameter checks (the framework validator names the indicator).
    pub fn check(&self) -> Result<(), String> {
        let finite = |what: &str, x: f64| if x.is_finite() { Ok(()) } else { Err(format!("{what} must be finite")) };
        match self {
            Derivation::Ratio { num, den, scale, .. } => {
                finite("scale", *scale)?;
                if num.list().is_empty() || den.list().is_empty() {
                    return Err("ratio needs at least one num and one den input".into());
                }
            }
            Derivation::YearlyRatioMean { num, den, scale, .. } => {
                finite("scale", *scale)?;
                if num.is_empty() || num.len() != den.len() {
                    return Err(format!(
                        "yearly_ratio_mean needs as many num as den inputs ({} vs {})",
                        num.len(),
                        den.len()
                    ));
                }
            }
            Derivation::YearsMean { inputs, scale, .. } => {
                finite("scale", *scale)?;
                if inputs.is_empty() {
                    return Err("years_mean needs inputs".into());
                }
            }
            Derivation::Mean { inputs } | Derivation::CountYes { inputs } if inputs.is_empty() => {
                return Err("needs at least one input".into());
            }
            Derivation::Lookup { table, .. } => {
                if table.is_empty() {
                    return Err("lookup table is empty".into());
                }
                if let Some((k, v)) = table.iter().find(|(_, v)| !v.is_finite()) {
                    return Err(format!("lookup value for {k:?} is {v}, not a finite number"));
                }
            }
            Derivation::ThresholdPoints { items, scale, .. } => {
                finite("scale", *scale)?;
                if items.is_empty() {
                    return Err("threshold_points needs items".into());
                }
                for it in items {
                    if !(it.threshold.is_finite() && it.threshold >= 0.0) {
                        return Err(format!("threshold for {} must be ≥ 0", it.input));
                    }
                }
            }
            Derivation::AboveGroupMean { yes_inputs, inputs } if yes_inputs.is_empty() && inputs.is_empty() => {
                return Err("above_group_mean needs inputs".into());
            }
            Derivation::AbsDeviation { of, benchmark } => {
                finite("benchmark", *benchmark)?;
                of.check()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// A short formula for people ("100 × a / b").
    pub fn describe(&self) -> String {
        match self {
            Derivation::Value { input } => format!("{input} as given"),
            Derivation::Ratio { num, den, scale, .. } => {
                let j = |f: &Fields| {
                    let l = f.list();
                    if l.len() == 1 {
                        l[0].clone()
                    } else {
                        format!("({})", l.join(" + "))
                    }
                };
                if *scale == 1.0 {
                    format!("{} / {}", j(num), j(den))
                } else {
                    format!("{} × {} / {}", crate::fmt::number(*scale), j(num), j(den))
                }
            }
            Derivation::Vacancy { sanctioned, actual } => format!("100 × ({sanctioned} − {actual}) / {sanctioned}"),
            Derivation::Mean { inputs } => format!("mean of {}", inputs.join(", ")),
            Derivation::YearlyRatioMean { num, den, scale, .. } => {
                let pairs: Vec<String> = num.iter().zip(den).map(|(n, d)| format!("{n}/{d}")).collect();
                let s = if *scale == 1.0 { String::new() } else { format!("{} × ", crate::fmt::number(*scale)) };
                format!("mean over available years of {s}{}", pairs.join(", "))
            }
            Derivation::YearsMean { inputs, per, scale } => {
                let mut s = format!("mean of available years of {}", inputs.join(", "));
                if let Some(p) = per {
                    s.push_str(&format!(" / {p}"));
                }
                if *scale != 1.0 {
                    s = format!("{} × {s}", crate::fmt::number(*scale));
                }
                s
            }
            Derivation::CountYes { inputs } => format!("number of Y among {}", inputs.join(", ")),
            Derivation::Lookup { input, table } => {
                let mut pairs: Vec<(&String, &f64)> = table.iter().collect();
                pairs.sort_by(|a, b| b.1.total_cmp(a.1));
                let t: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", crate::fmt::number(**v))).collect();
                format!("points for {input}: {}", t.join(", "))
            }
            Derivation::ThresholdPoints { per, scale, items } => format!(
                "one point for each of {} whose count × {} / {per} reaches its threshold",
                items
                    .iter()
                    .map(|i| format!("{} (≥ {})", i.input, crate::fmt::number(i.threshold)))
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::fmt::number(*scale)
            ),
            Derivation::AboveGroupMean { yes_inputs, inputs } => {
                let mut parts = Vec::new();
                if !yes_inputs.is_empty() {
                    parts.push(format!("one point for each Y among {}", yes_inputs.join(", ")));
                }
                if !inputs.is_empty() {
                    parts.push(format!(
                        "one point for each of {} strictly above the comparison group's mean",
                        inputs.join(", ")
                    ));
                }
                parts.join("; plus ")
            }
            Derivation::AbsDeviation { of, benchmark } => {
                format!("|{} − {}|", of.describe(), crate::fmt::number(*benchmark))
            }
        }
    }
}
