//! cporamp-yield: the article's five CPO failure points as a Monte Carlo over lanes, optical
//! engines and packages, through a test flow with coverage; yield, escapes and cost per good
//! switch.
//!
//! # Hierarchy
//! A package is one switch ASIC and $M$ optical engines of $L$ lanes (plus $S$ spare lanes)
//! each. ASICs come from wafers of `asics_per_wafer` dies (clustered defects share a wafer);
//! rings on one engine share a global fabrication offset.
//!
//! # Mechanisms
//! 1. **Coupling shift.** Each lane's fiber lands at $(x, y)$ with $x, y \sim N(0,
//!    \sigma_a^2 + \sigma_s^2)$ (attach, then cure and reflow shift), plus the warpage offset
//!    of its engine; equal Gaussian modes of radius $w$ lose $10\log_{10}(e)\,d^2/w^2$ dB
//!    (mode overlap). A lane fails if the loss exceeds its coupling budget $B$; with no
//!    warpage $P = \exp(-d_c^2 / 2\sigma^2)$, $d_c^2 = B w^2 / (10\log_{10} e)$.
//! 2. **Laser defects and early degradation.** Laser chips are burned in for $t$ hours
//!    before engine assembly: a weak chip (probability $f_w$) fails burn-in with probability
//!    $1 - e^{-\lambda_w t}$ and is replaced; a weak chip that survives ships as infant
//!    mortality. An installed laser is dead with probability $1 - e^{-D_L A_L}$ and takes
//!    its lanes.
//! 3. **Thermal drift.** The heater must red-shift a ring by
//!    $(\mu + g + l) \bmod F$ ($\mu$ the mean at operating temperature, from the thermal
//!    engine; $g$ per engine, $l$ per ring); beyond the heater range the lane fails.
//! 4. **Package warpage.** The package warps by $W \sim N(\bar W, \sigma_W^2)$ at its corner,
//!    bowl-shaped, so an engine at normalized distance $\rho$ from the centre moves by
//!    $W\rho^2$: its fibers shift laterally by $k W \rho^2$ (into mechanism 1, counted as
//!    warpage when the lane would pass without it) and its bumps open beyond $W_\text{open}$.
//! 5. **Inadequate test.** Each insertion detects a present failure of mechanism $m$ with
//!    probability $c_m$ (each ASIC defect independently); what no insertion detects ships.
//!
//! # Test flow
//! ASIC wafer test (known-good die: the ASIC price is per good die, so rejects cost the
//! switch maker only the test), laser-chip burn-in, engine test (lasers and rings, before
//! assembly; rejects scrapped and replaced), assembly and fiber attach, package test (all
//! mechanisms; a reject scraps the ASIC, its engines and the package). Cost per shipped
//! switch is everything bought and tested over the switches shipped.
//!
//! # Ramp learning
//! Defect levels fall with cumulative volume $V$ by Wright's law: with learning rate $r$
//! (the factor per doubling), a defect level set at reference volume $V_0$ scales by
//! $(V/V_0)^{\log_2 r}$. [`ramp`] scales the laser defect level and the weak-laser fraction
//! (defect counts; the alignment process spread is left as set), and reruns the Monte Carlo
//! at each point (same seed: common random
//! numbers, so differences between points are not noise).
//!
//! # Estimates
//! Fractions carry binomial standard errors. Packages are simulated in batches of
//! [`BATCH`], each with its own ChaCha8 stream (`seed`, batch index), so results do not
//! depend on the thread count.
//!
//! **Architecture invariant:** pure and deterministic for a seed.

#![allow(
    clippy::needless_range_loop,
    reason = "the mechanism index addresses several parallel per-mechanism arrays"
)]

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Gamma, Normal, Poisson};
use serde::Serialize;

/// Packages per random stream.
pub const BATCH: usize = 256;

/// The five mechanisms (warpage covers both fiber shift and bump opens).
pub const MECHANISMS: [&str; 5] = ["coupling", "laser", "drift", "warpage", "asic"];

const COUPLING: usize = 0;
const LASER: usize = 1;
const DRIFT: usize = 2;
const WARPAGE: usize = 3;
const ASIC: usize = 4;

/// Detection probability of a present failure, per mechanism, in [`MECHANISMS`] order.
pub type Coverage = [f64; 5];

