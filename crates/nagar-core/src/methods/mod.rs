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
