//! An engine's fiber block attached: its coupling axes, the fibers outside the safe circle and
//! each lane's coupling or warpage failure.

use super::*;

/// Where one engine sits on the package and how its fiber block landed.
pub(crate) struct Placement {
    pub(crate) rho_sq: f64,
    pub(crate) gap_um: f64,
    /// Lanes after attach (coupling and warpage flags set).
    pub(crate) lanes: Vec<ByMechanism<bool>>,
    /// Whether any lane has a failure.
    pub(crate) any_failed: bool,
    /// Each lane's coupling loss, dB (test data only; empty otherwise).
    pub(crate) loss_db: Vec<f64>,
}

/// Samples for fiber attach: placement, gap and tilt per fiber block, core position per
/// fiber.
pub(crate) struct Attach<'a> {
    pub(crate) inputs: &'a YieldInputs,
    pub(crate) modes: coupling::Modes,
    pub(crate) block: Normal<f64>,
    pub(crate) fiber_sigma_um: f64,
    pub(crate) gap: Normal<f64>,
    pub(crate) tilt: Normal<f64>,
    /// Whether each lane's loss is kept (test data).
    pub(crate) keep_loss: bool,
}

impl<'a> Attach<'a> {
    pub(crate) fn new(inputs: &'a YieldInputs, keep_loss: bool) -> Attach<'a> {
        Attach {
            inputs,
            modes: coupling::Modes {
                radius_um: inputs.attach.mode_radius_um.0,
                wavelength_um: inputs.attach.wavelength_um.0,
                gap_index: inputs.attach.gap_index,
            },
            block: normal(
                (inputs.block_sigma_um.0.powi(2) + inputs.attach.shift_sigma_um.0.powi(2)).sqrt(),
            ),
            fiber_sigma_um: inputs.attach.fiber_sigma_um.0,
            gap: normal(inputs.attach.gap_sigma_um.0),
            tilt: normal(inputs.attach.tilt_sigma_mrad.0 * 1e-3),
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
    pub(crate) fn attach<R: Rng>(
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
        let gap_um = (inputs.attach.gap_mean_um.0 + self.gap.sample(rng)).abs();
        let x_axis = self.modes.axis(self.tilt.sample(rng), gap_um);
        let y_axis = self.modes.axis(self.tilt.sample(rng), gap_um);
        let offset = inputs.warpage_lateral_per_um * warp_um;
        let (block_x, block_y) = (self.block.sample(rng), self.block.sample(rng));
        let to_db = -10.0 * std::f64::consts::LOG10_E;
        let mut lanes = pool.take();
        lanes.extend_from_slice(&engine.lanes);
        let mut any_failed = engine.any_failed;
        if corner_warp_um.abs() * inputs.engine_sag_per_um > inputs.engine_joint_open_um.0 {
            for lane in &mut lanes {
                lane[Mechanism::Warpage] = true;
            }
            any_failed |= !lanes.is_empty();
        }
        // A fiber at (fx, fy) from the block's centre: its loss, and its lane's flags.
        let budget = inputs.attach.coupling_budget_db.0;
        let place = |lane: &mut ByMechanism<bool>, (fx, fy): (f64, f64)| -> f64 {
            let (x, y) = (block_x + fx, block_y + fy);
            let y_ln = y_axis.ln_efficiency(y);
            let loss = to_db * (x_axis.ln_efficiency(x + offset) + y_ln);
            if loss > budget {
                if to_db * (x_axis.ln_efficiency(x) + y_ln) > budget {
                    lane[Mechanism::Coupling] = true;
                } else {
                    lane[Mechanism::Warpage] = true;
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

/// The squared normalized distance $\rho^2$ of engine `index`'s centre from the package
/// centre, of `engines` spread evenly along the four sides (0.5 at a mid-side, 1 at a
/// corner): the share of the corner warpage its fibers see.
pub(crate) fn engine_rho_sq(index: usize, engines: usize) -> f64 {
    let per_side = engines.div_ceil(4).max(1);
    let along = ((index % per_side) as f64 + 0.5) / per_side as f64 - 0.5;
    (0.25 + along * along) / 0.5
}

/// The mean square of the warpage's lateral fiber shift over a package's engines, µm²:
/// $k^2 (\mu^2 + \sigma^2)\thinspace\overline{\rho^4}$ for a shift $k \rho^2 W$ of an engine at
/// $\rho$ under corner warpage $W \sim N(\mu, \sigma)$ ($k$ = `warpage_lateral_per_um`).
pub fn warpage_shift_mean_square_um2(inputs: &YieldInputs) -> f64 {
    let engines = inputs.engines_per_package.max(1);
    let rho4 = (0..engines).map(|index| engine_rho_sq(index, engines).powi(2)).sum::<f64>()
        / engines as f64;
    inputs.warpage_lateral_per_um.powi(2)
        * (inputs.warpage_mean_um.0.powi(2) + inputs.warpage_sigma_um.0.powi(2))
        * rho4
}
