//! `cporamp._native`: the Rust side of the `cporamp` Python package. Thin: every function
//! takes scenario TOML text (or a sweep as JSON), calls `cporamp-sweep`, `cporamp-core` and
//! `cporamp-pipeline` as the CLI does, and returns text, JSON or Parquet bytes that
//! `cporamp/__init__.py` turns into Python objects (dicts through `json`, tables through
//! pyarrow, which reads the Parquet columns without a Python object per value). The
//! interpreter lock is released while engines run (`Python::detach`), so other Python
//! threads (a notebook's UI, Ray's worker loop) go on.
//!
//! Errors become the package's exceptions: a refused scenario `cporamp.ScenarioError`
//! (with the origin and each problem's field path, line and column), a refused sweep
//! `cporamp.SweepError`, an engine failure `cporamp.RunError`.

use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::sync::{Mutex, PoisonError};

use cporamp_pipeline::RunOptions;
use cporamp_sweep::{Axis, Engine, Row, Seeds, Sweep};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::Deserialize;

/// Raises `cporamp.<class>(args...)`, a class the Python package defines.
fn package_error<'py>(
    py: Python<'py>,
    class: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyErr {
    let raised = py
        .import("cporamp")
        .and_then(|module| module.getattr(class))
        .and_then(|class| class.call1(args));
    match raised {
        Ok(exception) => PyErr::from_value(exception),
        Err(error) => error,
    }
}

fn scenario_error(py: Python<'_>, error: &cporamp_core::ScenarioError) -> PyErr {
    let diagnostics: Vec<(String, Option<usize>, Option<usize>, String)> = error
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = d.location.unzip();
            (d.path.clone(), line, column, d.to_string())
        })
        .collect();
    package_error(py, "ScenarioError", (error.to_string(), error.origin.clone(), diagnostics))
}

fn engines(names: &[String]) -> PyResult<Vec<Engine>> {
    names.iter().map(|name| Engine::parse(name).map_err(PyValueError::new_err)).collect()
}

/// `threads` workers, or as many as the machine offers when `None`; 0 is an error.
fn threads(threads: Option<usize>) -> PyResult<NonZeroUsize> {
    match threads {
        None => Ok(std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)),
        Some(count) => NonZeroUsize::new(count).ok_or_else(|| {
            PyValueError::new_err(
                "threads = 0; expected at least 1, or None for the machine's cores",
            )
        }),
    }
}

/// The embedded default scenario: (TOML text, origin).
#[pyfunction]
fn default_scenario() -> (String, String) {
    (
        cporamp_scenario::DEFAULT_SCENARIO_TOML.to_string(),
        cporamp_scenario::DEFAULT_ORIGIN.to_string(),
    )
}

/// The quick scenario (`@quick`: the default with small Monte Carlo sizes): (text, origin).
#[pyfunction]
fn quick_scenario() -> (String, String) {
    (cporamp_scenario::quick_scenario_toml(), cporamp_scenario::QUICK_ORIGIN.to_string())
}

/// Checks `text` as `cporamp scenario check` does for a run of `engines`, and returns the
/// resolved scenario as JSON; raises `cporamp.ScenarioError` naming every bad field.
#[pyfunction]
fn check(py: Python<'_>, text: &str, origin: &str, engines: Vec<String>) -> PyResult<String> {
    let engines = self::engines(&engines)?;
    let scenario = py
        .detach(|| cporamp_sweep::check(text, origin, &engines))
        .map_err(|error| scenario_error(py, &error))?;
    Ok(serde_json::to_string(&scenario).expect("a scenario serializes"))
}

fn document(text: &str) -> PyResult<toml::Table> {
    text.parse().map_err(|error: toml::de::Error| {
        PyValueError::new_err(format!("invalid TOML: {}", error.message()))
    })
}

/// The value at the dotted field `path` of the TOML `text`, as JSON.
#[pyfunction]
fn get_field(text: &str, path: &str) -> PyResult<String> {
    let document = document(text)?;
    let value = cporamp_sweep::path::get(&document, path)
        .map_err(|reason| PyValueError::new_err(format!("{path}: {reason}")))?;
    serde_json::to_string(value).map_err(|error| PyValueError::new_err(error.to_string()))
}

