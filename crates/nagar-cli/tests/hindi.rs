//! `--lang hi`: the template and the exports in Hindi hold the same column ids and the same
//! numbers as in English; only names and texts change. Unknown languages are clear errors.

use std::path::Path;
use std::process::{Command, Output};

use nagar_core::{Cell, CellRef, RawTable};

fn nagar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nagar")).args(args).output().expect("nagar runs")
}

fn ok(out: &Output) {
    assert!(out.status.success(), "exit {:?}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
}

fn sheet(bytes: &[u8], name: &str) -> RawTable {
    let opts = nagar_io::ReadOptions { sheet: Some(name.into()), ..Default::default() };
    nagar_io::read_data(bytes, "x.xlsx", &opts).unwrap_or_else(|e| panic!("sheet {name}: {e}")).table
}

fn has_devanagari(s: &str) -> bool {
    s.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Every number of `hi` is the number of `en` in the same row and column (bit for bit), and
/// the two have the same shape; returns how many numbers were compared.
fn same_numbers(en: &RawTable, hi: &RawTable, what: &str) -> usize {
    assert_eq!(en.n_rows(), hi.n_rows(), "{what}: rows");
    let mut n = 0;
    for (r, (a, b)) in en.to_rows().iter().zip(&hi.to_rows()).enumerate() {
        assert_eq!(a.len(), b.len(), "{what} row {r}: width");
        for (c, (x, y)) in a.iter().zip(b).enumerate() {
            match (x, y) {
                (Cell::Number(x), Cell::Number(y)) => {
                    assert_eq!(x.to_bits(), y.to_bits(), "{what} row {r} column {}", en.columns[c]);
                    n += 1;
                }
                (Cell::Number(_), _) | (_, Cell::Number(_)) => {
                    panic!("{what} row {r} column {}: {x:?} vs {y:?}", en.columns[c])
                }
                (Cell::Empty, other) | (other, Cell::Empty) => {
                    assert_eq!(x, y, "{what} row {r} column {}: empty in one only ({other:?})", en.columns[c])
                }
                _ => {}
            }
        }
    }
    n
}

#[test]
fn hindi_and_english_exports_hold_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.csv");
    ok(&nagar(&["demo", "--ulbs", "80", "--seed", "11", "--out", p(&demo)]));
    // Three ULBs report only their first 60 fields: unranked, so the flag text is checked too.
    let text = std::fs::read_to_string(&demo).unwrap();
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(k, l)| {
            if (1..=3).contains(&k) {
                l.split(',').enumerate().map(|(c, v)| if c < 60 { v } else { "" }).collect::<Vec<_>>().join(",")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&demo, lines.join("\n") + "\n").unwrap();
    let run = |lang: &str, ext: &str| -> Vec<u8> {
        let out = dir.path().join(format!("scores-{lang}.{ext}"));
        ok(&nagar(&[
            "score",
            "--framework",
            "mpi-2019",
            "--data",
            p(&demo),
            "--group",
            "tier",
            "--lang",
            lang,
            "--out",
            p(&out),
        ]));
        std::fs::read(&out).unwrap()
    };
    let (en, hi) = (run("en", "xlsx"), run("hi", "xlsx"));
    let sheets = [
        ("Scores", "स्कोर"),
        ("Dictionary", "शब्दकोश"),
        ("Indicators", "संकेतक"),
        ("Issues", "समस्याएँ"),
        ("Settings", "सेटिंग्स"),
    ];
    let mut numbers = 0;
    for (e, h) in sheets {
        let (te, th) = (sheet(&en, e), sheet(&hi, h));
        if e == "Dictionary" {
            assert_eq!(th.columns, ["कॉलम", "नाम", "प्रकार", "मूल (ऊपर का स्तर)", "भार", "इकाई (माप)", "दिशा"]);
        } else {
            assert_eq!(te.columns, th.columns, "{e}: column ids are the same in Hindi");
        }
        numbers += same_numbers(&te, &th, e);
    }
    assert!(numbers > 80 * 300, "compared {numbers} numbers");

    // Names and texts are Hindi where the English has words.
    let (se, sh) = (sheet(&en, "Scores"), sheet(&hi, "स्कोर"));
    let col = |t: &RawTable, c: &str| t.columns.iter().position(|x| x == c).unwrap();
    let (tier, flag, ds) = (col(&se, "tier"), col(&se, "flag"), col(&se, "dataset"));
    let mut flagged = 0;
    for (a, b) in se.to_rows().iter().zip(&sh.to_rows()) {
        assert_eq!(a[0], b[0], "ids unchanged");
        assert_eq!(a[1], b[1], "ULB names are data, unchanged");
        let hindi_tier = b[tier].display();
        assert!(has_devanagari(&hindi_tier), "tier {hindi_tier:?}");
        if a[flag] != Cell::Empty {
            flagged += 1;
            assert!(has_devanagari(&b[flag].display()), "flag {:?}", b[flag]);
        }
        assert_eq!(b[ds].display(), "कृत्रिम डेमो डेटा");
    }
    assert!(flagged >= 3, "the three ULBs with little data (and any other unranked) are flagged");
    let dict = sheet(&hi, "शब्दकोश");
    let row = dict.rows().find(|r| r.cell(0).display() == "services").unwrap();
    assert_eq!(row.cell(1).display(), "सेवाएँ");
    let row = dict.rows().find(|r| r.cell(0).display() == "1.1.1").unwrap();
    assert_eq!(row.cell(1).display(), "नगरपालिका विद्यालयों में शिक्षकों के रिक्त पद");
    assert_eq!(row.cell(6).display(), "कम बेहतर है");
    let ind = sheet(&hi, "संकेतक");
    assert!(ind.rows().all(|r| has_devanagari(&r.cell(2).display())), "indicator names in Hindi");
    let settings = sheet(&hi, "सेटिंग्स");
    let value = |key: &str| settings.rows().find(|r| r.cell(0).display() == key).map(|r| r.cell(1).display());
    assert_eq!(value("framework_name").as_deref(), Some("नगरपालिका कार्य-निष्पादन सूचकांक 2019"));
    assert_eq!(value("dataset").as_deref(), Some("कृत्रिम डेमो डेटा"));
    assert_eq!(value("units_scored").as_deref(), Some("80"), "setting ids and numbers unchanged");

    // CSV: the same bytes wherever there is a number; column ids identical.
    let (ce, ch) = (run("en", "csv"), run("hi", "csv"));
    let read = |b: &[u8]| nagar_io::read_data(b, "s.csv", &Default::default()).unwrap().table;
    let (ce, ch) = (read(&ce), read(&ch));
    assert_eq!(ce.columns, ch.columns);
    // CSV cells are text: every field outside the three worded columns is the same text.
    let worded = [col(&ce, "tier"), col(&ce, "flag"), col(&ce, "dataset")];
    let mut same = 0;
    for (a, b) in ce.to_rows().iter().zip(&ch.to_rows()) {
        for (c, (x, y)) in a.iter().zip(b).enumerate() {
            if !worded.contains(&c) {
                assert_eq!(x, y, "CSV column {}", ce.columns[c]);
                same += 1;
            }
        }
    }
    assert_eq!(ce.n_rows(), ch.n_rows());
    assert!(same > 80 * 200, "compared {same} fields");
}

#[test]
fn the_hindi_template_translates_labels_and_keeps_the_ids() {
    let dir = tempfile::tempdir().unwrap();
    let make = |lang: &str| -> Vec<u8> {
        let out = dir.path().join(format!("template-{lang}.xlsx"));
        ok(&nagar(&["template", "--framework", "mpi-2019", "--lang", lang, "--out", p(&out)]));
        std::fs::read(&out).unwrap()
    };
    let (en, hi) = (make("en"), make("hi"));
    let (de, dh) = (sheet(&en, "Data"), sheet(&hi, "डेटा"));
    assert_eq!(de.columns, dh.columns, "the Data sheet's header is the column ids in both");
    assert_eq!(de.columns.len(), 193, "ulb_id, ulb_name, state and the 190 input fields");
    let dict = sheet(&hi, "शब्दकोश");
    assert_eq!(
        dict.columns,
        ["फ़ील्ड", "विवरण", "विवरण (अंग्रेज़ी)", "इकाई (माप)", "प्रकार", "किन संकेतकों में प्रयुक्त", "मान्य मान", "टिप्पणी (अंग्रेज़ी)"]
    );
    assert_eq!(dict.n_rows(), de.columns.len(), "one row per column");
    let english = sheet(&en, "Dictionary");
    for (h, e) in dict.to_rows().iter().zip(&english.to_rows()) {
        assert_eq!(h[0], e[0], "field ids in the same order");
        assert!(has_devanagari(&h[1].display()), "{:?}: label {:?}", h[0], h[1]);
        assert_eq!(h[2], e[1], "the English label beside the Hindi one");
    }
    let row = |id: &str| dict.rows().find(|r| r.cell(0).display() == id).unwrap();
    assert_eq!(row("ulb_id").cell(1).display(), "प्रत्येक इकाई की विशिष्ट पहचान (आवश्यक)");
    assert_eq!(row("area_sqkm").cell(3).display(), "वर्ग किमी");
    assert_eq!(row("ombudsman").cell(1).display(), "क्या लोकपाल की व्यवस्था है?");
    assert_eq!(row("ombudsman").cell(4).display(), "हाँ/नहीं");
    assert_eq!(row("ombudsman").cell(6).display(), "Y; N", "the values a cell takes stay Y/N");
    // A filled-in Hindi template reads like the English one (the data sheet is the first).
    let read = nagar_io::read_data(&hi, "template-hi.xlsx", &Default::default()).unwrap();
    assert_eq!(read.table.columns, de.columns);
}

#[test]
fn english_is_the_default_and_a_csv_template_is_the_same_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = |n: &str| dir.path().join(n);
    ok(&nagar(&["template", "--framework", "mpi-2019", "--out", p(&out("a.csv"))]));
    ok(&nagar(&["template", "--framework", "mpi-2019", "--lang", "hi", "--out", p(&out("b.csv"))]));
    assert_eq!(std::fs::read(out("a.csv")).unwrap(), std::fs::read(out("b.csv")).unwrap());
    ok(&nagar(&["template", "--framework", "mpi-2019", "--out", p(&out("a.xlsx"))]));
    ok(&nagar(&["template", "--framework", "mpi-2019", "--lang", "en", "--out", p(&out("b.xlsx"))]));
    let (a, b) = (std::fs::read(out("a.xlsx")).unwrap(), std::fs::read(out("b.xlsx")).unwrap());
    for s in ["Data", "Dictionary"] {
        assert_eq!(sheet(&a, s).to_rows(), sheet(&b, s).to_rows());
    }
}

#[test]
fn an_unknown_language_is_an_error_listing_the_languages() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t.xlsx");
    let o = nagar(&["template", "--framework", "mpi-2019", "--lang", "ta", "--out", p(&t)]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("language \"ta\" is not available for framework mpi-2019; it has names in: en, hi"), "{err}");
    assert!(!t.exists(), "nothing written");
    let demo = dir.path().join("d.csv");
    ok(&nagar(&["demo", "--ulbs", "5", "--out", p(&demo)]));
    let o = nagar(&["score", "--framework", "mpi-2019", "--data", p(&demo), "--lang", "Hindi"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("it has names in: en, hi"));
    // A framework with no names in other languages has English only.
    let fw = dir.path().join("fw.csv");
    std::fs::write(&fw, "iCode,iName,Parent,Type,Weight,Direction\nx,X,idx,Indicator,1,1\nidx,Index,,Aggregate,,\n")
        .unwrap();
    let o = nagar(&["template", "--framework", p(&fw), "--lang", "hi", "--out", p(&t)]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("it has names in: en"), "{o:?}");
}

#[test]
fn imeta_names_columns_give_names_in_other_languages() {
    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("fw.csv");
    std::fs::write(
        &fw,
        "iCode,iName,iName_hi,Parent,Type,Weight,Direction\nx,Water,जल,idx,Indicator,1,1\ny,Roads,,idx,Indicator,1,1\nidx,Index,सूचकांक,,Aggregate,,\n",
    )
    .unwrap();
    let o = nagar(&["frameworks", "show", p(&fw), "--lang", "hi"]);
    ok(&o);
    let tree = String::from_utf8_lossy(&o.stdout);
    assert!(tree.contains("idx सूचकांक") && tree.contains("x जल"), "{tree}");
    assert!(tree.contains("y Roads"), "no Hindi name: the English one");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("shown in English") && err.contains("indicator y"), "{err}");
}

