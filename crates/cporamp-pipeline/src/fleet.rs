//! The fleet engine wired to the others: each fabric of `[fleet]` is a Clos of the cluster's
//! switch generation (radix = its ports), with every port technology's failure model taken
//! from the engines upstream:
//!
//! - **temperatures** (compare, converged with the thermal engine for co-packaged designs): each
//!   laser wears out by a Weibull whose scale is Arrhenius-accelerated from
//!   `laser_ref_temp_c` to the technology's laser temperature $T$ (a pluggable's TEC set point,
//!   an integrated laser's engine temperature, an ELS's cage), and a co-packaged or ELS laser's
//!   random FIT, quoted at $T_q$ = `laser_fit_ref_temp_c`, is scaled to $T$ with the same
//!   activation energy:
//!   $$\mathrm{FIT}(T) = \mathrm{FIT}(T_q)\thinspace\exp\Big[\frac{E_a}{k_B}\Big(\frac{1}{T_q + 273.15} -
//!   \frac{1}{T + 273.15}\Big)\Big];$$
//! - **port speed**: `engine_port_fit` is quoted per port device of `engine_port_fit_gbps`; a
//!   port of the generation's rate $B$ holds $B$ / `engine_port_fit_gbps` such devices' worth of
//!   optics in series, so its FIT is `engine_port_fit` $\cdot B /$ `engine_port_fit_gbps`
//!   (a pluggable's `module_fit` is per module: its source gives no module speed);
//! - **yield escapes**: a switch that shipped with a hard failure that escaped test (a dead lane,
//!   an open joint, a ring out of range) is found at bring-up, since its link does not train, and
//!   swapped before service: these are reported as bring-up swaps per 1,000 switches
//!   ([`BringUp`]: escapes - latent escapes, to first order in the escape fractions), not
//!   field failures. A co-packaged package's latent escapes (a weak laser, the one escape that
//!   passes bring-up) are its latent-defect probability; an ELS design's weak ELS lasers
//!   (`ElsResult::weak_laser_escapes_dppm`, per switch) are its ELS lasers' latent defects;
//! - **flaps**: the photonics engine's flaps per lane-hour (the feed-forward loop, the design's
//!   loop) times lanes per port interrupt the job on its ring-based links;
//! - **structure** (compare): lasers per port, ELS modules per switch (and so ports per ELS),
//!   whether a module has a DSP.
//!
//! A port with $n$ lasers fails when its first laser does: the minimum of $n$ Weibulls of shape
//! $\beta$ and scale $\eta$ is a Weibull of scale $\eta\thinspace n^{-1/\beta}$, and $n$ random rates
//! add. A pluggable module's field FIT already counts its random laser failures, so only the
//! lasers' wear-out is added to it; a linear-drive module (no DSP power) leaves out the DSP's
//! FIT.

use cporamp_compare::{GenerationComparison, TechnologyResult};
use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{Celsius, Dppm, Fit, Hours};
use cporamp_fleet::{
    Component, ElsService, FleetInputError, FleetInputs, FleetResult, JobInputs, NicInputs,
    PortKind, PortTechnology, Repair, Spares, SwitchHardware, TierInputs,
};
use cporamp_scenario::Scenario;
use cporamp_scenario::{FleetSettings, LaserPlacement, TechnologyKind};
use serde::Serialize;

use crate::options::Counter;
use crate::{PhotonicsGeneration, PipelineError, RunOptions, Stage, YieldGeneration};

/// Co-packaged switches of one tier swapped at bring-up: they shipped with a hard failure that
/// escaped test, their links do not train, and each is replaced before the fabric enters
/// service (not a field failure). Zero for a tier of pluggable modules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BringUp {
    /// Switch swaps per 1,000 switches installed: (escapes - latent escapes) DPPM / 1,000.
    pub swaps_per_1000_switches: f64,
    /// Expected swaps when this tier is built: switches x that fraction.
    pub swaps: f64,
}