/// The TOML `text` with the field `path` set to the JSON `value` (comments are dropped).
#[pyfunction]
fn set_field(text: &str, path: &str, value: &str) -> PyResult<String> {
    let mut document = document(text)?;
    let value: toml::Value = serde_json::from_str(value).map_err(|error| {
        PyValueError::new_err(format!("{path}: a value TOML cannot hold ({error})"))
    })?;
    cporamp_sweep::path::set(&mut document, path, value)
        .map_err(|reason| PyValueError::new_err(format!("{path}: {reason}")))?;
    Ok(document.to_string())
}

/// Runs `engine` (or `all`) on the scenario `text` and returns what `cporamp ENGINE
/// --format json` prints (for `all`: `results.json`), with the interpreter lock released.
#[pyfunction]
#[pyo3(signature = (text, origin, engine, threads=None))]
fn run(
    py: Python<'_>,
    text: &str,
    origin: &str,
    engine: &str,
    threads: Option<usize>,
) -> PyResult<String> {
    let chosen =
        if engine == "all" { Engine::ALL.to_vec() } else { self::engines(&[engine.to_string()])? };
    let scenario = py
        .detach(|| cporamp_sweep::check(text, origin, &chosen))
        .map_err(|error| scenario_error(py, &error))?;
    let options = RunOptions::with_threads(self::threads(threads)?);
    let result = py.detach(|| {
        if engine == "all" {
            cporamp_sweep::results_json(&scenario, origin, &options)
        } else {
            cporamp_sweep::engine_json(&scenario, chosen[0], &options)
                .map(|value| value.to_string())
        }
    });
    result.map_err(|error| package_error(py, "RunError", (error.to_string(),)))
}

fn tables<'py>(
    py: Python<'py>,
    engine: &str,
    value: &serde_json::Value,
) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
    let tables = py.detach(|| {
        cporamp_sweep::result_tables(engine, value)
            .into_iter()
            .map(|(name, table)| cporamp_sweep::table_parquet(&table).map(|bytes| (name, bytes)))
            .collect::<Result<Vec<_>, _>>()
    });
    let tables =
        tables.map_err(|error| PyValueError::new_err(format!("{engine} tables: {error}")))?;
    Ok(tables.into_iter().map(|(name, bytes)| (name, PyBytes::new(py, &bytes))).collect())
}

/// The tables (name, Parquet bytes) of `engine`'s results, given as the JSON text that
/// `run` returned (see `cporamp_sweep::results`).
#[pyfunction]
fn result_tables<'py>(
    py: Python<'py>,
    engine: &str,
    results: &str,
) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
    let value: serde_json::Value = serde_json::from_str(results)
        .map_err(|error| PyValueError::new_err(format!("{engine} results: {error}")))?;
    tables(py, engine, &value)
}

/// Runs `engine` (not `all`) on the scenario `text` and returns its results' tables (name,
/// Parquet bytes), with the interpreter lock released.
#[pyfunction]
#[pyo3(signature = (text, origin, engine, threads=None))]
fn run_tables<'py>(
    py: Python<'py>,
    text: &str,
    origin: &str,
    engine: &str,
    threads: Option<usize>,
) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
    let chosen = self::engines(&[engine.to_string()])?;
    let scenario = py
        .detach(|| cporamp_sweep::check(text, origin, &chosen))
        .map_err(|error| scenario_error(py, &error))?;
    let options = RunOptions::with_threads(self::threads(threads)?);
    let value = py
        .detach(|| cporamp_sweep::engine_json(&scenario, chosen[0], &options))
        .map_err(|error| package_error(py, "RunError", (error.to_string(),)))?;
    tables(py, chosen[0].name(), &value)
}

/// A sweep as the Python package sends it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    base: String,
    origin: String,
    axes: Vec<Axis>,
    engines: Vec<Engine>,
    seeds: Seeds,
}

fn sweep_of(py: Python<'_>, spec: &str) -> PyResult<Sweep> {
    let spec: Spec = serde_json::from_str(spec)
        .map_err(|error| package_error(py, "SweepError", (format!("sweep: {error}"),)))?;
    Sweep::new(&spec.base, &spec.origin, spec.axes, &spec.engines, spec.seeds)
        .map_err(|error| package_error(py, "SweepError", (error.to_string(),)))
}

/// The number of scenarios of the sweep `spec` (JSON); raises `cporamp.SweepError`.
#[pyfunction]
fn sweep_len(py: Python<'_>, spec: &str) -> PyResult<usize> {
    Ok(sweep_of(py, spec)?.len())
}

