//! All the fits of the yield engine's parameters from the collected data, as rows.

use super::alignment::used_engines;
use super::{
    EngineLanes, Estimate, FitModel, ParameterFit, YieldFits, alignment, laser_weak, names,
    ring_common, ring_local,
};
use crate::calibrate::LaserDeadFit;

/// What the fits are computed from (collected by the inspector).
#[derive(Debug, Clone, Default)]
pub struct FitData {
    /// Engines with coupling losses.
    pub engines: Vec<EngineLanes>,
    /// Ring buses' heater shifts.
    pub buses: Vec<Vec<f64>>,
    /// The PIC wafer of each bus's engine.
    pub bus_wafers: Vec<Option<u64>>,
    /// Weak lasers and lasers seen.
    pub weak_lasers: (u64, u64),
    /// Packages with at least one rework.
    pub reworked_packages: u64,
    /// Packages.
    pub packages: u64,
    /// The ASIC wafers' sort (schema 3).
    pub asic_wafers: Vec<crate::line_fit::AsicWafer>,
    /// Measured corner warpage per package, µm (schema 3).
    pub warpage_um: Vec<f64>,
    /// Per mechanism, packages with it present at their first package test and those whose
    /// test caught it (schema 3).
    pub package_test: crate::line_fit::Caught,
    /// The same at system test.
    pub system_test: crate::line_fit::Caught,
}

/// Every row: the fits the data allow, the others with their reason.
#[must_use]
pub fn fit_all(
    data: &FitData,
    model: &FitModel,
    laser_dead: Option<&LaserDeadFit>,
    threads: usize,
) -> YieldFits {
    let mut rows = Vec::new();
    alignment_rows(data, model, threads, &mut rows);
    rows.push(laser_dead_row(model, laser_dead));
    rows.push(laser_weak_row(data, model));
    let ring = ring_local_row(data, model, &mut rows);
    ring_common_rows(data, model, ring, &mut rows);
    line_rows(data, model, &mut rows);
    YieldFits { model: *model, parameters: rows }
}

/// The alignment rows (block and fiber sigma): the Gaussian-overlap likelihood on the used
/// engines' coupling losses, with a note on reworked packages.
fn alignment_rows(data: &FitData, model: &FitModel, threads: usize, rows: &mut Vec<ParameterFit>) {
    let d = model.defaults;
    let used_engines = &data.engines[..used_engines(&data.engines)];
    let lanes: usize = used_engines.iter().map(|e| e.loss_db.len()).sum();
    let alignment = alignment(&data.engines, model, threads);
    let once =
        used_engines.chunk_by(|a, b| a.package == b.package).filter(|p| p[0].reworks == 1).count();
    let more =
        used_engines.chunk_by(|a, b| a.package == b.package).filter(|p| p[0].reworks > 1).count();
    let rework_note = if once + more == 0 {
        String::new()
    } else if model.spare_lanes_per_engine > 0 {
        format!(
            "; {} reworked packages read as first attaches (the rework factor assumes no spare lanes)",
            once + more
        )
    } else if more > 0 {
        format!(
            "; {once} packages re-attached once with the rework factor, {more} re-attached more often read as first attaches"
        )
    } else {
        format!("; {once} packages re-attached once, with the rework factor")
    };
    let observed = "observed information (Wald on ln sigma)";
    let used = format!(
        "{lanes} lanes on {} engines{}, Gaussian-overlap likelihood with the block offset integrated out{rework_note}",
        used_engines.len(),
        if used_engines.len() < data.engines.len() {
            format!(" (the first of {})", data.engines.len())
        } else {
            String::new()
        }
    );
    let no_alignment = "not identified: no coupling loss with gap on engines of 2 lanes or more";
    for (name, default, fit) in [
        (names::BLOCK, d.block_common_sigma_um, alignment.map(|a| a.0)),
        (names::FIBER, d.fiber_sigma_um, alignment.map(|a| a.1)),
    ] {
        rows.push(ParameterFit {
            parameter: name,
            unit: "µm",
            default,
            fit,
            method: if fit.is_some() { observed } else { "" },
            note: if fit.is_some() { used.clone() } else { no_alignment.to_string() },
        });
    }
}

/// The dead-laser row: the calibration's profile-likelihood fit, if any.
fn laser_dead_row(model: &FitModel, laser_dead: Option<&LaserDeadFit>) -> ParameterFit {
    let d = model.defaults;
    match laser_dead {
        Some(fit) => ParameterFit {
            parameter: names::LASER_DEAD,
            unit: "1",
            default: d.laser_dead_probability,
            fit: Some(Estimate { value: fit.probability, low: fit.low, high: fit.high }),
            method: "profile likelihood",
            note: format!(
                "{} dead lasers on {} assembled engines of {} lasers, engine test's laser coverage {}",
                fit.dead_lasers, fit.engines, fit.lasers_per_engine, fit.engine_test_coverage
            ),
        },
        None => ParameterFit {
            parameter: names::LASER_DEAD,
            unit: "1",
            default: d.laser_dead_probability,
            fit: None,
            method: "",
            note: "not identified: no on-engine lasers, spare lanes, or an engine test that catches every dead laser".to_string(),
        },
    }
}

