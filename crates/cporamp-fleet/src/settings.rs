//! `[fleet]`: the section of the scenario file this engine reads, as written
//! ([`FleetOptions`]) and checked ([`FleetSettings`], by [`resolve`]).
//!
//! The engine owns its section: its raw serde types, every range check of its fields (each
//! problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]), and the resolved settings. The ids it names outside
//! itself (the switch generation, the fabrics' technologies) are resolved by the scenario that
//! holds the section, through [`Catalog`]. The checks that relate the section to a generation's
//! switch (a buildable fabric, a failed-port threshold within the radix) run with the
//! scenario's other dependent checks, on [`max_gpus`](crate::max_gpus) and
//! [`MAX_JOB_INTERRUPTIONS`](crate::MAX_JOB_INTERRUPTIONS).

use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::units::{Celsius, Dppm, Fit, Gbps, Hours};
use serde::{Deserialize, Serialize};

/// What a fabric tier's technology is for, so the scenario can check that it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TechnologyRole {
    /// A switch tier of a fabric: optical (copper does not reach across a tier).
    FabricTier,
    /// The GPU's NIC module: a pluggable module.
    Nic,
}

/// The ids `[fleet]` names outside itself, resolved by the scenario that holds the section.
pub trait Catalog {
    /// The index of the switch generation `id` named at `path`; 0, with a problem recorded,
    /// when there is none.
    fn generation(&self, checker: &mut Checker, path: &str, id: &str) -> usize;
    /// The index of the technology `id` named at `path` for `role`; 0, with a problem
    /// recorded, when there is none or it does not fit the role.
    fn technology(
        &self,
        checker: &mut Checker,
        path: &str,
        id: &str,
        role: TechnologyRole,
    ) -> usize;
}

/// `[fleet]` as written: bare numbers with the unit in the field name, counts as `i64` so
/// that a negative count is a named range error, ids as strings.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetOptions {
    pub seed: i64,
    pub replications: i64,
    pub years: f64,
    pub generation: String,
    pub gpus: i64,
    pub tiers: i64,
    pub technologies: Vec<String>,
    pub mixed_tiers: Vec<String>,
    pub nic_technology: String,
    pub technicians: i64,
    pub gpu_interruptions_per_gpu_h: f64,
    pub repair_sigma: f64,
    pub replace_after_failed_ports: i64,
    pub spare_fraction: f64,
    pub reorder_lead_h: f64,
    pub reliability: FleetReliabilityOptions,
    pub job: FleetJobOptions,
}

/// `[fleet.reliability]` as written.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetReliabilityOptions {
    pub module_fit: f64,
    pub dsp_fit: f64,
    pub engine_port_fit: f64,
    pub laser_fit: f64,
    pub laser_weibull_shape: f64,
    pub laser_weibull_scale_h: f64,
    pub laser_ref_temp_c: f64,
    pub laser_activation_energy_ev: f64,
    pub switch_hardware_fit: f64,
    pub module_infant_dppm: f64,
    pub infant_mean_h: f64,
    pub engine_port_fit_gbps: f64,
    pub laser_fit_ref_temp_c: f64,
}

/// `[fleet.job]` as written.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetJobOptions {
    pub gpus: i64,
    pub checkpoint_interval_h: f64,
    pub checkpoint_cost_h: f64,
    pub restart_cost_h: f64,
}