/// Runs the scenarios `indices` of the sweep `spec`, `threads` at a time, and returns their
/// rows as JSON (what one Ray task computes and sends back).
#[pyfunction]
#[pyo3(signature = (spec, indices, threads=None))]
fn sweep_rows(
    py: Python<'_>,
    spec: &str,
    indices: Vec<usize>,
    threads: Option<usize>,
) -> PyResult<String> {
    let sweep = sweep_of(py, spec)?;
    if let Some(bad) = indices.iter().find(|&&index| index >= sweep.len()) {
        return Err(PyValueError::new_err(format!("scenario {bad} of a sweep of {}", sweep.len())));
    }
    let threads = self::threads(threads)?;
    let rows = py.detach(|| sweep.run_points(&indices, threads));
    Ok(serde_json::to_string(&rows).expect("rows serialize"))
}

/// The table (Parquet bytes) of the sweep `spec` from rows that `sweep_rows` returned, in
/// any order and batching.
#[pyfunction]
fn sweep_table<'py>(
    py: Python<'py>,
    spec: &str,
    batches: Vec<String>,
) -> PyResult<Bound<'py, PyBytes>> {
    let sweep = sweep_of(py, spec)?;
    let mut rows: Vec<Row> = Vec::new();
    for batch in &batches {
        let batch: Vec<Row> = serde_json::from_str(batch)
            .map_err(|error| PyValueError::new_err(format!("sweep rows: {error}")))?;
        rows.extend(batch);
    }
    rows.sort_by_key(|row| row.index);
    let expected: Vec<usize> = (0..sweep.len()).collect();
    let got: Vec<usize> = rows.iter().map(|row| row.index).collect();
    if got != expected {
        return Err(PyValueError::new_err(format!(
            "sweep rows: expected each of the {} scenarios once, got indices {got:?}",
            sweep.len()
        )));
    }
    parquet(py, &sweep, &rows)
}

fn parquet<'py>(py: Python<'py>, sweep: &Sweep, rows: &[Row]) -> PyResult<Bound<'py, PyBytes>> {
    let table = cporamp_sweep::table(sweep, rows);
    let bytes = cporamp_sweep::table_parquet(&table)
        .map_err(|error| PyValueError::new_err(format!("sweep table: {error}")))?;
    Ok(PyBytes::new(py, &bytes))
}

/// Runs every scenario of the sweep `spec` here, `threads` at a time, and returns its table
/// (Parquet bytes). With `progress`, calls `progress(done, total)` as each scenario
/// finishes: the engines run with the interpreter lock released and each call takes it for
/// itself alone; the first exception the callback raises stops the sweep (no scenario
/// starts after it, the running ones finish) and is raised here.
#[pyfunction]
#[pyo3(signature = (spec, threads=None, progress=None))]
fn sweep_local<'py>(
    py: Python<'py>,
    spec: &str,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let sweep = sweep_of(py, spec)?;
    let threads = self::threads(threads)?;
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let rows = py.detach(|| match &progress {
        None => Ok(sweep.run(threads)),
        Some(callback) => sweep.run_with_progress(threads, &|done, total| {
            Python::attach(|py| match callback.call1(py, (done, total)) {
                Ok(_) => ControlFlow::Continue(()),
                Err(error) => {
                    *raised.lock().unwrap_or_else(PoisonError::into_inner) = Some(error);
                    ControlFlow::Break(())
                }
            })
        }),
    });
    let rows = rows.map_err(|stopped| {
        raised
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or_else(|| PyRuntimeError::new_err(stopped.to_string()))
    })?;
    parquet(py, &sweep, &rows)
}

/// The native module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(default_scenario, module)?)?;
    module.add_function(wrap_pyfunction!(quick_scenario, module)?)?;
    module.add_function(wrap_pyfunction!(check, module)?)?;
    module.add_function(wrap_pyfunction!(get_field, module)?)?;
    module.add_function(wrap_pyfunction!(set_field, module)?)?;
    module.add_function(wrap_pyfunction!(run, module)?)?;
    module.add_function(wrap_pyfunction!(result_tables, module)?)?;
    module.add_function(wrap_pyfunction!(run_tables, module)?)?;
    module.add_function(wrap_pyfunction!(sweep_len, module)?)?;
    module.add_function(wrap_pyfunction!(sweep_rows, module)?)?;
    module.add_function(wrap_pyfunction!(sweep_table, module)?)?;
    module.add_function(wrap_pyfunction!(sweep_local, module)?)?;
    module.add("ENGINES", Engine::ALL.iter().map(|engine| engine.name()).collect::<Vec<_>>())?;
    Ok(())
}
