//! Fits of the line's parameters from schema-3 test data: ASIC defect density and
//! clustering from the wafer sort, warpage from the measured package warpage, and test
//! coverages from what each insertion caught.
//!
//! # ASIC defect density $DA$ and clustering $\alpha$
//! The yield engine gives a die of wafer $w$ in lot $j$ a Poisson number of defects of mean
//! $DA\thinspace L_j G_w$, with $G_w \sim \mathrm{Gamma}(\alpha, 1/\alpha)$ per wafer (the
//! negative-binomial clustering) and $L_j \sim \mathrm{Gamma}(\alpha_L, 1/\alpha_L)$ per lot
//! ($\alpha_L$ from the scenario, not fitted; none when it has none), and wafer sort catches
//! each defect with the scenario's coverage $c$: a die passes with probability
//! $e^{-uG}$, $u = c\thinspace DA\thinspace L$. A wafer of $n$ dies sorted with $f$ failures has, given $u$,
//! $$P_w(u) = \binom{n}{f}\int (1 - e^{-ug})^f e^{-ug(n-f)}\thinspace\gamma_\alpha(g)\thinspace dg,$$
//! and the data hold only wafers with a passing die (a die reaches a package only by
//! passing), so each wafer's term is divided by $1 - \int (1 - e^{-ug})^n \gamma_\alpha(g)
//! \thinspace dg$. A lot's likelihood is $\int \prod_{w \in j} P_w(c\thinspace DA\thinspace l)/S_w(c\thinspace DA\thinspace l)\thinspace
//! \gamma_{\alpha_L}(l)\thinspace dl$ (the division per wafer inside the lot integral is exact
//! without a lot factor and neglects the wafers of a lot with no passing die otherwise: a
//! share of $E[(1-e^{-uG})^n]$, under 1 % at the defaults). Both integrals are over $\ln g$
//! on an even grid (at least 81 nodes for the wafer factor, 31 for the lot's, in steps of
//! at most 0.25) between the points
//! where the Gamma density's tails fall below $e^{-36}$, the weights normalised to sum to 1
//! (the trapezoidal rule on a smooth, rapidly decaying integrand). The log-likelihood is
//! maximised over $(\ln DA, \ln\alpha)$ by Newton's method (derivatives by central
//! differences), and the 95 % intervals are Wald intervals on the logarithms from the
//! observed information (the negative Hessian there). When $\alpha$ runs past $10^4$ the
//! wafers show no excess over Poisson: $\alpha$ is reported as not identified and $DA$ is
//! fitted with $\alpha = 10^4$.
//!
//! # Warpage mean and spread
//! The yield engine draws each package's corner warpage from $N(\bar W, \sigma_W^2)$, and
//! schema 3 records it (as a line's shadow-moiré station measures it). The mean's interval is
//! Student's $t$ (quantile from the incomplete beta function), the spread is the
//! restricted-likelihood $s$ with the exact $\chi^2_{n-1}$ interval (Wilson–Hilferty
//! quantiles).
//!
//! # Test coverages
//! A test catches each mechanism present in a package with its coverage, independently.
//! The mechanisms present at a package's first package test are its lanes' failures (fiber
//! re-attach replaces only the coupling of a package whose first test caught coupling and
//! nothing else, so a re-attached package had coupling present then and its other
//! mechanisms as recorded); at system test, its lanes' failures. Per mechanism, the packages
//! with it present and those of them whose insertion caught it give the coverage $k/n$ with
//! the exact (Clopper–Pearson) 95 % interval; a coverage seen on fewer than
//! [`MIN_COVERAGE_PACKAGES`] packages (an interval up to one half wide) is reported as not
//! identified, so that a handful of packages does not replace the scenario's value (the rule
//! is on the count alone: a rule on the interval's width would select on the outcome, and
//! the intervals kept would cover less than 95 %). ASIC defects are not in the lane records (and a
//! board-joint open only as a caught warpage), so ASIC coverages are not identified, and the
//! warpage coverage counts only the engine-joint opens the lanes show.

use cporamp_yield::{ByMechanism, Mechanism};

use crate::yield_fit::{Estimate, chi2_quantile, maximise_2d};

