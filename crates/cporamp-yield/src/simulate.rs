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
    let warpage = normal(inputs.warpage_sigma_um.0);
    let m = inputs.engines_per_package;
    // Buffers reused from package to package.
    let mut buffers = Buffers {
        pool: LanePool::default(),
        engines: Vec::with_capacity(m),
        placements: Vec::with_capacity(m),
        states: Vec::with_capacity(m),
    };
    // Dies sorted and passed per ASIC wafer, for the test data.
    let mut wafer_sort: Vec<(usize, usize)> = Vec::new();
    for package in 0..packages {
        let mut rng = package_stream(inputs.seed, batch * BATCH + package);
        for engine in buffers.engines.drain(..) {
            buffers.pool.give(engine.lanes);
        }
        for placement in buffers.placements.drain(..) {
            buffers.pool.give(placement.lanes);
        }
        // ASIC: wafer test with replacement (known-good die).
        let defects = tested_asic(
            inputs,
            &mut line,
            &mut tally,
            &mut rng,
            records.is_some().then_some(&mut wafer_sort),
        );
        // Engines: engine test with replacement.
        for _ in 0..m {
            buffers.engines.push(tested_engine(
                inputs,
                &draws,
                &mut line,
                &mut tally,
                &mut rng,
                detail_rng.as_mut(),
                &mut buffers.pool,
            ));
        }
        let els_weak = els_draws
            .as_ref()
            .is_some_and(|(els, draws)| els_modules(els, draws, &mut tally, &mut els_rng));
        // Assembly and fiber attach: warpage, coupling, bumps.
        tally.packages += 1;
        let (corner_warp, bga_open) = warpage_and_bga(inputs, &warpage, &mut tally, &mut rng);
        let Buffers { pool, engines, placements, states } = &mut buffers;
        placements.extend(engines.iter().enumerate().map(|(index, engine)| {
            let rho_sq = crate::attach::engine_rho_sq(index, m);
            attach.attach(engine, rho_sq, corner_warp, &mut rng, detail_rng.as_mut(), pool)
        }));
        let present = package_present(inputs, placements, bga_open, defects, states);
        tally_lanes(&mut tally, placements, states);
        let detected = package_test(inputs, &present, defects, &mut tally, &mut rng);
        let first_detected = detected;
        tally_first_reject(&mut tally, &detected);
        let mut assembled =
            Assembled { corner_warp_um: corner_warp, bga_open, defects, present, detected };
        let (reworks, damaged) = rework(
            inputs,
            &attach,
            &mut buffers,
            &mut assembled,
            &mut tally,
            &mut rng,
            detail_rng.as_mut(),
        );
        let Assembled { present, detected, .. } = assembled;
        let package_passed = !(damaged || detected.values().any(|&d| d));
        // System test of the passing package in its switch (a second chance for what package
        // test missed; weak lasers are latent and pass).
        let system_detected = if package_passed {
            system_test(inputs, &present, defects, reworks, &mut tally, &mut rng)
        } else {
            ByMechanism([false; 5])
        };
        let system_caught = package_passed && system_detected.values().any(|&c| c);
        tally.system_rejects += u64::from(system_caught);
        let rejected = !package_passed || system_caught;
        if let Some(records) = records.as_deref_mut() {
            let outcome = PackageOutcome {
                package,
                reworks,
                package_passed,
                shipped: !rejected,
                corner_warp_um: corner_warp,
                package_detected: &first_detected,
                system_detected: &system_detected,
            };
            record_lanes(records, &line, &buffers.placements, &buffers.engines, &outcome);
        }
        if rejected {
            tally_rejected(&mut tally, &present);
            continue;
        }
        tally_shipped(&mut tally, present, &buffers.engines, els_weak);
    }
    if let Some(records) = records {
        fill_wafer_sort(records, &wafer_sort);
    }
    tally
}

/// Draws the package's corner warpage, µm, and whether its BGA opens at reflow (against a
/// limit drawn between `bga_open_low_um` and `bga_open_high_um`).
fn warpage_and_bga(
    inputs: &YieldInputs,
    warpage: &Normal<f64>,
    tally: &mut Tally,
    rng: &mut Xoshiro256PlusPlus,
) -> (f64, bool) {
    let corner_warp = inputs.warpage_mean_um.0 + warpage.sample(rng);
    let bga_limit = inputs.bga_open_low_um.0
        + (inputs.bga_open_high_um.0 - inputs.bga_open_low_um.0) * rng.random::<f64>();
    let bga_open = corner_warp.abs() * inputs.reflow_warpage_fraction > bga_limit;
    tally.bga_opens += u64::from(bga_open);
    (corner_warp, bga_open)
}

