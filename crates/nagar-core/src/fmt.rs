//! Number formatting shared by every output: shortest round-trip form, empty for missing.
//!
//! The digits come from `zmij` (Schubfach/yy: the shortest digit string that parses back to the
//! same `f64`, the closest to the exact value among those; feature `fast-format`, which the CLI
//! enables and the browser's main module leaves out), laid out as Rust's `Display` for
//! `f64` lays them out: plain decimal, never an exponent, no `.0` on integers. The property tests
//! below check both: the text is `format!("{x}")`'s, byte for byte, and it parses back to the
//! same bits. With zmij, formatting takes about half the instructions of `core::fmt`'s
//! Grisu/Dragon (docs/BENCHMARKS.md). Without the feature (the browser's main module: zmij's
//! tables cost ~1.6 KB gzipped there, over its budget, and the page formats numbers only for
//! exports) `Display` writes every number, the same text.

/// Shortest string that parses back to the same f64. Integers print without a decimal point;
/// missing (NaN) prints as empty; -0 prints as `0`.
pub fn number(x: f64) -> String {
    let mut s = String::new();
    push_number(&mut s, x);
    s
}

/// [`number`], appended to `out` (no allocation when `out` has room): what the writers use.
pub fn push_number(out: &mut String, x: f64) {
    if x.is_nan() {
        return;
    }
    if x == 0.0 {
        out.push('0'); // folds -0 to 0
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    #[cfg(feature = "fast-format")]
    if push_shortest(out, x) {
        return;
    }
    use std::fmt::Write;
    let _ = write!(out, "{x}");
}

/// zmij's digits in `Display`'s layout; `false` (nothing written) where `Display` must write
/// the number: an exact tie between two shortest forms, where `Display` rounds half up
/// (568185472287213.25 → …213.3) and zmij half to even (…213.2), or text that is not zmij's
/// documented output.
#[cfg(feature = "fast-format")]
fn push_shortest(out: &mut String, x: f64) -> bool {
    // zmij writes plain notation for a shortest form's decimal exponent in -5..=15; within
    // 1e-4 ≤ |x| < 1e15 the shortest form's exponent is in -4..=15.
    let plain = (1e-4..1e15).contains(&x.abs());
    let low = lowest_bit(x);
    if plain && low >= 0 {
        // A whole number below 2^53: zmij writes it exactly, as `N.0` (never a tie); an integer
        // formatter writes the same digits without zmij's work (`x as i64` is exact here).
        debug_assert_eq!(zmij::Buffer::new().format_finite(x), format!("{}.0", x as i64));
        out.push_str(itoa::Buffer::new().format(x as i64));
        return true;
    }
    let mut buf = zmij::Buffer::new();
    let s = buf.format_finite(x);
    // Most numbers are decided from the value alone, without reading zmij's text back: a load
    // from the buffer it has just written stalls on store forwarding, which made that reading
    // as costly as zmij itself (docs/BENCHMARKS.md, issue 12, fifth round).
    if plain && (low < -23 || !may_be_tie(x, low)) {
        debug_assert!(!s.contains('e') && !s.ends_with(".0"), "{s}");
        out.push_str(s);
        return true;
    }
    let b = s.as_bytes();
    if !b.contains(&b'e') {
        // Plain notation already (`-1234.5`, `0.001`, `12340000000.0`).
        let text = s.strip_suffix(".0").unwrap_or(s);
        let fraction_digits = match text.bytes().position(|c| c == b'.') {
            Some(p) => (text.len() - p - 1) as i32,
            None => -(text.bytes().rev().take_while(|&c| c == b'0').count() as i32),
        };
        if !is_tie(x, fraction_digits) {
            out.push_str(text);
            return true;
        }
    } else if let Some(d) = Decimal::of(s) {
        if !is_tie(x, d.fraction_digits()) {
            d.push_plain(out);
            return true;
        }
    }
    false
}

/// Whether `x` = odd · 2^low (-23 ≤ low < 0) may lie halfway between two shortest forms. Its
/// exact decimal value is N · 10^low with N = odd · 5^-low; when N has at most 15 digits, that
/// exact value is the shortest form that reads back to x (two decimals of 15 significant digits
/// lie further apart than x's neighbours), so x is no tie.
#[cfg(feature = "fast-format")]
fn may_be_tie(x: f64, low: i32) -> bool {
    let bits = x.to_bits();
    let biased = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1 << 52) - 1);
    let m = if biased == 0 { fraction } else { fraction | (1 << 52) };
    let odd = u128::from(m >> m.trailing_zeros());
    odd * 5u128.pow(low.unsigned_abs()) >= 1_000_000_000_000_000
}

