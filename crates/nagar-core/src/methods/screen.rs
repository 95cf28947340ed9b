//! Unit screening by data availability, as COINr's `Screen(unit_screen = "byNA" | "byzeros" |
//! "byNAandzeros")`: units below the thresholds are dropped before treatment and normalisation.
//!
//! COINr source: `R/screen_units.R` — `Screen.data.frame`, `get_data_avail.data.frame`.
//! `build_example_coin()` (`R/examples.R`) screens the *imputed* data set with `dat_thresh = 0.9`,
//! so only gaps that imputation could not fill count there.

/// Which COINr rule removes a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnitScreen {
    /// Data availability below `dat_thresh` (COINr `"byNA"`).
    #[default]
    ByNa,
    /// Share of non-zero values (among present ones) below `nonzero_thresh` (`"byzeros"`).
    ByZeros,
    /// Either of the two (`"byNAandzeros"`).
    ByNaAndZeros,
}

/// COINr `Dat_Avail` of one unit's indicator row: `1 - missing / number of indicators`.
/// A row with no indicators has availability 0.
pub fn data_availability(row: &[f64]) -> f64 {
    if row.is_empty() {
        return 0.0;
    }
    let missing = row.iter().filter(|v| !v.is_finite()).count();
    1.0 - missing as f64 / row.len() as f64
}

/// COINr `Non_Zero` of one unit's row: `1 - zeros / present values`. NaN when nothing is present.
pub fn nonzero_share(row: &[f64]) -> f64 {
    let present = row.iter().filter(|v| v.is_finite()).count();
    let zeros = row.iter().filter(|&&v| v == 0.0).count();
    1.0 - zeros as f64 / present as f64
}

/// Result of screening, one entry per unit (row), in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenResult {
    pub availability: Vec<f64>,
    pub nonzero: Vec<f64>,
    pub included: Vec<bool>,
}

impl ScreenResult {
    /// Indices of the units that were removed.
    pub fn removed(&self) -> Vec<usize> {
        (0..self.included.len()).filter(|&i| !self.included[i]).collect()
    }
}

/// COINr `Screen.data.frame(x, unit_screen, dat_thresh, nonzero_thresh)` over unit rows of
/// indicator values. A unit is flagged when its share is strictly below the threshold (so a unit
/// exactly at `dat_thresh` stays). A unit with no present value fails the zeros rule.
pub fn screen_units<R: AsRef<[f64]>>(
    rows: &[R],
    rule: UnitScreen,
    dat_thresh: f64,
    nonzero_thresh: f64,
) -> ScreenResult {
    let availability: Vec<f64> = rows.iter().map(|r| data_availability(r.as_ref())).collect();
    let nonzero: Vec<f64> = rows.iter().map(|r| nonzero_share(r.as_ref())).collect();
    let included = availability
        .iter()
        .zip(&nonzero)
        .map(|(&a, &z)| {
            let low_data = a < dat_thresh;
            let low_nonzero = z.is_nan() || z < nonzero_thresh;
            match rule {
                UnitScreen::ByNa => !low_data,
                UnitScreen::ByZeros => !low_nonzero,
                UnitScreen::ByNaAndZeros => !(low_data || low_nonzero),
            }
        })
        .collect();
    ScreenResult { availability, nonzero, included }
}

/// `Screen(unit_screen = "byNA", dat_thresh)`: which units stay.
pub fn screen_by_na<R: AsRef<[f64]>>(rows: &[R], dat_thresh: f64) -> Vec<bool> {
    screen_units(rows, UnitScreen::ByNa, dat_thresh, 0.0).included
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    #[test]
    fn availability_is_share_of_present_values() {
        assert_eq!(data_availability(&[1.0, NA, 3.0, f64::NEG_INFINITY]), 0.5);
        assert_eq!(data_availability(&[1.0, 2.0]), 1.0);
        assert_eq!(data_availability(&[]), 0.0);
    }

    #[test]
    fn nonzero_share_counts_only_present_values() {
        assert_eq!(nonzero_share(&[0.0, 2.0, NA, 0.0]), 1.0 - 2.0 / 3.0);
        assert!(nonzero_share(&[NA]).is_nan());
    }

    #[test]
    fn units_strictly_below_threshold_are_removed() {
        // availabilities 1, 0.9, 0.8 with threshold 0.9: only the last goes
        let full = [1.0; 10];
        let mut one_gap = [1.0; 10];
        one_gap[0] = NA;
        let mut two_gaps = [1.0; 10];
        two_gaps[3] = NA;
        two_gaps[7] = NA;
        let rows = [full, one_gap, two_gaps];
        assert_eq!(screen_by_na(&rows, 0.9), vec![true, true, false]);
        let r = screen_units(&rows, UnitScreen::ByNa, 0.9, 0.05);
        assert_eq!(r.removed(), vec![2]);
    }

    #[test]
    fn zeros_rule_removes_mostly_zero_units() {
        let rows: [&[f64]; 3] = [&[0.0, 0.0, 0.0, 1.0], &[0.0, 0.0, 0.0, 0.0], &[NA, NA, NA, NA]];
        let r = screen_units(&rows, UnitScreen::ByZeros, 0.9, 0.05);
        assert_eq!(r.included, vec![true, false, false]);
        let r = screen_units(&rows, UnitScreen::ByNaAndZeros, 0.5, 0.3);
        assert_eq!(r.included, vec![false, false, false]);
        let r = screen_units(&rows, UnitScreen::ByNa, 0.5, 0.3);
        assert_eq!(r.included, vec![true, true, false]);
    }

    #[test]
    fn no_units_no_result() {
        let rows: [Vec<f64>; 0] = [];
        assert!(screen_by_na(&rows, 0.9).is_empty());
    }
}