/// The normal quantile at 97.5 %.
const Z_975: f64 = 1.959_963_984_540_054;
/// Packages with a mechanism present that a coverage needs to be taken as identified: with
/// 20, the exact interval is at most about 0.45 wide.
pub const MIN_COVERAGE_PACKAGES: u64 = 20;
/// The largest clustering alpha fitted ($10^4$: Poisson for any wafer).
const MAX_ALPHA: f64 = 1e4;
/// Nodes of the wafer factor's integral, at least.
const WAFER_NODES: usize = 81;
/// Nodes of the lot factor's integral, at least.
const LOT_NODES: usize = 31;
/// The largest step of the integrals' grids in $\ln g$.
const MAX_STEP: f64 = 0.25;

/// One ASIC wafer's sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AsicWafer {
    /// Its lot (`None`: unknown; the wafer is then taken as its own lot).
    pub lot: Option<u64>,
    /// Dies sorted.
    pub tested: u64,
    /// Dies passed.
    pub passed: u64,
}

/// $\ln\Gamma(x)$ for $x > 0$ (Lanczos, $g = 7$, 9 terms: relative error under
/// $10^{-13}$).
#[must_use]
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Nodes $(g_k, w_k)$ of $\mathrm{Gamma}(\alpha, 1/\alpha)$ (mean 1): an even grid of
/// `count` nodes (more when steps of [`MAX_STEP`] need them) in $\ln g$ over the density's
/// bulk, the weights normalised to sum to 1.
fn gamma_nodes(alpha: f64, count: usize) -> Vec<(f64, f64)> {
    // P(G < g) ~ (alpha g)^alpha / Gamma(alpha + 1) for small g: below e^-36 from here.
    let mut low = (-36.0 + ln_gamma(alpha + 1.0)) / alpha - alpha.ln();
    let spread = 1.0 / alpha.sqrt();
    if 12.0 * spread < 1.0 {
        low = low.max((1.0 - 12.0 * spread).ln());
    }
    let low = low.max(-700.0);
    let high = (1.0 + 12.0 * spread + 40.0 / alpha).ln();
    let count = count.max(((high - low) / MAX_STEP).ceil() as usize + 1);
    let step = (high - low) / (count - 1) as f64;
    let ln_density: Vec<f64> = (0..count)
        .map(|k| {
            let t = low + step * k as f64;
            alpha * t - alpha * t.exp()
        })
        .collect();
    let peak = ln_density.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = ln_density.iter().map(|d| (d - peak).exp()).collect();
    let total: f64 = weights.iter().sum();
    (0..count).map(|k| ((low + step * k as f64).exp(), weights[k] / total)).collect()
}

/// $\ln\sum_k e^{x_k}$ of the values, stable.
fn ln_sum_exp(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let peak = values.clone().fold(f64::NEG_INFINITY, f64::max);
    if peak == f64::NEG_INFINITY {
        return peak;
    }
    peak + values.map(|v| (v - peak).exp()).sum::<f64>().ln()
}

/// A lot's wafers, grouped by (dies sorted, dies failed) with their multiplicity.
type Lot = Vec<((u64, u64), f64)>;

fn lots(wafers: &[AsicWafer]) -> Vec<Lot> {
    let mut sorted: Vec<AsicWafer> =
        wafers.iter().copied().filter(|w| w.tested > 0 && w.passed > 0).collect();
    sorted.sort_unstable();
    let mut out: Vec<Lot> = Vec::new();
    let mut previous: Option<Option<u64>> = None;
    for wafer in sorted {
        // A wafer of unknown lot is a lot of its own.
        if wafer.lot.is_none() || previous != Some(wafer.lot) {
            out.push(Vec::new());
        }
        previous = Some(wafer.lot);
        let key = (wafer.tested, wafer.tested - wafer.passed.min(wafer.tested));
        let lot = out.last_mut().expect("pushed above");
        match lot.iter_mut().find(|(k, _)| *k == key) {
            Some((_, count)) => *count += 1.0,
            None => lot.push((key, 1.0)),
        }
    }
    out
}

