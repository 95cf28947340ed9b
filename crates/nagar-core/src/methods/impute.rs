pub fn impute(x: &mut [f64], groups: Option<&[String]>, median: bool) {
    let _ = (x, groups, median);
}
