//! Maximum-likelihood fits of the yield engine's parameters from the test data (schema 2 or
//! 3), each with a 95 % interval, and the parameters the data cannot identify with the reason.
//!
//! # Fiber alignment: block-common and per-fiber sigma
//! The yield engine ([`cporamp_yield`], mechanism 1) puts lane $i$ of engine $e$ at the
//! lateral offset $p_i = c_e + f_i$ per axis pair, with $f_i \sim N(0, \sigma_f^2 I_2)$ the
//! fiber's core within its block and $c_e = b_e + (kW\rho_e^2, 0)$ the block's offset:
//! $b_e \sim N(0, \sigma_B^2 I_2)$, $\sigma_B^2 = \sigma_b^2 + \sigma_s^2$ (placement and
//! cure shift act on the whole block alike, so only their sum is identified), plus the
//! warpage's lateral shift at the engine's $\rho_e^2$. Per axis the Gaussian overlap across
//! the recorded gap $z_e$ is $\ln\eta = c_0(z) + c_2(z)\,d^2$ (no tilt;
//! [`cporamp_yield::coupling`]), so the recorded loss
//! $L_i = -10\log_{10}(e)\,(2c_0 + c_2|p_i|^2)$ gives each lane's squared offset
//! $$q_i = |p_i|^2 = \frac{L_i / (10\log_{10} e) + 2c_0(z_e)}{-c_2(z_e)} .$$
//! Given $r = |c_e|$, $q_i/\sigma_f^2$ is noncentral $\chi^2_2$ with noncentrality
//! $r^2/\sigma_f^2$: $p(q \mid r) = \frac{1}{2\sigma_f^2} e^{-(q + r^2)/2\sigma_f^2}
//! I_0(r\sqrt q/\sigma_f^2)$, and $r$ is Rice distributed,
//! $p(r) = \frac{r}{\sigma_B^2} e^{-(r^2 + \nu_e^2)/2\sigma_B^2} I_0(r\nu_e/\sigma_B^2)$,
//! $\nu_e = k\bar W\rho_e^2$. The engine's likelihood is the one-dimensional integral
//! $$L_e(\sigma_B, \sigma_f) = \int_0^\infty p(r)\prod_i p(q_i \mid r)\,dr,$$
//! computed by locating the integrand's mode (golden section in a bracket from the lanes'
//! moments), its width (second difference of its log) and the trapezoidal rule over ±6
//! widths in steps of 3/4 of a width (a smooth, Gaussian-like integrand: the rule converges
//! geometrically; against 33 nodes over ±8 widths the fitted sigmas move by under 1e-4
//! relative). $\sum_e \ln L_e$ is maximised over
//! $(\ln\sigma_B, \ln\sigma_f)$ by Newton's method (derivatives by central differences);
//! the 95 % intervals are from the **observed
//! information** (the negative Hessian of the log-likelihood in $(\ln\sigma_B, \ln\sigma_f)$
//! by central differences): $\sigma \exp(\pm 1.96\,\mathrm{se})$.
//!
//! Approximations, stated: the block's tilt $\theta$ per axis makes
//! $\ln\eta = m(\theta) + c_2(d - d^*(\theta))^2$ with $m$ quadratic in $\theta$: at the
//! default 2 mrad it costs $\approx 0.001$ dB per axis and moves the optimum $d^*$ by
//! $\approx 5$ nm at a 5 µm gap. Its mean, $2(m(0) - m(\sigma_\theta))/(-c_2)$ in units of
//! $q$, is subtracted from every lane's $q_i$ (clamped at $10^{-10}$); its spread and the
//! shift $d^*$ are neglected (without the subtraction the fitted $\sigma_B$ came out 1.5 %
//! high on the coverage fixture); the warpage is the package's measured one where the data
//! carry it (schema 3), else its scenario mean $\bar W$ (its spread moves an engine by
//! $k\sigma_W\rho^2 \approx 0.03$ µm, against $\sigma_B \approx 0.2$ µm).
//!
//! **Rework.** A package rejected for coupling alone is re-attached: the engines with a
//! coupling-failed lane get a fresh block (gap, tilt, placement), so the records of a
//! re-attached package are not all first draws, and without a correction the fit reads the
//! failed first attaches' replacements as typical ones ($\sigma_B$ came out 7 % low on
//! 60 packages of the default 51.2T data, 16 of them re-attached). With $P$ the probability
//! that one attach of an engine leaves a coupling-failed lane (the budget's squared offset
//! $D(z) = (B/10\log_{10}e + 2c_0(z))/(-c_2(z))$, the noncentral $\chi^2_2$ tail
//! over the Rayleigh block offset and the normal gap), a package re-attached once has the
//! density $\prod_e f(y_e)\,[\prod_e (P + 1_{\text{pass},e}) - \prod_e 1_{\text{pass},e}]$
//! (each engine passed its first attach and kept it, or failed it and was drawn again; at
//! least one failed), up to factors free of the parameters; packages not re-attached
//! contribute $\prod_e f(y_e)$ times a factor free of them. A package damaged by its rework
//! keeps its first attach but is read as re-attached (a share $p_d$ of the re-attached,
//! 10 % by default); packages re-attached more than once, or designs with spare lanes, are
//! read as first attaches (the output says how many).
//!
//! # Ring offsets: local, engine and wafer spread
//! The ring offset is $\mu + a_w + g_e + l_i$ (wafer, engine, ring). The record keeps the
//! first ring of each lane after the bus lock: wrapped by the FSR $F$ and, with wavelength
//! reassignment, rotated by a multiple of the channel spacing $\Delta$ common to the bus
//! (a run of $F/\Delta$ lanes). Differences within one bus are kept modulo $F$, so the
//! local variance $\sigma_l^2$ is identified: each bus's values are unwrapped to within
//! $F/2$ of their circular mean, and the restricted (REML) maximum likelihood of the
//! nested normal model with free bus means is the pooled within-bus variance
//! $\hat\sigma_l^2 = SS/\nu$, $\nu = \sum(n_b - 1)$, with the exact interval
//! $[SS/\chi^2_{\nu,0.975}, SS/\chi^2_{\nu,0.025}]$ (Wilson–Hilferty quantiles).
//! The engine and wafer terms are **not identified** with reassignment: the bus's rotation
//! moves every ring of an engine by an unknown multiple of $\Delta$, so an engine's common
//! offset is known only modulo $\Delta$, which is smaller than its spread. Without
//! reassignment (a bus is an engine, only wrapped by $F$) each engine's mean
//! $\bar y_e = \mu + a_w + g_e + \bar l_e$ is unwrapped to within $F/2$ of the engines'
//! circular mean (exact while the common spread stays well inside $F/2$), and the nested
//! normal model, $\bar y_{w} \sim N(\mu 1, D_w + \sigma_w^2 11^\top)$ with
//! $D_w = \mathrm{diag}(\sigma_g^2 + \hat\sigma_l^2/n_e)$ per wafer, is fitted by restricted
//! maximum likelihood ($\mu$ by generalised least squares, its $-\tfrac12\ln(1^\top
//! \Sigma^{-1}1)$ added), Newton's method in $(\ln\sigma_g, \ln\sigma_w)$, with
//! profile-likelihood intervals (on the coverage fixture's 60 wafers they hold the engine
//! sigma in 46 of 50 seeds; on 40 wafers they and Wald intervals held it in 44: the intervals
//! are asymptotic in the number of wafers); the engine test's selection on drift is neglected (none
//! when the heater reaches a whole FSR).
//!
//! # Weak lasers
//! A weak chip survives burn-in with probability $S = e^{-\lambda_w t}$, so a shipped laser
//! is weak with $q = f_w S / (1 - f_w(1 - S))$. The weak lasers among the assembled engines'
//! lasers are binomial in $q$ (engine test does not see weakness); $\hat q$ and its profile
//! likelihood interval map to $f_w = q / (S + q(1 - S))$ (monotone). With the scenario's
//! 96 h burn-in $S \approx 5\times 10^{-8}$: no weak laser ships and $f_w$ is not
//! identified (the interval reaches 1; a fit whose interval reaches past 1/2 is reported as not
//! identified).
//!
//! # ASIC defects, warpage, test coverages (schema 3)
//! Fitted by [`crate::line_fit`] from the columns schema 3 adds: the wafer sort of each
//! package's ASIC wafer ($DA$ and $\alpha$), the measured package warpage (mean and
//! spread), and what the first package test and system test caught (each coverage of the
//! coupling, laser, drift and engine-joint warpage mechanisms).
//!
//! # Not identified by schema 2
//! Data without those columns (schema 2, or a mapping without them) leave them unfitted:
//! - **Warpage mean and spread**: the only trace is the lateral shift $kW\rho^2$ (about
//!   0.05–0.1 µm at the default $k$), confounded with the block offsets (0.2 µm) over the
//!   narrow range $\rho^2 \in [0.5, 1]$; board-joint opens are not recorded (a package rejected
//!   with no lane failure may be an ASIC defect or an open).
//! - **ASIC defect density and clustering α**: without the wafer sort only the assembled,
//!   known-good dies are recorded, and package rejects with no lane failure mix ASIC defects
//!   with board-joint opens.
//! - **Test coverages**: without what each insertion caught, a lane's failure is recorded
//!   once, with no retest history.
//!
//! ASIC coverages at package and system test are not identified even by schema 3: the ASIC
//! defects that escape are not in the lane records.

