//! Lifetimes (random FIT, Arrhenius-accelerated Weibull wear-out, latent defects) and repair
//! times, sampled from a replication's stream.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::BOLTZMANN_EV_PER_K;
use crate::inputs::{Component, Repair};

/// A component's lifetime with the Arrhenius factor applied.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetime {
    rate_per_h: f64,
    /// $\eta / A$, h (infinite: no wear-out).
    scale_h: f64,
    inverse_shape: f64,
    infant_mean_h: f64,
    /// Chances that the random and the wear-out lifetimes end within the horizon
    /// ([`Lifetime::within`]; 1 without a horizon).
    random_within: f64,
    wear_out_within: f64,
}

/// Arrhenius acceleration factor from reference to operating temperature of a process with
/// activation energy `activation_energy_ev` ([`cporamp_core::math::arrhenius_factor`]).
#[must_use]
pub fn arrhenius_factor(activation_energy_ev: f64, ref_temp_c: f64, temp_c: f64) -> f64 {
    let ea_over_k_k = activation_energy_ev / BOLTZMANN_EV_PER_K;
    cporamp_core::math::arrhenius_factor(ea_over_k_k, ref_temp_c, temp_c)
}

/// Exponential with unit mean.
pub(crate) fn unit_exponential(rng: &mut Xoshiro256PlusPlus) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

impl Lifetime {
    pub(crate) fn of(component: &Component) -> Lifetime {
        let factor = arrhenius_factor(
            component.activation_energy_ev,
            component.ref_temp_c.0,
            component.temp_c.0,
        );
        Lifetime {
            rate_per_h: component.random_fit_at_temp() * 1e-9,
            scale_h: component.weibull_scale_h.0 / factor,
            inverse_shape: 1.0 / component.weibull_shape,
            infant_mean_h: component.infant_mean_h.0,
            random_within: 1.0,
            wear_out_within: 1.0,
        }
    }

    /// The same lifetime for a simulation that ends `horizon_h` after any draw: a draw
    /// beyond it is infinite. The uniform $U$ behind $T = -\ln(1 - U)/\lambda$ (random) or
    /// $T = \eta(-\ln(1 - U))^{1/\beta}$ (wear-out) ends within the horizon $H$ only for $U
    /// < 1 - e^{-\lambda H}$, respectively $U < 1 - e^{-(H/\eta)^\beta}$, so the logarithm
    /// and the power are skipped for the others; the same uniforms are drawn, and every
    /// event inside the horizon is the same. (The bound is taken a hair beyond $H$, so that
    /// rounding cannot move a lifetime across it.)
    pub(crate) fn within(self, horizon_h: f64) -> Lifetime {
        let horizon_h = horizon_h * (1.0 + 1e-9);
        Lifetime {
            random_within: -(-self.rate_per_h * horizon_h).exp_m1(),
            wear_out_within: -(-(horizon_h / self.scale_h).powf(1.0 / self.inverse_shape)).exp_m1(),
            ..self
        }
    }

    pub(crate) fn sample(&self, infant: bool, rng: &mut Xoshiro256PlusPlus) -> f64 {
        self.sample_latent(infant, rng).0
    }

    /// The lifetime and whether the latent defect ended it.
    pub(crate) fn sample_latent(&self, infant: bool, rng: &mut Xoshiro256PlusPlus) -> (f64, bool) {
        let mut time = f64::INFINITY;
        if self.rate_per_h > 0.0 {
            let u = rng.random::<f64>();
            if u < self.random_within {
                time = -(1.0 - u).ln() / self.rate_per_h;
            }
        }
        if self.scale_h.is_finite() {
            let u = rng.random::<f64>();
            if u < self.wear_out_within {
                time = time.min(self.scale_h * (-(1.0 - u).ln()).powf(self.inverse_shape));
            }
        }
        if infant {
            let latent = self.infant_mean_h * unit_exponential(rng);
            if latent < time {
                return (latent, true);
            }
        }
        (time, false)
    }
}

pub(crate) fn sample_repair(repair: &Repair, rng: &mut Xoshiro256PlusPlus) -> f64 {
    match *repair {
        Repair::LogNormal { median_h, sigma } => {
            if sigma > 0.0 {
                let z: f64 = StandardNormal.sample(rng);
                median_h.0 * (sigma * z).exp()
            } else {
                median_h.0
            }
        }
        Repair::Exponential { mean_h } => mean_h.0 * unit_exponential(rng),
    }
}
