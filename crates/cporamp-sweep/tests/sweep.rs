//! Sweeps of the quick scenario (`@quick`: the default with small Monte Carlo sizes, every
//! engine in about half a second): scheduling never changes a row, seeds are derived per
//! scenario, a refused scenario fails its row only, and the table reads back from Parquet.

use std::num::NonZeroUsize;

use cporamp_pipeline::RunOptions;
use cporamp_scenario::quick_scenario_toml;
use cporamp_sweep::table::Values;
use cporamp_sweep::{Axis, Engine, Row, Seeds, Sweep, SweepError, derive_seed};
use toml::Value;

const INLET: &str = "thermal.cold_plate.nominal_inlet_c";
const HOTTEST: &str = "thermal | 102.4T CPO, integrated laser | hottest engine [°C]";

fn inlet_axis(values: &[f64]) -> Axis {
    Axis { path: INLET.to_string(), values: values.iter().map(|&v| Value::Float(v)).collect() }
}

fn sweep(axes: Vec<Axis>, engines: &[Engine], seeds: Seeds) -> Sweep {
    Sweep::new(&quick_scenario_toml(), "@quick", axes, engines, seeds).unwrap()
}

fn threads(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap()
}

fn figure(row: &Row, column: &str) -> f64 {
    let figures = row.outcome.as_ref().unwrap();
    figures.iter().find(|f| f.column == column).unwrap_or_else(|| panic!("no {column}")).value
}

#[test]
fn rows_do_not_depend_on_threads_or_on_which_indices_run_together() {
    let lanes = Axis {
        path: "photonics.lanes".to_string(),
        values: vec![Value::Integer(16), Value::Integer(32)],
    };
    let sweep = sweep(vec![inlet_axis(&[30.0, 40.0]), lanes], &[Engine::Photonics], Seeds::Derived);
    assert_eq!(sweep.len(), 4);
    let one = sweep.run(threads(1));
    let two = sweep.run(threads(2));
    assert_eq!(one, two);
    // As a cluster would run them: scattered, in batches, in another order.
    let mut batches = sweep.run_points(&[3, 0], threads(2));
    batches.extend(sweep.run_points(&[2, 1], threads(1)));
    batches.sort_by_key(|row| row.index);
    assert_eq!(one, batches);
    // Rows travel between processes (Ray tasks) as JSON: every number comes back bit for bit.
    let json = serde_json::to_string(&one).unwrap();
    assert_eq!(serde_json::from_str::<Vec<Row>>(&json).unwrap(), one);
    // Row-major, first axis slowest.
    assert_eq!(sweep.point_values(1), vec![Value::Float(30.0), Value::Integer(32)]);
    assert_eq!(sweep.point_values(2), vec![Value::Float(40.0), Value::Integer(16)]);
    // Derived seeds: scenarios 0 and 1 differ only in lanes, yet their flap estimates are
    // independent draws, so they are not bit-identical.
    let flaps = "photonics | 102.4T CPO, integrated laser | flaps, feedback only [1/lane-h]";
    assert!(one.iter().all(|row| row.outcome.is_ok()));
    let table = cporamp_sweep::table(&sweep, &one);
    assert_eq!(table.rows(), 4);
    assert!(table.column(flaps).is_some());
}

#[test]
fn derived_seeds_hash_base_and_index_and_common_seeds_keep_the_base() {
    let derived = sweep(vec![inlet_axis(&[30.0, 40.0])], &[Engine::Thermal], Seeds::Derived);
    let common = sweep(vec![inlet_axis(&[30.0, 40.0])], &[Engine::Thermal], Seeds::Common);
    let base = 20_261_125;
    for index in 0..2 {
        let point = derived.point(index);
        let scenario = cporamp_scenario::load(&point.text, &point.origin).unwrap();
        assert_eq!(scenario.photonics.seed, derive_seed(base, index));
        assert_eq!(scenario.yield_settings.seed, derive_seed(base, index));
        assert_eq!(scenario.market.seed, derive_seed(base, index));
        let point = common.point(index);
        let scenario = cporamp_scenario::load(&point.text, &point.origin).unwrap();
        assert_eq!(scenario.photonics.seed, base);
    }
    assert_ne!(derive_seed(base, 0), derive_seed(base, 1));
    assert_ne!(derive_seed(base, 0), derive_seed(base + 1, 0));
    assert!(derive_seed(u64::MAX, usize::MAX) <= u64::from(u32::MAX));
    // An axis on a seed field keeps its values.
    let seeded = sweep(
        vec![Axis { path: "photonics.seed".to_string(), values: vec![Value::Integer(7)] }],
        &[Engine::Photonics],
        Seeds::Derived,
    );
    let point = seeded.point(0);
    assert_eq!(cporamp_scenario::load(&point.text, &point.origin).unwrap().photonics.seed, 7);
}