use cporamp_yield::ByMechanism;
use serde::Serialize;

use crate::calibrate::LaserDeadFit;

/// $\chi^2_1$ at 95 %.
const CHI2_95: f64 = 3.841_458_820_694_124;
/// The normal quantile at 97.5 %.
const Z_975: f64 = 1.959_963_984_540_054;
/// dB per neper of power: $10\log_{10} e$.
const DB_PER_NEPER: f64 = 10.0 * std::f64::consts::LOG10_E;

/// What the fits need to know of the design and test flow (from the scenario), and the
/// values the scenario assumes (shown beside the fits).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FitModel {
    /// Mode radius, µm.
    pub mode_radius_um: f64,
    /// Wavelength, µm.
    pub wavelength_um: f64,
    /// Refractive index of the fiber-to-coupler gap.
    pub gap_index: f64,
    /// Fiber-block tilt sigma per axis, mrad.
    pub tilt_sigma_mrad: f64,
    /// Mean fiber-block gap, µm.
    pub gap_mean_um: f64,
    /// Gap sigma per block, µm.
    pub gap_sigma_um: f64,
    /// Coupling loss at which a lane fails, dB.
    pub coupling_budget_db: f64,
    /// Spare lanes per engine (the rework correction assumes none).
    pub spare_lanes_per_engine: u64,
    /// Lateral fiber shift at $\rho^2 = 1$ from the mean warpage, $k\bar W$, µm.
    pub warpage_shift_um: f64,
    /// Lateral fiber shift per µm of warpage at $\rho^2 = 1$, $k$ (µm/µm), for packages
    /// whose warpage the data carry.
    pub warpage_lateral_per_um: f64,
    /// Consecutive lanes fed by one on-engine laser; 0 for external lasers.
    pub lanes_per_laser: u64,
    /// Probability that a weak laser chip survives burn-in, $e^{-\lambda_w t}$.
    pub weak_burn_in_survival: f64,
    /// Ring free spectral range, nm.
    pub fsr_nm: f64,
    /// Wafer-sort coverage of ASIC defects.
    pub wafer_test_coverage: f64,
    /// Lot-to-lot clustering alpha of the ASIC defect density (not fitted); `None` for none.
    pub asic_lot_alpha: Option<f64>,
    /// Lanes per ring bus (rotations of the grid) with wavelength reassignment; `None` for
    /// fixed assignment.
    pub bus_lanes: Option<u64>,
    /// The scenario's values.
    pub defaults: Defaults,
}

/// The scenario's values of the fitted parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Defaults {
    /// $\sqrt{\sigma_b^2 + \sigma_s^2}$, µm.
    pub block_common_sigma_um: f64,
    /// $\sigma_f$, µm.
    pub fiber_sigma_um: f64,
    /// Laser dead probability.
    pub laser_dead_probability: f64,
    /// Weak laser fraction.
    pub laser_weak_fraction: f64,
    /// Local ring offset sigma, nm.
    pub ring_local_sigma_nm: f64,
    /// Engine-common ring offset sigma, nm.
    pub ring_engine_sigma_nm: f64,
    /// Wafer-common ring offset sigma, nm.
    pub ring_wafer_sigma_nm: f64,
    /// Mean corner warpage, µm.
    pub warpage_mean_um: f64,
    /// Warpage sigma, µm.
    pub warpage_sigma_um: f64,
    /// ASIC defects per die.
    pub asic_defects_per_die: f64,
    /// ASIC wafer clustering alpha.
    pub asic_cluster_alpha: f64,
    /// Package-test coverage per mechanism.
    pub package_test_coverage: ByMechanism<f64>,
    /// System-test coverage per mechanism.
    pub system_test_coverage: ByMechanism<f64>,
}

impl FitModel {
    /// The model of the yield engine's own inputs (what [`cporamp_yield::test_records`]
    /// generates from).
    #[must_use]
    pub fn of_inputs(inputs: &cporamp_yield::YieldInputs) -> FitModel {
        let sigma = inputs.drift_sigma_nm;
        let local =
            (1.0 - inputs.drift_global_fraction - inputs.drift_wafer_fraction).max(0.0).sqrt();
        FitModel {
            mode_radius_um: inputs.mode_radius_um,
            wavelength_um: inputs.wavelength_um,
            gap_index: inputs.gap_index,
            tilt_sigma_mrad: inputs.tilt_sigma_mrad,
            gap_mean_um: inputs.gap_mean_um,
            gap_sigma_um: inputs.gap_sigma_um,
            coupling_budget_db: inputs.coupling_budget_db,
            spare_lanes_per_engine: inputs.spare_lanes_per_engine as u64,
            warpage_shift_um: inputs.warpage_lateral_per_um * inputs.warpage_mean_um,
            warpage_lateral_per_um: inputs.warpage_lateral_per_um,
            lanes_per_laser: inputs.lanes_per_laser as u64,
            weak_burn_in_survival: (-inputs.laser_weak_rate_per_h * inputs.burn_in_h).exp(),
            fsr_nm: inputs.fsr_nm,
            wafer_test_coverage: inputs.wafer_test_coverage,
            asic_lot_alpha: inputs.asic_lot_alpha,
            bus_lanes: inputs
                .reassignment_step_nm
                .map(|step| ((inputs.fsr_nm / step).round() as u64).max(1)),
            defaults: Defaults {
                block_common_sigma_um: inputs.block_sigma_um.hypot(inputs.shift_sigma_um),
                fiber_sigma_um: inputs.fiber_sigma_um,
                laser_dead_probability: inputs.laser_dead_probability,
                laser_weak_fraction: inputs.laser_weak_fraction,
                ring_local_sigma_nm: sigma * local,
                ring_engine_sigma_nm: sigma * inputs.drift_global_fraction.sqrt(),
                ring_wafer_sigma_nm: sigma * inputs.drift_wafer_fraction.sqrt(),
                warpage_mean_um: inputs.warpage_mean_um,
                warpage_sigma_um: inputs.warpage_sigma_um,
                asic_defects_per_die: inputs.asic_defects_per_die,
                asic_cluster_alpha: inputs.asic_cluster_alpha.unwrap_or(f64::INFINITY),
                package_test_coverage: inputs.package_test,
                system_test_coverage: inputs.system_test,
            },
        }
    }
}