/// Counts the first mechanism package test caught, if any.
fn tally_first_reject(tally: &mut Tally, detected: &ByMechanism<bool>) {
    if let Some((first, _)) = detected.iter().find(|(_, d)| **d) {
        tally.first_rejects[first] += 1;
    }
}

/// Counts a rejected package's failures present, per mechanism.
fn tally_rejected(tally: &mut Tally, present: &ByMechanism<bool>) {
    for mech in Mechanism::ALL {
        tally.rejects[mech] += u64::from(present[mech]);
    }
}

/// Fills each test-data record's ASIC wafer sort (dies tested and passed on its wafer).
fn fill_wafer_sort(records: &mut [LaneRecord], wafer_sort: &[(usize, usize)]) {
    for record in records.iter_mut() {
        let (tested, passed) = wafer_sort.get(record.wafer).copied().unwrap_or_default();
        record.asic_wafer_dies_tested = tested;
        record.asic_wafer_dies_passed = passed;
    }
}

/// The lane, engine, placement and engine-state buffers reused from package to package.
struct Buffers {
    pool: LanePool,
    engines: Vec<Engine>,
    placements: Vec<Placement>,
    states: Vec<EngineState>,
}

/// One assembled package: its corner warpage, BGA and ASIC defects, and what is present
/// and what package test detected (updated by each rework round).
struct Assembled {
    corner_warp_um: f64,
    bga_open: bool,
    defects: u64,
    present: ByMechanism<bool>,
    detected: ByMechanism<bool>,
}

/// Rework: while package test catches coupling failures only, re-attaches the fiber blocks
/// of the engines with coupling failures and tests again, up to the attempts allowed.
/// Returns the rounds run and whether one damaged the package.
fn rework(
    inputs: &YieldInputs,
    attach: &Attach,
    buffers: &mut Buffers,
    package: &mut Assembled,
    tally: &mut Tally,
    rng: &mut Xoshiro256PlusPlus,
    mut detail_rng: Option<&mut Xoshiro256PlusPlus>,
) -> (usize, bool) {
    let Buffers { pool, engines, placements, states } = buffers;
    let mut reworks = 0;
    let mut damaged = false;
    while package.detected.values().any(|&d| d)
        && package.detected.iter().all(|(mechanism, &d)| !d || mechanism == Mechanism::Coupling)
        && reworks < inputs.rework.attempts
    {
        reworks += 1;
        tally.reworks += 1;
        if rng.random::<f64>() < inputs.rework.damage_probability {
            damaged = true;
            tally.rework_damaged += 1;
            break;
        }
        for (placement, engine) in placements.iter_mut().zip(engines.iter()) {
            if placement.lanes.iter().any(|lane| lane[Mechanism::Coupling]) {
                let replaced = attach.attach(
                    engine,
                    placement.rho_sq,
                    package.corner_warp_um,
                    rng,
                    detail_rng.as_deref_mut(),
                    pool,
                );
                pool.give(std::mem::replace(placement, replaced).lanes);
            }
        }
        package.present =
            package_present(inputs, placements, package.bga_open, package.defects, states);
        package.detected = package_test(inputs, &package.present, package.defects, tally, rng);
    }
    (reworks, damaged)
}

