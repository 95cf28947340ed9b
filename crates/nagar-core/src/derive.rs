//! Derivations as data: how an indicator's value is computed from raw input fields.
//! No indicator-specific code: every MPI indicator is one of these kinds with parameters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One or several input field ids (TOML: `"a"` or `["a", "b"]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Fields {
    One(String),
    Many(Vec<String>),
}

/// Read by hand rather than as `#[serde(untagged)]`, which buffers the value in serde's generic
/// content tree and tries each variant: the same two forms, much less code in every wasm module.
impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field id or a list of field ids")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Fields, E> {
                Ok(Fields::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Fields, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                Ok(Fields::Many(v))
            }
        }
        d.deserialize_any(V)
    }
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

/// Written as a table with a `kind` (internally tagged). Read through [`DerivationForm`], not
/// serde's internally tagged enums, which buffer every table in a generic content tree (about
/// 12 KB of each gzipped wasm module, measured); the accepted files and values are the same.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "DerivationForm")]
pub enum Derivation {
    /// The input as given.
    Value { input: String },
    /// scale * sum(num) / sum(den). `share`: num is part of den (warn when num > den).
    Ratio { num: Fields, den: Fields, scale: f64, share: bool },
    /// 100 * (sanctioned - actual) / sanctioned.
    Vacancy { sanctioned: String, actual: String },
    /// Mean of several inputs, all required.
    Mean { inputs: Vec<String> },
    /// Ratio per year (num[k] / den[k] * scale), averaged over the years where it exists.
    YearlyRatioMean { num: Vec<String>, den: Vec<String>, scale: f64, share: bool },
    /// Mean of the available years, optionally divided by `per` and times `scale`.
    YearsMean { inputs: Vec<String>, per: Option<String>, scale: f64 },
    /// Number of Y answers; missing only if all are missing.
    CountYes { inputs: Vec<String> },
    /// Text → points, matched ignoring ASCII case and spaces. Unknown text is an error.
    Lookup { input: String, table: BTreeMap<String, f64> },
    /// One point per item whose `scale * count / per` reaches its threshold.
    ThresholdPoints { per: String, scale: f64, items: Vec<ThresholdItem> },
    /// One point per Y in `yes_inputs`, plus one per input strictly above the comparison
    /// group's mean of that input. Missing only if all are missing.
    AboveGroupMean { yes_inputs: Vec<String>, inputs: Vec<String> },
    /// |value of `of` - benchmark|.
    AbsDeviation { of: Box<Derivation>, benchmark: f64 },
}

/// The kinds of [`Derivation`], as written in `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DerivationKind {
    Value,
    Ratio,
    Vacancy,
    Mean,
    YearlyRatioMean,
    YearsMean,
    CountYes,
    Lookup,
    ThresholdPoints,
    AboveGroupMean,
    AbsDeviation,
}

/// A derivation table as written: `kind` and every field some kind takes. Checked against the
/// kind by `TryFrom` (a field the kind does not take, or a missing one, is an error).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DerivationForm {
    kind: DerivationKind,
    input: Option<String>,
    num: Option<Fields>,
    den: Option<Fields>,
    scale: Option<f64>,
    share: Option<bool>,
    sanctioned: Option<String>,
    actual: Option<String>,
    inputs: Option<Vec<String>>,
    per: Option<String>,
    table: Option<BTreeMap<String, f64>>,
    items: Option<Vec<ThresholdItem>>,
    yes_inputs: Option<Vec<String>>,
    of: Option<Box<Derivation>>,
    benchmark: Option<f64>,
}

impl TryFrom<DerivationForm> for Derivation {
    type Error = String;

