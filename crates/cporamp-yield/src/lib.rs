//! cporamp-yield: the article's five CPO failure points as a Monte Carlo over lanes, optical
//! engines and packages, through a test flow with coverage; yield, escapes and cost per good
//! switch.
//!
//! # Hierarchy
//! A package is one switch ASIC and $M$ optical engines of $L$ lanes (plus $S$ spare lanes)
//! each. ASICs come from lots of `wafers_per_lot` wafers of `asics_per_wafer` dies; the
//! defect density of a die is $D$ times a Gamma($\alpha_l$) factor per lot and a
//! Gamma($\alpha_w$) factor per wafer (each of mean 1), so defects cluster as on real lines
//! (one factor alone gives the negative-binomial yield $(1 + DA/\alpha)^{-\alpha}$). Engines
//! come from PIC wafers of `engines_per_pic_wafer` dies; a ring's fabrication offset is the
//! sum of a wafer term, an engine term and a ring term whose variances split
//! $\sigma^2$ by `drift_wafer_fraction` and `drift_global_fraction`.
//!
//! # Mechanisms
//! 1. **Coupling shift.** An engine's fiber array is one rigid block: it lands with a gap
//!    $z \sim |N(\bar z, \sigma_z^2)|$, tilts $\theta_x, \theta_y \sim N(0,
//!    \sigma_\theta^2)$ and is offset by $(b_x, b_y)$, $b \sim N(0, \sigma_b^2 +
//!    \sigma_s^2)$ per axis (placement, then cure shift of the whole block); each fiber's core
//!    sits at its own $f \sim N(0, \sigma_f^2)$ per axis within the block, so lane $i$ is off
//!    by $b + f_i$ (plus the warpage offset of its engine). The loss is the overlap of equal
//!    Gaussian modes of radius $w$ across the gap with offset and tilt ([`cporamp_core::coupling`]):
//!    $10\log_{10}(e)\thinspace d^2/w^2$ dB for an offset alone. A lane fails if the loss exceeds
//!    its coupling allocation $B$ of the link margin. With no gap, tilt or warpage a lane's
//!    offset is $N(0, \sigma^2)$ per axis, $\sigma^2 = \sigma_b^2 + \sigma_s^2 +
//!    \sigma_f^2$, and it fails with $P = \exp(-d_c^2 / 2\sigma^2)$,
//!    $d_c^2 = B w^2 / (10\log_{10} e)$; the block term makes the lanes of one engine fail
//!    together, so engines fail less often than independent lanes would make them.
//! 2. **Laser defects and early degradation.** Laser chips are burned in for $t$ hours
//!    before engine assembly: a weak chip (probability $f_w$) fails burn-in with probability
//!    $1 - e^{-\lambda_w t}$ and is replaced; a weak chip that survives ships as infant
//!    mortality. An installed laser is dead with probability $1 - e^{-D_L A_L}$ and takes
//!    its lanes.
//! 3. **Thermal drift.** Each lane has `rings_per_lane` rings (modulator and
//!    demultiplexer), each ring on its engine's bus of that kind. Ring $i$ needs the red
//!    shift $\mu + g + l_i$ ($\mu$ the mean at operating temperature, from the thermal
//!    engine; $g$ common to the engine's PIC, from its wafer and die; $l_i$ per ring) before
//!    wrapping by the FSR $F$; the bus is locked as [`cporamp_core::wdm`] says (fixed
//!    assignment, or wavelength reassignment by a rotation common to the bus), and a ring
//!    outside the heater range $R$ fails its lane. With fixed assignment a ring fails with
//!    $P(g) = \sum_k [\Phi(\frac{(k+1)F - \mu - g}{\sigma_l}) - \Phi(\frac{kF + R - \mu -
//!    g}{\sigma_l})]$, and a lane of $r$ rings with $1 - E_g[(1 - P(g))^r]$.
//! 4. **Package warpage.** The package warps by $W \sim N(\bar W, \sigma_W^2)$ at its corner,
//!    bowl-shaped, so an engine at normalized distance $\rho$ from the centre moves by
//!    $W\rho^2$: its fibers shift laterally by $k W \rho^2$ (into mechanism 1, counted as
//!    warpage when the lane would pass without it). The package's board (BGA) joints open
//!    when its reflow warpage $f|W|$ ($f$ = `reflow_warpage_fraction`) exceeds the package's
//!    own limit, uniform over the acceptance band $[W_\text{lo}, W_\text{hi}]$
//!    (head-in-pillow seen near the low end, JEITA's limit at the high end), so
//!    $P(\text{open}) = E[\min(1, (f|W| - W_\text{lo})^+/(W_\text{hi} - W_\text{lo}))]$. A spherical cap of corner bow $W$ over the package diagonal $D$ has
//!    the curvature $8W/D^2$ everywhere, so every engine of width $a$ bows by $W a^2/D^2$
//!    across itself; its joints to the substrate open beyond `engine_joint_open_um` (all its
//!    lanes fail).
//! 5. **Inadequate test.** Each insertion detects a present failure of mechanism $m$ with
//!    probability $c_m$ (each ASIC defect independently); what no insertion detects ships.
//!
//! # Test flow
//! ASIC wafer test (known-good die: the ASIC price is per good die, so rejects cost the
//! switch maker only the test), laser-chip burn-in, engine test (lasers and rings, before
//! assembly; rejects scrapped and replaced), assembly and fiber attach, package test (all
//! mechanisms). A package rejected for coupling alone may be reworked ([`Rework`]): each
//! attempt damages it with probability $p_d$ (scrap) or re-attaches the fiber blocks of the
//! engines with coupling failures (fresh gap, tilt and placement; the warpage stays) and
//! tests it again. Any other reject scraps the ASIC, its engines and the package. Cost per
//! shipped switch is everything bought, tested and reworked over the switches shipped. A
//! package that passes is tested again in its switch (system test: traffic on every port),
//! which detects what is present with its own coverage; a reject there scraps the package too.
//!
//! The yield **waterfall** starts from all assembled packages, removes the first package
//! test's rejects by the first mechanism detected (in [`Mechanism::ALL`] order, so each counts
//! once), adds back what rework recovered and removes the system test's rejects; its steps sum
//! to the shipped fraction.
//!
//! **External laser sources** ([`Els`]) are built from burned-in laser chips, $n$ per module
//! of which $k$ must work ($n - k$ spares): a module passes its test with probability
//! $\sum_{j \ge k}\binom{n}{j}(1-p)^j p^{n-j}$ and a failing one is scrapped alone, since
//! the module is field-replaceable and outside the package.
//!
//! # Ramp learning
//! Defect levels fall with cumulative volume $V$ by Wright's law: with learning rate $r$
//! (the factor per doubling), a defect level set at reference volume $V_0$ scales by
//! $(V/V_0)^{\log_2 r}$. [`learned`] applies a factor $d$: the laser defect level and the
//! weak-laser fraction (defect counts) scale by $d$, and so does the variance of the fiber
//! attach process (block placement and cure shift: $\sigma \to \sigma\sqrt d$; assumption:
//! an assembly line learns its placement and cure the way it learns its defects, so attach
//! excursions beyond the budget thin as defect counts do); the fibers' positions within
//! their arrays (a bought part), warpage, rings and the ASIC's foundry defects do not learn
//! with CPO volume. [`ramp()`] reruns the Monte Carlo at each point (same seed: common random
//! numbers, so differences between points are not noise).
//!
//! # Estimates
//! Fractions carry binomial standard errors. Packages are simulated in batches of
//! [`BATCH`] (the line's wafers and lots, and the ELS modules, on streams of the batch), and
//! every package draws from its own Xoshiro256++ stream (`seed`, package index; the modules
//! `rings`, `fibers` and `skip` say how buses, fibers and lasers are drawn), so results do not
//! depend on the thread count.
//!
//! **Architecture invariant:** pure and deterministic for a seed.

