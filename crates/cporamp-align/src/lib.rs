//! cporamp-align: automated active alignment of a fiber array to a PIC's edge couplers, and
//! passive V-groove attach beside it: time per array and per engine, coupling loss and yield
//! against the coupling budget, throughput in fibers per second and cost per engine. Source
//! keys (S73, RY 41, ...) are entries of the repository's docs/sources.md.
//!
//! # The coupling surface
//! Each fiber couples to its edge coupler with the Gaussian overlap of the yield engine
//! ([`cporamp_core::coupling`]): equal modes of radius $w$, lateral offset $(d_x, d_y)$, gap
//! $z$ in a medium of index $n$ and tilt $(\theta_x, \theta_y)$,
//! $\eta = \eta_x(d_x, \theta_x, z)\thinspace\eta_y(d_y, \theta_y, z)$, which for an offset alone is
//! $e^{-d^2/w^2}$ (S73) and falls with the gap as $1/(1 + (z/2z_R)^2)$. The array is rigid:
//! fiber $i$ of $N$ at normalised position $v_i = 2i/(N-1) - 1$ along it has its core off its
//! grid by $f_i \sim N(0, \sigma_f^2)$ per axis, so with the stage at $(x, y, z, r)$ and the
//! couplers' optimum at $(x_0, y_0, r_0)$,
//! $$d_{x,i} = x - x_0 + f_{x,i}, \qquad d_{y,i} = y - y_0 + (r - r_0)\thinspace v_i + f_{y,i},$$
//! roll $r$ being the $y$ displacement it gives the outermost fiber (an angle of
//! $r/((N-1)p/2)$ at pitch $p$). The tilt of the array against the couplers' axis is not
//! searched (it is set by the array's polished end face and the stage's datum) and draws
//! $N(0, \sigma_\theta^2)$ per axis, as in the yield engine.
//!
//! # Active alignment
//! The aligner reads the power of a loopback through the array's two outer channels (light in
//! through the first fiber, through a waveguide on the PIC, out through the last, S125),
//! $P = \eta_0\thinspace\eta_{N-1} + \epsilon$, $\epsilon \sim N(0, \sigma_n^2)$ the photodiode noise
//! in units of a perfectly coupled channel. $\ln P$ is a sum of concave quadratics in $x$, $y$
//! and roll, so a coordinate search cannot stall with one end lit and the other dark (on the
//! sum $\eta_0 + \eta_{N-1}$ it does, for a roll error comparable to the mode: the serial
//! alignment problem that parallel multi-axis aligners address, S124). Vision pre-alignment leaves the
//! optimum at $(x_0, y_0) \sim N(0, \sigma_p^2)$ per axis and $r_0 \sim N(0, \sigma_r^2)$
//! from the stage's start. Then, as production aligners do (S121, S122):
//!
//! 1. **First light**: a square spiral of pitch $s$ at the approach gap, reading at each point
//!    until $P$ exceeds a threshold; it gives up at half-width $R$. Exhausting it takes
//!    $(2\lfloor R/s\rfloor + 1)^2$ readings, so the spiral's cost grows as $(R/s)^2$; with
//!    the optimum at distance $\rho$ it stops after about $(2\rho/s)^2$.
//! 2. **Hill climb**: a compass search over $x$, $y$, $z$ and roll from the first-light point:
//!    each pass re-reads the current point and tries a step up and down each axis, keeping the
//!    first better reading; a pass without a move halves the steps down to the stage
//!    resolution $\delta$, and a pass at $\delta$ without a move ends it. Positions are whole
//!    multiples of $\delta$; the gap stops at the bond line $\bar z$ (the overlap grows as the
//!    gap closes, so the optimum over the allowed gaps is the bond line). On a noiseless surface
//!    it ends within $\delta$ of the maximum on every axis (test). Noiseless, it needs of the
//!    order of a hundred readings, as the hill climbs of S122 do (120-140 in 2-D); noise
//!    makes it accept lucky readings and wander, so it reads more and lands less exactly.
//!
//! Every reading costs a move's settle time and an integration, so the stage time is
//! $t_\text{search} = n_\text{readings}(t_\text{settle} + t_\text{measure})$, and an array
//! takes $t = t_\text{handling} + t_\text{search} + t_\text{cure}$ on the machine.
//!
//! **Cure.** The adhesive then shifts the whole block by $N(0, \sigma_s^2)$ per axis and the
//! gap by $N(0, \sigma_z^2)$ (the yield engine's cure shift and bond-line spread,
//! RY Gap 2). A lane fails when its loss $-10\log_{10}\eta$ exceeds the coupling budget
//! $B$. For a perfectly aligned lane at gap $\bar z$ with no tilt, $\ln\eta = 2c_0 + c_2 d^2$
//! ([`cporamp_core::coupling::AxisCoupling`]), so it fails when
//! $d^2 > d_c^2 = (B/(10\log_{10}e) + 2c_0)/(-c_2)$, and with the cure shift alone
//! ($d^2/\sigma_s^2 \sim \chi^2_2$) $P(\text{fail}) = \exp(-d_c^2/2\sigma_s^2)$
//! ([`cure_failure_closed_form`], checked against the Monte Carlo in the tests).
//!
//! # Passive V-groove attach
//! Fibers pressed into V-grooves sit where the grooves, their cladding diameters and core
//! concentricities put them: each core off by $N(0, \sigma_v^2)$ per axis, independently,
//! with the same cure shift, bond line and tilt and no search. $\sigma_v$ comes from the
//! measured loss of passive multi-fiber V-groove attach, $0.45 \pm 0.20$ dB per interface on
//! standard single-mode fiber (RY 41): $E[\text{loss}] = 10\log_{10}(e)\thinspace2\sigma_v^2/w^2$ at
//! $w = 4.6$ µm gives $\sigma_v \approx 1.05$ µm, consistent with V-groove arrays' $\pm 0.5$ µm
//! core pitch (S123). It is reported twice: on the same edge coupler as the active
//! alignment (mode radius $w$), and on a coupler whose mode matches standard fiber (the
//! design passive attach needs), with its own mode radius.
//!
//! # Throughput and cost
//! An engine takes `arrays_per_engine` arrays. Throughput is fibers per array over the mean
//! time per array (the state of the art is about one fiber per second, S74). Cost per
//! array is its machine time times the machine's rate plus the operator's rate shared by the
//! machines one operator tends; an engine's is `arrays_per_engine` times that. An engine's
//! yield is the array yield to the power `arrays_per_engine` (arrays fail independently).
//!
//! # Estimates
//! Arrays are simulated in batches of [`BATCH`], each with its own ChaCha8 stream (seed,
//! batch), so results do not depend on the thread count. Lanes of one array share its
//! alignment and cure, so lane yields carry the cluster-robust standard error.
//!
//! **Architecture invariant:** pure and deterministic for a seed.

