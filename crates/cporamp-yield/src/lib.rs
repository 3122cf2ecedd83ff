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
//!    Gaussian modes of radius $w$ across the gap with offset and tilt ([`coupling`]):
//!    $10\log_{10}(e)\,d^2/w^2$ dB for an offset alone. A lane fails if the loss exceeds
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
//! test's rejects by the first mechanism detected (in [`MECHANISMS`] order, so each counts
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
//! with CPO volume. [`ramp`] reruns the Monte Carlo at each point (same seed: common random
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

mod check;
pub mod closed_form;
pub mod coupling;
mod fibers;
mod ramp;
mod rings;
mod skip;
mod test_data;

pub use check::check;
pub use ramp::{
    RampPlan, RampPoint, TornadoBar, TornadoPlan, learned, ramp, tornado, wright_factor,
};
pub use test_data::{LaneRecord, TEST_DATA_COLUMNS, TEST_DATA_SCHEMA, test_data_csv, test_records};

pub use cporamp_core::scenario::Rework;
use cporamp_core::wdm::BusLock;
use rand::{Rng, RngCore, SeedableRng};
use rand_distr::{Distribution, Gamma, Normal, Poisson};
use rand_xoshiro::{SplitMix64, Xoshiro256PlusPlus};
use rings::{BusOutcome, BusSampler};
use serde::Serialize;
use skip::Skip;

/// Packages per random stream.
pub const BATCH: usize = 256;

/// The five mechanisms (warpage covers both fiber shift and bump opens).
pub const MECHANISMS: [&str; 5] = ["coupling", "laser", "drift", "warpage", "asic"];

const COUPLING: usize = 0;
/// Index of the laser mechanism in [`MECHANISMS`] and every per-mechanism array.
pub const LASER: usize = 1;
pub(crate) const DRIFT: usize = 2;
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
    /// Fiber-block placement sigma per axis, common to the block's fibers, µm.
    pub block_sigma_um: f64,
    /// Core position sigma per axis of each fiber within its block, µm.
    pub fiber_sigma_um: f64,
    /// Post-attach shift (cure) sigma per axis of the whole block, µm.
    pub shift_sigma_um: f64,
    /// Mode radius, µm.
    pub mode_radius_um: f64,
    /// Wavelength, µm (sets the Rayleigh range for gap and tilt).
    pub wavelength_um: f64,
    /// Refractive index of the fiber-to-coupler gap.
    pub gap_index: f64,
    /// Mean fiber-block-to-coupler gap, µm.
    pub gap_mean_um: f64,
    /// Gap sigma per fiber block (engine), µm.
    pub gap_sigma_um: f64,
    /// Fiber-block tilt sigma per axis, mrad.
    pub tilt_sigma_mrad: f64,
    /// Excess coupling loss a lane can absorb (its allocation of the link margin), dB.
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
    /// Share of that variance common to a PIC wafer.
    pub drift_wafer_fraction: f64,
    /// Engines (PICs) per PIC wafer.
    pub engines_per_pic_wafer: usize,
    /// Free spectral range, nm.
    pub fsr_nm: f64,
    /// Heater tuning range, nm.
    pub tuning_range_nm: f64,
    /// Rings per lane (a modulator and a demultiplexer ring), each on its own bus.
    pub rings_per_lane: usize,
    /// Wavelength reassignment step (the channel spacing; the grid tiles the FSR), nm;
    /// `None` for fixed assignment ([`cporamp_core::wdm`]).
    pub reassignment_step_nm: Option<f64>,
    /// Mean corner warpage, µm.
    pub warpage_mean_um: f64,
    /// Warpage sigma, µm.
    pub warpage_sigma_um: f64,
    /// Lateral fiber shift per µm of warpage at the engine, µm/µm.
    pub warpage_lateral_per_um: f64,
    /// Warpage at reflow over warpage at room temperature (the BGA limits hold at reflow).
    pub reflow_warpage_fraction: f64,
    /// Lower end of the band of reflow warpage at which the board (BGA) joints open, µm.
    pub bga_open_low_um: f64,
    /// Upper end of that band, µm.
    pub bga_open_high_um: f64,
    /// An engine's own bow (sag across its width) per µm of package warpage,
    /// $(a/D)^2$ for an engine of width $a$ on a package of diagonal $D$.
    pub engine_sag_per_um: f64,
    /// Engine sag at which the engine's joints to the substrate open, µm.
    pub engine_joint_open_um: f64,
    /// ASIC defect density times die area, $D A$.
    pub asic_defects_per_die: f64,
    /// Negative-binomial clustering $\alpha$ (defect density Gamma-distributed per wafer);
    /// `None` for Poisson.
    pub asic_cluster_alpha: Option<f64>,
    /// ASIC dies per wafer.
    pub asics_per_wafer: usize,
    /// ASIC wafers per lot.
    pub wafers_per_lot: usize,
    /// Lot-to-lot clustering $\alpha$ of the ASIC defect density (a Gamma factor per lot on
    /// top of the wafer's); `None` for none.
    pub asic_lot_alpha: Option<f64>,
    /// ASIC wafer test coverage of ASIC defects.
    pub wafer_test_coverage: f64,
    /// Engine test coverage per mechanism (only laser and drift are present then).
    pub engine_test: Coverage,
    /// Package test coverage per mechanism.
    pub package_test: Coverage,
    /// Switch system test (traffic on every port) coverage per mechanism, after package test.
    pub system_test: Coverage,
    /// Laser-chip burn-in, hours (0: none).
    pub burn_in_h: f64,
    /// Rework of packages rejected for coupling only.
    pub rework: Rework,
    /// The external laser source, when the lasers are outside the package.
    pub els: Option<Els>,
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
    /// System test per switch, USD.
    pub system_test_usd: f64,
    /// Laser burn-in per package's worth of lasers, USD.
    pub burn_in_usd: f64,
}

