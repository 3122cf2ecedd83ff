//! cporamp-photonics: microring and laser drift, the heater lock loop, feed-forward drift
//! prediction, the per-lane link margin, PAM4 BER and link flaps.
//!
//! - [`optics`]: Gaussian mode overlap (coupling loss from misalignment) and the Lorentzian
//!   ring line shape (detuning penalty);
//! - [`ber`]: PAM4 symbol and bit error rates, the KP4 threshold, BER at a link margin;
//! - [`lock`]: the discrete-time PI heater loop with FSR wrap, loss of lock, re-lock, flaps;
//! - [`predictor`]: the ARX drift predictor identified from the thermal transient;
//! - [`simulate`] (here): a Monte Carlo population of lanes under process variation driven by
//!   the thermal engine's transient, feedback-only against feedback plus feed-forward.
//!
//! # Drift
//! A lane's heater must red-shift its ring by $o + D_k$ (nm): $o$ is static (design bias
//! $b$, laser offset $\epsilon_L$, fabrication offset $\epsilon_R$: $o = b + \epsilon_L - \epsilon_R$)
//! and $D_k = a_L (T_{L,k} - T_0) - a_R (T_{R,k} - T_0)$ follows the laser and ring
//! temperatures ($a$ in nm/K: rings 0.072-0.083 nm/K, DFB 0.085-0.1 nm/K;
//! docs/sources.md: S51, S53).
//! An integrated laser sits on the engine and drifts with the ring, so most of the drift
//! cancels; an external laser source stays at its front-panel temperature.
//!
//! # Lane population
//! Fabrication offsets are $\epsilon_R = g + l$ with $g \sim N(0, f\sigma^2)$ shared by the
//! lanes of one PIC and $l \sim N(0, (1-f)\sigma^2)$ per ring; $\epsilon_L \sim N(0,
//! \sigma_L^2)$; the PIC's fiber array lands off by $b \sim N(0, \sigma_b^2)$ per axis and
//! each fiber by a further $f \sim N(0, \sigma_f^2)$, so a lane's offset $(x, y) = b + f$
//! adds $10\log_{10}(e)\thinspace(x^2+y^2)/w^2$ dB; a lane power deviation $N(0, \sigma_P^2)$ dB;
//! and the adjacent WDM channels' crosstalk ([`optics::pam4_crosstalk_penalty_db`]). The
//! lane's static OMA margin is the link budget's design margin minus the ageing allocation
//! and these. With wavelength reassignment each PIC's bus is locked at bring-up by the
//! rotation of [`cporamp_core::wdm`] (guard `lock_guard_nm`), which adds whole channel
//! spacings to its lanes' offsets $o$; the lanes keep it as temperatures move. A detuning
//! $\delta$ costs the Lorentzian penalty, and the lane's pre-FEC BER crosses the KP4
//! threshold where the penalty equals the margin ([`ber`]).
//!
//! # Estimates
//! Rates are per lane-hour over the counted periods (the first is warm-up), with the standard
//! error of the lane mean, $s/\sqrt{n}$.
//!
//! **Architecture invariant:** pure and deterministic for a seed (lanes split over threads
//! give the same result as one thread).

pub mod ber;
pub mod lock;
pub mod optics;
pub mod predictor;
pub mod settings;

use cporamp_core::units::{Db, Gbps, Nanometres};
use cporamp_core::wdm::BusLock;
use lock::{Lane, LaneStats, LoopSettings};
use predictor::{Prediction, Predictor};
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use serde::Serialize;
pub use settings::{PhotonicsSettings, Rings};

/// Bad input to the photonics engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PhotonicsError {
    /// A parameter out of its range.
    #[error("photonics: {name} = {value}; expected {expected}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A temperature trace that cannot be resampled.
    #[error("photonics: drift trace sample {index}: {message}")]
    Trace {
        /// Sample index.
        index: usize,
        /// What is wrong.
        message: String,
    },
    /// The lock loop settings.
    #[error(transparent)]
    Loop(#[from] lock::LoopSettingsError),
    /// The predictor could not be identified.
    #[error("photonics: drift predictor: {0}")]
    Predictor(String),
}

