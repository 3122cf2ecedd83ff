//! The fibers of one attached block: only those that can fail are drawn.
//!
//! # A circle on which every fiber passes
//! Each axis's coupling is $\ln\eta(d) = c_0 + c_1 d + c_2 d^2$ with $c_2 < 0$ (the module
//! `cporamp_core::coupling`), that is $M + c_2 (d - d^\ast)^2$ with $d^\ast = -c_1/2c_2$ and $M = c_0 -
//! c_1^2/4c_2$. A fiber offset $(u, v)$ from the coupler (block, fiber and warpage offsets
//! added) passes its budget $B$ when $-\ln\eta_x(u) - \ln\eta_y(v) \le B/(10\log_{10}e)$,
//! that is inside the ellipse $|c_{2x}|(u - u^\ast)^2 + |c_{2y}|(v - v^\ast)^2 \le K$, $K = M_x +
//! M_y + B/(10\log_{10}e)$, of semi-axes $a_x = \sqrt{K/|c_{2x}|}$, $a_y =
//! \sqrt{K/|c_{2y}|}$. A fiber sits at $f \sim N(0, \sigma_f^2 I)$ from its block's centre.
//! If the block's centre lies inside the ellipse at normalized radius $s =
//! \lVert((p_x - u^\ast)/a_x, (p_y - v^\ast)/a_y)\rVert < 1$, the circle of radius $r = (1 -
//! s)\min(a_x, a_y)$ around it lies inside too (the ellipse is the unit disc stretched by
//! $a_x, a_y$: a disc of radius $\rho$ maps into one of radius $\rho/\min a$ around the
//! centre's image, inside the unit disc while $s + \rho/\min a \le 1$).
//!
//! # Drawing only the fibers outside
//! $|f|^2/\sigma_f^2$ is $\chi^2_2$, an exponential of mean 2, so a fiber falls outside the
//! circle with $p = e^{-r^2/2\sigma_f^2}$, independently of the others, and given that, $|f|^2
//! = r^2 + 2\sigma_f^2 E$ ($E$ a unit exponential, memoryless) in a uniform direction. The lanes
//! outside are found by geometric skips (module `skip`),
//! each drawn as above and judged by its loss; the others pass. This is exactly the law of
//! drawing every fiber, at one uniform and one logarithm per block when $p$ is small (at the
//! defaults $r \approx 4\sigma_f$, $p \approx 3 \cdot 10^{-4}$). When $p > 1/2$ every fiber is
//! drawn ($r = 0$). Test data draw the fibers inside the circle too, by rejection from a
//! separate stream, for their losses.

use cporamp_core::coupling::AxisCoupling;
use rand::Rng;
use rand_distr::StandardNormal;

/// Above this chance of a fiber outside the circle, every fiber is drawn.
const MAX_OUTSIDE: f64 = 0.5;

/// The circle around a block's centre on which every fiber passes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SafeCircle {
    radius_um: f64,
    sigma_um: f64,
    /// Chance that a fiber falls outside.
    outside: f64,
}

impl SafeCircle {
    /// For axes `x` and `y`, a loss allowance `allowance` (the budget in nepers of $-\ln\eta$),
    /// the block's centre at `centre_um` in the axes' offsets, and fibers spread by
    /// `sigma_um` per axis.
    pub(crate) fn new(
        x: &AxisCoupling,
        y: &AxisCoupling,
        allowance: f64,
        centre_um: (f64, f64),
        sigma_um: f64,
    ) -> SafeCircle {
        let (cx, cy) = (x.quadratic_per_um2, y.quadratic_per_um2);
        let mut radius_um = 0.0;
        if cx < 0.0 && cy < 0.0 {
            let peak = |axis: &AxisCoupling, c2: f64| {
                (
                    -axis.linear_per_um / (2.0 * c2),
                    axis.constant - axis.linear_per_um.powi(2) / (4.0 * c2),
                )
            };
            let ((ux, mx), (vy, my)) = (peak(x, cx), peak(y, cy));
            let k = mx + my + allowance;
            if k > 0.0 {
                let (ax, ay) = ((k / -cx).sqrt(), (k / -cy).sqrt());
                let (sx, sy) = ((centre_um.0 - ux) / ax, (centre_um.1 - vy) / ay);
                let s = (sx * sx + sy * sy).sqrt();
                // A hair inside, so that rounding cannot fail a fiber on the circle.
                radius_um = ((1.0 - s) * ax.min(ay)).max(0.0) * (1.0 - 1e-9);
            }
        }
        let mut outside = if sigma_um > 0.0 {
            (-0.5 * (radius_um / sigma_um).powi(2)).exp()
        } else {
            f64::from(u8::from(radius_um <= 0.0))
        };
        if outside > MAX_OUTSIDE {
            (radius_um, outside) = (0.0, 1.0);
        }
        SafeCircle { radius_um, sigma_um, outside }
    }

