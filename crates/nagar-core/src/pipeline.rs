//! The scoring pipeline: raw table → derived → denominated → capped → imputed → screened →
//! treated → normalised → aggregated → coverage and ranks. Every stage is kept in [`Scored`]
//! so any number can be explained.

use std::collections::HashMap;

use crate::aggregate::{Names, Plan};
use crate::derive::EvalContext;
use crate::framework::Framework;
use crate::groups::Groups;
use crate::inputs::{self, InputError, Inputs, Units};
use crate::issue::Issue;
use crate::matrix::Matrix;
use crate::methods;
use crate::settings::{Group, Imputation, MissingPolicy, Settings, Treatment};
use crate::table::RawTable;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("framework {id} is invalid:\n{}", .errors.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Framework { id: String, errors: Vec<crate::framework::FrameworkError> },
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    Settings(String),
    #[error(transparent)]
    Aggregation(#[from] crate::aggregate::AggregationError),
}

/// Per-run overrides of node weights (by aggregate or indicator id), e.g. the page's vertical sliders.
pub type WeightOverrides = HashMap<String, f64>;

/// Every stage of every number of one scoring run.
#[derive(Debug, Clone)]
pub struct Scored {
    pub settings: Settings,
    pub units: Units,
    pub inputs: Inputs,
    pub indicator_ids: Vec<String>,
    pub aggregate_ids: Vec<String>,
    /// Indicator values as derived from the inputs (before any treatment).
    pub derived: Matrix,
    /// The values that were normalised (after denomination, caps, imputation, treatment).
    pub processed: Matrix,
    /// Normalised values, with the missing-data policy's substitutes.
    pub normalised: Matrix,
    /// Aggregates before their rescale, and after (the scores).
    pub aggregates_raw: Matrix,
    pub aggregates: Matrix,
    pub plan: Plan,
    pub groups: Groups,
    /// Tier id and display name of each unit (empty when no tier scheme or no population).
    pub tier: Vec<String>,
    pub tier_name: Vec<String>,
    /// Share of indicators not missing (derived values).
    pub coverage: Vec<f64>,
    /// Removed by screening (COINr `Screen`): no scores.
    pub screened: Vec<bool>,
    pub rank: Vec<Option<u32>>,
    pub rank_in_tier: Vec<Option<u32>>,
    /// Per indicator and group: (mean, sd) of the directed processed values, for explanations.
    pub group_stats: Vec<Vec<(f64, f64)>>,
    pub issues: Vec<Issue>,
    /// What [`rescore`] needs besides the stages' values (kept by [`score_keeping`]).
    pub(crate) kept: Option<Kept>,
}

/// The issues of a run's first stages in the order they were found (before the run's one sort
/// by row): for [`rescore`] to start at a later stage.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    /// Of [`Stage::Read`] and [`Stage::Derive`].
    early: Vec<Issue>,
    /// Of [`Stage::Process`].
    process: Vec<Issue>,
}

impl Scored {
    pub fn index(&self) -> &[f64] {
        self.aggregates.col(self.plan.root)
    }
    pub fn unit_index(&self, id: &str) -> Option<usize> {
        self.units.ids.iter().position(|x| x == id)
    }
    pub fn indicator_index(&self, id: &str) -> Option<usize> {
        self.indicator_ids.iter().position(|x| x == id)
    }
    pub fn aggregate_index(&self, id: &str) -> Option<usize> {
        self.aggregate_ids.iter().position(|x| x == id)
    }
    pub fn ranked(&self, u: usize) -> bool {
        self.rank[u].is_some()
    }
}

/// The named stages of [`score`], in order (COINr keeps one data set per stage; nagar keeps
/// each stage's output in [`Scored`]). A re-run with changed settings starts at the first stage
/// they touch ([`Stage::first_touched`]): the robustness analysis re-normalises only for a
/// new normalisation or missing-data policy, re-processes only for a new imputation, and
/// otherwise only re-aggregates cached normalised columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Units, typed inputs, tiers, zones, comparison groups.
    Read,
    /// Indicators from inputs; coverage.
    Derive,
    /// Denominate, cap/floor, impute, screen, treat: the processed values.
    Process,
    /// Normalise within groups, then the missing-data policy's substitutes.
    Normalise,
    /// The aggregation plan over the normalised columns.
    Aggregate,
    /// Ranks within groups and tiers.
    Rank,
}

impl Stage {
    /// The first stage whose output differs when `b` replaces settings `a`.
    pub fn first_touched(a: &Settings, b: &Settings) -> Stage {
        // Every field named, so that a new setting must be placed here (the rest only rank).
        let Settings {
            normalise: _,
            aggregate: _,
            missing: _,
            group: _,
            tiers: _,
            min_coverage: _,
            min_group_size: _,
            impute: _,
            treat: _,
            denominate: _,
            screen: _,
        } = b;
        if a.group != b.group || a.tiers != b.tiers {
            Stage::Read
        } else if a.impute != b.impute || a.denominate != b.denominate || a.screen != b.screen || a.treat != b.treat {
            Stage::Process
        } else if a.normalise != b.normalise || a.missing != b.missing {
            Stage::Normalise
        } else if a.aggregate != b.aggregate {
            Stage::Aggregate
        } else {
            Stage::Rank
        }
    }
}

/// Output of [`Stage::Read`].
struct ReadStage {
    units: Units,
    inputs: Inputs,
    has_tiers: bool,
    tier: Vec<String>,
    tier_name: Vec<String>,
    groups: Groups,
}

/// Output of [`Stage::Process`]: the values that are normalised, and the groups after screening.
#[derive(Debug, Clone)]
pub struct Processed {
    pub processed: Matrix,
    pub screened: Vec<bool>,
    pub groups: Groups,
}

/// Output of [`Stage::Normalise`].
#[derive(Debug, Clone)]
pub struct Normalised {
    pub normalised: Matrix,
    pub group_stats: Vec<Vec<(f64, f64)>>,
}

fn check_run(fw: &Framework, settings: &Settings, weights: &WeightOverrides) -> Result<(), ScoreError> {
    fw.validate().map_err(|errors| ScoreError::Framework { id: fw.id.clone(), errors })?;
    settings.check().map_err(ScoreError::Settings)?;
    for (id, w) in weights {
        if !w.is_finite() || *w < 0.0 {
            return Err(ScoreError::Settings(format!("weight of {id} must be a finite number ≥ 0, got {w}")));
        }
        if !fw.aggregates.iter().any(|a| &a.id == id) && !fw.indicators.iter().any(|i| &i.id == id) {
            return Err(ScoreError::Settings(format!("weight given for {id:?}, which is not in framework {}", fw.id)));
        }
    }
    Ok(())
}

