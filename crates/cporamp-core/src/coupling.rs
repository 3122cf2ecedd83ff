//! Fiber-to-coupler power coupling of Gaussian modes: the one overlap model of the project
//! (the photonics engine's misalignment loss, the yield engine's coupling failures, the
//! alignment model's search and the inspection fits all use it).
//!
//! **Gaussian mode overlap.** Two Gaussian modes of $1/e^2$ intensity radii $w_1$, $w_2$
//! offset laterally by $d$ couple with power efficiency
//!
//! $$ \eta = \left(\frac{2 w_1 w_2}{w_1^2 + w_2^2}\right)^2
//!           \exp\left(-\frac{2 d^2}{w_1^2 + w_2^2}\right), $$
//!
//! so for equal modes $\eta = e^{-d^2/w^2}$: a 1 µm offset between 5.2 µm modes loses 3.6 %
//! (docs/sources.md: S73). The loss is $-10\log_{10}\eta$ dB.
//!
//! **Offset, gap and tilt.** Both modes have waist radius $w$ at their facets; the fiber's mode travels a gap $z$ in a
//! medium of index $n$ (wavenumber $k = 2\pi n/\lambda$, Rayleigh range
//! $z_R = \pi n w^2/\lambda$) and meets the coupler's mode offset by $d$ and tilted by
//! $\theta$. The overlap is separable in $x$ and $y$; per axis, with the propagated field
//! $e^{-A x^2}$, $A = ik/(2q)$, $q = z + i z_R$, and the coupler's field
//! $e^{-B(x-d)^2 + ik\theta x}$, $B = 1/w^2$,
//!
//! $$\int e^{-A x^2} \overline{e^{-B(x-d)^2 + ik\theta x}}\thinspace dx
//!   = \sqrt{\frac{\pi}{A+B}}\exp\left(\frac{(2Bd - ik\theta)^2}{4(A+B)} - Bd^2\right),$$
//!
//! and the power efficiency is $|\cdot|^2$ over the two fields' norms
//! $\sqrt{\pi/(2\thinspace\mathrm{Re}A)}\sqrt{\pi/(2B)}$. Its limits are the textbook ones
//! (Joyce and DeLoach, Appl. Opt. 23, 4187, 1984): $e^{-d^2/w^2}$ for an offset alone,
//! $1/(1 + (z/2z_R)^2)$ for a gap alone (both axes), $e^{-(\pi n w\theta/\lambda)^2}$ for a
//! tilt alone.

use crate::units::{Db, Micrometres, Milliradians};
use serde::Serialize;

/// A fiber array attached to a PIC's edge couplers, as both the alignment model and the yield
/// engine see it: the coupler's mode and wavelength and the loss it may take (from
/// `[photonics]`), the spread of each fiber's core in its array, and the adhesive bond line
/// (cure shift, gap, gap index and tilt, from `[yield]`). The pipeline builds it once, so the
/// two models attach the same fibers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FiberAttach {
    /// Core position sigma per axis of each fiber within its array (block), µm.
    pub fiber_sigma_um: Micrometres,
    /// Post-attach (cure) shift sigma per axis of the whole array, µm.
    pub shift_sigma_um: Micrometres,
    /// Mode radius of fiber and edge coupler, µm.
    pub mode_radius_um: Micrometres,
    /// Wavelength, µm (sets the Rayleigh range for gap and tilt).
    pub wavelength_um: Micrometres,
    /// Refractive index of the fiber-to-coupler gap.
    pub gap_index: f64,
    /// Mean bond-line gap between the array and the couplers, µm.
    pub gap_mean_um: Micrometres,
    /// Bond-line gap sigma per array (engine), µm.
    pub gap_sigma_um: Micrometres,
    /// Tilt sigma per axis of the array against the couplers, mrad.
    pub tilt_sigma_mrad: Milliradians,
    /// Excess coupling loss a lane may take (its allocation of the link margin), dB.
    pub coupling_budget_db: Db,
}

/// Power coupling efficiency of two Gaussian modes (radii `w1_um`, `w2_um`, µm) offset
/// laterally by `offset_um`.
#[must_use]
pub fn gaussian_overlap(w1_um: f64, w2_um: f64, offset_um: f64) -> f64 {
    let sum_sq = w1_um * w1_um + w2_um * w2_um;
    let size = 2.0 * w1_um * w2_um / sum_sq;
    size * size * (-2.0 * offset_um * offset_um / sum_sq).exp()
}

/// A complex number, just enough for the overlap integral.
#[derive(Debug, Clone, Copy)]
struct Complex {
    re: f64,
    im: f64,
}

impl Complex {
    fn div(self, other: Complex) -> Complex {
        let norm = other.re * other.re + other.im * other.im;
        Complex {
            re: (self.re * other.re + self.im * other.im) / norm,
            im: (self.im * other.re - self.re * other.im) / norm,
        }
    }

