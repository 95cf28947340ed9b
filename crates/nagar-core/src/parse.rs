//! Reading the values people type into cells: numbers with Indian or Western digit grouping,
//! a trailing `%`, missing markers, Y/N answers (spec §1, §5).

use crate::table::CellRef;

/// `s.trim()`, without decoding characters when both ends are visible ASCII (then there is
/// nothing to trim): the common case of every cell of a data file.
pub fn trim(s: &str) -> &str {
    trim_inline(s)
}

/// [`trim`], inlined where it is called: for the readers' loop over every cell (the browser's
/// build, opt-level "z", inlines no call of `trim`, and inlining all of them costs 0.6 KB).
#[inline(always)]
pub fn trim_inline(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => s,
        (None, _) => s,
        _ => s.trim(),
    }
}

/// The number in `s` when `s` is written exactly as nagar writes that number (`fmt::number`):
/// an optional `-`, no leading zeros (`0.5`, not `.5` or `00.5`), no trailing zeros after a
/// point, no exponent, no grouping, at most 15 significant digits, and not zero with a sign.
/// Readers store such text as `Cell::Number`: nothing is lost, since the cell shows the same
/// text (`Cell::display`), and it is parsed once instead of being kept as a `String`.
///
/// Why 15 digits suffice: two different decimals of at most 15 significant digits differ by at
/// least 10^-15 of their size, more than the width of the interval of reals that round to one
/// `f64` (at most 2^-52 ≈ 2.2·10^-16 of its size), so no shorter decimal reads as the same
/// `f64` and the shortest round-trip form of the parsed number is `s` itself (checked by a
/// property test against `fmt::number`).
pub fn plain_number(s: &str) -> Option<f64> {
    plain_number_inline(s)
}

/// [`plain_number`], inlined where it is called: for the CSV reader's loop over every cell.
#[inline(always)]
pub fn plain_number_inline(s: &str) -> Option<f64> {
    const LIMIT: u64 = 1_000_000_000_000_000; // 10^15
    let b = s.as_bytes();
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    // 17 characters or more, the first not `0`: at least 16 digits (there is at most one point),
    // every one significant, so too many; said without reading them (such text is common: data
    // written by programs that print 17 significant digits).
    if digits.len() > 16 && digits.first() != Some(&b'0') {
        return None;
    }
    // One pass over the digits, folding them into M. Every significant digit leaves M ≥ 10^(n-1)
    // (the first one is not 0: no leading zeros, and a fraction's leading zeros after `0.` add
    // nothing to M), so "at most 15 significant digits" is M < 10^15, checked before each step
    // (which also keeps M from overflowing).
    let mut m = 0u64;
    let mut i = 0;
    while let Some(&c) = digits.get(i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if m >= LIMIT {
            return None;
        }
        m = m * 10 + u64::from(d);
        i += 1;
    }
    let int_len = i;
    if int_len == 0 || (int_len > 1 && digits[0] == b'0') {
        return None;
    }
    let mut k = 0;
    if i < digits.len() {
        if digits[i] != b'.' {
            return None;
        }
        i += 1;
        while let Some(&c) = digits.get(i) {
            let d = c.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            if m >= LIMIT {
                return None;
            }
            m = m * 10 + u64::from(d);
            i += 1;
        }
        k = i - int_len - 1;
        if k == 0 || digits[i - 1] == b'0' {
            return None;
        }
    }
    if m >= LIMIT || (m == 0 && negative) {
        return None; // too many digits to be sure, or -0
    }
    // Clinger's fast path: the digits as an integer M < 10^15 < 2^53 and 10^k for k ≤ 22 are
    // both exact in an f64, so the one correctly rounded division M / 10^k is the correctly
    // rounded value of the text, what `str::parse` gives (property test below), without its
    // general machinery. Longer fractions (k > 22) go to `str::parse`.
    if k > 22 {
        return s.parse::<f64>().ok();
    }
    let x = m as f64 / POW10[k];
    Some(if negative { -x } else { x })
}

/// 10^0 ..= 10^22, every one exact in an f64. A `static`: indexed by a run-time `k`, a `const`
/// array was copied onto the stack at every call (callgrind: a `memcpy` per number read).
static POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Text that means "no value".
pub fn is_missing_marker(s: &str) -> bool {
    let t = trim(s);
    t.is_empty()
        || t == "-"
        || t == "–"
        || t == "—"
        || t.eq_ignore_ascii_case("na")
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("nan")
        || t.eq_ignore_ascii_case("null")
}

