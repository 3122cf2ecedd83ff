//! The market inputs' checks: every named error before any sample runs.

use super::*;

/// Checks everything; returns the main tier.
pub(crate) fn check(m: &MarketInputs) -> Result<usize, MarketError> {
    if m.samples == 0 {
        return Err(MarketError::invalid("samples", 0.0, "at least 1 sample"));
    }
    check_settings(m)?;
    let a = &m.anchors;
    check_anchor_scalars(a)?;
    check_hot_end(a)?;
    check_yield_surface(&a.cpo_yield)?;
    check_goodput_surrogates(a)?;
    let main = main_tier(a)?;
    check_layer_split(a)?;
    if !m.engine_temp_limit_c.0.is_finite() {
        return Err(MarketError::invalid(
            "engine_temp_limit_c",
            m.engine_temp_limit_c.0,
            "a finite temperature",
        ));
    }
    check_run_settings(m)?;
    Ok(main)
}

/// `name` must be a finite number > 0.
fn positive(name: &str, value: f64) -> Result<(), MarketError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(MarketError::invalid(name, value, "a finite number > 0"))
    }
}

/// `name` must be a finite number >= 0.
fn non_negative(name: &str, value: f64) -> Result<(), MarketError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(MarketError::invalid(name, value, "a finite number >= 0"))
    }
}

/// `name` must be a yield in [0, 1].
fn yield_in_range(name: &str, value: f64) -> Result<(), MarketError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(MarketError::invalid(name, value, "a yield in [0, 1]"))
    }
}

/// The priors, the criteria and the tiers, by `[market]`'s own checks (one place for their
/// ranges).
fn check_settings(m: &MarketInputs) -> Result<(), MarketError> {
    let mut checker = cporamp_core::check::Checker::default();
    settings::check_priors(&mut checker, &m.priors);
    settings::check_criteria(&mut checker, &m.criteria);
    settings::check_tiers(&mut checker, &m.anchors.tiers);
    if checker.diagnostics.is_empty() {
        Ok(())
    } else {
        Err(MarketError::Settings { problems: checker.diagnostics })
    }
}

/// The anchors' years, prices, energies, reference units, cooling, ports and goodput losses.
fn check_anchor_scalars(a: &Anchors) -> Result<(), MarketError> {
    if a.end_year < a.start_year {
        return Err(MarketError::invalid(
            "anchors.end_year",
            f64::from(a.end_year),
            "a year >= anchors.start_year",
        ));
    }
    positive("anchors.pluggable_usd_per_gbps", a.pluggable_usd_per_gbps)?;
    positive("anchors.lpo_usd_per_gbps", a.lpo_usd_per_gbps)?;
    positive("anchors.cpo_usd_per_gbps_at_reference", a.cpo_usd_per_gbps_at_reference)?;
    non_negative("anchors.els_usd_per_gbps", a.els_usd_per_gbps)?;
    if a.els_usd_per_gbps > a.cpo_usd_per_gbps_at_reference {
        return Err(MarketError::invalid(
            "anchors.els_usd_per_gbps",
            a.els_usd_per_gbps,
            "at most anchors.cpo_usd_per_gbps_at_reference (it is part of it)",
        ));
    }
    non_negative("anchors.pluggable_pj_per_bit", a.pluggable_pj_per_bit.0)?;
    non_negative("anchors.lpo_pj_per_bit", a.lpo_pj_per_bit.0)?;
    non_negative("anchors.cpo_pj_per_bit", a.cpo_pj_per_bit.0)?;
    positive("anchors.reference_units", a.reference_units)?;
    non_negative(
        "anchors.cpo_yield.laser_defects_at_reference",
        a.cpo_yield.laser_defects_at_reference,
    )?;
    non_negative(
        "anchors.cpo_cooling.cold_plates_usd_per_gbps",
        a.cpo_cooling.cold_plates_usd_per_gbps,
    )?;
    non_negative(
        "anchors.cpo_cooling.infrastructure_usd_per_gbps",
        a.cpo_cooling.infrastructure_usd_per_gbps,
    )?;
    positive("anchors.ports_per_switch", a.ports_per_switch)?;
    positive("anchors.port_gbps", a.port_gbps.0)?;
    if !(0.0..=1.0).contains(&a.pluggable_network_goodput_loss) {
        return Err(MarketError::invalid(
            "anchors.pluggable_network_goodput_loss",
            a.pluggable_network_goodput_loss,
            "a goodput loss (fraction) in [0, 1]",
        ));
    }
    if !(a.lpo_goodput_loss.is_finite() && a.lpo_goodput_loss.abs() <= 1.0) {
        return Err(MarketError::invalid(
            "anchors.lpo_goodput_loss",
            a.lpo_goodput_loss,
            "a goodput difference (fraction) in [-1, 1]",
        ));
    }
    Ok(())
}