/// The fleet engine: a GPU cluster's scale-out fabric, built once per technology (every tier)
/// and once mixed, run over years with failures, repairs and a training job.
#[derive(Debug, Clone, Serialize)]
pub struct FleetSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Replications (at least 2).
    pub replications: usize,
    /// Simulated years.
    pub years: f64,
    /// Index into `Scenario::generations` of the cluster's switch generation.
    pub generation: usize,
    /// GPUs, one scale-out port each.
    pub gpus: usize,
    /// Switch tiers (2 or 3).
    pub tiers: usize,
    /// Indices into `Scenario::technologies`: one fabric per entry, that technology on every
    /// tier.
    pub technologies: Vec<usize>,
    /// One more fabric with a technology per tier (leaf first); empty for none.
    pub mixed_tiers: Vec<usize>,
    /// Index of the pluggable technology of the GPU's NIC module.
    pub nic_technology: usize,
    /// Technicians on site.
    pub technicians: usize,
    /// GPU and host failures that interrupt a job, per GPU-hour.
    pub gpu_interruptions_per_gpu_h: f64,
    /// Lognormal sigma of repair times (medians from `[service]`).
    pub repair_sigma: f64,
    /// Failed ports after which a co-packaged switch is replaced.
    pub replace_after_failed_ports: usize,
    /// Spares stocked, a fraction of the installed units of each pool (at least one).
    pub spare_fraction: f64,
    /// Reorder lead time of every spares pool, h.
    pub reorder_lead_h: Hours,
    /// Failure rates and lifetimes.
    pub reliability: FleetReliability,
    /// The training job.
    pub job: FleetJob,
}

/// Failure rates and laser lifetimes for the fleet engine.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReliability {
    /// A DSP pluggable module, all causes, FIT.
    pub module_fit: Fit,
    /// The DSP's share of it (absent from a linear-drive module), FIT.
    pub dsp_fit: Fit,
    /// A co-packaged engine's share per port device of `engine_port_fit_gbps` (driver,
    /// modulator, photodiode, TIA), FIT.
    pub engine_port_fit: Fit,
    /// Random failures per laser (co-packaged and ELS lasers) at `laser_fit_ref_temp_c`, FIT.
    pub laser_fit: Fit,
    /// Laser wear-out Weibull shape.
    pub laser_weibull_shape: f64,
    /// Laser wear-out characteristic life at `laser_ref_temp_c`, h.
    pub laser_weibull_scale_h: Hours,
    /// Temperature of that characteristic life, °C.
    pub laser_ref_temp_c: Celsius,
    /// Arrhenius activation energy of laser wear-out, eV.
    pub laser_activation_energy_ev: f64,
    /// Switch hardware other than optics, FIT.
    pub switch_hardware_fit: Fit,
    /// Latent-defect fraction of pluggable modules, DPPM.
    pub module_infant_dppm: Dppm,
    /// Mean time to failure of a latent defect, h.
    pub infant_mean_h: Hours,
    /// Port speed at which `engine_port_fit` is quoted, Gb/s: a port of the fleet's speed
    /// holds `port_rate_gbps / engine_port_fit_gbps` such devices' worth of optics in series.
    pub engine_port_fit_gbps: Gbps,
    /// Junction temperature at which `laser_fit` is quoted, °C: the random laser FIT is scaled
    /// to each laser's temperature with `laser_activation_energy_ev`.
    pub laser_fit_ref_temp_c: Celsius,
}

/// The training job of the fleet engine.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FleetJob {
    /// GPUs of the job.
    pub gpus: usize,
    /// Work between checkpoints, h.
    pub checkpoint_interval_h: Hours,
    /// Time to write a checkpoint, h.
    pub checkpoint_cost_h: Hours,
    /// Time to restart after an interruption, h.
    pub restart_cost_h: Hours,
}

