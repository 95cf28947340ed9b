//! `nagar explain` (why this score) and `nagar improve` (improvement priorities): the same
//! functions as the page (`nagar_core::analysis`), written as CSV/JSON tables.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use nagar_core::analysis::{self, Explanation, ImproveOptions, Improvements};
use nagar_core::output::{OutCell, Sheet};

use crate::{check_language, commands, in_language, load_framework, score_file, Fatal, LangArg, ScoreArgs};

#[derive(Args, Clone)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub common: ScoreArgs,
    /// Id of the unit to explain (the id column of the data, e.g. ulb_id).
    #[arg(long)]
    pub ulb: String,
    /// Row order: `contribution` (largest |contribution| first) or `id` (framework order).
    /// The `baseline` row always comes first.
    #[arg(long, default_value = "contribution")]
    pub sort: String,
    #[command(flatten)]
    pub lang: LangArg,
}

#[derive(Args, Clone)]
pub struct ImproveArgs {
    #[command(flatten)]
    pub common: ScoreArgs,
    /// Id of the unit (the id column of the data, e.g. ulb_id).
    #[arg(long)]
    pub ulb: String,
    /// Target percentile of the comparison group, 0..1 (R type 7 quantile).
    #[arg(long, default_value_t = 0.75)]
    pub percentile: f64,
    #[command(flatten)]
    pub lang: LangArg,
}

fn num(x: Option<f64>) -> OutCell {
    x.map(OutCell::num).unwrap_or(OutCell::Empty)
}

fn rank(r: Option<u32>) -> OutCell {
    r.map(|r| OutCell::Number(r as f64)).unwrap_or(OutCell::Empty)
}

/// The explanation's baseline row, by language (English where a language has none). Here, not
/// in nagar-core's catalogues, which are compiled into the browser's main module (its size
/// budget); the page says it with its own catalogue (`preview.baseline*`).
const BASELINE: &[(&str, &str)] = &[
    ("en", "constant part: the index with every available normalised value at 0 (the group mean), group ranges fixed"),
    ("hi", "स्थिर भाग: हर उपलब्ध मानकीकृत मान 0 (समूह का माध्य) होने पर सूचकांक, समूहों के परिसर स्थिर"),
];

/// `nagar improve --lang`'s sentence in a language other than English (English: the core's own
/// sentence), as the page words it (`preview.priority` and its parts in www/src/i18n/<lang>.json):
/// `{name} ({id}): {from} → {to} …`.
struct Sentence {
    lang: &'static str,
    sentence: &'static str,
    adds: &'static str,
    costs: &'static str,
    rank_stays: &'static str,
    rank_moves: &'static str,
    not_ranked: &'static str,
}

const SENTENCES: &[Sentence] = &[Sentence {
    lang: "hi",
    sentence: "{name} ({id}): {from} → {to} करने से {effect}{moves}।",
    adds: "सूचकांक में {n} अंक जुड़ते हैं",
    costs: "{n} अंक घटते हैं (समूह के दायरे खिसकते हैं)",
    rank_stays: ", रैंक {rank} ही रहती है",
    rank_moves: ", रैंक {from} → {to}",
    not_ranked: " (रैंक नहीं)",
}];

/// The improvement's sentence in `lang` (the core's English one where `lang` has none here).
fn improvement_sentence(
    fw: &nagar_core::Framework,
    imp: &Improvements,
    r: &nagar_core::analysis::Improvement,
    lang: &str,
) -> String {
    use nagar_core::analysis::show;
    use nagar_core::i18n::fill;
    let Some(w) = SENTENCES.iter().find(|w| w.lang == lang) else { return r.sentence.clone() };
    let unit = match fw.indicators.iter().find(|i| i.id == r.id).map_or("", |i| i.unit.as_str()) {
        "" => String::new(),
        "%" => "%".to_string(),
        u => format!(" {u}"),
    };
    let effect =
        if r.gain >= 0.0 { fill(w.adds, &[("n", &show(r.gain))]) } else { fill(w.costs, &[("n", &show(-r.gain))]) };
    let moves = match (imp.rank, r.new_rank) {
        (Some(a), Some(b)) if a == b => fill(w.rank_stays, &[("rank", &a.to_string())]),
        (Some(a), Some(b)) => fill(w.rank_moves, &[("from", &a.to_string()), ("to", &b.to_string())]),
        _ => w.not_ranked.to_string(),
    };
    let (from, to) = (format!("{}{unit}", show(r.current_value)), format!("{}{unit}", show(r.target_value)));
    fill(
        w.sentence,
        &[("name", &r.name), ("id", &r.id), ("from", &from), ("to", &to), ("effect", &effect), ("moves", &moves)],
    )
}

