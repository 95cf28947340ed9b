//! The audit as output tables. The five COINr-comparable tables have the names and columns of
//! the shared references (`stats_raw`, `corr_with_parent`, `cronbach_level<L>`, `pca_level<L>`,
//! `remove_level<L>`); the rest of the audit follows in further tables. A sheet's name is its
//! CSV file's stem and its XLSX sheet's name.

use super::{Audit, IndicatorStats};
use crate::output::{OutCell, Sheet};

fn cols(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn flag(f: Option<&'static str>) -> OutCell {
    f.map(OutCell::text).unwrap_or(OutCell::Empty)
}

fn stats_sheet(name: &str, stats: &[IndicatorStats]) -> Sheet {
    let rows = stats
        .iter()
        .map(|s| {
            vec![
                OutCell::text(&s.id),
                OutCell::num(s.min),
                OutCell::num(s.max),
                OutCell::num(s.mean),
                OutCell::num(s.median),
                OutCell::num(s.std),
                OutCell::num(s.skew),
                OutCell::num(s.kurt),
                OutCell::num(s.n_avail as f64),
                OutCell::num(s.n_nonzero as f64),
                OutCell::num(s.n_unique as f64),
                s.n_same.map_or(OutCell::Empty, |x| OutCell::num(x as f64)),
                OutCell::num(s.frc_avail),
                OutCell::num(s.frc_nonzero),
                OutCell::num(s.frc_unique),
                OutCell::num(s.frc_same),
                flag(s.flag_avail),
                flag(s.flag_nonzero),
                flag(s.flag_unique),
                flag(s.flag_skew_kurt),
            ]
        })
        .collect();
    Sheet { name: name.into(), columns: cols(&super::stats::COLUMNS), rows }
}

/// Every table of the audit, in this order: `stats_raw`, `corr_with_parent`, then per audited
/// level `cronbach_level<L>`, `pca_level<L>`, `remove_level<L>`, then `corr_with_index`,
/// `corr_children`, `shares`, `stats_normalised`, `flags`.
pub fn sheets(a: &Audit) -> Vec<Sheet> {
    let method = a.corr_method.label();
    let mut out = vec![stats_sheet("stats_raw", &a.stats_raw)];
    out.push(Sheet {
        name: "corr_with_parent".into(),
        columns: cols(&["child", "parent", "level", "method", "r"]),
        rows: a
            .corr_with_parent
            .iter()
            .map(|r| {
                vec![
                    OutCell::text(&r.element),
                    OutCell::text(&r.with),
                    OutCell::num(r.level as f64),
                    OutCell::text(method),
                    OutCell::num(r.r),
                ]
            })
            .collect(),
    });
    for &l in &a.levels {
        let coh: Vec<_> = a.coherence.iter().filter(|c| c.level == l).collect();
        out.push(Sheet {
            name: format!("cronbach_level{l}"),
            columns: cols(&["aggregate", "n_children", "alpha"]),
            rows: coh
                .iter()
                .map(|c| {
                    vec![OutCell::text(&c.aggregate), OutCell::num(c.children.len() as f64), OutCell::num(c.alpha)]
                })
                .collect(),
        });
        out.push(Sheet {
            name: format!("pca_level{l}"),
            columns: cols(&["aggregate", "child", "n_complete", "pc1_variance_share", "abs_loading"]),
            rows: coh
                .iter()
                .flat_map(|c| {
                    c.children.iter().zip(&c.loadings).map(|(child, l)| {
                        vec![
                            OutCell::text(&c.aggregate),
                            OutCell::text(child),
                            OutCell::num(c.n_complete as f64),
                            OutCell::num(c.pc1_variance_share),
                            OutCell::num(l.abs()),
                        ]
                    })
                })
                .collect(),
        });
        out.push(Sheet {
            name: format!("remove_level{l}"),
            columns: cols(&["removed", "mean_abs_rank_change"]),
            rows: a
                .removal
                .iter()
                .filter(|r| r.level == l)
                .map(|r| vec![OutCell::text(&r.element), OutCell::num(r.mean_abs_rank_change)])
                .collect(),
        });
    }
    out.push(Sheet {
        name: "corr_with_index".into(),
        columns: cols(&["element", "index", "level", "method", "r", "n_pairs"]),
        rows: a
            .corr_with_index
            .iter()
            .map(|r| {
                vec![
                    OutCell::text(&r.element),
                    OutCell::text(&r.with),
                    OutCell::num(r.level as f64),
                    OutCell::text(method),
                    OutCell::num(r.r),
                    OutCell::num(r.n as f64),
                ]
            })
            .collect(),
    });
    out.push(Sheet {
        name: "corr_children".into(),
        columns: cols(&["aggregate", "child1", "child2", "level", "method", "r", "n_pairs"]),
        rows: a
            .corr_children
            .iter()
            .map(|r| {
                vec![
                    OutCell::text(&r.aggregate),
                    OutCell::text(&r.element),
                    OutCell::text(&r.with),
                    OutCell::num(r.level as f64),
                    OutCell::text(method),
                    OutCell::num(r.r),
                    OutCell::num(r.n as f64),
                ]
            })
            .collect(),
    });
    out.push(Sheet {
        name: "shares".into(),
        columns: cols(&["aggregate", "child", "level", "weight", "weight_share", "method", "r", "r2_share"]),
        rows: a
            .shares
            .iter()
            .map(|s| {
                vec![
                    OutCell::text(&s.aggregate),
                    OutCell::text(&s.child),
                    OutCell::num(s.level as f64),
                    OutCell::num(s.weight),
                    OutCell::num(s.weight_share),
                    OutCell::text(method),
                    OutCell::num(s.r),
                    OutCell::num(s.r2_share),
                ]
            })
            .collect(),
    });
    out.push(Sheet {
        name: "coherence".into(),
        columns: cols(&[
            "aggregate",
            "level",
            "n_children",
            "alpha",
            "n_complete",
            "pc1_variance_share",
            "alpha_note",
            "pca_note",
        ]),
        rows: a
            .coherence
            .iter()
            .map(|c| {
                vec![
                    OutCell::text(&c.aggregate),
                    OutCell::num(c.level as f64),
                    OutCell::num(c.children.len() as f64),
                    OutCell::num(c.alpha),
                    OutCell::num(c.n_complete as f64),
                    OutCell::num(c.pc1_variance_share),
                    OutCell::text(&c.alpha_note),
                    OutCell::text(&c.pca_note),
                ]
            })
            .collect(),
    });
    out.push(Sheet {
        name: "removal".into(),
        columns: cols(&["removed", "level", "mean_abs_rank_change", "max_abs_rank_change", "n_units", "note"]),
        rows: a
            .removal
            .iter()
            .map(|r| {
                vec![
                    OutCell::text(&r.element),
                    OutCell::num(r.level as f64),
                    OutCell::num(r.mean_abs_rank_change),
                    OutCell::num(r.max_abs_rank_change),
                    OutCell::num(r.n as f64),
                    OutCell::text(&r.note),
                ]
            })
            .collect(),
    });
    out.push(stats_sheet("stats_normalised", &a.stats_normalised));
    out.push(Sheet {
        name: "flags".into(),
        columns: cols(&["element", "level", "kind", "value", "message"]),
        rows: a
            .flags
            .iter()
            .map(|f| {
                vec![
                    OutCell::text(&f.element),
                    OutCell::num(f.level as f64),
                    OutCell::text(f.kind),
                    OutCell::num(f.value),
                    OutCell::text(&f.message),
                ]
            })
            .collect(),
    });
    out
}
