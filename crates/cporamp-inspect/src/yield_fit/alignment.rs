//! Fiber alignment: block-common and per-fiber sigma.
//!
//! The yield engine ([`cporamp_yield`], mechanism 1) puts lane $i$ of engine $e$ at the
//! lateral offset $p_i = c_e + f_i$ per axis pair, with $f_i \sim N(0, \sigma_f^2 I_2)$ the
//! fiber's core within its block and $c_e = b_e + (kW\rho_e^2, 0)$ the block's offset:
//! $b_e \sim N(0, \sigma_B^2 I_2)$, $\sigma_B^2 = \sigma_b^2 + \sigma_s^2$ (placement and
//! cure shift act on the whole block alike, so only their sum is identified), plus the
//! warpage's lateral shift at the engine's $\rho_e^2$. Per axis the Gaussian overlap across
//! the recorded gap $z_e$ is $\ln\eta = c_0(z) + c_2(z)\thinspace d^2$ (no tilt;
//! [`cporamp_core::coupling`]), so the recorded loss
//! $L_i = -10\log_{10}(e)\thinspace(2c_0 + c_2|p_i|^2)$ gives each lane's squared offset
//! $$q_i = |p_i|^2 = \frac{L_i / (10\log_{10} e) + 2c_0(z_e)}{-c_2(z_e)} .$$
//! Given $r = |c_e|$, $q_i/\sigma_f^2$ is noncentral $\chi^2_2$ with noncentrality
//! $r^2/\sigma_f^2$: $p(q \mid r) = \frac{1}{2\sigma_f^2} e^{-(q + r^2)/2\sigma_f^2}
//! I_0(r\sqrt q/\sigma_f^2)$, and $r$ is Rice distributed,
//! $p(r) = \frac{r}{\sigma_B^2} e^{-(r^2 + \nu_e^2)/2\sigma_B^2} I_0(r\nu_e/\sigma_B^2)$,
//! $\nu_e = k\bar W\rho_e^2$. The engine's likelihood is the one-dimensional integral
//! $$L_e(\sigma_B, \sigma_f) = \int_0^\infty p(r)\prod_i p(q_i \mid r)\thinspace dr,$$
//! computed by locating the integrand's mode (golden section in a bracket from the lanes'
//! moments), its width (second difference of its log) and the trapezoidal rule over ±6
//! widths in steps of 3/4 of a width (a smooth, Gaussian-like integrand: the rule converges
//! geometrically; against 33 nodes over ±8 widths the fitted sigmas move by under 1e-4
//! relative). $\sum_e \ln L_e$ is maximised over
//! $(\ln\sigma_B, \ln\sigma_f)$ by Newton's method (derivatives by central differences);
//! the 95 % intervals are from the **observed
//! information** (the negative Hessian of the log-likelihood in $(\ln\sigma_B, \ln\sigma_f)$
//! by central differences): $\sigma \exp(\pm 1.96\thinspace\mathrm{se})$.
//!
//! Approximations, stated: the block's tilt $\theta$ per axis makes
//! $\ln\eta = m(\theta) + c_2(d - d^\ast(\theta))^2$ with $m$ quadratic in $\theta$: at the
//! default 2 mrad it costs $\approx 0.001$ dB per axis and moves the optimum $d^\ast$ by
//! $\approx 5$ nm at a 5 µm gap. Its mean, $2(m(0) - m(\sigma_\theta))/(-c_2)$ in units of
//! $q$, is subtracted from every lane's $q_i$ (clamped at $10^{-10}$); its spread and the
//! shift $d^\ast$ are neglected (without the subtraction the fitted $\sigma_B$ came out 1.5 %
//! high on the coverage fixture); the warpage is the package's measured one where the data
//! carry it (schema 3), else its scenario mean $\bar W$ (its spread moves an engine by
//! $k\sigma_W\rho^2 \approx 0.03$ µm, against $\sigma_B \approx 0.2$ µm).
//!
//! **Rework.** A package rejected for coupling alone is re-attached: the engines with a
//! coupling-failed lane get a fresh block (gap, tilt, placement), so the records of a
//! re-attached package are not all first draws, and without a correction the fit reads the
//! failed first attaches' replacements as typical ones ($\sigma_B$ came out 7 % low on
//! 60 packages of the default 51.2T data, 16 of them re-attached). With $P$ the probability
//! that one attach of an engine leaves a coupling-failed lane (the budget's squared offset
//! $D(z) = (B/10\log_{10}e + 2c_0(z))/(-c_2(z))$, the noncentral $\chi^2_2$ tail
//! over the Rayleigh block offset and the normal gap), a package re-attached once has the
//! density $\prod_e f(y_e)\thinspace[\prod_e (P + 1_{\text{pass},e}) - \prod_e 1_{\text{pass},e}]$
//! (each engine passed its first attach and kept it, or failed it and was drawn again; at
//! least one failed), up to factors free of the parameters; packages not re-attached
//! contribute $\prod_e f(y_e)$ times a factor free of them. A package damaged by its rework
//! keeps its first attach but is read as re-attached (a share $p_d$ of the re-attached,
//! 10 % by default); packages re-attached more than once, or designs with spare lanes, are
//! read as first attaches (the output says how many).

