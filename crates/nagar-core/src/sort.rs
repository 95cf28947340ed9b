//! Sorting with few copies of the standard library's sort code.
//!
//! Each `sort_by` call site with its own closure is its own instance of the standard library's
//! stable sort (driftsort, ~4 KB of WebAssembly each); the browser's full module had 22 of them,
//! ~88 KB before compression (docs/BENCHMARKS.md "The whole site"). These three functions give
//! every call site in the engine the same result with three instances in all:
//! - [`sort_f64`]: numbers in `f64::total_cmp` order. Values equal under `total_cmp` are the same
//!   bits, so an unstable sort gives exactly what a stable one would.
//! - [`order_by_values`]: positions ordered by the values they point to. Ties are broken by
//!   position, which is what a stable sort of an ascending list of positions gives.
//! - [`sort_by`] / [`sort_by_key`]: any slice, stable, as `slice::sort_by`: the order is found
//!   as a permutation of positions through one `dyn` comparator, then applied in place. For the
//!   engine's short lists (issues, flags, explanation rows, candidates), not for hot loops.

use std::cmp::Ordering;

/// `crate::sort::sort_by(&mut v, f64::total_cmp)`: ascending, NaN last (positive NaN), -0 before +0.
pub fn sort_f64(v: &mut [f64]) {
    v.sort_unstable_by(f64::total_cmp);
}

/// Sorts the positions `idx` by `values[i]` (`f64::total_cmp`; highest first if `descending`),
/// ties in ascending position: the result of a stable `sort_by` when `idx` was ascending.
pub fn order_by_values(idx: &mut [usize], values: &[f64], descending: bool) {
    idx.sort_unstable_by(|&a, &b| {
        let o = values[a].total_cmp(&values[b]);
        if descending { o.reverse() } else { o }.then(a.cmp(&b))
    });
}

/// Stable sort of `v` by `cmp`: the same result as `crate::sort::sort_by(&mut v, cmp)`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut perm: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut perm, &mut |a, b| cmp(&v[a], &v[b]));
    apply_permutation(v, &mut perm);
}

/// Stable sort of `v` by `key`: the same result as `crate::sort::sort_by_key(&mut v, key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The one instance of the stable sort behind [`sort_by`].
#[inline(never)]
fn sort_positions(perm: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    perm.sort_by(|&a, &b| cmp(a, b));
}

/// Rearranges `v` so that position `i` holds what was at `perm[i]`, following each cycle of
/// the permutation with swaps (`perm` is used up).
fn apply_permutation<T>(v: &mut [T], perm: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..v.len() {
        if perm[start] == DONE {
            continue;
        }
        let mut at = start;
        loop {
            let from = perm[at];
            perm[at] = DONE;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency): many ties, both signs, zeros of both signs.
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                match (s >> 60) as u8 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => f64::NAN,
                    _ => ((s >> 33) % 7) as f64 - 3.0 + if s & 1 == 1 { 0.5 } else { 0.0 },
                }
            })
            .collect()
    }

    #[test]
    fn sort_by_equals_the_standard_stable_sort() {
        for n in [0, 1, 2, 3, 10, 33, 200, 1001] {
            let v = values(n, n as u64 + 7);
            // Pairs (key, original position): a stable sort keeps positions ascending among ties.
            let mut ours: Vec<(i64, usize)> = v.iter().enumerate().map(|(i, x)| ((x.abs() * 2.0) as i64, i)).collect();
            let mut std_ = ours.clone();
            sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
            std_.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(ours, std_, "n = {n}");
            sort_by_key(&mut ours, |p| p.1 % 5);
            std_.sort_by_key(|p| p.1 % 5);
            assert_eq!(ours, std_, "n = {n}");
        }
    }

    #[test]
    fn f64_and_positions_equal_the_standard_stable_sort() {
        for n in [0, 1, 2, 5, 64, 999] {
            let v = values(n, 3 * n as u64 + 1);
            let bits = |x: &[f64]| x.iter().map(|y| y.to_bits()).collect::<Vec<_>>();
            let (mut a, mut b) = (v.clone(), v.clone());
            sort_f64(&mut a);
            b.sort_by(f64::total_cmp);
            assert_eq!(bits(&a), bits(&b), "n = {n}");
            for descending in [false, true] {
                let mut ours: Vec<usize> = (0..n).collect();
                let mut std_ = ours.clone();
                order_by_values(&mut ours, &v, descending);
                if descending {
                    std_.sort_by(|&x, &y| v[y].total_cmp(&v[x]));
                } else {
                    std_.sort_by(|&x, &y| v[x].total_cmp(&v[y]));
                }
                assert_eq!(ours, std_, "n = {n}, descending = {descending}");
            }
        }
    }
}
