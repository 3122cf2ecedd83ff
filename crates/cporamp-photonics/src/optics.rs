//! Closed forms of the optical path: fiber-to-chip coupling and the microring line shape.
//!
//! **Misalignment.** The loss of a lateral offset $d$ between equal fiber and coupler modes of
//! radius $w$ is $-10\log_{10}\eta$ dB with $\eta$ the Gaussian mode overlap of
//! [`cporamp_core::coupling::gaussian_overlap`], $e^{-d^2/w^2}$ (the one overlap model the
//! yield engine and the alignment model also use, gap and tilt included).
//!
//! **Lorentzian resonance.** Near resonance a microring's drop-port transmission (and the
//! depth of its through-port notch) follows
//!
//! $$ T(\delta) = \frac{1}{1 + (2\delta/\Delta\lambda)^2}, \qquad \Delta\lambda = \lambda/Q, $$
//!
//! with $\delta$ the detuning of the ring from the laser and $\Delta\lambda$ the full width at
//! half maximum of a ring of loaded quality factor $Q$. A detuned lane loses
//! $10\log_{10}(1 + (2\delta/\Delta\lambda)^2)$ dB of signal (3.01 dB at half the linewidth); the
//! same penalty is used for the modulator ring, whose modulation amplitude falls with the
//! same line shape.
//!
//! **Adjacent-channel crosstalk.** A ring on a WDM grid of spacing $\Delta$ also drops a
//! fraction $X = \sum_n T(\Delta_n)$ of its neighbouring channels (two for an inner ring,
//! one at a row's end). An incoherent interferer of relative OMA $X$ closes each of the three
//! PAM4 eyes (each a third of the OMA) by up to $X$ of the OMA in the worst case, so the
//! penalty is $-10\log_{10}(1 - 3X)$ dB (infinite at $X \ge 1/3$).

use cporamp_core::coupling::gaussian_overlap;

/// Coupling loss (dB) of equal Gaussian modes of radius `mode_radius_um` offset by
/// `offset_um`: $10\log_{10}(e)\thinspace d^2/w^2$.
#[must_use]
pub fn misalignment_loss_db(mode_radius_um: f64, offset_um: f64) -> f64 {
    -10.0 * gaussian_overlap(mode_radius_um, mode_radius_um, offset_um).log10()
}

/// Full width at half maximum (nm) of a ring of loaded quality factor `q` at `wavelength_nm`.
#[must_use]
pub fn linewidth_nm(wavelength_nm: f64, q: f64) -> f64 {
    wavelength_nm / q
}

/// Lorentzian transmission at detuning `detuning_nm` for a line of width `fwhm_nm`.
#[must_use]
pub fn lorentzian(detuning_nm: f64, fwhm_nm: f64) -> f64 {
    let x = 2.0 * detuning_nm / fwhm_nm;
    1.0 / (1.0 + x * x)
}

/// Signal penalty (dB) of a ring detuned by `detuning_nm`.
#[must_use]
pub fn detuning_penalty_db(detuning_nm: f64, fwhm_nm: f64) -> f64 {
    -10.0 * lorentzian(detuning_nm, fwhm_nm).log10()
}

/// The detuning (nm, ≥ 0) whose penalty is `penalty_db` (≥ 0): the inverse of
/// [`detuning_penalty_db`], $(\Delta\lambda/2)\sqrt{10^{p/10} - 1}$.
#[must_use]
pub fn detuning_at_penalty_nm(penalty_db: f64, fwhm_nm: f64) -> f64 {
    0.5 * fwhm_nm * (10f64.powf(penalty_db / 10.0) - 1.0).max(0.0).sqrt()
}

/// Worst-case PAM4 eye-closure penalty (dB) of incoherent crosstalk `ratio` (interferer OMA
/// over signal OMA); infinite when the eyes close.
#[must_use]
pub fn pam4_crosstalk_penalty_db(ratio: f64) -> f64 {
    let open = 1.0 - 3.0 * ratio;
    if open > 0.0 { -10.0 * open.log10() } else { f64::INFINITY }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_micron_offset_of_5_2_micron_modes_loses_0_16_db() {
        // [S73]: eta = exp(-d^2/w^2) = exp(-1/27.04): 10 log10(e) / 27.04 dB.
        assert!(
            (misalignment_loss_db(5.2, 1.0) - 10.0 * std::f64::consts::LOG10_E / 27.04).abs()
                < 1e-12
        );
    }

    #[test]
    fn crosstalk_of_a_200_ghz_grid_costs_a_third_of_a_db() {
        // Linewidth 0.262 nm, spacing 1.14 nm: T = 1/(1 + (2.28/0.262)^2) = 0.01304 per
        // neighbour; an inner ring sees 2T = 0.0261, penalty -10 log10(1 - 0.0782) = 0.354 dB.
        let t = lorentzian(1.14, 0.262);
        assert!((t - 1.0 / (1.0 + (2.28f64 / 0.262).powi(2))).abs() < 1e-15);
        let penalty = pam4_crosstalk_penalty_db(2.0 * t);
        assert!((penalty - 0.354).abs() < 0.001, "{penalty}");
        assert!(pam4_crosstalk_penalty_db(0.0).abs() < 1e-15);
        assert!(pam4_crosstalk_penalty_db(0.34).is_infinite());
    }

    #[test]
    fn lorentzian_penalty_is_3_db_at_half_width_and_inverts() {
        let fwhm = linewidth_nm(1310.0, 5000.0);
        assert!((fwhm - 0.262).abs() < 1e-12);
        assert!((detuning_penalty_db(fwhm / 2.0, fwhm) - 10.0 * 2f64.log10()).abs() < 1e-12);
        assert!((lorentzian(fwhm, fwhm) - 0.2).abs() < 1e-15);
        for penalty in [0.1, 1.0, 3.0, 10.0] {
            let detuning = detuning_at_penalty_nm(penalty, fwhm);
            assert!((detuning_penalty_db(detuning, fwhm) - penalty).abs() < 1e-12);
        }
        assert!(detuning_at_penalty_nm(-1.0, fwhm).abs() < 1e-15);
    }
}
