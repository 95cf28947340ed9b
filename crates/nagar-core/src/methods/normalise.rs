use crate::settings::Normalisation;
pub fn mean_sd(x: &[f64], direction: f64) -> (f64, f64) {
    let v: Vec<f64> = x.iter().filter(|v| !v.is_nan()).map(|v| v * direction).collect();
    let n = v.len() as f64;
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let m = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (m, f64::NAN);
    }
    let ss = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
    (m, (ss / (n - 1.0)).sqrt())
}
pub fn normalise(
    x: &mut [f64],
    method: &Normalisation,
    direction: f64,
    _target: Option<f64>,
    _gp: Option<[f64; 2]>,
) -> Result<(), String> {
    for v in x.iter_mut() {
        *v *= direction;
    }
    match *method {
        Normalisation::Zscore { mean, sd } => {
            let (m, s) = mean_sd(x, 1.0);
            for v in x.iter_mut() {
                if !v.is_nan() {
                    *v = if s > 0.0 { (*v - m) / s * sd + mean } else { mean };
                }
            }
        }
        _ => {}
    }
    Ok(())
}
