//! The main module's one stateful object. The page (a Web Worker) keeps one [`Workspace`]:
//! framework → data → options → score → results, profiles and exports. Everything is computed
//! by the same nagar-core/nagar-io calls as `nagar score`, so exports match the CLI's byte for byte.

use nagar_core::pipeline::{self, Scored, WeightOverrides};
#[cfg(any(feature = "main", feature = "analysis"))]
use nagar_core::report::{self, Provenance};
use nagar_core::{Framework, Issue, RawTable, Settings};
use wasm_bindgen::prelude::*;

#[cfg(feature = "main")]
use crate::to_json;
use crate::views::{self, Options, TableTransfer};
use crate::{from_js, js_error, to_js, ErrorKind};

pub(crate) struct LoadedFramework {
    pub(crate) framework: Framework,
    /// Provenance for the exports (main module).
    #[cfg_attr(not(feature = "main"), allow(dead_code))]
    source: String,
    #[cfg_attr(not(feature = "main"), allow(dead_code))]
    sha256: String,
}

pub(crate) struct LoadedData {
    pub(crate) table: RawTable,
    issues: Vec<Issue>,
    pub(crate) note: Option<String>,
}

type JsResult<T> = Result<T, JsValue>;

/// Framework, data, options and the last scoring run.
#[wasm_bindgen]
#[derive(Default)]
pub struct Workspace {
    pub(crate) fw: Option<LoadedFramework>,
    pub(crate) data: Option<LoadedData>,
    pub(crate) options: Options,
    pub(crate) scored: Option<Scored>,
    /// Pairing, peers, preview and what-if (see `analysis.rs`; the full module only).
    #[cfg(feature = "analysis")]
    pub(crate) analysis: crate::analysis::AnalysisState,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn base_name(file_name: &str) -> &str {
    file_name.rsplit(['/', '\\']).next().unwrap_or(file_name)
}

/// The built-in frameworks and the demo data: the main module only.
#[cfg(feature = "main")]
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_json.rs"));
}

#[cfg(feature = "main")]
/// A built-in framework, from its JSON form made at build time (see build.rs). The list is
/// generated from `frameworks/*.toml`; a test checks it is nagar-io's built-in list, which the CLI
/// uses. nagar-io's list itself is not called here: it holds the TOML texts.
pub fn builtin_framework(name: &str) -> Result<Framework, JsValue> {
    let known = || builtin::BUILTIN.iter().map(|b| b.0).collect::<Vec<_>>().join(", ");
    let json = builtin::BUILTIN.iter().find(|b| b.0 == name).map(|b| b.1).ok_or_else(|| {
        js_error(ErrorKind::Framework, format!("no built-in framework {name:?} (known: {})", known()))
    })?;
    let fw: Framework = serde_json::from_str(json).map_err(|e| js_error(ErrorKind::Internal, e))?;
    fw.validate().map_err(|e| js_error(ErrorKind::Framework, crate::framework_errors_message(&e)))?;
    Ok(fw)
}

#[cfg(feature = "main")]
/// The synthetic demo file as `nagar demo --ulbs N --seed S` writes it (CSV text).
pub fn demo_csv_text(fw: &Framework, ulbs: usize, seed: u64) -> Result<String, String> {
    let table = nagar_io::builtin::demo_table(fw, ulbs, seed)?;
    Ok(nagar_io::write_csv(&nagar_io::table_to_sheet(&table)))
}

#[wasm_bindgen]
impl Workspace {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// An uploaded framework file (TOML, JSON or a COINr iMeta table), as the spreadsheet
    /// module's `readFramework` read it, with the file's bytes for the provenance hash. (Framework
    /// files are parsed there, so this module carries no TOML parser.)
    #[wasm_bindgen(js_name = loadFrameworkValue, unchecked_return_type = "FrameworkInfo")]
    pub fn load_framework_value(&mut self, value: JsValue, bytes: &[u8], file_name: &str) -> JsResult<JsValue> {
        let fw: Framework = from_js(value, "framework")?;
        fw.validate().map_err(|e| js_error(ErrorKind::Framework, crate::framework_errors_message(&e)))?;
        self.set_framework(fw, base_name(file_name).to_string(), sha256_hex(bytes))
    }

    fn set_framework(&mut self, framework: Framework, source: String, sha256: String) -> JsResult<JsValue> {
        let info = views::framework_info(&framework, &source);
        self.fw = Some(LoadedFramework { framework, source, sha256 });
        self.options = Options::default();
        self.scored = None;
        #[cfg(feature = "analysis")]
        self.analysis.reset();
        to_js(&info)
    }

