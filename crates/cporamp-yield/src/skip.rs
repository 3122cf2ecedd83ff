//! Rare independent events over many units, drawn by geometric skips instead of one uniform
//! number per unit.
//!
//! Among units that each have the event with probability $p$, independently, the number of
//! units without it before the next one with it is geometric: $P(k) = (1 - p)^k p$, drawn
//! as $\lfloor \ln U / \ln(1 - p) \rfloor$ for $U$ uniform on $(0, 1]$. Visiting only the
//! units with the event this way has exactly the law of testing every unit, at one uniform
//! and one logarithm per event (plus one) instead of one uniform per unit.

use rand::Rng;

/// Events of probability `p` over `units` units, with what the draws need computed once:
/// $\ln(1 - p)$, and the chance of any event at all, $1 - (1 - p)^n$, so that a group
/// without events (most of them) costs one uniform and no logarithm: the first skip reaches
/// past the last unit exactly when $U \ge 1 - (1 - p)^n$.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Skip {
    units: usize,
    p: f64,
    ln_without: f64,
    any: f64,
}

impl Skip {
    pub(crate) fn new(units: usize, p: f64) -> Skip {
        let ln_without = if p < 1.0 { (-p).ln_1p() } else { f64::NEG_INFINITY };
        let any = if p <= 0.0 { 0.0 } else { -(units as f64 * ln_without).exp_m1() };
        Skip { units, p, ln_without, any }
    }

    /// Calls `each(unit, rng)` for every unit that has the event, in order (`each` may draw
    /// from the same stream).
    pub(crate) fn each<R: Rng>(&self, rng: &mut R, mut each: impl FnMut(usize, &mut R)) {
        if self.p <= 0.0 {
            return;
        }
        if self.p >= 1.0 {
            for unit in 0..self.units {
                each(unit, rng);
            }
            return;
        }
        // The first draw decides whether there is any event without a logarithm; every draw
        // is made where testing unit by unit would make it (before the next skip), so the
        // stream is the same as without that shortcut.
        let mut unit = 0;
        while unit < self.units {
            let u = rng.random::<f64>();
            if unit == 0 && u >= self.any {
                return;
            }
            // Units without the event before the next one; the cast truncates (a floor for
            // these non-negative ratios) and saturates.
            let skip = ((1.0 - u).ln() / self.ln_without) as usize;
            if skip >= self.units - unit {
                return;
            }
            unit += skip;
            each(unit, rng);
            unit += 1;
        }
    }
}

impl Skip {
    /// Failures before `units` successes of trials that each fail with probability `p` < 1
    /// (negative binomial), by the runs of successes between failures (none at all, the
    /// common case, when the first run reaches `units`: the same test as [`Skip::each`]'s).
    pub(crate) fn failures_before(&self, rng: &mut impl Rng) -> u64 {
        if self.p <= 0.0 || self.units == 0 {
            return 0;
        }
        let (mut passed, mut failures) = (0, 0u64);
        loop {
            let u = rng.random::<f64>();
            if failures == 0 && u >= self.any {
                return 0;
            }
            let run = ((1.0 - u).ln() / self.ln_without) as usize;
            if run >= self.units - passed {
                return failures;
            }
            passed += run;
            failures += 1;
        }
    }
}

/// Calls `each(unit, rng)` for every unit of `units` that has an event of probability `p`,
/// in order (`each` may draw from the same stream).
pub(crate) fn each_with<R: Rng>(
    units: usize,
    p: f64,
    rng: &mut R,
    each: impl FnMut(usize, &mut R),
) {
    Skip::new(units, p).each(rng, each);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn events_are_binomial_and_spread_evenly() {
        // 20 000 groups of 64 units at p = 0.01: the count per group has mean 0.64 and
        // variance 64 p (1 - p); each position gets p of the groups.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let (groups, units, p) = (20_000, 64, 0.01);
        let mut counts = vec![0usize; units];
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        for _ in 0..groups {
            let mut count = 0.0;
            each_with(units, p, &mut rng, |unit, _| {
                counts[unit] += 1;
                count += 1.0;
            });
            sum += count;
            sum_sq += count * count;
        }
        let mean = sum / f64::from(groups);
        let variance = sum_sq / f64::from(groups) - mean * mean;
        let expected = units as f64 * p;
        let se = (expected * (1.0 - p) / f64::from(groups)).sqrt();
        assert!((mean - expected).abs() < 4.0 * se, "{mean}");
        assert!((variance / (expected * (1.0 - p)) - 1.0).abs() < 0.05, "{variance}");
        // First and last positions alike (no edge bias): each ~ Binomial(20 000, p).
        let sd = (f64::from(groups) * p).sqrt();
        for unit in [0, units - 1] {
            assert!((counts[unit] as f64 - f64::from(groups) * p).abs() < 4.0 * sd, "{counts:?}");
        }
    }

    #[test]
    fn failures_before_successes_are_negative_binomial() {
        // Mean n p / (1 - p), variance n p / (1 - p)^2, for n = 64, p = 0.1.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let (n, p, draws) = (64, 0.1, 50_000);
        let skip = Skip::new(n, p);
        let samples: Vec<f64> = (0..draws).map(|_| skip.failures_before(&mut rng) as f64).collect();
        let mean = samples.iter().sum::<f64>() / f64::from(draws);
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(draws);
        let expected = n as f64 * p / (1.0 - p);
        let expected_variance = n as f64 * p / (1.0 - p).powi(2);
        assert!((mean - expected).abs() < 4.0 * (expected_variance / f64::from(draws)).sqrt());
        assert!((variance / expected_variance - 1.0).abs() < 0.05, "{variance}");
    }
}