    fn abs(self) -> f64 {
        // The overlap's terms are O(1/w^2) to O(k/z): no overflow for `hypot` to guard.
        (self.re * self.re + self.im * self.im).sqrt()
    }
}

/// Where the two modes meet: waist, wavelength and gap medium.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modes {
    /// Mode (waist) radius of both fields, µm.
    pub radius_um: f64,
    /// Wavelength in vacuum, µm.
    pub wavelength_um: f64,
    /// Refractive index of the gap (1 for air, ~1.5 for an index-matching adhesive).
    pub gap_index: f64,
}

/// The log of one axis's efficiency as a quadratic in the lateral offset $d$ (µm):
/// $\ln\eta = c_0 + c_1 d + c_2 d^2$, for a fixed tilt and gap. Expanding the overlap with
/// $S = A + B = s_r + i s_i$:
/// $c_0 = \ln(2\sqrt{B\thinspace\mathrm{Re}A}/|S|) - k^2\theta^2 s_r/(2|S|^2)$,
/// $c_1 = -2Bk\theta s_i/|S|^2$, $c_2 = 2B^2 s_r/|S|^2 - 2B$.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisCoupling {
    /// $c_0$.
    pub constant: f64,
    /// $c_1$, 1/µm.
    pub linear_per_um: f64,
    /// $c_2$, 1/µm².
    pub quadratic_per_um2: f64,
}

impl AxisCoupling {
    /// $\ln\eta$ at lateral offset `offset_um`.
    #[must_use]
    pub fn ln_efficiency(&self, offset_um: f64) -> f64 {
        self.constant + offset_um * (self.linear_per_um + offset_um * self.quadratic_per_um2)
    }
}

impl Modes {
    /// One axis's coupling for tilt `tilt_rad` and gap `gap_um`, as a function of offset.
    #[must_use]
    pub fn axis(&self, tilt_rad: f64, gap_um: f64) -> AxisCoupling {
        let w = self.radius_um;
        let k = 2.0 * std::f64::consts::PI * self.gap_index / self.wavelength_um;
        let rayleigh_um = k * w * w / 2.0;
        let b = 1.0 / (w * w);
        // A = i k / (2 q), q = z + i z_R.
        let a = Complex { re: 0.0, im: k / 2.0 }.div(Complex { re: gap_um, im: rayleigh_um });
        let sum = Complex { re: a.re + b, im: a.im };
        let norm_sq = sum.re * sum.re + sum.im * sum.im;
        AxisCoupling {
            constant: (2.0 * (b * a.re).sqrt() / sum.abs()).ln()
                - k * k * tilt_rad * tilt_rad * sum.re / (2.0 * norm_sq),
            linear_per_um: -2.0 * b * k * tilt_rad * sum.im / norm_sq,
            quadratic_per_um2: 2.0 * b * b * sum.re / norm_sq - 2.0 * b,
        }
    }

    /// Power coupling efficiency along one axis for offset `offset_um`, tilt `tilt_rad` and
    /// gap `gap_um`.
    #[must_use]
    pub fn axis_efficiency(&self, offset_um: f64, tilt_rad: f64, gap_um: f64) -> f64 {
        self.axis(tilt_rad, gap_um).ln_efficiency(offset_um).exp()
    }

