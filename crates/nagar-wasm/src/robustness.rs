//! Uncertainty and sensitivity analysis (`nagar_core::robustness`, `nagar robustness`) for the
//! full module, in parts so the page can show progress, cancel, and use several Web Workers:
//! - `robustnessPlan(spec)`: the specification checked and the design's size;
//! - `robustnessRun(spec, from, to, progress)`: replications `from..to` (0-based) of the design
//!   the specification draws (seeded: the same rows in every worker), as typed arrays;
//! - `robustnessUnitStats(spec, columns, groupSizes, failures, from, to)`: the statistics of a
//!   range of units from every part's columns of that range (no copy holds every replication);
//! - `robustnessSummary(spec, output, failures, unitStats)`: the per-unit statistics and
//!   sensitivity indices for the views;
//! - `robustnessCsv(name, …)`: one of the files `nagar robustness` writes, byte for byte.
//!
//! The specification is the `[robustness]` table as JSON (`nagar_core::robustness::Spec`:
//! `type`, `n`, `seed`, `nboot`, `top_n`, `weights`, `normalise`, `aggregate`, `missing`, …).
//! Thin: every number comes from nagar-core, every file from nagar-io.

use js_sys::{Float64Array, Function, Object, Reflect, Uint32Array};
use nagar_core::robustness::{self, Design, Engine, Failure, Part, Results, RobustnessError, Spec};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::workspace::Workspace;
use crate::{from_js, js_error, to_js, ErrorKind};

type JsResult<T> = Result<T, JsValue>;

/// A failed replication as the page holds it.
#[derive(Serialize, Deserialize)]
struct FailureJs {
    rep: usize,
    message: String,
}

/// `robustnessPlan`: what the design holds.
#[derive(Serialize)]
struct Plan {
    kind: &'static str,
    n: usize,
    /// Replications to compute (UA: N; SA: N(d+2)).
    reps: usize,
    /// Replications the rank statistics use (UA: all; SA: 2N).
    stats_reps: usize,
    inputs: Vec<String>,
    units: usize,
    seed: u64,
    top_n: usize,
}

/// `robustnessSummary`: per-unit columns (units in the data's order) and the sensitivity indices.
#[derive(Serialize)]
struct Summary {
    plan: Plan,
    ids: Vec<String>,
    nominal_rank: Vec<Option<u32>>,
    nominal_score: Vec<Option<f64>>,
    rank_mean: Vec<Option<f64>>,
    rank_median: Vec<Option<f64>>,
    rank_q5: Vec<Option<f64>>,
    rank_q95: Vec<Option<f64>>,
    score_median: Vec<Option<f64>>,
    score_q5: Vec<Option<f64>>,
    score_q95: Vec<Option<f64>>,
    p_top: Vec<Option<f64>>,
    p_bottom: Vec<Option<f64>>,
    /// Ranked units in the whole comparison (the nominal run): "rank 7 of 116".
    ranked: usize,
    sensitivity: Option<Vec<Sens>>,
    failures: Vec<FailureJs>,
}

#[derive(Serialize)]
struct Sens {
    input: String,
    si: Option<f64>,
    sti: Option<f64>,
    /// `[Si_q5, Si_q95, STi_q5, STi_q95]` with a bootstrap.
    boot: Option<[Option<f64>; 4]>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn spec_error(e: RobustnessError) -> JsValue {
    match e {
        RobustnessError::Score(e) => js_error(ErrorKind::Data, e),
        e => js_error(ErrorKind::Settings, e),
    }
}

/// A `design.csv` to replay (as `nagar robustness --design`), handed over beside the
/// specification's fields as `design: { name, text }`.
#[derive(Deserialize)]
struct DesignFile {
    name: String,
    text: String,
}

/// The specification and the design file it names, if any.
struct SpecJs {
    spec: Spec,
    design: Option<DesignFile>,
}

impl std::ops::Deref for SpecJs {
    type Target = Spec;
    fn deref(&self) -> &Spec {
        &self.spec
    }
}

impl Workspace {
    fn robustness_spec(spec: JsValue) -> JsResult<SpecJs> {
        // The design file beside the specification's own fields (which admit no other key).
        let file = Reflect::get(&spec, &"design".into()).unwrap_or(JsValue::UNDEFINED);
        let (spec, design) = if file.is_undefined() || file.is_null() {
            (spec, None)
        } else {
            let rest = Object::assign(&Object::new(), spec.unchecked_ref::<Object>());
            Reflect::delete_property(&rest, &"design".into())?;
            (rest.into(), Some(from_js::<DesignFile>(file, "robustness specification: design")?))
        };
        Ok(SpecJs { spec: from_js(spec, "robustness specification")?, design })
    }