#[test]
fn a_sweep_point_at_the_base_values_equals_a_direct_run_and_the_inlet_moves_the_engines() {
    let sweep = sweep(vec![inlet_axis(&[35.0, 45.0])], &[Engine::Thermal], Seeds::Common);
    let rows = sweep.run(threads(2));
    // 35 °C is the base's own inlet: the row is the base scenario's figures, bit for bit.
    let scenario = cporamp_scenario::load(&quick_scenario_toml(), "@quick").unwrap();
    let direct = cporamp_sweep::figures(
        &scenario,
        "@quick",
        &[Engine::Thermal],
        &RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
    )
    .unwrap();
    assert_eq!(rows[0].outcome.as_ref().unwrap(), &direct);
    // The package sits on the coolant: 10 K more at the inlet moves the hottest engine by
    // 10 K plus what the warmer ASIC leaks (a few tenths of a kelvin), never less.
    let rise = figure(&rows[1], HOTTEST) - figure(&rows[0], HOTTEST);
    assert!((10.0..11.5).contains(&rise), "hottest engine rose {rise} K for 10 K of inlet");
    // The base's own inlet sweep ends at 45 °C: its hot end is the 45 °C row's nominal
    // within the fixed points' tolerance (0.01 K each), 10 K and a little leakage above 35.
    let hot_end =
        "thermal | 102.4T CPO, integrated laser | hottest engine at the hottest sweep inlet [°C]";
    let hot = figure(&rows[0], hot_end);
    assert!(
        (hot - figure(&rows[1], HOTTEST)).abs() < 0.05,
        "{hot} vs {}",
        figure(&rows[1], HOTTEST)
    );
    // Only thermal's figures: the comparison's are not asked for.
    assert!(direct.iter().all(|f| f.column.starts_with("thermal | ")));
}

#[test]
fn a_refused_scenario_fails_its_row_with_the_field_and_the_others_run() {
    let sweep = sweep(vec![inlet_axis(&[35.0, -300.0])], &[Engine::Compare], Seeds::Derived);
    let rows = sweep.run(threads(2));
    assert!(rows[0].outcome.is_ok());
    let error = rows[1].outcome.as_ref().unwrap_err();
    assert_eq!(error.field.as_deref(), Some(INLET));
    assert!(error.message.contains("-300"), "{}", error.message);
    assert!(error.message.contains("sweep scenario 1"), "{}", error.message);
    let table = cporamp_sweep::table(&sweep, &rows);
    let Some(Values::Text(fields)) = table.column("error_field") else { panic!("no error_field") };
    assert_eq!(fields, &[None, Some(INLET.to_string())]);
    let power = "compare | 102.4T CPO, integrated laser | switch power [W]";
    let Some(Values::Double(power)) = table.column(power) else { panic!("no {power}") };
    assert!(
        power[0].is_some_and(|w| (500.0..2000.0).contains(&w)) && power[1].is_none(),
        "{power:?}"
    );
}

#[test]
fn a_bad_sweep_is_refused_before_anything_runs() {
    let base = quick_scenario_toml();
    let new = |axes, engines: &[Engine]| {
        Sweep::new(&base, "@quick", axes, engines, Seeds::Derived).unwrap_err()
    };
    let typo =
        Axis { path: "thermal.cold_plate.inlet_c".to_string(), values: vec![Value::Float(1.0)] };
    assert_eq!(
        new(vec![typo], &[Engine::Thermal]).to_string(),
        "axis \"thermal.cold_plate.inlet_c\": thermal.cold_plate has no field \"inlet_c\""
    );
    let empty = Axis { path: INLET.to_string(), values: vec![] };
    assert!(matches!(new(vec![empty], &[Engine::Thermal]), SweepError::Axis { .. }));
    assert_eq!(new(vec![], &[]), SweepError::NoEngine);
    let big = |path: &str| Axis { path: path.to_string(), values: vec![Value::Integer(1); 10_000] };
    assert!(matches!(
        new(vec![big(INLET), big("photonics.lanes")], &[Engine::Thermal]),
        SweepError::TooLarge { count: 100_000_000, .. }
    ));
}

