//! The job's goodput from its interruption times: useful time between interruptions with
//! checkpoints, the GPU-hours lost charged to their causes, and the goodput-optimal checkpoint
//! interval beside Young's and Daly's.

use crate::results::{JOB_CAUSES, JobCause};

/// Completed chunks $\sum_i \lfloor \ell_i / w \rfloor$ over the ascending lengths `sorted_h`:
/// as $\sum_{m \ge 1} \\#\lbrace\ell_i \ge m w\rbrace$ by binary search when chunks per segment are few,
/// else segment by segment.
pub(crate) fn completed_chunks(sorted_h: &[f64], chunk_h: f64) -> u64 {
    let Some(&longest) = sorted_h.last() else {
        return 0;
    };
    let n = sorted_h.len();
    let levels = longest / chunk_h;
    if levels * (n.ilog2() as f64 + 1.0) < n as f64 {
        let mut total = 0;
        let mut below = 0;
        let mut level = 1.0;
        while level * chunk_h <= longest {
            let threshold = level * chunk_h;
            below += sorted_h[below..].partition_point(|&length| length < threshold);
            total += (n - below) as u64;
            level += 1.0;
        }
        total
    } else {
        // Lengths are >= 0, so truncation is the floor.
        sorted_h.iter().map(|&length| (length / chunk_h) as u64).sum()
    }
}

/// Useful hours: completed chunks of the completed segments (`sorted_h`, after the restart),
/// and of the last segment `last_h` with its work in progress (up to one interval).
fn useful_h(sorted_h: &[f64], last_h: f64, interval_h: f64, cost_h: f64) -> f64 {
    let chunk = interval_h + cost_h;
    let chunks = completed_chunks(sorted_h, chunk) as f64;
    let last_chunks = (last_h / chunk).floor();
    let remainder = last_h - last_chunks * chunk;
    (chunks + last_chunks) * interval_h + remainder.min(interval_h)
}

/// Segment lengths after the restart, $(\ell - R)^+$, for the completed segments (ascending)
/// and for the last one.
fn segments(interruptions_h: &[f64], horizon_h: f64, restart_h: f64) -> (Vec<f64>, f64) {
    let mut start = 0.0;
    let mut lengths = Vec::with_capacity(interruptions_h.len());
    for &time in interruptions_h {
        lengths.push((time - start - restart_h).max(0.0));
        start = time;
    }
    lengths.sort_by(f64::total_cmp);
    (lengths, (horizon_h - start - restart_h).max(0.0))
}

/// Goodput (useful over wall time) of a job with interruptions at the sorted times
/// `interruptions_h` within `horizon_h`, for work `interval_h` between checkpoints of `cost_h`
/// and a restart of `restart_h` after each interruption.
#[must_use]
pub fn goodput(
    interruptions_h: &[f64],
    horizon_h: f64,
    interval_h: f64,
    cost_h: f64,
    restart_h: f64,
) -> f64 {
    let (lengths, last) = segments(interruptions_h, horizon_h, restart_h);
    useful_h(&lengths, last, interval_h, cost_h) / horizon_h
}

/// Job hours lost per cause, and the rest (checkpoint writes, the first start, a checkpoint
/// cut by the horizon), for interruptions at the sorted times `interruptions` with their causes:
/// each interruption is charged the work it destroys (since the last completed checkpoint) and
/// the restart that follows it (cut short by the next interruption or the horizon). The charges
/// and the rest add up to the horizon minus the useful hours of [`goodput`].
#[must_use]
pub fn lost_h_by_cause(
    interruptions: &[(f64, JobCause)],
    horizon_h: f64,
    interval_h: f64,
    cost_h: f64,
    restart_h: f64,
) -> ([f64; JOB_CAUSES.len()], f64) {
    let lost = charged_h(interruptions, horizon_h, interval_h + cost_h, restart_h);
    let times: Vec<f64> = interruptions.iter().map(|&(time, _)| time).collect();
    let useful = goodput(&times, horizon_h, interval_h, cost_h, restart_h) * horizon_h;
    (lost, horizon_h - useful - lost.iter().sum::<f64>())
}