/// Score a table with a framework. `settings` are the effective settings (framework defaults
/// with any overrides applied); `weights` override node weights by id. The stages run in
/// order: [`Stage::Read`] → [`Stage::Derive`] → [`Stage::Process`] → [`Stage::Normalise`] →
/// [`Stage::Aggregate`] → [`Stage::Rank`].
pub fn score(
    fw: &Framework,
    table: &RawTable,
    settings: &Settings,
    weights: &WeightOverrides,
) -> Result<Scored, ScoreError> {
    score_in(fw, Table::Borrowed(table), settings, weights, true).map(|(s, _)| sorted(s))
}

/// [`score`] of a table the caller no longer needs: the same result, and the table is dropped
/// as soon as the stages that read it are done, before the normalised values and aggregates
/// are made, so that they take the memory its cells held instead of fresh memory (the CLI,
/// which scores a file once).
pub fn score_owned(
    fw: &Framework,
    table: RawTable,
    settings: &Settings,
    weights: &WeightOverrides,
) -> Result<Scored, ScoreError> {
    score_in(fw, Table::Owned(table), settings, weights, true).map(|(s, _)| sorted(s))
}

/// [`score`], keeping what [`rescore`] needs to re-run only the stages a change of settings or
/// weights touches (the page, which re-scores at every move of a weight slider): a copy of the
/// first stages' issues, up to [`KEPT_ISSUES_MAX`] of them (a run with more keeps nothing, and
/// is scored afresh at every change, rather than hold its issues twice).
pub fn score_keeping(
    fw: &Framework,
    table: &RawTable,
    settings: &Settings,
    weights: &WeightOverrides,
) -> Result<Scored, ScoreError> {
    score_keeping_up_to(fw, table, settings, weights, KEPT_ISSUES_MAX)
}

/// The most issues of its first stages a run keeps a copy of for [`rescore`] (the 5,000-ULB demo
/// file has about 4,300 issues in all).
pub const KEPT_ISSUES_MAX: usize = 100_000;

fn score_keeping_up_to(
    fw: &Framework,
    table: &RawTable,
    settings: &Settings,
    weights: &WeightOverrides,
    max_issues: usize,
) -> Result<Scored, ScoreError> {
    let (mut s, m) = score_in(fw, Table::Borrowed(table), settings, weights, true)?;
    if m.process <= max_issues {
        let (early, process) = (s.issues[..m.early].to_vec(), s.issues[m.early..m.process].to_vec());
        s.kept = Some(Kept { early, process });
    }
    Ok(sorted(s))
}

/// A run's issues in their order: file-level first, then row by row (a stable sort: within a
/// row, in pipeline order).
fn sorted(mut s: Scored) -> Scored {
    crate::sort::sort_by_key(&mut s.issues, |i| i.row.unwrap_or(0));
    s
}

/// Where a run's issues of [`Stage::Read`] and [`Stage::Derive`] end, and those of
/// [`Stage::Process`], before [`sorted`].
struct Marks {
    early: usize,
    process: usize,
}

/// The table a run reads: borrowed, or owned and dropped once read ([`score_owned`]).
enum Table<'a> {
    Borrowed(&'a RawTable),
    Owned(RawTable),
}

impl std::ops::Deref for Table<'_> {
    type Target = RawTable;
    fn deref(&self) -> &RawTable {
        match self {
            Table::Borrowed(t) => t,
            Table::Owned(t) => t,
        }
    }
}

/// [`score`]; with `parallel`, the derivations and the normalisation of a large table run on two
/// threads ([`parallel_columns`]), with the same result (test below). The issues are not yet
/// [`sorted`].
fn score_in(
    fw: &Framework,
    table: Table<'_>,
    settings: &Settings,
    weights: &WeightOverrides,
    parallel: bool,
) -> Result<(Scored, Marks), ScoreError> {
    check_run(fw, settings, weights)?;
    let mut issues = Vec::new();
    let read = read_stage(fw, &table, settings, &mut issues)?;
    let (derived, coverage) = derive_stage(fw, &read, &table.file, &mut issues, parallel);
    let early = issues.len();
    let proc = process_stage(fw, &table, settings, &read.units, &derived, read.groups.clone(), &mut issues)?;
    let marks = Marks { early, process: issues.len() };
    // Nothing after this reads the cells: an owned table's memory is free for what follows.
    let file = match table {
        Table::Borrowed(t) => std::borrow::Cow::Borrowed(t.file.as_str()),
        Table::Owned(t) => std::borrow::Cow::Owned(t.file),
    };
    let norm = normalise_columns(fw, settings, &proc.groups, &proc.processed, parallel)?;
    let ReadStage { units, inputs, has_tiers, tier, tier_name, .. } = read;
    let first = First { units, inputs, tier, tier_name, derived, coverage, has_tiers };
    Ok((last_stages(fw, settings, weights, first, proc, norm, &file, issues, None)?, marks))
}

/// What a run's first stages (read and derive) give the later ones.
struct First {
    units: Units,
    inputs: Inputs,
    tier: Vec<String>,
    tier_name: Vec<String>,
    derived: Matrix,
    coverage: Vec<f64>,
    has_tiers: bool,
}

/// [`Stage::Aggregate`] and [`Stage::Rank`]: the run (its issues not yet [`sorted`]).
#[allow(clippy::too_many_arguments)]
fn last_stages(
    fw: &Framework,
    settings: &Settings,
    weights: &WeightOverrides,
    first: First,
    proc: Processed,
    norm: Normalised,
    file: &str,
    mut issues: Vec<Issue>,
    kept: Option<Kept>,
) -> Result<Scored, ScoreError> {
    let plan = plan_with_weights(fw, settings, weights);
    let n = first.units.len();
    let n_agg = fw.aggregates.len();
    let mut aggregates_raw = Matrix::new(n, n_agg);
    let mut aggregates = Matrix::new(n, n_agg);
    let indicator_ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
    let aggregate_ids: Vec<String> = fw.aggregates.iter().map(|a| a.id.clone()).collect();
    let names = Names { indicators: &indicator_ids, aggregates: &aggregate_ids, units: &first.units.ids };
    plan.run(&norm.normalised, &proc.groups, &names, &mut aggregates_raw, &mut aggregates)?;
    let tiers = (&first.tier[..], first.has_tiers);
    let (rank, rank_in_tier) =
        rank_stage(settings, &first.units, tiers, &proc, &first.coverage, aggregates.col(plan.root), file, &mut issues);
    Ok(Scored {
        settings: settings.clone(),
        units: first.units,
        inputs: first.inputs,
        indicator_ids,
        aggregate_ids,
        derived: first.derived,
        processed: proc.processed,
        normalised: norm.normalised,
        aggregates_raw,
        aggregates,
        plan,
        groups: proc.groups,
        tier: first.tier,
        tier_name: first.tier_name,
        coverage: first.coverage,
        screened: proc.screened,
        rank,
        rank_in_tier,
        group_stats: norm.group_stats,
        issues,
        kept,
    })
}

