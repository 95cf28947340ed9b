//! Statistical methods of the pipeline, ported from COINr 1.1.14 so that results match it:
//! denomination, imputation, unit screening, outlier treatment and normalisation.
//!
//! Every function works on plain `f64` slices where `NaN` means missing and any non-finite value
//! is treated as missing. Nothing here panics on data: empty, all-missing, single-value and
//! zero-spread inputs all have a defined result, documented on each function.

pub mod denominate;
pub mod impute;
pub mod normalise;
pub mod screen;
pub mod stats;
pub mod treat;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Normalisation, Treatment};

    /// Awkward inputs every method must take without panicking, keeping the slice length.
    fn awkward() -> Vec<Vec<f64>> {
        let nan = f64::NAN;
        vec![
            vec![],
            vec![nan],
            vec![f64::INFINITY, f64::NEG_INFINITY],
            vec![3.0],
            vec![2.0, 2.0, 2.0, 2.0, 2.0],
            vec![1.0, nan, 1.0, 1e308, -1e308],
            vec![0.0, 0.0, 1.0, nan, 1e-300],
            (0..40).map(|i| if i % 7 == 0 { nan } else { (i * i) as f64 }).collect(),
        ]
    }

    #[test]
    fn no_method_panics_on_awkward_input() {
        let methods = [
            Normalisation::Zscore { mean: 0.0, sd: 1.0 },
            Normalisation::Minmax { lo: 0.0, hi: 1.0 },
            Normalisation::Goalposts { scale: 1.0, truncate: false },
            Normalisation::Dist2targ { cap_max: true },
            Normalisation::Rank,
            Normalisation::Prank,
            Normalisation::None,
        ];
        for x in awkward() {
            for m in &methods {
                for dir in [1.0, -1.0] {
                    let mut v = x.clone();
                    normalise::normalise(&mut v, m, dir, Some(5.0), Some([0.0, 10.0])).expect("parameters given");
                    assert_eq!(v.len(), x.len());
                }
            }
            assert_eq!(treat::treat_with(&x, &Treatment::winsorise_default()).values.len(), x.len());
            let groups: Vec<Option<usize>> = (0..x.len()).map(|i| (i % 3 != 0).then_some(i % 2)).collect();
            let mut v = x.clone();
            impute::i_mean_grp(&mut v, &groups).expect("same length");
            impute::i_median_grp(&mut v, &groups).expect("same length");
            impute::i_mean(&mut v);
            impute::i_median(&mut v);
            let mut v = x.clone();
            denominate::denominate(&mut v, &x, 1.0).expect("same length");
            let _ = screen::screen_units(std::slice::from_ref(&x), screen::UnitScreen::ByNaAndZeros, 0.9, 0.05);
        }
    }
}
