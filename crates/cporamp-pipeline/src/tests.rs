//! The pipeline's tests: thread independence, the settled loops and what they feed the
//! comparison, spare lanes, calibration, the ASIC leakage loop and the drift grid.

use super::*;

/// Results at `threads` worker threads, as JSON, and the last progress report of each
/// stage with the number of reports.
fn run_at(scenario: &Scenario, threads: usize) -> (String, Vec<(Stage, usize, usize, usize)>) {
    let reports = std::sync::Mutex::new(Vec::<Progress>::new());
    let record = |progress: Progress| reports.lock().unwrap().push(progress);
    let options =
        RunOptions { threads: std::num::NonZeroUsize::new(threads).unwrap(), progress: &record };
    let output = run(scenario, &options).unwrap();
    let json = serde_json::to_string(&output).unwrap();
    let reports = reports.into_inner().unwrap();
    let stages = [Stage::Thermal, Stage::Photonics, Stage::Yield, Stage::Fleet, Stage::Market];
    let summary = stages
        .iter()
        .map(|&stage| {
            let of_stage: Vec<&Progress> =
                reports.iter().filter(|report| report.stage == stage).collect();
            let done = of_stage.iter().map(|report| report.done).max().unwrap_or(0);
            let total = of_stage.first().map_or(0, |report| report.total);
            assert!(of_stage.iter().all(|report| report.total == total && report.done <= total));
            (stage, of_stage.len(), done, total)
        })
        .collect();
    (json, summary)
}

#[test]
fn results_do_not_depend_on_threads_and_progress_reaches_every_total() {
    let mut scenario = fixture::small();
    // Two replications of one year are enough to see any dependence on threads.
    scenario.fleet.replications = 2;
    scenario.fleet.years = cporamp_core::units::Years(1.0);
    let (one, progress_one) = run_at(&scenario, 1);
    let (three, progress_three) = run_at(&scenario, 3);
    assert!(one == three, "the JSON of a run differs between 1 and 3 threads");
    // Units: 2 co-packaged technologies x 2 generations for thermal and photonics (both
    // have rings); the yield engine's pieces of work on each of the 4: its closed forms,
    // 2 batches of its 512 packages, 12 ramp quarters and 6 tornado runs (the baseline
    // and 5 mechanisms removed) of one batch of 256 each; 5 fabrics x 2 replications; 4
    // laser and 3 engine factors of the goodput surrogates and their held-out run + 500
    // samples + 100 Sobol samples. Each stage reports its start (done = 0) and reaches
    // its total.
    let quarters = scenario.yield_settings.ramp.units_per_quarter.len();
    assert_eq!(quarters, 12);
    let expected = [
        (Stage::Thermal, 4),
        (Stage::Photonics, 4),
        (Stage::Yield, 4 * (1 + 2 + quarters + 6)),
        (Stage::Fleet, 10),
        (Stage::Market, 608),
    ];
    for progress in [progress_one, progress_three] {
        for ((stage, reports, done, total), (expected_stage, expected_total)) in
            progress.into_iter().zip(expected)
        {
            assert_eq!(stage, expected_stage);
            assert_eq!((done, total), (expected_total, expected_total), "{}", stage.label());
            assert!(reports >= 2, "{}: {reports} reports", stage.label());
        }
    }
}

