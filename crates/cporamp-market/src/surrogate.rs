//! Surrogates: piecewise-linear stand-ins for an engine's response, the yield surrogate in
//! survival coordinates, and their held-out errors.

use super::*;

/// A piecewise-linear function of one variable, flat beyond its ends: a fitted stand-in for
/// an engine's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surrogate {
    /// Abscissae, strictly ascending.
    pub x: Vec<f64>,
    /// Values.
    pub y: Vec<f64>,
}

impl Surrogate {
    /// Linear interpolation; the end value beyond either end.
    pub fn eval(&self, x: f64) -> f64 {
        let n = self.x.len();
        if n == 0 {
            return 0.0;
        }
        if x <= self.x[0] {
            return self.y[0];
        }
        if x >= self.x[n - 1] {
            return self.y[n - 1];
        }
        let i = self.x.partition_point(|&xi| xi <= x) - 1;
        let f = (x - self.x[i]) / (self.x[i + 1] - self.x[i]);
        self.y[i] + f * (self.y[i + 1] - self.y[i])
    }

    /// Leave-one-out validation: $\max_i |y_i - \ell_i(x_i)|$ over interior points, with
    /// $\ell_i$ the chord through points $i-1$ and $i+1$ (the interpolation without point
    /// $i$). For a smooth $f$ on a grid of spacing $h$ this is about $|f''| h^2 / 2$, four
    /// times the interpolation error of the full grid, $|f''| h^2 / 8$: a conservative
    /// estimate of the surrogate's own error. 0 with fewer than 3 points.
    pub fn held_out_error(&self) -> f64 {
        let mut worst: f64 = 0.0;
        for i in 1..self.x.len().saturating_sub(1) {
            let f = (self.x[i] - self.x[i - 1]) / (self.x[i + 1] - self.x[i - 1]);
            let chord = self.y[i - 1] + f * (self.y[i + 1] - self.y[i - 1]);
            worst = worst.max((self.y[i] - chord).abs());
        }
        worst
    }

    /// Checks lengths, order and finiteness.
    ///
    /// # Errors
    /// [`MarketError`] naming `name.x` or `name.y`.
    pub fn check(&self, name: &str) -> Result<(), MarketError> {
        if self.x.len() < 2 || self.x.len() != self.y.len() {
            return Err(MarketError::Inconsistent {
                name: format!("{name}.x"),
                problem: format!(
                    "needs at least 2 points and as many y as x (x has {}, y has {})",
                    self.x.len(),
                    self.y.len()
                ),
            });
        }
        for (i, (&x, &y)) in self.x.iter().zip(&self.y).enumerate() {
            if !x.is_finite() || (i > 0 && x <= self.x[i - 1]) {
                return Err(MarketError::invalid(
                    format!("{name}.x[{i}]"),
                    x,
                    "finite and strictly ascending",
                ));
            }
            if !y.is_finite() {
                return Err(MarketError::invalid(format!("{name}.y[{i}]"), y, "finite"));
            }
        }
        Ok(())
    }
}

/// Largest yield a yield surrogate holds, so that $\ln(-\ln Y)$ stays finite.
pub const MAX_SURROGATE_YIELD: f64 = 1.0 - 1e-9;

/// Smallest yield a yield surrogate holds (a Monte Carlo point with no good package).
pub const MIN_SURROGATE_YIELD: f64 = 1e-12;

/// The yield surrogate of `(factor, package yield)` points with ascending factors > 0, in
/// survival coordinates: $x = \ln d$, $y = \ln(-\ln Y)$ (yields are held within
/// [`MIN_SURROGATE_YIELD`] and [`MAX_SURROGATE_YIELD`]). A package whose lanes fail with Gaussian-tail
/// probabilities $e^{-c/v}$ of the attach variance $v \propto d$ passes with
/// $Y = e^{-N e^{-c/v}}$, so $\ln(-\ln Y)$ is smooth and nearly linear where $Y$ itself
/// falls steeply: linear interpolation there is far more accurate. Evaluate with
/// [`yield_at`].
#[must_use]
pub fn yield_surrogate(points: &[(f64, f64)]) -> Surrogate {
    Surrogate {
        x: points.iter().map(|&(factor, _)| factor.ln()).collect(),
        y: points
            .iter()
            .map(|&(_, y)| (-y.clamp(MIN_SURROGATE_YIELD, MAX_SURROGATE_YIELD).ln()).ln())
            .collect(),
    }
}

/// The package yield a [`yield_surrogate`] gives at learning factor `factor` (> 0).
#[must_use]
pub fn yield_at(surrogate: &Surrogate, factor: f64) -> f64 {
    (-surrogate.eval(factor.ln()).exp()).exp()
}

/// Leave-one-out error of a [`yield_surrogate`], in yield: [`Surrogate::held_out_error`]'s
/// chords taken in survival coordinates and mapped back to yields.
pub(crate) fn yield_held_out_error(s: &Surrogate) -> f64 {
    let to_yield = |y: f64| (-y.exp()).exp();
    let mut worst: f64 = 0.0;
    for i in 1..s.x.len().saturating_sub(1) {
        let f = (s.x[i] - s.x[i - 1]) / (s.x[i + 1] - s.x[i - 1]);
        let chord = s.y[i - 1] + f * (s.y[i + 1] - s.y[i - 1]);
        worst = worst.max((to_yield(s.y[i]) - to_yield(chord)).abs());
    }
    worst
}
