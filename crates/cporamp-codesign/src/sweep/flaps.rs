//! The photonics engine's flaps at a few drift offsets, interpolated to each point.

use cporamp_pipeline::PipelineError;
use cporamp_scenario::Scenario;

use super::{FLAP_NODE_NM, FlapNode, PointResult};
use crate::CodesignError;
/// Each solved point's flaps (crate docs): the photonics engine on the scenario's nominal
/// drift moved to the point's ring and laser temperatures, run at nodes evenly spaced (at most
/// [`FLAP_NODE_NM`] apart) from the smallest to the largest offset of the points, one node
/// per worker, and interpolated linearly between them. Returns the nodes.
pub(super) fn flaps(
    scenario: &Scenario,
    results: &mut [PointResult],
    pool: &rayon::ThreadPool,
) -> Result<Vec<FlapNode>, CodesignError> {
    let (g, t) = super::swept(scenario)?;
    let Some(nominal) = cporamp_pipeline::nominal_drift(scenario, g, t)? else {
        return Ok(Vec::new());
    };
    for point in results.iter_mut().filter(|point| point.error.is_none()) {
        point.drift_offset_nm = nominal.offset_nm(point.engine_temp_c, point.laser_temp_c);
    }
    let (low, high) = results
        .iter()
        .filter(|point| point.error.is_none())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), point| {
            (low.min(point.drift_offset_nm), high.max(point.drift_offset_nm))
        });
    if !(low.is_finite() && high.is_finite()) {
        return Ok(Vec::new());
    }
    let intervals = ((high - low) / FLAP_NODE_NM).ceil() as usize;
    let offsets: Vec<f64> = (0..=intervals)
        .map(|k| match k {
            0 => low,
            k if k == intervals => high,
            k => low + (high - low) * k as f64 / intervals as f64,
        })
        .collect();
    let nodes = pool.install(|| {
        use rayon::prelude::*;
        offsets
            .par_iter()
            .map(|&offset_nm| {
                let result = nominal.simulate(scenario, offset_nm, 1)?;
                Ok(FlapNode {
                    offset_nm,
                    feedback_flaps_per_lane_hour: result.feedback.flaps_per_lane_hour,
                    feedback_flaps_se: result.feedback.flaps_se,
                    unlockable_fraction: result.unlockable_fraction,
                })
            })
            .collect::<Result<Vec<_>, PipelineError>>()
    })?;
    for point in results.iter_mut().filter(|point| point.error.is_none()) {
        let node = interpolate(&nodes, point.drift_offset_nm);
        point.feedback_flaps_per_lane_hour = node.feedback_flaps_per_lane_hour;
        point.feedback_flaps_se = node.feedback_flaps_se;
        point.unlockable_fraction = node.unlockable_fraction;
    }
    Ok(nodes)
}

/// The nodes linearly interpolated at `offset_nm` (exact at a node; held beyond the ends).
#[must_use]
pub fn interpolate(nodes: &[FlapNode], offset_nm: f64) -> FlapNode {
    let n = nodes.len();
    if n < 2 {
        return nodes.first().copied().map_or(
            FlapNode {
                offset_nm,
                feedback_flaps_per_lane_hour: 0.0,
                feedback_flaps_se: 0.0,
                unlockable_fraction: 0.0,
            },
            |node| FlapNode { offset_nm, ..node },
        );
    }
    let i = nodes.partition_point(|node| node.offset_nm <= offset_nm).clamp(1, n - 1) - 1;
    let (a, b) = (&nodes[i], &nodes[i + 1]);
    let w = ((offset_nm - a.offset_nm) / (b.offset_nm - a.offset_nm)).clamp(0.0, 1.0);
    let mix = |x: f64, y: f64| (1.0 - w) * x + w * y;
    FlapNode {
        offset_nm,
        feedback_flaps_per_lane_hour: mix(
            a.feedback_flaps_per_lane_hour,
            b.feedback_flaps_per_lane_hour,
        ),
        feedback_flaps_se: mix(a.feedback_flaps_se, b.feedback_flaps_se),
        unlockable_fraction: mix(a.unlockable_fraction, b.unlockable_fraction),
    }
}