use super::estimation::maximise_2d;
use super::{DB_PER_NEPER, Estimate, FitModel, Z_975};

/// One engine's lanes as the alignment fit sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineLanes {
    /// Its package.
    pub package: u64,
    /// Fiber re-attach attempts on its package.
    pub reworks: u64,
    /// A lane of it failed for coupling (in its recorded, final attach).
    pub coupling_failed: bool,
    /// Fiber-block gap, µm.
    pub gap_um: f64,
    /// Normalized distance from the package centre, squared.
    pub rho_sq: f64,
    /// Coupling loss per lane, dB.
    pub loss_db: Vec<f64>,
    /// Its package's measured corner warpage, µm (`None`: not recorded; the scenario's mean
    /// is used).
    pub warpage_um: Option<f64>,
}

/// $\ln I_0(x)$ for $x \ge 0$ (Abramowitz and Stegun 9.8.1–2, relative error of $I_0$
/// below $2\times 10^{-7}$).
#[must_use]
pub fn ln_bessel_i0(x: f64) -> f64 {
    if x < 3.75 {
        let t = (x / 3.75) * (x / 3.75);
        (1.0 + t
            * (3.515_622_9
                + t * (3.089_942_4
                    + t * (1.206_749_2 + t * (0.265_973_2 + t * (0.036_076_8 + t * 0.004_581_3))))))
            .ln()
    } else {
        x - 0.5 * x.ln() + ln_large_factor(x)
    }
}

/// $\ln(\sqrt{x}e^{-x}I_0(x))$ for $x \ge 3.75$ (Abramowitz and Stegun 9.8.2), without a
/// logarithm: the polynomial is $c_0(1 + u)$ with $0 \le u < 0.042$, and $\ln(1 + u)$ to
/// $u^5$ errs by under $10^{-9}$.
fn ln_large_factor(x: f64) -> f64 {
    const C0: f64 = 0.398_942_28;
    const LN_C0: f64 = -0.918_938_534_210_915_3;
    let t = 3.75 / x;
    let u = t
        * (0.013_285_92
            + t * (0.002_253_19
                + t * (-0.001_575_65
                    + t * (0.009_162_81
                        + t * (-0.020_577_06
                            + t * (0.026_355_37 + t * (-0.016_476_33 + t * 0.003_923_77)))))))
        / C0;
    LN_C0 + u * (1.0 - u * (0.5 - u * (1.0 / 3.0 - u * (0.25 - u * 0.2))))
}