#[test]
fn the_loop_settles_and_feeds_engine_temperatures_into_the_comparison() {
    // On the reduced scenario: every check below is a relation between engines, a
    // physical bound or a tolerance scaled to the fixture's sample sizes.
    let scenario = fixture::small();
    let output = run(&scenario, &crate::fixture::two_threads()).unwrap();
    for (generation, thermal) in output.comparison.generations.iter().zip(&output.thermal) {
        assert_eq!(thermal.technologies.len(), 2, "two co-packaged technologies");
        for technology in &thermal.technologies {
            assert!(technology.iterations < 10, "{} iterations", technology.iterations);
            let compared = generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
            // Consistency: the comparison's engine power at the settled temperature is the
            // power the package was solved with, to within the loop's tolerance.
            let geometry = scenario
                .technologies
                .iter()
                .find(|t| t.id == technology.id)
                .unwrap()
                .package
                .clone()
                .unwrap();
            let ports_per_engine =
                geometry.ports_per_engine(scenario.generation(&generation.generation).unwrap());
            let engine_w = engine_power_w(compared, ports_per_engine);
            assert!(
                (engine_w - technology.engine_w).abs() < 1e-3 * engine_w,
                "{engine_w} vs {}",
                technology.engine_w
            );
            // Hotter coolant, hotter engines: the sweep is monotonic.
            for pair in technology.sweep.windows(2) {
                assert!(pair[1].engine_mean_max_c > pair[0].engine_mean_max_c);
            }
        }
        // Integrated lasers run at the engine temperature, which the comparison now uses.
        let integrated = generation.technologies.iter().find(|t| t.id == "cpo_integrated").unwrap();
        let engine_temp = thermal
            .technologies
            .iter()
            .find(|t| t.id == "cpo_integrated")
            .unwrap()
            .nominal
            .engine_mean_max_c;
        let laser_temp = integrated.laser.as_ref().unwrap().power.laser_temp_c;
        assert!(
            (laser_temp - engine_temp).abs() < FIXED_POINT_TOLERANCE_K,
            "{laser_temp} vs {engine_temp}"
        );
    }
    // One thermal cycle per workload period (10 min -> 144 per day), at both sites.
    for technology in &output.thermal[1].technologies {
        let cycling = &technology.cycling;
        assert!(
            (cycling.asic.cycles_per_day - 144.0).abs() < 1.0,
            "{}",
            cycling.asic.cycles_per_day
        );
        assert!(
            cycling.asic.max_range_k > cycling.engine.max_range_k
                && cycling.engine.max_range_k > 0.5
        );
        assert!(cycling.asic.life_years.is_finite() && cycling.asic.life_years > 0.0);
    }
    // Photonics: every co-packaged technology with rings at every generation, driven by
    // the thermal transient.
    for photonics in &output.photonics {
        assert_eq!(photonics.technologies.len(), 2);
        for technology in &photonics.technologies {
            let result = &technology.nominal;
            // The predictor identified from the thermal engine's transient is nearly exact,
            // and feed-forward then leaves the loop only the prediction error (an identity
            // the photonics tests check), so the residual detuning must fall.
            assert!(result.predictor_r_squared > 0.99, "{}", result.predictor_r_squared);
            assert!(
                result.feed_forward.rms_detuning_nm < result.feedback.rms_detuning_nm,
                "{} vs {}",
                result.feed_forward.rms_detuning_nm,
                result.feedback.rms_detuning_nm
            );
            assert!(result.ring_swing_k > 0.1, "the workload must move the ring");
            assert_eq!(
                technology.inlet_sweep.len(),
                scenario.thermal.cold_plate.inlet_sweep_c.len()
            );
            // The nominal drift moved by an offset (what the co-design's flaps run on):
            // the nominal run at offset 0, and the inlet sweep's hottest point at the
            // drift offset of its inlet shift (the ring, and an integrated laser, move by
            // the shift), up to the rounding of the shifted drift.
            let g = scenario.generations.iter().position(|g| g.id == photonics.generation);
            let t = scenario.technologies.iter().position(|t| t.id == technology.id);
            let drift = nominal_drift(&scenario, g.unwrap(), t.unwrap()).unwrap().unwrap();
            let at_zero = drift.simulate(&scenario, 0.0, 2).unwrap();
            assert_eq!(
                at_zero.feedback.heater_mw_per_ring.to_bits(),
                result.feedback.heater_mw_per_ring.to_bits()
            );
            assert_eq!(
                at_zero.feedback.flaps_per_lane_hour.to_bits(),
                result.feedback.flaps_per_lane_hour.to_bits()
            );
            let hot = technology.inlet_sweep.last().unwrap();
            let shift_k = hot.inlet_c - scenario.thermal.cold_plate.nominal_inlet_c.0;
            let laser_k = if technology.laser_on_engine { shift_k } else { 0.0 };
            let offset =
                drift.offset_nm(drift.engine_temp_c + shift_k, drift.laser_temp_c + laser_k);
            let moved = drift.simulate(&scenario, offset, 2).unwrap();
            assert!(
                (moved.feedback.heater_mw_per_ring - hot.heater_mw_per_ring).abs()
                    < 1e-6 * hot.heater_mw_per_ring,
                "{} vs {}",
                moved.feedback.heater_mw_per_ring,
                hot.heater_mw_per_ring
            );
            assert!(
                (moved.feedback.flaps_per_lane_hour - hot.feedback_flaps_per_lane_hour).abs()
                    <= 2.0 * hot.feedback_flaps_se + 1e-9,
                "{} vs {}",
                moved.feedback.flaps_per_lane_hour,
                hot.feedback_flaps_per_lane_hour
            );
            assert_eq!(moved.unlockable_fraction.to_bits(), hot.unlockable_fraction.to_bits());
        }
    }
    // Yield: every co-packaged technology with rings at every generation, on inputs taken
    // from the other engines: the engine count and lanes of the package, the rings' mean
    // red shift at the settled temperatures, and the comparison's engine cost.
    for (generation, yields) in output.comparison.generations.iter().zip(&output.yields) {
        assert_eq!(yields.technologies.len(), 2);
        for technology in &yields.technologies {
            let compared = generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
            let tuning = compared.rings.as_ref().unwrap();
            assert!((technology.inputs.drift_mean_nm.0 - tuning.mean_offset_nm).abs() < 1e-12);
            let result = &technology.result;
            assert!(result.cost.total_usd >= result.cost.ideal_usd);
            assert!(result.package_yield.value > 0.0 && result.package_yield.value <= 1.0);
        }
        // The yielded switch cost: the comparison's BOM - ASIC - engines + the cost per
        // shipped package, never below the BOM (yield only adds cost).
        for technology in &yields.technologies {
            let compared = generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
            let with_yield = technology.switch_usd_per_gbps_with_yield;
            let inputs = &technology.inputs;
            let parts = inputs.asic_usd.0 + inputs.engines_per_package as f64 * inputs.engine_usd.0;
            let capacity = compared.cost.switch_usd / compared.cost.switch_usd_per_gbps;
            let expected =
                (compared.cost.switch_usd - parts + technology.result.cost.total_usd) / capacity;
            assert!((with_yield - expected).abs() < 1e-12 * expected);
            assert!(with_yield > compared.cost.switch_usd_per_gbps);
        }
        // Lasers outside the package take the laser mechanism out of package yield.
        let els = yields.technologies.iter().find(|t| t.id == "cpo_els").unwrap();
        assert_eq!(els.inputs.lanes_per_laser, 0);
        assert!(
            els.result.package_rejects_by_mechanism[cporamp_yield::Mechanism::Laser].value.abs()
                < 1e-15
        );
    }
    // Fleet: one fabric per listed technology plus the mixed one, at the fleet's
    // generation, each port fed by the engines upstream: its laser at the comparison's
    // (thermally converged) laser temperature, a co-packaged switch's latent defects at
    // the yield engine's escapes.
    let at = scenario.generations.iter().position(|g| g.id == scenario.fleet.generation).unwrap();
    let generation = &output.comparison.generations[at];
    assert_eq!(output.fleet.generation, generation.generation);
    assert_eq!(output.fleet.fabrics.len(), scenario.fleet.technologies.len() + 1);
    for fabric in &output.fleet.fabrics {
        assert_eq!(fabric.inputs.radix, generation.ports_per_switch as usize);
        for (tier, id) in fabric.inputs.tiers.iter().zip(&fabric.tiers) {
            let compared = generation.technologies.iter().find(|t| &t.id == id).unwrap();
            let laser_temp_c = compared.laser.as_ref().unwrap().power.laser_temp_c;
            assert!((tier.technology.laser.unwrap().temp_c.0 - laser_temp_c).abs() < 1e-12);
            if let Some(yielded) = output.yields[at].technologies.iter().find(|t| &t.id == id) {
                let latent = yielded.result.latent_escapes_dppm / 1e6;
                assert!((tier.technology.infant_probability - latent).abs() < 1e-15);
            }
        }
    }
    // Engine ports fail at their constant rate while they are alive; a dead port stays
    // dead until its switch is replaced at its F-th dead port (or for a hardware
    // failure). With n engine ports per switch at rate lambda each, a switch's cycle of
    // F failures lasts sum_{k<F} 1 / ((n - k) lambda) (renewal reward), so its ports fail
    // at F / sum_{k<F} 1 / (n - k) times lambda per switch, less the time the switch is
    // down (< 0.2 %); hardware replacements cut cycles short and raise it, at most to
    // n lambda (every port always alive), plus the latent defects (at most escapes x
    // switches / years). The tolerance is 3 Poisson standard errors of the mean over the
    // replications (a renewal count of failures at increasing rates varies less than a
    // Poisson count of the same mean, so this is conservative).
    let els = output.fleet.fabrics.iter().find(|fabric| fabric.id == "cpo_els").unwrap();
    let leaf = &els.result.tiers[0].ports.failures_per_year;
    let counts = &els.result.topology.tiers[0];
    let all_alive = counts.engine_ports as f64
        * crate::fleet::engine_port_fit(&scenario.fleet, generation.port_rate_gbps).0
        * cporamp_fleet::HOURS_PER_YEAR
        / 1e9;
    let n = counts.engine_ports / counts.switches;
    let replace_after = scenario.fleet.replace_after_failed_ports;
    let mean_alive =
        replace_after as f64 / (0..replace_after).map(|k| n as f64 / (n - k) as f64).sum::<f64>();
    let renewal = all_alive * mean_alive;
    let latent = els.inputs.tiers[0].technology.infant_probability * counts.switches as f64
        / scenario.fleet.years.0;
    let exposure_y = scenario.fleet.years.0 * scenario.fleet.replications as f64;
    let poisson_se = (renewal / exposure_y).sqrt();
    assert!(
        leaf.mean > renewal * 0.998 - 3.0 * poisson_se
            && leaf.mean < all_alive + latent + 3.0 * poisson_se,
        "{leaf:?} vs {renewal} to {all_alive} (+ {latent}), Poisson SE {poisson_se}"
    );
    // Market: anchored on the engines at the fleet's generation. The goodput surrogate at
    // laser factor 1 is the fleet's own CPO-vs-pluggable result (same inputs, same seed),
    // the margin is the limit minus the thermal engine's engine temperature, and the
    // co-packaged capex is the comparison's with yield.
    let market = &output.market;
    let anchors = &market.inputs.anchors;
    let cpo_id = &scenario.market.cpo_technology;
    let plug_id = &scenario.market.pluggable_technology;
    let goodput = |id: &str| {
        output.fleet.fabrics.iter().find(|f| f.id == id).unwrap().result.job.goodput.mean
    };
    let at_one = anchors.goodput_loss_vs_laser_factor.eval(1.0);
    assert!((at_one - (goodput(plug_id) - goodput(cpo_id))).abs() < 1e-12, "{at_one}");
    let engine_c = output.thermal[at]
        .technologies
        .iter()
        .find(|t| &t.id == cpo_id)
        .unwrap()
        .nominal
        .engine_mean_max_c;
    assert!(
        (anchors.engine_temp_margin_k.0 - (scenario.market.engine_temp_limit_c.0 - engine_c)).abs()
            < 1e-12
    );
    let compared = generation.technologies.iter().find(|t| &t.id == cpo_id).unwrap();
    let yielded = output.yields[at].technologies.iter().find(|t| &t.id == cpo_id).unwrap();
    assert!(
        (anchors.cpo_usd_per_gbps_at_reference - yielded.switch_usd_per_gbps_with_yield).abs()
            < 1e-12
    );
    // The liquid-cooling bill per Gb/s: plates and the rest add up to the comparison's
    // bill per switch, the plates being the package's one plate.
    let cooling = &anchors.cpo_cooling;
    let capacity = f64::from(generation.ports_per_switch) * generation.port_rate_gbps;
    let bill = compared.cost.cooling_usd_per_switch.unwrap();
    let plates = &scenario.codesign.bom.asic_cold_plate;
    assert!(
        ((cooling.cold_plates_usd_per_gbps + cooling.infrastructure_usd_per_gbps) * capacity
            - bill)
            .abs()
            < 1e-9 * bill
    );
    assert!(
        (cooling.cold_plates_usd_per_gbps * capacity - 0.5 * (plates.low + plates.high)).abs()
            < 1e-9
    );
    let total: f64 = market.result.probabilities.iter().map(|p| p.probability).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    // The yield surrogate at factor 1 is the yield engine on the same inputs (fewer
    // packages, same seed): within 3 standard errors of the engine's own yield.
    let yielded = output.yields[at].technologies.iter().find(|t| &t.id == cpo_id).unwrap();
    let engine = yielded.result.package_yield;
    let surface = &anchors.cpo_yield;
    let at_reference = surface.package_yield(&cporamp_market::YieldFactors::REFERENCE);
    let se = (engine.value * (1.0 - engine.value)
        / scenario.yield_settings.ramp.packages_per_point as f64)
        .sqrt()
        .hypot(engine.se);
    assert!((at_reference - engine.value).abs() < 3.0 * se, "{at_reference} vs {engine:?}");
    assert!(
        (surface.reference_yield - engine.value).abs() < 3.0 * se,
        "{} vs {engine:?}",
        surface.reference_yield
    );
    // The goodput surrogates along each multiplier hold the fleet's own result at 1.
    let engine_at_one = anchors.goodput_loss_vs_engine_factor.eval(1.0);
    assert!((engine_at_one - at_one).abs() < 1e-12, "{engine_at_one} vs {at_one}");
    // The thermal check reads the thermal and photonics engines at every inlet.
    let sweep = &output.thermal[at].technologies.iter().find(|t| &t.id == cpo_id).unwrap().sweep;
    assert_eq!(anchors.hot_end.len(), sweep.len());
    for (point, thermal) in anchors.hot_end.iter().zip(sweep) {
        assert_eq!(point.inlet_c.0.to_bits(), thermal.inlet_c.to_bits());
        assert_eq!(point.engine_temp_c.0.to_bits(), thermal.engine_mean_max_c.to_bits());
    }
    // Integrated lasers at the engine temperature wear out faster than the same number of
    // lasers fed from a cool ELS: more port failures per port-year.
    let integrated =
        output.fleet.fabrics.iter().find(|fabric| fabric.id == "cpo_integrated").unwrap();
    assert!(
        integrated.result.tiers[0].ports.failures_per_year.mean
            > els.result.tiers[0].ports.failures_per_year.mean
                + els.result.tiers[0].els_lasers.failures_per_year.mean
    );
    // Cross-engine check, without heater crosstalk (which the comparison's closed form
    // leaves out): the population's mean heater power per ring against the comparison's
    // E[(d mod F)]/eta (wrapped normal). The heater shift lies in [0, F), so its
    // lane-to-lane sd is at most F/2: 3 SE < 3 F / (2 sqrt(n)) / eta.
    let mut independent = scenario.clone();
    independent.photonics.heater_crosstalk = 0.0;
    let independent =
        run_generation(&independent, "51.2T", &crate::fixture::two_threads()).unwrap();
    let (generation, photonics) = (independent.comparison, independent.photonics);
    for technology in &photonics.technologies {
        let result = &technology.nominal;
        let compared = generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
        let closed_form = compared.rings.as_ref().unwrap().heater_mw_per_ring;
        let rings = scenario.technologies.iter().find(|t| t.id == technology.id).unwrap();
        let rings = rings.rings.as_ref().unwrap();
        let tolerance = 3.0 * rings.fsr.0
            / (2.0 * (result.lanes as f64).sqrt())
            / rings.heater_efficiency_nm_per_mw;
        assert!(
            (result.feedback.heater_mw_per_ring - closed_form).abs() < tolerance,
            "{}: MC {} mW vs closed form {closed_form} mW (tolerance {tolerance})",
            technology.id,
            result.feedback.heater_mw_per_ring
        );
    }
    // The published CPO figures still hold at the thermal engine's temperatures:
    // [S04] Bailly ~5.5 W per 800G, [S11] ~9 W per 1.6T port (see cporamp-compare's tests).
    let port_w = |generation: usize, id: &str| {
        output.comparison.generations[generation]
            .technologies
            .iter()
            .find(|t| t.id == id)
            .unwrap()
            .port_power
            .optics_w
    };
    assert!((5.0..=6.0).contains(&port_w(0, "cpo_els")), "{}", port_w(0, "cpo_els"));
    assert!((8.0..=10.0).contains(&port_w(1, "cpo_els")), "{}", port_w(1, "cpo_els"));
}

