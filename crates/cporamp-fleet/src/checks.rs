//! Checks of the inputs before anything is built: ranges of every rate, probability and time,
//! buildable fabrics, and the job's interruptions within [`crate::MAX_JOB_INTERRUPTIONS`].

use crate::inputs::{
    Component, FleetInputError, FleetInputs, JobInputs, PortKind, PortTechnology, Repair, Spares,
    TierInputs,
};
use crate::{MAX_JOB_INTERRUPTIONS, max_gpus};

fn out_of_range(name: &str, value: f64, expected: &'static str) -> FleetInputError {
    FleetInputError::OutOfRange { name: name.to_string(), value, expected }
}

fn check_probability(name: &str, value: f64) -> Result<(), FleetInputError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(out_of_range(name, value, "a probability in [0, 1]"))
    }
}

fn check_non_negative(name: &str, value: f64) -> Result<(), FleetInputError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(out_of_range(name, value, "a finite value >= 0"))
    }
}

fn check_component(name: &str, component: &Component) -> Result<(), FleetInputError> {
    check_non_negative(&format!("{name}.random_fit"), component.random_fit.0)?;
    let shape = component.weibull_shape;
    if !(shape.is_finite() && shape > 0.0) {
        return Err(FleetInputError::BadWeibullShape {
            name: format!("{name}.weibull_shape"),
            value: shape,
        });
    }
    if component.weibull_scale_h.0.is_nan() || component.weibull_scale_h.0 <= 0.0 {
        return Err(out_of_range(
            &format!("{name}.weibull_scale_h"),
            component.weibull_scale_h.0,
            "a characteristic life > 0 h (inf: no wear-out)",
        ));
    }
    check_non_negative(&format!("{name}.activation_energy_ev"), component.activation_energy_ev)?;
    let random_ref = component.random_fit_ref_temp_c.map(|temp| temp.0);
    for (field, value) in [
        ("ref_temp_c", Some(component.ref_temp_c.0)),
        ("temp_c", Some(component.temp_c.0)),
        ("random_fit_ref_temp_c", random_ref),
    ] {
        let Some(value) = value else { continue };
        if !(value.is_finite() && value > -273.15) {
            return Err(out_of_range(
                &format!("{name}.{field}"),
                value,
                "a temperature above absolute zero, °C",
            ));
        }
    }
    if !(component.infant_mean_h.0.is_finite() && component.infant_mean_h.0 > 0.0) {
        return Err(out_of_range(
            &format!("{name}.infant_mean_h"),
            component.infant_mean_h.0,
            "a finite mean > 0 h",
        ));
    }
    Ok(())
}

fn check_repair(name: &str, repair: &Repair) -> Result<(), FleetInputError> {
    let (field, value_h) = match *repair {
        Repair::LogNormal { median_h, sigma } => {
            if !(sigma.is_finite() && sigma >= 0.0) {
                return Err(out_of_range(&format!("{name}.sigma"), sigma, "a log spread >= 0"));
            }
            ("median_h", median_h.0)
        }
        Repair::Exponential { mean_h } => ("mean_h", mean_h.0),
    };
    if value_h.is_finite() && value_h >= 0.0 {
        Ok(())
    } else {
        Err(FleetInputError::NegativeRepairTime { name: format!("{name}.{field}"), value_h })
    }
}

fn check_spares(name: &str, spares: &Spares) -> Result<(), FleetInputError> {
    let lead = spares.reorder_lead_h.0;
    if !(lead.is_finite() && lead >= 0.0) {
        return Err(out_of_range(&format!("{name}.reorder_lead_h"), lead, "a lead time >= 0 h"));
    }
    if spares.initial_units == 0 && lead <= 0.0 {
        return Err(FleetInputError::NoSpares { name: name.to_string() });
    }
    Ok(())
}

