//! The heater lock loop: a discrete-time PI controller that keeps each microring on its
//! laser line while temperatures drift, with loss of lock, re-lock and link flaps.
//!
//! # Plant and controller
//! A lane needs its heater to red-shift the ring by $r_k = o + nF + D_k$ (nm) at sample $k$:
//! $o$ is the lane's static offset (design bias, fabrication and laser offsets), $F$ the free
//! spectral range, $n$ the resonance order chosen at lock, and $D_k$ the drift common to an
//! engine, $D = a_L (T_L - T_0) - a_R (T_R - T_0)$ from the laser and ring temperatures. The
//! heater shift $u_{k-1}$ set at the previous sample holds until the measurement, so the
//! detuning and the error signal (dither or monitor photodiode, linearised) are
//!
//! $$ \delta_k = u_{k-1} - r_k, \qquad e_k = -\delta_k. $$
//!
//! The controller is PI in velocity form with an optional feed-forward $f_k$ (the predicted
//! required shift at the next sample, [`crate::predictor`]):
//!
//! $$ x_k = x_{k-1} + K_p (e_k - e_{k-1}) + K_i e_k, \qquad u_k = x_k + f_k. $$
//!
//! Without feed-forward, $E(z)/D(z) = (1 - z^{-1}) / (1 - (1 - K_p - K_i) z^{-1} - K_p z^{-2})$;
//! for $K_p = 0$ a unit step leaves $e_k = (1-K_i)^k$ and a ramp of $s$ nm per sample settles
//! to $e = s/K_i$, with $e_k = (s/K_i)(1 - (1-K_i)^k)$ from lock (checked by the tests).
//! With feed-forward the loop sees only the prediction error $D_k - \hat D_k$.
//!
//! # Lock, loss and re-lock
//! To lock, the heater sweeps linearly, over `relock_samples` samples (at least one), from
//! where it is to the cheapest red shift to any resonance order, $u = (o + D_k) \bmod F$ (the
//! FSR wrap), and captures the order nearest to it at the end; if that shift exceeds the
//! tuning range $R$ the lane waits a sweep time and tries again. Lock is lost when the heater
//! command leaves $[0, R]$ (heaters only red-shift) or when $|\delta_k|$ exceeds the capture
//! half-width of the error signal; the heater then holds and the re-lock sweep starts. With
//! crosstalk, start-up locks each row one ring after another, a sweep time apart, so that no
//! ring is captured while its neighbour's heater jumps.
//!
//! # Heater crosstalk
//! Rings sit in rows of `group_lanes` on a PIC; a fraction $\kappa$ of each heater's shift
//! reaches each adjacent ring of its row, so ring $i$ is shifted by
//! $s_i = u_i + \kappa (u_{i-1} + u_{i+1})$ (the neighbours' heaters as set at the previous
//! sample). The detuning is $s_{i,k-1} - r_{i,k}$
//! and each loop still drives only its own heater; at rest the heaters solve
//! $(I + \kappa A) u = r$ ($A$ the row's adjacency), stable for $2\kappa < 1$. Acquisition
//! counts the neighbours' contribution before choosing the order. The common feed-forward
//! reaches a ring through its neighbours too, so each ring applies $f_k / (1 + \kappa m_i)$,
//! $m_i$ its number of neighbours.
//!
//! # Flaps
//! A lane is *bad* at a sample when it is unlocked or when $|\delta_k|$ exceeds its
//! `bad_detuning_nm` (the detuning whose Lorentzian penalty eats its static margin, so that
//! the pre-FEC BER crosses the KP4 threshold). A run of at least `flap_window_samples` bad
//! samples takes the link down: one flap per run.

use serde::Serialize;

/// Loop settings, all validated by [`LoopSettings::check`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoopSettings {
    /// Proportional gain, nm of heater shift per nm of error.
    pub kp: f64,
    /// Integral gain per sample.
    pub ki: f64,
    /// Capture half-width of the error signal, nm.
    pub capture_nm: f64,
    /// Heater tuning range, nm.
    pub range_nm: f64,
    /// Free spectral range, nm.
    pub fsr_nm: f64,
    /// Samples a re-lock takes.
    pub relock_samples: usize,
    /// Consecutive bad samples that take the link down.
    pub flap_window_samples: usize,
    /// Share of a heater's shift that reaches each adjacent ring of its row.
    pub crosstalk: f64,
    /// Rings per row (lanes `0..g`, `g..2g`, ... are rows).
    pub group_lanes: usize,
}

