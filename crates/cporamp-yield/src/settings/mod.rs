//! `[yield]`: the section of the scenario file this engine reads ([`YieldSettings`],
//! deserialized as written and checked by [`check()`]): Monte Carlo size,
//! defect densities, warpage, test flow and costs, the volume ramp (`[yield.ramp]`) and fiber
//! re-attach (`[yield.rework]`).
//!
//! The engine owns its section: one serde type per table, and every range check of its fields
//! (each problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]). The section names nothing
//! outside itself. The pipeline builds the engine's [`YieldInputs`](crate::YieldInputs) from
//! these settings and the technology, photonics and thermal results.

mod check;

pub use check::check;

use cporamp_core::mechanism::ByMechanism;
use cporamp_core::quarter::Quarter;
use cporamp_core::units::{Hours, Micrometres, Millimetres, Milliradians, Usd};
use serde::{Deserialize, Serialize};

/// The yield engine: Monte Carlo size, defect densities, warpage, test flow and costs (the
/// structure, optics and ASIC come from the technology, photonics and thermal settings):
/// `[yield]` as written, bare numbers with the unit in the field name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YieldSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Packages simulated per technology and generation.
    pub packages: usize,
    /// Spare lanes per engine.
    pub spare_lanes_per_engine: usize,
    /// Post-attach (cure) shift sigma per axis of a whole fiber block, µm.
    pub shift_sigma_um: Micrometres,
    /// Mean fiber-block-to-coupler gap, µm.
    pub gap_mean_um: Micrometres,
    /// Gap sigma per fiber block, µm.
    pub gap_sigma_um: Micrometres,
    /// Refractive index of the gap fill.
    pub gap_index: f64,
    /// Fiber-block tilt sigma per axis, mrad.
    pub tilt_sigma_mrad: Milliradians,
    /// Expected killer defects per laser, $D_L A_L$.
    pub laser_defects_per_laser: f64,
    /// Weak (infant-mortality) laser fraction.
    pub laser_weak_fraction: f64,
    /// Failure rate of weak lasers under burn-in, 1/h.
    pub laser_weak_rate_per_h: f64,
    /// Burn-in duration, h.
    pub burn_in_h: Hours,
    /// Corner warpage per package side squared, µm/mm².
    pub warpage_um_per_mm2: f64,
    /// Warpage sigma as a fraction of its mean.
    pub warpage_sigma_fraction: f64,
    /// Lateral fiber shift per µm of warpage at an engine, µm/µm.
    pub warpage_lateral_per_um: f64,
    /// Package warpage at reflow over warpage at room temperature.
    pub reflow_warpage_fraction: f64,
    /// Lower end of the band of reflow warpage in which board (BGA) joints open, µm.
    pub bga_open_low_um: Micrometres,
    /// Upper end of that band, µm.
    pub bga_open_high_um: Micrometres,
    /// Bow across an optical engine at which its joints to the substrate open, µm.
    pub engine_joint_open_um: Micrometres,
    /// ASIC killer defect density, 1/cm².
    pub asic_defects_per_cm2: f64,
    /// Negative-binomial clustering parameter of ASIC defects (per wafer).
    pub asic_cluster_alpha: f64,
    /// ASIC wafers per lot.
    pub wafers_per_lot: usize,
    /// Lot-to-lot clustering parameter of the ASIC defect density.
    pub asic_lot_alpha: f64,
    /// Engines (PIC dies) per PIC wafer.
    pub engines_per_pic_wafer: usize,
    /// Share of the die-common ring offset variance that is common to a PIC wafer.
    pub ring_offset_wafer_share: f64,
    /// Spare lasers per external laser source module, beyond its data lasers.
    pub els_spare_lasers: usize,
    /// ASIC wafer-test coverage.
    pub wafer_test_coverage: f64,
    /// Engine-test coverage per mechanism (a table keyed by mechanism in the file).
    pub engine_test_coverage: ByMechanism<f64>,
    /// Package-test coverage per mechanism.
    pub package_test_coverage: ByMechanism<f64>,
    /// System-test coverage per mechanism (the switch under traffic, after package test).
    pub system_test_coverage: ByMechanism<f64>,
    /// Defect levels falling with cumulative volume.
    pub ramp: Ramp,
    /// Fiber re-attach of packages rejected for coupling alone.
    pub rework: Rework,
    /// Substrate, lid, assembly and fiber attach per package, USD.
    pub packaging_usd: Usd,
    /// Wafer test per ASIC, USD.
    pub wafer_test_usd: Usd,
    /// Engine test per engine, USD.
    pub engine_test_usd: Usd,
    /// Package test per package, USD.
    pub package_test_usd: Usd,
    /// System test per switch, USD.
    pub system_test_usd: Usd,
    /// Laser burn-in per package's worth of lasers, USD.
    pub burn_in_usd: Usd,
}

/// The cost of each test insertion and of burn-in, as `[yield]` sets them
/// ([`YieldSettings::test_costs`]), for the yield engine's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestCosts {
    /// Wafer test per ASIC, USD.
    pub wafer_test_usd: Usd,
    /// Engine test per engine, USD.
    pub engine_test_usd: Usd,
    /// Package test per package, USD.
    pub package_test_usd: Usd,
    /// System test per switch, USD.
    pub system_test_usd: Usd,
    /// Laser burn-in per package's worth of lasers, USD.
    pub burn_in_usd: Usd,
}

