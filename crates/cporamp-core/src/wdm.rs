//! Locking a bus of microrings to a WDM laser grid, with or without wavelength
//! reassignment: shared by the yield engine (which rings can lock at test), the photonics
//! engine (where the lock loop starts) and the comparison (mean heater power).
//!
//! A heater only red-shifts its ring, by at most the tuning range $R$. Ring $i$ of a bus
//! needs the red shift $d_i$ to reach its own laser line; resonances repeat every free
//! spectral range $F$, so the heater supplies $d_i \bmod F \in [0, F)$, and the ring locks
//! if that is at most $R$ (fixed assignment).
//!
//! **Wavelength reassignment** (barrel shift): with $N$ lines spaced $\Delta$ and a ring
//! FSR $F = N\Delta$ (the grid tiles the FSR), ring $i$ may take line $i + s \bmod N$ for a
//! rotation $s$ common to the bus (the lanes' data are remapped in the electrical
//! interface), which adds $s\Delta$ to every ring's shift: $d_i(s) = (d_i + s\Delta) \bmod F$.
//! The bus takes the rotation with the fewest rings outside $[g, R]$ ($g \ge 0$ a guard the
//! controller keeps below its operating point for later heating), and among those the least
//! mean shift (the least heater power). Rings outside $[0, R]$ under the chosen rotation
//! cannot lock. Without reassignment the only rotation is $s = 0$.
//!
//! A bus of rings with common offsets $d_i = c + l_i$ and tiny local spread can always be
//! brought into $[0, R]$ when $R \ge \Delta$; the mean shift over a uniformly distributed
//! common offset is then $\Delta/2$ plus the guard (the lowest rotation above the guard).

/// How a bus of rings is locked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BusLock {
    /// Free spectral range $F$, nm.
    pub fsr_nm: f64,
    /// Heater tuning range $R$, nm.
    pub range_nm: f64,
    /// Reassignment step $\Delta$ (the channel spacing), nm; `None` for fixed assignment.
    pub step_nm: Option<f64>,
    /// Guard $g$ the rotation keeps below each ring's shift, nm (0 for none).
    pub guard_nm: f64,
}

impl BusLock {
    /// Rotations available: $F/\Delta$ rounded (at least 1), or 1 without reassignment.
    #[must_use]
    pub fn rotations(&self) -> usize {
        self.step_nm.map_or(1, |step| ((self.fsr_nm / step).round() as usize).max(1))
    }

    /// The chosen rotation's shift $s\Delta$ (nm) for rings needing `needed_nm` before
    /// wrapping, and the heater shift of each ring under it (in $[0, F)$).
    #[must_use]
    pub fn lock(&self, needed_nm: &[f64]) -> (f64, Vec<f64>) {
        let mut shifts = needed_nm.to_vec();
        (self.lock_in_place(&mut shifts), shifts)
    }

    /// [`BusLock::lock`] without allocating: `shifts_nm` holds each ring's needed shift on
    /// entry and its heater shift under the chosen rotation on return; returns the
    /// rotation's shift (nm).
    pub fn lock_in_place(&self, shifts_nm: &mut [f64]) -> f64 {
        let fsr = self.fsr_nm;
        // Each ring's shift without rotation, wrapped once; a rotation adds s·Δ < F, so one
        // conditional subtraction wraps it again (no division in the search).
        for shift in shifts_nm.iter_mut() {
            *shift = wrap(*shift, fsr);
        }
        // A bus of 8 rings (the usual grid) gets a copy of the search with a known length,
        // which the compiler unrolls; the result is the same.
        let offset = match <&[f64; 8]>::try_from(&*shifts_nm) {
            Ok(fixed) => self.best_rotation(fixed),
            Err(_) => self.best_rotation(shifts_nm),
        };
        for shift in shifts_nm.iter_mut() {
            *shift = rotate(*shift, offset, fsr);
        }
        offset
    }

