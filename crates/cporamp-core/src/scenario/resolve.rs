//! Checking a raw scenario and resolving it into unit types.
//!
//! Every check names the field path, the value, the allowed range and the unit. All problems
//! are collected; resolution succeeds only if there are none. Nothing is clamped or defaulted.

use super::locate::quote_segment;
use super::raw;
use super::{
    AsicLeakage, Board, ColdPlate, Cycling, Els, FleetJob, FleetReliability, FleetSettings,
    Generation, HeatSinkKind, Laser, LaserPlacement, LinkBudget, MarketCriteria, MarketSettings,
    MarketTier, Optics, Package, Parts, PhotonicsSettings, PriorSpec, Ramp, Rework, Rings,
    Scenario, SerdesClass, Service, Tec, Technology, TechnologyKind, ThermalSettings,
    YieldSettings,
};
use crate::error::{Diagnostic, DiagnosticKind};
use crate::units::{
    Celsius, Db, Dbm, Gbps, Hours, Kelvin, Metres, Millimetres, Nanometres, PjPerBit, Usd, Watts,
};

/// A bound of an allowed interval.
#[derive(Clone, Copy)]
enum Bound {
    Inclusive(f64),
    Exclusive(f64),
    None,
}

/// Allowed interval of a number.
#[derive(Clone, Copy)]
struct Limits {
    min: Bound,
    max: Bound,
}

impl Limits {
    const POSITIVE: Limits = Limits { min: Bound::Exclusive(0.0), max: Bound::None };
    const NON_NEGATIVE: Limits = Limits { min: Bound::Inclusive(0.0), max: Bound::None };
    const FINITE: Limits = Limits { min: Bound::None, max: Bound::None };
    const FRACTION_OPEN_ZERO: Limits =
        Limits { min: Bound::Exclusive(0.0), max: Bound::Inclusive(1.0) };
    const FRACTION_BELOW_ONE: Limits =
        Limits { min: Bound::Inclusive(0.0), max: Bound::Exclusive(1.0) };

    const fn between(min: f64, max: f64) -> Limits {
        Limits { min: Bound::Inclusive(min), max: Bound::Inclusive(max) }
    }

    fn contains(self, value: f64) -> bool {
        let above = match self.min {
            Bound::Inclusive(min) => value >= min,
            Bound::Exclusive(min) => value > min,
            Bound::None => true,
        };
        let below = match self.max {
            Bound::Inclusive(max) => value <= max,
            Bound::Exclusive(max) => value < max,
            Bound::None => true,
        };
        value.is_finite() && above && below
    }

    fn describe(self) -> String {
        let lower = match self.min {
            Bound::Inclusive(min) => Some(format!("{min} <= ")),
            Bound::Exclusive(min) => Some(format!("{min} < ")),
            Bound::None => None,
        };
        let upper = match self.max {
            Bound::Inclusive(max) => Some(format!(" <= {max}")),
            Bound::Exclusive(max) => Some(format!(" < {max}")),
            Bound::None => None,
        };
        match (lower, upper) {
            (None, None) => "a finite number".to_string(),
            (lower, upper) => {
                format!("{}value{}", lower.unwrap_or_default(), upper.unwrap_or_default())
            }
        }
    }
}

/// Collects problems while walking the raw scenario.
struct Checker {
    diagnostics: Vec<Diagnostic>,
}

impl Checker {
    fn invalid(&mut self, path: &str, value: impl std::fmt::Display, expected: impl Into<String>) {
        self.diagnostics.push(Diagnostic {
            path: path.to_string(),
            location: None,
            kind: DiagnosticKind::Invalid { value: value.to_string(), expected: expected.into() },
        });
    }

    fn number(&mut self, path: &str, value: f64, limits: Limits, unit: &str) -> f64 {
        if !limits.contains(value) {
            self.diagnostics.push(Diagnostic {
                path: path.to_string(),
                location: None,
                kind: DiagnosticKind::OutOfRange {
                    value: value.to_string(),
                    expected: limits.describe(),
                    unit: unit.to_string(),
                },
            });
        }
        value
    }

    fn count(&mut self, path: &str, value: i64, min: i64, max: i64, unit: &str) -> u32 {
        if value < min || value > max {
            self.diagnostics.push(Diagnostic {
                path: path.to_string(),
                location: None,
                kind: DiagnosticKind::OutOfRange {
                    value: value.to_string(),
                    expected: format!("an integer {min} <= value <= {max}"),
                    unit: unit.to_string(),
                },
            });
            return 1;
        }
        u32::try_from(value).unwrap_or(1)
    }

    fn choice<T: Copy>(&mut self, path: &str, value: &str, choices: &[(&str, T)]) -> Option<T> {
        let found = choices.iter().find(|(name, _)| *name == value).map(|(_, choice)| *choice);
        if found.is_none() {
            let names: Vec<String> =
                choices.iter().map(|(name, _)| format!("\"{name}\"")).collect();
            self.invalid(path, format!("\"{value}\""), format!("one of {}", names.join(", ")));
        }
        found
    }
}

fn join(parent: &str, child: &str) -> String {
    format!("{parent}.{}", quote_segment(child))
}

