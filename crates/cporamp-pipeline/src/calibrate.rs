//! Calibration hooks for `cporamp inspect` and `cporamp run --calibrate`: what the
//! inspector takes from the scenario (the fit model of one technology and generation, what the
//! yield engine would be given; the specification limits; the laser model), and the scenario
//! with the fitted yield parameters in place of its own, so that every engine then runs on
//! them.
//!
//! The fits ([`cporamp_inspect::yield_fit`]) are in the yield engine's terms; they go back
//! into the scenario as follows:
//! - block-common sigma $\hat\sigma_B$: `photonics.block_sigma_um` and `yield.shift_sigma_um`
//!   both scaled by $\hat\sigma_B / \sqrt{\sigma_b^2 + \sigma_s^2}$ (the data identify only
//!   their quadrature sum, so their ratio is kept);
//! - per-fiber sigma: `photonics.fiber_sigma_um`;
//! - laser dead probability $\hat p$: `yield.laser_defects_per_laser` $= -\ln(1 - \hat p)$;
//! - weak fraction: `yield.laser_weak_fraction`;
//! - local ring spread $\hat\sigma_l$: the engine- and wafer-common variance
//!   $\sigma^2 g$ is kept ($g$ = `photonics.global_variance_fraction`) and the ring
//!   technology's `fab_offset_sigma_nm` becomes $\sigma' = \sqrt{\sigma^2 g + \hat\sigma_l^2}$,
//!   with $g' = \sigma^2 g / \sigma'^2$; every technology with the same ring offset sigma
//!   (the same ring process, bit for bit) gets $\sigma'$, the others keep theirs (and see the new $g'$).
//!   When the engine and wafer sigmas are fitted too (fixed wavelength assignment),
//!   $\sigma^2 g$ is replaced by $\hat\sigma_g^2 + \hat\sigma_w^2$ and
//!   `yield.ring_offset_wafer_share` by $\hat\sigma_w^2/(\hat\sigma_g^2 + \hat\sigma_w^2)$;
//! - ASIC defects per die $\widehat{DA}$: `yield.asic_defects_per_cm2` $= \widehat{DA}/A$,
//!   $A$ the data's generation's die area (every generation then has that density);
//! - clustering: `yield.asic_cluster_alpha`;
//! - warpage mean $\hat W$: `yield.warpage_um_per_mm2` $= \hat W / s^2$, $s$ the package
//!   side the thermal engine builds for the data's technology and generation (every package
//!   then bows by the fitted amount per mm²); spread $\hat\sigma_W$:
//!   `yield.warpage_sigma_fraction` $= \hat\sigma_W / \hat W$ (the scenario's mean when the
//!   mean is not fitted);
//! - each fitted coverage: `yield.package_test_coverage.<mechanism>` and
//!   `yield.system_test_coverage.<mechanism>`.
//!
//! Parameters the data do not identify keep the scenario's values.

use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::mechanism::Mechanism;
use cporamp_core::units::Millimetres;
use cporamp_inspect::yield_fit::{FitModel, YieldFits, names};

use crate::yield_stage::fit_model_at;
use cporamp_inspect::{ByParameter, LaserModel, Parameter, SpecLimits};
use cporamp_scenario::LaserPlacement;
use cporamp_scenario::Scenario;
use serde::Serialize;

/// One scenario field changed by the calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedField {
    /// The scenario field.
    pub field: String,
    /// Its value before.
    pub default: f64,
    /// Its value after.
    pub calibrated: f64,
}

/// What a calibrated run reports beside its results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The data files.
    pub files: Vec<String>,
    /// Technology id of the data.
    pub technology: TechnologyId,
    /// Generation id of the data.
    pub generation: GenerationId,
    /// Every parameter: default, fit and interval, or why not fitted.
    pub fits: YieldFits,
    /// The scenario fields the fits replaced.
    pub changed: Vec<ChangedField>,
}

/// The package side the thermal engine builds for technology `technology_index` at
/// generation `generation_index`, and the ASIC's side, mm; `None` without a package.
fn sides_mm(
    scenario: &Scenario,
    technology_index: usize,
    generation_index: usize,
) -> Option<(f64, f64)> {
    let technology = scenario.technologies.get(technology_index)?;
    let generation = scenario.generations.get(generation_index)?;
    let geometry = technology.package.as_ref()?;
    let asic_side_mm = scenario.thermal.asic_side_mm.get(&generation.id)?.0;
    let load = crate::package_geometry(&scenario.thermal, geometry, generation);
    Some((cporamp_thermal::package::package_side_mm(&scenario.thermal, &load), asic_side_mm))
}