/// [`score_keeping`] again after a change of settings or weights, from `base` (a run of the
/// same framework and table, by [`score_keeping`] or this): a change that leaves the processed
/// values as they are (new weights, aggregation, normalisation, missing-data policy, coverage
/// or group minimum) re-runs only the stages from the first one it touches
/// ([`Stage::first_touched`]; new weights: from [`Stage::Aggregate`]), with `base`'s earlier
/// values and issues. The result is the same as [`score_keeping`]'s, value for value and issue
/// for issue (tests below). Any other change, or a `base` that kept nothing, scores the table
/// again.
pub fn rescore(
    fw: &Framework,
    table: &RawTable,
    base: Scored,
    settings: &Settings,
    weights: &WeightOverrides,
) -> Result<Scored, ScoreError> {
    let stage = Stage::first_touched(&base.settings, settings);
    let Some(kept) = base.kept.filter(|_| stage >= Stage::Normalise) else {
        return score_keeping(fw, table, settings, weights);
    };
    check_run(fw, settings, weights)?;
    let mut issues = kept.early.clone();
    issues.extend(kept.process.iter().cloned());
    let proc = Processed { processed: base.processed, screened: base.screened, groups: base.groups };
    let norm = if stage == Stage::Normalise {
        normalise_columns(fw, settings, &proc.groups, &proc.processed, true)?
    } else {
        Normalised { normalised: base.normalised, group_stats: base.group_stats }
    };
    let Scored { units, inputs, tier, tier_name, derived, coverage, .. } = base;
    // The tier scheme is the base run's (another would start at the read stage).
    let has_tiers = tier_scheme(fw, settings).is_some();
    let first = First { units, inputs, tier, tier_name, derived, coverage, has_tiers };
    last_stages(fw, settings, weights, first, proc, norm, &table.file, issues, Some(kept)).map(sorted)
}

/// Re-run [`Stage::Process`] and [`Stage::Normalise`] of a scored run under other `settings`,
/// starting at the first stage they touch: re-process (from the cached derived values) when the
/// imputation, denomination, screening or treatment differ, else only re-normalise the cached
/// processed values. Issues of the re-run go to `issues`. The grouping and tier settings must be
/// the scored run's (a change there starts at [`Stage::Read`]: score the table again).
pub fn restage(
    fw: &Framework,
    table: &RawTable,
    base: &Scored,
    settings: &Settings,
    issues: &mut Vec<Issue>,
) -> Result<(Processed, Normalised), ScoreError> {
    settings.check().map_err(ScoreError::Settings)?;
    let stage = Stage::first_touched(&base.settings, settings);
    if stage < Stage::Process {
        return Err(ScoreError::Settings(
            "a change of comparison group or tier scheme needs a full re-score, not a re-run of later stages".into(),
        ));
    }
    let proc = if stage == Stage::Process {
        // Screening took units out of the read stage's groups: with screening on, read them again.
        let groups = if base.screened.iter().any(|&x| x) {
            read_stage(fw, table, settings, &mut Vec::new())?.groups
        } else {
            base.groups.clone()
        };
        process_stage(fw, table, settings, &base.units, &base.derived, groups, issues)?
    } else {
        Processed { processed: base.processed.clone(), screened: base.screened.clone(), groups: base.groups.clone() }
    };
    let norm = normalise_stage(fw, settings, &proc.groups, &proc.processed)?;
    Ok((proc, norm))
}

/// The settings' tier scheme (none when they name none).
fn tier_scheme<'f>(fw: &'f Framework, settings: &Settings) -> Option<&'f crate::framework::TierScheme> {
    if settings.tiers.is_empty() {
        None
    } else {
        fw.tier_scheme(&settings.tiers)
    }
}

/// [`Stage::Read`]: units and typed inputs, tiers, zones, comparison groups.
fn read_stage(
    fw: &Framework,
    table: &RawTable,
    settings: &Settings,
    issues: &mut Vec<Issue>,
) -> Result<ReadStage, ScoreError> {
    let file = &table.file;
    // Columns read besides the inputs.
    let mut extra: Vec<String> = Vec::new();
    if let Group::Column(c) = &settings.group {
        extra.push(c.clone());
    }
    if let Imputation::MeanGroup { column } | Imputation::MedianGroup { column } = &settings.impute {
        extra.push(column.clone());
    }
    for i in &fw.indicators {
        if let Some(d) = &i.denominator {
            extra.push(d.clone());
        }
    }
    let (mut units, inputs) = inputs::read_units_and_inputs(fw, table, &extra, issues)?;
    let n = units.len();

    // Tiers.
    let scheme = tier_scheme(fw, settings);
    if !settings.tiers.is_empty() && scheme.is_none() {
        let known: Vec<&str> = fw.tier_schemes.iter().map(|s| s.id.as_str()).collect();
        return Err(ScoreError::Settings(format!(
            "tier scheme {:?} is not in framework {} (known: {})",
            settings.tiers,
            fw.id,
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        )));
    }
    let mut tier = vec![String::new(); n];
    let mut tier_name = vec![String::new(); n];
    if let Some(s) = scheme {
        for u in 0..n {
            if let Some(t) = s.tier_of(units.population[u]) {
                tier[u] = t.id.clone();
                tier_name[u] = t.name.clone();
            }
        }
    }

    derive_zones(fw, &mut units, file, issues);

    // Comparison groups.
    let groups = match &settings.group {
        Group::All => Groups::all(n),
        Group::Tier => {
            if scheme.is_none() {
                return Err(ScoreError::Settings("comparison group `tier` needs a tier scheme".into()));
            }
            for (t, &row) in tier.iter().zip(&units.source_rows) {
                if t.is_empty() {
                    issues.push(
                        Issue::warning("no population, so no tier: this unit is not compared and gets no scores")
                            .file(file)
                            .row(row),
                    );
                }
            }
            Groups::from_labels(&tier)
        }
        // The zone may be derived from the state rather than be a column of the file.
        Group::Column(c) if table.column_index(c).is_none() && c == &fw.columns.zone && !fw.zones.is_empty() => {
            Groups::from_labels(&units.zone)
        }
        Group::Column(c) => Groups::from_labels(
            &column_text(table, &units, c)
                .ok_or_else(|| ScoreError::Settings(format!("comparison group column {c:?} is not in {file}")))?,
        ),
    };
    Ok(ReadStage { units, inputs, has_tiers: scheme.is_some(), tier, tier_name, groups })
}

