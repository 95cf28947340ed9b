//! Outlier treatment of one indicator across the whole data set (COINr's default `Treat()`:
//! skew/kurtosis check, winsorisation, and `log_CT` when winsorisation is not enough).
//!
//! COINr source: `R/treat.R` — `Treat.data.frame` (defaults), `Treat.numeric` (the two stages),
//! `winsorise`, `log_CT`, `check_SkewKurt`, `skew`, `kurt`. COINr treats every unit of the data
//! set together, never per group: pass the whole column.
//!
//! The procedure, exactly as COINr runs it:
//! 1. Check: an indicator *passes* if `|skew| < skew_thresh` OR `kurt < kurt_thresh` (it fails
//!    only when both are exceeded). Skew and kurtosis are the sample (type 2 / Excel) estimators.
//! 2. If it fails, winsorise: while it fails and fewer than `winmax` points have been changed,
//!    look at the sign of the current skew; if skew >= 0 every point equal to the maximum is set
//!    to the largest remaining value ("winhi"), else every point equal to the minimum is set to
//!    the smallest remaining value ("winlo"). Tied extremes move together, so the count of changed
//!    points can overshoot `winmax`.
//! 3. If the winsorised column still fails, winsorisation is discarded and `log_CT` is applied to
//!    the ORIGINAL values: `ln(x - min + 0.01 (max - min))`. Its result is kept even if it fails.
//! 4. Whenever a check is undefined (fewer than 3-4 values, or no spread) COINr returns the
//!    column untreated (with a warning); so do we.

use super::stats;
use crate::settings::Treatment;

/// COINr's `check_SkewKurt` result for one column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkewKurt {
    pub skew: f64,
    pub kurt: f64,
    /// `Some(true)` passes, `Some(false)` fails, `None` undefined (R's NA).
    pub pass: Option<bool>,
}

/// COINr `check_SkewKurt(x, na.rm = TRUE, skew_thresh, kurt_thresh)`.
///
/// R evaluates `(abs(sk) < st) | (kt < kt_thresh)` with NA logic: one TRUE side is enough even if
/// the other is NA (e.g. 3 values: skew defined, kurtosis not).
pub fn check_skew_kurt(values: &[f64], skew_thresh: f64, kurt_thresh: f64) -> SkewKurt {
    let skew = stats::skew(values);
    let kurt = stats::kurt(values);
    let skew_ok = (!skew.is_nan()).then_some(skew.abs() < skew_thresh);
    let kurt_ok = (!kurt.is_nan()).then_some(kurt < kurt_thresh);
    let pass = match (skew_ok, kurt_ok) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    SkewKurt { skew, kurt, pass }
}

/// What happened to the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreatStatus {
    /// Passed the check as it was; values unchanged.
    NotNeeded,
    /// Winsorisation brought it within the thresholds.
    Winsorised,
    /// Winsorisation was not enough; `log_CT` of the original values is returned. `passes` is the
    /// check on the logged values (COINr keeps them either way).
    LogTransformed { passes: bool },
    /// Skew or kurtosis could not be computed (too few values or no spread): untreated.
    Undefined,
}

/// Treated values plus what was done, in the spirit of COINr's `Dets_Table` / `Treated_Points`.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatResult {
    /// The treated column (missing and non-finite inputs are NaN).
    pub values: Vec<f64>,
    pub status: TreatStatus,
    /// Indices set to a lower value by winsorisation ("winhi"). Also filled when winsorisation was
    /// attempted but then discarded for `log_CT` (see `status`).
    pub winsorised_high: Vec<usize>,
    /// Indices set to a higher value by winsorisation ("winlo").
    pub winsorised_low: Vec<usize>,
    /// COINr's `nwin`: number of points winsorisation changed (0 if it did not run).
    pub n_winsorised: usize,
    /// Check on the input column.
    pub before: SkewKurt,
    /// Check on the returned column.
    pub after: SkewKurt,
}

impl TreatResult {
    /// True if `log_CT` produced the values.
    pub fn log_applied(&self) -> bool {
        matches!(self.status, TreatStatus::LogTransformed { .. })
    }