/// One fabric the fleet engine ran.
#[derive(Debug, Clone, Serialize)]
pub struct FleetFabric {
    /// Short id: the technology id, or `mixed`.
    pub id: String,
    /// Name for people.
    pub label: String,
    /// Technology id per switch tier, leaf first.
    pub tiers: Vec<TechnologyId>,
    /// The inputs the engine ran on.
    pub inputs: FleetInputs,
    /// The result.
    pub result: FleetResult,
    /// Bring-up swaps per switch tier, leaf first.
    pub bring_up: Vec<BringUp>,
}

/// The fleet engine's results.
#[derive(Debug, Clone, Serialize)]
pub struct FleetOutput {
    /// The cluster's switch generation.
    pub generation: GenerationId,
    /// One entry per fabric: each technology on every tier, then the mixed fabric.
    pub fabrics: Vec<FleetFabric>,
}

/// Runs every fabric of `[fleet]` on the generation's comparison, photonics and yield.
///
/// A switch tier's name for people, leaf first: leaf, spine, core (or `tier N`).
#[must_use]
pub fn tier_name(index: usize, tiers: usize) -> String {
    match (index, tiers) {
        (0, _) => "leaf".to_string(),
        (1, 2 | 3) => "spine".to_string(),
        (2, 3) => "core".to_string(),
        _ => format!("tier {}", index + 1),
    }
}

/// The mixed fabric's name: each technology's label with the tiers it serves, e.g. "Mixed:
/// LPO (leaf) + CPO, external laser (spine, core)".
fn mixed_label(scenario: &Scenario, tiers: &[usize]) -> String {
    let mut groups: Vec<(usize, Vec<String>)> = Vec::new();
    for (tier, &technology) in tiers.iter().enumerate() {
        let name = tier_name(tier, tiers.len());
        match groups.last_mut() {
            Some((last, names)) if *last == technology => names.push(name),
            _ => groups.push((technology, vec![name])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(technology, names)| {
            format!("{} ({})", scenario.technologies[*technology].label, names.join(", "))
        })
        .collect();
    format!("Mixed: {}", parts.join(" + "))
}

/// # Errors
/// [`PipelineError::Fleet`] naming the fabric when the engine rejects its inputs.
pub(crate) fn fleet(
    scenario: &Scenario,
    comparison: &GenerationComparison,
    photonics: &PhotonicsGeneration,
    yields: &YieldGeneration,
    options: &RunOptions,
) -> Result<FleetOutput, PipelineError> {
    let settings = &scenario.fleet;
    let mut layouts: Vec<(String, String, Vec<usize>)> = Vec::new();
    for id in &settings.technologies {
        let index = cporamp_compare::technology_index(scenario, id)?;
        let technology = &scenario.technologies[index];
        layouts.push((
            technology.id.to_string(),
            technology.label.clone(),
            vec![index; settings.tiers],
        ));
    }
    if !settings.mixed_tiers.is_empty() {
        let tiers = settings
            .mixed_tiers
            .iter()
            .map(|id| cporamp_compare::technology_index(scenario, id))
            .collect::<Result<Vec<_>, _>>()?;
        layouts.push(("mixed".to_string(), mixed_label(scenario, &tiers), tiers));
    }
    let progress = Counter::start(options, Stage::Fleet, layouts.len() * settings.replications);
    let inputs = layouts
        .iter()
        .map(|(id, _, tiers)| {
            let inputs = fleet_inputs(scenario, comparison, photonics, yields, tiers)?;
            stocked(inputs, settings.spare_fraction)
                .map_err(|error| PipelineError::Fleet { fabric: id.clone(), error })
        })
        .collect::<Result<Vec<_>, PipelineError>>()?;
    // Every fabric's replications as one pool of work; an input error is the first fabric's
    // that has one, named as such.
    for ((id, _, _), inputs) in layouts.iter().zip(&inputs) {
        cporamp_fleet::check(inputs)
            .map_err(|error| PipelineError::Fleet { fabric: id.clone(), error })?;
    }
    let results =
        cporamp_fleet::simulate_all(&inputs, options.threads.get(), &|| progress.advance())
            .expect("every fabric's inputs were checked above");
    let fabrics = layouts
        .into_iter()
        .zip(inputs)
        .zip(results)
        .map(|(((id, label, tiers), inputs), result)| {
            let bring_up = tiers
                .iter()
                .zip(&result.topology.tiers)
                .map(|(&index, counts)| {
                    let id = &scenario.technologies[index].id;
                    let per_1000 = yields
                        .technologies
                        .iter()
                        .find(|yielded| &yielded.id == id)
                        .map_or(0.0, |yielded| bring_up_dppm(&yielded.result) / 1e3);
                    BringUp {
                        swaps_per_1000_switches: per_1000,
                        swaps: per_1000 * counts.switches as f64 / 1e3,
                    }
                })
                .collect();
            let tiers =
                tiers.iter().map(|&index| scenario.technologies[index].id.clone()).collect();
            FleetFabric { id, label, tiers, inputs, result, bring_up }
        })
        .collect();
    Ok(FleetOutput { generation: comparison.generation.clone(), fabrics })
}

/// Shipped switches with a hard escape (found at bring-up), DPPM: all escapes but the latent
/// ones (a package with both counts as latent; second order in the escape fractions).
fn bring_up_dppm(result: &cporamp_yield::YieldResult) -> f64 {
    (result.escapes_total_dppm - result.latent_escapes_dppm).max(0.0)
}

/// A co-packaged engine port's FIT at the generation's port rate: `engine_port_fit` per port
/// device of `engine_port_fit_gbps`, in series.
#[must_use]
pub(crate) fn engine_port_fit(settings: &FleetSettings, port_rate_gbps: f64) -> Fit {
    let r = &settings.reliability;
    Fit(r.engine_port_fit.0 * port_rate_gbps / r.engine_port_fit_gbps.0)
}

fn compared<'a>(
    comparison: &'a GenerationComparison,
    id: &TechnologyId,
) -> Result<&'a TechnologyResult, PipelineError> {
    comparison.technologies.iter().find(|technology| &technology.id == id).ok_or_else(|| {
        PipelineError::FleetTechnology {
            technology: id.clone(),
            reason: "is not in the comparison".to_string(),
        }
    })
}

