//! cporamp-inspect: what an inspection engineer computes from a line's per-lane test records
//! (pure: records in, numbers out; the CLI reads the files).
//!
//! Records arrive one at a time ([`Inspector::push`], in file and row order, which is taken
//! as the order of manufacture) and are folded into running sums, so a file of millions of
//! lanes never sits in memory; [`Inspector::finish`] turns the sums into an
//! [`InspectResult`]:
//!
//! - **Pareto** of rejected packages (not shipped) by mechanism (a package counts under each
//!   mechanism its lanes show; one whose lanes show none is `no lane failure`, an ASIC or
//!   board-joint reject), of failed lanes by mechanism, and of rejected packages by insertion:
//!   `package_test` when it failed its last package test, `system_test` when it passed that
//!   and did not ship.
//! - **SPC** per station and parameter ([`Parameter`]): consecutive records of one station
//!   and one (package, engine) form a subgroup (an engine's lanes share its fiber block and
//!   PIC); the individuals chart and EWMA of the subgroup means and the X̄–R chart of the
//!   subgroups of the most common size, with the Western Electric rules ([`spc`]); each
//!   flagged point names its file, rows, package and engine.
//! - **Capability** per parameter: $C_{pk}$ (within-subgroup pooled sigma) and $P_{pk}$
//!   (overall sigma) against [`SpecLimits`], with Bissell's 95 % interval ([`stats`]).
//! - **Yield** (shipped over packages) by lot and by week, with 95 % Wilson intervals.
//! - **Spatial fingerprint**: mean coupling loss per engine position, the warpage bowl
//!   $\bar L(\rho^2) = a + b\rho^2$ fitted over positions by lane-weighted least squares
//!   ($\rho$ the engine's normalized distance from the package centre: a bowl-shaped package
//!   moves an engine by $W\rho^2$), and each position's residual.
//! - **Variance components** of each parameter's subgroup (engine) means between lots and
//!   between PIC wafers (one-way random-effects ANOVA, [`stats`]).
//!
//! - **Calibration** ([`calibrate`]): the yield engine's laser dead probability by maximum
//!   likelihood from the dead lasers of the assembled engines, given the engine test's laser
//!   coverage, with its 95 % profile-likelihood interval.
//!
//! - **Yield-engine fits** ([`yield_fit`]): block-common and per-fiber alignment sigma, local
//!   ring-offset spread, weak-laser fraction (and the laser dead probability above) by
//!   maximum likelihood with 95 % intervals; from schema 3's added columns ([`line_fit`]) the
//!   ASIC defect density and clustering α (wafer sort), warpage mean and spread (measured
//!   package warpage) and package- and system-test coverages (what each insertion caught);
//!   the parameters the data cannot identify listed with the reason.
//!
//! A repeated key (package, engine, lane, insertion) is an error naming both rows.
//!
//! **Architecture invariant:** pure and deterministic; `threads` changes nothing but speed.

mod analytics;
pub mod calibrate;
pub mod columns;
mod fits;
pub mod line_fit;
pub mod parameter;
mod results;
pub mod spc;
pub mod stats;
pub mod yield_fit;

use std::collections::{BTreeMap, HashMap};

pub use results::{
    CapabilityResult, ChartResult, FlaggedPoint, GroupYield, Pareto, ParetoBar, PositionResult,
    Spatial, SpcSeries, VarianceResult,
};
use serde::Serialize;
pub use spc::{Chart, RuleBreak};
pub use stats::{Capability, Moments, Proportion, SpecLimits, VarianceComponents};

pub use cporamp_yield::{ByMechanism, Mechanism};

pub use parameter::{ByParameter, Parameter};

/// Flagged points listed per chart and rule (all are counted).
pub const MAX_LISTED_BREAKS: usize = 20;

/// Points of each series kept for plotting (the last ones).
pub const PLOT_POINTS: usize = 400;