    fn try_from(f: DerivationForm) -> Result<Self, String> {
        use DerivationKind as K;
        let kind = f.kind;
        let name = match kind {
            K::Value => "value",
            K::Ratio => "ratio",
            K::Vacancy => "vacancy",
            K::Mean => "mean",
            K::YearlyRatioMean => "yearly_ratio_mean",
            K::YearsMean => "years_mean",
            K::CountYes => "count_yes",
            K::Lookup => "lookup",
            K::ThresholdPoints => "threshold_points",
            K::AboveGroupMean => "above_group_mean",
            K::AbsDeviation => "abs_deviation",
        };
        let allowed: &[&str] = match kind {
            K::Value => &["input"],
            K::Lookup => &["input", "table"],
            K::Ratio | K::YearlyRatioMean => &["num", "den", "scale", "share"],
            K::Vacancy => &["sanctioned", "actual"],
            K::Mean | K::CountYes => &["inputs"],
            K::YearsMean => &["inputs", "per", "scale"],
            K::ThresholdPoints => &["per", "scale", "items"],
            K::AboveGroupMean => &["yes_inputs", "inputs"],
            K::AbsDeviation => &["of", "benchmark"],
        };
        let given = [
            ("input", f.input.is_some()),
            ("num", f.num.is_some()),
            ("den", f.den.is_some()),
            ("scale", f.scale.is_some()),
            ("share", f.share.is_some()),
            ("sanctioned", f.sanctioned.is_some()),
            ("actual", f.actual.is_some()),
            ("inputs", f.inputs.is_some()),
            ("per", f.per.is_some()),
            ("table", f.table.is_some()),
            ("items", f.items.is_some()),
            ("yes_inputs", f.yes_inputs.is_some()),
            ("of", f.of.is_some()),
            ("benchmark", f.benchmark.is_some()),
        ];
        crate::settings::only_allowed(&given, allowed, &format!("kind `{name}`"))?;
        let need = |field: &str| format!("missing field `{field}` (kind `{name}`)");
        let list = |v: Option<Fields>, field: &str| match v {
            Some(Fields::Many(v)) => Ok(v),
            Some(Fields::One(_)) => Err(format!("`{field}` of kind `{name}` must be a list of field ids")),
            None => Err(need(field)),
        };
        let scale = f.scale.unwrap_or(1.0);
        Ok(match kind {
            K::Value => Derivation::Value { input: f.input.ok_or_else(|| need("input"))? },
            K::Ratio => Derivation::Ratio {
                num: f.num.ok_or_else(|| need("num"))?,
                den: f.den.ok_or_else(|| need("den"))?,
                scale,
                share: f.share.unwrap_or(false),
            },
            K::Vacancy => Derivation::Vacancy {
                sanctioned: f.sanctioned.ok_or_else(|| need("sanctioned"))?,
                actual: f.actual.ok_or_else(|| need("actual"))?,
            },
            K::Mean => Derivation::Mean { inputs: f.inputs.ok_or_else(|| need("inputs"))? },
            K::YearlyRatioMean => Derivation::YearlyRatioMean {
                num: list(f.num, "num")?,
                den: list(f.den, "den")?,
                scale,
                share: f.share.unwrap_or(false),
            },
            K::YearsMean => {
                Derivation::YearsMean { inputs: f.inputs.ok_or_else(|| need("inputs"))?, per: f.per, scale }
            }
            K::CountYes => Derivation::CountYes { inputs: f.inputs.ok_or_else(|| need("inputs"))? },
            K::Lookup => Derivation::Lookup {
                input: f.input.ok_or_else(|| need("input"))?,
                table: f.table.ok_or_else(|| need("table"))?,
            },
            K::ThresholdPoints => Derivation::ThresholdPoints {
                per: f.per.ok_or_else(|| need("per"))?,
                scale,
                items: f.items.ok_or_else(|| need("items"))?,
            },
            K::AboveGroupMean => Derivation::AboveGroupMean {
                yes_inputs: f.yes_inputs.unwrap_or_default(),
                inputs: f.inputs.ok_or_else(|| need("inputs"))?,
            },
            K::AbsDeviation => Derivation::AbsDeviation {
                of: f.of.ok_or_else(|| need("of"))?,
                benchmark: f.benchmark.ok_or_else(|| need("benchmark"))?,
            },
        })
    }
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
                crate::sort::sort_by(&mut pairs, |a, b| b.1.total_cmp(a.1));
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

/// What a derivation reads while it is evaluated.
pub struct EvalContext<'a> {
    pub inputs: &'a crate::inputs::Inputs,
    pub units: &'a crate::inputs::Units,
    pub groups: &'a crate::groups::Groups,
    pub file: &'a str,
    pub indicator: &'a str,
}