#![allow(
    clippy::needless_range_loop,
    reason = "the mechanism index addresses several parallel per-mechanism arrays"
)]

mod attach;
mod check;
pub mod closed_form;
mod fibers;
mod inputs;
mod ramp;
mod results;
mod rings;
pub mod settings;
mod simulate;
mod skip;
mod test_data;

pub use attach::warpage_shift_mean_square_um2;
use attach::{Attach, Placement};
pub use check::check;
pub use inputs::*;
pub use ramp::{
    RampPlan, RampPoint, TornadoBar, TornadoPlan, learned, ramp, tornado, wright_factor,
};
pub use results::*;
use simulate::run_batch;
pub use simulate::{simulate, simulate_all, work_units};
pub use test_data::{
    LaneRecord, SCHEMA_2_COLUMNS, TEST_DATA_COLUMNS, TEST_DATA_SCHEMA, test_data_csv, test_records,
};

use cporamp_core::coupling;
pub use cporamp_core::quarter::Quarter;
use cporamp_core::wdm::BusLock;
use rand::{Rng, RngCore, SeedableRng};
use rand_distr::{Distribution, Gamma, Normal, Poisson};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};
use rings::{BusOutcome, BusSampler};
use serde::Serialize;
pub use settings::{Rework, TestCosts};
use skip::Skip;