/// An engine prepared for the alignment likelihood: its lanes' squared offsets (µm²) and
/// the warpage's shift of its block (µm).
#[derive(Debug, Clone)]
struct Prepared {
    package: u64,
    reworks: u64,
    coupling_failed: bool,
    q_um2: Vec<f64>,
    sqrt_q: Vec<f64>,
    ln_sqrt_q: Vec<f64>,
    q_sum: f64,
    nu_um: f64,
}

fn prepare(engines: &[EngineLanes], model: &FitModel) -> Vec<Prepared> {
    let modes = cporamp_core::coupling::Modes {
        radius_um: model.mode_radius_um,
        wavelength_um: model.wavelength_um,
        gap_index: model.gap_index,
    };
    engines
        .iter()
        .filter(|e| !e.loss_db.is_empty())
        .map(|engine| {
            let axis = modes.axis(0.0, engine.gap_um);
            // The tilt's mean extra loss over both axes, in units of q (module docs).
            let tilted = modes.axis(model.tilt_sigma_mrad * 1e-3, engine.gap_um);
            let peak = tilted.constant
                - tilted.linear_per_um * tilted.linear_per_um / (4.0 * tilted.quadratic_per_um2);
            let tilt_q = 2.0 * (axis.constant - peak) / -axis.quadratic_per_um2;
            let q_um2: Vec<f64> = engine
                .loss_db
                .iter()
                .map(|loss| {
                    ((loss / DB_PER_NEPER + 2.0 * axis.constant) / -axis.quadratic_per_um2 - tilt_q)
                        .max(1e-10)
                })
                .collect();
            Prepared {
                package: engine.package,
                reworks: engine.reworks,
                coupling_failed: engine.coupling_failed,
                sqrt_q: q_um2.iter().map(|q| q.sqrt()).collect(),
                ln_sqrt_q: q_um2.iter().map(|q| 0.5 * q.ln()).collect(),
                q_sum: q_um2.iter().sum(),
                q_um2,
                nu_um: (engine
                    .warpage_um
                    .map_or(model.warpage_shift_um, |w| model.warpage_lateral_per_um * w)
                    * engine.rho_sq)
                    .abs(),
            }
        })
        .collect()
}

/// The log of the integrand $p(r)\prod_i p(q_i \mid r)$ without the terms free of $r$
/// and of the parameters (those are added in [`engine_ln_likelihood`]).
fn ln_integrand(engine: &Prepared, r: f64, sigma_b: f64, sigma_f: f64) -> f64 {
    if r <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let vb = sigma_b * sigma_b;
    let vf = sigma_f * sigma_f;
    let n = engine.q_um2.len() as f64;
    let mut sum = r.ln() - (r * r + engine.nu_um * engine.nu_um) / (2.0 * vb)
        + ln_bessel_i0(r * engine.nu_um / vb)
        - n * r * r / (2.0 * vf);
    // ln I0(x) for x = r s / vf >= 3.75 is x - ln(x)/2 + [`ln_large_factor`], with
    // ln x = ln r + ln s - ln vf: no logarithm per lane.
    let ln_r_over_vf = r.ln() - vf.ln();
    for (&s, &ln_s) in engine.sqrt_q.iter().zip(&engine.ln_sqrt_q) {
        let x = r * s / vf;
        sum += if x < 3.75 {
            ln_bessel_i0(x)
        } else {
            x - 0.5 * (ln_r_over_vf + ln_s) + ln_large_factor(x)
        };
    }
    sum
}

