//! Statistical process control: Western Electric rules, individuals, X̄–R and EWMA charts.
//!
//! # Western Electric rules
//! On a chart with centre line $c$ and the plotted statistic's standard deviation $\sigma$,
//! point $i$ breaks
//! 1. rule 1 when it lies beyond $c \pm 3\sigma$;
//! 2. rule 2 when it lies beyond $2\sigma$ and so do at least two of the three points ending
//!    at it, on the same side;
//! 3. rule 3 when it lies beyond $1\sigma$ and so do at least four of the five points ending
//!    at it, on the same side;
//! 4. rule 4 when it and the seven points before it lie on the same side of $c$ (a point
//!    exactly on $c$ breaks the run).
//!
//! Each rule flags the point that completes its pattern, so a run of nine points on one side
//! flags rule 4 twice (the eighth and the ninth).
//!
//! # Charts
//! *Individuals*: the points themselves, $c = \bar x$, $\sigma = \overline{MR}/d_2(2)$
//! from the moving ranges of consecutive points. *X̄–R*: subgroup means and ranges of the
//! subgroups of the most common size $n$, $c = \bar{\bar x}$, $\sigma_{\bar x} =
//! \bar R/(d_2(n)\sqrt n)$; the range chart has $c = \bar R$ and limits
//! $\max(0, 1 - 3 d_3/d_2)\bar R$ and $(1 + 3 d_3/d_2)\bar R$ (rule 1 only). *EWMA*:
//! $z_i = \lambda x_i + (1 - \lambda) z_{i-1}$, $z_0 = c$, limits
//! $c \pm L\sigma\sqrt{\lambda/(2-\lambda)\thinspace(1 - (1-\lambda)^{2i})}$ with $\lambda = 0.2$,
//! $L = 3$ (Montgomery, *Introduction to Statistical Quality Control*, §9.2), on the
//! individuals' $c$ and $\sigma$.
//!
//! $d_2(n) = E[R/\sigma]$ and $d_3(n) = \mathrm{sd}[R/\sigma]$ for normal samples are
//! computed by quadrature for any $n$: $d_2 = \int 1 - \Phi(x)^n - (1 - \Phi(x))^n\thinspace dx$ and
//! $E[R^2] = 2\iint_{x<y} 1 - \Phi(y)^n - (1-\Phi(x))^n + (\Phi(y) - \Phi(x))^n\thinspace dx\thinspace dy$.

use cporamp_core::math::normal_cdf;
use serde::Serialize;

/// EWMA weight $\lambda$.
pub const EWMA_LAMBDA: f64 = 0.2;
/// EWMA limit width $L$, in sigmas.
pub const EWMA_L: f64 = 3.0;

/// One broken rule at one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleBreak {
    /// Western Electric rule 1 to 4 (EWMA and range charts: 1, beyond the limits).
    pub rule: u8,
    /// The point (0-based) that completed the pattern.
    pub point: usize,
}

/// The Western Electric rules 1-4 (module docs) on `values` about `centre` with the plotted
/// statistic's standard deviation `sigma`, in point order.
#[must_use]
pub fn western_electric(values: &[f64], centre: f64, sigma: f64) -> Vec<RuleBreak> {
    let mut breaks = Vec::new();
    if !(sigma > 0.0 && sigma.is_finite()) {
        return breaks;
    }
    // Signed distance in sigmas.
    let z: Vec<f64> = values.iter().map(|v| (v - centre) / sigma).collect();
    let side = |value: f64| {
        if value > 0.0 {
            1
        } else if value < 0.0 {
            -1
        } else {
            0
        }
    };
    for i in 0..z.len() {
        let s = side(z[i]);
        if z[i].abs() > 3.0 {
            breaks.push(RuleBreak { rule: 1, point: i });
        }
        let beyond = |window: usize, k: f64| {
            let start = (i + 1).saturating_sub(window);
            z[start..=i].iter().filter(|&&v| side(v) == s && v.abs() > k).count()
        };
        if s != 0 && i >= 2 && z[i].abs() > 2.0 && beyond(3, 2.0) >= 2 {
            breaks.push(RuleBreak { rule: 2, point: i });
        }
        if s != 0 && i >= 4 && z[i].abs() > 1.0 && beyond(5, 1.0) >= 4 {
            breaks.push(RuleBreak { rule: 3, point: i });
        }
        if s != 0 && i >= 7 && z[i - 7..=i].iter().all(|&v| side(v) == s) {
            breaks.push(RuleBreak { rule: 4, point: i });
        }
    }
    breaks
}

/// Points outside `[low[i], high[i]]`, flagged as rule 1.
fn outside(
    values: &[f64],
    low: impl Fn(usize) -> f64,
    high: impl Fn(usize) -> f64,
) -> Vec<RuleBreak> {
    values
        .iter()
        .enumerate()
        .filter(|&(i, &v)| v < low(i) || v > high(i))
        .map(|(point, _)| RuleBreak { rule: 1, point })
        .collect()
}

