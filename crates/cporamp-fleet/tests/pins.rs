//! Regression pins of the fleet simulation: a few figures of a small seeded run, asserted to a
//! relative 1e-12, so that an accidental change of a random stream (a draw added, reordered or
//! reseeded) shows. These are regression pins, not physics references: the closed-form tests
//! in `src/tests.rs` check the physics. The values were taken from the code as it stood; a
//! deliberate change of the streams updates them with its reason.

use cporamp_core::pins::assert_pins;
use cporamp_core::units::{Celsius, Fit, Hours};
use cporamp_fleet::*;

/// Ample spares, restocked in an hour.
const AMPLE: Spares = Spares { initial_units: 1_000_000, reorder_lead_h: Hours(1.0) };

/// A port that fails at `fit` (random) plus a Weibull wear-out, with infant failures.
fn port(fit: f64) -> Component {
    Component {
        random_fit: Fit(fit),
        weibull_shape: 2.0,
        weibull_scale_h: Hours(20_000.0),
        activation_energy_ev: 0.7,
        ref_temp_c: Celsius(40.0),
        temp_c: Celsius(55.0),
        infant_mean_h: Hours(100.0),
        random_fit_ref_temp_c: None,
    }
}

fn module(name: &str, fit: f64) -> PortTechnology {
    PortTechnology {
        name: name.to_string(),
        kind: PortKind::Module,
        port: port(fit),
        laser: None,
        port_repair: Repair::Exponential { mean_h: Hours(10.0) },
        infant_probability: 0.01,
        spares: AMPLE,
    }
}

/// 512 GPUs on radix-32 switches in two tiers, every unit failing, a few technicians, GPU
/// interruptions and link flaps, 3 replications of half a year at seed 1.
fn fixture() -> FleetInputs {
    FleetInputs {
        seed: 1,
        replications: 3,
        years: cporamp_core::units::Years(0.5),
        gpus: 512,
        radix: 32,
        tiers: ["leaf", "spine"]
            .iter()
            .map(|name| TierInputs { technology: module(name, 5_000.0), switch_spares: AMPLE })
            .collect(),
        nic: NicInputs {
            port: port(2_000.0),
            repair: Repair::Exponential { mean_h: Hours(10.0) },
            infant_probability: 0.01,
            spares: AMPLE,
        },
        switch: SwitchHardware {
            hardware_fit: Fit(20_000.0),
            replace: Repair::LogNormal { median_h: Hours(8.0), sigma: 0.5 },
        },
        gpu_interruptions_per_gpu_h: 1e-5,
        technicians: 4,
        job: JobInputs {
            settings: FleetJob {
                gpus: 512,
                checkpoint_interval_h: Hours(1.0),
                checkpoint_cost_h: Hours(0.1),
                restart_cost_h: Hours(0.2),
            },
            flaps_per_link_h: 1e-6,
        },
    }
}

#[test]
fn seeded_fleet_figures_are_pinned() {
    let result = simulate(&fixture(), 2).unwrap();
    assert_eq!(result.replications, 3);
    assert_pins(&[
        (
            "leaf port failures per year",
            result.tiers[0].ports.failures_per_year.mean,
            952.6666666666666,
        ),
        ("spine port failures per year", result.tiers[1].ports.failures_per_year.mean, 452.0),
        ("leaf link availability", result.tiers[0].link_availability.mean, 0.9966344977684995),
        ("NIC failures per year", result.nic.failures_per_year.mean, 491.3333333333333),
        ("switch replacements per year", result.switch_replacements_per_year.mean, 10.0),
        ("technician hours per year", result.technician_hours_per_year.mean, 19030.46566842244),
        ("job interruptions", result.job.interruptions.mean, 505.3333333333333),
        ("job goodput", result.job.goodput.mean, 0.8332525024031702),
        ("job goodput se", result.job.goodput.se, 0.0015382022249817698),
    ]);
}
