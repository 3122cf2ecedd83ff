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
        let step = self.step_nm.unwrap_or(0.0);
        let fsr = self.fsr_nm;
        // Each ring's shift without rotation, wrapped once; a rotation adds s·Δ < F, so one
        // conditional subtraction wraps it again (no division in the search).
        let wrapped: Vec<f64> = needed_nm.iter().map(|needed| needed.rem_euclid(fsr)).collect();
        let rotate = |shift: f64, offset: f64| {
            let moved = shift + offset;
            if moved >= fsr { moved - fsr } else { moved }
        };
        let mut best = (usize::MAX, f64::INFINITY, 0.0);
        for rotation in 0..self.rotations() {
            let offset = (rotation as f64 * step).rem_euclid(fsr);
            let mut outside = 0;
            let mut total = 0.0;
            for &shift in &wrapped {
                let shift = rotate(shift, offset);
                outside += usize::from(shift < self.guard_nm || shift > self.range_nm);
                total += shift;
            }
            if outside < best.0 || (outside == best.0 && total < best.1) {
                best = (outside, total, offset);
            }
        }
        let offset = best.2;
        (offset, wrapped.iter().map(|&shift| rotate(shift, offset)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