/// Packages per random stream.
pub const BATCH: usize = 256;

pub use cporamp_core::mechanism::{ByMechanism, Mechanism};

/// Detection probability of a present failure, per mechanism.
pub type Coverage = ByMechanism<f64>;

/// Counts of one batch (summed over batches).
#[derive(Debug, Clone, Default)]
struct Tally {
    asics_tested: u64,
    asics_passed: u64,
    engines_tested: u64,
    engines_passed: u64,
    packages: u64,
    package_tests: u64,
    package_passed: u64,
    lasers_burned_in: u64,
    lasers_passed: u64,
    shipped: u64,
    rejects: ByMechanism<u64>,
    first_rejects: ByMechanism<u64>,
    system_tests: u64,
    system_rejects: u64,
    reworks: u64,
    rework_damaged: u64,
    rework_recovered: u64,
    lanes: u64,
    lane_failures: ByMechanism<u64>,
    /// Sum over packages of the square of each package's failed lanes, per mechanism.
    lane_failures_sq: ByMechanism<u64>,
    escapes: ByMechanism<u64>,
    escapes_any: u64,
    latent_escapes: u64,
    bga_opens: u64,
    els_built: u64,
    els_passed: u64,
    els_spares_used: u64,
    els_weak_shipped: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        let sums = [
            (&mut self.asics_tested, other.asics_tested),
            (&mut self.asics_passed, other.asics_passed),
            (&mut self.engines_tested, other.engines_tested),
            (&mut self.engines_passed, other.engines_passed),
            (&mut self.packages, other.packages),
            (&mut self.package_tests, other.package_tests),
            (&mut self.package_passed, other.package_passed),
            (&mut self.lasers_burned_in, other.lasers_burned_in),
            (&mut self.lasers_passed, other.lasers_passed),
            (&mut self.shipped, other.shipped),
            (&mut self.system_tests, other.system_tests),
            (&mut self.system_rejects, other.system_rejects),
            (&mut self.reworks, other.reworks),
            (&mut self.rework_damaged, other.rework_damaged),
            (&mut self.rework_recovered, other.rework_recovered),
            (&mut self.lanes, other.lanes),
            (&mut self.escapes_any, other.escapes_any),
            (&mut self.latent_escapes, other.latent_escapes),
            (&mut self.bga_opens, other.bga_opens),
            (&mut self.els_built, other.els_built),
            (&mut self.els_passed, other.els_passed),
            (&mut self.els_spares_used, other.els_spares_used),
            (&mut self.els_weak_shipped, other.els_weak_shipped),
        ];
        for (total, value) in sums {
            *total += value;
        }
        for m in Mechanism::ALL {
            self.rejects[m] += other.rejects[m];
            self.first_rejects[m] += other.first_rejects[m];
            self.lane_failures[m] += other.lane_failures[m];
            self.lane_failures_sq[m] += other.lane_failures_sq[m];
            self.escapes[m] += other.escapes[m];
        }
    }
}

