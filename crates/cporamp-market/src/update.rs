//! Importance reweighting of the prior samples by observed signals.

use super::*;

/// A sample's signal at a fractional year, interpolated linearly between years.
pub(crate) fn signal_at(record: &SampleRecord, signal: Signal, start_year: i32, year: f64) -> f64 {
    let series = record.signal(signal);
    let t = (year - f64::from(start_year)).clamp(0.0, (series.len() - 1) as f64);
    let i = (t.floor() as usize).min(series.len().saturating_sub(2));
    if series.len() < 2 {
        return series[0];
    }
    series[i] + (t - i as f64) * (series[i + 1] - series[i])
}

/// Normalised weights and the Kish effective sample size from log weights by the
/// log-sum-exp shift: with $e_i = e^{l_i - \max_j l_j}$, $S = \sum_i e_i$ and
/// $S_2 = \sum_i e_i^2$, $w_i = e_i / S$ and $\text{ESS} = S^2 / S_2$. Each $e_i$ lies in
/// \[0, 1\] with the largest 1, so $S$ and $S_2$ lie in \[1, n\]: the weights lie in
/// \[0, 1\] and the ESS in \[1, n\], never NaN or infinite. A non-finite log weight (a
/// residual whose square overflows) counts as weight 0; `None` if no log weight is finite.
/// One exponential per sample.
pub(crate) fn normalise(log_w: &[f64]) -> Option<(Vec<f64>, f64)> {
    let max = log_w.iter().copied().filter(|l| l.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return None;
    }
    let mut weights: Vec<f64> =
        log_w.iter().map(|&l| if l.is_finite() { (l - max).exp() } else { 0.0 }).collect();
    let sum: f64 = weights.iter().sum();
    let sum_sq: f64 = weights.iter().map(|e| e * e).sum();
    for w in &mut weights {
        *w /= sum;
    }
    Some((weights, sum * sum / sum_sq))
}

/// Updates the scenario probabilities with observations (importance weights on the samples,
/// in log space). The cost is one pass over the samples per observation: linear in the
/// number of observations, which is at most [`MAX_OBSERVATIONS`].
///
/// # Errors
/// [`MarketError`] for more than [`MAX_OBSERVATIONS`] observations, and naming the
/// observation whose year lies outside the horizon, whose value is not finite or outside
/// its [`Signal::range`], whose standard deviation is not finite or below
/// [`MIN_OBSERVATION_SD`], or that no sample can explain in f64 (every likelihood 0).
pub fn update(result: &MarketResult, observations: &[Observation]) -> Result<Update, MarketError> {
    let (Some(&start), Some(&end)) = (result.years.first(), result.years.last()) else {
        return Err(MarketError::Missing { name: "result.years".to_owned() });
    };
    if observations.len() > MAX_OBSERVATIONS {
        return Err(MarketError::invalid(
            "observations (count)",
            observations.len() as f64,
            &format!("at most {MAX_OBSERVATIONS} observations"),
        ));
    }
    for (o, obs) in observations.iter().enumerate() {
        if !(obs.year >= f64::from(start) && obs.year <= f64::from(end)) {
            return Err(MarketError::invalid(
                format!("observations[{o}].year"),
                obs.year,
                &format!("a year in [{start}, {end}]"),
            ));
        }
        let (low, high) = obs.signal.range();
        if !(obs.value.is_finite() && obs.value >= low && obs.value <= high) {
            return Err(MarketError::invalid(
                format!("observations[{o}].value"),
                obs.value,
                obs.signal.expected(),
            ));
        }
        if !(obs.sd.is_finite() && obs.sd >= MIN_OBSERVATION_SD) {
            return Err(MarketError::invalid(
                format!("observations[{o}].sd"),
                obs.sd,
                &format!("a finite standard deviation >= {MIN_OBSERVATION_SD:e}"),
            ));
        }
    }
    let n = result.records.len();
    let mut log_w = vec![0.0; n];
    let mut weights = vec![1.0 / n as f64; n];
    let mut ess = n as f64;
    let mut previous = probabilities(&result.records, &weights, ess);
    let mut attribution = Vec::with_capacity(observations.len());
    for (o, obs) in observations.iter().enumerate() {
        for (l, record) in log_w.iter_mut().zip(&result.records) {
            let r = (obs.value - signal_at(record, obs.signal, start, obs.year)) / obs.sd;
            *l -= 0.5 * r * r;
        }
        (weights, ess) = normalise(&log_w).ok_or_else(|| MarketError::Inconsistent {
            name: format!("observations[{o}]"),
            problem: "no sample has a likelihood above 0 in f64 with it and the earlier \
                      observations; check the value and sd"
                .to_owned(),
        })?;
        let now = probabilities(&result.records, &weights, ess);
        attribution.push(Attribution {
            observation: o,
            signal: obs.signal,
            year: obs.year,
            change: std::array::from_fn(|s| now[s].probability - previous[s].probability),
        });
        previous = now;
    }
    let inputs = MarketInput::ALL
        .into_iter()
        .map(|input| {
            let prior_mean = result.records.iter().map(|r| r.inputs[input]).sum::<f64>() / n as f64;
            let mean: f64 =
                result.records.iter().zip(&weights).map(|(r, w)| w * r.inputs[input]).sum();
            let variance: f64 = result
                .records
                .iter()
                .zip(&weights)
                .map(|(r, w)| w * (r.inputs[input] - mean).powi(2))
                .sum();
            InputPosterior { name: input.name().to_owned(), prior_mean, mean, sd: variance.sqrt() }
        })
        .collect();
    Ok(Update {
        probabilities: probabilities(&result.records, &weights, ess),
        reasons: reason_shares(&result.records, &weights),
        ess,
        ess_warning: ess < ESS_WARNING_FRACTION * n as f64,
        weights,
        attribution,
        inputs,
    })
}