/// Checks and resolves a raw scenario, or returns every problem found.
pub(crate) fn resolve(file: &raw::ScenarioFile) -> Result<Scenario, Vec<Diagnostic>> {
    let mut checker = Checker { diagnostics: Vec::new() };
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
    let generation_ids: Vec<String> = file.compare.generations.clone();
    let technologies = resolve_technologies(&mut checker, file, &generation_ids);
    let service = Service {
        module_swap_mttr: Hours(checker.number(
            "service.module_swap_mttr_h",
            file.service.module_swap_mttr_h,
            Limits::POSITIVE,
            "h",
        )),
        els_swap_mttr: Hours(checker.number(
            "service.els_swap_mttr_h",
            file.service.els_swap_mttr_h,
            Limits::POSITIVE,
            "h",
        )),
        cable_swap_mttr: Hours(checker.number(
            "service.cable_swap_mttr_h",
            file.service.cable_swap_mttr_h,
            Limits::POSITIVE,
            "h",
        )),
        switch_replace_mttr: Hours(checker.number(
            "service.switch_replace_mttr_h",
            file.service.switch_replace_mttr_h,
            Limits::POSITIVE,
            "h",
        )),
    };
    let module_gross_margin = checker.number(
        "cost.module_gross_margin",
        file.cost.module_gross_margin,
        Limits::FRACTION_BELOW_ONE,
        "fraction",
    );

    let thermal = resolve_thermal(&mut checker, &file.thermal, &generation_ids);
    let photonics = resolve_photonics(&mut checker, &file.photonics);
    let yield_settings = resolve_yield(&mut checker, &file.yield_options);
    let fleet = resolve_fleet(&mut checker, &file.fleet, file, &technologies);
    let market = resolve_market(&mut checker, &file.market, &technologies);
    // The market's goodput anchors compare the fleet's fabrics of its three technologies.
    for (name, index) in [
        ("cpo_technology", market.cpo_technology),
        ("pluggable_technology", market.pluggable_technology),
        ("lpo_technology", market.lpo_technology),
    ] {
        if !fleet.technologies.contains(&index) {
            checker.invalid(
                &format!("market.{name}"),
                format!("\"{}\"", technologies[index].id),
                "a technology listed in fleet.technologies (the fleet runs its fabric)",
            );
        }
    }
    // The coupling and ageing allocations come out of every ring technology's link margin,
    // and a reassigned bus needs a laser grid that tiles the ring FSR.
    for technology in &technologies {
        let (Some(rings), Some(optics)) = (&technology.rings, &technology.optics) else {
            continue;
        };
        let path = join("technology", &technology.id);
        let allocated = photonics.coupling_allocation_db + photonics.ageing_allocation_db;
        if allocated >= optics.link_budget.margin.0 {
            checker.invalid(
                "photonics.coupling_allocation_db",
                photonics.coupling_allocation_db,
                format!(
                    "with ageing_allocation_db ({} dB) less than {path}.link_budget.margin_db ({} dB): the rest pays for crosstalk, power spread and detuning",
                    photonics.ageing_allocation_db, optics.link_budget.margin.0
                ),
            );
        }
        if photonics.wavelength_reassignment {
            let channels = rings.fsr.0 / photonics.channel_spacing_nm;
            if channels.round() < 2.0 || (channels - channels.round()).abs() > 0.01 {
                checker.invalid(
                    &format!("{path}.rings.fsr_nm"),
                    rings.fsr.0,
                    format!(
                        "a whole number (at least 2) of photonics.channel_spacing_nm ({} nm) when photonics.wavelength_reassignment is on: the laser grid must tile the FSR (FSR / spacing = {channels:.3})",
                        photonics.channel_spacing_nm
                    ),
                );
            }
        }
    }
    // Engines are laid out four-fold around the ASIC: each generation's capacity must be a
    // whole multiple of four engines.
    for technology in &technologies {
        let Some(package) = &technology.package else { continue };
        for generation in &generations {
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

    if checker.diagnostics.is_empty() {
        Ok(Scenario {
            name: file.name.clone(),
            description: file.description.clone(),
            generations,
            technologies,
            service,
            module_gross_margin,
            thermal,
            photonics,
            yield_settings,
            fleet,
            market,
        })
    } else {
        Err(checker.diagnostics)
    }
}

fn resolve_generations(checker: &mut Checker, file: &raw::ScenarioFile) -> Vec<Generation> {
    if file.compare.generations.is_empty() {
        checker.invalid("compare.generations", "[]", "at least one generation id");
    }
    let defined: Vec<String> = file.generation.keys().map(|id| format!("\"{id}\"")).collect();
    for (index, id) in file.compare.generations.iter().enumerate() {
        if !file.generation.contains_key(id) {
            checker.invalid(
                &format!("compare.generations[{index}]"),
                format!("\"{id}\""),
                format!("a generation defined under [generation]: {}", defined.join(", ")),
            );
        }
        if file.compare.generations[..index].contains(id) {
            checker.invalid(
                &format!("compare.generations[{index}]"),
                format!("\"{id}\""),
                "each generation listed once",
            );
        }
    }
    for id in file.generation.keys() {
        if !file.compare.generations.contains(id) {
            checker.invalid(
                &join("generation", id),
                format!("\"{id}\""),
                "every defined generation listed in compare.generations (nothing is silently left out)",
            );
        }
    }
    file.compare
        .generations
        .iter()
        .filter_map(|id| file.generation.get(id).map(|options| (id, options)))
        .map(|(id, options)| {
            let path = join("generation", id);
            let field = |name: &str| format!("{path}.{name}");
            let lanes_per_switch = checker.count(&field("lanes_per_switch"), options.lanes_per_switch, 1, 65_536, "lanes");
            let lanes_per_port = checker.count(&field("lanes_per_port"), options.lanes_per_port, 1, 64, "lanes");
            if lanes_per_switch % lanes_per_port != 0 {
                checker.invalid(
                    &field("lanes_per_port"),
                    lanes_per_port,
                    format!("a divisor of lanes_per_switch = {lanes_per_switch}, so that ports are whole"),
                );
            }
            Generation {
                id: id.clone(),
                lanes_per_switch,
                lane_rate: Gbps(checker.number(&field("lane_rate_gbps"), options.lane_rate_gbps, Limits::POSITIVE, "Gb/s")),
                lanes_per_port,
                asic_core: PjPerBit(checker.number(
                    &field("asic_core_pj_per_bit"),
                    options.asic_core_pj_per_bit,
                    Limits::NON_NEGATIVE,
                    "pJ/bit",
                )),
                host_serdes_long_reach: PjPerBit(checker.number(
                    &field("host_serdes_long_reach_pj_per_bit"),
                    options.host_serdes_long_reach_pj_per_bit,
                    Limits::NON_NEGATIVE,
                    "pJ/bit",
                )),
                host_serdes_xsr: PjPerBit(checker.number(
                    &field("host_serdes_xsr_pj_per_bit"),
                    options.host_serdes_xsr_pj_per_bit,
                    Limits::NON_NEGATIVE,
                    "pJ/bit",
                )),
                rx_oma_sensitivity: Dbm(checker.number(
                    &field("rx_oma_sensitivity_dbm"),
                    options.rx_oma_sensitivity_dbm,
                    Limits::between(-30.0, 10.0),
                    "dBm",
                )),
                asic_cost: Usd(checker.number(&field("asic_cost_usd"), options.asic_cost_usd, Limits::NON_NEGATIVE, "USD")),
            }
        })
        .collect()
}

fn resolve_technologies(
    checker: &mut Checker,
    file: &raw::ScenarioFile,
    generation_ids: &[String],
) -> Vec<Technology> {
    if file.compare.technologies.is_empty() {
        checker.invalid("compare.technologies", "[]", "at least one technology id");
    }
    let defined: Vec<String> = file.technology.keys().map(|id| format!("\"{id}\"")).collect();
    for (index, id) in file.compare.technologies.iter().enumerate() {
        if !file.technology.contains_key(id) {
            checker.invalid(
                &format!("compare.technologies[{index}]"),
                format!("\"{id}\""),
                format!("a technology defined under [technology]: {}", defined.join(", ")),
            );
        }
        if file.compare.technologies[..index].contains(id) {
            checker.invalid(
                &format!("compare.technologies[{index}]"),
                format!("\"{id}\""),
                "each technology listed once",
            );
        }
    }
    for id in file.technology.keys() {
        if !file.compare.technologies.contains(id) {
            checker.invalid(
                &join("technology", id),
                format!("\"{id}\""),
                "every defined technology listed in compare.technologies (nothing is silently left out)",
            );
        }
    }
    file.compare
        .technologies
        .iter()
        .filter_map(|id| file.technology.get(id).map(|options| (id, options)))
        .map(|(id, options)| resolve_technology(checker, id, options, generation_ids))
        .collect()
}

fn resolve_technology(
    checker: &mut Checker,
    id: &str,
    options: &raw::TechnologyOptions,
    generation_ids: &[String],
) -> Technology {
    let path = join("technology", id);
    let field = |name: &str| format!("{path}.{name}");
    let kind = checker
        .choice(
            &field("kind"),
            &options.kind,
            &[
                ("pluggable", TechnologyKind::Pluggable),
                ("copper", TechnologyKind::Copper),
                ("co_packaged", TechnologyKind::CoPackaged),
            ],
        )
        .unwrap_or(TechnologyKind::Pluggable);
    let host_serdes = checker
        .choice(
            &field("host_serdes"),
            &options.host_serdes,
            &[("long_reach", SerdesClass::LongReach), ("xsr", SerdesClass::Xsr)],
        )
        .unwrap_or(SerdesClass::LongReach);

    // Which sections a kind needs: copper has no laser; only co-packaged designs have a package.
    let needs_optics = kind != TechnologyKind::Copper;
    let needs_package = kind == TechnologyKind::CoPackaged;
    let presence = [
        ("laser", options.laser.is_some(), needs_optics),
        ("link_budget", options.link_budget.is_some(), needs_optics),
        ("package", options.package.is_some(), needs_package),
    ];
    for (section, present, needed) in presence {
        if present != needed {
            checker.invalid(
                &field(section),
                if present { "a section" } else { "nothing" },
                format!(
                    "{} [{}.{section}] for kind = \"{}\"",
                    if needed { "a" } else { "no" },
                    path,
                    options.kind
                ),
            );
        }
    }
    if options.rings.is_some() && kind != TechnologyKind::CoPackaged {
        checker.invalid(
            &field("rings"),
            "a section",
            format!("no [{path}.rings] unless kind = \"co_packaged\""),
        );
    }

    let optics = match (&options.laser, &options.link_budget) {
        (Some(laser), Some(link_budget)) => Some(Optics {
            laser: resolve_laser(checker, &field("laser"), laser, kind),
            link_budget: resolve_link_budget(checker, &field("link_budget"), link_budget),
        }),
        _ => None,
    };
    let rings = options.rings.as_ref().map(|rings| resolve_rings(checker, &field("rings"), rings));
    let package = options.package.as_ref().map(|package| Package {
        engine_capacity: Gbps(checker.number(
            &field("package.engine_capacity_gbps"),
            package.engine_capacity_gbps,
            Limits::POSITIVE,
            "Gb/s",
        )),
        engine_edge: Millimetres(checker.number(
            &field("package.engine_edge_mm"),
            package.engine_edge_mm,
            Limits::POSITIVE,
            "mm",
        )),
    });

    for generation_id in options.per_generation.keys() {
        if !generation_ids.contains(generation_id) {
            checker.invalid(
                &join(&field("per_generation"), generation_id),
                format!("\"{generation_id}\""),
                format!(
                    "a generation listed in compare.generations: {}",
                    quoted_list(generation_ids)
                ),
            );
        }
    }
    // Lasers are priced per laser only where the port owns them; an ELS is priced per module.
    let owns_lasers = options.laser.as_ref().is_some_and(|laser| laser.placement != "external");
    let parts = generation_ids
        .iter()
        .filter_map(|generation_id| {
            let parts_path = join(&field("per_generation"), generation_id);
            match options.per_generation.get(generation_id) {
                Some(parts) => {
                    if !owns_lasers && parts.laser_usd_each != 0.0 {
                        checker.invalid(
                            &format!("{parts_path}.laser_usd_each"),
                            parts.laser_usd_each,
                            "0: this technology has no laser in the module or package (an external laser source is priced by laser.els.module_usd)",
                        );
                    }
                    Some(resolve_parts(checker, &parts_path, parts))
                }
                None => {
                    checker.invalid(
                        &parts_path,
                        "nothing",
                        format!("a [{parts_path}] section: every technology gives its parts for every generation"),
                    );
                    None
                }
            }
        })
        .collect();

    Technology {
        id: id.to_string(),
        label: options.label.clone(),
        kind,
        host_serdes,
        host_serdes_scale: checker.number(
            &field("host_serdes_scale"),
            options.host_serdes_scale,
            Limits::between(0.0, 2.0),
            "fraction",
        ),
        conversion_efficiency: checker.number(
            &field("conversion_efficiency"),
            options.conversion_efficiency,
            Limits::FRACTION_OPEN_ZERO,
            "fraction",
        ),
        overhead_per_port: Watts(checker.number(
            &field("overhead_w_per_port"),
            options.overhead_w_per_port,
            Limits::NON_NEGATIVE,
            "W",
        )),
        reach: Metres(checker.number(&field("reach_m"), options.reach_m, Limits::POSITIVE, "m")),
        reach_class: options.reach_class.clone(),
        faceplate_ports_per_ru: checker.count(
            &field("faceplate_ports_per_ru"),
            options.faceplate_ports_per_ru,
            1,
            1024,
            "ports",
        ),
        optics,
        rings,
        package,
        parts,
    }
}

fn quoted_list(ids: &[String]) -> String {
    ids.iter().map(|id| format!("\"{id}\"")).collect::<Vec<_>>().join(", ")
}

fn resolve_laser(
    checker: &mut Checker,
    path: &str,
    options: &raw::LaserOptions,
    kind: TechnologyKind,
) -> Laser {
    let field = |name: &str| format!("{path}.{name}");
    let allowed_placements: &[(&str, LaserPlacement)] = if kind == TechnologyKind::CoPackaged {
        &[("package", LaserPlacement::Package), ("external", LaserPlacement::External)]
    } else {
        &[("module", LaserPlacement::Module)]
    };
    let placement = checker
        .choice(&field("placement"), &options.placement, allowed_placements)
        .unwrap_or(LaserPlacement::Module);
    let cooled =
        checker.choice(&field("cooling"), &options.cooling, &[("tec", true), ("uncooled", false)]);
    if let Some(cooled) = cooled
        && cooled != options.tec.is_some()
    {
        checker.invalid(
            &field("tec"),
            if options.tec.is_some() { "a section" } else { "nothing" },
            format!("a [{path}.tec] section exactly when cooling = \"tec\""),
        );
    }
    let external = placement == LaserPlacement::External;
    if external != options.els.is_some() {
        checker.invalid(
            &field("els"),
            if options.els.is_some() { "a section" } else { "nothing" },
            format!("a [{path}.els] section exactly when placement = \"external\""),
        );
    }
    let tec = options.tec.as_ref().map(|tec| Tec {
        setpoint: Celsius(checker.number(
            &field("tec.setpoint_c"),
            tec.setpoint_c,
            Limits::between(-40.0, 150.0),
            "°C",
        )),
        leak_w_per_k: checker.number(
            &field("tec.leak_w_per_k"),
            tec.leak_w_per_k,
            Limits::NON_NEGATIVE,
            "W/K",
        ),
        cop: checker.number(
            &field("tec.cop"),
            tec.cop,
            Limits::POSITIVE,
            "W heat per W electrical",
        ),
    });
    let els = options.els.as_ref().map(|els| Els {
        lasers_per_module: checker.count(
            &field("els.lasers_per_module"),
            els.lasers_per_module,
            1,
            1024,
            "lasers",
        ),
        module_cost: Usd(checker.number(
            &field("els.module_usd"),
            els.module_usd,
            Limits::NON_NEGATIVE,
            "USD",
        )),
    });
    Laser {
        placement,
        lanes_per_laser: checker.count(
            &field("lanes_per_laser"),
            options.lanes_per_laser,
            1,
            64,
            "lanes",
        ),
        wall_plug_efficiency: checker.number(
            &field("wall_plug_efficiency"),
            options.wall_plug_efficiency,
            Limits::FRACTION_OPEN_ZERO,
            "fraction",
        ),
        wpe_reference_temp: Celsius(checker.number(
            &field("wpe_reference_temp_c"),
            options.wpe_reference_temp_c,
            Limits::between(-40.0, 150.0),
            "°C",
        )),
        wpe_temp_scale: Kelvin(checker.number(
            &field("wpe_temp_scale_k"),
            options.wpe_temp_scale_k,
            // Below ~5 K the exponential fit is meaningless (real T0 and T1 are 50-400 K).
            Limits::between(5.0, 10_000.0),
            "K",
        )),
        ambient_temp: Celsius(checker.number(
            &field("ambient_temp_c"),
            options.ambient_temp_c,
            Limits::between(-40.0, 150.0),
            "°C",
        )),
        tec,
        els,
    }
}

fn resolve_link_budget(
    checker: &mut Checker,
    path: &str,
    options: &raw::LinkBudgetOptions,
) -> LinkBudget {
    let field = |name: &str| format!("{path}.{name}");
    let loss = |checker: &mut Checker, name: &str, value: f64| {
        Db(checker.number(&field(name), value, Limits::between(0.0, 60.0), "dB"))
    };
    LinkBudget {
        extinction_ratio: Db(checker.number(
            &field("extinction_ratio_db"),
            options.extinction_ratio_db,
            // Below 1 dB the OMA penalty exceeds 6 dB: not a usable modulator.
            Limits::between(1.0, 30.0),
            "dB",
        )),
        modulator_loss: loss(checker, "modulator_loss_db", options.modulator_loss_db),
        coupling_loss: loss(checker, "coupling_loss_db", options.coupling_loss_db),
        connector_loss: loss(checker, "connector_loss_db", options.connector_loss_db),
        fiber_length_km: checker.number(
            &field("fiber_length_km"),
            options.fiber_length_km,
            Limits::between(0.0, 100.0),
            "km",
        ),
        fiber_loss_db_per_km: checker.number(
            &field("fiber_loss_db_per_km"),
            options.fiber_loss_db_per_km,
            Limits::between(0.0, 10.0),
            "dB/km",
        ),
        other_loss: loss(checker, "other_loss_db", options.other_loss_db),
        margin: loss(checker, "margin_db", options.margin_db),
    }
}

fn resolve_rings(checker: &mut Checker, path: &str, options: &raw::RingOptions) -> Rings {
    let field = |name: &str| format!("{path}.{name}");
    Rings {
        rings_per_lane: checker.count(
            &field("rings_per_lane"),
            options.rings_per_lane,
            0,
            64,
            "rings",
        ),
        fsr: Nanometres(checker.number(
            &field("fsr_nm"),
            options.fsr_nm,
            Limits::between(0.5, 100.0),
            "nm",
        )),
        heater_efficiency_nm_per_mw: checker.number(
            &field("heater_efficiency_nm_per_mw"),
            options.heater_efficiency_nm_per_mw,
            Limits::POSITIVE,
            "nm/mW",
        ),
        fab_offset_sigma: Nanometres(checker.number(
            &field("fab_offset_sigma_nm"),
            options.fab_offset_sigma_nm,
            Limits::between(0.0, 100.0),
            "nm",
        )),
        design_bias: Nanometres(checker.number(
            &field("design_bias_nm"),
            options.design_bias_nm,
            Limits::between(-100.0, 100.0),
            "nm",
        )),
        ring_drift_nm_per_k: checker.number(
            &field("ring_drift_nm_per_k"),
            options.ring_drift_nm_per_k,
            Limits::between(0.0, 1.0),
            "nm/K",
        ),
        laser_drift_nm_per_k: checker.number(
            &field("laser_drift_nm_per_k"),
            options.laser_drift_nm_per_k,
            Limits::between(0.0, 1.0),
            "nm/K",
        ),
        ring_temp: Celsius(checker.number(
            &field("ring_temp_c"),
            options.ring_temp_c,
            Limits::between(-40.0, 150.0),
            "°C",
        )),
        reference_temp: Celsius(checker.number(
            &field("reference_temp_c"),
            options.reference_temp_c,
            Limits::between(-40.0, 150.0),
            "°C",
        )),
    }
}

fn resolve_parts(checker: &mut Checker, path: &str, options: &raw::PartsOptions) -> Parts {
    let field = |name: &str| format!("{path}.{name}");
    let energy = |checker: &mut Checker, name: &str, value: f64| {
        PjPerBit(checker.number(&field(name), value, Limits::between(0.0, 100.0), "pJ/bit"))
    };
    let money = |checker: &mut Checker, name: &str, value: f64| {
        Usd(checker.number(&field(name), value, Limits::NON_NEGATIVE, "USD"))
    };
    Parts {
        dsp: energy(checker, "dsp_pj_per_bit", options.dsp_pj_per_bit),
        driver: energy(checker, "driver_pj_per_bit", options.driver_pj_per_bit),
        tia: energy(checker, "tia_pj_per_bit", options.tia_pj_per_bit),
        oe_serdes: energy(checker, "oe_serdes_pj_per_bit", options.oe_serdes_pj_per_bit),
        dsp_cost_per_port: money(checker, "dsp_usd_per_port", options.dsp_usd_per_port),
        electronics_cost_per_lane: money(
            checker,
            "electronics_usd_per_lane",
            options.electronics_usd_per_lane,
        ),
        laser_cost_each: money(checker, "laser_usd_each", options.laser_usd_each),
        optics_cost_per_port: money(checker, "optics_usd_per_port", options.optics_usd_per_port),
        housing_cost_per_port: money(checker, "housing_usd_per_port", options.housing_usd_per_port),
    }
}

fn resolve_thermal(
    checker: &mut Checker,
    options: &raw::ThermalOptions,
    generation_ids: &[String],
) -> ThermalSettings {
    let path = "thermal";
    let field = |name: &str| format!("{path}.{name}");
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    for id in options.asic_side_mm.keys() {
        if !generation_ids.contains(id) {
            checker.invalid(
                &join(&field("asic_side_mm"), id),
                format!("\"{id}\""),
                format!(
                    "a generation listed in compare.generations: {}",
                    quoted_list(generation_ids)
                ),
            );
        }
    }
    let asic_side_mm = generation_ids
        .iter()
        .map(|id| match options.asic_side_mm.get(id) {
            Some(&side) => checker.number(
                &join(&field("asic_side_mm"), id),
                side,
                Limits::between(1.0, 100.0),
                "mm",
            ),
            None => {
                checker.invalid(
                    &field("asic_side_mm"),
                    "nothing",
                    format!("a die side for generation \"{id}\""),
                );
                1.0
            }
        })
        .collect();
    let plate = &options.cold_plate;
    let plate_field = |name: &str| format!("{path}.cold_plate.{name}");
    let inlet = Limits::between(0.0, 80.0);
    if plate.inlet_sweep_c.is_empty() {
        checker.invalid(&plate_field("inlet_sweep_c"), "[]", "at least one inlet temperature");
    }
    let inlet_sweep_c = plate
        .inlet_sweep_c
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            checker.number(
                &format!("{}[{index}]", plate_field("inlet_sweep_c")),
                value,
                inlet,
                "°C",
            )
        })
        .collect();
    let plate_positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&plate_field(name), value, Limits::POSITIVE, unit)
    };
    let cold_plate = ColdPlate {
        kind: checker
            .choice(
                &plate_field("kind"),
                &plate.kind,
                &[
                    ("liquid_channels", HeatSinkKind::LiquidChannels),
                    ("air_fins", HeatSinkKind::AirFins),
                ],
            )
            .unwrap_or(HeatSinkKind::LiquidChannels),
        nominal_inlet_c: checker.number(
            &plate_field("nominal_inlet_c"),
            plate.nominal_inlet_c,
            inlet,
            "°C",
        ),
        inlet_sweep_c,
        flow_l_per_min: plate_positive(checker, "flow_l_per_min", plate.flow_l_per_min, "L/min"),
        channel_width_mm: plate_positive(checker, "channel_width_mm", plate.channel_width_mm, "mm"),
        channel_height_mm: plate_positive(
            checker,
            "channel_height_mm",
            plate.channel_height_mm,
            "mm",
        ),
        wall_thickness_mm: plate_positive(
            checker,
            "wall_thickness_mm",
            plate.wall_thickness_mm,
            "mm",
        ),
        base_thickness_mm: plate_positive(
            checker,
            "base_thickness_mm",
            plate.base_thickness_mm,
            "mm",
        ),
        plate_k_w_per_mk: plate_positive(
            checker,
            "plate_k_w_per_mk",
            plate.plate_k_w_per_mk,
            "W/(m K)",
        ),
        interface_r_k_mm2_per_w: checker.number(
            &plate_field("interface_r_k_mm2_per_w"),
            plate.interface_r_k_mm2_per_w,
            Limits::NON_NEGATIVE,
            "K mm²/W",
        ),
        coolant_k_w_per_mk: plate_positive(
            checker,
            "coolant_k_w_per_mk",
            plate.coolant_k_w_per_mk,
            "W/(m K)",
        ),
        coolant_rho_kg_per_m3: plate_positive(
            checker,
            "coolant_rho_kg_per_m3",
            plate.coolant_rho_kg_per_m3,
            "kg/m³",
        ),
        coolant_cp_j_per_kgk: plate_positive(
            checker,
            "coolant_cp_j_per_kgk",
            plate.coolant_cp_j_per_kgk,
            "J/(kg K)",
        ),
        coolant_viscosity_pa_s: plate_positive(
            checker,
            "coolant_viscosity_pa_s",
            plate.coolant_viscosity_pa_s,
            "Pa s",
        ),
    };
    let cycling_options = &options.cycling;
    let cycling_field = |name: &str| format!("{path}.cycling.{name}");
    let cycling_positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&cycling_field(name), value, Limits::POSITIVE, unit)
    };
    let test_min_c = checker.number(
        &cycling_field("test_min_c"),
        cycling_options.test_min_c,
        Limits::between(-100.0, 200.0),
        "°C",
    );
    let test_max_c = checker.number(
        &cycling_field("test_max_c"),
        cycling_options.test_max_c,
        Limits::between(-100.0, 200.0),
        "°C",
    );
    if test_max_c <= test_min_c {
        checker.invalid(
            &cycling_field("test_max_c"),
            test_max_c,
            format!("a value above test_min_c = {test_min_c} °C"),
        );
    }
    let busy_steps = cycling_options.busy_fraction * cycling_options.steps_per_period as f64;
    if (busy_steps - busy_steps.round()).abs() > 1e-9
        || busy_steps.round() < 1.0
        || busy_steps.round() > cycling_options.steps_per_period as f64 - 1.0
    {
        checker.invalid(
            &cycling_field("busy_fraction"),
            cycling_options.busy_fraction,
            format!(
                "a fraction that is a whole number of the {} steps per period, at least one step busy and one idle",
                cycling_options.steps_per_period
            ),
        );
    }
    let cycling = Cycling {
        period_s: cycling_positive(checker, "period_s", cycling_options.period_s, "s"),
        busy_fraction: checker.number(
            &cycling_field("busy_fraction"),
            cycling_options.busy_fraction,
            Limits { min: Bound::Exclusive(0.0), max: Bound::Exclusive(1.0) },
            "fraction",
        ),
        idle_power_fraction: checker.number(
            &cycling_field("idle_power_fraction"),
            cycling_options.idle_power_fraction,
            Limits::between(0.0, 1.0),
            "fraction",
        ),
        inlet_swing_k: checker.number(
            &cycling_field("inlet_swing_k"),
            cycling_options.inlet_swing_k,
            Limits::between(0.0, 30.0),
            "K",
        ),
        steps_per_period: checker.count(
            &cycling_field("steps_per_period"),
            cycling_options.steps_per_period,
            4,
            10_000,
            "steps",
        ) as usize,
        n_periods: checker.count(
            &cycling_field("n_periods"),
            cycling_options.n_periods,
            2,
            1_000,
            "periods",
        ) as usize,
        range_exponent: cycling_positive(
            checker,
            "range_exponent",
            cycling_options.range_exponent,
            "1",
        ),
        frequency_exponent: checker.number(
            &cycling_field("frequency_exponent"),
            cycling_options.frequency_exponent,
            Limits::between(0.0, 2.0),
            "1",
        ),
        ea_over_k_k: checker.number(
            &cycling_field("ea_over_k_k"),
            cycling_options.ea_over_k_k,
            Limits::NON_NEGATIVE,
            "K",
        ),
        test_cycles: cycling_positive(
            checker,
            "test_cycles",
            cycling_options.test_cycles,
            "cycles",
        ),
        test_min_c,
        test_max_c,
        test_cycles_per_day: cycling_positive(
            checker,
            "test_cycles_per_day",
            cycling_options.test_cycles_per_day,
            "cycles/day",
        ),
    };
    let leakage_field = |name: &str| format!("{path}.leakage.{name}");
    let leakage = AsicLeakage {
        fraction: checker.number(
            &leakage_field("asic_fraction"),
            options.leakage.asic_fraction,
            Limits::FRACTION_BELOW_ONE,
            "fraction",
        ),
        reference_temp_c: checker.number(
            &leakage_field("reference_temp_c"),
            options.leakage.reference_temp_c,
            Limits::between(0.0, 150.0),
            "°C",
        ),
        beta_per_k: checker.number(
            &leakage_field("beta_per_k"),
            options.leakage.beta_per_k,
            Limits::between(0.0, 0.2),
            "1/K",
        ),
    };
    let board_field = |name: &str| format!("{path}.board.{name}");
    let board_positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&board_field(name), value, Limits::POSITIVE, unit)
    };
    let board = Board {
        solder_thickness_mm: board_positive(
            checker,
            "solder_thickness_mm",
            options.board.solder_thickness_mm,
            "mm",
        ),
        solder_k_w_per_mk: board_positive(
            checker,
            "solder_k_w_per_mk",
            options.board.solder_k_w_per_mk,
            "W/(m K)",
        ),
        pcb_thickness_mm: board_positive(
            checker,
            "pcb_thickness_mm",
            options.board.pcb_thickness_mm,
            "mm",
        ),
        pcb_k_w_per_mk: board_positive(
            checker,
            "pcb_k_w_per_mk",
            options.board.pcb_k_w_per_mk,
            "W/(m K)",
        ),
        air_r_k_per_w: board_positive(checker, "air_r_k_per_w", options.board.air_r_k_per_w, "K/W"),
        air_temp_c: checker.number(
            &board_field("air_temp_c"),
            options.board.air_temp_c,
            Limits::between(-40.0, 125.0),
            "°C",
        ),
    };
    ThermalSettings {
        cycling,
        leakage,
        board,
        grid_cells: checker.count(&field("grid_cells"), options.grid_cells, 8, 128, "cells")
            as usize,
        asic_side_mm,
        engine_depth_mm: positive(checker, "engine_depth_mm", options.engine_depth_mm, "mm"),
        engine_gap_mm: positive(checker, "engine_gap_mm", options.engine_gap_mm, "mm"),
        substrate_margin_mm: positive(
            checker,
            "substrate_margin_mm",
            options.substrate_margin_mm,
            "mm",
        ),
        die_thickness_mm: positive(checker, "die_thickness_mm", options.die_thickness_mm, "mm"),
        silicon_k_w_per_mk: positive(
            checker,
            "silicon_k_w_per_mk",
            options.silicon_k_w_per_mk,
            "W/(m K)",
        ),
        silicon_rho_c_j_per_m3k: positive(
            checker,
            "silicon_rho_c_j_per_m3k",
            options.silicon_rho_c_j_per_m3k,
            "J/(m³ K)",
        ),
        tim_thickness_mm: positive(checker, "tim_thickness_mm", options.tim_thickness_mm, "mm"),
        tim_k_w_per_mk: positive(checker, "tim_k_w_per_mk", options.tim_k_w_per_mk, "W/(m K)"),
        gap_k_w_per_mk: positive(checker, "gap_k_w_per_mk", options.gap_k_w_per_mk, "W/(m K)"),
        lid_thickness_mm: positive(checker, "lid_thickness_mm", options.lid_thickness_mm, "mm"),
        lid_k_w_per_mk: positive(checker, "lid_k_w_per_mk", options.lid_k_w_per_mk, "W/(m K)"),
        lid_rho_c_j_per_m3k: positive(
            checker,
            "lid_rho_c_j_per_m3k",
            options.lid_rho_c_j_per_m3k,
            "J/(m³ K)",
        ),
        substrate_thickness_mm: positive(
            checker,
            "substrate_thickness_mm",
            options.substrate_thickness_mm,
            "mm",
        ),
        substrate_k_w_per_mk: positive(
            checker,
            "substrate_k_w_per_mk",
            options.substrate_k_w_per_mk,
            "W/(m K)",
        ),
        substrate_rho_c_j_per_m3k: positive(
            checker,
            "substrate_rho_c_j_per_m3k",
            options.substrate_rho_c_j_per_m3k,
            "J/(m³ K)",
        ),
        cold_plate,
    }
}