/// An engine before assembly: each lane's laser and drift failures, and its weak lasers.
struct Engine {
    lanes: Vec<ByMechanism<bool>>,
    /// Whether any lane has a failure (most engines have none).
    any_failed: bool,
    weak_lasers: usize,
    /// PIC wafer number within the batch.
    pic_wafer: usize,
    /// Heater red shift each lane's first ring needs after the FSR wrap, nm (test data only;
    /// empty otherwise).
    shift_nm: Vec<f64>,
    /// Whether each lane's laser is weak (test data only; empty otherwise).
    weak_lane: Vec<bool>,
}

/// Failed lanes per mechanism, and the mechanisms present if the engine fails (more failed
/// lanes than spares).
struct EngineState {
    failed: ByMechanism<bool>,
    lane_failures: ByMechanism<u64>,
}

fn normal(sigma: f64) -> Normal<f64> {
    Normal::new(0.0, sigma).unwrap_or_else(|_| Normal::new(0.0, 0.0).expect("0 is valid"))
}

/// A chip's chance to fail burn-in, and a passed chip's chance to be weak.
fn burn_in(inputs: &YieldInputs) -> (f64, f64) {
    let f = inputs.laser_weak_fraction;
    if f <= 0.0 {
        return (0.0, 0.0);
    }
    let q = -(-inputs.laser_weak_rate_per_h * inputs.burn_in_h.0).exp_m1();
    (f * q, f * (1.0 - q) / (1.0 - f * q))
}

/// The manufacturing line of one batch: ASIC lots and wafers, PIC wafers, with their
/// shared variation.
struct Line {
    lot: usize,
    wafer: usize,
    wafers_on_lot: usize,
    dies_on_wafer: usize,
    lot_scale: f64,
    wafer_scale: f64,
    pic_wafer: usize,
    engines_on_pic_wafer: usize,
    pic_offset_nm: f64,
    /// The line's own stream: which wafer a die or an engine comes from does not shift the
    /// packages' draws.
    rng: Xoshiro256PlusPlus,
}

fn gamma_factor(alpha: Option<f64>, rng: &mut impl Rng) -> f64 {
    alpha.and_then(|alpha| Gamma::new(alpha, 1.0 / alpha).ok()).map_or(1.0, |g| g.sample(rng))
}

impl Line {
    fn new(inputs: &YieldInputs, mut rng: Xoshiro256PlusPlus) -> Line {
        let lot_scale = gamma_factor(inputs.asic_lot_alpha, &mut rng);
        let wafer_scale = gamma_factor(inputs.asic_cluster_alpha, &mut rng);
        let pic_offset_nm = Line::pic_offset(inputs, &mut rng);
        Line {
            lot: 0,
            wafer: 0,
            wafers_on_lot: 1,
            dies_on_wafer: 0,
            lot_scale,
            wafer_scale,
            pic_wafer: 0,
            engines_on_pic_wafer: 0,
            pic_offset_nm,
            rng,
        }
    }

    fn pic_offset(inputs: &YieldInputs, rng: &mut impl Rng) -> f64 {
        normal(inputs.drift_sigma_nm.0 * inputs.drift_wafer_fraction.sqrt()).sample(rng)
    }

