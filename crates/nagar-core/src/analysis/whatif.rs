//! Private preview ("where would we rank among the published units?") and live what-if changes
//! of one unit's inputs.
//!
//! [`preview`] scores the published table with and without my rows and reports my scores and
//! every other unit's rank change. [`WhatIf`] holds a scored state (usually the combined one)
//! and takes changed input values for one unit. Its fast path re-derives the indicators that
//! read the changed input (whole columns, so derivations that depend on the group such as
//! `above_group_mean` stay right), re-applies caps/floors, re-normalises only those columns in
//! the affected groups, re-aggregates only the aggregates above them and re-ranks. When that is
//! not exact (imputation, treatment, denomination or screening on; or the input is also the
//! population/grouping column, which moves units between tiers) it re-scores the edited table
//! in full. Both give the same numbers as scoring the edited file from scratch
//! (`tests/analysis.rs`).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{
    clamp, column_local_processing, eval_node, find_unit, opt, renormalise_group, AnalysisError, Ranker, Scratch, Tree,
};
use crate::derive::{Derivation, EvalContext};
use crate::framework::{Framework, InputKind};
use crate::inputs;
use crate::issue::Issue;
use crate::pipeline::{self, Scored, WeightOverrides};
use crate::settings::{Group, Settings};
use crate::table::{normalise_header, Cell, CellRef, RawTable};

/// One aggregate's score for a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeScore {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
    pub value: Option<f64>,
}

/// A unit's scores: index, ranks and every aggregate (verticals, sectors).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScores {
    pub id: String,
    pub name: String,
    /// The id in my file when it was renamed (`add-as-new`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_id: Option<String>,
    pub tier: String,
    pub coverage: f64,
    pub index: Option<f64>,
    pub rank: Option<u32>,
    pub rank_in_tier: Option<u32>,
    /// Number of ranked units in the unit's comparison group.
    pub ranked_units: usize,
    /// Why the unit has no rank ("" when ranked).
    pub flag: String,
    /// Every aggregate except the root, in framework order.
    pub nodes: Vec<NodeScore>,
}

pub(crate) fn unit_scores(fw: &Framework, s: &Scored, u: usize) -> UnitScores {
    let ranked_units = match s.groups.of_unit[u] {
        Some(g) => s.groups.members[g].iter().filter(|&&v| s.rank[v].is_some()).count(),
        None => 0,
    };
    UnitScores {
        id: s.units.ids[u].clone(),
        name: s.units.names[u].clone(),
        original_id: None,
        tier: s.tier_name[u].clone(),
        coverage: s.coverage[u],
        index: opt(s.index()[u]),
        rank: s.rank[u],
        rank_in_tier: s.rank_in_tier[u],
        ranked_units,
        flag: crate::report::flag(s, u),
        nodes: fw
            .aggregates
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != s.plan.root)
            .map(|(k, a)| NodeScore {
                id: a.id.clone(),
                name: a.name.clone(),
                parent: a.parent.clone(),
                value: opt(s.aggregates.get(u, k)),
            })
            .collect(),
    }
}

/// What to do when an id of my file is already in the published data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Collision {
    /// Score my row instead of the published one.
    Replace,
    /// Keep both; my row gets the id with a suffix (`-mine`, then `-mine-2`, ...).
    AddAsNew,
}

impl Collision {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "replace" => Ok(Collision::Replace),
            "add-as-new" | "add" | "new" => Ok(Collision::AddAsNew),
            _ => Err(format!("unknown collision choice {s:?}; expected replace or add-as-new")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct PreviewOptions {
    /// `None`: an id collision is an error asking which to do.
    pub on_collision: Option<Collision>,
    /// Suffix for `add-as-new` (default `-mine`).
    pub suffix: String,
}

impl Default for PreviewOptions {
    fn default() -> Self {
        PreviewOptions { on_collision: None, suffix: "-mine".into() }
    }
}

/// How one published unit's rank moves when my rows are included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankMove {
    pub id: String,
    pub name: String,
    pub rank_before: Option<u32>,
    pub rank_after: Option<u32>,
    /// `rank_before − rank_after`: positive = moved up; `None` when either is missing.
    pub change: Option<i64>,
    pub rank_in_tier_before: Option<u32>,
    pub rank_in_tier_after: Option<u32>,
    pub index_before: Option<f64>,
    pub index_after: Option<f64>,
}

/// The preview for the page: my units' scores and everyone else's rank change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewReport {
    pub framework: String,
    pub published_units: usize,
    pub ranked_before: usize,
    pub ranked_after: usize,
    pub mine: Vec<UnitScores>,
    /// Every published unit still in the data (replaced ones are listed in `replaced`), in
    /// published order.
    pub moves: Vec<RankMove>,
    pub replaced: Vec<String>,
    /// (id in my file, id used).
    pub renamed: Vec<(String, String)>,
    /// Problems in my file (with my file's name and rows).
    pub my_issues: Vec<Issue>,
    pub warnings: Vec<String>,
}

