//! The checks that relate fields to each other (see the [module docs](super)): lanes of
//! lasers, engines and spares, the heater's reach, the photonics loop's timing, the fleet's
//! fabric and interruptions, the market's priors against their inputs' ranges.

use super::super::{LaserPlacement, Scenario, Technology, TechnologyKind};
use super::engine_lanes;
use cporamp_core::error::{Diagnostic, DiagnosticKind};
use cporamp_core::market_input::SampleRange;
use cporamp_core::units::HOURS_PER_YEAR;
use cporamp_fleet::{MAX_JOB_INTERRUPTIONS, max_gpus};

/// Standard deviations between an unbounded prior's centre and a bound of its input's range:
/// the market engine refuses a sample outside the range, and a normal tail beyond 6 sd is
/// drawn with probability 1e-9 per sample.
const PRIOR_TAIL_SDS: f64 = 6.0;

/// Terms of the predictor the photonics engine fits per telemetry tap: one per channel
/// (sensor temperature and ASIC power); plus a constant and two autoregressive terms. The fit
/// needs at least twice as many samples per workload period as terms.
const PREDICTOR_CHANNELS: f64 = 2.0;
const PREDICTOR_FIXED_TERMS: f64 = 3.0;

fn invalid(path: &str, value: impl std::fmt::Display, expected: String) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        location: None,
        kind: DiagnosticKind::Invalid { value: value.to_string(), expected },
    }
}

/// The checks that relate fields to each other, on a scenario whose fields are each in range.
pub(crate) fn dependent(scenario: &Scenario) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    engines(scenario, &mut problems);
    lasers(scenario, &mut problems);
    spares(scenario, &mut problems);
    heater(scenario, &mut problems);
    photonics_timing(scenario, &mut problems);
    fleet(scenario, &mut problems);
    market(scenario, &mut problems);
    problems
}

/// An optical engine carries a whole number of lanes (at least one) at every generation, and a
/// co-packaged technology the fleet or the market uses needs rings (its latent defects and
/// yield come from the yield engine, which models the rings).
fn engines(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    for technology in &scenario.technologies {
        let Some(package) = &technology.package else { continue };
        for generation in &scenario.generations {
            let lanes = package.engine_capacity.0 / generation.lane_rate.0;
            if (lanes - lanes.round()).abs() > 1e-9 || lanes.round() < 1.0 {
                problems.push(invalid(
                    &format!("technology.{}.package.engine_capacity_gbps", quoted(&technology.id)),
                    package.engine_capacity.0,
                    format!(
                        "a whole number (at least 1) of {} Gb/s lanes of {} ({lanes} lanes)",
                        generation.lane_rate.0, generation.id
                    ),
                ));
                break;
            }
        }
    }
    let fleet = &scenario.fleet;
    let uses: Vec<(String, Option<&Technology>)> = fleet
        .technologies
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("fleet.technologies[{i}]"), scenario.technology(id)))
        .chain(
            fleet
                .mixed_tiers
                .iter()
                .enumerate()
                .map(|(i, id)| (format!("fleet.mixed_tiers[{i}]"), scenario.technology(id))),
        )
        .chain(std::iter::once((
            "market.cpo_technology".to_string(),
            scenario.technology(&scenario.market.cpo_technology),
        )))
        .collect();
    for (path, technology) in uses {
        let Some(technology) = technology else { continue };
        if technology.kind == TechnologyKind::CoPackaged && technology.rings.is_none() {
            problems.push(invalid(
                &path,
                format!("\"{}\"", technology.id),
                format!(
                    "a co-packaged technology with rings ([technology.{}.rings]): its yield and \
                     latent defects come from the yield engine, which models the rings",
                    quoted(&technology.id)
                ),
            ));
        }
    }
}

/// A laser feeds lanes of one module (pluggable) or one engine (co-packaged).
fn lasers(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    for technology in &scenario.technologies {
        let Some(optics) = technology.optics() else { continue };
        // The comparison extrapolates the efficiency to the laser's temperature (its TEC
        // set point, else its ambient) and refuses one above 1.
        let laser = optics.laser;
        let temp_c = laser.tec.as_ref().map_or(laser.ambient_temp.0, |tec| tec.setpoint.0);
        let efficiency = laser.wall_plug_efficiency
            * (-(temp_c - laser.wpe_reference_temp.0) / laser.wpe_temp_scale.0).exp();
        if !(efficiency > 0.0 && efficiency <= 1.0) {
            problems.push(invalid(
                &format!("technology.{}.laser.wall_plug_efficiency", quoted(&technology.id)),
                laser.wall_plug_efficiency,
                format!(
                    "an efficiency that stays in (0, 1] at the laser's {temp_c} °C: \
                     wall_plug_efficiency x exp(-(T - wpe_reference_temp_c) / wpe_temp_scale_k) \
                     = {efficiency:.4}"
                ),
            ));
        }
        let lanes_per_laser = optics.laser.lanes_per_laser;
        let path = format!("technology.{}.laser.lanes_per_laser", quoted(&technology.id));
        for generation in &scenario.generations {
            let (lanes, what) = match (optics.laser.placement, &technology.package) {
                (LaserPlacement::Module, _) => (generation.lanes_per_port, "module"),
                (_, Some(package)) => (
                    engine_lanes(package.engine_capacity.0, generation.lane_rate.0),
                    "optical engine",
                ),
                (_, None) => continue,
            };
            if lanes_per_laser > lanes {
                problems.push(invalid(
                    &path,
                    lanes_per_laser,
                    format!(
                        "at most the {lanes} lanes of one {what} at {} (a laser feeds lanes of \
                         its own {what}; {lanes_per_laser} would give {:.3} lasers per {what})",
                        generation.id,
                        f64::from(lanes) / f64::from(lanes_per_laser)
                    ),
                ));
                break;
            }
        }
    }
}