/// The weak-laser row: the profile likelihood on the weak lasers seen, identified when its
/// interval stays below one half.
fn laser_weak_row(data: &FitData, model: &FitModel) -> ParameterFit {
    let d = model.defaults;
    let (weak, lasers) = data.weak_lasers;
    let weak_fit = (model.lanes_per_laser > 0)
        .then(|| laser_weak(weak, lasers, model.weak_burn_in_survival))
        .flatten();
    // An interval reaching past one half says nothing about the fraction.
    let weak_identified = weak_fit.is_some_and(|f| f.high < 0.5);
    ParameterFit {
        parameter: names::LASER_WEAK,
        unit: "1",
        default: d.laser_weak_fraction,
        fit: weak_fit.filter(|_| weak_identified),
        method: if weak_identified { "profile likelihood" } else { "" },
        note: match weak_fit {
            None => "not identified: no on-engine lasers with a laser_weak column".to_string(),
            Some(f) if !weak_identified => format!(
                "not identified: {weak} weak of {lasers} lasers, and burn-in lets through only {:.2e} of weak chips, so any weak fraction up to {:.3} fits",
                model.weak_burn_in_survival, f.high
            ),
            Some(_) => format!(
                "{weak} weak of {lasers} lasers; burn-in survival of a weak chip {:.3e}",
                model.weak_burn_in_survival
            ),
        },
    }
}

/// The local ring row (restricted likelihood within buses); returns the local fit and its
/// degrees of freedom for the common rows.
fn ring_local_row(
    data: &FitData,
    model: &FitModel,
    rows: &mut Vec<ParameterFit>,
) -> Option<(Estimate, u64)> {
    let d = model.defaults;
    let ring = model.bus_lanes.map_or_else(
        || ring_local(&data.buses, model.fsr_nm),
        |_| ring_local(&data.buses, model.fsr_nm),
    );
    rows.push(ParameterFit {
        parameter: names::RING_LOCAL,
        unit: "nm",
        default: d.ring_local_sigma_nm,
        fit: ring.map(|r| r.0),
        method: if ring.is_some() { "restricted likelihood, exact chi-square" } else { "" },
        note: match ring {
            Some((_, df)) => format!(
                "{} buses, {df} degrees of freedom within buses ({})",
                data.buses.iter().filter(|b| b.len() >= 2).count(),
                model
                    .bus_lanes
                    .map_or("fixed assignment: a bus is an engine".to_string(), |n| format!(
                        "{n} lanes per bus"
                    ))
            ),
            None => "not identified: no heater shifts on buses of 2 lanes or more".to_string(),
        },
    });
    ring
}

/// The engine and wafer ring rows: the nested normal model of the engine means on the local
/// fit, identified only without wavelength reassignment.
fn ring_common_rows(
    data: &FitData,
    model: &FitModel,
    ring: Option<(Estimate, u64)>,
    rows: &mut Vec<ParameterFit>,
) {
    let d = model.defaults;
    let common = match (model.bus_lanes, ring) {
        (None, Some((local, _))) => ring_common(
            &data.buses,
            &data.bus_wafers,
            local.value * local.value,
            model.fsr_nm,
            (d.ring_engine_sigma_nm, d.ring_wafer_sigma_nm),
        ),
        _ => None,
    };
    let common_reason = if model.bus_lanes.is_some() {
        "not identified: wavelength reassignment rotates each bus by an unknown multiple of the channel spacing, so an engine's common offset is known only modulo the spacing".to_string()
    } else if let Some((_, _, wafers)) = common {
        format!(
            "{} engines on {wafers} PIC wafers, nested normal model of the engine means (unwrapped by the FSR around their circular mean), restricted likelihood",
            data.buses.len()
        )
    } else {
        "not identified: fewer than 3 PIC wafers, or no local fit".to_string()
    };
    for (name, default, fit) in [
        (names::RING_ENGINE, d.ring_engine_sigma_nm, common.map(|c| c.0)),
        (names::RING_WAFER, d.ring_wafer_sigma_nm, common.map(|c| c.1)),
    ] {
        rows.push(ParameterFit {
            parameter: name,
            unit: "nm",
            default,
            fit,
            method: if fit.is_some() { "profile likelihood (restricted)" } else { "" },
            note: common_reason.clone(),
        });
    }
}

/// The rows of the ASIC, warpage and coverage fits ([`crate::line_fit`]).
fn line_rows(data: &FitData, model: &FitModel, rows: &mut Vec<ParameterFit>) {
    asic_rows(data, model, rows);
    warpage_rows(data, model, rows);
    coverage_rows(data, model, rows);
}

