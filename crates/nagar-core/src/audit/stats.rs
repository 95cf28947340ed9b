//! Indicator statistics exactly as COINr 1.1.14's `get_stats()` (`R/stats.R`,
//! `get_stats.data.frame`), with COINr's own quirks kept:
//!
//! - `N.NonZero` counts the available values that are not zero;
//! - the `Frc.*` columns divide by the available values, but `Flag.NonZero` and `Flag.Unique`
//!   compare `N.NonZero / n` and `N.Unique / n` with their thresholds, `n` being all units
//!   (missing ones included);
//! - `N.Unique` is `length(unique(x))` (exact equality of doubles), while `N.Same` is
//!   `max(table(x))`, and `table()` groups values by `as.character()`, i.e. by their rounding to
//!   15 significant digits: two values that differ only beyond the 15th digit count as the same;
//! - skewness and kurtosis are COINr's `skew()` / `kurt()` (e1071 type 2), NaN below 3 / 4 values
//!   or without spread, and `Flag.SkewKurt` follows R's three-valued `&` (NA & FALSE is FALSE).
//!
//! Where R gives `Inf`, `-Inf` or `NA` with a warning (no value at all), the number is NaN (an
//! empty cell) and the flag is `None`; [`IndicatorStats::undefined`] says why.

use serde::Serialize;

use crate::methods::stats;

/// COINr's `get_stats()` thresholds (its defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatsThresholds {
    /// `t_skew`: |skew| above this (and kurtosis above `kurt`) flags possible outliers.
    pub skew: f64,
    /// `t_kurt`.
    pub kurt: f64,
    /// `t_avail`: share of available values below this is flagged `LOW`.
    pub avail: f64,
    /// `t_zero`: share of non-zero values (over all units) below this is flagged `LOW`.
    pub zero: f64,
    /// `t_unq`: share of unique values (over all units) below this is flagged `LOW`.
    pub unique: f64,
}

impl Default for StatsThresholds {
    fn default() -> Self {
        StatsThresholds { skew: 2.0, kurt: 3.5, avail: 0.65, zero: 0.5, unique: 0.5 }
    }
}

/// One row of `get_stats()`. Flags are `Some("ok")`, `Some("LOW")` / `Some("OUT")`, or `None`
/// where R gives `NA`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStats {
    pub id: String,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
    pub std: f64,
    pub skew: f64,
    pub kurt: f64,
    pub n_avail: usize,
    pub n_nonzero: usize,
    pub n_unique: usize,
    /// `None` when no value is available (R: `max()` of an empty table, `-Inf`).
    pub n_same: Option<usize>,
    pub frc_avail: f64,
    pub frc_nonzero: f64,
    pub frc_unique: f64,
    pub frc_same: f64,
    pub flag_avail: Option<&'static str>,
    pub flag_nonzero: Option<&'static str>,
    pub flag_unique: Option<&'static str>,
    pub flag_skew_kurt: Option<&'static str>,
    /// Why some statistics are undefined (empty when all are defined).
    pub undefined: String,
}

/// The column names of COINr's table, in its order (`stats_raw.csv`).
pub const COLUMNS: [&str; 20] = [
    "iCode",
    "Min",
    "Max",
    "Mean",
    "Median",
    "Std",
    "Skew",
    "Kurt",
    "N.Avail",
    "N.NonZero",
    "N.Unique",
    "N.Same",
    "Frc.Avail",
    "Frc.NonZero",
    "Frc.Unique",
    "Frc.Same",
    "Flag.Avail",
    "Flag.NonZero",
    "Flag.Unique",
    "Flag.SkewKurt",
];

fn flag(ok: bool, bad: &'static str) -> &'static str {
    if ok {
        "ok"
    } else {
        bad
    }
}

/// R's `as.character()` of a double groups values by their rounding to 15 significant digits
/// (`DBL_DIG`); this key is that rounding.
fn key15(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x }; // -0 prints as 0 in R
    format!("{x:.14e}")
}

