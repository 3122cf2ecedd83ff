//! One bus of rings: its ring-to-ring offsets drawn and the bus locked, or, when the offsets
//! are too close together for any ring to fall outside, only that fact drawn.
//!
//! # Why a bus can be decided without its offsets
//! A bus of $n$ rings needs the shifts $c + l_i$ ($c$ common to the engine, $l_i \sim N(0,
//! \sigma_l^2)$ per ring) before wrapping by the FSR $F$. With reassignment the lock may add
//! any rotation offset $o_s = s\Delta \bmod F$; let $G$ be the largest circular gap between
//! those offsets ($G = \Delta$ when the grid tiles the FSR, $G = F$ with fixed assignment). If
//! the offsets spread by at most $m = R - g - G$ ($R$ the heater range, $g$ the lock guard),
//! all the bus's shifts lie on an arc of length at most $m$, and some rotation moves the
//! arc's start into $[g, g + G] \subset [g, R - m]$ (any closed interval of length $G$ holds
//! one of the offsets), so the lock keeps every ring inside, whatever $c$ is. Call $A$ the
//! event that the spread exceeds $m$: only then can a ring fail.
//!
//! $A$ is the union over the $n(n-1)/2$ pairs of $E_{ij} = \lbrace|l_i - l_j| > m\rbrace$, each of
//! probability $p = \operatorname{erfc}(m / 2\sigma_l)$ ($l_i - l_j \sim N(0, 2\sigma_l^2)$).
//! The Karp-Luby-Madras sampler draws $A$ exactly without knowing $P(A)$: with probability
//! $\sum P(E_{ij}) = n(n-1)p/2$ it picks a pair uniformly, draws the offsets given $E_{ij}$
//! (the pair's difference from its normal tail, their sum and the other rings as usual) and
//! keeps the draw with probability $1/N$, $N$ the number of pairs the draw puts beyond $m$.
//! A kept draw happens with probability $\sum_{ij} P(E_{ij})\thinspace E_{ij}[1/N] = P(A)$ and is
//! distributed as the offsets given $A$; otherwise the bus is in $A^c$ and locks. So the
//! bus's outcome has exactly the law of drawing every offset, at the cost of one uniform
//! number per bus when $A$ is rare (at the defaults $p \approx 10^{-11}$). The sampler is
//! used when $n(n-1)p/2 \le 1/4$; above that every offset is drawn. The buses of an engine
//! whose union draws fire are found by geometric skips over them (module `skip`), one
//! draw per engine instead of one per bus.
//!
//! When the heater shifts themselves are wanted (test data), a bus in $A^c$ draws its offsets
//! given $A^c$ by rejection (acceptance $\ge 3/4$) from a separate stream, so that the
//! packages' outcomes do not depend on whether test data are written.
//!
//! The normal tail is drawn by Robert's exponential rejection (C. P. Robert, "Simulation of
//! truncated normal variables", *Statistics and Computing* 5, 1995): for $Z > a$, propose
//! $a + E/\lambda$ with $\lambda = (a + \sqrt{a^2 + 4})/2$ and accept with probability
//! $\exp(-(x - \lambda)^2/2)$.

use cporamp_core::math::erfc;
use cporamp_core::wdm::BusLock;
use rand::Rng;
use rand_distr::StandardNormal;

/// Above this union bound $\sum P(E_{ij})$ every offset is drawn.
const MAX_UNION_BOUND: f64 = 0.25;

/// Draws and locks the buses of one kind of ring.
#[derive(Debug, Clone)]
pub(crate) struct BusSampler {
    bus: BusLock,
    /// Rings per full bus (the rotations the grid allows).
    rings_per_bus: usize,
    local_sigma_nm: f64,
    /// The spread below which every ring of a bus locks, and the pair tail probability $p$;
    /// `None` when the spread cannot be bounded (fixed assignment narrower than the FSR).
    shortcut: Option<(f64, f64)>,
}

/// What drawing one bus gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BusOutcome {
    /// The offsets were drawn and locked: the shifts hold each ring's heater shift.
    Locked,
    /// The bus locks with every ring inside; the shifts were not drawn.
    Inside,
}

impl BusSampler {
    pub(crate) fn new(bus: BusLock, local_sigma_nm: f64) -> BusSampler {
        let rotations = bus.rotations();
        let step = bus.step_nm.unwrap_or(0.0);
        let mut offsets: Vec<f64> =
            (0..rotations).map(|s| (s as f64 * step).rem_euclid(bus.fsr_nm)).collect();
        offsets.sort_by(f64::total_cmp);
        let wrap_gap = bus.fsr_nm - offsets[offsets.len() - 1] + offsets[0];
        let gap = offsets.windows(2).map(|w| w[1] - w[0]).fold(wrap_gap, f64::max);
        // A hair below the bound, so that rounding in the lock cannot put a ring outside.
        let margin = bus.range_nm - bus.guard_nm - gap - 1e-9 * bus.fsr_nm;
        let shortcut = (margin >= 0.0).then(|| {
            let tail =
                if local_sigma_nm > 0.0 { erfc(margin / (2.0 * local_sigma_nm)) } else { 0.0 };
            (margin, tail)
        });
        BusSampler { bus, rings_per_bus: rotations, local_sigma_nm, shortcut }
    }

