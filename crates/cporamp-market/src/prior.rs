//! Sampling the priors: the check of a prior's parameters and Latin hypercube sampling. The
//! [`Prior`]s themselves and the normal quantile live in [`cporamp_core::prior`] (the scenario
//! reads them; this engine samples them).
//!
//! **Latin hypercube.** For $n$ samples in $k$ dimensions, each dimension $j$ gets an
//! independent random permutation $\pi_j$ of $0..n$ and point $i$ gets
//! $u_{ij} = (\pi_j(i) + v_{ij}) / n$ with $v_{ij} \sim U(0, 1)$: every stratum
//! $[s/n, (s+1)/n)$ of every dimension holds exactly one point.

pub use cporamp_core::prior::{Prior, normal_quantile};
use rand::Rng;

use crate::MarketError;

/// Checks a prior's parameters; `name` prefixes the field in the error (`name.sd`, ...).
///
/// # Errors
/// [`MarketError::Invalid`] naming the parameter out of range.
pub fn check(prior: &Prior, name: &str) -> Result<(), MarketError> {
    let bad = |field: &str, value: f64, expected: &str| {
        Err(MarketError::invalid(format!("{name}.{field}"), value, expected))
    };
    match *prior {
        Prior::Normal { mean, sd } => {
            if !mean.is_finite() {
                return bad("mean", mean, "a finite number");
            }
            if !(sd.is_finite() && sd >= 0.0) {
                return bad("sd", sd, "a finite standard deviation >= 0");
            }
        }
        Prior::LogNormal { median, sigma } => {
            if !(median.is_finite() && median > 0.0) {
                return bad("median", median, "a finite median > 0");
            }
            if !(sigma.is_finite() && sigma >= 0.0) {
                return bad("sigma", sigma, "a finite log standard deviation >= 0");
            }
        }
        Prior::Uniform { low, high } => {
            if !low.is_finite() {
                return bad("low", low, "a finite number");
            }
            if !(high.is_finite() && high >= low) {
                return bad("high", high, "a finite number >= low");
            }
        }
        Prior::Triangular { low, mode, high } => {
            if !low.is_finite() {
                return bad("low", low, "a finite number");
            }
            if !(high.is_finite() && high >= low) {
                return bad("high", high, "a finite number >= low");
            }
            if !(mode >= low && mode <= high) {
                return bad("mode", mode, "a mode in [low, high]");
            }
        }
    }
    Ok(())
}

/// A Latin hypercube of `n` points in `k` dimensions, row-major (`u[i * k + j]`).
pub fn latin_hypercube(n: usize, k: usize, rng: &mut impl Rng) -> Vec<f64> {
    let mut u = vec![0.0; n * k];
    let mut permutation: Vec<usize> = (0..n).collect();
    for j in 0..k {
        // Fisher-Yates.
        for i in (1..n).rev() {
            let other = rng.random_range(0..=i);
            permutation.swap(i, other);
        }
        for (i, &stratum) in permutation.iter().enumerate() {
            let jitter: f64 = rng.random();
            u[i * k + j] = (stratum as f64 + jitter) / n as f64;
        }
    }
    u
}

/// [`latin_hypercube`] with the permutations and jitters from ChaCha8 seeded by `seed`: a
/// design for callers without a random stream of their own.
pub fn seeded_latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<f64> {
    use rand::SeedableRng;
    latin_hypercube(n, k, &mut rand_chacha::ChaCha8Rng::seed_from_u64(seed))
}
