//! Tests of the package model against closed forms, energy balance, the full network and
//! grid refinement.

use super::*;
use crate::reduced::Scheme;
use crate::settings::{ColdPlate, HeatSinkKind};
use cporamp_core::units::{
    JoulesPerKilogramKelvin, KilogramsPerCubicMetre, LitresPerMinute, Millimetres, PascalSeconds,
    WattsPerMetreKelvin,
};

fn settings() -> ThermalSettings {
    crate::settings::default_settings()
}

fn load() -> PackageGeometry {
    PackageGeometry {
        n_engines: 16,
        engine_edge_mm: Millimetres(15.0),
        asic_side_mm: Millimetres(30.0),
    }
}

/// The package of [`load`] built on `settings` and solved at 470 W of ASIC and 25 W per
/// engine, coolant inlet `inlet_c`.
fn solve(settings: &ThermalSettings, inlet_c: f64) -> PackageResult {
    PackageModel::new(settings, &load()).unwrap().evaluate(470.0, 25.0, inlet_c).unwrap()
}

#[test]
fn cold_plate_correlation_matches_shah_london_and_energy_balance() {
    let plate = settings().cold_plate;
    let result = cold_plate(&plate, 0.06, 1000.0, 30.0).unwrap();
    // 300 x 1500 µm: alpha = 0.2, Nu = 5.738 (Shah & London table: 5.74 at aspect 0.2);
    // D_h = 0.5 mm, h = 5.738 x 0.62 / 0.5e-3 = 7115 W/(m² K) ([PCM Gap 3]: ~7e3).
    assert!(result.reynolds < 2300.0, "laminar at these flows: Re {}", result.reynolds);
    assert!((result.h_channel_w_per_m2k - 7115.0).abs() < 10.0, "{}", result.h_channel_w_per_m2k);
    // Energy balance: 1000 W into 2 L/min of water warms it by P / (rho Q cp) = 7.22 K.
    let expected_rise = 1000.0 / (994.0 * 2.0e-3 / 60.0 * 4178.0);
    assert!((result.coolant_rise_k - expected_rise).abs() < 1e-9);
    assert!((result.mean_coolant_c - (30.0 + expected_rise / 2.0)).abs() < 1e-9);
}

fn air_sink(flow_l_per_min: f64) -> ColdPlate {
    // Air at ~35 °C (property tables), 2 mm fin gaps, 30 mm fins, 0.8 mm fins.
    ColdPlate {
        kind: HeatSinkKind::AirFins,
        flow_l_per_min: LitresPerMinute(flow_l_per_min),
        channel_width_mm: Millimetres(2.0),
        channel_height_mm: Millimetres(30.0),
        wall_thickness_mm: Millimetres(0.8),
        coolant_k_w_per_mk: WattsPerMetreKelvin(0.0265),
        coolant_rho_kg_per_m3: KilogramsPerCubicMetre(1.146),
        coolant_cp_j_per_kgk: JoulesPerKilogramKelvin(1007.0),
        coolant_viscosity_pa_s: PascalSeconds(1.89e-5),
        ..settings().cold_plate
    }
}

#[test]
fn air_fins_follow_teertstra_and_reach_the_fully_developed_limit() {
    // At small Re_b* the composite tends to the fully developed parallel-plate limit
    // Nu_b = Re_b* Pr / 2, i.e. h = (Re_b* Pr / 2) k / b.
    let sink = air_sink(4.0);
    let side_m = 0.08;
    let result = cold_plate(&sink, side_m, 500.0, 30.0).unwrap();
    let n_channels = (side_m / 2.8e-3).floor();
    let velocity = 4e-3 / 60.0 / (n_channels * 2e-3 * 30e-3);
    let modified = velocity * 2e-3 * 1.146 / 1.89e-5 * 2e-3 / side_m;
    assert!(modified < 0.2, "the check needs a small Re_b*, got {modified}");
    let prandtl = 1.89e-5 * 1007.0 / 0.0265;
    let limit = modified * prandtl / 2.0 * 0.0265 / 2e-3;
    assert!(
        (result.h_channel_w_per_m2k - limit).abs() < 0.01 * limit,
        "{} vs {limit}",
        result.h_channel_w_per_m2k
    );
    // Energy balance of the air: ΔT = P / (ρ Q c_p).
    assert!((result.coolant_rise_k - 500.0 / (1.146 * 4e-3 / 60.0 * 1007.0)).abs() < 1e-9);
    // Far outside the correlation's range is an error, not an extrapolation.
    let error = cold_plate(&air_sink(1e6), side_m, 500.0, 30.0).unwrap_err();
    assert!(error.to_string().contains("outside Teertstra's range"), "{error}");
}