#[cfg(test)]
mod pins;
pub mod search;
pub mod settings;
#[cfg(test)]
mod tests;

use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::coupling::{FiberAttach, Modes};
use cporamp_core::error::Diagnostic;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use search::{Outcome, Plan, Stage, Truth};
use serde::Serialize;
use settings::AlignSettings;

/// Arrays per random stream.
pub const BATCH: usize = 64;

/// Width of a bin of the loss histograms, dB.
pub const LOSS_BIN_DB: f64 = 0.001;
/// Losses above this land in the histograms' last bin, dB.
pub const LOSS_MAX_DB: f64 = 20.0;
const LOSS_BINS: usize = 20_000;

/// 10 log10(e): dB per neper of power.
const DB_PER_NEPER: f64 = 4.342_944_819_032_518;

/// Everything the alignment model needs: its own section and the coupler it attaches to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignInputs {
    /// `[align]`: the arrays, the vision pre-alignment, the search, the machine and its costs,
    /// and passive attach.
    pub settings: AlignSettings,
    /// The coupler and bond line the arrays attach to.
    pub attach: FiberAttach,
}

/// Bad alignment input: every problem, each naming the field (`align.<name>` for the section,
/// `attach.<name>` for the coupler and bond line), its value, and the range and unit expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", cporamp_core::error::one_line(problems))]
pub struct AlignInputError {
    /// The problems, in the order found.
    pub problems: Vec<Diagnostic>,
}

/// A fraction with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fraction {
    /// The estimate.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

