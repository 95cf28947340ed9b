//! Bindings of the analyses on top of a scored run: sister cities and peer search
//! (`nagar_core::pairing`), and the private preview with what-if, "why this score" and
//! improvement priorities (`nagar_core::analysis`). A second `#[wasm_bindgen] impl Workspace`
//! block, so the page keeps one object.
//!
//! The preview state (my rows, the combined scored state and the what-if session) lives only in
//! this module's memory: nothing here writes anywhere. It is dropped when the framework or the
//! data changes ([`AnalysisState::reset`]).
//!
//! Calling sequence for the preview (as `nagar_core::analysis` documents it):
//! `loadMyRows` / `addMyRowFromForm` (an id collision fails with error name `IdCollision`: ask,
//! then call again with `replace` or `add-as-new`) → `previewReport` → `whatIfSet` (an invalid
//! value fails with `InputError` and changes nothing) → `explain` / `improve` of my unit.

use nagar_core::analysis::{self, AnalysisError, Collision, ImproveOptions, Preview, PreviewOptions, WhatIf};
use nagar_core::output::OutCell;
use nagar_core::pairing::{self, PairError, PairOptions, PeerOptions};
use nagar_core::pipeline::Scored;
use nagar_core::{Cell, RawTable};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::views::TableTransfer;
use crate::workspace::Workspace;
use crate::{from_js, js_error, to_js, ErrorKind};

type JsResult<T> = Result<T, JsValue>;

/// What the analyses keep between calls.
#[derive(Default)]
pub(crate) struct AnalysisState {
    /// Options of the last pairing (the CSV export re-runs it on the current scores).
    pair_options: Option<PairOptions>,
    /// The preview of my rows and the what-if session of one of them.
    preview: Option<Preview>,
    what_if: Option<WhatIf>,
    /// The robustness engine's stages over the current run (`robustnessRun` called again, e.g.
    /// by a warm robustness worker, starts from them). Dropped with every new run.
    #[cfg(feature = "robustness")]
    pub(crate) robustness_cache: std::cell::RefCell<Option<nagar_core::robustness::EngineCache>>,
}

impl AnalysisState {
    /// Forget everything (new framework or new data: nothing computed before still applies).
    pub(crate) fn reset(&mut self) {
        *self = AnalysisState::default();
    }
}

/// A unit typed into the page's form: the context columns and the input fields as text (the
/// way a person types them: `12,34,567`, `45%`, `Y`; empty = missing).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct FormRow {
    id: String,
    name: String,
    state: String,
    population: String,
    zone: String,
    terrain: String,
    tags: String,
    values: std::collections::BTreeMap<String, String>,
}

/// The result of a what-if change: my unit's scores and ranks, at once; everyone's rank moves
/// are left out (`moves_pending`) and come with `previewReport` when the person pauses (for
/// 5,000 cities they cost more than the change itself).
#[derive(Serialize)]
struct WhatIfChange {
    result: analysis::WhatIfResult,
    report: ReportView,
}

/// The preview report for the page: only the published units whose rank changes are listed in
/// `moves` (the page shows those; with 5,000 cities the full list costs more to pass than to
/// compute), `unchanged` counts the others.
#[derive(Serialize)]
struct ReportView {
    #[serde(flatten)]
    report: analysis::PreviewReport,
    unchanged: usize,
    /// `moves` and `unchanged` were not computed (a what-if change; see [`WhatIfChange`]).
    moves_pending: bool,
}

fn report_view(mut report: analysis::PreviewReport) -> ReportView {
    let before = report.moves.len();
    report.moves.retain(|m| m.change != Some(0));
    ReportView { unchanged: before - report.moves.len(), report, moves_pending: false }
}

fn pair_error(e: PairError) -> JsValue {
    js_error(ErrorKind::Settings, e.0)
}

fn analysis_error(e: AnalysisError) -> JsValue {
    match &e {
        AnalysisError::IdCollision { .. } => {
            let err = js_sys::Error::new(&e.to_string());
            err.set_name("IdCollision");
            err.into()
        }
        AnalysisError::UnknownUnit { .. }
        | AnalysisError::UnknownInput { .. }
        | AnalysisError::InvalidInput { .. }
        | AnalysisError::NoScore { .. } => js_error(ErrorKind::Input, e),
        AnalysisError::Unsupported(_) | AnalysisError::Invalid(_) => js_error(ErrorKind::Settings, e),
        AnalysisError::Preview(_) | AnalysisError::Score(_) => js_error(ErrorKind::Data, e),
        AnalysisError::Aggregation(_) => js_error(ErrorKind::Internal, e),
    }
}