/// `anchors.hot_end`: ascending inlets, finite temperatures, fractions; and the margin.
fn check_hot_end(a: &Anchors) -> Result<(), MarketError> {
    for (i, point) in a.hot_end.iter().enumerate() {
        let name = format!("anchors.hot_end[{i}]");
        let ascending = i == 0 || point.inlet_c.0 > a.hot_end[i - 1].inlet_c.0;
        if !(point.inlet_c.0.is_finite() && ascending) {
            return Err(MarketError::invalid(
                format!("{name}.inlet_c"),
                point.inlet_c.0,
                "finite and strictly ascending",
            ));
        }
        if !point.engine_temp_c.0.is_finite() {
            return Err(MarketError::invalid(
                format!("{name}.engine_temp_c"),
                point.engine_temp_c.0,
                "a finite temperature",
            ));
        }
        if !(0.0..=1.0).contains(&point.unlockable_fraction) {
            return Err(MarketError::invalid(
                format!("{name}.unlockable_fraction"),
                point.unlockable_fraction,
                "a fraction in [0, 1]",
            ));
        }
        non_negative(&format!("{name}.flaps_per_lane_h"), point.flaps_per_lane_h)?;
    }
    if !a.engine_temp_margin_k.0.is_finite() {
        return Err(MarketError::invalid(
            "anchors.engine_temp_margin_k",
            a.engine_temp_margin_k.0,
            "a finite number",
        ));
    }
    Ok(())
}

/// `anchors.cpo_yield`: the attach line, variance ratios, reference yield, lines and
/// held-out runs.
fn check_yield_surface(surface: &YieldSurface) -> Result<(), MarketError> {
    surface.attach.check("anchors.cpo_yield.attach")?;
    non_negative("anchors.cpo_yield.fiber_variance_ratio", surface.fiber_variance_ratio)?;
    non_negative("anchors.cpo_yield.warpage_variance_ratio", surface.warpage_variance_ratio)?;
    if !(surface.reference_yield > 0.0 && surface.reference_yield <= 1.0) {
        return Err(MarketError::invalid(
            "anchors.cpo_yield.reference_yield",
            surface.reference_yield,
            "a yield in (0, 1]: the lines are taken relative to it",
        ));
    }
    for (path, _, line) in surface.lines() {
        line.check(&format!("anchors.{path}"))?;
    }
    for (i, point) in surface.held_out.iter().enumerate() {
        let name = format!("anchors.cpo_yield.held_out[{i}]");
        for (factor, value) in point.factors.named() {
            positive(&format!("{name}.factors.{factor}"), value)?;
        }
        yield_in_range(&format!("{name}.package_yield"), point.package_yield)?;
        non_negative(&format!("{name}.se"), point.se)?;
    }
    Ok(())
}

/// The goodput surrogates and their held-out run.
fn check_goodput_surrogates(a: &Anchors) -> Result<(), MarketError> {
    a.goodput_loss_vs_laser_factor.check("anchors.goodput_loss_vs_laser_factor")?;
    a.goodput_loss_vs_engine_factor.check("anchors.goodput_loss_vs_engine_factor")?;
    let held_out = &a.goodput_held_out;
    non_negative("anchors.goodput_held_out.laser_factor", held_out.laser_factor)?;
    non_negative("anchors.goodput_held_out.engine_factor", held_out.engine_factor)?;
    if !(held_out.goodput_loss.is_finite() && held_out.goodput_loss.abs() <= 1.0) {
        return Err(MarketError::invalid(
            "anchors.goodput_held_out.goodput_loss",
            held_out.goodput_loss,
            "a goodput difference (fraction) in [-1, 1]",
        ));
    }
    non_negative("anchors.goodput_held_out.se", held_out.se)?;
    Ok(())
}

/// `anchors.tiers` (in range by [`check_settings`]): returns the main (scale-out) tier.
fn main_tier(a: &Anchors) -> Result<usize, MarketError> {
    a.tiers.iter().position(|t| t.name != "scale-up").ok_or_else(|| MarketError::Missing {
        name: "anchors.tiers (a scale-out tier, named other than \"scale-up\")".to_owned(),
    })
}