    /// One-line description for reports.
    pub fn status_text(&self) -> String {
        let pts = |n: usize| if n == 1 { "1 point".to_string() } else { format!("{n} points") };
        match self.status {
            TreatStatus::NotNeeded => "no treatment needed".into(),
            TreatStatus::Winsorised => format!(
                "winsorised {} ({} high, {} low)",
                pts(self.n_winsorised),
                self.winsorised_high.len(),
                self.winsorised_low.len()
            ),
            TreatStatus::LogTransformed { passes } => format!(
                "log_CT applied (winsorising {} was not enough){}",
                pts(self.n_winsorised),
                if passes { "" } else { "; still outside skew/kurtosis thresholds" }
            ),
            TreatStatus::Undefined => "untreated: skew/kurtosis undefined (too few values or no spread)".into(),
        }
    }
}

/// COINr `Treat()` default for one indicator column (pass the whole data set, not a group).
/// COINr defaults: `winmax = 5`, `skew_thresh = 2`, `kurt_thresh = 3.5`, `force_win = FALSE`,
/// `f2 = "log_CT"`, `combine_treat = FALSE`.
pub fn treat(values: &[f64], winmax: usize, skew_thresh: f64, kurt_thresh: f64) -> TreatResult {
    let original: Vec<f64> = values.iter().map(|&v| if v.is_finite() { v } else { f64::NAN }).collect();
    let before = check_skew_kurt(&original, skew_thresh, kurt_thresh);
    let untreated = |before: SkewKurt, status| TreatResult {
        values: original.clone(),
        status,
        winsorised_high: Vec::new(),
        winsorised_low: Vec::new(),
        n_winsorised: 0,
        before,
        after: before,
    };
    match before.pass {
        None => return untreated(before, TreatStatus::Undefined),
        Some(true) => return untreated(before, TreatStatus::NotNeeded),
        Some(false) => {}
    }

    let Some(win) = winsorise(&original, winmax, skew_thresh, kurt_thresh) else {
        return untreated(before, TreatStatus::Undefined);
    };
    match win.check.pass {
        None => untreated(before, TreatStatus::Undefined),
        Some(true) => TreatResult {
            values: win.values,
            status: TreatStatus::Winsorised,
            winsorised_high: win.high,
            winsorised_low: win.low,
            n_winsorised: win.nwin,
            before,
            after: win.check,
        },
        Some(false) => {
            let mut logged = original.clone();
            log_ct(&mut logged);
            let after = check_skew_kurt(&logged, skew_thresh, kurt_thresh);
            let Some(passes) = after.pass else {
                return untreated(before, TreatStatus::Undefined);
            };
            TreatResult {
                values: logged,
                status: TreatStatus::LogTransformed { passes },
                winsorised_high: win.high,
                winsorised_low: win.low,
                n_winsorised: win.nwin,
                before,
                after,
            }
        }
    }
}

/// [`treat`] driven by the settings enum; [`Treatment::None`] returns the column unchanged.
pub fn treat_with(values: &[f64], treatment: &Treatment) -> TreatResult {
    match *treatment {
        Treatment::Winsorise { winmax, skew_thresh, kurt_thresh } => treat(values, winmax, skew_thresh, kurt_thresh),
        Treatment::None => {
            let v: Vec<f64> = values.iter().map(|&v| if v.is_finite() { v } else { f64::NAN }).collect();
            let check = SkewKurt { skew: stats::skew(&v), kurt: stats::kurt(&v), pass: None };
            TreatResult {
                values: v,
                status: TreatStatus::NotNeeded,
                winsorised_high: Vec::new(),
                winsorised_low: Vec::new(),
                n_winsorised: 0,
                before: check,
                after: check,
            }
        }
    }
}

/// Outcome of COINr `winsorise()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Winsorised {
    pub values: Vec<f64>,
    /// COINr `treated == "winhi"` positions (the last high-side set, which holds every point
    /// moved on that side).
    pub high: Vec<usize>,
    pub low: Vec<usize>,
    pub nwin: usize,
    /// Check on the returned values.
    pub check: SkewKurt,
}