    /// Read a CSV or JSON data file. Spreadsheets fail with `NeedsSpreadsheet`.
    #[wasm_bindgen(js_name = loadData, unchecked_return_type = "DataInfo")]
    pub fn load_data(&mut self, bytes: &[u8], file_name: &str) -> JsResult<JsValue> {
        let opts = nagar_io::ReadOptions::default();
        let read = nagar_io::read_data(bytes, base_name(file_name), &opts).map_err(|e| match e.kind {
            nagar_io::ReadErrorKind::SpreadsheetUnsupported(_) => {
                js_error(ErrorKind::NeedsSpreadsheet, format!("{file_name} is a spreadsheet"))
            }
            _ => js_error(ErrorKind::Data, e),
        })?;
        self.set_data(read.table, read.format.name().to_string(), read.issues)
    }

    /// A table read by the spreadsheet module (`readSpreadsheet`).
    #[wasm_bindgen(js_name = loadTable, unchecked_return_type = "DataInfo")]
    pub fn load_table(&mut self, value: JsValue) -> JsResult<JsValue> {
        let t: TableTransfer = from_js(value, "table")?;
        self.set_data(t.table, t.format, t.issues)
    }

    fn set_data(&mut self, table: RawTable, format: String, issues: Vec<Issue>) -> JsResult<JsValue> {
        let note = nagar_io::builtin::dataset_note(&table);
        let info = views::data_info(&table, &format, &issues, note.clone());
        self.data = Some(LoadedData { table, issues, note });
        self.scored = None;
        #[cfg(feature = "analysis")]
        self.analysis.reset();
        to_js(&info)
    }

    /// Replace the options (see `Options`); checked at once.
    #[wasm_bindgen(js_name = setOptions)]
    pub fn set_options(&mut self, #[wasm_bindgen(unchecked_param_type = "Options")] options: JsValue) -> JsResult<()> {
        let o: Options = from_js(options, "options")?;
        views::effective_settings(&self.framework()?.framework, &o).map_err(|m| js_error(ErrorKind::Settings, m))?;
        self.options = o;
        #[cfg(feature = "robustness")]
        self.analysis.robustness_cache.replace(None);
        Ok(())
    }

    /// Score the data with the framework and options and keep the run for the calls that read
    /// it (the analyses of the full module). `score` (main module) does this and returns the
    /// results table.
    pub fn run(&mut self) -> JsResult<()> {
        // In the main module the last run, of the same framework and data (a new one of either
        // drops it), is re-run from the first stage the new options touch: a weight slider's
        // move re-aggregates and re-ranks only.
        let base = self.scored.take();
        #[cfg(feature = "robustness")]
        self.analysis.robustness_cache.replace(None);
        let (settings, weights) = self.settings_and_weights()?;
        let lf = self.framework()?;
        let data = self.data.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "no data loaded"))?;
        let (fw, table) = (&lf.framework, &data.table);
        // (The full module replays options only before an analysis: it scores afresh.)
        #[cfg(feature = "main")]
        let run = match base {
            Some(base) => pipeline::rescore(fw, table, base, &settings, &weights),
            None => pipeline::score_keeping(fw, table, &settings, &weights),
        };
        #[cfg(not(feature = "main"))]
        let run = {
            drop(base);
            pipeline::score(fw, table, &settings, &weights)
        };
        let mut scored = run.map_err(|e| match e {
            pipeline::ScoreError::Settings(_) => js_error(ErrorKind::Settings, e),
            pipeline::ScoreError::Framework { .. } => js_error(ErrorKind::Framework, e),
            _ => js_error(ErrorKind::Data, e),
        })?;
        let mut issues = data.issues.clone();
        issues.append(&mut scored.issues);
        scored.issues = issues;
        self.scored = Some(scored);
        Ok(())
    }
}

impl Workspace {
    fn framework(&self) -> JsResult<&LoadedFramework> {
        self.fw.as_ref().ok_or_else(|| js_error(ErrorKind::Input, "no framework loaded"))
    }

    /// The settings and weight overrides the options give for the loaded framework (what a
    /// scoring run, a preview and the settings sheet of an export use).
    pub(crate) fn settings_and_weights(&self) -> JsResult<(Settings, WeightOverrides)> {
        let settings = views::effective_settings(&self.framework()?.framework, &self.options)
            .map_err(|m| js_error(ErrorKind::Settings, m))?;
        let weights: WeightOverrides = self.options.weights.iter().map(|(k, v)| (k.clone(), *v)).collect();
        Ok((settings, weights))
    }
}

