//! The sweep's checks: energy balance at every point, the Pareto front, the choice and its
//! binding limit, thread independence, the bill's sums and its scaling to the cluster.

use super::*;
use crate::sweep::{choose, grid};
use cporamp_core::units::{Celsius, Kilopascals, LitresPerMinute, Millimetres};
use cporamp_scenario::Scenario;
use cporamp_scenario::{ElsPlacement, EnginePlate};

/// The default scenario with a 16-point grid on a 16-cell package.
fn small() -> Scenario {
    let mut scenario = cporamp_scenario::load_default().unwrap();
    let settings = &mut scenario.codesign;
    settings.grid_cells = 16;
    settings.flow_l_per_min_per_kw = vec![1.0, 1.5];
    (settings.channel_width, settings.channel_height) =
        (vec![Millimetres(0.3)], vec![Millimetres(1.5)]);
    settings.inlet = vec![Celsius(25.0), Celsius(45.0)];
    settings.engine_gap = vec![Millimetres(3.0)];
    settings.engine_plate = vec![EnginePlate::Shared, EnginePlate::Own];
    settings.els_placement = vec![ElsPlacement::FrontPanel, ElsPlacement::ColdPlate];
    settings.asic_power_factor = vec![1.0];
    // The flaps' lane Monte Carlo at the pipeline fixture's size.
    scenario.photonics.lanes = 32;
    scenario
}

#[test]
fn the_coolant_energy_balance_closes_at_every_point() {
    let result = codesign(&small(), 2).unwrap();
    assert_eq!(result.points.len(), 16);
    for point in &result.points {
        assert!(point.error.is_none(), "{:?}: {:?}", point.point, point.error);
        // Power in (ASIC, engines, ELS on a plate) = board heat + ṁ cp ΔT, to rounding of a
        // ~1.5 kW sum.
        assert!(
            point.energy_balance_residual_w.abs() < 1e-9 * point.switch_w,
            "{:?}: residual {} W",
            point.point,
            point.energy_balance_residual_w
        );
    }
}

#[test]
fn no_point_of_the_front_is_dominated_and_every_other_point_is() {
    let result = codesign(&small(), 2).unwrap();
    let objectives =
        |p: &PointResult| [p.pj_per_bit, p.life_usd_per_gbps, p.laser_failures_per_switch];
    let dominates = |a: [f64; 3], b: [f64; 3]| {
        a.iter().zip(&b).all(|(a, b)| a <= b) && a.iter().zip(&b).any(|(a, b)| a < b)
    };
    assert!(!result.front.is_empty());
    for (index, point) in result.points.iter().enumerate() {
        let dominated =
            result.points.iter().any(|other| dominates(objectives(other), objectives(point)));
        assert_eq!(point.on_front, !dominated, "point {index}");
        assert_eq!(result.front.contains(&index), point.on_front);
    }
}

#[test]
fn the_choice_meets_every_limit_and_moving_the_binding_one_moves_it() {
    let mut scenario = small();
    let free = codesign(&scenario, 2).unwrap();
    // The cheapest point overall runs its engines hottest of the cheap ones: put the engine
    // limit just below it, so that the limit must bind.
    let cheapest = free.choice.index.unwrap();
    let hot_c = free.points[cheapest].engine_temp_c;
    scenario.codesign.max_engine_temp = Celsius(hot_c - 0.01);
    scenario.codesign.max_flow = LitresPerMinute(1e3);
    scenario.codesign.max_pressure_drop = Kilopascals(1e3);
    let limited = codesign(&scenario, 2).unwrap();
    let chosen = limited.choice.index.unwrap();
    let point = &limited.points[chosen];
    assert!(point.feasible);
    assert!(point.engine_temp_c <= scenario.codesign.max_engine_temp.0);
    assert_eq!(limited.choice.binding, Some(Constraint::EngineTemperature));
    assert_eq!(limited.choice.binding_field.as_deref(), Some("codesign.max_engine_temp_c"));
    assert_eq!(limited.choice.unconstrained_index, Some(cheapest));
    assert!(point.life_usd_per_gbps > free.points[cheapest].life_usd_per_gbps);
    // Relaxing the binding limit moves the choice back.
    let mut relaxed = scenario.codesign.clone();
    relaxed.max_engine_temp = Celsius(hot_c + 0.01);
    assert_eq!(choose(&relaxed, &limited.points).index, Some(cheapest));
    // Every point the limits admit costs at least the chosen one.
    for other in limited.points.iter().filter(|p| p.feasible) {
        assert!(other.life_usd_per_gbps >= point.life_usd_per_gbps);
    }
}