/// The distribution of lane coupling loss, dB (quantiles to [`LOSS_BIN_DB`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LossStats {
    /// Mean, dB (losses above [`LOSS_MAX_DB`] counted at it).
    pub mean_db: f64,
    /// Median, dB.
    pub p50_db: f64,
    /// 90th percentile, dB.
    pub p90_db: f64,
    /// 99th percentile, dB.
    pub p99_db: f64,
}

/// One attach method's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodResult {
    /// `active`, `passive` or `passive_matched`.
    pub method: &'static str,
    /// Name for people.
    pub label: &'static str,
    /// Mode radius of the coupler, µm.
    pub mode_radius_um: f64,
    /// Mean machine time per array, s.
    pub time_per_array_s: f64,
    /// Machine time per engine, s.
    pub time_per_engine_s: f64,
    /// Fibers attached per second of machine time.
    pub fibers_per_s: f64,
    /// Machine and operator cost per array, USD.
    pub cost_per_array_usd: f64,
    /// Machine and operator cost per engine, USD.
    pub cost_per_engine_usd: f64,
    /// Lane coupling loss after cure.
    pub loss: LossStats,
    /// Lanes within the coupling budget.
    pub lane_yield: Fraction,
    /// Arrays with every lane within the budget.
    pub array_yield: Fraction,
    /// Engines with every array good: the array yield to the power of arrays per engine.
    pub engine_yield: f64,
    /// Lanes per 0.1 dB bin of loss from 0 to 3 dB, the last bin holding everything above.
    pub loss_histogram: Vec<u64>,
}

/// What the active search did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SearchStats {
    /// Arrays whose spiral found no first light within its range (counted failed).
    pub first_light_failures: Fraction,
    /// Mean readings of the spiral.
    pub spiral_readings: f64,
    /// Mean readings of the hill climb.
    pub climb_readings: f64,
    /// Mean stage time of the search, s.
    pub search_s: f64,
    /// RMS lateral error of the aligned array (before cure) per axis, µm: the block placement
    /// sigma active alignment achieves.
    pub placement_rms_um: f64,
    /// RMS roll error of the aligned array, µrad.
    pub roll_rms_urad: f64,
    /// Readings the spiral takes when it finds nothing: $(2\lfloor R/s\rfloor + 1)^2$.
    pub spiral_exhausted_readings: usize,
}

/// The alignment model's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignResult {
    /// Arrays simulated per method.
    pub arrays: usize,
    /// Fibers per array.
    pub fibers_per_array: usize,
    /// Arrays per engine.
    pub arrays_per_engine: usize,
    /// Coupling budget, dB.
    pub coupling_budget_db: f64,
    /// Active alignment.
    pub active: MethodResult,
    /// The active search.
    pub search: SearchStats,
    /// Passive V-groove attach on the same coupler.
    pub passive: MethodResult,
    /// Passive V-groove attach on a coupler matched to standard fiber.
    pub passive_matched: MethodResult,
    /// Lane failure from the cure shift alone on a perfectly aligned lane (closed form).
    pub cure_only_failure: f64,
}

impl AlignResult {
    /// The methods in display order.
    #[must_use]
    pub fn methods(&self) -> [&MethodResult; 3] {
        [&self.active, &self.passive, &self.passive_matched]
    }
}

/// Checks every input: the section by [`settings::check`], the scenario's own checks (one
/// place for its ranges), and the coupler and bond line it attaches to.
///
/// # Errors
/// [`AlignInputError`] naming every input out of range, with its value, range and unit.
pub fn check(inputs: &AlignInputs) -> Result<(), AlignInputError> {
    let mut checker = Checker::default();
    settings::check(&mut checker, &inputs.settings, inputs.attach.gap_mean_um);
    let at = Section::new("attach");
    let attach = &inputs.attach;
    for (name, value, unit) in [
        ("mode_radius_um", attach.mode_radius_um.0, "µm"),
        ("wavelength_um", attach.wavelength_um.0, "µm"),
        ("coupling_budget_db", attach.coupling_budget_db.0, "dB"),
    ] {
        at.positive(&mut checker, name, value, unit);
    }
    for (name, value, unit) in [
        ("fiber_sigma_um", attach.fiber_sigma_um.0, "µm"),
        ("shift_sigma_um", attach.shift_sigma_um.0, "µm"),
        ("gap_mean_um", attach.gap_mean_um.0, "µm"),
        ("gap_sigma_um", attach.gap_sigma_um.0, "µm"),
        ("tilt_sigma_mrad", attach.tilt_sigma_mrad.0, "mrad"),
    ] {
        at.non_negative(&mut checker, name, value, unit);
    }
    at.number(
        &mut checker,
        "gap_index",
        attach.gap_index,
        Limits::between(1.0, 4.0),
        "refractive index",
    );
    if checker.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(AlignInputError { problems: checker.diagnostics })
    }
}

