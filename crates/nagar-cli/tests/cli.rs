//! The `nagar` binary as a user runs it: COINr conformance on the ASEM example, the worked MPI
//! example of docs/METHODOLOGY.md, exit codes and messages for bad input, templates, demo data.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nagar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nagar")).args(args).output().expect("nagar runs")
}

fn repo(p: &str) -> String {
    format!("{}/../../{p}", env!("CARGO_MANIFEST_DIR"))
}

/// `shared/` beside the repository, or `NAGAR_SHARED`. Missing data fails the test loudly.
fn shared(p: &str) -> String {
    let sibling = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let base = if sibling.join("data").is_dir() {
        sibling
    } else if let Ok(s) = std::env::var("NAGAR_SHARED") {
        PathBuf::from(s)
    } else {
        panic!("shared/ reference data not found beside the repository (set NAGAR_SHARED)");
    };
    base.join(p).to_string_lossy().to_string()
}

type Rows = Vec<HashMap<String, String>>;

fn read_csv(path: &Path) -> Rows {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

fn by(rows: &Rows, key: &str) -> HashMap<String, HashMap<String, String>> {
    rows.iter().map(|r| (r[key].clone(), r.clone())).collect()
}

fn ok(out: &Output) {
    assert!(out.status.success(), "exit {:?}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
}

/// `nagar score --framework mpi-2019 --data DATA --out OUT`, which must succeed; its output.
fn score_mpi(data: &Path, out: &Path) -> Output {
    let o =
        nagar(&["score", "--framework", "mpi-2019", "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    ok(&o);
    o
}

/// [`score_mpi`] with the issues written to `issues` (`--issues`).
fn score_mpi_with_issues(data: &Path, out: &Path, issues: &Path) -> Output {
    let (data, out, issues) = (data.to_str().unwrap(), out.to_str().unwrap(), issues.to_str().unwrap());
    let o = nagar(&["score", "--framework", "mpi-2019", "--data", data, "--out", out, "--issues", issues]);
    ok(&o);
    o
}

/// Compare every column of COINr's full data set (indicators normalised, aggregates) with ours.
fn assert_matches_coinr(ours: &Path, reference: &str) -> usize {
    let mine = by(&read_csv(ours), "uCode");
    let refs = read_csv(Path::new(&shared(&format!("data/coinr-asem/{reference}"))));
    assert_eq!(mine.len(), refs.len(), "same units");
    let mut compared = 0;
    for r in &refs {
        let m = &mine[&r["uCode"]];
        for (col, v) in r {
            if col == "uCode" || col == "uName" {
                continue;
            }
            let ours_col = if col == "Index" {
                "index".to_string()
            } else if m.contains_key(&format!("norm:{col}")) {
                format!("norm:{col}")
            } else {
                col.clone()
            };
            let mv = &m[&ours_col];
            if v == "NA" {
                assert_eq!(mv, "", "{} {col}: COINr NA, ours {mv}", r["uCode"]);
                continue;
            }
            let (a, b): (f64, f64) = (v.parse().unwrap(), mv.parse().unwrap());
            assert!((a - b).abs() < 1e-9, "{} {col}: COINr {a}, ours {b}", r["uCode"]);
            compared += 1;
        }
    }
    compared
}

#[test]
fn coinr_minimal_pipeline_raw_zscore_amean_is_reproduced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("asem.csv");
    let o = nagar(&[
        "score",
        "--framework",
        &shared("data/coinr-asem/ASEM_iMeta.csv"),
        "--data",
        &shared("data/coinr-asem/ASEM_iData.csv"),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let n = assert_matches_coinr(&out, "coinr_reference_raw_zscore_amean_full_dset.csv");
    assert!(n > 2900, "compared {n} values");
}

#[test]
fn coinr_full_example_pipeline_is_reproduced_with_ranks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("asem.csv");
    let o = nagar(&[
        "score",
        "--framework",
        &shared("data/coinr-asem/ASEM_iMeta.csv"),
        "--data",
        &shared("data/coinr-asem/ASEM_iData.csv"),
        "--denominate",
        "--impute",
        "mean-group:EurAsia_group",
        "--screen",
        "0.9",
        "--treat",
        "winsorise",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let n = assert_matches_coinr(&out, "coinr_reference_zscore_amean_full_dset.csv");
    assert!(n > 3000, "compared {n} values");
    // COINr's results table: ranks exactly, aggregates rounded to 6 decimals.
    let mine = by(&read_csv(&out), "uCode");
    for r in read_csv(Path::new(&shared("data/coinr-asem/coinr_reference_zscore_amean_aggs.csv"))) {
        let m = &mine[&r["uCode"]];
        assert_eq!(m["rank"], r["Rank"], "{} rank", r["uCode"]);
        let (a, b): (f64, f64) = (r["Index"].parse().unwrap(), m["index"].parse().unwrap());
        assert!((a - b).abs() <= 5e-7, "{} index {a} vs {b}", r["uCode"]);
    }
}

#[test]
fn worked_example_matches_methodology() {
    // docs/METHODOLOGY.md §10: every number below is typed from the worked example.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("we.csv");
    let o = nagar(&[
        "score",
        "--framework",
        "mpi-2019",
        "--data",
        &repo("tests/data/worked-example.csv"),
        "--min-coverage",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let rows = by(&read_csv(&out), "ulb_id");
    let f = |u: &str, c: &str| rows[u][c].parse::<f64>().unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 5e-7;
    let expect = [
        ("A", 10.0, 0.637455, 87.688731, 100.0, 92.613239, "1", "1", "Medium"),
        ("B", 25.0, -0.557773, 9.476346, 88.888889, 41.241363, "4", "1", "Metropolitan"),
        ("C", 0.0, 1.434274, 100.0, 0.0, 60.0, "3", "2", "Medium"),
        ("D", 25.0, -0.557773, 79.183963, 66.666667, 74.177045, "2", "1", "Large"),
    ];
    for (u, v111, z111, s11, s24, idx, rank, rank_t, tier) in expect {
        assert_eq!(f(u, "1.1.1"), v111);
        assert!(close(f(u, "norm:1.1.1"), z111), "{u} z {}", f(u, "norm:1.1.1"));
        assert!(close(f(u, "1.1"), s11), "{u} 1.1");
        assert!(close(f(u, "2.4"), s24), "{u} 2.4");
        assert!(close(f(u, "services"), s11) && close(f(u, "finance"), s24));
        assert!(close(f(u, "index"), idx), "{u} index {}", f(u, "index"));
        assert_eq!(
            (rows[u]["rank"].as_str(), rows[u]["rank_in_tier"].as_str(), rows[u]["tier"].as_str()),
            (rank, rank_t, tier)
        );
    }
    assert_eq!(f("C", "1.1.2"), 24.0, "derived value before the floor");
    assert!(close(f("C", "norm:1.1.2"), 0.962303));
    assert_eq!(rows["E"]["2.4.3"], "", "blank rating is missing");
    assert_eq!(rows["E"]["finance"], "");
    assert_eq!(f("E", "index"), 0.0);
    assert_eq!(rows["E"]["rank"], "5");
    assert_eq!(rows["D"]["zone"], "Eastern", "Orissa is matched to Odisha");
}

#[test]
fn unusable_input_exits_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str, body: &[u8]| {
        let f = dir.path().join(n);
        std::fs::write(&f, body).unwrap();
        f.to_string_lossy().to_string()
    };
    let no_id = p("noid.csv", b"city,teachers_sanctioned\nX,10\n");
    let o = nagar(&["score", "--framework", "mpi-2019", "--data", &no_id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ulb_id"));

    let none = p("none.csv", b"ulb_id,foo\nX,10\n");
    let o = nagar(&["score", "--framework", "mpi-2019", "--data", &none]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("template"));

    let empty = p("empty.csv", b"");
    let o = nagar(&["score", "--framework", "mpi-2019", "--data", &empty]);
    assert_eq!(o.status.code(), Some(2));

    let binary = p("binary.csv", &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254]);
    let o = nagar(&["score", "--framework", "mpi-2019", "--data", &binary]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));

    let cycle = p(
        "cycle.toml",
        b"id = \"c\"\nname = \"c\"\n[[aggregates]]\nid = \"a\"\nname = \"a\"\nparent = \"b\"\n[[aggregates]]\nid = \"b\"\nname = \"b\"\nparent = \"a\"\n[[indicators]]\nid = \"i\"\nname = \"i\"\nparent = \"a\"\n",
    );
    let o = nagar(&["score", "--framework", &cycle, "--data", &none]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cycle"), "{}", String::from_utf8_lossy(&o.stderr));

    let o = nagar(&["score", "--framework", "no-such-framework", "--data", &none]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_messy_file_is_scored_with_issues_and_exit_0() {
    // Indian digit grouping, %, Y/N variants, blanks, a zero denominator, bad text, a duplicate id.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("messy.csv");
    std::fs::write(
        &data,
        "ulb_id,ulb_name,state,population,households_total,households_piped,wards_door_to_door_pct,accrual_accounting,credit_rating,teachers_sanctioned,teachers_actual\n\
         M1,Alpha,Kerala,\"1,20,000\",\"24,000\",\"18,500\",85%,yes,AA,0,0\n\
         M2,Beta,Orissa,\"3,45,678\",\"70,000\",\"60,000\",NA,N,junk,40,30\n\
         M3,Gamma,Bihar,\"9,87,654\",-,\"1,000\",70,maybe,NR,20,10\n\
         M2,Dup,Goa,1000,1,1,1,Y,AA,1,1\n",
    )
    .unwrap();
    let issues = dir.path().join("issues.csv");
    let out = dir.path().join("out.csv");
    score_mpi_with_issues(&data, &out, &issues);
    let rows = by(&read_csv(&out), "ulb_id");
    assert_eq!(rows.len(), 3, "the duplicate row is rejected");
    assert!((rows["M1"]["1.3.1"].parse::<f64>().unwrap() - 100.0 * 18500.0 / 24000.0).abs() < 1e-9);
    assert_eq!(rows["M1"]["1.1.1"], "", "zero sanctioned posts: missing, not zero");
    let iss = read_csv(&issues);
    let has = |row: &str, col: &str, val: &str| {
        iss.iter().any(|i| i["row"] == row && i["column"] == col && i["value"] == val)
    };
    assert!(has("3", "credit_rating", "junk"));
    assert!(has("4", "accrual_accounting", "maybe"));
    assert!(has("5", "ulb_id", "M2"));
    assert!(has("2", "teachers_sanctioned", "0"));
}

#[test]
fn validate_lists_issues_and_writes_nothing() {
    let o = nagar(&["validate", "--framework", "mpi-2019", "--data", &repo("tests/data/worked-example.csv")]);
    ok(&o);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("missing for every unit") && s.contains("0 error(s)"), "{s}");
}

#[test]
fn template_xlsx_opens_with_data_and_dictionary_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("template.xlsx");
    ok(&nagar(&["template", "--framework", "mpi-2019", "--out", out.to_str().unwrap()]));
    let bytes = std::fs::read(&out).unwrap();
    let data = nagar_io::read_data(&bytes, "template.xlsx", &Default::default()).unwrap();
    assert_eq!(data.table.columns[0], "ulb_id");
    assert!(data.table.columns.iter().any(|c| c == "teachers_sanctioned"));
    let opts = nagar_io::ReadOptions { sheet: Some("Dictionary".into()), ..Default::default() };
    let dict = nagar_io::read_data(&bytes, "template.xlsx", &opts).unwrap();
    assert!(dict.table.n_rows() >= 190, "one row per input field");
    let csv_out = dir.path().join("template.csv");
    ok(&nagar(&["template", "--framework", "mpi-2019", "--out", csv_out.to_str().unwrap()]));
    assert!(std::fs::read_to_string(&csv_out).unwrap().starts_with("ulb_id,"));
}

#[test]
fn demo_data_scores_and_every_export_says_synthetic() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.csv");
    ok(&nagar(&["demo", "--ulbs", "60", "--seed", "3", "--out", demo.to_str().unwrap()]));
    let out = dir.path().join("scores.csv");
    score_mpi(&demo, &out);
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 60);
    assert!(rows.iter().all(|r| r["dataset"] == "synthetic demo data"));
    assert!(rows.iter().filter(|r| !r["rank"].is_empty()).count() >= 50);
    let xlsx = dir.path().join("scores.xlsx");
    score_mpi(&demo, &xlsx);
    let bytes = std::fs::read(&xlsx).unwrap();
    for sheet in ["Scores", "Indicators", "Issues", "Settings"] {
        let opts = nagar_io::ReadOptions { sheet: Some(sheet.into()), ..Default::default() };
        let t = nagar_io::read_data(&bytes, "scores.xlsx", &opts).unwrap_or_else(|e| panic!("{sheet}: {e}"));
        assert!(!t.table.is_empty(), "{sheet} has rows");
    }
    let opts = nagar_io::ReadOptions { sheet: Some("Settings".into()), ..Default::default() };
    let settings = nagar_io::read_data(&bytes, "scores.xlsx", &opts).unwrap();
    let text = format!("{:?}", settings.table.to_rows());
    assert!(text.contains("synthetic demo data") && text.contains("framework_sha256"), "{text}");
}

/// `nagar demo` writes the format its --out name asks for, and every one scores the same.
#[test]
fn demo_data_as_csv_json_and_xlsx_scores_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut scores = Vec::new();
    for ext in ["csv", "json", "xlsx"] {
        let demo = dir.path().join(format!("demo.{ext}"));
        ok(&nagar(&["demo", "--ulbs", "30", "--seed", "5", "--out", demo.to_str().unwrap()]));
        let bytes = std::fs::read(&demo).unwrap();
        let read = nagar_io::read_data(&bytes, &format!("demo.{ext}"), &Default::default()).unwrap();
        assert_eq!(read.format.name(), ["CSV", "JSON", "Excel (.xlsx)"][scores.len()], "demo.{ext}");
        let out = dir.path().join(format!("scores-{ext}.csv"));
        score_mpi(&demo, &out);
        scores.push(std::fs::read_to_string(&out).unwrap());
    }
    assert_eq!(scores[0], scores[1], "JSON");
    assert_eq!(scores[0], scores[2], "XLSX");
    let bad = nagar(&["demo", "--ulbs", "3", "--out", dir.path().join("demo.txt").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("use a .csv, .json or .xlsx file name"));
}

/// A data file of 1 MB or more is mapped, not read into memory (`FileBytes` in main.rs); the
/// same bytes through a pipe (read) must give the same output and messages. Around the 1 MB
/// bound both ways are used: 1 MB less a byte is read, 1 MB and more are mapped.
#[test]
fn a_mapped_data_file_scores_as_the_same_bytes_read_from_a_pipe() {
    use std::io::Write;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.csv");
    ok(&nagar(&["demo", "--ulbs", "1200", "--out", demo.to_str().unwrap()]));
    let bytes = std::fs::read(&demo).unwrap();
    assert!(bytes.len() > 1 << 20, "the demo file is {} bytes, not over 1 MB", bytes.len());
    for len in [(1 << 20) - 1, 1 << 20, bytes.len()] {
        // Cut at `len` bytes: the last row may be cut short, which the reader reports.
        let data = dir.path().join(format!("data-{len}.csv"));
        std::fs::write(&data, &bytes[..len]).unwrap();
        let from_file = dir.path().join(format!("file-{len}.csv"));
        let by_file = score_mpi(&data, &from_file);
        let from_pipe = dir.path().join(format!("pipe-{len}.csv"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_nagar"))
            .args(["score", "--framework", "mpi-2019", "--data", "/dev/stdin", "--out", from_pipe.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes[..len]).unwrap();
        let by_pipe = child.wait_with_output().unwrap();
        ok(&by_pipe);
        assert_eq!(std::fs::read(&from_file).unwrap(), std::fs::read(&from_pipe).unwrap(), "{len} bytes");
        let messages = |o: &Output, name: &str| String::from_utf8_lossy(&o.stderr).replace(name, "FILE");
        assert_eq!(
            messages(&by_file, data.file_name().unwrap().to_str().unwrap()).replace(from_file.to_str().unwrap(), "OUT"),
            messages(&by_pipe, "stdin").replace(from_pipe.to_str().unwrap(), "OUT"),
            "{len} bytes"
        );
    }
}

/// Outputs are written over an existing file in place and cut to length (`write_output` in
/// main.rs): whatever was there before, longer or shorter, the file then holds exactly what a
/// fresh file gets, for the scores as CSV, JSON and XLSX and for the issues file; a named pipe
/// (not a regular file) is written as it is.
#[test]
fn an_output_written_over_an_existing_file_holds_only_the_new_text() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.csv");
    ok(&nagar(&["demo", "--ulbs", "120", "--out", demo.to_str().unwrap()]));
    for ext in ["csv", "json", "xlsx"] {
        let fresh = dir.path().join(format!("fresh.{ext}"));
        let fresh_issues = dir.path().join(format!("fresh-issues-{ext}.csv"));
        let score = |out: &Path, issues: &Path| score_mpi_with_issues(&demo, out, issues);
        score(&fresh, &fresh_issues);
        let (want, want_issues) = (std::fs::read(&fresh).unwrap(), std::fs::read(&fresh_issues).unwrap());
        assert!(want.len() > 1000 && want_issues.len() > 10, "{ext}: outputs were written");
        // Before: far longer, a little longer, a little shorter, empty.
        for before in [want.len() * 3 + 4097, want.len() + 1, want.len() / 2, 0] {
            let out = dir.path().join(format!("over-{before}.{ext}"));
            let issues = dir.path().join(format!("over-{before}-issues.csv"));
            std::fs::write(&out, vec![b'#'; before]).unwrap();
            std::fs::write(&issues, vec![b'#'; before + want_issues.len()]).unwrap();
            score(&out, &issues);
            let got = std::fs::read(&out).unwrap();
            if ext == "xlsx" {
                // Its properties hold the time of writing (their compressed length varies by a
                // byte): the zip's end record last, nothing of the old bytes after it.
                assert!(got.len().abs_diff(want.len()) < 64, "xlsx over {before} bytes");
                assert_eq!(&got[got.len() - 22..got.len() - 18], b"PK\x05\x06", "xlsx over {before} bytes");
            } else {
                assert!(got == want, "{ext} over {before} bytes");
            }
            assert!(std::fs::read(&issues).unwrap() == want_issues, "issues over {before} bytes");
        }
    }
    // A named pipe (not a regular file: nothing to cut) gets the same scores.
    let fifo = dir.path().join("pipe.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    score_mpi(&demo, &fifo);
    let fresh = std::fs::read(dir.path().join("fresh.csv")).unwrap();
    assert!(reader.join().unwrap() == fresh, "a named pipe gets the same scores");
}
