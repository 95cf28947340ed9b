//! The Hindi names of the built-in MPI 2019 framework (`names = { hi = "..." }` in
//! `frameworks/mpi-2019.toml`), and the validation and lookup of names in other languages.

use nagar_core::framework::Framework;
use nagar_core::{Localised, Names};

const MPI_TOML: &str = include_str!("../../../frameworks/mpi-2019.toml");

fn mpi() -> Framework {
    toml::from_str::<Framework>(MPI_TOML).unwrap_or_else(|e| panic!("frameworks/mpi-2019.toml does not parse: {e}"))
}

fn is_devanagari_letter(c: char) -> bool {
    // Devanagari block, without the danda, digits and abbreviation sign.
    ('\u{0900}'..='\u{0963}').contains(&c) || ('\u{0971}'..='\u{097F}').contains(&c)
}

/// Every named node of the framework: (entry, English, Hindi name if any).
fn nodes(fw: &Framework) -> Vec<(String, String, Option<String>)> {
    let row = |entry: String, n: &dyn Localised| (entry, n.english().to_string(), n.names().get("hi").cloned());
    let mut out = vec![row("framework".into(), fw)];
    for s in &fw.tier_schemes {
        out.push(row(format!("tier scheme {}", s.id), s));
        out.extend(s.tiers.iter().map(|t| row(format!("tier {}", t.id), t)));
    }
    out.extend(fw.zones.iter().map(|z| row(format!("zone {}", z.id), z)));
    out.extend(fw.inputs.iter().map(|f| row(format!("input {}", f.id), f)));
    out.extend(fw.aggregates.iter().map(|a| row(format!("aggregate {}", a.id), a)));
    out.extend(fw.indicators.iter().map(|i| row(format!("indicator {}", i.id), i)));
    out
}

#[test]
fn every_node_has_a_hindi_name_in_devanagari() {
    let fw = mpi();
    assert!(fw.validate().is_ok());
    let nodes = nodes(&fw);
    let count = |prefix: &str| nodes.iter().filter(|(e, _, _)| e.starts_with(prefix)).count();
    // 1 index + 5 verticals + 20 sectors; 100 indicators; 190 input fields; 7 tiers; 6 zones.
    assert_eq!(count("aggregate "), 26);
    assert_eq!(count("indicator "), 100);
    assert_eq!(count("input "), 190);
    assert_eq!(count("tier ") - count("tier scheme "), 7);
    assert_eq!(count("tier scheme "), 2);
    assert_eq!(count("zone "), 6);
    let mut bad = Vec::new();
    for (entry, english, hindi) in &nodes {
        match hindi {
            None => bad.push(format!("{entry} ({english}): no Hindi name")),
            Some(h) if h.trim().is_empty() => bad.push(format!("{entry}: empty Hindi name")),
            Some(h) if !h.chars().any(is_devanagari_letter) => bad.push(format!("{entry}: {h:?} has no Devanagari")),
            Some(h) if h.trim() != h => bad.push(format!("{entry}: {h:?} has leading or trailing spaces")),
            Some(_) => {}
        }
    }
    assert!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));
    assert_eq!(fw.languages(), ["en", "hi"]);
    assert!(fw.missing_names("hi").is_empty());
    assert!(fw.check_language("hi").is_ok());
}

