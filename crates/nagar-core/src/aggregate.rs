//! The aggregation plan: the framework tree compiled to flat arrays, evaluated bottom-up over
//! columns. Kept separate from the rest of the pipeline so that re-aggregating with new weights
//! (what-if, Monte Carlo) touches only cached normalised columns.

use crate::framework::Framework;
use crate::groups::Groups;
use crate::matrix::Matrix;
use crate::settings::Aggregation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    Indicator(usize),
    Aggregate(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanNode {
    /// Index of the aggregate in `Framework::aggregates` order.
    pub aggregate: usize,
    pub children: Vec<Child>,
    pub method: Aggregation,
    pub rescale: Option<[f64; 2]>,
}

/// Aggregates in evaluation order (children before parents).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub nodes: Vec<PlanNode>,
    pub root: usize,
    /// Weight of each indicator, then of each aggregate (framework order), as used by the parents.
    pub indicator_weights: Vec<f64>,
    pub aggregate_weights: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{method} aggregation of {node} needs positive values, but {unit} has {child} = {value}; use arithmetic aggregation or a normalisation with a positive range (e.g. minmax:1,100)")]
pub struct AggregationError {
    pub node: String,
    pub method: &'static str,
    pub unit: String,
    pub child: String,
    pub value: f64,
}

impl Plan {
    /// Compile a validated framework. `default_method` comes from the settings.
    pub fn new(fw: &Framework, default_method: Aggregation) -> Plan {
        let agg_index: std::collections::HashMap<&str, usize> =
            fw.aggregates.iter().enumerate().map(|(k, a)| (a.id.as_str(), k)).collect();
        let mut children: Vec<Vec<Child>> = vec![Vec::new(); fw.aggregates.len()];
        for (k, a) in fw.aggregates.iter().enumerate() {
            if let Some(p) = a.parent.as_deref().and_then(|p| agg_index.get(p)) {
                children[*p].push(Child::Aggregate(k));
            }
        }
        for (j, i) in fw.indicators.iter().enumerate() {
            if let Some(p) = agg_index.get(i.parent.as_str()) {
                children[*p].push(Child::Indicator(j));
            }
        }
        // Post-order from the root gives children before parents (validated: no cycles).
        let root = fw.aggregates.iter().position(|a| a.parent.is_none()).unwrap_or(0);
        let mut order = Vec::with_capacity(fw.aggregates.len());
        let mut stack = vec![(root, false)];
        let mut seen = vec![false; fw.aggregates.len()];
        while let Some((k, expanded)) = stack.pop() {
            if expanded {
                order.push(k);
                continue;
            }
            if std::mem::replace(&mut seen[k], true) {
                continue;
            }
            stack.push((k, true));
            for c in children[k].iter().rev() {
                if let Child::Aggregate(a) = c {
                    stack.push((*a, false));
                }
            }
        }
        let nodes = order
            .into_iter()
            .map(|k| PlanNode {
                aggregate: k,
                children: std::mem::take(&mut children[k]),
                method: fw.aggregates[k].method.unwrap_or(default_method),
                rescale: fw.aggregates[k].rescale,
            })
            .collect();
        Plan {
            nodes,
            root,
            indicator_weights: fw.indicators.iter().map(|i| i.weight).collect(),
            aggregate_weights: fw.aggregates.iter().map(|a| a.weight).collect(),
        }
    }

    /// Evaluate every aggregate. `normalised` has one column per indicator; `raw` and `out`
    /// one per aggregate (framework order): `raw` before the node's rescale, `out` after.
    /// Units with no group get no aggregate values.
    pub fn run(
        &self,
        normalised: &Matrix,
        groups: &Groups,
        names: &Names,
        raw: &mut Matrix,
        out: &mut Matrix,
    ) -> Result<(), AggregationError> {
        self.run_with(normalised, groups, names, raw, out, &mut Scratch::default())
    }

    /// [`Plan::run`] with caller-owned buffers: no allocation when run in a loop.
    pub fn run_with(
        &self,
        normalised: &Matrix,
        groups: &Groups,
        names: &Names,
        raw: &mut Matrix,
        out: &mut Matrix,
        scratch: &mut Scratch,
    ) -> Result<(), AggregationError> {
        for pos in 0..self.nodes.len() {
            self.eval_node(pos, normalised, groups, names, raw, out, scratch)?;
        }
        Ok(())
    }

    /// Evaluate the node at `pos` of the evaluation order (its children must be up to date):
    /// the weighted mean over available children, then the node's rescale per group.
    /// What-if and re-weighting call this for the nodes a change reaches, and only those.
    #[allow(clippy::too_many_arguments)]
    pub fn eval_node(
        &self,
        pos: usize,
        normalised: &Matrix,
        groups: &Groups,
        names: &Names,
        raw: &mut Matrix,
        out: &mut Matrix,
        scratch: &mut Scratch,
    ) -> Result<(), AggregationError> {
        let node = &self.nodes[pos];
        if node.method == Aggregation::Amean {
            self.eval_amean(node, normalised, groups, raw, out, scratch);
        } else {
            self.eval_other(node, normalised, groups, names, raw, out, scratch)?;
        }
        let dst = out.col_mut(node.aggregate);
        dst.copy_from_slice(raw.col(node.aggregate));
        if let Some([lo, hi]) = node.rescale {
            for members in &groups.members {
                rescale(dst, members, lo, hi);
            }
        }
        Ok(())
    }
}

impl Plan {
    /// Units per block of [`Plan::eval_node`]'s arithmetic mean: the block's sums stay in the
    /// L1 cache while every child column is added in.
    const BLOCK: usize = 512;

    /// The block's means into `col[start..end]`: `acc / wsum`, missing for units with no weight or
    /// no group. When every unit is in a group (the groups' sizes add up to n), the test is on the
    /// weight alone and the division vectorises.
    fn finish_block(
        col: &mut [f64],
        acc: &[f64],
        wsum: &[f64],
        groups: &Groups,
        start: usize,
        end: usize,
        all_grouped: bool,
    ) {
        let col = &mut col[start..end];
        if all_grouped {
            for ((y, &a), &s) in col.iter_mut().zip(acc).zip(wsum) {
                let m = a / s;
                *y = if s > 0.0 { m } else { f64::NAN };
            }
        } else {
            for (((y, &a), &s), g) in col.iter_mut().zip(acc).zip(wsum).zip(&groups.of_unit[start..end]) {
                *y = if s > 0.0 && g.is_some() { a / s } else { f64::NAN };
            }
        }
    }

    /// Arithmetic mean of the node's available children into `raw`, block by block. For every
    /// unit the operations, and their order, are those of one pass per child over all units:
    /// `acc += w·x` and `wsum += w` per present child, in the children's order (adding 0.0 for
    /// a missing one, which leaves the sums' bits unchanged), then `acc / wsum`.
    fn eval_amean(
        &self,
        node: &PlanNode,
        normalised: &Matrix,
        groups: &Groups,
        raw: &mut Matrix,
        out: &Matrix,
        scratch: &mut Scratch,
    ) {
        let n = normalised.n_rows();
        scratch.acc.clear();
        scratch.acc.resize(Self::BLOCK, 0.0);
        scratch.wsum.clear();
        scratch.wsum.resize(Self::BLOCK, 0.0);
        let col = raw.col_mut(node.aggregate);
        let all_grouped = groups.members.iter().map(Vec::len).sum::<usize>() == n;
        debug_assert!(!all_grouped || groups.of_unit.iter().all(Option::is_some));
        let mut start = 0;
        while start < n {
            let end = (start + Self::BLOCK).min(n);
            let len = end - start;
            let (acc, wsum) = (&mut scratch.acc[..len], &mut scratch.wsum[..len]);
            acc.fill(0.0);
            wsum.fill(0.0);
            // Up to four children a pass over the sums, in the children's order.
            let children = node
                .children
                .iter()
                .map(|&c| match c {
                    Child::Indicator(j) => (&normalised.col(j)[start..end], self.indicator_weights[j]),
                    Child::Aggregate(a) => (&out.col(a)[start..end], self.aggregate_weights[a]),
                })
                .filter(|&(_, w)| w != 0.0);
            if cfg!(target_arch = "wasm32") {
                // The browser's build: one child a pass (no SIMD there to gain from more, and
                // the main module's size budget has no room for the unrolled copies).
                for (x, w) in children {
                    add_children(acc, wsum, [x], [w]);
                }
                Self::finish_block(col, acc, wsum, groups, start, end, all_grouped);
                start = end;
                continue;
            }
            let (mut xs, mut ws, mut k): ([&[f64]; 4], [f64; 4], usize) = ([&[]; 4], [0.0; 4], 0);
            for (x, w) in children {
                xs[k] = x;
                ws[k] = w;
                k += 1;
                if k == 4 {
                    add_children(acc, wsum, xs, ws);
                    k = 0;
                }
            }
            match k {
                1 => add_children(acc, wsum, [xs[0]], [ws[0]]),
                2 => add_children(acc, wsum, [xs[0], xs[1]], [ws[0], ws[1]]),
                3 => add_children(acc, wsum, [xs[0], xs[1], xs[2]], [ws[0], ws[1], ws[2]]),
                _ => {}
            }
            Self::finish_block(col, acc, wsum, groups, start, end, all_grouped);
            start = end;
        }
    }

    /// Geometric or harmonic mean of the node's available children into `raw` (every present
    /// child must be positive).
    #[allow(clippy::too_many_arguments)]
    fn eval_other(
        &self,
        node: &PlanNode,
        normalised: &Matrix,
        groups: &Groups,
        names: &Names,
        raw: &mut Matrix,
        out: &Matrix,
        scratch: &mut Scratch,
    ) -> Result<(), AggregationError> {
        let n = normalised.n_rows();
        let method = node.method;
        scratch.acc.clear();
        scratch.acc.resize(n, 0.0);
        scratch.wsum.clear();
        scratch.wsum.resize(n, 0.0);
        let (acc, wsum) = (&mut scratch.acc, &mut scratch.wsum);
        for &c in &node.children {
            let (values, w) = match c {
                Child::Indicator(j) => (normalised.col(j), self.indicator_weights[j]),
                Child::Aggregate(a) => (out.col(a), self.aggregate_weights[a]),
            };
            if w == 0.0 {
                continue;
            }
            for u in 0..n {
                let x = values[u];
                if x.is_nan() {
                    continue;
                }
                if x <= 0.0 {
                    return Err(AggregationError {
                        node: names.aggregate(node.aggregate),
                        method: if method == Aggregation::Gmean { "geometric" } else { "harmonic" },
                        unit: names.unit(u),
                        child: names.child(c),
                        value: x,
                    });
                }
                acc[u] += if method == Aggregation::Gmean { w * x.ln() } else { w / x };
                wsum[u] += w;
            }
        }
        let col = raw.col_mut(node.aggregate);
        for u in 0..n {
            col[u] = f64::NAN;
            if wsum[u] > 0.0 && groups.of_unit[u].is_some() {
                let m = acc[u] / wsum[u];
                col[u] = if method == Aggregation::Gmean { m.exp() } else { 1.0 / m };
            }
        }
        Ok(())
    }
}

/// `acc += w·x` and `wsum += w` for each of K children with a present value, child after child
/// for every unit (the order, and so the bits, of K separate passes); branch-free so it
/// vectorises; adding 0.0 for a missing value leaves the sums' bits unchanged.
#[inline(always)]
#[allow(clippy::needless_range_loop)]
fn add_children<const K: usize>(acc: &mut [f64], wsum: &mut [f64], xs: [&[f64]; K], ws: [f64; K]) {
    let len = acc.len();
    let wsum = &mut wsum[..len];
    let xs = xs.map(|x| &x[..len]);
    for i in 0..len {
        let (mut a, mut s) = (acc[i], wsum[i]);
        for k in 0..K {
            let x = xs[k][i];
            let present = !x.is_nan();
            a += if present { ws[k] * x } else { 0.0 };
            s += if present { ws[k] } else { 0.0 };
        }
        acc[i] = a;
        wsum[i] = s;
    }
}

/// Reusable buffers of [`Plan::eval_node`] (no allocation per node in a loop).
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    acc: Vec<f64>,
    wsum: Vec<f64>,
}

/// Ids for error messages: indicators, aggregates (framework order) and units.
pub struct Names<'a> {
    pub indicators: &'a [String],
    pub aggregates: &'a [String],
    pub units: &'a [String],
}

impl Names<'_> {
    fn aggregate(&self, a: usize) -> String {
        self.aggregates.get(a).cloned().unwrap_or_default()
    }
    fn unit(&self, u: usize) -> String {
        self.units.get(u).cloned().unwrap_or_default()
    }
    fn child(&self, c: Child) -> String {
        match c {
            Child::Indicator(j) => self.indicators.get(j).cloned().unwrap_or_default(),
            Child::Aggregate(a) => self.aggregate(a),
        }
    }
}

/// Min-max rescale of the members' values to [lo, hi]; max == min gives everyone `hi` (spec §1.6).
pub fn rescale(values: &mut [f64], members: &[usize], lo: f64, hi: f64) {
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &u in members {
        let x = values[u];
        if !x.is_nan() {
            min = min.min(x);
            max = max.max(x);
        }
    }
    if min > max {
        return;
    }
    for &u in members {
        let x = values[u];
        if !x.is_nan() {
            values[u] = if max == min { hi } else { lo + (hi - lo) * (x - min) / (max - min) };
        }
    }
}