/// Loss of one lane, dB.
fn loss_db(efficiency: f64) -> f64 {
    if efficiency > 0.0 { -10.0 * efficiency.log10() } else { f64::INFINITY }
}

/// Tallies of one method over a batch.
#[derive(Debug, Clone)]
struct Tally {
    arrays: u64,
    arrays_passed: u64,
    lanes_passed: u64,
    /// Sum over arrays of the square of their passing lanes (for the clustered SE).
    lanes_passed_sq: u64,
    time_s: f64,
    loss_sum_db: f64,
    histogram: Vec<u32>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            arrays: 0,
            arrays_passed: 0,
            lanes_passed: 0,
            lanes_passed_sq: 0,
            time_s: 0.0,
            loss_sum_db: 0.0,
            histogram: vec![0; LOSS_BINS + 1],
        }
    }

    fn array(&mut self, losses: impl Iterator<Item = f64>, budget_db: f64, time_s: f64) {
        let mut passed = 0_u64;
        let mut lanes = 0_u64;
        for loss in losses {
            lanes += 1;
            if loss <= budget_db {
                passed += 1;
            }
            let capped = loss.min(LOSS_MAX_DB);
            self.loss_sum_db += capped;
            let bin = ((capped / LOSS_BIN_DB) as usize).min(LOSS_BINS);
            self.histogram[bin] += 1;
        }
        self.arrays += 1;
        self.arrays_passed += u64::from(passed == lanes);
        self.lanes_passed += passed;
        self.lanes_passed_sq += passed * passed;
        self.time_s += time_s;
    }

    fn add(&mut self, other: &Tally) {
        self.arrays += other.arrays;
        self.arrays_passed += other.arrays_passed;
        self.lanes_passed += other.lanes_passed;
        self.lanes_passed_sq += other.lanes_passed_sq;
        self.time_s += other.time_s;
        self.loss_sum_db += other.loss_sum_db;
        for (sum, count) in self.histogram.iter_mut().zip(&other.histogram) {
            *sum += count;
        }
    }
}

/// The search's own tallies.
#[derive(Debug, Clone, Default)]
struct SearchTally {
    not_found: u64,
    spiral_readings: u64,
    climb_readings: u64,
    search_s: f64,
    lateral_sq_um2: f64,
    roll_sq_urad2: f64,
    aligned: u64,
}

impl SearchTally {
    fn add(&mut self, other: &SearchTally) {
        self.not_found += other.not_found;
        self.spiral_readings += other.spiral_readings;
        self.climb_readings += other.climb_readings;
        self.search_s += other.search_s;
        self.lateral_sq_um2 += other.lateral_sq_um2;
        self.roll_sq_urad2 += other.roll_sq_urad2;
        self.aligned += other.aligned;
    }
}

struct BatchTally {
    active: Tally,
    passive: Tally,
    passive_matched: Tally,
    search: SearchTally,
}

fn normal(sigma: f64) -> Normal<f64> {
    Normal::new(0.0, sigma).expect("sigmas are checked finite and >= 0")
}

fn modes(inputs: &AlignInputs, radius_um: f64) -> Modes {
    Modes {
        radius_um,
        wavelength_um: inputs.attach.wavelength_um.0,
        gap_index: inputs.attach.gap_index,
    }
}

/// Half the array's length, centre to outermost fiber, µm.
fn half_length_um(inputs: &AlignInputs) -> f64 {
    (inputs.settings.fibers_per_array.saturating_sub(1)) as f64 * inputs.settings.pitch_um.0 / 2.0
}

