//! Feed-forward drift prediction: an ARX model identified from the thermal engine's own
//! transient, predicting the ring drift one sample ahead from on-die temperature sensors and
//! ASIC power telemetry.
//!
//! # Model
//! With $s^{(c)}\_k$ the telemetry channels (a quantized ASIC die temperature sensor and the
//! ASIC power) and $D_k$ the drift (nm) the heater must follow, the model is ARX(2, $n$):
//!
//! $$ D_{k+1} = \theta_0 + a_1 D_k + a_2 D_{k-1} +
//!    \sum_c \sum_{j=0}^{n-1} b_{c,j}\thinspace s^{(c)}\_{k-j} + \varepsilon_{k+1}. $$
//!
//! $\theta$ minimises $\sum_k \varepsilon_{k+1}^2$ over a training trace where the thermal
//! engine gives $D$ (equation error; normal equations by Cholesky with a 1e-12 relative ridge
//! for conditioning). The ring temperature is not measured in operation, so the predictor
//! runs in *simulation* mode, feeding back its own predictions:
//! $\hat D_{k+1} = \theta_0 + a_1 \hat D_k + a_2 \hat D_{k-1} + \sum b\thinspace s$. The
//! autoregressive part must be stable, $|a_2| < 1$ and $|a_1| < 1 - a_2$ (Jury), or the fit is
//! refused. Traces are periodic (one workload period): indices wrap, and the simulation runs
//! three periods from the mean and keeps the last.

use serde::Serialize;

/// Autoregressive order.
const AR_ORDER: usize = 2;

/// An identified predictor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predictor {
    /// Samples per telemetry channel.
    pub taps: usize,
    /// Intercept, the two autoregressive coefficients, then `taps` per channel (on
    /// normalised inputs).
    pub coefficients: Vec<f64>,
    /// Mean and scale of the drift, then of each channel.
    scales: Vec<(f64, f64)>,
}

/// Prediction over a trace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    /// $\hat D_{k+1}$ for each sample $k$, nm.
    pub next_nm: Vec<f64>,
    /// RMS of $D_{k+1} - \hat D_{k+1}$, nm.
    pub rms_error_nm: f64,
    /// Coefficient of determination of the prediction.
    pub r_squared: f64,
}

fn wrap(k: isize, n: usize) -> usize {
    k.rem_euclid(n as isize) as usize
}

fn mean_and_scale(values: &[f64]) -> (f64, f64) {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let spread = values.iter().map(|v| (v - mean).abs()).fold(0.0, f64::max);
    (mean, if spread > 0.0 { spread } else { 1.0 })
}

impl Predictor {
    /// Fits on periodic `channels` (each as long as `drift_nm`) with `taps` samples each.
    ///
    /// # Errors
    /// A message if the trace is shorter than the model, the normal equations are singular
    /// or the identified dynamics are unstable.
    pub fn fit(channels: &[&[f64]], drift_nm: &[f64], taps: usize) -> Result<Predictor, String> {
        let n = drift_nm.len();
        let n_params = 1 + AR_ORDER + channels.len() * taps;
        if taps == 0 || n < 2 * n_params || channels.iter().any(|channel| channel.len() != n) {
            return Err(format!(
                "a predictor with {taps} taps on {} channels needs channels as long as the drift and at least {} samples; got {n}",
                channels.len(),
                2 * n_params
            ));
        }
        let scales: Vec<(f64, f64)> = std::iter::once(mean_and_scale(drift_nm))
            .chain(channels.iter().map(|channel| mean_and_scale(channel)))
            .collect();
        let predictor = Predictor { taps, coefficients: vec![0.0; n_params], scales };
        let (drift_mean, drift_scale) = predictor.scales[0];
        let normalised: Vec<f64> =
            drift_nm.iter().map(|d| (d - drift_mean) / drift_scale).collect();
        let mut normal = vec![0.0; n_params * n_params];
        let mut rhs = vec![0.0; n_params];
        let mut features = vec![0.0; n_params];
        for k in 0..n {
            let history = [normalised[k], normalised[wrap(k as isize - 1, n)]];
            predictor.features(channels, k, history, &mut features);
            let target = normalised[wrap(k as isize + 1, n)];
            for i in 0..n_params {
                rhs[i] += features[i] * target;
                for j in 0..n_params {
                    normal[i * n_params + j] += features[i] * features[j];
                }
            }
        }
        let trace = (0..n_params).map(|i| normal[i * n_params + i]).sum::<f64>();
        for i in 0..n_params {
            normal[i * n_params + i] += 1e-12 * trace;
        }
        let coefficients = cholesky_solve(&mut normal, &rhs, n_params)
            .ok_or_else(|| "the predictor's normal equations are singular".to_string())?;
        let (a1, a2) = (coefficients[1], coefficients[2]);
        if !(a2.abs() < 1.0 && a1.abs() < 1.0 - a2) {
            return Err(format!(
                "the identified drift dynamics are unstable (a1 = {a1:.4}, a2 = {a2:.4}); expected |a2| < 1 and |a1| < 1 - a2"
            ));
        }
        Ok(Predictor { coefficients, ..predictor })
    }

