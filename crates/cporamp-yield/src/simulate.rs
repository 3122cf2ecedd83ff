//! The Monte Carlo's streams, one batch of packages, and the pool of runs and batches.

use super::*;

/// Random stream `family` (1 ELS modules, 2 test-data detail, 3 the line) of batch `batch`:
/// Xoshiro256++ seeded from `seed`, moved $2^{192}$ steps per family and $2^{128}$ per batch,
/// so no two streams overlap.
pub(crate) fn stream(seed: u64, family: usize, batch: usize) -> Xoshiro256PlusPlus {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    for _ in 0..family {
        rng.long_jump();
    }
    for _ in 0..batch {
        rng.jump();
    }
    rng
}

/// Package `index`'s own stream: Xoshiro256++ seeded through SplitMix64 (as
/// `seed_from_u64` does) from the scenario seed, mixed, and the package index.
pub(crate) fn package_stream(seed: u64, index: usize) -> Xoshiro256PlusPlus {
    let mixed = SplitMix64::seed_from_u64(seed).next_u64();
    Xoshiro256PlusPlus::seed_from_u64(mixed ^ index as u64)
}

/// Simulates one batch of packages.
pub(crate) fn run_batch(
    inputs: &YieldInputs,
    batch: usize,
    packages: usize,
    mut records: Option<&mut Vec<LaneRecord>>,
) -> Tally {
    // Each package draws from its own stream, so that what one package drew does not shift
    // the next one's: common random numbers hold package by package when an input changes
    // (the ramp, the tornado, the market's yield surrogate). The ELS modules draw from their
    // own stream too, as does the line (wafers and lots); heater shifts and fiber positions
    // that only test data need come from a fourth, so that writing test data does not change
    // the packages.
    let mut els_rng = stream(inputs.seed, 1, batch);
    let mut detail_rng = records.is_some().then(|| stream(inputs.seed, 2, batch));
    let draws = EngineDraws::new(inputs);
    let els_draws = inputs.els.map(|els| (els, ElsDraws::new(inputs, &els)));
    let mut tally = Tally::default();
    let mut line = Line::new(inputs, stream(inputs.seed, 3, batch));
    let attach = Attach::new(inputs, records.is_some());
    let warpage = normal(inputs.warpage_sigma_um);
    let m = inputs.engines_per_package;
    // Buffers reused from package to package.
    let mut pool = LanePool::default();
    let mut engines: Vec<Engine> = Vec::with_capacity(m);
    let mut placements: Vec<Placement> = Vec::with_capacity(m);
    let mut states: Vec<EngineState> = Vec::with_capacity(m);
    // Dies sorted and passed per ASIC wafer, for the test data.
    let mut wafer_sort: Vec<(usize, usize)> = Vec::new();
    for package in 0..packages {
        let mut rng = package_stream(inputs.seed, batch * BATCH + package);
        for engine in engines.drain(..) {
            pool.give(engine.lanes);
        }
        for placement in placements.drain(..) {
            pool.give(placement.lanes);
        }
        // ASIC: wafer test with replacement (known-good die).
        let defects = loop {
            let defects = line.next_die(inputs);
            tally.asics_tested += 1;
            let caught = (0..defects).any(|_| rng.random::<f64>() < inputs.wafer_test_coverage);
            if records.is_some() {
                // The wafer sort of each ASIC wafer (wafers are numbered from 0 in a batch).
                if wafer_sort.len() <= line.wafer {
                    wafer_sort.resize(line.wafer + 1, (0, 0));
                }
                wafer_sort[line.wafer].0 += 1;
                wafer_sort[line.wafer].1 += usize::from(!caught);
            }
            if !caught {
                tally.asics_passed += 1;
                break defects;
            }
        };
        // Engines: engine test with replacement.
        for _ in 0..m {
            let engine = loop {
                let engine = sample_engine(
                    inputs,
                    &draws,
                    &mut line,
                    &mut tally,
                    &mut rng,
                    detail_rng.as_mut(),
                    &mut pool,
                );
                tally.engines_tested += 1;
                let state = if engine.any_failed {
                    engine_state(&engine.lanes, inputs)
                } else {
                    NO_FAILURE
                };
                if !detect(&state.failed, &inputs.engine_test, &mut rng).values().any(|&d| d) {
                    tally.engines_passed += 1;
                    break engine;
                }
                pool.give(engine.lanes);
            };
            engines.push(engine);
        }
        let els_weak = els_draws
            .as_ref()
            .is_some_and(|(els, draws)| els_modules(els, draws, &mut tally, &mut els_rng));
        // Assembly and fiber attach: warpage, coupling, bumps.
        tally.packages += 1;
        let corner_warp = inputs.warpage_mean_um + warpage.sample(&mut rng);
        let bga_limit = inputs.bga_open_low_um
            + (inputs.bga_open_high_um - inputs.bga_open_low_um) * rng.random::<f64>();
        let bga_open = corner_warp.abs() * inputs.reflow_warpage_fraction > bga_limit;
        tally.bga_opens += u64::from(bga_open);
        placements.extend(engines.iter().enumerate().map(|(index, engine)| {
            let rho_sq = crate::attach::engine_rho_sq(index, m);
            attach.attach(engine, rho_sq, corner_warp, &mut rng, detail_rng.as_mut(), &mut pool)
        }));
        let mut present = package_present(inputs, &placements, bga_open, defects, &mut states);
        tally.lanes += placements.iter().map(|p| p.lanes.len() as u64).sum::<u64>();
        for mech in Mechanism::ALL {
            let count: u64 = states.iter().map(|state| state.lane_failures[mech]).sum();
            tally.lane_failures[mech] += count;
            tally.lane_failures_sq[mech] += count * count;
        }
        let mut detected = package_test(inputs, &present, defects, &mut tally, &mut rng);
        let first_detected = detected;
        if let Some((first, _)) = detected.iter().find(|(_, d)| **d) {
            tally.first_rejects[first] += 1;
        }
        // Rework: re-attach the fiber blocks of engines with coupling failures.
        let mut reworks = 0;
        let mut damaged = false;
        while detected.values().any(|&d| d)
            && detected.iter().all(|(mechanism, &d)| !d || mechanism == Mechanism::Coupling)
            && reworks < inputs.rework.attempts
        {
            reworks += 1;
            tally.reworks += 1;
            if rng.random::<f64>() < inputs.rework.damage_probability {
                damaged = true;
                tally.rework_damaged += 1;
                break;
            }
            for (placement, engine) in placements.iter_mut().zip(&engines) {
                if placement.lanes.iter().any(|lane| lane[Mechanism::Coupling]) {
                    let replaced = attach.attach(
                        engine,
                        placement.rho_sq,
                        corner_warp,
                        &mut rng,
                        detail_rng.as_mut(),
                        &mut pool,
                    );
                    pool.give(std::mem::replace(placement, replaced).lanes);
                }
            }
            present = package_present(inputs, &placements, bga_open, defects, &mut states);
            detected = package_test(inputs, &present, defects, &mut tally, &mut rng);
        }
        let package_passed = !(damaged || detected.values().any(|&d| d));
        // System test of the passing package in its switch (a second chance for what package
        // test missed; weak lasers are latent and pass).
        let mut system_detected = ByMechanism([false; 5]);
        let system_caught = package_passed && {
            tally.package_passed += 1;
            tally.rework_recovered += u64::from(reworks > 0);
            tally.system_tests += 1;
            let mut caught = detect(&present, &inputs.system_test, &mut rng);
            caught[Mechanism::Asic] =
                (0..defects).any(|_| rng.random::<f64>() < inputs.system_test[Mechanism::Asic]);
            system_detected = caught;
            caught.values().any(|&c| c)
        };
        tally.system_rejects += u64::from(system_caught);
        let rejected = !package_passed || system_caught;
        if let Some(records) = records.as_deref_mut() {
            let names = |caught: &ByMechanism<bool>| {
                let names: Vec<&str> =
                    caught.iter().filter(|(_, c)| **c).map(|(m, _)| m.name()).collect();
                names.join("+")
            };
            let (package_caught, system_caught) = (names(&first_detected), names(&system_detected));
            for (index, (placement, engine)) in placements.iter().zip(&engines).enumerate() {
                for (lane_index, lane) in placement.lanes.iter().enumerate() {
                    let failures: Vec<&str> = lane
                        .iter()
                        .filter(|(_, failed)| **failed)
                        .map(|(mechanism, _)| mechanism.name())
                        .collect();
                    records.push(LaneRecord {
                        lot: line.lot,
                        wafer: line.wafer,
                        pic_wafer: engine.pic_wafer,
                        package,
                        engine: index,
                        lane: lane_index,
                        position_rho_sq: placement.rho_sq,
                        gap_um: placement.gap_um,
                        coupling_loss_db: placement.loss_db[lane_index],
                        heater_shift_nm: engine.shift_nm[lane_index],
                        laser_dead: lane[Mechanism::Laser],
                        laser_weak: engine.weak_lane[lane_index],
                        failures: failures.join("+"),
                        reworks,
                        package_test_pass: package_passed,
                        shipped: !rejected,
                        // Filled in once the batch's wafer sort is known (below).
                        asic_wafer_dies_tested: 0,
                        asic_wafer_dies_passed: 0,
                        warpage_um: corner_warp,
                        package_test_caught: package_caught.clone(),
                        system_test_caught: system_caught.clone(),
                    });
                }
            }
        }
        if rejected {
            for mech in Mechanism::ALL {
                tally.rejects[mech] += u64::from(present[mech]);
            }
            continue;
        }
        tally.shipped += 1;
        tally.els_weak_shipped += u64::from(els_weak);
        let mut escaped = present;
        let latent = engines.iter().any(|engine| engine.weak_lasers > 0);
        tally.latent_escapes += u64::from(latent);
        escaped[Mechanism::Laser] |= latent;
        for mech in Mechanism::ALL {
            tally.escapes[mech] += u64::from(escaped[mech]);
        }
        tally.escapes_any += u64::from(escaped.values().any(|&e| e));
    }
    if let Some(records) = records {
        for record in records.iter_mut() {
            let (tested, passed) = wafer_sort.get(record.wafer).copied().unwrap_or_default();
            record.asic_wafer_dies_tested = tested;
            record.asic_wafer_dies_passed = passed;
        }
    }
    tally
}

