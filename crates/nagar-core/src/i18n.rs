//! nagar's fixed texts (sheet names, headings, validation messages, flags, kinds) in one catalogue
//! per language: `i18n/<language>.txt`, one `key = text` per line, `#` lines are comments,
//! `{name}` is filled in by the code ([`fill`]). Column ids and data values are never translated.
//! Keys are grouped by prefix (`sheet.`, `dict.`, `valid.`, `kind.`, `results.`, `flag.`, ...).
//! A new language is a new file with every key, added to `CATALOGUES`. The catalogues carry few
//! comments: they are compiled into the browser's main module. Names of a framework's nodes are
//! not here: they are data in the framework (`crate::names`). A language without a catalogue, or
//! a key missing from one, gets the English text; unit tests check that every catalogue has every
//! key, that every key is used, and that every key-like literal in the code is in the catalogue.

/// (language code, catalogue text). English first: it is the fallback.
const CATALOGUES: &[(&str, &str)] = &[("en", include_str!("i18n/en.txt")), ("hi", include_str!("i18n/hi.txt"))];

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

/// [`text`] with `{name}` placeholders filled in.
pub fn fill(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    let mut s = text(lang, key).to_string();
    for (name, value) in values {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
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
            fill("en", "flag.low_coverage", &[("coverage", "50"), ("min", "66")]),
            "low coverage (50% < 66%): not ranked"
        );
    }
}
