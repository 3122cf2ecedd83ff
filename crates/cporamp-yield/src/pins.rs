//! Regression pins of the yield Monte Carlo: a few figures of a small seeded run, asserted to
//! a relative 1e-12 (counts exactly), so that an accidental change of a random stream (a draw
//! added, reordered or reseeded) shows. These are regression pins, not physics references:
//! the closed-form tests in `tests.rs` check the physics. The values were taken from the
//! code as it stood; a deliberate change of the streams updates them with its reason.

use super::*;
use crate::tests::defaults_like;
use cporamp_core::pins::assert_pins;
use cporamp_core::units::Hours;

/// The default scenario's 102.4T co-packaged package as `defaults_like` in the unit tests (16
/// engines of 32 lanes, edge couplers, warpage, rings on a fixed-assignment lock), with ASIC
/// defects clustered by wafer and lasers that die or are weak, on 300 packages at seed 7.
fn fixture() -> YieldInputs {
    YieldInputs {
        packages: 300,
        lanes_per_laser: 8,
        asic_defects_per_die: 0.2,
        asic_cluster_alpha: Some(2.0),
        asics_per_wafer: 60,
        laser_dead_probability: 0.001,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.01,
        burn_in_h: Hours(48.0),
        ..defaults_like()
    }
}

#[test]
fn seeded_yield_figures_are_pinned() {
    let result = simulate(&fixture(), 2).unwrap();
    let lanes = &result.lane_failures_by_mechanism;
    assert_eq!(result.packages, 300);
    assert_pins(&[
        ("package yield", result.package_yield.value, 0.16333333333333333),
        ("package yield se", result.package_yield.se, 0.02134287980846349),
        ("package test pass", result.package_test_pass.value, 0.16333333333333333),
        ("coupling lane failures", lanes[Mechanism::Coupling].value, 0.003411458333333333),
        ("warpage lane failures", lanes[Mechanism::Warpage].value, 0.003391927083333333),
        ("drift lane failures", lanes[Mechanism::Drift].value, 0.013606770833333334),
        ("board joint opens", result.bga_opens.value, 0.03333333333333333),
        ("escapes, DPPM", result.escapes_total_dppm, 387755.10204081633),
    ]);
}
