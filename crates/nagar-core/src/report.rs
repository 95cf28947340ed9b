//! Result tables in the CLI contract (one row per unit: id, name, tier, coverage, index, rank,
//! rank_in_tier, aggregates, derived indicators, `norm:<id>`) plus the Indicators, Issues and
//! Settings sheets of the XLSX export, so any result can be reproduced.

use crate::framework::{Framework, TierScheme};
use crate::i18n::{fill, English, Language, Words};
use crate::issue::Issue;
use crate::output::{CellSink, OutCell, Sheet};
use crate::pipeline::{Scored, WeightOverrides};

/// Facts about the run that are not in [`Scored`]: where the framework and data came from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub framework_source: String,
    pub framework_hash: String,
    pub data_file: String,
    pub tool_version: String,
    /// Set for demo data: every export says so ("synthetic demo data").
    pub dataset_note: Option<String>,
}

fn has_any(v: &[String]) -> bool {
    v.iter().any(|s| !s.is_empty())
}

pub fn scores_sheet(fw: &Framework, s: &Scored, prov: &Provenance) -> Sheet {
    scores_sheet_with(fw, s, prov, English)
}

/// The Scores sheet with its texts in `lang` (tier names, flags, the demo note, the sheet name);
/// column ids and numbers are those of [`scores_sheet`].
pub fn scores_sheet_in(fw: &Framework, s: &Scored, prov: &Provenance, lang: &str) -> Sheet {
    scores_sheet_with(fw, s, prov, Language(lang))
}

/// The demo note in `w`'s language (other notes as given).
fn dataset_note_with(note: &str, w: &impl Words) -> String {
    if note == English.text("dataset.demo") {
        w.text("dataset.demo").to_string()
    } else {
        note.to_string()
    }
}

fn scores_sheet_with<W: Words>(fw: &Framework, s: &Scored, prov: &Provenance, w: W) -> Sheet {
    let name = w.text("sheet.scores").into();
    let table = ScoresTable::with(fw, s, prov, w);
    let rows = (0..s.units.len())
        .map(|u| {
            let mut row = Vec::with_capacity(table.columns.len());
            table.row_into(u, &mut row);
            row
        })
        .collect();
    Sheet { name, columns: table.columns, rows }
}

/// The Scores sheet without its rows built: the header, and each row on demand, with its texts
/// in the language of `W` (as [`scores_sheet`] / [`scores_sheet_in`]). Writers that stream (the
/// CLI's CSV) fill one reused row at a time instead of holding every row's cells (200,000 units
/// × 235 columns of cells is 1.5 GB).
pub struct ScoresTable<'a, W: Words = English> {
    pub columns: Vec<String>,
    s: &'a Scored,
    w: W,
    scheme: Option<&'a TierScheme>,
    note: Option<String>,
    has_tiers: bool,
    has_pop: bool,
    agg_cols: Vec<usize>,
    ctx: Vec<&'a [String]>,
    index: &'a [f64],
    flags: Flags<'a>,
}

impl<'a> ScoresTable<'a, English> {
    /// The table in English (= [`scores_sheet`]).
    pub fn new(fw: &'a Framework, s: &'a Scored, prov: &Provenance) -> Self {
        Self::with(fw, s, prov, English)
    }
}

impl<'a, 'l> ScoresTable<'a, Language<'l>> {
    /// The table with its texts in `lang` (= [`scores_sheet_in`]).
    pub fn new_in(fw: &'a Framework, s: &'a Scored, prov: &Provenance, lang: &'l str) -> Self {
        Self::with(fw, s, prov, Language(lang))
    }
}