/// Checks `[fleet]` and resolves it; every problem is recorded in `checker` (the result is
/// then only a placeholder to keep walking with).
pub fn resolve(
    checker: &mut Checker,
    options: &FleetOptions,
    catalog: &impl Catalog,
) -> FleetSettings {
    let at = Section::new("fleet");
    let generation = catalog.generation(checker, &at.path("generation"), &options.generation);
    let Fabrics { fabrics, tiers, mixed_tiers, nic_technology } =
        resolve_fabrics(checker, options, catalog);
    let reliability = resolve_reliability(checker, options);
    let gpus = at.count(checker, "gpus", options.gpus, 2, 10_000_000, "GPUs") as usize;
    let job = resolve_job(checker, options, gpus);
    FleetSettings {
        seed: at.count(checker, "seed", options.seed, 0, i64::from(u32::MAX), "seed") as u64,
        replications: at.count(
            checker,
            "replications",
            options.replications,
            2,
            10_000,
            "replications",
        ) as usize,
        years: at.number(checker, "years", options.years, Limits::between(0.01, 50.0), "years"),
        generation,
        gpus,
        tiers,
        technologies: fabrics,
        mixed_tiers,
        nic_technology,
        technicians: at.count(
            checker,
            "technicians",
            options.technicians,
            1,
            100_000,
            "technicians",
        ) as usize,
        gpu_interruptions_per_gpu_h: at.non_negative(
            checker,
            "gpu_interruptions_per_gpu_h",
            options.gpu_interruptions_per_gpu_h,
            "1/GPU-h",
        ),
        repair_sigma: at.non_negative(checker, "repair_sigma", options.repair_sigma, "1"),
        replace_after_failed_ports: at.count(
            checker,
            "replace_after_failed_ports",
            options.replace_after_failed_ports,
            1,
            4096,
            "ports",
        ) as usize,
        spare_fraction: at.fraction(checker, "spare_fraction", options.spare_fraction),
        reorder_lead_h: Hours(at.non_negative(
            checker,
            "reorder_lead_h",
            options.reorder_lead_h,
            "h",
        )),
        reliability,
        job,
    }
}

/// The fabrics: one per technology, the tiers, the mixed fabric (one technology per tier) and
/// the NIC's technology.
fn resolve_fabrics(
    checker: &mut Checker,
    options: &FleetOptions,
    catalog: &impl Catalog,
) -> Fabrics {
    let at = Section::new("fleet");
    let tier = TechnologyRole::FabricTier;
    let fabrics: Vec<usize> = options
        .technologies
        .iter()
        .enumerate()
        .map(|(i, id)| catalog.technology(checker, &format!("fleet.technologies[{i}]"), id, tier))
        .collect();
    if fabrics.is_empty() {
        at.invalid(checker, "technologies", "[]", "at least one technology id");
    }
    let tiers = at.count(checker, "tiers", options.tiers, 2, 3, "tiers") as usize;
    let mixed_tiers: Vec<usize> = options
        .mixed_tiers
        .iter()
        .enumerate()
        .map(|(i, id)| catalog.technology(checker, &format!("fleet.mixed_tiers[{i}]"), id, tier))
        .collect();
    if !mixed_tiers.is_empty() && mixed_tiers.len() != tiers {
        at.invalid(
            checker,
            "mixed_tiers",
            format!("{} entries", mixed_tiers.len()),
            format!("one technology per tier ({tiers}), leaf first, or [] for none"),
        );
    }
    let nic_technology = catalog.technology(
        checker,
        &at.path("nic_technology"),
        &options.nic_technology,
        TechnologyRole::Nic,
    );
    Fabrics { fabrics, tiers, mixed_tiers, nic_technology }
}

/// The technologies of `[fleet]`, as indices into the scenario's technologies.
struct Fabrics {
    /// One fabric per entry, that technology on every tier.
    fabrics: Vec<usize>,
    /// Switch tiers.
    tiers: usize,
    /// The mixed fabric's technology per tier; empty for none.
    mixed_tiers: Vec<usize>,
    /// The NIC module's technology.
    nic_technology: usize,
}