    /// The next ASIC die's defect count.
    fn next_die(&mut self, inputs: &YieldInputs) -> u64 {
        let rng = &mut self.rng;
        if self.dies_on_wafer == inputs.asics_per_wafer {
            if self.wafers_on_lot == inputs.wafers_per_lot {
                self.lot += 1;
                self.wafers_on_lot = 0;
                self.lot_scale = gamma_factor(inputs.asic_lot_alpha, rng);
            }
            self.wafer += 1;
            self.wafers_on_lot += 1;
            self.dies_on_wafer = 0;
            self.wafer_scale = gamma_factor(inputs.asic_cluster_alpha, rng);
        }
        self.dies_on_wafer += 1;
        let mean = inputs.asic_defects_per_die * self.lot_scale * self.wafer_scale;
        if mean <= 0.0 {
            return 0;
        }
        Poisson::new(mean).map_or(0, |poisson| poisson.sample(rng) as u64)
    }

    /// Moves to the next PIC die; returns its wafer's ring offset.
    fn next_pic(&mut self, inputs: &YieldInputs) -> f64 {
        if self.engines_on_pic_wafer == inputs.engines_per_pic_wafer {
            self.pic_wafer += 1;
            self.engines_on_pic_wafer = 0;
            self.pic_offset_nm = Line::pic_offset(inputs, &mut self.rng);
        }
        self.engines_on_pic_wafer += 1;
        self.pic_offset_nm
    }
}

/// What an engine's draws need, computed once per batch: the ring buses' sampler, and the
/// skips over an engine's lasers (burn-in failures, weak and dead chips) and its whole buses.
struct EngineDraws {
    rings: BusSampler,
    burn_in: Skip,
    weak: Skip,
    dead: Skip,
    /// The spread within which a bus locks and the skip over the engine's whole buses, when
    /// the sampler applies.
    buses: Option<(f64, Skip)>,
}

impl EngineDraws {
    fn new(inputs: &YieldInputs) -> EngineDraws {
        let rings = BusSampler::new(
            BusLock {
                fsr_nm: inputs.fsr_nm.0,
                range_nm: inputs.tuning_range_nm.0,
                step_nm: inputs.reassignment_step_nm.map(|step| step.0),
                guard_nm: 0.0,
            },
            inputs.ring_local_sigma_nm(),
        );
        let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
        let lasers =
            if inputs.lanes_per_laser > 0 { lanes.div_ceil(inputs.lanes_per_laser) } else { 0 };
        let (weak_fail, weak_pass) = burn_in(inputs);
        let per_bus = rings.rings_per_bus();
        let buses = rings
            .union_bound(per_bus)
            .map(|(margin, bound)| (margin, Skip::new(lanes / per_bus, bound)));
        EngineDraws {
            burn_in: Skip::new(lasers, weak_fail),
            weak: Skip::new(lasers, weak_pass),
            dead: Skip::new(lasers, inputs.laser_dead_probability),
            buses,
            rings,
        }
    }
}

/// Samples an engine's lasers (burned in as chips first) and rings, before assembly; `detail`
/// (test data) is the stream that draws the heater shifts the rings' outcome did not need.
fn sample_engine<R: Rng>(
    inputs: &YieldInputs,
    draws: &EngineDraws,
    line: &mut Line,
    tally: &mut Tally,
    rng: &mut R,
    detail: Option<&mut R>,
    pool: &mut LanePool,
) -> Engine {
    let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
    let mut lane_failed = pool.take();
    lane_failed.resize(lanes, ByMechanism([false; 5]));
    let mut weak_lasers = 0;
    let mut any_failed = false;
    // Per-lane weak lasers and heater shifts only for test data.
    let detailed = detail.is_some();
    let mut weak_lane = if detailed { vec![false; lanes] } else { Vec::new() };
    if inputs.lanes_per_laser > 0 {
        let weak_lane = if detailed { Some(&mut weak_lane[..]) } else { None };
        (weak_lasers, any_failed) =
            sample_lasers(inputs, draws, tally, rng, &mut lane_failed, weak_lane);
    }
    let wafer_offset = line.next_pic(inputs);
    let engine_offset =
        normal(inputs.drift_sigma_nm.0 * inputs.drift_global_fraction.sqrt()).sample(rng);
    let common = inputs.drift_mean_nm.0 + wafer_offset + engine_offset;
    let mut shift_nm = if detailed { vec![f64::NAN; lanes] } else { Vec::new() };
    any_failed |= sample_rings(inputs, draws, common, &mut lane_failed, &mut shift_nm, rng, detail);
    Engine {
        lanes: lane_failed,
        any_failed,
        weak_lasers,
        pic_wafer: line.pic_wafer,
        shift_nm,
        weak_lane,
    }
}

