//! Sampling the priors: Latin hypercube sampling. The [`Prior`]s themselves and the normal
//! quantile live in [`cporamp_core::prior`] (the scenario reads them; this engine samples
//! them); the market section's check holds their parameters' ranges.
//!
//! **Latin hypercube.** For $n$ samples in $k$ dimensions, each dimension $j$ gets an
//! independent random permutation $\pi_j$ of $0..n$ and point $i$ gets
//! $u_{ij} = (\pi_j(i) + v_{ij}) / n$ with $v_{ij} \sim U(0, 1)$: every stratum
//! $[s/n, (s+1)/n)$ of every dimension holds exactly one point.

pub use cporamp_core::prior::{Prior, normal_quantile};
use rand::Rng;

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
