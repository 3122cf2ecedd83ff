//! The simulation against closed forms (two-state Markov availability, k-of-n lasers, the
//! co-packaged blast radius, Weibull means with Arrhenius, renewal goodput and the optimal
//! checkpoint interval), the topology counts, the Llama 3 run, determinism and bad input.

use super::*;
use crate::goodput::completed_chunks;
use crate::lifetimes::{Lifetime, unit_exponential};
use cporamp_core::units::{Celsius, Fit, Hours, Years};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// A unit that never fails.
fn never() -> Component {
    Component {
        random_fit: Fit(0.0),
        weibull_shape: 1.0,
        weibull_scale_h: Hours(f64::INFINITY),
        activation_energy_ev: 0.0,
        ref_temp_c: Celsius(40.0),
        temp_c: Celsius(40.0),
        infant_mean_h: Hours(100.0),
        random_fit_ref_temp_c: None,
    }
}

/// Ample spares, restocked in an hour.
const AMPLE: Spares = Spares { initial_units: 1_000_000, reorder_lead_h: Hours(1.0) };

fn module(name: &str, port: Component, repair_mean_h: f64) -> PortTechnology {
    PortTechnology {
        name: name.to_string(),
        kind: PortKind::Module,
        port,
        laser: None,
        port_repair: Repair::Exponential { mean_h: Hours(repair_mean_h) },
        infant_probability: 0.0,
        spares: AMPLE,
    }
}

/// Nothing fails; ample technicians and spares; the job on every GPU.
fn quiet(gpus: usize, radix: usize, tiers: usize) -> FleetInputs {
    FleetInputs {
        seed: 1,
        replications: 20,
        years: Years(1.0),
        gpus,
        radix,
        tiers: (0..tiers)
            .map(|_| TierInputs {
                technology: module("pluggable", never(), 10.0),
                switch_spares: AMPLE,
            })
            .collect(),
        nic: NicInputs {
            port: never(),
            repair: Repair::Exponential { mean_h: Hours(10.0) },
            infant_probability: 0.0,
            spares: AMPLE,
        },
        switch: SwitchHardware {
            hardware_fit: Fit(0.0),
            replace: Repair::LogNormal { median_h: Hours(8.0), sigma: 0.0 },
        },
        gpu_interruptions_per_gpu_h: 0.0,
        technicians: 1_000_000,
        job: JobInputs {
            settings: FleetJob {
                gpus,
                checkpoint_interval_h: Hours(1.0),
                checkpoint_cost_h: Hours(0.1),
                restart_cost_h: Hours(0.2),
            },
            flaps_per_link_h: 0.0,
        },
    }
}

fn within(estimate: Estimate, expected: f64, what: &str) {
    assert!(estimate.se > 0.0, "{what}: no spread: {estimate:?}");
    assert!(
        (estimate.mean - expected).abs() < 3.0 * estimate.se,
        "{what}: {} +- {} vs {expected}",
        estimate.mean,
        estimate.se
    );
}

#[test]
fn exponential_failure_and_repair_give_the_markov_availability_per_link() {
    // Every port end fails at lambda = 1e-3 /h and is swapped in Exp(mean 10 h) with ample
    // technicians and spares: each end is a two-state Markov chain, a = mu / (lambda + mu), and
    // a link of two independent ends is up with a^2. Leaf ends (and NICs): Weibull shape 1 (an
    // exponential) whose scale, 1000 h at 40 °C, is accelerated to 1000/AF at 60 °C, so the input
    // scale is 1000 AF; spine ends: FIT only (1e6 FIT = 1e-3 /h).
    let factor = arrhenius_factor(0.7, 40.0, 60.0);
    let weibull = Component {
        weibull_scale_h: Hours(1000.0 * factor),
        activation_energy_ev: 0.7,
        temp_c: Celsius(60.0),
        ..never()
    };
    let fit = Component { random_fit: Fit(1e6), ..never() };
    let mut inputs = quiet(512, 32, 2);
    inputs.tiers[0].technology = module("leaf", weibull, 10.0);
    inputs.tiers[1].technology = module("spine", fit, 10.0);
    inputs.nic.port = weibull;
    inputs.job.settings.gpus = 1;
    let result = simulate(&inputs, 2).unwrap();
    let (lambda, mu) = (1e-3, 0.1);
    let a = mu / (lambda + mu);
    within(result.tiers[0].link_availability, a * a, "GPU-leaf links");
    within(result.tiers[1].link_availability, a * a, "leaf-spine links");
    within(result.job.link_availability, a * a, "the job's one link");
    // Failures happen while up: per year, ends x lambda x a x 8766 h.
    let leaf_ends = 2.0 * 512.0;
    within(result.tiers[0].ports.failures_per_year, leaf_ends * lambda * a * 8766.0, "leaf");
    within(result.nic.failures_per_year, 512.0 * lambda * a * 8766.0, "NIC");
}