impl<'a, W: Words> ScoresTable<'a, W> {
    pub fn with(fw: &'a Framework, s: &'a Scored, prov: &Provenance, w: W) -> Self {
        let has_tiers = !s.settings.tiers.is_empty();
        let mut columns = vec![s.units.id_header.clone(), "name".to_string()];
        if has_tiers {
            columns.push("tier".into());
        }
        columns.extend(["coverage".to_string(), "index".to_string(), "rank".to_string()]);
        if has_tiers {
            columns.push("rank_in_tier".into());
        }
        let root = s.plan.root;
        let agg_cols: Vec<usize> = (0..s.aggregate_ids.len())
            .filter(|&a| !(a == root && s.aggregate_ids[a].eq_ignore_ascii_case("index")))
            .collect();
        columns.extend(agg_cols.iter().map(|&a| s.aggregate_ids[a].clone()));
        columns.extend(s.indicator_ids.iter().cloned());
        columns.extend(s.indicator_ids.iter().map(|id| format!("norm:{id}")));
        let ctx: Vec<(&str, &'a [String])> =
            [("state", &s.units.state[..]), ("zone", &s.units.zone[..]), ("terrain", &s.units.terrain[..])]
                .into_iter()
                .filter(|(_, v)| has_any(v))
                .collect();
        columns.extend(ctx.iter().map(|(n, _)| n.to_string()));
        let has_pop = s.units.population.iter().any(|p| !p.is_nan());
        if has_pop {
            columns.push("population".into());
        }
        columns.push("flag".into());
        let note = prov.dataset_note.as_deref().map(|n| dataset_note_with(n, &w));
        if note.is_some() {
            columns.push("dataset".into());
        }
        let flags = Flags::new(s, &w);
        ScoresTable {
            columns,
            s,
            scheme: fw.tier_scheme(&s.settings.tiers),
            w,
            note,
            has_tiers,
            has_pop,
            agg_cols,
            ctx: ctx.into_iter().map(|(_, v)| v).collect(),
            index: s.index(),
            flags,
        }
    }

    /// The number of rows (one per unit).
    pub fn len(&self) -> usize {
        self.s.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Unit `u`'s row, replacing the contents of `row`.
    pub fn row_into(&self, u: usize, row: &mut Vec<OutCell>) {
        row.clear();
        self.row_to(u, row);
    }

    /// Unit `u`'s row, cell by cell into `sink` (the CLI's CSV writer formats each straight
    /// into its text, without a row of cells in between).
    pub fn row_to(&self, u: usize, sink: &mut impl CellSink) {
        let s = self.s;
        let rank_cell = |sink: &mut _, r: Option<u32>| match r {
            Some(r) => CellSink::number(sink, f64::from(r)),
            None => CellSink::empty(sink),
        };
        sink.text(&s.units.ids[u]);
        sink.text(&s.units.names[u]);
        if self.has_tiers {
            let name = &s.tier_name[u];
            let tier = self.scheme.and_then(|sc| sc.tiers.iter().find(|t| t.name == *name));
            sink.text(tier.map_or(name.as_str(), |t| self.w.name(t)));
        }
        sink.number(s.coverage[u]);
        sink.number(self.index[u]);
        rank_cell(sink, s.rank[u]);
        if self.has_tiers {
            rank_cell(sink, s.rank_in_tier[u]);
        }
        sink.numbers(self.agg_cols.iter().map(|&a| s.aggregates.get(u, a)));
        sink.numbers((0..s.indicator_ids.len()).map(|j| s.derived.get(u, j)));
        sink.numbers((0..s.indicator_ids.len()).map(|j| s.normalised.get(u, j)));
        for v in &self.ctx {
            sink.text(&v[u]);
        }
        if self.has_pop {
            sink.number(s.units.population[u]);
        }
        sink.text(&self.flags.of(u));
        if let Some(note) = &self.note {
            sink.text(note);
        }
    }
}

/// Why a unit has no rank, in words ("" when ranked).
pub fn flag(s: &Scored, u: usize) -> String {
    flag_with(s, u, &English)
}

/// [`flag`] in `lang`.
pub fn flag_in(s: &Scored, u: usize, lang: &str) -> String {
    flag_with(s, u, &Language(lang))
}

fn flag_with(s: &Scored, u: usize, w: &impl Words) -> String {
    Flags::new(s, w).of(u)
}

/// Why units have no rank ([`flag`]), for many units: the words are looked up once (a lookup
/// scans the catalogue; done for each of 5,000 units, it was a tenth of the page's results).
pub struct Flags<'a> {
    s: &'a Scored,
    screened: &'static str,
    no_score: &'static str,
    small_group: &'static str,
    low_coverage: &'static str,
}

impl<'a> Flags<'a> {
    pub fn new(s: &'a Scored, w: &impl Words) -> Self {
        Flags {
            s,
            screened: w.text("flag.screened"),
            no_score: w.text("flag.no_score"),
            small_group: w.text("flag.small_group"),
            low_coverage: w.text("flag.low_coverage"),
        }
    }

