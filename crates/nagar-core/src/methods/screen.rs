pub fn availability(m: &crate::matrix::Matrix) -> Vec<f64> {
    let (n, k) = (m.n_rows(), m.n_cols());
    (0..n).map(|u| (0..k).filter(|&j| !m.is_missing(u, j)).count() as f64 / k.max(1) as f64).collect()
}
