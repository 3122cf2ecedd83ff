//! Temperature-dependent power: subthreshold leakage, solved self-consistently with the
//! temperature it causes.
//!
//! # Model
//! Leakage grows exponentially with junction temperature. With $P_\text{nom}$ the power at a
//! reference junction temperature $T_\text{ref}$, of which a fraction $f$ is leakage,
//!
//! $$ P(T) = P_\text{nom}\left[(1 - f) + f\thinspace e^{\beta (T - T_\text{ref})}\right], $$
//!
//! the form of HotSpot's `calc_leakage` ($\alpha A e^{\beta (T - T_\text{base})}$,
//! $\beta = 0.036\ \text{K}^{-1}$, uvahotspot/HotSpot `temperature.c`) normalised to a known
//! operating point.
//!
//! # Self-consistent solution
//! The temperature $T = \mathcal{T}(P)$ and the power $P(T)$ are iterated,
//! $T_{k+1} = \mathcal{T}(P(T_k))$, from $T_0 = T_\text{ref}$, until
//! $|T_{k+1} - T_k| < 0.01$ K (HotSpot's `LEAK_TOL`). The iteration converges when the loop
//! gain $R_\text{th}\thinspace\partial P/\partial T < 1$; without a fixed point (thermal runaway) the
//! temperature climbs, and after 100 iterations (HotSpot's `LEAKAGE_MAX_ITER`), above
//! 500 °C or at ten times the nominal power the solve stops with [`LeakageError::Runaway`]. For a lumped
//! $T = T_a + R P$ the fixed point has the closed form (Lambert W, checked by the tests)
//!
//! $$ T = T_a + R P_0 - W_0\left(-\beta R L e^{\beta (T_a + R P_0 - T_\text{ref})}\right)/\beta, $$
//!
//! with $P_0 = (1-f)P_\text{nom}$, $L = f P_\text{nom}$; it exists iff the argument of $W_0$
//! is at least $-1/e$.

use crate::settings::AsicLeakage;

/// Convergence tolerance on temperature, K (HotSpot's `LEAK_TOL`).
pub const LEAKAGE_TOLERANCE_K: f64 = 0.01;
/// Iteration limit (HotSpot's `LEAKAGE_MAX_ITER`).
pub const LEAKAGE_MAX_ITERATIONS: usize = 100;
/// Temperature taken as runaway, °C.
const RUNAWAY_C: f64 = 500.0;
/// Power taken as runaway, as a multiple of the nominal power.
const RUNAWAY_POWER_FACTOR: f64 = 10.0;

/// HotSpot's leakage constants (`calc_leakage`, mode 0): W/m² at the base temperature.
pub const HOTSPOT_LEAK_ALPHA_W_PER_M2: f64 = 1.5e4;
/// HotSpot's leakage temperature coefficient, 1/K.
pub const HOTSPOT_LEAK_BETA_PER_K: f64 = 0.036;
/// HotSpot's leakage base temperature, K (110 °C).
pub const HOTSPOT_LEAK_BASE_K: f64 = 383.15;

/// HotSpot's leakage power (W) of a block of `width_m` x `height_m` at `temp_k`.
#[must_use]
pub fn hotspot_leakage_w(width_m: f64, height_m: f64, temp_k: f64) -> f64 {
    HOTSPOT_LEAK_ALPHA_W_PER_M2
        * width_m
        * height_m
        * (HOTSPOT_LEAK_BETA_PER_K * (temp_k - HOTSPOT_LEAK_BASE_K)).exp()
}

/// The leakage loop has no fixed point.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeakageError<E> {
    /// The temperature did not settle: thermal runaway.
    #[error(
        "thermal runaway: the leakage-temperature loop did not settle (last temperature {last_temp_c:.1} °C after {iterations} iterations)"
    )]
    Runaway {
        /// Last temperature, °C.
        last_temp_c: f64,
        /// Iterations run.
        iterations: usize,
    },
    /// The thermal response failed.
    #[error(transparent)]
    Thermal(E),
}

/// A converged leakage loop.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled<R> {
    /// The power at the settled temperature, W.
    pub power_w: f64,
    /// The leakage part of it, W.
    pub leakage_w: f64,
    /// The thermal response at that power.
    pub response: R,
    /// Iterations.
    pub iterations: usize,
}

/// The leakage model is `[thermal.leakage]`'s own: a die's leakage relative to its power at a
/// reference temperature.
impl AsicLeakage {
    /// Power (W) at `temp_c` of a die that draws `nominal_w` at the reference temperature.
    #[must_use]
    pub fn power_w(&self, nominal_w: f64, temp_c: f64) -> f64 {
        nominal_w * (1.0 - self.fraction) + self.leakage_w(nominal_w, temp_c)
    }

    /// The leakage part (W) of [`AsicLeakage::power_w`].
    #[must_use]
    pub fn leakage_w(&self, nominal_w: f64, temp_c: f64) -> f64 {
        nominal_w * self.fraction * (self.beta_per_k * (temp_c - self.reference_temp_c.0)).exp()
    }