/// The main module's calls: built-in frameworks, demo data, the results views and exports.
#[cfg(feature = "main")]
#[wasm_bindgen]
impl Workspace {
    /// The built-in frameworks (id and display name).
    #[wasm_bindgen(js_name = builtinFrameworks, unchecked_return_type = "Choice[]")]
    pub fn builtin_frameworks() -> JsResult<JsValue> {
        let mut out = Vec::new();
        for (name, _, _) in builtin::BUILTIN {
            if let Ok(fw) = builtin_framework(name) {
                out.push(views::Choice { id: name.to_string(), name: fw.name });
            }
        }
        to_js(&out)
    }

    /// Use a built-in framework (`mpi-2019`).
    #[wasm_bindgen(js_name = useBuiltin, unchecked_return_type = "FrameworkInfo")]
    pub fn use_builtin(&mut self, name: &str) -> JsResult<JsValue> {
        let fw = builtin_framework(name)?;
        let sha = builtin::BUILTIN.iter().find(|b| b.0 == name).map(|b| b.2.to_string()).unwrap_or_default();
        self.set_framework(fw, format!("built-in {name}"), sha)
    }

    /// Generate the synthetic demo data (as `nagar demo`) and load it as the CSV file it would be.
    #[wasm_bindgen(js_name = loadDemo, unchecked_return_type = "DataInfo")]
    pub fn load_demo(&mut self, ulbs: usize, seed: u32) -> JsResult<JsValue> {
        let csv = self.demo_csv(ulbs, seed)?;
        self.load_data(csv.as_bytes(), &format!("synthetic-demo-{ulbs}-ulbs.csv"))
    }

    /// The synthetic demo file's text, for download.
    #[wasm_bindgen(js_name = demoCsv)]
    pub fn demo_csv(&self, ulbs: usize, seed: u32) -> JsResult<String> {
        demo_csv_text(&self.framework()?.framework, ulbs, seed as u64).map_err(|m| js_error(ErrorKind::Data, m))
    }

    /// Score the data with the framework and options; the results table's values, packed:
    /// `json`, the `PackedResults` as JSON text, and `unit_numbers`, a `Float64Array`. The text
    /// is parsed by the page, not here: a string crosses from the worker to the page as one copy,
    /// where the parsed objects (5,000 units' text, thousands of issues) took a structured clone
    /// of their own on both sides (docs/BENCHMARKS.md, "Where the page's time goes").
    #[wasm_bindgen(unchecked_return_type = "{ json: string; unit_numbers: Float64Array }")]
    pub fn score(&mut self) -> JsResult<JsValue> {
        self.run()?;
        let (lf, data, scored) = self.last_run()?;
        let (packed, numbers) = views::results(&lf.framework, scored, &data.table.file, data.note.clone());
        let out: JsValue = js_sys::Object::new().into();
        js_sys::Reflect::set(&out, &"json".into(), &JsValue::from_str(&to_json(&packed)?))?;
        js_sys::Reflect::set(&out, &"unit_numbers".into(), &js_sys::Float64Array::from(&numbers[..]))?;
        Ok(out)
    }

    /// Every issue of the last run (`IssueView[]`) as JSON text, for the page to parse: a run
    /// with many sends only their counts with its results (`PackedResults::issues`).
    pub fn issues(&self) -> JsResult<String> {
        let (_, _, scored) = self.last_run()?;
        to_json(&views::issue_views(&scored.issues))
    }

    /// The city profile of one unit of the last run.
    #[wasm_bindgen(unchecked_return_type = "Profile")]
    pub fn profile(&self, unit_id: &str) -> JsResult<JsValue> {
        let (lf, data, s) = self.last_run()?;
        let u = s.unit_index(unit_id).ok_or_else(|| js_error(ErrorKind::Input, format!("no unit {unit_id:?}")))?;
        to_js(&views::profile(&lf.framework, s, &data.table, u, data.note.clone()))
    }

    /// The framework explained, for the "How scores are computed" page.
    #[wasm_bindgen(js_name = frameworkDoc, unchecked_return_type = "FrameworkDoc")]
    pub fn framework_doc(&self) -> JsResult<JsValue> {
        to_js(&views::framework_doc(&self.framework()?.framework))
    }

    /// The framework itself: the worker replays it into the full module, and names it for the
    /// downloads in another language.
    #[wasm_bindgen(js_name = frameworkValue)]
    pub fn framework_value(&self) -> JsResult<JsValue> {
        to_js(&self.framework()?.framework)
    }

    /// The loaded framework's source and SHA-256 (`[source, sha256]`), which the worker hands to
    /// the full module's `setFrameworkSource` with a built-in framework.
    #[wasm_bindgen(js_name = frameworkSource)]
    pub fn framework_source(&self) -> JsResult<Vec<String>> {
        let fw = self.framework()?;
        Ok(vec![fw.source.clone(), fw.sha256.clone()])
    }