fn resolve_photonics(checker: &mut Checker, options: &raw::PhotonicsOptions) -> PhotonicsSettings {
    let field = |name: &str| format!("photonics.{name}");
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let sample_rate_hz = positive(checker, "sample_rate_hz", options.sample_rate_hz, "Hz");
    let workload_period_s = positive(checker, "workload_period_s", options.workload_period_s, "s");
    let thermal_step_s = positive(checker, "thermal_step_s", options.thermal_step_s, "s");
    let sample_s = 1.0 / sample_rate_hz;
    let samples_per_step = thermal_step_s / sample_s;
    if thermal_step_s.is_finite()
        && sample_s.is_finite()
        && ((samples_per_step - samples_per_step.round()).abs() > 1e-9 || samples_per_step < 1.0)
    {
        checker.invalid(
            &field("thermal_step_s"),
            thermal_step_s,
            format!("a whole number of loop samples ({sample_s} s each)"),
        );
    }
    let steps_per_period = workload_period_s / thermal_step_s;
    if steps_per_period.is_finite()
        && ((steps_per_period - steps_per_period.round()).abs() > 1e-9 || steps_per_period < 4.0)
    {
        checker.invalid(
            &field("workload_period_s"),
            workload_period_s,
            format!("a whole number (at least 4) of thermal steps ({thermal_step_s} s each)"),
        );
    }
    PhotonicsSettings {
        seed: checker.count(&field("seed"), options.seed, 0, i64::from(u32::MAX), "seed") as u64,
        lanes: checker.count(&field("lanes"), options.lanes, 1, 100_000, "lanes") as usize,
        lanes_per_pic: checker.count(
            &field("lanes_per_pic"),
            options.lanes_per_pic,
            1,
            4096,
            "lanes",
        ) as usize,
        wavelength_nm: checker.number(
            &field("wavelength_nm"),
            options.wavelength_nm,
            Limits::between(400.0, 2000.0),
            "nm",
        ),
        ring_loaded_q: checker.number(
            &field("ring_loaded_q"),
            options.ring_loaded_q,
            Limits::between(100.0, 1e7),
            "1",
        ),
        heater_max_mw: checker.number(
            &field("heater_max_mw"),
            options.heater_max_mw,
            Limits::NON_NEGATIVE,
            "mW",
        ),
        heater_crosstalk: checker.number(
            &field("heater_crosstalk"),
            options.heater_crosstalk,
            Limits { min: Bound::Inclusive(0.0), max: Bound::Exclusive(0.5) },
            "fraction (2 x crosstalk < 1)",
        ),
        channel_spacing_nm: positive(
            checker,
            "channel_spacing_nm",
            options.channel_spacing_nm,
            "nm",
        ),
        global_variance_fraction: checker.number(
            &field("global_variance_fraction"),
            options.global_variance_fraction,
            Limits::between(0.0, 1.0),
            "fraction",
        ),
        laser_offset_sigma_nm: checker.number(
            &field("laser_offset_sigma_nm"),
            options.laser_offset_sigma_nm,
            Limits::NON_NEGATIVE,
            "nm",
        ),
        block_sigma_um: checker.number(
            &field("block_sigma_um"),
            options.block_sigma_um,
            Limits::NON_NEGATIVE,
            "µm",
        ),
        fiber_sigma_um: checker.number(
            &field("fiber_sigma_um"),
            options.fiber_sigma_um,
            Limits::NON_NEGATIVE,
            "µm",
        ),
        mode_radius_um: positive(checker, "mode_radius_um", options.mode_radius_um, "µm"),
        coupling_allocation_db: positive(
            checker,
            "coupling_allocation_db",
            options.coupling_allocation_db,
            "dB",
        ),
        ageing_allocation_db: checker.number(
            &field("ageing_allocation_db"),
            options.ageing_allocation_db,
            Limits::NON_NEGATIVE,
            "dB",
        ),
        wavelength_reassignment: options.wavelength_reassignment,
        lock_guard_nm: checker.number(
            &field("lock_guard_nm"),
            options.lock_guard_nm,
            Limits::NON_NEGATIVE,
            "nm",
        ),
        power_sigma_db: checker.number(
            &field("power_sigma_db"),
            options.power_sigma_db,
            Limits::NON_NEGATIVE,
            "dB",
        ),
        sample_rate_hz,
        kp: checker.number(&field("kp"), options.kp, Limits::FRACTION_BELOW_ONE, "1"),
        ki: checker.number(
            &field("ki"),
            options.ki,
            Limits {
                min: Bound::Exclusive(0.0),
                max: Bound::Exclusive(2.0 - 2.0 * options.kp.max(0.0)),
            },
            "1 (a stable loop: ki < 2 - 2 kp)",
        ),
        capture_fwhm: positive(checker, "capture_fwhm", options.capture_fwhm, "half-linewidths"),
        relock_time_s: checker.number(
            &field("relock_time_s"),
            options.relock_time_s,
            Limits::NON_NEGATIVE,
            "s",
        ),
        flap_window_s: positive(checker, "flap_window_s", options.flap_window_s, "s"),
        workload_period_s,
        workload_busy_fraction: checker.number(
            &field("workload_busy_fraction"),
            options.workload_busy_fraction,
            Limits { min: Bound::Exclusive(0.0), max: Bound::Exclusive(1.0) },
            "fraction",
        ),
        thermal_step_s,
        drift_grid_cells: checker.count(
            &field("drift_grid_cells"),
            options.drift_grid_cells,
            8,
            128,
            "cells",
        ) as usize,
        periods: checker.count(&field("periods"), options.periods, 2, 10_000, "periods") as usize,
        sensor_lsb_k: positive(checker, "sensor_lsb_k", options.sensor_lsb_k, "K"),
        predictor_taps: checker.count(
            &field("predictor_taps"),
            options.predictor_taps,
            1,
            64,
            "samples",
        ) as usize,
    }
}