/// `anchors.layer_split`: one valid split per technology family.
fn check_layer_split(a: &Anchors) -> Result<(), MarketError> {
    for family in Family::ALL {
        let name = format!("anchors.layer_split.{family}");
        let found: Vec<_> = a.layer_split.iter().filter(|s| s.technology == family).collect();
        match found.as_slice() {
            [] => return Err(MarketError::Missing { name }),
            [split] => {
                let sum: f64 = split.fractions.iter().sum();
                if split.fractions.iter().any(|f| !(0.0..=1.0).contains(f))
                    || (sum - 1.0).abs() > 1e-6
                {
                    return Err(MarketError::invalid(
                        format!("{name}.fractions"),
                        sum,
                        "fractions in [0, 1] summing to 1 (value shown: their sum)",
                    ));
                }
            }
            _ => {
                return Err(MarketError::Inconsistent { name, problem: "given twice".to_owned() });
            }
        }
    }
    Ok(())
}

/// The run's settings: seed units, pilot share and the surrogates' error bound, which every
/// anchor surrogate's held-out error must meet.
fn check_run_settings(m: &MarketInputs) -> Result<(), MarketError> {
    positive("seed_units", m.seed_units)?;
    if !(0.0..=1.0).contains(&m.pilot_share) {
        return Err(MarketError::invalid("pilot_share", m.pilot_share, "a share in [0, 1]"));
    }
    non_negative("surrogate_error_bound", m.surrogate_error_bound)?;
    for (name, _, error) in surrogate_errors(&m.anchors) {
        if error > m.surrogate_error_bound {
            return Err(MarketError::invalid(
                format!("anchors.{name} (held-out error)"),
                error,
                "at most surrogate_error_bound: refine the surrogate's grid or raise the bound",
            ));
        }
    }
    Ok(())
}

/// Each anchor surrogate's held-out error, in its own unit, with the surrogate's path in the
/// anchors and what people call it: the leave-one-out error of every line, and the error of
/// the yield surface and of the goodput surrogates' sum on their held-out engine runs beyond
/// those runs' Monte Carlo noise.
pub(crate) fn surrogate_errors(a: &Anchors) -> Vec<(&'static str, &'static str, f64)> {
    let surface = &a.cpo_yield;
    let attach = "CPO yield against attach spread and defect level";
    let mut errors = vec![("cpo_yield.attach", attach, yield_held_out_error(&surface.attach))];
    errors.extend(
        surface.lines().map(|(path, label, line)| (path, label, yield_held_out_error(line))),
    );
    let surface_label = "CPO yield surface on held-out engine runs";
    errors.push(("cpo_yield (held-out runs)", surface_label, surface.held_out_error()));
    errors.push((
        "goodput_loss_vs_laser_factor",
        "goodput loss against laser failure rate",
        a.goodput_loss_vs_laser_factor.held_out_error(),
    ));
    errors.push((
        "goodput_loss_vs_engine_factor",
        "goodput loss against engine port failure rate",
        a.goodput_loss_vs_engine_factor.held_out_error(),
    ));
    let point = &a.goodput_held_out;
    let difference = (point.goodput_loss
        - model::goodput_loss(a, point.laser_factor, point.engine_factor))
    .abs();
    let goodput_error = (difference - HELD_OUT_NOISE_SE * point.se).max(0.0);
    errors.push(("goodput (held-out run)", "goodput loss on a held-out fleet run", goodput_error));
    errors
}

/// Checks sampled values against each input's range; `context` says which draw (for the
/// error).
pub(crate) fn check_values(values: &model::Params, context: &str) -> Result<(), MarketError> {
    for (input, &value) in values.iter() {
        let SampleRange { low, high, low_inclusive: inclusive } = input.range();
        let above = if inclusive { value >= low } else { value > low };
        if !(value.is_finite() && above && value < high) {
            let expected = format!(
                "a value {} {low}{}; choose a prior whose support stays inside",
                if inclusive { ">=" } else { ">" },
                if high.is_finite() { format!(" and < {high}") } else { String::new() }
            );
            return Err(MarketError::Invalid {
                name: format!("inputs.{input} ({context})"),
                value,
                expected,
            });
        }
    }
    Ok(())
}