impl YieldInputs {
    /// The ring-to-ring (local) share of the ring offset's spread, nm: $\sigma\sqrt{1 - g -
    /// w}$ with $g$ and $w$ the engine-global and wafer shares of its variance.
    #[must_use]
    pub fn ring_local_sigma_nm(&self) -> f64 {
        self.drift_sigma_nm
            * (1.0 - self.drift_global_fraction - self.drift_wafer_fraction).max(0.0).sqrt()
    }
}

/// An external laser source module: `lasers` lasers of which `lasers_needed` must work (the
/// rest are spares); tested on its own and swapped in the field, so a bad module is
/// scrapped alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Els {
    /// Lasers per module.
    pub lasers: usize,
    /// Lasers that must work.
    pub lasers_needed: usize,
    /// Modules per switch.
    pub per_switch: usize,
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

/// The fraction `count / units` of units (lanes) that come in `clusters` equal clusters
/// (packages), with the cluster-robust standard error: lanes of one package share their
/// fiber block, warpage and ring offsets, so they do not fail independently. With $c_j$ the
/// count of cluster $j$, $n$ clusters of $m$ units: $\hat p = \sum c_j / (n m)$ and
/// $\mathrm{SE} = \sqrt{\widehat{\mathrm{Var}}(c) / n} / m$.
fn clustered(count: u64, count_sq: u64, clusters: u64, units: u64) -> Fraction {
    if clusters == 0 || units == 0 {
        return Fraction { value: 0.0, se: 0.0 };
    }
    let n = clusters as f64;
    let per_cluster = units as f64 / n;
    let mean = count as f64 / n;
    let variance = (count_sq as f64 / n - mean * mean).max(0.0) * n / (n - 1.0).max(1.0);
    Fraction { value: count as f64 / units as f64, se: (variance / n).sqrt() / per_cluster }
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
    /// Fiber re-attach, USD per shipped switch.
    pub rework_usd: f64,
    /// Total, USD per shipped switch.
    pub total_usd: f64,
    /// The same switch at 100 % yield with the same tests, USD.
    pub ideal_usd: f64,
}

/// One step of the yield waterfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterfallStep {
    /// What the step is (`assembled`, a mechanism, `rework`, `system test`).
    pub label: &'static str,
    /// Its change of yield (positive for `assembled` and `rework`), fraction of assembled
    /// packages.
    pub change: Fraction,
}

