//! nagar's fixed texts (sheet names, headings, validation messages, flags, kinds) in one catalogue
//! per language: `i18n/<language>.txt`, one `key = text` per line, `#` lines are comments,
//! `{name}` is filled in by the code ([`fill`]). Column ids and data values are never translated.
//! Keys are grouped by prefix (`sheet.`, `dict.`, `valid.`, `kind.`, `results.`, `flag.`, ...).
//! A new language is a new file with every key, added to `CATALOGUES`. The catalogues carry few
//! comments: they are compiled into the browser's main module. Names of a framework's nodes are
//! not here: they are data in the framework (`crate::names`). A language without a catalogue, or
//! a key missing from one, gets the English text; unit tests check that every catalogue has every
//! key, that every key is used, and that every key-like literal in the code is in the catalogue.

use crate::framework::Framework;
use crate::names::Localised;

const EN: &str = include_str!("i18n/en.txt");
/// (language code, catalogue text). English first: it is the fallback.
const CATALOGUES: &[(&str, &str)] = &[("en", EN), ("hi", include_str!("i18n/hi.txt"))];

/// The languages nagar has fixed texts in.
pub fn catalogue_languages() -> impl Iterator<Item = &'static str> {
    CATALOGUES.iter().map(|(l, _)| *l)
}

/// The `(key, text)` entries of a catalogue: blank lines and `#` comments skipped.
fn entries(catalogue: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    catalogue
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// The text of `key` in a language's catalogue (a scan: catalogues are short, and the browser's
/// main module is smaller without a hash map of them).
fn lookup(lang: &str, key: &str) -> Option<&'static str> {
    let (_, catalogue) = CATALOGUES.iter().find(|(l, _)| *l == lang)?;
    entries(catalogue).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// The text of `key` in `lang`, else in English, else the key itself (the tests rule that out).
pub fn text<'a>(lang: &str, key: &'a str) -> &'a str {
    lookup(lang, key).or_else(|| lookup("en", key)).unwrap_or(key)
}

/// A text with its `{name}` placeholders filled in (others are kept as they are).
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| values.iter().find(|(n, _)| *n == &after[..close]).map(|(_, v)| (close, v)));
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where a sheet's words come from: [`English`] (all the browser's main module needs, which
/// then carries no other catalogue and no lookup of names) or a [`Language`].
pub trait Words {
    /// The catalogue text of `key`.
    fn text(&self, key: &'static str) -> &'static str;
    /// A node's name.
    fn name<'a>(&self, node: &'a dyn Localised) -> &'a str;
    /// A unit as written in a framework's `unit` field.
    fn unit<'a>(&self, fw: &'a Framework, unit: &'a str) -> &'a str;
    /// The language's code.
    fn code(&self) -> &str;
}

/// English: the `name` fields and `i18n/en.txt`.
pub struct English;

impl Words for English {
    // One copy of the catalogue scan, not one inlined at every call site (the browser's main
    // module is smaller by it; docs/BENCHMARKS.md).
    #[inline(never)]
    fn text(&self, key: &'static str) -> &'static str {
        entries(EN).find(|(k, _)| *k == key).map_or(key, |(_, v)| v)
    }
    fn name<'a>(&self, node: &'a dyn Localised) -> &'a str {
        node.english()
    }
    fn unit<'a>(&self, _: &'a Framework, unit: &'a str) -> &'a str {
        unit
    }
    fn code(&self) -> &str {
        "en"
    }
}

/// A language by its code: the framework's `names` and the language's catalogue, each falling
/// back to English.
pub struct Language<'l>(pub &'l str);