/// Everything the yield engine needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldInputs {
    /// Packages to simulate.
    pub packages: usize,
    /// Monte Carlo seed.
    pub seed: u64,
    /// Engines per package.
    pub engines_per_package: usize,
    /// Data lanes per engine.
    pub lanes_per_engine: usize,
    /// Spare lanes per engine.
    pub spare_lanes_per_engine: usize,
    /// Lanes fed by one on-engine laser; 0 when the lasers are external (ELS).
    pub lanes_per_laser: usize,
    /// Fiber attach placement sigma per axis, µm.
    pub attach_sigma_um: f64,
    /// Post-attach shift (cure, reflow) sigma per axis, µm.
    pub shift_sigma_um: f64,
    /// Mode radius, µm.
    pub mode_radius_um: f64,
    /// Coupling loss a lane can absorb, dB.
    pub coupling_budget_db: f64,
    /// Probability that a laser is dead on arrival, $1 - e^{-D_L A_L}$.
    pub laser_dead_probability: f64,
    /// Fraction of weak lasers.
    pub laser_weak_fraction: f64,
    /// Failure rate of weak lasers, 1/h.
    pub laser_weak_rate_per_h: f64,
    /// Mean heater red shift needed at operating temperature before wrapping, nm.
    pub drift_mean_nm: f64,
    /// Ring fabrication offset sigma, nm.
    pub drift_sigma_nm: f64,
    /// Share of that variance common to an engine.
    pub drift_global_fraction: f64,
    /// Free spectral range, nm.
    pub fsr_nm: f64,
    /// Heater tuning range, nm.
    pub tuning_range_nm: f64,
    /// Mean corner warpage, µm.
    pub warpage_mean_um: f64,
    /// Warpage sigma, µm.
    pub warpage_sigma_um: f64,
    /// Lateral fiber shift per µm of warpage at the engine, µm/µm.
    pub warpage_lateral_per_um: f64,
    /// Warpage at an engine that opens its bumps, µm.
    pub bump_open_um: f64,
    /// ASIC defect density times die area, $D A$.
    pub asic_defects_per_die: f64,
    /// Negative-binomial clustering $\alpha$ (defect density Gamma-distributed per wafer);
    /// `None` for Poisson.
    pub asic_cluster_alpha: Option<f64>,
    /// ASIC dies per wafer.
    pub asics_per_wafer: usize,
    /// ASIC wafer test coverage of ASIC defects.
    pub wafer_test_coverage: f64,
    /// Engine test coverage per mechanism (only laser and drift are present then).
    pub engine_test: Coverage,
    /// Package test coverage per mechanism.
    pub package_test: Coverage,
    /// Laser-chip burn-in, hours (0: none).
    pub burn_in_h: f64,
    /// ASIC cost, USD.
    pub asic_usd: f64,
    /// Optical engine cost, USD.
    pub engine_usd: f64,
    /// Substrate, lid, assembly and fiber attach per package, USD.
    pub packaging_usd: f64,
    /// Wafer test per ASIC, USD.
    pub wafer_test_usd: f64,
    /// Engine test per engine, USD.
    pub engine_test_usd: f64,
    /// Package test per package, USD.
    pub package_test_usd: f64,
    /// Laser burn-in per package's worth of lasers, USD.
    pub burn_in_usd: f64,
}

/// Bad yield input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("yield: {name} = {value}; expected {expected}")]
pub struct YieldInputError {
    /// The input.
    pub name: String,
    /// Its value.
    pub value: f64,
    /// What was expected.
    pub expected: &'static str,
}

/// A fraction with its binomial standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fraction {
    /// The estimate.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

impl Fraction {
    fn of(count: u64, total: u64) -> Fraction {
        if total == 0 {
            return Fraction { value: 0.0, se: 0.0 };
        }
        let p = count as f64 / total as f64;
        Fraction { value: p, se: (p * (1.0 - p) / total as f64).sqrt() }
    }
}

/// Cost per shipped switch, by what was bought.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// Known-good ASICs (including those scrapped in packages), USD per shipped switch.
    pub asic_usd: f64,
    /// Engines, USD per shipped switch.
    pub engines_usd: f64,
    /// Packaging, USD per shipped switch.
    pub packaging_usd: f64,
    /// All test and burn-in, USD per shipped switch.
    pub test_usd: f64,
    /// Total, USD per shipped switch.
    pub total_usd: f64,
    /// The same switch at 100 % yield with the same tests, USD.
    pub ideal_usd: f64,
}

