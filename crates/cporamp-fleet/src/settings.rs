//! `[fleet]`: the section of the scenario file this engine reads ([`FleetSettings`],
//! deserialized as written and checked by [`check`]).
//!
//! The engine owns its section: one serde type per table, and every range check of its fields
//! (each problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]). The ids it names outside itself (the switch generation,
//! the fabrics' technologies) are checked against the scenario that holds the section, through
//! [`Catalog`]. The checks that relate the section to a generation's switch (a buildable
//! fabric, a failed-port threshold within the radix) run with the scenario's other dependent
//! checks, on [`max_gpus`](crate::max_gpus) and
//! [`MAX_JOB_INTERRUPTIONS`](crate::MAX_JOB_INTERRUPTIONS).

use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{Celsius, Dppm, Fit, Gbps, Hours, Years};
use serde::{Deserialize, Serialize};

/// What a fabric tier's technology is for, so the scenario can check that it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TechnologyRole {
    /// A switch tier of a fabric: optical (copper does not reach across a tier).
    FabricTier,
    /// The GPU's NIC module: a pluggable module.
    Nic,
}

/// The ids `[fleet]` names outside itself, checked against the scenario that holds the
/// section.
pub trait Catalog {
    /// Records a problem at `path` unless `id` names one of the scenario's switch generations.
    fn check_generation(&self, checker: &mut Checker, path: &str, id: &str);
    /// Records a problem at `path` unless `id` names one of the scenario's technologies, fit
    /// for `role`.
    fn check_technology(&self, checker: &mut Checker, path: &str, id: &str, role: TechnologyRole);
}

/// The fleet engine: a GPU cluster's scale-out fabric, built once per technology (every tier)
/// and once mixed, run over years with failures, repairs and a training job: `[fleet]` as
/// written, bare numbers with the unit in the field name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Replications (at least 2).
    pub replications: usize,
    /// Simulated time.
    pub years: Years,
    /// The cluster's switch generation.
    pub generation: GenerationId,
    /// GPUs, one scale-out port each.
    pub gpus: usize,
    /// Switch tiers (2 or 3).
    pub tiers: usize,
    /// One fabric per entry, that technology on every tier.
    pub technologies: Vec<TechnologyId>,
    /// One more fabric with a technology per tier (leaf first); empty for none.
    pub mixed_tiers: Vec<TechnologyId>,
    /// The pluggable technology of the GPU's NIC module.
    pub nic_technology: TechnologyId,
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

/// Failure rates and laser lifetimes for the fleet engine (`[fleet.reliability]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// The training job of the fleet engine (`[fleet.job]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// Checks `[fleet]`, its ids against `catalog`: every problem is recorded in `checker`.
pub fn check(checker: &mut Checker, settings: &FleetSettings, catalog: &impl Catalog) {
    let at = Section::new("fleet");
    let s = settings;
    catalog.check_generation(checker, &at.path("generation"), &s.generation);
    check_fabrics(checker, s, catalog);
    check_reliability(checker, &s.reliability);
    // A count out of range counts as 1 in the job's check, which it then does not repeat.
    let gpus = at.count(checker, "gpus", s.gpus, 2, 10_000_000, "GPUs");
    let job_gpus = at.count(checker, "job.gpus", s.job.gpus, 1, 10_000_000, "GPUs");
    if job_gpus > gpus {
        at.invalid(checker, "job.gpus", job_gpus, format!("at most fleet.gpus ({gpus})"));
    }
    at.positive(checker, "job.checkpoint_interval_h", s.job.checkpoint_interval_h.0, "h");
    at.non_negative(checker, "job.checkpoint_cost_h", s.job.checkpoint_cost_h.0, "h");
    at.non_negative(checker, "job.restart_cost_h", s.job.restart_cost_h.0, "h");
    at.count(checker, "seed", s.seed, 0, i64::from(u32::MAX), "seed");
    at.count(checker, "replications", s.replications, 2, 10_000, "replications");
    at.number(checker, "years", s.years.0, Limits::between(0.01, 50.0), "years");
    at.count(checker, "technicians", s.technicians, 1, 100_000, "technicians");
    at.non_negative(
        checker,
        "gpu_interruptions_per_gpu_h",
        s.gpu_interruptions_per_gpu_h,
        "1/GPU-h",
    );
    at.non_negative(checker, "repair_sigma", s.repair_sigma, "1");
    at.count(checker, "replace_after_failed_ports", s.replace_after_failed_ports, 1, 4096, "ports");
    at.fraction(checker, "spare_fraction", s.spare_fraction);
    at.non_negative(checker, "reorder_lead_h", s.reorder_lead_h.0, "h");
}