/// The stage of `inputs`.
#[must_use]
pub fn stage(inputs: &AlignInputs) -> Stage {
    Stage {
        resolution_um: inputs.settings.stage_resolution_um.0,
        settle_s: inputs.settings.settle_s.0,
        measure_s: inputs.settings.measure_s.0,
        noise_fraction: inputs.settings.noise_fraction,
    }
}

/// The search plan of `inputs`.
#[must_use]
pub fn plan(inputs: &AlignInputs) -> Plan {
    Plan {
        approach_gap_um: inputs.settings.approach_gap_um.0,
        bond_gap_um: inputs.attach.gap_mean_um.0,
        spiral_step_um: inputs.settings.spiral_step_um.0,
        spiral_range_um: inputs.settings.spiral_range_um.0,
        first_light_fraction: inputs.settings.first_light_fraction,
    }
}

fn run_batch(inputs: &AlignInputs, batch: usize, count: usize) -> BatchTally {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(inputs.settings.seed);
    rng.set_stream(batch as u64);
    let fibers = inputs.settings.fibers_per_array;
    let active_modes = modes(inputs, inputs.attach.mode_radius_um.0);
    let matched_modes = modes(inputs, inputs.settings.passive_mode_radius_um.0);
    let (stage, plan) = (stage(inputs), plan(inputs));
    let prealign = normal(inputs.settings.prealign_sigma_um.0);
    let roll_um_per_mrad = half_length_um(inputs) * 1e-3;
    let roll = normal(inputs.settings.prealign_roll_mrad.0 * roll_um_per_mrad);
    let tilt = normal(inputs.attach.tilt_sigma_mrad.0 * 1e-3);
    let fiber = normal(inputs.attach.fiber_sigma_um.0);
    let shift = normal(inputs.attach.shift_sigma_um.0);
    let gap = normal(inputs.attach.gap_sigma_um.0);
    let groove = normal(inputs.settings.passive_sigma_um.0);
    let budget = inputs.attach.coupling_budget_db.0;
    let mut tally = BatchTally {
        active: Tally::new(),
        passive: Tally::new(),
        passive_matched: Tally::new(),
        search: SearchTally::default(),
    };
    let mut losses = vec![0.0; fibers];
    for _ in 0..count {
        // Active: the optimum's place after vision pre-alignment, the array, the search.
        let truth = Truth {
            x_um: prealign.sample(&mut rng),
            y_um: prealign.sample(&mut rng),
            roll_um: roll.sample(&mut rng),
            tilt_rad: (tilt.sample(&mut rng), tilt.sample(&mut rng)),
            fiber_um: (0..fibers)
                .map(|_| (fiber.sample(&mut rng), fiber.sample(&mut rng)))
                .collect(),
        };
        let outcome: Outcome = search::align(&active_modes, &truth, &stage, &plan, &mut rng);
        let cure_shift = (shift.sample(&mut rng), shift.sample(&mut rng));
        let gap_change = gap.sample(&mut rng);
        let search_s = outcome.time_s(&stage);
        tally.search.spiral_readings += outcome.spiral_readings as u64;
        tally.search.climb_readings += outcome.climb_readings as u64;
        tally.search.search_s += search_s;
        let time_s = inputs.settings.handling_s.0 + search_s + inputs.settings.cure_s.0;
        if outcome.found {
            let p = outcome.position_um;
            tally.search.aligned += 1;
            tally.search.lateral_sq_um2 +=
                ((p[0] - truth.x_um).powi(2) + (p[1] - truth.y_um).powi(2)) / 2.0;
            if roll_um_per_mrad > 0.0 {
                tally.search.roll_sq_urad2 +=
                    ((p[3] - truth.roll_um) / roll_um_per_mrad * 1e3).powi(2);
            }
            for (index, loss) in losses.iter_mut().enumerate() {
                *loss = loss_db(search::lane_efficiency(
                    &active_modes,
                    &truth,
                    index,
                    &p,
                    cure_shift,
                    gap_change,
                ));
            }
            tally.active.array(losses.iter().copied(), budget, time_s);
        } else {
            // No light: the array is not attached; every lane counts failed.
            tally.search.not_found += 1;
            tally.active.array(std::iter::repeat_n(f64::INFINITY, fibers), budget, time_s);
        }

        // Passive: each core where its groove puts it, the same cure, bond line and tilt; the
        // same draws on both couplers (common random numbers).
        let passive = Truth {
            x_um: 0.0,
            y_um: 0.0,
            roll_um: 0.0,
            tilt_rad: (tilt.sample(&mut rng), tilt.sample(&mut rng)),
            fiber_um: (0..fibers)
                .map(|_| (groove.sample(&mut rng), groove.sample(&mut rng)))
                .collect(),
        };
        let cure_shift = (shift.sample(&mut rng), shift.sample(&mut rng));
        let gap_change = gap.sample(&mut rng);
        let at = [0.0, 0.0, inputs.attach.gap_mean_um.0, 0.0];
        let passive_time_s = inputs.settings.passive_place_s.0 + inputs.settings.cure_s.0;
        for (modes, slot) in
            [(&active_modes, &mut tally.passive), (&matched_modes, &mut tally.passive_matched)]
        {
            let lane = |index| {
                loss_db(search::lane_efficiency(
                    modes, &passive, index, &at, cure_shift, gap_change,
                ))
            };
            slot.array((0..fibers).map(lane), budget, passive_time_s);
        }
    }
    tally
}

