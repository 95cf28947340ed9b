pub struct Treated {
    pub values: Vec<f64>,
}
impl Treated {
    pub fn changed(&self) -> bool {
        false
    }
    pub fn describe(&self) -> String {
        String::new()
    }
}
pub fn treat(x: &[f64], _winmax: usize, _skew: f64, _kurt: f64) -> Treated {
    Treated { values: x.to_vec() }
}