/// A loop setting out of its range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("lock loop: {name} = {value}; expected {expected}")]
pub struct LoopSettingsError {
    /// The setting.
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// What was expected.
    pub expected: &'static str,
}

impl LoopSettings {
    /// Checks ranges: gains that keep the loop stable, positive widths and windows.
    ///
    /// # Errors
    /// [`LoopSettingsError`] naming the setting.
    pub fn check(&self) -> Result<(), LoopSettingsError> {
        let fail = |name, value, expected| Err(LoopSettingsError { name, value, expected });
        // Jury's test on 1 - (1 - Kp - Ki) z^-1 - Kp z^-2: |Kp| < 1, Ki > 0, Ki + 2 Kp < 2.
        if !(self.ki > 0.0 && self.ki + 2.0 * self.kp < 2.0) {
            return fail("ki", self.ki, "0 < ki < 2 - 2 kp (a stable loop)");
        }
        if !(0.0..1.0).contains(&self.kp) {
            return fail("kp", self.kp, "0 <= kp < 1");
        }
        if !(self.capture_nm.is_finite() && self.capture_nm > 0.0) {
            return fail("capture_nm", self.capture_nm, "a finite width > 0 nm");
        }
        if !(self.range_nm.is_finite() && self.range_nm >= 0.0) {
            return fail("range_nm", self.range_nm, "a tuning range >= 0 nm");
        }
        if !(self.fsr_nm.is_finite() && self.fsr_nm > 0.0) {
            return fail("fsr_nm", self.fsr_nm, "a free spectral range > 0 nm");
        }
        if self.flap_window_samples == 0 {
            return fail("flap_window_samples", 0.0, "at least 1 sample");
        }
        if !(0.0..0.5).contains(&self.crosstalk) {
            return fail("crosstalk", self.crosstalk, "0 <= crosstalk < 0.5 (2 crosstalk < 1)");
        }
        if self.group_lanes == 0 {
            return fail("group_lanes", 0.0, "at least 1 ring per row");
        }
        Ok(())
    }
}

/// One lane's constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lane {
    /// Required red shift at zero drift (design bias plus fabrication and laser offsets), nm.
    pub offset_nm: f64,
    /// Detuning above which the lane's BER crosses the threshold, nm (negative: always bad).
    pub bad_detuning_nm: f64,
}

/// What one lane did over a run.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct LaneStats {
    /// Sum of squared detuning over locked samples, nm².
    pub detuning_sq_sum: f64,
    /// Largest |detuning| over locked samples, nm.
    pub max_detuning_nm: f64,
    /// Sum of the heater shift over locked samples, nm (heater energy / efficiency).
    pub heater_sum_nm: f64,
    /// Locked samples.
    pub locked_samples: usize,
    /// Bad samples (unlocked or BER over threshold).
    pub bad_samples: usize,
    /// Locked-to-unlocked transitions.
    pub lock_losses: usize,
    /// Link-down events.
    pub flaps: usize,
    /// Sample of the first loss of lock.
    pub first_loss_sample: Option<usize>,
}

impl LaneStats {
    /// RMS detuning over locked samples, nm.
    #[must_use]
    pub fn rms_detuning_nm(&self) -> f64 {
        if self.locked_samples == 0 {
            0.0
        } else {
            (self.detuning_sq_sum / self.locked_samples as f64).sqrt()
        }
    }
}

/// Per-sample record of one lane (for charts and tests).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LaneTrace {
    /// Detuning, nm (0 while unlocked).
    pub detuning_nm: Vec<f64>,
    /// Heater shift, nm.
    pub heater_nm: Vec<f64>,
    /// Locked or not.
    pub locked: Vec<bool>,
}

/// The state of one lane.
#[derive(Debug, Clone, Copy)]
struct State {
    /// Offset including the chosen order, nm.
    order_offset_nm: f64,
    integrator_nm: f64,
    applied_nm: f64,
    previous_error_nm: f64,
    locked: bool,
    /// Samples to wait before the next sweep (heater held).
    wait: usize,
    /// Heater sweep in progress: start, end and samples left (0: none planned).
    sweep_from_nm: f64,
    sweep_to_nm: f64,
    sweep_left: usize,
    bad_run: usize,
    /// Detuning measured at the last sample (0 while unlocked), nm.
    detuning_nm: f64,
}

