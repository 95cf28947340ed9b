//! Number formatting shared by every output: shortest round-trip form, empty for missing.

/// Shortest string that parses back to the same f64 (Rust's `Display` guarantees round-trip).
/// Integers print without a decimal point; missing (NaN) prints as empty.
pub fn number(x: f64) -> String {
    if x.is_nan() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_string(); // folds -0 to 0
    }
    format!("{x}")
}
