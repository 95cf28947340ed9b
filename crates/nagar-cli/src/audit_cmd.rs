//! `nagar audit`: the statistical audit of one scoring run (`nagar_core::audit`), written as
//! one CSV file per table into a directory, or one sheet per table into an .xlsx workbook.
//! The pipeline flags are those of `nagar score` (the same parsing: `effective_settings`).

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nagar_core::audit::{self, AuditOptions, CorrMethod};

use crate::{commands, score_file, Fatal, ScoreArgs};

#[derive(Args, Clone)]
pub struct AuditArgs {
    #[command(flatten)]
    pub common: ScoreArgs,
    /// Correlation coefficient: pearson or spearman (pairwise complete observations).
    #[arg(long, default_value = "pearson")]
    pub corr: String,
    /// Level whose Cronbach's alpha, PCA and removal impact are computed (1 = indicators,
    /// grouped by their parent, as in COINr). Repeatable; default: every level below the index.
    #[arg(long = "level", value_name = "L")]
    pub levels: Vec<u32>,
}

pub fn run(a: &AuditArgs) -> Result<ExitCode, Fatal> {
    let corr = CorrMethod::parse(&a.corr).map_err(|m| Fatal(format!("--corr: {m}")))?;
    let Some(out) = a.common.out.as_deref() else {
        return Err(Fatal("--out is required: a directory (one CSV per table) or a .xlsx file".into()));
    };
    let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if matches!(ext.as_str(), "csv" | "json" | "xls" | "ods") {
        return Err(Fatal(format!(
            "--out {}: the audit is several tables; give a directory (one CSV per table) or a .xlsx file",
            out.display()
        )));
    }
    let (lf, scored, _, _) = score_file(&a.common)?;
    commands::print_issues_stderr(&scored.issues, a.common.issues.is_some());
    crate::write_issues(a.common.issues.as_deref(), &scored.issues)?;
    let top = audit::index_level(&scored);
    for &l in &a.levels {
        if l == 0 || l >= top {
            return Err(Fatal(format!(
                "--level {l}: framework {} has levels 1 (indicators) to {top} (the index); choose 1 to {}",
                lf.framework.id,
                top - 1
            )));
        }
    }
    let opts = AuditOptions {
        corr,
        levels: if a.levels.is_empty() { None } else { Some(a.levels.clone()) },
        ..AuditOptions::default()
    };
    let result = audit::audit(&lf.framework, &scored, &opts);
    let sheets = audit::sheets(&result);
    if ext == "xlsx" {
        let bytes = nagar_io::write_xlsx(&sheets).map_err(|e| Fatal(e.to_string()))?;
        crate::write_bytes(out, bytes)?;
    } else {
        write_dir(out, &sheets)?;
    }
    eprintln!(
        "audited {} units, {} indicators, {} aggregates ({} correlations) → {} ({} tables)",
        scored.units.len(),
        scored.indicator_ids.len(),
        scored.aggregate_ids.len(),
        corr.label(),
        out.display(),
        sheets.len()
    );
    // The coherence findings in full, the data flags as counts (all are in the flags table).
    for f in result.flags.iter().filter(|f| matches!(f.kind, "negative_with_parent" | "redundant" | "low_alpha")) {
        eprintln!("  {}", f.message);
    }
    for kind in audit::FLAG_KINDS {
        let n = result.flags.iter().filter(|f| f.kind == kind).count();
        if n > 0 {
            eprintln!("{n} flag(s) {kind}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write_dir(dir: &Path, sheets: &[nagar_core::output::Sheet]) -> Result<(), Fatal> {
    std::fs::create_dir_all(dir).map_err(|e| Fatal(format!("{}: cannot create directory: {e}", dir.display())))?;
    for s in sheets {
        let path = dir.join(format!("{}.csv", s.name));
        crate::write_bytes(&path, nagar_io::write_csv(s))?;
    }
    Ok(())
}
