//! Small statistics the analytics need: running moments, the Wilson binomial interval,
//! process capability with Bissell's interval, one-way random-effects ANOVA and weighted
//! least squares of a line.
//!
//! # Wilson interval
//! For $x$ successes in $n$ trials and $z = \Phi^{-1}(0.975)$:
//! $\tilde p = (x + z^2/2)/(n + z^2)$, half-width $\frac{z}{n + z^2}\sqrt{x(n-x)/n + z^2/4}$
//! (Wilson 1927). Unlike the Wald interval it stays inside [0, 1] and keeps near its nominal
//! coverage for small $n$ and $p$ near 0 or 1, which is where lot yields live.
//!
//! # Capability
//! $C_{pk} = \min(\mathrm{USL} - \bar x, \bar x - \mathrm{LSL}) / 3\sigma_w$ with the
//! within-subgroup (pooled) standard deviation $\sigma_w$; $P_{pk}$ is the same with the
//! overall standard deviation. A one-sided limit gives the one-sided index. The 95 %
//! interval is **Bissell's approximation** (Bissell 1990, "How reliable is your capability
//! index?", Applied Statistics 39, 331-340): $\hat C \pm z\sqrt{1/(9n) + \hat C^2/(2(n-1))}$,
//! $n$ the observations the index is estimated from; it assumes normal, independent data.
//!
//! # Variance components
//! One-way random-effects ANOVA of units grouped by $k$ groups ($N$ units in all, $n_i$ per
//! group): $\mathrm{MSB} = \sum n_i(\bar x_i - \bar x)^2/(k-1)$,
//! $\mathrm{MSW} = \sum\sum (x_{ij} - \bar x_i)^2/(N-k)$,
//! $n_0 = (N - \sum n_i^2/N)/(k-1)$; $\hat\sigma^2_\text{between} =
//! \max(0, (\mathrm{MSB} - \mathrm{MSW})/n_0)$ and $\hat\sigma^2_\text{within} = \mathrm{MSW}$
//! (the method of moments; truncated at 0).

use serde::Serialize;

/// $\Phi^{-1}(0.975)$: every interval here is a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Count, mean and sum of squared deviations, updated one value at a time (Welford).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    /// Values seen.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Moments {
    /// Adds a value.
    pub fn push(&mut self, value: f64) {
        if self.count == 0 {
            self.min = value;
            self.max = value;
        } else {
            self.min = self.min.min(value);
            self.max = self.max.max(value);
        }
        self.count += 1;
        let delta = value - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (value - self.mean);
    }

    /// Sample variance ($n - 1$ denominator); 0 with fewer than two values.
    #[must_use]
    pub fn variance(&self) -> f64 {
        if self.count < 2 { 0.0 } else { self.m2 / (self.count - 1) as f64 }
    }

    /// Sample standard deviation.
    #[must_use]
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }
}

/// A proportion with its 95 % Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// Successes.
    pub count: u64,
    /// Trials.
    pub total: u64,
    /// `count / total` (0 when there are no trials).
    pub value: f64,
    /// Lower end of the 95 % Wilson interval.
    pub low: f64,
    /// Upper end of the 95 % Wilson interval.
    pub high: f64,
}

/// The proportion `count / total` with its 95 % Wilson score interval (module docs); with no
/// trials the interval is [0, 1].
#[must_use]
pub fn wilson(count: u64, total: u64) -> Proportion {
    if total == 0 {
        return Proportion { count, total, value: 0.0, low: 0.0, high: 1.0 };
    }
    let (x, n, z2) = (count as f64, total as f64, Z95 * Z95);
    let centre = (x + z2 / 2.0) / (n + z2);
    let half = Z95 / (n + z2) * (x * (n - x) / n + z2 / 4.0).sqrt();
    Proportion {
        count,
        total,
        value: x / n,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// Specification limits of one parameter (either may be absent: a one-sided limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SpecLimits {
    /// Lower specification limit, in the parameter's unit.
    pub lower: Option<f64>,
    /// Upper specification limit, in the parameter's unit.
    pub upper: Option<f64>,
}

/// A capability index with its 95 % interval (Bissell's approximation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Capability {
    /// The index.
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub low: f64,
    /// Upper end of the 95 % interval.
    pub high: f64,
    /// Standard error by Bissell's approximation.
    pub se: f64,
}