/// What the yield engine reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldResult {
    /// Packages assembled.
    pub packages: usize,
    /// ASIC wafer-test yield (pass fraction).
    pub wafer_test_pass: Fraction,
    /// Engine-test pass fraction.
    pub engine_test_pass: Fraction,
    /// Package-test pass fraction.
    pub package_test_pass: Fraction,
    /// Laser chips passing burn-in.
    pub burn_in_pass: Fraction,
    /// Shipped over assembled (the package-test pass fraction).
    pub package_yield: Fraction,
    /// Packages rejected at package test, by mechanism present (a package may count under
    /// several), as a fraction of assembled packages.
    pub package_rejects_by_mechanism: [Fraction; 5],
    /// Failed lanes per mechanism, fraction of all lanes on assembled packages.
    pub lane_failures_by_mechanism: [Fraction; 5],
    /// Shipped switches carrying an undetected failure, per mechanism, DPPM.
    pub escapes_dppm: [f64; 5],
    /// Any escape, DPPM.
    pub escapes_total_dppm: f64,
    /// Cost per shipped switch.
    pub cost: CostBreakdown,
}

fn check(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    let fail = |name: &str, value: f64, expected| {
        Err(YieldInputError { name: name.to_string(), value, expected })
    };
    let fraction = |value: f64| (0.0..=1.0).contains(&value);
    if inputs.packages == 0 {
        return fail("packages", 0.0, "at least 1");
    }
    if inputs.engines_per_package == 0 {
        return fail("engines_per_package", 0.0, "at least 1");
    }
    if inputs.lanes_per_engine == 0 {
        return fail("lanes_per_engine", 0.0, "at least 1 lane");
    }
    if inputs.asics_per_wafer == 0 {
        return fail("asics_per_wafer", 0.0, "at least 1");
    }
    for (name, value) in [
        ("laser_dead_probability", inputs.laser_dead_probability),
        ("laser_weak_fraction", inputs.laser_weak_fraction),
        ("drift_global_fraction", inputs.drift_global_fraction),
        ("wafer_test_coverage", inputs.wafer_test_coverage),
    ] {
        if !fraction(value) {
            return fail(name, value, "a fraction in [0, 1]");
        }
    }
    for (stage, coverage) in
        [("engine_test", inputs.engine_test), ("package_test", inputs.package_test)]
    {
        for (mechanism, &value) in MECHANISMS.iter().zip(&coverage) {
            if !fraction(value) {
                return fail(&format!("{stage}.{mechanism}"), value, "a coverage in [0, 1]");
            }
        }
    }
    for (name, value) in [
        ("attach_sigma_um", inputs.attach_sigma_um),
        ("shift_sigma_um", inputs.shift_sigma_um),
        ("coupling_budget_db", inputs.coupling_budget_db),
        ("laser_weak_rate_per_h", inputs.laser_weak_rate_per_h),
        ("drift_sigma_nm", inputs.drift_sigma_nm),
        ("tuning_range_nm", inputs.tuning_range_nm),
        ("warpage_sigma_um", inputs.warpage_sigma_um),
        ("warpage_lateral_per_um", inputs.warpage_lateral_per_um),
        ("asic_defects_per_die", inputs.asic_defects_per_die),
        ("burn_in_h", inputs.burn_in_h),
        ("asic_usd", inputs.asic_usd),
        ("engine_usd", inputs.engine_usd),
        ("packaging_usd", inputs.packaging_usd),
        ("wafer_test_usd", inputs.wafer_test_usd),
        ("engine_test_usd", inputs.engine_test_usd),
        ("package_test_usd", inputs.package_test_usd),
        ("burn_in_usd", inputs.burn_in_usd),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return fail(
                name,
                value,
                "a finite value >= 0 (a defect density, sigma, time or cost)",
            );
        }
    }
    for (name, value) in [
        ("mode_radius_um", inputs.mode_radius_um),
        ("fsr_nm", inputs.fsr_nm),
        ("bump_open_um", inputs.bump_open_um),
    ] {
        if !(value.is_finite() && value > 0.0) {
            return fail(name, value, "a finite value > 0");
        }
    }
    if let Some(alpha) = inputs.asic_cluster_alpha
        && !(alpha.is_finite() && alpha > 0.0)
    {
        return fail("asic_cluster_alpha", alpha, "a clustering parameter > 0");
    }
    Ok(())
}

