//! The engine commands (`compare`, `yield`, `fleet`, `market`, `photonics`, `thermal`) and
//! `scenario check`: each starts a session (or reads its own files), runs the library and
//! prints.

use std::num::NonZeroUsize;
use std::path::Path;

use crate::args::{BudgetArgs, EngineArgs, Format, ThermalArgs};
use crate::{
    ENGINE_STAGES, Failure, Session, format_cpu, json, load_scenario, market_update, output, print,
    signals, table, write_test_data,
};
use cporamp_scenario::limits::ALL_STAGES;

/// `cporamp compare`: the comparison's tables.
pub(crate) fn compare(common: &EngineArgs) -> Result<(), Failure> {
    let session = Session::start(common, &["thermal"])?;
    let comparison = session
        .with_options(|options| cporamp_pipeline::compare(&session.scenario, None, options))?;
    let generations = &comparison.generations;
    session.emit(
        "compare",
        || table::compare_tables(generations),
        || json(generations),
        Some(table::compare_frame(generations)),
    )
}

/// `cporamp yield`: the yield engine's tables, and its test data with `--test-data`.
pub(crate) fn yields(
    common: &EngineArgs,
    test_data: Option<&Path>,
    test_packages: u16,
) -> Result<(), Failure> {
    let session = Session::start(common, ENGINE_STAGES)?;
    if let Some(directory) = test_data {
        output::check_directory(directory).map_err(Failure::Input)?;
    }
    let output = session.engines()?;
    if let Some(directory) = test_data {
        let written = write_test_data(directory, &output.yields, usize::from(test_packages))?;
        session.note(&written);
    }
    session.emit(
        "yield",
        || table::yield_tables(&output.yields, &output.comparison.generations),
        || json(&output.yields),
        None,
    )
}

/// `cporamp fleet`: the fleet engine's tables.
pub(crate) fn fleet(common: &EngineArgs) -> Result<(), Failure> {
    let session = Session::start(common, &["thermal", "photonics", "yield", "fleet"])?;
    let engines = session.engines()?;
    let fleet = session.with_options(|options| {
        cporamp_pipeline::run_fleet(&session.scenario, &engines, options)
    })?;
    session.emit("fleet", || table::fleet_tables(&fleet, &session.scenario), || json(&fleet), None)
}

/// `cporamp market`: the market engine's tables, updated by `--signals` observations.
pub(crate) fn market(common: &EngineArgs, signals: Option<&Path>) -> Result<(), Failure> {
    let session = Session::start(common, ALL_STAGES)?;
    let observations = signals.map(|path| signals::read(path, &session.scenario)).transpose()?;
    let output = session.run()?;
    let update = market_update(&output.market, observations.as_ref())?;
    session.emit(
        "market",
        || table::market_tables(&output.market, update.as_ref()),
        || json(&serde_json::json!({ "market": &output.market, "market_update": &update })),
        None,
    )
}

/// `cporamp photonics`: the photonics engine's tables.
pub(crate) fn photonics(common: &EngineArgs) -> Result<(), Failure> {
    let session = Session::start(common, ENGINE_STAGES)?;
    let output = session.engines()?;
    session.emit(
        "photonics",
        || table::photonics_tables(&output.photonics),
        || json(&output.photonics),
        None,
    )
}

/// `cporamp thermal`: 3D-ICE mode, HotSpot mode, or the thermal engine's tables.
pub(crate) fn thermal(args: &ThermalArgs) -> Result<(), Failure> {
    if args.three_d_ice.is_some() {
        if args.common.scenario.path().is_some() || args.common.generation.is_some() {
            return Err(Failure::Input(anyhow::anyhow!(
                "3D-ICE mode (--3d-ice) reads 3D-ICE's files, not a scenario; drop the \
                 scenario and --generation, or drop --3d-ice"
            )));
        }
        return print(&crate::thermal::run_three_d_ice(args)?);
    }
    match &args.hotspot_config {
        Some(_) => {
            if args.common.scenario.path().is_some() || args.common.generation.is_some() {
                return Err(Failure::Input(anyhow::anyhow!(
                    "HotSpot mode (--hotspot-config) reads HotSpot's files, not a scenario; \
                     drop the scenario and --generation, or drop --hotspot-config"
                )));
            }
            if args.common.format != Format::Text {
                return Err(Failure::Input(anyhow::anyhow!(
                    "HotSpot mode prints HotSpot's own layouts; --format {:?} applies to the \
                     package mode only",
                    args.common.format
                )));
            }
            print(&crate::thermal::run_hotspot(args)?)
        }
        None => {
            let session = Session::start(&args.common, ENGINE_STAGES)?;
            let output = session.engines()?;
            session.emit(
                "thermal",
                || table::thermal_tables(&output.thermal),
                || json(&output.thermal),
                None,
            )
        }
    }
}

/// `cporamp scenario check`: the scenario's size and its estimated memory and CPU time.
pub(crate) fn scenario_check(
    file: &Path,
    threads: Option<NonZeroUsize>,
    budget: &BudgetArgs,
) -> Result<(), Failure> {
    let threads = threads.unwrap_or_else(crate::machine_threads).get();
    let budget = budget.budget(threads);
    let (scenario, origin, estimate) = load_scenario(Some(file), budget, ALL_STAGES)?;
    print(&format!(
        "{origin}: ok: {} technologies x {} generations; a run on {threads} thread{} \
         needs about {} of memory and {} (estimates; budget {} and {:.1} CPU-hours)\n",
        scenario.technologies.len(),
        scenario.generations.len(),
        if threads == 1 { "" } else { "s" },
        cporamp_scenario::limits::human_bytes(estimate.peak_memory_bytes()),
        format_cpu(estimate.cpu_s()),
        cporamp_scenario::limits::human_bytes(budget.memory_bytes),
        budget.cpu_s / 3600.0,
    ))
}