#[test]
fn a_sweep_file_parses_and_names_a_bad_key() {
    let file = cporamp_sweep::parse_sweep_file(
        "base = \"@quick\"\nengines = [\"thermal\", \"yield\"]\nseeds = \"common\"\n\
         [[axis]]\npath = \"photonics.lanes\"\nvalues = [16, 32]\n",
        "s.toml",
    )
    .unwrap();
    assert_eq!(file.engines, vec![Engine::Thermal, Engine::Yield]);
    assert_eq!(file.seeds, Seeds::Common);
    assert_eq!(file.axes[0].values, vec![Value::Integer(16), Value::Integer(32)]);
    let error =
        cporamp_sweep::parse_sweep_file("base = \"@quick\"\nengines = [\"heat\"]\n", "s.toml")
            .unwrap_err()
            .to_string();
    assert!(error.starts_with("sweep file s.toml: ") && error.contains("heat"), "{error}");
    assert!(error.contains("engines"), "{error}");
}

#[test]
fn the_table_reads_back_from_parquet_with_nulls_for_a_failed_row() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let sweep = sweep(vec![inlet_axis(&[35.0, -300.0])], &[Engine::Compare], Seeds::Derived);
    let rows = sweep.run(threads(1));
    let table = cporamp_sweep::table(&sweep, &rows);
    let bytes = cporamp_sweep::table_parquet(&table).unwrap();
    let reader = SerializedFileReader::new(bytes::Bytes::from(bytes)).unwrap();
    let metadata = reader.metadata().file_metadata();
    assert_eq!(metadata.num_rows(), 2);
    let names: Vec<&str> = metadata.schema_descr().columns().iter().map(|c| c.name()).collect();
    assert_eq!(&names[..4], &["index", INLET, "error", "error_field"]);
    assert_eq!(names.len(), table.columns.len());
    let read: Vec<_> = reader.get_row_iter(None).unwrap().map(Result::unwrap).collect();
    assert_eq!(read[1].get_column_iter().nth(3).unwrap().1.to_string(), format!("\"{INLET}\""));
    assert_eq!(read[1].get_column_iter().nth(4).unwrap().1.to_string(), "null");
    let engines = metadata.key_value_metadata().unwrap();
    assert!(
        engines
            .iter()
            .any(|kv| kv.key == "cporamp.sweep.engines" && kv.value.as_deref() == Some("compare"))
    );
}

#[test]
fn progress_counts_every_scenario_once_in_order_and_never_changes_the_rows() {
    use std::ops::ControlFlow;
    use std::sync::Mutex;
    let sweep = sweep(
        vec![inlet_axis(&[25.0, 30.0, 35.0, 40.0, 45.0])],
        &[Engine::Compare],
        Seeds::Derived,
    );
    let plain = sweep.run(threads(1));
    for n in [1, 2, 3] {
        let seen = Mutex::new(Vec::new());
        let observed = sweep
            .run_with_progress(threads(n), &|done, total| {
                seen.lock().unwrap().push((done, total));
                ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(observed, plain, "{n} threads");
        let expected: Vec<(usize, usize)> = (1..=5).map(|done| (done, 5)).collect();
        assert_eq!(seen.into_inner().unwrap(), expected, "{n} threads");
    }
    // An observer that stops the sweep: no row, no further call, no scenario started after.
    let calls = Mutex::new(0);
    let stopped = sweep.run_with_progress(threads(1), &|done, _| {
        *calls.lock().unwrap() += 1;
        if done == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    });
    assert_eq!(stopped, Err(cporamp_sweep::Stopped { done: 2, total: 5 }));
    assert_eq!(calls.into_inner().unwrap(), 2);
    // A batch counts its own scenarios.
    let seen = Mutex::new(Vec::new());
    let rows = sweep
        .run_points_with_progress(&[4, 1], threads(2), &|done, total| {
            seen.lock().unwrap().push((done, total));
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(rows.iter().map(|row| row.index).collect::<Vec<_>>(), [4, 1]);
    assert_eq!(seen.into_inner().unwrap(), [(1, 2), (2, 2)]);
}
