//! Header rows shared by every tabular reader: empty names get a generated name, repeated names
//! (compared as `normalise_header` does) get a suffix, and each fix is reported.

use std::collections::{HashMap, HashSet};

use nagar_core::table::normalise_header;
use nagar_core::Issue;

/// Clean a header row read at `row` (1-based) of `file`.
pub(crate) fn clean_headers(raw: Vec<String>, file: &str, row: usize) -> (Vec<String>, Vec<Issue>) {
    let mut issues = Vec::new();
    let trimmed: Vec<String> =
        raw.into_iter().map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string()).collect();
    // Every key already taken, so generated names never collide with real ones.
    let mut taken: HashSet<String> = trimmed.iter().filter(|h| !h.is_empty()).map(|h| normalise_header(h)).collect();
    // Key → 1-based position of the kept names (a map: a file of 200 columns compared each with
    // every one before it).
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(trimmed.len());
    let mut out = Vec::with_capacity(trimmed.len());
    for (k, name) in trimmed.into_iter().enumerate() {
        let pos = k + 1;
        if name.is_empty() {
            let new = unique(&format!("column_{pos}"), &mut taken);
            issues.push(
                Issue::warning(format!("column {pos} has no header; it is called {new:?}"))
                    .file(file)
                    .row(row)
                    .column(&new),
            );
            seen.entry(normalise_header(&new)).or_insert(pos);
            out.push(new);
            continue;
        }
        let key = normalise_header(&name);
        if let Some(first) = seen.get(&key) {
            let new = unique(&format!("{name}_{pos}"), &mut taken);
            issues.push(
                Issue::warning(format!(
                    "column {pos} has the same header as column {first}; this one is renamed {new:?}"
                ))
                .file(file)
                .row(row)
                .column(&name)
                .value(&name),
            );
            seen.entry(normalise_header(&new)).or_insert(pos);
            out.push(new);
            continue;
        }
        seen.insert(key, pos);
        out.push(name);
    }
    (out, issues)
}

/// `base`, or `base_2`, `base_3`, ... : the first whose key is not taken (and take it).
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut name = base.to_string();
    let mut n = 2;
    while taken.contains(&normalise_header(&name)) {
        name = format!("{base}_{n}");
        n += 1;
    }
    taken.insert(normalise_header(&name));
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn empty_header_gets_column_position_name() {
        let (cols, issues) = clean_headers(names(&["id", " ", "x"]), "f.csv", 1);
        assert_eq!(cols, ["id", "column_2", "x"]);
        assert_eq!(issues.len(), 1);
        assert!(issues[0].message.contains("column 2"));
    }

    #[test]
    fn duplicate_header_is_renamed_and_names_both_positions() {
        let (cols, issues) = clean_headers(names(&["id", "Pop", "pop ", "Pop"]), "f.csv", 3);
        assert_eq!(cols, ["id", "Pop", "pop_3", "Pop_4"]);
        assert_eq!(issues.len(), 2);
        assert!(issues[0].message.contains("column 3") && issues[0].message.contains("column 2"));
        assert_eq!(issues[0].row, Some(3));
    }

    #[test]
    fn generated_name_avoids_existing_header() {
        let (cols, _) = clean_headers(names(&["", "column_1"]), "f.csv", 1);
        assert_eq!(cols, ["column_1_2", "column_1"]);
    }
}
