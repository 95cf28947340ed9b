//! Result tables in the CLI contract (one row per unit: id, name, tier, coverage, index, rank,
//! rank_in_tier, aggregates, derived indicators, `norm:<id>`) plus the Indicators, Issues and
//! Settings sheets of the XLSX export, so any result can be reproduced.

use crate::framework::Framework;
use crate::issue::Issue;
use crate::output::{OutCell, Sheet};
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
    let table = ScoresTable::new(fw, s, prov);
    let rows = (0..s.units.len())
        .map(|u| {
            let mut row = Vec::with_capacity(table.columns.len());
            table.row_into(u, &mut row);
            row
        })
        .collect();
    Sheet { name: "Scores".into(), columns: table.columns, rows }
}

/// The Scores sheet without its rows built: the header, and each row on demand. Writers that
/// stream (the CLI's CSV) fill one reused row at a time instead of holding every row's cells
/// (200,000 units × 235 columns of cells is 1.5 GB).
pub struct ScoresTable<'a> {
    pub columns: Vec<String>,
    s: &'a Scored,
    note: Option<&'a str>,
    has_tiers: bool,
    has_pop: bool,
    agg_cols: Vec<usize>,
    ctx: Vec<&'a [String]>,
    index: &'a [f64],
}

impl<'a> ScoresTable<'a> {
    pub fn new(fw: &Framework, s: &'a Scored, prov: &'a Provenance) -> Self {
        let _ = fw;
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
        let note = prov.dataset_note.as_deref();
        if note.is_some() {
            columns.push("dataset".into());
        }
        ScoresTable {
            columns,
            s,
            note,
            has_tiers,
            has_pop,
            agg_cols,
            ctx: ctx.into_iter().map(|(_, v)| v).collect(),
            index: s.index(),
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
        let s = self.s;
        let rank_cell = |r: Option<u32>| r.map(|r| OutCell::Number(r as f64)).unwrap_or(OutCell::Empty);
        row.clear();
        row.push(OutCell::text(&s.units.ids[u]));
        row.push(OutCell::text(&s.units.names[u]));
        if self.has_tiers {
            row.push(OutCell::text(&s.tier_name[u]));
        }
        row.push(OutCell::num(s.coverage[u]));
        row.push(OutCell::num(self.index[u]));
        row.push(rank_cell(s.rank[u]));
        if self.has_tiers {
            row.push(rank_cell(s.rank_in_tier[u]));
        }
        row.extend(self.agg_cols.iter().map(|&a| OutCell::num(s.aggregates.get(u, a))));
        row.extend((0..s.indicator_ids.len()).map(|j| OutCell::num(s.derived.get(u, j))));
        row.extend((0..s.indicator_ids.len()).map(|j| OutCell::num(s.normalised.get(u, j))));
        row.extend(self.ctx.iter().map(|v| OutCell::text(&v[u])));
        if self.has_pop {
            row.push(OutCell::num(s.units.population[u]));
        }
        row.push(OutCell::text(flag(s, u)));
        if let Some(note) = self.note {
            row.push(OutCell::text(note));
        }
    }
}

/// Why a unit has no rank, in words ("" when ranked).
pub fn flag(s: &Scored, u: usize) -> String {
    if s.screened[u] {
        "screened out: too little data".into()
    } else if s.index()[u].is_nan() {
        "no score".into()
    } else if let Some(g) =
        s.groups.of_unit[u].filter(|&g| s.groups.members[g].len() < s.settings.effective_min_group_size())
    {
        format!("group too small ({} < {}): not ranked", s.groups.members[g].len(), s.settings.min_group_size)
    } else if s.rank[u].is_none() {
        format!("low coverage ({:.0}% < {:.0}%): not ranked", s.coverage[u] * 100.0, s.settings.min_coverage * 100.0)
    } else {
        String::new()
    }
}

/// Long table: one row per unit and indicator, every stage of the number.
pub fn indicators_sheet(fw: &Framework, s: &Scored) -> Sheet {
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
                OutCell::text(&ind.name),
                OutCell::num(s.derived.get(u, j)),
                OutCell::num(s.processed.get(u, j)),
                OutCell::num(m),
                OutCell::num(sd),
                OutCell::num(s.normalised.get(u, j)),
                OutCell::text(if s.derived.get(u, j).is_nan() { "yes" } else { "" }),
            ]);
        }
    }
    Sheet { name: "Indicators".into(), columns, rows }
}

pub fn issues_sheet(issues: &[Issue]) -> Sheet {
    let columns = ["file", "row", "column", "value", "severity", "message"].map(String::from).to_vec();
    let rows = issues
        .iter()
        .map(|i| {
            vec![
                OutCell::text(&i.file),
                i.row.map(|r| OutCell::Number(r as f64)).unwrap_or(OutCell::Empty),
                OutCell::text(i.column.clone().unwrap_or_default()),
                OutCell::text(i.value.clone().unwrap_or_default()),
                OutCell::text(i.severity.as_str()),
                OutCell::text(&i.message),
            ]
        })
        .collect();
    Sheet { name: "Issues".into(), columns, rows }
}

pub fn settings_sheet(fw: &Framework, s: &Scored, weights: &WeightOverrides, prov: &Provenance) -> Sheet {
    let st = &s.settings;
    let mut kv: Vec<(String, String)> = vec![
        ("framework_id".into(), fw.id.clone()),
        ("framework_name".into(), fw.name.clone()),
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
        ("screen".into(), st.screen.map(crate::fmt::number).unwrap_or_else(|| "none".into())),
        ("units_scored".into(), s.units.len().to_string()),
        ("units_ranked".into(), s.rank.iter().filter(|r| r.is_some()).count().to_string()),
    ];
    let mut w: Vec<(&String, &f64)> = weights.iter().collect();
    w.sort_by(|a, b| a.0.cmp(b.0));
    for (id, v) in w {
        kv.push((format!("weight:{id}"), crate::fmt::number(*v)));
    }
    if let Some(note) = &prov.dataset_note {
        kv.insert(0, ("dataset".into(), note.clone()));
    }
    Sheet {
        name: "Settings".into(),
        columns: vec!["setting".into(), "value".into()],
        rows: kv.into_iter().map(|(k, v)| vec![OutCell::Text(k), OutCell::Text(v)]).collect(),
    }
}