/// Binomial tail: P(at least k of n up), each up with a.
fn k_of_n(n: u32, k: u32, a: f64) -> f64 {
    (k..=n)
        .map(|j| {
            let choose = (0..j).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1));
            choose * a.powi(j as i32) * (1.0 - a).powi((n - j) as i32)
        })
        .sum()
}

#[test]
fn els_lasers_with_independent_repair_follow_the_k_of_n_closed_form() {
    // ELS of n = 4 lasers, k = 3 needed, each laser Exp(2e-3 /h) and replaced on its own in
    // Exp(mean 20 h): the ports it feeds are up with sum_{j >= k} C(n, j) a^j (1 - a)^(n - j).
    let mut inputs = quiet(128, 16, 2);
    inputs.replications = 40;
    inputs.years = Years(2.0);
    inputs.tiers[0].technology = PortTechnology {
        name: "cpo-els".to_string(),
        kind: PortKind::CoPackagedEls {
            ports_per_els: 4,
            lasers_per_els: 4,
            lasers_needed: 3,
            service: ElsService::SwapLaser,
            replace_after_failed_ports: 1,
            weak_laser_probability: 0.0,
        },
        port: never(),
        laser: Some(Component { random_fit: Fit(2e6), ..never() }),
        port_repair: Repair::Exponential { mean_h: Hours(20.0) },
        infant_probability: 0.0,
        spares: AMPLE,
    };
    let result = simulate(&inputs, 2).unwrap();
    assert_eq!(result.topology.tiers[0].els, 16 * 4);
    assert_eq!(result.topology.tiers[0].els_lasers, 16 * 4 * 4);
    let a = 0.05 / (0.05 + 2e-3);
    let expected = k_of_n(4, 3, a);
    within(result.tiers[0].link_availability, expected, "GPU-leaf links");
    within(result.tiers[1].link_availability, expected, "leaf-spine links");
    // Without spare lasers (k = n) the tail is a^n, clearly lower: the redundancy matters.
    assert!(a.powi(4) < expected - 10.0 * result.tiers[0].link_availability.se);
}

#[test]
fn a_co_packaged_leaf_replaced_at_its_first_failed_port_is_a_two_state_unit() {
    // N = 16 engine ports per leaf, each Exp(1e-4 /h); replacement at the first failure, in
    // Exp(mean 24 h), drains all 16 ports. With ample technicians and spares the leaf is up
    // for Exp(N lambda) and down for Exp(mean d): every leaf link is up with 1/(1 + N lambda d)
    // (the blast radius), and a job on one leaf is hit N lambda A times per hour.
    let mut inputs = quiet(128, 16, 2);
    inputs.replications = 30;
    inputs.years = Years(2.0);
    inputs.tiers[0].technology = PortTechnology {
        name: "cpo".to_string(),
        kind: PortKind::CoPackaged { replace_after_failed_ports: 1 },
        port: Component { random_fit: Fit(1e5), ..never() },
        laser: None,
        port_repair: Repair::Exponential { mean_h: Hours(1.0) },
        infant_probability: 0.0,
        spares: AMPLE,
    };
    inputs.switch.replace = Repair::Exponential { mean_h: Hours(24.0) };
    inputs.job.settings.gpus = 8;
    let result = simulate(&inputs, 2).unwrap();
    let (n, lambda, d) = (16.0, 1e-4, 24.0);
    let availability = 1.0 / (1.0 + n * lambda * d);
    within(result.tiers[0].link_availability, availability, "GPU-leaf links");
    within(result.tiers[1].link_availability, availability, "leaf-spine links");
    within(result.job.link_availability, availability, "the job's leaf");
    let hits = n * lambda * availability * HOURS_PER_YEAR * inputs.years.0;
    within(result.job.network_interruptions, hits, "network interruptions");
    // Every replacement of a leaf came from one port failure.
    let replacements = result.tiers[0].switches.repairs_per_year.mean;
    let failures = result.tiers[0].ports.failures_per_year.mean;
    assert!((replacements / failures - 1.0).abs() < 0.01, "{replacements} vs {failures}");
    // Half the leaf's 16 ports are the job's links: a failure of one of them interrupts the job
    // as a port failure; a failure of an uplink interrupts it by the replacement's drain.
    let cause = |cause: JobCause| result.job.by_cause[cause as usize].interruptions;
    within(cause(JobCause::Port), hits / 2.0, "port interruptions");
    within(cause(JobCause::SwitchReplacement), hits / 2.0, "drain interruptions");
}

