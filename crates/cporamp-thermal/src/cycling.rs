//! Thermal cycling: rainflow counting of a temperature history and solder-joint fatigue by
//! Norris-Landzberg.
//!
//! # Rainflow (ASTM E1049-85, §5.4.4)
//! The history is reduced to its reversals (peaks and valleys). Reading them in order, with
//! $X$ the range of the latest two points on the stack and $Y$ the range of the two before:
//! while $X \ge Y$, if $Y$ contains the starting point count $Y$ as a half cycle and drop its
//! first point, otherwise count $Y$ as a full cycle and drop its two points. What remains at
//! the end counts as half cycles.
//!
//! A history that repeats (one or more whole workload periods) is counted as ASTM E1049
//! counts repeated blocks: rotated to start at its highest point and closed there, so every
//! excursion closes into a full cycle and the count does not depend on where the sampled
//! window happens to start ([`rainflow_periodic`]).
//!
//! # Fatigue (Norris-Landzberg)
//! Cycles to failure in the field relate to a qualification test by
//!
//! $$ \frac{N_\text{field}}{N_\text{test}} = \left(\frac{\Delta T_\text{test}}{\Delta T}\right)^{n}
//!    \left(\frac{f}{f_\text{test}}\right)^{m}
//!    \exp\left[\frac{E_a}{k}\left(\frac{1}{T_\text{max}} - \frac{1}{T_\text{max,test}}\right)\right] $$
//!
//! with temperatures in kelvin and $f$ in cycles per day; damage adds by Miner's rule,
//! $D = \sum_i c_i / N_{\text{field},i}$, and the life is the history's duration over $D$.
//! Constants come from the scenario with their sources.

use crate::settings::Cycling;
use serde::Serialize;

/// One counted cycle.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cycle {
    /// Temperature range, K.
    pub range_k: f64,
    /// Highest temperature of the cycle, °C.
    pub max_c: f64,
    /// 1 for a full cycle, 0.5 for a half.
    pub count: f64,
}

/// The peaks and valleys of `series` (first and last points included).
#[must_use]
pub fn reversals(series: &[f64]) -> Vec<f64> {
    let mut points: Vec<f64> = Vec::new();
    for &value in series {
        if points.last() == Some(&value) {
            continue;
        }
        if points.len() >= 2 {
            let (a, b) = (points[points.len() - 2], points[points.len() - 1]);
            // b is not a reversal if the series keeps going the same way through it.
            if (b - a) * (value - b) > 0.0 {
                points.pop();
            }
        }
        points.push(value);
    }
    points
}

/// Rainflow cycles of `series` (ASTM E1049-85 §5.4.4).
#[must_use]
pub fn rainflow(series: &[f64]) -> Vec<Cycle> {
    let mut cycles = Vec::new();
    let mut stack: Vec<f64> = Vec::new();
    let cycle =
        |a: f64, b: f64, count: f64| Cycle { range_k: (a - b).abs(), max_c: a.max(b), count };
    for point in reversals(series) {
        stack.push(point);
        while stack.len() >= 3 {
            let n = stack.len();
            let x = (stack[n - 1] - stack[n - 2]).abs();
            let y = (stack[n - 2] - stack[n - 3]).abs();
            if x < y {
                break;
            }
            if n == 3 {
                // Y contains the starting point: a half cycle; drop the first point.
                cycles.push(cycle(stack[0], stack[1], 0.5));
                stack.remove(0);
            } else {
                cycles.push(cycle(stack[n - 3], stack[n - 2], 1.0));
                let last = stack[n - 1];
                stack.truncate(n - 3);
                stack.push(last);
            }
        }
    }
    for pair in stack.windows(2) {
        cycles.push(cycle(pair[0], pair[1], 0.5));
    }
    cycles
}

/// Rainflow cycles of `series` repeated for ever: the series rotated to start at its highest
/// point and closed there (ASTM E1049-85 on a repeated block), so that the residue is empty
/// and each range of the block is counted once per repeat.
#[must_use]
pub fn rainflow_periodic(series: &[f64]) -> Vec<Cycle> {
    let Some(start) = series
        .iter()
        .enumerate()
        .fold(None, |best: Option<(usize, f64)>, (index, &value)| match best {
            Some((_, top)) if top >= value => best,
            _ => Some((index, value)),
        })
        .map(|(index, _)| index)
    else {
        return Vec::new();
    };
    let rotated: Vec<f64> =
        series[start..].iter().chain(&series[..start]).chain([&series[start]]).copied().collect();
    rainflow(&rotated)
}