/// Draws ASIC dies from the line until one passes wafer test (known-good die) and returns its
/// defects; with `wafer_sort` (test data), counts the dies tested and passed per ASIC wafer.
fn tested_asic(
    inputs: &YieldInputs,
    line: &mut Line,
    tally: &mut Tally,
    rng: &mut Xoshiro256PlusPlus,
    mut wafer_sort: Option<&mut Vec<(usize, usize)>>,
) -> u64 {
    loop {
        let defects = line.next_die(inputs);
        tally.asics_tested += 1;
        let caught = (0..defects).any(|_| rng.random::<f64>() < inputs.wafer_test_coverage);
        if let Some(wafer_sort) = wafer_sort.as_deref_mut() {
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
    }
}

/// Samples engines until one passes engine test (the failed ones' lanes back to `pool`).
fn tested_engine(
    inputs: &YieldInputs,
    draws: &EngineDraws,
    line: &mut Line,
    tally: &mut Tally,
    rng: &mut Xoshiro256PlusPlus,
    mut detail_rng: Option<&mut Xoshiro256PlusPlus>,
    pool: &mut LanePool,
) -> Engine {
    loop {
        let engine =
            sample_engine(inputs, draws, line, tally, rng, detail_rng.as_deref_mut(), pool);
        tally.engines_tested += 1;
        let state =
            if engine.any_failed { engine_state(&engine.lanes, inputs) } else { NO_FAILURE };
        if !detect(&state.failed, &inputs.engine_test, rng).values().any(|&d| d) {
            tally.engines_passed += 1;
            break engine;
        }
        pool.give(engine.lanes);
    }
}

/// Counts the package's lanes and its lane failures per mechanism (and their squares).
fn tally_lanes(tally: &mut Tally, placements: &[Placement], states: &[EngineState]) {
    tally.lanes += placements.iter().map(|p| p.lanes.len() as u64).sum::<u64>();
    for mech in Mechanism::ALL {
        let count: u64 = states.iter().map(|state| state.lane_failures[mech]).sum();
        tally.lane_failures[mech] += count;
        tally.lane_failures_sq[mech] += count * count;
    }
}

/// System test of a package that passed package test, in its switch: what it catches (a
/// second chance for what package test missed; weak lasers are latent and pass).
fn system_test(
    inputs: &YieldInputs,
    present: &ByMechanism<bool>,
    defects: u64,
    reworks: usize,
    tally: &mut Tally,
    rng: &mut Xoshiro256PlusPlus,
) -> ByMechanism<bool> {
    tally.package_passed += 1;
    tally.rework_recovered += u64::from(reworks > 0);
    tally.system_tests += 1;
    let mut caught = detect(present, &inputs.system_test, rng);
    caught[Mechanism::Asic] =
        (0..defects).any(|_| rng.random::<f64>() < inputs.system_test[Mechanism::Asic]);
    caught
}

/// What happened to one package, for its lanes' test data.
struct PackageOutcome<'a> {
    /// The package's index in the batch.
    package: usize,
    /// Fiber re-attach rounds.
    reworks: usize,
    /// Whether it passed package test.
    package_passed: bool,
    /// Whether it shipped (passed package and system test).
    shipped: bool,
    /// Corner warpage, µm.
    corner_warp_um: f64,
    /// What package test caught first.
    package_detected: &'a ByMechanism<bool>,
    /// What system test caught.
    system_detected: &'a ByMechanism<bool>,
}

/// Appends one test-data record per lane of the package (the ASIC wafer sort filled in
/// later).
fn record_lanes(
    records: &mut Vec<LaneRecord>,
    line: &Line,
    placements: &[Placement],
    engines: &[Engine],
    outcome: &PackageOutcome,
) {
    let names = |caught: &ByMechanism<bool>| {
        let names: Vec<&str> = caught.iter().filter(|(_, c)| **c).map(|(m, _)| m.name()).collect();
        names.join("+")
    };
    let (package_caught, system_caught) =
        (names(outcome.package_detected), names(outcome.system_detected));
    for (index, (placement, engine)) in placements.iter().zip(engines).enumerate() {
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
                package: outcome.package,
                engine: index,
                lane: lane_index,
                position_rho_sq: placement.rho_sq,
                gap_um: placement.gap_um,
                coupling_loss_db: placement.loss_db[lane_index],
                heater_shift_nm: engine.shift_nm[lane_index],
                laser_dead: lane[Mechanism::Laser],
                laser_weak: engine.weak_lane[lane_index],
                failures: failures.join("+"),
                reworks: outcome.reworks,
                package_test_pass: outcome.package_passed,
                shipped: outcome.shipped,
                // Filled in once the batch's wafer sort is known (below).
                asic_wafer_dies_tested: 0,
                asic_wafer_dies_passed: 0,
                warpage_um: outcome.corner_warp_um,
                package_test_caught: package_caught.clone(),
                system_test_caught: system_caught.clone(),
            });
        }
    }
}

/// Counts a shipped package: its weak ELS modules and what escaped the tests (weak lasers
/// are latent laser failures).
fn tally_shipped(
    tally: &mut Tally,
    present: ByMechanism<bool>,
    engines: &[Engine],
    els_weak: bool,
) {
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
