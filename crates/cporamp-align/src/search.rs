//! The alignment search on one fiber array: the square spiral for first light, then the
//! compass (coordinate hill-climb) search over $x$, $y$, $z$ and roll, on the measured power
//! of a loopback through the array's two outer channels.

use cporamp_core::coupling::Modes;
use rand::Rng;
use rand_distr::{Distribution, Normal};

/// Stage axes of the search: lateral $x$, lateral $y$, gap $z$ and roll, all in µm (roll as
/// the $y$ displacement it gives the outermost fiber).
pub const AXES: [&str; 4] = ["x", "y", "z", "roll"];

/// Where the array's optimum lies relative to the stage's start, and the array itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    /// Lateral offset of the couplers' centre from the start, µm.
    pub x_um: f64,
    /// Lateral offset in $y$, µm.
    pub y_um: f64,
    /// Roll of the couplers' row, as the $y$ offset at the outermost fiber, µm.
    pub roll_um: f64,
    /// Tilt of the array's fibers against the couplers' axis, rad (not searched).
    pub tilt_rad: (f64, f64),
    /// Each fiber's core offset within its array, µm, per axis.
    pub fiber_um: Vec<(f64, f64)>,
}

impl Truth {
    /// A perfect array (cores on their grid) whose optimum is at `(x, y, roll)`.
    #[must_use]
    pub fn ideal(fibers: usize, x_um: f64, y_um: f64, roll_um: f64) -> Truth {
        Truth { x_um, y_um, roll_um, tilt_rad: (0.0, 0.0), fiber_um: vec![(0.0, 0.0); fibers] }
    }
}

/// The stage and the photodiodes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    /// Step resolution of every axis, µm: positions are whole multiples of it.
    pub resolution_um: f64,
    /// Settle time after a move, s.
    pub settle_s: f64,
    /// Photodiode integration per reading, s.
    pub measure_s: f64,
    /// Photodiode noise, standard deviation in units of a perfectly coupled channel's power.
    pub noise_fraction: f64,
}

/// How the search runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Gap at which the spiral runs, µm.
    pub approach_gap_um: f64,
    /// The bond-line gap: the closest the stage may bring the array, µm.
    pub bond_gap_um: f64,
    /// Pitch of the square spiral, µm.
    pub spiral_step_um: f64,
    /// Half-width of the square the spiral covers before it gives up, µm.
    pub spiral_range_um: f64,
    /// First light: a reading above this fraction of a perfectly coupled channel.
    pub first_light_fraction: f64,
}

/// What one search did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Whether the spiral found first light within its range.
    pub found: bool,
    /// Readings (each after a move and its settle) of the spiral.
    pub spiral_readings: usize,
    /// Readings of the hill climb.
    pub climb_readings: usize,
    /// Final stage position `[x, y, z, roll]`, µm.
    pub position_um: [f64; 4],
}

impl Outcome {
    /// Stage time of the search: every reading costs one settle and one integration, s.
    #[must_use]
    pub fn time_s(&self, stage: &Stage) -> f64 {
        (self.spiral_readings + self.climb_readings) as f64 * (stage.settle_s + stage.measure_s)
    }
}

/// Normalised position of fiber `index` of `fibers` along the array, $-1$ to $1$ (0 for a
/// single fiber).
#[must_use]
pub fn along(index: usize, fibers: usize) -> f64 {
    if fibers < 2 { 0.0 } else { 2.0 * index as f64 / (fibers - 1) as f64 - 1.0 }
}

/// Coupling efficiency of fiber `index` with the stage at `position_um` (`[x, y, z, roll]`)
/// plus a common post-attach shift `shift_um` and gap change `gap_change_um`.
#[must_use]
pub fn lane_efficiency(
    modes: &Modes,
    truth: &Truth,
    index: usize,
    position_um: &[f64; 4],
    shift_um: (f64, f64),
    gap_change_um: f64,
) -> f64 {
    let fibers = truth.fiber_um.len();
    let (fx, fy) = truth.fiber_um[index];
    let dx = position_um[0] - truth.x_um + fx + shift_um.0;
    let dy = position_um[1] - truth.y_um
        + (position_um[3] - truth.roll_um) * along(index, fibers)
        + fy
        + shift_um.1;
    let gap_um = (position_um[2] + gap_change_um).abs();
    modes.efficiency((dx, dy), truth.tilt_rad, gap_um)
}

/// Noiseless monitored power: the loopback through the array's two outer channels (light in
/// through the first fiber, through a waveguide on the PIC, out through the last),
/// $\eta_0\thinspace\eta_{N-1}$; the one channel's $\eta_0$ for a single-fiber array. Its logarithm is a
/// sum of concave quadratics in $x$, $y$ and roll, so a coordinate search cannot stall with one
/// end of the array lit and the other dark, as it can on the sum of the two channels.
#[must_use]
pub fn monitored(modes: &Modes, truth: &Truth, position_um: &[f64; 4]) -> f64 {
    let last = truth.fiber_um.len() - 1;
    let first = lane_efficiency(modes, truth, 0, position_um, (0.0, 0.0), 0.0);
    if last == 0 {
        return first;
    }
    first * lane_efficiency(modes, truth, last, position_um, (0.0, 0.0), 0.0)
}

