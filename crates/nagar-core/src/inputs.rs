//! From a raw table to typed input columns: finds the id/name/context columns, matches input
//! fields by id or human label, parses every cell by its field's kind and reports every problem
//! (spec §5) with file, row, column and value. Rows with a duplicate or empty id are rejected whole.

use std::collections::{HashMap, HashSet};

use crate::derive::Derivation;
use crate::framework::{Framework, InputKind};
use crate::issue::Issue;
use crate::matrix::Matrix;
use crate::parse;
use crate::table::{normalise_header, CellRef, Quick, RawTable};

/// The units (rows) that are scored, with their identity and context.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub ids: Vec<String>,
    pub names: Vec<String>,
    /// 1-based row in the source file.
    pub source_rows: Vec<usize>,
    /// Index into `RawTable::rows`.
    pub table_rows: Vec<usize>,
    pub population: Vec<f64>,
    pub state: Vec<String>,
    pub zone: Vec<String>,
    pub terrain: Vec<String>,
    pub tags: Vec<Vec<String>>,
    /// Header of the id column as the file has it (`ulb_id`, `uCode`).
    pub id_header: String,
}

impl Units {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// One input field over the units: what it is, and for text fields the trimmed text (empty =
/// missing) for lookups. Its values (numbers, and 1/0 for Y/N) are column `k` of
/// [`Inputs::values`] for the field's position `k`.
#[derive(Debug, Clone)]
pub struct InputColumn {
    pub id: String,
    pub kind: InputKind,
    /// Header of the matched column in the file; `None` when the file lacks the field.
    pub header: Option<String>,
    pub text: Vec<String>,
}

/// The input fields, in the order the framework uses them, with their values as one matrix
/// (units × fields, column-major). When the indicators are the fields themselves, in the same
/// order (COINr's data: every indicator a plain value), the derived values are this matrix
/// shared, not a copy (`pipeline::derive_stage`).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub columns: Vec<InputColumn>,
    values: Matrix,
    index: HashMap<String, usize>,
}

/// One input field and its values over the units ([`Inputs::get`]); its field's parts read
/// through it (`input.header`, `input.text`).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub column: &'a InputColumn,
    pub values: &'a [f64],
}

impl std::ops::Deref for Input<'_> {
    type Target = InputColumn;
    fn deref(&self) -> &InputColumn {
        self.column
    }
}

impl Inputs {
    pub fn get(&self, id: &str) -> Option<Input<'_>> {
        self.index.get(id).map(|&k| self.at(k))
    }
    /// The field at position `k` of [`Inputs::columns`].
    pub fn at(&self, k: usize) -> Input<'_> {
        Input { column: &self.columns[k], values: self.values.col(k) }
    }
    /// Every field's values, units × fields (column `k` is the field at position `k`).
    pub fn values(&self) -> &Matrix {
        &self.values
    }
    /// Field `k`'s field and values, to change (the values are copied first if the matrix is
    /// shared, as with derived values made from it).
    pub fn at_mut(&mut self, k: usize) -> (&mut InputColumn, &mut [f64]) {
        (&mut self.columns[k], self.values.col_mut(k))
    }
}

/// Fatal problems: nothing can be scored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    #[error("{file}: no id column: expected a column named {expected:?}; the file's columns are {found:?}")]
    NoIdColumn { file: String, expected: String, found: Vec<String> },
    #[error("{file}: no data rows")]
    NoRows { file: String },
    #[error(
        "{file}: none of the framework's input columns were found (expected columns such as {examples}); \
         download the template (`nagar template`) to see every expected column"
    )]
    NoInputs { file: String, examples: String },
}

/// The kind of each input a framework reads: declared in `[[inputs]]`, else inferred from use.
pub fn input_kinds(fw: &Framework) -> Vec<(String, InputKind)> {
    let declared: HashMap<&str, InputKind> = fw.inputs.iter().map(|f| (f.id.as_str(), f.kind)).collect();
    let mut inferred: HashMap<String, InputKind> = HashMap::new();
    for ind in &fw.indicators {
        infer(&ind.derivation(), &mut inferred);
    }
    fw.used_inputs()
        .into_iter()
        .map(|id| {
            let k =
                declared.get(id.as_str()).copied().or_else(|| inferred.get(&id).copied()).unwrap_or(InputKind::Number);
            (id, k)
        })
        .collect()
}

