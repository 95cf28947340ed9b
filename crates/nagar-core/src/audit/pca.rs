//! Principal component analysis of the children of an aggregate, as COINr's `get_PCA()`:
//! `prcomp(na.omit(children), center = TRUE, scale = TRUE)`. Centring and scaling make the
//! principal components the eigenvectors of the correlation matrix of the complete rows, and
//! the variances the eigenvalues, so the share of variance of the first component is
//! λ₁ / Σλ and its loadings are the first eigenvector (unit length, sign arbitrary: we report
//! absolute values and orient the signed ones so that their sum is positive).
//!
//! The eigen-decomposition is nalgebra's `SymmetricEigen` (symmetric QR with implicit shifts).

use nalgebra::{DMatrix, SymmetricEigen};

/// The first principal component of some columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Rows with a value in every column (the others are dropped, as `na.omit`).
    pub n_complete: usize,
    /// λ₁ / Σλ.
    pub variance_share: f64,
    /// Loading of each column on the first component, oriented so that the sum is ≥ 0.
    pub loadings: Vec<f64>,
}

/// PCA of `columns` (one slice per variable, same length). `Err` explains why it is undefined:
/// fewer than 3 complete rows, or a column that does not vary over the complete rows (R's
/// `prcomp` stops: "cannot rescale a constant/zero column to unit variance").
pub fn first_component(columns: &[&[f64]], names: &[String]) -> Result<Pca, (usize, String)> {
    let k = columns.len();
    let n = columns.first().map_or(0, |c| c.len());
    let rows: Vec<usize> = (0..n).filter(|&u| columns.iter().all(|c| !c[u].is_nan())).collect();
    let m = rows.len();
    if k == 0 {
        return Err((m, "no elements".into()));
    }
    if m < 3 {
        return Err((m, format!("{m} unit(s) have a value in every element; PCA needs at least 3")));
    }
    // Standardised complete columns.
    let mut z: Vec<Vec<f64>> = Vec::with_capacity(k);
    for (c, name) in columns.iter().zip(names) {
        let v: Vec<f64> = rows.iter().map(|&u| c[u]).collect();
        let mean = v.iter().sum::<f64>() / m as f64;
        let ss: f64 = v.iter().map(|x| (x - mean) * (x - mean)).sum();
        if ss == 0.0 || !ss.is_finite() {
            return Err((m, format!("{name} does not vary over the {m} complete units")));
        }
        let sd = (ss / (m as f64 - 1.0)).sqrt();
        z.push(v.iter().map(|x| (x - mean) / sd).collect());
    }
    let corr = DMatrix::from_fn(k, k, |i, j| {
        if i == j {
            1.0
        } else {
            z[i].iter().zip(&z[j]).map(|(a, b)| a * b).sum::<f64>() / (m as f64 - 1.0)
        }
    });
    let eig = SymmetricEigen::new(corr);
    let total: f64 = eig.eigenvalues.iter().sum();
    let (top, &lambda) =
        eig.eigenvalues.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).ok_or((m, "no eigenvalue".to_string()))?;
    let mut loadings: Vec<f64> = eig.eigenvectors.column(top).iter().copied().collect();
    if loadings.iter().sum::<f64>() < 0.0 {
        loadings.iter_mut().for_each(|x| *x = -*x);
    }
    Ok(Pca { n_complete: m, variance_share: lambda / total, loadings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|i| format!("c{i}")).collect()
    }

    #[test]
    fn two_variables_by_hand() {
        // For 2 standardised variables with correlation r the eigenvalues are 1 ± r and the first
        // eigenvector is (1, 1)/√2: share (1 + |r|)/2. x = 1,2,3,4; y = 2,1,4,3: r = 0.6 → 0.8.
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [2.0, 1.0, 4.0, 3.0];
        let p = first_component(&[&x, &y], &names(2)).unwrap();
        assert_eq!(p.n_complete, 4);
        assert!((p.variance_share - 0.8).abs() < 1e-14, "{}", p.variance_share);
        for l in &p.loadings {
            assert!((l - 0.5f64.sqrt()).abs() < 1e-14);
        }
    }

    #[test]
    fn rows_with_a_missing_value_are_dropped() {
        let na = f64::NAN;
        let x = [1.0, 2.0, na, 3.0, 4.0];
        let y = [2.0, 1.0, 9.0, 4.0, 3.0];
        let p = first_component(&[&x, &y], &names(2)).unwrap();
        assert_eq!(p.n_complete, 4);
        assert!((p.variance_share - 0.8).abs() < 1e-14);
    }

    #[test]
    fn undefined_cases_explain() {
        let (m, why) = first_component(&[&[1.0, 2.0], &[2.0, 1.0]], &names(2)).unwrap_err();
        assert_eq!(m, 2);
        assert!(why.contains("at least 3"), "{why}");
        let (_, why) = first_component(&[&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]], &names(2)).unwrap_err();
        assert!(why.contains("c1 does not vary"), "{why}");
    }

    #[test]
    fn one_variable_is_the_whole_variance() {
        let p = first_component(&[&[1.0, 2.0, 4.0]], &names(1)).unwrap();
        assert_eq!((p.variance_share, p.loadings.clone()), (1.0, vec![1.0]));
    }
}
