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
    pub fn from_labels(labels: &[String]) -> Self {
        let mut g = Groups { of_unit: Vec::with_capacity(labels.len()), ..Default::default() };
        for (u, l) in labels.iter().enumerate() {
            if l.is_empty() {
                g.of_unit.push(None);
                continue;
            }
            let k = match g.labels.iter().position(|x| x == l) {
                Some(k) => k,
                None => {
                    g.labels.push(l.clone());
                    g.members.push(Vec::new());
                    g.labels.len() - 1
                }
            };
            g.of_unit.push(Some(k));
            g.members[k].push(u);
        }
        g
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}
