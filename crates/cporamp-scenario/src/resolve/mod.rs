//! Checking a scenario as read, and ordering its generations and technologies as
//! `[compare]` lists them.
//!
//! Every check names the field path, the value, the allowed range and the unit. All problems
//! are collected; resolution succeeds only if there are none. Nothing is clamped or defaulted.

mod codesign;
mod fleet;
mod ids;
mod market;
mod technology;

use codesign::check_codesign;
use fleet::check_fleet;
use market::check_market;
use technology::{resolve_generations, resolve_technologies};

use super::raw;
use super::{
    FleetSettings, Generation, MarketSettings, PhotonicsSettings, Scenario, Service, Technology,
};
use cporamp_core::check::{Checker, Limits, join};
use cporamp_core::error::Diagnostic;

/// Checks and resolves a raw scenario, or returns every problem found.
pub(crate) fn resolve(file: &raw::ScenarioFile) -> Result<Scenario, Vec<Diagnostic>> {
    let mut checker = Checker::default();
    if file.schema_version != super::SCHEMA_VERSION {
        checker.invalid(
            "schema_version",
            file.schema_version,
            format!(
                "{} (this build of cporamp reads schema version {})",
                super::SCHEMA_VERSION,
                super::SCHEMA_VERSION
            ),
        );
    }

    let generations = resolve_generations(&mut checker, file);
    let generation_ids = &file.compare.generations;
    let technologies = resolve_technologies(&mut checker, file, generation_ids);
    check_service(&mut checker, &file.service);
    let margin = file.cost.module_gross_margin;
    checker.number("cost.module_gross_margin", margin, Limits::FRACTION_BELOW_ONE, "fraction");

    cporamp_thermal::settings::check(&mut checker, &file.thermal, generation_ids);
    cporamp_photonics::settings::check(&mut checker, &file.photonics);
    cporamp_yield::settings::check(&mut checker, &file.yield_options);
    check_fleet(&mut checker, &file.fleet, generation_ids, &technologies);
    check_market(&mut checker, &file.market, &technologies);
    let bond_gap = file.yield_options.gap_mean_um;
    cporamp_align::settings::check(&mut checker, &file.align, bond_gap);
    check_codesign(&mut checker, &file.codesign, generation_ids, &technologies);
    check_market_fabrics(&mut checker, &file.market, &file.fleet, &technologies);
    check_ring_allocations(&mut checker, &file.photonics, &technologies);
    check_engines_four_fold(&mut checker, &technologies, &generations);

    if checker.diagnostics.is_empty() {
        Ok(Scenario {
            name: file.name.clone(),
            description: file.description.clone(),
            generations,
            technologies,
            service: file.service.clone(),
            cost: file.cost.clone(),
            thermal: file.thermal.clone(),
            photonics: file.photonics.clone(),
            yield_settings: file.yield_options.clone(),
            fleet: file.fleet.clone(),
            market: file.market.clone(),
            align: file.align.clone(),
            codesign: file.codesign.clone(),
        })
    } else {
        Err(checker.diagnostics)
    }
}

/// `[service]`: the repair times, each positive.
fn check_service(checker: &mut Checker, service: &Service) {
    for (name, mttr) in [
        ("module_swap_mttr_h", service.module_swap_mttr),
        ("els_swap_mttr_h", service.els_swap_mttr),
        ("cable_swap_mttr_h", service.cable_swap_mttr),
        ("switch_replace_mttr_h", service.switch_replace_mttr),
    ] {
        checker.number(&format!("service.{name}"), mttr.0, Limits::POSITIVE, "h");
    }
}

/// The market's goodput anchors compare the fleet's fabrics of its three technologies: each
/// must be one of the fleet's.
fn check_market_fabrics(
    checker: &mut Checker,
    market: &MarketSettings,
    fleet: &FleetSettings,
    technologies: &[Technology],
) {
    for (name, id) in [
        ("cpo_technology", &market.cpo_technology),
        ("pluggable_technology", &market.pluggable_technology),
        ("lpo_technology", &market.lpo_technology),
    ] {
        // An id the scenario does not define is its own problem.
        let defined = technologies.iter().any(|technology| technology.id == *id);
        if defined && !fleet.technologies.contains(id) {
            checker.invalid(
                &format!("market.{name}"),
                format!("\"{id}\""),
                "a technology listed in fleet.technologies (the fleet runs its fabric)",
            );
        }
    }
}

/// The coupling and ageing allocations come out of every ring technology's link margin, and a
/// reassigned bus needs a laser grid that tiles the ring FSR.
fn check_ring_allocations(
    checker: &mut Checker,
    photonics: &PhotonicsSettings,
    technologies: &[Technology],
) {
    for technology in technologies {
        let (Some(rings), Some(optics)) = (&technology.rings, technology.optics()) else {
            continue;
        };
        let path = join("technology", &technology.id);
        let allocated = photonics.coupling_allocation_db.0 + photonics.ageing_allocation_db.0;
        if allocated >= optics.link_budget.margin.0 {
            checker.invalid(
                "photonics.coupling_allocation_db",
                photonics.coupling_allocation_db.0,
                format!(
                    "with ageing_allocation_db ({} dB) less than {path}.link_budget.margin_db ({} dB): the rest pays for crosstalk, power spread and detuning",
                    photonics.ageing_allocation_db.0, optics.link_budget.margin.0
                ),
            );
        }
        if photonics.wavelength_reassignment {
            let channels = rings.fsr.0 / photonics.channel_spacing_nm.0;
            if channels.round() < 2.0 || (channels - channels.round()).abs() > 0.01 {
                checker.invalid(
                    &format!("{path}.rings.fsr_nm"),
                    rings.fsr.0,
                    format!(
                        "a whole number (at least 2) of photonics.channel_spacing_nm ({} nm) when photonics.wavelength_reassignment is on: the laser grid must tile the FSR (FSR / spacing = {channels:.3})",
                        photonics.channel_spacing_nm.0
                    ),
                );
            }
        }
    }
}

/// Engines are laid out four-fold around the ASIC: each generation's capacity must be a whole
/// multiple of four engines.
fn check_engines_four_fold(
    checker: &mut Checker,
    technologies: &[Technology],
    generations: &[Generation],
) {
    for technology in technologies {
        let Some(package) = &technology.package else { continue };
        for generation in generations {
            let ratio = generation.switch_capacity().0 / package.engine_capacity.0;
            if (ratio - ratio.round()).abs() > 1e-9
                || ratio.round() < 4.0
                || ratio.round() % 4.0 != 0.0
            {
                checker.invalid(
                    &format!("{}.package.engine_capacity_gbps", join("technology", &technology.id)),
                    package.engine_capacity.0,
                    format!(
                        "a capacity that divides the {} switch ({} Gb/s) into a multiple of 4 engines",
                        generation.id,
                        generation.switch_capacity().0
                    ),
                );
            }
        }
    }
}