/// One lane at one insertion, as read from a test file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// Index of the file it came from (the caller's list).
    pub file: u32,
    /// Its data row in that file (1 = the first row after the header).
    pub row: u64,
    /// ASIC lot.
    pub lot: Option<u64>,
    /// PIC wafer of the lane's engine.
    pub pic_wafer: Option<u64>,
    /// Package id.
    pub package: u64,
    /// Engine position in the package.
    pub engine: u64,
    /// Lane within the engine.
    pub lane: u64,
    /// Insertion (test step), an id from [`Inspector::intern`].
    pub insertion: u32,
    /// Station (tester), an id from [`Inspector::intern`].
    pub station: u32,
    /// Build week, when the data has one.
    pub week: Option<i64>,
    /// The engine's normalized distance from the package centre, squared.
    pub position_rho_sq: Option<f64>,
    /// Measurements, each in its parameter's unit.
    pub values: ByParameter<Option<f64>>,
    /// The lane's laser is dead (`None`: not recorded).
    pub laser_dead: Option<bool>,
    /// The lane's laser is weak (`None`: not recorded).
    pub laser_weak: Option<bool>,
    /// Fiber re-attach attempts on the package (`None`: not recorded).
    pub reworks: Option<u64>,
    /// Failing mechanisms, bit `m as u8` for [`Mechanism`] `m`.
    pub failures: u8,
    /// The package passed its last package test (`None`: not recorded).
    pub package_test_pass: Option<bool>,
    /// The package shipped.
    pub shipped: bool,
    /// ASIC wafer of the package.
    pub wafer: Option<u64>,
    /// Dies of that wafer sorted at wafer test (`None`: not recorded).
    pub asic_wafer_dies_tested: Option<u64>,
    /// Of those, dies that passed.
    pub asic_wafer_dies_passed: Option<u64>,
    /// The package's measured corner warpage, µm.
    pub warpage_um: Option<f64>,
    /// Mechanisms the package's first package test caught, bit `m as u8` (`None`: not
    /// recorded).
    pub package_test_caught: Option<u8>,
    /// Mechanisms its system test caught, bit `m as u8` (`None`: not recorded).
    pub system_test_caught: Option<u8>,
}

/// The mechanism bits of `+`-joined mechanism names.
fn mechanism_bits(names: &str) -> u8 {
    Mechanism::ALL
        .into_iter()
        .filter(|m| names.split('+').any(|f| f == m.name()))
        .fold(0, |bits, m| bits | 1 << m as u8)
}

impl Record {
    /// A lane of the yield engine's test data ([`cporamp_yield::test_records`]) as a reader
    /// of schema 3 builds it: insertion and station id 0 (intern `package_test` first), no
    /// week.
    #[must_use]
    pub fn of_lane(lane: &cporamp_yield::LaneRecord, file: u32, row: u64) -> Record {
        Record {
            file,
            row,
            lot: Some(lane.lot as u64),
            pic_wafer: Some(lane.pic_wafer as u64),
            package: lane.package as u64,
            engine: lane.engine as u64,
            lane: lane.lane as u64,
            insertion: 0,
            station: 0,
            week: None,
            position_rho_sq: Some(lane.position_rho_sq),
            values: ByParameter::from_fn(|parameter| {
                Some(match parameter {
                    Parameter::CouplingLossDb => lane.coupling_loss_db,
                    Parameter::GapUm => lane.gap_um,
                    Parameter::HeaterShiftNm => lane.heater_shift_nm,
                })
            }),
            laser_dead: Some(lane.laser_dead),
            laser_weak: Some(lane.laser_weak),
            reworks: Some(lane.reworks as u64),
            failures: mechanism_bits(&lane.failures),
            package_test_pass: Some(lane.package_test_pass),
            shipped: lane.shipped,
            wafer: Some(lane.wafer as u64),
            asic_wafer_dies_tested: Some(lane.asic_wafer_dies_tested as u64),
            asic_wafer_dies_passed: Some(lane.asic_wafer_dies_passed as u64),
            warpage_um: Some(lane.warpage_um),
            package_test_caught: Some(mechanism_bits(&lane.package_test_caught)),
            system_test_caught: Some(mechanism_bits(&lane.system_test_caught)),
        }
    }
}

/// How to analyse.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InspectOptions {
    /// Specification limits per parameter.
    pub limits: ByParameter<SpecLimits>,
    /// Packages per build week when the data has no week (packages numbered in build order);
    /// `None`: no yield by week without a week column.
    pub packages_per_week: Option<u64>,
    /// How the lasers sit on an engine and how engine test screens them, for the laser
    /// calibration; `None`: no calibration.
    pub lasers: Option<LaserModel>,
    /// The design and test flow for the fits of the yield engine's parameters
    /// ([`yield_fit`]); `None`: no fits.
    pub fit_model: Option<yield_fit::FitModel>,
}

/// What the laser calibration needs to know of the design and the test flow.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LaserModel {
    /// Consecutive lanes fed by one on-engine laser.
    pub lanes_per_laser: u64,
    /// Engine-test coverage of laser failures.
    pub engine_test_coverage: f64,
    /// The probability the scenario assumes, shown beside the fit.
    pub scenario_probability: f64,
}

/// The calibration's results.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Calibration {
    /// The design and test flow assumed.
    pub model: LaserModel,
    /// The fit (`None` when not identifiable: engine test catches every dead laser).
    pub laser_dead: Option<calibrate::LaserDeadFit>,
}

