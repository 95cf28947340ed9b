//! The design: one row of parameters per replication, in COINr's layout. Drawn from a seeded
//! generator ([`Design::sample`]), written as `design.csv` ([`Design::sheet`]) and read back for
//! a replay ([`Design::from_table`]), in the format of COINr's reference
//! (`shared/data/coinr-asem/robustness/sa/design.csv`): `rep`, `block` (`A`, `B`, `AB:<input>`
//! or `UA`), then `normalise`, `aggregate`, `missing`, `impute`, `exclude` and one
//! `weight:<id>` column per varied weight, for the parameters that vary. A parameter without a
//! column keeps its nominal value.
//!
//! Sampling (docs/METHODOLOGY.md §14): one ChaCha8 stream (`rand_chacha::ChaCha8Rng`,
//! `seed_from_u64(seed)`), uniform numbers `(next_u64 >> 11)·2⁻⁵³`. Each input takes one variate
//! (a weights input one per weight). UA: N rows of variates, row by row. SA: the rows of A, then
//! the rows of B (each N × D), then for each input i the N rows of A with input i's variates
//! from B (COINr `SA_sample`). A variate u maps to a weight `w·(1 + f·(2u − 1))` or to the
//! alternative number ⌊u·k⌋ of k.

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::spec::{Input, Kind, Vary};
use super::stats::unit_uniform;
use super::RobustnessError;
use crate::framework::Framework;
use crate::output::{OutCell, Sheet};
use crate::settings::{Aggregation, Imputation, MissingPolicy, Normalisation};
use crate::table::{CellRef, RawTable};

/// Which part of the Saltelli layout a replication is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    A,
    B,
    /// A with input i's values from B.
    AB(usize),
    /// A replication of an uncertainty analysis.
    Ua,
}

/// The parameters of one replication; `None` (or no weights) keeps the nominal value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    pub normalise: Option<Normalisation>,
    pub aggregate: Option<Aggregation>,
    pub missing: Option<MissingPolicy>,
    pub impute: Option<Imputation>,
    /// `Some(None)`: nothing left out; `Some(Some(id))`: `id` has weight 0.
    pub exclude: Option<Option<String>>,
    /// One weight per [`DesignColumns::weights`] id.
    pub weights: Vec<f64>,
}

/// The parameter columns a design has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DesignColumns {
    pub normalise: bool,
    pub aggregate: bool,
    pub missing: bool,
    pub impute: bool,
    pub exclude: bool,
    /// Ids of the `weight:<id>` columns, in order.
    pub weights: Vec<String>,
}

/// Every replication's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub kind: Kind,
    /// UA: the number of replications; SA: the base sample size (N(d+2) replications).
    pub n: usize,
    /// Names of the inputs (SA: in the order of the `AB:` blocks).
    pub inputs: Vec<String>,
    pub columns: DesignColumns,
    pub rows: Vec<(Block, Params)>,
}