/// The exponent of `x`'s lowest set bit: x is an odd integer times 2^lowest_bit (x ≠ 0, finite).
#[cfg(feature = "fast-format")]
fn lowest_bit(x: f64) -> i32 {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
    e + m.trailing_zeros() as i32
}

/// Whether `x` lies exactly halfway between its shortest form, with `k` digits after the point
/// (negative: an integer's trailing zeros), and the neighbouring form with as many digits.
/// Halfway means x = (2D ± 1) · 10^-k / 2 for the digits D: an odd number times 2^-(k+1) (times
/// 5^k), so x's odd binary significand has exactly the exponent -(k+1); and every odd multiple
/// of 2^-(k+1) has k+1 decimal places, the last a 5, so that is also enough.
#[cfg(feature = "fast-format")]
fn is_tie(x: f64, k: i32) -> bool {
    lowest_bit(x) == -(k + 1)
}

/// zmij's text (`-1234.5`, `12340000000.0`, `1.234e+33`, `5e-7`) as its significant digits and
/// where the decimal point goes among them.
#[cfg(feature = "fast-format")]
struct Decimal<'a> {
    negative: bool,
    /// `int` ++ `frac` of the mantissa, as written.
    int: &'a [u8],
    frac: &'a [u8],
    /// Leading zeros to skip and trailing zeros to drop from `int` ++ `frac`.
    skip: usize,
    drop: usize,
    /// The decimal point's position in `int` ++ `frac` after applying the exponent (may lie
    /// outside it).
    point: i32,
}

#[cfg(feature = "fast-format")]
impl<'a> Decimal<'a> {
    fn of(s: &'a str) -> Option<Self> {
        let (mantissa, exp) = match s.split_once(['e', 'E']) {
            None => (s, 0),
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
        };
        let (negative, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mantissa),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let (int, frac) = (int.as_bytes(), frac.as_bytes());
        if int.is_empty() || !int.iter().chain(frac).all(u8::is_ascii_digit) {
            return None;
        }
        let skip = int.iter().chain(frac).take_while(|&&c| c == b'0').count();
        if skip == int.len() + frac.len() {
            return None; // zero: written before zmij is asked
        }
        let drop = int.iter().chain(frac).rev().take_while(|&&c| c == b'0').count();
        Some(Decimal { negative, int, frac, skip, drop, point: int.len() as i32 + exp })
    }

    /// The number of significant digits.
    fn len(&self) -> usize {
        self.int.len() + self.frac.len() - self.drop - self.skip
    }

    /// Digits after the decimal point in the shortest form (negative: an integer's trailing
    /// zeros).
    fn fraction_digits(&self) -> i32 {
        (self.int.len() + self.frac.len() - self.drop) as i32 - self.point
    }