/// `--lang` of `explain`, `improve`, `pair` and `peers`: the same table as in English (ids,
/// shape, every number bit for bit), with the names in the language.
mod analyses_in_hindi {
    use super::*;
    use nagar_core::Localised;

    /// The command's CSV in English and in Hindi, read back as tables.
    fn both(args: &[&str]) -> (RawTable, RawTable, String) {
        let dir = tempfile::tempdir().unwrap();
        let demo = dir.path().join("demo.csv");
        ok(&nagar(&["demo", "--ulbs", "80", "--seed", "11", "--out", p(&demo)]));
        let run = |lang: &str| {
            let mut argv = vec![args[0], "--framework", "mpi-2019", "--data", p(&demo), "--lang", lang];
            argv.extend_from_slice(&args[1..]);
            let out = nagar(&argv);
            ok(&out);
            (out.stdout, String::from_utf8_lossy(&out.stderr).to_string())
        };
        let ((en, _), (hi, hi_err)) = (run("en"), run("hi"));
        let read = |b: &[u8]| nagar_io::read_data(b, "x.csv", &Default::default()).unwrap().table;
        let (en, hi) = (read(&en), read(&hi));
        assert_eq!(en.columns, hi.columns, "{}: column ids are the same", args[0]);
        assert!(same_numbers(&en, &hi, args[0]) > 0, "{}: numbers compared", args[0]);
        (en, hi, hi_err)
    }