fn quantile(histogram: &[u64], total: u64, q: f64) -> f64 {
    let target = (q * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (bin, count) in histogram.iter().enumerate() {
        seen += count;
        if seen >= target {
            return ((bin + 1) as f64 * LOSS_BIN_DB).min(LOSS_MAX_DB);
        }
    }
    LOSS_MAX_DB
}

fn fraction(count: u64, total: u64) -> Fraction {
    if total == 0 {
        return Fraction { value: 0.0, se: 0.0 };
    }
    let p = count as f64 / total as f64;
    Fraction { value: p, se: (p * (1.0 - p) / total as f64).sqrt() }
}

fn method(
    inputs: &AlignInputs,
    tally: &Tally,
    (method, label, mode_radius_um): (&'static str, &'static str, f64),
    machine_usd_per_h: f64,
) -> MethodResult {
    let arrays = tally.arrays.max(1) as f64;
    let per_array = inputs.settings.fibers_per_array as f64;
    let lanes = tally.arrays * inputs.settings.fibers_per_array as u64;
    let histogram: Vec<u64> = tally.histogram.iter().map(|&count| u64::from(count)).collect();
    let time_per_array_s = tally.time_s / arrays;
    let rate_usd_per_h = machine_usd_per_h
        + inputs.settings.operator_usd_per_h.0 / inputs.settings.machines_per_operator;
    let cost_per_array_usd = time_per_array_s / 3600.0 * rate_usd_per_h;
    // Lanes of an array share its alignment and cure: cluster-robust SE over arrays.
    let mean = tally.lanes_passed as f64 / arrays;
    let variance = (tally.lanes_passed_sq as f64 / arrays - mean * mean).max(0.0) * arrays
        / (arrays - 1.0).max(1.0);
    let lane_yield = Fraction {
        value: tally.lanes_passed as f64 / lanes.max(1) as f64,
        se: (variance / arrays).sqrt() / per_array,
    };
    let array_yield = fraction(tally.arrays_passed, tally.arrays);
    let bins_per_tenth = (0.1 / LOSS_BIN_DB).round() as usize;
    let mut coarse = vec![0_u64; 31];
    for (bin, count) in histogram.iter().enumerate() {
        coarse[(bin / bins_per_tenth).min(30)] += count;
    }
    MethodResult {
        method,
        label,
        mode_radius_um,
        time_per_array_s,
        time_per_engine_s: time_per_array_s * inputs.settings.arrays_per_engine as f64,
        fibers_per_s: per_array / time_per_array_s.max(f64::MIN_POSITIVE),
        cost_per_array_usd,
        cost_per_engine_usd: cost_per_array_usd * inputs.settings.arrays_per_engine as f64,
        loss: LossStats {
            mean_db: tally.loss_sum_db / lanes.max(1) as f64,
            p50_db: quantile(&histogram, lanes, 0.5),
            p90_db: quantile(&histogram, lanes, 0.9),
            p99_db: quantile(&histogram, lanes, 0.99),
        },
        lane_yield,
        array_yield,
        engine_yield: array_yield.value.powi(inputs.settings.arrays_per_engine as i32),
        loss_histogram: coarse,
    }
}

/// Lane failure probability from the cure shift alone on a perfectly aligned lane at the
/// bond-line gap with no tilt: $\exp(-d_c^2/2\sigma_s^2)$, $d_c^2 = (B/(10\log_{10}e) +
/// 2c_0)/(-c_2)$ (module docs); 1 when the gap alone exceeds the budget, 0 with no shift.
#[must_use]
pub fn cure_failure_closed_form(inputs: &AlignInputs) -> f64 {
    let axis = modes(inputs, inputs.attach.mode_radius_um.0).axis(0.0, inputs.attach.gap_mean_um.0);
    let headroom = inputs.attach.coupling_budget_db.0 / DB_PER_NEPER + 2.0 * axis.constant;
    if headroom <= 0.0 {
        return 1.0;
    }
    if inputs.attach.shift_sigma_um.0 == 0.0 {
        return 0.0;
    }
    let critical_sq = headroom / -axis.quadratic_per_um2;
    (-critical_sq / (2.0 * inputs.attach.shift_sigma_um.0.powi(2))).exp()
}

/// Runs active alignment and passive attach on `inputs.settings.arrays` arrays each, on `threads`
/// threads (the results do not depend on the count).
///
/// # Errors
/// [`AlignInputError`] naming the input out of range.
pub fn simulate(inputs: &AlignInputs, threads: usize) -> Result<AlignResult, AlignInputError> {
    check(inputs)?;
    let batches = inputs.settings.arrays.div_ceil(BATCH);
    let threads = threads.clamp(1, batches);
    let mut tallies: Vec<Option<BatchTally>> = (0..batches).map(|_| None).collect();
    std::thread::scope(|scope| {
        let chunk = batches.div_ceil(threads);
        for (thread, slots) in tallies.chunks_mut(chunk).enumerate() {
            scope.spawn(move || {
                for (offset, slot) in slots.iter_mut().enumerate() {
                    let batch = thread * chunk + offset;
                    let count = BATCH.min(inputs.settings.arrays - batch * BATCH);
                    *slot = Some(run_batch(inputs, batch, count));
                }
            });
        }
    });
    let (mut active, mut passive, mut matched) = (Tally::new(), Tally::new(), Tally::new());
    let mut search = SearchTally::default();
    for tally in tallies.iter().flatten() {
        active.add(&tally.active);
        passive.add(&tally.passive);
        matched.add(&tally.passive_matched);
        search.add(&tally.search);
    }
    let arrays = inputs.settings.arrays as f64;
    let aligned = search.aligned.max(1) as f64;
    let rings =
        (inputs.settings.spiral_range_um.0 / inputs.settings.spiral_step_um.0).floor() as usize;
    Ok(AlignResult {
        arrays: inputs.settings.arrays,
        fibers_per_array: inputs.settings.fibers_per_array,
        arrays_per_engine: inputs.settings.arrays_per_engine,
        coupling_budget_db: inputs.attach.coupling_budget_db.0,
        active: method(
            inputs,
            &active,
            ("active", "active alignment", inputs.attach.mode_radius_um.0),
            inputs.settings.machine_usd_per_h.0,
        ),
        search: SearchStats {
            first_light_failures: fraction(search.not_found, inputs.settings.arrays as u64),
            spiral_readings: search.spiral_readings as f64 / arrays,
            climb_readings: search.climb_readings as f64 / arrays,
            search_s: search.search_s / arrays,
            placement_rms_um: (search.lateral_sq_um2 / aligned).sqrt(),
            roll_rms_urad: (search.roll_sq_urad2 / aligned).sqrt(),
            spiral_exhausted_readings: (2 * rings + 1).pow(2),
        },
        passive: method(
            inputs,
            &passive,
            ("passive", "passive V-groove", inputs.attach.mode_radius_um.0),
            inputs.settings.passive_machine_usd_per_h.0,
        ),
        passive_matched: method(
            inputs,
            &matched,
            (
                "passive_matched",
                "passive, fiber-matched coupler",
                inputs.settings.passive_mode_radius_um.0,
            ),
            inputs.settings.passive_machine_usd_per_h.0,
        ),
        cure_only_failure: cure_failure_closed_form(inputs),
    })
}
