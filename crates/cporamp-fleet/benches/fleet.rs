//! Fleet simulation throughput: 100,000 GPUs on radix-128 switches (three tiers, 300,000 links,
//! 600,000 port ends), 5 years, 2 threads; co-packaged leaves with external lasers, pluggable
//! aggregation and core. The goal is 100 replications in under 30 s on 2 cores.
//! Run: `cargo bench -p cporamp-fleet --bench fleet`. Figures go in BENCHMARKS.md.
//!
//! Sources are cited by their keys in docs/sources.md (such as S94, PCM 29 or RY Gap 1).
//! Values marked "assumption" are bench settings, not defaults.

use cporamp_core::units::{Celsius, Fit, Hours};
use cporamp_fleet::{
    Component, ElsService, FleetInputs, FleetJob, JobInputs, NicInputs, PortKind, PortTechnology,
    Repair, Spares, SwitchHardware, TierInputs, simulate,
};

fn main() {
    divan::main();
}

/// Replications per measured run.
const REPLICATIONS: usize = 100;

fn inputs() -> FleetInputs {
    // Pluggable module: Meta field MTBF 0.5-1.0 M device-hours ([PCM 29]), geometric mean
    // 0.707 M h = 1414 FIT, constant hazard.
    let pluggable = Component {
        random_fit: Fit(1414.0),
        weibull_shape: 1.0,
        weibull_scale_h: Hours(f64::INFINITY),
        activation_energy_ev: 0.7,
        ref_temp_c: Celsius(70.0),
        temp_c: Celsius(70.0),
        infant_mean_h: Hours(200.0),
        random_fit_ref_temp_c: None,
    };
    // Co-packaged engine port: Meta/Broadcom CPO field MTBF ~2.6 M device-hours ([PCM 29]),
    // 385 FIT per 400G port device ([PCM 30]), taken per port here (a speed benchmark; the
    // pipeline scales it to the port rate).
    let engine = Component { random_fit: Fit(385.0), ..pluggable };
    // ELS laser: 50 FIT planning assumption ([RY 18]); wear-out median 1e5-1e6 h at ELS
    // conditions ([RY Gap 1], unsourced estimate there) as a Weibull scale 5e5 h at 70 °C,
    // shape 1.4 ([RY Gap 1]: beta = 1.28 / sigma, sigma 0.9), Ea 0.7 eV (unsourced estimate),
    // run at 60 °C (assumption; the thermal engine supplies it).
    let laser = Component {
        random_fit: Fit(50.0),
        weibull_shape: 1.4,
        weibull_scale_h: Hours(5.0e5),
        temp_c: Celsius(60.0),
        ..pluggable
    };
    // Module swap: median 6 h, 2-24 h read as 5-95 % ([PCM Gap 2], unsourced estimate there).
    let swap = Repair::LogNormal { median_h: Hours(6.0), sigma: 0.755 };
    let module_spares = Spares { initial_units: 200, reorder_lead_h: Hours(336.0) }; // assumption
    let switch_spares = Spares { initial_units: 10, reorder_lead_h: Hours(720.0) }; // assumption
    let pluggable_tier = TierInputs {
        technology: PortTechnology {
            name: "pluggable-800G".to_string(),
            kind: PortKind::Module,
            port: pluggable,
            laser: None,
            port_repair: swap,
            infant_probability: 0.0,
            spares: module_spares,
        },
        switch_spares,
    };
    FleetInputs {
        seed: 1,
        replications: REPLICATIONS,
        years: cporamp_core::units::Years(5.0),
        gpus: 100_000,
        radix: 128,
        tiers: vec![
            TierInputs {
                technology: PortTechnology {
                    name: "cpo-els".to_string(),
                    // 8 ports per ELS: 18 ELS for 144 ports on Quantum-X ([S09]); 8 lasers,
                    // 7 needed (assumption); replace at 7 of 128 ports down, the 5-10 % spare
                    // port overbuild ([PCM 36]).
                    kind: PortKind::CoPackagedEls {
                        ports_per_els: 8,
                        lasers_per_els: 8,
                        lasers_needed: 7,
                        service: ElsService::SwapModule,
                        replace_after_failed_ports: 7,
                        weak_laser_probability: 0.0, // the yield engine's (none at the defaults)
                    },
                    port: engine,
                    laser: Some(laser),
                    port_repair: swap,
                    infant_probability: 1e-3, // 1000 DPPM escapes (assumption; the yield engine)
                    spares: module_spares,
                },
                switch_spares,
            },
            pluggable_tier.clone(),
            pluggable_tier,
        ],
        nic: NicInputs {
            port: pluggable,
            repair: swap,
            infant_probability: 0.0,
            spares: module_spares,
        },
        // Singh et al. 2021 ([PCM 26]): 2 % in 3 months, 32 % hardware: 2950 FIT. Whole-switch
        // replacement median 8 h, 4-24 h as 5-95 % ([PCM Gap 2], unsourced estimate there).
        switch: SwitchHardware {
            hardware_fit: Fit(2950.0),
            replace: Repair::LogNormal { median_h: Hours(8.0), sigma: 0.545 },
        },
        // Llama 3's non-network interruptions, (419 - 35) / (16,384 GPUs x 1296 h) ([S94]).
        gpu_interruptions_per_gpu_h: 1.81e-5,
        technicians: 20, // assumption
        job: JobInputs {
            settings: FleetJob {
                gpus: 100_000,
                checkpoint_interval_h: Hours(1.0), // assumption
                checkpoint_cost_h: Hours(0.05),    // assumption
                restart_cost_h: Hours(0.25),       // assumption
            },
            flaps_per_link_h: 1e-7, // below > 1 M flap-free hours ([PCM 30])
        },
    }
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn gpus_100k_radix_128_five_years_100_replications(bencher: divan::Bencher) {
    let inputs = inputs();
    bencher
        .counter(divan::counter::ItemsCount::new(REPLICATIONS))
        .bench(|| simulate(&inputs, 2).unwrap());
}