/// The ASIC rows (defects per die, lot clustering alpha): the negative-binomial wafer
/// likelihood on the wafer sort.
fn asic_rows(data: &FitData, model: &FitModel, rows: &mut Vec<ParameterFit>) {
    let d = model.defaults;
    let wald = "observed information (Wald on the logarithm)";
    let asic = crate::line_fit::asic_defects(
        &data.asic_wafers,
        model.wafer_test_coverage,
        model.asic_lot_alpha,
    );
    let (dies, passed) =
        data.asic_wafers.iter().fold((0, 0), |(t, p), w| (t + w.tested, p + w.passed));
    let sorted = format!(
        "{dies} dies sorted on {} ASIC wafers, {passed} passed; wafer-test coverage {}, lot clustering alpha {} (both the scenario's)",
        data.asic_wafers.len(),
        model.wafer_test_coverage,
        model.asic_lot_alpha.map_or("none".to_string(), |a| a.to_string())
    );
    let no_sort = if data.asic_wafers.is_empty() {
        "not identified: no wafer sort in the data (schema 3's asic_wafer_dies_tested and asic_wafer_dies_passed)".to_string()
    } else {
        format!("not identified: {sorted}; fewer than 3 wafers, or no failing die")
    };
    rows.push(ParameterFit {
        parameter: names::ASIC_DEFECTS,
        unit: "1",
        default: d.asic_defects_per_die,
        fit: asic.map(|a| a.0),
        method: if asic.is_some() { wald } else { "" },
        note: if asic.is_some() {
            format!("{sorted}; negative-binomial wafer likelihood")
        } else {
            no_sort.clone()
        },
    });
    let alpha = asic.and_then(|a| a.1);
    rows.push(ParameterFit {
        parameter: names::ASIC_ALPHA,
        unit: "1",
        default: d.asic_cluster_alpha,
        fit: alpha,
        method: if alpha.is_some() { wald } else { "" },
        note: match asic {
            Some((_, Some(_))) => format!("{sorted}; negative-binomial wafer likelihood"),
            Some((_, None)) => format!(
                "not identified: {sorted}; the wafers show no spread beyond Poisson (alpha above 1e4)"
            ),
            None => no_sort,
        },
    });
}

/// The warpage rows (mean, sigma) from the packages' measured warpage.
fn warpage_rows(data: &FitData, model: &FitModel, rows: &mut Vec<ParameterFit>) {
    let d = model.defaults;
    let warpage = crate::line_fit::warpage(&data.warpage_um);
    let warpage_note = if warpage.is_some() {
        format!("{} packages' measured warpage", data.warpage_um.len())
    } else {
        "not identified: no measured package warpage in the data (schema 3's warpage_um) for 3 packages or more; its only trace in schema 2 is the lateral shift k W rho² in the coupling loss, confounded with the block offsets over rho² in [0.5, 1]".to_string()
    };
    for (name, default, fit, method) in [
        (names::WARPAGE_MEAN, d.warpage_mean_um, warpage.map(|w| w.0), "Student t"),
        (names::WARPAGE_SIGMA, d.warpage_sigma_um, warpage.map(|w| w.1), "exact chi-square"),
    ] {
        rows.push(ParameterFit {
            parameter: name,
            unit: "µm",
            default,
            fit,
            method: if fit.is_some() { method } else { "" },
            note: warpage_note.clone(),
        });
    }
}

/// The package and system test coverage rows per mechanism: exact binomial on the packages
/// caught, identified from [`crate::line_fit::MIN_COVERAGE_PACKAGES`] packages.
fn coverage_rows(data: &FitData, model: &FitModel, rows: &mut Vec<ParameterFit>) {
    let d = model.defaults;
    for (names, defaults, caught, insertion) in [
        (
            names::PACKAGE_TEST_COVERAGE,
            d.package_test_coverage,
            &data.package_test,
            "first package test",
        ),
        (names::SYSTEM_TEST_COVERAGE, d.system_test_coverage, &data.system_test, "system test"),
    ] {
        let fits = crate::line_fit::coverages(caught);
        for (m, fit) in fits.iter() {
            let (present, k) = caught[m];
            let counted =
                format!("{k} caught of {present} packages with {} at their {insertion}", m.name());
            // Fewer packages say little about the coverage (an interval up to one half
            // wide): not replaced. The rule is on the count alone, so that it does not select
            // on the outcome.
            let identified = fit.filter(|_| present >= crate::line_fit::MIN_COVERAGE_PACKAGES);
            rows.push(ParameterFit {
                parameter: names[m],
                unit: "1",
                default: defaults[m],
                fit: identified,
                method: if identified.is_some() { "exact binomial (Clopper-Pearson)" } else { "" },
                note: if identified.is_some() {
                    counted
                } else if let Some(f) = fit {
                    format!(
                        "not identified: {counted}, fewer than {} (its 95 % interval [{:.3}, {:.3}])",
                        crate::line_fit::MIN_COVERAGE_PACKAGES,
                        f.low,
                        f.high
                    )
                } else if m == cporamp_yield::Mechanism::Asic {
                    "not identified: the ASIC defects that escape are not in the lane records"
                        .to_string()
                } else {
                    format!(
                        "not identified: no package with {} at its {insertion} (or no caught-by column, schema 3's package_test_caught and system_test_caught)",
                        m.name()
                    )
                },
            });
        }
    }
}