/// COINr `winsorise(x, na.rm = TRUE, winmax, skew_thresh, kurt_thresh)`. `None` where COINr would
/// hit an undefined check inside the loop (an error that `Treat()` turns into "untreated").
pub fn winsorise(values: &[f64], winmax: usize, skew_thresh: f64, kurt_thresh: f64) -> Option<Winsorised> {
    let mut x: Vec<f64> = values.iter().map(|&v| if v.is_finite() { v } else { f64::NAN }).collect();
    let mut high: Vec<usize> = Vec::new();
    let mut low: Vec<usize> = Vec::new();
    let mut nwin = 0usize;
    let mut check = check_skew_kurt(&x, skew_thresh, kurt_thresh);
    while check.pass == Some(false) && nwin < winmax {
        let sk = stats::skew(&x);
        if sk.is_nan() {
            return None;
        }
        let (lo, hi) = stats::min_max(&x)?;
        // COINr recomputes `which(x == max(x))` every step; since moved points sit at the new
        // extreme, the set grows to include every point moved on that side so far.
        let (set, extreme) = if sk >= 0.0 { (&mut high, hi) } else { (&mut low, lo) };
        set.clear();
        set.extend((0..x.len()).filter(|&i| x[i] == extreme));
        let rest = x.iter().copied().filter(|v| v.is_finite() && *v != extreme);
        let next = if sk >= 0.0 { rest.fold(f64::NAN, f64::max) } else { rest.fold(f64::NAN, f64::min) };
        if next.is_nan() {
            return None;
        }
        for &i in set.iter() {
            x[i] = next;
        }
        nwin = high.len() + low.len();
        check = check_skew_kurt(&x, skew_thresh, kurt_thresh);
    }
    check.pass?;
    Some(Winsorised { values: x, high, low, nwin, check })
}