/// One workload period of temperatures and telemetry at the loop's sample rate (periodic).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftTrace {
    /// Sample interval, s.
    pub sample_s: f64,
    /// Ring (engine) temperature, °C.
    pub ring_temp_c: Vec<f64>,
    /// Laser temperature, °C.
    pub laser_temp_c: Vec<f64>,
    /// On-die ASIC temperature sensor (unquantized), °C.
    pub sensor_temp_c: Vec<f64>,
    /// ASIC power telemetry, W.
    pub asic_power_w: Vec<f64>,
}

/// Samples of a thermal history: `time_s` strictly increasing, each series as long.
#[derive(Debug, Clone, Copy)]
pub struct ThermalSamples<'a> {
    /// Times, s.
    pub time_s: &'a [f64],
    /// Ring temperature, °C.
    pub ring_temp_c: &'a [f64],
    /// Laser temperature, °C.
    pub laser_temp_c: &'a [f64],
    /// ASIC sensor temperature, °C.
    pub sensor_temp_c: &'a [f64],
    /// ASIC power, W.
    pub asic_power_w: &'a [f64],
}

impl DriftTrace {
    /// Linear interpolation of `samples` onto `sample_s` steps over one `period_s` ending at
    /// the last sample.
    ///
    /// # Errors
    /// [`PhotonicsError::Trace`] for non-increasing or non-finite times, series of different
    /// lengths, a non-finite value, or a history shorter than the period.
    pub fn resample(
        samples: &ThermalSamples<'_>,
        sample_s: f64,
        period_s: f64,
    ) -> Result<DriftTrace, PhotonicsError> {
        let time = samples.time_s;
        let series = [
            samples.ring_temp_c,
            samples.laser_temp_c,
            samples.sensor_temp_c,
            samples.asic_power_w,
        ];
        let fail = |index: usize, message: String| Err(PhotonicsError::Trace { index, message });
        if time.len() < 2 || series.iter().any(|values| values.len() != time.len()) {
            return fail(
                0,
                format!("expected at least 2 samples and equal lengths; got {} times", time.len()),
            );
        }
        for (index, pair) in time.windows(2).enumerate() {
            if !(pair[1].is_finite() && pair[1] > pair[0]) {
                return fail(
                    index + 1,
                    format!(
                        "time {} s after {} s; expected strictly increasing times",
                        pair[1], pair[0]
                    ),
                );
            }
        }
        for values in series {
            if let Some(index) = values.iter().position(|value| !value.is_finite()) {
                return fail(index, format!("value {}; expected a finite number", values[index]));
            }
        }
        let end = time[time.len() - 1];
        let start = end - period_s;
        if start < time[0] - 1e-12 {
            return fail(
                0,
                format!(
                    "the history covers {} s, less than the {period_s} s period",
                    end - time[0]
                ),
            );
        }
        let n = (period_s / sample_s).round() as usize;
        let mut cursor = 0;
        let mut out: [Vec<f64>; 4] = Default::default();
        for k in 0..n {
            let t = start + (k + 1) as f64 * sample_s;
            while cursor + 2 < time.len() && time[cursor + 1] < t {
                cursor += 1;
            }
            let (t0, t1) = (time[cursor], time[cursor + 1]);
            let weight = ((t - t0) / (t1 - t0)).clamp(0.0, 1.0);
            for (target, values) in out.iter_mut().zip(series) {
                target.push(values[cursor] + weight * (values[cursor + 1] - values[cursor]));
            }
        }
        let [ring_temp_c, laser_temp_c, sensor_temp_c, asic_power_w] = out;
        Ok(DriftTrace { sample_s, ring_temp_c, laser_temp_c, sensor_temp_c, asic_power_w })
    }
}