/// The fit model of technology `technology_index` at generation `generation_index`: the
/// design, test flow and defaults the yield engine would be given
/// ([`FitModel::of_inputs`] of its inputs, with the warpage of the package side the thermal
/// engine would build); `None` for a technology that is not co-packaged with rings (the yield
/// engine does not run on it).
#[must_use]
pub fn fit_model(
    scenario: &Scenario,
    technology_index: usize,
    generation_index: usize,
) -> Option<FitModel> {
    let (side_mm, _) = sides_mm(scenario, technology_index, generation_index)?;
    fit_model_at(scenario, generation_index, technology_index, side_mm)
}

/// Specification limits from a scenario: coupling loss at most the scenario's coupling
/// allocation (`photonics.coupling_allocation_db`), heater shift in [0, heater efficiency x
/// `photonics.heater_max_mw`] of `technology` (when it has rings); the gap has none.
#[must_use]
pub fn spec_limits(scenario: &Scenario, technology: Option<&str>) -> ByParameter<SpecLimits> {
    let mut limits = ByParameter::<SpecLimits>::default();
    limits[Parameter::CouplingLossDb].upper = Some(scenario.photonics.coupling_allocation_db.0);
    let rings = technology.and_then(|id| {
        scenario.technologies.iter().find(|t| t.id == id).and_then(|t| t.rings.as_ref())
    });
    if let Some(rings) = rings {
        limits[Parameter::HeaterShiftNm] = SpecLimits {
            lower: Some(0.0),
            upper: Some(rings.tuning_range_nm(scenario.photonics.heater_max_mw)),
        };
    }
    limits
}

/// The laser calibration's model from a scenario: the technology's on-engine lasers (lanes
/// per laser), the engine test's laser coverage and the scenario's dead probability; `None`
/// for lasers outside the engine, or with spare lanes (the likelihood assumes none).
#[must_use]
pub fn laser_model(scenario: &Scenario, technology: Option<&str>) -> Option<LaserModel> {
    let technology = scenario.technologies.iter().find(|t| Some(t.id.as_str()) == technology)?;
    let laser = technology.laser.as_ref()?;
    let settings = &scenario.yield_settings;
    (laser.placement == LaserPlacement::Package && settings.spare_lanes_per_engine == 0).then(
        || LaserModel {
            lanes_per_laser: u64::from(laser.lanes_per_laser),
            engine_test_coverage: settings.engine_test_coverage[Mechanism::Laser],
            scenario_probability: settings.laser_dead_probability(),
        },
    )
}

/// `scenario` with the fitted parameters of `fits` (data of technology
/// `technology_index` at generation `generation_index`) in place of its own (module docs),
/// and the fields changed.
#[must_use]
pub fn calibrated(
    scenario: &Scenario,
    technology_index: usize,
    generation_index: usize,
    fits: &YieldFits,
) -> (Scenario, Vec<ChangedField>) {
    let mut out = scenario.clone();
    let mut changed = Vec::new();
    calibrate_attach_and_lasers(&mut out, &mut changed, fits);
    let data_sigma = scenario
        .technologies
        .get(technology_index)
        .and_then(|t| t.rings.as_ref())
        .map(|r| r.fab_offset_sigma.0);
    if let (Some(local), Some(sigma)) = (fits.fitted(names::RING_LOCAL), data_sigma) {
        calibrate_rings(&mut out, &mut changed, fits, local, sigma);
    }
    if let Some((side_mm, asic_side_mm)) = sides_mm(scenario, technology_index, generation_index) {
        calibrate_package(&mut out, &mut changed, fits, side_mm, asic_side_mm);
    }
    calibrate_asic_and_tests(&mut out, &mut changed, fits);
    (out, changed)
}

/// Records `field` going from `*slot` to `value` in `changed` and sets it.
fn set(changed: &mut Vec<ChangedField>, field: &str, slot: &mut f64, value: f64) {
    changed.push(ChangedField { field: field.to_string(), default: *slot, calibrated: value });
    *slot = value;
}

/// The attach errors (block and shift sigmas in their ratio, fiber sigma) and the lasers'
/// defects and weak fraction.
fn calibrate_attach_and_lasers(
    out: &mut Scenario,
    changed: &mut Vec<ChangedField>,
    fits: &YieldFits,
) {
    if let Some(block) = fits.fitted(names::BLOCK) {
        let combined = out.photonics.block_sigma_um.0.hypot(out.yield_settings.shift_sigma_um.0);
        if combined > 0.0 {
            let ratio = block / combined;
            let (b, s) = (out.photonics.block_sigma_um.0, out.yield_settings.shift_sigma_um.0);
            set(
                changed,
                "photonics.block_sigma_um",
                &mut out.photonics.block_sigma_um.0,
                b * ratio,
            );
            set(
                changed,
                "yield.shift_sigma_um",
                &mut out.yield_settings.shift_sigma_um.0,
                s * ratio,
            );
        } else {
            set(changed, "photonics.block_sigma_um", &mut out.photonics.block_sigma_um.0, block);
        }
    }
    if let Some(fiber) = fits.fitted(names::FIBER) {
        set(changed, "photonics.fiber_sigma_um", &mut out.photonics.fiber_sigma_um.0, fiber);
    }
    if let Some(p) = fits.fitted(names::LASER_DEAD) {
        let defects = -(1.0 - p).ln();
        set(
            changed,
            "yield.laser_defects_per_laser",
            &mut out.yield_settings.laser_defects_per_laser,
            defects,
        );
    }
    if let Some(weak) = fits.fitted(names::LASER_WEAK) {
        set(
            changed,
            "yield.laser_weak_fraction",
            &mut out.yield_settings.laser_weak_fraction,
            weak,
        );
    }
}