fn engine_ln_likelihood(engine: &Prepared, sigma_b: f64, sigma_f: f64) -> f64 {
    let n = engine.q_um2.len() as f64;
    let vf = sigma_f * sigma_f;
    let constant = -(vb_ln(sigma_b)) - n * (2.0 * vf).ln() - engine.q_sum / (2.0 * vf);
    let f = |r: f64| ln_integrand(engine, r, sigma_b, sigma_f);
    // The mode, by golden section over a bracket from the moments: the lanes put |c| near
    // r0 = sqrt(mean q - 2 sigma_f²) within s = sigma_f / sqrt(n), the prior shrinks it
    // towards 0; 14 steps narrow the bracket 800-fold, to a small fraction of the
    // integrand's width (the trapezoid below spans ±6 widths around the mode).
    let s = sigma_f / n.sqrt();
    let r0 = (engine.q_sum / n - 2.0 * vf).max(0.0).sqrt();
    let shrunk = r0 * sigma_b * sigma_b / (sigma_b * sigma_b + s * s);
    let (mut a, mut b) = ((shrunk - 6.0 * s).max(0.0), r0.max(engine.nu_um).max(sigma_b) + 6.0 * s);
    let ratio = (5.0_f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..14 {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    let mode = (a + b) / 2.0;
    let peak = f(mode);
    // Width from the second difference of the log.
    let h = 1e-3 * (sigma_b.min(sigma_f / n.sqrt())).max(1e-6);
    let curvature = (f(mode + h) - 2.0 * peak + f((mode - h).max(h * 1e-3))) / (h * h);
    let width = if curvature < 0.0 { (-curvature).sqrt().recip() } else { sigma_b.max(sigma_f) };
    let (lo, hi) = ((mode - 6.0 * width).max(0.0), mode + 6.0 * width);
    let nodes = 16;
    let step = (hi - lo) / nodes as f64;
    let mut total = 0.0;
    for k in 0..=nodes {
        let r = lo + step * k as f64;
        let weight = if k == 0 || k == nodes { 0.5 } else { 1.0 };
        total += weight * (f(r) - peak).exp();
    }
    constant + peak + (total * step).ln()
}

/// $\ln\sigma_B^2$ (the Rice density's normalization).
fn vb_ln(sigma_b: f64) -> f64 {
    2.0 * sigma_b.ln()
}

/// $P(|c + f|^2 > D \mid |c| = r)$ for $f \sim N(0, \sigma_f^2 I_2)$: the noncentral
/// $\chi^2_2$ tail as its Poisson mixture of central tails, $e^{-x/2}\sum_j
/// \mathrm{Pois}(j; \lambda/2)\sum_{i \le j}(x/2)^i/i!$, $\lambda = r^2/\sigma_f^2$,
/// $x = D/\sigma_f^2$ (positive terms only: no cancellation in the small tail).
fn offset_tail(r: f64, d_um2: f64, sigma_f: f64) -> f64 {
    if d_um2 <= 0.0 {
        return 1.0;
    }
    let vf = sigma_f * sigma_f;
    let half_lambda = r * r / (2.0 * vf);
    let half_x = d_um2 / (2.0 * vf);
    let last = (half_lambda + 10.0 * half_lambda.sqrt() + 20.0).ceil() as usize;
    let mut poisson = (-half_lambda).exp();
    let mut partial = 0.0;
    let mut power = 1.0;
    let mut total = 0.0;
    for j in 0..=last {
        if j > 0 {
            poisson *= half_lambda / j as f64;
            power *= half_x / j as f64;
        }
        partial += power;
        total += poisson * partial;
    }
    ((-half_x).exp() * total).min(1.0)
}

/// The probability that one attach of an engine of `lanes` lanes leaves a lane beyond the
/// coupling budget without the warpage's shift (the yield engine's coupling flag, which
/// decides a re-attach): over the gap $|N(\bar z, \sigma_z^2)|$ and the block offset
/// $|b| \sim$ Rayleigh($\sigma_B$), $1 - E[(1 - Q)^n]$ with $Q$ = [`offset_tail`] at the
/// budget's squared offset $D(z) = (B/10\log_{10}e + 2c_0(z))/(-c_2(z))$ less the tilt's
/// mean (module docs).
fn engine_fail_probability(model: &FitModel, sigma_b: f64, sigma_f: f64, lanes: usize) -> f64 {
    let modes = cporamp_core::coupling::Modes {
        radius_um: model.mode_radius_um,
        wavelength_um: model.wavelength_um,
        gap_index: model.gap_index,
    };
    let gaps: Vec<(f64, f64)> = if model.gap_sigma_um > 0.0 {
        (0..=20)
            .map(|k| {
                let t = -5.0 + 0.5 * f64::from(k);
                ((model.gap_mean_um + t * model.gap_sigma_um).abs(), (-t * t / 2.0).exp())
            })
            .collect()
    } else {
        vec![(model.gap_mean_um.abs(), 1.0)]
    };
    let gap_weight: f64 = gaps.iter().map(|g| g.1).sum();
    let nodes = 48;
    let step = 8.0 * sigma_b / f64::from(nodes);
    let mut total = 0.0;
    for &(gap_um, weight) in &gaps {
        let axis = modes.axis(0.0, gap_um);
        let tilted = modes.axis(model.tilt_sigma_mrad * 1e-3, gap_um);
        let peak = tilted.constant
            - tilted.linear_per_um * tilted.linear_per_um / (4.0 * tilted.quadratic_per_um2);
        let tilt_q = 2.0 * (axis.constant - peak) / -axis.quadratic_per_um2;
        let d_um2 = (model.coupling_budget_db / DB_PER_NEPER + 2.0 * axis.constant)
            / -axis.quadratic_per_um2
            - tilt_q;
        let mut fail = 0.0;
        for k in 1..=nodes {
            let r = step * f64::from(k);
            let rayleigh = r / (sigma_b * sigma_b) * (-r * r / (2.0 * sigma_b * sigma_b)).exp();
            let tail = offset_tail(r, d_um2, sigma_f);
            let engine = -(lanes as f64 * (-tail).ln_1p()).exp_m1();
            fail += rayleigh * engine * step;
        }
        total += weight * fail;
    }
    (total / gap_weight).clamp(0.0, 1.0)
}

/// The log of the rework factor of the packages re-attached once: with $P$ the engine's
/// probability of a failing attach, a package whose failing engines were re-attached once
/// records the density $\prod_e f(y_e)\thinspace[\prod_e (P_e + 1_{\text{pass},e}) - \prod_e
/// 1_{\text{pass},e}]$ (each engine either passed its first attach and kept it, or failed
/// it and was drawn again; at least one failed), up to factors free of the parameters.
fn rework_ln_factor(engines: &[Prepared], model: &FitModel, sigma_b: f64, sigma_f: f64) -> f64 {
    let mut cache: Vec<(usize, f64)> = Vec::new();
    let mut fail = |lanes: usize| {
        if let Some(&(_, p)) = cache.iter().find(|c| c.0 == lanes) {
            return p;
        }
        let p = engine_fail_probability(model, sigma_b, sigma_f, lanes);
        cache.push((lanes, p));
        p
    };
    let mut total = 0.0;
    for package in engines.chunk_by(|a, b| a.package == b.package) {
        if package[0].reworks != 1 {
            continue;
        }
        let mut with = 1.0;
        let mut all_pass = true;
        for engine in package {
            let p = fail(engine.q_um2.len());
            with *= p + f64::from(u8::from(!engine.coupling_failed));
            all_pass &= !engine.coupling_failed;
        }
        let factor = with - f64::from(u8::from(all_pass));
        total += factor.max(1e-300).ln();
    }
    total
}

/// Engines per unit of work of the likelihood (a fixed split, so that the sum's rounding
/// does not depend on the thread count).
const CHUNK: usize = 128;

fn alignment_ln_likelihood(
    engines: &[Prepared],
    sigma_b: f64,
    sigma_f: f64,
    threads: usize,
) -> f64 {
    let chunks: Vec<&[Prepared]> = engines.chunks(CHUNK).collect();
    let mut sums = vec![0.0; chunks.len()];
    let threads = threads.clamp(1, chunks.len().max(1));
    let per_thread = chunks.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (slots, work) in sums.chunks_mut(per_thread).zip(chunks.chunks(per_thread)) {
            scope.spawn(move || {
                for (slot, chunk) in slots.iter_mut().zip(work) {
                    *slot = chunk.iter().map(|e| engine_ln_likelihood(e, sigma_b, sigma_f)).sum();
                }
            });
        }
    });
    sums.iter().sum()
}