    /// Rings per bus (the rotations the grid allows).
    pub(crate) fn rings_per_bus(&self) -> usize {
        self.rings_per_bus
    }

    fn local(&self, rng: &mut impl Rng) -> f64 {
        self.local_sigma_nm * rng.sample::<f64, _>(StandardNormal)
    }

    /// Draws the bus of `shifts.len()` rings whose common shift is `common_nm`. `detail`,
    /// when given, is the stream that draws the shifts of a bus that locks without them.
    /// For a bus of `n` rings, the spread below which all lock and the union bound
    /// $n(n-1)p/2$ when the sampler applies (`None`: every offset must be drawn).
    pub(crate) fn union_bound(&self, n: usize) -> Option<(f64, f64)> {
        let pairs = n * n.saturating_sub(1) / 2;
        self.shortcut
            .map(|(margin, tail)| (margin, pairs as f64 * tail))
            .filter(|&(_, bound)| bound <= MAX_UNION_BOUND)
    }

    /// Draws the bus of `shifts.len()` rings whose common shift is `common_nm`. `detail`,
    /// when given, is the stream that draws the shifts of a bus that locks without them.
    pub(crate) fn draw(
        &self,
        common_nm: f64,
        shifts: &mut [f64],
        rng: &mut impl Rng,
        detail: Option<&mut impl Rng>,
    ) -> BusOutcome {
        let Some((margin, bound)) = self.union_bound(shifts.len()) else {
            for shift in shifts.iter_mut() {
                *shift = self.local(rng);
            }
            return self.lock(common_nm, shifts);
        };
        if bound > 0.0
            && rng.random::<f64>() < bound
            && self.propose(margin, common_nm, shifts, rng) == BusOutcome::Locked
        {
            return BusOutcome::Locked;
        }
        if let Some(detail) = detail {
            self.fill_inside(margin, common_nm, shifts, detail);
            return BusOutcome::Locked;
        }
        BusOutcome::Inside
    }

    /// The heater shifts of a bus that locks inside (spread within `margin`), drawn from
    /// `detail` by rejection (acceptance at least 3/4) and locked, for test data.
    pub(crate) fn fill_inside(
        &self,
        margin: f64,
        common_nm: f64,
        shifts: &mut [f64],
        detail: &mut impl Rng,
    ) {
        loop {
            for shift in shifts.iter_mut() {
                *shift = self.local(detail);
            }
            if pairs_beyond(shifts, margin) == 0 {
                break;
            }
        }
        self.lock(common_nm, shifts);
        debug_assert!(shifts.iter().all(|&s| s <= self.bus.range_nm));
    }

    /// The sampler's proposal, once the union bound's draw fired for a bus of
    /// `shifts.len()` >= 2 rings: a pair uniformly, the offsets given that pair's
    /// difference beyond `margin`, kept with probability 1/N (then locked: `Locked`), else
    /// the bus locks inside (`Inside`, the shifts undefined).
    pub(crate) fn propose(
        &self,
        margin: f64,
        common_nm: f64,
        shifts: &mut [f64],
        rng: &mut impl Rng,
    ) -> BusOutcome {
        let n = shifts.len();
        let (i, j) = pair(rng.random_range(0..n * (n - 1) / 2));
        for shift in shifts.iter_mut() {
            *shift = self.local(rng);
        }
        let scale = std::f64::consts::SQRT_2 * self.local_sigma_nm;
        let magnitude = scale * normal_tail(margin / scale, rng);
        let difference = if rng.random::<bool>() { magnitude } else { -magnitude };
        let sum = scale * rng.sample::<f64, _>(StandardNormal);
        shifts[i] = 0.5 * (sum + difference);
        shifts[j] = 0.5 * (sum - difference);
        let beyond = pairs_beyond(shifts, margin);
        if rng.random::<f64>() * (beyond as f64) < 1.0 {
            self.lock(common_nm, shifts)
        } else {
            BusOutcome::Inside
        }
    }

    fn lock(&self, common_nm: f64, shifts: &mut [f64]) -> BusOutcome {
        for shift in shifts.iter_mut() {
            *shift += common_nm;
        }
        self.bus.lock_in_place(shifts);
        BusOutcome::Locked
    }
}

/// The `index`-th pair $(i, j)$, $i < j$, in the order (0,1), (0,2), (1,2), (0,3), ...
fn pair(index: usize) -> (usize, usize) {
    let mut j = 1;
    while j * (j + 1) / 2 <= index {
        j += 1;
    }
    (index - j * (j - 1) / 2, j)
}