impl Words for Language<'_> {
    fn text(&self, key: &'static str) -> &'static str {
        text(self.0, key)
    }
    fn name<'a>(&self, node: &'a dyn Localised) -> &'a str {
        node.name_in(self.0)
    }
    fn unit<'a>(&self, fw: &'a Framework, unit: &'a str) -> &'a str {
        fw.unit_in(unit, self.0)
    }
    fn code(&self) -> &str {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `.rs` file of the crates that use the catalogue.
    fn sources() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        let mut dirs: Vec<_> = ["nagar-core/src", "nagar-io/src", "nagar-cli/src", "nagar-wasm/src"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs") {
                    out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out
    }

    fn keys(lang: &str) -> BTreeSet<&'static str> {
        entries(CATALOGUES.iter().find(|(l, _)| *l == lang).unwrap().1).map(|(k, _)| k).collect()
    }

    #[test]
    fn every_key_is_in_every_catalogue_once() {
        let english = keys("en");
        assert!(english.len() > 40, "the English catalogue has {} keys", english.len());
        for (lang, text) in CATALOGUES {
            let mut seen = BTreeSet::new();
            for line in text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
                let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("{lang}.txt: no '=' in {line:?}"));
                assert!(seen.insert(k.trim()), "{lang}.txt: key {} twice", k.trim());
                assert!(!v.trim().is_empty(), "{lang}.txt: {} is empty", k.trim());
            }
            let have = keys(lang);
            let missing: Vec<_> = english.difference(&have).collect();
            let extra: Vec<_> = have.difference(&english).collect();
            assert!(missing.is_empty(), "{lang}.txt lacks {missing:?}");
            assert!(extra.is_empty(), "{lang}.txt has keys English lacks: {extra:?}");
        }
    }

    #[test]
    fn placeholders_match_across_catalogues() {
        let placeholders = |s: &str| -> BTreeSet<String> {
            s.split('{').skip(1).filter_map(|p| p.split_once('}')).map(|(name, _)| name.to_string()).collect()
        };
        for key in keys("en") {
            for lang in catalogue_languages() {
                assert_eq!(placeholders(text(lang, key)), placeholders(text("en", key)), "{lang}: {key}");
            }
        }
    }

    /// Every key is used somewhere as a string literal, and every literal that looks like a key
    /// (`"sheet.…"`, `"flag.…"`, with a known prefix) is in the catalogue.
    #[test]
    fn every_key_is_used_and_every_used_key_exists() {
        let english = keys("en");
        let prefixes: BTreeSet<&str> = english.iter().filter_map(|k| k.split_once('.')).map(|(p, _)| p).collect();
        let sources = sources();
        let unused: Vec<_> =
            english.iter().filter(|k| !sources.iter().any(|(_, s)| s.contains(&format!("\"{k}\"")))).collect();
        assert!(unused.is_empty(), "catalogue keys used nowhere: {unused:?}");
        for (file, text) in &sources {
            for literal in text.split('"').skip(1).step_by(2) {
                let Some((prefix, rest)) = literal.split_once('.') else { continue };
                let key_like = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
                if prefixes.contains(prefix) && key_like {
                    assert!(english.contains(literal), "{file}: key {literal:?} is not in the catalogue");
                }
            }
        }
    }

    #[test]
    fn lookup_falls_back_to_english_then_to_the_key() {
        assert_eq!(text("hi", "sheet.scores"), "स्कोर");
        assert_eq!(text("en", "sheet.scores"), "Scores");
        assert_eq!(text("ta", "sheet.scores"), "Scores");
        assert_eq!(text("hi", "no.such_key"), "no.such_key");
        assert_eq!(
            fill(text("en", "flag.low_coverage"), &[("coverage", "50"), ("min", "66")]),
            "low coverage (50% < 66%): not ranked"
        );
        assert_eq!(fill("{a} {b} {a}{", &[("a", "1")]), "1 {b} 1{", "unknown placeholders are kept");
        assert_eq!(English.text("sheet.scores"), "Scores");
        assert_eq!(Language("hi").text("sheet.scores"), "स्कोर");
        assert_eq!(Language("ta").text("sheet.scores"), "Scores");
        assert_eq!(English.text("no.such_key"), "no.such_key");
    }
}
