//! Variance-based sensitivity: Sobol indices by Saltelli's 2010 design.
//!
//! Two independent Latin hypercubes $A$ and $B$ ($N \times k$, mapped through the priors)
//! and, per input $i$, $A_B^{(i)}$: $A$ with column $i$ taken from $B$. With $f_A$, $f_B$,
//! $f_{AB_i}$ the model on their rows and $V$ the variance of $f_A \cup f_B$:
//!
//! - first order (Saltelli et al. 2010, eq. (b)):
//!   $S_i = \frac{1}{N V}\sum_j (f_B^{(j)} - \bar f) \big(f_{AB_i}^{(j)} - f_A^{(j)}\big)$,
//!   with $f_B$ centred on the mean $\bar f$ of $f_A \cup f_B$ (the same expectation; without
//!   it the estimator's variance grows with $\bar f^2$, ruinous for a year near 2030);
//! - total (Jansen 1999): $S_{T,i} = \frac{1}{2 N V}\sum_j \big(f_A^{(j)} -
//!   f_{AB_i}^{(j)}\big)^2$.
//!
//! The model runs $N (k + 2)$ times. Confidence intervals: `bootstrap` resamples of the $N$
//! rows (with replacement, seeded ChaCha8), 95 % percentile intervals and the bootstrap
//! standard deviation as standard error. With $V = 0$ every index is 0.
//!
//! An index is a fraction of the variance, in \[0, 1\] by definition; the estimators are
//! not (a first-order estimate of an inert input scatters around 0, a total one of a
//! dominant input around 1). The reported index and its interval are the estimate and the
//! percentile interval projected onto \[0, 1\] (an interval ending outside it ends at its
//! edge); the unprojected estimates are kept as `first_raw` and `total_raw`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::prior::{Prior, latin_hypercube};
use crate::{MarketError, quantile_sorted};

/// First-order and total Sobol indices of one input, with bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndex<I = String> {
    /// The input.
    pub input: I,
    /// First-order index $S_i$, on \[0, 1\].
    pub first: f64,
    /// The first-order estimate before projection onto \[0, 1\].
    pub first_raw: f64,
    /// 95 % bootstrap percentile interval of $S_i$.
    pub first_ci: [f64; 2],
    /// Bootstrap standard error of $S_i$.
    pub first_se: f64,
    /// Total index $S_{T,i}$, on \[0, 1\].
    pub total: f64,
    /// The total estimate before projection onto \[0, 1\].
    pub total_raw: f64,
    /// 95 % bootstrap percentile interval of $S_{T,i}$.
    pub total_ci: [f64; 2],
    /// Bootstrap standard error of $S_{T,i}$.
    pub total_se: f64,
}

/// Estimates from rows `rows` of the evaluated design: (first, total) per input.
fn estimate(values: &[f64], n: usize, k: usize, rows: &[usize]) -> Vec<(f64, f64)> {
    let fa = &values[..n];
    let fb = &values[n..2 * n];
    let m = rows.len() as f64;
    let mean = rows.iter().map(|&r| fa[r] + fb[r]).sum::<f64>() / (2.0 * m);
    let variance =
        rows.iter().map(|&r| (fa[r] - mean).powi(2) + (fb[r] - mean).powi(2)).sum::<f64>()
            / (2.0 * m - 1.0).max(1.0);
    (0..k)
        .map(|i| {
            if variance <= 0.0 {
                return (0.0, 0.0);
            }
            let fab = &values[(2 + i) * n..(3 + i) * n];
            let first = rows.iter().map(|&r| (fb[r] - mean) * (fab[r] - fa[r])).sum::<f64>() / m;
            let total = rows.iter().map(|&r| (fa[r] - fab[r]).powi(2)).sum::<f64>() / (2.0 * m);
            (first / variance, total / variance)
        })
        .collect()
}

/// Saltelli design, evaluation on `threads` threads (the result does not depend on them),
/// estimates and bootstrap, for one output.
pub(crate) fn saltelli<I: Clone, F>(
    f: F,
    priors: &[Prior],
    names: &[I],
    n: usize,
    bootstrap: usize,
    seed: u64,
    threads: usize,
) -> Result<Vec<SobolIndex<I>>, MarketError>
where
    F: Fn(&[f64]) -> Result<f64, MarketError> + Sync,
{
    let [output] =
        saltelli_outputs(|x| f(x).map(|y| [y]), priors, names, n, bootstrap, seed, threads)?;
    Ok(output.indices)
}

/// One output's variance apportioned: its mean and standard deviation over the design's
/// $A$ and $B$ rows, and the indices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Apportioned<I> {
    pub mean: f64,
    pub sd: f64,
    pub indices: Vec<SobolIndex<I>>,
}

