//! Generations and technologies: each technology's kind, laser, link budget, rings, package
//! and per-generation parts, checked against the generations listed in `[compare]`.

use super::ids::check_listed_ids;
use crate::raw;
use crate::{
    Cooling, Els, Generation, Laser, LaserPlacement, LinkBudget, Package, Parts, Rings, Tec,
    Technology, TechnologyKind,
};
use cporamp_core::check::{Checker, Limits, Section, check_generation_keys, join};
use cporamp_core::ids::{GenerationId, TechnologyId};

pub(super) fn resolve_generations(
    checker: &mut Checker,
    file: &raw::ScenarioFile,
) -> Vec<Generation> {
    let defined: Vec<&str> = file.generation.keys().map(String::as_str).collect();
    check_listed_ids(
        checker,
        "generation",
        "compare.generations",
        &file.compare.generations,
        &defined,
    );
    file.compare
        .generations
        .iter()
        .filter_map(|id| file.generation.get(id).map(|generation| (id, generation)))
        .map(|(id, generation)| {
            let at = Section::new(join("generation", id));
            let g = generation;
            let lanes_per_switch =
                at.count(checker, "lanes_per_switch", g.lanes_per_switch, 1, 65_536, "lanes");
            let lanes_per_port = at.count(checker, "lanes_per_port", g.lanes_per_port, 1, 64, "lanes");
            if lanes_per_switch % lanes_per_port != 0 {
                at.invalid(checker,
                    "lanes_per_port",
                    lanes_per_port,
                    format!("a divisor of lanes_per_switch = {lanes_per_switch}, so that ports are whole"),
                );
            }
            at.positive(checker, "lane_rate_gbps", g.lane_rate.0, "Gb/s");
            for (name, energy) in [
                ("asic_core_pj_per_bit", g.asic_core),
                ("host_serdes_long_reach_pj_per_bit", g.host_serdes_long_reach),
                ("host_serdes_xsr_pj_per_bit", g.host_serdes_xsr),
            ] {
                at.non_negative(checker, name, energy.0, "pJ/bit");
            }
            let oma = Limits::between(-30.0, 10.0);
            at.number(checker, "rx_oma_sensitivity_dbm", g.rx_oma_sensitivity.0, oma, "dBm");
            at.non_negative(checker, "asic_cost_usd", g.asic_cost.0, "USD");
            Generation { id: GenerationId::new(id.as_str()), ..g.clone() }
        })
        .collect()
}

pub(super) fn resolve_technologies(
    checker: &mut Checker,
    file: &raw::ScenarioFile,
    generation_ids: &[String],
) -> Vec<Technology> {
    let defined: Vec<&str> = file.technology.keys().map(String::as_str).collect();
    check_listed_ids(
        checker,
        "technology",
        "compare.technologies",
        &file.compare.technologies,
        &defined,
    );
    file.compare
        .technologies
        .iter()
        .filter_map(|id| file.technology.get(id).map(|technology| (id, technology)))
        .map(|(id, technology)| {
            check_technology(checker, id, technology, generation_ids);
            Technology { id: TechnologyId::new(id.as_str()), ..technology.clone() }
        })
        .collect()
}

/// `[technology.<id>]`: its sections as its kind needs them, its figures and its parts.
fn check_technology(
    checker: &mut Checker,
    id: &str,
    technology: &Technology,
    generation_ids: &[String],
) {
    let path = join("technology", id);
    let at = Section::new(&path);
    check_sections(checker, &path, technology);
    if let Some(optics) = technology.optics() {
        check_laser(checker, &at.path("laser"), optics.laser, technology.kind);
        check_link_budget(checker, &at.path("link_budget"), optics.link_budget);
    }
    if let Some(rings) = &technology.rings {
        check_rings(checker, &at.path("rings"), rings);
    }
    if let Some(package) = &technology.package {
        check_package(checker, &at.path("package"), package);
    }
    check_per_generation(checker, &at.path("per_generation"), technology, generation_ids);
    let scale = Limits::between(0.0, 2.0);
    at.number(checker, "host_serdes_scale", technology.host_serdes_scale, scale, "fraction");
    at.number(
        checker,
        "conversion_efficiency",
        technology.conversion_efficiency,
        Limits::FRACTION_OPEN_ZERO,
        "fraction",
    );
    at.non_negative(checker, "overhead_w_per_port", technology.overhead_per_port.0, "W");
    at.positive(checker, "reach_m", technology.reach.0, "m");
    let ports = technology.faceplate_ports_per_ru;
    at.count(checker, "faceplate_ports_per_ru", ports, 1, 1024, "ports");
}

