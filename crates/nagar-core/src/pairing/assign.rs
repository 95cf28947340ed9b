//! Exact assignment with forbidden pairs: a maximum-cardinality matching of least total cost
//! among all maximum-cardinality matchings (rectangular cost matrices allowed).
//!
//! Why not a crate: `pathfinding::kuhn_munkres` needs `Ord` weights and has no notion of a
//! forbidden pair (a "big M" cost finds a maximum matching only if M is chosen against the cost
//! range, and then the least-cost claim among maximum matchings needs care). This is the textbook
//! successive-shortest-path min-cost flow (Ahuja, Magnanti & Orlin, *Network Flows*, 1993, §9.7;
//! the Hungarian method of Kuhn 1955 / Munkres 1957 in its Dijkstra-with-potentials form),
//! O(k·(r+c)²) for k pairs on a dense r×c matrix — microseconds for 20×20 (Dijkstra stops as
//! soon as the sink is settled):
//!
//! * network: source → every row (capacity 1, cost 0) → column (allowed pairs only, cost c) →
//!   sink (capacity 1, cost 0);
//! * each round finds a shortest source→sink path in the residual network with Dijkstra on
//!   reduced costs (potentials keep them ≥ 0; every cost is ≥ 0 to start with) and augments one unit;
//! * after k rounds the flow is a least-cost matching of k pairs (the SSP invariant); the loop
//!   stops when no augmenting path is left, i.e. at maximum cardinality (Ford–Fulkerson).
//!
//! **Integer costs, exact arithmetic.** The solver runs on `i64` ([`min_cost_matching_int`]), so
//! every comparison is exact and ties are broken the same way on every platform (native CLI and
//! the page's wasm build). [`min_cost_matching`] takes f64 costs and rounds them to a grid of
//! 1e-9 (coarser only if costs are so large that sums could overflow i64): the result is optimal
//! for the rounded costs, hence within (rows + columns) × 0.5e-9 of the f64 optimum — far below
//! any meaningful cost difference — and insensitive to last-bit differences of `ln` between
//! platforms (except in the ~1e-7-probability case of a cost sitting on a rounding boundary).
//! Ties between equally cheap matchings are broken deterministically by row/column order.

/// The rounding grid of [`min_cost_matching`].
pub const COST_QUANTUM: f64 = 1e-9;

/// `cost[i][j]`: `Some(c)` with finite `c ≥ 0` when row `i` may be paired with column `j`,
/// `None` when forbidden. Returns the column matched to each row (`None`: left out).
///
/// Never panics: ragged rows are forbidden beyond their length; non-finite or negative costs
/// are treated as forbidden (callers validate before).
pub fn min_cost_matching(cost: &[Vec<Option<f64>>]) -> Vec<Option<usize>> {
    let ok = |x: &f64| x.is_finite() && *x >= 0.0;
    let max = cost.iter().flatten().flatten().copied().filter(ok).fold(0.0f64, f64::max);
    let cols = cost.iter().map(|r| r.len()).max().unwrap_or(0);
    let size = (cost.len() + cols).max(1) as f64;
    // Room for sums along any path and for potentials: max × size × scale ≤ 2^60.
    let limit = (1u64 << 60) as f64;
    let scale = if max * size / COST_QUANTUM <= limit { 1.0 / COST_QUANTUM } else { limit / (max * size) };
    let int: Vec<Vec<Option<i64>>> =
        cost.iter().map(|row| row.iter().map(|c| c.filter(ok).map(|x| (x * scale).round() as i64)).collect()).collect();
    min_cost_matching_int(&int)
}