    /// The scores sheet as `nagar score --out x.csv` (`csv`) or `x.json` (`json`) writes it.
    pub fn export(&self, format: &str) -> JsResult<Vec<u8>> {
        let sheet = report::scores_sheet(&self.framework()?.framework, self.last_run()?.2, &self.provenance()?);
        match format {
            "csv" => Ok(nagar_io::write_csv(&sheet).into_bytes()),
            "json" => Ok(nagar_io::write_json(&sheet).into_bytes()),
            _ => Err(js_error(ErrorKind::Input, format!("unknown export format {format:?}: use csv or json"))),
        }
    }

    /// Every issue of the last run (or of reading, before scoring) as CSV.
    #[wasm_bindgen(js_name = issuesCsv)]
    pub fn issues_csv(&self) -> JsResult<String> {
        let issues = match (&self.scored, &self.data) {
            (Some(s), _) => &s.issues,
            (None, Some(d)) => &d.issues,
            _ => return Err(js_error(ErrorKind::Input, "no data loaded")),
        };
        Ok(nagar_io::write_csv(&report::issues_sheet(issues)))
    }
}

/// The exports that live in the full module (the main module's size budget): the worker replays
/// the main Workspace into the full one first, with [`Self::set_framework_source`] for a built-in
/// framework, so the provenance is the same.
#[cfg(feature = "analysis")]
#[wasm_bindgen]
impl Workspace {
    /// The four sheets of the XLSX export (Scores, Indicators, Issues, Settings), as
    /// `nagar score --out x.xlsx` writes them (which adds a Dictionary sheet, and takes `--lang`:
    /// both left out of the page); the spreadsheet module's `writeXlsx` makes the file. In the full
    /// module, like [`Self::template_csv`]: the main module has no room for them in its size
    /// budget (docs/BENCHMARKS.md).
    #[wasm_bindgen(js_name = exportSheets)]
    pub fn export_sheets(&self) -> JsResult<JsValue> {
        let (lf, _, s) = self.last_run()?;
        let fw = &lf.framework;
        let prov = self.provenance()?;
        let (_, weights) = self.settings_and_weights()?;
        let sheets = [
            report::scores_sheet(fw, s, &prov),
            report::indicators_sheet(fw, s),
            report::issues_sheet(&s.issues),
            report::settings_sheet(fw, s, &weights, &prov),
        ];
        to_js(&sheets[..])
    }

    /// [`Self::export_sheets`] in `lang`, as `nagar score --lang LANG --out x.xlsx` writes them:
    /// Scores, Dictionary, Indicators, Issues and Settings, with labels, sheet names and the
    /// framework's names in `lang` (English where it has none), column ids and numbers unchanged.
    /// `named`: the loaded framework with its names (the main module's copy of a built-in
    /// framework has none; the page adds them from its names file): the same framework but for
    /// names, else an error.
    #[wasm_bindgen(js_name = exportSheetsIn)]
    pub fn export_sheets_in(&self, lang: &str, named: JsValue) -> JsResult<JsValue> {
        let fw = self.named_framework(named)?;
        let (_, _, s) = self.last_run()?;
        let prov = self.provenance()?;
        let (_, weights) = self.settings_and_weights()?;
        let sheets = [
            report::scores_sheet_in(&fw, s, &prov, lang),
            report::dictionary_sheet(&fw, s, &weights, lang),
            report::indicators_sheet_in(&fw, s, lang),
            report::issues_sheet_in(&s.issues, lang),
            report::settings_sheet_in(&fw, s, &weights, &prov, lang),
        ];
        to_js(&sheets[..])
    }

    /// The scores sheet as `nagar score --lang LANG --out x.csv` (`csv`) or `x.json` (`json`)
    /// writes it: tier names, flags and the demo note in `lang`; column ids and numbers those of
    /// the main module's `export`. `named`: as in [`Self::export_sheets_in`].
    #[wasm_bindgen(js_name = exportIn)]
    pub fn export_in(&self, format: &str, lang: &str, named: JsValue) -> JsResult<Vec<u8>> {
        let fw = self.named_framework(named)?;
        let (_, _, s) = self.last_run()?;
        let sheet = report::scores_sheet_in(&fw, s, &self.provenance()?, lang);
        match format {
            "csv" => Ok(nagar_io::write_csv(&sheet).into_bytes()),
            "json" => Ok(nagar_io::write_json(&sheet).into_bytes()),
            _ => Err(js_error(ErrorKind::Input, format!("unknown export format {format:?}: use csv or json"))),
        }
    }