/// Counts of one batch (summed over batches).
#[derive(Debug, Clone, Default)]
struct Tally {
    asics_tested: u64,
    asics_passed: u64,
    engines_tested: u64,
    engines_passed: u64,
    packages: u64,
    package_passed: u64,
    lasers_burned_in: u64,
    lasers_passed: u64,
    shipped: u64,
    rejects: [u64; 5],
    lanes: u64,
    lane_failures: [u64; 5],
    escapes: [u64; 5],
    escapes_any: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.asics_tested += other.asics_tested;
        self.asics_passed += other.asics_passed;
        self.engines_tested += other.engines_tested;
        self.engines_passed += other.engines_passed;
        self.packages += other.packages;
        self.package_passed += other.package_passed;
        self.lasers_burned_in += other.lasers_burned_in;
        self.lasers_passed += other.lasers_passed;
        self.shipped += other.shipped;
        self.lanes += other.lanes;
        self.escapes_any += other.escapes_any;
        for m in 0..5 {
            self.rejects[m] += other.rejects[m];
            self.lane_failures[m] += other.lane_failures[m];
            self.escapes[m] += other.escapes[m];
        }
    }
}

/// An engine: each lane's failure mechanisms, and its weak lasers.
struct Engine {
    lanes: Vec<[bool; 5]>,
    weak_lasers: usize,
    /// Heater red shift each ring needs after the FSR wrap, nm.
    shift_nm: Vec<f64>,
    /// Whether each lane's laser is weak.
    weak_lane: Vec<bool>,
}

/// Version of the synthetic test-data layout ([`test_data_csv`]).
pub const TEST_DATA_SCHEMA: u32 = 1;

/// One lane of one shipped or rejected package, as a line's test data would record it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaneRecord {
    /// ASIC wafer (lot) number within the batch.
    pub wafer: usize,
    /// Package number.
    pub package: usize,
    /// Engine position in the package.
    pub engine: usize,
    /// Lane within the engine (spares last).
    pub lane: usize,
    /// Engine's normalized distance from the package centre squared.
    pub position_rho_sq: f64,
    /// Insertion loss from misalignment (warpage included), dB.
    pub coupling_loss_db: f64,
    /// Heater red shift the ring needs, nm.
    pub heater_shift_nm: f64,
    /// The lane's laser is dead.
    pub laser_dead: bool,
    /// The lane's laser is weak (infant mortality).
    pub laser_weak: bool,
    /// Mechanisms failing this lane, `+`-separated (empty when good).
    pub failures: String,
    /// The package passed package test.
    pub package_test_pass: bool,
}

/// Failed lanes per mechanism, and the mechanisms present if the engine fails (more failed
/// lanes than spares).
struct EngineState {
    failed: [bool; 5],
    lane_failures: [u64; 5],
}

fn normal(sigma: f64) -> Normal<f64> {
    Normal::new(0.0, sigma).unwrap_or_else(|_| Normal::new(0.0, 0.0).expect("0 is valid"))
}

/// Samples an engine's lasers (burned in as chips first) and rings, before assembly.
fn sample_engine(inputs: &YieldInputs, tally: &mut Tally, rng: &mut impl Rng) -> Engine {
    let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
    let mut lane_failed = vec![[false; 5]; lanes];
    let mut weak_lasers = 0;
    let mut weak_lane = vec![false; lanes];
    let burn_in_fail = 1.0 - (-inputs.laser_weak_rate_per_h * inputs.burn_in_h).exp();
    if inputs.lanes_per_laser > 0 {
        for start in (0..lanes).step_by(inputs.lanes_per_laser) {
            // Burn-in: chips that fail are replaced until one passes.
            let weak = loop {
                tally.lasers_burned_in += 1;
                let weak = rng.random::<f64>() < inputs.laser_weak_fraction;
                if !(weak && rng.random::<f64>() < burn_in_fail) {
                    tally.lasers_passed += 1;
                    break weak;
                }
            };
            weak_lasers += usize::from(weak);
            for flag in &mut weak_lane[start..(start + inputs.lanes_per_laser).min(lanes)] {
                *flag = weak;
            }
            let dead = rng.random::<f64>() < inputs.laser_dead_probability;
            if dead {
                for lane in &mut lane_failed[start..(start + inputs.lanes_per_laser).min(lanes)] {
                    lane[LASER] = true;
                }
            }
        }
    }
    let global = normal(inputs.drift_sigma_nm * inputs.drift_global_fraction.sqrt()).sample(rng);
    let local = normal(inputs.drift_sigma_nm * (1.0 - inputs.drift_global_fraction).sqrt());
    let mut shift_nm = Vec::with_capacity(lanes);
    for lane in &mut lane_failed {
        let shift = (inputs.drift_mean_nm + global + local.sample(rng)).rem_euclid(inputs.fsr_nm);
        if shift > inputs.tuning_range_nm {
            lane[DRIFT] = true;
        }
        shift_nm.push(shift);
    }
    Engine { lanes: lane_failed, weak_lasers, shift_nm, weak_lane }
}