/// Statistics of one column; `values` has one entry per unit, NaN = missing.
pub fn column_stats(id: &str, values: &[f64], t: &StatsThresholds) -> IndicatorStats {
    let n = values.len();
    let avail: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let n_avail = avail.len();
    let nf = n as f64;
    let af = n_avail as f64;
    let (min, max) = stats::min_max(&avail).unwrap_or((f64::NAN, f64::NAN));
    let mean = stats::mean(&avail);
    let median = stats::median(&avail);
    let std = stats::sd(&avail);
    let skew = stats::skew(&avail);
    let kurt = stats::kurt(&avail);
    let n_nonzero = avail.iter().filter(|&&x| x != 0.0).count();
    // Sorted once: distinct values are adjacent, and so are the members of a 15-digit group
    // (rounding is monotone), so both counts are runs; a key is formatted only for two adjacent
    // values that differ by less than 1e-14 relatively (else their 15-digit roundings differ).
    let mut sorted: Vec<f64> = avail.iter().map(|&x| if x == 0.0 { 0.0 } else { x }).collect();
    crate::sort::sort_f64(&mut sorted);
    let (mut n_unique, mut best, mut run) = (0usize, 0usize, 0usize);
    for k in 0..sorted.len() {
        let (a, b) = (if k > 0 { sorted[k - 1] } else { f64::NAN }, sorted[k]);
        n_unique += usize::from(k == 0 || a != b);
        let near = k > 0 && (a == b || ((b - a).abs() <= 1e-14 * a.abs().max(b.abs()) && key15(a) == key15(b)));
        run = if near { run + 1 } else { 1 };
        best = best.max(run);
    }
    let n_same = (n_avail > 0).then_some(best);
    let frc_avail = if n == 0 { f64::NAN } else { af / nf };
    let per_avail = |k: usize| if n_avail == 0 { f64::NAN } else { k as f64 / af };
    let per_all = |k: usize| if n == 0 { f64::NAN } else { k as f64 / nf };
    // R: ifelse(NA, ...) is NA; comparisons with NaN are NA.
    let cmp = |x: f64, threshold: f64, bad: &'static str| (!x.is_nan()).then(|| flag(x >= threshold, bad));
    let skew_hi = (!skew.is_nan()).then_some(skew.abs() > t.skew);
    let kurt_hi = (!kurt.is_nan()).then_some(kurt > t.kurt);
    // R's `&`: FALSE if either side is FALSE, NA if the other is NA, else TRUE.
    let out = match (skew_hi, kurt_hi) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    };
    let mut why = Vec::new();
    if n_avail == 0 {
        why.push("no value is available".to_string());
    } else {
        if n_avail < 2 {
            why.push("one value only: no standard deviation".to_string());
        }
        if min == max {
            why.push("all values are equal: no skewness or kurtosis".to_string());
        } else if n_avail < 3 {
            why.push("fewer than 3 values: no skewness".to_string());
        } else if n_avail < 4 {
            why.push("fewer than 4 values: no kurtosis".to_string());
        }
    }
    IndicatorStats {
        id: id.to_string(),
        min,
        max,
        mean,
        median,
        std,
        skew,
        kurt,
        n_avail,
        n_nonzero,
        n_unique,
        n_same,
        frc_avail,
        frc_nonzero: per_avail(n_nonzero),
        frc_unique: per_avail(n_unique),
        frc_same: n_same.map_or(f64::NAN, per_avail),
        flag_avail: cmp(frc_avail, t.avail, "LOW"),
        flag_nonzero: cmp(per_all(n_nonzero), t.zero, "LOW"),
        flag_unique: cmp(per_all(n_unique), t.unique, "LOW"),
        flag_skew_kurt: out.map(|o| flag(!o, "OUT")),
        undefined: why.join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn counts_and_quirky_denominators() {
        // 10 units, 8 available: 0, 0, 0, 1, 1, 2, 3, 40.
        let x = [0.0, 0.0, NA, 0.0, 1.0, 1.0, 2.0, NA, 3.0, 40.0];
        let s = column_stats("x", &x, &StatsThresholds::default());
        assert_eq!((s.n_avail, s.n_nonzero, s.n_unique, s.n_same), (8, 5, 5, Some(3)));
        assert_eq!(s.frc_avail, 0.8);
        assert_eq!(s.frc_nonzero, 5.0 / 8.0); // over available values
        assert_eq!(s.frc_unique, 5.0 / 8.0);
        assert_eq!(s.frc_same, 3.0 / 8.0);
        // Flag.NonZero: 5/10 = 0.5 >= 0.5 → ok (5/8 would pass too); Flag.Unique: 5/10 = 0.5 → ok.
        assert_eq!((s.flag_avail, s.flag_nonzero, s.flag_unique), (Some("ok"), Some("ok"), Some("ok")));
        assert_eq!((s.min, s.max, s.median), (0.0, 40.0, 1.0));
        assert_eq!(s.mean, 47.0 / 8.0);
    }

    #[test]
    fn unique_flag_divides_by_all_units() {
        // 4 unique values among 6 available of 10 units: 4/6 ≥ 0.5 but 4/10 < 0.5 → LOW (COINr).
        let x = [1.0, 2.0, 3.0, 4.0, 4.0, 4.0, NA, NA, NA, NA];
        let s = column_stats("x", &x, &StatsThresholds::default());
        assert_eq!(s.frc_unique, 4.0 / 6.0);
        assert_eq!(s.flag_unique, Some("LOW"));
        assert_eq!(s.flag_avail, Some("LOW")); // 0.6 < 0.65
    }

    #[test]
    fn n_same_groups_by_15_significant_digits_n_unique_does_not() {
        let a = 0.1 + 0.2; // 0.30000000000000004
        let s = column_stats("x", &[a, 0.3, 1.0], &StatsThresholds::default());
        assert_eq!(s.n_unique, 3);
        assert_eq!(s.n_same, Some(2));
        // Three values equal to 15 digits (unsorted, with a repeat), two that differ in the 15th.
        let x = [0.300_000_000_000_000_1, 1.00000000000001, a, 0.3, 1.00000000000002, a, -0.0, 0.0];
        let s = column_stats("x", &x, &StatsThresholds::default());
        assert_eq!(s.n_unique, 6); // a, 0.3, 0.30000000000000009, the two 1.0000000000000x, 0
        assert_eq!(s.n_same, Some(4)); // as.character: "0.3" four times; -0 and 0 are "0" twice
    }

    #[test]
    fn skew_kurt_flag_uses_r_and() {
        // A heavy right tail: skew > 2 and kurt > 3.5 → OUT.
        let mut x = vec![1.0; 20];
        x.push(100.0);
        x[0] = 2.0;
        let s = column_stats("x", &x, &StatsThresholds::default());
        assert!(s.skew > 2.0 && s.kurt > 3.5);
        assert_eq!(s.flag_skew_kurt, Some("OUT"));
        // 3 values: skew defined (|skew| small → FALSE), kurt NA → FALSE & NA = FALSE → "ok".
        let s = column_stats("x", &[1.0, 2.0, 3.0], &StatsThresholds::default());
        assert!(s.kurt.is_nan());
        assert_eq!(s.flag_skew_kurt, Some("ok"));
        // 3 values with |skew| > 2 impossible in type 2? skew of 1,1,10 = 1.732; use threshold 1.
        let t = StatsThresholds { skew: 1.0, ..Default::default() };
        let s = column_stats("x", &[1.0, 1.0, 10.0], &t);
        assert!(s.skew > 1.0 && s.kurt.is_nan());
        assert_eq!(s.flag_skew_kurt, None); // TRUE & NA = NA
    }

    #[test]
    fn constant_and_empty_columns_do_not_panic() {
        let s = column_stats("c", &[5.0, 5.0, 5.0, 5.0], &StatsThresholds::default());
        assert_eq!((s.min, s.max, s.std), (5.0, 5.0, 0.0));
        assert!(s.skew.is_nan() && s.kurt.is_nan());
        assert_eq!(s.flag_skew_kurt, None);
        assert_eq!(s.flag_unique, Some("LOW"));
        assert!(s.undefined.contains("all values are equal"), "{}", s.undefined);
        let s = column_stats("e", &[NA, NA, NA], &StatsThresholds::default());
        assert_eq!((s.n_avail, s.n_same), (0, None));
        assert!(s.min.is_nan() && s.mean.is_nan() && s.frc_nonzero.is_nan());
        assert_eq!(s.frc_avail, 0.0);
        assert_eq!(s.flag_avail, Some("LOW"));
        assert_eq!(s.flag_nonzero, Some("LOW"));
        assert!(s.undefined.contains("no value"));
        let s = column_stats("z", &[], &StatsThresholds::default());
        assert!(s.frc_avail.is_nan() && s.flag_avail.is_none());
    }
}