#[test]
fn a_random_laser_fit_quoted_at_70_c_is_scaled_to_the_laser_temperature() {
    // A DFB FIT quoted at Tj = 70 °C ([PCM 32], [RY Gap 1]) run at 40 °C with Ea = 0.9 eV:
    // ln A = 0.9 / 8.617333e-5 x (1/343.15 - 1/313.15) = -2.91578, A = 0.054162.
    let laser = Component {
        random_fit: Fit(1e6),
        activation_energy_ev: 0.9,
        random_fit_ref_temp_c: Some(Celsius(70.0)),
        temp_c: Celsius(40.0),
        ..never()
    };
    let factor = laser.random_fit_at_temp() / 1e6;
    assert!((factor.ln() + 2.915_778).abs() < 1e-5, "{}", factor.ln());
    assert!((Component { temp_c: Celsius(70.0), ..laser }.random_fit_at_temp() - 1e6).abs() < 1e-6);
    assert!((Component { random_fit_ref_temp_c: None, ..laser }.random_fit_at_temp() - 1e6) < 1e-6);
    // 32 leaves of 32 ports, 8 ports and 8 lasers per ELS (all needed), swapped in Exp(1 h):
    // 1024 lasers each failing at lambda = 1e6 FIT x A = 5.4162e-5 /h while up (down a
    // fraction lambda x 1 h = 5e-5 of the time), 486.2 failures a year.
    let mut inputs = quiet(512, 32, 2);
    inputs.job.settings.gpus = 1;
    inputs.tiers[0].technology = PortTechnology {
        name: "cpo-els".to_string(),
        kind: PortKind::CoPackagedEls {
            ports_per_els: 8,
            lasers_per_els: 8,
            lasers_needed: 8,
            service: ElsService::SwapModule,
            replace_after_failed_ports: 1,
            weak_laser_probability: 0.0,
        },
        port: never(),
        laser: Some(laser),
        port_repair: Repair::Exponential { mean_h: Hours(1.0) },
        infant_probability: 0.0,
        spares: AMPLE,
    };
    let result = simulate(&inputs, 2).unwrap();
    assert_eq!(result.topology.tiers[0].els_lasers, 1024);
    let lambda = 1e6 * 1e-9 * factor;
    let expected = 1024.0 * lambda * HOURS_PER_YEAR;
    within(result.tiers[0].els_lasers.failures_per_year, expected, "ELS laser failures");
}

#[test]
fn weak_els_lasers_fail_early_and_interrupt_the_job_as_latent_defects() {
    // 32 leaves; each switch's ELS carry one weak laser with probability 1/2 (mean life 100 h,
    // within a year of 8766 h); lasers otherwise never fail. All 8 lasers of an ELS are needed,
    // so a weak laser takes its 8 ports down: the ELS feeding the leaf's 16 GPU links (2 of 4)
    // interrupt the job on all GPUs. Per replication: Binomial(32, 1/2) failures and
    // Binomial(32, 1/4) interruptions.
    let mut inputs = quiet(512, 32, 2);
    inputs.replications = 40;
    inputs.tiers[0].technology = PortTechnology {
        name: "cpo-els".to_string(),
        kind: PortKind::CoPackagedEls {
            ports_per_els: 8,
            lasers_per_els: 8,
            lasers_needed: 8,
            service: ElsService::SwapModule,
            replace_after_failed_ports: 1,
            weak_laser_probability: 0.5,
        },
        port: never(),
        laser: Some(never()),
        port_repair: Repair::Exponential { mean_h: Hours(1.0) },
        infant_probability: 0.0,
        spares: AMPLE,
    };
    let result = simulate(&inputs, 2).unwrap();
    within(result.tiers[0].els_lasers.failures_per_year, 16.0, "weak ELS lasers");
    let latent = result.job.by_cause[JobCause::LatentDefect as usize].interruptions;
    within(latent, 8.0, "latent-defect interruptions");
    assert_eq!(latent, result.job.network_interruptions);
    assert!(result.job.by_cause[JobCause::ElsLaser as usize].interruptions.mean.abs() < 1e-12);
}