/// Parse a number as typed: `12,34,567`, `1,234,567.5`, ` 42 `, `12.5%` (when `percent` is
/// allowed). `Ok(None)` is missing; `Err` explains what was expected.
pub fn parse_number(text: &str, percent: bool) -> Result<Option<f64>, String> {
    if let Ok(x) = text.parse::<f64>() {
        // Fast path for plain numbers; `inf`/`NaN` fall through to the checks below.
        if x.is_finite() && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
            return Ok(Some(x));
        }
    }
    let t = text.trim().trim_matches('\u{a0}');
    if is_missing_marker(t) {
        return Ok(None);
    }
    let mut s = t;
    if let Some(rest) = s.strip_suffix('%') {
        if !percent {
            return Err("a percentage sign is only allowed on percentage inputs".into());
        }
        s = rest.trim_end();
    }
    // Grouping commas: every group after the first must be 2 or 3 digits (Indian 12,34,567 or
    // Western 1,234,567), the last exactly 3; anything else is ambiguous (e.g. a decimal comma).
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let cleaned: String = if int_part.contains(',') {
        let unsigned = int_part.trim_start_matches(['-', '+']);
        let groups: Vec<&str> = unsigned.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().enumerate().all(|(k, g)| {
                g.chars().all(|c| c.is_ascii_digit())
                    && if k + 2 == groups.len() { g.len() == 3 } else { g.len() == 2 || g.len() == 3 }
            });
        if !ok {
            return Err("digit grouping is not like 12,34,567 or 1,234,567 (use a point for decimals)".into());
        }
        let mut c = int_part.replace(',', "");
        if let Some(f) = frac_part {
            c.push('.');
            c.push_str(f);
        }
        c
    } else {
        s.to_string()
    };
    let valid_chars = cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match cleaned.parse::<f64>() {
        Ok(x) if valid_chars && x.is_finite() => Ok(Some(x)),
        _ => Err("not a number".into()),
    }
}

/// Y/N answers: `Y, Yes, 1, True` and `N, No, 0, False`, any case, trimmed.
pub fn parse_yes_no(text: &str) -> Result<Option<bool>, String> {
    let t = trim(text);
    if is_missing_marker(t) {
        return Ok(None);
    }
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&["y", "yes", "1", "true"]) {
        Ok(Some(true))
    } else if is(&["n", "no", "0", "false"]) {
        Ok(Some(false))
    } else {
        Err("expected Y or N (also Yes/No, 1/0, True/False)".into())
    }
}

/// A cell as a number (spreadsheet numbers pass through; text is parsed).
pub fn cell_number<'a>(cell: impl Into<CellRef<'a>>, percent: bool) -> Result<Option<f64>, String> {
    match cell.into() {
        CellRef::Empty => Ok(None),
        CellRef::Number(x) if x.is_finite() => Ok(Some(x)),
        CellRef::Number(_) => Err("not a finite number".into()),
        CellRef::Bool(_) => Err("a true/false value where a number is expected".into()),
        CellRef::Text(s) => parse_number(s, percent),
    }
}