/// The points of a square spiral of pitch 1 around the origin, in the order visited, out to
/// half-width `rings` (inclusive): $(2K+1)^2$ points for $K$ rings.
pub fn spiral(rings: i64) -> impl Iterator<Item = (i64, i64)> {
    // Legs of lengths 1, 1, 2, 2, 3, 3, ... turning left: right, up, left, down.
    const DIRECTIONS: [(i64, i64); 4] = [(1, 0), (0, 1), (-1, 0), (0, -1)];
    let mut point = (0_i64, 0_i64);
    let mut leg = 0_usize;
    let mut left_in_leg = 1_i64;
    let mut first = true;
    std::iter::from_fn(move || {
        if first {
            first = false;
            return Some(point);
        }
        let (dx, dy) = DIRECTIONS[leg % 4];
        point = (point.0 + dx, point.1 + dy);
        left_in_leg -= 1;
        if left_in_leg == 0 {
            leg += 1;
            left_in_leg = (leg / 2 + 1) as i64;
        }
        (point.0.abs() <= rings && point.1.abs() <= rings).then_some(point)
    })
}

/// The most passes the hill climb makes: with noise well above what one resolution step
/// changes, a lucky reading can move the array on every pass, so the climb stops here, as an
/// aligner's iteration limit does. A noiseless climb ends in a few dozen passes.
pub const MAX_CLIMB_PASSES: usize = 200;

fn quantize(value: f64, resolution: f64) -> f64 {
    (value / resolution).round() * resolution
}

/// Runs the spiral and the hill climb on `truth`, reading the power with `stage`'s noise
/// drawn from `rng`.
///
/// The spiral visits the square spiral's points at `spiral_step_um` pitch, at the approach
/// gap and zero roll, until a reading exceeds `first_light_fraction`. The climb starts there
/// with steps of half the spiral pitch (lateral and roll) and half the approach-to-bond
/// distance (gap); each pass re-reads the current point, then tries a step up and down each
/// axis in turn and moves to the first better reading; a pass without a move halves the steps,
/// down to the stage resolution, and a pass at the resolution without a move ends the search
/// (or [`MAX_CLIMB_PASSES`] passes).
/// Positions are whole multiples of the resolution; the gap stops at the bond line.
pub fn align<R: Rng>(
    modes: &Modes,
    truth: &Truth,
    stage: &Stage,
    plan: &Plan,
    rng: &mut R,
) -> Outcome {
    let noise = Normal::new(0.0, stage.noise_fraction.max(0.0))
        .expect("a finite sigma >= 0 (checked with the inputs) is a valid normal");
    let read = |position: &[f64; 4], rng: &mut R| {
        let clean = monitored(modes, truth, position);
        if stage.noise_fraction > 0.0 { clean + noise.sample(rng) } else { clean }
    };
    let resolution = stage.resolution_um;
    let rings = (plan.spiral_range_um / plan.spiral_step_um).floor() as i64;
    let mut spiral_readings = 0;
    let mut start = None;
    for (i, j) in spiral(rings) {
        let position = [
            quantize(i as f64 * plan.spiral_step_um, resolution),
            quantize(j as f64 * plan.spiral_step_um, resolution),
            plan.approach_gap_um,
            0.0,
        ];
        spiral_readings += 1;
        if read(&position, rng) > plan.first_light_fraction {
            start = Some(position);
            break;
        }
    }
    let Some(mut position) = start else {
        return Outcome {
            found: false,
            spiral_readings,
            climb_readings: 0,
            position_um: [0.0, 0.0, plan.approach_gap_um, 0.0],
        };
    };
    let floor = plan.bond_gap_um;
    let clamp = |mut candidate: [f64; 4]| {
        candidate[2] = candidate[2].max(floor);
        candidate
    };
    position = clamp(position);
    let lateral = (plan.spiral_step_um / 2.0).max(resolution);
    let mut steps =
        [lateral, lateral, ((plan.approach_gap_um - floor) / 2.0).max(resolution), lateral];
    let mut climb_readings = 0;
    for _ in 0..MAX_CLIMB_PASSES {
        let mut best = read(&position, rng);
        climb_readings += 1;
        let mut moved = false;
        for axis in 0..4 {
            for direction in [1.0, -1.0] {
                let mut candidate = position;
                candidate[axis] = quantize(position[axis] + direction * steps[axis], resolution);
                let candidate = clamp(candidate);
                // A step that rounds to no move (or into the bond line) reads nothing new.
                if candidate[axis].to_bits() == position[axis].to_bits() {
                    continue;
                }
                let value = read(&candidate, rng);
                climb_readings += 1;
                if value > best {
                    best = value;
                    position = candidate;
                    moved = true;
                    break;
                }
            }
        }
        if !moved {
            if steps.iter().all(|&step| step <= resolution) {
                break;
            }
            for step in &mut steps {
                *step = (*step / 2.0).max(resolution);
            }
        }
    }
    Outcome { found: true, spiral_readings, climb_readings, position_um: position }
}