fn resolve_market(
    checker: &mut Checker,
    options: &raw::MarketOptions,
    technologies: &[Technology],
) -> MarketSettings {
    let field = |name: &str| format!("market.{name}");
    let technology =
        |checker: &mut Checker, name: &str, id: &str, kind: TechnologyKind| match technologies
            .iter()
            .position(|t| t.id == id && t.kind == kind)
        {
            Some(index) => index,
            None => {
                let matching: Vec<&str> =
                    technologies.iter().filter(|t| t.kind == kind).map(|t| t.id.as_str()).collect();
                checker.invalid(
                    &field(name),
                    format!("\"{id}\""),
                    format!("a technology of that kind: {matching:?}"),
                );
                0
            }
        };
    let cpo_technology =
        technology(checker, "cpo_technology", &options.cpo_technology, TechnologyKind::CoPackaged);
    let pluggable_technology = technology(
        checker,
        "pluggable_technology",
        &options.pluggable_technology,
        TechnologyKind::Pluggable,
    );
    let lpo_technology =
        technology(checker, "lpo_technology", &options.lpo_technology, TechnologyKind::Pluggable);
    let year = |checker: &mut Checker, name: &str, value: i64| {
        checker.count(&field(name), value, 2000, 2100, "year") as i32
    };
    let start_year = year(checker, "start_year", options.start_year);
    let end_year = year(checker, "end_year", options.end_year);
    if end_year < start_year {
        checker.invalid(
            &field("end_year"),
            end_year,
            format!("a year >= start_year ({start_year})"),
        );
    }
    let fraction = |checker: &mut Checker, name: &str, value: f64| {
        checker.number(&field(name), value, Limits::between(0.0, 1.0), "fraction")
    };
    let priors = options
        .priors
        .iter()
        .map(|(name, prior)| {
            (name.clone(), resolve_prior(checker, &field(&format!("priors.{name}")), prior))
        })
        .collect();
    let tiers: Vec<MarketTier> = options
        .tiers
        .iter()
        .enumerate()
        .map(|(index, tier)| {
            let path = |name: &str| format!("market.tiers[{index}].{name}");
            MarketTier {
                name: tier.name.clone(),
                ports_per_accelerator: checker.number(
                    &path("ports_per_accelerator"),
                    tier.ports_per_accelerator,
                    Limits::POSITIVE,
                    "ports",
                ),
                cpo_max_share: checker.number(
                    &path("cpo_max_share"),
                    tier.cpo_max_share,
                    Limits::between(0.0, 1.0),
                    "fraction",
                ),
                lpo_allowed: tier.lpo_allowed,
                job_exposed: tier.job_exposed,
            }
        })
        .collect();
    if tiers.is_empty() {
        checker.invalid(&field("tiers"), "[]", "at least one network tier");
    }
    let layer_split = options
        .layer_split
        .iter()
        .map(|(family, fractions)| {
            let path = field(&format!("layer_split.{family}"));
            let sum: f64 = fractions.iter().sum();
            if fractions.len() != 4
                || (sum - 1.0).abs() > 1e-6
                || fractions.iter().any(|f| !f.is_finite() || *f < 0.0)
            {
                checker.invalid(
                    &path,
                    format!("{fractions:?}"),
                    "four fractions >= 0 (optical components; switch / ASIC; packaging and manufacturing; test, thermal and periphery) summing to 1",
                );
            }
            let mut split = [0.0; 4];
            for (slot, value) in split.iter_mut().zip(fractions) {
                *slot = *value;
            }
            (family.clone(), split)
        })
        .collect();
    let criteria = &options.criteria;
    if criteria.bear_after_year < criteria.bull_by_year {
        checker.invalid(
            &field("criteria.bear_after_year"),
            criteria.bear_after_year,
            format!("a year >= criteria.bull_by_year ({})", criteria.bull_by_year),
        );
    }
    if options.pilot_share >= criteria.volume_share {
        checker.invalid(
            &field("pilot_share"),
            options.pilot_share,
            format!(
                "a share below criteria.volume_share ({}): pilots alone must not count as volume",
                criteria.volume_share
            ),
        );
    }
    let laser_factors: Vec<f64> = options
        .laser_factors
        .iter()
        .enumerate()
        .map(|(index, &factor)| {
            checker.number(
                &format!("market.laser_factors[{index}]"),
                factor,
                Limits::POSITIVE,
                "factor",
            )
        })
        .collect();
    if laser_factors.len() < 3 || laser_factors.windows(2).any(|pair| pair[1] <= pair[0]) {
        checker.invalid(
            &field("laser_factors"),
            format!("{laser_factors:?}"),
            "at least 3 increasing factors (the surrogate's held-out check needs interior points)",
        );
    }
    MarketSettings {
        seed: checker.count(&field("seed"), options.seed, 0, i64::from(u32::MAX), "seed") as u64,
        samples: checker.count(&field("samples"), options.samples, 10, 1_000_000, "samples")
            as usize,
        start_year,
        end_year,
        cpo_technology,
        pluggable_technology,
        lpo_technology,
        engine_temp_limit_c: checker.number(
            &field("engine_temp_limit_c"),
            options.engine_temp_limit_c,
            Limits::between(0.0, 200.0),
            "°C",
        ),
        pilot_share: fraction(checker, "pilot_share", options.pilot_share),
        surrogate_error_bound: checker.number(
            &field("surrogate_error_bound"),
            options.surrogate_error_bound,
            Limits::POSITIVE,
            "1",
        ),
        laser_factors,
        sobol_samples: checker.count(
            &field("sobol_samples"),
            options.sobol_samples,
            10,
            1_000_000,
            "samples",
        ) as usize,
        sobol_bootstrap: checker.count(
            &field("sobol_bootstrap"),
            options.sobol_bootstrap,
            1,
            100_000,
            "resamples",
        ) as usize,
        criteria: MarketCriteria {
            yield_target: fraction(checker, "criteria.yield_target", criteria.yield_target),
            volume_share: fraction(checker, "criteria.volume_share", criteria.volume_share),
            goodput_parity: fraction(checker, "criteria.goodput_parity", criteria.goodput_parity),
            bull_by_year: year(checker, "criteria.bull_by_year", criteria.bull_by_year),
            bear_after_year: year(checker, "criteria.bear_after_year", criteria.bear_after_year),
            unlockable_limit: fraction(
                checker,
                "criteria.unlockable_limit",
                criteria.unlockable_limit,
            ),
            flap_limit_per_lane_h: checker.number(
                &field("criteria.flap_limit_per_lane_h"),
                criteria.flap_limit_per_lane_h,
                Limits::NON_NEGATIVE,
                "flaps per lane-hour",
            ),
        },
        priors,
        tiers,
        layer_split,
    }
}

