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
    yield_held_out_errors(s).into_iter().fold(0.0, f64::max)
}

/// The leave-one-out error of a [`yield_surrogate`] at each interior point (in yield), in
/// order: where to refine it.
pub fn yield_held_out_errors(s: &Surrogate) -> Vec<f64> {
    let to_yield = |y: f64| (-y.exp()).exp();
    (1..s.x.len().saturating_sub(1))
        .map(|i| {
            let f = (s.x[i] - s.x[i - 1]) / (s.x[i + 1] - s.x[i - 1]);
            let chord = s.y[i - 1] + f * (s.y[i + 1] - s.y[i - 1]);
            (to_yield(s.y[i]) - to_yield(chord)).abs()
        })
        .collect()
}

/// The engineering multipliers at which a package yield is taken, each 1 at the yield
/// engine's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YieldFactors {
    /// Wright defect factor $d$ (laser defects and attach variance; 1 at the reference
    /// volume).
    pub defect: f64,
    /// `alignment_factor`: on the attach placement and cure-shift sigmas.
    pub alignment: f64,
    /// `mode_radius_factor`: on the coupler's mode radius.
    pub mode_radius: f64,
    /// `heater_efficiency_factor`: on the ring heaters' tuning range.
    pub heater_efficiency: f64,
    /// `warpage_factor`: on the warpage's mean and spread.
    pub warpage: f64,
    /// `asic_defect_factor`: on the ASIC's defect density.
    pub asic_defects: f64,
}

impl YieldFactors {
    /// Every input at its default.
    pub const REFERENCE: YieldFactors = YieldFactors {
        defect: 1.0,
        alignment: 1.0,
        mode_radius: 1.0,
        heater_efficiency: 1.0,
        warpage: 1.0,
        asic_defects: 1.0,
    };

    /// The factors in field order, with their names (for errors and tables).
    pub fn named(&self) -> [(&'static str, f64); 6] {
        [
            ("defect", self.defect),
            ("alignment", self.alignment),
            ("mode_radius", self.mode_radius),
            ("heater_efficiency", self.heater_efficiency),
            ("warpage", self.warpage),
            ("asic_defects", self.asic_defects),
        ]
    }
}

/// One yield engine run held out of the surface: its factors, its package yield and the
/// yield's Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YieldCheckPoint {
    /// Where the engine ran.
    pub factors: YieldFactors,
    /// Its package yield, fraction.
    pub package_yield: f64,
    /// Its standard error, fraction.
    pub se: f64,
}

/// Smallest attach factor the [`YieldSurface`] evaluates.
pub const MIN_ATTACH_FACTOR: f64 = 0.01;

/// Standard errors by which a held-out engine run may differ from the [`YieldSurface`]
/// before the difference counts as the surface's error: the run's own Monte Carlo noise
/// (a two-sided 95 % band).
pub const HELD_OUT_NOISE_SE: f64 = 2.0;