/// A fitted value with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The maximum-likelihood value.
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Estimate {
    /// Whether `value` lies in the interval.
    #[must_use]
    pub fn covers(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// One parameter of the yield engine: the scenario's value, the fit (when the data
/// identify it) and how it was made, or why not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterFit {
    /// The parameter, as the yield engine names it.
    pub parameter: &'static str,
    /// Its unit (`1` for a fraction).
    pub unit: &'static str,
    /// The scenario's value.
    pub default: f64,
    /// The fit; `None` when the data do not identify it.
    pub fit: Option<Estimate>,
    /// How the interval was made (empty without a fit).
    pub method: &'static str,
    /// What the fit used, or why there is none.
    pub note: String,
}

/// Every parameter's row, in the yield engine's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldFits {
    /// The model assumed.
    pub model: FitModel,
    /// One row per parameter.
    pub parameters: Vec<ParameterFit>,
}

impl YieldFits {
    /// The row of `parameter`.
    #[must_use]
    pub fn get(&self, parameter: &str) -> Option<&ParameterFit> {
        self.parameters.iter().find(|p| p.parameter == parameter)
    }

    /// The fitted value of `parameter`, when fitted.
    #[must_use]
    pub fn fitted(&self, parameter: &str) -> Option<f64> {
        self.get(parameter).and_then(|p| p.fit).map(|f| f.value)
    }
}

/// Parameter names (the yield engine's, with the block-common sigma combining placement
/// and cure shift).
pub mod names {
    use cporamp_yield::ByMechanism;

    /// $\sqrt{\sigma_b^2 + \sigma_s^2}$.
    pub const BLOCK: &str = "block_common_sigma_um";
    /// $\sigma_f$.
    pub const FIBER: &str = "fiber_sigma_um";
    /// Laser dead probability.
    pub const LASER_DEAD: &str = "laser_dead_probability";
    /// Weak laser fraction.
    pub const LASER_WEAK: &str = "laser_weak_fraction";
    /// Local ring offset sigma.
    pub const RING_LOCAL: &str = "ring_local_sigma_nm";
    /// Engine-common ring offset sigma.
    pub const RING_ENGINE: &str = "ring_engine_sigma_nm";
    /// Wafer-common ring offset sigma.
    pub const RING_WAFER: &str = "ring_wafer_sigma_nm";
    /// Mean warpage.
    pub const WARPAGE_MEAN: &str = "warpage_mean_um";
    /// Warpage sigma.
    pub const WARPAGE_SIGMA: &str = "warpage_sigma_um";
    /// ASIC defects per die.
    pub const ASIC_DEFECTS: &str = "asic_defects_per_die";
    /// ASIC clustering alpha.
    pub const ASIC_ALPHA: &str = "asic_cluster_alpha";
    /// Package-test coverage per mechanism.
    pub const PACKAGE_TEST_COVERAGE: ByMechanism<&str> = ByMechanism([
        "package_test_coverage_coupling",
        "package_test_coverage_laser",
        "package_test_coverage_drift",
        "package_test_coverage_warpage",
        "package_test_coverage_asic",
    ]);
    /// System-test coverage per mechanism.
    pub const SYSTEM_TEST_COVERAGE: ByMechanism<&str> = ByMechanism([
        "system_test_coverage_coupling",
        "system_test_coverage_laser",
        "system_test_coverage_drift",
        "system_test_coverage_warpage",
        "system_test_coverage_asic",
    ]);
}

/// One engine's lanes as the alignment fit sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineLanes {
    /// Its package.
    pub package: u64,
    /// Fiber re-attach attempts on its package.
    pub reworks: u64,
    /// A lane of it failed for coupling (in its recorded, final attach).
    pub coupling_failed: bool,
    /// Fiber-block gap, µm.
    pub gap_um: f64,
    /// Normalized distance from the package centre, squared.
    pub rho_sq: f64,
    /// Coupling loss per lane, dB.
    pub loss_db: Vec<f64>,
    /// Its package's measured corner warpage, µm (`None`: not recorded; the scenario's mean
    /// is used).
    pub warpage_um: Option<f64>,
}

/// $\ln I_0(x)$ for $x \ge 0$ (Abramowitz and Stegun 9.8.1–2, relative error of $I_0$
/// below $2\times 10^{-7}$).
#[must_use]
pub fn ln_bessel_i0(x: f64) -> f64 {
    if x < 3.75 {
        let t = (x / 3.75) * (x / 3.75);
        (1.0 + t
            * (3.515_622_9
                + t * (3.089_942_4
                    + t * (1.206_749_2 + t * (0.265_973_2 + t * (0.036_076_8 + t * 0.004_581_3))))))
            .ln()
    } else {
        x - 0.5 * x.ln() + ln_large_factor(x)
    }
}

/// $\ln(\sqrt{x}e^{-x}I_0(x))$ for $x \ge 3.75$ (Abramowitz and Stegun 9.8.2), without a
/// logarithm: the polynomial is $c_0(1 + u)$ with $0 \le u < 0.042$, and $\ln(1 + u)$ to
/// $u^5$ errs by under $10^{-9}$.
fn ln_large_factor(x: f64) -> f64 {
    const C0: f64 = 0.398_942_28;
    const LN_C0: f64 = -0.918_938_534_210_915_3;
    let t = 3.75 / x;
    let u = t
        * (0.013_285_92
            + t * (0.002_253_19
                + t * (-0.001_575_65
                    + t * (0.009_162_81
                        + t * (-0.020_577_06
                            + t * (0.026_355_37 + t * (-0.016_476_33 + t * 0.003_923_77)))))))
        / C0;
    LN_C0 + u * (1.0 - u * (0.5 - u * (1.0 / 3.0 - u * (0.25 - u * 0.2))))
}

/// An engine prepared for the alignment likelihood: its lanes' squared offsets (µm²) and
/// the warpage's shift of its block (µm).
#[derive(Debug, Clone)]
struct Prepared {
    package: u64,
    reworks: u64,
    coupling_failed: bool,
    q_um2: Vec<f64>,
    sqrt_q: Vec<f64>,
    ln_sqrt_q: Vec<f64>,
    q_sum: f64,
    nu_um: f64,
}