#[test]
fn lost_hours_by_cause_add_up_to_the_goodput_loss() {
    // One interruption at 5 h of 10 h (R = 1 h, chunks of 1 h + 0.5 h): it destroys the 1 h of
    // work in progress and costs the 1 h restart after it; the first start (1 h) and four
    // checkpoint writes (2 h) are overhead. Wall - useful = 10 - 5 = 5 h.
    let (lost, overhead) = lost_h_by_cause(&[(5.0, JobCause::Gpu)], 10.0, 1.0, 0.5, 1.0);
    assert!((lost[JobCause::Gpu as usize] - 2.0).abs() < 1e-12 && (overhead - 3.0).abs() < 1e-12);
    // A flap 0.5 h after a port failure cuts the port's restart to 0.5 h and pays its own.
    let (lost, overhead) =
        lost_h_by_cause(&[(2.0, JobCause::Port), (2.5, JobCause::Flap)], 10.0, 1.0, 0.5, 1.0);
    assert!((lost[JobCause::Port as usize] - 1.5).abs() < 1e-12);
    assert!((lost[JobCause::Flap as usize] - 1.0).abs() < 1e-12);
    assert!((overhead - 3.0).abs() < 1e-12, "{overhead}");
    // In a busy fabric the causes partition the interruptions and the lost GPU-hours.
    let result = simulate(&busy(), 2).unwrap();
    let job = &result.job;
    let by = |cause: JobCause| job.by_cause[cause as usize];
    let total: f64 = job.by_cause.iter().map(|c| c.interruptions.mean).sum();
    assert!((total - job.interruptions.mean).abs() < 1e-9);
    let network: f64 = job.by_cause[..7].iter().map(|c| c.interruptions.mean).sum();
    assert!((network - job.network_interruptions.mean).abs() < 1e-9);
    assert_eq!(by(JobCause::Gpu).interruptions, job.gpu_interruptions);
    assert_eq!(by(JobCause::Flap).interruptions, job.flap_interruptions);
    let lost: f64 = job.by_cause.iter().map(|c| c.gpu_hours_lost_per_year.mean).sum::<f64>()
        + job.checkpoint_overhead_gpu_hours_per_year.mean;
    assert!((lost / job.gpu_hours_lost_per_year.mean - 1.0).abs() < 1e-9);
    // Every network cause of its ELS leaves acts (they have no lasers of their own).
    for cause in [
        JobCause::Port,
        JobCause::LatentDefect,
        JobCause::ElsLaser,
        JobCause::Nic,
        JobCause::SwitchHardware,
        JobCause::SwitchReplacement,
    ] {
        assert!(by(cause).interruptions.mean > 0.0, "{cause:?}: {:?}", by(cause));
    }
    assert!(by(JobCause::PortLaser).interruptions.mean.abs() < 1e-12);
}

#[test]
fn weibull_times_with_arrhenius_have_the_gamma_function_mean() {
    // ln AF = 0.7 / 8.617333e-5 x (1/313.15 - 1/343.15) = 2.26785 (40 -> 70 °C).
    let factor = arrhenius_factor(0.7, 40.0, 70.0);
    assert!((factor.ln() - 2.26785).abs() < 1e-4, "{}", factor.ln());
    // Gamma(1 + 1/2) = sqrt(pi)/2; Gamma(1 + 1/0.8) = Gamma(2.25) = 1.25 Gamma(1.25).
    for (shape, gamma) in [(2.0, 0.886_226_925_452_758), (0.8, 1.133_003_096_319_347)] {
        let component = Component {
            weibull_shape: shape,
            weibull_scale_h: Hours(1.0e5),
            activation_energy_ev: 0.7,
            temp_c: Celsius(70.0),
            ..never()
        };
        let life = Lifetime::of(&component);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let n = 200_000;
        let samples: Vec<f64> = (0..n).map(|_| life.sample(false, &mut rng)).collect();
        let estimate = Estimate::of(samples.iter().copied());
        let sd = estimate.se * (n as f64).sqrt();
        let expected = 1.0e5 / factor * gamma;
        assert!(
            (estimate.mean - expected).abs() < 3.0 * sd / (n as f64).sqrt(),
            "shape {shape}: {} vs {expected}",
            estimate.mean
        );
    }
    // A latent defect caps the lifetime: min(Exp(FIT), Exp(infant mean)) has mean
    // 1 / (lambda + 1/m).
    let component = Component { random_fit: Fit(1e6), infant_mean_h: Hours(250.0), ..never() };
    let life = Lifetime::of(&component);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
    let estimate = Estimate::of((0..100_000).map(|_| life.sample(true, &mut rng)));
    within(estimate, 1.0 / (1e-3 + 1.0 / 250.0), "infant");
}

#[test]
fn goodput_counts_completed_chunks_and_the_work_in_progress_at_the_horizon() {
    // One interruption at 5 h of a 10 h horizon, restart 1 h, chunks of 1 h work + 0.5 h write:
    // first segment 4 h after restart = 2 chunks (2 h); last segment 4 h = 2 chunks plus 1 h
    // of work in progress. Goodput 5/10.
    assert!((goodput(&[5.0], 10.0, 1.0, 0.5, 1.0) - 0.5).abs() < 1e-12);
    // No interruption: everything but the checkpoints and the first restart is useful.
    assert!((goodput(&[], 10.0, 1.0, 0.5, 1.0) - 6.0 / 10.0).abs() < 1e-12);
    // Young and Daly: C = 0.1 h, M = 10 h.
    assert!((young_interval_h(0.1, 10.0) - 2f64.sqrt()).abs() < 1e-12);
    let daly = 2f64.sqrt() * (1.0 + 0.005f64.sqrt() / 3.0 + 0.005 / 9.0) - 0.1;
    assert!((daly_interval_h(0.1, 10.0) - daly).abs() < 1e-12);
}

#[test]
fn chunk_counting_by_binary_search_equals_the_floor_sum() {
    // Both branches of completed_chunks against sum floor(l / w), on exponential lengths with
    // few (binary search) and many (per segment) chunks per segment.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let mut lengths: Vec<f64> = (0..5000).map(|_| 3.0 * unit_exponential(&mut rng)).collect();
    lengths.sort_by(f64::total_cmp);
    for chunk in [0.05, 0.3, 1.1, 7.0, 40.0] {
        let floor_sum: u64 = lengths.iter().map(|&l| (l / chunk).floor() as u64).sum();
        assert_eq!(completed_chunks(&lengths, chunk), floor_sum, "chunk {chunk}");
    }
    assert_eq!(completed_chunks(&[], 1.0), 0);
}