    /// Power coupling efficiency for offsets `(dx, dy)`, tilts `(θx, θy)` and gap `gap_um`.
    #[must_use]
    pub fn efficiency(&self, offset_um: (f64, f64), tilt_rad: (f64, f64), gap_um: f64) -> f64 {
        self.axis_efficiency(offset_um.0, tilt_rad.0, gap_um)
            * self.axis_efficiency(offset_um.1, tilt_rad.1, gap_um)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_micron_offset_of_5_2_micron_modes_loses_3_6_percent() {
        // [S73]: eta = exp(-d^2/w^2) = exp(-1/27.04) = 0.9637.
        let eta = gaussian_overlap(5.2, 5.2, 1.0);
        assert!((eta - (-1.0f64 / 27.04).exp()).abs() < 1e-15);
        assert!(((1.0 - eta) - 0.036).abs() < 0.0005, "{}", 1.0 - eta);
        // Mode mismatch alone: 4 µm into 5 µm, (40/41)^2 = 0.9518.
        assert!((gaussian_overlap(4.0, 5.0, 0.0) - (40.0f64 / 41.0).powi(2)).abs() < 1e-15);
    }

    const MODES: Modes = Modes { radius_um: 4.6, wavelength_um: 1.31, gap_index: 1.0 };

    #[test]
    fn the_gap_and_tilt_model_without_gap_or_tilt_is_the_offset_overlap() {
        for offset_um in [0.0, 0.5, 1.0, 2.5] {
            let full = MODES.efficiency((offset_um, 0.0), (0.0, 0.0), 0.0);
            let offset_only = gaussian_overlap(MODES.radius_um, MODES.radius_um, offset_um);
            assert!((full - offset_only).abs() < 1e-14, "{offset_um}: {full} vs {offset_only}");
        }
    }

    /// The overlap integral by the trapezoidal rule on a fine grid (an independent check of the
    /// closed form's algebra).
    fn quadrature(modes: &Modes, offset_um: f64, tilt_rad: f64, gap_um: f64) -> f64 {
        let w = modes.radius_um;
        let k = 2.0 * std::f64::consts::PI * modes.gap_index / modes.wavelength_um;
        let z_r = k * w * w / 2.0;
        let q = Complex { re: gap_um, im: z_r };
        let a = Complex { re: 0.0, im: k / 2.0 }.div(q);
        let (mut re, mut im, mut n1, mut n2) = (0.0, 0.0, 0.0, 0.0);
        let step = 0.005;
        let mut x = -12.0 * w;
        while x <= 12.0 * w {
            // u1 = exp(-A x²); u2 = exp(-(x-d)²/w² + i k θ x); accumulate u1·conj(u2).
            let u1_mag = (-a.re * x * x).exp();
            let u1_phase = -a.im * x * x;
            let u2_mag = (-(x - offset_um).powi(2) / (w * w)).exp();
            let u2_phase = k * tilt_rad * x;
            let phase = u1_phase - u2_phase;
            re += u1_mag * u2_mag * phase.cos() * step;
            im += u1_mag * u2_mag * phase.sin() * step;
            n1 += u1_mag * u1_mag * step;
            n2 += u2_mag * u2_mag * step;
            x += step;
        }
        (re * re + im * im) / (n1 * n2)
    }

    #[test]
    fn limits_are_the_textbook_closed_forms() {
        let w = MODES.radius_um;
        // Offset alone: exp(-d²/w²) per axis, so 1 µm on SMF-like modes loses ~4 % ([S73]).
        let d = 1.0;
        let eta = MODES.efficiency((d, 0.0), (0.0, 0.0), 0.0);
        assert!((eta - (-d * d / (w * w)).exp()).abs() < 1e-12, "{eta}");
        // Gap alone: 1/(1 + (z/2z_R)²) over both axes.
        let z = 20.0;
        let z_r = std::f64::consts::PI * w * w / MODES.wavelength_um;
        let eta = MODES.efficiency((0.0, 0.0), (0.0, 0.0), z);
        assert!((eta - 1.0 / (1.0 + (z / (2.0 * z_r)).powi(2))).abs() < 1e-12, "{eta}");
        // Tilt alone: exp(-(π n w θ / λ)²).
        let theta = 0.01;
        let eta = MODES.efficiency((0.0, 0.0), (theta, 0.0), 0.0);
        let expected = (-(std::f64::consts::PI * w * theta / MODES.wavelength_um).powi(2)).exp();
        assert!((eta - expected).abs() < 1e-12, "{eta} vs {expected}");
    }

    #[test]
    fn offset_across_a_gap_follows_joyce_and_deloach() {
        // η = 4/(4 + Z²) · exp(-4 d² / (w² (4 + Z²))), Z = z / z_R, for an offset on one axis
        // across a gap (both axes' gap factors included).
        let w = MODES.radius_um;
        let z_r = std::f64::consts::PI * w * w / MODES.wavelength_um;
        for (d, z) in [(1.0, 10.0), (2.0, 50.0), (0.5, 120.0)] {
            let big_z_sq = (z / z_r).powi(2);
            let expected =
                4.0 / (4.0 + big_z_sq) * (-4.0 * d * d / (w * w * (4.0 + big_z_sq))).exp();
            let eta = MODES.efficiency((d, 0.0), (0.0, 0.0), z);
            assert!((eta - expected).abs() < 1e-12, "{eta} vs {expected}");
        }
    }

    #[test]
    fn combined_misalignment_matches_the_overlap_integral() {
        // Offset, tilt and gap together (the cross terms): the closed form against numerical
        // quadrature of the same fields; the grid (5 nm steps, ±12 w) resolves the integrand
        // to far better than 1e-6.
        for (modes, d, theta, z) in [
            (MODES, 1.2, 0.008, 15.0),
            (MODES, -0.7, -0.015, 40.0),
            (Modes { gap_index: 1.5, ..MODES }, 0.5, 0.02, 60.0),
        ] {
            let closed = modes.axis_efficiency(d, theta, z);
            let numeric = quadrature(&modes, d, theta, z);
            assert!((closed - numeric).abs() < 1e-6, "{closed} vs {numeric}");
        }
    }
}
