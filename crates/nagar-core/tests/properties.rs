//! Properties that must hold for any data: row order changes nothing, z-scores ignore a positive
//! scale factor, min-max and rescaled scores stay in range.

use nagar_core::pipeline::{score, Scored, WeightOverrides};
use nagar_core::{Cell, Framework, Normalisation, RawTable, Settings};
use proptest::prelude::*;

/// Index ← {A ← a1, a2 (lower is better) ; B ← b1, b2}, B rescaled to 0–100.
fn framework() -> Framework {
    toml::from_str(
        r#"
id = "p"
name = "p"
[columns]
id = "id"
[[aggregates]]
id = "index"
name = "Index"
[[aggregates]]
id = "A"
name = "A"
parent = "index"
weight = 2
[[aggregates]]
id = "B"
name = "B"
parent = "index"
rescale = [0, 100]
[[indicators]]
id = "a1"
name = "a1"
parent = "A"
[[indicators]]
id = "a2"
name = "a2"
parent = "A"
direction = -1
[[indicators]]
id = "b1"
name = "b1"
parent = "B"
[[indicators]]
id = "b2"
name = "b2"
parent = "B"
weight = 0.5
"#,
    )
    .unwrap()
}

const IND: [&str; 4] = ["a1", "a2", "b1", "b2"];

fn table(rows: &[(String, [Option<f64>; 4])]) -> RawTable {
    let mut cols = vec!["id".to_string()];
    cols.extend(IND.iter().map(|s| s.to_string()));
    let mut t = RawTable::new("p.csv", cols);
    for (k, (id, vals)) in rows.iter().enumerate() {
        let mut cells = vec![Cell::Text(id.clone())];
        cells.extend(vals.iter().map(|v| v.map_or(Cell::Empty, Cell::Number)));
        t.push_row(cells, k + 2);
    }
    t
}

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![1 => Just(None), 6 => (-1.0e3..1.0e3f64).prop_map(Some)]
}

fn rows() -> impl Strategy<Value = Vec<(String, [Option<f64>; 4])>> {
    prop::collection::vec(prop::array::uniform4(value()), 2..25)
        .prop_map(|v| v.into_iter().enumerate().map(|(k, a)| (format!("u{k}"), a)).collect())
}

fn run(t: &RawTable, s: &Settings) -> Scored {
    score(&framework(), t, s, &WeightOverrides::new()).unwrap()
}

/// Every output of one unit, by id: normalised values, aggregates, coverage, rank.
fn unit(s: &Scored, id: &str) -> Vec<f64> {
    let u = s.unit_index(id).unwrap();
    let mut v: Vec<f64> = (0..IND.len()).map(|j| s.normalised.get(u, j)).collect();
    v.extend((0..s.aggregate_ids.len()).map(|a| s.aggregates.get(u, a)));
    v.push(s.coverage[u]);
    v.push(s.rank[u].map_or(-1.0, |r| r as f64));
    v
}

fn same(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() <= tol * (1.0 + x.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn row_order_changes_no_result(rows in rows(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic permutation from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        let (a, b) = (run(&table(&rows), &Settings::default()), run(&table(&shuffled), &Settings::default()));
        for (id, _) in &rows {
            prop_assert!(same(&unit(&a, id), &unit(&b, id), 1e-9), "unit {}", id);
        }
    }

    #[test]
    fn a_positive_scale_factor_changes_no_z_score(rows in rows(), k in 0.001..1000.0f64, j in 0usize..4) {
        let scaled: Vec<_> = rows.iter().map(|(id, v)| {
            let mut v = *v;
            v[j] = v[j].map(|x| x * k);
            (id.clone(), v)
        }).collect();
        let (a, b) = (run(&table(&rows), &Settings::default()), run(&table(&scaled), &Settings::default()));
        for (id, _) in &rows {
            let (ua, ub) = (unit(&a, id), unit(&b, id));
            // Normalised values and everything built on them; rank may swap only on exact ties.
            prop_assert!(same(&ua[..ua.len() - 1], &ub[..ub.len() - 1], 1e-7), "unit {}: {:?} vs {:?}", id, ua, ub);
        }
    }

    #[test]
    fn min_max_and_rescaled_scores_stay_in_their_range(rows in rows(), lo in -50.0..50.0f64, width in 0.1..200.0f64) {
        let st = Settings { normalise: Normalisation::Minmax { lo, hi: lo + width }, ..Settings::default() };
        let s = run(&table(&rows), &st);
        let eps = 1e-9 * (1.0 + lo.abs() + width);
        for j in 0..IND.len() {
            for &x in s.normalised.col(j) {
                prop_assert!(x.is_nan() || (x >= lo - eps && x <= lo + width + eps), "{} outside [{}, {}]", x, lo, lo + width);
            }
        }
        let b = s.aggregate_index("B").unwrap();
        for &x in s.aggregates.col(b) {
            prop_assert!(x.is_nan() || (-1e-9..=100.0 + 1e-9).contains(&x), "B = {}", x);
        }
    }
}