/// A lognormal repair of median `median_h` with the fleet's spread.
fn repair(settings: &FleetSettings, median_h: f64) -> Repair {
    Repair::LogNormal { median_h: Hours(median_h), sigma: settings.repair_sigma }
}

/// A spares pool with the fleet's lead time and one unit; [`stocked`] sets the count (at
/// least one, so a lead time of 0 h is an instant restock, not a pool that never fills).
fn no_spares(settings: &FleetSettings) -> Spares {
    Spares { initial_units: 1, reorder_lead_h: settings.reorder_lead_h }
}

/// A unit with only a constant rate at its operating point (no wear-out, no latent defect).
fn random_only(fit: Fit, infant_mean_h: Hours) -> Component {
    Component {
        random_fit: fit,
        weibull_shape: 1.0,
        weibull_scale_h: Hours(f64::INFINITY),
        activation_energy_ev: 0.0,
        ref_temp_c: Celsius(25.0),
        temp_c: Celsius(25.0),
        infant_mean_h,
        random_fit_ref_temp_c: None,
    }
}

/// The first failure of `lasers` lasers at `temp_c`, each with `random_fit` (quoted at
/// `laser_fit_ref_temp_c`, scaled by the engine to `temp_c`) and the settings' wear-out. A
/// laser shared by several ports (fewer than one per port) takes each of them down, so a port
/// sees at least one laser's full hazard.
fn lasers(settings: &FleetSettings, lasers: f64, random_fit: Fit, temp_c: f64) -> Component {
    let lasers = lasers.max(1.0);
    let r = &settings.reliability;
    Component {
        random_fit: random_fit * lasers,
        weibull_shape: r.laser_weibull_shape,
        weibull_scale_h: r.laser_weibull_scale_h * lasers.powf(-1.0 / r.laser_weibull_shape),
        activation_energy_ev: r.laser_activation_energy_ev,
        ref_temp_c: r.laser_ref_temp_c,
        temp_c: Celsius(temp_c),
        infant_mean_h: r.infant_mean_h,
        random_fit_ref_temp_c: Some(r.laser_fit_ref_temp_c),
    }
}