/// A prior from its `kind` and that kind's parameters (and no others).
fn resolve_prior(checker: &mut Checker, path: &str, prior: &raw::PriorOptions) -> PriorSpec {
    let given = [
        ("mean", prior.mean),
        ("sd", prior.sd),
        ("median", prior.median),
        ("sigma", prior.sigma),
        ("low", prior.low),
        ("mode", prior.mode),
        ("high", prior.high),
    ];
    let needed: &[&str] = match prior.kind.as_str() {
        "normal" => &["mean", "sd"],
        "lognormal" => &["median", "sigma"],
        "uniform" => &["low", "high"],
        "triangular" => &["low", "mode", "high"],
        other => {
            checker.invalid(
                &format!("{path}.kind"),
                format!("\"{other}\""),
                "normal, lognormal, uniform or triangular",
            );
            return PriorSpec::Uniform { low: 0.0, high: 0.0 };
        }
    };
    for (name, value) in given {
        if value.is_some() != needed.contains(&name) {
            let expected =
                if value.is_some() { "absent for this kind" } else { "present for this kind" };
            checker.invalid(
                &format!("{path}.{name}"),
                value.map_or("missing".to_string(), |v| v.to_string()),
                format!("{expected} ({})", prior.kind),
            );
        }
    }
    let value =
        |name: &str| given.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v).unwrap_or(0.0);
    let finite = |checker: &mut Checker, name: &str| {
        checker.number(&format!("{path}.{name}"), value(name), Limits::FINITE, "1")
    };
    let spread = |checker: &mut Checker, name: &str| {
        checker.number(&format!("{path}.{name}"), value(name), Limits::NON_NEGATIVE, "1")
    };
    match prior.kind.as_str() {
        "normal" => PriorSpec::Normal { mean: finite(checker, "mean"), sd: spread(checker, "sd") },
        "lognormal" => PriorSpec::LogNormal {
            median: checker.number(
                &format!("{path}.median"),
                value("median"),
                Limits::POSITIVE,
                "1",
            ),
            sigma: spread(checker, "sigma"),
        },
        "uniform" => {
            let (low, high) = (finite(checker, "low"), finite(checker, "high"));
            if high < low {
                checker.invalid(&format!("{path}.high"), high, format!("at least low ({low})"));
            }
            PriorSpec::Uniform { low, high }
        }
        _ => {
            let (low, mode, high) =
                (finite(checker, "low"), finite(checker, "mode"), finite(checker, "high"));
            if !(low <= mode && mode <= high) {
                checker.invalid(
                    &format!("{path}.mode"),
                    mode,
                    format!("between low ({low}) and high ({high})"),
                );
            }
            PriorSpec::Triangular { low, mode, high }
        }
    }
}

