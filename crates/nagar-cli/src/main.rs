//! The `nagar` command: a thin shell over nagar-core and nagar-io. It reads files, calls the same
//! functions as the web page, and writes results; exit 0 when scored, 2 for unusable input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use nagar_core::i18n::Words;
use nagar_core::pipeline::{self, Scored, WeightOverrides};
use nagar_core::report::{self, Provenance};
use nagar_core::{Framework, Settings};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod analysis_cmds;
mod audit_cmd;
mod commands;
mod pair_cmds;
mod robustness_cmd;

#[derive(Parser)]
#[command(name = "nagar", version, about = "Municipal Performance Index and composite indicators, computed locally.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score a data file with a framework and write one row per unit.
    #[command(after_help = "Examples:
  nagar score --framework mpi-2019 --data cities.csv --out scores.csv
  nagar score --framework mpi-2019 --data cities.xlsx --group tier --tiers mpi2020 --out scores.xlsx
  nagar score --framework ASEM_iMeta.csv --data ASEM_iData.csv --normalise zscore --aggregate amean
  nagar score --framework mpi-2019 --data cities.csv --lang hi --out scores-hi.xlsx")]
    Score {
        #[command(flatten)]
        args: ScoreArgs,
        /// Language of the export's names and texts: en (default) or one the framework has names
        /// in (mpi-2019: hi). Column ids and numbers are the same in every language.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Check a data file against a framework and list every issue (nothing is written).
    #[command(after_help = "Example:\n  nagar validate --framework mpi-2019 --data cities.csv")]
    Validate(ScoreArgs),
    /// List the built-in frameworks, or show one as a tree.
    #[command(after_help = "Examples:\n  nagar frameworks list\n  nagar frameworks show mpi-2019")]
    Frameworks {
        #[command(subcommand)]
        action: FrameworksAction,
    },
    /// Write a blank input file for a framework (CSV, or XLSX with a Dictionary sheet and drop-downs).
    #[command(
        after_help = "Examples:\n  nagar template --framework mpi-2019 --out template.xlsx\n  nagar template --framework mpi-2019 --out template.csv\n  nagar template --framework mpi-2019 --lang hi --out template-hi.xlsx"
    )]
    Template {
        #[arg(long)]
        framework: String,
        #[arg(long)]
        out: PathBuf,
        /// Language of the labels, the Dictionary sheet and the messages: en (default) or one the
        /// framework has names in (mpi-2019: hi). Column ids are the same in every language.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Generate synthetic demo data (names are clearly synthetic; values are invented).
    #[command(
        after_help = "Examples:\n  nagar demo --ulbs 120 --seed 2019 --out demo.csv\n  nagar demo --ulbs 120 --out demo.xlsx"
    )]
    Demo {
        #[arg(long, default_value = "mpi-2019")]
        framework: String,
        #[arg(long, default_value_t = 120)]
        ulbs: usize,
        #[arg(long, default_value_t = 2019)]
        seed: u64,
        /// Output file (.csv, .json or .xlsx); CSV to standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Why a unit's index is what it is: one contribution per indicator plus a baseline, summing to the index.
    #[command(after_help = "Example:\n  nagar explain --framework mpi-2019 --data demo.csv --ulb DEMO-017")]
    Explain(analysis_cmds::ExplainArgs),
    /// Improvement priorities: the index gain of reaching the group's 75th percentile on each indicator alone.
    #[command(after_help = "Example:\n  nagar improve --framework mpi-2019 --data demo.csv --ulb DEMO-017")]
    Improve(analysis_cmds::ImproveArgs),
    /// Sister cities: pair the N best-ranked units with the N worst at least total cost (the 20-20 formula).
    #[command(after_help = "Examples:
  nagar pair --framework mpi-2019 --data cities.csv --out pairs.csv
  nagar pair --framework mpi-2019 --data cities.csv --n 10 --within tier --same terrain --weights complement=3,tags=2")]
    Pair(pair_cmds::PairArgs),
    /// Peer search: the most similar units that score clearly better in one sector or vertical.
    #[command(
        after_help = "Example:\n  nagar peers --framework mpi-2019 --data cities.csv --ulb DEMO-017 --sector 1.3 --k 5"
    )]
    Peers(pair_cmds::PeersArgs),
    /// How firm each rank is: Monte Carlo uncertainty (ua) or sensitivity (sa) analysis, or the replay of a design.csv.
    #[command(after_help = robustness_cmd::EXAMPLES)]
    Robustness(robustness_cmd::RobustnessArgs),
    /// Statistical audit of a scoring run: indicator statistics, correlations, Cronbach's alpha, PCA, removal impact, flags.
    #[command(
        after_help = "Examples:
  nagar audit --framework mpi-2019 --data cities.csv --out audit/
  nagar audit --framework ASEM_iMeta.csv --data ASEM_iData.csv --normalise minmax:1,100 --aggregate amean --level 1 --out audit.xlsx",
        mut_arg("out", |a| a.required(true).help("Output: a directory (one CSV per table) or a .xlsx file (one sheet per table)"))
    )]
    Audit(audit_cmd::AuditArgs),
}