    fn column(t: &RawTable, name: &str) -> usize {
        t.columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}: {:?}", t.columns))
    }

    fn text<'a>(c: impl Into<CellRef<'a>>) -> String {
        match c.into() {
            CellRef::Text(s) => s.to_string(),
            other => format!("{other:?}"),
        }
    }

    fn mpi() -> nagar_core::Framework {
        nagar_io::builtin::framework("mpi-2019").unwrap()
    }

    #[test]
    fn explain_names_indicators_in_hindi() {
        let (en, hi, _) = both(&["explain", "--ulb", "DEMO-005", "--sort", "id"]);
        let (id, name) = (column(&en, "id"), column(&en, "name"));
        let fw = mpi();
        let ind = &fw.indicators[0];
        let row = en.rows().position(|r| text(r.cell(id)) == ind.id).expect("the first indicator's row");
        assert_eq!(text(hi.cell(row, id)), ind.id, "ids unchanged");
        assert_eq!(text(en.cell(row, name)), ind.name);
        assert_eq!(text(hi.cell(row, name)), ind.name_in("hi"));
        assert!(has_devanagari(&text(hi.cell(row, name))));
        // The baseline row's label too.
        assert_eq!(text(hi.cell(0, id)), "baseline");
        assert!(has_devanagari(&text(hi.cell(0, name))), "{:?}", hi.cell(0, name));
    }

    #[test]
    fn improve_names_indicators_in_hindi() {
        let (en, hi, _) = both(&["improve", "--ulb", "DEMO-005"]);
        let (id, name, sentence) = (column(&en, "id"), column(&en, "name"), column(&en, "sentence"));
        assert!(!en.is_empty());
        let fw = mpi();
        for (a, b) in en.to_rows().iter().zip(&hi.to_rows()) {
            assert_eq!(text(&a[id]), text(&b[id]));
            let ind = fw.indicators.iter().find(|i| i.id == text(&a[id])).unwrap();
            assert_eq!(text(&b[name]), ind.name_in("hi"), "indicator {}", ind.id);
            assert!(has_devanagari(&text(&b[name])));
            // The sentence as the page words it in Hindi: the name, the id, the change, the effect.
            let (en_s, hi_s) = (text(&a[sentence]), text(&b[sentence]));
            assert!(
                en_s.contains(&ind.name) && (en_s.starts_with("raising ") || en_s.starts_with("lowering ")),
                "{en_s}"
            );
            assert!(hi_s.starts_with(&format!("{} ({}): ", ind.name_in("hi"), ind.id)), "{hi_s}");
            assert!(hi_s.contains(" → ") && hi_s.contains("करने से") && hi_s.ends_with('।'), "{hi_s}");
            assert!(!hi_s.contains("raising") && !hi_s.contains("points"), "{hi_s}");
        }
    }

    #[test]
    fn pair_names_tiers_in_hindi() {
        let (en, hi, _) = both(&["pair", "--n", "3", "--within", "tier"]);
        let sub = column(&en, "subgroup");
        let fw = mpi();
        let tiers: Vec<_> = fw.tier_schemes.iter().flat_map(|s| &s.tiers).collect();
        for (a, b) in en.to_rows().iter().zip(&hi.to_rows()) {
            let tier =
                tiers.iter().find(|t| t.name == text(&a[sub])).unwrap_or_else(|| panic!("{:?} is a tier", a[sub]));
            assert_eq!(text(&b[sub]), tier.name_in("hi"));
            assert!(has_devanagari(&text(&b[sub])));
        }
    }

    #[test]
    fn peers_name_the_sector_and_indicators_in_hindi() {
        let (en, hi, stderr) = both(&["peers", "--ulb", "DEMO-005", "--sector", "1.3"]);
        let drivers = column(&en, "drivers");
        assert!(!en.is_empty());
        for (a, b) in en.to_rows().iter().zip(&hi.to_rows()) {
            assert_eq!(text(&a[0]), text(&b[0]));
            assert!(has_devanagari(&text(&b[drivers])), "{:?}", b[drivers]);
        }
        let sector = mpi().aggregates.iter().find(|a| a.id == "1.3").unwrap().name_in("hi").to_string();
        assert!(stderr.contains(&sector), "{stderr}");
    }

    #[test]
    fn an_unknown_language_is_an_error_naming_the_frameworks() {
        let dir = tempfile::tempdir().unwrap();
        let demo = dir.path().join("demo.csv");
        ok(&nagar(&["demo", "--ulbs", "20", "--seed", "1", "--out", p(&demo)]));
        for cmd in [
            &["explain", "--ulb", "DEMO-001"][..],
            &["improve", "--ulb", "DEMO-001"],
            &["pair"],
            &["peers", "--ulb", "DEMO-001", "--sector", "1.3"],
        ] {
            let mut argv = vec![cmd[0], "--framework", "mpi-2019", "--data", p(&demo), "--lang", "xx"];
            argv.extend_from_slice(&cmd[1..]);
            let out = nagar(&argv);
            assert_eq!(out.status.code(), Some(2), "{cmd:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("\"xx\"") && err.contains("en, hi"), "{cmd:?}: {err}");
        }
    }
}
