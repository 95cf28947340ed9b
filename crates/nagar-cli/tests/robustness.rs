//! `nagar robustness` as a user runs it: replaying COINr's design of the ASEM sensitivity
//! analysis writes files equal, cell by cell, to COINr's (ranks exactly, numbers to 1e-9); a
//! sampled analysis is reproducible from its seed and replays from its own design.csv; bad
//! input is refused with exit code 2 and a message naming what to change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nagar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nagar")).args(args).output().expect("nagar runs")
}

fn shared(p: &str) -> String {
    let sibling = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let base = if sibling.join("data").is_dir() {
        sibling
    } else {
        PathBuf::from(std::env::var("NAGAR_SHARED").expect("shared/ not beside the repository: set NAGAR_SHARED"))
    };
    base.join(p).to_string_lossy().to_string()
}

fn ok(out: &Output) {
    assert!(out.status.success(), "exit {:?}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
}

fn refused(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "expected exit 2, stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Header and rows keyed by the first column.
fn read(path: &Path) -> (Vec<String>, HashMap<String, Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec.iter().skip(1).map(str::to_string).collect())
        })
        .collect();
    (header, rows)
}

/// Every cell of COINr's file against ours (same header); returns the number of cells compared.
fn same_cells(ours: &Path, reference: &str, exact: bool) -> usize {
    let (h1, mine) = read(ours);
    let (h2, refs) = read(Path::new(&shared(reference)));
    assert_eq!(h1[1..], h2[1..], "{reference}: columns");
    assert_eq!(mine.len(), refs.len(), "{reference}: rows");
    let mut n = 0;
    for (key, r) in &refs {
        let m = mine.get(key).unwrap_or_else(|| panic!("{reference}: {key} missing from ours"));
        for (k, (a, b)) in m.iter().zip(r).enumerate() {
            if b == "NA" {
                assert_eq!(a, "", "{reference} {key} {}", h2[k + 1]);
            } else if exact || b.parse::<f64>().is_err() {
                assert_eq!(a, b, "{reference} {key} {}", h2[k + 1]);
            } else {
                let (x, y): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
                assert!(
                    (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                    "{reference} {key} {}: COINr {y}, ours {x}",
                    h2[k + 1]
                );
            }
            n += 1;
        }
    }
    n
}

fn asem(extra: &[&str], out: &Path) -> Output {
    let (meta, data) = (shared("data/coinr-asem/ASEM_iMeta.csv"), shared("data/coinr-asem/ASEM_iData.csv"));
    let mut args = vec![
        "robustness",
        "--framework",
        &meta,
        "--data",
        &data,
        "--normalise",
        "minmax:1,100",
        "--aggregate",
        "amean",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    nagar(&args)
}

#[test]
fn replaying_coinr_design_writes_coinr_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("replay");
    let design = shared("data/coinr-asem/robustness/sa/design.csv");
    let o = asem(&["--design", &design], &out);
    ok(&o);
    let sa = "data/coinr-asem/robustness/sa";
    assert_eq!(same_cells(&out.join("scores.csv"), &format!("{sa}/scores.csv"), false), 51 * 201);
    assert_eq!(same_cells(&out.join("ranks.csv"), &format!("{sa}/ranks.csv"), true), 51 * 201);
    // rankstats.csv: COINr's five columns first, then nagar's additions.
    let (h, _) = read(&out.join("rankstats.csv"));
    assert_eq!(h[..6], ["uCode", "Nominal", "Mean", "Median", "Q5", "Q95"]);
    let trimmed = dir.path().join("rankstats5.csv");
    let (_, rows) = read(&out.join("rankstats.csv"));
    let mut text = String::from("uCode,Nominal,Mean,Median,Q5,Q95\n");
    for (k, r) in &rows {
        text += &format!("{k},{}\n", r[..5].join(","));
    }
    std::fs::write(&trimmed, text).unwrap();
    assert_eq!(same_cells(&trimmed, &format!("{sa}/rankstats.csv"), false), 51 * 5);
    assert_eq!(same_cells(&out.join("sensitivity.csv"), &format!("{sa}/sensitivity.csv"), false), 3 * 2);
    // The design written is the design replayed: same header, same cells.
    assert_eq!(same_cells(&out.join("design.csv"), &format!("{sa}/design.csv"), false), 200 * 11);
}

#[test]
fn a_sampled_analysis_is_reproducible_and_replays_from_its_design() {
    let dir = tempfile::tempdir().unwrap();
    let flags = [
        "--type",
        "sa",
        "--n",
        "12",
        "--seed",
        "5",
        "--nboot",
        "50",
        "--vary-weights",
        "2:0.25",
        "--vary-normalise",
        "minmax:1,100",
        "--vary-normalise",
        "rank",
        "--vary-missing",
        "reweight",
        "--vary-missing",
        "worst",
    ];
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(&asem(&flags, &a));
    ok(&asem(&flags, &b));
    for f in ["design.csv", "scores.csv", "ranks.csv", "rankstats.csv", "sensitivity.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs for the same seed"
        );
    }
    let (h, rows) = read(&a.join("sensitivity.csv"));
    assert_eq!(h, ["Variable", "Si", "STi", "Si_q5", "Si_q95", "STi_q5", "STi_q95"]);
    assert_eq!(rows.len(), 3);
    // Replaying our own design gives the same scores, ranks and indices (bootstrap seeded alike).
    let c = dir.path().join("c");
    let design = a.join("design.csv");
    ok(&asem(&["--design", design.to_str().unwrap(), "--seed", "5", "--nboot", "50"], &c));
    for f in ["design.csv", "scores.csv", "ranks.csv", "rankstats.csv", "sensitivity.csv"] {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(c.join(f)).unwrap(), "{f} differs in the replay");
    }
    // Another seed, another design.
    let d = dir.path().join("d");
    let mut other = flags.to_vec();
    other[5] = "6";
    ok(&asem(&other, &d));
    assert_ne!(std::fs::read(a.join("design.csv")).unwrap(), std::fs::read(d.join("design.csv")).unwrap());
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let e = refused(&asem(&["--n", "2", "--vary-weights", "2:0.25"], &out));
    assert!(e.contains("at least 3"), "{e}");
    let e = refused(&asem(&["--type", "sa", "--vary-weights", "2:0.25"], &out));
    assert!(e.contains("at least two uncertain inputs") && e.contains("COINr"), "{e}");
    let e = refused(&asem(&["--vary-weights", "2:1.5"], &out));
    assert!(e.contains("[0, 1)"), "{e}");
    let e = refused(&asem(&["--vary-weights", "2:-0.1"], &out));
    assert!(e.contains("[0, 1)"), "{e}");
    let e = refused(&asem(&["--vary-weights", "Nowhere:0.1"], &out));
    assert!(e.contains("\"Nowhere\""), "{e}");
    let e = refused(&asem(&["--vary-aggregate", "amean"], &out));
    assert!(e.contains("at least two alternatives"), "{e}");
    // A design whose column names a pillar the framework does not have.
    let text = std::fs::read_to_string(shared("data/coinr-asem/robustness/sa/design.csv")).unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, text.replacen("weight:Social", "weight:Socal", 1)).unwrap();
    let e = refused(&asem(&["--design", bad.to_str().unwrap()], &out));
    assert!(e.contains("weight:Socal"), "{e}");
    std::fs::write(&bad, text.replacen("\"aggregate\"", "\"aggregation\"", 1)).unwrap();
    let e = refused(&asem(&["--design", bad.to_str().unwrap()], &out));
    assert!(e.contains("\"aggregation\""), "{e}");
    // Spec file: noise out of range, named with its line.
    let spec = dir.path().join("spec.toml");
    std::fs::write(&spec, "[robustness]\nn = 10\n[[robustness.weights]]\nlevels = [2]\nnoise = 1\n").unwrap();
    let e = refused(&asem(&["--spec", spec.to_str().unwrap()], &out));
    assert!(e.contains("[0, 1)"), "{e}");
    std::fs::write(&spec, "[robustness]\nn = 10\nnoize = 0.1\n").unwrap();
    let e = refused(&asem(&["--spec", spec.to_str().unwrap()], &out));
    assert!(e.contains("line 3") && e.contains("noize"), "{e}");
    assert!(!out.exists(), "nothing written on refusal");
}