/// The hours charged to each cause by [`lost_h_by_cause`], for chunks of `chunk_h` (work and
/// checkpoint).
pub(crate) fn charged_h(
    interruptions: &[(f64, JobCause)],
    horizon_h: f64,
    chunk_h: f64,
    restart_h: f64,
) -> [f64; JOB_CAUSES.len()] {
    let mut lost = [0.0; JOB_CAUSES.len()];
    let mut start = 0.0;
    for (index, &(time, cause)) in interruptions.iter().enumerate() {
        let work = (time - start - restart_h).max(0.0);
        let in_progress = work - (work / chunk_h).floor() * chunk_h;
        let next = interruptions.get(index + 1).map_or(horizon_h, |&(next, _)| next);
        lost[cause as usize] += in_progress + restart_h.min(next - time);
        start = time;
    }
    lost
}

/// Young's interval $\sqrt{2 C M}$, h.
#[must_use]
pub fn young_interval_h(cost_h: f64, mtbi_h: f64) -> f64 {
    (2.0 * cost_h * mtbi_h).sqrt()
}

/// Daly's higher-order interval $\sqrt{2CM}\thinspace[1 + \frac13\sqrt{C/2M} + \frac{C/2M}{9}] - C$ for
/// $C < 2M$, else $M$, h.
#[must_use]
pub fn daly_interval_h(cost_h: f64, mtbi_h: f64) -> f64 {
    if cost_h >= 2.0 * mtbi_h {
        return mtbi_h;
    }
    let ratio = cost_h / (2.0 * mtbi_h);
    young_interval_h(cost_h, mtbi_h) * (1.0 + ratio.sqrt() / 3.0 + ratio / 9.0) - cost_h
}

/// The goodput-optimal checkpoint interval on given interruption times (sorted), h: a log grid
/// of 121 points over $[\tau_Y/30, 30\tau_Y]$ (Young's value with the sample's mean time between
/// interruptions, the horizon when there are none), capped at the horizon, then golden section
/// around the best grid point. Returns the interval and its goodput.
#[must_use]
pub fn optimal_checkpoint_interval_h(
    interruptions_h: &[f64],
    horizon_h: f64,
    cost_h: f64,
    restart_h: f64,
) -> (f64, f64) {
    let mtbi = horizon_h / interruptions_h.len().max(1) as f64;
    let guess = young_interval_h(cost_h, mtbi).max(1e-3 * mtbi);
    let (lower, upper) = ((guess / 30.0).min(horizon_h), (guess * 30.0).min(horizon_h));
    let (lengths, last) = segments(interruptions_h, horizon_h, restart_h);
    let value = |interval: f64| useful_h(&lengths, last, interval, cost_h) / horizon_h;
    const POINTS: usize = 121;
    let ratio = (upper / lower).powf(1.0 / (POINTS - 1) as f64);
    let grid: Vec<f64> = (0..POINTS).map(|i| lower * ratio.powi(i as i32)).collect();
    let mut best = (grid[0], value(grid[0]));
    let mut best_index = 0;
    for (index, &interval) in grid.iter().enumerate().skip(1) {
        let goodput = value(interval);
        if goodput > best.1 {
            best = (interval, goodput);
            best_index = index;
        }
    }
    let mut a = grid[best_index.saturating_sub(1)];
    let mut b = grid[(best_index + 1).min(POINTS - 1)];
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - golden * (b - a);
    let mut d = a + golden * (b - a);
    let (mut value_c, mut value_d) = (value(c), value(d));
    for _ in 0..40 {
        if value_c >= value_d {
            b = d;
            d = c;
            value_d = value_c;
            c = b - golden * (b - a);
            value_c = value(c);
        } else {
            a = c;
            c = d;
            value_c = value_d;
            d = a + golden * (b - a);
            value_d = value(d);
        }
    }
    for candidate in [(c, value_c), (d, value_d)] {
        if candidate.1 > best.1 {
            best = candidate;
        }
    }
    best
}