    /// In English.
    pub fn english(s: &'a Scored) -> Self {
        Self::new(s, &English)
    }

    /// Unit `u`'s flag ("" when ranked).
    pub fn of(&self, u: usize) -> String {
        let s = self.s;
        if s.screened[u] {
            self.screened.into()
        } else if s.index()[u].is_nan() {
            self.no_score.into()
        } else if let Some(g) =
            s.groups.of_unit[u].filter(|&g| s.groups.members[g].len() < s.settings.effective_min_group_size())
        {
            let size = s.groups.members[g].len().to_string();
            let min = s.settings.min_group_size.to_string();
            fill(self.small_group, &[("size", &size), ("min", &min)])
        } else if s.rank[u].is_none() {
            let coverage = format!("{:.0}", s.coverage[u] * 100.0);
            let min = format!("{:.0}", s.settings.min_coverage * 100.0);
            fill(self.low_coverage, &[("coverage", &coverage), ("min", &min)])
        } else {
            String::new()
        }
    }
}

/// Long table: one row per unit and indicator, every stage of the number.
pub fn indicators_sheet(fw: &Framework, s: &Scored) -> Sheet {
    indicators_sheet_with(fw, s, &English)
}

/// [`indicators_sheet`] with indicator names and words in `lang`.
pub fn indicators_sheet_in(fw: &Framework, s: &Scored, lang: &str) -> Sheet {
    indicators_sheet_with(fw, s, &Language(lang))
}

fn indicators_sheet_with(fw: &Framework, s: &Scored, w: &impl Words) -> Sheet {
    let yes = w.text("word.yes");
    let columns = [
        s.units.id_header.as_str(),
        "indicator",
        "name",
        "derived",
        "processed",
        "group_mean",
        "group_sd",
        "normalised",
        "missing",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::with_capacity(s.units.len() * s.indicator_ids.len());
    for u in 0..s.units.len() {
        let g = s.groups.of_unit[u];
        for (j, ind) in fw.indicators.iter().enumerate() {
            let (m, sd) = g.map(|g| s.group_stats[j][g]).unwrap_or((f64::NAN, f64::NAN));
            rows.push(vec![
                OutCell::text(&s.units.ids[u]),
                OutCell::text(&ind.id),
                OutCell::text(w.name(ind)),
                OutCell::num(s.derived.get(u, j)),
                OutCell::num(s.processed.get(u, j)),
                OutCell::num(m),
                OutCell::num(sd),
                OutCell::num(s.normalised.get(u, j)),
                OutCell::text(if s.derived.get(u, j).is_nan() { yes } else { "" }),
            ]);
        }
    }
    Sheet { name: w.text("sheet.indicators").into(), columns, rows }
}

pub fn issues_sheet(issues: &[Issue]) -> Sheet {
    issues_sheet_with(issues, &English)
}

/// [`issues_sheet`] with the severity and sheet name in `lang` (messages stay in English).
pub fn issues_sheet_in(issues: &[Issue], lang: &str) -> Sheet {
    issues_sheet_with(issues, &Language(lang))
}

fn issues_sheet_with(issues: &[Issue], w: &impl Words) -> Sheet {
    let severity = |s: crate::issue::Severity| match s {
        crate::issue::Severity::Info => w.text("severity.info"),
        crate::issue::Severity::Warning => w.text("severity.warning"),
        crate::issue::Severity::Error => w.text("severity.error"),
    };
    let columns = ["file", "row", "column", "value", "severity", "message"].map(String::from).to_vec();
    let rows = issues
        .iter()
        .map(|i| {
            vec![
                OutCell::text(&i.file),
                i.row.map(|r| OutCell::Number(r as f64)).unwrap_or(OutCell::Empty),
                OutCell::text(i.column.clone().unwrap_or_default()),
                OutCell::text(i.value.clone().unwrap_or_default()),
                OutCell::text(severity(i.severity)),
                OutCell::text(&i.message),
            ]
        })
        .collect();
    Sheet { name: w.text("sheet.issues").into(), columns, rows }
}

pub fn settings_sheet(fw: &Framework, s: &Scored, weights: &WeightOverrides, prov: &Provenance) -> Sheet {
    settings_sheet_with(fw, s, weights, prov, &English)
}

/// [`settings_sheet`] with the framework's name, the demo note and words in `lang`; setting ids
/// and numbers unchanged.
pub fn settings_sheet_in(
    fw: &Framework,
    s: &Scored,
    weights: &WeightOverrides,
    prov: &Provenance,
    lang: &str,
) -> Sheet {
    settings_sheet_with(fw, s, weights, prov, &Language(lang))
}

fn settings_sheet_with(
    fw: &Framework,
    s: &Scored,
    weights: &WeightOverrides,
    prov: &Provenance,
    w: &impl Words,
) -> Sheet {
    let st = &s.settings;
    let mut kv: Vec<(String, String)> = vec![
        ("framework_id".into(), fw.id.clone()),
        ("framework_name".into(), w.name(fw).to_string()),
        ("framework_version".into(), fw.version.clone()),
        ("framework_source".into(), prov.framework_source.clone()),
        ("framework_sha256".into(), prov.framework_hash.clone()),
        ("data_file".into(), prov.data_file.clone()),
        ("tool".into(), format!("nagar {}", prov.tool_version)),
        ("normalise".into(), st.normalise.label()),
        ("aggregate".into(), st.aggregate.label()),
        ("missing".into(), st.missing.label()),
        ("group".into(), st.group.label()),
        ("tiers".into(), st.tiers.clone()),
        ("min_coverage".into(), crate::fmt::number(st.min_coverage)),
        ("min_group_size".into(), st.min_group_size.to_string()),
        ("impute".into(), st.impute.label()),
        ("treat".into(), st.treat.label()),
        ("denominate".into(), st.denominate.to_string()),
        ("screen".into(), st.screen.map(crate::fmt::number).unwrap_or_else(|| w.text("word.none").into())),
        ("units_scored".into(), s.units.len().to_string()),
        ("units_ranked".into(), s.rank.iter().filter(|r| r.is_some()).count().to_string()),
    ];
    let mut sorted: Vec<(&String, &f64)> = weights.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.0.cmp(b.0));
    for (id, v) in sorted {
        kv.push((format!("weight:{id}"), crate::fmt::number(*v)));
    }
    if let Some(note) = &prov.dataset_note {
        kv.insert(0, ("dataset".into(), dataset_note_with(note, w)));
    }
    Sheet {
        name: w.text("sheet.settings").into(),
        columns: vec!["setting".into(), "value".into()],
        rows: kv.into_iter().map(|(k, v)| vec![OutCell::Text(k), OutCell::Text(v)]).collect(),
    }
}

/// What each aggregate and indicator column of the Scores sheet is: id, name in `lang`, type,
/// parent, weight in this run (the framework's, or its override), unit and direction
/// (indicators), in the Scores sheet's column order.
pub fn dictionary_sheet(fw: &Framework, s: &Scored, weights: &WeightOverrides, lang: &str) -> Sheet {
    let w = Language(lang);
    let weight = |id: &str, w: f64| OutCell::num(weights.get(id).copied().unwrap_or(w));
    let columns = [
        "results.column",
        "results.name",
        "results.type",
        "results.parent",
        "results.weight",
        "results.unit",
        "results.direction",
    ]
    .map(|k| w.text(k).to_string())
    .to_vec();
    let root = s.plan.root;
    let mut rows = Vec::new();
    for (a, id) in s.aggregate_ids.iter().enumerate() {
        if a == root && id.eq_ignore_ascii_case("index") {
            continue;
        }
        let Some(agg) = fw.aggregates.iter().find(|x| &x.id == id) else { continue };
        rows.push(vec![
            OutCell::text(id),
            OutCell::text(w.name(agg)),
            OutCell::text(w.text("results.aggregate")),
            OutCell::text(agg.parent.clone().unwrap_or_default()),
            weight(id, agg.weight),
            OutCell::Empty,
            OutCell::Empty,
        ]);
    }
    for id in &s.indicator_ids {
        let Some(ind) = fw.indicators.iter().find(|x| &x.id == id) else { continue };
        let direction = if ind.direction < 0.0 { "results.lower_better" } else { "results.higher_better" };
        rows.push(vec![
            OutCell::text(id),
            OutCell::text(w.name(ind)),
            OutCell::text(w.text("results.indicator")),
            OutCell::text(&ind.parent),
            weight(id, ind.weight),
            OutCell::text(w.unit(fw, &ind.unit)),
            OutCell::text(w.text(direction)),
        ]);
    }
    Sheet { name: w.text("sheet.dictionary").into(), columns, rows }
}
