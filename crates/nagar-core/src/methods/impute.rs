//! Imputation of missing indicator values, as COINr's `Impute()` column by column with `i_mean`,
//! `i_median`, `i_mean_grp` and `i_median_grp`. Present values are never changed.
//!
//! COINr source: `R/impute.R` — `Impute.numeric`, `Impute.data.frame`, `i_mean`, `i_median`,
//! `i_mean_grp` (with `skip_f_na = TRUE`), `i_median_grp`.
//!
//! Edge cases:
//! * A unit whose group label is missing is left as it is (COINr `i_mean_grp` skips it; COINr
//!   `i_median_grp` instead blanks such units' present values and then stops with an error — we
//!   treat both functions alike).
//! * A group with no present value cannot fill its gaps: they stay missing (COINr fills them with
//!   `mean(numeric(0))` = NaN, which R also counts as missing).
//! * A column with no present value at all stays missing (COINr stops: "Input is all NAs").

use std::collections::HashMap;
use std::hash::Hash;

use super::stats;
use crate::settings::Imputation;

/// COINr `i_mean`: fill missing values with the mean of the present ones.
pub fn i_mean(values: &mut [f64]) {
    fill(values, stats::mean(values));
}

/// COINr `i_median`: fill missing values with the median of the present ones.
pub fn i_median(values: &mut [f64]) {
    fill(values, stats::median(values));
}

/// COINr `i_mean_grp`: fill missing values with the mean of the present values of the same group.
/// `groups[i]` is unit i's group (`None`: no group). Err only if the lengths differ.
pub fn i_mean_grp<G: Eq + Hash>(values: &mut [f64], groups: &[Option<G>]) -> Result<(), String> {
    by_group(values, groups, stats::mean)
}

/// COINr `i_median_grp`: as [`i_mean_grp`] with the group median.
pub fn i_median_grp<G: Eq + Hash>(values: &mut [f64], groups: &[Option<G>]) -> Result<(), String> {
    by_group(values, groups, stats::median)
}

/// Run the imputation named by the settings. `groups` is the unit → group column the
/// `*Group` variants name; it is required for them.
pub fn impute<G: Eq + Hash>(
    values: &mut [f64],
    method: &Imputation,
    groups: Option<&[Option<G>]>,
) -> Result<(), String> {
    match method {
        Imputation::None => Ok(()),
        Imputation::Mean => {
            i_mean(values);
            Ok(())
        }
        Imputation::Median => {
            i_median(values);
            Ok(())
        }
        Imputation::MeanGroup { column } | Imputation::MedianGroup { column } => {
            let groups = groups.ok_or_else(|| format!("group imputation needs the group column {column:?}"))?;
            if matches!(method, Imputation::MeanGroup { .. }) {
                i_mean_grp(values, groups)
            } else {
                i_median_grp(values, groups)
            }
        }
    }
}

fn fill(values: &mut [f64], with: f64) {
    for v in values.iter_mut().filter(|v| !v.is_finite()) {
        *v = if with.is_finite() { with } else { f64::NAN };
    }
}

fn by_group<G: Eq + Hash>(values: &mut [f64], groups: &[Option<G>], stat: fn(&[f64]) -> f64) -> Result<(), String> {
    if values.len() != groups.len() {
        return Err(format!("{} values but {} group labels", values.len(), groups.len()));
    }
    // Only the groups that have a gap need their statistic.
    let mut members: HashMap<&G, Vec<f64>> = HashMap::new();
    for (v, g) in values.iter().zip(groups) {
        if let Some(g) = g {
            members.entry(g).or_default().push(*v);
        }
    }
    let fills: HashMap<&G, f64> =
        members.into_iter().filter(|(_, xs)| xs.iter().any(|x| !x.is_finite())).map(|(g, xs)| (g, stat(&xs))).collect();
    for (v, g) in values.iter_mut().zip(groups) {
        if v.is_finite() {
            continue;
        }
        *v = match g.as_ref().and_then(|g| fills.get(g)) {
            Some(&f) if f.is_finite() => f,
            _ => f64::NAN,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || x == y)
    }

    #[test]
    fn mean_fills_gaps_with_column_mean() {
        let mut x = [1.0, NA, 3.0, f64::INFINITY];
        i_mean(&mut x);
        assert!(same(&x, &[1.0, 2.0, 3.0, 2.0]));
    }

    #[test]
    fn median_fills_gaps_with_column_median() {
        let mut x = [1.0, NA, 2.0, 10.0, 4.0];
        i_median(&mut x);
        assert!(same(&x, &[1.0, 3.0, 2.0, 10.0, 4.0]));
    }

    #[test]
    fn all_missing_column_stays_missing() {
        let mut x = [NA, NA];
        i_mean(&mut x);
        assert!(x.iter().all(|v| v.is_nan()));
        i_median(&mut x);
        assert!(x.iter().all(|v| v.is_nan()));
        let mut e: [f64; 0] = [];
        i_mean(&mut e);
    }

    #[test]
    fn group_mean_uses_own_group_only() {
        let g = [Some("a"), Some("a"), Some("a"), Some("b"), Some("b")];
        let mut x = [1.0, 3.0, NA, 10.0, NA];
        i_mean_grp(&mut x, &g).expect("same length");
        assert!(same(&x, &[1.0, 3.0, 2.0, 10.0, 10.0]));
    }

    #[test]
    fn group_median_uses_own_group_only() {
        let g = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(1)];
        let mut x = [1.0, 2.0, 9.0, NA, 4.0, NA];
        i_median_grp(&mut x, &g).expect("same length");
        assert!(same(&x, &[1.0, 2.0, 9.0, 2.0, 4.0, 4.0]));
    }

    #[test]
    fn unit_without_group_is_left_alone() {
        let g = [Some("a"), None, Some("a"), None];
        let mut x = [1.0, NA, NA, 7.0];
        i_mean_grp(&mut x, &g).expect("same length");
        assert!(same(&x, &[1.0, NA, 1.0, 7.0]));
        let mut x = [1.0, NA, NA, 7.0];
        i_median_grp(&mut x, &g).expect("same length");
        assert!(same(&x, &[1.0, NA, 1.0, 7.0]));
    }

    #[test]
    fn group_with_no_values_stays_missing() {
        let g = [Some("a"), Some("b"), Some("b")];
        let mut x = [1.0, NA, NA];
        i_mean_grp(&mut x, &g).expect("same length");
        assert!(same(&x, &[1.0, NA, NA]));
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let mut x = [1.0, NA];
        assert!(i_mean_grp(&mut x, &[Some("a")]).is_err());
    }

    #[test]
    fn impute_dispatches_on_settings() {
        let g = [Some("a".to_string()), Some("a".to_string()), Some("b".to_string())];
        let mut x = [2.0, NA, NA];
        let m = Imputation::MeanGroup { column: "grp".into() };
        impute(&mut x, &m, Some(&g[..])).expect("groups given");
        assert!(same(&x, &[2.0, 2.0, NA]));
        assert!(impute::<String>(&mut x, &m, None).is_err());
        let mut y = [1.0, NA, 5.0];
        impute::<String>(&mut y, &Imputation::Median, None).expect("no groups needed");
        assert!(same(&y, &[1.0, 3.0, 5.0]));
    }
}