fn infer(d: &Derivation, out: &mut HashMap<String, InputKind>) {
    match d {
        Derivation::CountYes { inputs } => {
            for i in inputs {
                out.insert(i.clone(), InputKind::YesNo);
            }
        }
        Derivation::AboveGroupMean { yes_inputs, .. } => {
            for i in yes_inputs {
                out.insert(i.clone(), InputKind::YesNo);
            }
        }
        Derivation::Lookup { input, .. } => {
            out.insert(input.clone(), InputKind::Text);
        }
        Derivation::AbsDeviation { of, .. } => infer(of, out),
        _ => {}
    }
}

fn find_column(table: &RawTable, names: &[&str]) -> Option<usize> {
    names.iter().filter(|n| !n.is_empty()).find_map(|n| table.column_index(n))
}

/// Extra data columns the pipeline reads besides inputs (group, denominator columns).
pub fn read_units_and_inputs(
    fw: &Framework,
    table: &RawTable,
    extra_columns: &[String],
    issues: &mut Vec<Issue>,
) -> Result<(Units, Inputs), InputError> {
    read_units_and_inputs_split(fw, table, extra_columns, issues, MIN_PARALLEL)
}

/// Units from which [`read_units_and_inputs`] reads the input cells in two halves at once
/// (feature `threads`, the CLI; the browser's engine has one thread).
const MIN_PARALLEL: usize = 2048;

