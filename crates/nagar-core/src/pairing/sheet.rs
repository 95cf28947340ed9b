//! Pairs and peers as output sheets: the CLI's CSV and the page's export are written from these.

use super::{Pairing, PeerSearch, Role, UnitRef};
use crate::fmt::number;
use crate::output::{OutCell, Sheet};

fn opt(x: Option<f64>) -> OutCell {
    x.map(OutCell::num).unwrap_or(OutCell::Empty)
}

fn rank(u: &UnitRef) -> OutCell {
    u.rank.map(|r| OutCell::Number(r as f64)).unwrap_or(OutCell::Empty)
}

fn text_opt(x: &Option<String>) -> OutCell {
    OutCell::text(x.clone().unwrap_or_default())
}

const TERMS: [&str; 6] = super::CostWeights::TERMS;

/// One row per pair: `mentor_id, mentee_id, cost`, then the explanation (subgroup, names, ranks,
/// index, what is shared, the mentee's weakest sectors with both scores, `cost_<term>` =
/// weight × term (they sum to `cost`), `term_<term>` raw values, unknown attributes), then one
/// row per unit that could not be placed (partner and cost empty, `note` says why).
pub fn pairs_sheet(p: &Pairing) -> Sheet {
    let k = p.options.weakest;
    let mut columns: Vec<String> = [
        "mentor_id",
        "mentee_id",
        "cost",
        "subgroup",
        "mentor_name",
        "mentee_name",
        "mentor_rank",
        "mentee_rank",
        "mentor_index",
        "mentee_index",
        "shared_zone",
        "shared_terrain",
        "shared_tier",
        "shared_tags",
    ]
    .map(String::from)
    .to_vec();
    for i in 1..=k {
        columns.push(format!("weak{i}_sector"));
        columns.push(format!("weak{i}_mentee"));
        columns.push(format!("weak{i}_mentor"));
    }
    columns.extend(TERMS.iter().map(|t| format!("cost_{t}")));
    columns.extend(TERMS.iter().map(|t| format!("term_{t}")));
    columns.push("unknown".into());
    columns.push("note".into());
    let width = columns.len();
    let mut rows = Vec::new();
    for x in &p.pairs {
        let mut r = vec![
            OutCell::text(&x.mentor.id),
            OutCell::text(&x.mentee.id),
            OutCell::num(x.cost),
            OutCell::text(&x.subgroup),
            OutCell::text(&x.mentor.name),
            OutCell::text(&x.mentee.name),
            rank(&x.mentor),
            rank(&x.mentee),
            opt(x.mentor.index),
            opt(x.mentee.index),
            text_opt(&x.shared.zone),
            text_opt(&x.shared.terrain),
            text_opt(&x.shared.tier),
            OutCell::text(x.shared.tags.join(";")),
        ];
        for i in 0..k {
            match x.weakest.get(i) {
                Some(w) => r.extend([OutCell::text(&w.id), opt(w.mentee), opt(w.mentor)]),
                None => r.extend([OutCell::Empty, OutCell::Empty, OutCell::Empty]),
            }
        }
        r.extend(x.weighted.values().map(OutCell::num));
        r.extend(x.terms.values().map(OutCell::num));
        r.push(OutCell::text(x.unknown.join(";")));
        r.push(OutCell::Empty);
        rows.push(r);
    }
    for x in &p.unplaced {
        let mut r = vec![OutCell::Empty; width];
        let (id_col, name_col, rank_col, index_col) = match x.role {
            Role::Mentor => (0, 4, 6, 8),
            Role::Mentee => (1, 5, 7, 9),
        };
        r[id_col] = OutCell::text(&x.unit.id);
        r[3] = OutCell::text(&x.subgroup);
        r[name_col] = OutCell::text(&x.unit.name);
        r[rank_col] = rank(&x.unit);
        r[index_col] = opt(x.unit.index);
        r[width - 1] = OutCell::text(format!("unplaced {}: {}", x.role.as_str(), x.reason));
        rows.push(r);
    }
    Sheet { name: "Pairs".into(), columns, rows }
}

/// One row per peer: the unit, the peer, scores and gap, distance and what is shared, and the
/// indicators making the difference (`id name: unit value vs peer value (+contribution)`).
pub fn peers_sheet(r: &PeerSearch) -> Sheet {
    let columns: Vec<String> = [
        "ulb_id",
        "peer_id",
        "peer_name",
        "node",
        "ulb_score",
        "peer_score",
        "gap",
        "distance",
        "similarity",
        "peer_rank",
        "shared_zone",
        "shared_terrain",
        "shared_tier",
        "shared_tags",
        "unknown",
        "drivers",
        "missing_at_ulb",
    ]
    .map(String::from)
    .to_vec();
    let rows = r
        .peers
        .iter()
        .map(|p| {
            let drivers: Vec<String> = p
                .drivers
                .iter()
                .map(|d| {
                    format!(
                        "{} {}: {} vs {} (+{:.3})",
                        d.id,
                        d.name,
                        d.unit_value.map(round).unwrap_or_else(|| "missing".into()),
                        d.peer_value.map(round).unwrap_or_else(|| "missing".into()),
                        d.contribution
                    )
                })
                .collect();
            vec![
                OutCell::text(&r.unit.id),
                OutCell::text(&p.unit.id),
                OutCell::text(&p.unit.name),
                OutCell::text(&r.node.id),
                OutCell::num(r.score),
                OutCell::num(p.score),
                OutCell::num(p.gap),
                OutCell::num(p.distance),
                OutCell::num(p.similarity),
                rank(&p.unit),
                text_opt(&p.shared.zone),
                text_opt(&p.shared.terrain),
                text_opt(&p.shared.tier),
                OutCell::text(p.shared.tags.join(";")),
                OutCell::text(p.unknown.join(";")),
                OutCell::text(drivers.join("; ")),
                OutCell::text(p.missing_at_unit.join(";")),
            ]
        })
        .collect();
    Sheet { name: "Peers".into(), columns, rows }
}

fn round(x: f64) -> String {
    number((x * 100.0).round() / 100.0)
}