/// $d_2(n)$ and $d_3(n)$ of the range of `n` >= 2 normal values (module docs).
#[must_use]
pub fn range_constants(n: usize) -> (f64, f64) {
    const STEP: f64 = 0.02;
    const HALF: f64 = 8.0;
    let points = (2.0 * HALF / STEP) as usize + 1;
    let x: Vec<f64> = (0..points).map(|i| -HALF + i as f64 * STEP).collect();
    let phi: Vec<f64> = x.iter().map(|&v| normal_cdf(v)).collect();
    let n_i = i32::try_from(n).unwrap_or(i32::MAX);
    let d2: f64 = phi.iter().map(|&p| 1.0 - p.powi(n_i) - (1.0 - p).powi(n_i)).sum::<f64>() * STEP;
    let mut second = 0.0;
    for (j, &py) in phi.iter().enumerate() {
        let upper = py.powi(n_i);
        // Trapezoid in x over x <= y (half weight at both ends, the diagonal included).
        for (i, &px) in phi[..=j].iter().enumerate() {
            let weight = if i == 0 || i == j { 0.5 } else { 1.0 };
            second += weight * (1.0 - upper - (1.0 - px).powi(n_i) + (py - px).powi(n_i));
        }
    }
    let second = 2.0 * second * STEP * STEP;
    (d2, (second - d2 * d2).max(0.0).sqrt())
}

/// A control chart and the rules its points broke.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// `individuals`, `xbar`, `range` or `ewma`.
    pub kind: &'static str,
    /// Points on the chart.
    pub points: usize,
    /// Subgroup size of an X̄ or R chart (1 otherwise).
    pub subgroup_size: usize,
    /// Centre line.
    pub centre: f64,
    /// Standard deviation of the plotted statistic (EWMA: of the individuals).
    pub sigma: f64,
    /// Lower control limit (EWMA: the asymptotic limit).
    pub lcl: f64,
    /// Upper control limit (EWMA: the asymptotic limit).
    pub ucl: f64,
    /// Points flagged per rule 1-4.
    pub breaks_per_rule: [usize; 4],
    /// Every flagged point, in point order.
    pub breaks: Vec<RuleBreak>,
}

fn chart(
    kind: &'static str,
    points: usize,
    subgroup_size: usize,
    (centre, sigma, lcl, ucl): (f64, f64, f64, f64),
    breaks: Vec<RuleBreak>,
) -> Chart {
    let mut breaks_per_rule = [0; 4];
    for b in &breaks {
        breaks_per_rule[usize::from(b.rule - 1)] += 1;
    }
    Chart { kind, points, subgroup_size, centre, sigma, lcl, ucl, breaks_per_rule, breaks }
}

/// The individuals chart of `values` (module docs); `None` with fewer than two points.
#[must_use]
pub fn individuals(values: &[f64]) -> Option<Chart> {
    if values.len() < 2 {
        return None;
    }
    let centre = values.iter().sum::<f64>() / values.len() as f64;
    let mr =
        values.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (values.len() - 1) as f64;
    let sigma = mr / range_constants(2).0;
    let breaks = western_electric(values, centre, sigma);
    Some(chart(
        "individuals",
        values.len(),
        1,
        (centre, sigma, centre - 3.0 * sigma, centre + 3.0 * sigma),
        breaks,
    ))
}

/// The EWMA chart of `values` about `centre` with the individuals' `sigma` (module docs).
#[must_use]
pub fn ewma(values: &[f64], centre: f64, sigma: f64) -> (Chart, Vec<f64>) {
    let (lambda, l) = (EWMA_LAMBDA, EWMA_L);
    let mut z = centre;
    let smoothed: Vec<f64> = values
        .iter()
        .map(|&v| {
            z = lambda * v + (1.0 - lambda) * z;
            z
        })
        .collect();
    let width = |i: usize| {
        let decay = (1.0 - lambda).powi(2 * i32::try_from(i + 1).unwrap_or(i32::MAX));
        l * sigma * (lambda / (2.0 - lambda) * (1.0 - decay)).sqrt()
    };
    let breaks = if sigma > 0.0 {
        outside(&smoothed, |i| centre - width(i), |i| centre + width(i))
    } else {
        Vec::new()
    };
    let asymptote = l * sigma * (lambda / (2.0 - lambda)).sqrt();
    let c = chart(
        "ewma",
        values.len(),
        1,
        (centre, sigma, centre - asymptote, centre + asymptote),
        breaks,
    );
    (c, smoothed)
}