    /// The loaded framework with names (the page's `namedFramework`): the same framework but
    /// for names, else an error.
    fn named_framework(&self, named: JsValue) -> JsResult<Framework> {
        let fw: Framework = from_js(named, "framework")?;
        let (mut a, mut b) = (fw.clone(), self.framework()?.framework.clone());
        a.clear_names();
        b.clear_names();
        if a != b {
            return Err(js_error(ErrorKind::Input, "the named framework is not the loaded one"));
        }
        Ok(fw)
    }

    /// The XLSX template's layout in `lang` (a `nagar_io::TemplateSpec`: sheet names, header
    /// notes, Dictionary rows, validations, every text translated), which the
    /// spreadsheet-writing module's `templateXlsx` writes as `nagar template --lang LANG --out
    /// t.xlsx` does. `named`: `null` for the loaded framework, or as in
    /// [`Self::export_sheets_in`]; an error listing the framework's languages when it has no names
    /// in `lang` (other than English).
    #[wasm_bindgen(js_name = templateSpec)]
    pub fn template_spec(&self, lang: &str, named: JsValue) -> JsResult<JsValue> {
        let named = if named.is_null() || named.is_undefined() { None } else { Some(self.named_framework(named)?) };
        let fw = match &named {
            Some(fw) => fw,
            None => &self.framework()?.framework,
        };
        if lang != "en" {
            fw.check_language(lang).map_err(|m| js_error(ErrorKind::Input, m))?;
        }
        to_js(&nagar_io::template_spec(fw, lang))
    }

    /// The blank input file for the framework, as CSV (`nagar template --out t.csv`).
    #[wasm_bindgen(js_name = templateCsv)]
    pub fn template_csv(&self) -> JsResult<String> {
        Ok(nagar_io::write_template_csv(&self.framework()?.framework))
    }

    /// Sets the loaded framework's provenance (source and SHA-256, as `frameworkSource` of the
    /// main module gives them): a built-in framework is replayed into the full module as a value.
    #[wasm_bindgen(js_name = setFrameworkSource)]
    pub fn set_framework_source(&mut self, source: String, sha256: String) -> JsResult<()> {
        let fw = self.fw.as_mut().ok_or_else(|| js_error(ErrorKind::Input, "no framework loaded"))?;
        fw.source = source;
        fw.sha256 = sha256;
        Ok(())
    }
}

#[cfg(any(feature = "main", feature = "analysis"))]
impl Workspace {
    fn last_run(&self) -> JsResult<(&LoadedFramework, &LoadedData, &Scored)> {
        match (&self.fw, &self.data, &self.scored) {
            (Some(f), Some(d), Some(s)) => Ok((f, d, s)),
            _ => Err(js_error(ErrorKind::Input, "nothing scored yet")),
        }
    }

    fn provenance(&self) -> JsResult<Provenance> {
        let (lf, data, _) = self.last_run()?;
        Ok(Provenance {
            framework_source: lf.source.clone(),
            framework_hash: lf.sha256.clone(),
            data_file: data.table.file.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            dataset_note: data.note.clone(),
        })
    }
}

#[cfg(all(test, feature = "main"))]
mod tests {
    use super::*;

    /// The main module's JSON copy of each built-in framework is exactly what the CLI loads,
    /// less the names in other languages (`build.rs` leaves them out).
    #[test]
    fn builtin_json_is_the_cli_framework() {
        let names: Vec<&str> = builtin::BUILTIN.iter().map(|b| b.0).collect();
        assert_eq!(names, nagar_io::builtin::names());
        for (name, json, sha) in builtin::BUILTIN {
            let from_json: Framework = serde_json::from_str(json).unwrap();
            let mut cli = nagar_io::builtin::framework(name).unwrap();
            assert!(name != &"mpi-2019" || cli.languages() == ["en", "hi"], "the CLI's has Hindi names");
            cli.clear_names();
            assert_eq!(from_json, cli, "{name}");
            let src = nagar_io::builtin::framework_source(name).unwrap();
            assert_eq!(*sha, sha256_hex(src.as_bytes()), "{name}");
        }
    }

    #[test]
    fn the_demo_file_is_what_nagar_demo_writes() {
        let fw = nagar_io::builtin::framework("mpi-2019").unwrap();
        let text = demo_csv_text(&fw, 120, 2019).unwrap();
        let table = nagar_io::builtin::demo_table(&fw, 120, 2019).unwrap();
        assert_eq!(text, nagar_io::write_csv(&nagar_io::table_to_sheet(&table)));
        assert!(text.starts_with("ulb_id,ulb_name"));
    }
}