/// Pairs of offsets further apart than `margin`.
fn pairs_beyond(offsets: &[f64], margin: f64) -> usize {
    let mut count = 0;
    for (k, &a) in offsets.iter().enumerate() {
        count += offsets[k + 1..].iter().filter(|&&b| (a - b).abs() > margin).count();
    }
    count
}

/// A standard normal variate given that it exceeds `a` >= 0 (Robert 1995).
fn normal_tail(a: f64, rng: &mut impl Rng) -> f64 {
    let rate = 0.5 * (a + (a * a + 4.0).sqrt());
    loop {
        let x = a - (1.0 - rng.random::<f64>()).ln() / rate;
        if rng.random::<f64>() <= (-0.5 * (x - rate) * (x - rate)).exp() {
            return x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn pairs_are_enumerated_once_each() {
        let all: Vec<(usize, usize)> = (0..28).map(pair).collect();
        let mut expected = Vec::new();
        for j in 1..8 {
            for i in 0..j {
                expected.push((i, j));
            }
        }
        expected.sort_unstable();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected);
    }

    #[test]
    fn the_normal_tail_has_the_truncated_normal_mean() {
        // E[Z | Z > a] = phi(a) / (1 - Phi(a)); 200k draws, SE ~ sd/sqrt(n) < 0.003.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for a in [0.0, 1.0, 3.0, 8.0] {
            let n = 200_000;
            let mean = (0..n).map(|_| normal_tail(a, &mut rng)).sum::<f64>() / n as f64;
            let phi = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let expected = phi / cporamp_core::math::normal_sf(a);
            assert!((mean - expected).abs() < 0.004, "a {a}: {mean} vs {expected}");
        }
    }

    /// The fraction of buses with a ring outside the range, by the sampler and by drawing
    /// every offset, on a bus where that happens often enough to measure (the union bound
    /// ~0.2, so the sampler is used).
    #[test]
    fn the_sampler_fails_buses_as_drawing_every_offset_does() {
        let bus = BusLock { fsr_nm: 9.12, range_nm: 4.5, step_nm: Some(1.14), guard_nm: 0.3 };
        let sigma = 0.7;
        let sampler = BusSampler::new(bus, sigma);
        let (margin, tail) = sampler.shortcut.unwrap();
        assert!((margin - (4.5 - 0.3 - 1.14)).abs() < 1e-6);
        assert!(28.0 * tail <= MAX_UNION_BOUND && 28.0 * tail > 0.05, "{tail}");
        let buses = 200_000;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let (mut by_sampler, mut drawn) = (0usize, 0usize);
        let mut shifts = [0.0; 8];
        for k in 0..buses {
            let common = 9.12 * (k as f64 / buses as f64) - 3.0;
            let outcome =
                sampler.draw(common, &mut shifts, &mut rng, None::<&mut Xoshiro256PlusPlus>);
            by_sampler += usize::from(
                outcome == BusOutcome::Locked && shifts.iter().any(|&s| !(0.3..=4.5).contains(&s)),
            );
            for shift in &mut shifts {
                *shift = common + sigma * rng.sample::<f64, _>(StandardNormal);
            }
            bus.lock_in_place(&mut shifts);
            drawn += usize::from(shifts.iter().any(|&s| !(0.3..=4.5).contains(&s)));
        }
        let (a, b) = (by_sampler as f64 / buses as f64, drawn as f64 / buses as f64);
        let se = ((a * (1.0 - a) + b * (1.0 - b)) / buses as f64).sqrt();
        assert!(b > 0.005, "{b}");
        assert!((a - b).abs() < 3.0 * se, "{a} vs {b} (se {se})");
    }

    #[test]
    fn a_bus_drawn_for_its_shifts_locks_inside_and_spreads_as_the_offsets_given_no_failure() {
        // With detail the shifts are drawn; a narrow spread (no failure possible in practice)
        // gives the ring-to-ring standard deviation of the offsets.
        let bus = BusLock { fsr_nm: 9.12, range_nm: 4.5, step_nm: Some(1.14), guard_nm: 0.0 };
        let sampler = BusSampler::new(bus, 0.36);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let mut detail = Xoshiro256PlusPlus::seed_from_u64(6);
        let mut shifts = [0.0; 8];
        let (mut sum, mut sum_sq, mut count) = (0.0, 0.0, 0.0);
        for _ in 0..20_000 {
            let outcome = sampler.draw(2.0, &mut shifts, &mut rng, Some(&mut detail));
            assert_eq!(outcome, BusOutcome::Locked);
            assert!(shifts.iter().all(|&s| (0.0..=4.5).contains(&s)));
            let mean = shifts.iter().sum::<f64>() / 8.0;
            for s in shifts {
                sum += s - mean;
                sum_sq += (s - mean) * (s - mean);
                count += 1.0;
            }
        }
        // Deviations from the bus mean have variance sigma^2 (7/8).
        let variance = sum_sq / count - (sum / count).powi(2);
        let expected = 0.36f64.powi(2) * 7.0 / 8.0;
        assert!((variance / expected - 1.0).abs() < 0.02, "{variance} vs {expected}");
    }
}