#[test]
fn results_do_not_depend_on_threads() {
    let scenario = small();
    let one = codesign(&scenario, 1).unwrap();
    let three = codesign(&scenario, 3).unwrap();
    let json = |result: &CodesignResult| format!("{result:?}");
    assert_eq!(json(&one), json(&three));
}

#[test]
fn the_physics_moves_the_right_way() {
    let result = codesign(&small(), 1).unwrap();
    let find = |flow: f64, inlet: f64, plate: EnginePlate, els: ElsPlacement| {
        result
            .points
            .iter()
            .find(|p| {
                (p.point.flow_l_per_min_per_kw - flow).abs() < 1e-12
                    && (p.point.inlet_c - inlet).abs() < 1e-12
                    && p.point.engine_plate == plate
                    && p.point.els_placement == els
            })
            .unwrap()
    };
    let base = find(1.0, 25.0, EnginePlate::Shared, ElsPlacement::FrontPanel);
    // A 20 K warmer inlet warms the engines by about as much (the leakage adds a little).
    let warm = find(1.0, 45.0, EnginePlate::Shared, ElsPlacement::FrontPanel);
    let rise = warm.engine_temp_c - base.engine_temp_c;
    assert!((19.0..24.0).contains(&rise), "engine rise {rise} K for +20 K inlet");
    // ... and needs no chiller: the facility energy falls.
    assert!(warm.facility_w < base.facility_w);
    // Own plates take the ASIC's heat off the engines.
    let own = find(1.0, 25.0, EnginePlate::Own, ElsPlacement::FrontPanel);
    assert!(
        own.engine_temp_c < base.engine_temp_c - 2.0,
        "{} vs {}",
        own.engine_temp_c,
        base.engine_temp_c
    );
    // More flow: more pressure drop (quadratic in the loop, at least linear in the plate) and
    // pumping (cubic-ish), a smaller coolant rise in inverse proportion.
    let fast = find(1.5, 25.0, EnginePlate::Shared, ElsPlacement::FrontPanel);
    assert!(fast.pressure_drop_kpa > 1.5 * base.pressure_drop_kpa);
    assert!(fast.pump_w > 2.25 * base.pump_w);
    let ratio = base.coolant_rise_k / fast.coolant_rise_k;
    let heat_ratio = base.heat_to_coolant_w / fast.heat_to_coolant_w;
    assert!((ratio / heat_ratio - 1.5).abs() < 1e-9, "rise ratio {ratio}");
    // The ELS on a plate in 25 °C coolant runs cooler than in the 40 °C front panel.
    let cooled = find(1.0, 25.0, EnginePlate::Shared, ElsPlacement::ColdPlate);
    assert!(cooled.laser_temp_c < base.laser_temp_c);
    assert!(cooled.laser_failures_per_switch < base.laser_failures_per_switch);
}

#[test]
fn the_coarse_package_grid_stays_within_3_k_of_the_thermal_engines() {
    let mut coarse = small();
    coarse.codesign.flow_l_per_min_per_kw = vec![1.5];
    coarse.codesign.inlet = vec![Celsius(35.0)];
    coarse.codesign.engine_plate = vec![EnginePlate::Shared];
    coarse.codesign.els_placement = vec![ElsPlacement::FrontPanel];
    coarse.codesign.grid_cells = 24;
    let mut fine = coarse.clone();
    fine.codesign.grid_cells = 64;
    let points = grid(&coarse);
    let at = |scenario: &Scenario| evaluate_point(scenario, &points[0], 1);
    let (a, b) = (at(&coarse), at(&fine));
    assert!(
        (a.engine_temp_c - b.engine_temp_c).abs() < 3.0,
        "{} vs {}",
        a.engine_temp_c,
        b.engine_temp_c
    );
    assert!((a.asic_mean_c - b.asic_mean_c).abs() < 3.0, "{} vs {}", a.asic_mean_c, b.asic_mean_c);
}