#[test]
fn a_spec_file_drives_the_analysis_and_a_framework_file_may_carry_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("robustness.toml");
    std::fs::write(
        &spec,
        "[robustness]\ntype = \"ua\"\nn = 15\nseed = 3\ntop_n = 10\nnormalise = [\"minmax:1,100\", \"rank\"]\n\
         [[robustness.weights]]\nlevels = [2, 3]\nnoise = 0.25\n",
    )
    .unwrap();
    let out = dir.path().join("ua");
    ok(&asem(&["--spec", spec.to_str().unwrap()], &out));
    let (h, rows) = read(&out.join("rankstats.csv"));
    assert_eq!(h.last().unwrap(), "P_bottom10");
    assert_eq!(rows.len(), 51);
    let (h, _) = read(&out.join("design.csv"));
    assert_eq!(h[..3], ["rep", "block", "normalise"]);
    assert_eq!(h.len(), 3 + 8 + 2, "8 pillars and 2 sub-indices");
    let (h, _) = read(&out.join("ranks.csv"));
    assert_eq!(h.len(), 2 + 15);
    assert!(!out.join("sensitivity.csv").exists(), "no sensitivity for ua");
    // The built-in MPI framework file with a [robustness] table still loads as a framework.
    let fw = std::fs::read_to_string(format!("{}/../../frameworks/mpi-2019.toml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let with = dir.path().join("mpi-with-robustness.toml");
    std::fs::write(&with, format!("{fw}\n[robustness]\nn = 5\nmissing = [\"reweight\", \"worst\"]\n")).unwrap();
    let demo = dir.path().join("demo.csv");
    ok(&nagar(&["demo", "--ulbs", "40", "--out", demo.to_str().unwrap()]));
    let mpi_out = dir.path().join("mpi");
    ok(&nagar(&[
        "robustness",
        "--framework",
        with.to_str().unwrap(),
        "--data",
        demo.to_str().unwrap(),
        "--spec",
        with.to_str().unwrap(),
        "--out",
        mpi_out.to_str().unwrap(),
    ]));
    let (h, rows) = read(&mpi_out.join("ranks.csv"));
    assert_eq!((h.len(), rows.len()), (2 + 5, 40));
}

/// `--unit ID`: the sensitivity output is that unit's rank. Replaying COINr's design with
/// `--unit CHN`, sensitivity.csv must equal COINr's `SA_estimate` formulas (METHODOLOGY §14)
/// worked here from the CHN row of the ranks.csv the same run wrote — and differ from the
/// default output (mean |rank change| over units, COINr's sensitivity.csv). An unknown id is
/// refused, naming it.
#[test]
fn unit_output_is_that_units_rank() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("unit");
    let design = shared("data/coinr-asem/robustness/sa/design.csv");
    ok(&asem(&["--design", &design, "--unit", "CHN"], &out));
    let (h, ranks) = read(&out.join("ranks.csv"));
    assert_eq!(h[..3], ["uCode", "Nominal", "r_1"]);
    let y: Vec<f64> = ranks["CHN"][1..].iter().map(|x| x.parse().unwrap()).collect();
    let n = 40;
    assert_eq!(y.len(), n * 5);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let m = mean(&y[..2 * n]);
    let var = y[..2 * n].iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (2 * n - 1) as f64;
    assert!(var > 0.0, "CHN's rank varies over A and B");
    let (_, sens) = read(&out.join("sensitivity.csv"));
    let (_, coinr) = read(Path::new(&shared("data/coinr-asem/robustness/sa/sensitivity.csv")));
    let mut differs = false;
    for (i, input) in ["Weights", "Normalisation", "Aggregation"].iter().enumerate() {
        let (ya, yb, yab) = (&y[..n], &y[n..2 * n], &y[(2 + i) * n..(3 + i) * n]);
        let si = mean(&(0..n).map(|k| yb[k] * (yab[k] - ya[k])).collect::<Vec<_>>()) / var;
        let sti = (0..n).map(|k| (ya[k] - yab[k]).powi(2)).sum::<f64>() / (2.0 * n as f64 * var);
        let row = &sens[*input];
        let (got_si, got_sti): (f64, f64) = (row[0].parse().unwrap(), row[1].parse().unwrap());
        assert!((got_si - si).abs() <= 1e-9 * si.abs().max(1.0), "{input} Si: ours {got_si}, by hand {si}");
        assert!((got_sti - sti).abs() <= 1e-9 * sti.abs().max(1.0), "{input} STi: ours {got_sti}, by hand {sti}");
        let c: f64 = coinr[*input][0].parse().unwrap();
        differs |= (c - got_si).abs() > 1e-6;
    }
    assert!(differs, "--unit changed nothing: the indices equal the default output's");
    let err = refused(&asem(&["--design", &design, "--unit", "XYZ"], &dir.path().join("bad")));
    assert!(err.contains("XYZ"), "{err}");
}