fn prepare(engines: &[EngineLanes], model: &FitModel) -> Vec<Prepared> {
    let modes = cporamp_yield::coupling::Modes {
        radius_um: model.mode_radius_um,
        wavelength_um: model.wavelength_um,
        gap_index: model.gap_index,
    };
    engines
        .iter()
        .filter(|e| !e.loss_db.is_empty())
        .map(|engine| {
            let axis = modes.axis(0.0, engine.gap_um);
            // The tilt's mean extra loss over both axes, in units of q (module docs).
            let tilted = modes.axis(model.tilt_sigma_mrad * 1e-3, engine.gap_um);
            let peak = tilted.constant
                - tilted.linear_per_um * tilted.linear_per_um / (4.0 * tilted.quadratic_per_um2);
            let tilt_q = 2.0 * (axis.constant - peak) / -axis.quadratic_per_um2;
            let q_um2: Vec<f64> = engine
                .loss_db
                .iter()
                .map(|loss| {
                    ((loss / DB_PER_NEPER + 2.0 * axis.constant) / -axis.quadratic_per_um2 - tilt_q)
                        .max(1e-10)
                })
                .collect();
            Prepared {
                package: engine.package,
                reworks: engine.reworks,
                coupling_failed: engine.coupling_failed,
                sqrt_q: q_um2.iter().map(|q| q.sqrt()).collect(),
                ln_sqrt_q: q_um2.iter().map(|q| 0.5 * q.ln()).collect(),
                q_sum: q_um2.iter().sum(),
                q_um2,
                nu_um: (engine
                    .warpage_um
                    .map_or(model.warpage_shift_um, |w| model.warpage_lateral_per_um * w)
                    * engine.rho_sq)
                    .abs(),
            }
        })
        .collect()
}

/// The log of the integrand $p(r)\prod_i p(q_i \mid r)$ without the terms free of $r$
/// and of the parameters (those are added in [`engine_ln_likelihood`]).
fn ln_integrand(engine: &Prepared, r: f64, sigma_b: f64, sigma_f: f64) -> f64 {
    if r <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let vb = sigma_b * sigma_b;
    let vf = sigma_f * sigma_f;
    let n = engine.q_um2.len() as f64;
    let mut sum = r.ln() - (r * r + engine.nu_um * engine.nu_um) / (2.0 * vb)
        + ln_bessel_i0(r * engine.nu_um / vb)
        - n * r * r / (2.0 * vf);
    // ln I0(x) for x = r s / vf >= 3.75 is x - ln(x)/2 + [`ln_large_factor`], with
    // ln x = ln r + ln s - ln vf: no logarithm per lane.
    let ln_r_over_vf = r.ln() - vf.ln();
    for (&s, &ln_s) in engine.sqrt_q.iter().zip(&engine.ln_sqrt_q) {
        let x = r * s / vf;
        sum += if x < 3.75 {
            ln_bessel_i0(x)
        } else {
            x - 0.5 * (ln_r_over_vf + ln_s) + ln_large_factor(x)
        };
    }
    sum
}

fn engine_ln_likelihood(engine: &Prepared, sigma_b: f64, sigma_f: f64) -> f64 {
    let n = engine.q_um2.len() as f64;
    let vf = sigma_f * sigma_f;
    let constant = -(vb_ln(sigma_b)) - n * (2.0 * vf).ln() - engine.q_sum / (2.0 * vf);
    let f = |r: f64| ln_integrand(engine, r, sigma_b, sigma_f);
    // The mode, by golden section over a bracket from the moments: the lanes put |c| near
    // r0 = sqrt(mean q - 2 sigma_f²) within s = sigma_f / sqrt(n), the prior shrinks it
    // towards 0; 14 steps narrow the bracket 800-fold, to a small fraction of the
    // integrand's width (the trapezoid below spans ±6 widths around the mode).
    let s = sigma_f / n.sqrt();
    let r0 = (engine.q_sum / n - 2.0 * vf).max(0.0).sqrt();
    let shrunk = r0 * sigma_b * sigma_b / (sigma_b * sigma_b + s * s);
    let (mut a, mut b) = ((shrunk - 6.0 * s).max(0.0), r0.max(engine.nu_um).max(sigma_b) + 6.0 * s);
    let ratio = (5.0_f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..14 {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    let mode = (a + b) / 2.0;
    let peak = f(mode);
    // Width from the second difference of the log.
    let h = 1e-3 * (sigma_b.min(sigma_f / n.sqrt())).max(1e-6);
    let curvature = (f(mode + h) - 2.0 * peak + f((mode - h).max(h * 1e-3))) / (h * h);
    let width = if curvature < 0.0 { (-curvature).sqrt().recip() } else { sigma_b.max(sigma_f) };
    let (lo, hi) = ((mode - 6.0 * width).max(0.0), mode + 6.0 * width);
    let nodes = 16;
    let step = (hi - lo) / nodes as f64;
    let mut total = 0.0;
    for k in 0..=nodes {
        let r = lo + step * k as f64;
        let weight = if k == 0 || k == nodes { 0.5 } else { 1.0 };
        total += weight * (f(r) - peak).exp();
    }
    constant + peak + (total * step).ln()
}

/// $\ln\sigma_B^2$ (the Rice density's normalization).
fn vb_ln(sigma_b: f64) -> f64 {
    2.0 * sigma_b.ln()
}

/// $P(|c + f|^2 > D \mid |c| = r)$ for $f \sim N(0, \sigma_f^2 I_2)$: the noncentral
/// $\chi^2_2$ tail as its Poisson mixture of central tails, $e^{-x/2}\sum_j
/// \mathrm{Pois}(j; \lambda/2)\sum_{i \le j}(x/2)^i/i!$, $\lambda = r^2/\sigma_f^2$,
/// $x = D/\sigma_f^2$ (positive terms only: no cancellation in the small tail).
fn offset_tail(r: f64, d_um2: f64, sigma_f: f64) -> f64 {
    if d_um2 <= 0.0 {
        return 1.0;
    }
    let vf = sigma_f * sigma_f;
    let half_lambda = r * r / (2.0 * vf);
    let half_x = d_um2 / (2.0 * vf);
    let last = (half_lambda + 10.0 * half_lambda.sqrt() + 20.0).ceil() as usize;
    let mut poisson = (-half_lambda).exp();
    let mut partial = 0.0;
    let mut power = 1.0;
    let mut total = 0.0;
    for j in 0..=last {
        if j > 0 {
            poisson *= half_lambda / j as f64;
            power *= half_x / j as f64;
        }
        partial += power;
        total += poisson * partial;
    }
    ((-half_x).exp() * total).min(1.0)
}

/// The probability that one attach of an engine of `lanes` lanes leaves a lane beyond the
/// coupling budget without the warpage's shift (the yield engine's coupling flag, which
/// decides a re-attach): over the gap $|N(\bar z, \sigma_z^2)|$ and the block offset
/// $|b| \sim$ Rayleigh($\sigma_B$), $1 - E[(1 - Q)^n]$ with $Q$ = [`offset_tail`] at the
/// budget's squared offset $D(z) = (B/10\log_{10}e + 2c_0(z))/(-c_2(z))$ less the tilt's
/// mean (module docs).
fn engine_fail_probability(model: &FitModel, sigma_b: f64, sigma_f: f64, lanes: usize) -> f64 {
    let modes = cporamp_yield::coupling::Modes {
        radius_um: model.mode_radius_um,
        wavelength_um: model.wavelength_um,
        gap_index: model.gap_index,
    };
    let gaps: Vec<(f64, f64)> = if model.gap_sigma_um > 0.0 {
        (0..=20)
            .map(|k| {
                let t = -5.0 + 0.5 * f64::from(k);
                ((model.gap_mean_um + t * model.gap_sigma_um).abs(), (-t * t / 2.0).exp())
            })
            .collect()
    } else {
        vec![(model.gap_mean_um.abs(), 1.0)]
    };
    let gap_weight: f64 = gaps.iter().map(|g| g.1).sum();
    let nodes = 48;
    let step = 8.0 * sigma_b / f64::from(nodes);
    let mut total = 0.0;
    for &(gap_um, weight) in &gaps {
        let axis = modes.axis(0.0, gap_um);
        let tilted = modes.axis(model.tilt_sigma_mrad * 1e-3, gap_um);
        let peak = tilted.constant
            - tilted.linear_per_um * tilted.linear_per_um / (4.0 * tilted.quadratic_per_um2);
        let tilt_q = 2.0 * (axis.constant - peak) / -axis.quadratic_per_um2;
        let d_um2 = (model.coupling_budget_db / DB_PER_NEPER + 2.0 * axis.constant)
            / -axis.quadratic_per_um2
            - tilt_q;
        let mut fail = 0.0;
        for k in 1..=nodes {
            let r = step * f64::from(k);
            let rayleigh = r / (sigma_b * sigma_b) * (-r * r / (2.0 * sigma_b * sigma_b)).exp();
            let tail = offset_tail(r, d_um2, sigma_f);
            let engine = -(lanes as f64 * (-tail).ln_1p()).exp_m1();
            fail += rayleigh * engine * step;
        }
        total += weight * fail;
    }
    (total / gap_weight).clamp(0.0, 1.0)
}

/// The log of the rework factor of the packages re-attached once: with $P$ the engine's
/// probability of a failing attach, a package whose failing engines were re-attached once
/// records the density $\prod_e f(y_e)\,[\prod_e (P_e + 1_{\text{pass},e}) - \prod_e
/// 1_{\text{pass},e}]$ (each engine either passed its first attach and kept it, or failed
/// it and was drawn again; at least one failed), up to factors free of the parameters.
fn rework_ln_factor(engines: &[Prepared], model: &FitModel, sigma_b: f64, sigma_f: f64) -> f64 {
    let mut cache: Vec<(usize, f64)> = Vec::new();
    let mut fail = |lanes: usize| {
        if let Some(&(_, p)) = cache.iter().find(|c| c.0 == lanes) {
            return p;
        }
        let p = engine_fail_probability(model, sigma_b, sigma_f, lanes);
        cache.push((lanes, p));
        p
    };
    let mut total = 0.0;
    for package in engines.chunk_by(|a, b| a.package == b.package) {
        if package[0].reworks != 1 {
            continue;
        }
        let mut with = 1.0;
        let mut all_pass = true;
        for engine in package {
            let p = fail(engine.q_um2.len());
            with *= p + f64::from(u8::from(!engine.coupling_failed));
            all_pass &= !engine.coupling_failed;
        }
        let factor = with - f64::from(u8::from(all_pass));
        total += factor.max(1e-300).ln();
    }
    total
}

/// Engines per unit of work of the likelihood (a fixed split, so that the sum's rounding
/// does not depend on the thread count).
const CHUNK: usize = 128;

fn alignment_ln_likelihood(
    engines: &[Prepared],
    sigma_b: f64,
    sigma_f: f64,
    threads: usize,
) -> f64 {
    let chunks: Vec<&[Prepared]> = engines.chunks(CHUNK).collect();
    let mut sums = vec![0.0; chunks.len()];
    let threads = threads.clamp(1, chunks.len().max(1));
    let per_thread = chunks.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (slots, work) in sums.chunks_mut(per_thread).zip(chunks.chunks(per_thread)) {
            scope.spawn(move || {
                for (slot, chunk) in slots.iter_mut().zip(work) {
                    *slot = chunk.iter().map(|e| engine_ln_likelihood(e, sigma_b, sigma_f)).sum();
                }
            });
        }
    });
    sums.iter().sum()
}

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