/// The exact optimum for Poisson interruptions: x = lambda tau solves e^(x + c) (1 - x) = 1,
/// c = lambda C (tau* = M [1 + W0(-e^(-1-C/M))]); by bisection.
fn exact_optimal_interval_h(cost_h: f64, mtbi_h: f64) -> f64 {
    let c = cost_h / mtbi_h;
    let (mut low, mut high) = (1e-12, 1.0);
    for _ in 0..200 {
        let x = 0.5 * (low + high);
        if (x + c).exp() * (1.0 - x) > 1.0 {
            low = x;
        } else {
            high = x;
        }
    }
    0.5 * (low + high) * mtbi_h
}

#[test]
fn checkpointing_under_poisson_interruptions_follows_renewal_theory_and_daly() {
    // Only GPU interruptions: 32 GPUs at 1/320 per GPU-hour, M = 10 h. C = 0.1 h, R = 0.2 h,
    // tau = 1 h: Gamma = lambda tau e^(-lambda R) / (e^(lambda (tau + C)) - 1).
    // 8 years of 876 interruptions a year per replication: the in-sample optimum of each
    // replication is biased upward by O(1 / interruptions), small against its spread here.
    let mut inputs = quiet(32, 8, 2);
    inputs.replications = 20;
    inputs.years = Years(8.0);
    inputs.gpu_interruptions_per_gpu_h = 1.0 / 320.0;
    let result = simulate(&inputs, 2).unwrap();
    let (lambda, tau, cost, restart): (f64, f64, f64, f64) = (0.1, 1.0, 0.1, 0.2);
    let expected = lambda * tau * (-lambda * restart).exp() / ((lambda * (tau + cost)).exp() - 1.0);
    within(result.job.goodput, expected, "goodput at tau = 1 h");
    within(result.job.gpu_interruptions, lambda * HOURS_PER_YEAR * 8.0, "interruptions");
    assert!((result.job.network_interruptions.mean).abs() < 1e-12);
    // The optimum on the simulated times against the exact one and Daly's approximation.
    let exact = exact_optimal_interval_h(cost, 10.0);
    let daly = daly_interval_h(cost, 10.0);
    let optimum = result.job.optimal_checkpoint_interval_h;
    within(optimum, exact, "optimal interval vs exact");
    within(optimum, daly, "optimal interval vs Daly");
    // Young's first-order value is 5 % high here, and the result reports it from the pooled MTBI.
    assert!((result.job.young_interval_h / young_interval_h(cost, 10.0) - 1.0).abs() < 0.02);
    assert!((exact / young_interval_h(cost, 10.0) - 1.0).abs() < 0.06);
    // The goodput at each replication's own optimum is an in-sample maximum of a noisy curve,
    // so it sits a little above the expected goodput at the exact optimum (optimisation bias).
    let best = lambda * exact * (-lambda * restart).exp() / ((lambda * (exact + cost)).exp() - 1.0);
    let bias = result.job.goodput_at_optimal.mean - best;
    assert!((0.0..0.005).contains(&bias), "{:?} vs {best}", result.job.goodput_at_optimal);
    // GPU-hours lost per year: 32 GPUs x (1 - goodput) x 8766 h.
    let lost = 32.0 * (1.0 - result.job.goodput.mean) * HOURS_PER_YEAR;
    assert!((result.job.gpu_hours_lost_per_year.mean / lost - 1.0).abs() < 1e-9);
}

#[test]
fn topology_counts_switches_links_modules_and_els() {
    // 100,000 GPUs at radix 128, three tiers: 1563 leaves (the last with 32 GPUs), 25 pods of
    // 64 aggregation switches, 782 cores; 3 x 100,000 links.
    let mut inputs = quiet(100_000, 128, 3);
    inputs.job.settings.gpus = 1;
    inputs.tiers[0].technology.kind = PortKind::CoPackagedEls {
        ports_per_els: 16,
        lasers_per_els: 8,
        lasers_needed: 8,
        service: ElsService::SwapModule,
        replace_after_failed_ports: 1,
        weak_laser_probability: 0.0,
    };
    inputs.tiers[0].technology.laser = Some(never());
    let counts = topology(&inputs).unwrap();
    let switches: Vec<usize> = counts.tiers.iter().map(|t| t.switches).collect();
    assert_eq!(switches, [1563, 1600, 782]);
    assert_eq!(counts.links, 300_000);
    assert_eq!(counts.port_ends, 600_000);
    assert_eq!(counts.tiers[0].switch_ports, 200_000);
    assert_eq!(counts.tiers[0].engine_ports, 200_000);
    // 1562 full leaves of 128 ports (8 ELS) and one of 64 ports (4 ELS).
    assert_eq!(counts.tiers[0].els, 12_500);
    assert_eq!(counts.tiers[0].els_lasers, 100_000);
    assert_eq!(counts.tiers[1].modules, 200_000);
    assert_eq!(counts.tiers[2].modules, 100_000);
    // Two tiers of radix 64 hold 2048 GPUs: 64 leaves and 32 spines.
    let counts = topology(&quiet(2048, 64, 2)).unwrap();
    assert_eq!((counts.tiers[0].switches, counts.tiers[1].switches), (64, 32));
    assert_eq!(counts.tiers[1].switch_ports, 2048);
}

