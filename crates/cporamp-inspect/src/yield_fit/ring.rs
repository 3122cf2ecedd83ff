//! Ring offsets: local, engine and wafer spread.
//!
//! The ring offset is $\mu + a_w + g_e + l_i$ (wafer, engine, ring). The record keeps the
//! first ring of each lane after the bus lock: wrapped by the FSR $F$ and, with wavelength
//! reassignment, rotated by a multiple of the channel spacing $\Delta$ common to the bus
//! (a run of $F/\Delta$ lanes). Differences within one bus are kept modulo $F$, so the
//! local variance $\sigma_l^2$ is identified: each bus's values are unwrapped to within
//! $F/2$ of their circular mean, and the restricted (REML) maximum likelihood of the
//! nested normal model with free bus means is the pooled within-bus variance
//! $\hat\sigma_l^2 = SS/\nu$, $\nu = \sum(n_b - 1)$, with the exact interval
//! $[SS/\chi^2_{\nu,0.975}, SS/\chi^2_{\nu,0.025}]$ (Wilson–Hilferty quantiles).
//! The engine and wafer terms are **not identified** with reassignment: the bus's rotation
//! moves every ring of an engine by an unknown multiple of $\Delta$, so an engine's common
//! offset is known only modulo $\Delta$, which is smaller than its spread. Without
//! reassignment (a bus is an engine, only wrapped by $F$) each engine's mean
//! $\bar y_e = \mu + a_w + g_e + \bar l_e$ is unwrapped to within $F/2$ of the engines'
//! circular mean (exact while the common spread stays well inside $F/2$), and the nested
//! normal model, $\bar y_{w} \sim N(\mu 1, D_w + \sigma_w^2 11^\top)$ with
//! $D_w = \mathrm{diag}(\sigma_g^2 + \hat\sigma_l^2/n_e)$ per wafer, is fitted by restricted
//! maximum likelihood ($\mu$ by generalised least squares, its $-\tfrac12\ln(1^\top
//! \Sigma^{-1}1)$ added), Newton's method in $(\ln\sigma_g, \ln\sigma_w)$, with
//! profile-likelihood intervals (on the coverage fixture's 60 wafers they hold the engine
//! sigma in 46 of 50 seeds; on 40 wafers they and Wald intervals held it in 44: the intervals
//! are asymptotic in the number of wafers); the engine test's selection on drift is neglected (none
//! when the heater reaches a whole FSR).

use super::Estimate;
use super::estimation::{chi2_quantile, maximise_2d, profile_interval};

/// The local ring-offset fit from `buses`, each the first-ring heater shifts (nm) of one bus
/// in lane order; `None` without two values in a bus.
#[must_use]
pub fn ring_local(buses: &[Vec<f64>], fsr_nm: f64) -> Option<(Estimate, u64)> {
    let mut ss = 0.0;
    let mut df = 0u64;
    for bus in buses.iter().filter(|b| b.len() >= 2) {
        let angle = |x: f64| x / fsr_nm * std::f64::consts::TAU;
        let (s, c) =
            bus.iter().fold((0.0, 0.0), |(s, c), &x| (s + angle(x).sin(), c + angle(x).cos()));
        let centre = s.atan2(c) / std::f64::consts::TAU * fsr_nm;
        let unwrapped: Vec<f64> = bus
            .iter()
            .map(|&x| centre + (x - centre - fsr_nm * ((x - centre) / fsr_nm).round()))
            .collect();
        let mean = unwrapped.iter().sum::<f64>() / unwrapped.len() as f64;
        ss += unwrapped.iter().map(|x| (x - mean).powi(2)).sum::<f64>();
        df += unwrapped.len() as u64 - 1;
    }
    if df == 0 {
        return None;
    }
    let nu = df as f64;
    Some((
        Estimate {
            value: (ss / nu).sqrt(),
            low: (ss / chi2_quantile(0.975, nu)).sqrt(),
            high: (ss / chi2_quantile(0.025, nu)).sqrt(),
        },
        df,
    ))
}

