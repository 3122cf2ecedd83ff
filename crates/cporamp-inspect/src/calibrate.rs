//! Calibration of the yield engine's parameters from test data by maximum likelihood.
//!
//! # Laser dead probability
//! An engine of $n$ on-engine lasers (each feeding `lanes_per_laser` consecutive lanes) has
//! $k \sim \mathrm{Binomial}(n, p)$ dead lasers. Engine test rejects (and replaces) an
//! engine with a failed lane with probability $c_m$ per mechanism present ($c_L$ for lasers),
//! so with no spare lanes the engines that reach assembly follow
//! $P(k) = \binom{n}{k} p^k (1-p)^{n-k}\thinspace w_k / Z(p)$, $w_0 = 1$, $w_{k>0} = 1 - c_L$,
//! $Z(p) = (1-p)^n + (1 - (1-p)^n)(1 - c_L)$ (the other mechanisms' factors are the same for
//! every $k$ and cancel). The log-likelihood of the assembled engines' counts,
//! $\ell(p) = \sum_e [k_e \ln p + (n - k_e)\ln(1-p)] - E \ln Z(p)$, is maximised over
//! $p$ (golden section in $\ln p$), and the 95 % interval is the profile-likelihood one:
//! the $p$ with $2(\ell(\hat p) - \ell(p)) \le \chi^2_{1,0.95} = 3.841$. With $c_L = 1$
//! no assembled engine has a dead laser and $p$ cannot be identified (`None`).

use serde::Serialize;

/// $\chi^2_1$ at 95 %.
const CHI2_95: f64 = 3.841_458_820_694_124;

/// The fitted laser dead probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LaserDeadFit {
    /// Engines counted.
    pub engines: u64,
    /// Lasers per engine.
    pub lasers_per_engine: u64,
    /// Dead lasers seen.
    pub dead_lasers: u64,
    /// Engine-test coverage of laser failures used.
    pub engine_test_coverage: f64,
    /// The maximum-likelihood probability that a laser is dead.
    pub probability: f64,
    /// Lower end of its 95 % profile-likelihood interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The fit from `dead[e]`, the dead lasers of each assembled engine of `lasers` lasers, with
/// engine-test laser coverage `coverage` (module docs); `None` without engines, with
/// `coverage` not in [0, 1) or with no lasers.
#[must_use]
pub fn laser_dead(dead: &[u64], lasers: u64, coverage: f64) -> Option<LaserDeadFit> {
    if dead.is_empty() || lasers == 0 || !(0.0..1.0).contains(&coverage) {
        return None;
    }
    let engines = dead.len() as f64;
    let total: u64 = dead.iter().sum();
    let k = total as f64;
    let n = lasers as f64;
    let log_likelihood = |p: f64| {
        let none = (n * (1.0 - p).ln()).exp();
        let z = none + (1.0 - none) * (1.0 - coverage);
        let dead_term = if total == 0 { 0.0 } else { k * p.ln() };
        dead_term + (engines * n - k) * (1.0 - p).ln() - engines * z.ln()
    };
    // Golden section on ln p over [1e-12, 0.5].
    let (mut a, mut b) = (1e-12_f64.ln(), 0.5_f64.ln());
    let ratio = (5.0_f64.sqrt() - 1.0) / 2.0;
    let f = |x: f64| log_likelihood(x.exp());
    for _ in 0..200 {
        let c = b - ratio * (b - a);
        let d = a + ratio * (b - a);
        if f(c) > f(d) {
            b = d;
        } else {
            a = c;
        }
    }
    let best = ((a + b) / 2.0).exp();
    let peak = log_likelihood(best);
    let inside = |p: f64| 2.0 * (peak - log_likelihood(p)) <= CHI2_95;
    // Bisection between the peak and each end for the interval's edges.
    let edge = |mut inner: f64, mut outer: f64| {
        if inside(outer) {
            return outer;
        }
        for _ in 0..200 {
            let middle = ((inner.ln() + outer.ln()) / 2.0).exp();
            if inside(middle) {
                inner = middle;
            } else {
                outer = middle;
            }
        }
        inner
    };
    let low = if total == 0 { 0.0 } else { edge(best, 1e-15) };
    let high = edge(best, 0.999_999);
    Some(LaserDeadFit {
        engines: dead.len() as u64,
        lasers_per_engine: lasers,
        dead_lasers: total,
        engine_test_coverage: coverage,
        probability: if total == 0 { 0.0 } else { best },
        low,
        high,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_engine_test_the_fit_is_the_binomial_proportion() {
        // No selection (coverage 0): the MLE is dead / (engines x lasers) = 30 / 4000.
        let mut dead = vec![0; 1000];
        for slot in dead.iter_mut().take(30) {
            *slot = 1;
        }
        let fit = laser_dead(&dead, 4, 0.0).unwrap();
        assert!((fit.probability - 0.0075).abs() < 1e-9, "{fit:?}");
        // Profile interval of a binomial 30/4000: about [0.0051, 0.0106] (Wilson gives
        // [0.0053, 0.0107]).
        assert!((fit.low - 0.0051).abs() < 3e-4 && (fit.high - 0.0106).abs() < 3e-4, "{fit:?}");
    }

    #[test]
    fn engine_test_selection_raises_the_estimate() {
        // Half the engines with a dead laser are caught: the same counts mean more dead
        // lasers before the test.
        let mut dead = vec![0; 1000];
        for slot in dead.iter_mut().take(30) {
            *slot = 1;
        }
        let open = laser_dead(&dead, 4, 0.0).unwrap();
        let tested = laser_dead(&dead, 4, 0.5).unwrap();
        assert!(tested.probability > 1.9 * open.probability, "{tested:?} vs {open:?}");
        assert!(laser_dead(&dead, 4, 1.0).is_none());
    }
}
