//! Normalisation of one indicator within one comparison group, as COINr's `Normalise()` with its
//! `n_*` functions: the direction is applied first (`x * direction`), then the method.
//!
//! COINr sources: `R/normalise.R` — `Normalise.numeric`, `n_zscore`, `n_minmax`, `n_goalposts`,
//! `n_dist2targ`, `n_rank`, `n_prank`, and `get_iMeta_norm_paras` for how direction meets targets
//! and goalposts. Degenerate groups (one value, zero spread) follow our spec where COINr would
//! return NaN; each case is named on the function that handles it.

use super::stats;
use crate::settings::Normalisation;

/// Normalise `values` (one indicator, one comparison group) in place.
///
/// * `direction` must be `1` or `-1`; values are multiplied by it before anything else.
/// * `target` (original units) is required by [`Normalisation::Dist2targ`].
/// * `goalposts` `[lower, upper]` (original units) are required by [`Normalisation::Goalposts`].
///
/// Missing (`NaN`) and non-finite values stay/become `NaN`. On `Err` the slice is left untouched.
pub fn normalise(
    values: &mut [f64],
    method: &Normalisation,
    direction: f64,
    target: Option<f64>,
    goalposts: Option<[f64; 2]>,
) -> Result<(), String> {
    if direction != 1.0 && direction != -1.0 {
        return Err(format!("direction must be 1 or -1, got {direction}"));
    }
    method.check()?;
    // Validate method parameters before touching the data so that an Err leaves it intact.
    match method {
        Normalisation::Dist2targ { .. } => match target {
            Some(t) if t.is_finite() => {}
            Some(t) => return Err(format!("dist2targ needs a finite target, got {t}")),
            None => return Err("dist2targ needs a target for the indicator, none given".into()),
        },
        Normalisation::Goalposts { .. } => match goalposts {
            Some([lo, hi]) if lo.is_finite() && hi.is_finite() && lo != hi => {}
            Some([lo, hi]) => return Err(format!("goalposts must be two different finite numbers, got [{lo}, {hi}]")),
            None => return Err("goalposts normalisation needs [lower, upper] goalposts, none given".into()),
        },
        _ => {}
    }

    for v in values.iter_mut() {
        *v = if v.is_finite() { *v * direction } else { f64::NAN };
    }

    match *method {
        Normalisation::Zscore { mean, sd } => zscore(values, mean, sd),
        Normalisation::Minmax { lo, hi } => minmax(values, lo, hi),
        Normalisation::Goalposts { scale, truncate } => {
            // Checked above; the fallback is unreachable but keeps this free of unwrap().
            let [lo, hi] = goalposts.unwrap_or([0.0, 1.0]);
            goalposts_directed(values, lo, hi, direction, scale, truncate)
        }
        Normalisation::Dist2targ { cap_max } => dist2targ(values, target.unwrap_or(0.0) * direction, cap_max),
        Normalisation::Rank => rank(values),
        Normalisation::Prank => prank(values),
        Normalisation::None => {}
    }
    Ok(())
}

/// COINr `n_zscore(x, m_sd)`: `(x - mean) / sd * sd_target + mean_target`, sample sd.
///
/// Spec (differs from COINr): with fewer than 2 values or sd = 0 every present value becomes
/// `mean_target`. COINr returns NA (one value: `sd()` is NA) or NaN (0/0) there.
pub fn zscore(values: &mut [f64], mean_target: f64, sd_target: f64) {
    let m = stats::mean(values);
    let s = stats::sd_about(values, m);
    let degenerate = !(s.is_finite() && s > 0.0);
    for v in values.iter_mut() {
        if v.is_finite() {
            *v = if degenerate { mean_target } else { (*v - m) / s * sd_target + mean_target };
        }
    }
}

/// COINr `n_minmax(x, l_u)`: `(x - min) / (max - min) * (hi - lo) + lo`.
///
/// Spec (differs from COINr): when max = min (including a single value) every present value
/// becomes `hi`, as the MPI rescale rule says. COINr warns and returns NaN (0/0).
pub fn minmax(values: &mut [f64], lo: f64, hi: f64) {
    let Some((min, max)) = stats::min_max(values) else { return };
    let range = max - min;
    for v in values.iter_mut() {
        if v.is_finite() {
            *v = if range > 0.0 { (*v - min) / range * (hi - lo) + lo } else { hi };
        }
    }
}

/// COINr `n_goalposts` as `Normalise(f_n_para = "use_iMeta")` drives it: `values` already carry
/// the direction; goalposts are in original units, so for direction -1 they are negated and
/// swapped, giving `(upper - x) / (upper - lower)` on the original scale. With `truncate`
/// (COINr `trunc2posts`) the fraction is clamped to [0, 1]; finally it is multiplied by `scale`.
pub fn goalposts_directed(values: &mut [f64], lower: f64, upper: f64, direction: f64, scale: f64, truncate: bool) {
    let (lo, hi) = if direction < 0.0 { (-upper, -lower) } else { (lower, upper) };
    for v in values.iter_mut() {
        if !v.is_finite() {
            continue;
        }
        let mut y = (*v - lo) / (hi - lo);
        if truncate {
            y = y.clamp(0.0, 1.0);
        }
        *v = y * scale;
    }
}