#[derive(Subcommand)]
enum FrameworksAction {
    /// Built-in framework names.
    List,
    /// The tree of one framework (built-in name or file).
    Show {
        name: String,
        /// Names in this language (en, or one the framework has names in).
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

#[derive(Args, Clone)]
pub struct ScoreArgs {
    /// Built-in name (mpi-2019), or a framework file: .toml, .json, or a COINr iMeta table (.csv/.xlsx).
    #[arg(long)]
    framework: String,
    /// Data file: .csv, .xlsx, .xls, .ods or .json.
    #[arg(long)]
    data: PathBuf,
    /// Sheet to read from a spreadsheet (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Output file (.csv, .json or .xlsx); CSV to standard output when absent.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Comparison group: all, tier, or the name of a data column.
    #[arg(long)]
    group: Option<String>,
    /// Tier scheme: urdpfi or mpi2020 (those of the framework).
    #[arg(long)]
    tiers: Option<String>,
    /// Missing-data policy: reweight, mean or worst.
    #[arg(long)]
    missing: Option<String>,
    /// Minimum share of indicators (0..1) for a unit to be ranked.
    #[arg(long)]
    min_coverage: Option<f64>,
    /// Smallest comparison group whose units are ranked (default 5); smaller groups get a
    /// warning and no rank.
    #[arg(long)]
    min_group_size: Option<usize>,
    /// zscore | minmax:LO,HI | goalposts | dist2targ | rank | prank | none
    #[arg(long)]
    normalise: Option<String>,
    /// amean | gmean | hmean
    #[arg(long)]
    aggregate: Option<String>,
    /// none | mean | median | mean-group:COL | median-group:COL
    #[arg(long)]
    impute: Option<String>,
    /// none | winsorise
    #[arg(long)]
    treat: Option<String>,
    /// Divide indicators by their denominator columns.
    #[arg(long)]
    denominate: bool,
    /// Remove units whose data availability is below this share (COINr Screen).
    #[arg(long)]
    screen: Option<f64>,
    /// Override a node weight: ID=W (repeatable), e.g. --weight services=0.4
    #[arg(long = "weight", value_name = "ID=W")]
    weights: Vec<String>,
    /// Also write every issue to this CSV file.
    #[arg(long)]
    issues: Option<PathBuf>,
}

/// A failure the user must fix; printed as `error: ...` with exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score { args, lang } => run_score(&args, false, &lang),
        Command::Validate(a) => run_score(&a, true, "en"),
        Command::Frameworks { action: FrameworksAction::List } => commands::frameworks_list(),
        Command::Frameworks { action: FrameworksAction::Show { name, lang } } => {
            commands::frameworks_show(&name, &lang)
        }
        Command::Template { framework, out, lang } => commands::template(&framework, &out, &lang),
        Command::Demo { framework, ulbs, seed, out } => commands::demo(&framework, ulbs, seed, out.as_deref()),
        Command::Explain(a) => analysis_cmds::explain(&a),
        Command::Improve(a) => analysis_cmds::improve(&a),
        Command::Pair(a) => pair_cmds::pair(&a),
        Command::Peers(a) => pair_cmds::peers(&a),
        Command::Robustness(a) => robustness_cmd::robustness(&a),
        Command::Audit(a) => audit_cmd::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(Fatal(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
    }
}

/// The Scores sheet as CSV, streamed: blocks of rows are formatted on every core, each thread
/// into its own two reused buffers, while this thread writes the finished blocks in order, so
/// the writing overlaps the formatting and the whole table never exists as cells or as text at
/// once (formatting the numbers is most of the writing; the text is the same for any number of
/// threads).
fn write_scores_csv<W: Words + Sync>(
    out: &mut impl std::io::Write,
    table: &report::ScoresTable<W>,
) -> std::io::Result<()> {
    use std::sync::mpsc;
    // Small blocks: the buffers stay in the cache, and little fresh memory is touched.
    const BLOCK: usize = 64;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let mut header = nagar_io::CsvWriter::default();
    header.header(&table.columns);
    out.write_all(header.as_str().as_bytes())?;
    // Cleared, the buffer keeps the width: every buffer pads short rows to the header's width.
    header.clear();
    // A block's text at about 20 bytes a cell (a 17-digit number and its comma), reserved once
    // for each buffer (a clone does not keep the capacity).
    let room = BLOCK.saturating_mul(table.columns.len()).saturating_mul(20);
    let n = table.len();
    let blocks = n.div_ceil(BLOCK);
    let format = |buf: &mut nagar_io::CsvWriter, block: usize| {
        buf.clear();
        for u in block * BLOCK..((block + 1) * BLOCK).min(n) {
            // Each cell formatted straight into the buffer: no row of cells in between.
            let mut record = buf.record();
            table.row_to(u, &mut record);
            record.end();
        }
    };
    if threads == 1 || blocks < 2 {
        header.reserve(room);
        for block in 0..blocks {
            format(&mut header, block);
            out.write_all(header.as_str().as_bytes())?;
        }
        return out.flush();
    }
    std::thread::scope(|scope| {
        // Lane w formats blocks w, w + threads, …: it sends each full buffer to this thread
        // (at most one waiting) and gets it back once written. When this thread returns early
        // (a failed write), the lanes' channels close and their threads stop.
        let mut lanes = Vec::with_capacity(threads);
        for w in 0..threads {
            let (full_tx, full_rx) = mpsc::sync_channel::<nagar_io::CsvWriter>(1);
            let (empty_tx, empty_rx) = mpsc::channel::<nagar_io::CsvWriter>();
            for _ in 0..2 {
                let mut buf = header.clone();
                buf.reserve(room);
                let _ = empty_tx.send(buf);
            }
            let format = &format;
            scope.spawn(move || {
                for block in (w..blocks).step_by(threads) {
                    let Ok(mut buf) = empty_rx.recv() else { return };
                    format(&mut buf, block);
                    if full_tx.send(buf).is_err() {
                        return;
                    }
                }
            });
            lanes.push((full_rx, empty_tx));
        }
        for block in 0..blocks {
            let (full_rx, empty_tx) = &lanes[block % threads];
            let buf = full_rx.recv().map_err(|_| std::io::Error::other("a formatting thread stopped"))?;
            out.write_all(buf.as_str().as_bytes())?;
            let _ = empty_tx.send(buf);
        }
        out.flush()
    })
}

/// Writes an output file through `write`: an existing file is written over in place and cut to
/// the new length at the end (also after a failed write, so no tail of the old text is left after
/// what was written), rather than cut to nothing first. Cutting a large file frees its blocks
/// and cached pages only for the new text to take fresh ones: 5 ms of the 15 MB COINr scores
/// (docs/BENCHMARKS.md, twelfth round). A run stopped midway (killed) can leave the old file's
/// tail after the new rows. Pipes and devices (`/dev/stdout`) are written as they are.
pub fn write_output(path: &Path, write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> std::io::Result<()> {
    use std::io::Seek;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(false).open(path)?;
    let regular = file.metadata()?.is_file();
    let written = write(&mut file);
    if !regular {
        return written;
    }
    // The write's own error first, if it failed.
    let cut = file.stream_position().and_then(|end| file.set_len(end));
    written.and(cut)
}

/// The error of an output file that could not be written, naming the file.
pub fn cannot_write(path: &Path) -> impl Fn(std::io::Error) -> Fatal + '_ {
    move |e| Fatal(format!("{}: cannot write: {e}", path.display()))
}

/// [`write_output`] of `bytes`; an error names the file.
pub fn write_bytes(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), Fatal> {
    write_output(path, |f| std::io::Write::write_all(f, bytes.as_ref())).map_err(cannot_write(path))
}

/// The issues as CSV to the file `--issues` names, if it names one.
pub fn write_issues(path: Option<&Path>, issues: &[nagar_core::Issue]) -> Result<(), Fatal> {
    match path {
        Some(p) => write_bytes(p, nagar_io::write_csv(&report::issues_sheet(issues))),
        None => Ok(()),
    }
}

/// A loaded framework with where it came from.
pub struct LoadedFramework {
    pub framework: Framework,
    pub source: String,
    pub sha256: String,
}

pub fn load_framework(spec: &str) -> Result<LoadedFramework, Fatal> {
    let (bytes, source, name): (Vec<u8>, String, String) = if let Some(text) = nagar_io::builtin::framework_source(spec)
    {
        (text.as_bytes().to_vec(), format!("built-in {spec}"), format!("{spec}.toml"))
    } else {
        let path = Path::new(spec);
        if !path.exists() {
            let known = nagar_io::builtin::names().join(", ");
            return Err(Fatal(format!(
                "framework {spec:?} is neither a built-in framework ({known}) nor an existing file"
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| Fatal(format!("{spec}: cannot read: {e}")))?;
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        (bytes, spec.to_string(), name)
    };
    let framework = nagar_io::load_framework(&bytes, &name).map_err(|errs| {
        Fatal(format!(
            "framework {spec} is invalid:\n{}",
            errs.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n")
        ))
    })?;
    Ok(LoadedFramework { framework, source, sha256: sha256_hex(&bytes) })
}

/// Checks that the framework has names in `lang` (else the error lists the languages it has) and
/// says on standard error how many of its names are shown in English for want of a translation.
pub fn check_language(fw: &Framework, lang: &str) -> Result<(), Fatal> {
    fw.check_language(lang).map_err(Fatal)?;
    let missing = fw.missing_names(lang);
    if !missing.is_empty() {
        let some: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        let more = if missing.len() > 5 { ", ..." } else { "" };
        eprintln!(
            "note: {} name(s) have no {lang:?} translation in {} and are shown in English: {}{more}",
            missing.len(),
            fw.id,
            some.join("; ")
        );
    }
    Ok(())
}

/// A scoring run's framework and results with the names in `lang` in place of the English ones,
/// for the commands that write names into their tables (`explain`, `improve`, `pair`, `peers`
/// with `--lang`): the framework, tier schemes, tiers, aggregates, indicators, input fields and
/// units take their names in `lang` (English where the framework has none in it), and so do the
/// units' tier names in the results. Ids and every number are unchanged: the scores were computed
/// with the framework as written. Zones keep their names (they are matched with the data's).
pub fn in_language(fw: &Framework, scored: &mut Scored, lang: &str) -> Framework {
    use nagar_core::Localised;
    let mut f = fw.clone();
    if lang == "en" {
        return f;
    }
    f.name = fw.name_in(lang).to_string();
    let mut tier_names: Vec<(String, String)> = Vec::new();
    for s in &mut f.tier_schemes {
        s.name = s.name_in(lang).to_string();
        for t in &mut s.tiers {
            let local = t.name_in(lang).to_string();
            tier_names.push((t.name.clone(), local.clone()));
            t.name = local;
        }
    }
    for a in &mut f.aggregates {
        a.name = a.name_in(lang).to_string();
    }
    for i in &mut f.indicators {
        i.name = i.name_in(lang).to_string();
        i.unit = fw.unit_in(&i.unit, lang).to_string();
    }
    for x in &mut f.inputs {
        x.label = x.name_in(lang).to_string();
        x.unit = fw.unit_in(&x.unit, lang).to_string();
    }
    for t in &mut scored.tier_name {
        if let Some((_, local)) = tier_names.iter().find(|(en, _)| en == t) {
            *t = local.clone();
        }
    }
    f
}

/// `--lang` of `explain`, `improve`, `pair` and `peers`: names in this language.
#[derive(Args, Clone)]
pub struct LangArg {
    /// Names (of indicators, sectors, verticals, tiers) and labels in this language: en, or one
    /// the framework has names in (mpi-2019: hi). Ids and numbers are the same in every language.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Framework defaults with the command line's overrides.
pub fn effective_settings(fw: &Framework, a: &ScoreArgs) -> Result<(Settings, WeightOverrides), Fatal> {
    let overrides = nagar_core::settings::SettingsOverrides {
        group: a.group.clone(),
        tiers: a.tiers.clone(),
        missing: a.missing.clone(),
        min_coverage: a.min_coverage,
        min_group_size: a.min_group_size,
        normalise: a.normalise.clone(),
        aggregate: a.aggregate.clone(),
        impute: a.impute.clone(),
        treat: a.treat.clone(),
        denominate: a.denominate.then_some(true),
        screen: a.screen,
    };
    let s = fw.settings.with_overrides(&overrides).map_err(Fatal)?;
    let mut w = WeightOverrides::new();
    for spec in &a.weights {
        let (id, v) = spec.split_once('=').ok_or_else(|| Fatal(format!("--weight {spec:?}: expected ID=W")))?;
        let v: f64 = v.trim().parse().map_err(|_| Fatal(format!("--weight {spec:?}: {v:?} is not a number")))?;
        w.insert(id.trim().to_string(), v);
    }
    Ok((s, w))
}

/// Read the data file of `--data` (and `--sheet`).
pub fn read_data_file(a: &ScoreArgs) -> Result<nagar_io::DataRead, Fatal> {
    let bytes = FileBytes::read(&a.data).map_err(|e| Fatal(format!("{}: cannot read: {e}", a.data.display())))?;
    let name = a.data.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let opts = nagar_io::ReadOptions { sheet: a.sheet.clone(), ..Default::default() };
    // The table owns its cells: the file's bytes are dropped on return, before scoring.
    nagar_io::read_data(&bytes, &name, &opts).map_err(|e| Fatal(e.to_string()))
}

/// A data file's bytes: a regular file of at least [`FileBytes::MAP_FROM`] bytes mapped
/// read-only (the kernel's cached pages themselves: no copy, and no fresh memory to zero,
/// which costs more than the copy on a virtual machine; measured in docs/BENCHMARKS.md);
/// anything else (small files, pipes, `/dev/stdin`, or a map the system refuses) read into
/// memory.
enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    const MAP_FROM: u64 = 1 << 20;

    fn read(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.len() >= Self::MAP_FROM {
            // SAFETY: the map is read-only and lives only while the file is read (the table
            // owns its cells). Memory-mapped input assumes no other process changes the file
            // meanwhile, as for git and ripgrep, which map their inputs too: one truncating it
            // would end this process with SIGBUS, one writing into it would change bytes that
            // are being read. A file being rewritten as it is scored gives no meaningful
            // result by either route; docs/ARCHITECTURE.md records the assumption.
            if let Ok(map) = unsafe { memmap2::MmapOptions::new().populate().map(&file) } {
                return Ok(FileBytes::Mapped(map));
            }
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

/// Read and score a data file; issues of reading are merged into the result's issues.
pub fn score_file(a: &ScoreArgs) -> Result<(LoadedFramework, Scored, WeightOverrides, Provenance), Fatal> {
    timing("start");
    let lf = load_framework(&a.framework)?;
    let (settings, weights) = effective_settings(&lf.framework, a)?;
    timing("framework");
    let read = read_data_file(a)?;
    timing("read");
    let dataset_note = nagar_io::builtin::dataset_note(&read.table);
    // The table is scored once: the run drops it when its cells are read, and the later stages
    // take its memory.
    let mut scored = pipeline::score_owned(&lf.framework, read.table, &settings, &weights)?;
    timing("score");
    let mut issues = read.issues;
    issues.append(&mut scored.issues);
    scored.issues = issues;
    let prov = Provenance {
        framework_source: lf.source.clone(),
        framework_hash: lf.sha256.clone(),
        data_file: a.data.display().to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        dataset_note,
    };
    Ok((lf, scored, weights, prov))
}

fn run_score(a: &ScoreArgs, validate_only: bool, lang: &str) -> Result<ExitCode, Fatal> {
    if lang != "en" {
        check_language(&load_framework(&a.framework)?.framework, lang)?;
    }
    let (lf, scored, weights, prov) = score_file(a)?;
    if validate_only {
        commands::print_issues_stdout(&scored.issues);
    } else {
        commands::print_issues_stderr(&scored.issues, a.issues.is_some());
    }
    write_issues(a.issues.as_deref(), &scored.issues)?;
    if validate_only {
        return Ok(ExitCode::SUCCESS);
    }
    let fw = &lf.framework;
    match &a.out {
        None => {
            let stdout = std::io::stdout();
            write_scores_csv(&mut stdout.lock(), &report::ScoresTable::new_in(fw, &scored, &prov, lang))
                .map_err(|e| Fatal(format!("standard output: {e}")))?;
        }
        Some(path) => {
            let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            let bytes: Vec<u8> = match ext.as_str() {
                "csv" => {
                    write_output(path, |file| {
                        write_scores_csv(file, &report::ScoresTable::new_in(fw, &scored, &prov, lang))
                    })
                    .map_err(cannot_write(path))?;
                    Vec::new()
                }
                "json" => nagar_io::write_json(&report::scores_sheet_in(fw, &scored, &prov, lang)).into_bytes(),
                "xlsx" => nagar_io::write_xlsx(&[
                    report::scores_sheet_in(fw, &scored, &prov, lang),
                    report::dictionary_sheet(fw, &scored, &weights, lang),
                    report::indicators_sheet_in(fw, &scored, lang),
                    report::issues_sheet_in(&scored.issues, lang),
                    report::settings_sheet_in(fw, &scored, &weights, &prov, lang),
                ])
                .map_err(|e| Fatal(e.to_string()))?,
                _ => return Err(Fatal(format!("--out {}: use a .csv, .json or .xlsx file name", path.display()))),
            };
            if ext != "csv" {
                write_bytes(path, bytes)?;
            }
            timing("write");
            let ranked = scored.rank.iter().filter(|r| r.is_some()).count();
            eprintln!("scored {} units ({} ranked) → {}", scored.units.len(), ranked, path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// With `NAGAR_TIMINGS` set in the environment, `nagar score` writes the wall time of each
/// phase since the previous one to standard error, for the benchmarks in docs/BENCHMARKS.md.
fn timing(phase: &str) {
    use std::sync::Mutex;
    use std::time::Instant;
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    if std::env::var_os("NAGAR_TIMINGS").is_none() {
        return;
    }
    let now = Instant::now();
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = *last {
        // The resident memory after the phase, where the system says it (Linux).
        let rss = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|m| m.split_whitespace().nth(1)?.parse::<f64>().ok())
            .map(|pages| format!(", {:.1} MB resident", pages * 4096.0 / 1e6))
            .unwrap_or_default();
        eprintln!("timing: {phase} {:.1} ms{rss}", now.duration_since(t).as_secs_f64() * 1e3);
    }
    *last = Some(now);
}

#[cfg(test)]
mod tests {
    /// A write that fails midway leaves what it wrote and nothing of the old file after it.
    #[test]
    fn a_failed_write_leaves_no_old_tail() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        std::fs::write(&path, "old old old old old\n".repeat(1000)).unwrap();
        let r = super::write_output(&path, |f| {
            f.write_all(b"new,text\n")?;
            Err(std::io::Error::other("disk full"))
        });
        assert_eq!(r.unwrap_err().to_string(), "disk full");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new,text\n");
        super::write_bytes(&path, "a,b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n");
        super::write_bytes(&path, "").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
    }
}