/// External laser source modules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ElsResult {
    /// Modules passing their test (enough working lasers).
    pub module_yield: Fraction,
    /// Dead lasers covered by spares, per shipped module.
    pub spare_lasers_used_per_module: f64,
    /// Shipped switches whose ELS modules carry a weak laser, DPPM (infant mortality of a
    /// field-replaceable module).
    pub weak_laser_escapes_dppm: f64,
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
    /// Package-test pass fraction (after any rework).
    pub package_test_pass: Fraction,
    /// System-test pass fraction of the packages that passed package test.
    pub system_test_pass: Fraction,
    /// Laser chips passing burn-in.
    pub burn_in_pass: Fraction,
    /// Shipped over assembled (after package test, rework and system test).
    pub package_yield: Fraction,
    /// Packages scrapped, by mechanism present (a package may count under several), as a
    /// fraction of assembled packages.
    pub package_rejects_by_mechanism: [Fraction; 5],
    /// The package yield as a waterfall: from all assembled packages, the first package
    /// test's rejects by the first mechanism detected (in [`MECHANISMS`] order, so each
    /// reject counts once), what rework recovered and the system test's rejects; the steps sum
    /// to the yield.
    pub waterfall: Vec<WaterfallStep>,
    /// Fiber re-attach attempts per assembled package.
    pub reworks_per_package: f64,
    /// Packages rejected at first test that passed package test after rework (the system test
    /// may still reject some), fraction of assembled.
    pub rework_recovered: Fraction,
    /// Rework attempts that damaged the package (scrap), fraction of attempts.
    pub rework_damaged: Fraction,
    /// External laser source modules, when the design has them.
    pub els: Option<ElsResult>,
    /// Failed lanes per mechanism, fraction of all lanes on assembled packages.
    pub lane_failures_by_mechanism: [Fraction; 5],
    /// Assembled packages whose board (BGA) joints open from warpage, fraction.
    pub bga_opens: Fraction,
    /// Shipped switches carrying an undetected failure, per mechanism, DPPM.
    pub escapes_dppm: [f64; 5],
    /// Any escape, DPPM: a failure present at shipment (found when the switch is brought
    /// up, since a dead lane does not train) or a latent one.
    pub escapes_total_dppm: f64,
    /// Shipped switches whose package carries a weak (infant-mortality) laser, DPPM: the only
    /// escape that passes bring-up and fails later in the field.
    pub latent_escapes_dppm: f64,
    /// Cost per shipped switch.
    pub cost: CostBreakdown,
}

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
    rejects: [u64; 5],
    first_rejects: [u64; 5],
    system_tests: u64,
    system_rejects: u64,
    reworks: u64,
    rework_damaged: u64,
    rework_recovered: u64,
    lanes: u64,
    lane_failures: [u64; 5],
    /// Sum over packages of the square of each package's failed lanes, per mechanism.
    lane_failures_sq: [u64; 5],
    escapes: [u64; 5],
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
        for m in 0..5 {
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
    lanes: Vec<[bool; 5]>,
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
    failed: [bool; 5],
    lane_failures: [u64; 5],
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
    let q = -(-inputs.laser_weak_rate_per_h * inputs.burn_in_h).exp_m1();
    (f * q, f * (1.0 - q) / (1.0 - f * q))
}

