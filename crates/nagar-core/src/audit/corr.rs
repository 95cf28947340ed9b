//! Correlations and Cronbach's alpha over pairwise-complete observations, as R's
//! `cor(x, y, use = "pairwise.complete.obs", method = ...)` and `cov(..., use = ...)` compute
//! them (`src/library/stats/src/cov.c`, `cor()` in `R/cor.R`):
//!
//! - Pearson: the pairs where both values are present, their means, then
//!   Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²); NaN with fewer than 2 pairs or a constant side (R: NA
//!   with the warning "the standard deviation is zero"); capped at 1 as R does.
//! - Spearman: R ranks the complete pairs only (`rank()`, ties get their average rank) and takes
//!   Pearson's r of the ranks.

use serde::{Deserialize, Serialize};

/// Which correlation coefficient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CorrMethod {
    #[default]
    Pearson,
    Spearman,
}

impl CorrMethod {
    pub fn parse(s: &str) -> Result<CorrMethod, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pearson" => Ok(CorrMethod::Pearson),
            "spearman" => Ok(CorrMethod::Spearman),
            other => Err(format!("correlation method {other:?}: expected pearson or spearman")),
        }
    }
    /// The name COINr and R use (`cortype`, `method`).
    pub fn label(self) -> &'static str {
        match self {
            CorrMethod::Pearson => "pearson",
            CorrMethod::Spearman => "spearman",
        }
    }
}

/// A correlation with the number of complete pairs it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corr {
    pub r: f64,
    pub n: usize,
}

/// Ascending ranks with ties given their average rank (R `rank(x)`, `ties.method = "average"`);
/// `values` must have no NaN.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    crate::sort::order_by_values(&mut order, values, false);
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end (0-based) share ranks start+1..=end: their mean.
        let r = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = r;
        }
        start = end;
    }
    ranks
}

/// The complete pairs of two columns.
fn complete_pairs(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan()).map(|(a, b)| (*a, *b)).unzip()
}

/// Pearson's r of complete data (R's `cov.c` two-pass sums); NaN with fewer than 2 values or a
/// constant column.
fn pearson_complete(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    if n < 2 {
        return f64::NAN;
    }
    let nf = n as f64;
    let xm = x.iter().sum::<f64>() / nf;
    let ym = y.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - xm, b - ym);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    let n1 = nf - 1.0;
    let r = (sxy / n1) / ((sxx / n1).sqrt() * (syy / n1).sqrt());
    r.min(1.0)
}

/// Correlation of two columns over their complete pairs.
pub fn correlation(x: &[f64], y: &[f64], method: CorrMethod) -> Corr {
    let (a, b) = complete_pairs(x, y);
    let n = a.len();
    let r = match method {
        CorrMethod::Pearson => pearson_complete(&a, &b),
        CorrMethod::Spearman => pearson_complete(&average_ranks(&a), &average_ranks(&b)),
    };
    Corr { r, n }
}

/// Sample covariance over the complete pairs (R `cov(use = "pairwise.complete.obs")`); NaN with
/// fewer than 2 pairs.
pub fn covariance(x: &[f64], y: &[f64]) -> f64 {
    let (a, b) = complete_pairs(x, y);
    let n = a.len();
    if n < 2 {
        return f64::NAN;
    }
    let nf = n as f64;
    let xm = a.iter().sum::<f64>() / nf;
    let ym = b.iter().sum::<f64>() / nf;
    a.iter().zip(&b).map(|(p, q)| (p - xm) * (q - ym)).sum::<f64>() / (nf - 1.0)
}

