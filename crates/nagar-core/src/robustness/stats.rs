//! Statistics of an uncertainty and sensitivity analysis, computed as R and COINr compute them:
//! quantiles of type 7 (R's default), first-order and total sensitivity indices with COINr's
//! `SA_estimate` estimators, and their bootstrap percentiles. Formulas: docs/METHODOLOGY.md §14.

use rand_chacha::rand_core::RngCore;

/// R's `quantile(x, p, type = 7)` of values already sorted ascending (no missing values):
/// with `h = (n − 1)·p`, `lo = ⌊h⌋`, `x[lo] + (h − lo)·(x[lo+1] − x[lo])`, written as R writes it,
/// `(1 − g)·x[lo] + g·x[hi]`, and only when `g > 0` and the two values differ. NaN when empty.
pub fn quantile7_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let index = (n - 1) as f64 * p; // R: 1 + (n − 1)·p, 1-based
    let lo = index.floor() as usize;
    let hi = (index.ceil() as usize).min(n - 1);
    let q = sorted[lo];
    let g = index - lo as f64;
    if g > 0.0 && sorted[hi] != q {
        (1.0 - g) * q + g * sorted[hi]
    } else {
        q
    }
}

/// R's `median` of sorted values: the middle one, or the mean of the two middle ones.
pub fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Summary of one unit's values over the replications (missing ones left out, as `na.rm = TRUE`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub median: f64,
    pub q5: f64,
    pub q95: f64,
}

/// Mean (R's two-pass mean), median, 5th and 95th percentile (type 7) of the finite values.
/// `buf` is reused (reordered in place).
pub fn summary(values: impl Iterator<Item = f64>, buf: &mut Vec<f64>) -> Summary {
    buf.clear();
    buf.extend(values.filter(|x| x.is_finite()));
    summary_of(buf)
}

/// [`summary`] of finite values, reordered in place. Only the order statistics the quantiles
/// need are placed (`select_nth_unstable`, ascending positions, each search confined to the
/// part right of the previous one): the same values as a full sort, in linear time.
pub fn summary_of(v: &mut [f64]) -> Summary {
    let mean = crate::methods::stats::mean(v);
    order_summary(v, mean, f64::total_cmp, |x| x)
}

/// [`summary_of`] of finite values given as their [`total_order_key`]s (reordered in place):
/// integer comparisons in the selection, the same numbers. `mean` is their mean, computed by
/// the caller in the values' original order (R's two-pass mean depends on it).
pub fn summary_of_keys(keys: &mut [i64], mean: f64) -> Summary {
    order_summary(keys, mean, i64::cmp, from_total_order_key)
}