/// Engines the alignment likelihood reads at most (the first ones): 2048 engines fit
/// $\sigma_B$ to about 1.5 % (relative standard error), and each likelihood evaluation costs
/// a quadrature per engine, so a file of a million lanes would otherwise take minutes.
pub const MAX_ALIGNMENT_ENGINES: usize = 2048;

/// How many of `engines` (in package order) the alignment fit reads: whole packages until
/// [`MAX_ALIGNMENT_ENGINES`] is reached.
pub(super) fn used_engines(engines: &[EngineLanes]) -> usize {
    let mut count = engines.len().min(MAX_ALIGNMENT_ENGINES);
    while count > 0 && count < engines.len() && engines[count].package == engines[count - 1].package
    {
        count += 1;
    }
    count
}

/// The alignment fit: $(\sigma_B, \sigma_f)$ with observed-information intervals (module
/// docs) from the first [`MAX_ALIGNMENT_ENGINES`] engines, on `threads` threads (the result
/// does not depend on them); `None` with fewer than 2 engines or no engine of 2 lanes or
/// more.
#[must_use]
pub fn alignment(
    engines: &[EngineLanes],
    model: &FitModel,
    threads: usize,
) -> Option<(Estimate, Estimate)> {
    let prepared = prepare(&engines[..used_engines(engines)], model);
    let correct = model.spare_lanes_per_engine == 0;
    if prepared.len() < 2 || !prepared.iter().any(|e| e.q_um2.len() >= 2) {
        return None;
    }
    let f = |x: [f64; 2]| {
        let (sigma_b, sigma_f) = (x[0].exp(), x[1].exp());
        let rework =
            if correct { rework_ln_factor(&prepared, model, sigma_b, sigma_f) } else { 0.0 };
        alignment_ln_likelihood(&prepared, sigma_b, sigma_f, threads) + rework
    };
    // Start from moments: within-engine spread of q around its engine mean gives sigma_f
    // roughly, the engine means the rest.
    let start_f = model.defaults.fiber_sigma_um.max(1e-3).ln();
    let start_b = model.defaults.block_common_sigma_um.max(1e-3).ln();
    let (best, [h11, h12, h22]) = maximise_2d(&f, [start_b, start_f]);
    // Observed information: the negative Hessian in (ln sigma_B, ln sigma_f) at the maximum.
    let det = h11 * h22 - h12 * h12;
    if !(det > 0.0 && h11 < 0.0) {
        return None;
    }
    let var_b = -h22 / det;
    let var_f = -h11 / det;
    let estimate = |x: f64, var: f64| {
        let se = var.max(0.0).sqrt();
        Estimate { value: x.exp(), low: (x - Z_975 * se).exp(), high: (x + Z_975 * se).exp() }
    };
    Some((estimate(best[0], var_b), estimate(best[1], var_f)))
}