/// Cronbach's alpha of the columns, as COINr's `get_cronbach()`: with C the covariance matrix
/// (pairwise complete), k the number of columns, S = ΣC (NA entries skipped, `na.rm = TRUE`) and
/// c̄ = (S − Σ diag C) / (k(k−1)), alpha = k² c̄ / S (= k/(k−1) · (1 − Σ var / S), Cronbach 1951).
/// `Err` says why alpha is undefined (fewer than 2 columns, no covariance, S = 0).
pub fn cronbach_alpha(columns: &[&[f64]]) -> Result<f64, String> {
    let k = columns.len();
    if k < 2 {
        return Err(format!("{k} element(s): alpha needs at least 2"));
    }
    let (mut all, mut diag) = (0.0, 0.0);
    let mut defined = 0usize;
    for i in 0..k {
        for j in 0..k {
            let c = covariance(columns[i], columns[j]);
            if c.is_nan() {
                continue;
            }
            defined += 1;
            all += c;
            if i == j {
                diag += c;
            }
        }
    }
    if defined == 0 {
        return Err("no covariance is defined (fewer than 2 units with values)".into());
    }
    let kf = k as f64;
    let avg = (all - diag) / (kf * (kf - 1.0));
    let alpha = kf * kf * avg / all;
    if !alpha.is_finite() {
        return Err("the elements do not vary (total variance 0)".into());
    }
    Ok(alpha)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn average_ranks_share_ties() {
        // R: rank(c(10, 20, 10, 5, 20, 20)) = 2.5 5 2.5 1 5 5
        assert_eq!(average_ranks(&[10.0, 20.0, 10.0, 5.0, 20.0, 20.0]), vec![2.5, 5.0, 2.5, 1.0, 5.0, 5.0]);
    }

    #[test]
    fn spearman_with_ties_by_hand() {
        // x = 1, 2, 2, 3 → ranks 1, 2.5, 2.5, 4; y = 1, 3, 2, 4 → ranks 1, 3, 2, 4.
        // Means 2.5; dx = -1.5, 0, 0, 1.5; dy = -1.5, .5, -.5, 1.5.
        // Σdxdy = 2.25 + 2.25 = 4.5; Σdx² = 4.5; Σdy² = 5 → r = 4.5 / √22.5.
        let c = correlation(&[1.0, 2.0, 2.0, 3.0], &[1.0, 3.0, 2.0, 4.0], CorrMethod::Spearman);
        assert!((c.r - 4.5 / 22.5f64.sqrt()).abs() < 1e-15, "{}", c.r);
        assert_eq!(c.n, 4);
    }

    #[test]
    fn spearman_ranks_the_complete_pairs_only() {
        // The pair with a missing y is dropped before ranking: x = 1, 2, 3 vs y = 3, 2, 1 → -1.
        let c = correlation(&[1.0, 100.0, 2.0, 3.0], &[3.0, NA, 2.0, 1.0], CorrMethod::Spearman);
        assert_eq!((c.r, c.n), (-1.0, 3));
    }

    #[test]
    fn pearson_by_hand_and_undefined_cases() {
        // x = 1, 2, 3, 4; y = 2, 1, 4, 3: Σdxdy = (-1.5)(-.5)+(-.5)(-1.5)+(.5)(1.5)+(1.5)(.5) = 3; Σd² = 5 → 0.6
        let c = correlation(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 4.0, 3.0], CorrMethod::Pearson);
        assert!((c.r - 0.6).abs() < 1e-15);
        assert!(correlation(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0], CorrMethod::Pearson).r.is_nan());
        assert!(correlation(&[1.0, NA, 3.0], &[NA, 2.0, 3.0], CorrMethod::Pearson).r.is_nan());
        assert!(correlation(&[NA, NA], &[NA, NA], CorrMethod::Spearman).r.is_nan());
    }

    #[test]
    fn cronbach_by_hand() {
        // Three items over 4 people (no missing):
        // a = 1,2,3,4 (var 5/3); b = 2,3,3,5 (mean 3.25, var (1.5625+.0625+.0625+3.0625)/3 = 4.75/3)
        // c = 1,1,2,2 (var 1/3). Covariances: ab = (1.5·1.25... computed below by hand:
        // da = -1.5,-.5,.5,1.5; db = -1.25,-.25,-.25,1.75; dc = -.5,-.5,.5,.5
        // Σda·db = 1.875+.125-.125+2.625 = 4.5 → 1.5; Σda·dc = .75+.25+.25+.75 = 2 → 2/3;
        // Σdb·dc = .625+.125-.125+.875 = 1.5 → .5
        // S = 5/3 + 4.75/3 + 1/3 + 2(1.5 + 2/3 + .5) = 10.75/3 + 16/3 = 26.75/3
        // alpha = 3/2 · (1 − (10.75/3)/(26.75/3)) = 1.5 · 16/26.75
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 3.0, 3.0, 5.0];
        let c = [1.0, 1.0, 2.0, 2.0];
        let alpha = cronbach_alpha(&[&a, &b, &c]).unwrap();
        assert!((alpha - 1.5 * 16.0 / 26.75).abs() < 1e-14, "{alpha}");
    }

    #[test]
    fn cronbach_undefined_cases_explain() {
        assert!(cronbach_alpha(&[&[1.0, 2.0]]).unwrap_err().contains("at least 2"));
        assert!(cronbach_alpha(&[&[1.0, 1.0], &[2.0, 2.0]]).unwrap_err().contains("do not vary"));
        assert!(cronbach_alpha(&[&[NA, 1.0], &[NA, 2.0]]).unwrap_err().contains("no covariance"));
    }
}