/// [`summary_of`] of ranks (positive integers; no missing ones), reordered in place. The same
/// numbers as `summary_of` of the ranks as `f64`: the sum of R's mean is exact either way (every
/// partial sum is an integer below 2⁵³), and its corrective pass is run over the values in their
/// original order.
pub fn summary_of_ranks(v: &mut [u32]) -> Summary {
    let n = v.len();
    let sum: u64 = v.iter().map(|&k| u64::from(k)).sum();
    let mean = if n == 0 {
        f64::NAN
    } else if sum < 1 << 53 {
        let nf = n as f64;
        let m = sum as f64 / nf;
        let correction: f64 = v.iter().map(|&k| f64::from(k) - m).sum();
        m + correction / nf
    } else {
        let as_f64: Vec<f64> = v.iter().map(|&k| f64::from(k)).collect();
        crate::methods::stats::mean(&as_f64)
    };
    // Ranks of one unit over the replications span a narrow range: the order statistics by
    // counting (one pass and a walk over the range; the same values as selection), else by
    // selection.
    let (lo, hi) = v.iter().fold((u32::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    if n > 0 && ((hi - lo) as usize) < 4 * n + 64 {
        let mut counts = vec![0u32; (hi - lo) as usize + 1];
        for &k in v.iter() {
            counts[(k - lo) as usize] += 1;
        }
        // Cumulative counts: the k-th smallest (0-based) is the first value whose cumulative
        // count exceeds k.
        let mut acc = 0u32;
        for c in counts.iter_mut() {
            acc += *c;
            *c = acc;
        }
        let kth = |k: usize| f64::from(lo + counts.partition_point(|&c| c as usize <= k) as u32);
        return from_order(n, mean, kth);
    }
    order_summary(v, mean, u32::cmp, f64::from)
}

/// A key whose integer order is `f64::total_cmp`'s order (the transformation `total_cmp` itself
/// uses); [`from_total_order_key`] inverts it.
pub fn total_order_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// The value of a [`total_order_key`] (the transformation is its own inverse).
pub fn from_total_order_key(k: i64) -> f64 {
    f64::from_bits((k ^ ((((k >> 63) as u64) >> 1) as i64)) as u64)
}

/// Median and type-7 5th/95th percentiles by selection, with the given order and value map.
fn order_summary<T: Copy>(
    v: &mut [T],
    mean: f64,
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Copy,
    value: impl Fn(T) -> f64,
) -> Summary {
    let n = v.len();
    if n == 0 {
        return Summary { mean, median: f64::NAN, q5: f64::NAN, q95: f64::NAN };
    }
    let pos = |p: f64| {
        let h = (n - 1) as f64 * p;
        (h.floor() as usize, (h.ceil() as usize).min(n - 1))
    };
    let (a, b) = pos(0.05);
    let (c, d) = ((n - 1) / 2, n / 2);
    let (e, f) = pos(0.95);
    let mut wanted = [a, b, c, d, e, f];
    wanted.sort_unstable();
    let mut start = 0;
    for &k in &wanted {
        if k >= start {
            v[start..].select_nth_unstable_by(k - start, cmp);
            start = k + 1;
        }
    }
    // Now v[k] holds the k-th smallest value for every wanted k.
    from_order(n, mean, |k| value(v[k]))
}

/// Mean, median and type-7 5th/95th percentiles from `at(k)`, the k-th smallest of `n` values
/// (asked only for the positions the formulas use).
fn from_order(n: usize, mean: f64, at: impl Fn(usize) -> f64) -> Summary {
    let pos = |p: f64| {
        let h = (n - 1) as f64 * p;
        (h.floor() as usize, (h.ceil() as usize).min(n - 1))
    };
    let (c, d) = ((n - 1) / 2, n / 2);
    let q = |p: f64| {
        let h = (n - 1) as f64 * p;
        let (lo, hi) = pos(p);
        let g = h - lo as f64;
        if g > 0.0 && at(hi) != at(lo) {
            (1.0 - g) * at(lo) + g * at(hi)
        } else {
            at(lo)
        }
    };
    Summary { mean, median: (at(c) + at(d)) / 2.0, q5: q(0.05), q95: q(0.95) }
}

/// Sensitivity indices of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub si: f64,
    pub sti: f64,
    /// Bootstrap 5th and 95th percentiles: (Si_q5, Si_q95, STi_q5, STi_q95); `None` without bootstrap.
    pub boot: Option<[f64; 4]>,
}

/// COINr's `SA_estimate`: `y` holds the outputs of the N(d+2) runs in the Saltelli order
/// (A, B, AB_1 … AB_d, N each). With V = var(y_A ∪ y_B) (sample variance, n − 1):
/// `Si = mean(y_B·(y_ABi − y_A)) / V`, `STi = Σ(y_A − y_ABi)² / (2N·V)`.
/// With `nboot > 0`, each input's N products `y_B·(y_ABi − y_A)` and N differences
/// `y_A − y_ABi` are resampled with replacement `nboot` times (V fixed, as COINr does) and the
/// 5th/95th percentiles (type 7) of the re-estimated indices are reported. Any missing y gives
/// NaN indices (the caller says which runs failed).
pub fn sa_estimate(y: &[f64], n: usize, d: usize, nboot: usize, rng: &mut impl RngCore) -> Vec<Sensitivity> {
    debug_assert_eq!(y.len(), n * (d + 2));
    let (ya, yb) = (&y[..n], &y[n..2 * n]);
    let var = sample_var(&y[..2 * n]);
    let mut out = Vec::with_capacity(d);
    let mut si_terms = vec![0.0; n];
    let mut st_terms = vec![0.0; n];
    let (mut si_boot, mut st_boot) = (Vec::with_capacity(nboot), Vec::with_capacity(nboot));
    for i in 0..d {
        let yab = &y[(2 + i) * n..(3 + i) * n];
        for k in 0..n {
            si_terms[k] = yb[k] * (yab[k] - ya[k]);
            st_terms[k] = ya[k] - yab[k];
        }
        let si = r_mean(&si_terms) / var;
        let sti = st_terms.iter().map(|x| x * x).sum::<f64>() / (2.0 * n as f64 * var);
        let boot = (nboot > 0).then(|| {
            si_boot.clear();
            st_boot.clear();
            let mut resampled = vec![0.0; n];
            for _ in 0..nboot {
                for r in resampled.iter_mut() {
                    *r = si_terms[index_below(rng, n)];
                }
                si_boot.push(r_mean(&resampled) / var);
                for r in resampled.iter_mut() {
                    *r = st_terms[index_below(rng, n)];
                }
                st_boot.push(resampled.iter().map(|x| x * x).sum::<f64>() / (2.0 * n as f64 * var));
            }
            let q = |v: &mut Vec<f64>| {
                v.retain(|x| !x.is_nan());
                crate::sort::sort_f64(v);
                (quantile7_sorted(v, 0.05), quantile7_sorted(v, 0.95))
            };
            let (s5, s95) = q(&mut si_boot);
            let (t5, t95) = q(&mut st_boot);
            [s5, s95, t5, t95]
        });
        out.push(Sensitivity { si, sti, boot });
    }
    out
}

/// R's `mean` (sum / n plus the corrective pass); NaN propagates (no `na.rm`).
fn r_mean(x: &[f64]) -> f64 {
    if x.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    crate::methods::stats::mean(x)
}

/// R's `var` of a vector: sample variance about R's mean; NaN propagates.
pub fn sample_var(x: &[f64]) -> f64 {
    if x.len() < 2 || x.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    let m = crate::methods::stats::mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
}

/// A uniform index in 0..n from one 64-bit draw: ⌊u64 · n / 2⁶⁴⌋ (Lemire's multiply; the bias is
/// below n / 2⁶⁴).
pub fn index_below(rng: &mut impl RngCore, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// A uniform number in [0, 1) with 53 random bits: `(u64 >> 11) · 2⁻⁵³`.
pub fn unit_uniform(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;

    #[test]
    fn ranks_by_counting_or_selection_equal_sorting() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        // Narrow ranges (counting), wide ones (selection), one value, two, all equal.
        for (n, lo, span) in
            [(1, 7, 1), (2, 3, 2), (5, 100, 1), (1000, 40, 300), (999, 1, 5000), (20, 1, 4000), (1000, 4000, 2)]
        {
            let v: Vec<u32> = (0..n).map(|_| lo + (rng.next_u32() % span)).collect();
            let mut sorted: Vec<f64> = v.iter().map(|&k| f64::from(k)).collect();
            sorted.sort_by(f64::total_cmp);
            let want = Summary {
                mean: crate::methods::stats::mean(&v.iter().map(|&k| f64::from(k)).collect::<Vec<_>>()),
                median: median_sorted(&sorted),
                q5: quantile7_sorted(&sorted, 0.05),
                q95: quantile7_sorted(&sorted, 0.95),
            };
            let got = summary_of_ranks(&mut v.clone());
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "n = {n}, {lo}..{}", lo + span);
        }
        assert!(summary_of_ranks(&mut []).median.is_nan());
    }

    #[test]
    fn quantile_type7_by_hand() {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.05, 0.25, 0.5, 0.95)) = 1.2, 2, 3, 8.8
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert!((quantile7_sorted(&x, 0.05) - 1.2).abs() < 1e-15);
        assert_eq!(quantile7_sorted(&x, 0.25), 2.0);
        assert_eq!(quantile7_sorted(&x, 0.5), 3.0);
        assert!((quantile7_sorted(&x, 0.95) - 8.8).abs() < 1e-12);
        assert_eq!(quantile7_sorted(&x, 0.0), 1.0);
        assert_eq!(quantile7_sorted(&x, 1.0), 10.0);
        // 40 values 1..40: h = 39·0.05 = 1.95 → 2 + 0.95·1 = 2.95; 95%: h = 37.05 → 38.05.
        let y: Vec<f64> = (1..=40).map(f64::from).collect();
        assert!((quantile7_sorted(&y, 0.05) - 2.95).abs() < 1e-12);
        assert!((quantile7_sorted(&y, 0.95) - 38.05).abs() < 1e-12);
        assert!(quantile7_sorted(&[], 0.5).is_nan());
        assert_eq!(quantile7_sorted(&[7.0], 0.95), 7.0);
        // Ties: equal neighbours give the value itself.
        assert_eq!(quantile7_sorted(&[3.0, 3.0, 3.0], 0.3), 3.0);
    }

    #[test]
    fn selected_quantiles_equal_sorted_ones() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for n in 1..60 {
            for _ in 0..20 {
                // Few distinct values, to have ties.
                let v: Vec<f64> = (0..n).map(|_| (unit_uniform(&mut rng) * 7.0).floor()).collect();
                let mut sorted = v.clone();
                crate::sort::sort_f64(&mut sorted);
                let mut w = v.clone();
                let s = summary_of(&mut w);
                assert_eq!(s.median.to_bits(), median_sorted(&sorted).to_bits(), "{v:?}");
                assert_eq!(s.q5.to_bits(), quantile7_sorted(&sorted, 0.05).to_bits(), "{v:?}");
                assert_eq!(s.q95.to_bits(), quantile7_sorted(&sorted, 0.95).to_bits(), "{v:?}");
            }
        }
    }

    #[test]
    fn summary_by_hand() {
        let mut buf = Vec::new();
        let s = summary([4.0, f64::NAN, 1.0, 3.0, 2.0].into_iter(), &mut buf);
        assert_eq!(s.mean, 2.5);
        assert_eq!(s.median, 2.5);
        // h = 3·0.05 = 0.15 → 1.15; h = 2.85 → 3.85.
        assert!((s.q5 - 1.15).abs() < 1e-12 && (s.q95 - 3.85).abs() < 1e-12, "{s:?}");
    }

    /// N = 3, d = 2, y worked by hand:
    /// yA = (1, 2, 3), yB = (2, 4, 6), yAB1 = (2, 2, 5), yAB2 = (1, 3, 3).
    /// V = var(1,2,3,2,4,6) = mean 3, Σd² = 4+1+0+1+1+9 = 16 → 16/5 = 3.2.
    /// S1 = mean(2·1, 4·0, 6·2)/V = (14/3)/3.2 = 1.458333…; ST1 = (1+0+4)/(6·3.2) = 5/19.2.
    /// S2 = mean(0, 4, 0)/V = (4/3)/3.2; ST2 = (0+1+0)/19.2.
    #[test]
    fn si_sti_by_hand() {
        let y = [1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 2.0, 2.0, 5.0, 1.0, 3.0, 3.0];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let s = sa_estimate(&y, 3, 2, 0, &mut rng);
        assert!((s[0].si - 14.0 / 3.0 / 3.2).abs() < 1e-14);
        assert!((s[0].sti - 5.0 / 19.2).abs() < 1e-14);
        assert!((s[1].si - 4.0 / 3.0 / 3.2).abs() < 1e-14);
        assert!((s[1].sti - 1.0 / 19.2).abs() < 1e-14);
        assert!(s[0].boot.is_none());
        // Bootstrap percentiles bracket values that resampling can reach, and are seeded.
        let b = sa_estimate(&y, 3, 2, 200, &mut rand_chacha::ChaCha8Rng::seed_from_u64(7));
        let b2 = sa_estimate(&y, 3, 2, 200, &mut rand_chacha::ChaCha8Rng::seed_from_u64(7));
        assert_eq!(b, b2);
        let [s5, s95, t5, t95] = b[0].boot.unwrap();
        // Resampled Si terms are from {2, 0, 12}: their mean lies in [0, 12], / 3.2.
        assert!(0.0 <= s5 && s5 <= s95 && s95 <= 12.0 / 3.2, "{s5} {s95}");
        assert!(0.0 <= t5 && t5 <= t95 && t95 <= 3.0 * 4.0 / 19.2, "{t5} {t95}");
        // A failed run (NaN) makes the indices NaN rather than a wrong number.
        let mut bad = y;
        bad[7] = f64::NAN;
        let s = sa_estimate(&bad, 3, 2, 0, &mut rng);
        assert!(s[0].si.is_nan() && s[0].sti.is_nan());
    }
}
