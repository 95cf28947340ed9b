//! The statistical audit of the last scoring run (`nagar_core::audit`, `nagar audit`), for the
//! full module: the audit as one JSON value for the page's views, and its tables as `nagar audit`
//! writes them, for exports. A separate `#[wasm_bindgen] impl Workspace` block, so the page keeps
//! one object.

use nagar_core::audit::{self, AuditOptions, CorrMethod};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::workspace::Workspace;
use crate::{from_js, js_error, to_js, ErrorKind};

/// What the page may ask: `{ corr: "pearson" | "spearman", levels: [1, 2] }`, both optional
/// (Pearson; every level below the index).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AuditRequest {
    corr: Option<String>,
    levels: Option<Vec<u32>>,
}

impl Workspace {
    fn run_audit(&self, options: JsValue) -> Result<audit::Audit, JsValue> {
        let req: AuditRequest = if options.is_undefined() || options.is_null() {
            AuditRequest::default()
        } else {
            from_js(options, "audit options")?
        };
        let corr = match req.corr.as_deref() {
            None => CorrMethod::Pearson,
            Some(c) => CorrMethod::parse(c).map_err(|m| js_error(ErrorKind::Settings, m))?,
        };
        let (fw, s) = match (&self.fw, &self.scored) {
            (Some(f), Some(s)) => (&f.framework, s),
            (None, _) => return Err(js_error(ErrorKind::Input, "no framework loaded")),
            _ => return Err(js_error(ErrorKind::Input, "nothing scored yet: load data first")),
        };
        let top = audit::index_level(s);
        if let Some(l) = req.levels.iter().flatten().find(|&&l| l == 0 || l >= top) {
            return Err(js_error(
                ErrorKind::Settings,
                format!(
                    "level {l}: this framework has levels 1 (indicators) to {top} (the index); choose 1 to {}",
                    top - 1
                ),
            ));
        }
        Ok(audit::audit(fw, s, &AuditOptions { corr, levels: req.levels, ..AuditOptions::default() }))
    }
}

#[wasm_bindgen]
impl Workspace {
    /// The statistical audit of the last run (`nagar audit`) as one value: `elements`,
    /// `stats_raw`, `stats_normalised`, `corr_with_parent`, `corr_with_index`, `corr_children`,
    /// `coherence` (Cronbach's alpha, PCA), `removal`, `shares`, `flags` (in words), `levels`.
    /// Undefined numbers are `null`. Options: `{ corr, levels }`.
    pub fn audit(&self, options: JsValue) -> Result<JsValue, JsValue> {
        to_js(&self.run_audit(options)?)
    }

    /// The audit's tables exactly as `nagar audit` writes them (`stats_raw`, `corr_with_parent`,
    /// `cronbach_level<L>`, ...: `{ name, columns, rows }`), for the CSV/XLSX exports.
    #[wasm_bindgen(js_name = auditSheets)]
    pub fn audit_sheets(&self, options: JsValue) -> Result<JsValue, JsValue> {
        to_js(&audit::sheets(&self.run_audit(options)?))
    }
}