/// Engines the alignment likelihood reads at most (the first ones): 2048 engines fit
/// $\sigma_B$ to about 1.5 % (relative standard error), and each likelihood evaluation costs
/// a quadrature per engine, so a file of a million lanes would otherwise take minutes.
pub const MAX_ALIGNMENT_ENGINES: usize = 2048;

/// How many of `engines` (in package order) the alignment fit reads: whole packages until
/// [`MAX_ALIGNMENT_ENGINES`] is reached.
fn used_engines(engines: &[EngineLanes]) -> usize {
    let mut count = engines.len().min(MAX_ALIGNMENT_ENGINES);
    while count > 0 && count < engines.len() && engines[count].package == engines[count - 1].package
    {
        count += 1;
    }
    count
}

/// The alignment fit: $(\sigma_B, \sigma_f)$ with observed-information intervals (module
/// docs) from the first [`MAX_ALIGNMENT_ENGINES`] engines, on `threads` threads (the result
/// does not depend on them); `None` with fewer than 2 engines or no engine of 2 lanes or
/// more.
#[must_use]
pub fn alignment(
    engines: &[EngineLanes],
    model: &FitModel,
    threads: usize,
) -> Option<(Estimate, Estimate)> {
    let prepared = prepare(&engines[..used_engines(engines)], model);
    let correct = model.spare_lanes_per_engine == 0;
    if prepared.len() < 2 || !prepared.iter().any(|e| e.q_um2.len() >= 2) {
        return None;
    }
    let f = |x: [f64; 2]| {
        let (sigma_b, sigma_f) = (x[0].exp(), x[1].exp());
        let rework =
            if correct { rework_ln_factor(&prepared, model, sigma_b, sigma_f) } else { 0.0 };
        alignment_ln_likelihood(&prepared, sigma_b, sigma_f, threads) + rework
    };
    // Start from moments: within-engine spread of q around its engine mean gives sigma_f
    // roughly, the engine means the rest.
    let start_f = model.defaults.fiber_sigma_um.max(1e-3).ln();
    let start_b = model.defaults.block_common_sigma_um.max(1e-3).ln();
    let (best, [h11, h12, h22]) = maximise_2d(&f, [start_b, start_f]);
    // Observed information: the negative Hessian in (ln sigma_B, ln sigma_f) at the maximum.
    let det = h11 * h22 - h12 * h12;
    if !(det > 0.0 && h11 < 0.0) {
        return None;
    }
    let var_b = -h22 / det;
    let var_f = -h11 / det;
    let estimate = |x: f64, var: f64| {
        let se = var.max(0.0).sqrt();
        Estimate { value: x.exp(), low: (x - Z_975 * se).exp(), high: (x + Z_975 * se).exp() }
    };
    Some((estimate(best[0], var_b), estimate(best[1], var_f)))
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

/// The local ring-offset fit from `buses`, each the first-ring heater shifts (nm) of one bus
/// in lane order; `None` without two values in a bus.
#[must_use]
pub fn ring_local(buses: &[Vec<f64>], fsr_nm: f64) -> Option<(Estimate, u64)> {
    let mut ss = 0.0;
    let mut df = 0u64;
    for bus in buses.iter().filter(|b| b.len() >= 2) {
        let angle = |x: f64| x / fsr_nm * std::f64::consts::TAU;
        let (s, c) =
            bus.iter().fold((0.0, 0.0), |(s, c), &x| (s + angle(x).sin(), c + angle(x).cos()));
        let centre = s.atan2(c) / std::f64::consts::TAU * fsr_nm;
        let unwrapped: Vec<f64> = bus
            .iter()
            .map(|&x| centre + (x - centre - fsr_nm * ((x - centre) / fsr_nm).round()))
            .collect();
        let mean = unwrapped.iter().sum::<f64>() / unwrapped.len() as f64;
        ss += unwrapped.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        df += unwrapped.len() as u64 - 1;
    }
    if df == 0 {
        return None;
    }
    let nu = df as f64;
    Some((
        Estimate {
            value: (ss / nu).sqrt(),
            low: (ss / chi2_quantile(0.975, nu)).sqrt(),
            high: (ss / chi2_quantile(0.025, nu)).sqrt(),
        },
        df,
    ))
}

/// A bus's values unwrapped to within $F/2$ of their circular mean.
fn unwrapped(values: &[f64], fsr_nm: f64) -> Vec<f64> {
    let angle = |x: f64| x / fsr_nm * std::f64::consts::TAU;
    let (s, c) =
        values.iter().fold((0.0, 0.0), |(s, c), &x| (s + angle(x).sin(), c + angle(x).cos()));
    let centre = s.atan2(c) / std::f64::consts::TAU * fsr_nm;
    values
        .iter()
        .map(|&x| centre + (x - centre - fsr_nm * ((x - centre) / fsr_nm).round()))
        .collect()
}

/// The engine- and wafer-common ring-offset sigmas without reassignment (module docs), from
/// each engine's ring shifts (`buses`, one per engine) and PIC wafer, given the local
/// variance: engine means unwrapped around their circular mean, the nested normal model's
/// restricted likelihood maximised over $(\ln\sigma_g, \ln\sigma_w)$ by Newton's method,
/// profile-likelihood intervals. `None` with fewer than 3 wafers.
#[must_use]
pub fn ring_common(
    buses: &[Vec<f64>],
    wafers: &[Option<u64>],
    local_var_nm2: f64,
    fsr_nm: f64,
    start: (f64, f64),
) -> Option<(Estimate, Estimate, usize)> {
    let means: Vec<(u64, f64, f64)> = buses
        .iter()
        .zip(wafers)
        .filter_map(|(bus, wafer)| {
            let values = unwrapped(bus, fsr_nm);
            (!values.is_empty()).then(|| {
                let n = values.len() as f64;
                (wafer.unwrap_or(0), values.iter().sum::<f64>() / n, n)
            })
        })
        .collect();
    let centred = unwrapped(&means.iter().map(|m| m.1).collect::<Vec<_>>(), fsr_nm);
    let mut by_wafer: std::collections::BTreeMap<u64, Vec<(f64, f64)>> =
        std::collections::BTreeMap::new();
    for (m, y) in means.iter().zip(centred) {
        by_wafer.entry(m.0).or_default().push((y, m.2));
    }
    if by_wafer.len() < 3 {
        return None;
    }
    let groups: Vec<Vec<(f64, f64)>> = by_wafer.into_values().collect();
    let f = |x: [f64; 2]| {
        let (vg, vw) = ((2.0 * x[0]).exp(), (2.0 * x[1]).exp());
        // Per wafer: Sigma = diag(v_i) + vw 1 1'; mu by generalised least squares.
        let mut parts = Vec::with_capacity(groups.len());
        let (mut top, mut bottom) = (0.0, 0.0);
        for group in &groups {
            let (mut s1, mut sy, mut ln_v) = (0.0, 0.0, 0.0);
            for &(y, n) in group {
                let v = vg + local_var_nm2 / n;
                s1 += 1.0 / v;
                sy += y / v;
                ln_v += v.ln();
            }
            let scale = 1.0 + vw * s1;
            top += sy / scale;
            bottom += s1 / scale;
            parts.push((s1, scale, ln_v));
        }
        let mu = top / bottom;
        let mut ll = -0.5 * bottom.ln();
        for (group, &(_, scale, ln_v)) in groups.iter().zip(&parts) {
            let (mut quad, mut sr) = (0.0, 0.0);
            for &(y, n) in group {
                let v = vg + local_var_nm2 / n;
                quad += (y - mu) * (y - mu) / v;
                sr += (y - mu) / v;
            }
            ll -= 0.5 * (ln_v + scale.ln() + quad - vw * sr * sr / scale);
        }
        ll
    };
    let (best, _) = maximise_2d(&f, [start.0.max(1e-3).ln(), start.1.max(1e-3).ln()]);
    let peak = f(best);
    Some((profile_interval(&f, best, peak, 0), profile_interval(&f, best, peak, 1), groups.len()))
}

/// The 95 % profile-likelihood interval of coordinate `index` (a log sigma) of `f` around
/// its maximum `best` (value `peak`): the other coordinate maximised by golden section at
/// each point, the edges by bisection where $2(\ell_{max} - \ell_p) = \chi^2_{1,0.95}$; an
/// edge still inside 8 nepers away is taken as 0 (below) or as that far (above).
fn profile_interval(
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

/// The weak-laser fraction before burn-in from `weak` weak lasers among `lasers` shipped
/// into engines, burn-in survival `survival` of a weak chip (module docs).
#[must_use]
pub fn laser_weak(weak: u64, lasers: u64, survival: f64) -> Option<Estimate> {
    let q = binomial_profile(weak, lasers)?;
    let to_fraction = |q: f64| {
        let denominator = survival + q * (1.0 - survival);
        if denominator > 0.0 { (q / denominator).min(1.0) } else { 1.0 }
    };
    Some(Estimate {
        value: to_fraction(q.value),
        low: to_fraction(q.low),
        high: to_fraction(q.high),
    })
}

/// What the fits are computed from (collected by the inspector).
#[derive(Debug, Clone, Default)]
pub struct FitData {
    /// Engines with coupling losses.
    pub engines: Vec<EngineLanes>,
    /// Ring buses' heater shifts.
    pub buses: Vec<Vec<f64>>,
    /// The PIC wafer of each bus's engine.
    pub bus_wafers: Vec<Option<u64>>,
    /// Weak lasers and lasers seen.
    pub weak_lasers: (u64, u64),
    /// Packages with at least one rework.
    pub reworked_packages: u64,
    /// Packages.
    pub packages: u64,
    /// The ASIC wafers' sort (schema 3).
    pub asic_wafers: Vec<crate::line_fit::AsicWafer>,
    /// Measured corner warpage per package, µm (schema 3).
    pub warpage_um: Vec<f64>,
    /// Per mechanism, packages with it present at their first package test and those whose
    /// test caught it (schema 3).
    pub package_test: crate::line_fit::Caught,
    /// The same at system test.
    pub system_test: crate::line_fit::Caught,
}

/// Every row: the fits the data allow, the others with their reason.
#[must_use]
pub fn fit_all(
    data: &FitData,
    model: &FitModel,
    laser_dead: Option<&LaserDeadFit>,
    threads: usize,
) -> YieldFits {
    let d = model.defaults;
    let mut rows = Vec::new();
    let used_engines = &data.engines[..used_engines(&data.engines)];
    let lanes: usize = used_engines.iter().map(|e| e.loss_db.len()).sum();
    let alignment = alignment(&data.engines, model, threads);
    let once =
        used_engines.chunk_by(|a, b| a.package == b.package).filter(|p| p[0].reworks == 1).count();
    let more =
        used_engines.chunk_by(|a, b| a.package == b.package).filter(|p| p[0].reworks > 1).count();
    let rework_note = if once + more == 0 {
        String::new()
    } else if model.spare_lanes_per_engine > 0 {
        format!(
            "; {} reworked packages read as first attaches (the rework factor assumes no spare lanes)",
            once + more
        )
    } else if more > 0 {
        format!(
            "; {once} packages re-attached once with the rework factor, {more} re-attached more often read as first attaches"
        )
    } else {
        format!("; {once} packages re-attached once, with the rework factor")
    };
    let observed = "observed information (Wald on ln sigma)";
    let used = format!(
        "{lanes} lanes on {} engines{}, Gaussian-overlap likelihood with the block offset integrated out{rework_note}",
        used_engines.len(),
        if used_engines.len() < data.engines.len() {
            format!(" (the first of {})", data.engines.len())
        } else {
            String::new()
        }
    );
    let no_alignment = "not identified: no coupling loss with gap on engines of 2 lanes or more";
    for (name, default, fit) in [
        (names::BLOCK, d.block_common_sigma_um, alignment.map(|a| a.0)),
        (names::FIBER, d.fiber_sigma_um, alignment.map(|a| a.1)),
    ] {
        rows.push(ParameterFit {
            parameter: name,
            unit: "µm",
            default,
            fit,
            method: if fit.is_some() { observed } else { "" },
            note: if fit.is_some() { used.clone() } else { no_alignment.to_string() },
        });
    }
    rows.push(match laser_dead {
        Some(fit) => ParameterFit {
            parameter: names::LASER_DEAD,
            unit: "1",
            default: d.laser_dead_probability,
            fit: Some(Estimate { value: fit.probability, low: fit.low, high: fit.high }),
            method: "profile likelihood",
            note: format!(
                "{} dead lasers on {} assembled engines of {} lasers, engine test's laser coverage {}",
                fit.dead_lasers, fit.engines, fit.lasers_per_engine, fit.engine_test_coverage
            ),
        },
        None => ParameterFit {
            parameter: names::LASER_DEAD,
            unit: "1",
            default: d.laser_dead_probability,
            fit: None,
            method: "",
            note: "not identified: no on-engine lasers, spare lanes, or an engine test that catches every dead laser".to_string(),
        },
    });
    let (weak, lasers) = data.weak_lasers;
    let weak_fit = (model.lanes_per_laser > 0)
        .then(|| laser_weak(weak, lasers, model.weak_burn_in_survival))
        .flatten();
    // An interval reaching past one half says nothing about the fraction.
    let weak_identified = weak_fit.is_some_and(|f| f.high < 0.5);
    rows.push(ParameterFit {
        parameter: names::LASER_WEAK,
        unit: "1",
        default: d.laser_weak_fraction,
        fit: weak_fit.filter(|_| weak_identified),
        method: if weak_identified { "profile likelihood" } else { "" },
        note: match weak_fit {
            None => "not identified: no on-engine lasers with a laser_weak column".to_string(),
            Some(f) if !weak_identified => format!(
                "not identified: {weak} weak of {lasers} lasers, and burn-in lets through only {:.2e} of weak chips, so any weak fraction up to {:.3} fits",
                model.weak_burn_in_survival, f.high
            ),
            Some(_) => format!(
                "{weak} weak of {lasers} lasers; burn-in survival of a weak chip {:.3e}",
                model.weak_burn_in_survival
            ),
        },
    });
    let ring = model.bus_lanes.map_or_else(
        || ring_local(&data.buses, model.fsr_nm),
        |_| ring_local(&data.buses, model.fsr_nm),
    );
    rows.push(ParameterFit {
        parameter: names::RING_LOCAL,
        unit: "nm",
        default: d.ring_local_sigma_nm,
        fit: ring.map(|r| r.0),
        method: if ring.is_some() { "restricted likelihood, exact chi-square" } else { "" },
        note: match ring {
            Some((_, df)) => format!(
                "{} buses, {df} degrees of freedom within buses ({})",
                data.buses.iter().filter(|b| b.len() >= 2).count(),
                model
                    .bus_lanes
                    .map_or("fixed assignment: a bus is an engine".to_string(), |n| format!(
                        "{n} lanes per bus"
                    ))
            ),
            None => "not identified: no heater shifts on buses of 2 lanes or more".to_string(),
        },
    });
    let common = match (model.bus_lanes, ring) {
        (None, Some((local, _))) => ring_common(
            &data.buses,
            &data.bus_wafers,
            local.value * local.value,
            model.fsr_nm,
            (d.ring_engine_sigma_nm, d.ring_wafer_sigma_nm),
        ),
        _ => None,
    };
    let common_reason = if model.bus_lanes.is_some() {
        "not identified: wavelength reassignment rotates each bus by an unknown multiple of the channel spacing, so an engine's common offset is known only modulo the spacing".to_string()
    } else if let Some((_, _, wafers)) = common {
        format!(
            "{} engines on {wafers} PIC wafers, nested normal model of the engine means (unwrapped by the FSR around their circular mean), restricted likelihood",
            data.buses.len()
        )
    } else {
        "not identified: fewer than 3 PIC wafers, or no local fit".to_string()
    };
    for (name, default, fit) in [
        (names::RING_ENGINE, d.ring_engine_sigma_nm, common.map(|c| c.0)),
        (names::RING_WAFER, d.ring_wafer_sigma_nm, common.map(|c| c.1)),
    ] {
        rows.push(ParameterFit {
            parameter: name,
            unit: "nm",
            default,
            fit,
            method: if fit.is_some() { "profile likelihood (restricted)" } else { "" },
            note: common_reason.clone(),
        });
    }
    line_rows(data, model, &mut rows);
    YieldFits { model: *model, parameters: rows }
}

/// The rows of the ASIC, warpage and coverage fits ([`crate::line_fit`]).
fn line_rows(data: &FitData, model: &FitModel, rows: &mut Vec<ParameterFit>) {
    let d = model.defaults;
    let wald = "observed information (Wald on the logarithm)";
    let asic = crate::line_fit::asic_defects(
        &data.asic_wafers,
        model.wafer_test_coverage,
        model.asic_lot_alpha,
    );
    let (dies, passed) =
        data.asic_wafers.iter().fold((0, 0), |(t, p), w| (t + w.tested, p + w.passed));
    let sorted = format!(
        "{dies} dies sorted on {} ASIC wafers, {passed} passed; wafer-test coverage {}, lot clustering alpha {} (both the scenario's)",
        data.asic_wafers.len(),
        model.wafer_test_coverage,
        model.asic_lot_alpha.map_or("none".to_string(), |a| a.to_string())
    );
    let no_sort = if data.asic_wafers.is_empty() {
        "not identified: no wafer sort in the data (schema 3's asic_wafer_dies_tested and asic_wafer_dies_passed)".to_string()
    } else {
        format!("not identified: {sorted}; fewer than 3 wafers, or no failing die")
    };
    rows.push(ParameterFit {
        parameter: names::ASIC_DEFECTS,
        unit: "1",
        default: d.asic_defects_per_die,
        fit: asic.map(|a| a.0),
        method: if asic.is_some() { wald } else { "" },
        note: if asic.is_some() {
            format!("{sorted}; negative-binomial wafer likelihood")
        } else {
            no_sort.clone()
        },
    });
    let alpha = asic.and_then(|a| a.1);
    rows.push(ParameterFit {
        parameter: names::ASIC_ALPHA,
        unit: "1",
        default: d.asic_cluster_alpha,
        fit: alpha,
        method: if alpha.is_some() { wald } else { "" },
        note: match asic {
            Some((_, Some(_))) => format!("{sorted}; negative-binomial wafer likelihood"),
            Some((_, None)) => format!(
                "not identified: {sorted}; the wafers show no spread beyond Poisson (alpha above 1e4)"
            ),
            None => no_sort,
        },
    });
    let warpage = crate::line_fit::warpage(&data.warpage_um);
    let warpage_note = if warpage.is_some() {
        format!("{} packages' measured warpage", data.warpage_um.len())
    } else {
        "not identified: no measured package warpage in the data (schema 3's warpage_um) for 3 packages or more; its only trace in schema 2 is the lateral shift k W rho² in the coupling loss, confounded with the block offsets over rho² in [0.5, 1]".to_string()
    };
    for (name, default, fit, method) in [
        (names::WARPAGE_MEAN, d.warpage_mean_um, warpage.map(|w| w.0), "Student t"),
        (names::WARPAGE_SIGMA, d.warpage_sigma_um, warpage.map(|w| w.1), "exact chi-square"),
    ] {
        rows.push(ParameterFit {
            parameter: name,
            unit: "µm",
            default,
            fit,
            method: if fit.is_some() { method } else { "" },
            note: warpage_note.clone(),
        });
    }
    for (names, defaults, caught, insertion) in [
        (
            names::PACKAGE_TEST_COVERAGE,
            d.package_test_coverage,
            &data.package_test,
            "first package test",
        ),
        (names::SYSTEM_TEST_COVERAGE, d.system_test_coverage, &data.system_test, "system test"),
    ] {
        let fits = crate::line_fit::coverages(caught);
        for (m, fit) in fits.iter() {
            let (present, k) = caught[m];
            let counted =
                format!("{k} caught of {present} packages with {} at their {insertion}", m.name());
            // Fewer packages say little about the coverage (an interval up to one half
            // wide): not replaced. The rule is on the count alone, so that it does not select
            // on the outcome.
            let identified = fit.filter(|_| present >= crate::line_fit::MIN_COVERAGE_PACKAGES);
            rows.push(ParameterFit {
                parameter: names[m],
                unit: "1",
                default: defaults[m],
                fit: identified,
                method: if identified.is_some() { "exact binomial (Clopper-Pearson)" } else { "" },
                note: if identified.is_some() {
                    counted
                } else if let Some(f) = fit {
                    format!(
                        "not identified: {counted}, fewer than {} (its 95 % interval [{:.3}, {:.3}])",
                        crate::line_fit::MIN_COVERAGE_PACKAGES,
                        f.low,
                        f.high
                    )
                } else if m == cporamp_yield::Mechanism::Asic {
                    "not identified: the ASIC defects that escape are not in the lane records"
                        .to_string()
                } else {
                    format!(
                        "not identified: no package with {} at its {insertion} (or no caught-by column, schema 3's package_test_caught and system_test_caught)",
                        m.name()
                    )
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bessel_matches_its_series() {
        // I0(x) = sum (x/2)^(2k) / (k!)^2.
        for x in [0.0, 0.5, 2.0, 3.7, 3.8, 10.0, 40.0] {
            let mut term = 1.0;
            let mut sum = 1.0;
            for k in 1..200 {
                term *= (x / 2.0) * (x / 2.0) / (k as f64 * k as f64);
                sum += term;
            }
            let relative = (ln_bessel_i0(x) - sum.ln()).abs();
            assert!(relative < 3e-7, "x {x}: {} vs {}", ln_bessel_i0(x), sum.ln());
        }
    }

    #[test]
    fn chi_square_quantiles_are_close_to_tables() {
        // Tables: chi2(0.025, 100) = 74.22, chi2(0.975, 100) = 129.56.
        assert!((chi2_quantile(0.025, 100.0) - 74.22).abs() < 0.1);
        assert!((chi2_quantile(0.975, 100.0) - 129.56).abs() < 0.1);
    }

    #[test]
    fn the_offset_tail_is_the_noncentral_chi_square_tail() {
        // Centred: the central chi-square with 2 degrees of freedom, exp(-D / 2 sigma²).
        let tail = offset_tail(0.0, 0.5, 0.2);
        assert!((tail - (-0.5f64 / 0.08).exp()).abs() < 1e-15, "{tail}");
        // Off centre: against the Rice density integrated by the trapezoidal rule.
        let (r, d, sigma): (f64, f64, f64) = (0.4, 0.6, 0.15);
        let vf = sigma * sigma;
        let step = 1e-5;
        let mut integral = 0.0;
        let mut rho = d.sqrt();
        while rho < 3.0 {
            let density =
                (rho / vf).ln() - (rho * rho + r * r) / (2.0 * vf) + ln_bessel_i0(rho * r / vf);
            integral += density.exp() * step;
            rho += step;
        }
        let tail = offset_tail(r, d, sigma);
        assert!((tail / integral - 1.0).abs() < 1e-3, "{tail} vs {integral}");
    }

    #[test]
    fn the_engine_fail_probability_matches_a_monte_carlo_of_the_attach() {
        use rand::SeedableRng;
        use rand_distr::{Distribution, Normal};
        // A fixed 5 µm gap, no tilt: an engine of 8 lanes fails when a lane's loss
        // -10 log10(e) (2 c0 + c2 |b + f|²) exceeds 0.6 dB.
        let model = FitModel {
            mode_radius_um: 2.0,
            wavelength_um: 1.31,
            gap_index: 1.5,
            tilt_sigma_mrad: 0.0,
            gap_mean_um: 5.0,
            gap_sigma_um: 0.0,
            coupling_budget_db: 0.6,
            spare_lanes_per_engine: 0,
            warpage_shift_um: 0.0,
            warpage_lateral_per_um: 0.0,
            lanes_per_laser: 0,
            weak_burn_in_survival: 1.0,
            fsr_nm: 10.0,
            wafer_test_coverage: 0.99,
            asic_lot_alpha: None,
            bus_lanes: None,
            defaults: Defaults {
                block_common_sigma_um: 0.25,
                fiber_sigma_um: 0.15,
                laser_dead_probability: 0.0,
                laser_weak_fraction: 0.0,
                ring_local_sigma_nm: 0.0,
                ring_engine_sigma_nm: 0.0,
                ring_wafer_sigma_nm: 0.0,
                warpage_mean_um: 0.0,
                warpage_sigma_um: 0.0,
                asic_defects_per_die: 0.0,
                asic_cluster_alpha: 1.0,
                package_test_coverage: ByMechanism([0.9; 5]),
                system_test_coverage: ByMechanism([0.5; 5]),
            },
        };
        let p = engine_fail_probability(&model, 0.25, 0.15, 8);
        let modes =
            cporamp_yield::coupling::Modes { radius_um: 2.0, wavelength_um: 1.31, gap_index: 1.5 };
        let axis = modes.axis(0.0, 5.0);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (block, fiber) = (Normal::new(0.0, 0.25).unwrap(), Normal::new(0.0, 0.15).unwrap());
        let engines = 200_000;
        let mut failed = 0u32;
        for _ in 0..engines {
            let (bx, by) = (block.sample(&mut rng), block.sample(&mut rng));
            let fails = (0..8).any(|_| {
                let x = bx + fiber.sample(&mut rng);
                let y = by + fiber.sample(&mut rng);
                let loss = -DB_PER_NEPER * (axis.ln_efficiency(x) + axis.ln_efficiency(y));
                loss > 0.6
            });
            failed += u32::from(fails);
        }
        let mc = f64::from(failed) / f64::from(engines);
        let se = (mc * (1.0 - mc) / f64::from(engines)).sqrt();
        assert!(mc > 0.01, "a test that can fail: {mc}");
        assert!((p - mc).abs() < 3.0 * se, "{p} vs Monte Carlo {mc} ± {se}");
    }

    #[test]
    fn weak_fraction_undoes_burn_in() {
        // 20 weak of 1000 shipped lasers with half the weak chips surviving burn-in:
        // f = q / (S + q (1 - S)) = 0.02 / (0.5 + 0.01) = 0.0392.
        let fit = laser_weak(20, 1000, 0.5).unwrap();
        assert!((fit.value - 0.02 / 0.51).abs() < 1e-12, "{fit:?}");
        assert!(fit.low < fit.value && fit.value < fit.high);
    }
}