impl<'a> EvalContext<'a> {
    fn col(&self, id: &str) -> Option<crate::inputs::Input<'a>> {
        self.inputs.get(id)
    }
    fn issue(&self, u: usize, column: &str, value: f64, issue: crate::issue::Issue) -> crate::issue::Issue {
        let header = self.col(column).and_then(|c| c.header.clone()).unwrap_or_else(|| column.to_string());
        let mut i = issue.file(self.file).row(self.units.source_rows[u]).column(header);
        if !value.is_nan() {
            i = i.value(crate::fmt::number(value));
        }
        i
    }
}

/// Input columns resolved once per derivation (a missing field reads as all-missing).
struct Cols<'a> {
    /// A column of NaN for inputs the data lacks, made when first needed.
    missing: std::cell::OnceCell<Vec<f64>>,
    ctx: &'a EvalContext<'a>,
}

impl<'a> Cols<'a> {
    fn new(ctx: &'a EvalContext<'a>) -> Self {
        Cols { missing: std::cell::OnceCell::new(), ctx }
    }
    fn one(&self, id: &str) -> &[f64] {
        match self.ctx.col(id) {
            Some(c) => c.values,
            None => self.missing.get_or_init(|| crate::matrix::nan_vec(self.ctx.units.len())),
        }
    }
    fn many(&self, ids: &[String]) -> Vec<&[f64]> {
        ids.iter().map(|id| self.one(id)).collect()
    }
}

/// The sum of unit `u`'s values, NaN if any is missing. (A plain loop, from −0 as
/// `Iterator::sum`: in the browser's build, opt-level "z", each step of an iterator chain was a
/// call of its own. The same below.)
fn sum(cols: &[&[f64]], u: usize) -> f64 {
    let mut s = -0.0;
    for c in cols {
        s += c[u];
    }
    s
}

/// Whether every one of unit `u`'s values is missing.
fn all_missing(cols: &[&[f64]], u: usize) -> bool {
    for c in cols {
        if !c[u].is_nan() {
            return false;
        }
    }
    true
}

fn lookup_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

impl Derivation {
    /// The indicator's value for every unit (NaN = missing), reporting what the person should know.
    pub fn evaluate(&self, ctx: &EvalContext, issues: &mut Vec<crate::issue::Issue>) -> Vec<f64> {
        let mut out = vec![f64::NAN; ctx.units.len()];
        self.evaluate_into(ctx, &mut out, issues);
        out
    }