/// `[fleet.reliability]`: failure rates and laser lifetimes (the DSP's share at most the
/// module's).
fn resolve_reliability(checker: &mut Checker, options: &FleetOptions) -> FleetReliability {
    let at = Section::new("fleet");
    let r = &options.reliability;
    let reliability = FleetReliability {
        module_fit: Fit(at.non_negative(checker, "reliability.module_fit", r.module_fit, "FIT")),
        dsp_fit: Fit(at.non_negative(checker, "reliability.dsp_fit", r.dsp_fit, "FIT")),
        engine_port_fit: Fit(at.non_negative(
            checker,
            "reliability.engine_port_fit",
            r.engine_port_fit,
            "FIT",
        )),
        laser_fit: Fit(at.non_negative(checker, "reliability.laser_fit", r.laser_fit, "FIT")),
        laser_weibull_shape: at.positive(
            checker,
            "reliability.laser_weibull_shape",
            r.laser_weibull_shape,
            "1",
        ),
        laser_weibull_scale_h: Hours(at.positive(
            checker,
            "reliability.laser_weibull_scale_h",
            r.laser_weibull_scale_h,
            "h",
        )),
        laser_ref_temp_c: Celsius(at.number(
            checker,
            "reliability.laser_ref_temp_c",
            r.laser_ref_temp_c,
            Limits::between(-50.0, 150.0),
            "°C",
        )),
        laser_activation_energy_ev: at.non_negative(
            checker,
            "reliability.laser_activation_energy_ev",
            r.laser_activation_energy_ev,
            "eV",
        ),
        switch_hardware_fit: Fit(at.non_negative(
            checker,
            "reliability.switch_hardware_fit",
            r.switch_hardware_fit,
            "FIT",
        )),
        module_infant_dppm: Dppm(at.number(
            checker,
            "reliability.module_infant_dppm",
            r.module_infant_dppm,
            Limits::between(0.0, 1e6),
            "DPPM",
        )),
        infant_mean_h: Hours(at.positive(
            checker,
            "reliability.infant_mean_h",
            r.infant_mean_h,
            "h",
        )),
        engine_port_fit_gbps: Gbps(at.positive(
            checker,
            "reliability.engine_port_fit_gbps",
            r.engine_port_fit_gbps,
            "Gb/s",
        )),
        laser_fit_ref_temp_c: Celsius(at.number(
            checker,
            "reliability.laser_fit_ref_temp_c",
            r.laser_fit_ref_temp_c,
            Limits::between(-50.0, 150.0),
            "°C",
        )),
    };
    if reliability.dsp_fit > reliability.module_fit {
        at.invalid(
            checker,
            "reliability.dsp_fit",
            reliability.dsp_fit,
            format!(
                "at most module_fit ({}): the DSP is part of the module",
                reliability.module_fit
            ),
        );
    }
    reliability
}