/// The port technology of `technology` for the fleet engine.
fn port_technology(
    scenario: &Scenario,
    comparison: &GenerationComparison,
    photonics: &PhotonicsGeneration,
    yields: &YieldGeneration,
    index: usize,
) -> Result<(PortTechnology, f64), PipelineError> {
    let settings = &scenario.fleet;
    let r = &settings.reliability;
    let technology = &scenario.technologies[index];
    let result = compared(comparison, &technology.id)?;
    let Some(laser) = &result.laser else {
        return Err(PipelineError::FleetTechnology {
            technology: technology.id.clone(),
            reason: "has no laser: the fleet builds optical fabrics".to_string(),
        });
    };
    // A co-packaged switch's latent defects are the yield engine's latent escapes (weak lasers
    // in the package; hard escapes are found at bring-up), its ELS lasers' the weak ELS lasers;
    // one without a yield result is an error, not a defect-free switch.
    let yielded = yields.technologies.iter().find(|yielded| yielded.id == technology.id);
    let weak_els = yielded
        .and_then(|yielded| yielded.result.els.as_ref())
        .map_or(0.0, |els| Dppm(els.weak_laser_escapes_dppm).to_probability());
    let escapes = match yielded {
        Some(yielded) => Dppm(yielded.result.latent_escapes_dppm).to_probability(),
        None if technology.kind == TechnologyKind::CoPackaged => {
            return Err(PipelineError::FleetTechnology {
                technology: technology.id.clone(),
                reason: "is co-packaged but has no yield result (it needs rings and a package)"
                    .to_string(),
            });
        }
        None => 0.0,
    };
    let flaps_per_link_h = photonics
        .technologies
        .iter()
        .find(|photonic| photonic.id == technology.id)
        .map_or(0.0, |photonic| {
            photonic.nominal.feed_forward.flaps_per_lane_hour * f64::from(comparison.lanes_per_port)
        });
    let laser_temp_c = laser.power.laser_temp_c;
    let engine_port_fit = engine_port_fit(settings, comparison.port_rate_gbps);
    let port_technology = match (technology.kind, laser.placement) {
        (TechnologyKind::Pluggable, _) => {
            let dsp_fit = if result.port_power.dsp_w > 0.0 { Fit(0.0) } else { r.dsp_fit };
            PortTechnology {
                name: technology.id.to_string(),
                kind: PortKind::Module,
                port: random_only(r.module_fit - dsp_fit, r.infant_mean_h),
                laser: Some(lasers(settings, laser.lasers_per_port, Fit(0.0), laser_temp_c)),
                port_repair: repair(settings, scenario.service.module_swap_mttr.0),
                infant_probability: r.module_infant_dppm.to_probability(),
                spares: no_spares(settings),
            }
        }
        (_, LaserPlacement::External) => {
            let (Some(els), Some(modules)) = (
                technology.laser.as_ref().and_then(|laser| laser.els.as_ref()),
                result.cost.els_modules_per_switch,
            ) else {
                return Err(PipelineError::FleetTechnology {
                    technology: technology.id.clone(),
                    reason: "has an external laser but no ELS module".to_string(),
                });
            };
            let needed = els.lasers_per_module as usize;
            PortTechnology {
                name: technology.id.to_string(),
                kind: PortKind::CoPackagedEls {
                    ports_per_els: (f64::from(comparison.ports_per_switch) / f64::from(modules))
                        .ceil() as usize,
                    lasers_per_els: needed + scenario.yield_settings.els_spare_lasers,
                    lasers_needed: needed,
                    service: ElsService::SwapModule,
                    replace_after_failed_ports: settings.replace_after_failed_ports,
                    weak_laser_probability: weak_els,
                },
                port: random_only(engine_port_fit, r.infant_mean_h),
                laser: Some(lasers(settings, 1.0, r.laser_fit, laser_temp_c)),
                port_repair: repair(settings, scenario.service.els_swap_mttr.0),
                infant_probability: escapes,
                spares: no_spares(settings),
            }
        }
        _ => PortTechnology {
            name: technology.id.to_string(),
            kind: PortKind::CoPackaged {
                replace_after_failed_ports: settings.replace_after_failed_ports,
            },
            port: random_only(engine_port_fit, r.infant_mean_h),
            laser: Some(lasers(settings, laser.lasers_per_port, r.laser_fit, laser_temp_c)),
            port_repair: repair(settings, scenario.service.switch_replace_mttr.0),
            infant_probability: escapes,
            spares: no_spares(settings),
        },
    };
    Ok((port_technology, flaps_per_link_h))
}