fn engine_state(lane_failed: &[[bool; 5]], inputs: &YieldInputs) -> EngineState {
    let mut lane_failures = [0; 5];
    let mut failed_lanes = 0usize;
    for lane in lane_failed {
        if lane.iter().any(|&f| f) {
            failed_lanes += 1;
        }
        for m in 0..5 {
            lane_failures[m] += u64::from(lane[m]);
        }
    }
    // The engine fails if more lanes fail than it has spares; then every mechanism with a
    // failed lane is present.
    let mut failed = [false; 5];
    if failed_lanes > inputs.spare_lanes_per_engine {
        for m in 0..5 {
            failed[m] = lane_failures[m] > 0;
        }
    }
    EngineState { failed, lane_failures }
}

/// One test insertion: which present mechanisms it detects.
fn detect(present: &[bool; 5], coverage: &Coverage, rng: &mut impl Rng) -> [bool; 5] {
    let mut detected = [false; 5];
    for m in 0..5 {
        detected[m] = present[m] && rng.random::<f64>() < coverage[m];
    }
    detected
}

fn asic_defects(inputs: &YieldInputs, wafer_scale: f64, rng: &mut impl Rng) -> u64 {
    let mean = inputs.asic_defects_per_die * wafer_scale;
    if mean <= 0.0 {
        return 0;
    }
    Poisson::new(mean).map_or(0, |poisson| poisson.sample(rng) as u64)
}

fn wafer_scale(inputs: &YieldInputs, rng: &mut impl Rng) -> f64 {
    match inputs.asic_cluster_alpha {
        Some(alpha) => Gamma::new(alpha, 1.0 / alpha).map_or(1.0, |gamma| gamma.sample(rng)),
        None => 1.0,
    }
}