/// [`Stage::Derive`]: every indicator from its inputs, and each unit's coverage.
fn derive_stage(
    fw: &Framework,
    read: &ReadStage,
    file: &str,
    issues: &mut Vec<Issue>,
    parallel: bool,
) -> (Matrix, Vec<f64>) {
    let (units, groups) = (&read.units, &read.groups);
    let n = units.len();
    let n_ind = fw.indicators.len();
    // Indicators that are the input fields themselves, in their order (COINr's data): the input
    // matrix is the derived values, shared (no copy, no fresh memory); a plain value's
    // derivation copies its field's values and reports nothing.
    let inputs = &read.inputs;
    let shared = n > 0
        && n_ind == inputs.columns.len()
        && fw.indicators.iter().enumerate().all(|(j, ind)| {
            let input = match &ind.derive {
                None => &ind.id,
                Some(crate::Derivation::Value { input }) => input,
                Some(_) => return false,
            };
            inputs.columns[j].id == *input
        });
    let mut derived = if shared { inputs.values().clone() } else { Matrix::new(n, n_ind) };
    let par = parallel && parallel_columns(n, n_ind);
    let mid = n_ind / 2;
    // Columns `range` of `derived` (column-major `cols`) from their derivations; the issues found.
    let derive = |range: std::ops::Range<usize>, cols: &mut [f64]| -> Vec<Issue> {
        let mut found = Vec::new();
        for (j, col) in range.zip(cols.chunks_exact_mut(n)) {
            let ind = &fw.indicators[j];
            let ctx = EvalContext { inputs, units, groups, file, indicator: &ind.id };
            ind.derivation().evaluate_into(&ctx, col, &mut found);
        }
        found
    };
    if n == 0 {
        // No columns to hold values: every derivation still runs for its issues.
        for ind in &fw.indicators {
            let ctx = EvalContext { inputs, units, groups, file, indicator: &ind.id };
            ind.derivation().evaluate(&ctx, issues);
        }
    } else if !shared && par {
        // Two halves of the indicators at once (feature `threads`); the issues in the order of
        // one pass.
        let (low, high) = derived.split_cols_mut(mid);
        let (mut low, mut high) = crate::par::join(|| derive(0..mid, low), || derive(mid..n_ind, high));
        issues.append(&mut low);
        issues.append(&mut high);
    } else if !shared {
        let (all, _) = derived.split_cols_mut(n_ind);
        issues.append(&mut derive(0..n_ind, all));
    }
    // The outlier warnings of columns `range` (column-major `cols`), after every derivation's
    // issues.
    let outliers_of = |range: std::ops::Range<usize>, cols: &[f64]| -> Vec<Issue> {
        let (mut outliers, mut scratch) = (Vec::new(), Vec::new());
        for (j, col) in range.zip(cols.chunks_exact(n)) {
            outlier_warnings(&fw.indicators[j].id, col, groups, units, file, &mut outliers, &mut scratch);
        }
        outliers
    };
    let all = derived.as_slice();
    let mut outliers = if n == 0 {
        Vec::new()
    } else if par {
        let (low, high) = all.split_at(mid * n);
        let (mut low, mut high) = crate::par::join(|| outliers_of(0..mid, low), || outliers_of(mid..n_ind, high));
        low.append(&mut high);
        low
    } else {
        outliers_of(0..n_ind, all)
    };
    let missing_all: Vec<&str> = fw
        .indicators
        .iter()
        .enumerate()
        .filter(|(j, _)| derived.col(*j).iter().all(|x| x.is_nan()))
        .map(|(_, i)| i.id.as_str())
        .collect();
    if !missing_all.is_empty() {
        issues.push(
            Issue::warning(format!(
                "{} of {} indicators are missing for every unit (their input columns are absent or empty): {}",
                missing_all.len(),
                n_ind,
                missing_all.join(", ")
            ))
            .file(file),
        );
    }
    let mut present = vec![0usize; n];
    for j in 0..n_ind {
        for (p, x) in present.iter_mut().zip(derived.col(j)) {
            *p += usize::from(!x.is_nan());
        }
    }
    let coverage: Vec<f64> = present.iter().map(|&p| p as f64 / n_ind.max(1) as f64).collect();
    issues.append(&mut outliers);
    (derived, coverage)
}

/// [`Stage::Process`]: denominate, cap/floor, impute, screen (which takes units out of
/// `groups`), treat.
fn process_stage(
    fw: &Framework,
    table: &RawTable,
    settings: &Settings,
    units: &Units,
    derived: &Matrix,
    mut groups: Groups,
    issues: &mut Vec<Issue>,
) -> Result<Processed, ScoreError> {
    let file = &table.file;
    let n = units.len();
    let n_ind = fw.indicators.len();
    let mut processed = derived.clone();
    if settings.denominate {
        for (j, ind) in fw.indicators.iter().enumerate() {
            let Some(dcol) = &ind.denominator else { continue };
            match numeric_column(table, units, dcol, issues) {
                Some(den) => {
                    if let Err(m) = methods::denominate::denominate(processed.col_mut(j), &den, 1.0) {
                        return Err(ScoreError::Settings(format!("indicator {}: {m}", ind.id)));
                    }
                }
                None => {
                    issues.push(
                        Issue::error(format!(
                            "indicator {}: denominator column {dcol:?} is not in the data; indicator left out",
                            ind.id
                        ))
                        .file(file),
                    );
                    processed.col_mut(j).fill(f64::NAN);
                }
            }
        }
    }
    for (j, ind) in fw.indicators.iter().enumerate() {
        if ind.cap.is_none() && ind.floor.is_none() {
            continue;
        }
        // f64::min/max return the number when one side is NaN: missing must stay missing.
        for x in processed.col_mut(j).iter_mut() {
            if x.is_nan() {
                continue;
            }
            if let Some(c) = ind.cap {
                *x = x.min(c);
            }
            if let Some(f) = ind.floor {
                *x = x.max(f);
            }
        }
    }
    match &settings.impute {
        Imputation::None => {}
        Imputation::Mean | Imputation::Median => {
            for j in 0..n_ind {
                methods::impute::impute::<String>(processed.col_mut(j), &settings.impute, None)
                    .map_err(ScoreError::Settings)?;
            }
        }
        Imputation::MeanGroup { column } | Imputation::MedianGroup { column } => {
            let labels: Vec<Option<String>> = column_text(table, units, column)
                .ok_or_else(|| ScoreError::Settings(format!("imputation group column {column:?} is not in {file}")))?
                .into_iter()
                .map(|l| if l.is_empty() || crate::parse::is_missing_marker(&l) { None } else { Some(l) })
                .collect();
            for j in 0..n_ind {
                methods::impute::impute(processed.col_mut(j), &settings.impute, Some(&labels))
                    .map_err(ScoreError::Settings)?;
            }
        }
    }

    // Screen: drop units with too little data from every group.
    let mut screened = vec![false; n];
    if let Some(t) = settings.screen {
        let mut row = vec![0.0; n_ind];
        let avail: Vec<f64> = (0..n)
            .map(|u| {
                for (j, r) in row.iter_mut().enumerate() {
                    *r = processed.get(u, j);
                }
                methods::screen::data_availability(&row)
            })
            .collect();
        for u in 0..n {
            if avail[u] < t {
                screened[u] = true;
                issues.push(
                    Issue::warning(format!(
                        "data availability {:.0}% is below the screening threshold {:.0}%: unit removed",
                        avail[u] * 100.0,
                        t * 100.0
                    ))
                    .file(file)
                    .row(units.source_rows[u])
                    .value(&units.ids[u]),
                );
            }
        }
        remove_from_groups(&mut groups, &screened);
    }
    let in_scope: Vec<usize> = (0..n).filter(|&u| groups.of_unit[u].is_some()).collect();

    // Treat (over all compared units together, as COINr does).
    if let Treatment::Winsorise { winmax, skew_thresh, kurt_thresh } = settings.treat {
        for (j, ind) in fw.indicators.iter().enumerate() {
            let vals: Vec<f64> = in_scope.iter().map(|&u| processed.get(u, j)).collect();
            let t = methods::treat::treat(&vals, winmax, skew_thresh, kurt_thresh);
            if t.status != methods::treat::TreatStatus::NotNeeded {
                issues.push(Issue::info(format!("indicator {}: {}", ind.id, t.status_text())).file(file));
            }
            let col = processed.col_mut(j);
            for (k, &u) in in_scope.iter().enumerate() {
                col[u] = t.values[k];
            }
        }
    }
    Ok(Processed { processed, screened, groups })
}