#[cfg(test)]
mod tests {
    use cporamp_yield::ByMechanism;

    use super::super::Defaults;
    use super::*;

    #[test]
    fn bessel_matches_its_series() {
        // I0(x) = sum (x/2)^(2k) / (k!)^2.
        for x in [0.0, 0.5, 2.0, 3.7, 3.8, 10.0, 40.0] {
            let mut term = 1.0;
            let mut sum = 1.0;
            for k in 1..200 {
                term *= (x / 2.0) * (x / 2.0) / (k as f64 * k as f64);
                sum += term;
            }
            let relative = (ln_bessel_i0(x) - sum.ln()).abs();
            assert!(relative < 3e-7, "x {x}: {} vs {}", ln_bessel_i0(x), sum.ln());
        }
    }

    #[test]
    fn the_offset_tail_is_the_noncentral_chi_square_tail() {
        // Centred: the central chi-square with 2 degrees of freedom, exp(-D / 2 sigma²).
        let tail = offset_tail(0.0, 0.5, 0.2);
        assert!((tail - (-0.5f64 / 0.08).exp()).abs() < 1e-15, "{tail}");
        // Off centre: against the Rice density integrated by the trapezoidal rule.
        let (r, d, sigma): (f64, f64, f64) = (0.4, 0.6, 0.15);
        let vf = sigma * sigma;
        let step = 1e-5;
        let mut integral = 0.0;
        let mut rho = d.sqrt();
        while rho < 3.0 {
            let density =
                (rho / vf).ln() - (rho * rho + r * r) / (2.0 * vf) + ln_bessel_i0(rho * r / vf);
            integral += density.exp() * step;
            rho += step;
        }
        let tail = offset_tail(r, d, sigma);
        assert!((tail / integral - 1.0).abs() < 1e-3, "{tail} vs {integral}");
    }