/// [`read_units_and_inputs`], in two halves at once from `min_parallel` units on (feature
/// `threads`); the same result either way (test below).
fn read_units_and_inputs_split(
    fw: &Framework,
    table: &RawTable,
    extra_columns: &[String],
    issues: &mut Vec<Issue>,
    #[cfg_attr(not(feature = "threads"), allow(unused_variables))] min_parallel: usize,
) -> Result<(Units, Inputs), InputError> {
    let file = table.file.clone();
    let c = &fw.columns;
    let mut id_names: Vec<&str> = vec![c.id.as_str()];
    id_names.extend(c.id_aliases.iter().map(|s| s.as_str()));
    let id_col = find_column(table, &id_names).ok_or_else(|| InputError::NoIdColumn {
        file: file.clone(),
        expected: c.id.clone(),
        found: table.columns.clone(),
    })?;
    let mut name_names: Vec<&str> = vec![c.name.as_str()];
    name_names.extend(c.name_aliases.iter().map(|s| s.as_str()));
    name_names.push("name");
    let name_col = find_column(table, &name_names);
    let pop_col = find_column(table, &[c.population.as_str()]);
    let state_col = find_column(table, &[c.state.as_str()]);
    let zone_col = find_column(table, &[c.zone.as_str()]);
    let terrain_col = find_column(table, &[c.terrain.as_str()]);
    let tags_col = find_column(table, &[c.tags.as_str()]);

    // Input fields: by id, then by label.
    let kinds = input_kinds(fw);
    let labels: HashMap<&str, &str> = fw.inputs.iter().map(|f| (f.id.as_str(), f.label.as_str())).collect();
    let mut used_cols: HashSet<usize> = HashSet::new();
    for col in [Some(id_col), name_col, pop_col, state_col, zone_col, terrain_col, tags_col].into_iter().flatten() {
        used_cols.insert(col);
    }
    for e in extra_columns {
        if let Some(k) = table.column_index(e) {
            used_cols.insert(k);
        }
    }
    let mut field_cols: Vec<Option<usize>> = Vec::with_capacity(kinds.len());
    for (id, _) in &kinds {
        let k = table.column_index(id).or_else(|| labels.get(id.as_str()).and_then(|l| table.column_index(l)));
        if let Some(k) = k {
            used_cols.insert(k);
        }
        field_cols.push(k);
    }
    // Unknown columns are listed once, together.
    let unknown: Vec<&str> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(k, name)| !used_cols.contains(k) && !name.trim().is_empty())
        .map(|(_, n)| n.as_str())
        .collect();
    if !unknown.is_empty() {
        issues.push(
            Issue::warning(format!(
                "{} column(s) not used by framework {} and ignored: {}",
                unknown.len(),
                fw.id,
                unknown.join(", ")
            ))
            .file(&file),
        );
    }
    if !kinds.is_empty() && field_cols.iter().all(|c| c.is_none()) {
        let examples: Vec<String> = kinds.iter().take(4).map(|(id, _)| id.clone()).collect();
        return Err(InputError::NoInputs { file, examples: examples.join(", ") });
    }

    // Units: reject empty and duplicate ids (the later row).
    let mut units = Units { id_header: table.columns[id_col].clone(), ..Default::default() };
    let n_rows = table.n_rows();
    // Room for every row at once: grown by doubling, these vectors took fresh memory each time.
    units.ids.reserve(n_rows);
    units.names.reserve(n_rows);
    units.state.reserve(n_rows);
    units.zone.reserve(n_rows);
    units.terrain.reserve(n_rows);
    units.tags.reserve(n_rows);
    units.source_rows.reserve(n_rows);
    units.table_rows.reserve(n_rows);
    units.population.reserve(n_rows);
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(n_rows);
    for (r, row) in table.rows().enumerate() {
        let src = table.source_row(r).unwrap_or(r + 2);
        let id = cell_text(row.cell(id_col));
        if id.is_empty() {
            issues.push(
                Issue::error("row has no id; the whole row is rejected")
                    .file(&file)
                    .row(src)
                    .column(&table.columns[id_col]),
            );
            continue;
        }
        if let Some(first) = seen.get(&id) {
            issues.push(
                Issue::error(format!("duplicate id (first used in row {first}); this later row is rejected whole"))
                    .file(&file)
                    .row(src)
                    .column(&table.columns[id_col])
                    .value(&id),
            );
            continue;
        }
        seen.insert(id.clone(), src);
        units.ids.push(id);
        units.source_rows.push(src);
        units.table_rows.push(r);
        let text_of = |col: Option<usize>| col.map(|k| cell_text(row.cell(k))).unwrap_or_default();
        units.names.push(text_of(name_col));
        units.state.push(text_of(state_col));
        units.zone.push(text_of(zone_col));
        units.terrain.push(text_of(terrain_col));
        units.tags.push(
            text_of(tags_col)
                .split([';', ','])
                .map(|t| t.trim().to_ascii_lowercase())
                .filter(|t| !t.is_empty())
                .collect(),
        );
        let pop = match pop_col {
            Some(k) => match parse::cell_number(row.cell(k), false) {
                Ok(Some(p)) if p >= 0.0 => p,
                Ok(Some(p)) => {
                    issues.push(
                        Issue::error("population cannot be negative; treated as missing")
                            .file(&file)
                            .row(src)
                            .column(&table.columns[k])
                            .value(crate::fmt::number(p)),
                    );
                    f64::NAN
                }
                Ok(None) => f64::NAN,
                Err(m) => {
                    issues.push(
                        Issue::error(format!("population: {m}"))
                            .file(&file)
                            .row(src)
                            .column(&table.columns[k])
                            .value(row.cell(k).display()),
                    );
                    f64::NAN
                }
            },
            None => f64::NAN,
        };
        units.population.push(pop);
    }
    if units.is_empty() {
        return Err(InputError::NoRows { file });
    }

    // Row-major pass (rows are contiguous in memory), writing one column per field.
    let n = units.len();
    let mut columns: Vec<InputColumn> = kinds
        .into_iter()
        .zip(&field_cols)
        .map(|((id, kind), col)| InputColumn {
            id,
            kind,
            header: col.map(|k| table.columns[k].clone()),
            text: if kind == InputKind::Text && col.is_some() { vec![String::new(); n] } else { Vec::new() },
        })
        .collect();
    let mut values = Matrix::new(n, columns.len());
    let (mut rest, _) = values.split_cols_mut(columns.len());
    #[allow(clippy::type_complexity)]
    let (fields, mut outs): (Vec<(&str, InputKind, Option<usize>)>, Vec<ColumnOut>) = columns
        .iter_mut()
        .zip(&field_cols)
        .map(|(c, &col)| {
            let InputColumn { id, kind, text, .. } = c;
            let (values, more) = std::mem::take(&mut rest).split_at_mut(n);
            rest = more;
            ((id.as_str(), *kind, col), (values, text.as_mut_slice()))
        })
        .unzip();
    let cells = Cells { table, file: &file, pop_col, fields: &fields };
    let (rows, sources) = (&units.table_rows[..], &units.source_rows[..]);
    #[cfg(feature = "threads")]
    if n >= min_parallel && std::thread::available_parallelism().map_or(1, |p| p.get()) >= 2 {
        // Two halves of the units at once; the second half's issues follow the first's, as
        // in one pass.
        let mid = n / 2;
        let (mut low, mut high): (Vec<ColumnOut>, Vec<ColumnOut>) = outs
            .into_iter()
            .map(|(values, text)| {
                let (v1, v2) = values.split_at_mut(mid);
                let (t1, t2) = if text.is_empty() { (&mut [][..], text) } else { text.split_at_mut(mid) };
                ((v1, t1), (v2, t2))
            })
            .unzip();
        let mut high_issues = Vec::new();
        crate::par::join(
            || cells.read(&rows[..mid], &sources[..mid], &mut low, issues),
            || cells.read(&rows[mid..], &sources[mid..], &mut high, &mut high_issues),
        );
        issues.append(&mut high_issues);
        return Ok((units, inputs_of(columns, values)));
    }
    cells.read(rows, sources, &mut outs, issues);
    Ok((units, inputs_of(columns, values)))
}