/// Simulates one batch of packages.
fn run_batch(
    inputs: &YieldInputs,
    batch: usize,
    packages: usize,
    mut records: Option<&mut Vec<LaneRecord>>,
) -> Tally {
    let mut wafer = 0;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(inputs.seed);
    rng.set_stream(batch as u64);
    let mut tally = Tally::default();
    let mut scale = wafer_scale(inputs, &mut rng);
    let mut dies_on_wafer = 0;
    let attach = normal((inputs.attach_sigma_um.powi(2) + inputs.shift_sigma_um.powi(2)).sqrt());
    let warpage = normal(inputs.warpage_sigma_um);
    let loss_db = |x: f64, y: f64| {
        10.0 * std::f64::consts::LOG10_E * (x * x + y * y) / (inputs.mode_radius_um.powi(2))
    };
    let m = inputs.engines_per_package;
    for _ in 0..packages {
        // ASIC: wafer test with replacement (known-good die).
        let defects = loop {
            if dies_on_wafer == inputs.asics_per_wafer {
                scale = wafer_scale(inputs, &mut rng);
                dies_on_wafer = 0;
                wafer += 1;
            }
            dies_on_wafer += 1;
            let defects = asic_defects(inputs, scale, &mut rng);
            tally.asics_tested += 1;
            let caught = (0..defects).any(|_| rng.random::<f64>() < inputs.wafer_test_coverage);
            if !caught {
                tally.asics_passed += 1;
                break defects;
            }
        };
        // Engines: engine test with replacement.
        let mut engines = Vec::with_capacity(m);
        for _ in 0..m {
            let engine = loop {
                let engine = sample_engine(inputs, &mut tally, &mut rng);
                tally.engines_tested += 1;
                let state = engine_state(&engine.lanes, inputs);
                if !detect(&state.failed, &inputs.engine_test, &mut rng).iter().any(|&d| d) {
                    tally.engines_passed += 1;
                    break engine;
                }
            };
            engines.push(engine);
        }
        // Assembly and fiber attach: warpage, coupling, bumps.
        tally.packages += 1;
        let corner_warp = inputs.warpage_mean_um + warpage.sample(&mut rng);
        let mut present = [false; 5];
        let mut weak_lasers = 0;
        let per_side = m.div_ceil(4).max(1);
        let package = tally.packages as usize - 1;
        let mut pending = Vec::new();
        for (index, engine) in engines.iter().enumerate() {
            // Normalized distance of the engine's centre from the package centre: engines
            // sit evenly along the four sides (sqrt(0.5) mid-side .. 1 at a corner).
            let along = ((index % per_side) as f64 + 0.5) / per_side as f64 - 0.5;
            let rho_sq = (0.25 + along * along) / 0.5;
            let warp = corner_warp * rho_sq;
            let offset = inputs.warpage_lateral_per_um * warp;
            let mut lanes = engine.lanes.clone();
            for (lane_index, lane) in lanes.iter_mut().enumerate() {
                let laser_dead = lane[LASER];
                let (x, y) = (attach.sample(&mut rng), attach.sample(&mut rng));
                let loss = loss_db(x + offset, y);
                if loss > inputs.coupling_budget_db {
                    if loss_db(x, y) > inputs.coupling_budget_db {
                        lane[COUPLING] = true;
                    } else {
                        lane[WARPAGE] = true;
                    }
                }
                if records.is_some() {
                    let failures: Vec<&str> = MECHANISMS
                        .iter()
                        .zip(lane.iter())
                        .filter(|(_, failed)| **failed)
                        .map(|(name, _)| *name)
                        .collect();
                    pending.push(LaneRecord {
                        wafer,
                        package,
                        engine: index,
                        lane: lane_index,
                        position_rho_sq: rho_sq,
                        coupling_loss_db: loss,
                        heater_shift_nm: engine.shift_nm[lane_index],
                        laser_dead,
                        laser_weak: engine.weak_lane[lane_index],
                        failures: failures.join("+"),
                        package_test_pass: false,
                    });
                }
            }
            let state = engine_state(&lanes, inputs);
            tally.lanes += lanes.len() as u64;
            for mech in 0..5 {
                tally.lane_failures[mech] += state.lane_failures[mech];
                present[mech] |= state.failed[mech];
            }
            if warp.abs() > inputs.bump_open_um {
                present[WARPAGE] = true;
            }
            weak_lasers += engine.weak_lasers;
        }
        present[ASIC] = defects > 0;
        // Package test: each ASIC defect detected independently.
        let mut detected = detect(&present, &inputs.package_test, &mut rng);
        detected[ASIC] = (0..defects).any(|_| rng.random::<f64>() < inputs.package_test[ASIC]);
        let rejected = detected.iter().any(|&d| d);
        if let Some(records) = records.as_deref_mut() {
            records.extend(
                pending
                    .into_iter()
                    .map(|record| LaneRecord { package_test_pass: !rejected, ..record }),
            );
        }
        if rejected {
            for mech in 0..5 {
                tally.rejects[mech] += u64::from(present[mech]);
            }
            continue;
        }
        tally.package_passed += 1;
        tally.shipped += 1;
        let mut escaped = present;
        escaped[LASER] |= weak_lasers > 0;
        for mech in 0..5 {
            tally.escapes[mech] += u64::from(escaped[mech]);
        }
        tally.escapes_any += u64::from(escaped.iter().any(|&e| e));
    }
    tally
}

/// Runs the Monte Carlo on `threads` threads (the result does not depend on them).
///
/// # Errors
/// [`YieldInputError`] naming the input out of range.
pub fn simulate(inputs: &YieldInputs, threads: usize) -> Result<YieldResult, YieldInputError> {
    check(inputs)?;
    let batches = inputs.packages.div_ceil(BATCH);
    let threads = threads.clamp(1, batches);
    let mut tallies = vec![Tally::default(); batches];
    std::thread::scope(|scope| {
        let chunk = batches.div_ceil(threads);
        for (thread, slots) in tallies.chunks_mut(chunk).enumerate() {
            scope.spawn(move || {
                for (offset, slot) in slots.iter_mut().enumerate() {
                    let batch = thread * chunk + offset;
                    let count = BATCH.min(inputs.packages - batch * BATCH);
                    *slot = run_batch(inputs, batch, count, None);
                }
            });
        }
    });
    let mut total = Tally::default();
    for tally in &tallies {
        total.add(tally);
    }
    Ok(result(inputs, &total))
}