#[test]
fn hindi_names_follow_the_glossary() {
    let fw = mpi();
    let mut bad = Vec::new();
    for (entry, english, hindi) in nodes(&fw) {
        let hindi = hindi.unwrap_or_default();
        // docs/GLOSSARY-hi.md: ULB = शहरी स्थानीय निकाय.
        if english.contains("ULB") && !hindi.contains("शहरी स्थानीय निकाय") {
            bad.push(format!("{entry}: {english:?} → {hindi:?} does not say शहरी स्थानीय निकाय"));
        }
        // Years stay as written (2016-17), so the Hindi and English labels name the same year.
        for year in ["2015-16", "2016-17", "2017-18", "2018-19"] {
            if english.contains(year) != hindi.contains(year) {
                bad.push(format!("{entry}: the year {year} is in one language only"));
            }
        }
        // A Y/N question stays a question.
        if english.ends_with('?') && !hindi.ends_with('?') {
            bad.push(format!("{entry}: {hindi:?} is not a question"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // Two different English names never share one Hindi name within a level (a lost distinction).
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    for i in &fw.indicators {
        if let Some(other) = seen.insert(i.name_in("hi").to_string(), i.id.clone()) {
            panic!("indicators {other} and {} have the same Hindi name {:?}", i.id, i.name_in("hi"));
        }
    }
}

#[test]
fn every_unit_word_has_a_hindi_name() {
    let fw = mpi();
    let units = fw.inputs.iter().map(|f| f.unit.as_str()).chain(fw.indicators.iter().map(|i| i.unit.as_str()));
    let missing: std::collections::BTreeSet<&str> =
        units.filter(|u| !matches!(*u, "" | "%" | "₹") && fw.unit_in(u, "hi") == *u).collect();
    assert!(missing.is_empty(), "units without a Hindi name: {missing:?}");
    assert_eq!(fw.unit_in("sq km", "hi"), "वर्ग किमी");
    assert_eq!(fw.unit_in("sq km", "en"), "sq km");
    assert_eq!(fw.unit_in("furlongs", "hi"), "furlongs", "an unknown unit is shown as written");
}

#[test]
fn lookup_falls_back_to_english_visibly() {
    let mut fw = mpi();
    let services = fw.aggregates.iter_mut().find(|a| a.id == "services").unwrap();
    assert_eq!(services.name_in("hi"), "सेवाएँ");
    assert_eq!(services.name_in("en"), "Services");
    services.names.remove("hi");
    assert_eq!(services.name_in("hi"), "Services", "no Hindi name: the English one, never empty");
    assert_eq!(fw.missing_names("hi"), ["aggregate services"]);
    assert!(fw.validate().is_ok(), "a missing translation is not an error");
}

#[test]
fn bad_names_are_errors_naming_the_node() {
    let with = |edit: &dyn Fn(&mut Framework)| {
        let mut fw = mpi();
        edit(&mut fw);
        fw.validate().expect_err("should be invalid").iter().map(|e| e.to_string()).collect::<Vec<_>>()
    };
    let set = |names: &mut Names, k: &str, v: &str| {
        names.insert(k.to_string(), v.to_string());
    };
    let errs = with(&|fw| set(&mut fw.indicators[0].names, "hi", "  "));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("indicator 1.1.1: names.hi is empty"), "{errs:?}");
    let errs = with(&|fw| set(&mut fw.inputs[1].names, "Hindi", "क्षेत्रफल"));
    assert!(errs[0].starts_with("input area_sqkm: names: \"Hindi\" is not a language code"), "{errs:?}");
    let errs = with(&|fw| set(&mut fw.zones[0].names, "en", "North"));
    assert!(errs[0].starts_with("zone northern: names: \"en\" is not needed"), "{errs:?}");
    let errs = with(&|fw| set(&mut fw.tier_schemes[0].tiers[2].names, "hi", ""));
    assert!(errs[0].starts_with("tier large (scheme urdpfi): names.hi is empty"), "{errs:?}");
    let errs = with(&|fw| fw.indicators[1].names.0.push(("hi".into(), "दूसरा नाम".into())));
    assert!(errs[0].starts_with("indicator 1.1.2: names.hi is given twice"), "{errs:?}");
    let errs = with(&|fw| set(fw.unit_names.get_mut("sq km").unwrap(), "HI", "वर्ग किमी"));
    assert!(errs[0].starts_with("unit_names \"sq km\": names: \"HI\" is not a language code"), "{errs:?}");
}

#[test]
fn an_unknown_language_is_an_error_listing_the_frameworks_languages() {
    let fw = mpi();
    let e = fw.check_language("ta").unwrap_err();
    assert_eq!(e, "language \"ta\" is not available for framework mpi-2019; it has names in: en, hi");
    assert!(fw.check_language("en").is_ok());
}

#[test]
fn names_survive_the_json_form() {
    // The browser's main module reads the framework through its JSON form (build.rs).
    let fw = mpi();
    let json = serde_json::to_string(&fw).unwrap();
    let back: Framework = serde_json::from_str(&json).unwrap();
    assert_eq!(back, fw);
    assert!(json.contains(r#""names":{"hi":"सेवाएँ"}"#));
    // A framework without names writes no `names` keys (its JSON is unchanged).
    let mut bare = fw.clone();
    bare.clear_names();
    assert!(bare.missing_names("hi").len() == nodes(&fw).len(), "clear_names leaves no Hindi name");
    let bare_json = serde_json::to_string(&bare).unwrap();
    assert!(!bare_json.contains("names"), "no names key when there are none");
    eprintln!("framework JSON: {} bytes with Hindi names, {} without", json.len(), bare_json.len());
}