/// Runs `lanes` over the common drift `drift_nm` (one value per sample), with feed-forward
/// `feed_forward_nm` (the predicted drift at the next sample, one per sample) when given,
/// recording lane `record` per sample. Statistics count samples from `count_from` on (the
/// earlier ones are warm-up). Lanes are split over `threads` scoped threads; the result does
/// not depend on the split.
///
/// # Panics
/// If `feed_forward_nm` is shorter than `drift_nm` (the caller aligns them).
#[must_use]
pub fn run_lanes(
    settings: &LoopSettings,
    lanes: &[Lane],
    drift_nm: &[f64],
    feed_forward_nm: Option<&[f64]>,
    record: Option<usize>,
    count_from: usize,
    threads: usize,
) -> (Vec<LaneStats>, Option<LaneTrace>) {
    if let Some(feed_forward) = feed_forward_nm {
        assert!(feed_forward.len() >= drift_nm.len(), "feed-forward shorter than the drift");
    }
    let threads = threads.clamp(1, lanes.len().max(1));
    // Chunks hold whole rows, so that crosstalk never crosses threads.
    let group = settings.group_lanes.max(1);
    let chunk = lanes.len().div_ceil(threads).div_ceil(group).max(1) * group;
    let mut stats = vec![LaneStats::default(); lanes.len()];
    let mut trace = None;
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (index, (lane_chunk, stats_chunk)) in
            lanes.chunks(chunk).zip(stats.chunks_mut(chunk)).enumerate()
        {
            let start = index * chunk;
            let local_record =
                record.filter(|&lane| (start..start + lane_chunk.len()).contains(&lane));
            handles.push(scope.spawn(move || {
                run_chunk(
                    settings,
                    lane_chunk,
                    stats_chunk,
                    drift_nm,
                    feed_forward_nm,
                    local_record.map(|lane| lane - start),
                    count_from,
                )
            }));
        }
        for handle in handles {
            if let Some(recorded) = handle.join().unwrap_or(None) {
                trace = Some(recorded);
            }
        }
    });
    (stats, trace)
}

fn run_chunk(
    settings: &LoopSettings,
    lanes: &[Lane],
    stats: &mut [LaneStats],
    drift_nm: &[f64],
    feed_forward_nm: Option<&[f64]>,
    record: Option<usize>,
    count_from: usize,
) -> Option<LaneTrace> {
    let mut trace = record.map(|_| LaneTrace::default());
    let feed = |k: usize| feed_forward_nm.map_or(0.0, |values| values[k]);
    let group = settings.group_lanes.max(1);
    let sweep_samples = settings.relock_samples.max(1);
    // Start-up locks each row one ring at a time, so no ring starts beside a sweeping one.
    let mut states: Vec<State> = lanes
        .iter()
        .enumerate()
        .map(|(index, lane)| {
            State::start(
                lane,
                if settings.crosstalk > 0.0 { (index % group) * sweep_samples } else { 0 },
            )
        })
        .collect();
    let mut scratch = LaneStats::default();
    let rows = Rows::new(settings, lanes.len());
    let mut neighbours = vec![0.0; lanes.len()];
    for (k, &drift) in drift_nm.iter().enumerate() {
        let forward = feed(k);
        let counting = k >= count_from;
        if settings.crosstalk > 0.0 {
            rows.crosstalk(settings, &states, &mut neighbours);
        }
        for ((((state, lane), counted), &neighbour), &gain) in states
            .iter_mut()
            .zip(lanes)
            .zip(stats.iter_mut())
            .zip(&neighbours)
            .zip(&rows.forward_gain)
        {
            // Warm-up samples update a scratch record that is thrown away.
            let stat = if counting { counted } else { &mut scratch };
            let at =
                Step { k, drift_nm: drift, neighbour_nm: neighbour, forward_nm: forward * gain };
            state.step(settings, lane, stat, at);
        }
        if let (Some(lane), Some(trace)) = (record, trace.as_mut()) {
            let state = &states[lane];
            trace.detuning_nm.push(state.detuning_nm);
            trace.heater_nm.push(state.applied_nm);
            trace.locked.push(state.locked);
        }
    }
    trace
}