fn inputs_of(columns: Vec<InputColumn>, values: Matrix) -> Inputs {
    let mut index = HashMap::new();
    for (k, c) in columns.iter().enumerate() {
        index.insert(c.id.clone(), k);
    }
    Inputs { columns, values, index }
}

/// One input column's values and texts (empty unless a text field) for some of the units.
type ColumnOut<'a> = (&'a mut [f64], &'a mut [String]);

/// What reading the input cells of units needs: the table, and each field's id, kind and column.
struct Cells<'a> {
    table: &'a RawTable,
    file: &'a str,
    pop_col: Option<usize>,
    fields: &'a [(&'a str, InputKind, Option<usize>)],
}

impl Cells<'_> {
    /// Row-major pass (rows are contiguous in memory), writing one column per field: unit `u`
    /// is table row `rows[u]`, file row `sources[u]`, and `out[f].0[u]` its value of field `f`.
    fn read(&self, rows: &[usize], sources: &[usize], out: &mut [ColumnOut], issues: &mut Vec<Issue>) {
        let Cells { table, file, pop_col, fields } = *self;
        // The fields with a column, each with the range of numbers it takes as they are (no issue):
        // any finite number, at least 0 (counts, amounts...), 0 to 100 (percentages), none (text
        // and Y/N fields, whose cells go through their parsers below). NaN and infinities are in
        // no range. One comparison pair per cell instead of the kind's tests.
        let fast: Vec<(usize, usize, f64, f64, InputKind)> = fields
            .iter()
            .enumerate()
            .filter_map(|(f, &(_, kind, col))| {
                let (lo, hi) = match kind {
                    InputKind::Text | InputKind::YesNo => (f64::INFINITY, f64::NEG_INFINITY),
                    InputKind::Percent => (0.0, 100.0),
                    k if k.non_negative() => (0.0, f64::MAX),
                    _ => (f64::MIN, f64::MAX),
                };
                Some((f, col?, lo, hi, kind))
            })
            .collect();
        for (u, &r) in rows.iter().enumerate() {
            let row = table.row(r);
            let src = sources[u];
            for &(f, k, lo, hi, kind) in &fast {
                let Some((values, text)) = out.get_mut(f) else { continue };
                // Fast path for the common cells: blank, and plain numbers that need no issue,
                // read from the cell's slot without making the cell.
                match row.quick(k) {
                    Quick::Empty => continue,
                    Quick::Number(x) if x >= lo && x <= hi => {
                        values[u] = x;
                        continue;
                    }
                    // A one-letter Y or N (what `parse::parse_yes_no` reads as yes and no), the
                    // common Y/N cell, without its trimming and word lists.
                    Quick::Byte(b'Y' | b'y') if kind == InputKind::YesNo => {
                        values[u] = 1.0;
                        continue;
                    }
                    Quick::Byte(b'N' | b'n') if kind == InputKind::YesNo => {
                        values[u] = 0.0;
                        continue;
                    }
                    _ => {}
                }
                let id = fields.get(f).map_or("", |&(id, _, _)| id);
                let cell = row.cell(k);
                let mut report = |m: String, error: bool| {
                    // The population column is read twice (the unit's size for tiers, above, and an
                    // input field); its problems were reported with the unit.
                    if Some(k) == pop_col {
                        return;
                    }
                    let i = if error { Issue::error(m) } else { Issue::warning(m) };
                    issues.push(i.file(file).row(src).column(&table.columns[k]).value(cell.display()));
                };
                match kind {
                    InputKind::Text => {
                        let t = cell_text(cell);
                        if !parse::is_missing_marker(&t) {
                            text[u] = t;
                        }
                    }
                    InputKind::YesNo => match parse::cell_yes_no(cell) {
                        Ok(Some(b)) => values[u] = if b { 1.0 } else { 0.0 },
                        Ok(None) => {}
                        Err(m) => report(format!("{id}: {m}; counted as missing"), true),
                    },
                    _ => {
                        match parse::cell_number(cell, matches!(kind, InputKind::Percent | InputKind::SignedPercent)) {
                            Ok(Some(x)) => {
                                if kind.non_negative() && x < 0.0 {
                                    report(format!("{id}: cannot be negative; counted as missing"), true);
                                } else {
                                    if kind == InputKind::Percent && x > 100.0 {
                                        report(format!("{id}: percentage above 100 (value used)"), false);
                                    }
                                    values[u] = x;
                                }
                            }
                            Ok(None) => {}
                            Err(m) => report(format!("{id}: {m}; counted as missing"), true),
                        }
                    }
                }
            }
        }
    }
}