    /// [`Derivation::evaluate`] into `out`, one value per unit (every value is written: NaN where
    /// missing), so the scoring run fills its column of derived values without a vector of its
    /// own for every indicator. `out` must have one value per unit.
    pub fn evaluate_into(&self, ctx: &EvalContext, out: &mut [f64], issues: &mut Vec<crate::issue::Issue>) {
        use crate::issue::Issue;
        crate::matrix::fill_nan(out);
        let ind = ctx.indicator;
        let cols = Cols::new(ctx);
        match self {
            Derivation::Value { input } => {
                if let Some(c) = ctx.col(input) {
                    out.copy_from_slice(c.values);
                }
            }
            Derivation::Ratio { num, den, scale, share } => {
                let (num, den) = (num.list(), den.list());
                let (nc, dc) = (cols.many(&num), cols.many(&den));
                for (u, o) in out.iter_mut().enumerate() {
                    let (a, b) = (sum(&nc, u), sum(&dc, u));
                    if a.is_nan() || b.is_nan() {
                        continue;
                    }
                    if b == 0.0 {
                        issues.push(ctx.issue(
                            u,
                            &den[0],
                            b,
                            Issue::warning(format!("{ind}: denominator is zero; indicator is missing")),
                        ));
                        continue;
                    }
                    if *share && a > b {
                        issues.push(ctx.issue(
                            u,
                            &num[0],
                            a,
                            Issue::warning(format!(
                                "{ind}: {} is above {} (value used)",
                                num.join(" + "),
                                den.join(" + ")
                            )),
                        ));
                    }
                    *o = crate::matrix::finite_or_missing(scale * a / b);
                }
            }
            Derivation::Vacancy { sanctioned, actual } => {
                let (sc, ac) = (cols.one(sanctioned), cols.one(actual));
                for (u, o) in out.iter_mut().enumerate() {
                    let (s, a) = (sc[u], ac[u]);
                    if s.is_nan() || a.is_nan() {
                        continue;
                    }
                    if s == 0.0 {
                        issues.push(ctx.issue(
                            u,
                            sanctioned,
                            s,
                            Issue::warning(format!("{ind}: no sanctioned posts (zero); indicator is missing")),
                        ));
                        continue;
                    }
                    *o = crate::matrix::finite_or_missing(100.0 * (s - a) / s);
                }
            }
            Derivation::Mean { inputs } => {
                let ic = cols.many(inputs);
                for (u, o) in out.iter_mut().enumerate() {
                    *o = sum(&ic, u) / inputs.len() as f64;
                }
            }
            Derivation::YearlyRatioMean { num, den, scale, share } => {
                let (nc, dc) = (cols.many(num), cols.many(den));
                for (u, o) in out.iter_mut().enumerate() {
                    let (mut s, mut k) = (0.0, 0usize);
                    for (y, (nid, did)) in num.iter().zip(den).enumerate() {
                        let (a, b) = (nc[y][u], dc[y][u]);
                        if a.is_nan() || b.is_nan() {
                            continue;
                        }
                        if b == 0.0 {
                            issues.push(ctx.issue(
                                u,
                                did,
                                b,
                                Issue::warning(format!("{ind}: denominator is zero; that year is left out")),
                            ));
                            continue;
                        }
                        if *share && a > b {
                            issues.push(ctx.issue(
                                u,
                                nid,
                                a,
                                Issue::warning(format!("{ind}: {nid} is above {did} (value used)")),
                            ));
                        }
                        let r = scale * a / b;
                        if r.is_finite() {
                            s += r;
                            k += 1;
                        }
                    }
                    if k > 0 {
                        *o = s / k as f64;
                    }
                }
            }
            Derivation::YearsMean { inputs, per, scale } => {
                let ic = cols.many(inputs);
                let pc = per.as_deref().map(|p| cols.one(p));
                for (u, o) in out.iter_mut().enumerate() {
                    let (mut total, mut k) = (0.0, 0usize);
                    for c in &ic {
                        if !c[u].is_nan() {
                            total += c[u];
                            k += 1;
                        }
                    }
                    if k == 0 {
                        continue;
                    }
                    let mean = total / k as f64;
                    let d = match (per, pc) {
                        (Some(p), Some(pc)) => {
                            let d = pc[u];
                            if d == 0.0 {
                                issues.push(ctx.issue(
                                    u,
                                    p,
                                    d,
                                    Issue::warning(format!("{ind}: {p} is zero; indicator is missing")),
                                ));
                            }
                            d
                        }
                        _ => 1.0,
                    };
                    *o = crate::matrix::finite_or_missing(scale * mean / d);
                }
            }
            Derivation::CountYes { inputs } => {
                let ic = cols.many(inputs);
                for (u, o) in out.iter_mut().enumerate() {
                    if all_missing(&ic, u) {
                        continue;
                    }
                    let mut yes = 0usize;
                    for (id, c) in inputs.iter().zip(&ic) {
                        if c[u].is_nan() {
                            let w = Issue::warning(format!("{ind}: {id} is missing and counts as no Y"));
                            issues.push(ctx.issue(u, id, f64::NAN, w));
                        }
                        yes += usize::from(c[u] == 1.0);
                    }
                    *o = yes as f64;
                }
            }
            Derivation::Lookup { input, table } => {
                let keys: HashMapKey = table.iter().map(|(k, v)| (lookup_key(k), *v)).collect();
                if let Some(col) = ctx.col(input) {
                    for (u, o) in out.iter_mut().enumerate() {
                        let t = col.text.get(u).map(|s| s.as_str()).unwrap_or("");
                        if t.is_empty() {
                            continue;
                        }
                        match keys.get(&lookup_key(t)) {
                            Some(v) => *o = *v,
                            None => {
                                let allowed: Vec<&str> = table.keys().map(|k| k.as_str()).collect();
                                let header = col.header.clone().unwrap_or_else(|| input.clone());
                                issues.push(
                                    Issue::error(format!(
                                        "{ind}: unknown value; expected one of {}",
                                        allowed.join(", ")
                                    ))
                                    .file(ctx.file)
                                    .row(ctx.units.source_rows[u])
                                    .column(header)
                                    .value(t),
                                );
                            }
                        }
                    }
                }
            }
            Derivation::ThresholdPoints { per, scale, items } => {
                let pc = cols.one(per);
                let ic: Vec<&[f64]> = items.iter().map(|it| cols.one(&it.input)).collect();
                for (u, o) in out.iter_mut().enumerate() {
                    let p = pc[u];
                    if p.is_nan() || p <= 0.0 || all_missing(&ic, u) {
                        continue;
                    }
                    let mut points = 0usize;
                    for (it, c) in items.iter().zip(&ic) {
                        points += usize::from(!c[u].is_nan() && scale * c[u] / p >= it.threshold);
                    }
                    *o = points as f64;
                }
            }
            Derivation::AboveGroupMean { yes_inputs, inputs } => {
                let (yc, ic) = (cols.many(yes_inputs), cols.many(inputs));
                // Group means of each input over the units that report it.
                let means: Vec<Vec<f64>> = ic
                    .iter()
                    .map(|c| {
                        ctx.groups
                            .members
                            .iter()
                            .map(|m| {
                                let (mut s, mut k) = (0.0, 0usize);
                                for &u in m {
                                    if !c[u].is_nan() {
                                        s += c[u];
                                        k += 1;
                                    }
                                }
                                if k == 0 {
                                    f64::NAN
                                } else {
                                    s / k as f64
                                }
                            })
                            .collect()
                    })
                    .collect();
                for (u, o) in out.iter_mut().enumerate() {
                    let Some(g) = ctx.groups.of_unit[u] else { continue };
                    let mut any = false;
                    let mut pts = 0.0;
                    for c in &yc {
                        if !c[u].is_nan() {
                            any = true;
                            if c[u] == 1.0 {
                                pts += 1.0;
                            }
                        }
                    }
                    for (k, c) in ic.iter().enumerate() {
                        if !c[u].is_nan() {
                            any = true;
                            if c[u] > means[k][g] {
                                pts += 1.0;
                            }
                        }
                    }
                    if any {
                        *o = pts;
                    }
                }
            }
            Derivation::AbsDeviation { of, benchmark } => {
                of.evaluate_into(ctx, out, issues);
                for o in out.iter_mut() {
                    *o = (*o - benchmark).abs();
                }
            }
        }
    }
}