/// The co-packaged package yield over every engineering input, from yield engine runs.
///
/// With $x = (d, a, m, h, w, q)$ the [`YieldFactors`] and $s$ the attach factor that gives
/// the same lateral variance in units of the mode radius squared (a lateral offset $\delta$
/// couples $e^{-\delta^2/w^2}$ of the power between equal Gaussian modes, so only
/// $\sigma^2/w^2$ matters): the block placement and cure-shift variance $V$ scales by
/// $d a^2$, the per-fiber core variance $\rho V$ stays, the warpage's lateral fiber shift
/// (mean square $\rho_w V$ at the reference) grows as $w^2$, and all are seen through a mode
/// radius scaled by $m$, so $(s + \rho + \rho_w)\thinspace V = (d a^2 + \rho + \rho_w w^2)\thinspace V / m^2$
/// and $s = (d a^2 + \rho + \rho_w w^2)/m^2 - \rho - \rho_w$ (held at
/// [`MIN_ATTACH_FACTOR`] or more). The shift is one deterministic offset per engine rather
/// than a Gaussian spread, so this equivalence is approximate; the held-out runs measure
/// it. $A(s, d) =
/// \hat Y(s)\thinspace e^{-\lambda (d - s)}$ the attach surrogate with its laser part moved back from
/// $s$ to $d$ ($\lambda$ = `laser_defects_at_reference`), $Y_0$ the engine's yield at the
/// defaults and $\ell_k$ the engine's yield along input $k$ alone (the others at their
/// defaults, the same seed and packages as $Y_0$: common random numbers), every one
/// interpolated in survival coordinates ([`yield_surrogate`]: a failure probability that
/// grows as a Gaussian tail is nearly linear there):
///
/// $$Y(x) = \min\Big(1,\  A(s, d)\thinspace\frac{\ell_m(m)}{Y_0}\thinspace\frac{\ell_h(h)}{Y_0}\thinspace
/// \frac{\ell_w(w)}{Y_0}\thinspace\frac{\ell_q(q)}{Y_0}\Big).$$
///
/// The mode line $\ell_m$ is run with every lateral error (block placement, cure shift,
/// per-fiber core, warpage shift) scaled with the mode radius, so that the lateral part
/// stays at the reference (it is in $s$); what it carries is the rest of a mode change, the
/// tilt tolerance (the pipeline scales the bond-line gap with the Rayleigh range, as $w^2$,
/// as a coupler designed for its mode would be). The warpage line is run with the lateral
/// shift held at the reference (it is in $s$): it carries the board and engine joints. The heater line acts
/// through the rings' lock range (drift), the warpage line through the board and engine
/// joints and the warpage's lateral fiber shift, the ASIC line through wafer-test escapes.
/// The product is exact where the mechanisms are independent and each input reaches one
/// mechanism; what it misses (warpage's fiber shift against the attach spread, the gap and
/// tilt against the alignment) is measured on `held_out`: engine runs at points spread over
/// the inputs' ranges ([`YieldSurface::held_out_error`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldSurface {
    /// Package yield against the attach factor $s$: a [`yield_surrogate`] of engine runs
    /// that scale the laser defects and the attach variance together by $s$.
    pub attach: Surrogate,
    /// Dead lasers per package that reach package test at the reference (0 for an external
    /// laser source): the laser part of the yield, $e^{-\lambda d}$.
    pub laser_defects_at_reference: f64,
    /// $\rho$: the per-fiber core variance over the block placement and cure-shift variance
    /// at the reference (the lateral variance that neither learning nor the attach process
    /// moves), ≥ 0.
    pub fiber_variance_ratio: f64,
    /// $\rho_w$: the mean square of the warpage's lateral fiber shift over the same, at the
    /// reference warpage (it grows as $w^2$), ≥ 0.
    pub warpage_variance_ratio: f64,
    /// $Y_0$: the engine's package yield with every input at its default, fraction > 0.
    pub reference_yield: f64,
    /// $\ell_m$: package yield against `mode_radius_factor`, the placement and shift sigmas
    /// scaled with it (a [`yield_surrogate`], like every line).
    pub mode_radius: Surrogate,
    /// $\ell_h$: package yield against `heater_efficiency_factor`.
    pub heater_efficiency: Surrogate,
    /// $\ell_w$: package yield against `warpage_factor`.
    pub warpage: Surrogate,
    /// $\ell_q$: package yield against `asic_defect_factor`.
    pub asic_defects: Surrogate,
    /// Engine runs held out of the surface.
    pub held_out: Vec<YieldCheckPoint>,
}

impl YieldSurface {
    /// The package yield at `x` (formula in the type's docs).
    pub fn package_yield(&self, x: &YieldFactors) -> f64 {
        let attach = |s: f64, d: f64| {
            yield_at(&self.attach, s) * (-self.laser_defects_at_reference * (d - s)).exp()
        };
        let (rho, rho_w) = (self.fiber_variance_ratio, self.warpage_variance_ratio);
        let lateral = x.defect * x.alignment * x.alignment + rho + rho_w * x.warpage * x.warpage;
        let s = (lateral / (x.mode_radius * x.mode_radius) - rho - rho_w).max(MIN_ATTACH_FACTOR);
        let line = |line: &Surrogate, at: f64| yield_at(line, at) / self.reference_yield;
        (attach(s, x.defect)
            * line(&self.mode_radius, x.mode_radius)
            * line(&self.heater_efficiency, x.heater_efficiency)
            * line(&self.warpage, x.warpage)
            * line(&self.asic_defects, x.asic_defects))
        .min(1.0)
    }

    /// The lines, named by their path in the anchors and by what people call them.
    pub fn lines(&self) -> [(&'static str, &'static str, &Surrogate); 4] {
        [
            ("cpo_yield.mode_radius", "CPO yield against mode radius", &self.mode_radius),
            (
                "cpo_yield.heater_efficiency",
                "CPO yield against heater efficiency",
                &self.heater_efficiency,
            ),
            ("cpo_yield.warpage", "CPO yield against warpage", &self.warpage),
            ("cpo_yield.asic_defects", "CPO yield against ASIC defect density", &self.asic_defects),
        ]
    }

    /// The surface's error on its held-out runs: the largest
    /// $\max(0, |Y_i - Y(x_i)| - 2\thinspace\text{SE}\_i)$, the difference beyond the run's own Monte
    /// Carlo noise ([`HELD_OUT_NOISE_SE`]); 0 without held-out runs.
    pub fn held_out_error(&self) -> f64 {
        self.held_out
            .iter()
            .map(|point| {
                let difference = (point.package_yield - self.package_yield(&point.factors)).abs();
                (difference - HELD_OUT_NOISE_SE * point.se).max(0.0)
            })
            .fold(0.0, f64::max)
    }
}