/// The two scored states of a preview.
#[derive(Debug, Clone)]
pub struct Preview {
    pub framework: Framework,
    pub settings: Settings,
    pub weights: WeightOverrides,
    /// Published rows (less replaced ones) followed by mine.
    pub combined: RawTable,
    pub without: Scored,
    pub with: Scored,
    /// Ids of my units in `with`, in my file's order.
    pub mine: Vec<String>,
    pub replaced: Vec<String>,
    pub renamed: Vec<(String, String)>,
    pub my_issues: Vec<Issue>,
    pub warnings: Vec<String>,
}

fn id_column(fw: &Framework, t: &RawTable) -> Option<usize> {
    std::iter::once(&fw.columns.id).chain(&fw.columns.id_aliases).find_map(|n| t.column_index(n))
}

/// Column of each framework input field in a table (by id, then by label).
fn field_columns(fw: &Framework, t: &RawTable) -> Vec<(String, Option<usize>)> {
    inputs::input_kinds(fw)
        .into_iter()
        .map(|(id, _)| {
            let k = t.column_index(&id).or_else(|| fw.input(&id).and_then(|f| t.column_index(&f.label)));
            (id, k)
        })
        .collect()
}

fn check_table(fw: &Framework, t: &RawTable, what: &str) -> Result<Vec<(String, Option<usize>)>, AnalysisError> {
    if t.is_empty() {
        return Err(AnalysisError::Preview(format!("{what} {}: no data rows", t.file)));
    }
    if id_column(fw, t).is_none() {
        return Err(AnalysisError::Preview(format!(
            "{what} {} has no id column {:?} of framework {}: was it prepared for another framework? (its columns: {})",
            t.file,
            fw.columns.id,
            fw.id,
            t.columns.iter().take(8).cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    let cols = field_columns(fw, t);
    if !cols.is_empty() && cols.iter().all(|(_, k)| k.is_none()) {
        let ex: Vec<&str> = cols.iter().take(4).map(|(id, _)| id.as_str()).collect();
        return Err(AnalysisError::Preview(format!(
            "{what} {} has none of the input columns of framework {} (such as {}): was it prepared for another \
             framework? Download the template to see every expected column",
            t.file,
            fw.id,
            ex.join(", ")
        )));
    }
    Ok(cols)
}

/// Score `published` with and without the rows of `mine` (see the module docs).
pub fn preview(
    fw: &Framework,
    published: &RawTable,
    mine: &RawTable,
    settings: &Settings,
    weights: &WeightOverrides,
    opts: &PreviewOptions,
) -> Result<Preview, AnalysisError> {
    let pub_cols = check_table(fw, published, "the published data")?;
    let my_cols = check_table(fw, mine, "my file")?;
    let mut warnings = Vec::new();
    let pub_id = id_column(fw, published).unwrap_or(0);
    let my_id = id_column(fw, mine).unwrap_or(0);
    let absent: Vec<&str> = pub_cols
        .iter()
        .zip(&my_cols)
        .filter(|((_, p), (_, m))| p.is_some() && m.is_none())
        .map(|((id, _), _)| id.as_str())
        .collect();
    if !absent.is_empty() {
        warnings.push(format!(
            "my file lacks {} input column(s) that the published data has (those indicators are missing for me): {}",
            absent.len(),
            absent.join(", ")
        ));
    }

    // My own issues, with my file's name and rows.
    let mut my_issues = Vec::new();
    inputs::read_units_and_inputs(fw, mine, &[], &mut my_issues).map_err(|e| AnalysisError::Score(e.into()))?;

    // Ids and collisions.
    let id_text =
        |t: &RawTable, r: usize, k: usize| t.row(r).get(k).map(|c| c.display().trim().to_string()).unwrap_or_default();
    let pub_ids: HashSet<String> = (0..published.n_rows()).map(|r| id_text(published, r, pub_id)).collect();
    let mut collisions: Vec<String> = Vec::new();
    for r in 0..mine.n_rows() {
        let id = id_text(mine, r, my_id);
        if !id.is_empty() && pub_ids.contains(&id) && !collisions.contains(&id) {
            collisions.push(id);
        }
    }
    let mut replaced = Vec::new();
    let mut renamed = Vec::new();
    let mut new_ids: HashMap<usize, String> = HashMap::new();
    if !collisions.is_empty() {
        match opts.on_collision {
            None => return Err(AnalysisError::IdCollision { ids: collisions, suffix: opts.suffix.clone() }),
            Some(Collision::Replace) => replaced = collisions.clone(),
            Some(Collision::AddAsNew) => {
                let mut taken: HashSet<String> = pub_ids.clone();
                for r in 0..mine.n_rows() {
                    taken.insert(id_text(mine, r, my_id));
                }
                for r in 0..mine.n_rows() {
                    let id = id_text(mine, r, my_id);
                    if !collisions.contains(&id) || renamed.iter().any(|(a, _): &(String, String)| a == &id) {
                        continue;
                    }
                    let mut k = 1;
                    let mut cand = format!("{id}{}", opts.suffix);
                    while taken.contains(&cand) {
                        k += 1;
                        cand = format!("{id}{}-{k}", opts.suffix);
                    }
                    taken.insert(cand.clone());
                    new_ids.insert(r, cand.clone());
                    renamed.push((id, cand));
                }
            }
        }
    }

    // The combined table: published columns, then my columns it lacks.
    let mut combined = RawTable::new(published.file.clone(), published.columns.clone());
    let mut map: Vec<usize> = Vec::with_capacity(mine.columns.len());
    let field_of: HashMap<usize, usize> =
        my_cols.iter().enumerate().filter_map(|(f, (_, k))| k.map(|k| (k, f))).collect();
    for (c, name) in mine.columns.iter().enumerate() {
        let target = if c == my_id {
            Some(pub_id)
        } else if let Some(k) = field_of.get(&c).and_then(|&f| pub_cols[f].1) {
            Some(k)
        } else {
            combined.column_index(name)
        };
        let k = match target {
            Some(k) if !map.contains(&k) => k,
            _ => {
                combined.columns.push(name.clone());
                combined.columns.len() - 1
            }
        };
        map.push(k);
    }
    let width = combined.columns.len();
    let replaced_set: HashSet<&str> = replaced.iter().map(|s| s.as_str()).collect();
    for (r, row) in published.rows().enumerate() {
        if replaced_set.contains(id_text(published, r, pub_id).as_str()) {
            continue;
        }
        combined.push_row_from(row.iter(), published.source_row(r).unwrap_or(r + 2));
    }
    let mut mine_ids = Vec::new();
    for (r, row) in mine.rows().enumerate() {
        let mut cells = vec![CellRef::Empty; width];
        for (c, cell) in row.iter().enumerate() {
            if let Some(&k) = map.get(c) {
                cells[k] = cell;
            }
        }
        let id = new_ids.get(&r).cloned().unwrap_or_else(|| id_text(mine, r, my_id));
        cells[pub_id] = CellRef::Text(&id);
        combined.push_row_from(cells, mine.source_row(r).unwrap_or(r + 2));
        if !id.is_empty() && !mine_ids.contains(&id) {
            mine_ids.push(id);
        }
    }

    let without = pipeline::score(fw, published, settings, weights)?;
    let with = pipeline::score(fw, &combined, settings, weights)?;
    let mine_ids: Vec<String> = mine_ids.into_iter().filter(|id| with.unit_index(id).is_some()).collect();
    if mine_ids.is_empty() {
        return Err(AnalysisError::Preview(format!("my file {}: no usable row (every row was rejected)", mine.file)));
    }
    Ok(Preview {
        framework: fw.clone(),
        settings: settings.clone(),
        weights: weights.clone(),
        combined,
        without,
        with,
        mine: mine_ids,
        replaced,
        renamed,
        my_issues,
        warnings,
    })
}

impl Preview {
    /// My scores and everyone's rank change with my rows as uploaded.
    pub fn report(&self) -> PreviewReport {
        self.report_with(&self.with, true)
    }

    /// The same for the current state of a what-if session started with [`Preview::what_if`]
    /// (my changed inputs): my new scores and everyone's rank change against the published ranks.
    pub fn report_for(&self, what_if: &WhatIf) -> PreviewReport {
        self.report_with(what_if.scored(), true)
    }

    /// [`Preview::report_for`] without `moves` (left empty): my scores and the counts only, for
    /// answering a what-if change at once; everyone's moves can follow with `report_for`.
    pub fn summary_for(&self, what_if: &WhatIf) -> PreviewReport {
        self.report_with(what_if.scored(), false)
    }

    fn report_with(&self, w: &Scored, with_moves: bool) -> PreviewReport {
        let fw = &self.framework;
        let mine: Vec<UnitScores> = self
            .mine
            .iter()
            .filter_map(|id| w.unit_index(id))
            .map(|u| {
                let mut s = unit_scores(fw, w, u);
                s.original_id = self.renamed.iter().find(|(_, b)| *b == s.id).map(|(a, _)| a.clone());
                s
            })
            .collect();
        let wo = &self.without;
        let (pos, mine_set): (HashMap<&str, usize>, HashSet<&str>) = if with_moves {
            (
                w.units.ids.iter().enumerate().map(|(u, id)| (id.as_str(), u)).collect(),
                self.mine.iter().map(|s| s.as_str()).collect(),
            )
        } else {
            Default::default()
        };
        let moves = (0..if with_moves { wo.units.len() } else { 0 })
            .filter_map(|v| {
                let id = &wo.units.ids[v];
                let u = *pos.get(id.as_str())?;
                if mine_set.contains(id.as_str()) {
                    return None;
                }
                let (b, a) = (wo.rank[v], w.rank[u]);
                Some(RankMove {
                    id: id.clone(),
                    name: wo.units.names[v].clone(),
                    rank_before: b,
                    rank_after: a,
                    change: match (b, a) {
                        (Some(b), Some(a)) => Some(b as i64 - a as i64),
                        _ => None,
                    },
                    rank_in_tier_before: wo.rank_in_tier[v],
                    rank_in_tier_after: w.rank_in_tier[u],
                    index_before: opt(wo.index()[v]),
                    index_after: opt(w.index()[u]),
                })
            })
            .collect();
        PreviewReport {
            framework: fw.id.clone(),
            published_units: wo.units.len(),
            ranked_before: wo.rank.iter().flatten().count(),
            ranked_after: w.rank.iter().flatten().count(),
            mine,
            moves,
            replaced: self.replaced.clone(),
            renamed: self.renamed.clone(),
            my_issues: self.my_issues.clone(),
            warnings: self.warnings.clone(),
        }
    }

    /// A what-if session for one of my units, starting from the combined scored state.
    pub fn what_if(&self, unit_id: &str) -> Result<WhatIf, AnalysisError> {
        WhatIf::from_scored(&self.framework, self.combined.clone(), self.with.clone(), &self.weights, unit_id)
    }
}

/// The outcome of a what-if change, for the unit being changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIfResult {
    pub scores: UnitScores,
    /// Indicators whose derived value changed for the unit with this change.
    pub changed: Vec<IndicatorValue>,
    /// Warnings about the value (used anyway), e.g. a percentage above 100.
    pub warnings: Vec<String>,
    /// The change needed a full re-score (see the module docs) instead of the fast path.
    pub full_rescore: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub id: String,
    pub derived: Option<f64>,
    pub normalised: Option<f64>,
}

/// A scored state that takes changed inputs for one unit (see the module docs).
#[derive(Debug, Clone)]
pub struct WhatIf {
    fw: Framework,
    weights: WeightOverrides,
    table: RawTable,
    scored: Scored,
    unit: usize,
    unit_id: String,
    tree: Tree,
    ranker: Ranker,
    /// Per input field: a framework with only the row-local indicators reading it, for
    /// re-deriving one row (built on first use).
    local: HashMap<String, Option<Local>>,
    derivations: Vec<Derivation>,
    uses: HashMap<String, Vec<usize>>,
    kinds: HashMap<String, InputKind>,
    fast: Result<(), String>,
    scratch: Scratch,
    buf: Vec<f64>,
}

impl WhatIf {
    /// Score `table` and start a what-if session for unit `unit_id`.
    pub fn new(
        fw: &Framework,
        table: RawTable,
        settings: &Settings,
        weights: &WeightOverrides,
        unit_id: &str,
    ) -> Result<WhatIf, AnalysisError> {
        let scored = pipeline::score(fw, &table, settings, weights)?;
        WhatIf::from_scored(fw, table, scored, weights, unit_id)
    }

    /// Start from a state already scored from `table` with `fw`, `scored.settings` and `weights`.
    pub fn from_scored(
        fw: &Framework,
        table: RawTable,
        scored: Scored,
        weights: &WeightOverrides,
        unit_id: &str,
    ) -> Result<WhatIf, AnalysisError> {
        let unit = find_unit(&scored, unit_id)?;
        let derivations: Vec<Derivation> = fw.indicators.iter().map(|i| i.derivation().into_owned()).collect();
        let mut uses: HashMap<String, Vec<usize>> = HashMap::new();
        for (j, d) in derivations.iter().enumerate() {
            for f in d.inputs() {
                uses.entry(f).or_default().push(j);
            }
        }
        let fast = column_local_processing(&scored.settings, false);
        Ok(WhatIf {
            fw: fw.clone(),
            weights: weights.clone(),
            tree: Tree::new(&scored.plan, scored.indicator_ids.len(), scored.aggregate_ids.len()),
            ranker: Ranker::new(&scored),
            local: HashMap::new(),
            kinds: inputs::input_kinds(fw).into_iter().collect(),
            unit_id: scored.units.ids[unit].clone(),
            table,
            scored,
            unit,
            derivations,
            uses,
            fast,
            scratch: Scratch::default(),
            buf: Vec::new(),
        })
    }

    /// The current scored state (every unit, every stage).
    pub fn scored(&self) -> &Scored {
        &self.scored
    }
    /// The table with every change applied (what a full re-score would read).
    pub fn table(&self) -> &RawTable {
        &self.table
    }
    pub fn unit_id(&self) -> &str {
        &self.unit_id
    }

    /// The unit's current value of every input field (numbers, 1/0 for Y/N, text for text
    /// fields), for filling the form.
    pub fn inputs(&self) -> Vec<super::InputValue> {
        let u = self.unit;
        let inputs = &self.scored.inputs;
        (0..inputs.columns.len())
            .map(|k| {
                let c = inputs.at(k);
                let text = c.text.get(u).filter(|t| !t.is_empty()).cloned();
                super::InputValue {
                    id: c.id.clone(),
                    value: if text.is_some() { None } else { opt(c.values[u]) },
                    text,
                }
            })
            .collect()
    }

    /// The unit's scores now.
    pub fn result(&self) -> WhatIfResult {
        WhatIfResult {
            scores: unit_scores(&self.fw, &self.scored, self.unit),
            changed: Vec::new(),
            warnings: Vec::new(),
            full_rescore: false,
        }
    }

    /// Change one input of the unit, given as text the way a person types it (`12,34,567`,
    /// `45%`, `Y`, empty for missing).
    pub fn set_input_text(&mut self, field: &str, text: &str) -> Result<WhatIfResult, AnalysisError> {
        self.set_input(field, Cell::Text(text.to_string()))
    }

    /// Change one input of the unit (field id, or its label). An invalid value changes nothing
    /// and says why.
    pub fn set_input(&mut self, field: &str, cell: Cell) -> Result<WhatIfResult, AnalysisError> {
        let field = self.resolve_field(field)?;
        let kind = self.kinds.get(&field).copied().unwrap_or_default();
        let mut warnings = Vec::new();
        let invalid =
            |m: String| AnalysisError::InvalidInput { field: field.clone(), value: cell.display(), message: m };
        let (value, text) = match kind {
            InputKind::Text => {
                let t = cell.display().trim().to_string();
                (f64::NAN, if crate::parse::is_missing_marker(&t) { String::new() } else { t })
            }
            InputKind::YesNo => match crate::parse::cell_yes_no(&cell) {
                Ok(Some(b)) => (if b { 1.0 } else { 0.0 }, String::new()),
                Ok(None) => (f64::NAN, String::new()),
                Err(m) => return Err(invalid(m)),
            },
            _ => {
                match crate::parse::cell_number(&cell, matches!(kind, InputKind::Percent | InputKind::SignedPercent)) {
                    Ok(Some(x)) if kind.non_negative() && x < 0.0 => return Err(invalid("cannot be negative".into())),
                    Ok(Some(x)) => {
                        if kind == InputKind::Percent && x > 100.0 {
                            warnings.push(format!("{field}: percentage above 100 (value used)"));
                        }
                        (x, String::new())
                    }
                    Ok(None) => (f64::NAN, String::new()),
                    Err(m) => return Err(invalid(m)),
                }
            }
        };

        // The table always follows, so a full re-score reads the same.
        let u = self.unit;
        let header = self.scored.inputs.get(&field).and_then(|c| c.header.clone());
        let k = match header
            .as_deref()
            .and_then(|h| self.table.column_index(h))
            .or_else(|| self.table.column_index(&field))
        {
            Some(k) => k,
            None => self.table.add_column(field.clone()),
        };
        let r = self.scored.units.table_rows[u];
        let old_cell = self.table.set(r, k, cell.view());

        if self.fast.is_err() || self.is_context_column(&field) {
            match pipeline::score(&self.fw, &self.table, &self.scored.settings, &self.weights) {
                Ok(s) => {
                    let before: Vec<f64> = (0..s.indicator_ids.len()).map(|j| self.scored.derived.get(u, j)).collect();
                    self.scored = s;
                    self.unit = find_unit(&self.scored, &self.unit_id)?;
                    self.ranker = Ranker::new(&self.scored);
                    let changed = self.changed_since(&before);
                    return Ok(WhatIfResult { scores: self.result().scores, changed, warnings, full_rescore: true });
                }
                Err(e) => {
                    self.table.set(r, k, old_cell.view());
                    return Err(e.into());
                }
            }
        }

        let before: Vec<f64> = (0..self.scored.indicator_ids.len()).map(|j| self.scored.derived.get(u, j)).collect();
        let table_header = self.table.columns[k].clone();
        self.apply_fast(&field, kind, value, text, table_header)?;
        let changed = self.changed_since(&before);
        Ok(WhatIfResult { scores: self.result().scores, changed, warnings, full_rescore: false })
    }

    fn changed_since(&self, before: &[f64]) -> Vec<IndicatorValue> {
        let u = self.unit;
        let s = &self.scored;
        (0..s.indicator_ids.len())
            .filter(|&j| {
                let (a, b) = (before[j], s.derived.get(u, j));
                !(a == b || (a.is_nan() && b.is_nan()))
            })
            .map(|j| IndicatorValue {
                id: s.indicator_ids[j].clone(),
                derived: opt(s.derived.get(u, j)),
                normalised: opt(s.normalised.get(u, j)),
            })
            .collect()
    }

    fn resolve_field(&self, field: &str) -> Result<String, AnalysisError> {
        let f = field.trim();
        if self.kinds.contains_key(f) {
            return Ok(f.to_string());
        }
        let key = normalise_header(f);
        if let Some(id) = self.kinds.keys().find(|id| normalise_header(id) == key) {
            return Ok(id.clone());
        }
        if let Some(fd) =
            self.fw.inputs.iter().find(|x| normalise_header(&x.label) == key && self.kinds.contains_key(&x.id))
        {
            return Ok(fd.id.clone());
        }
        let hint = if self.fw.inputs.is_empty() {
            String::new()
        } else {
            let ex: Vec<&str> = self.fw.inputs.iter().take(3).map(|x| x.id.as_str()).collect();
            format!(" (inputs are named like {}; the template lists them all)", ex.join(", "))
        };
        Err(AnalysisError::UnknownInput { field: f.to_string(), framework: self.fw.id.clone(), hint })
    }

    /// Inputs that are also identity/grouping columns change tiers or groups: full re-score.
    fn is_context_column(&self, field: &str) -> bool {
        let c = &self.fw.columns;
        let key = normalise_header(field);
        let mut names = vec![&c.id, &c.name, &c.population, &c.state, &c.zone, &c.terrain, &c.tags];
        if let Group::Column(g) = &self.scored.settings.group {
            names.push(g);
        }
        names.iter().any(|n| normalise_header(n) == key)
    }

    fn apply_fast(
        &mut self,
        field: &str,
        kind: InputKind,
        value: f64,
        text: String,
        table_header: String,
    ) -> Result<(), AnalysisError> {
        let u = self.unit;
        let n = self.scored.units.len();
        let s = &mut self.scored;
        // A search of the ids, not `Inputs::get`'s hash map: one search per edit, and the map's
        // lookup inlined here costs the full wasm module 1.5 KB gzipped.
        if let Some(k) = s.inputs.columns.iter().position(|c| c.id == field) {
            let (col, values) = s.inputs.at_mut(k);
            values[u] = value;
            if kind == InputKind::Text {
                if col.text.len() != n {
                    col.text = vec![String::new(); n];
                }
                col.text[u] = text;
            }
            if col.header.is_none() {
                col.header = Some(table_header);
            }
        }
        // Re-derive every indicator reading this input: row-local derivations on a one-row
        // table, group-dependent ones (above_group_mean) on whole columns.
        let mut changed_cols: Vec<usize> = Vec::new();
        let mut changed_rows: HashSet<usize> = HashSet::new();
        let mut changed_groups: Vec<HashSet<usize>> = Vec::new();
        let mut sink = Vec::new();
        let uses = self.uses.get(field).cloned().unwrap_or_default();
        if !self.local.contains_key(field) {
            let l = Local::build(&self.fw, &self.derivations, &uses, &self.kinds);
            self.local.insert(field.to_string(), l);
        }
        let mut new_values: Vec<(usize, Vec<f64>)> = Vec::new();
        let mut done: HashSet<usize> = HashSet::new();
        if let Some(Some(local)) = self.local.get(field) {
            if let Some(vals) = local.derive_row(s, &self.table, u, &self.derivations, &mut sink) {
                for (&j, &x) in local.inds.iter().zip(&vals) {
                    let mut col = s.derived.col(j).to_vec();
                    col[u] = x;
                    new_values.push((j, col));
                    done.insert(j);
                }
            }
        }
        for &j in &uses {
            if done.contains(&j) {
                continue;
            }
            let ind = &self.fw.indicators[j];
            let ctx = EvalContext {
                inputs: &s.inputs,
                units: &s.units,
                groups: &s.groups,
                file: &self.table.file,
                indicator: &ind.id,
            };
            sink.clear();
            new_values.push((j, self.derivations[j].evaluate(&ctx, &mut sink)));
        }
        for (j, v) in new_values {
            let ind = &self.fw.indicators[j];
            let mut gs = HashSet::new();
            let col = s.derived.col_mut(j);
            for (w, (&new, old)) in v.iter().zip(col.iter_mut()).enumerate() {
                if new == *old || (new.is_nan() && old.is_nan()) {
                    continue;
                }
                *old = new;
                changed_rows.insert(w);
                if let Some(g) = s.groups.of_unit[w] {
                    gs.insert(g);
                }
                s.processed.set(w, j, clamp(ind, new));
            }
            if !gs.is_empty() {
                changed_cols.push(j);
                changed_groups.push(gs);
            }
        }
        let n_ind = s.indicator_ids.len().max(1);
        for &w in &changed_rows {
            let present = (0..s.indicator_ids.len()).filter(|&j| !s.derived.get(w, j).is_nan()).count();
            s.coverage[w] = present as f64 / n_ind as f64;
        }
        for (&j, gs) in changed_cols.iter().zip(&changed_groups) {
            for &g in gs {
                let mut stats = (f64::NAN, f64::NAN);
                let processed = s.processed.col(j).to_vec();
                renormalise_group(
                    &self.fw,
                    &s.settings,
                    &s.groups,
                    j,
                    g,
                    &processed,
                    s.normalised.col_mut(j),
                    &mut stats,
                    &mut self.buf,
                )?;
                s.group_stats[j][g] = stats;
            }
        }
        for p in self.tree.dirty(&changed_cols) {
            eval_node(
                &s.plan,
                p,
                &s.normalised,
                &mut s.aggregates_raw,
                &mut s.aggregates,
                &s.groups,
                (&s.indicator_ids, &s.aggregate_ids),
                &s.units.ids,
                &mut self.scratch,
            )?;
        }
        self.ranker.rerank(s);
        Ok(())
    }
}

/// Derivations that read only the unit's own row (everything but comparisons with the group).
fn row_local(d: &Derivation) -> bool {
    match d {
        Derivation::AboveGroupMean { .. } => false,
        Derivation::AbsDeviation { of, .. } => row_local(of),
        _ => true,
    }
}

/// The row-local indicators reading one input field, as a small framework that reads a
/// one-row table exactly as the full one (same input kinds and labels).
#[derive(Debug, Clone)]
struct Local {
    fw: Framework,
    inds: Vec<usize>,
    fields: Vec<String>,
}

impl Local {
    fn build(
        fw: &Framework,
        derivations: &[Derivation],
        uses: &[usize],
        kinds: &HashMap<String, InputKind>,
    ) -> Option<Local> {
        let inds: Vec<usize> = uses.iter().copied().filter(|&j| row_local(&derivations[j])).collect();
        if inds.is_empty() {
            return None;
        }
        let mut fields: Vec<String> = Vec::new();
        for &j in &inds {
            for f in derivations[j].inputs() {
                if !fields.contains(&f) {
                    fields.push(f);
                }
            }
        }
        let inputs = fields
            .iter()
            .map(|f| {
                let declared = fw.input(f);
                crate::framework::InputField {
                    id: f.clone(),
                    label: declared.map(|d| d.label.clone()).unwrap_or_else(|| f.clone()),
                    unit: String::new(),
                    kind: kinds.get(f).copied().unwrap_or_default(),
                    allowed: Vec::new(),
                    note: String::new(),
                    names: Default::default(),
                }
            })
            .collect();
        let mini = Framework {
            indicators: inds.iter().map(|&j| fw.indicators[j].clone()).collect(),
            inputs,
            tier_schemes: Vec::new(),
            zones: Vec::new(),
            ..fw.clone()
        };
        Some(Local { fw: mini, inds, fields })
    }

    /// The derived values of `inds` for unit `u` from its row of `table`; `None` when the row
    /// cannot be read alone (then the caller evaluates whole columns).
    fn derive_row(
        &self,
        s: &Scored,
        table: &RawTable,
        u: usize,
        derivations: &[Derivation],
        sink: &mut Vec<Issue>,
    ) -> Option<Vec<f64>> {
        let r = *s.units.table_rows.get(u)?;
        let id_col = id_column(&self.fw, table)?;
        let mut cols = vec![id_col];
        for f in &self.fields {
            let header = s.inputs.get(f).and_then(|c| c.column.header.as_deref());
            if let Some(k) = header.and_then(|h| table.column_index(h)).or_else(|| table.column_index(f)) {
                if !cols.contains(&k) {
                    cols.push(k);
                }
            }
        }
        let mut mini = RawTable::new(table.file.clone(), cols.iter().map(|&k| table.columns[k].clone()).collect());
        mini.push_row_from(cols.iter().map(|&k| table.cell(r, k)), s.units.source_rows[u]);
        sink.clear();
        let (units, inputs) = inputs::read_units_and_inputs(&self.fw, &mini, &[], sink).ok()?;
        if units.len() != 1 {
            return None;
        }
        let groups = crate::groups::Groups::all(1);
        let mut out = Vec::with_capacity(self.inds.len());
        for &j in &self.inds {
            let ctx = EvalContext { inputs: &inputs, units: &units, groups: &groups, file: &table.file, indicator: "" };
            out.push(*derivations[j].evaluate(&ctx, sink).first()?);
        }
        Some(out)
    }
}

/// One input field of the what-if form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormField {
    pub id: String,
    pub label: String,
    pub kind: InputKind,
    pub unit: String,
    /// Allowed values (e.g. the credit-rating scale), when the framework lists them.
    pub allowed: Vec<String>,
    /// The unit's current value (numbers; Y/N as 1/0), or its text for text fields.
    pub value: Option<f64>,
    pub text: Option<String>,
    /// Indicators that read this field.
    pub indicators: Vec<String>,
}

/// The input fields of one aggregate (MPI: a sector), in framework order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormSection {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
    pub fields: Vec<FormField>,
}

/// The framework's input fields grouped by the aggregate of the first indicator reading them
/// (a field read by several sectors appears once), with no values: the form for a unit typed
/// in by hand.
pub fn input_form(fw: &Framework) -> Vec<FormSection> {
    let kinds: HashMap<String, InputKind> = inputs::input_kinds(fw).into_iter().collect();
    let mut readers: HashMap<String, Vec<String>> = HashMap::new();
    for ind in &fw.indicators {
        for f in ind.derivation().inputs() {
            readers.entry(f).or_default().push(ind.id.clone());
        }
    }
    let mut sections: Vec<FormSection> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for ind in &fw.indicators {
        for f in ind.derivation().inputs() {
            if !seen.insert(f.clone()) {
                continue;
            }
            let declared = fw.input(&f);
            let field = FormField {
                label: declared.map(|d| d.label.clone()).unwrap_or_else(|| f.clone()),
                kind: kinds.get(&f).copied().unwrap_or_default(),
                unit: declared.map(|d| d.unit.clone()).unwrap_or_default(),
                allowed: declared.map(|d| d.allowed.clone()).unwrap_or_default(),
                value: None,
                text: None,
                indicators: readers.get(&f).cloned().unwrap_or_default(),
                id: f,
            };
            match sections.iter_mut().find(|s| s.id == ind.parent) {
                Some(s) => s.fields.push(field),
                None => {
                    let agg = fw.aggregates.iter().find(|a| a.id == ind.parent);
                    sections.push(FormSection {
                        id: ind.parent.clone(),
                        name: agg.map(|a| a.name.clone()).unwrap_or_default(),
                        parent: agg.and_then(|a| a.parent.clone()),
                        fields: vec![field],
                    });
                }
            }
        }
    }
    sections
}

impl WhatIf {
    /// The form of every input field grouped by sector, with the unit's current values.
    pub fn form(&self) -> Vec<FormSection> {
        let mut sections = input_form(&self.fw);
        let values: HashMap<String, super::InputValue> = self.inputs().into_iter().map(|v| (v.id.clone(), v)).collect();
        for s in &mut sections {
            for f in &mut s.fields {
                if let Some(v) = values.get(&f.id) {
                    f.value = v.value;
                    f.text = v.text.clone();
                }
            }
        }
        sections
    }
}
