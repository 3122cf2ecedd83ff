//! Terminal tables and CSV for comparison results.

use cporamp_compare::{GenerationComparison, TechnologyResult};
use cporamp_core::Scenario;
use std::fmt::Write;

/// One column: header, unit, and how to format a technology's value.
struct Column {
    header: &'static str,
    value: fn(&TechnologyResult) -> String,
}

fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_string(), |value| format!("{value:.decimals$}"))
}

const COLUMNS: &[Column] = &[
    Column { header: "optics W/port", value: |t| format!("{:.2}", t.port_power.optics_w) },
    Column { header: "optics pJ/bit", value: |t| format!("{:.2}", t.port_power.optics_pj_per_bit) },
    Column {
        header: "+host pJ/bit",
        value: |t| format!("{:.2}", t.port_power.with_host_pj_per_bit),
    },
    Column { header: "switch W", value: |t| format!("{:.0}", t.switch_power.total_w) },
    Column { header: "ASIC W", value: |t| format!("{:.0}", t.switch_power.asic_w) },
    Column { header: "port $/Gbps", value: |t| format!("{:.3}", t.cost.port_usd_per_gbps) },
    Column { header: "switch $/Gbps", value: |t| format!("{:.3}", t.cost.switch_usd_per_gbps) },
    Column { header: "Tb/s per RU", value: |t| format!("{:.1}", t.density.tbps_per_ru) },
    Column { header: "Tb/s per mm", value: |t| optional(t.density.tbps_per_mm_edge, 2) },
    Column { header: "reach m", value: |t| format!("{}", t.reach_m) },
    Column {
        header: "laser FRU",
        value: |t| t.service.laser_failure.as_ref().map_or("-", |f| f.fru.label()).to_string(),
    },
    Column {
        header: "laser blast ports",
        value: |t| {
            t.service
                .laser_failure
                .as_ref()
                .map_or("-".to_string(), |f| f.blast_radius_ports.to_string())
        },
    },
    Column { header: "port FRU", value: |t| t.service.port_failure.fru.label().to_string() },
    Column {
        header: "port blast ports",
        value: |t| t.service.port_failure.blast_radius_ports.to_string(),
    },
];

