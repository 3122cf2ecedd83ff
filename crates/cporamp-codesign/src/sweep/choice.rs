//! The Pareto front and the scenario's choice under its limits.

use cporamp_scenario::CodesignSettings;

use super::{Choice, Constraint, PointResult};
/// The cheapest point per Gb/s among those that solved and meet `limits`.
fn cheapest(points: &[PointResult], meets: impl Fn(&PointResult) -> bool) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .filter(|(_, point)| point.error.is_none() && meets(point))
        .min_by(|(_, a), (_, b)| a.life_usd_per_gbps.total_cmp(&b.life_usd_per_gbps))
        .map(|(index, _)| index)
}

/// The choice under every limit and the binding one (crate docs).
#[must_use]
pub fn choose(settings: &CodesignSettings, points: &[PointResult]) -> Choice {
    let all = |point: &PointResult| Constraint::ALL.iter().all(|c| c.holds(settings, point));
    let index = cheapest(points, all);
    let mut binding: Option<(Constraint, usize, f64)> = None;
    if let Some(chosen) = index {
        for constraint in Constraint::ALL {
            let without = |point: &PointResult| {
                Constraint::ALL
                    .iter()
                    .filter(|&&c| c != constraint)
                    .all(|c| c.holds(settings, point))
            };
            let Some(other) = cheapest(points, without) else { continue };
            let saving = points[chosen].life_usd_per_gbps - points[other].life_usd_per_gbps;
            if other != chosen && saving > 0.0 && binding.is_none_or(|(_, _, best)| saving > best) {
                binding = Some((constraint, other, saving));
            }
        }
    }
    Choice {
        index,
        binding: binding.map(|(constraint, _, _)| constraint),
        binding_field: binding.map(|(constraint, _, _)| constraint.field().to_string()),
        unconstrained_index: binding.map(|(_, other, _)| other),
    }
}

/// Indices of the points no other solved point dominates on (energy per bit, cost per Gb/s,
/// expected laser failures), in grid order.
#[must_use]
pub fn pareto_front(points: &[PointResult]) -> Vec<usize> {
    let objectives =
        |p: &PointResult| [p.pj_per_bit, p.life_usd_per_gbps, p.laser_failures_per_switch];
    let solved: Vec<usize> = (0..points.len()).filter(|&i| points[i].error.is_none()).collect();
    solved
        .iter()
        .copied()
        .filter(|&i| {
            let a = objectives(&points[i]);
            !solved.iter().any(|&j| {
                let b = objectives(&points[j]);
                j != i
                    && b.iter().zip(&a).all(|(b, a)| b <= a)
                    && b.iter().zip(&a).any(|(b, a)| b < a)
            })
        })
        .collect()
}
