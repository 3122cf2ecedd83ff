//! The alignment search: one 16-fiber array (spiral to first light, then the hill climb over
//! x, y, z and roll, with photodiode noise), and the whole model on 2 000 arrays (active and
//! both passive attaches) on 2 threads.
//! Run: `cargo bench -p cporamp-align --bench align_search`. Figures go in BENCHMARKS.md.

use cporamp_align::search::{self, Truth};
use cporamp_align::settings::{AlignSettings, AttachCost};
use cporamp_align::{AlignInputs, plan, simulate, stage};
use cporamp_core::coupling::{FiberAttach, Modes};
use cporamp_core::units::{Db, Micrometres, Milliradians, Seconds, UsdPerHour};
use rand::SeedableRng;

fn main() {
    divan::main();
}

fn inputs() -> AlignInputs {
    AlignInputs {
        settings: AlignSettings {
            arrays: 2000,
            attach_cost: AttachCost::None,
            seed: 1,
            fibers_per_array: 16,
            arrays_per_engine: 4,
            pitch_um: Micrometres(127.0),
            prealign_sigma_um: Micrometres(3.0),
            prealign_roll_mrad: Milliradians(1.0),
            approach_gap_um: Micrometres(20.0),
            spiral_step_um: Micrometres(1.0),
            spiral_range_um: Micrometres(15.0),
            first_light_fraction: 0.01,
            stage_resolution_um: Micrometres(0.05),
            settle_s: Seconds(0.02),
            measure_s: Seconds(0.005),
            noise_fraction: 0.002,
            handling_s: Seconds(10.0),
            cure_s: Seconds(15.0),
            machine_usd_per_h: UsdPerHour(60.0),
            operator_usd_per_h: UsdPerHour(40.0),
            machines_per_operator: 4.0,
            passive_sigma_um: Micrometres(1.05),
            passive_mode_radius_um: Micrometres(4.6),
            passive_place_s: Seconds(5.0),
            passive_machine_usd_per_h: UsdPerHour(30.0),
        },
        attach: FiberAttach {
            mode_radius_um: Micrometres(2.0),
            wavelength_um: Micrometres(1.31),
            gap_index: 1.5,
            coupling_budget_db: Db(1.0),
            fiber_sigma_um: Micrometres(0.15),
            shift_sigma_um: Micrometres(0.15),
            gap_mean_um: Micrometres(5.0),
            gap_sigma_um: Micrometres(1.5),
            tilt_sigma_mrad: Milliradians(2.0),
        },
    }
}

#[divan::bench]
fn one_array_search(bencher: divan::Bencher) {
    let inputs = inputs();
    let modes = Modes { radius_um: 2.0, wavelength_um: 1.31, gap_index: 1.5 };
    let truth = Truth::ideal(16, 2.3, -3.1, 0.8);
    let (stage, plan) = (stage(&inputs), plan(&inputs));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    bencher.bench_local(|| search::align(&modes, &truth, &stage, &plan, &mut rng));
}

#[divan::bench(sample_count = 10)]
fn model_2000_arrays_2_threads(bencher: divan::Bencher) {
    let inputs = inputs();
    bencher.bench(|| simulate(&inputs, 2).expect("valid inputs"));
}
