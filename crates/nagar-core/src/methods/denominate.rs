//! Denomination: dividing an extensive indicator by a unit-level denominator (GDP, population…),
//! as COINr's `Denominate()`.
//!
//! COINr source: `R/denominate.R` — `Denominate.coin` (denominators from iMeta's `Denominator`
//! column; indicators whose `Denominator` is NA are left untouched) and `Denominate.data.frame`
//! (`x / (denominator / ScaleFactor)`, `ScaleFactor` 1 by default).

/// Divide `values` in place by `denominators / scale_factor`, unit by unit.
///
/// A missing denominator gives a missing value, as in COINr. A zero denominator gives a missing
/// value here, where R would produce ±Inf (or NaN for 0/0) and carry it on as data: we count
/// every non-finite number as missing. Err only if the lengths differ (then nothing changes).
pub fn denominate(values: &mut [f64], denominators: &[f64], scale_factor: f64) -> Result<(), String> {
    if values.len() != denominators.len() {
        return Err(format!("{} values but {} denominators", values.len(), denominators.len()));
    }
    for (v, &d) in values.iter_mut().zip(denominators) {
        // Same operation order as COINr (scale the denominator, then divide) for identical bits.
        let y = *v / (d / scale_factor);
        *v = if y.is_finite() { y } else { f64::NAN };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn divides_by_denominator() {
        let mut x = [10.0, 9.0];
        denominate(&mut x, &[2.0, 3.0], 1.0).expect("same length");
        assert_eq!(x, [5.0, 3.0]);
    }

    #[test]
    fn scale_factor_scales_the_denominator() {
        // COINr example: Flights per population with ScaleFactor 1000 → x / (pop / 1000)
        let mut x = [50.0];
        denominate(&mut x, &[2000.0], 1000.0).expect("same length");
        assert_eq!(x, [25.0]);
    }

    #[test]
    fn missing_or_zero_denominator_gives_missing() {
        let mut x = [1.0, NA, 4.0, 0.0];
        denominate(&mut x, &[NA, 2.0, 0.0, 0.0], 1.0).expect("same length");
        assert!(x.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn length_mismatch_is_an_error_and_changes_nothing() {
        let mut x = [1.0, 2.0];
        assert!(denominate(&mut x, &[1.0], 1.0).is_err());
        assert_eq!(x, [1.0, 2.0]);
    }
}