#[test]
fn spare_lanes_cost_their_share_of_the_engine_and_rescue_engines() {
    // 4 spare lanes on engines of L lanes: each engine costs (L + 4) / L as much, and
    // fewer packages fail (a lane failure no longer fails its engine).
    let mut scenario = fixture::small();
    scenario.yield_settings.packages = 400;
    let generation_index = 1;
    let id = &scenario.generations[generation_index].id.clone();
    let technology_index =
        scenario.technologies.iter().position(|t| t.id == "cpo_integrated").unwrap();
    let at = |spares: usize| {
        let mut scenario = scenario.clone();
        scenario.yield_settings.spare_lanes_per_engine = spares;
        let comparison = cporamp_compare::compare_one(&scenario, id).unwrap();
        let compared = comparison
            .technologies
            .iter()
            .find(|t| t.id == scenario.technologies[technology_index].id)
            .unwrap()
            .clone();
        yield_for(&scenario, generation_index, technology_index, &compared, 84.0, 2)
            .unwrap()
            .unwrap()
    };
    let (none, four) = (at(0), at(4));
    let lanes = none.inputs.lanes_per_engine as f64;
    let ratio = four.inputs.engine_usd.0 / none.inputs.engine_usd.0;
    assert!((ratio - (lanes + 4.0) / lanes).abs() < 1e-12, "{ratio} for {lanes} lanes");
    assert!(
        four.result.package_yield.value > none.result.package_yield.value,
        "{:?} vs {:?}",
        four.result.package_yield,
        none.result.package_yield
    );
}

