//! PAM4 error rates under Gaussian noise, and what a link margin means for them.
//!
//! Four equally spaced levels a distance $d$ apart, each with additive Gaussian noise of
//! standard deviation $\sigma$, decided at the mid-points: the two inner levels err on both
//! sides, the outer on one, so
//!
//! $$ \text{SER} = \tfrac{3}{2}\thinspace Q\left(\frac{d}{2\sigma}\right), \qquad
//!    \text{BER} \approx \tfrac{1}{2}\thinspace\text{SER} $$
//!
//! with Gray coding (one bit per adjacent-level error), $Q(x) = \tfrac12\operatorname{erfc}(x/\sqrt2)$.
//! With the levels at $\pm d/2, \pm 3d/2$ the mean signal power is $5d^2/4$, so the
//! electrical SNR is $5 q^2$ with $q = d/(2\sigma)$.
//!
//! **Margin.** A receiver's OMA sensitivity is the OMA at which the pre-FEC BER reaches the
//! KP4 threshold $2.4\times10^{-4}$ (docs/sources.md: S46); there $q = q_\text{th}$. The
//! photocurrent, and so $d$, is proportional to optical power, so a lane with OMA margin
//! $m$ dB over sensitivity has $q = q_\text{th}\thinspace10^{m/10}$ (receiver-noise-limited).

use cporamp_core::math::normal_sf;

/// Pre-FEC BER threshold of RS(544,514) "KP4" links (docs/sources.md: S46).
pub const KP4_BER_THRESHOLD: f64 = 2.4e-4;

/// PAM4 symbol error rate at $q = d/(2\sigma)$.
#[must_use]
pub fn pam4_ser(q: f64) -> f64 {
    1.5 * normal_sf(q)
}

/// PAM4 bit error rate (Gray coded) at $q = d/(2\sigma)$.
#[must_use]
pub fn pam4_ber(q: f64) -> f64 {
    0.5 * pam4_ser(q)
}

/// Electrical SNR (linear) of PAM4 at $q$: $5q^2$.
#[must_use]
pub fn pam4_snr(q: f64) -> f64 {
    5.0 * q * q
}

/// The $q$ at which the PAM4 BER equals `ber` (bisection; `ber` in (0, 0.375)).
#[must_use]
pub fn pam4_q_at_ber(ber: f64) -> f64 {
    let (mut low, mut high) = (0.0, 40.0);
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if pam4_ber(mid) > ber {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// Pre-FEC BER of a lane with OMA margin `margin_db` over a sensitivity defined at the KP4
/// threshold.
#[must_use]
pub fn ber_at_margin(margin_db: f64) -> f64 {
    pam4_ber(pam4_q_at_ber(KP4_BER_THRESHOLD) * 10f64.powf(margin_db / 10.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SER by direct integration of the four Gaussian densities over the wrong decision
    /// regions (composite Simpson on each region, cut at 14 sigma), independent of erfc.
    fn ser_by_integration(q: f64) -> f64 {
        let (d, sigma) = (2.0 * q, 1.0);
        let density = |x: f64, level: f64| {
            let z = (x - level) / sigma;
            (-0.5 * z * z).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt())
        };
        let simpson = |a: f64, b: f64, level: f64| {
            let n = 20_000;
            let h = (b - a) / f64::from(n);
            let mut sum = density(a, level) + density(b, level);
            for i in 1..n {
                sum += density(a + f64::from(i) * h, level) * if i % 2 == 1 { 4.0 } else { 2.0 };
            }
            sum * h / 3.0
        };
        let tail = 14.0 * sigma;
        // Outer levels err on one side, inner levels on both.
        let outer = simpson(-d, -1.5 * d + tail, -1.5 * d);
        let inner = simpson(-d - tail, -d, -0.5 * d) + simpson(0.0, -0.5 * d + tail, -0.5 * d);
        (2.0 * outer + 2.0 * inner) / 4.0
    }

    #[test]
    fn pam4_ser_matches_integration_at_several_snrs() {
        for snr_db in [10.0, 14.0, 17.0, 20.0] {
            let q = (10f64.powf(snr_db / 10.0) / 5.0).sqrt();
            let closed = pam4_ser(q);
            let integrated = ser_by_integration(q);
            // erfc's 1.2e-7 relative error; Simpson's error is far smaller.
            assert!(
                ((closed - integrated) / integrated).abs() < 1e-6,
                "{snr_db} dB: {closed} vs {integrated}"
            );
            assert!((pam4_snr(q) - 10f64.powf(snr_db / 10.0)).abs() < 1e-9);
        }
    }

    #[test]
    fn kp4_threshold_needs_about_17_6_db_snr() {
        // BER 2.4e-4 -> SER 4.8e-4 -> Q(q) = 3.2e-4 -> q = 3.4139 (normal quantile),
        // SNR = 5 q^2 = 58.27 = 17.65 dB.
        let q = pam4_q_at_ber(KP4_BER_THRESHOLD);
        assert!((pam4_ber(q) - KP4_BER_THRESHOLD).abs() < 1e-12);
        assert!((q - 3.4139).abs() < 2e-3, "{q}");
        let snr_db = 10.0 * pam4_snr(q).log10();
        assert!((snr_db - 17.65).abs() < 0.01, "{snr_db}");
        assert!((ber_at_margin(0.0) - KP4_BER_THRESHOLD).abs() < 1e-12);
        // 1 dB more OMA: q = 3.4139 x 1.2589 = 4.298, Q(4.298) = 8.6e-6 (normal table),
        // BER = 0.75 Q = 6.5e-6.
        assert!((ber_at_margin(1.0) - 6.5e-6).abs() < 0.1e-6, "{}", ber_at_margin(1.0));
        assert!(ber_at_margin(-1.0) > KP4_BER_THRESHOLD);
    }
}