/// $C = \min(\mathrm{USL} - \mu, \mu - \mathrm{LSL}) / 3\sigma$ with Bissell's 95 % interval for
/// an estimate from `n` observations; `None` without a limit, with `sigma` not > 0 or with
/// fewer than two observations.
#[must_use]
pub fn capability(mean: f64, sigma: f64, n: u64, limits: SpecLimits) -> Option<Capability> {
    if !(sigma > 0.0 && sigma.is_finite()) || n < 2 {
        return None;
    }
    let upper = limits.upper.map(|usl| (usl - mean) / (3.0 * sigma));
    let lower = limits.lower.map(|lsl| (mean - lsl) / (3.0 * sigma));
    let value = match (upper, lower) {
        (Some(u), Some(l)) => u.min(l),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => return None,
    };
    let n = n as f64;
    let se = (1.0 / (9.0 * n) + value * value / (2.0 * (n - 1.0))).sqrt();
    Some(Capability { value, low: value - Z95 * se, high: value + Z95 * se, se })
}

/// One-way random-effects variance components.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VarianceComponents {
    /// Groups.
    pub groups: usize,
    /// Units in all.
    pub units: u64,
    /// Between-group mean square.
    pub ms_between: f64,
    /// Within-group mean square.
    pub ms_within: f64,
    /// Between-group variance component (method of moments, truncated at 0).
    pub between_variance: f64,
    /// Within-group variance component.
    pub within_variance: f64,
    /// Share of the total variance between groups.
    pub between_share: f64,
    /// `ms_between / ms_within` (F with `groups - 1` and `units - groups` degrees of freedom).
    pub f_ratio: f64,
}

/// Variance components from each group's moments (module docs); `None` with fewer than two
/// groups or no within-group degrees of freedom.
#[must_use]
pub fn variance_components(groups: &[Moments]) -> Option<VarianceComponents> {
    let groups: Vec<&Moments> = groups.iter().filter(|g| g.count > 0).collect();
    let k = groups.len();
    let units: u64 = groups.iter().map(|g| g.count).sum();
    if k < 2 || units <= k as u64 {
        return None;
    }
    let n = units as f64;
    let grand = groups.iter().map(|g| g.mean * g.count as f64).sum::<f64>() / n;
    let ssb: f64 = groups.iter().map(|g| g.count as f64 * (g.mean - grand).powi(2)).sum();
    let ssw: f64 = groups.iter().map(|g| g.m2).sum();
    let ms_between = ssb / (k - 1) as f64;
    let ms_within = ssw / (n - k as f64);
    let n0 =
        (n - groups.iter().map(|g| (g.count as f64).powi(2)).sum::<f64>() / n) / (k - 1) as f64;
    let between_variance = ((ms_between - ms_within) / n0).max(0.0);
    let total = between_variance + ms_within;
    Some(VarianceComponents {
        groups: k,
        units,
        ms_between,
        ms_within,
        between_variance,
        within_variance: ms_within,
        between_share: if total > 0.0 { between_variance / total } else { 0.0 },
        f_ratio: if ms_within > 0.0 { ms_between / ms_within } else { f64::INFINITY },
    })
}