/// [`Stage::Normalise`]: every indicator within each group, with the missing-data policy.
pub fn normalise_stage(
    fw: &Framework,
    settings: &Settings,
    groups: &Groups,
    processed: &Matrix,
) -> Result<Normalised, ScoreError> {
    normalise_columns(fw, settings, groups, processed, false)
}

/// [`normalise_stage`]; with `parallel` (a whole scoring run, feature `threads`) a large table's
/// columns are normalised in two halves at once. Each column is computed as in one pass, and the
/// error is the first in column order, so the result is the same.
fn normalise_columns(
    fw: &Framework,
    settings: &Settings,
    groups: &Groups,
    processed: &Matrix,
    parallel: bool,
) -> Result<Normalised, ScoreError> {
    let (n, n_ind) = (processed.n_rows(), fw.indicators.len());
    let mut normalised = Matrix::new(n, n_ind);
    let mut group_stats = vec![vec![(f64::NAN, f64::NAN); groups.len()]; n_ind];
    // Columns first.. of `normalised` (column-major `cols`) and their statistics.
    // (With no units every column is an empty slice and is still normalised, for its errors.)
    let run = |first: usize, cols: &mut [f64], stats: &mut [Vec<(f64, f64)>]| -> Result<(), String> {
        let mut scratch = Vec::with_capacity(n);
        let mut rest = cols;
        for (k, stats) in stats.iter_mut().enumerate() {
            let (norm_col, tail) = std::mem::take(&mut rest).split_at_mut(n);
            rest = tail;
            let j = first + k;
            for (g, st) in stats.iter_mut().enumerate() {
                normalise_in_group(fw, settings, groups, j, g, processed.col(j), norm_col, st, &mut scratch)?;
            }
        }
        Ok(())
    };
    if parallel && parallel_columns(n, n_ind) {
        let mid = n_ind / 2;
        let (low, high) = normalised.split_cols_mut(mid);
        let (stats_low, stats_high) = group_stats.split_at_mut(mid);
        let (r_low, r_high) = crate::par::join(|| run(0, low, stats_low), || run(mid, high, stats_high));
        r_low.and(r_high).map_err(ScoreError::Settings)?;
        return Ok(Normalised { normalised, group_stats });
    }
    let (all, _) = normalised.split_cols_mut(n_ind);
    run(0, all, &mut group_stats).map_err(ScoreError::Settings)?;
    Ok(Normalised { normalised, group_stats })
}

/// Whether a scoring run's per-column work on `n` units × `n_ind` indicators is split over two
/// threads: with feature `threads` (the CLI), two cores, and at least 100,000 cells (below
/// that, starting a thread costs more than it saves).
fn parallel_columns(n: usize, n_ind: usize) -> bool {
    cfg!(feature = "threads")
        && n_ind >= 2
        && n.saturating_mul(n_ind) >= 100_000
        && std::thread::available_parallelism().map_or(1, |p| p.get()) >= 2
}

/// The aggregation plan of [`Stage::Aggregate`]: the settings' method, the framework's weights
/// with `weights` overriding them.
pub fn plan_with_weights(fw: &Framework, settings: &Settings, weights: &WeightOverrides) -> Plan {
    let mut plan = Plan::new(fw, settings.aggregate);
    for (id, w) in weights {
        if let Some(k) = fw.aggregates.iter().position(|a| &a.id == id) {
            plan.aggregate_weights[k] = *w;
        } else if let Some(j) = fw.indicators.iter().position(|i| &i.id == id) {
            plan.indicator_weights[j] = *w;
        }
    }
    plan
}

/// [`Stage::Rank`]: among units meeting the coverage minimum, within the comparison group and
/// tier. Returns (rank, rank in tier).
#[allow(clippy::too_many_arguments)]
fn rank_stage(
    settings: &Settings,
    units: &Units,
    (tier, has_tiers): (&[String], bool),
    proc: &Processed,
    coverage: &[f64],
    index: &[f64],
    file: &str,
    issues: &mut Vec<Issue>,
) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
    let (groups, screened) = (&proc.groups, &proc.screened);
    let n = units.len();
    // A group too small to standardise: its units keep their scores but get no rank. (Only when
    // the units are split into groups: under `all` the whole file is the group its user chose.)
    let small = groups.too_small(settings.effective_min_group_size());
    for (g, _) in small.iter().enumerate().filter(|(_, s)| **s) {
        issues.push(
            Issue::warning(small_group_message(&groups.labels[g], groups.members[g].len(), settings.min_group_size))
                .file(file),
        );
    }
    let eligible: Vec<bool> = (0..n)
        .map(|u| {
            !index[u].is_nan()
                && !screened[u]
                && coverage[u] >= settings.min_coverage
                && groups.of_unit[u].is_some_and(|g| !small[g])
        })
        .collect();
    for u in 0..n {
        if !index[u].is_nan() && !screened[u] && coverage[u] < settings.min_coverage {
            issues.push(
                Issue::warning(format!(
                    "coverage {:.0}% is below the minimum {:.0}%: scores are shown but the unit is not ranked",
                    coverage[u] * 100.0,
                    settings.min_coverage * 100.0
                ))
                .file(file)
                .row(units.source_rows[u])
                .value(&units.ids[u]),
            );
        }
    }
    let group_key: Vec<String> = (0..n).map(|u| groups.of_unit[u].map(|g| g.to_string()).unwrap_or_default()).collect();
    let rank = rank_within(index, &eligible, &group_key);
    let tier_key: Vec<String> = (0..n).map(|u| format!("{}\u{1f}{}", group_key[u], tier[u])).collect();
    let rank_in_tier = if has_tiers {
        let elig_t: Vec<bool> = (0..n).map(|u| eligible[u] && !tier[u].is_empty()).collect();
        rank_within(index, &elig_t, &tier_key)
    } else {
        vec![None; n]
    };
    (rank, rank_in_tier)
}