fn result(inputs: &YieldInputs, tally: &Tally) -> YieldResult {
    let shipped = tally.shipped.max(1) as f64;
    let m = inputs.engines_per_package as f64;
    let asic_usd = tally.asics_passed as f64 * inputs.asic_usd / shipped;
    let engines_usd = tally.engines_tested as f64 * inputs.engine_usd / shipped;
    let packaging_usd = tally.packages as f64 * inputs.packaging_usd / shipped;
    let test_usd = (tally.asics_tested as f64 * inputs.wafer_test_usd
        + tally.engines_tested as f64 * inputs.engine_test_usd
        + tally.packages as f64 * inputs.package_test_usd
        + tally.packages as f64 * inputs.burn_in_usd)
        / shipped;
    let ideal_usd = inputs.asic_usd
        + m * inputs.engine_usd
        + inputs.packaging_usd
        + inputs.wafer_test_usd
        + m * inputs.engine_test_usd
        + inputs.package_test_usd
        + inputs.burn_in_usd;
    let dppm = |count: u64| count as f64 / shipped * 1e6;
    YieldResult {
        packages: inputs.packages,
        wafer_test_pass: Fraction::of(tally.asics_passed, tally.asics_tested),
        engine_test_pass: Fraction::of(tally.engines_passed, tally.engines_tested),
        package_test_pass: Fraction::of(tally.package_passed, tally.packages),
        burn_in_pass: Fraction::of(tally.lasers_passed, tally.lasers_burned_in),
        package_yield: Fraction::of(tally.shipped, tally.packages),
        package_rejects_by_mechanism: tally
            .rejects
            .map(|count| Fraction::of(count, tally.packages)),
        lane_failures_by_mechanism: tally
            .lane_failures
            .map(|count| Fraction::of(count, tally.lanes)),
        escapes_dppm: tally.escapes.map(dppm),
        escapes_total_dppm: dppm(tally.escapes_any),
        cost: CostBreakdown {
            asic_usd,
            engines_usd,
            packaging_usd,
            test_usd,
            total_usd: asic_usd + engines_usd + packaging_usd + test_usd,
            ideal_usd,
        },
    }
}

/// Synthetic test data: every lane of the first `packages` packages of the first batch (the
/// same packages [`simulate`] draws first), as a line's test logs would record them.
///
/// # Errors
/// [`YieldInputError`] for bad inputs.
pub fn test_records(
    inputs: &YieldInputs,
    packages: usize,
) -> Result<Vec<LaneRecord>, YieldInputError> {
    check(inputs)?;
    let mut records = Vec::new();
    run_batch(inputs, 0, packages.min(BATCH), Some(&mut records));
    Ok(records)
}

/// The records as CSV (schema [`TEST_DATA_SCHEMA`]): a `# cporamp yield test data` line naming
/// the schema, technology and generation, a header, then one line per lane.
#[must_use]
pub fn test_data_csv(records: &[LaneRecord], technology: &str, generation: &str) -> String {
    let mut out = format!(
        "# cporamp yield test data, schema {TEST_DATA_SCHEMA}, technology {technology}, generation {generation}\n"
    );
    out.push_str("wafer,package,engine,lane,position_rho_sq,coupling_loss_db,heater_shift_nm,laser_dead,laser_weak,failures,package_test_pass\n");
    for record in records {
        out.push_str(&format!(
            "{},{},{},{},{:.4},{:.4},{:.4},{},{},{},{}\n",
            record.wafer,
            record.package,
            record.engine,
            record.lane,
            record.position_rho_sq,
            record.coupling_loss_db,
            record.heater_shift_nm,
            record.laser_dead,
            record.laser_weak,
            record.failures,
            record.package_test_pass,
        ));
    }
    out
}

/// Wright's law: the factor on a defect level at cumulative volume `cumulative` when it is 1 at
/// `reference`, for a learning rate (factor per doubling) in (0, 1].
#[must_use]
pub fn wright_factor(cumulative: f64, reference: f64, learning_rate: f64) -> f64 {
    (cumulative / reference).powf(learning_rate.log2())
}

