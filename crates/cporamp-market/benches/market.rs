//! Market Monte Carlo throughput: 10,000 samples of 18 inputs over 2026-2032 and three tiers,
//! simulated and summarised (scenario probabilities, fans, migration map, value pools,
//! tornado), 2 threads. The goal is under 60 s. The update by observations costs one pass
//! over the samples per observation; `update_rows` checks that it is linear in the rows
//! (100, 1,000 and the maximum 10,000 observations on the 10,000 samples).
//! Run: `cargo bench -p cporamp-market --bench market`. Figures go in BENCHMARKS.md.

use cporamp_core::units::{Celsius, Gbps, Kelvin, PjPerBit};
use cporamp_market::{
    Anchors, ByMarketInput, CoolingAnchors, Family, GoodputCheckPoint, HotPoint, LayerSplit,
    MarketCriteria, MarketInputs, MarketTier, Observation, Prior, Signal, Surrogate, YieldSurface,
    simulate, update, yield_at, yield_surrogate,
};

fn main() {
    divan::main();
}

const SAMPLES: usize = 10_000;

fn tier(name: &str, ports_per_accelerator: f64, cpo_max_share: f64, lpo: bool) -> MarketTier {
    MarketTier {
        name: name.to_owned(),
        ports_per_accelerator,
        cpo_max_share,
        lpo_allowed: lpo,
        job_exposed: name != "spine",
    }
}

fn inputs() -> MarketInputs {
    let priors = [
        Prior::Triangular { low: 0.7, mode: 0.8, high: 0.9 },
        Prior::Triangular { low: 0.75, mode: 0.82, high: 0.9 },
        Prior::Uniform { low: 0.03, high: 0.12 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.2 },
        Prior::Uniform { low: 2026.0, high: 2028.0 },
        Prior::Normal { mean: 12.0, sd: 1.5 },
        Prior::Uniform { low: 0.2, high: 0.3 },
        Prior::Uniform { low: 0.05, high: 0.12 },
        Prior::Uniform { low: 1.5, high: 3.0 },
        Prior::Uniform { low: 0.8, high: 1.6 },
        Prior::Uniform { low: 3.0, high: 6.0 },
        Prior::LogNormal { median: 1.0, sigma: 0.3 },
        Prior::Triangular { low: 0.5, mode: 1.0, high: 1.0 },
        Prior::Triangular { low: 0.5, mode: 1.0, high: 1.6 },
        Prior::Triangular { low: 0.6, mode: 1.0, high: 1.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
    ];
    let defect: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
    let attach =
        yield_surrogate(&defect.iter().map(|&d| (d, (-0.2 * d).exp())).collect::<Vec<_>>());
    let reference_yield = yield_at(&attach, 1.0);
    // A line: the package yield relative to the reference at each factor.
    let line = |x: &[f64], relative: &[f64]| {
        yield_surrogate(
            &x.iter().zip(relative).map(|(&x, r)| (x, r * reference_yield)).collect::<Vec<_>>(),
        )
    };
    MarketInputs {
        seed: 1,
        samples: SAMPLES,
        priors: ByMarketInput(priors),
        anchors: Anchors {
            start_year: 2026,
            end_year: 2032,
            pluggable_usd_per_gbps: 5.4,
            lpo_usd_per_gbps: 4.9,
            cpo_usd_per_gbps_at_reference: 5.6,
            els_usd_per_gbps: 0.5,
            pluggable_pj_per_bit: PjPerBit(18.0),
            lpo_pj_per_bit: PjPerBit(12.0),
            cpo_pj_per_bit: PjPerBit(6.0),
            reference_units: 50_000.0,
            cpo_yield: YieldSurface {
                attach,
                laser_defects_at_reference: 0.0,
                fiber_variance_ratio: 0.0,
                warpage_variance_ratio: 0.0,
                reference_yield,
                mode_radius: line(&[0.5, 0.75, 1.0], &[0.97, 0.99, 1.0]),
                heater_efficiency: line(&[0.5, 1.0, 1.6], &[0.95, 1.0, 1.0]),
                warpage: line(&[0.6, 1.0, 1.5], &[1.0, 1.0, 0.9]),
                asic_defects: line(&[0.3, 1.0, 3.0], &[1.0, 1.0, 0.98]),
                held_out: Vec::new(),
            },
            goodput_loss_vs_laser_factor: Surrogate {
                x: vec![0.5, 1.0, 2.0, 4.0],
                y: vec![-0.0005, 0.0, 0.001, 0.003],
            },
            goodput_loss_vs_engine_factor: Surrogate {
                x: vec![0.5, 1.0, 2.0],
                y: vec![-0.0002, 0.0, 0.0004],
            },
            goodput_held_out: GoodputCheckPoint {
                laser_factor: 2.0,
                engine_factor: 2.0,
                goodput_loss: 0.0014,
                se: 0.0001,
            },
            pluggable_network_goodput_loss: 0.01,
            lpo_goodput_loss: -0.0002,
            engine_temp_margin_k: Kelvin(13.0),
            hot_end: [(25.0, 52.0), (35.0, 57.0), (45.0, 62.0)]
                .iter()
                .map(|&(inlet_c, engine_temp_c)| HotPoint {
                    inlet_c: Celsius(inlet_c),
                    engine_temp_c: Celsius(engine_temp_c),
                    unlockable_fraction: 0.0,
                    flaps_per_lane_h: 0.0,
                })
                .collect(),
            ports_per_switch: 128.0,
            port_gbps: Gbps(800.0),
            tiers: vec![
                tier("scale-up", 4.0, 0.5, true),
                tier("leaf", 2.0, 0.8, true),
                tier("spine", 1.0, 0.9, false),
            ],
            layer_split: vec![
                LayerSplit { technology: Family::Pluggable, fractions: [0.45, 0.35, 0.1, 0.1] },
                LayerSplit { technology: Family::Lpo, fractions: [0.45, 0.3, 0.12, 0.13] },
                LayerSplit { technology: Family::Cpo, fractions: [0.4, 0.3, 0.18, 0.12] },
            ],
            cpo_cooling: CoolingAnchors {
                cold_plates_usd_per_gbps: 0.0025,
                infrastructure_usd_per_gbps: 0.0125,
            },
        },
        criteria: MarketCriteria {
            yield_target: 0.85,
            volume_share: 0.1,
            goodput_parity: 0.002,
            bull_by_year: 2027,
            bear_after_year: 2029,
            unlockable_limit: 0.001,
            flap_limit_per_lane_h: 1.0,
        },
        engine_temp_limit_c: Celsius(70.0),
        seed_units: 50_000.0,
        pilot_share: 0.05,
        surrogate_error_bound: 0.05,
    }
}

#[divan::bench(sample_count = 10)]
fn samples_10k_two_threads(bencher: divan::Bencher) {
    let inputs = inputs();
    bencher
        .counter(divan::counter::ItemsCount::new(SAMPLES))
        .bench(|| simulate(&inputs, 2).unwrap());
}

#[divan::bench(args = [100, 1_000, 10_000], sample_count = 5)]
fn update_rows(bencher: divan::Bencher, rows: usize) {
    let result = simulate(&inputs(), 2).unwrap();
    let observations: Vec<Observation> = (0..rows)
        .map(|i| Observation {
            year: 2026.0 + 6.0 * i as f64 / rows as f64,
            signal: Signal::ThermalDrift,
            value: 5.0,
            sd: 50.0,
        })
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(rows))
        .bench(|| update(&result, &observations).unwrap());
}