/// Square-wave histories like the pipeline's: `n` steps, busy for the first half of
/// every `period` steps; the cycling kind also swings the engines and the inlet.
fn square_wave(n: usize, period: usize, cycling: bool) -> [Vec<f64>; 3] {
    let busy = |index: usize| index % period < period / 2;
    let asic = (0..n).map(|k| if busy(k) { 470.0 } else { 188.0 }).collect();
    let engine = (0..n).map(|k| if busy(k) || !cycling { 25.0 } else { 10.0 }).collect();
    let inlet = (0..n).map(|k| if busy(k) && cycling { 37.0 } else { 35.0 }).collect();
    [asic, engine, inlet]
}

fn worst(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// The full network's backward-Euler history at `step_s / refine`, sampled at the coarse
/// steps' ends (each input held over its coarse step).
fn refined(
    model: &PackageModel,
    [asic, engine, inlet]: &[Vec<f64>; 3],
    step_s: f64,
    refine: usize,
) -> PackageHistory {
    let fine = |series: &Vec<f64>| -> Vec<f64> {
        series.iter().flat_map(|value| std::iter::repeat_n(*value, refine)).collect()
    };
    let history = model
        .history_backward_euler(&fine(asic), &fine(engine), &fine(inlet), step_s / refine as f64)
        .unwrap();
    let every = |series: &[f64]| series.iter().skip(refine - 1).step_by(refine).copied().collect();
    PackageHistory {
        time_s: every(&history.time_s),
        asic_max_c: every(&history.asic_max_c),
        engine_mean_max_c: every(&history.engine_mean_max_c),
    }
}

#[test]
fn the_reduced_transient_matches_the_full_network_and_converges_in_time() {
    // A 16-cell grid (fast in debug builds) under the pipeline's two transients: cycling
    // (15 s steps, 40 per period, engines and inlet swinging too) and the photonics drift
    // (10 ms steps, 100 per period, ASIC only); a period and a half each.
    let mut settings = settings();
    settings.grid_cells = 16;
    let model = PackageModel::new(&settings, &load()).unwrap();
    for (step_s, period, cycling) in [(15.0, 40, true), (0.01, 100, false)] {
        let inputs = square_wave(period + period / 2, period, cycling);
        let [asic, engine, inlet] = &inputs;
        let exact = model.history(asic, engine, inlet, step_s).unwrap();
        let both = |a: &PackageHistory, b: &PackageHistory| {
            worst(&a.asic_max_c, &b.asic_max_c)
                .max(worst(&a.engine_mean_max_c, &b.engine_mean_max_c))
        };
        // 1. Projection error alone: the reduced model stepped by backward Euler against
        // the full network stepped by backward Euler. The projection stops once a round
        // moves the unit step responses by < 1e-4 of the steady rise (~25 K here, so a
        // few mK); the error left is of that order.
        let reduced_euler =
            model.history_reduced(asic, engine, inlet, step_s, Scheme::BackwardEuler).unwrap();
        let euler = model.history_backward_euler(asic, engine, inlet, step_s).unwrap();
        let projection = both(&euler, &reduced_euler);
        assert!(projection < 5e-3, "{step_s} s: projection error {projection} K");
        // 2. Time error: backward Euler at step/k converges to the exact history at first
        // order (halving the step halves the error; were the exact history off by d, the
        // errors would stall at d instead), and Richardson's extrapolation from the two
        // finest, 2 BE(h/2k) - BE(h/k), second order, lands closer to it than its finer
        // input does. The old backward-Euler history at the step itself is off by tenths of a
        // kelvin at the switching edges.
        // (The drift's finer steps are already in the asymptotic range at 4 and 8.)
        let refinements = if cycling { [1, 8, 16] } else { [1, 4, 8] };
        let fine: Vec<PackageHistory> = refinements
            .into_iter()
            .map(|refine| refined(&model, &inputs, step_s, refine))
            .collect();
        let errors: Vec<f64> = fine.iter().map(|history| both(history, &exact)).collect();
        let richardson = |a: &[f64], b: &[f64]| -> Vec<f64> {
            a.iter().zip(b).map(|(coarse, fine)| 2.0 * fine - coarse).collect()
        };
        let extrapolated = PackageHistory {
            time_s: exact.time_s.clone(),
            asic_max_c: richardson(&fine[1].asic_max_c, &fine[2].asic_max_c),
            engine_mean_max_c: richardson(&fine[1].engine_mean_max_c, &fine[2].engine_mean_max_c),
        };
        let remainder = both(&extrapolated, &exact);
        assert!(errors[0] > 0.1, "{step_s} s: backward Euler at the step is off by {}", errors[0]);
        let order = (errors[1] / errors[2]).log2();
        assert!(order > 0.9 && order < 2.5, "{step_s} s: observed order {order}");
        assert!(
            remainder < 0.5 * errors[2] && remainder < 0.01,
            "{step_s} s: extrapolated history off by {remainder} K (finest backward Euler: {})",
            errors[2]
        );
        // 3. The reported statistics of the last period: the swings (max - min) of the
        // ASIC peak (the cycling range, the drift sensor) and of the hottest engine (the
        // ring and an on-engine laser) meet the extrapolated reference's to within twice
        // its pointwise remainder (a difference of two samples).
        let last = |series: &[f64]| {
            let tail = &series[series.len() - period..];
            let top = tail.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            top - tail.iter().copied().fold(f64::INFINITY, f64::min)
        };
        for (name, exact_swing, reference_swing) in [
            ("ASIC", last(&exact.asic_max_c), last(&extrapolated.asic_max_c)),
            ("engine", last(&exact.engine_mean_max_c), last(&extrapolated.engine_mean_max_c)),
        ] {
            assert!(
                (exact_swing - reference_swing).abs() <= 2.0 * remainder + 1e-12,
                "{step_s} s: {name} swing {exact_swing} K vs {reference_swing} K"
            );
        }
    }
}

#[test]
fn a_model_kept_for_some_inputs_serves_the_histories_that_vary_only_those() {
    let mut settings = settings();
    settings.grid_cells = 16;
    let mut model = PackageModel::new(&settings, &load()).unwrap();
    let asic_only = Varying { asic: true, engines: false, inlet: false };
    model.prepare_history(0.01, asic_only).unwrap();
    assert!(model.reduced_for(0.01, asic_only).is_some());
    assert!(model.reduced_for(0.01, Varying::ALL).is_none());
    assert!(model.reduced_for(0.02, asic_only).is_none());
    // The drift workload (ASIC only) on the kept one-input model and on a three-input
    // model built for a history that varies everything: the same temperatures to within
    // the projections' tolerance (each a few mK at most).
    let [asic, engine, inlet] = square_wave(150, 100, false);
    assert_eq!(Varying::of(&asic, &engine, &inlet), asic_only);
    let kept = model.history(&asic, &engine, &inlet, 0.01).unwrap();
    model.prepare_history(0.01, Varying::ALL).unwrap();
    let (varying, _) = model.reduced_for(0.01, asic_only).unwrap();
    assert_eq!(varying, asic_only, "the first model that serves a history is used");
    let mut all = PackageModel::new(&settings, &load()).unwrap();
    all.prepare_history(0.01, Varying::ALL).unwrap();
    let general = all.history(&asic, &engine, &inlet, 0.01).unwrap();
    let difference = worst(&kept.asic_max_c, &general.asic_max_c)
        .max(worst(&kept.engine_mean_max_c, &general.engine_mean_max_c));
    assert!(difference < 5e-3, "{difference} K");
    // A history that moves the inlet too is not served by the ASIC-only model.
    let [asic, engine, inlet] = square_wave(150, 100, true);
    assert_eq!(Varying::of(&asic, &engine, &inlet), Varying::ALL);
    assert!(Varying::ALL.covers(&asic_only) && !asic_only.covers(&Varying::ALL));
}

fn microchannel(grid_cells: usize, flow_l_per_min: f64) -> ThermalSettings {
    let mut settings = settings();
    settings.grid_cells = grid_cells;
    settings.cold_plate.kind = HeatSinkKind::Microchannel4rm;
    settings.cold_plate.flow_l_per_min.0 = flow_l_per_min;
    settings
}

#[test]
fn the_microchannel_plate_conserves_energy_and_warms_the_outlet_side() {
    let settings = microchannel(32, 2.0);
    let model = PackageModel::new(&settings, &load()).unwrap();
    let result = model.evaluate(470.0, 25.0, 35.0).unwrap();
    assert_eq!(result.cold_plate.model, ColdPlateModel::Microchannel4rm);
    let power = 470.0 + 16.0 * 25.0;
    let out_w = result.heat_out_w + result.board_w;
    assert!(((out_w - power) / power).abs() < 1e-9, "{out_w} W out");
    // Flow along +y: the bottom row (engines 0-3) meets the inlet, the top row (8-11)
    // the outlet; the side columns climb from one to the other; mirror images in x match.
    let mean = |range: std::ops::Range<usize>| {
        result.engines[range.clone()].iter().map(|e| e.mean_c).sum::<f64>() / range.len() as f64
    };
    assert!(mean(8..12) > mean(4..8) && mean(4..8) > mean(0..4));
    for (a, b) in [(0, 3), (1, 2), (8, 11), (4, 12), (7, 15)] {
        assert!((result.engines[a].mean_c - result.engines[b].mean_c).abs() < 1e-6);
    }
    // The coolant rise is the energy balance's, and a uniform inlet change moves every
    // temperature by the same amount but for the board path (as with the correlation).
    let rise = result.heat_out_w
        / (settings.cold_plate.coolant_rho_kg_per_m3.0
            * settings.cold_plate.coolant_cp_j_per_kgk.0
            * settings.cold_plate.flow_l_per_min.0
            * 1e-3
            / 60.0);
    assert!((result.cold_plate.coolant_rise_k - rise).abs() < 1e-12 * rise);
    let warmer = model.evaluate(470.0, 25.0, 40.0).unwrap();
    let moved = warmer.asic_max_c - result.asic_max_c;
    assert!(moved < 5.0 && moved > 4.99, "{moved}");
}

#[test]
fn more_flow_cools_the_engines_by_the_coolant_rise_it_removes() {
    // Laminar and fully developed, h = Nu k / D_h does not depend on the flow: doubling
    // it changes only the coolant's warming, Delta T = P/(rho c_p Q). The engines stand
    // four-fold symmetrically around the centre, so their mean sees the mean coolant
    // temperature, inlet + Delta T/2: it drops by P/(2 rho c_p) (1/Q1 - 1/Q2). But the
    // channels do not mix: those under the side columns of engines never pass the ASIC
    // and warm far less than the mean, so the engines' mean drops ~6 % less than the
    // closed form (16 to 48 cells alike: not a grid effect); the tolerance is 10 %.
    let load = load();
    let run = |flow: f64| {
        let model = PackageModel::new(&microchannel(24, flow), &load).unwrap();
        model.evaluate(470.0, 25.0, 35.0).unwrap()
    };
    let (slow, fast) = (run(2.0), run(4.0));
    let plate = &settings().cold_plate;
    let capacity = |flow: f64| {
        plate.coolant_rho_kg_per_m3.0 * plate.coolant_cp_j_per_kgk.0 * flow * 1e-3 / 60.0
    };
    let expected =
        slow.heat_out_w / (2.0 * capacity(2.0)) - fast.heat_out_w / (2.0 * capacity(4.0));
    let mean = |r: &PackageResult| r.engines.iter().map(|e| e.mean_c).sum::<f64>() / 16.0;
    let dropped = mean(&slow) - mean(&fast);
    assert!(dropped > 0.0, "more flow warmed the engines by {}", -dropped);
    assert!(
        ((dropped - expected) / expected).abs() < 0.1,
        "engines cooled by {dropped} K; the closed form says {expected} K"
    );
    // The outlet row gains most, the inlet row least.
    let row = |r: &PackageResult, first: usize| {
        r.engines[first..first + 4].iter().map(|e| e.mean_c).sum::<f64>() / 4.0
    };
    assert!(row(&slow, 8) - row(&fast, 8) > dropped && row(&slow, 0) - row(&fast, 0) < dropped);
}

#[test]
fn the_microchannel_package_relaxes_to_its_steady_states() {
    let settings = microchannel(16, 2.0);
    let model = PackageModel::new(&settings, &load()).unwrap();
    let before = model.evaluate(400.0, 20.0, 35.0).unwrap();
    let after = model.evaluate(470.0, 25.0, 40.0).unwrap();
    let n = 301;
    let step = |low: f64, high: f64| -> Vec<f64> {
        std::iter::once(low).chain(std::iter::repeat_n(high, n - 1)).collect()
    };
    let (asic, engine, inlet) = (step(400.0, 470.0), step(20.0, 25.0), step(35.0, 40.0));
    let history = model.history(&asic, &engine, &inlet, 10.0).unwrap();
    assert!((history.asic_max_c[0] - before.asic_max_c).abs() < 1e-9);
    assert!((history.asic_max_c[n - 1] - after.asic_max_c).abs() < 1e-6);
    assert!((history.engine_mean_max_c[n - 1] - after.engine_mean_max_c).abs() < 1e-6);
    // The reduced model against the full network by backward Euler (first steps).
    let euler =
        model.history_backward_euler(&asic[..40], &engine[..40], &inlet[..40], 10.0).unwrap();
    let reduced = model
        .history_reduced(&asic[..40], &engine[..40], &inlet[..40], 10.0, Scheme::BackwardEuler)
        .unwrap();
    assert!(worst(&euler.asic_max_c, &reduced.asic_max_c) < 5e-3);
    assert!(worst(&euler.engine_mean_max_c, &reduced.engine_mean_max_c) < 5e-3);
}

#[test]
fn package_conserves_energy_and_puts_the_asic_hottest() {
    let result = solve(&settings(), 35.0);
    let power = 470.0 + 16.0 * 25.0;
    let out_w = result.heat_out_w + result.board_w;
    assert!(((out_w - power) / power).abs() < 1e-9, "{out_w} W out");
    assert_eq!(result.engines.len(), 16);
    assert!(
        result.asic_max_c > result.engine_mean_max_c
            && result.engine_mean_max_c > result.cold_plate.mean_coolant_c
    );
    // Symmetry: the layout is four-fold symmetric, so every side's engines match.
    let first = result.engines[0].mean_c;
    assert!(
        (result.engines[4].mean_c - first).abs() < 1e-6
            && (result.engines[12].mean_c - first).abs() < 1e-6
    );
}

#[test]
fn a_held_load_stays_at_its_steady_state_and_a_step_relaxes_to_the_new_one() {
    let settings = settings();
    let model = PackageModel::new(&settings, &load()).unwrap();
    let steady_low = model.evaluate(200.0, 10.0, 35.0).unwrap();
    let steady_high = model.evaluate(470.0, 25.0, 35.0).unwrap();
    let held = model.history(&[200.0; 5], &[10.0; 5], &[35.0; 5], 1.0).unwrap();
    assert!((held.asic_max_c[4] - steady_low.asic_max_c).abs() < 1e-6);
    // 2000 s at full load: far beyond the package's time constants (tens of seconds).
    let asic: Vec<f64> = std::iter::once(200.0).chain(std::iter::repeat_n(470.0, 200)).collect();
    let engine: Vec<f64> = std::iter::once(10.0).chain(std::iter::repeat_n(25.0, 200)).collect();
    let stepped = model.history(&asic, &engine, &[35.0; 201], 10.0).unwrap();
    assert!((stepped.asic_max_c[200] - steady_high.asic_max_c).abs() < 1e-3);
    assert!((stepped.engine_mean_max_c[200] - steady_high.engine_mean_max_c).abs() < 1e-3);
    // Monotonic approach after the step (backward Euler does not overshoot a step).
    for pair in stepped.asic_max_c[1..].windows(2) {
        assert!(pair[1] >= pair[0] - 1e-9);
    }
}

#[test]
fn an_inlet_step_reaches_the_dies_through_the_package_thermal_mass() {
    // Held power, inlet 35 -> 40 °C: the end state is the steady state at 40 °C, the
    // first step less. Every temperature moves by the inlet change but for the board
    // path's share (the board air stays put; its 50 K/W is ~2500 times the plate's).
    let settings = settings();
    let model = PackageModel::new(&settings, &load()).unwrap();
    let n = 301;
    let inlet: Vec<f64> = std::iter::once(35.0).chain(std::iter::repeat_n(40.0, n - 1)).collect();
    let history = model.history(&vec![400.0; n], &vec![20.0; n], &inlet, 10.0).unwrap();
    let before = model.evaluate(400.0, 20.0, 35.0).unwrap();
    let after = model.evaluate(400.0, 20.0, 40.0).unwrap();
    let moved = after.asic_max_c - before.asic_max_c;
    assert!(moved < 5.0 && moved > 4.99, "{moved}");
    assert!((history.asic_max_c[0] - before.asic_max_c).abs() < 1e-9);
    assert!((history.asic_max_c[n - 1] - after.asic_max_c).abs() < 1e-6);
    let first_rise = history.asic_max_c[1] - before.asic_max_c;
    assert!(first_rise > 0.0 && first_rise < 5.0, "{first_rise}");
    let error = model.history(&[1.0; 3], &[1.0; 3], &[35.0; 2], 1.0).unwrap_err();
    assert!(error.to_string().contains("inlet (2)"), "{error}");
}

#[test]
fn the_board_path_carries_what_its_series_resistance_allows() {
    // No power, board air 10 K above the coolant: the heat entering from the air leaves
    // through the cold plate, and it is 10 K over the series resistance of the board,
    // t_s/(k_s A) + t_p/(k_p A) + R_air, plus the package and the plate. The package's
    // die and TIM layers mix silicon/TIM with gap filler, so its 1-D resistance lies
    // between the stack with the best and the worst material in those layers.
    let mut settings = settings();
    let model = PackageModel::new(&settings, &load()).unwrap();
    let coolant = model.evaluate(0.0, 0.0, 35.0).unwrap().cold_plate.mean_coolant_c;
    settings.board.air_temp_c.0 = coolant + 10.0;
    let model = PackageModel::new(&settings, &load()).unwrap();
    let result = model.evaluate(0.0, 0.0, 35.0).unwrap();
    assert!((result.heat_out_w + result.board_w).abs() < 1e-9 * result.heat_out_w.abs());
    let board = &settings.board;
    let area = (result.substrate_side_mm * 1e-3).powi(2);
    let r = |thickness_mm: f64, k: f64| thickness_mm * 1e-3 / (k * area);
    let series = r(board.solder_thickness_mm.0, board.solder_k_w_per_mk.0)
        + r(board.pcb_thickness_mm.0, board.pcb_k_w_per_mk.0)
        + board.air_r_k_per_w.0
        + r(settings.lid_thickness_mm.0, settings.lid_k_w_per_mk.0)
        + r(settings.substrate_thickness_mm.0, settings.substrate_k_w_per_mk.0)
        + 1.0 / (result.cold_plate.h_effective_w_per_m2k * area);
    let best = series
        + r(settings.tim_thickness_mm.0, settings.tim_k_w_per_mk.0)
        + r(settings.die_thickness_mm.0, settings.silicon_k_w_per_mk.0);
    let worst = series
        + r(settings.tim_thickness_mm.0, settings.gap_k_w_per_mk.0)
        + r(settings.die_thickness_mm.0, settings.gap_k_w_per_mk.0);
    let flow = -result.board_w;
    assert!(
        flow < 10.0 / best && flow > 10.0 / worst,
        "{flow} W outside [{}, {}]",
        10.0 / worst,
        10.0 / best
    );
    // The dies sit between coolant and air, close to the coolant.
    assert!(result.asic_mean_c > coolant && result.asic_mean_c < coolant + 0.01);
}

#[test]
fn dies_never_overlap_and_a_too_coarse_grid_is_a_named_error() {
    let settings = settings();
    for (n_engines, asic_side_mm) in [(8, 24.0), (16, 30.0), (16, 10.0), (4, 40.0)] {
        let asic_side_mm = Millimetres(asic_side_mm);
        let geometry = PackageGeometry { n_engines, asic_side_mm, ..load() };
        let model = PackageModel::new(&settings, &geometry).unwrap();
        for (index, a) in model.dies.iter().enumerate() {
            for b in &model.dies[..index] {
                assert!(
                    a.overlap_m2(b) <= 1e-15,
                    "{n_engines} engines: dies {a:?} and {b:?} overlap"
                );
            }
        }
    }
    let mut coarse = settings.clone();
    coarse.grid_cells = 8;
    let tiny = PackageGeometry { asic_side_mm: Millimetres(1.0), ..load() };
    let error = PackageModel::new(&coarse, &tiny).err().unwrap();
    assert!(error.to_string().contains("ASIC die (1.00 mm wide) holds no cell centre"), "{error}");
}

#[test]
fn the_default_grid_is_converged_for_engine_temperatures() {
    let mut fine = settings();
    let coarse = solve(&fine, 35.0);
    fine.grid_cells *= 2;
    let fine = solve(&fine, 35.0);
    let worst = coarse
        .engines
        .iter()
        .zip(&fine.engines)
        .map(|(a, b)| (a.mean_c - b.mean_c).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.3, "engine temperatures move {worst} K when the grid is doubled");
    // The ASIC mean moves more: its die edges fall between cells (staircase), ~1 K at 64.
    assert!(
        (coarse.asic_mean_c - fine.asic_mean_c).abs() < 1.0,
        "ASIC {} vs {}",
        coarse.asic_mean_c,
        fine.asic_mean_c
    );
}
