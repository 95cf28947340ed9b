//! TEMPORARY minimal methods (replaced by the COINr-faithful module from branch `methods`).
pub mod denominate;
pub mod impute;
pub mod normalise;
pub mod screen;
pub mod treat;