/// The warning for a comparison group smaller than the minimum (also the reason shown for its
/// units: `report::flag`).
pub fn small_group_message(label: &str, size: usize, min: usize) -> String {
    format!(
        "comparison group {label:?} has {size} unit{}, fewer than the minimum of {min}: too few to standardise, so its units are not ranked (their scores compare them only with each other)",
        if size == 1 { "" } else { "s" }
    )
}

/// Normalise indicator `j` within group `g`: the group's processed values through the
/// normalisation method, then the missing-data policy's substitute (the group's mean or worst
/// normalised value) for its missing members. Also records the group's (mean, sd) of the
/// directed values. What-if and improvement re-run exactly this for one column.
#[allow(clippy::too_many_arguments)]
pub(crate) fn normalise_in_group(
    fw: &Framework,
    settings: &Settings,
    groups: &Groups,
    j: usize,
    g: usize,
    processed: &[f64],
    norm: &mut [f64],
    stats: &mut (f64, f64),
    scratch: &mut Vec<f64>,
) -> Result<(), String> {
    let ind = &fw.indicators[j];
    let method = ind.normalise.as_ref().unwrap_or(&settings.normalise);
    let members = &groups.members[g];
    scratch.clear();
    scratch.extend(members.iter().map(|&u| processed[u]));
    *stats = directed_mean_sd(scratch, ind.direction);
    methods::normalise::normalise(scratch, method, ind.direction, ind.target, ind.goalposts)
        .map_err(|m| format!("indicator {}: {m}", ind.id))?;
    for (k, &u) in members.iter().enumerate() {
        norm[u] = scratch[k];
    }
    if settings.missing != MissingPolicy::Reweight {
        let (mut sum, mut count, mut min) = (0.0, 0usize, f64::INFINITY);
        for &x in scratch.iter() {
            if !x.is_nan() {
                sum += x;
                count += 1;
                min = min.min(x);
            }
        }
        if count > 0 {
            let sub = if settings.missing == MissingPolicy::Mean { sum / count as f64 } else { min };
            for &u in members {
                if norm[u].is_nan() {
                    norm[u] = sub;
                }
            }
        }
    }
    Ok(())
}

/// Rank by value, descending, within each key; ties share the smallest rank (1, 2, 2, 4).
pub fn rank_within(values: &[f64], eligible: &[bool], key: &[String]) -> Vec<Option<u32>> {
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for u in 0..values.len() {
        if eligible[u] {
            by_key.entry(key[u].as_str()).or_default().push(u);
        }
    }
    let mut out = vec![None; values.len()];
    for (_, mut us) in by_key {
        crate::sort::order_by_values(&mut us, values, true);
        let mut prev = f64::NAN;
        let mut prev_rank = 0;
        for (k, &u) in us.iter().enumerate() {
            let r = if values[u] == prev { prev_rank } else { k as u32 + 1 };
            out[u] = Some(r);
            prev = values[u];
            prev_rank = r;
        }
    }
    out
}

fn remove_from_groups(groups: &mut Groups, removed: &[bool]) {
    for (u, r) in removed.iter().enumerate() {
        if *r {
            groups.of_unit[u] = None;
        }
    }
    for m in &mut groups.members {
        m.retain(|&u| !removed[u]);
    }
}

/// Text of a data column for every unit; `None` if the column is absent.
fn column_text(table: &RawTable, units: &Units, column: &str) -> Option<Vec<String>> {
    let k = table.column_index(column)?;
    Some(units.table_rows.iter().map(|&r| inputs::cell_text(table.cell(r, k))).collect())
}

fn numeric_column(table: &RawTable, units: &Units, column: &str, issues: &mut Vec<Issue>) -> Option<Vec<f64>> {
    let k = table.column_index(column)?;
    Some(
        units
            .table_rows
            .iter()
            .enumerate()
            .map(|(u, &r)| match crate::parse::cell_number(table.cell(r, k), false) {
                Ok(Some(x)) => x,
                Ok(None) => f64::NAN,
                Err(m) => {
                    issues.push(
                        Issue::error(format!("{column}: {m}; counted as missing"))
                            .file(&table.file)
                            .row(units.source_rows[u])
                            .column(&table.columns[k])
                            .value(table.cell(r, k).display()),
                    );
                    f64::NAN
                }
            })
            .collect(),
    )
}

/// Fill `zone` from `state` through the framework's zone table where the data has none.
fn derive_zones(fw: &Framework, units: &mut Units, file: &str, issues: &mut Vec<Issue>) {
    if fw.zones.is_empty() {
        return;
    }
    let mut lookup: HashMap<String, &str> = HashMap::new();
    for z in &fw.zones {
        for s in z.states.iter().chain(&z.aliases) {
            lookup.insert(inputs::state_key(s), z.name.as_str());
        }
    }
    // The zone of each state as written, looked up once per distinct text.
    let mut seen: HashMap<String, Option<&str>> = HashMap::new();
    for u in 0..units.len() {
        if !units.zone[u].is_empty() || units.state[u].is_empty() {
            continue;
        }
        let zone = match seen.get(&units.state[u]) {
            Some(&z) => z,
            None => {
                let z = lookup.get(&inputs::state_key(&units.state[u])).copied();
                seen.insert(units.state[u].clone(), z);
                z
            }
        };
        match zone {
            Some(z) => units.zone[u] = z.to_string(),
            None => issues.push(
                Issue::warning("state not recognised, so no zone could be derived (add a zone column or fix the name)")
                    .file(file)
                    .row(units.source_rows[u])
                    .column(&fw.columns.state)
                    .value(&units.state[u]),
            ),
        }
    }
}