/// One point of the ramp.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RampPoint {
    /// Cumulative packages built, units.
    pub cumulative_units: f64,
    /// The factor on the learning defect levels.
    pub defect_factor: f64,
    /// Package yield.
    pub package_yield: Fraction,
    /// Cost per shipped switch, USD.
    pub cost_usd: f64,
    /// Escapes, DPPM.
    pub escapes_dppm: f64,
}

/// The yield and cost over a ramp: `inputs` hold at `reference_units`; each point scales the
/// learning defect levels by [`wright_factor`] (probabilities capped at 1) and simulates
/// `packages` packages.
///
/// # Errors
/// [`YieldInputError`] for a learning rate outside (0, 1], a non-positive volume, or bad
/// inputs.
pub fn ramp(
    inputs: &YieldInputs,
    cumulative_units: &[f64],
    reference_units: f64,
    learning_rate: f64,
    packages: usize,
    threads: usize,
) -> Result<Vec<RampPoint>, YieldInputError> {
    let fail = |name: &str, value: f64, expected| {
        Err(YieldInputError { name: name.to_string(), value, expected })
    };
    if !(learning_rate > 0.0 && learning_rate <= 1.0) {
        return fail("learning_rate", learning_rate, "a factor per doubling in (0, 1]");
    }
    if !(reference_units.is_finite() && reference_units > 0.0) {
        return fail("reference_units", reference_units, "a cumulative volume > 0");
    }
    cumulative_units
        .iter()
        .map(|&units| {
            if !(units.is_finite() && units > 0.0) {
                return Err(YieldInputError {
                    name: "cumulative_units".to_string(),
                    value: units,
                    expected: "a cumulative volume > 0",
                });
            }
            let factor = wright_factor(units, reference_units, learning_rate);
            let defects = -(1.0 - inputs.laser_dead_probability).ln() * factor;
            let scaled = YieldInputs {
                packages,
                laser_dead_probability: 1.0 - (-defects).exp(),
                laser_weak_fraction: (inputs.laser_weak_fraction * factor).min(1.0),
                ..inputs.clone()
            };
            let result = simulate(&scaled, threads)?;
            Ok(RampPoint {
                cumulative_units: units,
                defect_factor: factor,
                package_yield: result.package_yield,
                cost_usd: result.cost.total_usd,
                escapes_dppm: result.escapes_total_dppm,
            })
        })
        .collect()
}

/// What removing one mechanism would save.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// The mechanism.
    pub mechanism: &'static str,
    /// Cost per shipped switch without it, USD.
    pub cost_without_usd: f64,
    /// Saving against the baseline, USD per shipped switch.
    pub saving_usd: f64,
}

/// "What to fix first": cost per shipped switch with each mechanism removed in turn (no
/// misalignment; no laser defects or weak lasers; a heater that reaches a whole FSR; no
/// warpage; no ASIC defects), against the baseline, on `packages` packages with the same
/// seed (common random numbers); sorted by saving, largest first.
///
/// # Errors
/// [`YieldInputError`] for bad inputs.
pub fn tornado(
    inputs: &YieldInputs,
    packages: usize,
    threads: usize,
) -> Result<Vec<TornadoBar>, YieldInputError> {
    let base = YieldInputs { packages, ..inputs.clone() };
    let baseline = simulate(&base, threads)?.cost.total_usd;
    let mut bars = MECHANISMS
        .iter()
        .enumerate()
        .map(|(mechanism, &name)| {
            let mut without = base.clone();
            match mechanism {
                COUPLING => {
                    without.attach_sigma_um = 0.0;
                    without.shift_sigma_um = 0.0;
                }
                LASER => {
                    without.laser_dead_probability = 0.0;
                    without.laser_weak_fraction = 0.0;
                }
                DRIFT => without.tuning_range_nm = without.tuning_range_nm.max(without.fsr_nm),
                WARPAGE => {
                    without.warpage_mean_um = 0.0;
                    without.warpage_sigma_um = 0.0;
                }
                _ => without.asic_defects_per_die = 0.0,
            }
            let cost = simulate(&without, threads)?.cost.total_usd;
            Ok(TornadoBar { mechanism: name, cost_without_usd: cost, saving_usd: baseline - cost })
        })
        .collect::<Result<Vec<_>, YieldInputError>>()?;
    bars.sort_by(|a, b| b.saving_usd.total_cmp(&a.saving_usd));
    Ok(bars)
}

#[cfg(test)]
mod tests;