impl YieldSettings {
    /// What each test insertion and burn-in costs.
    #[must_use]
    pub fn test_costs(&self) -> TestCosts {
        TestCosts {
            wafer_test_usd: self.wafer_test_usd,
            engine_test_usd: self.engine_test_usd,
            package_test_usd: self.package_test_usd,
            system_test_usd: self.system_test_usd,
            burn_in_usd: self.burn_in_usd,
        }
    }

    /// Mean corner warpage of a package of side `package_side`, µm: the warpage per package
    /// area times the area (warpage grows with the substrate's area).
    #[must_use]
    pub fn warpage_mean(&self, package_side: Millimetres) -> Micrometres {
        Micrometres(self.warpage_um_per_mm2 * package_side.0 * package_side.0)
    }

    /// Mean killer defects per ASIC die of side `asic_side`: the density per cm² times the
    /// die's area.
    #[must_use]
    pub fn asic_defects_per_die(&self, asic_side: Millimetres) -> f64 {
        self.asic_defects_per_cm2 * asic_side.to_centimetres().0.powi(2)
    }

    /// Probability that a laser is dead on arrival: Poisson defects per laser, at least one,
    /// `1 - exp(-λ)`.
    #[must_use]
    pub fn laser_dead_probability(&self) -> f64 {
        1.0 - (-self.laser_defects_per_laser).exp()
    }
}

/// Wright's-law learning of the yield engine's defect levels (`[yield.ramp]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ramp {
    /// Factor on defect levels per doubling of cumulative volume, in (0, 1].
    pub learning_rate: f64,
    /// Cumulative packages at which the `[yield]` defect levels hold.
    pub reference_units: f64,
    /// The ramp's first quarter (`2026Q1`).
    pub first_quarter: Quarter,
    /// Packages built before the first quarter.
    pub initial_units: f64,
    /// Packages built in each quarter of the ramp, from the first.
    pub units_per_quarter: Vec<f64>,
    /// Packages simulated per point.
    pub packages_per_point: usize,
}

impl Ramp {
    /// Each quarter of the ramp, from the first, one per quarter's volume.
    #[must_use]
    pub fn quarters(&self) -> Vec<Quarter> {
        (0..self.units_per_quarter.len())
            .map(|offset| self.first_quarter.plus(offset as i32))
            .collect()
    }

    /// Cumulative packages at the end of each quarter: the units built before the first one
    /// plus the quarters' volumes.
    #[must_use]
    pub fn cumulative_units(&self) -> Vec<f64> {
        self.units_per_quarter
            .iter()
            .scan(self.initial_units, |cumulative, units| {
                *cumulative += units;
                Some(*cumulative)
            })
            .collect()
    }
}

/// Fiber re-attach of a package that failed package test for coupling alone: the fiber
/// blocks of the engines with coupling failures are removed and attached again (fresh
/// placement, gap and tilt; the warpage stays), then the package is tested again. The yield
/// engine takes it as it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rework {
    /// Attempts per package (0: a reject is scrap).
    pub attempts: usize,
    /// Probability that an attempt damages the package.
    pub damage_probability: f64,
    /// Cost per attempt.
    pub usd: Usd,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::check::Checker;
    use cporamp_core::mechanism::Mechanism;

    /// The default scenario's `[yield]` table, with `edit` applied to its text first.
    fn default_section(edit: impl Fn(&str) -> String) -> YieldSettings {
        let text = edit(include_str!("../../../cporamp-scenario/presets/default.toml"));
        let mut file: toml::Table = toml::from_str(&text).unwrap();
        file.remove("yield").unwrap().try_into().unwrap()
    }

    fn checked(settings: YieldSettings) -> (YieldSettings, Vec<String>) {
        let mut checker = Checker::default();
        check(&mut checker, &settings);
        (settings, checker.diagnostics.iter().map(|d| d.path.clone()).collect())
    }

    #[test]
    fn the_default_section_checks_alone() {
        let (settings, problems) = checked(default_section(str::to_string));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((settings.seed, settings.packages), (20_261_125, 20_000));
        assert_eq!(settings.rework.attempts, 1);
        let (quarters, cumulative) = (settings.ramp.quarters(), settings.ramp.cumulative_units());
        assert_eq!(quarters[0].to_string(), "2026Q1");
        assert_eq!(quarters[1].to_string(), "2026Q2");
        assert_eq!(quarters.len(), cumulative.len());
        // Cumulative units: the volume built before the ramp plus each quarter's.
        assert!((cumulative[0] - (40_000.0 + 10_000.0)).abs() < 1e-9);
        let second = settings.ramp.units_per_quarter[1];
        assert!((cumulative[1] - (50_000.0 + second)).abs() < 1e-9);
        let coupling = settings.package_test_coverage[Mechanism::Coupling];
        assert!((0.0..=1.0).contains(&coupling), "{coupling}");
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let settings = default_section(|text| {
            text.replace("packages = 20000 ", "packages = 0 ")
                .replace("attempts = 1 ", "attempts = 11 ")
                .replace("first_quarter = \"2026Q1\"", "first_quarter = \"1850Q1\"")
        });
        let (_, problems) = checked(settings);
        for path in ["yield.packages", "yield.rework.attempts", "yield.ramp.first_quarter"] {
            assert!(problems.iter().any(|p| p == path), "{path} in {problems:?}");
        }
        assert_eq!(problems.len(), 3, "{problems:?}");
    }
}