    #[test]
    fn the_engine_fail_probability_matches_a_monte_carlo_of_the_attach() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        // A fixed 5 µm gap, no tilt: an engine of 8 lanes fails when a lane's loss
        // -10 log10(e) (2 c0 + c2 |b + f|²) exceeds 0.6 dB.
        let model = FitModel {
            mode_radius_um: 2.0,
            wavelength_um: 1.31,
            gap_index: 1.5,
            tilt_sigma_mrad: 0.0,
            gap_mean_um: 5.0,
            gap_sigma_um: 0.0,
            coupling_budget_db: 0.6,
            spare_lanes_per_engine: 0,
            warpage_shift_um: 0.0,
            warpage_lateral_per_um: 0.0,
            lanes_per_laser: 0,
            weak_burn_in_survival: 1.0,
            fsr_nm: 10.0,
            wafer_test_coverage: 0.99,
            asic_lot_alpha: None,
            bus_lanes: None,
            defaults: Defaults {
                block_common_sigma_um: 0.25,
                fiber_sigma_um: 0.15,
                laser_dead_probability: 0.0,
                laser_weak_fraction: 0.0,
                ring_local_sigma_nm: 0.0,
                ring_engine_sigma_nm: 0.0,
                ring_wafer_sigma_nm: 0.0,
                warpage_mean_um: 0.0,
                warpage_sigma_um: 0.0,
                asic_defects_per_die: 0.0,
                asic_cluster_alpha: 1.0,
                package_test_coverage: ByMechanism([0.9; 5]),
                system_test_coverage: ByMechanism([0.5; 5]),
            },
        };
        let p = engine_fail_probability(&model, 0.25, 0.15, 8);
        let modes =
            cporamp_core::coupling::Modes { radius_um: 2.0, wavelength_um: 1.31, gap_index: 1.5 };
        let axis = modes.axis(0.0, 5.0);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (block, fiber) = (Normal::new(0.0, 0.25).unwrap(), Normal::new(0.0, 0.15).unwrap());
        let engines = 200_000;
        let mut failed = 0u32;
        for _ in 0..engines {
            let (bx, by) = (block.sample(&mut rng), block.sample(&mut rng));
            let fails = (0..8).any(|_| {
                let x = bx + fiber.sample(&mut rng);
                let y = by + fiber.sample(&mut rng);
                let loss = -DB_PER_NEPER * (axis.ln_efficiency(x) + axis.ln_efficiency(y));
                loss > 0.6
            });
            failed += u32::from(fails);
        }
        let mc = f64::from(failed) / f64::from(engines);
        let se = (mc * (1.0 - mc) / f64::from(engines)).sqrt();
        assert!(mc > 0.01, "a test that can fail: {mc}");
        assert!((p - mc).abs() < 3.0 * se, "{p} vs Monte Carlo {mc} ± {se}");
    }
}