/// Runs the Monte Carlo on `threads` threads (the result does not depend on them).
///
/// # Errors
/// [`YieldInputError`] naming the input out of range.
pub fn simulate(inputs: &YieldInputs, threads: usize) -> Result<YieldResult, YieldInputError> {
    let (mut results, _) = simulate_all(std::slice::from_ref(inputs), &[], threads, &|| {})?;
    Ok(results.remove(0))
}

/// Runs the Monte Carlo of every entry of `runs` and the closed forms of every entry of
/// `closed_forms` on `threads` threads, as one pool of work: the closed forms first, then
/// each run's batches, handed to whichever thread is free (a run's batch draws from its own
/// streams, so each result equals [`simulate()`]'s and none depends on the thread count or
/// order). Used where an engine's results need many runs (the ramp, the tornado, a
/// surrogate) so that no thread waits for the slowest batch of each run in turn.
/// `done` is called after each piece of work, of which there are [`work_units`].
///
/// # Errors
/// [`YieldInputError`] naming the input out of range, of the first run that has one.
pub fn simulate_all(
    runs: &[YieldInputs],
    closed_forms: &[YieldInputs],
    threads: usize,
    done: &(dyn Fn() + Sync),
) -> Result<(Vec<YieldResult>, Vec<closed_form::ClosedForms>), YieldInputError> {
    for inputs in runs.iter().chain(closed_forms) {
        check(inputs)?;
    }
    /// One piece of work: a closed form, or one batch of a run.
    enum Job {
        ClosedForms(usize),
        Batch { run: usize, batch: usize },
    }
    /// What a piece of work produced (a batch's tally is the common, larger kind).
    #[allow(clippy::large_enum_variant, reason = "batches far outnumber closed forms")]
    enum Done {
        ClosedForms(closed_form::ClosedForms),
        Batch(Tally),
    }
    let jobs: Vec<Job> = (0..closed_forms.len())
        .map(Job::ClosedForms)
        .chain(runs.iter().enumerate().flat_map(|(run, inputs)| {
            (0..inputs.packages.div_ceil(BATCH)).map(move |batch| Job::Batch { run, batch })
        }))
        .collect();
    let work = |job: &Job| {
        let output = match *job {
            Job::ClosedForms(index) => {
                Done::ClosedForms(closed_form::closed_forms(&closed_forms[index]))
            }
            Job::Batch { run, batch } => {
                let inputs = &runs[run];
                let count = BATCH.min(inputs.packages - batch * BATCH);
                Done::Batch(run_batch(inputs, batch, count, None))
            }
        };
        done();
        output
    };
    let outputs = cporamp_core::parallel::map_in_order(&jobs, threads, work);
    let mut forms = Vec::with_capacity(closed_forms.len());
    let mut totals = vec![Tally::default(); runs.len()];
    // Batches are summed in batch order within each run (the order `jobs` lists them in).
    for (job, output) in jobs.iter().zip(outputs) {
        match (job, output) {
            (Job::ClosedForms(_), Done::ClosedForms(form)) => forms.push(form),
            (Job::Batch { run, .. }, Done::Batch(tally)) => totals[*run].add(&tally),
            _ => unreachable!("a job's output is of its kind"),
        }
    }
    let results = runs.iter().zip(&totals).map(|(inputs, tally)| result(inputs, tally)).collect();
    Ok((results, forms))
}

/// The pieces of work [`simulate_all`] reports through `done`: one per closed form and one
/// per batch of [`BATCH`] packages of each run.
#[must_use]
pub fn work_units(runs: &[YieldInputs], closed_forms: &[YieldInputs]) -> usize {
    closed_forms.len() + runs.iter().map(|inputs| inputs.packages.div_ceil(BATCH)).sum::<usize>()
}