/// The same on integer costs (`Some(c)` with `c ≥ 0`; negative costs are treated as forbidden).
/// Costs must leave room for sums: max cost × (rows + columns) below 2^62.
pub fn min_cost_matching_int(cost: &[Vec<Option<i64>>]) -> Vec<Option<usize>> {
    let r = cost.len();
    let c = cost.iter().map(|row| row.len()).max().unwrap_or(0);
    let at = |i: usize, j: usize| -> Option<i64> { cost[i].get(j).copied().flatten().filter(|x| *x >= 0) };
    let mut row_match: Vec<Option<usize>> = vec![None; r];
    let mut col_match: Vec<Option<usize>> = vec![None; c];
    // Potentials; the source's stays 0, and so do those of free rows (their distance is always 0).
    let mut p_row = vec![0i64; r];
    let mut p_col = vec![0i64; c];
    let mut p_sink = 0i64;
    const INF: i64 = i64::MAX;
    loop {
        // Dijkstra over rows, columns and the sink.
        let mut d_row: Vec<i64> = (0..r).map(|i| if row_match[i].is_none() { 0 } else { INF }).collect();
        let mut d_col = vec![INF; c];
        let mut d_sink = INF;
        let mut prev_col = vec![usize::MAX; c]; // row from which each column was reached
        let mut prev_sink = usize::MAX; // column from which the sink was reached
        let mut done_row = vec![false; r];
        let mut done_col = vec![false; c];
        loop {
            // Smallest tentative distance among unsettled nodes (rows first, then columns: ties
            // resolve by order, which keeps results deterministic).
            let mut best = INF;
            let mut pick: Option<(bool, usize)> = None;
            for i in 0..r {
                if !done_row[i] && d_row[i] < best {
                    best = d_row[i];
                    pick = Some((true, i));
                }
            }
            for j in 0..c {
                if !done_col[j] && d_col[j] < best {
                    best = d_col[j];
                    pick = Some((false, j));
                }
            }
            // Stop as soon as the sink is the closest unsettled node: its distance is final.
            if d_sink <= best {
                break;
            }
            let Some((is_row, k)) = pick else { break };
            if is_row {
                done_row[k] = true;
                for j in 0..c {
                    if done_col[j] || row_match[k] == Some(j) {
                        continue;
                    }
                    if let Some(w) = at(k, j) {
                        let nd = best.saturating_add((w + p_row[k] - p_col[j]).max(0));
                        if nd < d_col[j] {
                            d_col[j] = nd;
                            prev_col[j] = k;
                        }
                    }
                }
            } else {
                done_col[k] = true;
                match col_match[k] {
                    Some(i) => {
                        // Backward residual edge of the matched pair: reduced cost 0 (tight).
                        let w = at(i, k).unwrap_or(0);
                        let nd = best.saturating_add((-w + p_col[k] - p_row[i]).max(0));
                        if !done_row[i] && nd < d_row[i] {
                            d_row[i] = nd;
                        }
                    }
                    None => {
                        let nd = best.saturating_add((p_col[k] - p_sink).max(0));
                        if nd < d_sink {
                            d_sink = nd;
                            prev_sink = k;
                        }
                    }
                }
            }
        }
        if d_sink == INF {
            break; // no augmenting path: the matching has maximum cardinality
        }
        // Potentials: p += min(d, d_sink) for every node (unsettled and unreachable ones get
        // d_sink). This keeps every residual reduced cost ≥ 0 (for an edge u→v: if both are at
        // ≥ d_sink nothing changes; if u is settled, d_v ≤ d_u + red; if only v is, d_v < d_sink).
        for i in 0..r {
            p_row[i] += d_row[i].min(d_sink);
        }
        for j in 0..c {
            p_col[j] += d_col[j].min(d_sink);
        }
        p_sink += d_sink;
        // Augment: sink ← column ← row ← (its old column) ← row ... ← a free row.
        let mut j = prev_sink;
        loop {
            let i = prev_col[j];
            let old = row_match[i];
            row_match[i] = Some(j);
            col_match[j] = Some(i);
            match old {
                Some(j2) => j = j2,
                None => break,
            }
        }
    }
    row_match
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_square() {
        let c = vec![
            vec![Some(4.0), Some(1.0), Some(3.0)],
            vec![Some(2.0), Some(0.0), Some(5.0)],
            vec![Some(3.0), Some(2.0), Some(2.0)],
        ];
        // optimum: 0→1 (1), 1→0 (2), 2→2 (2) = 5
        assert_eq!(min_cost_matching(&c), vec![Some(1), Some(0), Some(2)]);
    }

    #[test]
    fn forbidden_and_rectangular() {
        let c = vec![vec![None, None], vec![Some(1.0), None], vec![Some(0.5), None]];
        let m = min_cost_matching(&c);
        assert_eq!(m, vec![None, None, Some(0)]);
        assert_eq!(min_cost_matching(&[]), Vec::<Option<usize>>::new());
        assert_eq!(min_cost_matching(&[vec![]]), vec![None]);
    }

    #[test]
    fn maximum_cardinality_beats_cheap_pairs() {
        // Taking the cheap pair 0-0 would leave row 1 without a partner: 2 pairs are possible.
        let c = vec![vec![Some(0.0), Some(10.0)], vec![Some(0.0), None]];
        assert_eq!(min_cost_matching(&c), vec![Some(1), Some(0)]);
    }
}