impl Design {
    /// Draw a design for `inputs` (resolved from a spec). `nominal_weight(id)` is the weight of a
    /// node in the nominal run.
    pub fn sample(
        kind: Kind,
        n: usize,
        seed: u64,
        inputs: &[Input],
        nominal_weight: &dyn Fn(&str) -> f64,
    ) -> Result<Design, RobustnessError> {
        if !(3..=super::spec::MAX_N).contains(&n) {
            return Err(RobustnessError::Spec(format!("N must be between 3 and {} (got {n})", super::spec::MAX_N)));
        }
        if kind == Kind::Sa && inputs.len() < 2 {
            return Err(RobustnessError::Spec(
                "a sensitivity analysis needs at least two uncertain inputs (COINr refuses one: its single index would be 1 by construction)".into(),
            ));
        }
        let mut columns = DesignColumns::default();
        let mut offset = Vec::with_capacity(inputs.len());
        let mut dims = 0;
        for inp in inputs {
            offset.push(dims);
            dims += inp.vary.dims();
            match &inp.vary {
                Vary::Weights { ids, .. } => columns.weights.extend(ids.iter().cloned()),
                Vary::Normalise(_) => columns.normalise = true,
                Vary::Aggregate(_) => columns.aggregate = true,
                Vary::Missing(_) => columns.missing = true,
                Vary::Impute(_) => columns.impute = true,
                Vary::Exclude(_) => columns.exclude = true,
            }
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut draw = |rows: usize| -> Vec<Vec<f64>> {
            (0..rows).map(|_| (0..dims).map(|_| unit_uniform(&mut rng)).collect()).collect()
        };
        let to_params = |u: &[f64]| -> Params {
            let mut p = Params::default();
            for (inp, &o) in inputs.iter().zip(&offset) {
                let pick = |k: usize| ((u[o] * k as f64) as usize).min(k - 1);
                match &inp.vary {
                    Vary::Weights { ids, noise } => {
                        for (t, id) in ids.iter().enumerate() {
                            let w = nominal_weight(id);
                            p.weights.push(w + (u[o + t] * 2.0 - 1.0) * noise * w);
                        }
                    }
                    Vary::Normalise(a) => p.normalise = Some(a[pick(a.len())].clone()),
                    Vary::Aggregate(a) => p.aggregate = Some(a[pick(a.len())]),
                    Vary::Missing(a) => p.missing = Some(a[pick(a.len())]),
                    Vary::Impute(a) => p.impute = Some(a[pick(a.len())].clone()),
                    Vary::Exclude(a) => p.exclude = Some(a[pick(a.len())].clone()),
                }
            }
            p
        };
        let rows = match kind {
            Kind::Ua => draw(n).iter().map(|u| (Block::Ua, to_params(u))).collect(),
            Kind::Sa => {
                let a = draw(n);
                let b = draw(n);
                let mut rows: Vec<(Block, Params)> = Vec::with_capacity(n * (inputs.len() + 2));
                rows.extend(a.iter().map(|u| (Block::A, to_params(u))));
                rows.extend(b.iter().map(|u| (Block::B, to_params(u))));
                for (i, inp) in inputs.iter().enumerate() {
                    let (o, d) = (offset[i], inp.vary.dims());
                    for (ua, ub) in a.iter().zip(&b) {
                        let mut u = ua.clone();
                        u[o..o + d].copy_from_slice(&ub[o..o + d]);
                        rows.push((Block::AB(i), to_params(&u)));
                    }
                }
                rows
            }
        };
        Ok(Design { kind, n, inputs: inputs.iter().map(|i| i.name.clone()).collect(), columns, rows })
    }

    /// The rows whose ranks the rank statistics use: all for UA, A and B (the first 2N) for SA,
    /// as COINr's `get_sensitivity`.
    pub fn stats_rows(&self) -> usize {
        match self.kind {
            Kind::Ua => self.rows.len(),
            Kind::Sa => 2 * self.n,
        }
    }

    /// `design.csv`.
    pub fn sheet(&self) -> Sheet {
        let c = &self.columns;
        let mut columns = vec!["rep".to_string(), "block".to_string()];
        for (on, name) in [
            (c.normalise, "normalise"),
            (c.aggregate, "aggregate"),
            (c.missing, "missing"),
            (c.impute, "impute"),
            (c.exclude, "exclude"),
        ] {
            if on {
                columns.push(name.into());
            }
        }
        columns.extend(c.weights.iter().map(|id| format!("weight:{id}")));
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(r, (block, p))| {
                let mut row = vec![OutCell::Number((r + 1) as f64), OutCell::text(self.block_label(*block))];
                let text = |s: Option<String>| OutCell::text(s.unwrap_or_default());
                if c.normalise {
                    row.push(text(p.normalise.as_ref().map(|n| n.label())));
                }
                if c.aggregate {
                    row.push(text(p.aggregate.map(|a| a.label())));
                }
                if c.missing {
                    row.push(text(p.missing.map(|m| m.label())));
                }
                if c.impute {
                    row.push(text(p.impute.as_ref().map(|i| i.label())));
                }
                if c.exclude {
                    row.push(text(p.exclude.clone().map(|e| e.unwrap_or_else(|| "none".into()))));
                }
                row.extend(p.weights.iter().map(|&w| OutCell::num(w)));
                row
            })
            .collect();
        Sheet { name: "design".into(), columns, rows }
    }