#[test]
fn the_bill_sums_its_lines_and_scales_to_the_fleets_racks() {
    let scenario = cporamp_scenario::load_default().unwrap();
    let (generation, _) = crate::sweep::swept(&scenario).unwrap();
    let switches = cluster_switches(&scenario, generation).unwrap();
    // 32,768 GPUs on radix-64 switches in three tiers: 1,024 leaves, 1,024 spines, 512 cores.
    assert_eq!(switches, 2560);
    let bom = cooling_bom(&scenario.codesign.bom, 1.5, true, 16, switches);
    let low: f64 = bom.lines.iter().map(|line| line.per_switch_low_usd).sum();
    let high: f64 = bom.lines.iter().map(|line| line.per_switch_high_usd).sum();
    assert!((bom.per_switch_low_usd - low).abs() < 1e-9);
    assert!((bom.per_switch_high_usd - high).abs() < 1e-9);
    assert!(
        bom.per_switch_low_usd <= bom.per_switch_mid_usd
            && bom.per_switch_mid_usd <= bom.per_switch_high_usd
    );
    let per_rack = scenario.codesign.bom.switches_per_rack;
    assert_eq!(bom.cluster_racks, switches.div_ceil(per_rack));
    // Full racks: the cluster is its racks' bill (2,560 switches fill 320 racks exactly).
    assert_eq!(switches % per_rack, 0);
    assert!((bom.cluster_low_usd - bom.cluster_racks as f64 * bom.per_rack_low_usd).abs() < 1e-6);
    assert!((bom.cluster_high_usd - bom.cluster_racks as f64 * bom.per_rack_high_usd).abs() < 1e-6);
    // ... and a rack is its switches' share of the rack lines plus their own lines.
    assert!((bom.per_rack_low_usd - per_rack as f64 * bom.per_switch_low_usd).abs() < 1e-6);
    // Four engine plates, 16 ELS plates and the package plate: 21 branches, 21 QD pairs.
    let qd = bom.lines.iter().find(|line| line.item.starts_with("quick-disconnect")).unwrap();
    assert!((qd.quantity - 21.0).abs() < 1e-12);
    // The cold plates (what the market charges every CPO switch) are those 21 plates.
    let prices = &scenario.codesign.bom;
    let mid = |range: &cporamp_scenario::PriceRange| 0.5 * (range.low + range.high);
    let plates = mid(&prices.asic_cold_plate)
        + 4.0 * mid(&prices.engine_cold_plate)
        + 16.0 * mid(&prices.els_cold_plate);
    assert!((bom.cold_plates_mid_usd() - plates).abs() < 1e-9, "{}", bom.cold_plates_mid_usd());
    assert!((bom.cluster_heat_kw - 1.5 * switches as f64).abs() < 1e-9);
    // The switch's cooling stays within the analyst's per-tray figures' order ([S151]: $1,020
    // for a two-ASIC switch tray's cooling parts, before CDU and facility shares), for a switch
    // with one plate.
    let bom = cooling_bom(&scenario.codesign.bom, 1.5, false, 0, switches);
    let parts: f64 =
        bom.lines.iter().filter(|l| l.per != "heat").map(BomLine::per_switch_mid_usd).sum();
    assert!((500.0..5000.0).contains(&parts), "switch cooling parts {parts} USD");
}

mod diligence_checks {
    use crate::diligence::{
        Claims, CustomerStage, DiligenceError, Verdict, claims_of_scenario, diligence,
    };
    use cporamp_core::units::{Db, Fit};
    use cporamp_scenario::Scenario;

    fn scenario() -> Scenario {
        let mut scenario = cporamp_scenario::load_default().unwrap();
        scenario.thermal.grid_cells = 24;
        scenario
    }

    fn own(scenario: &Scenario) -> Claims {
        let g = scenario.generations.iter().position(|g| g.id == "102.4T").unwrap();
        let t = scenario.technologies.iter().position(|t| t.id == "cpo_els").unwrap();
        claims_of_scenario(scenario, g, t).unwrap()
    }

    /// Makes one claim worse.
    type Worsen = Box<dyn Fn(&mut Claims)>;

    fn verdict(scenario: &Scenario, claims: &Claims, line: &str) -> Verdict {
        let result = diligence(claims, scenario).unwrap();
        result.lines.iter().find(|l| l.claim == line).unwrap().verdict
    }

    #[test]
    fn the_scenarios_own_values_pass_every_line() {
        let scenario = scenario();
        let result = diligence(&own(&scenario), &scenario).unwrap();
        assert_eq!(result.lines.len(), 9);
        for line in &result.lines {
            assert_eq!(line.verdict, Verdict::Pass, "{}: {}", line.claim, line.figure);
            assert!(!line.questions.is_empty());
        }
    }

    #[test]
    fn each_line_fails_when_its_claim_is_worse_than_physics_allows() {
        let scenario = scenario();
        let base = own(&scenario);
        let worse: Vec<(&str, Worsen)> = vec![
            // Mean loss half a dB past the allocation: most lanes over budget.
            ("coupling loss", Box::new(|c: &mut Claims| c.coupling_loss_db = Db(1.5))),
            // Rated below what the hottest inlet makes.
            (
                "operating temperature range",
                Box::new(|c: &mut Claims| c.max_engine_temp_c.0 -= 10.0),
            ),
            // More heater power than the heater can give.
            ("ring heater power", Box::new(|c: &mut Claims| c.heater_mw_per_ring = 60.0)),
            ("laser reliability", Box::new(|c: &mut Claims| c.laser_fit = Fit(1e6))),
            ("engine reliability", Box::new(|c: &mut Claims| c.engine_port_fit.0 *= 3.0)),
            ("package yield", Box::new(|c: &mut Claims| c.package_yield = 0.2)),
            ("test coverage", Box::new(|c: &mut Claims| c.test_coverage = 0.5)),
            ("alignment throughput", Box::new(|c: &mut Claims| c.alignment_fibers_per_s = 0.01)),
            (
                "customer validation",
                Box::new(|c: &mut Claims| c.customer_stage = CustomerStage::None),
            ),
        ];
        for (line, worsen) in worse {
            let mut claims = base.clone();
            worsen(&mut claims);
            assert_eq!(verdict(&scenario, &claims, line), Verdict::Fail, "{line}");
        }
    }