type HashMapKey = std::collections::HashMap<String, f64>;

#[cfg(test)]
mod form_tests {
    use super::*;

    fn all_kinds() -> Vec<Derivation> {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        vec![
            Derivation::Value { input: "a".into() },
            Derivation::Ratio {
                num: Fields::One("a".into()),
                den: Fields::Many(v(&["b", "c"])),
                scale: 100.0,
                share: true,
            },
            Derivation::Vacancy { sanctioned: "s".into(), actual: "a".into() },
            Derivation::Mean { inputs: v(&["a", "b"]) },
            Derivation::YearlyRatioMean { num: v(&["a1", "a2"]), den: v(&["b1", "b2"]), scale: 1.0, share: false },
            Derivation::YearsMean { inputs: v(&["y1", "y2"]), per: Some("p".into()), scale: 1e5 },
            Derivation::CountYes { inputs: v(&["q"]) },
            Derivation::Lookup { input: "r".into(), table: [("AA".to_string(), 4.0)].into_iter().collect() },
            Derivation::ThresholdPoints {
                per: "pop".into(),
                scale: 1e5,
                items: vec![ThresholdItem {
                    input: "h".into(),
                    threshold: 1.5,
                    source: "p.3".into(),
                    provisional: true,
                }],
            },
            Derivation::AboveGroupMean { yes_inputs: v(&["y"]), inputs: v(&["x"]) },
            Derivation::AbsDeviation { of: Box::new(Derivation::Value { input: "a".into() }), benchmark: 135.0 },
        ]
    }

