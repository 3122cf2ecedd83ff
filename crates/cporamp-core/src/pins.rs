//! Regression pins for the engines' tests: a few seeded figures per engine, compared to the
//! values the code gave when they were pinned, so that an accidental change of a random
//! stream (a draw added, reordered or reseeded) shows. They are not physics references.

/// Panics naming every figure of `pins` (name, value now, pinned value) that moved by more
/// than a relative 1e-12, with its new value (as code, to paste if the change was
/// deliberate). A NaN never matches.
///
/// # Panics
/// If any figure moved.
pub fn assert_pins(pins: &[(&str, f64, f64)]) {
    let moved: Vec<String> = pins
        .iter()
        .filter(|(_, actual, pinned)| {
            actual.is_nan() || (actual - pinned).abs() > 1e-12 * pinned.abs()
        })
        .map(|(name, actual, pinned)| format!("{name}: {actual:?} (pinned {pinned:?})"))
        .collect();
    assert!(moved.is_empty(), "seeded figures moved (regression pins):\n{}", moved.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_figure_or_a_nan_fails_and_an_equal_one_passes() {
        assert_pins(&[("same", 1.5, 1.5), ("within 1e-12", 1.0 + 1e-13, 1.0)]);
        for moved in [(1.0 + 1e-9, 1.0), (f64::NAN, 1.0)] {
            let result = std::panic::catch_unwind(|| assert_pins(&[("x", moved.0, moved.1)]));
            assert!(result.is_err(), "{moved:?}");
        }
    }
}