/// The same (package, engine, lane, insertion) twice.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "package {package}, engine {engine}, lane {lane}, insertion {insertion} appears twice: first at file #{} row {}",
    first.0,
    first.1
)]
pub struct DuplicateKey {
    /// Package.
    pub package: u64,
    /// Engine.
    pub engine: u64,
    /// Lane.
    pub lane: u64,
    /// Insertion name.
    pub insertion: String,
    /// (file, row) of the first occurrence.
    pub first: (u32, u64),
    /// (file, row) of the repeat.
    pub second: (u32, u64),
}

#[derive(Debug, Clone, Default)]
struct PackageSums {
    lot: Option<u64>,
    week: Option<i64>,
    shipped: bool,
    package_test_pass: Option<bool>,
    mechanisms: u8,
}

/// A subgroup being filled: one station's consecutive records of one engine.
#[derive(Debug, Clone)]
struct Open {
    package: u64,
    engine: u64,
    file: u32,
    first_row: u64,
    last_row: u64,
    lot: Option<u64>,
    pic_wafer: Option<u64>,
    values: ByParameter<Moments>,
}

/// A closed subgroup of one parameter.
#[derive(Debug, Clone, Copy)]
struct Point {
    mean: f64,
    range: f64,
    n: u64,
    group: u32,
}

/// Where a subgroup's records are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SubgroupRows {
    /// File index.
    pub file: u32,
    /// First data row.
    pub first_row: u64,
    /// Last data row.
    pub last_row: u64,
    /// Package.
    pub package: u64,
    /// Engine.
    pub engine: u64,
}

#[derive(Debug, Default)]
struct Station {
    open: Option<Open>,
    groups: Vec<SubgroupRows>,
    series: ByParameter<Vec<Point>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct PositionSums {
    rho_sq: Moments,
    loss: Moments,
}

/// Folds records into the sums the analytics need (module docs).
#[derive(Debug, Default)]
pub struct Inspector {
    options: InspectOptions,
    names: Vec<String>,
    name_ids: HashMap<String, u32>,
    keys: HashMap<(u64, u64, u64, u32), (u32, u64)>,
    records: u64,
    packages: BTreeMap<u64, PackageSums>,
    lane_failures: ByMechanism<u64>,
    stations: BTreeMap<u32, Station>,
    overall: ByParameter<Moments>,
    within_ss: ByParameter<f64>,
    within_df: ByParameter<u64>,
    positions: BTreeMap<u64, PositionSums>,
    by_lot: ByParameter<BTreeMap<u64, Moments>>,
    by_pic_wafer: ByParameter<BTreeMap<u64, Moments>>,
    /// Per (package, engine): lanes seen (largest lane + 1) and the dead lanes.
    engines: BTreeMap<(u64, u64), (u64, Vec<u64>)>,
    /// Per (package, engine), with a fit model: gap, position and per lane (first record
    /// of each) loss, heater shift and weak laser.
    fit_engines: BTreeMap<(u64, u64), FitEngine>,
    /// Fiber re-attach attempts per package with one recorded.
    reworked: BTreeMap<u64, u64>,
    /// Collect the fits' data even before the fit model is set.
    collect_fits: bool,
    /// Per package, with a fit model: what the line fits read.
    fit_packages: BTreeMap<u64, FitPackage>,
    /// Per (lot, ASIC wafer): dies sorted and passed.
    asic_wafers: BTreeMap<(Option<u64>, u64), (u64, u64)>,
}

/// One package for the line fits ([`line_fit`]).
#[derive(Debug, Default)]
struct FitPackage {
    warpage_um: Option<f64>,
    reworks: u64,
    /// Its lanes' failing mechanisms.
    lanes: u8,
    package_caught: Option<u8>,
    system_caught: Option<u8>,
    package_test_pass: Option<bool>,
}

/// One engine's lanes for the fits.
#[derive(Debug, Default)]
struct FitEngine {
    /// PIC wafer.
    pic_wafer: Option<u64>,
    /// A lane failed for coupling.
    coupling_failed: bool,
    gap_um: Option<f64>,
    rho_sq: Option<f64>,
    lanes: BTreeMap<u64, FitLane>,
}

/// One lane for the fits: coupling loss, heater shift, weak laser.
type FitLane = (Option<f64>, Option<f64>, Option<bool>);

impl Inspector {
    /// An empty inspector.
    #[must_use]
    pub fn new(options: InspectOptions) -> Inspector {
        Inspector { options, ..Inspector::default() }
    }