/// A cell's text, trimmed (used by ids, text inputs and grouping columns).
pub fn cell_text<'a>(cell: impl Into<CellRef<'a>>) -> String {
    match cell.into() {
        CellRef::Text(s) => s.trim().to_string(),
        c => c.display().trim().to_string(),
    }
}

/// Lenient key for matching state names: case, `&`/`and`, punctuation and spaces ignored.
pub fn state_key(s: &str) -> String {
    let s = s.to_ascii_lowercase().replace('&', " and ");
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "and" && *w != "the")
        .map(|w| w.to_string())
        .collect();
    normalise_header(&words.join(" ")).replace('_', "")
}

#[cfg(all(test, feature = "threads"))]
mod tests {
    use super::*;

    /// Reading the input cells in two halves at once gives what one pass gives: the same
    /// units, values, texts and issues in the same order, bad cells in both halves included.
    #[test]
    fn two_halves_read_as_one_pass() {
        use crate::Cell;
        let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).unwrap();
        let census = crate::demo::census_cities();
        let mut table = crate::demo::demo_table(&fw, &census, 301, 7);
        let bad = [Cell::Text("abc".into()), Cell::Number(-5.0), Cell::Text("maybe".into()), Cell::Number(250.0)];
        let n_cols = table.columns.len();
        for r in (0..table.n_rows()).filter(|r| r % 7 == 3) {
            table.set(r, (r * 13) % n_cols, bad[r % 4].view());
            table.set(r, (r * 29 + 5) % n_cols, bad[(r + 1) % 4].view());
        }
        let read = |min_parallel| {
            let mut issues = Vec::new();
            // (Not the id index: a HashMap, whose order changes from one map to the next.)
            let result = read_units_and_inputs_split(&fw, &table, &[], &mut issues, min_parallel);
            let result = result.map(|(units, inputs)| (units, inputs.columns, inputs.values));
            format!("{result:?}\n{issues:?}")
        };
        let one = read(usize::MAX);
        assert!(one.matches("counted as missing").count() > 20, "the bad cells are reported");
        let two = read(1);
        let at = one.bytes().zip(two.bytes()).position(|(a, b)| a != b).unwrap_or(one.len().min(two.len()));
        let around = |t: &str| t.get(at.saturating_sub(150)..(at + 150).min(t.len())).unwrap_or_default().to_string();
        assert!(one == two, "one pass: …{}…\ntwo halves: …{}…", around(&one), around(&two));
    }
}

#[cfg(test)]
mod yes_no_tests {
    use super::*;