/// The link the lanes carry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinkInputs {
    /// OMA margin of a nominal lane over the receiver sensitivity (the link budget's design
    /// margin), dB.
    pub margin_db: Db,
    /// Lane rate, Gb/s.
    pub lane_gbps: Gbps,
    /// Mean drift $D$ at bring-up, where each PIC's bus rotation is chosen (nm); `None`:
    /// the mean of the trace the lanes run on.
    pub bring_up_drift_nm: Option<Nanometres>,
}

/// A loop's performance over the population.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoopSummary {
    /// RMS detuning over all locked lane-samples, nm.
    pub rms_detuning_nm: f64,
    /// Largest detuning of any locked lane, nm.
    pub max_detuning_nm: f64,
    /// Lorentzian penalty at the RMS detuning, dB.
    pub rms_penalty_db: f64,
    /// Mean heater power per ring, mW.
    pub heater_mw_per_ring: f64,
    /// Heater power per bit (rings per lane over lane rate), pJ/bit.
    pub heater_pj_per_bit: f64,
    /// Lock losses per lane-hour.
    pub lock_losses_per_lane_hour: f64,
    /// Its standard error.
    pub lock_losses_se: f64,
    /// Link flaps per lane-hour.
    pub flaps_per_lane_hour: f64,
    /// Its standard error.
    pub flaps_se: f64,
    /// Fraction of counted lane-samples with the BER over threshold or unlocked.
    pub bad_fraction: f64,
}

/// A histogram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Bin edges (one more than counts).
    pub edges: Vec<f64>,
    /// Counts.
    pub counts: Vec<usize>,
}

/// The nominal lane through the last period, for charts (downsampled).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftChart {
    /// Time in the period, s.
    pub time_s: Vec<f64>,
    /// Ring temperature, °C.
    pub ring_temp_c: Vec<f64>,
    /// Required shift drift D, nm.
    pub drift_nm: Vec<f64>,
    /// Detuning, feedback only, nm.
    pub feedback_detuning_nm: Vec<f64>,
    /// Detuning, feedback plus feed-forward, nm.
    pub feed_forward_detuning_nm: Vec<f64>,
    /// Heater power per ring, feedback only, mW.
    pub feedback_heater_mw: Vec<f64>,
    /// Heater power per ring, with feed-forward, mW.
    pub feed_forward_heater_mw: Vec<f64>,
    /// Locked (feedback only).
    pub feedback_locked: Vec<bool>,
}

/// The per-lane link budget beyond the design: what variation and detuning take from the
/// nominal margin (dB).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LaneBudget {
    /// The link budget's design margin over sensitivity (the compare engine sized the laser
    /// for it), dB.
    pub design_margin_db: f64,
    /// Extra coupling loss from fiber misalignment: mean, dB.
    pub misalignment_mean_db: f64,
    /// Its 99th percentile, dB.
    pub misalignment_p99_db: f64,
    /// Lane power spread (one sigma), dB.
    pub power_sigma_db: f64,
    /// Adjacent-channel crosstalk penalty of an inner ring of a row, dB.
    pub channel_crosstalk_db: f64,
    /// Lorentzian penalty at the largest detuning of any lane, feedback only, dB.
    pub detuning_penalty_max_db: f64,
    /// The same with feed-forward, dB.
    pub detuning_penalty_max_ff_db: f64,
    /// Worst margin over the run (feedback only): median over lanes, dB.
    pub worst_margin_median_db: f64,
    /// Its 1st percentile, dB.
    pub worst_margin_p01_db: f64,
}