    /// The design of `spec` over the last run (drawn, or the design file read and checked
    /// against the framework: errors name the file, row, column and value), and the pieces an
    /// engine needs.
    fn robustness_design(&self, spec: &SpecJs) -> JsResult<Design> {
        let (fw, s) = self.robustness_run_parts()?;
        let design = match &spec.design {
            None => robustness::design_for(spec, fw, s).map_err(spec_error)?,
            Some(f) => {
                let t = nagar_io::read_data(f.text.as_bytes(), &f.name, &nagar_io::ReadOptions::default())
                    .map_err(|e| js_error(ErrorKind::Settings, e.to_string()))?
                    .table;
                Design::from_table(&t, fw).map_err(spec_error)?
            }
        };
        if let Some(u) = &spec.unit {
            if s.unit_index(u).is_none() {
                return Err(js_error(ErrorKind::Settings, format!("unit {u:?} is not in the data")));
            }
        }
        Ok(design)
    }

    fn robustness_run_parts(&self) -> JsResult<(&nagar_core::Framework, &nagar_core::pipeline::Scored)> {
        match (&self.fw, &self.scored) {
            (Some(f), Some(s)) => Ok((&f.framework, s)),
            (None, _) => Err(js_error(ErrorKind::Input, "no framework loaded")),
            _ => Err(js_error(ErrorKind::Input, "nothing scored yet: load data first")),
        }
    }

    fn plan_of(&self, spec: &Spec, design: &Design) -> Plan {
        Plan {
            kind: if design.kind == robustness::Kind::Sa { "sa" } else { "ua" },
            n: design.n,
            reps: design.rows.len(),
            stats_reps: design.stats_rows(),
            inputs: design.inputs.clone(),
            units: self.scored.as_ref().map_or(0, |s| s.units.len()),
            seed: spec.seed,
            top_n: spec.top_n,
        }
    }

    /// The results of all replications from the page's arrays.
    fn robustness_results(
        &self,
        spec: &SpecJs,
        scores: Vec<f64>,
        ranks: Vec<u32>,
        group_sizes: Vec<u32>,
        failures: JsValue,
    ) -> JsResult<Results> {
        let design = self.robustness_design(spec)?;
        let (_, nominal) = self.robustness_run_parts()?;
        let failures = failures_of(failures)?;
        let count = design.rows.len();
        let part = Part {
            first: 0,
            count,
            scores,
            ranks,
            group_sizes,
            failures: failures.into_iter().map(|f| Failure { rep: f.rep, message: f.message }).collect(),
        };
        Results::from_parts(design, nominal, vec![part]).map_err(|e| js_error(ErrorKind::Input, e))
    }
}

/// Numbers a unit in `robustnessUnitStats`.
const STATS_WIDTH: usize = 10;

/// `robustnessUnitStats`'s packed numbers back into the engine's per-unit statistics.
fn unpack_stats(packed: &[f64], n: usize) -> JsResult<Vec<robustness::engine::UnitStats>> {
    use nagar_core::robustness::stats::Summary;
    if packed.len() != n * STATS_WIDTH {
        return Err(js_error(
            ErrorKind::Input,
            format!("unit statistics: {} numbers for {n} units of {STATS_WIDTH}", packed.len()),
        ));
    }
    Ok(packed
        .chunks_exact(STATS_WIDTH)
        .map(|x| robustness::engine::UnitStats {
            rank: Summary { mean: x[0], median: x[1], q5: x[2], q95: x[3] },
            score: Summary { mean: x[4], median: x[5], q5: x[6], q95: x[7] },
            p_top: x[8],
            p_bottom: x[9],
        })
        .collect())
}

fn failures_of(failures: JsValue) -> JsResult<Vec<FailureJs>> {
    if failures.is_undefined() || failures.is_null() {
        Ok(Vec::new())
    } else {
        from_js(failures, "failures")
    }
}

fn set(o: &Object, key: &str, v: &JsValue) -> JsResult<()> {
    Reflect::set(o, &key.into(), v).map(|_| ())
}

#[wasm_bindgen]
impl Workspace {
    /// The specification checked against the framework and the last run: `{ kind, n, reps,
    /// stats_reps, inputs, units, seed, top_n }`. Errors (`SettingsError`) say what to change:
    /// N below 3, a sensitivity analysis with one input, noise outside [0, 1), an unknown id.
    #[wasm_bindgen(js_name = robustnessPlan)]
    pub fn robustness_plan(&self, spec: JsValue) -> JsResult<JsValue> {
        let spec = Self::robustness_spec(spec)?;
        let design = self.robustness_design(&spec)?;
        to_js(&self.plan_of(&spec, &design))
    }