    /// Solves $T = \mathcal{T}(P(T))$ where `respond` maps a power (W) to the thermal
    /// response and `temperature_c` reads the die temperature the leakage follows.
    ///
    /// # Errors
    /// [`LeakageError::Runaway`] without a fixed point; [`LeakageError::Thermal`] if
    /// `respond` fails.
    pub fn settle<R, E>(
        &self,
        nominal_w: f64,
        mut respond: impl FnMut(f64) -> Result<R, E>,
        temperature_c: impl Fn(&R) -> f64,
    ) -> Result<Settled<R>, LeakageError<E>> {
        let mut temp_c = self.reference_temp_c.0;
        for iteration in 1..=LEAKAGE_MAX_ITERATIONS {
            let power_w = self.power_w(nominal_w, temp_c);
            if !power_w.is_finite() || power_w > RUNAWAY_POWER_FACTOR * nominal_w {
                return Err(LeakageError::Runaway { last_temp_c: temp_c, iterations: iteration });
            }
            let response = respond(power_w).map_err(LeakageError::Thermal)?;
            let next_c = temperature_c(&response);
            if !next_c.is_finite() || next_c > RUNAWAY_C {
                return Err(LeakageError::Runaway { last_temp_c: next_c, iterations: iteration });
            }
            if (next_c - temp_c).abs() < LEAKAGE_TOLERANCE_K {
                return Ok(Settled {
                    power_w,
                    leakage_w: self.leakage_w(nominal_w, temp_c),
                    response,
                    iterations: iteration,
                });
            }
            temp_c = next_c;
        }
        Err(LeakageError::Runaway { last_temp_c: temp_c, iterations: LEAKAGE_MAX_ITERATIONS })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::units::Celsius;

    /// Principal branch of Lambert W on [-1/e, 0] by Newton's method (Halley-free, from
    /// w = 0), accurate to 1e-14 away from the branch point.
    fn lambert_w0(x: f64) -> f64 {
        let mut w: f64 =
            if x < -0.3 { -1.0 + (2.0 * (1.0 + std::f64::consts::E * x)).sqrt() } else { 0.0 };
        for _ in 0..100 {
            let f = w * w.exp() - x;
            w -= f / (w.exp() * (w + 1.0));
        }
        w
    }

    #[test]
    fn lumped_die_settles_at_the_lambert_w_fixed_point() {
        // T = Ta + R P(T): Ta 35 °C, R 0.05 K/W, 500 W nominal at 85 °C with 25 % leakage.
        let leakage =
            AsicLeakage { fraction: 0.25, reference_temp_c: Celsius(85.0), beta_per_k: 0.036 };
        let (ambient_c, r_k_per_w, nominal_w) = (35.0, 0.05, 500.0);
        let settled = leakage
            .settle(nominal_w, |p| Ok::<f64, ()>(ambient_c + r_k_per_w * p), |t| *t)
            .unwrap();
        let p0 = (1.0 - leakage.fraction) * nominal_w;
        let l = leakage.fraction * nominal_w;
        let base = ambient_c + r_k_per_w * p0;
        let arg = -leakage.beta_per_k
            * r_k_per_w
            * l
            * (leakage.beta_per_k * (base - leakage.reference_temp_c.0)).exp();
        let exact_c = base - lambert_w0(arg) / leakage.beta_per_k;
        // The iteration stops when a step moves < 0.01 K; the loop gain here is ~0.2, so
        // the remaining error is below 0.01 x 0.2 / (1 - 0.2) K.
        assert!((settled.response - exact_c).abs() < 0.01, "{} vs {exact_c}", settled.response);
        assert!(settled.iterations > 1 && settled.iterations < 20);
        assert!((settled.power_w - leakage.power_w(nominal_w, settled.response)).abs() < 0.05);
    }

    #[test]
    fn without_a_fixed_point_the_loop_reports_runaway() {
        // Loop gain R dP/dT = 0.5 x 0.036 x 300 x e^(...) > 1: the W_0 argument is below -1/e.
        let leakage =
            AsicLeakage { fraction: 0.6, reference_temp_c: Celsius(85.0), beta_per_k: 0.036 };
        let error = leakage.settle(500.0, |p| Ok::<f64, ()>(35.0 + 0.5 * p), |t| *t).unwrap_err();
        assert!(matches!(error, LeakageError::Runaway { .. }), "{error:?}");
    }

    #[test]
    fn hotspot_leakage_is_alpha_area_at_the_base_temperature() {
        let at_base = hotspot_leakage_w(0.004, 0.002, 383.15);
        assert!((at_base - 1.5e4 * 8e-6).abs() < 1e-15);
        // Doubles every ln 2 / 0.036 = 19.25 K.
        let doubled = hotspot_leakage_w(0.004, 0.002, 383.15 + std::f64::consts::LN_2 / 0.036);
        assert!((doubled / at_base - 2.0).abs() < 1e-12);
    }
}