fn resolve_fleet(
    checker: &mut Checker,
    options: &raw::FleetOptions,
    file: &raw::ScenarioFile,
    technologies: &[Technology],
) -> FleetSettings {
    let field = |name: &str| format!("fleet.{name}");
    let generation = match file.compare.generations.iter().position(|g| *g == options.generation) {
        Some(index) => index,
        None => {
            checker.invalid(
                &field("generation"),
                format!("\"{}\"", options.generation),
                format!("a generation in compare.generations: {:?}", file.compare.generations),
            );
            0
        }
    };
    // A fabric tier spans racks: copper's reach does not, and an id must name a technology.
    let technology = |checker: &mut Checker, path: &str, id: &str, pluggable_only: bool| {
        let Some(index) = technologies.iter().position(|t| t.id == id) else {
            let known: Vec<&str> = technologies.iter().map(|t| t.id.as_str()).collect();
            checker.invalid(path, format!("\"{id}\""), format!("a technology id: {known:?}"));
            return 0;
        };
        let kind = technologies[index].kind;
        if kind == TechnologyKind::Copper {
            checker.invalid(
                path,
                format!("\"{id}\""),
                "an optical technology (copper does not reach across a fabric tier)",
            );
        } else if pluggable_only && kind != TechnologyKind::Pluggable {
            checker.invalid(path, format!("\"{id}\""), "a pluggable technology (a NIC module)");
        }
        index
    };
    let fabrics: Vec<usize> = options
        .technologies
        .iter()
        .enumerate()
        .map(|(i, id)| technology(checker, &format!("fleet.technologies[{i}]"), id, false))
        .collect();
    if fabrics.is_empty() {
        checker.invalid(&field("technologies"), "[]", "at least one technology id");
    }
    let tiers = checker.count(&field("tiers"), options.tiers, 2, 3, "tiers") as usize;
    let mixed_tiers: Vec<usize> = options
        .mixed_tiers
        .iter()
        .enumerate()
        .map(|(i, id)| technology(checker, &format!("fleet.mixed_tiers[{i}]"), id, false))
        .collect();
    if !mixed_tiers.is_empty() && mixed_tiers.len() != tiers {
        checker.invalid(
            &field("mixed_tiers"),
            format!("{} entries", mixed_tiers.len()),
            format!("one technology per tier ({tiers}), leaf first, or [] for none"),
        );
    }
    let nic_technology =
        technology(checker, &field("nic_technology"), &options.nic_technology, true);
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let r = &options.reliability;
    let reliability = FleetReliability {
        module_fit: non_negative(checker, "reliability.module_fit", r.module_fit, "FIT"),
        dsp_fit: non_negative(checker, "reliability.dsp_fit", r.dsp_fit, "FIT"),
        engine_port_fit: non_negative(
            checker,
            "reliability.engine_port_fit",
            r.engine_port_fit,
            "FIT",
        ),
        laser_fit: non_negative(checker, "reliability.laser_fit", r.laser_fit, "FIT"),
        laser_weibull_shape: positive(
            checker,
            "reliability.laser_weibull_shape",
            r.laser_weibull_shape,
            "1",
        ),
        laser_weibull_scale_h: positive(
            checker,
            "reliability.laser_weibull_scale_h",
            r.laser_weibull_scale_h,
            "h",
        ),
        laser_ref_temp_c: checker.number(
            &field("reliability.laser_ref_temp_c"),
            r.laser_ref_temp_c,
            Limits::between(-50.0, 150.0),
            "°C",
        ),
        laser_activation_energy_ev: non_negative(
            checker,
            "reliability.laser_activation_energy_ev",
            r.laser_activation_energy_ev,
            "eV",
        ),
        switch_hardware_fit: non_negative(
            checker,
            "reliability.switch_hardware_fit",
            r.switch_hardware_fit,
            "FIT",
        ),
        module_infant_dppm: checker.number(
            &field("reliability.module_infant_dppm"),
            r.module_infant_dppm,
            Limits::between(0.0, 1e6),
            "DPPM",
        ),
        infant_mean_h: positive(checker, "reliability.infant_mean_h", r.infant_mean_h, "h"),
        engine_port_fit_gbps: positive(
            checker,
            "reliability.engine_port_fit_gbps",
            r.engine_port_fit_gbps,
            "Gb/s",
        ),
        laser_fit_ref_temp_c: checker.number(
            &field("reliability.laser_fit_ref_temp_c"),
            r.laser_fit_ref_temp_c,
            Limits::between(-50.0, 150.0),
            "°C",
        ),
    };
    if reliability.dsp_fit > reliability.module_fit {
        checker.invalid(
            &field("reliability.dsp_fit"),
            reliability.dsp_fit,
            format!(
                "at most module_fit ({}): the DSP is part of the module",
                reliability.module_fit
            ),
        );
    }
    let gpus = checker.count(&field("gpus"), options.gpus, 2, 10_000_000, "GPUs") as usize;
    let job_gpus =
        checker.count(&field("job.gpus"), options.job.gpus, 1, 10_000_000, "GPUs") as usize;
    if job_gpus > gpus {
        checker.invalid(&field("job.gpus"), job_gpus, format!("at most fleet.gpus ({gpus})"));
    }
    let job = FleetJob {
        gpus: job_gpus,
        checkpoint_interval_h: positive(
            checker,
            "job.checkpoint_interval_h",
            options.job.checkpoint_interval_h,
            "h",
        ),
        checkpoint_cost_h: non_negative(
            checker,
            "job.checkpoint_cost_h",
            options.job.checkpoint_cost_h,
            "h",
        ),
        restart_cost_h: non_negative(
            checker,
            "job.restart_cost_h",
            options.job.restart_cost_h,
            "h",
        ),
    };
    FleetSettings {
        seed: checker.count(&field("seed"), options.seed, 0, i64::from(u32::MAX), "seed") as u64,
        replications: checker.count(
            &field("replications"),
            options.replications,
            2,
            10_000,
            "replications",
        ) as usize,
        years: checker.number(&field("years"), options.years, Limits::between(0.01, 50.0), "years"),
        generation,
        gpus,
        tiers,
        technologies: fabrics,
        mixed_tiers,
        nic_technology,
        technicians: checker.count(
            &field("technicians"),
            options.technicians,
            1,
            100_000,
            "technicians",
        ) as usize,
        gpu_interruptions_per_gpu_h: non_negative(
            checker,
            "gpu_interruptions_per_gpu_h",
            options.gpu_interruptions_per_gpu_h,
            "1/GPU-h",
        ),
        repair_sigma: non_negative(checker, "repair_sigma", options.repair_sigma, "1"),
        replace_after_failed_ports: checker.count(
            &field("replace_after_failed_ports"),
            options.replace_after_failed_ports,
            1,
            4096,
            "ports",
        ) as usize,
        spare_fraction: checker.number(
            &field("spare_fraction"),
            options.spare_fraction,
            Limits::between(0.0, 1.0),
            "fraction",
        ),
        reorder_lead_h: non_negative(checker, "reorder_lead_h", options.reorder_lead_h, "h"),
        reliability,
        job,
    }
}