/// Spare lanes against the engines' lanes, spare ELS lasers against the module's lasers.
fn spares(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let settings = &scenario.yield_settings;
    let mut fewest: Option<(u32, String)> = None;
    for technology in &scenario.technologies {
        let Some(package) = &technology.package else { continue };
        for generation in &scenario.generations {
            let lanes = engine_lanes(package.engine_capacity.0, generation.lane_rate.0);
            if fewest.as_ref().is_none_or(|(least, _)| lanes < *least) {
                fewest = Some((lanes, format!("{} at {}", technology.id, generation.id)));
            }
        }
    }
    if let Some((lanes, which)) = fewest
        && settings.spare_lanes_per_engine > lanes as usize
    {
        problems.push(invalid(
            "yield.spare_lanes_per_engine",
            settings.spare_lanes_per_engine,
            format!("at most the {lanes} data lanes of an optical engine ({which})"),
        ));
    }
    for technology in &scenario.technologies {
        let Some(els) = technology.laser.as_ref().and_then(|laser| laser.els.as_ref()) else {
            continue;
        };
        if settings.els_spare_lasers > els.lasers_per_module as usize {
            problems.push(invalid(
                "yield.els_spare_lasers",
                settings.els_spare_lasers,
                format!(
                    "at most the {} lasers of an ELS module of {} (technology.{}.laser.els.\
                     lasers_per_module): the spares are k-of-n redundancy, n = lasers + spares",
                    els.lasers_per_module,
                    technology.id,
                    quoted(&technology.id)
                ),
            ));
        }
    }
}

/// The heater must reach the red shift the nominal ring needs (its design bias): with less,
/// no lane locks by design and the photonics ratios are undefined.
fn heater(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let heater_max_mw = scenario.photonics.heater_max_mw.0;
    if heater_max_mw <= 0.0 {
        problems.push(invalid(
            "photonics.heater_max_mw",
            heater_max_mw,
            "a heater power > 0 mW (heaters are the rings' only tuning)".to_string(),
        ));
        return;
    }
    for technology in &scenario.technologies {
        let Some(rings) = &technology.rings else { continue };
        let range_nm = rings.tuning_range_nm(scenario.photonics.heater_max_mw);
        if range_nm < rings.design_bias.0 {
            problems.push(invalid(
                "photonics.heater_max_mw",
                heater_max_mw,
                format!(
                    "at least {:.4} mW: the heater range ({range_nm:.4} nm at {} nm/mW) must \
                     reach the design bias of {} ({} nm), the shift the nominal ring needs",
                    rings.design_bias.0 / rings.heater_efficiency_nm_per_mw,
                    rings.heater_efficiency_nm_per_mw,
                    technology.id,
                    rings.design_bias.0
                ),
            ));
            return;
        }
    }
}

/// Start-up and the drift predictor must fit in the first (warm-up) workload period.
fn photonics_timing(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let p = &scenario.photonics;
    let samples_per_period = (p.workload_period_s.0 * p.sample_rate_hz.0).round();
    // With crosstalk, start-up locks the rings of a row one after another, a sweep apart.
    if p.heater_crosstalk > 0.0 {
        let sweep_s =
            (p.relock_time_s.0 * p.sample_rate_hz.0).round().max(1.0) / p.sample_rate_hz.0;
        let row = p.lanes_per_pic.min(p.lanes);
        let startup_s = (row.saturating_sub(1)) as f64 * sweep_s;
        if startup_s >= p.workload_period_s.0 {
            let most = (p.workload_period_s.0 / sweep_s).ceil().max(1.0);
            problems.push(invalid(
                "photonics.lanes_per_pic",
                p.lanes_per_pic,
                format!(
                    "at most {most} lanes per PIC row: with heater crosstalk the rings of a row \
                     lock one after another, a sweep ({sweep_s} s) apart, and a row of {row} \
                     takes {startup_s} s, longer than the warm-up period \
                     (photonics.workload_period_s = {} s), so lanes would be counted before \
                     they lock",
                    p.workload_period_s.0
                ),
            ));
        }
    }
    let terms = PREDICTOR_FIXED_TERMS + PREDICTOR_CHANNELS * p.predictor_taps as f64;
    if samples_per_period < 2.0 * terms {
        problems.push(invalid(
            "photonics.predictor_taps",
            p.predictor_taps,
            format!(
                "a predictor the workload period can fit: {} taps need at least {} loop \
                 samples per period, the period has {samples_per_period} \
                 (workload_period_s x sample_rate_hz)",
                p.predictor_taps,
                2.0 * terms
            ),
        ));
    }
}