fn fleet_inputs(
    scenario: &Scenario,
    comparison: &GenerationComparison,
    photonics: &PhotonicsGeneration,
    yields: &YieldGeneration,
    tiers: &[usize],
) -> Result<FleetInputs, PipelineError> {
    let settings = &scenario.fleet;
    let r = &settings.reliability;
    let mut leaf_flaps = 0.0;
    let mut fabric_tiers = Vec::with_capacity(tiers.len());
    for (tier, &index) in tiers.iter().enumerate() {
        let (technology, flaps) = port_technology(scenario, comparison, photonics, yields, index)?;
        if tier == 0 {
            leaf_flaps = flaps;
        }
        fabric_tiers.push(TierInputs { technology, switch_spares: no_spares(settings) });
    }
    let nic_index = cporamp_compare::technology_index(scenario, &settings.nic_technology)?;
    let (nic, _) = port_technology(scenario, comparison, photonics, yields, nic_index)?;
    // The NIC module is one unit: its field FIT and its lasers' wear-out in one component
    // (the minimum of an exponential and a Weibull is exactly what each gives alone; the
    // random rates, each at the operating point, add).
    let nic_port = match nic.laser {
        Some(laser) => Component {
            weibull_shape: laser.weibull_shape,
            weibull_scale_h: laser.weibull_scale_h,
            activation_energy_ev: laser.activation_energy_ev,
            ref_temp_c: laser.ref_temp_c,
            temp_c: laser.temp_c,
            random_fit: Fit(nic.port.random_fit_at_temp() + laser.random_fit_at_temp()),
            random_fit_ref_temp_c: None,
            ..nic.port
        },
        None => nic.port,
    };
    Ok(FleetInputs {
        seed: settings.seed,
        replications: settings.replications,
        years: settings.years,
        gpus: settings.gpus,
        radix: comparison.ports_per_switch as usize,
        tiers: fabric_tiers,
        nic: NicInputs {
            port: nic_port,
            repair: repair(settings, scenario.service.module_swap_mttr.0),
            infant_probability: nic.infant_probability,
            spares: no_spares(settings),
        },
        switch: SwitchHardware {
            hardware_fit: r.switch_hardware_fit,
            replace: repair(settings, scenario.service.switch_replace_mttr.0),
        },
        gpu_interruptions_per_gpu_h: settings.gpu_interruptions_per_gpu_h,
        technicians: settings.technicians,
        job: JobInputs { settings: settings.job, flaps_per_link_h: leaf_flaps },
    })
}