fn collision(choice: Option<String>) -> JsResult<Option<Collision>> {
    match choice.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(c) => Collision::parse(c).map(Some).map_err(|m| js_error(ErrorKind::Input, m)),
    }
}

/// The one row of a form as a table with the framework's column names (context columns the
/// input fields do not already cover, then every input field).
fn form_table(fw: &nagar_core::Framework, row: &FormRow) -> RawTable {
    let fields: Vec<String> = nagar_core::inputs::input_kinds(fw).into_iter().map(|(id, _)| id).collect();
    let c = &fw.columns;
    let mut columns = Vec::new();
    let mut cells = Vec::new();
    let text = |s: &str| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.trim().to_string()) };
    for (name, value) in [
        (&c.id, &row.id),
        (&c.name, &row.name),
        (&c.state, &row.state),
        (&c.population, &row.population),
        (&c.zone, &row.zone),
        (&c.terrain, &row.terrain),
        (&c.tags, &row.tags),
    ] {
        if name.is_empty() || columns.contains(name) || fields.contains(name) {
            continue;
        }
        // Optional context columns are left out when empty, so the zone is derived from the
        // state as for a file without a zone column.
        if value.trim().is_empty() && name != &c.id && name != &c.name {
            continue;
        }
        columns.push(name.clone());
        cells.push(text(value));
    }
    for f in fields {
        let v = row.values.get(&f).map(String::as_str).unwrap_or("");
        let v = if f == c.population && v.trim().is_empty() { row.population.as_str() } else { v };
        cells.push(text(v));
        columns.push(f);
    }
    let mut t = RawTable::new("my ULB (form)", columns);
    t.push_row(cells, 2);
    t
}

#[wasm_bindgen]
impl Workspace {
    // ------------------------------------------------------------ sister cities and peers

    /// The 20-20 pairing of the last run (`nagar pair`): options as `PairOptions` (every field
    /// optional: `n`, `within`, `same`, `weights`, `unknown`, `weakest`).
    pub fn pair(&mut self, options: JsValue) -> JsResult<JsValue> {
        let opts: PairOptions = if options.is_undefined() || options.is_null() {
            PairOptions::default()
        } else {
            from_js(options, "pair options")?
        };
        let (fw, s) = self.fw_scored()?;
        let result = pairing::pair(fw, s, &opts).map_err(pair_error)?;
        self.analysis.pair_options = Some(opts);
        to_js(&result)
    }

    /// The last pairing as `nagar pair --out pairs.csv` writes it.
    #[wasm_bindgen(js_name = pairsExportCsv)]
    pub fn pairs_export_csv(&self) -> JsResult<String> {
        let opts = self.analysis.pair_options.clone().ok_or_else(|| js_error(ErrorKind::Input, "no pairing yet"))?;
        let (fw, s) = self.fw_scored()?;
        let result = pairing::pair(fw, s, &opts).map_err(pair_error)?;
        let mut sheet = pairing::pairs_sheet(&result);
        if let Some(note) = self.data.as_ref().and_then(|d| d.note.clone()) {
            sheet.columns.push("dataset".into());
            for r in &mut sheet.rows {
                r.push(OutCell::text(&note));
            }
        }
        Ok(nagar_io::write_csv(&sheet))
    }

    /// Peer search (`nagar peers`): the `k` most similar units that score clearly better than
    /// `ulb` in aggregate `node` (a sector or vertical id).
    pub fn peers(&self, ulb: &str, node: &str, options: JsValue) -> JsResult<JsValue> {
        let opts: PeerOptions = if options.is_undefined() || options.is_null() {
            PeerOptions::default()
        } else {
            from_js(options, "peer options")?
        };
        let (fw, s) = self.fw_scored()?;
        to_js(&pairing::peers(fw, s, ulb, node, &opts).map_err(pair_error)?)
    }

    /// The aggregates peer search can be asked about (sectors, verticals, the index).
    #[wasm_bindgen(js_name = searchNodes)]
    pub fn search_nodes(&self) -> JsResult<JsValue> {
        let (fw, s) = self.fw_scored()?;
        to_js(&pairing::search_nodes(fw, s).map_err(pair_error)?)
    }

    // ------------------------------------------------------------ why and what to improve

    /// "Why this score" (`nagar explain`): my unit in the what-if state when `ulb` is one of
    /// my preview rows, any other unit in the last run.
    pub fn explain(&self, ulb: &str) -> JsResult<JsValue> {
        let (fw, s) = self.state_of(ulb)?;
        to_js(&analysis::explain(fw, s, ulb).map_err(analysis_error)?)
    }

