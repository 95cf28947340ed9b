//! Comparison groups: a partition of the units. Standardisation, rescaling, group means and
//! ranks are computed within each group separately.

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Groups {
    /// Display label of each group.
    pub labels: Vec<String>,
    /// Group of each unit; `None` when the unit has no group (e.g. no population under `tier`):
    /// such a unit is standardised with nobody and gets no scores.
    pub of_unit: Vec<Option<usize>>,
    /// Units of each group, in unit order.
    pub members: Vec<Vec<usize>>,
}

impl Groups {
    /// Everybody together.
    pub fn all(n: usize) -> Self {
        Groups { labels: vec!["all".into()], of_unit: vec![Some(0); n], members: vec![(0..n).collect()] }
    }

    /// From one label per unit (empty = no group); groups ordered by first appearance.
    /// Labels are matched as state names are (`inputs::state_key`: case, spaces, punctuation
    /// and `&`/`and` ignored), so " maharashtra " and "Maharashtra" are one group, labelled as
    /// first written (trimmed).
    pub fn from_labels(labels: &[String]) -> Self {
        let mut g = Groups { of_unit: Vec::with_capacity(labels.len()), ..Default::default() };
        let mut keys: Vec<String> = Vec::new();
        // The group of each label as written: the same text is the same group, so its key is
        // made once (a dozen distinct states among thousands of units).
        let mut seen: std::collections::HashMap<&str, Option<usize>> = std::collections::HashMap::new();
        for (u, l) in labels.iter().enumerate() {
            if let Some(&k) = seen.get(l.as_str()) {
                g.of_unit.push(k);
                if let Some(k) = k {
                    g.members[k].push(u);
                }
                continue;
            }
            let key = crate::inputs::state_key(l);
            let key = if key.is_empty() { l.trim().to_string() } else { key };
            if key.is_empty() {
                seen.insert(l, None);
                g.of_unit.push(None);
                continue;
            }
            let k = match keys.iter().position(|x| *x == key) {
                Some(k) => k,
                None => {
                    keys.push(key);
                    g.labels.push(l.trim().to_string());
                    g.members.push(Vec::new());
                    g.labels.len() - 1
                }
            };
            seen.insert(l, Some(k));
            g.of_unit.push(Some(k));
            g.members[k].push(u);
        }
        g
    }

    /// Groups with fewer than `min` members (0 or 1: none).
    pub fn too_small(&self, min: usize) -> Vec<bool> {
        self.members.iter().map(|m| m.len() < min).collect()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_differ_in_case_spaces_or_ampersand_are_one_group() {
        let labels: Vec<String> =
            // The same texts again at the end: a label seen before joins its group as the first did.
            ["Maharashtra", "  maharashtra ", "Jammu & Kashmir", "jammu and kashmir", "", "Goa", "MAHARASHTRA"]
                .iter()
                .chain(&["  maharashtra ", "", "Goa", "jammu and kashmir", " "])
                .map(|s| s.to_string())
                .collect();
        let g = Groups::from_labels(&labels);
        assert_eq!(g.labels, ["Maharashtra", "Jammu & Kashmir", "Goa"]);
        assert_eq!(
            g.of_unit,
            [Some(0), Some(0), Some(1), Some(1), None, Some(2), Some(0), Some(0), None, Some(2), Some(1), None]
        );
        assert_eq!(g.members, [vec![0, 1, 6, 7], vec![2, 3, 10], vec![5, 9]]);
        assert_eq!(g.too_small(3), [false, false, true]);
        assert_eq!(g.too_small(0), [false, false, false]);
    }
}