/// Checks every input of `inputs` (what [`crate::simulate`] checks before it runs).
///
/// # Errors
/// [`FleetInputError`] naming the first input out of range.
pub fn check(inputs: &FleetInputs) -> Result<(), FleetInputError> {
    check_scale(inputs)?;
    check_job_size(inputs)?;
    if inputs.technicians == 0 {
        return Err(out_of_range("technicians", 0.0, "at least 1"));
    }
    check_interruptions(inputs)?;
    check_checkpoints(&inputs.job)?;
    check_component("nic.port", &inputs.nic.port)?;
    check_repair("nic.repair", &inputs.nic.repair)?;
    check_probability("nic.infant_probability", inputs.nic.infant_probability)?;
    check_spares("nic.spares", &inputs.nic.spares)?;
    check_non_negative("switch.hardware_fit", inputs.switch.hardware_fit.0)?;
    check_repair("switch.replace", &inputs.switch.replace)?;
    for (index, tier) in inputs.tiers.iter().enumerate() {
        check_tier(index, tier)?;
    }
    Ok(())
}

/// The run and the fabric: replications, years, GPUs, radix and tiers, and that the topology
/// can be built.
fn check_scale(inputs: &FleetInputs) -> Result<(), FleetInputError> {
    if inputs.replications < 2 {
        return Err(out_of_range(
            "replications",
            inputs.replications as f64,
            "at least 2 (for standard errors)",
        ));
    }
    if !(inputs.years.0.is_finite() && inputs.years.0 > 0.0) {
        return Err(out_of_range("years", inputs.years.0, "a finite time > 0 years"));
    }
    if inputs.gpus == 0 {
        return Err(out_of_range("gpus", 0.0, "at least 1"));
    }
    if inputs.radix < 2 || inputs.radix % 2 == 1 {
        return Err(out_of_range("radix", inputs.radix as f64, "an even number of ports >= 2"));
    }
    let tiers = inputs.tiers.len();
    if !(2..=3).contains(&tiers) {
        return Err(out_of_range("tiers", tiers as f64, "2 or 3 tiers"));
    }
    let most = max_gpus(inputs.radix, tiers);
    if inputs.gpus > most {
        return Err(FleetInputError::TopologyNotBuildable {
            gpus: inputs.gpus,
            radix: inputs.radix,
            tiers,
            max_gpus: most,
        });
    }
    Ok(())
}

/// The job's size: at least one GPU, at most the fleet's.
fn check_job_size(inputs: &FleetInputs) -> Result<(), FleetInputError> {
    if inputs.job.settings.gpus == 0 {
        return Err(out_of_range("job.gpus", 0.0, "at least 1"));
    }
    if inputs.job.settings.gpus > inputs.gpus {
        return Err(FleetInputError::JobTooLarge {
            job_gpus: inputs.job.settings.gpus,
            gpus: inputs.gpus,
        });
    }
    Ok(())
}

/// The interruption rates, and the job's expected interruptions over the horizon within
/// [`MAX_JOB_INTERRUPTIONS`].
fn check_interruptions(inputs: &FleetInputs) -> Result<(), FleetInputError> {
    check_non_negative("gpu_interruptions_per_gpu_h", inputs.gpu_interruptions_per_gpu_h)?;
    check_non_negative("job.flaps_per_link_h", inputs.job.flaps_per_link_h)?;
    let horizon_h = inputs.years.to_hours().0;
    let per_gpu_h = inputs.gpu_interruptions_per_gpu_h + inputs.job.flaps_per_link_h;
    let expected = per_gpu_h * inputs.job.settings.gpus as f64 * horizon_h;
    if expected > MAX_JOB_INTERRUPTIONS {
        return Err(FleetInputError::TooManyInterruptions {
            expected,
            gpu_per_gpu_h: inputs.gpu_interruptions_per_gpu_h,
            flaps_per_link_h: inputs.job.flaps_per_link_h,
            job_gpus: inputs.job.settings.gpus,
            horizon_h,
        });
    }
    Ok(())
}