#[test]
fn llama_3_network_interruptions_from_sourced_reliability_within_a_factor_of_two() {
    // Llama 3 405B: 16,384 H100 GPUs, 54 days, 35 interruptions from network switches and
    // cables ([S94]; [PCM 24]).
    // Pluggable modules at every tier with Meta's field MTBF 0.5-1.0 M device-hours
    // ([PCM Gap 2, PCM 29]); we take the geometric mean sqrt(0.5 x 1.0) M h =
    // 0.707 M h, FIT = 1e9 / 707,107 h = 1414, as a constant hazard (the source is an MTBF; no
    // wear-out, no infant term). Switch hardware from Singh et al. 2021 ([PCM 26]): 2 % of
    // switches fail in their first 3 months, a constant hazard -ln(0.98) / 0.25 y = 0.0808 /y,
    // of which 32 % hardware: 0.0259 /y / 8766 h = 2950 FIT. Radix 64 (400G ports on a 25.6T
    // switch; Llama 3 ran on 400G RoCE), so three tiers. Repairs (they do not change the count):
    // module swap lognormal, median 6 h, sigma = ln(24/2) / 3.29 = 0.755 (2-24 h read as 5-95 %),
    // switch replacement median 8 h, sigma = ln(24/4) / 3.29 = 0.545 ([PCM Gap 2], unsourced
    // estimates there).
    // Only network interruptions are compared: we have no GPU rate independent of this run.
    let module_fit = 1e9 / (0.5e6f64 * 1.0e6).sqrt();
    assert!((module_fit - 1414.2).abs() < 0.1);
    let switch_fit = 0.32 * -(0.98f64.ln()) / 0.25 / HOURS_PER_YEAR * 1e9;
    assert!((switch_fit - 2950.0).abs() < 5.0, "{switch_fit}");
    let pluggable = Component { random_fit: Fit(module_fit), ..never() };
    let swap = Repair::LogNormal { median_h: Hours(6.0), sigma: 0.755 };
    let mut inputs = quiet(16_384, 64, 3);
    inputs.years = Years(54.0 * 24.0 / HOURS_PER_YEAR);
    inputs.replications = 20;
    for tier in &mut inputs.tiers {
        tier.technology = PortTechnology { port_repair: swap, ..module("400G", pluggable, 6.0) };
    }
    inputs.nic = NicInputs { port: pluggable, repair: swap, ..inputs.nic };
    inputs.switch = SwitchHardware {
        hardware_fit: Fit(switch_fit),
        replace: Repair::LogNormal { median_h: Hours(8.0), sigma: 0.545 },
    };
    let result = simulate(&inputs, 2).unwrap();
    let predicted = result.job.network_interruptions;
    // Expected from the rates: 2 x 16,384 GPU-leaf ends x 1414e-9 x 1296 h = 60.1, plus
    // 512 leaves x 2950e-9 x 1296 h = 1.96: about 62.
    let by_rates = 2.0 * 16_384.0 * module_fit * 1e-9 * 1296.0 + 512.0 * switch_fit * 1e-9 * 1296.0;
    within(predicted, by_rates, "network interruptions vs the rates");
    let ratio = predicted.mean / 35.0;
    assert!((0.5..2.0).contains(&ratio), "predicted {predicted:?}, ratio to 35: {ratio}");
    // Upper tiers fail too (here 2 x 2 x 16,384 ends) but do not interrupt the job.
    assert!(result.tiers[1].ports.failures_per_year.mean > 0.0);
}