    /// The id of an insertion or station name (the same name gives the same id).
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_string());
        self.name_ids.insert(name.to_string(), id);
        id
    }

    fn name(&self, id: u32) -> String {
        self.names.get(id as usize).cloned().unwrap_or_default()
    }

    /// Replaces the specification limits (known once the files have named their technology).
    pub fn set_limits(&mut self, limits: ByParameter<SpecLimits>) {
        self.options.limits = limits;
    }

    /// Sets the laser model of the calibration (known once the files have named their
    /// technology).
    pub fn set_lasers(&mut self, lasers: Option<LaserModel>) {
        self.options.lasers = lasers;
    }

    /// Sets the model of the yield engine's fits: before the first record, or after them
    /// when [`Inspector::collect_fit_data`] was called first.
    pub fn set_fit_model(&mut self, model: Option<yield_fit::FitModel>) {
        self.options.fit_model = model;
    }

    /// Keeps what the fits need from every record (lane losses, heater shifts, weak lasers)
    /// even before a fit model is set (when the model depends on what the files name).
    pub fn collect_fit_data(&mut self) {
        self.collect_fits = true;
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &InspectOptions {
        &self.options
    }

    /// Records pushed so far.
    #[must_use]
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Adds one record.
    ///
    /// # Errors
    /// [`DuplicateKey`] when its (package, engine, lane, insertion) was seen before.
    pub fn push(&mut self, record: &Record) -> Result<(), DuplicateKey> {
        let key = (record.package, record.engine, record.lane, record.insertion);
        if let Some(&first) = self.keys.get(&key) {
            return Err(DuplicateKey {
                package: record.package,
                engine: record.engine,
                lane: record.lane,
                insertion: self.name(record.insertion),
                first,
                second: (record.file, record.row),
            });
        }
        self.keys.insert(key, (record.file, record.row));
        self.records += 1;
        let package = self.packages.entry(record.package).or_insert_with(|| PackageSums {
            lot: record.lot,
            week: record.week,
            shipped: true,
            ..PackageSums::default()
        });
        package.shipped &= record.shipped;
        package.mechanisms |= record.failures;
        if let Some(pass) = record.package_test_pass {
            package.package_test_pass = Some(package.package_test_pass.unwrap_or(true) && pass);
        }
        if let Some(dead) = record.laser_dead {
            let engine = self.engines.entry((record.package, record.engine)).or_default();
            engine.0 = engine.0.max(record.lane + 1);
            if dead {
                engine.1.push(record.lane);
            }
        }
        if self.collect_fits || self.options.fit_model.is_some() {
            let engine = self.fit_engines.entry((record.package, record.engine)).or_default();
            engine.gap_um = engine.gap_um.or(record.values[Parameter::GapUm]);
            engine.rho_sq = engine.rho_sq.or(record.position_rho_sq);
            engine.coupling_failed |= record.failures & 1 == 1;
            engine.pic_wafer = engine.pic_wafer.or(record.pic_wafer);
            engine.lanes.entry(record.lane).or_insert((
                record.values[Parameter::CouplingLossDb],
                record.values[Parameter::HeaterShiftNm],
                record.laser_weak,
            ));
            if let Some(reworks) = record.reworks.filter(|&r| r > 0) {
                let slot = self.reworked.entry(record.package).or_default();
                *slot = (*slot).max(reworks);
            }
            let package = self.fit_packages.entry(record.package).or_default();
            package.warpage_um = package.warpage_um.or(record.warpage_um);
            package.reworks = package.reworks.max(record.reworks.unwrap_or(0));
            package.lanes |= record.failures;
            package.package_caught = package.package_caught.or(record.package_test_caught);
            package.system_caught = package.system_caught.or(record.system_test_caught);
            package.package_test_pass = package.package_test_pass.or(record.package_test_pass);
            if let (Some(wafer), Some(tested), Some(passed)) =
                (record.wafer, record.asic_wafer_dies_tested, record.asic_wafer_dies_passed)
            {
                let slot = self.asic_wafers.entry((record.lot, wafer)).or_default();
                *slot = (slot.0.max(tested), slot.1.max(passed));
            }
        }
        for m in Mechanism::ALL {
            self.lane_failures[m] += u64::from(record.failures >> m as u8 & 1);
        }
        for (p, value) in record.values.iter() {
            if let Some(v) = value {
                self.overall[p].push(*v);
            }
        }
        if let (Some(rho_sq), Some(loss)) =
            (record.position_rho_sq, record.values[Parameter::CouplingLossDb])
        {
            let position = self.positions.entry(record.engine).or_default();
            position.rho_sq.push(rho_sq);
            position.loss.push(loss);
        }
        let station = self.stations.entry(record.station).or_default();
        let same = station.open.as_ref().is_some_and(|open| {
            open.package == record.package
                && open.engine == record.engine
                && open.file == record.file
        });
        if !same {
            if let Some(open) = station.open.take() {
                Self::close(
                    station,
                    open,
                    &mut self.within_ss,
                    &mut self.within_df,
                    &mut self.by_lot,
                    &mut self.by_pic_wafer,
                );
            }
            station.open = Some(Open {
                package: record.package,
                engine: record.engine,
                file: record.file,
                first_row: record.row,
                last_row: record.row,
                lot: record.lot,
                pic_wafer: record.pic_wafer,
                values: ByParameter::default(),
            });
        }
        if let Some(open) = station.open.as_mut() {
            open.last_row = record.row;
            for (p, value) in record.values.iter() {
                if let Some(v) = value {
                    open.values[p].push(*v);
                }
            }
        }
        Ok(())
    }

    fn close(
        station: &mut Station,
        open: Open,
        within_ss: &mut ByParameter<f64>,
        within_df: &mut ByParameter<u64>,
        by_lot: &mut ByParameter<BTreeMap<u64, Moments>>,
        by_pic_wafer: &mut ByParameter<BTreeMap<u64, Moments>>,
    ) {
        let group = u32::try_from(station.groups.len()).unwrap_or(u32::MAX);
        station.groups.push(SubgroupRows {
            file: open.file,
            first_row: open.first_row,
            last_row: open.last_row,
            package: open.package,
            engine: open.engine,
        });
        for (p, moments) in open.values.iter() {
            if moments.count == 0 {
                continue;
            }
            within_ss[p] += moments.m2;
            within_df[p] += moments.count - 1;
            station.series[p].push(Point {
                mean: moments.mean,
                range: moments.max - moments.min,
                n: moments.count,
                group,
            });
            if let Some(lot) = open.lot {
                by_lot[p].entry(lot).or_default().push(moments.mean);
            }
            if let Some(wafer) = open.pic_wafer {
                by_pic_wafer[p].entry(wafer).or_default().push(moments.mean);
            }
        }
    }

    /// The analytics of every record pushed, computed on up to `threads` threads (the result
    /// does not depend on them).
    #[must_use]
    pub fn finish(mut self, threads: usize) -> InspectResult {
        let station_ids: Vec<u32> = self.stations.keys().copied().collect();
        for id in station_ids {
            if let Some(station) = self.stations.get_mut(&id)
                && let Some(open) = station.open.take()
            {
                Self::close(
                    station,
                    open,
                    &mut self.within_ss,
                    &mut self.within_df,
                    &mut self.by_lot,
                    &mut self.by_pic_wafer,
                );
            }
        }
        let spc = self.spc(threads);
        let capability = self.capability();
        let (by_lot, by_week) = self.yields();
        let packages = self.packages.len() as u64;
        let shipped = self.packages.values().filter(|p| p.shipped).count() as u64;
        InspectResult {
            records: self.records,
            packages,
            yield_overall: stats::wilson(shipped, packages),
            pareto: self.pareto(),
            spc,
            capability,
            yield_by_lot: by_lot,
            yield_by_week: by_week,
            spatial: self.spatial(),
            variance_components: self.variance_components(),
            calibration: self.calibration(),
            yield_fits: self.yield_fits(threads),
        }
    }
}

/// Everything [`Inspector::finish`] computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectResult {
    /// Records read.
    pub records: u64,
    /// Packages.
    pub packages: u64,
    /// Shipped over packages.
    pub yield_overall: Proportion,
    /// Pareto charts.
    pub pareto: Pareto,
    /// SPC per station and parameter.
    pub spc: Vec<SpcSeries>,
    /// Capability per parameter.
    pub capability: Vec<CapabilityResult>,
    /// Yield per lot.
    pub yield_by_lot: Vec<GroupYield>,
    /// Yield per week (empty without a week column or `packages_per_week`).
    pub yield_by_week: Vec<GroupYield>,
    /// Spatial fingerprint (None without positions and coupling loss).
    pub spatial: Option<Spatial>,
    /// Variance components.
    pub variance_components: Vec<VarianceResult>,
    /// Calibration of the yield engine's parameters (`None` without a laser model or laser
    /// data).
    pub calibration: Option<Calibration>,
    /// The fits of the yield engine's parameters, with the ones the data cannot identify
    /// (`None` without a fit model).
    pub yield_fits: Option<yield_fit::YieldFits>,
}

#[cfg(test)]
mod pins;
#[cfg(test)]
mod tests;