/// Burns in the engine's laser chips (until one passes, by geometric skips) and draws its
/// weak and dead lasers: flags the dead lasers' lanes in `lane_failed` and, with `weak_lane`
/// (test data), the weak lasers' lanes; returns the weak lasers and whether any laser is dead.
fn sample_lasers<R: Rng>(
    inputs: &YieldInputs,
    draws: &EngineDraws,
    tally: &mut Tally,
    rng: &mut R,
    lane_failed: &mut [ByMechanism<bool>],
    mut weak_lane: Option<&mut [bool]>,
) -> (usize, bool) {
    let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
    let mut weak_lasers = 0;
    let mut any_failed = false;
    // Each chip is burned in until one passes: a chip fails burn-in with probability
    // f q (weak, and weak chips fail burn-in with q), so the chips that failed before
    // the engine's n passed are negative binomial, and a passed chip is weak with
    // probability f (1 - q) / (1 - f q), independently. Drawn by geometric skips.
    let lasers = lanes.div_ceil(inputs.lanes_per_laser);
    let failed = draws.burn_in.failures_before(rng);
    tally.lasers_burned_in += lasers as u64 + failed;
    tally.lasers_passed += lasers as u64;
    let group = |laser: usize| {
        laser * inputs.lanes_per_laser..((laser + 1) * inputs.lanes_per_laser).min(lanes)
    };
    draws.weak.each(rng, |laser, _| {
        weak_lasers += 1;
        if let Some(weak_lane) = weak_lane.as_deref_mut() {
            weak_lane[group(laser)].fill(true);
        }
    });
    draws.dead.each(rng, |laser, _| {
        for lane in &mut lane_failed[group(laser)] {
            lane[Mechanism::Laser] = true;
        }
        any_failed = true;
    });
    (weak_lasers, any_failed)
}