/// COINr `log_CT(x, na.rm = TRUE)` in place: `ln(x - min + 0.01 (max - min))`. With no spread the
/// minimum maps to ln(0) = -inf, which we store as missing; COINr never reaches that case from
/// `Treat()` because the skew check is undefined first.
pub fn log_ct(values: &mut [f64]) {
    let Some((min, max)) = stats::min_max(values) else { return };
    let a = 0.01 * (max - min);
    for v in values.iter_mut() {
        let y = (*v - min + a).ln();
        *v = if y.is_finite() { y } else { f64::NAN };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn pass_needs_only_one_of_skew_or_kurtosis_within_threshold() {
        // 1..10, 100: both way out → fail (COINr test-treat.R)
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.push(100.0);
        assert_eq!(check_skew_kurt(&x, 2.0, 3.5).pass, Some(false));
        // with a huge kurtosis threshold the skew alone is not enough to fail
        assert_eq!(check_skew_kurt(&x, 2.0, 1e9).pass, Some(true));
        assert_eq!(check_skew_kurt(&x, 1e9, 3.5).pass, Some(true));
    }

    #[test]
    fn three_values_pass_on_skew_alone() {
        // kurtosis undefined for n = 3, skew 0 < 2 → TRUE | NA = TRUE
        let c = check_skew_kurt(&[1.0, 2.0, 3.0], 2.0, 3.5);
        assert!(c.kurt.is_nan());
        assert_eq!(c.pass, Some(true));
    }

    #[test]
    fn clean_column_is_not_treated() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, NA];
        let r = treat(&x, 5, 2.0, 3.5);
        assert_eq!(r.status, TreatStatus::NotNeeded);
        assert_eq!(r.values[..5], x[..5]);
        assert!(r.values[5].is_nan());
    }

    #[test]
    fn single_high_outlier_is_winsorised_to_next_highest() {
        // COINr test-treat.R: c(1:10, 100) → the 100 becomes 10 and the rest is unchanged.
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.push(100.0);
        let r = treat(&x, 5, 2.0, 3.5);
        assert_eq!(r.status, TreatStatus::Winsorised);
        assert_eq!(r.values[10], 10.0);
        assert_eq!(r.values[..10], x[..10]);
        assert_eq!(r.winsorised_high, vec![10]);
        assert!(r.winsorised_low.is_empty());
        assert_eq!(r.n_winsorised, 1);
        assert_eq!(r.after.pass, Some(true));
    }

    #[test]
    fn low_outlier_is_winsorised_upwards() {
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.push(-100.0);
        let r = treat(&x, 5, 2.0, 3.5);
        assert_eq!(r.status, TreatStatus::Winsorised);
        assert_eq!(r.values[10], 1.0);
        assert_eq!(r.winsorised_low, vec![10]);
    }

    #[test]
    fn successive_winsorisation_moves_every_point_at_the_extreme() {
        // 1..20, 100, 200: the 200 goes to 100, then both go to 20.
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([100.0, 200.0]);
        let w = winsorise(&x, 5, 2.0, 3.5).expect("defined");
        assert_eq!(w.values[20], 20.0);
        assert_eq!(w.values[21], 20.0);
        assert_eq!(w.high, vec![20, 21]);
        assert_eq!(w.nwin, 2);
    }

    #[test]
    fn tied_extremes_move_together_and_can_overshoot_winmax() {
        // two tied maxima count as 2 winsorised points in one step
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([500.0, 500.0]);
        let w = winsorise(&x, 1, 2.0, 3.5).expect("defined");
        assert_eq!(w.nwin, 2);
        assert_eq!(&w.values[20..], &[20.0, 20.0]);
    }

    #[test]
    fn log_ct_is_applied_to_original_values_when_winsorisation_is_not_enough() {
        // 1..20, 100, 200 with winmax 1: one step is not enough → log_CT of the ORIGINAL values.
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([100.0, 200.0]);
        let r = treat(&x, 1, 2.0, 3.5);
        assert!(r.log_applied());
        let a = 0.01 * (200.0 - 1.0);
        for (v, o) in r.values.iter().zip(&x) {
            assert!((v - (o - 1.0 + a).ln()).abs() < 1e-12);
        }
        assert_eq!(r.values[0], a.ln());
        assert_eq!(r.n_winsorised, 1);
        assert!(r.status_text().starts_with("log_CT"));
    }

    #[test]
    fn log_ct_with_winmax_zero_goes_straight_to_log() {
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.push(100.0);
        let r = treat(&x, 0, 2.0, 3.5);
        assert!(r.log_applied());
        assert_eq!(r.n_winsorised, 0);
    }

    #[test]
    fn undefined_check_returns_untreated() {
        for x in [vec![], vec![NA], vec![1.0, 2.0], vec![5.0, 5.0, 5.0, 5.0, NA]] {
            let r = treat(&x, 5, 2.0, 3.5);
            assert_eq!(r.status, TreatStatus::Undefined);
            assert_eq!(r.values.len(), x.len());
        }
    }

    #[test]
    fn winsorising_into_a_constant_column_returns_untreated() {
        // 1,1,1,1,1,1,1,1,1,1,50: one step makes it constant → undefined → untreated like COINr.
        let mut x = vec![1.0; 10];
        x.push(50.0);
        let r = treat(&x, 5, 2.0, 3.5);
        assert_eq!(r.status, TreatStatus::Undefined);
        assert_eq!(r.values, x);
    }

    #[test]
    fn infinities_count_as_missing() {
        let mut x: Vec<f64> = (1..=10).map(f64::from).collect();
        x.push(f64::INFINITY);
        let r = treat(&x, 5, 2.0, 3.5);
        assert_eq!(r.status, TreatStatus::NotNeeded);
        assert!(r.values[10].is_nan());
    }

    #[test]
    fn treatment_none_leaves_values() {
        let r = treat_with(&[1.0, 100.0, 2.0, 3.0], &Treatment::None);
        assert_eq!(r.values, vec![1.0, 100.0, 2.0, 3.0]);
        assert_eq!(r.status, TreatStatus::NotNeeded);
    }
}