/// Fatigue of one history.
#[derive(Debug, Clone, Serialize)]
pub struct Fatigue {
    /// Full-cycle equivalents counted per day.
    pub cycles_per_day: f64,
    /// Largest counted range, K.
    pub max_range_k: f64,
    /// Miner damage per year.
    pub damage_per_year: f64,
    /// Years to a damage of 1 (infinite when nothing cycles).
    pub life_years: f64,
}

/// The Norris-Landzberg model is `[thermal.cycling]`'s own: its exponents, activation
/// temperature and the qualification test they relate to.
impl Cycling {
    /// Field cycles to failure of a cycle of range `range_k` peaking at `max_c`, at
    /// `cycles_per_day`.
    #[must_use]
    pub fn cycles_to_failure(&self, range_k: f64, max_c: f64, cycles_per_day: f64) -> f64 {
        let test_range_k = self.test_max_c.0 - self.test_min_c.0;
        self.test_cycles
            * (test_range_k / range_k).powf(self.range_exponent)
            * (cycles_per_day / self.test_cycles_per_day).powf(self.frequency_exponent)
            * cporamp_core::math::arrhenius_factor(self.ea_over_k_k.0, max_c, self.test_max_c.0)
    }

    /// Fatigue of a temperature history lasting `duration_s`, repeated for ever (counted by
    /// [`rainflow_periodic`]).
    #[must_use]
    pub fn fatigue(&self, temperatures_c: &[f64], duration_s: f64) -> Fatigue {
        let cycles = rainflow_periodic(temperatures_c);
        // Ranges below 0.1 K are numerical ripple, not fatigue cycles.
        let counted: Vec<&Cycle> = cycles.iter().filter(|cycle| cycle.range_k >= 0.1).collect();
        let days = duration_s / 86_400.0;
        let cycles_per_day = counted.iter().map(|cycle| cycle.count).sum::<f64>() / days;
        let damage: f64 = counted
            .iter()
            .map(|cycle| {
                cycle.count / self.cycles_to_failure(cycle.range_k, cycle.max_c, cycles_per_day)
            })
            .sum();
        let damage_per_year = damage / days * 365.25;
        Fatigue {
            cycles_per_day,
            max_range_k: counted.iter().map(|cycle| cycle.range_k).fold(0.0, f64::max),
            damage_per_year,
            life_years: if damage_per_year > 0.0 { 1.0 / damage_per_year } else { f64::INFINITY },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::units::{Celsius, Kelvin, Seconds};

    /// A workload of no consequence to the Norris-Landzberg model the tests set.
    fn workload() -> Cycling {
        Cycling {
            period_s: Seconds(600.0),
            busy_fraction: 0.5,
            idle_power_fraction: 0.3,
            inlet_swing_k: Kelvin(0.0),
            steps_per_period: 8,
            n_periods: 2,
            range_exponent: 0.0,
            frequency_exponent: 0.0,
            ea_over_k_k: Kelvin(0.0),
            test_cycles: 1.0,
            test_min_c: Celsius(0.0),
            test_max_c: Celsius(1.0),
            test_cycles_per_day: 1.0,
        }
    }

    #[test]
    fn astm_e1049_example_is_counted_as_the_standard_says() {
        // ASTM E1049-85 Fig. 6 history; Table 4: range 3 x 0.5, 4 x 1.5, 6 x 0.5, 8 x 1.0, 9 x 0.5.
        let cycles = rainflow(&[-2.0, 1.0, -3.0, 5.0, -1.0, 3.0, -4.0, 4.0, -2.0]);
        let mut by_range: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
        for cycle in &cycles {
            *by_range.entry(cycle.range_k.round() as i64).or_default() += cycle.count;
        }
        let expected: std::collections::BTreeMap<i64, f64> =
            [(3, 0.5), (4, 1.5), (6, 0.5), (8, 1.0), (9, 0.5)].into_iter().collect();
        assert_eq!(by_range, expected);
    }

    #[test]
    fn a_repeated_block_counts_full_cycles_wherever_its_window_starts() {
        // Two periods of a square wave between 10 and 30 with a 0.5 K ripple, windows starting
        // at every phase: always 2 cycles of 20 K and 2 of the ripple.
        let period = [10.0, 10.0, 30.0, 29.5, 30.0, 30.0, 10.0, 10.0];
        for phase in 0..8 {
            let series: Vec<f64> = (0..16).map(|index| period[(index + phase) % 8]).collect();
            let cycles = rainflow_periodic(&series);
            let big: f64 = cycles
                .iter()
                .filter(|cycle| (cycle.range_k - 20.0).abs() < 1e-12)
                .map(|cycle| cycle.count)
                .sum();
            let ripple: f64 = cycles
                .iter()
                .filter(|cycle| (cycle.range_k - 0.5).abs() < 1e-12)
                .map(|cycle| cycle.count)
                .sum();
            assert!(
                (big - 2.0).abs() < 1e-12 && (ripple - 2.0).abs() < 1e-12,
                "phase {phase}: {cycles:?}"
            );
        }
        // Without the rotation a window starting at the rising edge counts 1.5 big cycles.
        let shifted: Vec<f64> = (0..16).map(|index| period[(index + 2) % 8]).collect();
        let big: f64 = rainflow(&shifted)
            .iter()
            .filter(|cycle| (cycle.range_k - 20.0).abs() < 1e-12)
            .map(|cycle| cycle.count)
            .sum();
        assert!((big - 1.5).abs() < 1e-12, "{big}");
        assert!(rainflow_periodic(&[]).is_empty());
    }

    #[test]
    fn reversals_drop_monotonic_points() {
        assert_eq!(reversals(&[0.0, 1.0, 2.0, 1.0, 1.0, 0.0, 3.0]), vec![0.0, 2.0, 0.0, 3.0]);
    }

    #[test]
    fn norris_landzberg_reproduces_the_worked_acceleration_factor() {
        // [PCM Gap 4] worked example (SnPb constants): ΔT term (180/50)^1.9 = 11.4 and
        // frequency term (48/1)^(1/3) = 3.6; at equal peak temperature the AF is their product.
        let model = Cycling {
            range_exponent: 1.9,
            frequency_exponent: 1.0 / 3.0,
            ea_over_k_k: Kelvin(1414.0),
            test_cycles: 1.0,
            test_min_c: Celsius(-80.0),
            test_max_c: Celsius(100.0),
            test_cycles_per_day: 48.0,
            ..workload()
        };
        let factor = model.cycles_to_failure(50.0, 100.0, 1.0);
        let expected = (180.0f64 / 50.0).powf(1.9) / 48.0f64.powf(1.0 / 3.0);
        assert!((factor - expected).abs() < 1e-12 * expected);
        assert!(((180.0f64 / 50.0).powf(1.9) - 11.4).abs() < 0.05);
    }

    #[test]
    fn a_square_wave_gives_one_cycle_per_period() {
        let model = Cycling {
            range_exponent: 2.0,
            frequency_exponent: 0.0,
            ea_over_k_k: Kelvin(0.0),
            test_cycles: 1000.0,
            test_min_c: Celsius(40.0),
            test_max_c: Celsius(60.0),
            test_cycles_per_day: 1.0,
            ..workload()
        };
        // 10 periods of 0 -> 20 °C in one day: ~10 cycles/day; each at the test range, so
        // each costs 1/1000 and a year of them 3652.5/1000.
        let series: Vec<f64> =
            (0..20).map(|index| if index % 2 == 0 { 0.0 } else { 20.0 }).chain([0.0]).collect();
        let fatigue = model.fatigue(&series, 86_400.0);
        assert!((fatigue.cycles_per_day - 10.0).abs() < 1e-12, "{}", fatigue.cycles_per_day);
        assert!((fatigue.damage_per_year - 3.6525).abs() < 1e-9, "{}", fatigue.damage_per_year);
    }
}