/// The sections `kind` needs are there and no others: copper has no laser; only co-packaged
/// designs have a package or rings.
fn check_sections(checker: &mut Checker, path: &str, technology: &Technology) {
    let at = Section::new(path);
    let kind = technology.kind;
    let needs_optics = kind != TechnologyKind::Copper;
    let needs_package = kind == TechnologyKind::CoPackaged;
    let presence = [
        ("laser", technology.laser.is_some(), needs_optics),
        ("link_budget", technology.link_budget.is_some(), needs_optics),
        ("package", technology.package.is_some(), needs_package),
    ];
    for (section, present, needed) in presence {
        if present != needed {
            at.invalid(
                checker,
                section,
                if present { "a section" } else { "nothing" },
                format!(
                    "{} [{}.{section}] for kind = \"{}\"",
                    if needed { "a" } else { "no" },
                    path,
                    kind.name()
                ),
            );
        }
    }
    if technology.rings.is_some() && kind != TechnologyKind::CoPackaged {
        at.invalid(
            checker,
            "rings",
            "a section",
            format!("no [{path}.rings] unless kind = \"co_packaged\""),
        );
    }
}

/// `[technology.<id>.package]` at `path`: an engine's capacity and edge.
fn check_package(checker: &mut Checker, path: &str, package: &Package) {
    let at = Section::new(path);
    at.positive(checker, "engine_capacity_gbps", package.engine_capacity.0, "Gb/s");
    at.positive(checker, "engine_edge_mm", package.engine_edge.0, "mm");
}

/// `[technology.<id>.per_generation.*]` at `path`: the parts of every generation listed in
/// `[compare]`, and no other.
fn check_per_generation(
    checker: &mut Checker,
    path: &str,
    technology: &Technology,
    generation_ids: &[String],
) {
    let per_generation = &technology.per_generation;
    check_generation_keys(
        checker,
        path,
        per_generation.keys().map(GenerationId::as_str),
        generation_ids,
    );
    // Lasers are priced per laser only where the port owns them; an ELS is priced per module.
    let owns_lasers =
        technology.laser.as_ref().is_some_and(|laser| laser.placement != LaserPlacement::External);
    for generation_id in generation_ids {
        let parts_path = join(path, generation_id);
        let Some(parts) = per_generation.get(generation_id.as_str()) else {
            checker.invalid(
                &parts_path,
                "nothing",
                format!("a [{parts_path}] section: every technology gives its parts for every generation"),
            );
            continue;
        };
        if !owns_lasers && parts.laser_cost_each.0 != 0.0 {
            checker.invalid(
                &format!("{parts_path}.laser_usd_each"),
                parts.laser_cost_each.0,
                "0: this technology has no laser in the module or package (an external laser source is priced by laser.els.module_usd)",
            );
        }
        check_parts(checker, &parts_path, parts);
    }
}

/// `[technology.<id>.laser]` at `path`: a placement that `kind` allows, the `tec` table
/// exactly when cooled and the `els` table exactly when external, and the laser's figures.
fn check_laser(checker: &mut Checker, path: &str, laser: &Laser, kind: TechnologyKind) {
    let at = Section::new(path);
    let allowed: &[LaserPlacement] = if kind == TechnologyKind::CoPackaged {
        &[LaserPlacement::Package, LaserPlacement::External]
    } else {
        &[LaserPlacement::Module]
    };
    if !allowed.contains(&laser.placement) {
        let names: Vec<String> = allowed.iter().map(|p| format!("\"{}\"", p.name())).collect();
        at.invalid(
            checker,
            "placement",
            format!("\"{}\"", laser.placement.name()),
            format!("one of {}", names.join(", ")),
        );
    }
    if (laser.cooling == Cooling::Tec) != laser.tec.is_some() {
        at.invalid(
            checker,
            "tec",
            if laser.tec.is_some() { "a section" } else { "nothing" },
            format!("a [{path}.tec] section exactly when cooling = \"tec\""),
        );
    }
    if (laser.placement == LaserPlacement::External) != laser.els.is_some() {
        at.invalid(
            checker,
            "els",
            if laser.els.is_some() { "a section" } else { "nothing" },
            format!("a [{path}.els] section exactly when placement = \"external\""),
        );
    }
    if let Some(tec) = &laser.tec {
        check_tec(checker, &at.path("tec"), tec);
    }
    if let Some(els) = &laser.els {
        check_els(checker, &at.path("els"), els);
    }
    at.count(checker, "lanes_per_laser", laser.lanes_per_laser, 1, 64, "lanes");
    at.number(
        checker,
        "wall_plug_efficiency",
        laser.wall_plug_efficiency,
        Limits::FRACTION_OPEN_ZERO,
        "fraction",
    );
    let temperature = Limits::between(-40.0, 150.0);
    at.number(checker, "wpe_reference_temp_c", laser.wpe_reference_temp.0, temperature, "°C");
    // Below ~5 K the exponential fit is meaningless (real T0 and T1 are 50-400 K).
    let scale = Limits::between(5.0, 10_000.0);
    at.number(checker, "wpe_temp_scale_k", laser.wpe_temp_scale.0, scale, "K");
    at.number(checker, "ambient_temp_c", laser.ambient_temp.0, temperature, "°C");
}