#[test]
fn a_calibrated_run_reproduces_the_generating_yield_within_3_se() {
    // The yield engine's test data of the fixture's cpo_integrated at 102.4T (256
    // packages), fitted, put back into the scenario and run again: the package yield of
    // the refit equals the generating one within 3 standard errors of their difference
    // (the two runs' binomial SEs in quadrature; the fits' own error moves the yield by
    // far less than that at 512 packages).
    let scenario = fixture::small();
    let options = crate::fixture::two_threads();
    let generation = "102.4T";
    let generation_index = generation_index(&scenario, generation).unwrap();
    let technology_index =
        scenario.technologies.iter().position(|t| t.id == "cpo_integrated").unwrap();
    let of = |output: &GenerationOutput| {
        output.yields.technologies.iter().find(|t| t.id == "cpo_integrated").unwrap().clone()
    };
    let generating = of(&run_generation(&scenario, generation, &options).unwrap());
    let model = calibrate::fit_model(&scenario, technology_index, generation_index).unwrap();
    // The fit model is what the yield engine was given: the package side the calibration
    // builds is the one the settled run gave the yield engine.
    assert_eq!(model, cporamp_inspect::yield_fit::FitModel::of_inputs(&generating.inputs));
    let lanes = cporamp_yield::test_records(&generating.inputs, 256).unwrap();
    let mut inspector = cporamp_inspect::Inspector::new(cporamp_inspect::InspectOptions {
        lasers: Some(cporamp_inspect::LaserModel {
            lanes_per_laser: model.lanes_per_laser,
            engine_test_coverage: generating.inputs.engine_test[cporamp_yield::Mechanism::Laser],
            scenario_probability: generating.inputs.laser_dead_probability,
        }),
        fit_model: Some(model),
        ..cporamp_inspect::InspectOptions::default()
    });
    inspector.intern("package_test");
    for (row, lane) in lanes.iter().enumerate() {
        inspector.push(&cporamp_inspect::Record::of_lane(lane, 0, row as u64 + 1)).unwrap();
    }
    let fits = inspector.finish(1).yield_fits.unwrap();
    let (calibrated, changed) =
        calibrate::calibrated(&scenario, technology_index, generation_index, &fits);
    let fields: Vec<&str> = changed.iter().map(|c| c.field.as_str()).collect();
    assert!(
        fields.contains(&"photonics.block_sigma_um")
            && fields.contains(&"photonics.fiber_sigma_um")
            && fields.contains(&"yield.laser_defects_per_laser")
            && fields.contains(&"photonics.global_variance_fraction")
            // Schema 3: 11 ASIC wafers sorted, every package's warpage measured, and what
            // the first package test caught.
            && fields.contains(&"yield.asic_defects_per_cm2")
            && fields.contains(&"yield.asic_cluster_alpha")
            && fields.contains(&"yield.warpage_um_per_mm2")
            && fields.contains(&"yield.warpage_sigma_fraction")
            && fields.contains(&"yield.package_test_coverage.coupling"),
        "{fields:?}"
    );
    let refit = of(&run_generation(&calibrated, generation, &options).unwrap());
    assert_ne!(refit.inputs, generating.inputs, "the refit ran on the fitted values");
    let (a, b) = (generating.result.package_yield, refit.result.package_yield);
    let se = a.se.hypot(b.se);
    assert!((a.value - b.value).abs() < 3.0 * se, "{a:?} vs {b:?}");
    // The wafer-sort pass fraction, now that DA and alpha are fitted from 11 wafers: the
    // data's own sampling error (593 dies, binomial) joins the runs'.
    let (a, b) = (generating.result.wafer_test_pass, refit.result.wafer_test_pass);
    let data_se = (a.value * (1.0 - a.value) / 593.0).sqrt();
    let se = a.se.hypot(b.se).hypot(data_se);
    assert!((a.value - b.value).abs() < 3.0 * se, "{a:?} vs {b:?}");
}

