//! Likelihood tools shared by the fits: Newton's method in two log sigmas, normal and
//! $\chi^2$ quantiles, profile-likelihood intervals.

use super::{CHI2_95, Estimate};

/// The derivatives of `f` at `x` by central differences of step `h`: the value, the
/// gradient and the Hessian (its cross term from the four diagonal neighbours).
fn derivatives(f: &dyn Fn([f64; 2]) -> f64, x: [f64; 2], h: f64) -> (f64, [f64; 2], [f64; 3]) {
    let at = |du: f64, dv: f64| f([x[0] + du, x[1] + dv]);
    let f0 = at(0.0, 0.0);
    let (px, mx, py, my) = (at(h, 0.0), at(-h, 0.0), at(0.0, h), at(0.0, -h));
    let cross = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4.0 * h * h);
    (
        f0,
        [(px - mx) / (2.0 * h), (py - my) / (2.0 * h)],
        [(px - 2.0 * f0 + mx) / (h * h), cross, (py - 2.0 * f0 + my) / (h * h)],
    )
}

/// Newton's method on `f` from `start` (steps of at most 0.5, halved until `f` does not
/// fall; gradient steps where the Hessian is not negative definite), to steps under 1e-4;
/// returns the maximum and the Hessian there.
pub(crate) fn maximise_2d(f: &dyn Fn([f64; 2]) -> f64, start: [f64; 2]) -> ([f64; 2], [f64; 3]) {
    let h = 0.01;
    let mut x = start;
    let (mut value, mut gradient, mut hessian) = derivatives(f, x, h);
    for _ in 0..40 {
        let [a, b, c] = hessian;
        let det = a * c - b * b;
        let mut step = if a < 0.0 && det > 0.0 {
            [-(c * gradient[0] - b * gradient[1]) / det, -(a * gradient[1] - b * gradient[0]) / det]
        } else {
            let norm = gradient[0].hypot(gradient[1]).max(1e-300);
            [0.1 * gradient[0] / norm, 0.1 * gradient[1] / norm]
        };
        let length = step[0].hypot(step[1]);
        if length > 0.5 {
            step = [step[0] * 0.5 / length, step[1] * 0.5 / length];
        }
        let mut moved = false;
        for _ in 0..20 {
            let next = [x[0] + step[0], x[1] + step[1]];
            if f(next) >= value {
                x = next;
                moved = true;
                break;
            }
            step = [step[0] / 2.0, step[1] / 2.0];
        }
        if !moved {
            break;
        }
        (value, gradient, hessian) = derivatives(f, x, h);
        if step[0].hypot(step[1]) < 1e-4 {
            break;
        }
    }
    (x, hessian)
}

/// The normal quantile (Acklam's rational approximation, relative error below
/// $1.2\times10^{-9}$).
fn normal_quantile(p: f64) -> f64 {
    cporamp_core::prior::normal_quantile(p)
}

/// $\chi^2_\nu$ quantile by Wilson–Hilferty (relative error well under 1 % for
/// $\nu \ge 10$).
#[must_use]
pub fn chi2_quantile(p: f64, df: f64) -> f64 {
    let z = normal_quantile(p);
    let a = 2.0 / (9.0 * df);
    df * (1.0 - a + z * a.sqrt()).powi(3)
}

/// The 95 % profile-likelihood interval of coordinate `index` (a log sigma) of `f` around
/// its maximum `best` (value `peak`): the other coordinate maximised by golden section at
/// each point, the edges by bisection where $2(\ell_{max} - \ell_p) = \chi^2_{1,0.95}$; an
/// edge still inside 8 nepers away is taken as 0 (below) or as that far (above).
pub(super) fn profile_interval(
    f: &dyn Fn([f64; 2]) -> f64,
    best: [f64; 2],
    peak: f64,
    index: usize,
) -> Estimate {
    let other = 1 - index;
    let profile = |value: f64| {
        let at = |y: f64| {
            let mut x = [0.0; 2];
            x[index] = value;
            x[other] = y;
            f(x)
        };
        let (mut a, mut b) = (best[other] - 6.0, best[other] + 6.0);
        let ratio = (5.0_f64.sqrt() - 1.0) / 2.0;
        let (mut c, mut d) = (b - ratio * (b - a), a + ratio * (b - a));
        let (mut fc, mut fd) = (at(c), at(d));
        for _ in 0..40 {
            if fc > fd {
                b = d;
                d = c;
                fd = fc;
                c = b - ratio * (b - a);
                fc = at(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + ratio * (b - a);
                fd = at(d);
            }
        }
        fc.max(fd)
    };
    let inside = |value: f64| 2.0 * (peak - profile(value)) <= CHI2_95;
    let edge = |outer_offset: f64| {
        let (mut inner, mut outer) = (best[index], best[index] + outer_offset);
        if inside(outer) {
            return None;
        }
        for _ in 0..40 {
            let middle = (inner + outer) / 2.0;
            if inside(middle) {
                inner = middle;
            } else {
                outer = middle;
            }
        }
        Some(inner.exp())
    };
    Estimate {
        value: best[index].exp(),
        low: edge(-8.0).unwrap_or(0.0),
        high: edge(8.0).unwrap_or((best[index] + 8.0).exp()),
    }
}

/// The binomial proportion `k / n` with its 95 % profile-likelihood interval.
#[must_use]
pub fn binomial_profile(k: u64, n: u64) -> Option<Estimate> {
    if n == 0 || k > n {
        return None;
    }
    let (kf, nf) = (k as f64, n as f64);
    let ll = |p: f64| {
        let a = if k > 0 { kf * p.ln() } else { 0.0 };
        let b = if k < n { (nf - kf) * (1.0 - p).ln() } else { 0.0 };
        a + b
    };
    let p_hat = kf / nf;
    let peak = ll(p_hat);
    let inside = |p: f64| 2.0 * (peak - ll(p)) <= CHI2_95;
    let edge = |mut inner: f64, mut outer: f64| {
        if inside(outer) {
            return outer;
        }
        for _ in 0..100 {
            let middle = (inner + outer) / 2.0;
            if inside(middle) {
                inner = middle;
            } else {
                outer = middle;
            }
        }
        inner
    };
    Some(Estimate { value: p_hat, low: edge(p_hat, 0.0), high: edge(p_hat, 1.0) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_quantiles_are_close_to_tables() {
        // Tables: chi2(0.025, 100) = 74.22, chi2(0.975, 100) = 129.56.
        assert!((chi2_quantile(0.025, 100.0) - 74.22).abs() < 0.1);
        assert!((chi2_quantile(0.975, 100.0) - 129.56).abs() < 0.1);
    }
}
