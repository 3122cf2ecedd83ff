//! Closed forms of the lane-failure rates the Monte Carlo estimates, an independent check of
//! its sampling (the same physics, integrated instead of sampled):
//!
//! - **coupling and warpage lanes** at first attach. A lane's offsets are $X = b_x + f_x$ and
//!   $Y = b_y + f_y$: each $N(0, s^2)$, $s^2 = \sigma_b^2 + \sigma_s^2 + \sigma_f^2$, independent
//!   of each other and of the block's gap $z = |N(\bar z, \sigma_z^2)|$, tilts
//!   $\theta_x, \theta_y \sim N(0, \sigma_\theta^2)$ and the package warpage
//!   $W \sim N(\bar W, \sigma_W^2)$, which offsets $X$ by $o = k W \rho^2$ at an engine at
//!   $\rho^2$. With $\ln\eta_x$, $\ln\eta_y$ the axis overlaps ([`cporamp_core::coupling`]) and
//!   $\beta = B/(10\log_{10}e)$, the lane fails with the offset if
//!   $\ln\eta_y(Y) < -\beta - \ln\eta_x(X + o)$ and without it if
//!   $\ln\eta_y(Y) < -\beta - \ln\eta_x(X)$. $\ln\eta_y$ is a concave quadratic, so
//!   $\lbrace\ln\eta_y(Y) \ge t\rbrace$ is an interval $[y_-, y_+]$ and
//!   $P = 1 - \Phi(y_+/s) + \Phi(y_-/s)$ in closed form. Coupling lanes fail both ways
//!   (the threshold $-\beta - \max(\ln\eta_x(X+o), \ln\eta_x(X))$), warpage lanes only with
//!   the offset, or all lanes of an engine whose joints open ($|W| a^2/D^2$ beyond the
//!   limit). The expectation over $X$, $W$, $z$ and the tilts is taken by the midpoint rule
//!   on $\pm 7$ (X) and $\pm 6$ standard deviations, averaged over the engines' positions.
//! - **drift lanes**, fixed assignment: a lane of $r$ rings fails with
//!   $p = 1 - E_c[(1 - p(c))^r]$, $c \sim N(\mu, \sigma_c^2)$ the engine's common offset and
//!   $p(c) = \sum_k [\Phi(\frac{(k+1)F - c}{\sigma_l}) - \Phi(\frac{kF + R - c}{\sigma_l})]$;
//!   engine test (coverage $c_e$) replaces engines with drift failures, so among assembled
//!   engines (no spare lanes) the rate is $(1 - c_e) p / (1 - c_e P_e)$, $P_e = 1 - E_c[(1 -
//!   p(c))^{rL}]$ the engine's probability of any failed ring.
//!   With wavelength reassignment ($F = N\Delta$) a bus can be placed anywhere modulo $\Delta$,
//!   so it locks whenever its rings' spread $D = \max l - \min l$ leaves $R - D \ge \Delta$;
//!   the rate is then bounded by $P(D > R - \Delta) \le \binom{n}{2} P(|l_i - l_j| > R - \Delta)$,
//!   $l_i - l_j \sim N(0, 2\sigma_l^2)$, over the $n$ rings of a bus and $r$ buses, which is
//!   what [`ClosedForms::drift_lane`] reports (an upper bound, tight when it is tiny).
//! - **board joints**: $E[\min(1, (f|W| - W_\text{lo})^+/(W_\text{hi} - W_\text{lo}))]$, in
//!   closed form (normal partial expectations over the ramp of the band).

use cporamp_core::math::normal_cdf;
use serde::Serialize;

use crate::YieldInputs;
use cporamp_core::coupling::{AxisCoupling, Modes};

/// The closed forms of one set of inputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClosedForms {
    /// Lanes failing coupling at first attach (without the warpage offset too), fraction.
    pub coupling_lane: f64,
    /// Lanes failing from warpage (only with its offset, or on an engine whose joints open).
    pub warpage_lane: f64,
    /// Lanes failing drift: exact with fixed assignment, an upper bound with reassignment.
    pub drift_lane: f64,
    /// Whether `drift_lane` is an upper bound (wavelength reassignment) rather than exact.
    pub drift_is_bound: bool,
    /// Packages whose board joints open, fraction.
    pub bga_open: f64,
}