/// The ramp's quarter labels from `first_quarter` (`YYYYQn`), one per `units_per_quarter`.
fn quarters(checker: &mut Checker, ramp: &raw::RampOptions) -> Vec<String> {
    let parsed = ramp.first_quarter.split_once('Q').and_then(|(year, quarter)| {
        let year: i32 = year.parse().ok()?;
        let quarter: i32 = quarter.parse().ok()?;
        ((1..=4).contains(&quarter) && (1900..=2200).contains(&year)).then_some((year, quarter))
    });
    let Some((year, quarter)) = parsed else {
        checker.invalid(
            "yield.ramp.first_quarter",
            format!("\"{}\"", ramp.first_quarter),
            "a quarter written YYYYQn, n in 1..4 (e.g. \"2026Q1\")",
        );
        return Vec::new();
    };
    if ramp.units_per_quarter.is_empty() {
        checker.invalid("yield.ramp.units_per_quarter", "[]", "at least one quarter's volume");
    }
    (0..ramp.units_per_quarter.len())
        .map(|offset| {
            let index = year * 4 + quarter - 1 + offset as i32;
            format!("{}Q{}", index.div_euclid(4), index.rem_euclid(4) + 1)
        })
        .collect()
}

fn resolve_yield(checker: &mut Checker, options: &raw::YieldOptions) -> YieldSettings {
    let field = |name: &str| format!("yield.{name}");
    let fraction = |checker: &mut Checker, name: &str, value: f64| {
        checker.number(&field(name), value, Limits::between(0.0, 1.0), "fraction")
    };
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    let coverage = |checker: &mut Checker, name: &str, values: &raw::CoverageOptions| {
        [
            ("coupling", values.coupling),
            ("laser", values.laser),
            ("drift", values.drift),
            ("warpage", values.warpage),
            ("asic", values.asic),
        ]
        .map(|(mechanism, value)| fraction(checker, &format!("{name}.{mechanism}"), value))
    };
    // Positive: Wright's law and the market's learning start from the volume already built.
    let initial_units = checker.number(
        &field("ramp.initial_units"),
        options.ramp.initial_units,
        Limits::POSITIVE,
        "units",
    );
    YieldSettings {
        seed: checker.count(&field("seed"), options.seed, 0, i64::from(u32::MAX), "seed") as u64,
        packages: checker.count(&field("packages"), options.packages, 1, 10_000_000, "packages")
            as usize,
        spare_lanes_per_engine: checker.count(
            &field("spare_lanes_per_engine"),
            options.spare_lanes_per_engine,
            0,
            64,
            "lanes",
        ) as usize,
        shift_sigma_um: non_negative(checker, "shift_sigma_um", options.shift_sigma_um, "µm"),
        gap_mean_um: non_negative(checker, "gap_mean_um", options.gap_mean_um, "µm"),
        gap_sigma_um: non_negative(checker, "gap_sigma_um", options.gap_sigma_um, "µm"),
        gap_index: checker.number(
            &field("gap_index"),
            options.gap_index,
            Limits::between(1.0, 4.0),
            "refractive index",
        ),
        tilt_sigma_mrad: non_negative(checker, "tilt_sigma_mrad", options.tilt_sigma_mrad, "mrad"),
        laser_defects_per_laser: non_negative(
            checker,
            "laser_defects_per_laser",
            options.laser_defects_per_laser,
            "defects",
        ),
        laser_weak_fraction: fraction(checker, "laser_weak_fraction", options.laser_weak_fraction),
        laser_weak_rate_per_h: non_negative(
            checker,
            "laser_weak_rate_per_h",
            options.laser_weak_rate_per_h,
            "1/h",
        ),
        burn_in_h: non_negative(checker, "burn_in_h", options.burn_in_h, "h"),
        warpage_um_per_mm2: non_negative(
            checker,
            "warpage_um_per_mm2",
            options.warpage_um_per_mm2,
            "µm/mm²",
        ),
        warpage_sigma_fraction: non_negative(
            checker,
            "warpage_sigma_fraction",
            options.warpage_sigma_fraction,
            "1",
        ),
        warpage_lateral_per_um: non_negative(
            checker,
            "warpage_lateral_per_um",
            options.warpage_lateral_per_um,
            "µm/µm",
        ),
        reflow_warpage_fraction: checker.number(
            &field("reflow_warpage_fraction"),
            options.reflow_warpage_fraction,
            Limits::between(0.0, 2.0),
            "fraction",
        ),
        bga_open_low_um: checker.number(
            &field("bga_open_low_um"),
            options.bga_open_low_um,
            Limits::POSITIVE,
            "µm",
        ),
        bga_open_high_um: checker.number(
            &field("bga_open_high_um"),
            options.bga_open_high_um,
            Limits { min: Bound::Inclusive(options.bga_open_low_um), max: Bound::Exclusive(1e6) },
            "µm (at least bga_open_low_um)",
        ),
        engine_joint_open_um: checker.number(
            &field("engine_joint_open_um"),
            options.engine_joint_open_um,
            Limits::POSITIVE,
            "µm",
        ),
        asic_defects_per_cm2: non_negative(
            checker,
            "asic_defects_per_cm2",
            options.asic_defects_per_cm2,
            "1/cm²",
        ),
        asic_cluster_alpha: checker.number(
            &field("asic_cluster_alpha"),
            options.asic_cluster_alpha,
            Limits::POSITIVE,
            "1",
        ),
        wafers_per_lot: checker.count(
            &field("wafers_per_lot"),
            options.wafers_per_lot,
            1,
            1000,
            "wafers",
        ) as usize,
        asic_lot_alpha: checker.number(
            &field("asic_lot_alpha"),
            options.asic_lot_alpha,
            Limits::POSITIVE,
            "1",
        ),
        engines_per_pic_wafer: checker.count(
            &field("engines_per_pic_wafer"),
            options.engines_per_pic_wafer,
            1,
            1_000_000,
            "dies",
        ) as usize,
        ring_offset_wafer_share: fraction(
            checker,
            "ring_offset_wafer_share",
            options.ring_offset_wafer_share,
        ),
        els_spare_lasers: checker.count(
            &field("els_spare_lasers"),
            options.els_spare_lasers,
            0,
            64,
            "lasers",
        ) as usize,
        rework: Rework {
            attempts: checker.count(
                &field("rework.attempts"),
                options.rework.attempts,
                0,
                10,
                "attempts",
            ) as usize,
            damage_probability: fraction(
                checker,
                "rework.damage_probability",
                options.rework.damage_probability,
            ),
            usd: non_negative(checker, "rework.usd", options.rework.usd, "USD"),
        },
        wafer_test_coverage: fraction(checker, "wafer_test_coverage", options.wafer_test_coverage),
        engine_test_coverage: coverage(
            checker,
            "engine_test_coverage",
            &options.engine_test_coverage,
        ),
        package_test_coverage: coverage(
            checker,
            "package_test_coverage",
            &options.package_test_coverage,
        ),
        system_test_coverage: coverage(
            checker,
            "system_test_coverage",
            &options.system_test_coverage,
        ),
        ramp: Ramp {
            learning_rate: checker.number(
                &field("ramp.learning_rate"),
                options.ramp.learning_rate,
                Limits::FRACTION_OPEN_ZERO,
                "factor per doubling",
            ),
            reference_units: checker.number(
                &field("ramp.reference_units"),
                options.ramp.reference_units,
                Limits::POSITIVE,
                "units",
            ),
            initial_units,
            quarters: quarters(checker, &options.ramp),
            cumulative_units: {
                let mut cumulative = initial_units;
                options
                    .ramp
                    .units_per_quarter
                    .iter()
                    .enumerate()
                    .map(|(index, &units)| {
                        cumulative += checker.number(
                            &format!("yield.ramp.units_per_quarter[{index}]"),
                            units,
                            Limits::POSITIVE,
                            "units",
                        );
                        cumulative
                    })
                    .collect()
            },
            packages_per_point: checker.count(
                &field("ramp.packages_per_point"),
                options.ramp.packages_per_point,
                1,
                1_000_000,
                "packages",
            ) as usize,
        },
        packaging_usd: non_negative(checker, "packaging_usd", options.packaging_usd, "USD"),
        wafer_test_usd: non_negative(checker, "wafer_test_usd", options.wafer_test_usd, "USD"),
        engine_test_usd: non_negative(checker, "engine_test_usd", options.engine_test_usd, "USD"),
        package_test_usd: non_negative(
            checker,
            "package_test_usd",
            options.package_test_usd,
            "USD",
        ),
        system_test_usd: non_negative(checker, "system_test_usd", options.system_test_usd, "USD"),
        burn_in_usd: non_negative(checker, "burn_in_usd", options.burn_in_usd, "USD"),
    }
}