    /// Number cells read through the fast path (a range per kind) as the rules say: finite
    /// numbers as they are, negative ones missing for non-negative kinds (an error), above 100 a
    /// warning for percentages (value used), NaN and infinities missing (an error).
    #[test]
    fn number_cells_of_each_kind_read_by_the_rules() {
        let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).unwrap();
        let census = crate::demo::census_cities();
        let xs = [-1.0, -0.0, 0.0, 50.0, 100.0, 100.5, 1e308, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
        let kinds = input_kinds(&fw);
        let mut checked = 0;
        for want in [InputKind::Percent, InputKind::Count, InputKind::Amount, InputKind::Number, InputKind::YesNo] {
            let Some((id, kind)) = kinds.iter().find(|(_, k)| *k == want) else { continue };
            let mut table = crate::demo::demo_table(&fw, &census, 20, 5);
            let col = table.column_index(id).unwrap();
            for (r, &x) in xs.iter().enumerate() {
                table.set(r, col, CellRef::Number(x));
            }
            let mut issues = Vec::new();
            let (units, inputs) = read_units_and_inputs(&fw, &table, &[], &mut issues).unwrap();
            let values = &inputs.get(id).unwrap().values;
            for (r, &x) in xs.iter().enumerate() {
                let u = units.table_rows.iter().position(|&t| t == r).unwrap();
                let (value, issue) = match kind {
                    InputKind::YesNo if x == 1.0 || x == 0.0 => (if x == 1.0 { 1.0 } else { 0.0 }, None),
                    InputKind::YesNo => (f64::NAN, Some("expected Y or N")),
                    _ if !x.is_finite() => (f64::NAN, Some("not a finite number")),
                    k if k.non_negative() && x < 0.0 => (f64::NAN, Some("cannot be negative")),
                    InputKind::Percent if x > 100.0 => (x, Some("percentage above 100")),
                    _ => (x, None),
                };
                assert_eq!(values[u].to_bits(), value.to_bits(), "{kind:?} {x}");
                let found: Vec<&str> = issues
                    .iter()
                    .filter(|i| i.row == Some(units.source_rows[u]) && i.message.starts_with(id.as_str()))
                    .map(|i| i.message.as_str())
                    .collect();
                match issue {
                    None => assert!(found.is_empty(), "{kind:?} {x}: {found:?}"),
                    Some(m) => assert!(found.len() == 1 && found[0].contains(m), "{kind:?} {x}: {found:?}"),
                }
            }
            checked += 1;
        }
        assert!(checked >= 3, "the framework has inputs of at least three of these kinds");
    }

    /// The one-letter fast path of `Cells::read` reads Y/N cells as `parse::parse_yes_no` does,
    /// and any other text still goes through it (its issue included).
    #[test]
    fn one_letter_yes_no_cells_read_as_parse_yes_no_reads_them() {
        let fw: Framework = toml::from_str(include_str!("../../../frameworks/mpi-2019.toml")).unwrap();
        let census = crate::demo::census_cities();
        let mut table = crate::demo::demo_table(&fw, &census, 30, 3);
        let (id, _) = input_kinds(&fw).into_iter().find(|(_, k)| *k == InputKind::YesNo).unwrap();
        let col = table.column_index(&id).unwrap();
        let texts = ["Y", "y", "N", "n", "x", "1", "0", " Y", "Yes", "no", "-", "Z", "?", "é", "NA"];
        for (r, t) in texts.iter().enumerate() {
            table.set(r, col, CellRef::Text(t));
        }
        let mut issues = Vec::new();
        let (units, inputs) = read_units_and_inputs(&fw, &table, &[], &mut issues).unwrap();
        let values = &inputs.get(&id).unwrap().values;
        for (r, t) in texts.iter().enumerate() {
            let u = units.table_rows.iter().position(|&x| x == r).unwrap();
            let expected = match parse::parse_yes_no(t) {
                Ok(Some(true)) => 1.0,
                Ok(Some(false)) => 0.0,
                _ => f64::NAN,
            };
            assert_eq!(values[u].to_bits(), expected.to_bits(), "{t:?}");
            let reported = issues.iter().any(|i| i.row == Some(units.source_rows[u]));
            assert_eq!(reported, parse::parse_yes_no(t).is_err(), "{t:?}");
        }
    }
}