/// Everything the photonics engine reports for one technology and generation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotonicsResult {
    /// Ring linewidth (FWHM), nm.
    pub linewidth_nm: f64,
    /// Heater tuning range, nm.
    pub tuning_range_nm: f64,
    /// Peak-to-peak drift over the workload period, nm.
    pub drift_peak_to_peak_nm: f64,
    /// Ring temperature swing over the period, K.
    pub ring_swing_k: f64,
    /// Predictor one-step RMS error, nm.
    pub predictor_rms_error_nm: f64,
    /// Predictor R².
    pub predictor_r_squared: f64,
    /// Feedback only.
    pub feedback: LoopSummary,
    /// Feedback plus feed-forward.
    pub feed_forward: LoopSummary,
    /// RMS detuning ratio, feedback only over feed-forward.
    pub rms_reduction: f64,
    /// Lanes that found no resonance within the heater range, fraction.
    pub unlockable_fraction: f64,
    /// Lanes whose static margin is negative (never under threshold), fraction.
    pub negative_margin_fraction: f64,
    /// Worst margin over the run per lane (static margin minus the penalty at its largest
    /// detuning, feedback only), dB.
    pub margin_histogram: Histogram,
    /// The per-lane link budget.
    pub lane_budget: LaneBudget,
    /// Lanes simulated.
    pub lanes: usize,
    /// Lane-hours counted per loop.
    pub lane_hours: f64,
    /// The nominal lane.
    pub chart: DriftChart,
}

/// Static description of one lane of the population.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SampledLane {
    lane: Lane,
    margin_db: f64,
    misalignment_db: f64,
}

fn check_rings(rings: &Rings) -> Result<(), PhotonicsError> {
    let invalid =
        |name, value, expected| Err(PhotonicsError::InvalidParameter { name, value, expected });
    if !(rings.fsr.0.is_finite() && rings.fsr.0 > 0.0) {
        return invalid("fsr_nm", rings.fsr.0, "a free spectral range > 0 nm");
    }
    if !(rings.heater_efficiency_nm_per_mw.is_finite() && rings.heater_efficiency_nm_per_mw > 0.0) {
        return invalid(
            "heater_efficiency_nm_per_mw",
            rings.heater_efficiency_nm_per_mw,
            "> 0 nm/mW",
        );
    }
    if !(rings.fab_offset_sigma.0.is_finite() && rings.fab_offset_sigma.0 >= 0.0) {
        return invalid("fab_offset_sigma_nm", rings.fab_offset_sigma.0, ">= 0 nm");
    }
    Ok(())
}

fn normal(sigma: f64) -> Normal<f64> {
    // sigma is checked >= 0 and finite by the scenario.
    Normal::new(0.0, sigma.max(0.0)).unwrap_or_else(|_| Normal::new(0.0, 0.0).expect("0 is valid"))
}

fn sample_lanes(
    settings: &PhotonicsSettings,
    rings: &Rings,
    link: &LinkInputs,
    linewidth_nm: f64,
) -> Vec<SampledLane> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(settings.seed);
    let sigma = rings.fab_offset_sigma.0;
    let global = normal(sigma * settings.global_variance_fraction.sqrt());
    let local = normal(sigma * (1.0 - settings.global_variance_fraction).sqrt());
    let laser = normal(settings.laser_offset_sigma_nm.0);
    let block = normal(settings.block_sigma_um.0);
    let fiber = normal(settings.fiber_sigma_um.0);
    let power = normal(settings.power_sigma_db.0);
    let mut lanes = Vec::with_capacity(settings.lanes);
    let mut pic_offset = 0.0;
    let mut block_offset = (0.0, 0.0);
    let neighbour_drop = optics::lorentzian(settings.channel_spacing_nm.0, linewidth_nm);
    for index in 0..settings.lanes {
        if index % settings.lanes_per_pic == 0 {
            pic_offset = global.sample(&mut rng);
            block_offset = (block.sample(&mut rng), block.sample(&mut rng));
        }
        let ring_offset = pic_offset + local.sample(&mut rng);
        let laser_offset = laser.sample(&mut rng);
        let x = block_offset.0 + fiber.sample(&mut rng);
        let y = block_offset.1 + fiber.sample(&mut rng);
        let power_db = power.sample(&mut rng);
        let offset_um = (x * x + y * y).sqrt();
        let misalignment_db = optics::misalignment_loss_db(settings.mode_radius_um.0, offset_um);
        let position = index % settings.lanes_per_pic;
        let neighbours = usize::from(position > 0)
            + usize::from(position + 1 < settings.lanes_per_pic && index + 1 < settings.lanes);
        let crosstalk_db = optics::pam4_crosstalk_penalty_db(neighbours as f64 * neighbour_drop);
        let margin_db =
            link.margin_db.0 - settings.ageing_allocation_db.0 - misalignment_db - crosstalk_db
                + power_db;
        lanes.push(SampledLane {
            lane: Lane {
                offset_nm: rings.design_bias.0 + laser_offset - ring_offset,
                bad_detuning_nm: if margin_db > 0.0 {
                    optics::detuning_at_penalty_nm(margin_db, linewidth_nm)
                } else {
                    -1.0
                },
            },
            margin_db,
            misalignment_db,
        });
    }
    lanes
}

