//! Summary statistics over one column, computed the way R and COINr compute them, so that the
//! methods built on them reproduce COINr's numbers. Non-finite values count as missing throughout.

/// Finite values of a slice, i.e. the values R would keep with `na.rm = TRUE` (we also drop ±Inf).
pub fn finite(values: &[f64]) -> impl Iterator<Item = f64> + '_ {
    values.iter().copied().filter(|v| v.is_finite())
}

/// Number of finite values.
pub fn count(values: &[f64]) -> usize {
    let mut n = 0;
    for &v in values {
        n += usize::from(v.is_finite());
    }
    n
}

/// Arithmetic mean of the finite values; NaN if there are none.
///
/// R's `mean()` adds a second, corrective pass (`mean + sum(x - mean) / n`); we do the same so
/// that the last bits agree more often with COINr.
///
/// Here and below, plain loops over the slice rather than [`finite`]'s iterator: in the
/// browser's build (opt-level "z") each step of an iterator chain was a call of its own. The
/// same additions in the same order (the sums that were `Iterator::sum` start, as it does, at
/// −0).
pub fn mean(values: &[f64]) -> f64 {
    let (mut n, mut sum) = (0usize, 0.0f64);
    for &v in values {
        if v.is_finite() {
            n += 1;
            sum += v;
        }
    }
    if n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    let m = sum / nf;
    if !m.is_finite() {
        return m;
    }
    let mut correction = -0.0f64;
    for &v in values {
        if v.is_finite() {
            correction += v - m;
        }
    }
    m + correction / nf
}

/// Sample standard deviation (denominator n - 1, as R's `sd()`); NaN with fewer than 2 values.
pub fn sd(values: &[f64]) -> f64 {
    if count(values) < 2 {
        return f64::NAN;
    }
    sd_about(values, mean(values))
}

/// [`sd`] when the mean `m` of the same values is already known (the same bits, two passes fewer).
pub fn sd_about(values: &[f64], m: f64) -> f64 {
    let (mut n, mut ss) = (0usize, 0.0f64);
    for &v in values {
        if v.is_finite() {
            n += 1;
            ss += (v - m) * (v - m);
        }
    }
    if n < 2 {
        return f64::NAN;
    }
    (ss / (n as f64 - 1.0)).sqrt()
}

/// Smallest and largest finite value; `None` if there is no finite value.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let mut acc = None;
    for &v in values {
        if v.is_finite() {
            acc = Some(match acc {
                None => (v, v),
                Some((lo, hi)) => (f64::min(lo, v), f64::max(hi, v)),
            });
        }
    }
    acc
}

/// Median of the finite values (mean of the two middle ones for an even count, as R's
/// `median()`); NaN if there are none.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = finite(values).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    crate::sort::sort_f64(&mut v);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Sample skewness, COINr `skew()` (= e1071 `skewness(type = 2)`, Excel's SKEW):
/// `sqrt(n) * Σd³ / (Σd²)^(3/2) * sqrt(n(n-1)) / (n-2)` with `d = x - mean`.
/// NaN with fewer than 3 values or zero variance.
pub fn skew(values: &[f64]) -> f64 {
    let n = count(values);
    if n < 3 {
        return f64::NAN;
    }
    let m = mean(values);
    let (mut s2, mut s3) = (0.0f64, 0.0f64);
    for v in finite(values) {
        let d = v - m;
        s2 += d * d;
        s3 += d * d * d;
    }
    let nf = n as f64;
    let g = nf.sqrt() * s3 / s2.powf(1.5);
    g * (nf * (nf - 1.0)).sqrt() / (nf - 2.0)
}

/// Sample excess kurtosis, COINr `kurt()` (= e1071 `kurtosis(type = 2)`, Excel's KURT):
/// `((n+1)(r-3) + 6)(n-1) / ((n-2)(n-3))` with `r = n Σd⁴ / (Σd²)²`.
/// NaN with fewer than 4 values or zero variance.
pub fn kurt(values: &[f64]) -> f64 {
    let n = count(values);
    if n < 4 {
        return f64::NAN;
    }
    let m = mean(values);
    let (mut s2, mut s4) = (0.0f64, 0.0f64);
    for v in finite(values) {
        let d2 = (v - m) * (v - m);
        s2 += d2;
        s4 += d2 * d2;
    }
    let nf = n as f64;
    let r = nf * s4 / (s2 * s2);
    ((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0))
}

/// Ascending ranks with ties taking the minimum rank (R `rank(x, ties.method = "min",
/// na.last = "keep")`): rank = 1 + number of finite values strictly smaller. Missing stays NaN.
pub fn rank_min(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_finite()).collect();
    crate::sort::order_by_values(&mut order, values, false);
    let mut ranks = vec![f64::NAN; values.len()];
    let mut current = 0.0;
    for (pos, &i) in order.iter().enumerate() {
        if pos == 0 || values[i] != values[order[pos - 1]] {
            current = (pos + 1) as f64;
        }
        ranks[i] = current;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn mean_skips_missing_and_infinite() {
        assert_eq!(mean(&[1.0, NA, 3.0, f64::INFINITY]), 2.0);
        assert!(mean(&[]).is_nan());
        assert!(mean(&[NA]).is_nan());
    }

    #[test]
    fn sd_is_sample_sd() {
        // 2, 4, 4, 4, 5, 5, 7, 9: Σd² = 32, n - 1 = 7
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!((sd(&x) - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        assert!(sd(&[1.0]).is_nan());
        assert_eq!(sd(&[3.0, 3.0]), 0.0);
    }

    #[test]
    fn median_of_even_count_is_mean_of_middle_pair() {
        assert_eq!(median(&[4.0, 1.0, NA, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[5.0, 1.0, 3.0]), 3.0);
        assert!(median(&[NA]).is_nan());
    }

    #[test]
    fn skew_matches_excel_skew() {
        // 1, 2, 3, 10: mean 4, d = -3,-2,-1,6; Σd² = 50, Σd³ = 180
        // g = 2 * 180 / 50^1.5 = 1.01823..; G = g * sqrt(12) / 2
        let g = 2.0 * 180.0 / 50f64.powf(1.5);
        let expected = g * 12f64.sqrt() / 2.0;
        assert!((skew(&[1.0, 2.0, 3.0, 10.0]) - expected).abs() < 1e-14);
        assert!(skew(&[1.0, 2.0]).is_nan());
        assert!(skew(&[2.0, 2.0, 2.0]).is_nan());
    }

    #[test]
    fn kurt_matches_excel_kurt() {
        // 1, 2, 3, 10: Σd² = 50, Σd⁴ = 81+16+1+1296 = 1394; r = 4 * 1394 / 2500
        let r = 4.0 * 1394.0 / 2500.0;
        let expected = (5.0 * (r - 3.0) + 6.0) * 3.0 / (2.0 * 1.0);
        assert!((kurt(&[1.0, 2.0, 3.0, 10.0]) - expected).abs() < 1e-13);
        assert!(kurt(&[1.0, 2.0, 3.0]).is_nan());
    }

    #[test]
    fn rank_min_gives_ties_the_lowest_rank() {
        let r = rank_min(&[10.0, 20.0, 10.0, NA, 5.0]);
        assert_eq!(&r[..3], &[2.0, 4.0, 2.0]);
        assert!(r[3].is_nan());
        assert_eq!(r[4], 1.0);
    }
}