/// Draws the engine's rings, bus by bus for each ring of a lane, around the common offset
/// `common` (nm), flagging the lanes whose heaters cannot reach their channel; with `detail`
/// (test data), keeps the first ring's heater shifts in `shift_nm`. Returns whether a lane
/// failed.
fn sample_rings<R: Rng>(
    inputs: &YieldInputs,
    draws: &EngineDraws,
    common: f64,
    lane_failed: &mut [ByMechanism<bool>],
    shift_nm: &mut [f64],
    rng: &mut R,
    mut detail: Option<&mut R>,
) -> bool {
    let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
    let detailed = detail.is_some();
    let mut any_failed = false;
    let rings = &draws.rings;
    let per_bus = rings.rings_per_bus();
    let (mut on_stack, mut on_heap) = ([0.0; 16], Vec::new());
    let scratch_nm: &mut [f64] = if per_bus <= on_stack.len() {
        &mut on_stack[..per_bus]
    } else {
        on_heap.resize(per_bus, 0.0);
        &mut on_heap
    };
    // One bus per run of as many rings as the grid has channels, per kind of ring. The first
    // ring's heater shifts are kept for test data (from the detail stream where the bus's
    // outcome did not need them); the others' only flag.
    let full_buses = lanes / per_bus;
    for ring in 0..inputs.rings_per_lane {
        let keep = ring == 0 && detailed;
        let mut flag = |failed: &mut [ByMechanism<bool>], shifts: &[f64]| {
            for (lane, &shift) in failed.iter_mut().zip(shifts) {
                lane[Mechanism::Drift] |= shift > inputs.tuning_range_nm.0;
                any_failed |= lane[Mechanism::Drift];
            }
        };
        if let Some((margin, buses)) = &draws.buses {
            let margin = *margin;
            // Only the whole buses whose union draw fires need a look: by geometric skips.
            let mut locked = vec![false; if keep { full_buses } else { 0 }];
            buses.each(rng, |bus, rng| {
                let shifts = if keep {
                    &mut shift_nm[bus * per_bus..(bus + 1) * per_bus]
                } else {
                    &mut scratch_nm[..per_bus]
                };
                if rings.propose(margin, common, shifts, rng) == BusOutcome::Locked {
                    flag(&mut lane_failed[bus * per_bus..(bus + 1) * per_bus], shifts);
                    if keep {
                        locked[bus] = true;
                    }
                }
            });
            if let Some(detail) = detail.as_deref_mut().filter(|_| keep) {
                for bus in (0..full_buses).filter(|&bus| !locked[bus]) {
                    let shifts = &mut shift_nm[bus * per_bus..(bus + 1) * per_bus];
                    rings.fill_inside(margin, common, shifts, detail);
                }
            }
            // The last, shorter bus (spare lanes beyond whole buses).
            let failed = &mut lane_failed[full_buses * per_bus..];
            if !failed.is_empty() {
                let (shifts, detail) = if keep {
                    (&mut shift_nm[full_buses * per_bus..], detail.as_deref_mut())
                } else {
                    (&mut scratch_nm[..failed.len()], None)
                };
                if rings.draw(common, shifts, rng, detail) == BusOutcome::Locked {
                    flag(failed, shifts);
                }
            }
        } else {
            for (bus, failed) in lane_failed.chunks_mut(per_bus).enumerate() {
                let (shifts, detail) = if keep {
                    let start = bus * per_bus;
                    (&mut shift_nm[start..start + failed.len()], detail.as_deref_mut())
                } else {
                    (&mut scratch_nm[..failed.len()], None)
                };
                if rings.draw(common, shifts, rng, detail) == BusOutcome::Locked {
                    flag(failed, shifts);
                }
            }
        }
    }
    any_failed
}

/// Lane-flag vectors of engines and placements no longer needed, reused instead of
/// allocating new ones for every engine.
#[derive(Default)]
struct LanePool(Vec<Vec<ByMechanism<bool>>>);

impl LanePool {
    /// An empty vector, with room from an earlier engine when there is one.
    fn take(&mut self) -> Vec<ByMechanism<bool>> {
        let mut lanes = self.0.pop().unwrap_or_default();
        lanes.clear();
        lanes
    }

    fn give(&mut self, lanes: Vec<ByMechanism<bool>>) {
        self.0.push(lanes);
    }
}

/// The state of an engine with no failed lane.
const NO_FAILURE: EngineState =
    EngineState { failed: ByMechanism([false; 5]), lane_failures: ByMechanism([0; 5]) };

fn engine_state(lane_failed: &[ByMechanism<bool>], inputs: &YieldInputs) -> EngineState {
    let mut lane_failures = ByMechanism([0; 5]);
    let mut failed_lanes = 0usize;
    for lane in lane_failed {
        if lane.values().any(|&f| f) {
            failed_lanes += 1;
        }
        for m in Mechanism::ALL {
            lane_failures[m] += u64::from(lane[m]);
        }
    }
    // The engine fails if more lanes fail than it has spares; then every mechanism with a
    // failed lane is present.
    let mut failed = ByMechanism([false; 5]);
    if failed_lanes > inputs.spare_lanes_per_engine {
        for m in Mechanism::ALL {
            failed[m] = lane_failures[m] > 0;
        }
    }
    EngineState { failed, lane_failures }
}

