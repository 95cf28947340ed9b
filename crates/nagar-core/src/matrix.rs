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
        Matrix { n_rows, data: Arc::new(vec![f64::NAN; n_rows * n_cols]) }
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
    use super::Matrix;

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