#[test]
fn asic_power_follows_its_settled_temperature_and_runaway_is_an_error() {
    let scenario = fixture::small();
    let output = run_generation(&scenario, "102.4T", &crate::fixture::two_threads()).unwrap();
    let (comparison, thermal) = (output.comparison, output.thermal);
    let settings = scenario.thermal.leakage;
    let leakage = &settings;
    for technology in &thermal.technologies {
        let nominal_w = comparison
            .technologies
            .iter()
            .find(|t| t.id == technology.id)
            .unwrap()
            .switch_power
            .asic_w;
        // Self-consistency to the loop's 0.01 K: dP/dT = beta f P_nom e^(...) ~ 3 W/K.
        let at_settled = leakage.power_w(nominal_w, technology.nominal.asic_mean_c);
        assert!(
            (technology.asic_w - at_settled).abs() < 0.1,
            "{} vs {at_settled}",
            technology.asic_w
        );
        // Below the 70 °C reference, leakage is below its nominal 20 %.
        assert!(technology.nominal.asic_mean_c < settings.reference_temp_c.0);
        assert!(technology.asic_leakage_w < 0.2 * nominal_w && technology.asic_leakage_w > 0.0);
    }
    // All leakage and a steep exponent on a weak sink: no fixed point.
    let mut hot = scenario.clone();
    hot.thermal.leakage.fraction = 0.95;
    hot.thermal.leakage.beta_per_k = 0.2;
    hot.thermal.cold_plate.flow_l_per_min.0 = 0.2;
    let error = run_generation(&hot, "102.4T", &crate::fixture::two_threads()).unwrap_err();
    assert!(matches!(error, PipelineError::Runaway { .. }), "{error}");
}

#[test]
fn the_drift_grid_is_converged_for_the_ring_swing() {
    // The drift transient runs on drift_grid_cells (32) per side; the full 64-cell model
    // gives a ring swing within 3 % (the scenario's comment cites the figures). The ring
    // swing is a thermal figure, not a Monte Carlo one: the fixture's fewer lanes and
    // packages do not change it. (Its coarser steady grid moves the settled powers that
    // drive both transients a little; the two drift grids still see the same powers.)
    let scenario = fixture::small();
    assert_eq!(scenario.photonics.drift_grid_cells, 32);
    let coarse =
        run_generation(&scenario, "51.2T", &crate::fixture::two_threads()).unwrap().photonics;
    let mut fine = scenario.clone();
    fine.photonics.drift_grid_cells = 64;
    let fine = run_generation(&fine, "51.2T", &crate::fixture::two_threads()).unwrap().photonics;
    for (a, b) in coarse.technologies.iter().zip(&fine.technologies) {
        let (swing_coarse, swing_fine) = (a.nominal.ring_swing_k, b.nominal.ring_swing_k);
        assert!(
            ((swing_coarse - swing_fine) / swing_fine).abs() < 0.03,
            "{swing_coarse} vs {swing_fine}"
        );
    }
}