/// One test insertion: which present mechanisms it detects.
fn detect(
    present: &ByMechanism<bool>,
    coverage: &Coverage,
    rng: &mut impl Rng,
) -> ByMechanism<bool> {
    let mut detected = ByMechanism([false; 5]);
    for m in Mechanism::ALL {
        detected[m] = present[m] && rng.random::<f64>() < coverage[m];
    }
    detected
}

/// The mechanisms present in an assembled package; `states` receives each engine's state.
fn package_present(
    inputs: &YieldInputs,
    placements: &[Placement],
    bga_open: bool,
    asic_defects: u64,
    states: &mut Vec<EngineState>,
) -> ByMechanism<bool> {
    let mut present = ByMechanism([false; 5]);
    states.clear();
    states.extend(placements.iter().map(|placement| {
        if placement.any_failed { engine_state(&placement.lanes, inputs) } else { NO_FAILURE }
    }));
    for state in states.iter() {
        for m in Mechanism::ALL {
            present[m] |= state.failed[m];
        }
    }
    present[Mechanism::Warpage] |= bga_open;
    present[Mechanism::Asic] = asic_defects > 0;
    present
}

/// Package test: each present mechanism detected with its coverage, each ASIC defect
/// independently.
fn package_test(
    inputs: &YieldInputs,
    present: &ByMechanism<bool>,
    asic_defects: u64,
    tally: &mut Tally,
    rng: &mut impl Rng,
) -> ByMechanism<bool> {
    tally.package_tests += 1;
    let mut detected = detect(present, &inputs.package_test, rng);
    detected[Mechanism::Asic] =
        (0..asic_defects).any(|_| rng.random::<f64>() < inputs.package_test[Mechanism::Asic]);
    detected
}

/// The geometric skips of an ELS module's lasers: burn-in failures before the module's
/// lasers pass, weak lasers among those shipped, dead lasers.
pub(crate) struct ElsDraws {
    burn_in: Skip,
    weak: Skip,
    dead: Skip,
}

impl ElsDraws {
    pub(crate) fn new(inputs: &YieldInputs, els: &Els) -> ElsDraws {
        let (weak_fail, weak_pass) = burn_in(inputs);
        ElsDraws {
            burn_in: Skip::new(els.lasers, weak_fail),
            weak: Skip::new(els.lasers, weak_pass),
            dead: Skip::new(els.lasers, inputs.laser_dead_probability),
        }
    }
}

/// Builds and tests the ELS modules of one switch (modules failing their test are
/// scrapped and rebuilt); returns whether a weak laser shipped. A module's laser chips are
/// burned in until its `lasers` pass (the failures before them negative binomial, as an
/// engine's), each shipped chip is weak with the burned-in weak fraction and dead with the
/// dead probability, all drawn by geometric skips.
pub(crate) fn els_modules(
    els: &Els,
    draws: &ElsDraws,
    tally: &mut Tally,
    rng: &mut impl Rng,
) -> bool {
    let mut weak_shipped = false;
    for _ in 0..els.per_switch {
        loop {
            tally.els_built += 1;
            let failed = draws.burn_in.failures_before(rng);
            tally.lasers_burned_in += els.lasers as u64 + failed;
            tally.lasers_passed += els.lasers as u64;
            let mut weak = false;
            draws.weak.each(rng, |_, _| weak = true);
            let mut dead = 0;
            draws.dead.each(rng, |_, _| dead += 1);
            let good = els.lasers - dead;
            if good >= els.lasers_needed {
                tally.els_passed += 1;
                tally.els_spares_used += dead as u64;
                weak_shipped |= weak;
                break;
            }
        }
    }
    weak_shipped
}

#[cfg(test)]
mod pins;
#[cfg(test)]
mod tests;