    /// Plain decimal, as `Display` writes it.
    fn push_plain(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        let n = self.len() as i32;
        let point = self.point - self.skip as i32; // among the significant digits
        let all = self.int.len() + self.frac.len();
        let digits = self.int.iter().chain(self.frac).take(all - self.drop).skip(self.skip).map(|&d| char::from(d));
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.extend(digits);
        } else if point >= n {
            out.extend(digits);
            out.extend(std::iter::repeat_n('0', (point - n) as usize));
        } else {
            for (k, d) in digits.enumerate() {
                if k == point as usize {
                    out.push('.');
                }
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The formatting before zmij: Rust's `Display`.
    fn display(x: f64) -> String {
        if x.is_nan() {
            String::new()
        } else if x == 0.0 {
            "0".into()
        } else {
            format!("{x}")
        }
    }

    #[test]
    // The ties are written as their exact values, more digits than their shortest forms.
    #[allow(clippy::excessive_precision)]
    fn hand_picked_values() {
        for (x, s) in [
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (1e-7, "0.0000001"),
            (1.5e-10, "0.00000000015"),
            (1e16, "10000000000000000"),
            (1.234e33, "1234000000000000000000000000000000"),
            (123456.789, "123456.789"),
            // Whole numbers on either side of the bound of the integer path.
            (999999999999999.0, "999999999999999"),
            (-999999999999999.0, "-999999999999999"),
            (1e15, "1000000000000000"),
            (-1.0, "-1"),
            (66653.0, "66653"),
            (-0.0, "0"),
            (f64::NAN, ""),
            (0.30000000000000004, "0.30000000000000004"),
            (f64::MAX, &format!("{}", f64::MAX)),
            (f64::MIN_POSITIVE, &format!("{}", f64::MIN_POSITIVE)),
            (5e-324, &format!("{}", 5e-324)),
            // An exact tie between two shortest forms: `Display` rounds it up.
            (568185472287213.25, "568185472287213.3"),
            (-568185472287213.25, "-568185472287213.3"),
            (32285521264388.3125, "32285521264388.313"),
            (1.00000762939453125, "1.0000076293945313"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(number(x), s, "{x:e}");
        }
    }

    #[test]
    fn appends_to_the_buffer() {
        let mut s = String::from("a,");
        push_number(&mut s, 12.5);
        push_number(&mut s, f64::NAN);
        s.push(',');
        push_number(&mut s, -3e20);
        assert_eq!(s, "a,12.5,-300000000000000000000");
    }

    /// Every power of ten and its neighbours: where the layout switches between forms.
    #[test]
    fn powers_of_ten_and_neighbours() {
        for e in -324..=308 {
            let x: f64 = format!("1e{e}").parse().unwrap();
            for y in [x, f64::from_bits(x.to_bits().wrapping_sub(1)), f64::from_bits(x.to_bits() + 1), -x] {
                if y.is_finite() {
                    assert_eq!(number(y), display(y), "{y:e}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Any f64 bit pattern: the same text as before, and it reads back to the same bits.
        #[test]
        fn same_text_as_display_and_round_trips(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            let s = number(x);
            prop_assert_eq!(&s, &display(x));
            if x.is_finite() && x != 0.0 {
                prop_assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits());
            }
        }

        /// Values with few binary digits after the point (odd × 2^-q), where exact ties
        /// between two shortest forms live.
        #[test]
        fn dyadic_values_and_ties(m in 1u64..(1 << 53), q in 0i32..80, neg in any::<bool>()) {
            let x = (m | 1) as f64 * 2f64.powi(-q) * if neg { -1.0 } else { 1.0 };
            let s = number(x);
            prop_assert_eq!(&s, &display(x));
            prop_assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits());
        }

        /// Whole numbers and numbers with few binary places up to 1e15, near the bounds of the
        /// layout decided from the value alone (`push_shortest`'s first branch).
        #[test]
        fn whole_and_dyadic_numbers_below_1e15(m in 1u64..1_000_000_000_000_000, q in 0i32..24, neg in any::<bool>()) {
            let x = m as f64 * 2f64.powi(-q) * if neg { -1.0 } else { 1.0 };
            let s = number(x);
            prop_assert_eq!(&s, &display(x));
            prop_assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits());
        }

        /// Values like data: a few significant digits at any scale.
        #[test]
        fn data_like_values(m in -1_000_000i64..1_000_000, e in -12i32..12) {
            let x = m as f64 * 10f64.powi(e);
            let s = number(x);
            prop_assert_eq!(&s, &display(x));
            if x != 0.0 {
                prop_assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits());
            }
        }
    }
}