/// COINr `n_dist2targ(x, targ, direction = 1, cap_max)` on direction-adjusted values:
/// `(x - min) / (targ - min)`, capped at 1 with `cap_max`. `target` must already be multiplied by
/// the direction (COINr's `get_iMeta_norm_paras` does `Target * Direction`), which on the original
/// scale gives `(x - min)/(targ - min)` for direction 1 and `(max - x)/(max - targ)` for -1.
///
/// Spec (differs from COINr): if the target equals the group's worst value every present value
/// has reached it and scores 1; COINr divides by zero there (Inf, or NaN at the minimum).
/// A target worse than every value gives negative scores, as in COINr (which only warns).
pub fn dist2targ(values: &mut [f64], target: f64, cap_max: bool) {
    let Some((min, _)) = stats::min_max(values) else { return };
    let span = target - min;
    for v in values.iter_mut() {
        if !v.is_finite() {
            continue;
        }
        let mut y = if span == 0.0 { 1.0 } else { (*v - min) / span };
        if cap_max && y > 1.0 {
            y = 1.0;
        }
        *v = y;
    }
}

/// COINr `n_rank`: ascending rank (higher value → higher rank), ties take the minimum rank,
/// missing stays missing.
pub fn rank(values: &mut [f64]) {
    let r = stats::rank_min(values);
    values.copy_from_slice(&r);
}

