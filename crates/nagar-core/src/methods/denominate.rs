pub fn denominate(x: &mut [f64], den: &[f64]) {
    for (v, d) in x.iter_mut().zip(den) {
        *v = crate::matrix::finite_or_missing(*v / *d);
    }
}