/// Everything on: ELS, infant defects, few technicians and spares, flaps and GPU failures.
fn busy() -> FleetInputs {
    let mut inputs = quiet(100, 8, 3);
    inputs.replications = 6;
    inputs.years = Years(2.0);
    inputs.technicians = 2;
    let scarce = Spares { initial_units: 1, reorder_lead_h: Hours(100.0) };
    let lossy = Component {
        random_fit: Fit(3e4),
        weibull_shape: 3.0,
        weibull_scale_h: Hours(3e4),
        activation_energy_ev: 0.7,
        temp_c: Celsius(60.0),
        infant_mean_h: Hours(500.0),
        ..never()
    };
    inputs.tiers[0].technology = PortTechnology {
        name: "cpo-els".to_string(),
        kind: PortKind::CoPackagedEls {
            ports_per_els: 4,
            lasers_per_els: 4,
            lasers_needed: 3,
            service: ElsService::SwapModule,
            replace_after_failed_ports: 2,
            weak_laser_probability: 0.0,
        },
        port: lossy,
        laser: Some(lossy),
        port_repair: Repair::LogNormal { median_h: Hours(6.0), sigma: 0.7 },
        infant_probability: 0.3,
        spares: scarce,
    };
    inputs.tiers[1].technology = PortTechnology {
        laser: Some(lossy),
        infant_probability: 0.05,
        ..module("lpo", lossy, 6.0)
    };
    for tier in &mut inputs.tiers {
        tier.switch_spares = scarce;
    }
    inputs.tiers[2].technology = PortTechnology {
        kind: PortKind::CoPackaged { replace_after_failed_ports: 3 },
        ..module("cpo", lossy, 6.0)
    };
    inputs.nic.port = lossy;
    inputs.nic.spares = scarce;
    inputs.switch.hardware_fit = Fit(2e4);
    inputs.switch.replace = Repair::LogNormal { median_h: Hours(8.0), sigma: 0.5 };
    inputs.gpu_interruptions_per_gpu_h = 1e-4;
    inputs.job.flaps_per_link_h = 1e-5;
    inputs.job.settings.gpus = 40;
    inputs
}

#[test]
fn same_seed_same_result_at_one_two_and_three_threads() {
    let inputs = busy();
    let one = simulate(&inputs, 1).unwrap();
    assert!(one.tiers.iter().all(|tier| tier.ports.failures_per_year.mean > 0.0));
    assert!(one.tiers[0].els_lasers.repairs_per_year.mean > 0.0);
    assert!(one.tiers[2].switches.repairs_per_year.mean > 0.0);
    assert!(one.job.flap_interruptions.mean > 0.0 && one.job.gpu_interruptions.mean > 0.0);
    assert_eq!(one, simulate(&inputs, 2).unwrap());
    assert_eq!(one, simulate(&inputs, 3).unwrap());
    let other = simulate(&FleetInputs { seed: 2, ..inputs.clone() }, 2).unwrap();
    assert_ne!(one, other);
    // Pooled, each fabric is its own simulation, at any thread count.
    let fabrics = [FleetInputs { seed: 2, ..inputs.clone() }, inputs.clone()];
    for threads in [1, 2, 3] {
        let count = std::sync::atomic::AtomicUsize::new(0);
        let done = || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        assert_eq!(
            simulate_all(&fabrics, threads, &done).unwrap(),
            vec![other.clone(), one.clone()]
        );
        assert_eq!(count.into_inner(), 2 * inputs.replications);
    }
}

#[test]
fn scarce_technicians_and_spares_lower_availability_and_the_timeline_adds_up() {
    // Scarce: one technician, and every spare pool restocked only 1,000 h after use (a
    // failure beyond the first spare waits weeks), so that every tier loses availability by
    // many standard errors, not only the tier whose service is spare-bound at busy()'s
    // two-technician, 100 h restock.
    let mut scarce = busy();
    scarce.technicians = 1;
    let slow = Spares { initial_units: 1, reorder_lead_h: Hours(1000.0) };
    for tier in &mut scarce.tiers {
        tier.technology.spares = slow;
        tier.switch_spares = slow;
    }
    scarce.nic.spares = slow;
    let scarce = simulate(&scarce, 2).unwrap();
    let mut ample = busy();
    ample.technicians = 1000;
    for tier in &mut ample.tiers {
        tier.technology.spares = AMPLE;
        tier.switch_spares = AMPLE;
    }
    ample.nic.spares = AMPLE;
    let ample = simulate(&ample, 2).unwrap();
    for tier in 0..3 {
        let (a, b) = (&scarce.tiers[tier].link_availability, &ample.tiers[tier].link_availability);
        // Lower by more than 5 standard errors of the difference.
        assert!(
            a.mean + 5.0 * (a.se * a.se + b.se * b.se).sqrt() < b.mean,
            "tier {tier}: {:?} vs {:?}",
            scarce.tiers[tier],
            ample.tiers[tier]
        );
    }
    // The timeline's interruptions sum to the total; its links down average to the tiers'.
    let months: f64 = scarce.timeline.iter().map(|m| m.interruptions_mean).sum();
    assert!((months - scarce.job.interruptions.mean).abs() < 1e-9);
    let mean_down: f64 = scarce.timeline.iter().map(|m| m.links_down_mean).sum::<f64>()
        / scarce.timeline.len() as f64;
    let from_tiers: f64 =
        scarce.tiers.iter().map(|t| (1.0 - t.link_availability.mean) * 100.0).sum();
    assert_eq!(scarce.timeline.len(), 24);
    assert!((mean_down / from_tiers - 1.0).abs() < 1e-9, "{mean_down} vs {from_tiers}");
}