/// Locks each PIC's buses ([`cporamp_core::wdm`]; one ring per channel of the grid, so
/// FSR / spacing rings): with wavelength reassignment, every lane of a bus takes the rotation
/// chosen at bring-up, when the lanes need their static offset plus
/// the drift `bring_up_drift_nm`, keeping `lock_guard_nm` below each ring.
fn rotate_buses(
    settings: &PhotonicsSettings,
    lanes: &mut [SampledLane],
    loop_settings: &LoopSettings,
    bring_up_drift_nm: f64,
) {
    let bus = BusLock {
        fsr_nm: loop_settings.fsr_nm,
        range_nm: loop_settings.range_nm,
        step_nm: settings.wavelength_reassignment.then_some(settings.channel_spacing_nm.0),
        guard_nm: settings.lock_guard_nm.0,
    };
    for pic in lanes.chunks_mut(settings.lanes_per_pic) {
        for rings in pic.chunks_mut(bus.rotations()) {
            let needed: Vec<f64> =
                rings.iter().map(|lane| lane.lane.offset_nm + bring_up_drift_nm).collect();
            let (rotation_nm, _) = bus.lock(&needed);
            for lane in rings {
                lane.lane.offset_nm += rotation_nm;
            }
        }
    }
}

/// The `fraction` quantile of `values` (nearest rank on the sorted values).
fn quantile(values: &[f64], fraction: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn tile(values: &[f64], periods: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(values.len() * periods);
    for _ in 0..periods {
        out.extend_from_slice(values);
    }
    out
}

fn summarize(
    stats: &[LaneStats],
    counted_samples: usize,
    lane_hours_each: f64,
    linewidth_nm: f64,
    rings: &Rings,
    link: &LinkInputs,
) -> LoopSummary {
    let n = stats.len() as f64;
    let locked: usize = stats.iter().map(|s| s.locked_samples).sum();
    let squares: f64 = stats.iter().map(|s| s.detuning_sq_sum).sum();
    let heater: f64 = stats.iter().map(|s| s.heater_sum_nm).sum();
    let rms = if locked > 0 { (squares / locked as f64).sqrt() } else { 0.0 };
    let heater_mw =
        if locked > 0 { heater / locked as f64 / rings.heater_efficiency_nm_per_mw } else { 0.0 };
    let rate = |value: fn(&LaneStats) -> usize| -> (f64, f64) {
        let rates: Vec<f64> = stats.iter().map(|s| value(s) as f64 / lane_hours_each).collect();
        let mean = rates.iter().sum::<f64>() / n;
        let variance = if stats.len() > 1 {
            rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        (mean, (variance / n).sqrt())
    };
    let (lock_losses, lock_losses_se) = rate(|s| s.lock_losses);
    let (flaps, flaps_se) = rate(|s| s.flaps);
    let samples = counted_samples * stats.len();
    let bad: usize = stats.iter().map(|s| s.bad_samples).sum();
    LoopSummary {
        rms_detuning_nm: rms,
        max_detuning_nm: stats.iter().map(|s| s.max_detuning_nm).fold(0.0, f64::max),
        rms_penalty_db: optics::detuning_penalty_db(rms, linewidth_nm),
        heater_mw_per_ring: heater_mw,
        heater_pj_per_bit: heater_mw * f64::from(rings.rings_per_lane) / link.lane_gbps.0,
        lock_losses_per_lane_hour: lock_losses,
        lock_losses_se,
        flaps_per_lane_hour: flaps,
        flaps_se,
        bad_fraction: if samples > 0 { bad as f64 / samples as f64 } else { 0.0 },
    }
}

fn histogram(values: &[f64], width: f64) -> Histogram {
    if values.is_empty() {
        return Histogram { edges: vec![0.0, width], counts: vec![0] };
    }
    let low = (values.iter().copied().fold(f64::INFINITY, f64::min) / width).floor() * width;
    let high =
        (values.iter().copied().fold(f64::NEG_INFINITY, f64::max) / width).floor() * width + width;
    let bins = (((high - low) / width).round() as usize).max(1);
    let mut counts = vec![0; bins];
    for value in values {
        let bin = (((value - low) / width).floor() as usize).min(bins - 1);
        counts[bin] += 1;
    }
    Histogram { edges: (0..=bins).map(|i| low + i as f64 * width).collect(), counts }
}

/// Runs the population over `periods` repetitions of the periodic `trace`, feedback only and
/// with feed-forward, on `threads` threads.
///
/// # Errors
/// [`PhotonicsError`] for invalid ring or loop parameters or a predictor that cannot be fit.
pub fn simulate(
    settings: &PhotonicsSettings,
    rings: &Rings,
    link: &LinkInputs,
    trace: &DriftTrace,
    threads: usize,
) -> Result<PhotonicsResult, PhotonicsError> {
    check_rings(rings)?;
    let linewidth_nm = optics::linewidth_nm(settings.wavelength_nm.0, settings.ring_loaded_q);
    let loop_settings = loop_settings_for(settings, rings, trace, linewidth_nm);
    loop_settings.check()?;
    let n = trace.ring_temp_c.len();
    let drift = drift_nm(rings, trace);
    let prediction = predict_drift(settings, trace, &drift)?;
    let periods = settings.periods;
    let drift_run = tile(&drift, periods);
    let forward_run = tile(&prediction.next_nm, periods);
    let mut sampled = sample_lanes(settings, rings, link, linewidth_nm);
    let bring_up_drift_nm = link
        .bring_up_drift_nm
        .map_or(drift.iter().sum::<f64>() / drift.len().max(1) as f64, |nm| nm.0);
    rotate_buses(settings, &mut sampled, &loop_settings, bring_up_drift_nm);
    let lanes: Vec<Lane> = sampled.iter().map(|s| s.lane).collect();
    let (feedback, _) = lock::run_lanes(&loop_settings, &lanes, &drift_run, None, None, n, threads);
    let (forward, _) =
        lock::run_lanes(&loop_settings, &lanes, &drift_run, Some(&forward_run), None, n, threads);
    let lane_hours_each = (periods - 1) as f64 * n as f64 * trace.sample_s / 3600.0;

    let runs = Runs {
        loop_settings: &loop_settings,
        drift_run: &drift_run,
        forward_run: &forward_run,
        n,
        periods,
        linewidth_nm,
        bring_up_drift_nm,
    };
    let chart = drift_chart(settings, rings, link, trace, &drift, &runs);
    let worst_margins: Vec<f64> = sampled
        .iter()
        .zip(&feedback)
        .filter(|(_, stats)| stats.locked_samples > 0)
        .map(|(lane, stats)| {
            lane.margin_db - optics::detuning_penalty_db(stats.max_detuning_nm, linewidth_nm)
        })
        .collect();
    let counted = (periods - 1) * n;
    let feedback_summary =
        summarize(&feedback, counted, lane_hours_each, linewidth_nm, rings, link);
    let forward_summary = summarize(&forward, counted, lane_hours_each, linewidth_nm, rings, link);
    let span = |values: &[f64]| {
        values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            - values.iter().copied().fold(f64::INFINITY, f64::min)
    };
    Ok(PhotonicsResult {
        linewidth_nm,
        tuning_range_nm: loop_settings.range_nm,
        drift_peak_to_peak_nm: span(&drift),
        ring_swing_k: span(&trace.ring_temp_c),
        predictor_rms_error_nm: prediction.rms_error_nm,
        predictor_r_squared: prediction.r_squared,
        feedback: feedback_summary,
        feed_forward: forward_summary,
        rms_reduction: if forward_summary.rms_detuning_nm > 0.0 {
            feedback_summary.rms_detuning_nm / forward_summary.rms_detuning_nm
        } else {
            f64::INFINITY
        },
        unlockable_fraction: feedback.iter().filter(|s| s.locked_samples == 0).count() as f64
            / lanes.len() as f64,
        negative_margin_fraction: sampled.iter().filter(|s| s.margin_db <= 0.0).count() as f64
            / lanes.len() as f64,
        margin_histogram: histogram(&worst_margins, 0.25),
        lane_budget: lane_budget(
            settings,
            link,
            &sampled,
            &worst_margins,
            linewidth_nm,
            &feedback_summary,
            &forward_summary,
        ),
        lanes: lanes.len(),
        lane_hours: lane_hours_each * lanes.len() as f64,
        chart,
    })
}

/// The lock loop's settings: the gains, capture half-width, heater range, FSR and the
/// relock and flap windows in samples of the trace.
fn loop_settings_for(
    settings: &PhotonicsSettings,
    rings: &Rings,
    trace: &DriftTrace,
    linewidth_nm: f64,
) -> LoopSettings {
    let rate_hz = 1.0 / trace.sample_s;
    LoopSettings {
        kp: settings.kp,
        ki: settings.ki,
        capture_nm: settings.capture_fwhm * linewidth_nm / 2.0,
        range_nm: rings.tuning_range_nm(settings.heater_max_mw),
        fsr_nm: rings.fsr.0,
        relock_samples: (settings.relock_time_s.0 * rate_hz).round() as usize,
        flap_window_samples: ((settings.flap_window_s.0 * rate_hz).round() as usize).max(1),
        crosstalk: settings.heater_crosstalk,
        group_lanes: settings.lanes_per_pic,
    }
}

/// The ring-to-laser drift per sample, nm: the laser's drift less the ring's, each from the
/// rings' reference temperature.
fn drift_nm(rings: &Rings, trace: &DriftTrace) -> Vec<f64> {
    let t0 = rings.reference_temp.0;
    trace
        .ring_temp_c
        .iter()
        .zip(&trace.laser_temp_c)
        .map(|(&ring, &laser)| rings.drifted_offset_nm(0.0, (ring, t0), (laser, t0)))
        .collect()
}

/// The feed-forward predictor fitted on the quantized sensor and the ASIC power, and its
/// one-step prediction of the drift.
fn predict_drift(
    settings: &PhotonicsSettings,
    trace: &DriftTrace,
    drift: &[f64],
) -> Result<Prediction, PhotonicsError> {
    let lsb = settings.sensor_lsb_k.0;
    let sensor: Vec<f64> = trace.sensor_temp_c.iter().map(|t| (t / lsb).round() * lsb).collect();
    let channels: [&[f64]; 2] = [&sensor, &trace.asic_power_w];
    let predictor = Predictor::fit(&channels, drift, settings.predictor_taps)
        .map_err(PhotonicsError::Predictor)?;
    Ok(predictor.predict(&channels, drift))
}

/// The lock loops' common inputs: the loop, the drift and its prediction tiled over the
/// periods.
struct Runs<'a> {
    /// The lock loop.
    loop_settings: &'a LoopSettings,
    /// The drift over every period, nm.
    drift_run: &'a [f64],
    /// Its prediction over every period, nm.
    forward_run: &'a [f64],
    /// Samples per period.
    n: usize,
    /// Periods run.
    periods: usize,
    /// Ring linewidth, nm.
    linewidth_nm: f64,
    /// Drift the buses are rotated at, nm.
    bring_up_drift_nm: f64,
}

/// The drift chart: the nominal lane (design bias, no offsets, design margin, its bus rotated
/// as the population's) recorded under feedback and feed-forward over the last period, about
/// 250 points.
fn drift_chart(
    settings: &PhotonicsSettings,
    rings: &Rings,
    link: &LinkInputs,
    trace: &DriftTrace,
    drift: &[f64],
    runs: &Runs<'_>,
) -> DriftChart {
    let Runs { loop_settings, drift_run, forward_run, n, periods, linewidth_nm, bring_up_drift_nm } =
        *runs;
    // The nominal lane (design bias, no offsets, design margin, its bus rotated as the
    // population's), recorded.
    let mut nominal_lane = [SampledLane {
        lane: Lane { offset_nm: rings.design_bias.0, bad_detuning_nm: 0.0 },
        margin_db: link.margin_db.0,
        misalignment_db: 0.0,
    }];
    rotate_buses(settings, &mut nominal_lane, loop_settings, bring_up_drift_nm);
    let nominal = [Lane {
        offset_nm: nominal_lane[0].lane.offset_nm,
        bad_detuning_nm: optics::detuning_at_penalty_nm(link.margin_db.0.max(0.0), linewidth_nm),
    }];
    let (_, fb_trace) = lock::run_lanes(loop_settings, &nominal, drift_run, None, Some(0), n, 1);
    let (_, ff_trace) =
        lock::run_lanes(loop_settings, &nominal, drift_run, Some(forward_run), Some(0), n, 1);
    let (fb_trace, ff_trace) = (fb_trace.unwrap_or_default(), ff_trace.unwrap_or_default());
    let last = (periods - 1) * n..periods * n;
    let stride = n.div_ceil(250).max(1);
    let pick = |values: &[f64]| -> Vec<f64> {
        values[last.clone()].iter().step_by(stride).copied().collect()
    };
    let efficiency = rings.heater_efficiency_nm_per_mw;
    DriftChart {
        time_s: (0..n).step_by(stride).map(|k| (k + 1) as f64 * trace.sample_s).collect(),
        ring_temp_c: trace.ring_temp_c.iter().step_by(stride).copied().collect(),
        drift_nm: drift.iter().step_by(stride).copied().collect(),
        feedback_detuning_nm: pick(&fb_trace.detuning_nm),
        feed_forward_detuning_nm: pick(&ff_trace.detuning_nm),
        feedback_heater_mw: pick(&fb_trace.heater_nm).iter().map(|nm| nm / efficiency).collect(),
        feed_forward_heater_mw: pick(&ff_trace.heater_nm)
            .iter()
            .map(|nm| nm / efficiency)
            .collect(),
        feedback_locked: fb_trace
            .locked
            .get(last.clone())
            .unwrap_or(&[])
            .iter()
            .step_by(stride)
            .copied()
            .collect(),
    }
}

/// The lane budget: design margin, misalignment, power spread, crosstalk, the worst detuning
/// penalties under each loop and the worst margins' quantiles.
fn lane_budget(
    settings: &PhotonicsSettings,
    link: &LinkInputs,
    sampled: &[SampledLane],
    worst_margins: &[f64],
    linewidth_nm: f64,
    feedback_summary: &LoopSummary,
    forward_summary: &LoopSummary,
) -> LaneBudget {
    LaneBudget {
        design_margin_db: link.margin_db.0,
        misalignment_mean_db: sampled.iter().map(|s| s.misalignment_db).sum::<f64>()
            / sampled.len() as f64,
        misalignment_p99_db: quantile(
            &sampled.iter().map(|s| s.misalignment_db).collect::<Vec<_>>(),
            0.99,
        ),
        power_sigma_db: settings.power_sigma_db.0,
        channel_crosstalk_db: optics::pam4_crosstalk_penalty_db(
            2.0 * optics::lorentzian(settings.channel_spacing_nm.0, linewidth_nm),
        ),
        detuning_penalty_max_db: optics::detuning_penalty_db(
            feedback_summary.max_detuning_nm,
            linewidth_nm,
        ),
        detuning_penalty_max_ff_db: optics::detuning_penalty_db(
            forward_summary.max_detuning_nm,
            linewidth_nm,
        ),
        worst_margin_median_db: quantile(worst_margins, 0.5),
        worst_margin_p01_db: quantile(worst_margins, 0.01),
    }
}

#[cfg(test)]
mod tests;