/// The laser's thermo-electric cooler (`[...laser.tec]` at `path`).
fn check_tec(checker: &mut Checker, path: &str, tec: &Tec) {
    let at = Section::new(path);
    at.number(checker, "setpoint_c", tec.setpoint.0, Limits::between(-40.0, 150.0), "°C");
    at.non_negative(checker, "leak_w_per_k", tec.leak_w_per_k, "W/K");
    at.positive(checker, "cop", tec.cop, "W heat per W electrical");
}

/// The external laser source module (`[...laser.els]` at `path`).
fn check_els(checker: &mut Checker, path: &str, els: &Els) {
    let at = Section::new(path);
    at.count(checker, "lasers_per_module", els.lasers_per_module, 1, 1024, "lasers");
    at.non_negative(checker, "module_usd", els.module_cost.0, "USD");
}

/// `[technology.<id>.link_budget]` at `path`: the extinction ratio and the losses.
fn check_link_budget(checker: &mut Checker, path: &str, budget: &LinkBudget) {
    let at = Section::new(path);
    let loss = Limits::between(0.0, 60.0);
    // Below 1 dB the OMA penalty exceeds 6 dB: not a usable modulator.
    let extinction = Limits::between(1.0, 30.0);
    at.number(checker, "extinction_ratio_db", budget.extinction_ratio.0, extinction, "dB");
    at.number(checker, "modulator_loss_db", budget.modulator_loss.0, loss, "dB");
    at.number(checker, "coupling_loss_db", budget.coupling_loss.0, loss, "dB");
    at.number(checker, "connector_loss_db", budget.connector_loss.0, loss, "dB");
    let length = Limits::between(0.0, 100.0);
    at.number(checker, "fiber_length_km", budget.fiber_length_km, length, "km");
    let attenuation = Limits::between(0.0, 10.0);
    at.number(checker, "fiber_loss_db_per_km", budget.fiber_loss_db_per_km, attenuation, "dB/km");
    at.number(checker, "other_loss_db", budget.other_loss.0, loss, "dB");
    at.number(checker, "margin_db", budget.margin.0, loss, "dB");
}

/// `[technology.<id>.rings]` at `path`: the rings per lane, their line, heaters, offsets and
/// drifts.
fn check_rings(checker: &mut Checker, path: &str, rings: &Rings) {
    let at = Section::new(path);
    let temperature = Limits::between(-40.0, 150.0);
    let drift = Limits::between(0.0, 1.0);
    at.count(checker, "rings_per_lane", rings.rings_per_lane, 0, 64, "rings");
    at.number(checker, "fsr_nm", rings.fsr.0, Limits::between(0.5, 100.0), "nm");
    at.positive(checker, "heater_efficiency_nm_per_mw", rings.heater_efficiency_nm_per_mw, "nm/mW");
    let sigma = Limits::between(0.0, 100.0);
    at.number(checker, "fab_offset_sigma_nm", rings.fab_offset_sigma.0, sigma, "nm");
    let bias = Limits::between(-100.0, 100.0);
    at.number(checker, "design_bias_nm", rings.design_bias.0, bias, "nm");
    at.number(checker, "ring_drift_nm_per_k", rings.ring_drift_nm_per_k, drift, "nm/K");
    at.number(checker, "laser_drift_nm_per_k", rings.laser_drift_nm_per_k, drift, "nm/K");
    at.number(checker, "ring_temp_c", rings.ring_temp.0, temperature, "°C");
    at.number(checker, "reference_temp_c", rings.reference_temp.0, temperature, "°C");
}

/// `[technology.<id>.per_generation."<generation id>"]` at `path`: energies and costs.
fn check_parts(checker: &mut Checker, path: &str, parts: &Parts) {
    let at = Section::new(path);
    let energy = Limits::between(0.0, 100.0);
    for (name, value) in [
        ("dsp_pj_per_bit", parts.dsp),
        ("driver_pj_per_bit", parts.driver),
        ("tia_pj_per_bit", parts.tia),
        ("oe_serdes_pj_per_bit", parts.oe_serdes),
    ] {
        at.number(checker, name, value.0, energy, "pJ/bit");
    }
    for (name, value) in [
        ("dsp_usd_per_port", parts.dsp_cost_per_port),
        ("electronics_usd_per_lane", parts.electronics_cost_per_lane),
        ("laser_usd_each", parts.laser_cost_each),
        ("optics_usd_per_port", parts.optics_cost_per_port),
        ("housing_usd_per_port", parts.housing_cost_per_port),
    ] {
        at.non_negative(checker, name, value.0, "USD");
    }
}