/// Midpoint nodes and weights of a standard normal over $\pm$`span`: (z, weight) with the
/// weights summing to the probability mass inside.
fn normal_nodes(points: usize, span: f64) -> Vec<(f64, f64)> {
    let step = 2.0 * span / points as f64;
    (0..points)
        .map(|i| {
            let z = -span + (i as f64 + 0.5) * step;
            (z, (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() * step)
        })
        .collect()
}

/// $P(\ln\eta_y(Y) < t)$ for $Y \sim N(0, s^2)$.
fn below(axis: &AxisCoupling, threshold: f64, s: f64) -> f64 {
    let (a, b, c) = (axis.quadratic_per_um2, axis.linear_per_um, axis.constant - threshold);
    if a >= 0.0 {
        // Not concave (no tilt or gap makes it so for equal modes): fall back to a sign test.
        return f64::from(u8::from(c < 0.0));
    }
    let discriminant = b * b - 4.0 * a * c;
    if discriminant < 0.0 {
        return 1.0;
    }
    if s <= 0.0 {
        return f64::from(u8::from(c < 0.0));
    }
    let root = discriminant.sqrt();
    let (low, high) = ((-b + root) / (2.0 * a), (-b - root) / (2.0 * a));
    let (low, high) = (low.min(high), low.max(high));
    1.0 - (normal_cdf(high / s) - normal_cdf(low / s))
}

/// The closed forms of `inputs` (see the module docs).
#[must_use]
pub fn closed_forms(inputs: &YieldInputs) -> ClosedForms {
    let modes = Modes {
        radius_um: inputs.attach.mode_radius_um.0,
        wavelength_um: inputs.attach.wavelength_um.0,
        gap_index: inputs.attach.gap_index,
    };
    let s = (inputs.block_sigma_um.0.powi(2)
        + inputs.attach.shift_sigma_um.0.powi(2)
        + inputs.attach.fiber_sigma_um.0.powi(2))
    .sqrt();
    let beta = inputs.attach.coupling_budget_db.0 / (10.0 * std::f64::consts::LOG10_E);
    let m = inputs.engines_per_package;
    // Engine positions with how many engines share each (the four sides and the two halves
    // of a side are symmetric: 16 engines sit at 2 distinct distances).
    let mut positions: Vec<(f64, f64)> = Vec::new();
    for index in 0..m {
        let rho_sq = crate::attach::engine_rho_sq(index, m);
        match positions.iter_mut().find(|(seen, _)| seen.to_bits() == rho_sq.to_bits()) {
            Some((_, count)) => *count += 1.0,
            None => positions.push((rho_sq, 1.0)),
        }
    }
    let x_nodes = normal_nodes(64, 7.0);
    let outer = normal_nodes(24, 6.0);
    let tilt_nodes = normal_nodes(6, 3.5);
    let gaps: Vec<(f64, f64)> = if inputs.attach.gap_sigma_um.0 > 0.0 {
        outer
            .iter()
            .map(|&(z, w)| {
                ((inputs.attach.gap_mean_um.0 + inputs.attach.gap_sigma_um.0 * z).abs(), w)
            })
            .collect()
    } else {
        vec![(inputs.attach.gap_mean_um.0.abs(), 1.0)]
    };
    let tilts: Vec<(f64, f64)> = if inputs.attach.tilt_sigma_mrad.0 > 0.0 {
        tilt_nodes.iter().map(|&(z, w)| (inputs.attach.tilt_sigma_mrad.0 * 1e-3 * z, w)).collect()
    } else {
        vec![(0.0, 1.0)]
    };
    // Y is symmetric, and a tilt's sign only mirrors ln eta_y: the y tilts fold onto their
    // magnitudes (the nodes are symmetric about 0), with the weights of both signs.
    let mut tilts_y: Vec<(f64, f64)> = Vec::new();
    for &(tilt, weight) in &tilts {
        match tilts_y.iter_mut().find(|(seen, _)| seen.to_bits() == tilt.abs().to_bits()) {
            Some((_, total)) => *total += weight,
            None => tilts_y.push((tilt.abs(), weight)),
        }
    }
    let warps: Vec<(f64, f64)> = if inputs.warpage_sigma_um.0 > 0.0 {
        outer
            .iter()
            .map(|&(z, w)| (inputs.warpage_mean_um.0 + inputs.warpage_sigma_um.0 * z, w))
            .collect()
    } else {
        vec![(inputs.warpage_mean_um.0, 1.0)]
    };
    let (mut coupling, mut warpage, mut mass) = (0.0, 0.0, 0.0);
    for &(gap, w_gap) in &gaps {
        for &(tilt_x, w_x) in &tilts {
            let x_axis = modes.axis(tilt_x, gap);
            for &(tilt_y, w_y) in &tilts_y {
                let y_axis = modes.axis(tilt_y, gap);
                for &(warp, w_warp) in &warps {
                    let weight = w_gap * w_x * w_y * w_warp;
                    let joints_open =
                        warp.abs() * inputs.engine_sag_per_um > inputs.engine_joint_open_um.0;
                    let (mut both, mut with) = (0.0, 0.0);
                    for &(rho_sq, engines) in &positions {
                        let offset = inputs.warpage_lateral_per_um * warp * rho_sq;
                        for &(z, w_node) in &x_nodes {
                            let x = s * z;
                            let with_offset = x_axis.ln_efficiency(x + offset);
                            let without = x_axis.ln_efficiency(x);
                            let p_with = below(&y_axis, -beta - with_offset, s);
                            let p_both = if without > with_offset {
                                below(&y_axis, -beta - without, s)
                            } else {
                                p_with
                            };
                            both += engines * w_node * p_both;
                            with += engines * w_node * p_with;
                        }
                    }
                    let n = m as f64;
                    coupling += weight * both / n;
                    warpage += weight * if joints_open { 1.0 } else { (with - both) / n };
                    mass += weight;
                }
            }
        }
    }
    let (drift_lane, drift_is_bound) = drift(inputs);
    let bga_open = board_joints_open(inputs);
    ClosedForms {
        coupling_lane: coupling / mass,
        warpage_lane: warpage / mass,
        drift_lane,
        drift_is_bound,
        bga_open,
    }
}

/// $E[\min(1, (f|W| - W_\text{lo})^+/(W_\text{hi} - W_\text{lo}))]$ exactly: with $a =
/// W_\text{lo}/f$, $b = W_\text{hi}/f$, it is $P(|W| > b) + E[(|W| - a)\thinspace1\lbrace a < |W| <
/// b\rbrace]/(b - a)$, and for $V \sim N(m, \sigma^2)$ (taking $V = W$ and $V = -W$ for the two
/// signs) $E[(V - a)1\lbrace a < V < b\rbrace] = (m - a)(\Phi(\beta) - \Phi(\alpha)) +
/// \sigma(\varphi(\alpha) - \varphi(\beta))$, $\alpha = (a - m)/\sigma$, $\beta = (b -
/// m)/\sigma$.
fn board_joints_open(inputs: &YieldInputs) -> f64 {
    let f = inputs.reflow_warpage_fraction;
    let (mean, sigma) = (inputs.warpage_mean_um.0, inputs.warpage_sigma_um.0);
    let (lo, hi) = (inputs.bga_open_low_um.0, inputs.bga_open_high_um.0);
    if f <= 0.0 {
        return f64::from(u8::from(lo < 0.0));
    }
    let (a, b) = (lo / f, hi / f);
    if sigma <= 0.0 {
        let reflow = f * mean.abs();
        return if hi > lo {
            ((reflow - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            f64::from(u8::from(reflow > lo))
        };
    }
    let density = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    // One sign of W: V ~ N(m, sigma^2) counted where V > 0.
    let side = |m: f64| {
        let (alpha, beta) = ((a - m) / sigma, (b - m) / sigma);
        let beyond = 1.0 - normal_cdf(beta);
        if b > a {
            let ramp = (m - a) * (normal_cdf(beta) - normal_cdf(alpha))
                + sigma * (density(alpha) - density(beta));
            beyond + ramp / (b - a)
        } else {
            beyond
        }
    };
    // a >= 0 (a limit below zero opens every package), so the two signs do not overlap.
    if a < 0.0 {
        return 1.0;
    }
    side(mean) + side(-mean)
}

/// The drift lane rate: exact for fixed assignment, a bound with reassignment.
fn drift(inputs: &YieldInputs) -> (f64, bool) {
    let sigma = inputs.drift_sigma_nm.0;
    let local = inputs.ring_local_sigma_nm();
    let common = sigma * (inputs.drift_global_fraction + inputs.drift_wafer_fraction).sqrt();
    let (range, fsr) = (inputs.tuning_range_nm.0, inputs.fsr_nm.0);
    let rings = inputs.rings_per_lane as i32;
    if let Some(step) = inputs.reassignment_step_nm.map(|step| step.0) {
        let n = (fsr / step).round().max(1.0);
        let margin = range - step;
        if margin <= 0.0 {
            return (1.0, true);
        }
        if local <= 0.0 {
            return (0.0, true);
        }
        // P(|l_i - l_j| > margin) for l_i - l_j ~ N(0, 2 sigma_l^2).
        let pair = 2.0 * (1.0 - normal_cdf(margin / (local * std::f64::consts::SQRT_2)));
        return ((n * (n - 1.0) / 2.0 * pair * f64::from(rings)).min(1.0), true);
    }
    let ring_fails = |c: f64| -> f64 {
        if local <= 0.0 {
            return f64::from(u8::from(c.rem_euclid(fsr) > range));
        }
        let first = ((c - 12.0 * local) / fsr).floor() as i64 - 1;
        let last = ((c + 12.0 * local) / fsr).ceil() as i64 + 1;
        (first..=last)
            .map(|k| {
                let k = k as f64;
                normal_cdf(((k + 1.0) * fsr - c) / local)
                    - normal_cdf((k * fsr + range - c) / local)
            })
            .sum()
    };
    // Per common offset: a lane's failure and the engine's (any of its rings).
    let engine_rings = rings * (inputs.lanes_per_engine + inputs.spare_lanes_per_engine) as i32;
    let at = |c: f64| {
        let ok = 1.0 - ring_fails(c);
        (1.0 - ok.powi(rings), 1.0 - ok.powi(engine_rings))
    };
    let (lane, engine) = if common <= 0.0 {
        at(inputs.drift_mean_nm.0)
    } else {
        let nodes = normal_nodes(200, 8.0);
        let mass: f64 = nodes.iter().map(|&(_, w)| w).sum();
        nodes.iter().fold((0.0, 0.0), |(lane, engine), &(z, w)| {
            let (l, e) = at(inputs.drift_mean_nm.0 + common * z);
            (lane + w * l / mass, engine + w * e / mass)
        })
    };
    // Engine test rejects an engine with drift failures with its coverage c and replaces it;
    // without spares an engine with any failed lane has the mechanism, and a laser failure's
    // detection is independent of it and cancels, so the assembled lanes fail with
    // (1 - c) p / (1 - c P(engine)).
    let coverage = inputs.engine_test[crate::Mechanism::Drift];
    (lane * (1.0 - coverage) / (1.0 - coverage * engine), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::units::Micrometres;

    #[test]
    fn board_joints_open_is_the_band_ramp_integrated() {
        // Against the midpoint rule on 400,000 nodes over +-10 sigma (the ramp's kinks cost the
        // rule O(h^2) there: ~1e-9 here), at a default-like bow, a bow near zero (both signs
        // of W count) and one beyond the band; within 1e-5, what the normal CDF's 1.2e-7
        // relative error can reach through the ramp's (m - a)/(b - a) factors.
        let base = crate::tests::defaults_like();
        for (mean, sigma) in [(113.0, 28.0), (5.0, 80.0), (400.0, 30.0)] {
            let inputs = YieldInputs {
                warpage_mean_um: Micrometres(mean),
                warpage_sigma_um: Micrometres(sigma),
                ..base.clone()
            };
            let (f, lo, hi) = (
                inputs.reflow_warpage_fraction,
                inputs.bga_open_low_um.0,
                inputs.bga_open_high_um.0,
            );
            let steps = 400_000;
            let h = 20.0 * sigma / f64::from(steps);
            let numeric: f64 = (0..steps)
                .map(|i| {
                    let w = mean - 10.0 * sigma + (f64::from(i) + 0.5) * h;
                    let z = (w - mean) / sigma;
                    let density =
                        (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt() / sigma;
                    density * h * ((f * w.abs() - lo) / (hi - lo)).clamp(0.0, 1.0)
                })
                .sum();
            let exact = board_joints_open(&inputs);
            assert!((exact - numeric).abs() < 1e-5, "{mean} {sigma}: {exact} vs {numeric}");
        }
    }
}