/// Burns in laser chips until one passes; returns whether the shipped chip is weak.
fn burned_in_laser(inputs: &YieldInputs, tally: &mut Tally, rng: &mut impl Rng) -> bool {
    // The burn-in failure probability is only needed for weak chips (exp per weak chip).
    let burn_in_fail = || -(-inputs.laser_weak_rate_per_h * inputs.burn_in_h).exp_m1();
    loop {
        tally.lasers_burned_in += 1;
        let weak = rng.random::<f64>() < inputs.laser_weak_fraction;
        if !(weak && rng.random::<f64>() < burn_in_fail()) {
            tally.lasers_passed += 1;
            return weak;
        }
    }
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
        normal(inputs.drift_sigma_nm * inputs.drift_wafer_fraction.sqrt()).sample(rng)
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
                fsr_nm: inputs.fsr_nm,
                range_nm: inputs.tuning_range_nm,
                step_nm: inputs.reassignment_step_nm,
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
    mut detail: Option<&mut R>,
    pool: &mut LanePool,
) -> Engine {
    let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
    let mut lane_failed = pool.take();
    lane_failed.resize(lanes, [false; 5]);
    let mut weak_lasers = 0;
    let mut any_failed = false;
    // Per-lane weak lasers and heater shifts only for test data.
    let detailed = detail.is_some();
    let mut weak_lane = if detailed { vec![false; lanes] } else { Vec::new() };
    if inputs.lanes_per_laser > 0 {
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
            if detailed {
                weak_lane[group(laser)].fill(true);
            }
        });
        draws.dead.each(rng, |laser, _| {
            for lane in &mut lane_failed[group(laser)] {
                lane[LASER] = true;
            }
            any_failed = true;
        });
    }
    let wafer_offset = line.next_pic(inputs);
    let engine_offset =
        normal(inputs.drift_sigma_nm * inputs.drift_global_fraction.sqrt()).sample(rng);
    let common = inputs.drift_mean_nm + wafer_offset + engine_offset;
    let mut shift_nm = if detailed { vec![f64::NAN; lanes] } else { Vec::new() };
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
        let mut flag = |failed: &mut [[bool; 5]], shifts: &[f64]| {
            for (lane, &shift) in failed.iter_mut().zip(shifts) {
                lane[DRIFT] |= shift > inputs.tuning_range_nm;
                any_failed |= lane[DRIFT];
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
    Engine {
        lanes: lane_failed,
        any_failed,
        weak_lasers,
        pic_wafer: line.pic_wafer,
        shift_nm,
        weak_lane,
    }
}

/// Lane-flag vectors of engines and placements no longer needed, reused instead of
/// allocating new ones for every engine.
#[derive(Default)]
struct LanePool(Vec<Vec<[bool; 5]>>);

impl LanePool {
    /// An empty vector, with room from an earlier engine when there is one.
    fn take(&mut self) -> Vec<[bool; 5]> {
        let mut lanes = self.0.pop().unwrap_or_default();
        lanes.clear();
        lanes
    }

    fn give(&mut self, lanes: Vec<[bool; 5]>) {
        self.0.push(lanes);
    }
}

/// The state of an engine with no failed lane.
const NO_FAILURE: EngineState = EngineState { failed: [false; 5], lane_failures: [0; 5] };

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

/// Where one engine sits on the package and how its fiber block landed.
struct Placement {
    rho_sq: f64,
    gap_um: f64,
    /// Lanes after attach (coupling and warpage flags set).
    lanes: Vec<[bool; 5]>,
    /// Whether any lane has a failure.
    any_failed: bool,
    /// Each lane's coupling loss, dB (test data only; empty otherwise).
    loss_db: Vec<f64>,
}

/// Samples for fiber attach: placement, gap and tilt per fiber block, core position per
/// fiber.
struct Attach<'a> {
    inputs: &'a YieldInputs,
    modes: coupling::Modes,
    block: Normal<f64>,
    fiber_sigma_um: f64,
    gap: Normal<f64>,
    tilt: Normal<f64>,
    /// Whether each lane's loss is kept (test data).
    keep_loss: bool,
}