/// Spec §5: a derived value more than 5 sd from its group's mean is worth a second look.
/// (`scratch`: a buffer to reuse, for the group's values.)
fn outlier_warnings(
    indicator: &str,
    col: &[f64],
    groups: &Groups,
    units: &Units,
    file: &str,
    issues: &mut Vec<Issue>,
    scratch: &mut Vec<f64>,
) {
    for members in &groups.members {
        // The group's values gathered once, then plain loops over a slice: in the browser's
        // build (opt-level "z") each step of an iterator chain was a call of its own.
        scratch.clear();
        scratch.resize(members.len(), f64::NAN);
        for (x, &u) in scratch.iter_mut().zip(members) {
            *x = col.get(u).copied().unwrap_or(f64::NAN);
        }
        let (mean, sd) = mean_sd_scaled(scratch, 1.0);
        if sd.is_nan() || sd <= 0.0 {
            continue;
        }
        for (&x, &u) in scratch.iter().zip(members) {
            if !x.is_nan() && (x - mean).abs() > 5.0 * sd {
                issues.push(
                    Issue::warning(format!(
                        "indicator {}: value {} is more than 5 sd from the group mean {} (value used; please check)",
                        indicator,
                        crate::fmt::number(x),
                        crate::fmt::number((mean * 1e4).round() / 1e4)
                    ))
                    .file(file)
                    .row(units.source_rows[u])
                    .value(&units.ids[u]),
                );
            }
        }
    }
}

/// Mean and sample sd of `direction · x` over the non-missing values (for explanations).
pub(crate) fn directed_mean_sd(values: &[f64], direction: f64) -> (f64, f64) {
    mean_sd_scaled(values, direction)
}