/// Stocks every spares pool with `spare_fraction` of its installed units (at least one).
fn stocked(mut inputs: FleetInputs, spare_fraction: f64) -> Result<FleetInputs, FleetInputError> {
    let counts = cporamp_fleet::topology(&inputs)?;
    let stock = |installed: usize| (spare_fraction * installed as f64).ceil().max(1.0) as usize;
    for (tier, counts) in inputs.tiers.iter_mut().zip(&counts.tiers) {
        tier.switch_spares.initial_units = stock(counts.switches);
        let units = match tier.technology.kind {
            PortKind::Module => counts.modules,
            PortKind::CoPackagedEls { .. } => counts.els,
            PortKind::CoPackaged { .. } => 0,
        };
        tier.technology.spares.initial_units = stock(units);
    }
    inputs.nic.spares.initial_units = stock(counts.nic_modules);
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::units::Years;

    #[test]
    fn fleet_inputs_scale_port_and_laser_rates_and_take_latent_escapes_from_yield() {
        // The reduced default at 102.4T (1.6T ports), with a small cluster: the engine inputs
        // follow the sources' conditions, and hard escapes become bring-up swaps.
        let mut scenario = crate::fixture::small();
        scenario.fleet.gpus = 4096;
        scenario.fleet.job.gpus = 2048;
        scenario.fleet.years = Years(0.5);
        scenario.fleet.replications = 2;
        let options = crate::fixture::two_threads();
        let output = crate::run_generation(&scenario, "102.4T", &options).unwrap();
        assert!((output.comparison.port_rate_gbps - 1600.0).abs() < 1e-9);
        let fleet =
            fleet(&scenario, &output.comparison, &output.photonics, &output.yields, &options)
                .unwrap();
        let r = &scenario.fleet.reliability;
        // [PCM 30]: 385 FIT per 400G port device; a 1.6T port is four in series.
        assert!(
            (r.engine_port_fit.0 - 385.0).abs() < 1e-12
                && (r.engine_port_fit_gbps.0 - 400.0).abs() < 1e-12
        );
        let port_fit = 4.0 * 385.0;
        for fabric in &fleet.fabrics {
            for (tier, (inputs, id)) in fabric.inputs.tiers.iter().zip(&fabric.tiers).enumerate() {
                let technology = &inputs.technology;
                let compared = output.comparison.technologies.iter().find(|t| &t.id == id).unwrap();
                let laser = technology.laser.unwrap();
                let yielded = output.yields.technologies.iter().find(|t| &t.id == id);
                let bring_up = fabric.bring_up[tier];
                let switches = fabric.result.topology.tiers[tier].switches as f64;
                match technology.kind {
                    PortKind::Module => {
                        assert!(technology.port.random_fit.0 >= r.module_fit.0 - r.dsp_fit.0);
                        assert!(
                            laser.random_fit.0.abs() < 1e-12,
                            "{id}: no laser FIT beyond the module's"
                        );
                        assert!(bring_up.swaps_per_1000_switches.abs() < 1e-12);
                    }
                    PortKind::CoPackaged { .. } | PortKind::CoPackagedEls { .. } => {
                        assert!((technology.port.random_fit.0 - port_fit).abs() < 1e-9, "{id}");
                        // [PCM 32]: the laser FIT quoted at Tj = 70 °C, scaled to the laser's
                        // temperature T with Ea:
                        // FIT(T) = FIT(70) exp[Ea/k (1/343.15 - 1/(T + 273.15))].
                        let temp_c = compared.laser.as_ref().unwrap().power.laser_temp_c;
                        assert!((laser.temp_c.0 - temp_c).abs() < 1e-12);
                        let lasers = laser.random_fit.0 / r.laser_fit.0;
                        let factor = (r.laser_activation_energy_ev / 8.617_333_262e-5
                            * (1.0 / 343.15 - 1.0 / (temp_c + 273.15)))
                            .exp();
                        let expected = r.laser_fit.0 * lasers * factor;
                        assert!(
                            (laser.random_fit_at_temp() / expected - 1.0).abs() < 1e-12,
                            "{id}"
                        );
                        assert!(factor < 1.0, "{id}: lasers run below 70 °C ({temp_c} °C)");
                        // Latent escapes (weak lasers) are field failures; the rest are found at
                        // bring-up, per 1,000 switches = DPPM / 1,000.
                        let result = &yielded.unwrap().result;
                        let latent = result.latent_escapes_dppm / 1e6;
                        assert!((technology.infant_probability - latent).abs() < 1e-15, "{id}");
                        let hard = result.escapes_total_dppm - result.latent_escapes_dppm;
                        assert!((bring_up.swaps_per_1000_switches - hard / 1e3).abs() < 1e-9);
                        assert!((bring_up.swaps - hard / 1e6 * switches).abs() < 1e-9);
                        if let PortKind::CoPackagedEls { weak_laser_probability, .. } =
                            technology.kind
                        {
                            let weak = result.els.unwrap().weak_laser_escapes_dppm / 1e6;
                            assert!((weak_laser_probability - weak).abs() < 1e-15);
                            assert!(latent.abs() < 1e-15, "an ELS package holds no lasers");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn default_reliability_predicts_the_llama_3_network_interruptions() {
        // [S94]: Meta's Llama 3 405B run, 16,384 GPUs for 54 days, had 419
        // unexpected interruptions, 35 of them from network switches and cables. The default
        // scenario's module and switch-hardware rates (from their own sources, not fitted to
        // this run) on pluggable optics at every tier of a 64-port (51.2T, 800G; Llama 3's
        // fabric was 400G on 64-port switches) three-tier fabric predict the network count;
        // the issue asks for it within a factor of 2. GPU and host interruptions are off: the
        // default GPU rate is taken from this very run. The run used clusters already in
        // service (Meta's two 24k-GPU clusters were announced in March 2024, before the run),
        // so the latent defects of new modules had shown before it: no infant mortality.
        // The reduced scenario: its pluggable technology and fleet settings are the
        // default's but for those set here.
        let mut scenario = crate::fixture::small();
        let fleet = &mut scenario.fleet;
        fleet.gpus = 16_384;
        fleet.job.gpus = 16_384;
        fleet.tiers = 3;
        fleet.years = Years(54.0 / 365.25);
        fleet.replications = 40;
        fleet.gpu_interruptions_per_gpu_h = 0.0;
        fleet.reliability.module_infant_dppm = Dppm(0.0);
        let pluggable = scenario.technologies.iter().position(|t| t.id == "pluggable_dsp").unwrap();
        let output =
            crate::run_generation(&scenario, "51.2T", &crate::fixture::two_threads()).unwrap();
        let inputs = fleet_inputs(
            &scenario,
            &output.comparison,
            &output.photonics,
            &output.yields,
            &[pluggable; 3],
        )
        .unwrap();
        let inputs = stocked(inputs, scenario.fleet.spare_fraction).unwrap();
        assert_eq!(inputs.radix, 64);
        let result = cporamp_fleet::simulate(&inputs, 2).unwrap();
        let network = result.job.network_interruptions;
        let ratio = network.mean / 35.0;
        assert!((0.5..2.0).contains(&ratio), "{network:?} network interruptions: ratio {ratio}");
        // The prediction is the closed form of the same rates within its Monte Carlo error:
        // the job's 16,384 NIC and leaf-port modules at the module FIT, plus its 512 leaves'
        // hardware, over 54 days (laser wear-out adds a little).
        let hours = 54.0 * 24.0;
        let r = &scenario.fleet.reliability;
        let closed =
            (2.0 * 16_384.0 * r.module_fit.0 + 512.0 * r.switch_hardware_fit.0) * hours / 1e9;
        assert!(network.mean > closed - 3.0 * network.se, "{network:?} vs {closed}");
    }

    #[test]
    fn a_zero_reorder_lead_time_restocks_at_once() {
        // Every pool holds at least one spare, so a lead time of 0 h is an instant restock
        // (it used to be refused as "0 spares and a lead time of 0 h" before stocking).
        let mut scenario = crate::fixture::small();
        scenario.fleet.reorder_lead_h = Hours(0.0);
        scenario.fleet.gpus = 1024;
        scenario.fleet.job.gpus = 512;
        scenario.fleet.tiers = 2;
        scenario.fleet.years = Years(0.5);
        let output =
            crate::run_generation(&scenario, "51.2T", &crate::fixture::two_threads()).unwrap();
        let pluggable = scenario.technologies.iter().position(|t| t.id == "pluggable_dsp").unwrap();
        let inputs = fleet_inputs(
            &scenario,
            &output.comparison,
            &output.photonics,
            &output.yields,
            &[pluggable; 2],
        )
        .unwrap();
        let inputs = stocked(inputs, scenario.fleet.spare_fraction).unwrap();
        assert!(inputs.nic.spares.initial_units >= 1);
        assert_eq!(inputs.nic.spares.reorder_lead_h.0.to_bits(), 0.0_f64.to_bits());
        let result = cporamp_fleet::simulate(&inputs, 1).unwrap();
        // Spares never run out, so every tier's links are up nearly all the time.
        for tier in &result.tiers {
            assert!(tier.link_availability.mean > 0.99, "{:?}", tier.link_availability);
        }
    }
}