impl<'a> Attach<'a> {
    fn new(inputs: &'a YieldInputs, keep_loss: bool) -> Attach<'a> {
        Attach {
            inputs,
            modes: coupling::Modes {
                radius_um: inputs.mode_radius_um,
                wavelength_um: inputs.wavelength_um,
                gap_index: inputs.gap_index,
            },
            block: normal((inputs.block_sigma_um.powi(2) + inputs.shift_sigma_um.powi(2)).sqrt()),
            fiber_sigma_um: inputs.fiber_sigma_um,
            gap: normal(inputs.gap_sigma_um),
            tilt: normal(inputs.tilt_sigma_mrad * 1e-3),
            keep_loss,
        }
    }

    /// Attaches a fiber block to `engine` at squared normalized distance `rho_sq` of a
    /// package with corner warpage `corner_warp_um`: the warpage displaces the block
    /// laterally and bows the engine; flags each lane's coupling failure as coupling, or as
    /// warpage when it would pass without the warpage offset, and every lane as warpage when
    /// the engine's joints open.
    ///
    /// Only the fibers that can fail are drawn (module `fibers`): the others sit within a
    /// circle of the block's centre on which every lane passes. `detail` (test data) draws
    /// the positions of the fibers the outcome did not need, for their losses.
    fn attach<R: Rng>(
        &self,
        engine: &Engine,
        rho_sq: f64,
        corner_warp_um: f64,
        rng: &mut R,
        detail: Option<&mut R>,
        pool: &mut LanePool,
    ) -> Placement {
        let inputs = self.inputs;
        let warp_um = corner_warp_um * rho_sq;
        let gap_um = (inputs.gap_mean_um + self.gap.sample(rng)).abs();
        let x_axis = self.modes.axis(self.tilt.sample(rng), gap_um);
        let y_axis = self.modes.axis(self.tilt.sample(rng), gap_um);
        let offset = inputs.warpage_lateral_per_um * warp_um;
        let (block_x, block_y) = (self.block.sample(rng), self.block.sample(rng));
        let to_db = -10.0 * std::f64::consts::LOG10_E;
        let mut lanes = pool.take();
        lanes.extend_from_slice(&engine.lanes);
        let mut any_failed = engine.any_failed;
        if corner_warp_um.abs() * inputs.engine_sag_per_um > inputs.engine_joint_open_um {
            for lane in &mut lanes {
                lane[WARPAGE] = true;
            }
            any_failed |= !lanes.is_empty();
        }
        // A fiber at (fx, fy) from the block's centre: its loss, and its lane's flags.
        let budget = inputs.coupling_budget_db;
        let place = |lane: &mut [bool; 5], (fx, fy): (f64, f64)| -> f64 {
            let (x, y) = (block_x + fx, block_y + fy);
            let y_ln = y_axis.ln_efficiency(y);
            let loss = to_db * (x_axis.ln_efficiency(x + offset) + y_ln);
            if loss > budget {
                if to_db * (x_axis.ln_efficiency(x) + y_ln) > budget {
                    lane[COUPLING] = true;
                } else {
                    lane[WARPAGE] = true;
                }
            }
            loss
        };
        let safe = fibers::SafeCircle::new(
            &x_axis,
            &y_axis,
            budget / -to_db,
            (block_x + offset, block_y),
            self.fiber_sigma_um,
        );
        let mut loss_db = if self.keep_loss { vec![f64::NAN; lanes.len()] } else { Vec::new() };
        safe.for_each_outside(lanes.len(), rng, |lane, position| {
            let loss = place(&mut lanes[lane], position);
            any_failed |= loss > budget;
            if self.keep_loss {
                loss_db[lane] = loss;
            }
        });
        if let Some(detail) = detail.filter(|_| self.keep_loss) {
            for (lane, loss) in loss_db.iter_mut().enumerate() {
                if loss.is_nan() {
                    let mut flags = lanes[lane];
                    *loss = place(&mut flags, safe.inside(detail));
                    debug_assert_eq!(flags, lanes[lane]);
                }
            }
        }
        Placement { rho_sq, gap_um, lanes, any_failed, loss_db }
    }
}

/// The mechanisms present in an assembled package; `states` receives each engine's state.
fn package_present(
    inputs: &YieldInputs,
    placements: &[Placement],
    bga_open: bool,
    asic_defects: u64,
    states: &mut Vec<EngineState>,
) -> [bool; 5] {
    let mut present = [false; 5];
    states.clear();
    states.extend(placements.iter().map(|placement| {
        if placement.any_failed { engine_state(&placement.lanes, inputs) } else { NO_FAILURE }
    }));
    for state in states.iter() {
        for m in 0..5 {
            present[m] |= state.failed[m];
        }
    }
    present[WARPAGE] |= bga_open;
    present[ASIC] = asic_defects > 0;
    present
}

/// Package test: each present mechanism detected with its coverage, each ASIC defect
/// independently.
fn package_test(
    inputs: &YieldInputs,
    present: &[bool; 5],
    asic_defects: u64,
    tally: &mut Tally,
    rng: &mut impl Rng,
) -> [bool; 5] {
    tally.package_tests += 1;
    let mut detected = detect(present, &inputs.package_test, rng);
    detected[ASIC] = (0..asic_defects).any(|_| rng.random::<f64>() < inputs.package_test[ASIC]);
    detected
}

/// Builds and tests the ELS modules of one switch (modules failing their test are
/// scrapped and rebuilt); returns whether a weak laser shipped.
fn els_modules(inputs: &YieldInputs, els: &Els, tally: &mut Tally, rng: &mut impl Rng) -> bool {
    let mut weak_shipped = false;
    for _ in 0..els.per_switch {
        loop {
            tally.els_built += 1;
            let mut good = 0;
            let mut weak = false;
            for _ in 0..els.lasers {
                weak |= burned_in_laser(inputs, tally, rng);
                good += usize::from(rng.random::<f64>() >= inputs.laser_dead_probability);
            }
            if good >= els.lasers_needed {
                tally.els_passed += 1;
                tally.els_spares_used += (els.lasers - good) as u64;
                weak_shipped |= weak;
                break;
            }
        }
    }
    weak_shipped
}

/// Random stream `family` (1 ELS modules, 2 test-data detail, 3 the line) of batch `batch`:
/// Xoshiro256++ seeded from `seed`, moved $2^{192}$ steps per family and $2^{128}$ per batch,
/// so no two streams overlap.
fn stream(seed: u64, family: usize, batch: usize) -> Xoshiro256PlusPlus {
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
fn package_stream(seed: u64, index: usize) -> Xoshiro256PlusPlus {
    let mixed = SplitMix64::seed_from_u64(seed).next_u64();
    Xoshiro256PlusPlus::seed_from_u64(mixed ^ index as u64)
}

/// Simulates one batch of packages.
fn run_batch(
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
    let mut tally = Tally::default();
    let mut line = Line::new(inputs, stream(inputs.seed, 3, batch));
    let attach = Attach::new(inputs, records.is_some());
    let warpage = normal(inputs.warpage_sigma_um);
    let m = inputs.engines_per_package;
    let per_side = m.div_ceil(4).max(1);
    // Buffers reused from package to package.
    let mut pool = LanePool::default();
    let mut engines: Vec<Engine> = Vec::with_capacity(m);
    let mut placements: Vec<Placement> = Vec::with_capacity(m);
    let mut states: Vec<EngineState> = Vec::with_capacity(m);
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
                if !detect(&state.failed, &inputs.engine_test, &mut rng).iter().any(|&d| d) {
                    tally.engines_passed += 1;
                    break engine;
                }
                pool.give(engine.lanes);
            };
            engines.push(engine);
        }
        let els_weak =
            inputs.els.is_some_and(|els| els_modules(inputs, &els, &mut tally, &mut els_rng));
        // Assembly and fiber attach: warpage, coupling, bumps.
        tally.packages += 1;
        let corner_warp = inputs.warpage_mean_um + warpage.sample(&mut rng);
        let bga_limit = inputs.bga_open_low_um
            + (inputs.bga_open_high_um - inputs.bga_open_low_um) * rng.random::<f64>();
        let bga_open = corner_warp.abs() * inputs.reflow_warpage_fraction > bga_limit;
        tally.bga_opens += u64::from(bga_open);
        placements.extend(engines.iter().enumerate().map(|(index, engine)| {
            // Normalized distance of the engine's centre from the package centre:
            // engines sit evenly along the four sides (sqrt(0.5) mid-side .. 1 at a
            // corner).
            let along = ((index % per_side) as f64 + 0.5) / per_side as f64 - 0.5;
            let rho_sq = (0.25 + along * along) / 0.5;
            attach.attach(engine, rho_sq, corner_warp, &mut rng, detail_rng.as_mut(), &mut pool)
        }));
        let mut present = package_present(inputs, &placements, bga_open, defects, &mut states);
        tally.lanes += placements.iter().map(|p| p.lanes.len() as u64).sum::<u64>();
        for mech in 0..5 {
            let count: u64 = states.iter().map(|state| state.lane_failures[mech]).sum();
            tally.lane_failures[mech] += count;
            tally.lane_failures_sq[mech] += count * count;
        }
        let mut detected = package_test(inputs, &present, defects, &mut tally, &mut rng);
        if let Some(first) = detected.iter().position(|&d| d) {
            tally.first_rejects[first] += 1;
        }
        // Rework: re-attach the fiber blocks of engines with coupling failures.
        let mut reworks = 0;
        let mut damaged = false;
        while detected.iter().any(|&d| d)
            && detected.iter().enumerate().all(|(mech, &d)| !d || mech == COUPLING)
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
                if placement.lanes.iter().any(|lane| lane[COUPLING]) {
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
        let package_passed = !(damaged || detected.iter().any(|&d| d));
        // System test of the passing package in its switch (a second chance for what package
        // test missed; weak lasers are latent and pass).
        let system_caught = package_passed && {
            tally.package_passed += 1;
            tally.rework_recovered += u64::from(reworks > 0);
            tally.system_tests += 1;
            let mut caught = detect(&present, &inputs.system_test, &mut rng);
            caught[ASIC] = (0..defects).any(|_| rng.random::<f64>() < inputs.system_test[ASIC]);
            caught.iter().any(|&c| c)
        };
        tally.system_rejects += u64::from(system_caught);
        let rejected = !package_passed || system_caught;
        if let Some(records) = records.as_deref_mut() {
            for (index, (placement, engine)) in placements.iter().zip(&engines).enumerate() {
                for (lane_index, lane) in placement.lanes.iter().enumerate() {
                    let failures: Vec<&str> = MECHANISMS
                        .iter()
                        .zip(lane.iter())
                        .filter(|(_, failed)| **failed)
                        .map(|(name, _)| *name)
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
                        laser_dead: lane[LASER],
                        laser_weak: engine.weak_lane[lane_index],
                        failures: failures.join("+"),
                        reworks,
                        package_test_pass: package_passed,
                        shipped: !rejected,
                    });
                }
            }
        }
        if rejected {
            for mech in 0..5 {
                tally.rejects[mech] += u64::from(present[mech]);
            }
            continue;
        }
        tally.shipped += 1;
        tally.els_weak_shipped += u64::from(els_weak);
        let mut escaped = present;
        let latent = engines.iter().any(|engine| engine.weak_lasers > 0);
        tally.latent_escapes += u64::from(latent);
        escaped[LASER] |= latent;
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
    let (mut results, _) = simulate_all(std::slice::from_ref(inputs), &[], threads, &|| {})?;
    Ok(results.remove(0))
}