    /// Improvement priorities (`nagar improve`); options `{ percentile }` (default 0.75).
    pub fn improve(&self, ulb: &str, options: JsValue) -> JsResult<JsValue> {
        #[derive(Deserialize, Default)]
        #[serde(default, deny_unknown_fields)]
        struct Opts {
            percentile: Option<f64>,
        }
        let o: Opts = if options.is_undefined() || options.is_null() {
            Opts::default()
        } else {
            from_js(options, "improve options")?
        };
        let opts = ImproveOptions { percentile: o.percentile.unwrap_or(ImproveOptions::default().percentile) };
        let (fw, s) = self.state_of(ulb)?;
        to_js(&analysis::improve(fw, s, ulb, &opts).map_err(analysis_error)?)
    }

    // ------------------------------------------------------------ private preview

    /// My file (CSV/JSON; spreadsheets fail with `NeedsSpreadsheet`: read them with the
    /// spreadsheet module and use `loadMyTable`) scored together with the loaded data.
    /// `on_collision`: empty to ask (error `IdCollision`), `replace` or `add-as-new`.
    #[wasm_bindgen(js_name = loadMyRows)]
    pub fn load_my_rows(&mut self, bytes: &[u8], file_name: &str, on_collision: Option<String>) -> JsResult<JsValue> {
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let read = nagar_io::read_data(bytes, name, &nagar_io::ReadOptions::default()).map_err(|e| match e.kind {
            nagar_io::ReadErrorKind::SpreadsheetUnsupported(_) => {
                js_error(ErrorKind::NeedsSpreadsheet, format!("{file_name} is a spreadsheet"))
            }
            _ => js_error(ErrorKind::Data, e),
        })?;
        self.start_preview(read.table, on_collision)
    }

    /// My file as read by the spreadsheet module (`readSpreadsheet`).
    #[wasm_bindgen(js_name = loadMyTable)]
    pub fn load_my_table(&mut self, value: JsValue, on_collision: Option<String>) -> JsResult<JsValue> {
        let t: TableTransfer = from_js(value, "table")?;
        self.start_preview(t.table, on_collision)
    }

    /// One unit typed into the form: `{ id, name, state, population, zone, terrain, tags,
    /// values: { field: text } }`.
    #[wasm_bindgen(js_name = addMyRowFromForm)]
    pub fn add_my_row_from_form(&mut self, row: JsValue, on_collision: Option<String>) -> JsResult<JsValue> {
        let row: FormRow = from_js(row, "form")?;
        if row.id.trim().is_empty() {
            return Err(js_error(ErrorKind::Input, "give my ULB an id (any text not used by a published city)"));
        }
        let table = form_table(self.fw_scored()?.0, &row);
        self.start_preview(table, on_collision)
    }

    /// The input form of the framework, grouped by sector, without values (to type a unit in).
    #[wasm_bindgen(js_name = inputForm)]
    pub fn input_form(&self) -> JsResult<JsValue> {
        let fw = &self.fw.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "no framework loaded"))?.framework;
        to_js(&analysis::input_form(fw))
    }

    /// My scores, ranks and every other unit's rank move, with my what-if changes applied.
    #[wasm_bindgen(js_name = previewReport)]
    pub fn preview_report(&self) -> JsResult<JsValue> {
        let (p, w) = self.preview_session()?;
        to_js(&report_view(p.report_for(w)))
    }

    /// Start the what-if session on another of my units (a file with several rows).
    #[wasm_bindgen(js_name = whatIfUnit)]
    pub fn what_if_unit(&mut self, ulb: &str) -> JsResult<JsValue> {
        let p = self.analysis.preview.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "no preview yet"))?;
        if !p.mine.iter().any(|m| m == ulb.trim()) {
            return Err(js_error(ErrorKind::Input, format!("{ulb:?} is not one of my rows ({})", p.mine.join(", "))));
        }
        let w = p.what_if(ulb).map_err(analysis_error)?;
        let r = w.result();
        self.analysis.what_if = Some(w);
        to_js(&r)
    }

    /// Change one input of my unit (`field` id or label, `text` as typed); an invalid value
    /// changes nothing and fails with `InputError`.
    #[wasm_bindgen(js_name = whatIfSet)]
    pub fn what_if_set(&mut self, field: &str, text: &str) -> JsResult<JsValue> {
        let w = self.analysis.what_if.as_mut().ok_or_else(|| js_error(ErrorKind::Input, "no preview yet"))?;
        let result = w.set_input_text(field, text).map_err(analysis_error)?;
        let (p, w) = self.preview_session()?;
        let report = ReportView { report: p.summary_for(w), unchanged: 0, moves_pending: true };
        to_js(&WhatIfChange { result, report })
    }

    /// The what-if form: every input of my unit grouped by sector, with its current value.
    #[wasm_bindgen(js_name = whatIfForm)]
    pub fn what_if_form(&self) -> JsResult<JsValue> {
        to_js(&self.preview_session()?.1.form())
    }

    /// The combined table with my changes, as CSV (what a full re-score would read; for the
    /// command line: `nagar explain --data` this file gives the page's numbers).
    #[wasm_bindgen(js_name = whatIfCsv)]
    pub fn what_if_csv(&self) -> JsResult<String> {
        let w = self.preview_session()?.1;
        Ok(nagar_io::write_csv(&nagar_io::table_to_sheet(w.table())))
    }

    /// Forget my rows and the what-if session.
    #[wasm_bindgen(js_name = forgetPreview)]
    pub fn forget_preview(&mut self) {
        self.analysis.preview = None;
        self.analysis.what_if = None;
    }
}