    /// Replications `from..to` (0-based) of the design: `{ first, count, scores: Float64Array,
    /// ranks: Uint32Array, groupSizes: Uint32Array, failures: [{ rep, message }] }` (replication-
    /// major, as `nagar_core::robustness::Part`). `progress(done, total)` is called between
    /// slices of about a twentieth of the range.
    ///
    /// With `unit_ranges` (boundaries `[u0, u1, …, uk]`), also `columns`: for each range of units
    /// `u(j)..u(j+1)`, `{ first, count, from, to, ranks: Uint32Array, scores: Float64Array }`, the
    /// range's values over this part's replications that the rank statistics use, unit-major
    /// (`nagar_core::robustness::Columns`), for the worker that computes those units'
    /// statistics; and for a sensitivity analysis `output`: each replication's output
    /// (`Float64Array`).
    #[wasm_bindgen(js_name = robustnessRun)]
    pub fn robustness_run(
        &self,
        spec: JsValue,
        from: usize,
        to: usize,
        progress: Option<Function>,
        unit_ranges: Option<Vec<u32>>,
    ) -> JsResult<JsValue> {
        let spec = Self::robustness_spec(spec)?;
        let design = self.robustness_design(&spec)?;
        let (fw, nominal) = self.robustness_run_parts()?;
        let data = self.data.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "no data loaded"))?;
        let (_, weights) = self.settings_and_weights()?;
        if from > to || to > design.rows.len() {
            return Err(js_error(
                ErrorKind::Input,
                format!("replications {from}..{to} are not within the design's {}", design.rows.len()),
            ));
        }
        // The stages of the last call over this run (the worker's previous analysis).
        let cache = self.analysis.robustness_cache.take().unwrap_or_default();
        let mut engine = Engine::new(fw, &data.table, nominal, &weights).with_cache(cache);
        let step = ((to - from) / 20).max(1);
        let mut parts: Vec<Part> = Vec::new();
        let mut at = from;
        while at < to {
            let end = (at + step).min(to);
            parts.push(engine.run_range(&design, at..end).map_err(spec_error)?);
            at = end;
            if let Some(f) = &progress {
                f.call2(&JsValue::NULL, &((at - from) as f64).into(), &((to - from) as f64).into())?;
            }
        }
        self.analysis.robustness_cache.replace(Some(engine.into_cache()));
        let n_units = nominal.units.len();
        let count = to - from;
        let mut whole = Part {
            first: from,
            count,
            scores: Vec::with_capacity(count * n_units),
            ranks: Vec::with_capacity(count * n_units),
            group_sizes: Vec::new(),
            failures: Vec::new(),
        };
        for p in parts {
            whole.scores.extend_from_slice(&p.scores);
            whole.ranks.extend_from_slice(&p.ranks);
            whole.group_sizes.extend_from_slice(&p.group_sizes);
            whole.failures.extend(p.failures);
        }
        let failures: Vec<FailureJs> =
            whole.failures.iter().map(|f| FailureJs { rep: f.rep, message: f.message.clone() }).collect();
        let o = Object::new();
        set(&o, "first", &(from as f64).into())?;
        set(&o, "count", &(count as f64).into())?;
        set(&o, "scores", &Float64Array::from(&whole.scores[..]).into())?;
        set(&o, "ranks", &Uint32Array::from(&whole.ranks[..]).into())?;
        set(&o, "groupSizes", &Uint32Array::from(&whole.group_sizes[..]).into())?;
        set(&o, "failures", &to_js(&failures)?)?;
        if let Some(bounds) = unit_ranges {
            let cols = js_sys::Array::new();
            for w in bounds.windows(2) {
                let (u0, u1) = (w[0] as usize, w[1] as usize);
                if u0 > u1 || u1 > n_units {
                    return Err(js_error(ErrorKind::Input, format!("units {u0}..{u1} are not within the {n_units}")));
                }
                let c = whole.columns(n_units, 0..design.stats_rows(), u0..u1);
                let x = Object::new();
                set(&x, "first", &(c.first as f64).into())?;
                set(&x, "count", &(c.count as f64).into())?;
                set(&x, "from", &(u0 as f64).into())?;
                set(&x, "to", &(u1 as f64).into())?;
                set(&x, "ranks", &Uint32Array::from(&c.ranks[..]).into())?;
                set(&x, "scores", &Float64Array::from(&c.scores[..]).into())?;
                cols.push(&x);
            }
            set(&o, "columns", &cols)?;
        }
        if design.kind == robustness::Kind::Sa {
            let unit = spec.unit.as_deref().and_then(|u| nominal.unit_index(u));
            set(&o, "output", &Float64Array::from(&whole.output(&nominal.rank, unit)[..]).into())?;
        }
        Ok(o.into())
    }

    /// The summary the views draw, from what the workers computed: `output`, every
    /// replication's sensitivity output (the parts' `output` joined in order; a sensitivity
    /// analysis only), `failures` (every part's), `unit_stats` (`robustnessUnitStats` of every
    /// range of units, joined in unit order) → `{ plan, ids, nominal_rank, nominal_score,
    /// rank_mean, rank_median, rank_q5, rank_q95, score_median, score_q5, score_q95, p_top,
    /// p_bottom, ranked, sensitivity, failures }`: the numbers of `rankstats.csv` and
    /// `sensitivity.csv` (null = undefined).
    #[wasm_bindgen(js_name = robustnessSummary)]
    pub fn robustness_summary(
        &self,
        spec: JsValue,
        output: Option<Vec<f64>>,
        failures: JsValue,
        unit_stats: Vec<f64>,
    ) -> JsResult<JsValue> {
        let spec = Self::robustness_spec(spec)?;
        let design = self.robustness_design(&spec)?;
        let (_, nominal) = self.robustness_run_parts()?;
        let failures = failures_of(failures)?;
        let stats = unpack_stats(&unit_stats, nominal.units.len())?;
        let col = |f: &dyn Fn(&robustness::engine::UnitStats) -> f64| stats.iter().map(|s| finite(f(s))).collect();
        let sensitivity = match (design.kind, output) {
            (robustness::Kind::Sa, Some(y)) if y.len() == design.rows.len() => Some(
                robustness::engine::sensitivity_of(&design, &y, spec.nboot, spec.seed)
                    .into_iter()
                    .map(|(input, s)| Sens {
                        input,
                        si: finite(s.si),
                        sti: finite(s.sti),
                        boot: s.boot.map(|b| b.map(finite)),
                    })
                    .collect(),
            ),
            (robustness::Kind::Sa, y) => {
                return Err(js_error(
                    ErrorKind::Input,
                    format!(
                        "sensitivity output: {} values for {} replications",
                        y.map_or(0, |y| y.len()),
                        design.rows.len()
                    ),
                ))
            }
            _ => None,
        };
        let summary = Summary {
            plan: self.plan_of(&spec, &design),
            ids: nominal.units.ids.clone(),
            nominal_rank: nominal.rank.clone(),
            nominal_score: nominal.index().iter().map(|&x| finite(x)).collect(),
            rank_mean: col(&|s| s.rank.mean),
            rank_median: col(&|s| s.rank.median),
            rank_q5: col(&|s| s.rank.q5),
            rank_q95: col(&|s| s.rank.q95),
            score_median: col(&|s| s.score.median),
            score_q5: col(&|s| s.score.q5),
            score_q95: col(&|s| s.score.q95),
            p_top: col(&|s| s.p_top),
            p_bottom: col(&|s| s.p_bottom),
            ranked: nominal.rank.iter().filter(|r| r.is_some()).count(),
            sensitivity,
            failures,
        };
        to_js(&summary)
    }

    /// The statistics of units `from..to` from `columns`, the `columns` entries of every part of
    /// `robustnessRun` for this range (any order), packed as `STATS_WIDTH` numbers a unit: rank
    /// mean, median, Q5, Q95, score mean, median, Q5, Q95, P(top N), P(bottom N); NaN =
    /// undefined. `group_sizes`: the parts' `groupSizes` joined in order; `failures`: every
    /// part's. Several workers each take a range of units.
    #[wasm_bindgen(js_name = robustnessUnitStats)]
    pub fn robustness_unit_stats(
        &self,
        spec: JsValue,
        columns: js_sys::Array,
        group_sizes: Vec<u32>,
        failures: JsValue,
        from: usize,
        to: usize,
    ) -> JsResult<Vec<f64>> {
        let spec = Self::robustness_spec(spec)?;
        let design = self.robustness_design(&spec)?;
        let (_, nominal) = self.robustness_run_parts()?;
        let failed: Vec<usize> = failures_of(failures)?.iter().map(|f| f.rep).collect();
        let num = |o: &JsValue, k: &str| -> JsResult<usize> {
            Reflect::get(o, &k.into())?
                .as_f64()
                .filter(|x| *x >= 0.0 && x.fract() == 0.0)
                .map(|x| x as usize)
                .ok_or_else(|| js_error(ErrorKind::Input, format!("columns: {k} is not a count")))
        };
        let mut cols = Vec::with_capacity(columns.length() as usize);
        for c in columns.iter() {
            let ranks: Uint32Array = Reflect::get(&c, &"ranks".into())?
                .dyn_into()
                .map_err(|_| js_error(ErrorKind::Input, "columns: ranks is not a Uint32Array"))?;
            let scores: Float64Array = Reflect::get(&c, &"scores".into())?
                .dyn_into()
                .map_err(|_| js_error(ErrorKind::Input, "columns: scores is not a Float64Array"))?;
            cols.push(robustness::Columns {
                first: num(&c, "first")?,
                count: num(&c, "count")?,
                units: num(&c, "from")?..num(&c, "to")?,
                ranks: ranks.to_vec(),
                scores: scores.to_vec(),
            });
        }
        let stats =
            robustness::unit_stats_of_columns(&design, nominal, &failed, &group_sizes, spec.top_n, from..to, &cols)
                .map_err(|e| js_error(ErrorKind::Input, e))?;
        let mut out = Vec::with_capacity((to - from) * STATS_WIDTH);
        for s in stats {
            out.extend([
                s.rank.mean,
                s.rank.median,
                s.rank.q5,
                s.rank.q95,
                s.score.mean,
                s.score.median,
                s.score.q5,
                s.score.q95,
                s.p_top,
                s.p_bottom,
            ]);
        }
        Ok(out)
    }

    /// One of the files `nagar robustness` writes, as its CSV bytes: `design.csv`, `scores.csv`,
    /// `ranks.csv`, `rankstats.csv` or (SA) `sensitivity.csv`.
    #[wasm_bindgen(js_name = robustnessCsv)]
    pub fn robustness_csv(
        &self,
        name: &str,
        spec: JsValue,
        scores: Vec<f64>,
        ranks: Vec<u32>,
        group_sizes: Vec<u32>,
        failures: JsValue,
    ) -> JsResult<Vec<u8>> {
        let spec = Self::robustness_spec(spec)?;
        let res = self.robustness_results(&spec, scores, ranks, group_sizes, failures)?;
        let sheet = match name {
            "design.csv" => res.design.sheet(),
            "scores.csv" => res.scores_sheets().0,
            "ranks.csv" => res.scores_sheets().1,
            "rankstats.csv" => res.rankstats_sheet(spec.top_n),
            "sensitivity.csv" => {
                let (_, nominal) = self.robustness_run_parts()?;
                let unit = spec.unit.as_deref().and_then(|u| nominal.unit_index(u));
                let s = res.sensitivity(unit, spec.nboot, spec.seed).ok_or_else(|| {
                    js_error(ErrorKind::Input, "sensitivity.csv: only a sensitivity analysis (type sa) has one")
                })?;
                res.sensitivity_sheet(&s)
            }
            other => {
                return Err(js_error(
                    ErrorKind::Input,
                    format!("{other}: expected design.csv, scores.csv, ranks.csv, rankstats.csv or sensitivity.csv"),
                ))
            }
        };
        Ok(nagar_io::write_csv(&sheet).into_bytes())
    }
}