/// Runs the Monte Carlo of every entry of `runs` and the closed forms of every entry of
/// `closed_forms` on `threads` threads, as one pool of work: the closed forms first, then
/// each run's batches, handed to whichever thread is free (a run's batch draws from its own
/// streams, so each result equals [`simulate`]'s and none depends on the thread count or
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
    let workers = threads.clamp(1, jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut outputs: Vec<Option<Done>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    if workers == 1 {
        for (slot, job) in outputs.iter_mut().zip(&jobs) {
            *slot = Some(work(job));
        }
    } else {
        let finished: Vec<Vec<(usize, Done)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(job) = jobs.get(index) else { break mine };
                            mine.push((index, work(job)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().expect("a yield worker panicked"))
                .collect()
        });
        for (index, output) in finished.into_iter().flatten() {
            outputs[index] = Some(output);
        }
    }
    let mut forms = Vec::with_capacity(closed_forms.len());
    let mut totals = vec![Tally::default(); runs.len()];
    // Batches are summed in batch order within each run (the order `jobs` lists them in).
    for (job, output) in jobs.iter().zip(outputs) {
        match (job, output.expect("every job ran")) {
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

fn result(inputs: &YieldInputs, tally: &Tally) -> YieldResult {
    let shipped = tally.shipped.max(1) as f64;
    let m = inputs.engines_per_package as f64;
    let asic_usd = tally.asics_passed as f64 * inputs.asic_usd / shipped;
    let engines_usd = tally.engines_tested as f64 * inputs.engine_usd / shipped;
    let packaging_usd = tally.packages as f64 * inputs.packaging_usd / shipped;
    let rework_usd = tally.reworks as f64 * inputs.rework.usd / shipped;
    let test_usd = (tally.asics_tested as f64 * inputs.wafer_test_usd
        + tally.engines_tested as f64 * inputs.engine_test_usd
        + tally.package_tests as f64 * inputs.package_test_usd
        + tally.system_tests as f64 * inputs.system_test_usd
        + tally.packages as f64 * inputs.burn_in_usd)
        / shipped;
    let ideal_usd = inputs.asic_usd
        + m * inputs.engine_usd
        + inputs.packaging_usd
        + inputs.wafer_test_usd
        + m * inputs.engine_test_usd
        + inputs.package_test_usd
        + inputs.system_test_usd
        + inputs.burn_in_usd;
    let dppm = |count: u64| count as f64 / shipped * 1e6;
    let mut waterfall =
        vec![WaterfallStep { label: "assembled", change: Fraction { value: 1.0, se: 0.0 } }];
    for (mech, &label) in MECHANISMS.iter().enumerate() {
        let rejects = Fraction::of(tally.first_rejects[mech], tally.packages);
        waterfall.push(WaterfallStep {
            label,
            change: Fraction { value: -rejects.value, se: rejects.se },
        });
    }
    waterfall.push(WaterfallStep {
        label: "rework",
        change: Fraction::of(tally.rework_recovered, tally.packages),
    });
    let system = Fraction::of(tally.system_rejects, tally.packages);
    waterfall.push(WaterfallStep {
        label: "system test",
        change: Fraction { value: -system.value, se: system.se },
    });
    YieldResult {
        packages: inputs.packages,
        wafer_test_pass: Fraction::of(tally.asics_passed, tally.asics_tested),
        engine_test_pass: Fraction::of(tally.engines_passed, tally.engines_tested),
        package_test_pass: Fraction::of(tally.package_passed, tally.packages),
        system_test_pass: Fraction::of(
            tally.system_tests - tally.system_rejects,
            tally.system_tests,
        ),
        burn_in_pass: Fraction::of(tally.lasers_passed, tally.lasers_burned_in),
        package_yield: Fraction::of(tally.shipped, tally.packages),
        package_rejects_by_mechanism: tally
            .rejects
            .map(|count| Fraction::of(count, tally.packages)),
        lane_failures_by_mechanism: std::array::from_fn(|m| {
            clustered(
                tally.lane_failures[m],
                tally.lane_failures_sq[m],
                tally.packages,
                tally.lanes,
            )
        }),
        bga_opens: Fraction::of(tally.bga_opens, tally.packages),
        escapes_dppm: tally.escapes.map(dppm),
        escapes_total_dppm: dppm(tally.escapes_any),
        latent_escapes_dppm: dppm(tally.latent_escapes),
        waterfall,
        reworks_per_package: tally.reworks as f64 / tally.packages.max(1) as f64,
        rework_recovered: Fraction::of(tally.rework_recovered, tally.packages),
        rework_damaged: Fraction::of(tally.rework_damaged, tally.reworks),
        els: inputs.els.map(|_| ElsResult {
            module_yield: Fraction::of(tally.els_passed, tally.els_built),
            spare_lasers_used_per_module: tally.els_spares_used as f64
                / tally.els_passed.max(1) as f64,
            weak_laser_escapes_dppm: dppm(tally.els_weak_shipped),
        }),
        cost: CostBreakdown {
            asic_usd,
            engines_usd,
            packaging_usd,
            test_usd,
            rework_usd,
            total_usd: asic_usd + engines_usd + packaging_usd + test_usd + rework_usd,
            ideal_usd,
        },
    }
}

#[cfg(test)]
mod tests;