/// The weighted least-squares line $y = a + bx$ through `(x, y, weight)` points; `None` with
/// fewer than two distinct `x`.
#[must_use]
pub fn weighted_line(points: &[(f64, f64, f64)]) -> Option<(f64, f64)> {
    let w: f64 = points.iter().map(|p| p.2).sum();
    if w <= 0.0 {
        return None;
    }
    let mx = points.iter().map(|p| p.2 * p.0).sum::<f64>() / w;
    let my = points.iter().map(|p| p.2 * p.1).sum::<f64>() / w;
    let sxx: f64 = points.iter().map(|p| p.2 * (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| p.2 * (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 1e-12 * w {
        return None;
    }
    let slope = sxy / sxx;
    Some((my - slope * mx, slope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_the_hand_computed_value() {
        // 8 of 10 at z = 1.959964: centre (8 + 1.920729)/(10 + 3.841459) = 0.716741,
        // half-width 1.959964/13.841459 * sqrt(1.6 + 0.960365) = 0.226578, so
        // [0.490162, 0.943318] (the familiar published 0.49-0.94 for 8/10).
        let p = wilson(8, 10);
        assert!((p.low - 0.490_162_471_5).abs() < 1e-9, "{p:?}");
        assert!((p.high - 0.943_317_848_5).abs() < 1e-9, "{p:?}");
        assert!((p.value - 0.8).abs() < 1e-15);
        // 0 of 20: the interval starts at 0 and ends at z²/(n + z²) = 0.161125.
        let p = wilson(0, 20);
        assert!(p.low.abs() < 1e-12 && (p.high - 0.161_125_158).abs() < 1e-8, "{p:?}");
    }

    #[test]
    fn moments_match_the_two_pass_formulas() {
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let mut m = Moments::default();
        values.iter().for_each(|&v| m.push(v));
        // Mean 5, squared deviations 32, sample variance 32/7.
        assert!((m.mean - 5.0).abs() < 1e-15);
        assert!((m.variance() - 32.0 / 7.0).abs() < 1e-12);
        assert!((m.min - 2.0).abs() < 1e-15 && (m.max - 9.0).abs() < 1e-15);
    }

    #[test]
    fn variance_components_of_a_balanced_design_by_hand() {
        // Groups {1,3}, {5,7}, {9,11}: group means 2, 6, 10 (grand 6), MSB = 2*(16+0+16)/2 = 32,
        // MSW = (2+2+2)/3 = 2, n0 = 2: between (32 - 2)/2 = 15, within 2.
        let groups: Vec<Moments> = [[1.0, 3.0], [5.0, 7.0], [9.0, 11.0]]
            .iter()
            .map(|values| {
                let mut m = Moments::default();
                values.iter().for_each(|&v| m.push(v));
                m
            })
            .collect();
        let v = variance_components(&groups).unwrap();
        assert!((v.ms_between - 32.0).abs() < 1e-12 && (v.ms_within - 2.0).abs() < 1e-12);
        assert!((v.between_variance - 15.0).abs() < 1e-12);
        assert!((v.between_share - 15.0 / 17.0).abs() < 1e-12);
        assert!((v.f_ratio - 16.0).abs() < 1e-12);
    }

    #[test]
    fn one_sided_capability_and_bissell_se() {
        // Mean 0.4, sigma 0.1, USL 1.0: Cpk = 0.6/0.3 = 2; n = 101:
        // SE = sqrt(1/909 + 4/200) = 0.145297.
        let c = capability(0.4, 0.1, 101, SpecLimits { lower: None, upper: Some(1.0) }).unwrap();
        assert!((c.value - 2.0).abs() < 1e-12);
        assert!((c.se - (1.0 / 909.0 + 0.02_f64).sqrt()).abs() < 1e-12);
        assert!((c.low - (2.0 - Z95 * c.se)).abs() < 1e-12);
        assert!(capability(0.4, 0.1, 101, SpecLimits::default()).is_none());
    }

    #[test]
    fn weighted_line_through_exact_points() {
        let line = weighted_line(&[(0.0, 1.0, 1.0), (1.0, 3.0, 2.0), (2.0, 5.0, 5.0)]).unwrap();
        assert!((line.0 - 1.0).abs() < 1e-12 && (line.1 - 2.0).abs() < 1e-12);
        assert!(weighted_line(&[(1.0, 1.0, 1.0), (1.0, 2.0, 1.0)]).is_none());
    }
}
