//! Column-major `f64` matrix: one contiguous column per indicator or aggregate, NaN = missing.
//! The layout re-aggregation and Monte Carlo loops want: no per-cell allocation, cache-friendly columns.
//!
//! Copy-on-write: a clone shares the values until one side is changed (`col_mut`, `set`,
//! `split_cols_mut` copy them first if they are shared), so a stage that changes nothing (the
//! processed values of a run without denomination, caps, imputation or treatment) costs no copy
//! and no fresh memory.

use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    n_rows: usize,
    data: Arc<Vec<f64>>,
}

impl Matrix {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        Matrix { n_rows, data: Arc::new(nan_vec(n_rows * n_cols)) }
    }
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    pub fn n_cols(&self) -> usize {
        self.data.len().checked_div(self.n_rows).unwrap_or(0)
    }
    pub fn col(&self, j: usize) -> &[f64] {
        &self.data[j * self.n_rows..(j + 1) * self.n_rows]
    }
    /// Whether the two hold the same values in the same memory (one is a clone of the other,
    /// neither changed since).
    pub fn shares(&self, other: &Matrix) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }
    /// Every column, one after another.
    pub fn as_slice(&self) -> &[f64] {
        &self.data
    }
    pub fn col_mut(&mut self, j: usize) -> &mut [f64] {
        let n = self.n_rows;
        &mut self.data_mut()[j * n..(j + 1) * n]
    }
    /// The values to change, copied first if a clone shares them. One function, not inlined
    /// at every caller: the copy is rare, and the browser's modules are kept small.
    #[inline(never)]
    fn data_mut(&mut self) -> &mut [f64] {
        Arc::make_mut(&mut self.data).as_mut_slice()
    }
    /// Columns `..mid` and `mid..` as two disjoint column-major slices (for two threads).
    pub fn split_cols_mut(&mut self, mid: usize) -> (&mut [f64], &mut [f64]) {
        let at = mid.min(self.n_cols()) * self.n_rows;
        self.data_mut().split_at_mut(at)
    }
    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.data[col * self.n_rows + row]
    }
    pub fn set(&mut self, row: usize, col: usize, v: f64) {
        let i = col * self.n_rows + row;
        self.data_mut()[i] = v;
    }
    pub fn is_missing(&self, row: usize, col: usize) -> bool {
        self.get(row, col).is_nan()
    }
}

/// `n` missing values: `vec![f64::NAN; n]`. In the browser's build, zeros (`memory.fill`)
/// then [`fill_nan_by_copies`]: both at the speed of the engine's own memset and memcpy, where
/// opt-level "z" leaves `vec![f64::NAN; n]` a loop writing one value at a time.
pub fn nan_vec(n: usize) -> Vec<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        let mut v = vec![0.0; n];
        fill_nan_by_copies(&mut v);
        v
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        vec![f64::NAN; n]
    }
}

/// Every value of `xs` missing (`xs.fill(f64::NAN)`; [`fill_nan_by_copies`] in the browser's
/// build, as [`nan_vec`]).
pub fn fill_nan(xs: &mut [f64]) {
    #[cfg(target_arch = "wasm32")]
    fill_nan_by_copies(xs);
    #[cfg(not(target_arch = "wasm32"))]
    xs.fill(f64::NAN);
}

/// `xs.fill(f64::NAN)` by copies of what is already filled, doubling: one value, then two,
/// four… (`copy_within`, a memcpy: `memory.copy` in WebAssembly).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn fill_nan_by_copies(xs: &mut [f64]) {
    let Some(first) = xs.first_mut() else { return };
    *first = f64::NAN;
    let mut done = 1;
    while done < xs.len() {
        let k = done.min(xs.len() - done);
        xs.copy_within(..k, done);
        done += k;
    }
}

/// Non-finite results (0/0, x/0, overflow) become missing: missing is never silently a number.
#[inline]
pub fn finite_or_missing(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::{fill_nan_by_copies, nan_vec, Matrix};

    /// The browser's way of filling with NaN (tested here, on the native build) leaves every
    /// value NaN, at every length around the doublings, and touches nothing else.
    #[test]
    fn filled_by_copies_is_filled() {
        for n in (0..70).chain([1023, 1024, 1025, 5000]) {
            let mut xs = vec![1.5; n + 1];
            fill_nan_by_copies(&mut xs[..n]);
            assert!(xs[..n].iter().all(|x| x.is_nan()), "{n}");
            assert_eq!(xs[n], 1.5, "{n}");
        }
        assert!(nan_vec(3).iter().all(|x| x.is_nan()) && nan_vec(3).len() == 3 && nan_vec(0).is_empty());
    }

    #[test]
    fn a_clone_is_its_own_after_a_change_on_either_side() {
        let mut a = Matrix::new(3, 2);
        a.col_mut(0).copy_from_slice(&[1.0, 2.0, 3.0]);
        a.col_mut(1).copy_from_slice(&[4.0, 0.0, 6.0]);
        a.set(1, 1, 5.0);
        let mut b = a.clone();
        assert_eq!(a, b);
        b.set(0, 0, 10.0);
        assert_eq!(a.get(0, 0), 1.0);
        assert_eq!(b.get(0, 0), 10.0);
        let c = b.clone();
        let (low, high) = b.split_cols_mut(1);
        low[2] = -1.0;
        high[0] = -2.0;
        assert_eq!((c.get(2, 0), c.get(0, 1)), (3.0, 4.0));
        assert_eq!((b.get(2, 0), b.get(0, 1)), (-1.0, -2.0));
        b.col_mut(1)[1] = 7.0;
        assert_eq!((c.get(1, 1), b.get(1, 1)), (5.0, 7.0));
        assert_ne!(b, c);
    }
}
