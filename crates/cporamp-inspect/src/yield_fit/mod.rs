//! Maximum-likelihood fits of the yield engine's parameters from the test data (schema 2 or
//! 3), each with a 95 % interval, and the parameters the data cannot identify with the reason.
//!
//! The models and their equations are documented in the private modules beside their code:
//! - `yield_fit/alignment.rs`: fiber alignment, the block-common and per-fiber sigma
//!   ([`alignment()`]), with the correction for reworked packages;
//! - `yield_fit/ring.rs`: ring offsets, the local, engine and wafer spread ([`ring_local`],
//!   [`ring_common`]);
//! - `yield_fit/laser.rs`: the weak-laser fraction before burn-in ([`laser_weak`]);
//! - `yield_fit/estimation.rs`: Newton's method, quantiles and profile-likelihood intervals
//!   ([`chi2_quantile`], [`binomial_profile`]);
//! - `yield_fit/fit.rs`: all of them as rows ([`fit_all`]).
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

mod alignment;
mod estimation;
mod fit;
mod laser;
mod ring;

pub use alignment::{EngineLanes, MAX_ALIGNMENT_ENGINES, alignment, ln_bessel_i0};
pub(crate) use estimation::maximise_2d;
pub use estimation::{binomial_profile, chi2_quantile};
pub use fit::{FitData, fit_all};
pub use laser::laser_weak;
pub use ring::{ring_common, ring_local};

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
        let sigma = inputs.drift_sigma_nm.0;
        let local =
            (1.0 - inputs.drift_global_fraction - inputs.drift_wafer_fraction).max(0.0).sqrt();
        FitModel {
            mode_radius_um: inputs.attach.mode_radius_um.0,
            wavelength_um: inputs.attach.wavelength_um.0,
            gap_index: inputs.attach.gap_index,
            tilt_sigma_mrad: inputs.attach.tilt_sigma_mrad.0,
            gap_mean_um: inputs.attach.gap_mean_um.0,
            gap_sigma_um: inputs.attach.gap_sigma_um.0,
            coupling_budget_db: inputs.attach.coupling_budget_db.0,
            spare_lanes_per_engine: inputs.spare_lanes_per_engine as u64,
            warpage_shift_um: inputs.warpage_lateral_per_um * inputs.warpage_mean_um.0,
            warpage_lateral_per_um: inputs.warpage_lateral_per_um,
            lanes_per_laser: inputs.lanes_per_laser as u64,
            weak_burn_in_survival: (-inputs.laser_weak_rate_per_h * inputs.burn_in_h.0).exp(),
            fsr_nm: inputs.fsr_nm.0,
            wafer_test_coverage: inputs.wafer_test_coverage,
            asic_lot_alpha: inputs.asic_lot_alpha,
            bus_lanes: inputs
                .reassignment_step_nm
                .map(|step| ((inputs.fsr_nm.0 / step.0).round() as u64).max(1)),
            defaults: Defaults {
                block_common_sigma_um: inputs
                    .block_sigma_um
                    .0
                    .hypot(inputs.attach.shift_sigma_um.0),
                fiber_sigma_um: inputs.attach.fiber_sigma_um.0,
                laser_dead_probability: inputs.laser_dead_probability,
                laser_weak_fraction: inputs.laser_weak_fraction,
                ring_local_sigma_nm: sigma * local,
                ring_engine_sigma_nm: sigma * inputs.drift_global_fraction.sqrt(),
                ring_wafer_sigma_nm: sigma * inputs.drift_wafer_fraction.sqrt(),
                warpage_mean_um: inputs.warpage_mean_um.0,
                warpage_sigma_um: inputs.warpage_sigma_um.0,
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