/// The fabric must be buildable from the generation's switches; the job's Poisson
/// interruptions must stay within what the engine keeps.
fn fleet(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let settings = &scenario.fleet;
    let Some(generation) = scenario.generation(&settings.generation) else { return };
    let radix = generation.ports_per_switch() as usize;
    if radix < 2 || radix % 2 == 1 {
        problems.push(invalid(
            "fleet.generation",
            format!("\"{}\" ({radix} ports per switch)", generation.id),
            "a generation whose switch has an even number of ports >= 2 (half down, half up)"
                .to_string(),
        ));
    } else {
        let most = max_gpus(radix, settings.tiers);
        if settings.gpus > most {
            let hint = if settings.tiers == 2 && settings.gpus <= max_gpus(radix, 3) {
                " (3 tiers would hold them)"
            } else {
                ""
            };
            problems.push(invalid(
                "fleet.gpus",
                settings.gpus,
                format!(
                    "at most {most} GPUs: a folded Clos of {} tiers of {radix}-port {} switches \
                     holds r^{}/{} GPUs{hint}",
                    settings.tiers,
                    generation.id,
                    settings.tiers,
                    if settings.tiers == 2 { 2 } else { 4 }
                ),
            ));
        }
    }
    if settings.replace_after_failed_ports > radix {
        problems.push(invalid(
            "fleet.replace_after_failed_ports",
            settings.replace_after_failed_ports,
            format!("at most the {radix} ports of a {} switch (fleet.generation)", generation.id),
        ));
    }
    // Multiplied left to right, as this check always has (`Years::to_hours` would group the
    // last two factors first and could move the last bit of the figure the message prints).
    let expected = settings.gpu_interruptions_per_gpu_h
        * settings.job.gpus as f64
        * settings.years.0
        * HOURS_PER_YEAR;
    if expected > MAX_JOB_INTERRUPTIONS {
        problems.push(invalid(
            "fleet.gpu_interruptions_per_gpu_h",
            settings.gpu_interruptions_per_gpu_h,
            format!(
                "a rate giving at most {MAX_JOB_INTERRUPTIONS:e} job interruptions per \
                 replication; {} per GPU-hour x {} job GPUs x {} years gives {expected:.3e} \
                 (an interruption every {:.3} s: the job would never make progress)",
                settings.gpu_interruptions_per_gpu_h,
                settings.job.gpus,
                settings.years.0,
                3600.0 / (settings.gpu_interruptions_per_gpu_h * settings.job.gpus as f64)
            ),
        ));
    }
}

/// What the market engine requires beyond each field's range.
fn market(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let market = &scenario.market;
    for (name, value) in [
        ("criteria.yield_target", market.criteria.yield_target),
        ("criteria.volume_share", market.criteria.volume_share),
    ] {
        if value <= 0.0 {
            problems.push(invalid(
                &format!("market.{name}"),
                value,
                "a fraction in (0, 1] (0 would be met by anything)".to_string(),
            ));
        }
    }
    for (input, prior) in market.priors.iter() {
        if let Some((field, value, expected)) = prior_outside(prior, input.range()) {
            problems.push(invalid(&format!("market.priors.{input}.{field}"), value, expected));
        }
    }
}

/// The parameter of `prior` whose support leaves `range`, if any: (field, value, expected).
fn prior_outside(
    prior: &super::super::Prior,
    SampleRange { low, high, low_inclusive: inclusive }: SampleRange,
) -> Option<(&'static str, f64, String)> {
    use super::super::Prior;
    let range =
        format!("{}{low}, {high}) (the market input's range)", if inclusive { "[" } else { "(" });
    let above = |value: f64| if inclusive { value >= low } else { value > low };
    match *prior {
        Prior::Uniform { low: a, high: b } | Prior::Triangular { low: a, high: b, .. } => {
            if !above(a) {
                Some(("low", a, format!("a support inside {range}")))
            } else if b >= high {
                Some(("high", b, format!("a support inside {range}")))
            } else {
                None
            }
        }
        Prior::Normal { mean, sd } => {
            let tails = (mean - PRIOR_TAIL_SDS * sd, mean + PRIOR_TAIL_SDS * sd);
            (!above(tails.0) || tails.1 >= high).then(|| {
                (
                    "mean",
                    mean,
                    format!(
                        "mean +- {PRIOR_TAIL_SDS} sd inside {range}: a normal prior's samples \
                         outside it are refused (use a lognormal, uniform or triangular prior)"
                    ),
                )
            })
        }
        Prior::LogNormal { median, sigma } => {
            let factor = (PRIOR_TAIL_SDS * sigma).exp();
            (!above(median / factor) || median * factor >= high).then(|| {
                ("median", median, format!("median x exp(+-{PRIOR_TAIL_SDS} sigma) inside {range}"))
            })
        }
    }
}

fn quoted(segment: &str) -> String {
    cporamp_core::locate::quote_segment(segment)
}