/// [`saltelli`] for `M` outputs of the same model on one design (the model runs once per
/// design point): indices per output, each with its own bootstrap (same resampled rows).
pub(crate) fn saltelli_outputs<const M: usize, I: Clone, F>(
    f: F,
    priors: &[Prior],
    names: &[I],
    n: usize,
    bootstrap: usize,
    seed: u64,
    threads: usize,
) -> Result<[Apportioned<I>; M], MarketError>
where
    F: Fn(&[f64]) -> Result<[f64; M], MarketError> + Sync,
{
    let k = priors.len();
    let mut rng_a = ChaCha8Rng::seed_from_u64(seed);
    let mut rng_b = ChaCha8Rng::seed_from_u64(seed);
    rng_b.set_stream(1);
    let map = |u: Vec<f64>| -> Vec<f64> {
        u.iter().enumerate().map(|(index, &x)| priors[index % k].quantile(x)).collect()
    };
    let a = map(latin_hypercube(n, k, &mut rng_a));
    let b = map(latin_hypercube(n, k, &mut rng_b));
    let total_points = n * (k + 2);
    let point = |index: usize, buffer: &mut Vec<f64>| {
        let block = index / n;
        let row = index % n;
        buffer.clear();
        match block {
            0 => buffer.extend_from_slice(&a[row * k..(row + 1) * k]),
            1 => buffer.extend_from_slice(&b[row * k..(row + 1) * k]),
            _ => {
                buffer.extend_from_slice(&a[row * k..(row + 1) * k]);
                let i = block - 2;
                buffer[i] = b[row * k + i];
            }
        }
    };
    let mut values = vec![[0.0; M]; total_points];
    let threads = threads.clamp(1, total_points.max(1));
    let chunk = total_points.div_ceil(threads).max(1);
    let results: Vec<Result<(), MarketError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = values
            .chunks_mut(chunk)
            .enumerate()
            .map(|(c, slots)| {
                let f = &f;
                let point = &point;
                scope.spawn(move || {
                    let mut buffer = Vec::with_capacity(k);
                    for (offset, slot) in slots.iter_mut().enumerate() {
                        point(c * chunk + offset, &mut buffer);
                        *slot = f(&buffer)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    for result in results {
        result?;
    }
    // The bootstrap's resampled rows, shared by every output.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(2);
    let resamples: Vec<Vec<usize>> =
        (0..bootstrap).map(|_| (0..n).map(|_| rng.random_range(0..n)).collect()).collect();
    Ok(std::array::from_fn(|output| {
        let values: Vec<f64> = values.iter().map(|point| point[output]).collect();
        let rows = &values[..2 * n];
        let mean = rows.iter().sum::<f64>() / rows.len() as f64;
        let sd = (rows.iter().map(|y| (y - mean).powi(2)).sum::<f64>()
            / (rows.len() as f64 - 1.0).max(1.0))
        .sqrt();
        Apportioned { mean, sd, indices: indices_of(&values, n, k, names, &resamples) }
    }))
}

/// Point estimates, bootstrap intervals and standard errors from one output's values on the
/// design.
fn indices_of<I: Clone>(
    values: &[f64],
    n: usize,
    k: usize,
    names: &[I],
    resamples: &[Vec<usize>],
) -> Vec<SobolIndex<I>> {
    let all: Vec<usize> = (0..n).collect();
    let point_estimates = estimate(values, n, k, &all);
    let mut firsts = vec![Vec::with_capacity(resamples.len()); k];
    let mut totals = vec![Vec::with_capacity(resamples.len()); k];
    for rows in resamples {
        for (i, (first, total)) in estimate(values, n, k, rows).into_iter().enumerate() {
            firsts[i].push(first);
            totals[i].push(total);
        }
    }
    let summary = |draws: &mut Vec<f64>, point: f64| -> ([f64; 2], f64) {
        if draws.is_empty() {
            return ([point.clamp(0.0, 1.0), point.clamp(0.0, 1.0)], 0.0);
        }
        draws.sort_by(f64::total_cmp);
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        let se = (draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
            / (draws.len() as f64 - 1.0).max(1.0))
        .sqrt();
        let unit = |x: f64| x.clamp(0.0, 1.0);
        ([unit(quantile_sorted(draws, 0.025)), unit(quantile_sorted(draws, 0.975))], se)
    };
    point_estimates
        .into_iter()
        .enumerate()
        .map(|(i, (first, total))| {
            let (first_ci, first_se) = summary(&mut firsts[i], first);
            let (total_ci, total_se) = summary(&mut totals[i], total);
            SobolIndex {
                input: names[i].clone(),
                first: first.clamp(0.0, 1.0),
                first_raw: first,
                first_ci,
                first_se,
                total: total.clamp(0.0, 1.0),
                total_raw: total,
                total_ci,
                total_se,
            }
        })
        .collect()
}
