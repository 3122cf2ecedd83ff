//! `cporamp align`: the alignment model on a scenario, as two tables (the attach methods side
//! by side, and what the active search did) or JSON.

use crate::args::{AlignArgs, EngineArgs};
use crate::table::{Cell, Table};
use crate::{Failure, Session};
use cporamp_align::{AlignResult, MethodResult};

/// Runs `cporamp align`.
pub(crate) fn run(args: AlignArgs) -> Result<(), Failure> {
    let AlignArgs { scenario, format, output, seed, execution } = args;
    let common = EngineArgs { scenario, generation: None, format, output, execution };
    let mut session = Session::start(&common, &["align"])?;
    if let Some(seed) = seed {
        session.scenario.align.seed = u64::from(seed);
    }
    let result =
        session.with_options(|options| cporamp_pipeline::run_align(&session.scenario, options))?;
    let block_sigma_um = session.scenario.photonics.block_sigma_um.0;
    session.emit("align", || tables(&result, block_sigma_um), || crate::json(&result), None)
}

/// The methods side by side, and the active search.
pub(crate) fn tables(result: &AlignResult, block_sigma_um: f64) -> Vec<Table> {
    let methods = result.methods();
    let columns = methods.iter().map(|method| method.label.to_string()).collect();
    let mut attach = Table::new(
        format!(
            "Fiber attach: {} arrays of {} fibers per method, {} arrays per engine, coupling \
             budget {} dB per lane",
            result.arrays,
            result.fibers_per_array,
            result.arrays_per_engine,
            result.coupling_budget_db
        ),
        "per method",
        columns,
    );
    let row = |table: &mut Table, label: &str, cell: &dyn Fn(&MethodResult) -> Cell| {
        table.row(label, methods.iter().map(|method| cell(method)).collect());
    };
    row(&mut attach, "coupler mode radius, µm", &|m| Cell::number(m.mode_radius_um, 1));
    row(&mut attach, "machine time per array, s", &|m| Cell::number(m.time_per_array_s, 1));
    row(&mut attach, "machine time per engine, s", &|m| Cell::number(m.time_per_engine_s, 0));
    row(&mut attach, "fibers per second", &|m| Cell::number(m.fibers_per_s, 2));
    row(&mut attach, "cost per engine, $", &|m| Cell::number(m.cost_per_engine_usd, 2));
    row(&mut attach, "lane loss mean, dB", &|m| Cell::number(m.loss.mean_db, 2));
    row(&mut attach, "lane loss p50, dB", &|m| Cell::number(m.loss.p50_db, 2));
    row(&mut attach, "lane loss p90, dB", &|m| Cell::number(m.loss.p90_db, 2));
    row(&mut attach, "lane loss p99, dB", &|m| Cell::number(m.loss.p99_db, 2));
    row(&mut attach, "lane yield, %", &|m| {
        Cell::pm(100.0 * m.lane_yield.value, 100.0 * m.lane_yield.se, 2)
    });
    row(&mut attach, "array yield, %", &|m| {
        Cell::pm(100.0 * m.array_yield.value, 100.0 * m.array_yield.se, 1)
    });
    row(&mut attach, "engine yield, %", &|m| Cell::number(100.0 * m.engine_yield, 1));
    attach.note(
        "Loss is the Gaussian mode overlap after the epoxy cure (shift, bond line, tilt); \
         passive V-groove cores sit where their grooves put them (no search). The state of the \
         art in active alignment is about 1 fiber per second (docs/sources.md: S74).",
    );

    let search = &result.search;
    let mut active = Table::new(
        "Active alignment search (spiral to first light, then hill climb over x, y, z, roll)",
        "search",
        vec!["value".to_string()],
    );
    let one = |table: &mut Table, label: &str, cell: Cell| table.row(label, vec![cell]);
    let failures = search.first_light_failures;
    one(
        &mut active,
        "no first light in range, %",
        Cell::pm(100.0 * failures.value, 100.0 * failures.se, 2),
    );
    one(&mut active, "spiral readings, mean", Cell::number(search.spiral_readings, 1));
    one(
        &mut active,
        "spiral readings if exhausted",
        Cell::number(search.spiral_exhausted_readings as f64, 0),
    );
    one(&mut active, "hill-climb readings, mean", Cell::number(search.climb_readings, 1));
    one(&mut active, "stage time of the search, s", Cell::number(search.search_s, 2));
    one(&mut active, "placement error RMS per axis, µm", Cell::number(search.placement_rms_um, 3));
    one(&mut active, "[photonics] block_sigma_um, µm", Cell::number(block_sigma_um, 3));
    one(&mut active, "roll error RMS, µrad", Cell::number(search.roll_rms_urad, 1));
    one(
        &mut active,
        "lane failure, cure shift alone, %",
        Cell::number(100.0 * result.cure_only_failure, 3),
    );
    active.note(
        "Placement error is the aligned array's offset from the couplers' centre before cure \
         (the yield engine's block placement, beside its [photonics] block_sigma_um); the \
         cure-shift failure is the closed form exp(-d_c^2 / 2 sigma_s^2) for a perfectly \
         aligned lane.",
    );
    vec![attach, active]
}