/// Each ring's neighbours in its row, and its feed-forward gain: every ring of a row gets the
/// same feed-forward, so a ring also receives its neighbours' share through crosstalk and
/// applies 1/(1 + crosstalk x neighbours) of it.
struct Rows {
    /// Whether each ring has a left neighbour in its row.
    left: Vec<bool>,
    /// Whether each ring has a right neighbour in its row.
    right: Vec<bool>,
    /// Each ring's share of the feed-forward.
    forward_gain: Vec<f64>,
}

impl Rows {
    /// The rows of `settings.group_lanes` rings over `lanes` lanes.
    fn new(settings: &LoopSettings, lanes: usize) -> Rows {
        let group = settings.group_lanes.max(1);
        let (left, right): (Vec<bool>, Vec<bool>) = (0..lanes)
            .map(|index| (index % group != 0, index % group != group - 1 && index + 1 < lanes))
            .unzip();
        let forward_gain: Vec<f64> = left
            .iter()
            .zip(&right)
            .map(|(&l, &r)| 1.0 / (1.0 + settings.crosstalk * f64::from(u8::from(l) + u8::from(r))))
            .collect();
        Rows { left, right, forward_gain }
    }

    /// The heater crosstalk each ring receives from its row neighbours' applied shifts, nm.
    #[inline]
    fn crosstalk(&self, settings: &LoopSettings, states: &[State], neighbours: &mut [f64]) {
        for (index, value) in neighbours.iter_mut().enumerate() {
            let mut sum = 0.0;
            if self.left[index] {
                sum += states[index - 1].applied_nm;
            }
            if self.right[index] {
                sum += states[index + 1].applied_nm;
            }
            *value = settings.crosstalk * sum;
        }
    }
}

/// What one lane sees at sample `k`: the common drift, its neighbours' crosstalk and its share
/// of the feed-forward, nm.
#[derive(Clone, Copy)]
struct Step {
    k: usize,
    drift_nm: f64,
    neighbour_nm: f64,
    forward_nm: f64,
}

impl State {
    /// A lane at start-up: unlocked, heater at zero, waiting `wait` samples before its sweep.
    fn start(lane: &Lane, wait: usize) -> State {
        State {
            order_offset_nm: lane.offset_nm,
            integrator_nm: 0.0,
            applied_nm: 0.0,
            previous_error_nm: 0.0,
            locked: false,
            wait,
            sweep_from_nm: 0.0,
            sweep_to_nm: 0.0,
            sweep_left: 0,
            bad_run: 0,
            detuning_nm: 0.0,
        }
    }

    /// One sample of the lane: tracks while locked, else waits or sweeps to re-lock; then
    /// counts its bad samples and flaps into `stat`.
    #[inline]
    fn step(&mut self, settings: &LoopSettings, lane: &Lane, stat: &mut LaneStats, at: Step) {
        let mut detuning = 0.0;
        if self.locked {
            detuning = self.track(settings, stat, at);
        } else if self.wait > 0 {
            self.wait -= 1;
        } else {
            self.relock(settings, lane, stat, at);
        }
        self.detuning_nm = if self.locked { detuning } else { 0.0 };
        self.count_bad(settings, lane, stat, detuning);
    }

    /// The PI loop on a locked lane; the lane unlocks when the detuning leaves the capture
    /// range or the command the heater's. Returns the detuning, nm.
    #[inline]
    fn track(&mut self, settings: &LoopSettings, stat: &mut LaneStats, at: Step) -> f64 {
        let (kp, ki) = (settings.kp, settings.ki);
        let required = self.order_offset_nm + at.drift_nm;
        let detuning = self.applied_nm + at.neighbour_nm - required;
        let error = -detuning;
        self.integrator_nm += kp * (error - self.previous_error_nm) + ki * error;
        self.previous_error_nm = error;
        let command = self.integrator_nm + at.forward_nm;
        if detuning.abs() > settings.capture_nm || command < 0.0 || command > settings.range_nm {
            // The heater holds its last setting until the re-lock sweep starts.
            self.locked = false;
            self.wait = 0;
            self.sweep_left = 0;
            stat.lock_losses += 1;
            stat.first_loss_sample.get_or_insert(at.k);
        } else {
            self.applied_nm = command;
            stat.locked_samples += 1;
            stat.detuning_sq_sum += detuning * detuning;
            stat.max_detuning_nm = stat.max_detuning_nm.max(detuning.abs());
            stat.heater_sum_nm += command;
        }
        detuning
    }

