//! `[fleet]`: the cluster, its fabrics and technologies, spares, repairs, reliability and the
//! training job.

use super::ids::{generation_index, technology_index};
use super::{Checker, Limits};
use crate::raw;
use crate::{FleetJob, FleetReliability, FleetSettings, Technology, TechnologyKind};
use cporamp_core::units::{Celsius, Dppm, Fit, Gbps, Hours};

pub(super) fn resolve_fleet(
    checker: &mut Checker,
    options: &raw::FleetOptions,
    file: &raw::ScenarioFile,
    technologies: &[Technology],
) -> FleetSettings {
    let field = |name: &str| format!("fleet.{name}");
    let generation = generation_index(
        checker,
        &field("generation"),
        &options.generation,
        &file.compare.generations,
    );
    let Fabrics { fabrics, tiers, mixed_tiers, nic_technology } =
        resolve_fabrics(checker, options, technologies);
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    let reliability = resolve_reliability(checker, options);
    let gpus = checker.count(&field("gpus"), options.gpus, 2, 10_000_000, "GPUs") as usize;
    let job = resolve_job(checker, options, gpus);
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
        reorder_lead_h: Hours(non_negative(checker, "reorder_lead_h", options.reorder_lead_h, "h")),
        reliability,
        job,
    }
}

/// The fabrics: one per technology, the tiers, the mixed fabric (one technology per tier) and
/// the NIC's technology.
fn resolve_fabrics(
    checker: &mut Checker,
    options: &raw::FleetOptions,
    technologies: &[Technology],
) -> Fabrics {
    let field = |name: &str| format!("fleet.{name}");
    let technology = |checker: &mut Checker, path: &str, id: &str, pluggable_only: bool| {
        fabric_technology(checker, path, id, technologies, pluggable_only)
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

/// The index of the technology `id` at `path`: a fabric tier spans racks, so copper's reach
/// does not do (and a NIC takes a pluggable module); 0, with a problem, when it does not name
/// a technology.
fn fabric_technology(
    checker: &mut Checker,
    path: &str,
    id: &str,
    technologies: &[Technology],
    pluggable_only: bool,
) -> usize {
    let Some(index) =
        technology_index(checker, path, id, technologies, |_| true, "a technology id")
    else {
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
}

/// `[fleet.reliability]`: failure rates and laser lifetimes (the DSP's share at most the
/// module's).
fn resolve_reliability(checker: &mut Checker, options: &raw::FleetOptions) -> FleetReliability {
    let field = |name: &str| format!("fleet.{name}");
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let r = &options.reliability;
    let reliability = FleetReliability {
        module_fit: Fit(non_negative(checker, "reliability.module_fit", r.module_fit, "FIT")),
        dsp_fit: Fit(non_negative(checker, "reliability.dsp_fit", r.dsp_fit, "FIT")),
        engine_port_fit: Fit(non_negative(
            checker,
            "reliability.engine_port_fit",
            r.engine_port_fit,
            "FIT",
        )),
        laser_fit: Fit(non_negative(checker, "reliability.laser_fit", r.laser_fit, "FIT")),
        laser_weibull_shape: positive(
            checker,
            "reliability.laser_weibull_shape",
            r.laser_weibull_shape,
            "1",
        ),
        laser_weibull_scale_h: Hours(positive(
            checker,
            "reliability.laser_weibull_scale_h",
            r.laser_weibull_scale_h,
            "h",
        )),
        laser_ref_temp_c: Celsius(checker.number(
            &field("reliability.laser_ref_temp_c"),
            r.laser_ref_temp_c,
            Limits::between(-50.0, 150.0),
            "°C",
        )),
        laser_activation_energy_ev: non_negative(
            checker,
            "reliability.laser_activation_energy_ev",
            r.laser_activation_energy_ev,
            "eV",
        ),
        switch_hardware_fit: Fit(non_negative(
            checker,
            "reliability.switch_hardware_fit",
            r.switch_hardware_fit,
            "FIT",
        )),
        module_infant_dppm: Dppm(checker.number(
            &field("reliability.module_infant_dppm"),
            r.module_infant_dppm,
            Limits::between(0.0, 1e6),
            "DPPM",
        )),
        infant_mean_h: Hours(positive(checker, "reliability.infant_mean_h", r.infant_mean_h, "h")),
        engine_port_fit_gbps: Gbps(positive(
            checker,
            "reliability.engine_port_fit_gbps",
            r.engine_port_fit_gbps,
            "Gb/s",
        )),
        laser_fit_ref_temp_c: Celsius(checker.number(
            &field("reliability.laser_fit_ref_temp_c"),
            r.laser_fit_ref_temp_c,
            Limits::between(-50.0, 150.0),
            "°C",
        )),
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
    reliability
}

/// `[fleet.job]`: the training job, on at most the cluster's `gpus`.
fn resolve_job(checker: &mut Checker, options: &raw::FleetOptions, gpus: usize) -> FleetJob {
    let field = |name: &str| format!("fleet.{name}");
    let non_negative = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::NON_NEGATIVE, unit)
    };
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let job_gpus =
        checker.count(&field("job.gpus"), options.job.gpus, 1, 10_000_000, "GPUs") as usize;
    if job_gpus > gpus {
        checker.invalid(&field("job.gpus"), job_gpus, format!("at most fleet.gpus ({gpus})"));
    }
    FleetJob {
        gpus: job_gpus,
        checkpoint_interval_h: Hours(positive(
            checker,
            "job.checkpoint_interval_h",
            options.job.checkpoint_interval_h,
            "h",
        )),
        checkpoint_cost_h: Hours(non_negative(
            checker,
            "job.checkpoint_cost_h",
            options.job.checkpoint_cost_h,
            "h",
        )),
        restart_cost_h: Hours(non_negative(
            checker,
            "job.restart_cost_h",
            options.job.restart_cost_h,
            "h",
        )),
    }
}
