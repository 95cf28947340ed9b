//! `nagar pair` (sister cities, the 20-20 formula) and `nagar peers` (learn from peers): thin
//! shells over `nagar_core::pairing`, scoring the data exactly as `nagar score` does.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nagar_core::fmt::number;
use nagar_core::output::{OutCell, Sheet};
use nagar_core::pairing::{self, Attr, CostWeights, PairOptions, PeerOptions, Within};
use nagar_core::report::{self, Provenance};

use crate::{check_language, commands, in_language, load_framework, score_file, Fatal, LangArg, ScoreArgs};

#[derive(Args, Clone)]
pub struct PairArgs {
    #[command(flatten)]
    pub score: ScoreArgs,
    /// Mentors (and mentees) per subgroup: the N best-ranked units each mentor one of the N worst.
    #[arg(long, default_value_t = 20)]
    pub n: usize,
    /// Pair among all ranked units, or separately within each tier, zone or terrain.
    #[arg(long, default_value = "all", value_name = "all|tier|zone|terrain")]
    pub within: String,
    /// Hard constraint: pairs must share this (comma-separated or repeated: zone, terrain, tier).
    #[arg(long, value_name = "zone|terrain|tier")]
    pub same: Vec<String>,
    /// Cost weights, e.g. zone=1,terrain=1,tier=0.5,population=0.5,tags=1,complement=2 (the
    /// defaults); terms not named keep their default; 0 switches a term off.
    #[arg(long = "weights", value_name = "TERM=W,...")]
    pub cost_weights: Option<String>,
    /// Value (0..1) of the zone/terrain/tier term when either unit's value is unknown.
    #[arg(long, default_value_t = 1.0)]
    pub unknown: f64,
    /// Number of the mentee's weakest sectors used by the complement term and the explanation.
    #[arg(long, default_value_t = 3)]
    pub weakest: usize,
    #[command(flatten)]
    pub lang: LangArg,
}

#[derive(Args, Clone)]
pub struct PeersArgs {
    #[command(flatten)]
    pub score: ScoreArgs,
    /// The unit (its id, e.g. ulb_id).
    #[arg(long)]
    pub ulb: String,
    /// Sector (e.g. 1.3) or vertical (e.g. services), or any aggregate id of the framework.
    #[arg(long)]
    pub sector: String,
    /// Number of peers.
    #[arg(long, default_value_t = 5)]
    pub k: usize,
    /// "Clearly better": at least this many points above the unit (0-100 sector scale).
    #[arg(long, default_value_t = 5.0)]
    pub min_gap: f64,
    /// Similarity weights, e.g. zone=1,terrain=1,tier=1,population=0.5,tags=1 (the defaults).
    #[arg(long = "weights", value_name = "TERM=W,...")]
    pub cost_weights: Option<String>,
    #[command(flatten)]
    pub lang: LangArg,
}

/// Options of the core from the command line.
pub fn pair_options(a: &PairArgs) -> Result<PairOptions, Fatal> {
    let mut same = Vec::new();
    for s in &a.same {
        for x in Attr::parse_list(s).map_err(|m| Fatal(format!("--{m}")))? {
            if !same.contains(&x) {
                same.push(x);
            }
        }
    }
    let weights = match &a.cost_weights {
        Some(w) => CostWeights::default()
            .with_overrides(w)
            .map_err(|m| Fatal(format!("--weights: {}", m.trim_start_matches("weights: "))))?,
        None => CostWeights::default(),
    };
    Ok(PairOptions {
        n: a.n,
        within: Within::parse(&a.within).map_err(|m| Fatal(format!("--{m}")))?,
        same,
        weights,
        unknown: a.unknown,
        weakest: a.weakest,
        ..PairOptions::default()
    })
}

fn with_dataset_column(mut sheet: Sheet, prov: &Provenance) -> Sheet {
    if let Some(note) = &prov.dataset_note {
        sheet.columns.push("dataset".into());
        for r in &mut sheet.rows {
            r.push(OutCell::text(note));
        }
    }
    sheet
}

fn settings_rows(kv: Vec<(String, String)>) -> Sheet {
    Sheet {
        name: "Settings".into(),
        columns: vec!["setting".into(), "value".into()],
        rows: kv.into_iter().map(|(k, v)| vec![OutCell::Text(k), OutCell::Text(v)]).collect(),
    }
}

/// Write `sheet` (and, for .xlsx, the extra sheets) to `out` as .csv, .json or .xlsx, as
/// `nagar score` does, or CSV to standard output. (Also `nagar demo`'s output.)
pub(crate) fn write_out(out: Option<&Path>, sheet: &Sheet, extra: Vec<Sheet>) -> Result<(), Fatal> {
    let Some(path) = out else {
        print!("{}", nagar_io::write_csv(sheet));
        return Ok(());
    };
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let bytes: Vec<u8> = match ext.as_str() {
        "csv" => nagar_io::write_csv(sheet).into_bytes(),
        "json" => nagar_io::write_json(sheet).into_bytes(),
        "xlsx" => {
            let mut sheets = vec![sheet.clone()];
            sheets.extend(extra);
            nagar_io::write_xlsx(&sheets).map_err(|e| Fatal(e.to_string()))?
        }
        _ => return Err(Fatal(format!("--out {}: use a .csv, .json or .xlsx file name", path.display()))),
    };
    crate::write_bytes(path, bytes)
}

