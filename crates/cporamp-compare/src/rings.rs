//! Mean heater power to hold a microring on its laser.
//!
//! A heater can only red-shift a ring. At operating temperatures the red shift the ring
//! needs to reach the laser line is
//!
//! $$ d = b + a_L (T_L - T_0) - a_R (T_R - T_0) + \varepsilon, \qquad \varepsilon \sim N(0, \sigma^2) $$
//!
//! with $b$ the designed blue bias, $a_L$, $a_R$ the laser and ring drifts (nm/K) and
//! $\varepsilon$ the fabrication offset. Because resonances repeat every free spectral range
//! $F$, the controller locks to the nearest order on the red side, so the heater supplies
//! $\Delta = d \bmod F \in [0, F)$. For $d \sim N(\mu, \sigma^2)$, with $N = \lfloor d/F \rfloor$,
//!
//! $$ E(\Delta) = \mu - F\thinspace E(N), \quad E(N) = \sum_{k\ge1} Q\left(\frac{kF-\mu}{\sigma}\right) -
//!    \sum_{k\ge1} \Phi\left(\frac{(1-k)F-\mu}{\sigma}\right) $$
//!
//! ($E(N) = \sum_{k\ge1} P(N\ge k) - \sum_{k\ge1} P(N\le -k)$.) The mean heater power per
//! ring is $E(\Delta)/\eta_h$ with $\eta_h$ the heater efficiency in nm/mW. Limits: $\sigma \to 0$
//! gives $\mu \bmod F$; $\sigma \gg F$ gives $F/2$ (uniform phase).
//!
//! With **wavelength reassignment** ([`cporamp_core::wdm`]) a bus of $N = F/s$ rings (channel
//! spacing $s$) takes the rotation that puts its lowest ring just above the guard $g$: the
//! lowest ring sits at $g + u$, $u$ uniform on $[0, s)$ (the bus's common offset modulo a
//! channel), and the bus's mean is above its lowest ring by the mean minus the minimum of the
//! $N$ ring-to-ring offsets, whose expectation is $\sigma_l e_N$ ($e_N$ the expected maximum
//! of $N$ standard normals, $\sigma_l$ the ring-to-ring part of the fabrication offset). So
//! $E(\Delta) = g + s/2 + \sigma_l e_N$, whatever the mean $\mu$.

use cporamp_core::math::{normal_cdf, normal_sf};
use cporamp_core::units::Celsius;
use cporamp_core::wdm::BusLock;
use cporamp_scenario::{PhotonicsSettings, Rings};

/// Heater tuning of one ring, averaged over fabrication variation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RingTuning {
    /// Mean red shift needed before wrapping, nm.
    pub mean_offset_nm: f64,
    /// Mean heater shift after FSR wrap, nm.
    pub mean_tuning_nm: f64,
    /// Mean heater power per ring, mW.
    pub heater_mw_per_ring: f64,
}

/// Mean heater tuning of `rings` with the laser at `laser_temp`, locked as `photonics` says
/// (fixed assignment, or wavelength reassignment with its guard).
#[must_use]
pub fn ring_tuning(
    rings: &Rings,
    laser_temp: Celsius,
    photonics: &PhotonicsSettings,
) -> RingTuning {
    let reference_c = rings.reference_temp.0;
    let mean_offset_nm = rings.drifted_offset_nm(
        rings.design_bias.0,
        (rings.ring_temp.0, reference_c),
        (laser_temp.0, reference_c),
    );
    let mean_tuning_nm = if photonics.wavelength_reassignment {
        let spacing = photonics.channel_spacing_nm.0;
        let bus = BusLock {
            fsr_nm: rings.fsr.0,
            range_nm: 0.0,
            step_nm: Some(spacing),
            guard_nm: photonics.lock_guard_nm.0,
        };
        let local_sigma_nm =
            rings.fab_offset_sigma.0 * (1.0 - photonics.global_variance_fraction).max(0.0).sqrt();
        photonics.lock_guard_nm.0
            + spacing / 2.0
            + local_sigma_nm * expected_max_of_normals(bus.rotations())
    } else {
        mean_wrapped(mean_offset_nm, rings.fab_offset_sigma.0, rings.fsr.0)
    };
    RingTuning {
        mean_offset_nm,
        mean_tuning_nm,
        heater_mw_per_ring: mean_tuning_nm / rings.heater_efficiency_nm_per_mw,
    }
}

