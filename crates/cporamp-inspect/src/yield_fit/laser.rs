//! Weak lasers.
//!
//! A weak chip survives burn-in with probability $S = e^{-\lambda_w t}$, so a shipped laser
//! is weak with $q = f_w S / (1 - f_w(1 - S))$. The weak lasers among the assembled engines'
//! lasers are binomial in $q$ (engine test does not see weakness); $\hat q$ and its profile
//! likelihood interval map to $f_w = q / (S + q(1 - S))$ (monotone). With the scenario's
//! 96 h burn-in $S \approx 5\times 10^{-8}$: no weak laser ships and $f_w$ is not
//! identified (the interval reaches 1; a fit whose interval reaches past 1/2 is reported as not
//! identified).

use super::Estimate;
use super::estimation::binomial_profile;

/// The weak-laser fraction before burn-in from `weak` weak lasers among `lasers` shipped
/// into engines, burn-in survival `survival` of a weak chip (module docs).
#[must_use]
pub fn laser_weak(weak: u64, lasers: u64, survival: f64) -> Option<Estimate> {
    let q = binomial_profile(weak, lasers)?;
    let to_fraction = |q: f64| {
        let denominator = survival + q * (1.0 - survival);
        if denominator > 0.0 { (q / denominator).min(1.0) } else { 1.0 }
    };
    Some(Estimate {
        value: to_fraction(q.value),
        low: to_fraction(q.low),
        high: to_fraction(q.high),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_fraction_undoes_burn_in() {
        // 20 weak of 1000 shipped lasers with half the weak chips surviving burn-in:
        // f = q / (S + q (1 - S)) = 0.02 / (0.5 + 0.01) = 0.0392.
        let fit = laser_weak(20, 1000, 0.5).unwrap();
        assert!((fit.value - 0.02 / 0.51).abs() < 1e-12, "{fit:?}");
        assert!(fit.low < fit.value && fit.value < fit.high);
    }
}