    fn block_label(&self, b: Block) -> String {
        match b {
            Block::A => "A".into(),
            Block::B => "B".into(),
            Block::AB(i) => format!("AB:{}", self.inputs.get(i).map(String::as_str).unwrap_or("?")),
            Block::Ua => "UA".into(),
        }
    }

    /// Read a design to replay from a table (`design.csv` as nagar-io reads it), checked against
    /// the framework and the layout: every column known (`weight:<id>` naming a weighted node),
    /// every cell parseable, `rep` = 1, 2, …, and either all blocks `UA` or the Saltelli layout
    /// A×N, B×N, AB:<input>×N for each of d ≥ 2 inputs. Errors name the row, column and value.
    pub fn from_table(t: &RawTable, fw: &Framework) -> Result<Design, RobustnessError> {
        let err = |message: String| RobustnessError::Design { file: t.file.clone(), message };
        let find = |name: &str| t.columns.iter().position(|c| c.trim() == name);
        let (Some(rep_col), Some(block_col)) = (find("rep"), find("block")) else {
            return Err(err(format!("a design needs the columns `rep` and `block` (found: {})", t.columns.join(", "))));
        };
        let mut columns = DesignColumns::default();
        let mut weight_cols = Vec::new();
        let mut kinds: Vec<(usize, &str)> = Vec::new();
        for (k, name) in t.columns.iter().enumerate() {
            let name = name.trim();
            match name {
                "rep" | "block" => {}
                "normalise" | "aggregate" | "missing" | "impute" | "exclude" => {
                    match name {
                        "normalise" => columns.normalise = true,
                        "aggregate" => columns.aggregate = true,
                        "missing" => columns.missing = true,
                        "impute" => columns.impute = true,
                        _ => columns.exclude = true,
                    }
                    kinds.push((k, name));
                }
                _ => match name.strip_prefix("weight:") {
                    Some(id) => {
                        if !fw.indicators.iter().any(|i| i.id == id)
                            && !fw.aggregates.iter().any(|a| a.id == id && a.parent.is_some())
                        {
                            return Err(err(format!(
                                "column {name:?}: {id:?} is not an indicator or weighted aggregate of framework {}",
                                fw.id
                            )));
                        }
                        columns.weights.push(id.to_string());
                        weight_cols.push(k);
                    }
                    None => {
                        return Err(err(format!(
                            "column {name:?} is not a design parameter (expected normalise, aggregate, missing, impute, exclude or weight:<id>)"
                        )))
                    }
                },
            }
        }
        let mut inputs: Vec<String> = Vec::new();
        let mut rows = Vec::with_capacity(t.n_rows());
        for (r, cells) in t.rows().enumerate() {
            let row_no = t.source_row(r).unwrap_or(r + 2);
            let at = |k: usize, m: String| err(format!("row {row_no}, column {}: {m}", t.columns[k]));
            let rep = number(cells.cell(rep_col))
                .ok_or_else(|| at(rep_col, format!("{:?} is not a number", cells.cell(rep_col).display())))?;
            if rep != (r + 1) as f64 {
                return Err(at(rep_col, format!("expected rep {}, found {}", r + 1, cells.cell(rep_col).display())));
            }
            let block = cells.cell(block_col).display();
            let block = match block.trim() {
                "A" => Block::A,
                "B" => Block::B,
                "UA" => Block::Ua,
                b => match b.strip_prefix("AB:") {
                    Some(name) if !name.is_empty() => {
                        let i = match inputs.iter().position(|x| x == name) {
                            Some(i) => i,
                            None => {
                                inputs.push(name.to_string());
                                inputs.len() - 1
                            }
                        };
                        Block::AB(i)
                    }
                    _ => return Err(at(block_col, format!("block {b:?} is not A, B, AB:<input> or UA"))),
                },
            };
            let mut p = Params::default();
            for &(k, kind) in &kinds {
                let v = cells.cell(k).display();
                let v = v.trim();
                if v.is_empty() {
                    return Err(at(k, "empty cell (a design row must say every varied parameter)".into()));
                }
                let bad = |m: String| at(k, format!("{v:?}: {m}"));
                match kind {
                    "normalise" => p.normalise = Some(Normalisation::parse(v).map_err(bad)?),
                    "aggregate" => p.aggregate = Some(Aggregation::parse(v).map_err(bad)?),
                    "missing" => p.missing = Some(MissingPolicy::parse(v).map_err(bad)?),
                    "impute" => p.impute = Some(Imputation::parse(v).map_err(bad)?),
                    _ => {
                        if v != "none"
                            && !fw.indicators.iter().any(|i| i.id == v)
                            && !fw.aggregates.iter().any(|a| a.id == v && a.parent.is_some())
                        {
                            return Err(bad(format!(
                                "not an indicator or weighted aggregate of framework {} (or `none`)",
                                fw.id
                            )));
                        }
                        p.exclude = Some(if v == "none" { None } else { Some(v.to_string()) });
                    }
                }
            }
            for &k in &weight_cols {
                let w = number(cells.cell(k)).filter(|w| w.is_finite() && *w >= 0.0).ok_or_else(|| {
                    at(k, format!("{:?} is not a weight (a finite number ≥ 0)", cells.cell(k).display()))
                })?;
                p.weights.push(w);
            }
            rows.push((block, p));
        }
        if rows.is_empty() {
            return Err(err("the design has no rows".into()));
        }
        let ua = rows.iter().filter(|(b, _)| *b == Block::Ua).count();
        let (kind, n) = if ua == rows.len() {
            (Kind::Ua, rows.len())
        } else if ua > 0 {
            return Err(err("a design mixes UA rows with A/B/AB rows".into()));
        } else {
            let n = rows.iter().take_while(|(b, _)| *b == Block::A).count();
            let d = inputs.len();
            if d < 2 {
                return Err(err(format!(
                    "a sensitivity design needs AB blocks for at least two inputs, found {d}: with one input the analysis is not meaningful (COINr refuses it)"
                )));
            }
            if rows.len() != n * (d + 2) {
                return Err(err(format!(
                    "{} rows, but a Saltelli design with N = {n} (rows of block A) and d = {d} inputs has N(d+2) = {}",
                    rows.len(),
                    n * (d + 2)
                )));
            }
            for (r, (b, _)) in rows.iter().enumerate() {
                let want = match r / n {
                    0 => Block::A,
                    1 => Block::B,
                    k => Block::AB(k - 2),
                };
                if *b != want {
                    let d =
                        Design { kind: Kind::Sa, n, inputs: inputs.clone(), columns: columns.clone(), rows: vec![] };
                    return Err(err(format!(
                        "rep {}: block {} where the Saltelli layout has {} (A×N, B×N, then AB:<input>×N per input)",
                        r + 1,
                        d.block_label(*b),
                        d.block_label(want)
                    )));
                }
            }
            (Kind::Sa, n)
        };
        if n < 3 {
            return Err(err(format!("N must be at least 3 (the design has N = {n})")));
        }
        Ok(Design { kind, n, inputs, columns, rows })
    }
}

/// A number cell, or text holding a number.
fn number(c: CellRef) -> Option<f64> {
    match c {
        CellRef::Number(x) => Some(x),
        CellRef::Text(s) => s.trim().parse().ok(),
        _ => None,
    }
}