impl Workspace {
    fn fw_scored(&self) -> JsResult<(&nagar_core::Framework, &Scored)> {
        match (&self.fw, &self.scored) {
            (Some(f), Some(s)) => Ok((&f.framework, s)),
            (None, _) => Err(js_error(ErrorKind::Input, "no framework loaded")),
            _ => Err(js_error(ErrorKind::Input, "nothing scored yet: load data first")),
        }
    }

    /// The scored state a unit is analysed in: the what-if state for my preview units.
    fn state_of(&self, ulb: &str) -> JsResult<(&nagar_core::Framework, &Scored)> {
        if let (Some(p), Some(w)) = (&self.analysis.preview, &self.analysis.what_if) {
            if p.mine.iter().any(|m| m == ulb.trim()) {
                return Ok((&p.framework, w.scored()));
            }
        }
        self.fw_scored()
    }

    fn preview_session(&self) -> JsResult<(&Preview, &WhatIf)> {
        match (&self.analysis.preview, &self.analysis.what_if) {
            (Some(p), Some(w)) => Ok((p, w)),
            _ => Err(js_error(ErrorKind::Input, "no preview yet: upload my file or fill the form")),
        }
    }

    fn start_preview(&mut self, mine: RawTable, on_collision: Option<String>) -> JsResult<JsValue> {
        let opts = PreviewOptions { on_collision: collision(on_collision)?, ..PreviewOptions::default() };
        let (settings, weights) = self.settings_and_weights()?;
        let fw = &self.fw.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "no framework loaded"))?.framework;
        let published =
            &self.data.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "load the published data first"))?.table;
        let p = analysis::preview(fw, published, &mine, &settings, &weights, &opts).map_err(analysis_error)?;
        let w = p.what_if(&p.mine[0]).map_err(analysis_error)?;
        let report = report_view(p.report_for(&w));
        self.analysis.preview = Some(p);
        self.analysis.what_if = Some(w);
        to_js(&report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nagar_core::pipeline::WeightOverrides;

    #[test]
    fn a_form_row_scores_like_the_same_row_in_a_file() {
        let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
        let published = nagar_io::builtin::demo_table(&fw, 60, 7).unwrap();
        // Take one published row's inputs as typed text, under a new id.
        let t = &published;
        let mut row = FormRow { id: "MY-1".into(), name: "My town".into(), ..FormRow::default() };
        let get = |name: &str| t.column_index(name).map(|k| t.cell(0, k).display()).unwrap_or_default();
        row.state = get(&fw.columns.state);
        row.population = get(&fw.columns.population);
        for (f, _) in nagar_core::inputs::input_kinds(&fw) {
            row.values.insert(f.clone(), get(&f));
        }
        let mine = form_table(&fw, &row);
        assert_eq!(mine.n_rows(), 1);
        let settings = fw.settings.clone();
        let p =
            analysis::preview(&fw, &published, &mine, &settings, &WeightOverrides::new(), &PreviewOptions::default())
                .unwrap();
        let r = p.report();
        assert_eq!(r.mine[0].id, "MY-1");
        // A copy of row 0 scores exactly as row 0 in the combined data.
        let u0 = p.with.unit_index(&published.cell(0, 0).display()).unwrap();
        assert_eq!(r.mine[0].index, Some(p.with.index()[u0]));
    }
}