/// The X̄ and R charts of subgroups given as (mean, range) of `n` values each (module docs);
/// `None` with fewer than two subgroups, `n` < 2 or no variation within subgroups.
#[must_use]
pub fn xbar_r(means: &[f64], ranges: &[f64], n: usize) -> Option<(Chart, Chart)> {
    if means.len() < 2 || n < 2 {
        return None;
    }
    let k = means.len() as f64;
    let centre = means.iter().sum::<f64>() / k;
    let r_bar = ranges.iter().sum::<f64>() / k;
    if r_bar <= 0.0 {
        return None;
    }
    let (d2, d3) = range_constants(n);
    let sigma = r_bar / (d2 * (n as f64).sqrt());
    let x_chart = chart(
        "xbar",
        means.len(),
        n,
        (centre, sigma, centre - 3.0 * sigma, centre + 3.0 * sigma),
        western_electric(means, centre, sigma),
    );
    let (lcl, ucl) = ((1.0 - 3.0 * d3 / d2).max(0.0) * r_bar, (1.0 + 3.0 * d3 / d2) * r_bar);
    let r_chart = chart(
        "range",
        ranges.len(),
        n,
        (r_bar, d3 * r_bar / d2, lcl, ucl),
        outside(ranges, |_| lcl, |_| ucl),
    );
    Some((x_chart, r_chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules broken by a sequence about centre 0 with sigma 1.
    fn broken(values: &[f64]) -> Vec<RuleBreak> {
        western_electric(values, 0.0, 1.0)
    }

    /// A quiet base: alternating sides within 1 sigma, so no rule can fire.
    fn quiet(n: usize) -> Vec<f64> {
        (0..n).map(|i| if i % 2 == 0 { 0.5 } else { -0.5 }).collect()
    }

    #[test]
    fn a_quiet_sequence_breaks_nothing() {
        assert!(broken(&quiet(40)).is_empty());
    }

    #[test]
    fn rule_1_once() {
        let mut v = quiet(20);
        v[10] = 3.5;
        assert_eq!(broken(&v), [RuleBreak { rule: 1, point: 10 }]);
        v[10] = -3.5;
        assert_eq!(broken(&v), [RuleBreak { rule: 1, point: 10 }]);
    }

    #[test]
    fn rule_2_once() {
        // Points 10 and 12 beyond +2 sigma (not 3), point 11 on the other side: 2 of 3.
        let mut v = quiet(20);
        v[10] = 2.5;
        v[12] = 2.5;
        assert_eq!(broken(&v), [RuleBreak { rule: 2, point: 12 }]);
    }

    #[test]
    fn rule_3_once() {
        // Four of five beyond +1 sigma (not 2), ending at point 14; point 11 below.
        let mut v = quiet(24);
        for i in [10, 12, 13, 14] {
            v[i] = 1.5;
        }
        v[11] = -0.5;
        assert_eq!(broken(&v), [RuleBreak { rule: 3, point: 14 }]);
    }

    #[test]
    fn rule_4_once() {
        // Eight in a row above the centre, within 1 sigma.
        let mut v = quiet(24);
        for x in &mut v[8..16] {
            *x = 0.5;
        }
        v[16] = -0.5;
        assert_eq!(broken(&v), [RuleBreak { rule: 4, point: 15 }]);
        // A ninth point extends the run: flagged again.
        v[16] = 0.5;
        assert_eq!(broken(&v).len(), 2);
    }

    #[test]
    fn range_constants_match_the_tables() {
        // ASTM / Montgomery Appendix VI: d2(2) = 1.128, d3(2) = 0.853, d2(5) = 2.326,
        // d3(5) = 0.864, d2(10) = 3.078, d3(10) = 0.797 (three decimals).
        for (n, d2, d3) in [(2, 1.128, 0.853), (5, 2.326, 0.864), (10, 3.078, 0.797)] {
            let (c2, c3) = range_constants(n);
            assert!((c2 - d2).abs() < 6e-4, "d2({n}) = {c2}");
            assert!((c3 - d3).abs() < 6e-4, "d3({n}) = {c3}");
        }
    }

    #[test]
    fn ewma_flags_a_sustained_half_sigma_shift_and_not_the_quiet_base() {
        // After a +1.5 sigma step the EWMA (lambda 0.2) crosses its asymptotic limit
        // 3 sqrt(0.2/1.8) = 1.0 sigma within a few points.
        let mut v = quiet(40);
        for x in &mut v[20..] {
            *x += 1.5;
        }
        let (chart, smoothed) = ewma(&v, 0.0, 1.0);
        assert_eq!(smoothed.len(), 40);
        let first = chart.breaks.first().map(|b| b.point).unwrap();
        assert!((21..=26).contains(&first), "first EWMA break at {first}");
        assert!(chart.breaks.iter().all(|b| b.point >= 20));
        let (quiet_chart, _) = ewma(&quiet(40), 0.0, 1.0);
        assert!(quiet_chart.breaks.is_empty());
    }
}
