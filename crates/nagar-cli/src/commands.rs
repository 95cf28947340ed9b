//! The smaller subcommands: frameworks, template, demo, and issue printing.

use std::path::Path;
use std::process::ExitCode;

use nagar_core::fmt::number;
use nagar_core::{Framework, Issue, Localised, Severity};

use crate::{load_framework, Fatal};

pub fn frameworks_list() -> Result<ExitCode, Fatal> {
    for name in nagar_io::builtin::names() {
        let lf = load_framework(name)?;
        let fw = &lf.framework;
        println!("{name}\t{} (version {}, {} indicators)", fw.name, fw.version, fw.indicators.len());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn frameworks_show(name: &str, lang: &str) -> Result<ExitCode, Fatal> {
    let lf = load_framework(name)?;
    crate::check_language(&lf.framework, lang)?;
    print!("{}", tree(&lf.framework, lang));
    Ok(ExitCode::SUCCESS)
}

/// The framework as an indented tree with weights, directions, caps and derivations; names in
/// `lang` (English where the framework has none in it).
pub fn tree(fw: &Framework, lang: &str) -> String {
    let mut out = format!("{} — {} (version {})\n", fw.id, fw.name_in(lang), fw.version);
    if !fw.source.is_empty() {
        out.push_str(&format!("source: {}\n", fw.source));
    }
    let s = &fw.settings;
    out.push_str(&format!(
        "settings: normalise {}, aggregate {}, missing {}, group {}, tiers {}, min coverage {}\n\n",
        s.normalise.label(),
        s.aggregate.label(),
        s.missing.label(),
        s.group.label(),
        if s.tiers.is_empty() { "none" } else { &s.tiers },
        number(s.min_coverage)
    ));
    let children = fw.children();
    fn walk(
        fw: &Framework,
        lang: &str,
        id: &str,
        depth: usize,
        children: &std::collections::BTreeMap<&str, (Vec<&nagar_core::Aggregate>, Vec<&nagar_core::Indicator>)>,
        out: &mut String,
    ) {
        let Some(a) = fw.aggregates.iter().find(|a| a.id == id) else { return };
        let pad = "  ".repeat(depth);
        let mut extra = Vec::new();
        if a.parent.is_some() {
            extra.push(format!("weight {}", number(a.weight)));
        }
        if let Some([lo, hi]) = a.rescale {
            extra.push(format!("rescaled {}–{}", number(lo), number(hi)));
        }
        if let Some(m) = a.method {
            extra.push(m.label());
        }
        let extra = if extra.is_empty() { String::new() } else { format!(" [{}]", extra.join(", ")) };
        out.push_str(&format!("{pad}{} {}{extra}\n", a.id, a.name_in(lang)));
        if let Some((aggs, inds)) = children.get(id) {
            for c in aggs {
                walk(fw, lang, &c.id, depth + 1, children, out);
            }
            for i in inds {
                let pad = "  ".repeat(depth + 1);
                let mut marks = vec![if i.direction < 0.0 {
                    "lower is better".to_string()
                } else {
                    "higher is better".to_string()
                }];
                if i.weight != 1.0 {
                    marks.push(format!("weight {}", number(i.weight)));
                }
                if let Some(c) = i.cap {
                    marks.push(format!("cap ≤ {}", number(c)));
                }
                if let Some(f) = i.floor {
                    marks.push(format!("floor ≥ {}", number(f)));
                }
                if i.provisional {
                    marks.push("PROVISIONAL".into());
                }
                if !i.source.is_empty() {
                    marks.push(i.source.clone());
                }
                out.push_str(&format!("{pad}{} {} [{}]\n", i.id, i.name_in(lang), marks.join(", ")));
                out.push_str(&format!("{pad}    = {}\n", i.derivation().describe()));
                if !i.choice.is_empty() {
                    out.push_str(&format!("{pad}    choice: {}\n", i.choice));
                }
            }
        }
    }
    if let Some(root) = fw.root() {
        walk(fw, lang, &root.id, 0, &children, &mut out);
    }
    out
}

pub fn template(framework: &str, out: &Path, lang: &str) -> Result<ExitCode, Fatal> {
    let lf = load_framework(framework)?;
    crate::check_language(&lf.framework, lang)?;
    let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let bytes = match ext.as_str() {
        // The CSV template is the header row of column ids: the same in every language.
        "csv" => nagar_io::write_template_csv(&lf.framework).into_bytes(),
        "xlsx" => nagar_io::write_template_xlsx_in(&lf.framework, lang).map_err(|e| Fatal(e.to_string()))?,
        _ => return Err(Fatal(format!("--out {}: use a .csv or .xlsx file name", out.display()))),
    };
    crate::write_bytes(out, bytes)?;
    eprintln!(
        "template for {} ({} input fields) → {}",
        lf.framework.id,
        lf.framework.used_inputs().len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn demo(framework: &str, ulbs: usize, seed: u64, out: Option<&Path>) -> Result<ExitCode, Fatal> {
    let lf = load_framework(framework)?;
    if ulbs == 0 {
        return Err(Fatal("--ulbs must be at least 1".into()));
    }
    let table = nagar_io::builtin::demo_table(&lf.framework, ulbs, seed).map_err(Fatal)?;
    // As a .csv, .json or .xlsx file by the name's extension (numbers as numbers), or CSV to
    // standard output.
    crate::pair_cmds::write_out(out, &nagar_io::table_to_sheet(&table), Vec::new())?;
    if let Some(p) = out {
        eprintln!("{ulbs} synthetic ULBs (seed {seed}) → {} — synthetic demo data, not real cities", p.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn counts(issues: &[Issue]) -> String {
    let e = issues.iter().filter(|i| i.severity == Severity::Error).count();
    let w = issues.iter().filter(|i| i.severity == Severity::Warning).count();
    let n = issues.len() - e - w;
    format!("{e} error(s), {w} warning(s), {n} note(s)")
}

/// All issues to standard output (`validate`).
pub fn print_issues_stdout(issues: &[Issue]) {
    for i in issues {
        println!("{i}");
    }
    println!("{}", counts(issues));
}

/// Issues to standard error while scoring: at most 200 lines, then a count.
pub fn print_issues_stderr(issues: &[Issue], written_to_file: bool) {
    const MAX: usize = 200;
    for i in issues.iter().take(MAX) {
        eprintln!("{i}");
    }
    if issues.len() > MAX {
        let hint = if written_to_file { "see the --issues file" } else { "use --issues FILE to get all" };
        eprintln!("... and {} more ({hint})", issues.len() - MAX);
    }
    if !issues.is_empty() {
        eprintln!("{}", counts(issues));
    }
}