    /// The chosen rotation's shift for wrapped shifts `wrapped_nm`: the fewest rings outside
    /// first, then the least total shift (summed only for a rotation that ties or beats the
    /// fewest so far); the first such rotation on a tie.
    #[inline(always)]
    fn best_rotation(&self, wrapped_nm: &[f64]) -> f64 {
        let step = self.step_nm.unwrap_or(0.0);
        let fsr = self.fsr_nm;
        let mut best = (usize::MAX, f64::INFINITY, 0.0);
        for rotation in 0..self.rotations() {
            let offset = rotation as f64 * step;
            let offset = if offset < fsr { offset } else { wrap(offset, fsr) };
            let outside: usize = wrapped_nm
                .iter()
                .map(|&shift| {
                    let shift = rotate(shift, offset, fsr);
                    usize::from(shift < self.guard_nm || shift > self.range_nm)
                })
                .sum();
            if outside > best.0 {
                continue;
            }
            let total: f64 = wrapped_nm.iter().map(|&shift| rotate(shift, offset, fsr)).sum();
            if outside < best.0 || total < best.1 {
                best = (outside, total, offset);
            }
        }
        best.2
    }
}

/// A wrapped shift moved by a rotation's offset (both in $[0, F)$), wrapped again by one
/// conditional subtraction.
#[inline(always)]
fn rotate(shift: f64, offset: f64, fsr: f64) -> f64 {
    let moved = shift + offset;
    if moved >= fsr { moved - fsr } else { moved }
}

/// `x` modulo `period` in $[0, period)$, as `rem_euclid` without its slow `fmod` in the
/// common case. The quotient is rounded to an integer by the float trick $(q + 1.5 \cdot
/// 2^{52}) - 1.5 \cdot 2^{52}$ (exact for $|q| < 2^{51}$; `f64::floor` is a library call on
/// baseline x86-64 and a saturating cast costs checks); rounding at the cut and larger
/// quotients fall back to `rem_euclid`.
fn wrap(x: f64, period: f64) -> f64 {
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let quotient = x / period;
    let wrapped = x - period * ((quotient + SHIFT) - SHIFT);
    let wrapped = if wrapped < 0.0 { wrapped + period } else { wrapped };
    if quotient.abs() < 1e15 && (0.0..period).contains(&wrapped) {
        wrapped
    } else {
        x.rem_euclid(period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_agrees_with_rem_euclid() {
        for &x in
            &[-20.0, -9.12, -1e-17, -1e-12, 0.0, 1e-12, 4.56, 9.12 - 1e-13, 9.12, 18.24, 1e6, 1e300]
        {
            let (ours, reference) = (wrap(x, 9.12), f64::rem_euclid(x, 9.12));
            // (`rem_euclid` itself rounds -1e-17 up to the period.)
            assert!((0.0..=9.12).contains(&ours), "{x}: {ours}");
            // Equal, or the same point of the circle on either side of the cut.
            let gap = (ours - reference).abs();
            assert!(gap < 1e-9 || (gap - 9.12).abs() < 1e-9, "{x}: {ours} vs {reference}");
        }
    }

    #[test]
    fn fixed_assignment_wraps_by_the_fsr_and_fails_beyond_the_range() {
        let bus = BusLock { fsr_nm: 9.12, range_nm: 4.5, step_nm: None, guard_nm: 0.0 };
        let (offset, shifts) = bus.lock(&[1.0, -1.0, 10.0]);
        assert!(offset.abs() < 1e-15);
        assert!((shifts[0] - 1.0).abs() < 1e-12);
        assert!((shifts[1] - 8.12).abs() < 1e-12, "{shifts:?}");
        assert!((shifts[2] - 0.88).abs() < 1e-12);
    }

    #[test]
    fn reassignment_brings_a_whole_bus_into_range_with_the_least_shift_above_the_guard() {
        // Every ring at -1 nm (wraps to 8.12 without reassignment): rotations of 1.14 nm
        // give -1 + 1.14 s; the lowest at or above a 0.5 nm guard is s = 2 (1.28 nm).
        let bus = BusLock { fsr_nm: 9.12, range_nm: 4.5, step_nm: Some(1.14), guard_nm: 0.5 };
        assert_eq!(bus.rotations(), 8);
        let (offset, shifts) = bus.lock(&[-1.0, -1.0]);
        assert!((offset - 2.28).abs() < 1e-12);
        assert!(shifts.iter().all(|s| (s - 1.28).abs() < 1e-12), "{shifts:?}");
    }
}
