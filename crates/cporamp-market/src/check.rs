//! The market inputs' checks: every named error before any sample runs.

use super::*;

/// Checks everything; returns the index of each of [`INPUT_NAMES`] in `m.inputs` and the
/// main tier.
pub(crate) fn check(m: &MarketInputs) -> Result<([usize; 13], usize), MarketError> {
    if m.samples == 0 {
        return Err(MarketError::invalid("samples", 0.0, "at least 1 sample"));
    }
    let mut order = [usize::MAX; 13];
    for (i, input) in m.inputs.iter().enumerate() {
        let Some(slot) = INPUT_NAMES.iter().position(|&n| n == input.name) else {
            return Err(MarketError::Inconsistent {
                name: format!("inputs.{}", input.name),
                problem: format!("unknown input; expected one of {}", INPUT_NAMES.join(", ")),
            });
        };
        if order[slot] != usize::MAX {
            return Err(MarketError::Inconsistent {
                name: format!("inputs.{}", input.name),
                problem: "given twice".to_owned(),
            });
        }
        order[slot] = i;
        prior::check(&input.prior, &format!("inputs.{}", input.name))?;
    }
    if let Some(slot) = order.iter().position(|&i| i == usize::MAX) {
        return Err(MarketError::Missing { name: format!("inputs.{}", INPUT_NAMES[slot]) });
    }
    let a = &m.anchors;
    let positive = |name: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(MarketError::invalid(name, value, "a finite number > 0"))
        }
    };
    let non_negative = |name: &str, value: f64| {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(MarketError::invalid(name, value, "a finite number >= 0"))
        }
    };
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
    non_negative("anchors.pluggable_pj_per_bit", a.pluggable_pj_per_bit)?;
    non_negative("anchors.lpo_pj_per_bit", a.lpo_pj_per_bit)?;
    non_negative("anchors.cpo_pj_per_bit", a.cpo_pj_per_bit)?;
    positive("anchors.reference_units", a.reference_units)?;
    non_negative(
        "anchors.cpo_cooling.cold_plates_usd_per_gbps",
        a.cpo_cooling.cold_plates_usd_per_gbps,
    )?;
    non_negative(
        "anchors.cpo_cooling.infrastructure_usd_per_gbps",
        a.cpo_cooling.infrastructure_usd_per_gbps,
    )?;
    non_negative("anchors.laser_defects_at_reference", a.laser_defects_at_reference)?;
    positive("anchors.ports_per_switch", a.ports_per_switch)?;
    positive("anchors.port_gbps", a.port_gbps)?;
    if !(a.lpo_goodput_loss.is_finite() && a.lpo_goodput_loss.abs() <= 1.0) {
        return Err(MarketError::invalid(
            "anchors.lpo_goodput_loss",
            a.lpo_goodput_loss,
            "a goodput difference (fraction) in [-1, 1]",
        ));
    }
    for (i, point) in a.hot_end.iter().enumerate() {
        let name = format!("anchors.hot_end[{i}]");
        let ascending = i == 0 || point.inlet_c > a.hot_end[i - 1].inlet_c;
        if !(point.inlet_c.is_finite() && ascending) {
            return Err(MarketError::invalid(
                format!("{name}.inlet_c"),
                point.inlet_c,
                "finite and strictly ascending",
            ));
        }
        if !point.engine_temp_c.is_finite() {
            return Err(MarketError::invalid(
                format!("{name}.engine_temp_c"),
                point.engine_temp_c,
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
    if !a.engine_temp_margin_k.is_finite() {
        return Err(MarketError::invalid(
            "anchors.engine_temp_margin_k",
            a.engine_temp_margin_k,
            "a finite number",
        ));
    }
    a.cpo_yield_vs_defect_factor.check("anchors.cpo_yield_vs_defect_factor")?;
    a.goodput_loss_vs_laser_factor.check("anchors.goodput_loss_vs_laser_factor")?;
    if a.tiers.is_empty() {
        return Err(MarketError::Missing { name: "anchors.tiers".to_owned() });
    }
    for tier in &a.tiers {
        let name = format!("anchors.tiers.{}", tier.name);
        positive(&format!("{name}.ports_per_accelerator"), tier.ports_per_accelerator)?;
        if !(0.0..=1.0).contains(&tier.cpo_max_share) {
            return Err(MarketError::invalid(
                format!("{name}.cpo_max_share"),
                tier.cpo_max_share,
                "a share in [0, 1]",
            ));
        }
    }
    let Some(main) = a.tiers.iter().position(|t| t.name != "scale-up") else {
        return Err(MarketError::Missing {
            name: "anchors.tiers (a scale-out tier, named other than \"scale-up\")".to_owned(),
        });
    };
    for technology in TECHNOLOGIES {
        let name = format!("anchors.layer_split.{technology}");
        let found: Vec<_> = a.layer_split.iter().filter(|s| s.technology == technology).collect();
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
    if let Some(split) =
        a.layer_split.iter().find(|s| !TECHNOLOGIES.contains(&s.technology.as_str()))
    {
        return Err(MarketError::Inconsistent {
            name: format!("anchors.layer_split.{}", split.technology),
            problem: "unknown technology; expected pluggable, lpo or cpo".to_owned(),
        });
    }
    let c = &m.criteria;
    if !(c.yield_target > 0.0 && c.yield_target <= 1.0) {
        return Err(MarketError::invalid(
            "criteria.yield_target",
            c.yield_target,
            "a yield in (0, 1]",
        ));
    }
    if !(c.volume_share > 0.0 && c.volume_share <= 1.0) {
        return Err(MarketError::invalid(
            "criteria.volume_share",
            c.volume_share,
            "a share in (0, 1]",
        ));
    }
    if !c.goodput_parity.is_finite() {
        return Err(MarketError::invalid(
            "criteria.goodput_parity",
            c.goodput_parity,
            "a finite number",
        ));
    }
    if !c.engine_temp_limit_c.is_finite() {
        return Err(MarketError::invalid(
            "criteria.engine_temp_limit_c",
            c.engine_temp_limit_c,
            "a finite temperature",
        ));
    }
    if !(0.0..=1.0).contains(&c.unlockable_limit) {
        return Err(MarketError::invalid(
            "criteria.unlockable_limit",
            c.unlockable_limit,
            "a fraction in [0, 1]",
        ));
    }
    non_negative("criteria.flap_limit_per_lane_h", c.flap_limit_per_lane_h)?;
    if c.bear_after_year < c.bull_by_year {
        return Err(MarketError::invalid(
            "criteria.bear_after_year",
            f64::from(c.bear_after_year),
            "a year >= criteria.bull_by_year",
        ));
    }
    positive("seed_units", m.seed_units)?;
    if !(0.0..=1.0).contains(&m.pilot_share) {
        return Err(MarketError::invalid("pilot_share", m.pilot_share, "a share in [0, 1]"));
    }
    non_negative("surrogate_error_bound", m.surrogate_error_bound)?;
    for (name, error) in surrogate_errors(a) {
        if error > m.surrogate_error_bound {
            return Err(MarketError::invalid(
                format!("anchors.{name} (held-out error)"),
                error,
                "at most surrogate_error_bound: refine the surrogate's grid or raise the bound",
            ));
        }
    }
    Ok((order, main))
}

/// Each anchor surrogate's leave-one-out error, in its own unit.
pub(crate) fn surrogate_errors(a: &Anchors) -> [(&'static str, f64); 2] {
    [
        ("cpo_yield_vs_defect_factor", yield_held_out_error(&a.cpo_yield_vs_defect_factor)),
        ("goodput_loss_vs_laser_factor", a.goodput_loss_vs_laser_factor.held_out_error()),
    ]
}

/// Checks sampled values (in [`INPUT_NAMES`] order) against each input's range; `context`
/// says which draw (for the error).
pub(crate) fn check_values(values: &[f64], context: &str) -> Result<(), MarketError> {
    for (slot, (&value, &(low, high, inclusive))) in values.iter().zip(&INPUT_RANGES).enumerate() {
        let above = if inclusive { value >= low } else { value > low };
        if !(value.is_finite() && above && value < high) {
            let expected = format!(
                "a value {} {low}{}; choose a prior whose support stays inside",
                if inclusive { ">=" } else { ">" },
                if high.is_finite() { format!(" and < {high}") } else { String::new() }
            );
            return Err(MarketError::Invalid {
                name: format!("inputs.{} ({context})", INPUT_NAMES[slot]),
                value,
                expected,
            });
        }
    }
    Ok(())
}