    /// Calls `each(lane, (fx, fy))` for every lane of `lanes` whose fiber falls outside the
    /// circle, with its position from the block's centre, in lane order.
    pub(crate) fn for_each_outside(
        &self,
        lanes: usize,
        rng: &mut impl Rng,
        mut each: impl FnMut(usize, (f64, f64)),
    ) {
        crate::skip::each_with(lanes, self.outside, rng, |lane, rng| {
            // Outside the circle: |f|^2 = r^2 + 2 sigma^2 E at a uniform angle.
            let squared = self.radius_um.powi(2)
                - 2.0 * self.sigma_um.powi(2) * (1.0 - rng.random::<f64>()).ln();
            // A uniform direction: a point uniform in the unit disc (by rejection from its
            // square, 4/pi tries), normalized; no sine or cosine.
            let (dx, dy, norm_sq) = loop {
                let (dx, dy) = (2.0 * rng.random::<f64>() - 1.0, 2.0 * rng.random::<f64>() - 1.0);
                let norm_sq = dx * dx + dy * dy;
                if norm_sq <= 1.0 && norm_sq > 0.0 {
                    break (dx, dy, norm_sq);
                }
            };
            let scale = (squared / norm_sq).sqrt();
            each(lane, (scale * dx, scale * dy));
        });
    }

    /// A fiber's position given that it falls inside the circle (rejection; only called when
    /// the chance inside is at least 1/2).
    pub(crate) fn inside(&self, rng: &mut impl Rng) -> (f64, f64) {
        loop {
            let fx = self.sigma_um * rng.sample::<f64, _>(StandardNormal);
            let fy = self.sigma_um * rng.sample::<f64, _>(StandardNormal);
            if fx * fx + fy * fy <= self.radius_um * self.radius_um {
                return (fx, fy);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::coupling::Modes;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    const MODES: Modes = Modes { radius_um: 2.0, wavelength_um: 1.31, gap_index: 1.5 };

    fn loss_np(x: &AxisCoupling, y: &AxisCoupling, (u, v): (f64, f64)) -> f64 {
        -(x.ln_efficiency(u) + y.ln_efficiency(v))
    }

    #[test]
    fn every_fiber_on_the_circle_passes_and_the_circle_touches_the_ellipse_for_a_round_one() {
        let (x, y) = (MODES.axis(0.002, 5.0), MODES.axis(-0.001, 5.0));
        let allowance = 1.0 / (10.0 * std::f64::consts::LOG10_E);
        let centre = (0.3, -0.2);
        let circle = SafeCircle::new(&x, &y, allowance, centre, 0.15);
        assert!(circle.radius_um > 0.3, "{circle:?}");
        for k in 0..3600 {
            let angle = std::f64::consts::TAU * f64::from(k) / 3600.0;
            let point = (
                centre.0 + circle.radius_um * angle.cos(),
                centre.1 + circle.radius_um * angle.sin(),
            );
            assert!(loss_np(&x, &y, point) <= allowance, "{k}");
        }
        // Without tilt the ellipse is a circle centred on the coupler: the safe circle
        // around the coupler is the whole pass region (radius w sqrt(allowance)/sqrt(2)
        // for 2/w^2 per axis ... checked against the quadratic itself).
        let (x0, y0) = (MODES.axis(0.0, 0.0), MODES.axis(0.0, 0.0));
        let round = SafeCircle::new(&x0, &y0, allowance, (0.0, 0.0), 0.15);
        let edge = (allowance / -x0.quadratic_per_um2).sqrt();
        assert!((round.radius_um - edge).abs() < 1e-6 * edge, "{round:?} vs {edge}");
    }

    #[test]
    fn fibers_outside_follow_the_rayleigh_tail_and_the_count_is_binomial() {
        // A circle of 2 sigma: p = exp(-2); over 40 000 blocks of 32 lanes the mean count of
        // lanes outside is 32 p (SE ~ sqrt(32 p (1 - p) / 40 000)), and the mean squared
        // radius of those outside is r^2 + 2 sigma^2.
        let circle = SafeCircle { radius_um: 0.3, sigma_um: 0.15, outside: (-2.0f64).exp() };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let (blocks, lanes) = (40_000, 32);
        let (mut count, mut squared) = (0usize, 0.0);
        for _ in 0..blocks {
            let mut last = None;
            circle.for_each_outside(lanes, &mut rng, |lane, (fx, fy)| {
                assert!(lane < lanes && last.is_none_or(|l| lane > l));
                last = Some(lane);
                count += 1;
                squared += fx * fx + fy * fy;
            });
        }
        let p = (-2.0f64).exp();
        let mean = count as f64 / blocks as f64;
        let se = (lanes as f64 * p * (1.0 - p) / blocks as f64).sqrt();
        assert!((mean - lanes as f64 * p).abs() < 4.0 * se, "{mean} vs {}", lanes as f64 * p);
        let expected = 0.09 + 2.0 * 0.0225;
        // The excess over r^2 is exponential (SD = mean = 0.045 um^2).
        let se = 0.045 / (count as f64).sqrt();
        assert!((squared / count as f64 - expected).abs() < 4.0 * se);
    }

    #[test]
    fn fibers_inside_stay_inside() {
        let circle = SafeCircle { radius_um: 0.2, sigma_um: 0.15, outside: 0.41 };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for _ in 0..10_000 {
            let (fx, fy) = circle.inside(&mut rng);
            assert!(fx.hypot(fy) <= 0.2);
        }
    }
}