/// `nagar pair`: score, select the N best and N worst ranked units per subgroup, pair them at
/// least total cost, and write one explained row per pair (then one row per unplaced unit).
pub fn pair(a: &PairArgs) -> Result<ExitCode, Fatal> {
    let opts = pair_options(a)?;
    let lang = a.lang.lang.as_str();
    if lang != "en" {
        check_language(&load_framework(&a.score.framework)?.framework, lang)?;
    }
    let (lf, mut scored, weights, prov) = score_file(&a.score)?;
    let fw = in_language(&lf.framework, &mut scored, lang);
    let result = pairing::pair(&fw, &scored, &opts).map_err(|e| Fatal(e.0))?;
    let mut issues = scored.issues.clone();
    issues.extend(result.issues.iter().cloned());
    commands::print_issues_stderr(&issues, a.score.issues.is_some());
    crate::write_issues(a.score.issues.as_deref(), &issues)?;
    let sheet = with_dataset_column(pairing::pairs_sheet(&result), &prov);
    let mut kv = vec![
        ("n".to_string(), opts.n.to_string()),
        ("within".into(), opts.within.as_str().into()),
        ("same".into(), opts.same.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",")),
        ("weights".into(), opts.weights.label()),
        ("unknown".into(), number(opts.unknown)),
        ("unknown_population".into(), number(opts.unknown_population)),
        ("weakest".into(), opts.weakest.to_string()),
        ("total_cost".into(), number(result.total_cost)),
    ];
    kv.extend(report::settings_sheet(&lf.framework, &scored, &weights, &prov).rows.into_iter().filter_map(|r| match (
        r.first(),
        r.get(1),
    ) {
        (Some(OutCell::Text(k)), Some(OutCell::Text(v))) => Some((k.clone(), v.clone())),
        _ => None,
    }));
    write_out(a.score.out.as_deref(), &sheet, vec![report::issues_sheet(&issues), settings_rows(kv)])?;
    let placed = result.pairs.len();
    for sg in &result.subgroups {
        eprintln!(
            "{}: {} ranked, {} pair(s) of {}, cost {}{}",
            sg.label,
            sg.ranked,
            sg.pairs,
            sg.n,
            number((sg.cost * 1e4).round() / 1e4),
            if sg.note.is_empty() { String::new() } else { format!(" — {}", sg.note) }
        );
    }
    for u in &result.unplaced {
        eprintln!("unplaced {} {} ({}): {}", u.role.as_str(), u.unit.id, u.subgroup, u.reason);
    }
    let dest = a.score.out.as_ref().map(|p| format!(" → {}", p.display())).unwrap_or_default();
    eprintln!(
        "{placed} pair(s), total cost {}, {} unit(s) unplaced{dest}{}",
        number((result.total_cost * 1e4).round() / 1e4),
        result.unplaced.len(),
        prov.dataset_note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// `nagar peers`: the k most similar units that score clearly better in one sector or vertical.
pub fn peers(a: &PeersArgs) -> Result<ExitCode, Fatal> {
    let weights = match &a.cost_weights {
        Some(w) => CostWeights::peer_defaults()
            .with_overrides(w)
            .map_err(|m| Fatal(format!("--weights: {}", m.trim_start_matches("weights: "))))?,
        None => CostWeights::peer_defaults(),
    };
    let opts = PeerOptions { k: a.k, min_gap: a.min_gap, weights, ..PeerOptions::default() };
    let lang = a.lang.lang.as_str();
    if lang != "en" {
        check_language(&load_framework(&a.score.framework)?.framework, lang)?;
    }
    let (lf, mut scored, _weights, prov) = score_file(&a.score)?;
    let fw = in_language(&lf.framework, &mut scored, lang);
    let result = pairing::peers(&fw, &scored, &a.ulb, &a.sector, &opts).map_err(|e| Fatal(e.0))?;
    let mut issues = scored.issues.clone();
    issues.extend(result.issues.iter().cloned());
    commands::print_issues_stderr(&issues, a.score.issues.is_some());
    crate::write_issues(a.score.issues.as_deref(), &issues)?;
    let sheet = with_dataset_column(pairing::peers_sheet(&result), &prov);
    write_out(a.score.out.as_deref(), &sheet, vec![report::issues_sheet(&issues)])?;
    eprintln!(
        "{} {} in {} {}: score {}; {} unit(s) at least {} points better, {} shown",
        result.unit.id,
        result.unit.name,
        result.node.id,
        result.node.name,
        number((result.score * 100.0).round() / 100.0),
        result.clearly_better,
        number(opts.min_gap),
        result.peers.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::{Cli, Command};

    fn pair_args(extra: &[&str]) -> Result<PairArgs, String> {
        let mut argv = vec!["nagar", "pair", "--framework", "mpi-2019", "--data", "x.csv"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).map_err(|e| e.to_string())?.command {
            Command::Pair(a) => Ok(a),
            _ => Err("not pair".into()),
        }
    }

    #[test]
    fn pair_options_from_the_command_line() {
        let o = pair_options(&pair_args(&[]).unwrap()).ok().unwrap();
        assert_eq!(o, PairOptions::default());
        let a = pair_args(&["--n", "5", "--within", "tier", "--same", "zone,terrain", "--same", "tier,zone"]).unwrap();
        let o = pair_options(&a).ok().unwrap();
        assert_eq!((o.n, o.within), (5, Within::Tier));
        assert_eq!(o.same, vec![Attr::Zone, Attr::Terrain, Attr::Tier]);
        let a = pair_args(&["--weights", "zone=2,complement=0", "--weight", "services=0.5"]).unwrap();
        let o = pair_options(&a).ok().unwrap();
        assert_eq!((o.weights.zone, o.weights.complement, o.weights.tags), (2.0, 0.0, 1.0));
        assert_eq!(a.score.weights, vec!["services=0.5".to_string()]);
        for (bad, msg) in [
            (vec!["--within", "state"], "--within"),
            (vec!["--same", "height"], "--same"),
            (vec!["--weights", "zone=-1"], "--weights: weight of zone"),
            (vec!["--weights", "colour=1"], "--weights: unknown term"),
        ] {
            let Err(Fatal(m)) = pair_options(&pair_args(&bad).unwrap()) else { panic!("{bad:?} accepted") };
            assert!(m.starts_with(msg), "{m}");
        }
        assert!(pair_args(&["--n", "-1"]).is_err());
    }

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("nagar-pair-{}-{name}", std::process::id()))
    }

    /// `nagar pair` on the demo data writes the same pairs as the core computes (what the page shows).
    #[test]
    fn pair_and_peers_on_demo_data_match_the_core() {
        let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
        let table = nagar_io::builtin::demo_default(&fw);
        let data = temp("demo.csv");
        std::fs::write(&data, nagar_io::write_csv(&nagar_io::table_to_sheet(&table))).unwrap();
        let out = temp("pairs.csv");
        let data_s = data.to_string_lossy().to_string();
        let out_s = out.to_string_lossy().to_string();
        let a = pair_args(&["--out", &out_s]).map(|mut a| {
            a.score.data = data.clone();
            a
        });
        let a = a.unwrap();
        assert!(pair(&a).is_ok());
        let csv = std::fs::read_to_string(&out).unwrap();
        let mut lines = csv.lines();
        assert!(lines.next().unwrap().starts_with("mentor_id,mentee_id,cost,subgroup,"));
        let rows: Vec<(String, String)> = lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[1].to_string())
            })
            .collect();
        assert_eq!(rows.len(), 20);
        // The core on the same file.
        let (lf, scored, _, _) = score_file(&a.score).ok().unwrap();
        let core = pairing::pair(&lf.framework, &scored, &PairOptions::default()).unwrap();
        let want: Vec<(String, String)> =
            core.pairs.iter().map(|p| (p.mentor.id.clone(), p.mentee.id.clone())).collect();
        assert_eq!(rows, want);
        // Peers of the worst mentee in 1.3.
        let worst = &core.pairs.iter().max_by_key(|p| p.mentee.rank).unwrap().mentee.id;
        let argv = ["nagar", "peers", "--framework", "mpi-2019", "--data", &data_s, "--ulb", worst, "--sector", "1.3"];
        let Command::Peers(mut pa) = Cli::try_parse_from(argv).unwrap().command else { panic!("not peers") };
        let pout = temp("peers.csv");
        pa.score.out = Some(pout.clone());
        assert!(peers(&pa).is_ok());
        let csv = std::fs::read_to_string(&pout).unwrap();
        assert!(csv.starts_with("ulb_id,peer_id,peer_name,node,ulb_score,peer_score,gap"));
        assert_eq!(csv.lines().count(), 6);
        // Bad input: a unit that is not there, a sector that is not there, N = 0.
        pa.ulb = "NOPE".into();
        assert!(matches!(peers(&pa), Err(Fatal(m)) if m.contains("not in the data")));
        pa.ulb = worst.clone();
        pa.sector = "9.9".into();
        assert!(matches!(peers(&pa), Err(Fatal(m)) if m.contains("sectors: 1.1")));
        let mut a0 = a.clone();
        a0.n = 0;
        assert!(matches!(pair(&a0), Err(Fatal(m)) if m.contains("at least 1")));
        for p in [data, out, pout] {
            let _ = std::fs::remove_file(p);
        }
    }

    #[test]
    fn peers_arguments() {
        let argv =
            ["nagar", "peers", "--framework", "mpi-2019", "--data", "x.csv", "--ulb", "DEMO-001", "--sector", "1.3"];
        let Command::Peers(a) = Cli::try_parse_from(argv).unwrap().command else { panic!("not peers") };
        assert_eq!((a.k, a.min_gap, a.ulb.as_str(), a.sector.as_str()), (5, 5.0, "DEMO-001", "1.3"));
    }
}