/// The log-likelihood of the lots at $u = c\thinspace DA$ (module docs), the binomial coefficients
/// left out.
fn asic_ln_likelihood(lots: &[Lot], u: f64, alpha: f64, lot_alpha: Option<f64>) -> f64 {
    let wafer_nodes = gamma_nodes(alpha, WAFER_NODES);
    let lot_nodes = lot_alpha.map_or_else(|| vec![(1.0, 1.0)], |a| gamma_nodes(a, LOT_NODES));
    // ln(1 - e^{-x}) and -x per wafer node at each lot node.
    let nodes = wafer_nodes.len();
    let mut a = vec![0.0; nodes];
    let mut b = vec![0.0; nodes];
    let mut per_lot_node = vec![vec![0.0; lot_nodes.len()]; lots.len()];
    for (i, &(l, _)) in lot_nodes.iter().enumerate() {
        for (k, &(g, _)) in wafer_nodes.iter().enumerate() {
            let x = u * l * g;
            b[k] = -x;
            a[k] = (-(-x).exp_m1()).ln();
        }
        for (lot, slot) in lots.iter().zip(per_lot_node.iter_mut()) {
            let mut sum = 0.0;
            for &((n, f), count) in lot {
                let (nf, ff) = (n as f64, f as f64);
                let term = |k: usize| {
                    let fails = if f == 0 { 0.0 } else { ff * a[k] };
                    wafer_nodes[k].1.ln() + fails + (nf - ff) * b[k]
                };
                let ln_p = ln_sum_exp((0..nodes).map(term));
                // P(every die fails), to condition on a passing die.
                let all_fail: f64 = (0..nodes).map(|k| wafer_nodes[k].1 * (nf * a[k]).exp()).sum();
                sum += count * (ln_p - (1.0 - all_fail).max(1e-300).ln());
            }
            slot[i] = sum;
        }
    }
    per_lot_node
        .iter()
        .map(|values| {
            ln_sum_exp(values.iter().zip(&lot_nodes).map(|(v, &(_, weight))| v + weight.ln()))
        })
        .sum()
}

/// The ASIC fit: $DA$ and $\alpha$ with Wald intervals on their logarithms (module docs),
/// from `wafers` sorted with wafer-test coverage `coverage`, lot clustering `lot_alpha`;
/// $\alpha$ is `None` when the data show no excess over Poisson. `None` with fewer than 3
/// wafers with a passing die, a coverage not in (0, 1], or no failing die.
#[must_use]
pub fn asic_defects(
    wafers: &[AsicWafer],
    coverage: f64,
    lot_alpha: Option<f64>,
) -> Option<(Estimate, Option<Estimate>)> {
    let lots = lots(wafers);
    let count: f64 = lots.iter().flatten().map(|(_, c)| c).sum();
    let (tested, failed) = lots
        .iter()
        .flatten()
        .fold((0.0, 0.0), |(t, f), &((n, k), c)| (t + c * n as f64, f + c * k as f64));
    if count < 3.0 || !(coverage > 0.0 && coverage <= 1.0) || failed == 0.0 {
        return None;
    }
    let lot_alpha = lot_alpha.filter(|a| a.is_finite() && *a > 0.0);
    let ll = |x: [f64; 2]| {
        let alpha = x[1].exp().min(MAX_ALPHA);
        asic_ln_likelihood(&lots, coverage * x[0].exp(), alpha, lot_alpha)
    };
    // Start: the Poisson density of the pooled pass fraction, alpha 2.
    let pass = 1.0 - failed / tested;
    let start = [((-pass.ln()).max(1e-6) / coverage).ln(), 2f64.ln()];
    let (best, hessian) = maximise_2d(&ll, start);
    let wald = |x: f64, var: f64| {
        let se = var.max(0.0).sqrt();
        Estimate { value: x.exp(), low: (x - Z_975 * se).exp(), high: (x + Z_975 * se).exp() }
    };
    let [h11, h12, h22] = hessian;
    let det = h11 * h22 - h12 * h12;
    if best[1] < MAX_ALPHA.ln() - 0.5 && det > 0.0 && h11 < 0.0 {
        return Some((wald(best[0], -h22 / det), Some(wald(best[1], -h11 / det))));
    }
    // No excess over Poisson: DA alone at the largest alpha.
    let ln_alpha = MAX_ALPHA.ln();
    let f1 = |x: f64| ll([x, ln_alpha]);
    let (mut x, h) = (best[0], 0.01);
    let mut second = -1.0;
    for _ in 0..40 {
        let (fp, f0, fm) = (f1(x + h), f1(x), f1(x - h));
        let first = (fp - fm) / (2.0 * h);
        second = (fp - 2.0 * f0 + fm) / (h * h);
        if second >= 0.0 {
            return None;
        }
        let step = (-first / second).clamp(-0.5, 0.5);
        x += step;
        if step.abs() < 1e-6 {
            break;
        }
    }
    Some((wald(x, -1.0 / second), None))
}