    #[test]
    fn claims_out_of_range_are_named_errors() {
        let scenario = scenario();
        let mut claims = own(&scenario);
        claims.package_yield = 1.5;
        let error = diligence(&claims, &scenario).unwrap_err().to_string();
        assert_eq!(
            error,
            "package_yield: value 1.5 is out of range; expected 0 < value <= 1 (fraction)"
        );
        // Every problem, not only the first.
        let mut claims = own(&scenario);
        claims.technology = "lpo".into();
        claims.min_engine_temp_c.0 = claims.max_engine_temp_c.0 + 1.0;
        claims.alignment_fibers_per_s = 0.0;
        let Err(DiligenceError::Claim(error)) = diligence(&claims, &scenario) else {
            panic!("the claims must be refused");
        };
        let problems: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{error}");
        assert!(
            problems[0].starts_with(
                "technology: value \"lpo\" is not valid; expected a co-packaged technology of \
                 the scenario: \"cpo_integrated\", \"cpo_els\""
            ),
            "{error}"
        );
        assert!(problems[1].ends_with("expected 0 < value <= 10000 (fibers/s)"), "{error}");
        assert!(problems[2].starts_with("max_engine_temp_c: value"), "{error}");
    }
}

#[test]
fn flaps_are_the_photonics_engine_at_the_points_drift_interpolated_between_its_runs() {
    let scenario = small();
    let result = codesign(&scenario, 2).unwrap();
    let nodes = &result.flap_nodes;
    assert!(nodes.len() >= 2, "{} nodes", nodes.len());
    for pair in nodes.windows(2) {
        let step = pair[1].offset_nm - pair[0].offset_nm;
        assert!(step > 0.0 && step <= FLAP_NODE_NM + 1e-12, "{step}");
    }
    let (g, t) = crate::sweep::swept(&scenario).unwrap();
    let drift = cporamp_pipeline::nominal_drift(&scenario, g, t).unwrap().unwrap();
    let (first, last) = (nodes[0], nodes[nodes.len() - 1]);
    for point in &result.points {
        // The offset is the point's ring and laser temperatures' drift from the nominal.
        let offset = drift.offset_nm(point.engine_temp_c, point.laser_temp_c);
        assert_eq!(point.drift_offset_nm.to_bits(), offset.to_bits());
        assert!(first.offset_nm <= offset && offset <= last.offset_nm);
        // Between the two runs around it.
        let i = nodes.partition_point(|node| node.offset_nm <= offset).clamp(1, nodes.len() - 1);
        let (a, b) = (nodes[i - 1], nodes[i]);
        let (low, high) = (
            a.feedback_flaps_per_lane_hour.min(b.feedback_flaps_per_lane_hour),
            a.feedback_flaps_per_lane_hour.max(b.feedback_flaps_per_lane_hour),
        );
        assert!(low <= point.feedback_flaps_per_lane_hour);
        assert!(point.feedback_flaps_per_lane_hour <= high);
    }
    // The ends are points, and the engine itself there (one run again, on one thread).
    for node in [first, last] {
        let engine = drift.simulate(&scenario, node.offset_nm, 1).unwrap();
        assert_eq!(
            engine.feedback.flaps_per_lane_hour.to_bits(),
            node.feedback_flaps_per_lane_hour.to_bits()
        );
        assert_eq!(engine.unlockable_fraction.to_bits(), node.unlockable_fraction.to_bits());
        let point = result
            .points
            .iter()
            .find(|p| p.drift_offset_nm.to_bits() == node.offset_nm.to_bits())
            .unwrap();
        assert_eq!(
            point.feedback_flaps_per_lane_hour.to_bits(),
            node.feedback_flaps_per_lane_hour.to_bits()
        );
    }
    // Linear between two runs: halfway is the mean.
    let (a, b) = (nodes[0], nodes[1]);
    let half = interpolate(nodes, 0.5 * (a.offset_nm + b.offset_nm));
    let mean = 0.5 * (a.feedback_flaps_per_lane_hour + b.feedback_flaps_per_lane_hour);
    assert!((half.feedback_flaps_per_lane_hour - mean).abs() <= 1e-12 * mean.max(1.0));
}