    /// An unlocked lane done waiting: plans a sweep to the cheapest red shift to any resonance
    /// order (or waits a sweep's time when none is within range), moves the heater along it,
    /// and at its end captures the order nearest the heater.
    #[inline]
    fn relock(&mut self, settings: &LoopSettings, lane: &Lane, stat: &mut LaneStats, at: Step) {
        let sweep_samples = settings.relock_samples.max(1);
        let needed = lane.offset_nm + at.drift_nm - at.neighbour_nm;
        if self.sweep_left == 0 {
            // Plan a sweep to the cheapest red shift to any resonance order.
            let target = needed.rem_euclid(settings.fsr_nm);
            if target <= settings.range_nm {
                self.sweep_from_nm = self.applied_nm;
                self.sweep_to_nm = target;
                self.sweep_left = sweep_samples;
            } else {
                self.wait = sweep_samples;
            }
        }
        if self.sweep_left > 0 {
            self.sweep_left -= 1;
            let done = 1.0 - self.sweep_left as f64 / sweep_samples as f64;
            self.applied_nm = self.sweep_from_nm + done * (self.sweep_to_nm - self.sweep_from_nm);
            if self.sweep_left == 0 {
                // Capture the order nearest the heater (neighbours may have moved).
                let order = ((self.applied_nm - needed) / settings.fsr_nm).round();
                let shift = needed + order * settings.fsr_nm;
                if (0.0..=settings.range_nm).contains(&shift) {
                    self.order_offset_nm = lane.offset_nm + order * settings.fsr_nm;
                    self.applied_nm = shift;
                    self.integrator_nm = shift - at.forward_nm;
                    self.previous_error_nm = 0.0;
                    self.locked = true;
                    stat.locked_samples += 1;
                    stat.heater_sum_nm += shift;
                }
            }
        }
    }