/// `[fleet.job]`: the training job, on at most the cluster's `gpus`.
fn resolve_job(checker: &mut Checker, options: &FleetOptions, gpus: usize) -> FleetJob {
    let at = Section::new("fleet");
    let job_gpus = at.count(checker, "job.gpus", options.job.gpus, 1, 10_000_000, "GPUs") as usize;
    if job_gpus > gpus {
        at.invalid(checker, "job.gpus", job_gpus, format!("at most fleet.gpus ({gpus})"));
    }
    FleetJob {
        gpus: job_gpus,
        checkpoint_interval_h: Hours(at.positive(
            checker,
            "job.checkpoint_interval_h",
            options.job.checkpoint_interval_h,
            "h",
        )),
        checkpoint_cost_h: Hours(at.non_negative(
            checker,
            "job.checkpoint_cost_h",
            options.job.checkpoint_cost_h,
            "h",
        )),
        restart_cost_h: Hours(at.non_negative(
            checker,
            "job.restart_cost_h",
            options.job.restart_cost_h,
            "h",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::error::DiagnosticKind;

    /// Two generations and three technologies; `copper` fits no role, `cpo` is no NIC.
    struct TwoGenerations;

    impl Catalog for TwoGenerations {
        fn generation(&self, checker: &mut Checker, path: &str, id: &str) -> usize {
            ["51.2T", "102.4T"].iter().position(|g| *g == id).unwrap_or_else(|| {
                checker.invalid(path, id, "a generation");
                0
            })
        }

        fn technology(
            &self,
            checker: &mut Checker,
            path: &str,
            id: &str,
            role: TechnologyRole,
        ) -> usize {
            match (id, role) {
                ("pluggable", _) => 0,
                ("cpo", TechnologyRole::FabricTier) => 1,
                _ => {
                    checker.invalid(path, id, "a technology for the role");
                    0
                }
            }
        }
    }

    const SECTION: &str = r#"
seed = 7
replications = 10
years = 5.0
generation = "102.4T"
gpus = 32768
tiers = 3
technologies = ["pluggable", "cpo"]
mixed_tiers = ["pluggable", "cpo", "cpo"]
nic_technology = "pluggable"
technicians = 8
gpu_interruptions_per_gpu_h = 1.81e-5
repair_sigma = 0.8
replace_after_failed_ports = 4
spare_fraction = 0.02
reorder_lead_h = 336.0

[reliability]
module_fit = 1414.0
dsp_fit = 300.0
engine_port_fit = 385.0
engine_port_fit_gbps = 400.0
laser_fit = 100.0
laser_fit_ref_temp_c = 70.0
laser_weibull_shape = 1.4
laser_weibull_scale_h = 7.8e6
laser_ref_temp_c = 40.0
laser_activation_energy_ev = 0.9
switch_hardware_fit = 2950.0
module_infant_dppm = 1000.0
infant_mean_h = 2000.0

[job]
gpus = 16384
checkpoint_interval_h = 1.0
checkpoint_cost_h = 0.05
restart_cost_h = 0.25
"#;

    fn resolved(section: &str) -> (FleetSettings, Vec<String>) {
        let options: FleetOptions = toml::from_str(section).unwrap();
        let mut checker = Checker::default();
        let settings = resolve(&mut checker, &options, &TwoGenerations);
        let paths = checker.diagnostics.iter().map(|d| d.path.clone()).collect();
        (settings, paths)
    }

    #[test]
    fn the_section_resolves_to_indices_and_unit_types() {
        let (settings, problems) = resolved(SECTION);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(settings.generation, 1);
        assert_eq!(settings.technologies, [0, 1]);
        assert_eq!(settings.mixed_tiers, [0, 1, 1]);
        assert_eq!((settings.gpus, settings.tiers, settings.job.gpus), (32768, 3, 16384));
        assert_eq!(settings.reliability.module_fit, Fit(1414.0));
        assert_eq!(settings.reliability.laser_ref_temp_c, Celsius(40.0));
        assert_eq!(settings.reorder_lead_h, Hours(336.0));
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let section = SECTION
            .replace("replications = 10", "replications = -1")
            .replace("dsp_fit = 300.0", "dsp_fit = 2000.0")
            .replace("gpus = 16384", "gpus = 40000")
            .replace("nic_technology = \"pluggable\"", "nic_technology = \"cpo\"")
            .replace("mixed_tiers = [\"pluggable\", \"cpo\", \"cpo\"]", "mixed_tiers = [\"cpo\"]");
        let (_, problems) = resolved(&section);
        assert_eq!(
            problems,
            [
                "fleet.mixed_tiers",
                "fleet.nic_technology",
                "fleet.reliability.dsp_fit",
                "fleet.job.gpus",
                "fleet.replications"
            ]
        );
    }

    #[test]
    fn a_count_out_of_range_gives_its_interval_and_unit() {
        let options: FleetOptions =
            toml::from_str(&SECTION.replace("tiers = 3", "tiers = 4")).unwrap();
        let mut checker = Checker::default();
        resolve(&mut checker, &options, &TwoGenerations);
        let DiagnosticKind::OutOfRange { value, expected, unit } = &checker.diagnostics[0].kind
        else {
            panic!("{:?}", checker.diagnostics);
        };
        assert_eq!(
            (value.as_str(), expected.as_str(), unit.as_str()),
            ("4", "an integer 2 <= value <= 3", "tiers")
        );
    }
}