/// $e_n$, the expected maximum of `n` independent standard normals:
/// $\int x\thinspace n\thinspace\varphi(x)\thinspace\Phi(x)^{n-1}\thinspace dx$ by the midpoint rule over $[-10, 10]$
/// with step 0.05: for a smooth integrand decaying like a Gaussian the rule converges
/// faster than any power of the step (400 steps agree with 20 000 to 1e-14), so the
/// fixed point that calls this per evaluation does not pay for a finer grid
/// (0 for `n` = 1, 1.4236 for `n` = 8).
#[must_use]
pub fn expected_max_of_normals(n: usize) -> f64 {
    // A pure function of n, asked for at every fixed-point iterate of every technology and
    // co-design point: each n up to `CACHED` is integrated once per process.
    const CACHED: usize = 256;
    static TABLE: [std::sync::OnceLock<f64>; CACHED + 1] =
        [const { std::sync::OnceLock::new() }; CACHED + 1];
    match TABLE.get(n) {
        Some(cell) => *cell.get_or_init(|| integrate_max_of_normals(n)),
        None => integrate_max_of_normals(n),
    }
}

/// [`expected_max_of_normals`] by the midpoint rule on 400 steps over (-10, 10).
fn integrate_max_of_normals(n: usize) -> f64 {
    if n <= 1 {
        return 0.0;
    }
    let steps = 400;
    let step = 20.0 / f64::from(steps);
    (0..steps)
        .map(|index| {
            let x = -10.0 + (f64::from(index) + 0.5) * step;
            let density = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
            x * n as f64 * density * normal_cdf(x).powi(n as i32 - 1) * step
        })
        .sum()
}

/// $E(d \bmod F)$ for $d \sim N(\mu, \sigma^2)$, $F > 0$.
#[must_use]
pub fn mean_wrapped(mean: f64, sigma: f64, period: f64) -> f64 {
    if sigma <= 0.0 {
        return mean.rem_euclid(period);
    }
    // σ ≥ F: the wrapped phase is uniform to within 2 exp(-2π²σ²/F²) < 6e-9 of F/2.
    if sigma >= period {
        return period / 2.0;
    }
    // Terms decay like a Gaussian tail beyond |mu| + 10 sigma; sum until both tails vanish.
    let max_k = ((mean.abs() + 12.0 * sigma) / period).ceil() as i64 + 2;
    let mut expected_floor = 0.0;
    for k in 1..=max_k {
        let k = k as f64;
        expected_floor += normal_sf((k * period - mean) / sigma);
        expected_floor -= normal_cdf(((1.0 - k) * period - mean) / sigma);
    }
    mean - period * expected_floor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_maxima_of_normals_match_the_tables() {
        // Tabulated expected maxima of n standard normals (Harter 1961): 0.5642 for 2,
        // 1.0294 for 4, 1.4236 for 8.
        assert!(expected_max_of_normals(1).abs() < 1e-12);
        for (n, table) in [(2, 0.5642), (4, 1.0294), (8, 1.4236)] {
            assert!((expected_max_of_normals(n) - table).abs() < 2e-4, "{n}");
        }
    }

    #[test]
    fn narrow_spread_gives_the_plain_remainder() {
        assert!((mean_wrapped(3.0, 1e-6, 11.4) - 3.0).abs() < 1e-9);
        assert!((mean_wrapped(-2.0, 1e-6, 11.4) - 9.4).abs() < 1e-9);
        assert!((mean_wrapped(-2.0, 0.0, 11.4) - 9.4).abs() < 1e-12);
    }

    #[test]
    fn wide_spread_gives_half_an_fsr() {
        // sigma >> F: the phase is uniform, so E[d mod F] = F/2 whatever the mean.
        for mean in [0.0, 3.0, -7.0] {
            assert!((mean_wrapped(mean, 200.0, 11.4) - 5.7).abs() < 1e-3, "mean {mean}");
        }
    }

    #[test]
    fn matches_direct_quadrature_in_between() {
        // Independent check: midpoint-rule integral of (x mod F) phi(x) over +-12 sigma.
        let (mean, sigma, period) = (1.95, 2.1, 11.4);
        let n_steps = 400_000;
        let (low, high) = (mean - 12.0 * sigma, mean + 12.0 * sigma);
        let step = (high - low) / f64::from(n_steps);
        let mut integral = 0.0;
        for index in 0..n_steps {
            let x = low + (f64::from(index) + 0.5) * step;
            let density = (-0.5 * ((x - mean) / sigma).powi(2)).exp()
                / (sigma * (2.0 * std::f64::consts::PI).sqrt());
            integral += x.rem_euclid(period) * density * step;
        }
        // The series uses erfc with 1.2e-7 relative error; the quadrature's error from the
        // discontinuities at multiples of F is O(step * F * density) ~ 1e-5.
        assert!((mean_wrapped(mean, sigma, period) - integral).abs() < 1e-4, "{integral}");
    }
}