    /// Counts a bad sample (unlocked, or detuned beyond the lane's margin) and a flap when a
    /// run of them reaches the flap window.
    #[inline]
    fn count_bad(
        &mut self,
        settings: &LoopSettings,
        lane: &Lane,
        stat: &mut LaneStats,
        detuning: f64,
    ) {
        let bad = !self.locked || detuning.abs() > lane.bad_detuning_nm;
        if bad {
            stat.bad_samples += 1;
            self.bad_run += 1;
            if self.bad_run == settings.flap_window_samples {
                stat.flaps += 1;
            }
        } else {
            self.bad_run = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(kp: f64, ki: f64) -> LoopSettings {
        LoopSettings {
            kp,
            ki,
            capture_nm: 1e9,
            range_nm: 1e9,
            fsr_nm: 1e12,
            relock_samples: 0,
            flap_window_samples: 3,
            crosstalk: 0.0,
            group_lanes: 1,
        }
    }

    fn detuning(settings: &LoopSettings, offset_nm: f64, drift: &[f64]) -> (LaneStats, LaneTrace) {
        let lane = Lane { offset_nm, bad_detuning_nm: 1e9 };
        let (stats, trace) = run_lanes(settings, &[lane], drift, None, Some(0), 0, 1);
        (stats[0], trace.unwrap())
    }

    #[test]
    fn integral_loop_step_response_is_geometric() {
        // Kp = 0: after a unit step of drift at k = 1, e_k = (1 - Ki)^(k-1), delta = -e.
        let ki = 0.3;
        let drift: Vec<f64> = (0..40).map(|k| if k == 0 { 0.0 } else { 1.0 }).collect();
        let (_, trace) = detuning(&settings(0.0, ki), 5.0, &drift);
        assert!(trace.detuning_nm[0].abs() < 1e-15);
        for k in 1..40 {
            let expected = -(1.0f64 - ki).powi(k as i32 - 1);
            assert!((trace.detuning_nm[k] - expected).abs() < 1e-12, "k {k}");
        }
    }

    #[test]
    fn pi_loop_step_response_follows_the_roots_of_its_transfer_function() {
        // E/D = (1 - z^-1) / (1 - a z^-1 - b z^-2), a = 1 - Kp - Ki, b = Kp. For a unit step
        // at k = 1, e_{k+1} = A p1^k + B p2^k with p1,2 the roots of z^2 - a z - b and
        // e_1 = 1, e_2 = a.
        let (kp, ki): (f64, f64) = (0.2, 0.35);
        let (a, b) = (1.0 - kp - ki, kp);
        let root = (a * a + 4.0 * b).sqrt();
        let (p1, p2) = ((a + root) / 2.0, (a - root) / 2.0);
        // A + B = 1, A p1 + B p2 = a.
        let big_b = (a - p1) / (p2 - p1);
        let big_a = 1.0 - big_b;
        let drift: Vec<f64> = (0..60).map(|k| if k == 0 { 0.0 } else { 1.0 }).collect();
        let (_, trace) = detuning(&settings(kp, ki), 5.0, &drift);
        for k in 1..60 {
            let n = (k - 1) as i32;
            let expected = -(big_a * p1.powi(n) + big_b * p2.powi(n));
            assert!((trace.detuning_nm[k] - expected).abs() < 1e-12, "k {k}");
        }
    }

    #[test]
    fn ramp_error_settles_at_slope_over_ki() {
        // e_k = (s/Ki)(1 - (1 - Ki)^k) from lock at k = 0.
        let (ki, slope) = (0.25, 0.002);
        let drift: Vec<f64> = (0..200).map(|k| slope * k as f64).collect();
        let (_, trace) = detuning(&settings(0.0, ki), 5.0, &drift);
        for (k, value) in trace.detuning_nm.iter().enumerate() {
            let expected = -(slope / ki) * (1.0 - (1.0f64 - ki).powi(k as i32));
            assert!((value - expected).abs() < 1e-12, "k {k}");
        }
    }

    #[test]
    fn lock_is_lost_exactly_when_the_closed_form_says() {
        // Range: the heater command u_k = r_{k+1} - e_{k+1} leaves [0, R] at the first k with
        // r0 + s (k + 1) - (s/Ki)(1 - (1 - Ki)^(k+1)) > R.
        let (ki, slope, offset, range) = (0.2, 0.01, 1.0, 3.0);
        let mut loop_settings = settings(0.0, ki);
        loop_settings.range_nm = range;
        let drift: Vec<f64> = (0..1000).map(|k| slope * k as f64).collect();
        let (stats, _) = detuning(&loop_settings, offset, &drift);
        let predicted = (0..)
            .find(|&k: &usize| {
                let n = (k + 1) as i32;
                offset + slope * n as f64 - (slope / ki) * (1.0 - (1.0f64 - ki).powi(n)) > range
            })
            .unwrap();
        assert_eq!(stats.first_loss_sample, Some(predicted));
        // Drift rate: a ramp whose lag s/Ki exceeds the capture width loses lock at the first
        // k with (s/Ki)(1 - (1 - Ki)^k) > capture.
        let mut loop_settings = settings(0.0, ki);
        loop_settings.capture_nm = 0.04;
        let (stats, _) = detuning(&loop_settings, offset, &drift);
        let predicted = (0..)
            .find(|&k: &usize| (slope / ki) * (1.0 - (1.0f64 - ki).powi(k as i32)) > 0.04)
            .unwrap();
        assert_eq!(stats.first_loss_sample, Some(predicted));
    }

    #[test]
    fn wrap_takes_the_next_order_and_an_unreachable_offset_never_locks() {
        let mut loop_settings = settings(0.0, 0.3);
        loop_settings.fsr_nm = 10.0;
        loop_settings.range_nm = 8.0;
        // Needs -2 nm (a blue shift): the next order needs 8 nm, just in range.
        let (stats, trace) = detuning(&loop_settings, -2.0, &[0.0; 5]);
        assert!((trace.heater_nm[0] - 8.0).abs() < 1e-12 && stats.lock_losses == 0);
        // Needs 9 nm: beyond the 8 nm range, and -1 nm is blue: never locks; the link goes
        // down once (one flap).
        let (stats, _) = detuning(&loop_settings, 9.0, &[0.0; 50]);
        assert_eq!((stats.locked_samples, stats.flaps, stats.bad_samples), (0, 1, 50));
    }

    #[test]
    fn feed_forward_leaves_feedback_only_the_prediction_error() {
        // Linearity: with feed-forward f_k the loop sees D_k - f_{k-1}, so its detuning equals
        // a feedback-only loop driven by that prediction error (f_{-1} := f_0).
        let loop_settings = settings(0.1, 0.3);
        let n = 300;
        let drift: Vec<f64> =
            (0..n).map(|k| 0.3 * (k as f64 * 0.02).sin() + 0.001 * k as f64).collect();
        let forward: Vec<f64> = (0..n)
            .map(|k| 0.28 * ((k + 1) as f64 * 0.02).sin() + 0.05 * (k as f64 * 0.7).cos())
            .collect();
        let lane = Lane { offset_nm: 5.0, bad_detuning_nm: 1e9 };
        let (_, with) = run_lanes(&loop_settings, &[lane], &drift, Some(&forward), Some(0), 0, 1);
        let error: Vec<f64> = (0..n).map(|k| drift[k] - forward[k.saturating_sub(1)]).collect();
        let (_, without) = run_lanes(&loop_settings, &[lane], &error, None, Some(0), 0, 1);
        for (a, b) in with.unwrap().detuning_nm.iter().zip(&without.unwrap().detuning_nm) {
            assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        }
    }

    #[test]
    fn two_coupled_heaters_settle_at_the_crosstalk_solution() {
        // u1 + k u2 = r1, u2 + k u1 = r2: u1 = (r1 - k r2) / (1 - k^2).
        let mut loop_settings = settings(0.1, 0.3);
        loop_settings.crosstalk = 0.2;
        loop_settings.group_lanes = 2;
        let lanes = [
            Lane { offset_nm: 6.0, bad_detuning_nm: 1e9 },
            Lane { offset_nm: 4.0, bad_detuning_nm: 1e9 },
        ];
        let (stats, trace) = run_lanes(&loop_settings, &lanes, &[0.0; 400], None, Some(0), 0, 1);
        let expected = (6.0 - 0.2 * 4.0) / (1.0 - 0.04);
        let trace = trace.unwrap();
        assert!((trace.heater_nm[399] - expected).abs() < 1e-9, "{}", trace.heater_nm[399]);
        assert!(trace.detuning_nm[399].abs() < 1e-9);
        assert_eq!(stats[0].lock_losses + stats[1].lock_losses, 0);
        // Rows never couple across their boundary: with rows of 1 the lanes are independent.
        loop_settings.group_lanes = 1;
        let (_, alone) = run_lanes(&loop_settings, &lanes, &[0.0; 50], None, Some(0), 0, 1);
        assert!((alone.unwrap().heater_nm[49] - 6.0).abs() < 1e-9);
        loop_settings.crosstalk = 0.5;
        assert!(loop_settings.check().is_err());
    }

    #[test]
    fn a_row_with_crosstalk_locks_up_one_ring_at_a_time_without_a_cascade() {
        // Rows of 16 rings, 5 % crosstalk, 20-sample sweeps, offsets spread over 2-9 nm (so
        // that neighbours' heat, at most 2 x 0.05 x 12.6 nm, never asks for a blue shift): an
        // instant, simultaneous start-up would detune rings by up to 1.3 nm (far beyond the
        // 0.13 nm capture); sequenced sweeps keep every ring locked.
        let loop_settings = LoopSettings {
            capture_nm: 0.131,
            range_nm: 12.6,
            fsr_nm: 11.4,
            relock_samples: 20,
            crosstalk: 0.05,
            group_lanes: 16,
            ..settings(0.1, 0.3)
        };
        let lanes: Vec<Lane> = (0..32)
            .map(|index| Lane {
                offset_nm: 2.0 + (index as f64 * 3.7) % 7.0,
                bad_detuning_nm: 0.05,
            })
            .collect();
        let (stats, _) = run_lanes(&loop_settings, &lanes, &[0.0; 2000], None, None, 0, 2);
        for (index, stat) in stats.iter().enumerate() {
            assert_eq!(stat.lock_losses, 0, "lane {index}");
            // Locked from its turn in the row's start-up sequence (sweep of 20 samples).
            assert_eq!(stat.locked_samples, 2000 - (index % 16 + 1) * 20 + 1, "lane {index}");
        }
    }

    #[test]
    fn threads_do_not_change_results() {
        let loop_settings = LoopSettings {
            capture_nm: 0.2,
            range_nm: 9.0,
            fsr_nm: 11.4,
            crosstalk: 0.1,
            group_lanes: 4,
            ..settings(0.1, 0.3)
        };
        let lanes: Vec<Lane> = (0..37)
            .map(|index| Lane { offset_nm: index as f64 * 0.31, bad_detuning_nm: 0.05 })
            .collect();
        let drift: Vec<f64> = (0..500).map(|k| 0.5 * (k as f64 * 0.05).sin()).collect();
        let (one, _) = run_lanes(&loop_settings, &lanes, &drift, None, None, 100, 1);
        let (two, _) = run_lanes(&loop_settings, &lanes, &drift, None, None, 100, 2);
        assert_eq!(one, two);
    }
}
