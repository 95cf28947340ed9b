//! Names of a framework's nodes in other languages: data in the framework file
//! (`names = { hi = "..." }` on the framework, tier schemes, tiers, zones, input fields,
//! aggregates and indicators; `[unit_names]` for units), their validation, and the lookup with
//! a visible fallback to English (the `name` / `label` field itself): a missing translation shows
//! the English name, never an empty label.

use serde::{Deserialize, Serialize};

#[cfg(feature = "names")]
use crate::framework::FrameworkError;
use crate::framework::{Aggregate, Framework, Indicator, InputField, Tier, TierScheme, Zone};

/// Language code → name. English is never in it: it is the node's `name` (or `label`).
pub type Names = Pairs<String>;

/// A small table keyed by text, in file order, read and written as a TOML/JSON table
/// (`{ hi = "..." }`). A vector, not a map: these tables hold one or two entries, and the
/// browser's main module is smaller without the B-tree code (docs/BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pairs<V>(pub Vec<(String, V)>);

impl<V> Pairs<V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    /// Sets `key` (replacing its value if present).
    pub fn insert(&mut self, key: String, value: V) {
        match self.get_mut(&key) {
            Some(v) => *v = value,
            None => self.0.push((key, value)),
        }
    }
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let k = self.0.iter().position(|(k2, _)| k2 == key)?;
        Some(self.0.remove(k).1)
    }
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<V> FromIterator<(String, V)> for Pairs<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        Pairs(iter.into_iter().collect())
    }
}

#[cfg(feature = "names")]
impl<V: Serialize> Serialize for Pairs<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[cfg(feature = "names")]
impl<'de, V: Deserialize<'de>> Deserialize<'de> for Pairs<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = Pairs<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table such as { hi = \"...\" }")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Pairs<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, V>()? {
                    out.push(entry);
                }
                Ok(Pairs(out))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// Without the `names` feature (the browser's main module): written as an empty table (the
/// fields are skipped when empty, so never in practice)...
#[cfg(not(feature = "names"))]
impl<V> Serialize for Pairs<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(std::iter::empty::<((), ())>())
    }
}

/// ... and any value is accepted and ignored: a framework handed over with names in other
/// languages loads as if it had none.
#[cfg(not(feature = "names"))]
impl<'de, V> Deserialize<'de> for Pairs<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Pairs(Vec::new()))
    }
}

/// The language every framework has: its `name` and `label` fields.
pub const ENGLISH: &str = "en";

/// A thing with an English name and names in other languages.
pub trait Localised {
    /// The English name (`name`, or `label` for an input field).
    fn english(&self) -> &str;
    fn names(&self) -> &Names;

    /// The name in `lang`, or the English name when there is none (never empty unless the English
    /// name is).
    fn name_in(&self, lang: &str) -> &str {
        localised(self.names(), lang, self.english())
    }

    /// Whether the node has its own name in `lang` (English always does).
    fn has_name_in(&self, lang: &str) -> bool {
        lang == ENGLISH || self.names().get(lang).is_some_and(|s| !s.trim().is_empty())
    }
}

/// The name in `lang` from a names table, else `english`.
pub fn localised<'a>(names: &'a Names, lang: &str, english: &'a str) -> &'a str {
    match names.get(lang) {
        Some(s) if lang != ENGLISH && !s.trim().is_empty() => s,
        _ => english,
    }
}

macro_rules! localised_by {
    ($t:ty, $field:ident) => {
        impl Localised for $t {
            fn english(&self) -> &str {
                &self.$field
            }
            fn names(&self) -> &Names {
                &self.names
            }
        }
    };
}
localised_by!(Framework, name);
localised_by!(TierScheme, name);
localised_by!(Tier, name);
localised_by!(Zone, name);
localised_by!(InputField, label);
localised_by!(Aggregate, name);
localised_by!(Indicator, name);