/// Student's $t$ quantile at `p` > 1/2 with `df` degrees of freedom: the $t$ with
/// $P(|T| > t) = I_{\nu/(\nu + t^2)}(\nu/2, 1/2) = 2(1 - p)$, by bisection.
#[must_use]
pub fn t_quantile(p: f64, df: f64) -> f64 {
    let tail = 2.0 * (1.0 - p);
    let (mut lo, mut hi) = (0.0, 1e3);
    for _ in 0..200 {
        let t: f64 = (lo + hi) / 2.0;
        if incomplete_beta(df / (df + t * t), df / 2.0, 0.5) > tail {
            lo = t;
        } else {
            hi = t;
        }
    }
    (lo + hi) / 2.0
}

/// The warpage fit from the packages' measured warpage (module docs): mean and sigma with
/// their 95 % intervals; `None` with fewer than 3 packages.
#[must_use]
pub fn warpage(values_um: &[f64]) -> Option<(Estimate, Estimate)> {
    let n = values_um.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mean = values_um.iter().sum::<f64>() / nf;
    let ss: f64 = values_um.iter().map(|v| (v - mean) * (v - mean)).sum();
    let df = nf - 1.0;
    let s = (ss / df).sqrt();
    let half = t_quantile(0.975, df) * s / nf.sqrt();
    Some((
        Estimate { value: mean, low: mean - half, high: mean + half },
        Estimate {
            value: s,
            low: (ss / chi2_quantile(0.975, df)).sqrt(),
            high: (ss / chi2_quantile(0.025, df)).sqrt(),
        },
    ))
}

/// The regularised incomplete beta function $I_x(a, b)$ (continued fraction, Lentz's
/// method; Numerical Recipes 6.4).
#[must_use]
pub fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let fraction = |x: f64, a: f64, b: f64| {
        let tiny = 1e-300;
        let away_from_zero = |v: f64| if v.abs() < tiny { tiny } else { v };
        let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
        let mut c = 1.0;
        let mut d = 1.0 / away_from_zero(1.0 - qab * x / qap);
        let mut h = d;
        // One Lentz step with coefficient `aa`: updates d and c, returns their product.
        let mut step = |aa: f64| {
            d = 1.0 / away_from_zero(1.0 + aa * d);
            c = away_from_zero(1.0 + aa / c);
            d * c
        };
        for m in 1..300 {
            let m = f64::from(m);
            let m2 = 2.0 * m;
            h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)));
            let delta = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        h
    };
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * fraction(1.0 - x, b, a) / b
    }
}

/// The proportion `k / n` with its exact (Clopper–Pearson) 95 % interval: the $p$ with
/// $P(X \ge k) = 0.025$ and $P(X \le k) = 0.025$, by bisection on the beta distribution.
#[must_use]
pub fn clopper_pearson(k: u64, n: u64) -> Option<Estimate> {
    if n == 0 || k > n {
        return None;
    }
    let (kf, nf) = (k as f64, n as f64);
    // The root in [0, 1] of an increasing function.
    let root = |f: &dyn Fn(f64) -> f64| {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..100 {
            let middle = (lo + hi) / 2.0;
            if f(middle) < 0.0 {
                lo = middle;
            } else {
                hi = middle;
            }
        }
        (lo + hi) / 2.0
    };
    // P(X >= k | p) = I_p(k, n - k + 1), increasing in p.
    let low = if k == 0 { 0.0 } else { root(&|p| incomplete_beta(p, kf, nf - kf + 1.0) - 0.025) };
    // P(X <= k | p) = 1 - I_p(k + 1, n - k), decreasing in p.
    let high = if k == n { 1.0 } else { root(&|p| incomplete_beta(p, kf + 1.0, nf - kf) - 0.975) };
    Some(Estimate { value: kf / nf, low, high })
}

