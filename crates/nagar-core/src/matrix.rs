//! Column-major `f64` matrix: one contiguous column per indicator or aggregate, NaN = missing.
//! The layout re-aggregation and Monte Carlo loops want: no per-cell allocation, cache-friendly columns.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    n_rows: usize,
    data: Vec<f64>,
}

impl Matrix {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        Matrix { n_rows, data: vec![f64::NAN; n_rows * n_cols] }
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
        &mut self.data[j * self.n_rows..(j + 1) * self.n_rows]
    }
    /// Columns `..mid` and `mid..` as two disjoint column-major slices (for two threads).
    pub fn split_cols_mut(&mut self, mid: usize) -> (&mut [f64], &mut [f64]) {
        let at = mid.min(self.n_cols()) * self.n_rows;
        self.data.split_at_mut(at)
    }
    pub fn get(&self, row: usize, col: usize) -> f64 {
        self.data[col * self.n_rows + row]
    }
    pub fn set(&mut self, row: usize, col: usize, v: f64) {
        self.data[col * self.n_rows + row] = v;
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