/// A cell as Y/N.
pub fn cell_yes_no<'a>(cell: impl Into<CellRef<'a>>) -> Result<Option<bool>, String> {
    match cell.into() {
        CellRef::Empty => Ok(None),
        CellRef::Bool(b) => Ok(Some(b)),
        CellRef::Number(1.0) => Ok(Some(true)),
        CellRef::Number(0.0) => Ok(Some(false)),
        CellRef::Number(_) => Err("expected Y or N (also Yes/No, 1/0, True/False)".into()),
        CellRef::Text(s) => parse_yes_no(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_and_western_grouping() {
        assert_eq!(parse_number("12,34,567", false), Ok(Some(1234567.0)));
        assert_eq!(parse_number("1,234,567.25", false), Ok(Some(1234567.25)));
        assert_eq!(parse_number(" 1,00,000 ", false), Ok(Some(100000.0)));
        assert_eq!(parse_number("-2,500", false), Ok(Some(-2500.0)));
        assert!(parse_number("1,5", false).is_err());
        assert!(parse_number("12,3456", false).is_err());
    }

    #[test]
    fn percent_and_missing_markers() {
        assert_eq!(parse_number("45.5%", true), Ok(Some(45.5)));
        assert!(parse_number("45.5%", false).is_err());
        for m in ["", " ", "NA", "n/a", "-", "N/A"] {
            assert_eq!(parse_number(m, true), Ok(None), "{m:?}");
        }
        assert!(parse_number("abc", false).is_err());
        assert!(parse_number("inf", false).is_err());
        assert!(parse_number("1e400", false).is_err());
    }

    #[test]
    fn yes_no_variants() {
        for y in ["Y", "yes", " YES ", "1", "True"] {
            assert_eq!(parse_yes_no(y), Ok(Some(true)), "{y:?}");
        }
        for n in ["n", "No", "0", "FALSE"] {
            assert_eq!(parse_yes_no(n), Ok(Some(false)), "{n:?}");
        }
        assert_eq!(parse_yes_no("NA"), Ok(None));
        assert!(parse_yes_no("maybe").is_err());
    }
}

#[cfg(test)]
mod plain_number_tests {
    use super::plain_number;
    use crate::fmt::number;
    use proptest::prelude::*;

    /// The first version (several passes: find the point, check the digits, count the
    /// significant ones, fold): the one-pass version must accept and read exactly the same.
    fn reference(s: &str) -> Option<f64> {
        let b = s.as_bytes();
        let digits = b.strip_prefix(b"-").unwrap_or(b);
        let (int, frac) = match digits.iter().position(|&c| c == b'.') {
            Some(p) => (&digits[..p], Some(&digits[p + 1..])),
            None => (digits, None),
        };
        let all_digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
        if int.is_empty() || !all_digits(int) || (int.len() > 1 && int[0] == b'0') {
            return None;
        }
        let mut significant = if int == b"0" { 0 } else { int.len() };
        if let Some(f) = frac {
            if f.is_empty() || !all_digits(f) || f.last() == Some(&b'0') {
                return None;
            }
            significant +=
                if significant == 0 { f.len() - f.iter().take_while(|&&c| c == b'0').count() } else { f.len() };
        }
        if significant > 15 || (significant == 0 && digits.len() != b.len()) {
            return None; // too many digits to be sure, or -0
        }
        // Clinger's fast path: the digits as an integer M < 10^15 < 2^53 and 10^k for k ≤ 22 are
        // both exact in an f64, so the one correctly rounded division M / 10^k is the correctly
        // rounded value of the text, what `str::parse` gives (property test below), without its
        // general machinery. Longer fractions (k > 22) go to `str::parse`.
        let k = frac.map_or(0, <[u8]>::len);
        if k > 22 {
            return s.parse::<f64>().ok();
        }
        let m = int.iter().chain(frac.unwrap_or_default()).fold(0u64, |m, &c| m * 10 + u64::from(c - b'0'));
        let x = m as f64 / super::POW10[k];
        Some(if digits.len() != b.len() { -x } else { x })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(50_000))]
        #[test]
        fn one_pass_is_the_first_version(s in "-?[0-9.]{0,3}[0-9]{0,20}(\\.[0-9]{0,26})?[0-9a.-]?") {
            prop_assert_eq!(plain_number(&s).map(f64::to_bits), reference(&s).map(f64::to_bits), "{}", s);
        }
    }

    #[test]
    fn examples() {
        for s in ["0", "7", "-12.5", "0.001", "123456789012345", "0.000000123456789012345", "-0.5"] {
            assert_eq!(plain_number(s).map(number).as_deref(), Some(s), "{s}");
        }
        for s in [
            "",
            "-",
            "-0",
            "-0.0",
            "00",
            "007",
            ".5",
            "5.",
            "1.50",
            "1e3",
            "+1",
            "1,000",
            " 1",
            "1 ",
            "NaN",
            "inf",
            "1234567890123456",
            "0.1234567890123456",
            "12%",
            "0x10",
            "1.2.3",
        ] {
            assert_eq!(plain_number(s), None, "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Whatever it accepts, nagar writes back as the same text: a cell read as a number shows
        /// exactly what the file had.
        #[test]
        fn accepted_text_is_written_back_unchanged(s in "-?(0|[1-9][0-9]{0,17})(\\.[0-9]{0,18})?") {
            if let Some(x) = plain_number(&s) {
                prop_assert_eq!(number(x), s);
            }
        }

        /// Any number nagar writes with at most 15 significant digits (an integer of up to 15
        /// digits times a power of ten ≤ 1) is accepted.
        #[test]
        fn accepted_text_reads_as_str_parse_reads_it(s in "-?(0|[1-9][0-9]{0,14})(\\.[0-9]{0,24})?") {
            if let Some(x) = plain_number(&s) {
                prop_assert_eq!(x.to_bits(), s.parse::<f64>().unwrap().to_bits(), "{}", s);
            }
        }

        #[test]
        fn written_numbers_are_accepted(m in -999_999_999_999_999i64..999_999_999_999_999, e in -20i32..=0) {
            prop_assume!(m != 0);
            let x: f64 = format!("{m}e{e}").parse().unwrap();
            let s = number(x);
            prop_assert_eq!(plain_number(&s).map(f64::to_bits), Some(x.to_bits()), "{}", s);
        }
    }
}

#[cfg(test)]
mod trim_tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn trim_is_str_trim(s in "[ \\t\\u{a0}\\u{2003}\\u{3000}]{0,2}\\PC{0,8}[ \\t\\u{a0}\\u{85}]{0,2}") {
            prop_assert_eq!(super::trim(&s), s.trim());
        }
    }
}