/// An aligned text table per generation.
#[must_use]
pub fn text(generations: &[GenerationComparison]) -> String {
    let mut out = String::new();
    for generation in generations {
        let _ = writeln!(
            out,
            "{} switch: {} ports x {} Gb/s ({} Gb/s)",
            generation.generation,
            generation.ports_per_switch,
            generation.port_rate_gbps,
            generation.switch_capacity_gbps
        );
        let mut rows: Vec<Vec<String>> = vec![
            std::iter::once("technology".to_string())
                .chain(COLUMNS.iter().map(|c| c.header.to_string()))
                .collect(),
        ];
        for technology in &generation.technologies {
            rows.push(
                std::iter::once(technology.label.clone())
                    .chain(COLUMNS.iter().map(|column| (column.value)(technology)))
                    .collect(),
            );
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|index| rows.iter().map(|row| row[index].chars().count()).max().unwrap_or(0))
            .collect();
        for row in &rows {
            let mut line = String::new();
            for (index, cell) in row.iter().enumerate() {
                if index == 0 {
                    let _ = write!(line, "{cell:<width$}", width = widths[index]);
                } else {
                    let _ = write!(line, "  {cell:>width$}", width = widths[index]);
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out.push('\n');
    }
    out
}

/// Quotes a CSV field if it needs it (RFC 4180).
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One CSV row per generation and technology, with unit-suffixed headers.
#[must_use]
pub fn csv(generations: &[GenerationComparison]) -> String {
    let headers = [
        "generation",
        "technology",
        "label",
        "optics_w_per_port",
        "optics_pj_per_bit",
        "with_host_pj_per_bit",
        "host_serdes_w_per_port",
        "dsp_w_per_port",
        "driver_w_per_port",
        "tia_w_per_port",
        "oe_serdes_w_per_port",
        "heater_w_per_port",
        "laser_w_per_port",
        "els_w_per_port",
        "overhead_w_per_port",
        "conversion_loss_w_per_port",
        "switch_w",
        "asic_w",
        "port_usd",
        "port_usd_per_gbps",
        "switch_usd_per_gbps",
        "module_price_usd",
        "tbps_per_ru",
        "tbps_per_mm_edge",
        "reach_m",
        "laser_fru",
        "laser_blast_radius_ports",
        "port_fru",
        "port_blast_radius_ports",
    ];
    let mut out = headers.join(",");
    out.push('\n');
    for generation in generations {
        for t in &generation.technologies {
            let p = &t.port_power;
            let fields = [
                generation.generation.clone(),
                t.id.clone(),
                csv_field(&t.label),
                p.optics_w.to_string(),
                p.optics_pj_per_bit.to_string(),
                p.with_host_pj_per_bit.to_string(),
                p.host_serdes_w.to_string(),
                p.dsp_w.to_string(),
                p.driver_w.to_string(),
                p.tia_w.to_string(),
                p.oe_serdes_w.to_string(),
                p.heater_w.to_string(),
                p.laser_w.to_string(),
                p.els_w.to_string(),
                p.overhead_w.to_string(),
                p.conversion_loss_w.to_string(),
                t.switch_power.total_w.to_string(),
                t.switch_power.asic_w.to_string(),
                t.cost.port_usd.to_string(),
                t.cost.port_usd_per_gbps.to_string(),
                t.cost.switch_usd_per_gbps.to_string(),
                t.cost.module_price_usd.map(|price| price.to_string()).unwrap_or_default(),
                t.density.tbps_per_ru.to_string(),
                t.density.tbps_per_mm_edge.map(|value| value.to_string()).unwrap_or_default(),
                t.reach_m.to_string(),
                t.service
                    .laser_failure
                    .as_ref()
                    .map(|f| f.fru.label().to_string())
                    .unwrap_or_default(),
                t.service
                    .laser_failure
                    .as_ref()
                    .map(|f| f.blast_radius_ports.to_string())
                    .unwrap_or_default(),
                t.service.port_failure.fru.label().to_string(),
                t.service.port_failure.blast_radius_ports.to_string(),
            ];
            out.push_str(&fields.join(","));
            out.push('\n');
        }
    }
    out
}

/// The thermal engine's package results: one block per generation.
#[must_use]
pub fn thermal_text(generations: &[cporamp_pipeline::ThermalGeneration]) -> String {
    let mut out = String::new();
    for generation in generations {
        for technology in &generation.technologies {
            let nominal = &technology.nominal;
            let plate = &nominal.cold_plate;
            let _ = writeln!(
                out,
                "{} {}: package {:.0} mm, ASIC {:.0} W (leakage {:.0} W), {} engines x {:.1} W, inlet {:.0} °C (coolant +{:.1} K, h_eff {:.0} W/m²K, Re {:.0}, {})",
                generation.generation,
                technology.label,
                nominal.substrate_side_mm,
                technology.asic_w,
                technology.asic_leakage_w,
                technology.n_engines,
                technology.engine_w,
                nominal.inlet_c,
                plate.coolant_rise_k,
                plate.h_effective_w_per_m2k,
                plate.reynolds,
                plate.correlation,
            );
            let _ = writeln!(
                out,
                "  ASIC junction mean {:.1} °C, max {:.1} °C; hottest engine {:.1} °C ({} fixed-point iterations); board path {:.2} W",
                nominal.asic_mean_c,
                nominal.asic_max_c,
                nominal.engine_mean_max_c,
                technology.iterations,
                nominal.board_w,
            );
            let sweep: Vec<String> = technology
                .sweep
                .iter()
                .map(|point| {
                    format!(
                        "{:.0}->{:.1}/{:.1}",
                        point.inlet_c, point.engine_mean_max_c, point.asic_max_c
                    )
                })
                .collect();
            let _ = writeln!(out, "  inlet °C -> engine/ASIC max °C: {}", sweep.join("  "));
            let cycling = &technology.cycling;
            let _ = writeln!(
                out,
                "  cycling: {:.0} cycles/day; ASIC swing {:.1} K, solder life {:.1} y; engine swing {:.1} K, life {:.1} y (Norris-Landzberg vs qualification)",
                cycling.asic.cycles_per_day,
                cycling.asic.max_range_k,
                cycling.asic.life_years,
                cycling.engine.max_range_k,
                cycling.engine.life_years
            );
            for warning in &plate.warnings {
                let _ = writeln!(out, "  note: {warning}");
            }
        }
    }
    out
}

/// The photonics engine's results: one block per co-packaged technology and generation.
#[must_use]
pub fn photonics_text(generations: &[cporamp_pipeline::PhotonicsGeneration]) -> String {
    let mut out = String::new();
    for generation in generations {
        for technology in &generation.technologies {
            let result = &technology.nominal;
            let (fb, ff) = (&result.feedback, &result.feed_forward);
            let _ = writeln!(
                out,
                "{} {} photonics: {} lanes, ring linewidth {:.3} nm, heater range {:.1} nm; ring swing {:.2} K, drift {:.4} nm p-p ({} laser)",
                generation.generation,
                technology.label,
                result.lanes,
                result.linewidth_nm,
                result.tuning_range_nm,
                result.ring_swing_k,
                result.drift_peak_to_peak_nm,
                if technology.laser_on_engine { "on-engine" } else { "external" },
            );
            for (name, summary) in [("feedback only", fb), ("+ feed-forward", ff)] {
                let _ = writeln!(
                    out,
                    "  {name:<15} RMS detuning {:.2e} nm (max {:.2e} nm, penalty {:.2e} dB), heater {:.1} mW/ring = {:.3} pJ/bit, lock losses {:.2} ± {:.2} /lane-h, flaps {:.2} ± {:.2} /lane-h",
                    summary.rms_detuning_nm,
                    summary.max_detuning_nm,
                    summary.rms_penalty_db,
                    summary.heater_mw_per_ring,
                    summary.heater_pj_per_bit,
                    summary.lock_losses_per_lane_hour,
                    summary.lock_losses_se,
                    summary.flaps_per_lane_hour,
                    summary.flaps_se,
                );
            }
            let _ = writeln!(
                out,
                "  predictor R² {:.4} (one-step RMS error {:.2e} nm): feed-forward cuts RMS detuning {:.1}x; lanes unlockable {:.1} %, negative static margin {:.1} %",
                result.predictor_r_squared,
                result.predictor_rms_error_nm,
                result.rms_reduction,
                100.0 * result.unlockable_fraction,
                100.0 * result.negative_margin_fraction,
            );
            let sweep: Vec<String> = technology
                .inlet_sweep
                .iter()
                .map(|point| {
                    format!(
                        "{:.0}->{:.1}/{:.1}",
                        point.inlet_c,
                        point.feedback_flaps_per_lane_hour,
                        point.feed_forward_flaps_per_lane_hour
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  inlet °C -> flaps/lane-h feedback/feed-forward: {}",
                sweep.join("  ")
            );
        }
    }
    out
}

/// The yield engine's results: one block per co-packaged technology and generation.
#[must_use]
pub fn yield_text(
    generations: &[cporamp_pipeline::YieldGeneration],
    comparisons: &[GenerationComparison],
) -> String {
    let mut out = String::new();
    for generation in generations {
        for technology in &generation.technologies {
            let result = &technology.result;
            let inputs = &technology.inputs;
            let percent = |fraction: &cporamp_yield::Fraction| {
                format!("{:.2} ± {:.2} %", 100.0 * fraction.value, 100.0 * fraction.se)
            };
            let _ = writeln!(
                out,
                "{} {} yield: {} packages of an ASIC + {} engines x {} lanes; package yield {}",
                generation.generation,
                technology.label,
                result.packages,
                inputs.engines_per_package,
                inputs.lanes_per_engine,
                percent(&result.package_yield),
            );
            let burn_in = if inputs.lanes_per_laser > 0 {
                percent(&result.burn_in_pass)
            } else {
                "— (no lasers in the package)".to_string()
            };
            let _ = writeln!(
                out,
                "  pass: ASIC wafer test {}, laser burn-in {burn_in}, engine test {}, package test {}, system test {}",
                percent(&result.wafer_test_pass),
                percent(&result.engine_test_pass),
                percent(&result.package_test_pass),
                percent(&result.system_test_pass),
            );
            let rejects: Vec<String> = cporamp_yield::MECHANISMS
                .iter()
                .zip(&result.package_rejects_by_mechanism)
                .map(|(name, fraction)| format!("{name} {:.2} %", 100.0 * fraction.value))
                .collect();
            let _ = writeln!(
                out,
                "  scrapped by mechanism (package and system test): {}",
                rejects.join(", ")
            );
            let waterfall: Vec<String> = result
                .waterfall
                .iter()
                .map(|step| format!("{} {:+.2} %", step.label, 100.0 * step.change.value))
                .collect();
            let _ = writeln!(out, "  yield waterfall: {}", waterfall.join(", "));
            let _ = writeln!(
                out,
                "  rework: {:.3} fiber re-attach attempts per package, {} of packages recovered, {} of attempts damaged",
                result.reworks_per_package,
                percent(&result.rework_recovered),
                percent(&result.rework_damaged),
            );
            if let Some(els) = &result.els {
                let _ = writeln!(
                    out,
                    "  ELS modules: yield {}, {:.3} spare lasers used per module, weak-laser escapes {:.0} DPPM",
                    percent(&els.module_yield),
                    els.spare_lasers_used_per_module,
                    els.weak_laser_escapes_dppm,
                );
            }
            let escapes: Vec<String> = cporamp_yield::MECHANISMS
                .iter()
                .zip(&result.escapes_dppm)
                .map(|(name, dppm)| format!("{name} {dppm:.0}"))
                .collect();
            let _ = writeln!(
                out,
                "  escapes {:.0} DPPM ({})",
                result.escapes_total_dppm,
                escapes.join(", ")
            );
            let cost = &result.cost;
            let _ = writeln!(
                out,
                "  cost per shipped switch ${:.0} (ideal ${:.0}, +{:.1} %): ASICs ${:.0}, engines ${:.0}, packaging ${:.0}, test ${:.0}, rework ${:.0}",
                cost.total_usd,
                cost.ideal_usd,
                100.0 * (cost.total_usd / cost.ideal_usd - 1.0),
                cost.asic_usd,
                cost.engines_usd,
                cost.packaging_usd,
                cost.test_usd,
                cost.rework_usd,
            );
            let ramp: Vec<String> = technology
                .ramp
                .iter()
                .map(|point| {
                    format!(
                        "{} {:.0}k->{:.1}%/${:.0}",
                        point.label,
                        point.cumulative_units / 1e3,
                        100.0 * point.package_yield.value,
                        point.cost_usd
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "  ramp (quarter cumulative units -> yield/cost): {}",
                ramp.join("  ")
            );
            let fixes: Vec<String> = technology
                .tornado
                .iter()
                .map(|bar| format!("{} ${:.0}", bar.mechanism, bar.saving_usd))
                .collect();
            let _ = writeln!(out, "  fix first (saving per shipped switch): {}", fixes.join(", "));
            if let Some(compared) = comparisons
                .iter()
                .find(|comparison| comparison.generation == generation.generation)
                .and_then(|comparison| {
                    comparison.technologies.iter().find(|t| t.id == technology.id)
                })
                && let Some(with_yield) = compared.cost.switch_usd_per_gbps_with_yield
            {
                let _ = writeln!(
                    out,
                    "  switch $/Gbps with yield {with_yield:.3} (BOM {:.3})",
                    compared.cost.switch_usd_per_gbps
                );
            }
        }
    }
    out
}

/// The fleet engine's fabrics: counts, failures and repairs per year, availability and the
/// training job, mean ± standard error over replications.
pub fn fleet_text(fleet: &cporamp_pipeline::FleetOutput, scenario: &Scenario) -> String {
    let mut out = String::new();
    let settings = &scenario.fleet;
    let Some(first) = fleet.fabrics.first() else { return out };
    let _ = writeln!(
        out,
        "Fleet: {} GPUs on {} tiers of {}-port {} switches, {} years, {} replications (mean ± SE); job of {} GPUs",
        settings.gpus,
        settings.tiers,
        first.inputs.radix,
        fleet.generation,
        settings.years,
        settings.replications,
        settings.job.gpus,
    );
    let pm = |estimate: &cporamp_fleet::Estimate, decimals: usize| {
        format!("{:.*} ± {:.*}", decimals, estimate.mean, decimals, estimate.se)
    };
    for fabric in &fleet.fabrics {
        let result = &fabric.result;
        let _ = writeln!(out, "{} [{}]", fabric.label, fabric.tiers.join(" / "));
        let counts: Vec<String> = result
            .topology
            .tiers
            .iter()
            .map(|tier| {
                let units = if tier.modules > 0 {
                    format!("{} modules", tier.modules)
                } else if tier.els > 0 {
                    format!("{} engine ports, {} ELS", tier.engine_ports, tier.els)
                } else {
                    format!("{} engine ports", tier.engine_ports)
                };
                format!("{} switches, {units}", tier.switches)
            })
            .collect();
        let _ = writeln!(out, "  tiers (leaf first): {}", counts.join("; "));
        for (index, tier) in result.tiers.iter().enumerate() {
            let _ = writeln!(
                out,
                "  tier {index} {}: failures/y ports {}, ELS lasers {}, switch hardware {}; spares/y {}; link availability {}",
                tier.technology,
                pm(&tier.ports.failures_per_year, 1),
                pm(&tier.els_lasers.failures_per_year, 1),
                pm(&tier.switches.failures_per_year, 1),
                pm(&tier.port_spares_consumed_per_year, 1),
                pm(&tier.link_availability, 6),
            );
        }
        let _ = writeln!(
            out,
            "  NIC failures/y {}; switch replacements/y {}; technician hours/y {}; spares/y {}",
            pm(&result.nic.failures_per_year, 1),
            pm(&result.switch_replacements_per_year, 1),
            pm(&result.technician_hours_per_year, 0),
            pm(&result.spares_consumed_per_year, 1),
        );
        let job = &result.job;
        let years = settings.years;
        let per_year = |estimate: &cporamp_fleet::Estimate| cporamp_fleet::Estimate {
            mean: estimate.mean / years,
            se: estimate.se / years,
        };
        let _ = writeln!(
            out,
            "  job: interruptions/y network {}, GPU/host {}, flaps {}; mean time between interruptions {:.2} h",
            pm(&per_year(&job.network_interruptions), 1),
            pm(&per_year(&job.gpu_interruptions), 1),
            pm(&per_year(&job.flap_interruptions), 1),
            job.mean_time_between_interruptions_h,
        );
        let _ = writeln!(
            out,
            "  job: goodput {} at {} h checkpoints; best interval {} h (Young {:.2} h) with goodput {}; GPU-hours lost/y {}",
            pm(&job.goodput, 4),
            settings.job.checkpoint_interval_h,
            pm(&job.optimal_checkpoint_interval_h, 2),
            job.young_interval_h,
            pm(&job.goodput_at_optimal, 4),
            pm(&job.gpu_hours_lost_per_year, 0),
        );
    }
    out
}

/// The market engine: scenario probabilities beside the article's, CPO volume years per tier,
/// value pools, what drives the timing; and the update by observations when given.
pub fn market_text(
    market: &cporamp_pipeline::MarketOutput,
    update: Option<&cporamp_market::Update>,
) -> String {
    let mut out = String::new();
    let result = &market.result;
    let _ = writeln!(
        out,
        "Market ({} prior samples, anchored on {}; main tier {}): scenario probabilities (article in brackets)",
        result.samples, market.generation, result.main_tier
    );
    for probability in &result.probabilities {
        let _ = writeln!(
            out,
            "  {:<5} {:5.1} ± {:.1} %  ({:.0} %)",
            probability.name,
            100.0 * probability.probability,
            100.0 * probability.se,
            100.0 * probability.article
        );
    }
    let year = |year: Option<i32>| year.map_or("never".to_string(), |year| year.to_string());
    for tier in &result.tiers {
        let _ = writeln!(
            out,
            "  {}: CPO volume year p10 {} / p50 {} / p90 {} ({:.0} % never by {})",
            tier.name,
            year(tier.volume_year.p10),
            year(tier.volume_year.p50),
            year(tier.volume_year.p90),
            100.0 * tier.never_fraction,
            result.years.last().copied().unwrap_or_default(),
        );
    }
    if let Some(pool) = result.value_pools.last() {
        let layers: Vec<String> = cporamp_market::LAYERS
            .iter()
            .zip(&pool.usd)
            .map(|(layer, usd)| format!("{layer} ${:.1} B", usd / 1e9))
            .collect();
        let _ = writeln!(out, "  value pools {}: {}", pool.year, layers.join(", "));
    }
    let mut ranked: Vec<&cporamp_market::SobolIndex> = market.sobol.iter().collect();
    ranked.sort_by(|a, b| b.total.total_cmp(&a.total));
    let drivers: Vec<String> = ranked
        .iter()
        .take(4)
        .map(|index| format!("{} (total {:.2})", index.input, index.total))
        .collect();
    let _ =
        writeln!(out, "  what drives the main tier's CPO timing (Sobol): {}", drivers.join(", "));
    for check in &result.surrogates {
        let _ = writeln!(
            out,
            "  surrogate {}: held-out error {:.4} (bound {})",
            check.name, check.held_out_error, check.bound
        );
    }
    if let Some(update) = update {
        let _ = writeln!(
            out,
            "Updated by {} observations (effective sample size {:.0}{}):",
            update.attribution.len(),
            update.ess,
            if update.ess_warning {
                ", COLLAPSED: the observations contradict the priors"
            } else {
                ""
            }
        );
        for probability in &update.probabilities {
            let _ = writeln!(
                out,
                "  {:<5} {:5.1} ± {:.1} %",
                probability.name,
                100.0 * probability.probability,
                100.0 * probability.se
            );
        }
        for attribution in &update.attribution {
            let changes: Vec<String> = result
                .probabilities
                .iter()
                .zip(&attribution.change)
                .map(|(probability, change)| format!("{} {:+.1}", probability.name, 100.0 * change))
                .collect();
            let _ = writeln!(
                out,
                "  observation {} ({:?} at {:.2}) moved: {} points",
                attribution.observation + 1,
                attribution.signal,
                attribution.year,
                changes.join(", ")
            );
        }
    }
    out
}