/// Whether `code` has the shape of a BCP 47 language tag as frameworks use it: a 2- or 3-letter
/// lowercase ISO 639 code, optionally followed by subtags (`hi`, `mr`, `pa-Guru`, `en-IN`).
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl Framework {
    /// Every node that can carry names, with the entry that names it in messages
    /// (`indicator 1.1.1`, `input population`, ...).
    fn named_nodes(&self) -> Vec<(String, &dyn Localised)> {
        let mut out: Vec<(String, &dyn Localised)> = vec![("framework".to_string(), self)];
        for s in &self.tier_schemes {
            out.push((format!("tier scheme {}", s.id), s));
            out.extend(s.tiers.iter().map(|t| (format!("tier {} (scheme {})", t.id, s.id), t as &dyn Localised)));
        }
        out.extend(self.zones.iter().map(|z| (format!("zone {}", z.id), z as &dyn Localised)));
        out.extend(self.inputs.iter().map(|f| (format!("input {}", f.id), f as &dyn Localised)));
        out.extend(self.aggregates.iter().map(|a| (format!("aggregate {}", a.id), a as &dyn Localised)));
        out.extend(self.indicators.iter().map(|i| (format!("indicator {}", i.id), i as &dyn Localised)));
        out
    }

    /// The languages the framework has names in: English first, then every other language code
    /// used anywhere in it, sorted.
    pub fn languages(&self) -> Vec<String> {
        // Kept sorted by insertion (a handful of codes; no sort routine in the main module).
        let mut codes: Vec<&str> = Vec::new();
        let nodes = self.named_nodes();
        let all = nodes
            .iter()
            .flat_map(|(_, n)| n.names().keys())
            .chain(self.unit_names.0.iter().flat_map(|(_, n)| n.keys()));
        for code in all {
            if let Err(k) = codes.binary_search(&code.as_str()) {
                codes.insert(k, code);
            }
        }
        codes.retain(|c| *c != ENGLISH);
        std::iter::once(ENGLISH).chain(codes).map(String::from).collect()
    }

    /// `Ok` when the framework has names in `lang`; otherwise a message listing the languages it
    /// has.
    pub fn check_language(&self, lang: &str) -> Result<(), String> {
        let langs = self.languages();
        if langs.iter().any(|l| l == lang) {
            Ok(())
        } else {
            Err(format!(
                "language {lang:?} is not available for framework {}; it has names in: {}",
                self.id,
                langs.join(", ")
            ))
        }
    }

    /// The nodes that have no name of their own in `lang` (they show the English name), as
    /// entries like `indicator 1.1.1`; empty for English.
    pub fn missing_names(&self, lang: &str) -> Vec<String> {
        self.named_nodes().into_iter().filter(|(_, n)| !n.has_name_in(lang)).map(|(e, _)| e).collect()
    }

    /// A unit as written in a `unit` field, in `lang` (as written when there is no entry).
    pub fn unit_in<'a>(&'a self, unit: &'a str, lang: &str) -> &'a str {
        self.unit_names.get(unit).map_or(unit, |names| localised(names, lang, unit))
    }

    /// Removes every name in other languages (English stays): what the browser's main module
    /// embeds, to stay within its size budget.
    pub fn clear_names(&mut self) {
        self.names.clear();
        self.unit_names.clear();
        for s in &mut self.tier_schemes {
            s.names.clear();
            s.tiers.iter_mut().for_each(|t| t.names.clear());
        }
        self.zones.iter_mut().for_each(|z| z.names.clear());
        self.inputs.iter_mut().for_each(|f| f.names.clear());
        self.aggregates.iter_mut().for_each(|a| a.names.clear());
        self.indicators.iter_mut().for_each(|i| i.names.clear());
    }

    /// Problems in the names: a language code that is not one, `en` (English is the `name` field),
    /// an empty name; each error names the node and the language.
    #[cfg(feature = "names")]
    pub(crate) fn check_names(&self, errs: &mut Vec<FrameworkError>) {
        let mut check = |entry: &str, names: &Names| {
            for (k, (code, name)) in names.0.iter().enumerate() {
                let problem = if names.0[..k].iter().any(|(c, _)| c == code) {
                    Some(format!("names.{code} is given twice"))
                } else if !is_language_code(code) {
                    Some(format!(
                        "names: {code:?} is not a language code; use a lowercase ISO 639 code such as \"hi\" (Hindi) or \"mr\" (Marathi)"
                    ))
                } else if code == ENGLISH {
                    Some("names: \"en\" is not needed; the English name is the node's own name (or label)".to_string())
                } else if name.trim().is_empty() {
                    Some(format!(
                        "names.{code} is empty; give the name or leave the language out (English is then shown)"
                    ))
                } else {
                    None
                };
                if let Some(message) = problem {
                    errs.push(FrameworkError { entry: entry.to_string(), message });
                }
            }
        };
        for (entry, node) in self.named_nodes() {
            check(&entry, node.names());
        }
        for (unit, names) in self.unit_names.iter() {
            check(&format!("unit_names {unit:?}"), names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        for ok in ["hi", "mr", "ta", "bn", "kok", "pa-Guru", "en-IN"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "h", "HI", "Hindi", "hindi", "hi_IN", "hi-", "hi-x", "हि"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn lookup_falls_back_to_english() {
        let names = Pairs(vec![("hi".to_string(), "सेवाएँ".to_string()), ("mr".to_string(), "  ".to_string())]);
        assert_eq!(localised(&names, "hi", "Services"), "सेवाएँ");
        assert_eq!(localised(&names, "ta", "Services"), "Services");
        assert_eq!(localised(&names, "mr", "Services"), "Services", "a blank name is no name");
        assert_eq!(localised(&names, "en", "Services"), "Services");
    }
}