    #[test]
    fn every_kind_reads_back_what_it_writes_in_json_and_toml() {
        for d in all_kinds() {
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(serde_json::from_str::<Derivation>(&json).unwrap(), d, "{json}");
        }
        // TOML, as framework files write derivations: inline tables, nested for abs_deviation.
        #[derive(Deserialize)]
        struct Wrap {
            derive: Derivation,
        }
        let t = r#"derive = { kind = "abs_deviation", of = { kind = "ratio", num = "a", den = ["b", "c"], scale = 100.0, share = true }, benchmark = 135.0 }"#;
        let want = Derivation::AbsDeviation {
            of: Box::new(Derivation::Ratio {
                num: Fields::One("a".into()),
                den: Fields::Many(vec!["b".into(), "c".into()]),
                scale: 100.0,
                share: true,
            }),
            benchmark: 135.0,
        };
        assert_eq!(toml::from_str::<Wrap>(t).unwrap().derive, want);
        let t = "[derive]\nkind = \"lookup\"\ninput = \"r\"\ntable = { AA = 4.0 }\n";
        assert_eq!(toml::from_str::<Wrap>(t).unwrap().derive, all_kinds()[7]);
        let e = toml::from_str::<Wrap>("derive = { kind = \"value\", input = \"a\", den = \"b\" }")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("unknown field `den` for kind `value`"), "{e}");
    }

    #[test]
    fn defaults_as_documented() {
        let d: Derivation = serde_json::from_str(r#"{"kind":"ratio","num":"a","den":["b"]}"#).unwrap();
        assert_eq!(
            d,
            Derivation::Ratio {
                num: Fields::One("a".into()),
                den: Fields::Many(vec!["b".into()]),
                scale: 1.0,
                share: false
            }
        );
        let d: Derivation = serde_json::from_str(r#"{"inputs":["x"],"kind":"above_group_mean"}"#).unwrap();
        assert_eq!(
            d,
            Derivation::AboveGroupMean { yes_inputs: vec![], inputs: vec!["x".into()] },
            "kind may come last"
        );
    }

    #[test]
    fn wrong_fields_are_named() {
        let err = |t: &str| serde_json::from_str::<Derivation>(t).unwrap_err().to_string();
        assert!(err(r#"{"kind":"value","input":"a","scale":2}"#)
            .contains("unknown field `scale` for kind `value`, expected `input`"));
        assert!(err(r#"{"kind":"vacancy","sanctioned":"s"}"#).contains("missing field `actual` (kind `vacancy`)"));
        assert!(err(r#"{"kind":"ratio","num":"a","den":"b","bogus":1}"#).contains("unknown field `bogus`"));
        assert!(err(r#"{"kind":"yearly_ratio_mean","num":"a","den":["b"]}"#)
            .contains("`num` of kind `yearly_ratio_mean` must be a list"));
        assert!(err(r#"{"kind":"median","input":"a"}"#).contains("unknown variant `median`"));
        assert!(err(r#"{"input":"a"}"#).contains("missing field `kind`"));
        assert!(err(r#"{"kind":"ratio","num":3,"den":"b"}"#).contains("a field id or a list of field ids"));
    }
}