/// A bus's values unwrapped to within $F/2$ of their circular mean.
fn unwrapped(values: &[f64], fsr_nm: f64) -> Vec<f64> {
    let angle = |x: f64| x / fsr_nm * std::f64::consts::TAU;
    let (s, c) =
        values.iter().fold((0.0, 0.0), |(s, c), &x| (s + angle(x).sin(), c + angle(x).cos()));
    let centre = s.atan2(c) / std::f64::consts::TAU * fsr_nm;
    values
        .iter()
        .map(|&x| centre + (x - centre - fsr_nm * ((x - centre) / fsr_nm).round()))
        .collect()
}

/// The engine- and wafer-common ring-offset sigmas without reassignment (module docs), from
/// each engine's ring shifts (`buses`, one per engine) and PIC wafer, given the local
/// variance: engine means unwrapped around their circular mean, the nested normal model's
/// restricted likelihood maximised over $(\ln\sigma_g, \ln\sigma_w)$ by Newton's method,
/// profile-likelihood intervals. `None` with fewer than 3 wafers.
#[must_use]
pub fn ring_common(
    buses: &[Vec<f64>],
    wafers: &[Option<u64>],
    local_var_nm2: f64,
    fsr_nm: f64,
    start: (f64, f64),
) -> Option<(Estimate, Estimate, usize)> {
    let means: Vec<(u64, f64, f64)> = buses
        .iter()
        .zip(wafers)
        .filter_map(|(bus, wafer)| {
            let values = unwrapped(bus, fsr_nm);
            (!values.is_empty()).then(|| {
                let n = values.len() as f64;
                (wafer.unwrap_or(0), values.iter().sum::<f64>() / n, n)
            })
        })
        .collect();
    let centred = unwrapped(&means.iter().map(|m| m.1).collect::<Vec<_>>(), fsr_nm);
    let mut by_wafer: std::collections::BTreeMap<u64, Vec<(f64, f64)>> =
        std::collections::BTreeMap::new();
    for (m, y) in means.iter().zip(centred) {
        by_wafer.entry(m.0).or_default().push((y, m.2));
    }
    if by_wafer.len() < 3 {
        return None;
    }
    let groups: Vec<Vec<(f64, f64)>> = by_wafer.into_values().collect();
    let f = |x: [f64; 2]| {
        let (vg, vw) = ((2.0 * x[0]).exp(), (2.0 * x[1]).exp());
        // Per wafer: Sigma = diag(v_i) + vw 1 1'; mu by generalised least squares.
        let mut parts = Vec::with_capacity(groups.len());
        let (mut top, mut bottom) = (0.0, 0.0);
        for group in &groups {
            let (mut s1, mut sy, mut ln_v) = (0.0, 0.0, 0.0);
            for &(y, n) in group {
                let v = vg + local_var_nm2 / n;
                s1 += 1.0 / v;
                sy += y / v;
                ln_v += v.ln();
            }
            let scale = 1.0 + vw * s1;
            top += sy / scale;
            bottom += s1 / scale;
            parts.push((s1, scale, ln_v));
        }
        let mu = top / bottom;
        let mut ll = -0.5 * bottom.ln();
        for (group, &(_, scale, ln_v)) in groups.iter().zip(&parts) {
            let (mut quad, mut sr) = (0.0, 0.0);
            for &(y, n) in group {
                let v = vg + local_var_nm2 / n;
                quad += (y - mu) * (y - mu) / v;
                sr += (y - mu) / v;
            }
            ll -= 0.5 * (ln_v + scale.ln() + quad - vw * sr * sr / scale);
        }
        ll
    };
    let (best, _) = maximise_2d(&f, [start.0.max(1e-3).ln(), start.1.max(1e-3).ln()]);
    let peak = f(best);
    Some((profile_interval(&f, best, peak, 0), profile_interval(&f, best, peak, 1), groups.len()))
}