/// Mean and sample sd (two passes, no allocation) of the finite values of `scale · x`; NaN
/// when undefined. (`scale` 1 leaves every value as it is, −0 and NaN included.)
fn mean_sd_scaled(values: &[f64], scale: f64) -> (f64, f64) {
    let (mut n, mut sum) = (0usize, 0.0);
    for &x in values {
        let y = x * scale;
        if y.is_finite() {
            n += 1;
            sum += y;
        }
    }
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = sum / n as f64;
    if n < 2 {
        return (mean, f64::NAN);
    }
    let mut ss = 0.0;
    for &x in values {
        let y = x * scale;
        if y.is_finite() {
            ss += (y - mean) * (y - mean);
        }
    }
    (mean, (ss / (n - 1) as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, RawTable};

    fn bits(m: &Matrix) -> Vec<u64> {
        (0..m.n_cols()).flat_map(|j| m.col(j).iter().map(|x| x.to_bits())).collect()
    }

    fn assert_same(one: &Scored, two: &Scored) {
        assert_eq!(bits(&one.derived), bits(&two.derived));
        assert_eq!(bits(&one.processed), bits(&two.processed));
        assert_eq!(bits(&one.normalised), bits(&two.normalised));
        assert_eq!(bits(&one.aggregates_raw), bits(&two.aggregates_raw));
        assert_eq!(bits(&one.aggregates), bits(&two.aggregates));
        let stats = |s: &Scored| -> Vec<(u64, u64)> {
            s.group_stats.iter().flatten().map(|(m, sd)| (m.to_bits(), sd.to_bits())).collect()
        };
        assert_eq!(stats(one), stats(two));
        assert_eq!(one.coverage, two.coverage);
        assert_eq!((&one.rank, &one.rank_in_tier), (&two.rank, &two.rank_in_tier));
        assert_eq!(one.issues, two.issues);
    }

    /// A framework of 100 indicators read as given (`x0`..`x99`, in 4 sectors), with `extra`
    /// appended to its text, and 1,200 units of them: outliers and empty cells in both halves of
    /// the indicators.
    fn plain_indicators(extra: &str) -> (Framework, RawTable) {
        let mut src = String::from(
            "id = \"t\"\nname = \"t\"\n[columns]\nid = \"id\"\n[[aggregates]]\nid = \"index\"\nname = \"Index\"\n",
        );
        for s in 0..4 {
            src += &format!("[[aggregates]]\nid = \"s{s}\"\nname = \"s{s}\"\nparent = \"index\"\n");
        }
        for i in 0..100 {
            let dir = if i % 7 == 3 { -1 } else { 1 };
            src += &format!(
                "[[indicators]]\nid = \"x{i}\"\nname = \"x{i}\"\nparent = \"s{}\"\ndirection = {dir}\n",
                i % 4
            );
        }
        src += extra;
        let fw: Framework = toml::from_str(&src).expect("framework parses");
        let mut columns = vec!["id".to_string()];
        columns.extend((0..100).map(|i| format!("x{i}")));
        let mut t = RawTable::new("t.csv", columns);
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        for u in 0..1_200usize {
            let mut row = vec![Cell::Text(format!("u{u}"))];
            for i in 0..100usize {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let x = (s >> 11) as f64 / (1u64 << 53) as f64;
                row.push(match (u, i) {
                    // Outliers (over 5 sd) in the first and the second half of the indicators.
                    (7 | 900, 3 | 81) => Cell::Number(1e6),
                    _ if x < 0.03 => Cell::Empty,
                    _ => Cell::Number((x * 1000.0).round() / 10.0),
                });
            }
            t.push_row(row, u + 2);
        }
        (fw, t)
    }

    /// 1,200 units × 100 indicators read as given: scored on two threads (where the machine has
    /// two cores) exactly as on one, issues in the same order.
    #[test]
    fn two_threads_score_as_one_pass() {
        let (fw, t) = plain_indicators("");
        let settings = fw.settings.clone();
        let w = WeightOverrides::new();
        let one = sorted(score_in(&fw, Table::Borrowed(&t), &settings, &w, false).expect("scores").0);
        let two = sorted(score_in(&fw, Table::Borrowed(&t), &settings, &w, true).expect("scores").0);
        assert_same(&one, &two);
        let outliers: Vec<_> = one.issues.iter().filter(|i| i.message.contains("5 sd")).map(|i| i.row).collect();
        assert_eq!(outliers, vec![Some(9), Some(9), Some(902), Some(902)]);
        if cfg!(feature = "threads") && std::thread::available_parallelism().map_or(1, |p| p.get()) >= 2 {
            assert!(parallel_columns(1_200, 100), "this table is split over two threads");
        }
    }

    /// Indicators that are the input fields in their order share the inputs' values as their
    /// derived values (no copy); one indicator derived otherwise, and every value is made by its
    /// derivation. Either way the indicators read as given have the same values, outlier warnings
    /// and normalised values, and a change of an input (what-if) leaves the derived values as
    /// they were.
    #[test]
    fn plain_indicators_share_the_input_values() {
        let (fw, t) = plain_indicators("");
        let ratio = "[[indicators]]\nid = \"r\"\nname = \"r\"\nparent = \"s0\"\n\
                     derive = { kind = \"ratio\", num = \"x0\", den = \"x1\" }\n";
        let (fw_r, _) = plain_indicators(ratio);
        let w = WeightOverrides::new();
        for parallel in [false, true] {
            let mut plain = sorted(score_in(&fw, Table::Borrowed(&t), &fw.settings, &w, parallel).expect("scores").0);
            let derived = sorted(score_in(&fw_r, Table::Borrowed(&t), &fw_r.settings, &w, parallel).expect("scores").0);
            assert!(plain.derived.shares(plain.inputs.values()), "plain indicators share the inputs");
            assert!(!derived.derived.shares(derived.inputs.values()), "a ratio: derived values of their own");
            assert_eq!(derived.derived.n_cols(), 101);
            for j in 0..100 {
                let same = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same(plain.derived.col(j), derived.derived.col(j)), "x{j}");
                assert!(same(plain.normalised.col(j), derived.normalised.col(j)), "x{j} normalised");
            }
            let outliers = |s: &Scored| -> Vec<(Option<usize>, String)> {
                let of_x = |i: &&Issue| i.message.starts_with("indicator x") && i.message.contains("5 sd");
                s.issues.iter().filter(of_x).map(|i| (i.row, i.message.clone())).collect()
            };
            assert_eq!(outliers(&plain).len(), 4);
            assert_eq!(outliers(&plain), outliers(&derived));
            let before = bits(&plain.derived);
            let (_, values) = plain.inputs.at_mut(5);
            values[0] = 12345.0;
            assert_eq!(plain.inputs.values().get(0, 5), 12345.0);
            assert_eq!(bits(&plain.derived), before, "the derived values are unchanged");
        }
    }

    /// The MPI 2019 framework on 1,200 demo ULBs (derivations with issues in both halves of the
    /// indicators): the same on two threads as on one.
    #[test]
    fn two_threads_score_mpi_as_one_pass() {
        let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).expect("parses");
        let t = crate::demo::demo_table(&fw, &crate::demo::census_cities(), 1_200, 7);
        let w = WeightOverrides::new();
        let one = sorted(score_in(&fw, Table::Borrowed(&t), &fw.settings, &w, false).expect("scores").0);
        let two = sorted(score_in(&fw, Table::Borrowed(&t), &fw.settings, &w, true).expect("scores").0);
        assert!(one.issues.len() > 100);
        assert_same(&one, &two);
        // The table dropped part-way through: the same run, issues (with their file) and all.
        let three = score_owned(&fw, t.clone(), &fw.settings, &w).expect("scores");
        assert_same(&one, &three);
    }

    /// A run again from the stage a change touches ([`rescore`]) is the run from scratch, value
    /// for value and issue for issue, along a chain of changes that each start at another
    /// stage: weights, the coverage minimum, the normalisation, the aggregation, the missing-data
    /// policy, screening (its warnings kept for the changes after it), treatment, imputation,
    /// the comparison group, and back.
    #[test]
    fn rescore_is_a_score_from_scratch() {
        let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).expect("parses");
        let t = crate::demo::demo_table(&fw, &crate::demo::census_cities(), 600, 11);
        let vertical = fw.aggregates.iter().find(|a| a.parent.as_deref() == Some(fw.aggregates[0].id.as_str()));
        let vertical = vertical.expect("a vertical").id.clone();
        let mut steps: Vec<(Settings, WeightOverrides)> = Vec::new();
        let mut s = fw.settings.clone();
        let mut w = WeightOverrides::new();
        let mut push = |s: &Settings, w: &WeightOverrides| steps.push((s.clone(), w.clone()));
        push(&s, &w);
        w.insert(vertical.clone(), 3.0);
        push(&s, &w);
        s.min_coverage = 0.9;
        push(&s, &w);
        s.normalise = crate::Normalisation::Minmax { lo: 1.0, hi: 100.0 };
        push(&s, &w);
        let mut gmean = s.clone();
        gmean.aggregate = crate::Aggregation::Gmean;
        push(&gmean, &w);
        s.missing = MissingPolicy::Worst;
        push(&s, &w);
        s.screen = Some(1.0);
        push(&s, &w);
        w.clear();
        push(&s, &w);
        s.treat = Treatment::Winsorise { winmax: 5, skew_thresh: 0.5, kurt_thresh: 1.0 };
        push(&s, &w);
        s.min_coverage = 0.5;
        push(&s, &w);
        s.screen = None;
        s.impute = Imputation::Median;
        push(&s, &w);
        s.missing = MissingPolicy::Reweight;
        push(&s, &w);
        s.impute = Imputation::None;
        s.treat = Treatment::None;
        push(&s, &w);
        s.group = if fw.settings.group == Group::All { Group::Tier } else { Group::All };
        push(&s, &w);
        w.insert(vertical.clone(), 0.5);
        push(&s, &w);
        s.normalise = fw.settings.normalise.clone();
        push(&s, &w);
        let mut base = score_keeping(&fw, &t, &steps[0].0, &steps[0].1).expect("scores");
        let mut refused = 0;
        let mut last_ok = 0;
        for (k, (s, w)) in steps.iter().enumerate().skip(1) {
            let fresh = score_keeping(&fw, &t, s, w);
            let again = rescore(&fw, &t, base, s, w);
            let (fresh, again) = match (fresh, again) {
                (Ok(f), Ok(a)) => (f, a),
                (Err(f), Err(a)) => {
                    // (A geometric mean of rescaled scores meets a 0.) Refused alike; go on from
                    // the last step scored.
                    assert_eq!(f.to_string(), a.to_string(), "step {k}");
                    refused += 1;
                    base = score_keeping(&fw, &t, &steps[last_ok].0, &steps[last_ok].1).expect("scores");
                    continue;
                }
                (f, a) => panic!("step {k}: from scratch {:?}, again {:?}", f.is_ok(), a.is_ok()),
            };
            assert_same(&fresh, &again);
            assert_eq!(again.screened, fresh.screened, "step {k}");
            assert_eq!((&again.tier, &again.tier_name), (&fresh.tier, &fresh.tier_name), "step {k}");
            assert!(again.kept.is_some(), "step {k}");
            base = again;
            last_ok = k;
        }
        assert_eq!(refused, 1, "the geometric mean is refused, every other step scored");
        // A run that kept nothing, or too many issues to keep, is scored again, the same.
        let plain = score(&fw, &t, &steps[1].0, &steps[1].1).expect("scores");
        let again = rescore(&fw, &t, plain, &steps[2].0, &steps[2].1).expect("scores");
        assert_same(&score_keeping(&fw, &t, &steps[2].0, &steps[2].1).expect("scores"), &again);
        let many = score_keeping_up_to(&fw, &t, &steps[1].0, &steps[1].1, 10).expect("scores");
        assert!(many.kept.is_none() && many.issues.len() > 10);
        let again = rescore(&fw, &t, many, &steps[2].0, &steps[2].1).expect("scores");
        assert_same(&score_keeping(&fw, &t, &steps[2].0, &steps[2].1).expect("scores"), &again);
        // Bad settings are refused as a score from scratch refuses them.
        let mut bad = steps[1].0.clone();
        bad.min_coverage = 2.0;
        assert!(rescore(&fw, &t, again, &bad, &steps[1].1).is_err());
    }
}
