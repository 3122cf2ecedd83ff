//! The yield engine's inputs and their error.

use super::*;
use cporamp_core::coupling::FiberAttach;
use cporamp_core::units::{Hours, Micrometres, Nanometres, Usd};

/// Everything the yield engine needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldInputs {
    /// Packages to simulate.
    pub packages: usize,
    /// Monte Carlo seed.
    pub seed: u64,
    /// Engines per package.
    pub engines_per_package: usize,
    /// Data lanes per engine.
    pub lanes_per_engine: usize,
    /// Spare lanes per engine.
    pub spare_lanes_per_engine: usize,
    /// Lanes fed by one on-engine laser; 0 when the lasers are external (ELS).
    pub lanes_per_laser: usize,
    /// Fiber-block placement sigma per axis, common to the block's fibers, µm.
    pub block_sigma_um: Micrometres,
    /// The fibers' attach to the couplers: core spread, cure shift, mode, wavelength, bond
    /// line, tilt and the coupling budget (flattened: `results.json` shows its fields here).
    #[serde(flatten)]
    pub attach: FiberAttach,
    /// Probability that a laser is dead on arrival, $1 - e^{-D_L A_L}$.
    pub laser_dead_probability: f64,
    /// Fraction of weak lasers.
    pub laser_weak_fraction: f64,
    /// Failure rate of weak lasers, 1/h.
    pub laser_weak_rate_per_h: f64,
    /// Mean heater red shift needed at operating temperature before wrapping, nm.
    pub drift_mean_nm: Nanometres,
    /// Ring fabrication offset sigma, nm.
    pub drift_sigma_nm: Nanometres,
    /// Share of that variance common to an engine.
    pub drift_global_fraction: f64,
    /// Share of that variance common to a PIC wafer.
    pub drift_wafer_fraction: f64,
    /// Engines (PICs) per PIC wafer.
    pub engines_per_pic_wafer: usize,
    /// Free spectral range, nm.
    pub fsr_nm: Nanometres,
    /// Heater tuning range, nm.
    pub tuning_range_nm: Nanometres,
    /// Rings per lane (a modulator and a demultiplexer ring), each on its own bus.
    pub rings_per_lane: usize,
    /// Wavelength reassignment step (the channel spacing; the grid tiles the FSR), nm;
    /// `None` for fixed assignment ([`cporamp_core::wdm`]).
    pub reassignment_step_nm: Option<Nanometres>,
    /// Mean corner warpage, µm.
    pub warpage_mean_um: Micrometres,
    /// Warpage sigma, µm.
    pub warpage_sigma_um: Micrometres,
    /// Lateral fiber shift per µm of warpage at the engine, µm/µm.
    pub warpage_lateral_per_um: f64,
    /// Warpage at reflow over warpage at room temperature (the BGA limits hold at reflow).
    pub reflow_warpage_fraction: f64,
    /// Lower end of the band of reflow warpage at which the board (BGA) joints open, µm.
    pub bga_open_low_um: Micrometres,
    /// Upper end of that band, µm.
    pub bga_open_high_um: Micrometres,
    /// An engine's own bow (sag across its width) per µm of package warpage,
    /// $(a/D)^2$ for an engine of width $a$ on a package of diagonal $D$.
    pub engine_sag_per_um: f64,
    /// Engine sag at which the engine's joints to the substrate open, µm.
    pub engine_joint_open_um: Micrometres,
    /// ASIC defect density times die area, $D A$.
    pub asic_defects_per_die: f64,
    /// Negative-binomial clustering $\alpha$ (defect density Gamma-distributed per wafer);
    /// `None` for Poisson.
    pub asic_cluster_alpha: Option<f64>,
    /// ASIC dies per wafer.
    pub asics_per_wafer: usize,
    /// ASIC wafers per lot.
    pub wafers_per_lot: usize,
    /// Lot-to-lot clustering $\alpha$ of the ASIC defect density (a Gamma factor per lot on
    /// top of the wafer's); `None` for none.
    pub asic_lot_alpha: Option<f64>,
    /// ASIC wafer test coverage of ASIC defects.
    pub wafer_test_coverage: f64,
    /// Engine test coverage per mechanism (only laser and drift are present then).
    pub engine_test: Coverage,
    /// Package test coverage per mechanism.
    pub package_test: Coverage,
    /// Switch system test (traffic on every port) coverage per mechanism, after package test.
    pub system_test: Coverage,
    /// Laser-chip burn-in, hours (0: none).
    pub burn_in_h: Hours,
    /// Rework of packages rejected for coupling only.
    pub rework: Rework,
    /// The external laser source, when the lasers are outside the package.
    pub els: Option<Els>,
    /// ASIC cost, USD.
    pub asic_usd: Usd,
    /// Optical engine cost, USD.
    pub engine_usd: Usd,
    /// Substrate, lid, assembly and fiber attach per package, USD.
    pub packaging_usd: Usd,
    /// The test insertions' and burn-in's costs, as `[yield]` sets them (flattened:
    /// `results.json` shows its fields here).
    #[serde(flatten)]
    pub test_costs: TestCosts,
}

impl YieldInputs {
    /// The ring-to-ring (local) share of the ring offset's spread, nm: $\sigma\sqrt{1 - g -
    /// w}$ with $g$ and $w$ the engine-global and wafer shares of its variance.
    #[must_use]
    pub fn ring_local_sigma_nm(&self) -> f64 {
        self.drift_sigma_nm.0
            * (1.0 - self.drift_global_fraction - self.drift_wafer_fraction).max(0.0).sqrt()
    }
}

/// An external laser source module: `lasers` lasers of which `lasers_needed` must work (the
/// rest are spares); tested on its own and swapped in the field, so a bad module is
/// scrapped alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Els {
    /// Lasers per module.
    pub lasers: usize,
    /// Lasers that must work.
    pub lasers_needed: usize,
    /// Modules per switch.
    pub per_switch: usize,
}

/// Bad yield input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("yield: {name} = {value}; expected {expected}")]
pub struct YieldInputError {
    /// The input.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// What was expected.
    pub expected: &'static str,
}