/// COINr `n_prank`: `(rank_min - 1) / (n - 1)` with `n` the number of present values, so the
/// lowest value scores 0 and the highest 1 (tied values share the lower score).
///
/// With a single present value this is 0/0: like COINr we return NaN (missing) for it.
pub fn prank(values: &mut [f64]) {
    let n = stats::count(values) as f64;
    let r = stats::rank_min(values);
    for (v, r) in values.iter_mut().zip(r) {
        *v = if r.is_finite() && n > 1.0 { (r - 1.0) / (n - 1.0) } else { f64::NAN };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12)
    }

    fn run(x: &[f64], m: Normalisation, dir: f64, t: Option<f64>, g: Option<[f64; 2]>) -> Vec<f64> {
        let mut v = x.to_vec();
        normalise(&mut v, &m, dir, t, g).expect("valid parameters");
        v
    }

    const Z: Normalisation = Normalisation::Zscore { mean: 0.0, sd: 1.0 };

    #[test]
    fn zscore_uses_sample_sd() {
        // 1, 2, 3: mean 2, sample sd 1
        assert!(close(&run(&[1.0, 2.0, 3.0], Z, 1.0, None, None), &[-1.0, 0.0, 1.0]));
    }

    #[test]
    fn zscore_applies_direction_first_and_keeps_missing() {
        let out = run(&[1.0, NA, 2.0, 3.0], Z, -1.0, None, None);
        assert!(close(&out, &[1.0, NA, 0.0, -1.0]));
    }

    #[test]
    fn zscore_rescales_to_target_mean_and_sd() {
        let m = Normalisation::Zscore { mean: 10.0, sd: 2.0 };
        assert!(close(&run(&[1.0, 2.0, 3.0], m, 1.0, None, None), &[8.0, 10.0, 12.0]));
    }

    #[test]
    fn zscore_with_zero_sd_gives_target_mean() {
        let m = Normalisation::Zscore { mean: 5.0, sd: 1.0 };
        assert!(close(&run(&[4.0, 4.0, NA], m.clone(), 1.0, None, None), &[5.0, 5.0, NA]));
        assert!(close(&run(&[7.0], m, 1.0, None, None), &[5.0]));
    }

    #[test]
    fn all_missing_stays_missing_for_every_method() {
        let methods = [
            Z,
            Normalisation::Minmax { lo: 0.0, hi: 100.0 },
            Normalisation::Goalposts { scale: 1.0, truncate: true },
            Normalisation::Dist2targ { cap_max: false },
            Normalisation::Rank,
            Normalisation::Prank,
            Normalisation::None,
        ];
        for m in methods {
            let out = run(&[NA, f64::INFINITY], m, 1.0, Some(1.0), Some([0.0, 1.0]));
            assert!(out.iter().all(|v| v.is_nan()));
            assert!(run(&[], Normalisation::Prank, 1.0, None, None).is_empty());
        }
    }

    #[test]
    fn minmax_maps_min_to_lo_and_max_to_hi() {
        let m = Normalisation::Minmax { lo: 0.0, hi: 100.0 };
        assert!(close(&run(&[2.0, 4.0, 6.0], m.clone(), 1.0, None, None), &[0.0, 50.0, 100.0]));
        assert!(close(&run(&[2.0, 4.0, 6.0], m, -1.0, None, None), &[100.0, 50.0, 0.0]));
    }

    #[test]
    fn minmax_with_no_spread_gives_hi() {
        let m = Normalisation::Minmax { lo: 1.0, hi: 10.0 };
        assert!(close(&run(&[3.0, NA, 3.0], m.clone(), 1.0, None, None), &[10.0, NA, 10.0]));
        assert!(close(&run(&[3.0], m, -1.0, None, None), &[10.0]));
    }

    #[test]
    fn goalposts_truncate_and_scale() {
        // COINr test-normalise.R: 1 in [0, 10] → 0.1; 11 → 1; -1 → 0.
        let m = Normalisation::Goalposts { scale: 1.0, truncate: true };
        assert!(close(&run(&[1.0, 11.0, -1.0], m, 1.0, None, Some([0.0, 10.0])), &[0.1, 1.0, 0.0]));
        let m = Normalisation::Goalposts { scale: 100.0, truncate: false };
        assert!(close(&run(&[5.0, 12.0], m, 1.0, None, Some([0.0, 10.0])), &[50.0, 120.0]));
    }

    #[test]
    fn goalposts_negative_direction_measures_from_upper_post() {
        // COINr: n_goalposts(1, c(0, 10, 1), direction = -1) = 0.9; -1 → 1; 11 → 0.
        let m = Normalisation::Goalposts { scale: 1.0, truncate: true };
        assert!(close(&run(&[1.0, -1.0, 11.0], m, -1.0, None, Some([0.0, 10.0])), &[0.9, 1.0, 0.0]));
    }

    #[test]
    fn dist2targ_positive_direction() {
        // COINr test-normalise.R: x = 0, 5, 11; targ 10 → 0, 0.5, 1.1 (capped: 1).
        let m = Normalisation::Dist2targ { cap_max: false };
        assert!(close(&run(&[0.0, 5.0, 11.0], m, 1.0, Some(10.0), None), &[0.0, 0.5, 1.1]));
        let m = Normalisation::Dist2targ { cap_max: true };
        assert!(close(&run(&[0.0, 5.0, 11.0], m, 1.0, Some(10.0), None), &[0.0, 0.5, 1.0]));
    }

    #[test]
    fn dist2targ_negative_direction() {
        // COINr test-normalise.R: x = -1, 1, 10; targ 0, direction -1 → 1.1, 0.9, 0 (capped: 1).
        let m = Normalisation::Dist2targ { cap_max: false };
        assert!(close(&run(&[-1.0, 1.0, 10.0], m, -1.0, Some(0.0), None), &[1.1, 0.9, 0.0]));
        let m = Normalisation::Dist2targ { cap_max: true };
        assert!(close(&run(&[-1.0, 1.0, 10.0], m, -1.0, Some(0.0), None), &[1.0, 0.9, 0.0]));
    }

    #[test]
    fn dist2targ_with_target_at_worst_value_gives_one() {
        let m = Normalisation::Dist2targ { cap_max: false };
        assert!(close(&run(&[2.0, 3.0, NA], m, 1.0, Some(2.0), None), &[1.0, 1.0, NA]));
    }

    #[test]
    fn missing_parameters_are_errors_and_leave_data_alone() {
        let mut v = vec![1.0, 2.0];
        let e = normalise(&mut v, &Normalisation::Dist2targ { cap_max: false }, 1.0, None, None);
        assert!(e.unwrap_err().contains("target"));
        let e = normalise(&mut v, &Normalisation::Goalposts { scale: 1.0, truncate: true }, 1.0, None, None);
        assert!(e.unwrap_err().contains("goalposts"));
        let e =
            normalise(&mut v, &Normalisation::Goalposts { scale: 1.0, truncate: true }, 1.0, None, Some([3.0, 3.0]));
        assert!(e.is_err());
        assert!(normalise(&mut v, &Z, 0.5, None, None).is_err());
        assert_eq!(v, vec![1.0, 2.0]);
    }

    #[test]
    fn rank_ties_take_min_rank() {
        let out = run(&[3.0, 1.0, 3.0, NA, 2.0], Normalisation::Rank, 1.0, None, None);
        assert!(close(&out, &[3.0, 1.0, 3.0, NA, 2.0]));
        let out = run(&[3.0, 1.0, 3.0, 2.0], Normalisation::Rank, -1.0, None, None);
        assert!(close(&out, &[1.0, 4.0, 1.0, 3.0]));
    }

    #[test]
    fn prank_is_rank_minus_one_over_n_minus_one() {
        // ranks 1, 2, 2, 4 → 0, 1/3, 1/3, 1
        let out = run(&[10.0, 20.0, 20.0, 30.0, NA], Normalisation::Prank, 1.0, None, None);
        assert!(close(&out, &[0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0, NA]));
    }

    #[test]
    fn prank_of_single_value_is_missing() {
        assert!(run(&[4.0], Normalisation::Prank, 1.0, None, None)[0].is_nan());
    }

    #[test]
    fn none_only_applies_direction() {
        let out = run(&[1.0, -2.0, NA], Normalisation::None, -1.0, None, None);
        assert!(close(&out, &[-1.0, 2.0, NA]));
    }
}