/// The fabrics: one per technology, the tiers, the mixed fabric (one technology per tier) and
/// the NIC's technology.
fn check_fabrics(checker: &mut Checker, s: &FleetSettings, catalog: &impl Catalog) {
    let at = Section::new("fleet");
    let tier = TechnologyRole::FabricTier;
    for (i, id) in s.technologies.iter().enumerate() {
        catalog.check_technology(checker, &format!("fleet.technologies[{i}]"), id, tier);
    }
    if s.technologies.is_empty() {
        at.invalid(checker, "technologies", "[]", "at least one technology id");
    }
    let tiers = at.count(checker, "tiers", s.tiers, 2, 3, "tiers") as usize;
    for (i, id) in s.mixed_tiers.iter().enumerate() {
        catalog.check_technology(checker, &format!("fleet.mixed_tiers[{i}]"), id, tier);
    }
    if !s.mixed_tiers.is_empty() && s.mixed_tiers.len() != tiers {
        at.invalid(
            checker,
            "mixed_tiers",
            format!("{} entries", s.mixed_tiers.len()),
            format!("one technology per tier ({tiers}), leaf first, or [] for none"),
        );
    }
    catalog.check_technology(
        checker,
        &at.path("nic_technology"),
        &s.nic_technology,
        TechnologyRole::Nic,
    );
}

/// `[fleet.reliability]`: failure rates and laser lifetimes (the DSP's share at most the
/// module's).
fn check_reliability(checker: &mut Checker, r: &FleetReliability) {
    let at = Section::new("fleet.reliability");
    at.non_negative(checker, "module_fit", r.module_fit.0, "FIT");
    at.non_negative(checker, "dsp_fit", r.dsp_fit.0, "FIT");
    at.non_negative(checker, "engine_port_fit", r.engine_port_fit.0, "FIT");
    at.non_negative(checker, "laser_fit", r.laser_fit.0, "FIT");
    at.positive(checker, "laser_weibull_shape", r.laser_weibull_shape, "1");
    at.positive(checker, "laser_weibull_scale_h", r.laser_weibull_scale_h.0, "h");
    let junction = Limits::between(-50.0, 150.0);
    at.number(checker, "laser_ref_temp_c", r.laser_ref_temp_c.0, junction, "°C");
    at.non_negative(checker, "laser_activation_energy_ev", r.laser_activation_energy_ev, "eV");
    at.non_negative(checker, "switch_hardware_fit", r.switch_hardware_fit.0, "FIT");
    at.number(
        checker,
        "module_infant_dppm",
        r.module_infant_dppm.0,
        Limits::between(0.0, 1e6),
        "DPPM",
    );
    at.positive(checker, "infant_mean_h", r.infant_mean_h.0, "h");
    at.positive(checker, "engine_port_fit_gbps", r.engine_port_fit_gbps.0, "Gb/s");
    at.number(checker, "laser_fit_ref_temp_c", r.laser_fit_ref_temp_c.0, junction, "°C");
    if r.dsp_fit > r.module_fit {
        at.invalid(
            checker,
            "dsp_fit",
            r.dsp_fit,
            format!("at most module_fit ({}): the DSP is part of the module", r.module_fit),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::error::DiagnosticKind;

    /// Two generations and three technologies; `copper` fits no role, `cpo` is no NIC.
    struct TwoGenerations;

    impl Catalog for TwoGenerations {
        fn check_generation(&self, checker: &mut Checker, path: &str, id: &str) {
            if !["51.2T", "102.4T"].contains(&id) {
                checker.invalid(path, id, "a generation");
            }
        }

        fn check_technology(
            &self,
            checker: &mut Checker,
            path: &str,
            id: &str,
            role: TechnologyRole,
        ) {
            if !matches!((id, role), ("pluggable", _) | ("cpo", TechnologyRole::FabricTier)) {
                checker.invalid(path, id, "a technology for the role");
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

    fn checked(section: &str) -> (FleetSettings, Vec<String>) {
        let settings: FleetSettings = toml::from_str(section).unwrap();
        let mut checker = Checker::default();
        check(&mut checker, &settings, &TwoGenerations);
        let paths = checker.diagnostics.iter().map(|d| d.path.clone()).collect();
        (settings, paths)
    }

    #[test]
    fn the_section_reads_its_ids_and_unit_types() {
        let (settings, problems) = checked(SECTION);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(&*settings.generation, "102.4T");
        let ids = |ids: &[TechnologyId]| ids.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&settings.technologies), ["pluggable", "cpo"]);
        assert_eq!(ids(&settings.mixed_tiers), ["pluggable", "cpo", "cpo"]);
        assert_eq!((settings.gpus, settings.tiers, settings.job.gpus), (32768, 3, 16384));
        assert_eq!(settings.reliability.module_fit, Fit(1414.0));
        assert_eq!(settings.reliability.laser_ref_temp_c, Celsius(40.0));
        assert_eq!(settings.reorder_lead_h, Hours(336.0));
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let section = SECTION
            .replace("replications = 10", "replications = 1")
            .replace("dsp_fit = 300.0", "dsp_fit = 2000.0")
            .replace("gpus = 16384", "gpus = 40000")
            .replace("nic_technology = \"pluggable\"", "nic_technology = \"cpo\"")
            .replace("mixed_tiers = [\"pluggable\", \"cpo\", \"cpo\"]", "mixed_tiers = [\"cpo\"]");
        let (_, problems) = checked(&section);
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
        let settings: FleetSettings =
            toml::from_str(&SECTION.replace("tiers = 3", "tiers = 4")).unwrap();
        let mut checker = Checker::default();
        check(&mut checker, &settings, &TwoGenerations);
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