#[test]
fn bad_input_gets_a_named_error() {
    let mut inputs = quiet(32, 8, 2);
    inputs.nic.repair = Repair::LogNormal { median_h: Hours(-1.0), sigma: 0.5 };
    assert_eq!(
        simulate(&inputs, 1).unwrap_err(),
        FleetInputError::NegativeRepairTime {
            name: "nic.repair.median_h".to_string(),
            value_h: -1.0
        }
    );
    let mut inputs = quiet(32, 8, 2);
    inputs.tiers[1].technology.port.weibull_shape = 0.0;
    let error = simulate(&inputs, 1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "fleet: tiers[1].technology.port.weibull_shape = 0; expected a Weibull shape > 0"
    );
    let mut inputs = quiet(32, 8, 2);
    inputs.tiers[0].technology.spares = Spares { initial_units: 0, reorder_lead_h: Hours(0.0) };
    assert_eq!(
        simulate(&inputs, 1).unwrap_err(),
        FleetInputError::NoSpares { name: "tiers[0].technology.spares".to_string() }
    );
    let error = simulate(&quiet(33, 8, 2), 1).unwrap_err();
    assert_eq!(
        error,
        FleetInputError::TopologyNotBuildable { gpus: 33, radix: 8, tiers: 2, max_gpus: 32 }
    );
    assert_eq!(error.to_string(), "fleet: 33 GPUs do not fit 2 tiers of radix 8 (at most 32 GPUs)");
    let mut inputs = quiet(32, 8, 2);
    inputs.job.settings.gpus = 64;
    assert_eq!(
        simulate(&inputs, 1).unwrap_err(),
        FleetInputError::JobTooLarge { job_gpus: 64, gpus: 32 }
    );
    // A co-packaged tier without spares is fine: it swaps no port units.
    let mut inputs = quiet(32, 8, 2);
    inputs.tiers[0].technology.kind = PortKind::CoPackaged { replace_after_failed_ports: 1 };
    inputs.tiers[0].technology.spares = Spares { initial_units: 0, reorder_lead_h: Hours(0.0) };
    assert!(simulate(&inputs, 1).is_ok());
    inputs.tiers[0].technology.kind = PortKind::CoPackaged { replace_after_failed_ports: 0 };
    let error = simulate(&inputs, 1).unwrap_err();
    assert!(error.to_string().contains("replace_after_failed_ports = 0"), "{error}");
}

#[test]
fn job_interruptions_beyond_the_cap_are_refused_before_any_allocation() {
    // 1 flap per link-hour on 32 GPUs over a year: 2.8e5, fine; 1e4 per hour: 2.8e9, refused
    // (the times would take 22 GB).
    let mut inputs = quiet(32, 8, 2);
    inputs.replications = 2;
    inputs.job.flaps_per_link_h = 1.0;
    let result = simulate(&inputs, 1).expect("within the cap");
    let expected = 32.0 * HOURS_PER_YEAR;
    let interruptions = result.job.flap_interruptions.mean;
    // Poisson: sd sqrt(2.8e5) = 530; the mean of 2 replications is within 5 sd of it.
    assert!((interruptions - expected).abs() < 5.0 * expected.sqrt(), "{interruptions}");
    inputs.job.flaps_per_link_h = 1e4;
    inputs.gpu_interruptions_per_gpu_h = 1.0;
    let error = simulate(&inputs, 1).unwrap_err();
    let FleetInputError::TooManyInterruptions { expected, .. } = error else {
        panic!("expected TooManyInterruptions, got {error}")
    };
    assert!((expected - 10_001.0 * 32.0 * HOURS_PER_YEAR).abs() < 1.0, "{expected}");
    assert!(error.to_string().contains("at most 1e7"), "{error}");
}

#[test]
fn a_lifetime_cut_at_the_horizon_is_the_same_draw_inside_it_and_infinite_beyond() {
    // Random FIT and wear-out together, with an infant defect: the same uniforms, so every
    // lifetime inside the horizon is the same number, and every one beyond it infinite.
    let component = Component {
        random_fit: Fit(2e4),
        weibull_shape: 2.0,
        weibull_scale_h: Hours(6.0e4),
        infant_mean_h: Hours(500.0),
        ..never()
    };
    let horizon_h = 43_800.0;
    let (full, cut) = (Lifetime::of(&component), Lifetime::of(&component).within(horizon_h));
    let (mut a, mut b) =
        (Xoshiro256PlusPlus::seed_from_u64(5), Xoshiro256PlusPlus::seed_from_u64(5));
    let (mut inside, mut beyond) = (0, 0);
    for k in 0..100_000 {
        let infant = k % 7 == 0;
        let (x, y) = (full.sample_latent(infant, &mut a), cut.sample_latent(infant, &mut b));
        if x.0 < horizon_h {
            assert_eq!(x, y, "{k}");
            inside += 1;
        } else {
            assert!(y.0 >= horizon_h, "{k}: {x:?} {y:?}");
            beyond += 1;
        }
    }
    // Both branches are exercised.
    assert!(inside > 10_000 && beyond > 10_000, "{inside} {beyond}");
}