/// The job's checkpoint interval and its checkpoint and restart costs.
fn check_checkpoints(job: &JobInputs) -> Result<(), FleetInputError> {
    if !(job.settings.checkpoint_interval_h.0.is_finite()
        && job.settings.checkpoint_interval_h.0 > 0.0)
    {
        return Err(out_of_range(
            "job.checkpoint_interval_h",
            job.settings.checkpoint_interval_h.0,
            "a finite interval > 0 h",
        ));
    }
    for (name, value) in [
        ("job.checkpoint_cost_h", job.settings.checkpoint_cost_h.0),
        ("job.restart_cost_h", job.settings.restart_cost_h.0),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(out_of_range(name, value, "a finite time >= 0 h"));
        }
    }
    Ok(())
}

/// `tiers[index]`: its switch spares, its technology's components and infant probability,
/// its port kind, and the port repair and spares where port units are swapped.
fn check_tier(index: usize, tier: &TierInputs) -> Result<(), FleetInputError> {
    let name = format!("tiers[{index}]");
    let technology = &tier.technology;
    check_spares(&format!("{name}.switch_spares"), &tier.switch_spares)?;
    check_component(&format!("{name}.technology.port"), &technology.port)?;
    if let Some(laser) = &technology.laser {
        check_component(&format!("{name}.technology.laser"), laser)?;
    }
    check_probability(
        &format!("{name}.technology.infant_probability"),
        technology.infant_probability,
    )?;
    let swaps_port_units = check_port_kind(&name, technology)?;
    if swaps_port_units {
        check_repair(&format!("{name}.technology.port_repair"), &technology.port_repair)?;
        check_spares(&format!("{name}.technology.spares"), &technology.spares)?;
    }
    Ok(())
}

/// `{name}.technology.kind`: the co-packaged kinds' replacement threshold and ELS counts.
/// Returns whether the kind swaps port units (modules or ELS), so needs their repair and spares.
fn check_port_kind(name: &str, technology: &PortTechnology) -> Result<bool, FleetInputError> {
    match technology.kind {
        PortKind::Module => Ok(true),
        PortKind::CoPackaged { replace_after_failed_ports } => {
            if replace_after_failed_ports == 0 {
                return Err(out_of_range(
                    &format!("{name}.technology.kind.replace_after_failed_ports"),
                    0.0,
                    "at least 1 failed port",
                ));
            }
            Ok(false)
        }
        PortKind::CoPackagedEls {
            ports_per_els,
            lasers_per_els,
            lasers_needed,
            replace_after_failed_ports,
            weak_laser_probability,
            ..
        } => {
            let kind = format!("{name}.technology.kind");
            check_probability(&format!("{kind}.weak_laser_probability"), weak_laser_probability)?;
            if replace_after_failed_ports == 0 {
                return Err(out_of_range(
                    &format!("{kind}.replace_after_failed_ports"),
                    0.0,
                    "at least 1 failed port",
                ));
            }
            if ports_per_els == 0 {
                return Err(out_of_range(&format!("{kind}.ports_per_els"), 0.0, "at least 1"));
            }
            if lasers_per_els == 0 || lasers_per_els > usize::from(u16::MAX) {
                return Err(out_of_range(
                    &format!("{kind}.lasers_per_els"),
                    lasers_per_els as f64,
                    "1 to 65535 lasers",
                ));
            }
            if lasers_needed == 0 || lasers_needed > lasers_per_els {
                return Err(out_of_range(
                    &format!("{kind}.lasers_needed"),
                    lasers_needed as f64,
                    "1 to lasers_per_els",
                ));
            }
            if technology.laser.is_none() {
                return Err(out_of_range(
                    &format!("{name}.technology.laser"),
                    f64::NAN,
                    "an ELS laser component for CoPackagedEls",
                ));
            }
            Ok(true)
        }
    }
}