/// Per mechanism: packages with it present at an insertion, and those whose insertion
/// caught it.
pub type Caught = ByMechanism<(u64, u64)>;

/// The coverage of each mechanism the lane records show (not ASIC) from `caught`.
#[must_use]
pub fn coverages(caught: &Caught) -> ByMechanism<Option<Estimate>> {
    ByMechanism::from_fn(|m| {
        if m == Mechanism::Asic {
            return None;
        }
        let (present, k) = caught[m];
        clopper_pearson(k, present)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials_and_the_half_integer() {
        for n in 1..20u32 {
            let factorial: f64 = (1..n).map(f64::from).product();
            assert!((ln_gamma(f64::from(n)) - factorial.ln()).abs() < 1e-12, "{n}");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
    }

    #[test]
    fn gamma_nodes_have_the_gamma_mean_and_variance() {
        for alpha in [0.3, 1.0, 2.0, 10.0, 1e4] {
            let nodes = gamma_nodes(alpha, WAFER_NODES);
            let mean: f64 = nodes.iter().map(|(g, w)| g * w).sum();
            let var: f64 = nodes.iter().map(|(g, w)| (g - mean) * (g - mean) * w).sum();
            assert!((mean - 1.0).abs() < 1e-4, "alpha {alpha}: mean {mean}");
            assert!((var * alpha - 1.0).abs() < 1e-3, "alpha {alpha}: variance {var}");
        }
    }

    #[test]
    fn a_wafer_likelihood_is_the_negative_binomial_yield_closed_form() {
        // One die per wafer: P(pass) = (1 + u / alpha)^-alpha, the negative-binomial yield.
        let (u, alpha) = (0.6, 2.0);
        let nodes = gamma_nodes(alpha, WAFER_NODES);
        let pass: f64 = nodes.iter().map(|(g, w)| w * (-u * g).exp()).sum();
        let closed = (1.0 + u / alpha).powf(-alpha);
        assert!((pass - closed).abs() < 1e-6, "{pass} vs {closed}");
        // Two dies, one failing: 2 [(1 + u/a)^-a - (1 + 2u/a)^-a] (binomial expansion).
        let lot: Lot = vec![((2, 1), 1.0)];
        let ll = asic_ln_likelihood(&[lot], u, alpha, None);
        let p = (1.0 + u / alpha).powf(-alpha) - (1.0 + 2.0 * u / alpha).powf(-alpha);
        let all_fail =
            1.0 - 2.0 * (1.0 + u / alpha).powf(-alpha) + (1.0 + 2.0 * u / alpha).powf(-alpha);
        let closed = p.ln() - (1.0 - all_fail).ln();
        assert!((ll - closed).abs() < 1e-6, "{ll} vs {closed}");
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Tables: t(0.975; 5) = 2.5706, t(0.975; 10) = 2.2281, t(0.975; 30) = 2.0423.
        for (df, table) in [(5.0, 2.5706), (10.0, 2.2281), (30.0, 2.0423)] {
            assert!((t_quantile(0.975, df) - table).abs() < 1e-4, "{df}");
        }
    }

    #[test]
    fn clopper_pearson_matches_its_published_values() {
        // 7 of 20: [0.1539, 0.5922]; 0 of 10: [0, 0.3085]; 10 of 10: [0.6915, 1] (the exact
        // binomial intervals, e.g. R's binom.test).
        let a = clopper_pearson(7, 20).unwrap();
        assert!((a.low - 0.1539).abs() < 1e-4 && (a.high - 0.5922).abs() < 1e-4, "{a:?}");
        let b = clopper_pearson(0, 10).unwrap();
        assert!(b.low.abs() < 1e-15 && (b.high - 0.3085).abs() < 1e-4, "{b:?}");
        let c = clopper_pearson(10, 10).unwrap();
        assert!((c.low - 0.6915).abs() < 1e-4 && (c.high - 1.0).abs() < 1e-15, "{c:?}");
    }
}