/// Scores the data as `nagar score` does, with the framework's names in `lang` (checked first:
/// an unknown language is an error listing the framework's).
fn score_in(a: &ScoreArgs, lang: &str) -> Result<(nagar_core::Framework, nagar_core::pipeline::Scored), Fatal> {
    if lang != "en" {
        check_language(&load_framework(&a.framework)?.framework, lang)?;
    }
    let (lf, mut scored, _, _) = score_file(a)?;
    let fw = in_language(&lf.framework, &mut scored, lang);
    Ok((fw, scored))
}

/// The explanation as a table: `id, contribution`, then the stages of each number; the first
/// row is `baseline`. Texts in `lang` (names come from the framework as given).
pub fn explain_sheet(e: &Explanation, lang: &str) -> Sheet {
    let columns = [
        "id",
        "contribution",
        "name",
        "parent",
        "derived",
        "processed",
        "group_mean",
        "group_sd",
        "normalised",
        "weight",
        "points_per_unit",
        "missing",
        "inputs",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = vec![vec![
        OutCell::text("baseline"),
        OutCell::num(e.baseline),
        OutCell::text(BASELINE.iter().find(|(l, _)| *l == lang).unwrap_or(&BASELINE[0]).1),
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
        OutCell::Empty,
    ]];
    for r in &e.rows {
        let inputs: Vec<String> = r
            .inputs
            .iter()
            .map(|i| {
                let v = match (&i.text, i.value) {
                    (Some(t), _) => t.clone(),
                    (None, Some(x)) => nagar_core::fmt::number(x),
                    (None, None) => String::new(),
                };
                format!("{}={v}", i.id)
            })
            .collect();
        rows.push(vec![
            OutCell::text(&r.id),
            OutCell::num(r.contribution),
            OutCell::text(&r.name),
            OutCell::text(&r.parent),
            num(r.derived),
            num(r.processed),
            num(r.group_mean),
            num(r.group_sd),
            num(r.normalised),
            OutCell::num(r.weight),
            OutCell::num(r.points_per_unit),
            OutCell::text(if r.missing { nagar_core::i18n::text(lang, "word.yes") } else { "" }),
            OutCell::text(inputs.join("; ")),
        ]);
    }
    Sheet { name: "Explain".into(), columns, rows }
}

/// Improvement priorities as a table: `id, target_value, gain, new_index, new_rank`, then the rest.
pub fn improve_sheet(imp: &Improvements) -> Sheet {
    let columns = [
        "id",
        "target_value",
        "gain",
        "new_index",
        "new_rank",
        "name",
        "direction",
        "lever",
        "current_value",
        "new_rank_in_tier",
        "best_value",
        "best_gain",
        "best_new_index",
        "best_new_rank",
        "sentence",
    ]
    .map(String::from)
    .to_vec();
    let rows = imp
        .rows
        .iter()
        .map(|r| {
            vec![
                OutCell::text(&r.id),
                OutCell::num(r.target_value),
                OutCell::num(r.gain),
                OutCell::num(r.new_index),
                rank(r.new_rank),
                OutCell::text(&r.name),
                OutCell::num(r.direction),
                OutCell::text(r.lever.as_str()),
                OutCell::num(r.current_value),
                rank(r.new_rank_in_tier),
                num(r.best_value),
                num(r.best_gain),
                num(r.best_new_index),
                rank(r.best_new_rank),
                OutCell::text(&r.sentence),
            ]
        })
        .collect();
    Sheet { name: "Improve".into(), columns, rows }
}

fn write_sheet(sheet: &Sheet, out: Option<&Path>) -> Result<(), Fatal> {
    match out {
        None => print!("{}", nagar_io::write_csv(sheet)),
        Some(path) => {
            let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            let bytes = match ext.as_str() {
                "csv" => nagar_io::write_csv(sheet).into_bytes(),
                "json" => nagar_io::write_json(sheet).into_bytes(),
                "xlsx" => nagar_io::write_xlsx(std::slice::from_ref(sheet)).map_err(|e| Fatal(e.to_string()))?,
                _ => return Err(Fatal(format!("--out {}: use a .csv, .json or .xlsx file name", path.display()))),
            };
            crate::write_bytes(path, bytes)?;
        }
    }
    Ok(())
}

/// The issues of the unit's own row in full, the others as a count (`nagar validate` lists all).
fn print_unit_issues(scored: &nagar_core::pipeline::Scored, id: &str) {
    let row = scored.unit_index(id.trim()).map(|u| scored.units.source_rows[u]);
    let (mine, others): (Vec<_>, Vec<_>) = scored.issues.iter().cloned().partition(|i| row.is_some() && i.row == row);
    commands::print_issues_stderr(&mine, false);
    if !others.is_empty() {
        eprintln!("{} more issue(s) in other rows of the data (`nagar validate` lists them)", others.len());
    }
}

fn show(x: f64) -> String {
    format!("{x:.2}")
}

pub fn explain(a: &ExplainArgs) -> Result<ExitCode, Fatal> {
    let sort_by_id = match a.sort.trim() {
        "contribution" => false,
        "id" => true,
        s => return Err(Fatal(format!("--sort {s:?}: expected contribution or id"))),
    };
    let (fw, scored) = score_in(&a.common, &a.lang.lang)?;
    print_unit_issues(&scored, &a.ulb);
    let mut e = analysis::explain(&fw, &scored, &a.ulb)?;
    if sort_by_id {
        e.sort_by_id(&fw);
    }
    write_sheet(&explain_sheet(&e, &a.lang.lang), a.common.out.as_deref())?;
    let rank = e.rank.map(|r| format!(", rank {r}")).unwrap_or_else(|| ", not ranked".into());
    let c = e.total - e.baseline;
    eprintln!(
        "{} {}: index {} = baseline {} {} {} from the indicators{rank}",
        e.unit_id,
        e.unit_name,
        show(e.index),
        show(e.baseline),
        if c < 0.0 { "-" } else { "+" },
        show(c.abs())
    );
    Ok(ExitCode::SUCCESS)
}

pub fn improve(a: &ImproveArgs) -> Result<ExitCode, Fatal> {
    let (fw, scored) = score_in(&a.common, &a.lang.lang)?;
    print_unit_issues(&scored, &a.ulb);
    let mut imp = analysis::improve(&fw, &scored, &a.ulb, &ImproveOptions { percentile: a.percentile })?;
    let sentences: Vec<String> = imp.rows.iter().map(|r| improvement_sentence(&fw, &imp, r, &a.lang.lang)).collect();
    for (r, sentence) in imp.rows.iter_mut().zip(sentences) {
        r.sentence = sentence;
    }
    write_sheet(&improve_sheet(&imp), a.common.out.as_deref())?;
    let rank = imp.rank.map(|r| format!(", rank {r}")).unwrap_or_else(|| ", not ranked".into());
    eprintln!("{} {}: index {}{rank}; top improvements:", imp.unit_id, imp.unit_name, show(imp.index));
    for r in imp.rows.iter().take(10) {
        // Spending, size and what is decided elsewhere are marked apart from outcomes.
        let mark = if r.lever.is_outcome() { String::new() } else { format!("[{}] ", r.lever.as_str()) };
        eprintln!("  {mark}{}", r.sentence);
    }
    if imp.rows.is_empty() {
        eprintln!("  none: at or beyond the target on every reported indicator");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nagar_core::pipeline::{score, WeightOverrides};
    use nagar_core::Framework;

    fn mpi() -> (Framework, nagar_core::pipeline::Scored) {
        let f: Framework =
            nagar_io::load_framework(include_bytes!("../../../frameworks/mpi-2019.toml"), "mpi-2019.toml").unwrap();
        let t = nagar_core::demo::demo_table(&f, &nagar_core::demo::census_cities(), 60, 7);
        let s = score(&f, &t, &f.settings, &WeightOverrides::new()).unwrap();
        (f, s)
    }

    #[test]
    fn explain_csv_has_id_contribution_first_and_sums_to_the_index() {
        let (f, s) = mpi();
        let id = s.units.ids[3].clone();
        let e = analysis::explain(&f, &s, &id).unwrap();
        let sheet = explain_sheet(&e, "en");
        assert_eq!(&sheet.columns[..2], &["id".to_string(), "contribution".to_string()]);
        assert_eq!(sheet.rows.len(), 101);
        assert_eq!(sheet.rows[0][0], OutCell::text("baseline"));
        let sum: f64 = sheet.rows.iter().map(|r| if let OutCell::Number(x) = r[1] { x } else { 0.0 }).sum();
        assert!((sum - s.index()[3]).abs() < 1e-9);
    }

    #[test]
    fn improve_csv_columns() {
        let (f, s) = mpi();
        let id = s.units.ids[3].clone();
        let imp = analysis::improve(&f, &s, &id, &ImproveOptions::default()).unwrap();
        let sheet = improve_sheet(&imp);
        assert_eq!(&sheet.columns[..5], &["id", "target_value", "gain", "new_index", "new_rank"].map(String::from));
        assert_eq!(sheet.rows.len(), imp.rows.len());
    }
}