    /// Features at sample `k`: 1, the two (normalised) past drifts, then each channel's taps.
    fn features(&self, channels: &[&[f64]], k: usize, history: [f64; 2], out: &mut [f64]) {
        let n = channels.first().map_or(0, |channel| channel.len());
        out[0] = 1.0;
        out[1] = history[0];
        out[2] = history[1];
        for (c, channel) in channels.iter().enumerate() {
            let (mean, scale) = self.scales[c + 1];
            for j in 0..self.taps {
                out[1 + AR_ORDER + c * self.taps + j] =
                    (channel[wrap(k as isize - j as isize, n)] - mean) / scale;
            }
        }
    }

    /// Predictions in simulation mode over periodic `channels`, scored against `drift_nm`.
    #[must_use]
    pub fn predict(&self, channels: &[&[f64]], drift_nm: &[f64]) -> Prediction {
        let n = drift_nm.len();
        let (drift_mean, drift_scale) = self.scales[0];
        let mut features = vec![0.0; self.coefficients.len()];
        // history[0] = D̂_k, history[1] = D̂_{k-1}, normalised; start at the mean.
        let mut history = [0.0, 0.0];
        let mut next = vec![0.0; n];
        for repeat in 0..3 {
            for (k, slot) in next.iter_mut().enumerate() {
                self.features(channels, k, history, &mut features);
                let predicted: f64 =
                    features.iter().zip(&self.coefficients).map(|(f, c)| f * c).sum();
                history = [predicted, history[0]];
                if repeat == 2 {
                    *slot = drift_mean + drift_scale * predicted;
                }
            }
        }
        let mean = drift_nm.iter().sum::<f64>() / n as f64;
        let (mut error_sq, mut total_sq) = (0.0, 0.0);
        for (k, predicted) in next.iter().enumerate() {
            let actual = drift_nm[wrap(k as isize + 1, n)];
            error_sq += (actual - predicted).powi(2);
            total_sq += (actual - mean).powi(2);
        }
        Prediction {
            next_nm: next,
            rms_error_nm: (error_sq / n as f64).sqrt(),
            r_squared: if total_sq > 0.0 { 1.0 - error_sq / total_sq } else { 1.0 },
        }
    }
}

/// Solves the SPD system `matrix` x = `rhs` in place by Cholesky; `None` if not positive
/// definite.
fn cholesky_solve(matrix: &mut [f64], rhs: &[f64], n: usize) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut diagonal = matrix[j * n + j];
        for k in 0..j {
            diagonal -= matrix[j * n + k] * matrix[j * n + k];
        }
        if diagonal <= 0.0 || !diagonal.is_finite() {
            return None;
        }
        let diagonal = diagonal.sqrt();
        matrix[j * n + j] = diagonal;
        for i in j + 1..n {
            let mut value = matrix[i * n + j];
            for k in 0..j {
                value -= matrix[i * n + k] * matrix[j * n + k];
            }
            matrix[i * n + j] = value / diagonal;
        }
    }
    let mut y = rhs.to_vec();
    for i in 0..n {
        for k in 0..i {
            y[i] -= matrix[i * n + k] * y[k];
        }
        y[i] /= matrix[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            y[i] -= matrix[k * n + i] * y[k];
        }
        y[i] /= matrix[i * n + i];
    }
    Some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_linear_first_order_system_in_simulation_mode() {
        // D_{k+1} = 0.9 D_k + 0.002 p_k + 0.01 s_k - 0.004 s_{k-1} (periodic square-wave p):
        // inside the model class, so the fit is exact to rounding, and the simulated
        // prediction (its own past fed back) reproduces D.
        let n = 400;
        let p: Vec<f64> = (0..n).map(|k| if k < n / 2 { 400.0 } else { 160.0 }).collect();
        let s: Vec<f64> =
            (0..n).map(|k| (2.0 * std::f64::consts::PI * k as f64 / n as f64).sin()).collect();
        // Periodic steady state: iterate the recursion over many periods.
        let mut drift = vec![0.0; n];
        let mut d = 0.0;
        for _ in 0..200 {
            for k in 0..n {
                let previous = (k + n - 1) % n;
                d = 0.9 * d + 0.002 * p[k] + 0.01 * s[k] - 0.004 * s[previous];
                drift[(k + 1) % n] = d;
            }
        }
        let predictor = Predictor::fit(&[&s, &p], &drift, 2).unwrap();
        let prediction = predictor.predict(&[&s, &p], &drift);
        assert!(prediction.rms_error_nm < 1e-8, "{}", prediction.rms_error_nm);
        assert!((prediction.r_squared - 1.0).abs() < 1e-12);
        assert!(Predictor::fit(&[&s[..10], &p[..10]], &drift[..10], 8).is_err());
    }
}