/// The rings' fab offsets (`local` fitted, `sigma` the data's): the common variance's
/// fraction, the wafer share when the engine and wafer terms are fitted, and every
/// technology's sigma that equals the data's.
fn calibrate_rings(
    out: &mut Scenario,
    changed: &mut Vec<ChangedField>,
    fits: &YieldFits,
    local: f64,
    sigma: f64,
) {
    let g = out.photonics.global_variance_fraction;
    let mut common = sigma * sigma * g;
    // With the engine and wafer terms fitted too (fixed assignment), they replace the
    // common variance and its wafer share.
    if let (Some(engine), Some(wafer)) =
        (fits.fitted(names::RING_ENGINE), fits.fitted(names::RING_WAFER))
    {
        common = engine * engine + wafer * wafer;
        if common > 0.0 {
            set(
                changed,
                "yield.ring_offset_wafer_share",
                &mut out.yield_settings.ring_offset_wafer_share,
                wafer * wafer / common,
            );
        }
    }
    let new_sigma = (common + local * local).sqrt();
    if new_sigma > 0.0 {
        set(
            changed,
            "photonics.global_variance_fraction",
            &mut out.photonics.global_variance_fraction,
            common / (new_sigma * new_sigma),
        );
        for technology in &mut out.technologies {
            if let Some(rings) = technology.rings.as_mut()
                && rings.fab_offset_sigma.0.to_bits() == sigma.to_bits()
            {
                let field = format!("technologies.{}.rings.fab_offset_sigma_nm", technology.id);
                set(changed, &field, &mut rings.fab_offset_sigma.0, new_sigma);
            }
        }
    }
}

/// The package's ASIC defect density and warpage, per area of the ASIC (`asic_side_mm`) and of
/// the package (`side_mm`).
fn calibrate_package(
    out: &mut Scenario,
    changed: &mut Vec<ChangedField>,
    fits: &YieldFits,
    side_mm: f64,
    asic_side_mm: f64,
) {
    let area_cm2 = Millimetres(asic_side_mm).to_centimetres().0.powi(2);
    if let Some(defects) = fits.fitted(names::ASIC_DEFECTS)
        && area_cm2 > 0.0
    {
        set(
            changed,
            "yield.asic_defects_per_cm2",
            &mut out.yield_settings.asic_defects_per_cm2,
            defects / area_cm2,
        );
    }
    let mean = fits.fitted(names::WARPAGE_MEAN);
    if let Some(mean) = mean
        && side_mm > 0.0
    {
        set(
            changed,
            "yield.warpage_um_per_mm2",
            &mut out.yield_settings.warpage_um_per_mm2,
            mean / (side_mm * side_mm),
        );
    }
    let mean = mean.unwrap_or(out.yield_settings.warpage_mean(Millimetres(side_mm)).0);
    if let Some(sigma) = fits.fitted(names::WARPAGE_SIGMA)
        && mean > 0.0
    {
        set(
            changed,
            "yield.warpage_sigma_fraction",
            &mut out.yield_settings.warpage_sigma_fraction,
            sigma / mean,
        );
    }
}

/// The ASIC defects' cluster parameter and the package and system tests' coverages.
fn calibrate_asic_and_tests(out: &mut Scenario, changed: &mut Vec<ChangedField>, fits: &YieldFits) {
    if let Some(alpha) = fits.fitted(names::ASIC_ALPHA) {
        set(changed, "yield.asic_cluster_alpha", &mut out.yield_settings.asic_cluster_alpha, alpha);
    }
    for m in Mechanism::ALL {
        if let Some(coverage) = fits.fitted(names::PACKAGE_TEST_COVERAGE[m]) {
            let field = format!("yield.package_test_coverage.{}", m.name());
            set(changed, &field, &mut out.yield_settings.package_test_coverage[m], coverage);
        }
        if let Some(coverage) = fits.fitted(names::SYSTEM_TEST_COVERAGE[m]) {
            let field = format!("yield.system_test_coverage.{}", m.name());
            set(changed, &field, &mut out.yield_settings.system_test_coverage[m], coverage);
        }
    }
}
