//! cporamp-sweep: many scenarios from one. A base scenario (its TOML text) is edited along
//! axes, each a field path and a list of values; every combination (the cartesian product,
//! first axis slowest) is checked as `cporamp scenario check` checks a file, run through the
//! pipeline's entry points for the chosen engines, and reduced to one row: the swept values,
//! the headline figures of the engines (those `cporamp diff` compares) or the error that
//! stopped that scenario. A failed scenario never stops the others.
//!
//! **Seeds.** With [`Seeds::Derived`] (the default) every seed field of scenario *i*
//! (`photonics.seed`, `yield.seed`, `fleet.seed`, `market.seed`, `align.seed`, unless an
//! axis sets it) is replaced by a hash of the base seed and *i* ([`derive_seed`]): the
//! scenarios draw independent Monte Carlo samples, and scenario *i*'s numbers depend only
//! on the base, the axes and *i*, never on threads, batches or which machine ran it. With
//! [`Seeds::Common`] every scenario keeps the base seeds (common random numbers: the
//! differences between scenarios carry less Monte Carlo noise).
//!
//! The CLI (`cporamp sweep`) and the Python package (`cporamp.sweep`, locally or as Ray
//! tasks that each run [`Sweep::run_points`] on some indices) share this crate; both build
//! the table with [`table()`], so a table does not depend on where its rows were computed.
//!
//! **Progress.** [`Sweep::run_points_with_progress`] calls an observer `(done, total)` as
//! each scenario finishes (the CLI's bar, a Python callback) and stops starting scenarios
//! when it returns [`ControlFlow::Break`]; it never sees or changes a row.
//!
//! **Architecture invariant:** pure, like the pipeline: text in, rows out; the callers read
//! and write files and draw progress.

use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use cporamp_core::ScenarioError;
use cporamp_pipeline::{PipelineError, RunOptions};
use cporamp_scenario::Scenario;
use cporamp_scenario::limits::{Budget, check_budget};
use serde::{Deserialize, Serialize};
use toml::Value;

mod figures;
pub mod path;
pub mod results;
pub mod table;

pub use figures::{column_name, figures};
pub use results::result_tables;
pub use table::{Table, table, table_parquet};

/// An engine a sweep (or one run) can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// The technology comparison at the settled temperatures (`cporamp compare`).
    Compare,
    /// The package temperatures, inlet sweep and cycling (`cporamp thermal`).
    Thermal,
    /// Ring drift, lock loops and flaps (`cporamp photonics`).
    Photonics,
    /// Yield, escapes and cost per switch (`cporamp yield`).
    Yield,
    /// Fabric failures, repairs and job goodput (`cporamp fleet`).
    Fleet,
    /// Scenario probabilities and volume years (`cporamp market`).
    Market,
    /// Fiber-array active alignment against passive attach (`cporamp align`).
    Align,
}

impl Engine {
    /// Every engine, in the pipeline's order.
    pub const ALL: [Engine; 7] = [
        Engine::Compare,
        Engine::Thermal,
        Engine::Photonics,
        Engine::Yield,
        Engine::Fleet,
        Engine::Market,
        Engine::Align,
    ];

    /// The engine's name, as the CLI's subcommand names it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Engine::Compare => "compare",
            Engine::Thermal => "thermal",
            Engine::Photonics => "photonics",
            Engine::Yield => "yield",
            Engine::Fleet => "fleet",
            Engine::Market => "market",
            Engine::Align => "align",
        }
    }

    /// The engine named `name`.
    ///
    /// # Errors
    /// The name and the names accepted.
    pub fn parse(name: &str) -> Result<Engine, String> {
        Engine::ALL.into_iter().find(|engine| engine.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Engine::ALL.iter().map(|engine| engine.name()).collect();
            format!("unknown engine {name:?}; expected one of {}", names.join(", "))
        })
    }

    /// The stages of the resource estimate (`scenario::limits`) a run of this engine needs,
    /// as the CLI's subcommand checks them.
    fn stages(self) -> &'static [&'static str] {
        match self {
            Engine::Compare => &["thermal"],
            Engine::Thermal | Engine::Photonics | Engine::Yield => {
                &["thermal", "photonics", "yield"]
            }
            Engine::Fleet => &["thermal", "photonics", "yield", "fleet"],
            Engine::Market => cporamp_scenario::limits::ALL_STAGES,
            Engine::Align => &["align"],
        }
    }
}

/// The stages of `engines` together.
fn stages_of(engines: &[Engine]) -> Vec<&'static str> {
    let mut stages: Vec<&'static str> = Vec::new();
    for stage in engines.iter().flat_map(|engine| engine.stages()) {
        if !stages.contains(stage) {
            stages.push(stage);
        }
    }
    stages
}

/// Loads `text` and checks it as `cporamp scenario check` does: every field in range and
/// consistent (`cporamp_scenario::load`), the pipeline's own checks (`preflight`), and the
/// resource estimate of a run of `engines` on one thread against the default budget.
///
/// # Errors
/// The [`ScenarioError`] naming each bad field (dotted path), its value and what was
/// expected.
pub fn check(text: &str, origin: &str, engines: &[Engine]) -> Result<Scenario, ScenarioError> {
    let scenario = cporamp_scenario::load(text, origin)?;
    cporamp_pipeline::preflight(&scenario, text, origin)?;
    let budget = Budget {
        memory_bytes: Budget::DEFAULT_MEMORY_BYTES,
        cpu_s: Budget::DEFAULT_CPU_S,
        threads: 1,
    };
    check_budget(&scenario, text, origin, budget, &stages_of(engines))?;
    Ok(scenario)
}

/// Runs `engine` on `scenario` and returns what `cporamp ENGINE --format json` prints, as a
/// JSON value: the same pipeline calls and the same serialized results.
///
/// # Errors
/// The [`PipelineError`] of the engine or of one it depends on.
pub fn engine_json(
    scenario: &Scenario,
    engine: Engine,
    options: &RunOptions,
) -> Result<serde_json::Value, PipelineError> {
    let value = match engine {
        Engine::Compare => {
            let comparison = cporamp_pipeline::compare(scenario, None, options)?;
            serde_json::to_value(&comparison.generations)
        }
        Engine::Thermal => {
            serde_json::to_value(cporamp_pipeline::run_engines(scenario, options)?.thermal)
        }
        Engine::Photonics => {
            serde_json::to_value(cporamp_pipeline::run_engines(scenario, options)?.photonics)
        }
        Engine::Yield => {
            serde_json::to_value(cporamp_pipeline::run_engines(scenario, options)?.yields)
        }
        Engine::Fleet => {
            let engines = cporamp_pipeline::run_engines(scenario, options)?;
            serde_json::to_value(cporamp_pipeline::run_fleet(scenario, &engines, options)?)
        }
        Engine::Market => {
            let output = cporamp_pipeline::run(scenario, options)?;
            let market_update: Option<()> = None;
            serde_json::to_value(serde_json::json!({
                "market": &output.market,
                "market_update": market_update,
            }))
        }
        Engine::Align => serde_json::to_value(cporamp_pipeline::run_align(scenario, options)?),
    };
    Ok(value.expect("engine results serialize (plain numbers, strings and arrays)"))
}

/// Runs every engine on `scenario` and returns `results.json` as `cporamp run` writes it
/// (without signals or calibration).
///
/// # Errors
/// The [`PipelineError`] of the first engine that failed.
pub fn results_json(
    scenario: &Scenario,
    origin: &str,
    options: &RunOptions,
) -> Result<String, PipelineError> {
    let output = cporamp_pipeline::run(scenario, options)?;
    let run = cporamp_report::RunResults::of_run(origin, scenario, &output, None);
    Ok(cporamp_report::results_json(&run).expect("results serialize"))
}

/// How each scenario of a sweep gets its seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seeds {
    /// Each seed field of scenario `i` is [`derive_seed`]`(base seed, i)`.
    #[default]
    Derived,
    /// Every scenario keeps the base scenario's seeds (common random numbers).
    Common,
}

impl Seeds {
    /// `derived` or `common`.
    ///
    /// # Errors
    /// The name and the names accepted.
    pub fn parse(name: &str) -> Result<Seeds, String> {
        match name {
            "derived" => Ok(Seeds::Derived),
            "common" => Ok(Seeds::Common),
            _ => Err(format!("unknown seeds {name:?}; expected \"derived\" or \"common\"")),
        }
    }
}

/// The seed fields of a scenario, one per Monte Carlo engine.
pub const SEED_FIELDS: [&str; 5] =
    ["photonics.seed", "yield.seed", "fleet.seed", "market.seed", "align.seed"];

/// SplitMix64's finalizer: a bijection of 64-bit words that mixes every bit.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of scenario `index` derived from a base seed: SplitMix64 of the base seed and
/// the index mixed, cut to the seed fields' range (0 to 2³² - 1).
#[must_use]
pub fn derive_seed(base: u64, index: usize) -> u64 {
    splitmix64(splitmix64(base) ^ splitmix64(index as u64).rotate_left(17)) & 0xFFFF_FFFF
}

/// One axis of a sweep: a field path and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Dotted field path, as `cporamp scenario check` names fields
    /// (`thermal.cold_plate.nominal_inlet_c`; see [`path`]).
    pub path: String,
    /// The values, in order (at least one).
    pub values: Vec<Value>,
}

/// A problem with a sweep as a whole (found before any scenario runs).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The base scenario is not valid TOML.
    #[error("base scenario {origin}: invalid TOML: {message}")]
    Base {
        /// Where the base came from.
        origin: String,
        /// The parser's message.
        message: String,
    },
    /// An axis names a field the base does not have, or has no values.
    #[error("axis {path:?}: {reason}")]
    Axis {
        /// The axis's path.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The sweep asks for no engine.
    #[error("a sweep runs at least one engine; expected some of {}", ENGINE_NAMES)]
    NoEngine,
    /// The sweep has more scenarios than [`MAX_SCENARIOS`].
    #[error("the sweep has {count} scenarios (the product of its axes' lengths); at most {max}")]
    TooLarge {
        /// The product of the axes' lengths.
        count: u128,
        /// [`MAX_SCENARIOS`].
        max: usize,
    },
    /// A sweep file that does not fit its schema.
    #[error("sweep file {origin}: {message}")]
    File {
        /// The file.
        origin: String,
        /// What is wrong, with the field.
        message: String,
    },
}

const ENGINE_NAMES: &str = "compare, thermal, photonics, yield, fleet, market, align";

/// The most scenarios one sweep holds (a bound on the table, not on the cluster).
pub const MAX_SCENARIOS: usize = 10_000_000;

/// A sweep: a base scenario, axes, engines and a seed policy.
#[derive(Debug, Clone)]
pub struct Sweep {
    base_text: String,
    base_origin: String,
    base: toml::Table,
    axes: Vec<Axis>,
    engines: Vec<Engine>,
    seeds: Seeds,
    len: usize,
}

/// One scenario of a sweep, before it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Its index in the sweep (row-major over the axes, the first axis slowest).
    pub index: usize,
    /// The value of each axis.
    pub values: Vec<Value>,
    /// The scenario's TOML text (the base with the values and seeds set; comments dropped).
    pub text: String,
    /// Where it came from, for messages: the base and the values.
    pub origin: String,
}

/// A scenario's failure: the message and, for a scenario error, the first field named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowError {
    /// The message, as the CLI would print it.
    pub message: String,
    /// The dotted path of the first bad field, when the scenario was refused.
    pub field: Option<String>,
}

/// One headline figure of a scenario's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The table's column: `engine | subject | quantity [unit]`.
    pub column: String,
    /// The value.
    pub value: f64,
    /// Its Monte Carlo standard error, for an estimate.
    pub se: Option<f64>,
}

/// One scenario's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The scenario's index in the sweep.
    pub index: usize,
    /// Its headline figures, or why it failed.
    pub outcome: Result<Vec<Figure>, RowError>,
}

impl Sweep {
    /// A sweep of `base_text` (read from `base_origin`) along `axes`, running `engines`.
    ///
    /// # Errors
    /// [`SweepError`] if the base is not TOML, an axis is empty or names a field the base
    /// lacks, no engine is given, or the product is larger than [`MAX_SCENARIOS`]. Values
    /// are not judged here: a value the scenario refuses fails its rows only.
    pub fn new(
        base_text: &str,
        base_origin: &str,
        axes: Vec<Axis>,
        engines: &[Engine],
        seeds: Seeds,
    ) -> Result<Sweep, SweepError> {
        let base: toml::Table =
            base_text.parse().map_err(|error: toml::de::Error| SweepError::Base {
                origin: base_origin.to_string(),
                message: error.message().to_string(),
            })?;
        let mut count: u128 = 1;
        for axis in &axes {
            let Some(first) = axis.values.first() else {
                return Err(SweepError::Axis {
                    path: axis.path.clone(),
                    reason: "no values; expected at least one".to_string(),
                });
            };
            path::set(&mut base.clone(), &axis.path, first.clone())
                .map_err(|reason| SweepError::Axis { path: axis.path.clone(), reason })?;
            if axes.iter().filter(|other| other.path == axis.path).count() > 1 {
                return Err(SweepError::Axis {
                    path: axis.path.clone(),
                    reason: "given twice; expected each field on one axis".to_string(),
                });
            }
            count = count.saturating_mul(axis.values.len() as u128);
        }
        if count > MAX_SCENARIOS as u128 {
            return Err(SweepError::TooLarge { count, max: MAX_SCENARIOS });
        }
        let mut engines: Vec<Engine> = engines.to_vec();
        engines.sort_unstable();
        engines.dedup();
        if engines.is_empty() {
            return Err(SweepError::NoEngine);
        }
        Ok(Sweep {
            base_text: base_text.to_string(),
            base_origin: base_origin.to_string(),
            base,
            axes,
            engines,
            seeds,
            len: usize::try_from(count).expect("bounded by MAX_SCENARIOS"),
        })
    }

    /// The number of scenarios (the product of the axes' lengths; 1 without axes).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the sweep has no scenario (never: an axis has at least one value).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The axes.
    #[must_use]
    pub fn axes(&self) -> &[Axis] {
        &self.axes
    }

    /// The engines, in the pipeline's order.
    #[must_use]
    pub fn engines(&self) -> &[Engine] {
        &self.engines
    }

    /// The base scenario's text and origin.
    #[must_use]
    pub fn base(&self) -> (&str, &str) {
        (&self.base_text, &self.base_origin)
    }

    /// The seed policy.
    #[must_use]
    pub fn seeds(&self) -> Seeds {
        self.seeds
    }

    /// Scenario `index` (`index < len()`).
    ///
    /// # Panics
    /// If `index` is out of range.
    #[must_use]
    pub fn point(&self, index: usize) -> Point {
        let values = self.point_values(index);
        let mut document = self.base.clone();
        if self.seeds == Seeds::Derived {
            for field in SEED_FIELDS {
                if self.axes.iter().any(|axis| axis.path == field) {
                    continue;
                }
                let (section, key) = field.split_once('.').expect("section.seed");
                if let Some(Value::Integer(seed)) =
                    document.get_mut(section).and_then(|s| s.get_mut(key))
                    && let Ok(base) = u64::try_from(*seed)
                {
                    *seed = i64::try_from(derive_seed(base, index)).expect("32-bit seed");
                }
            }
        }
        let mut described = Vec::new();
        for (axis, value) in self.axes.iter().zip(&values) {
            path::set(&mut document, &axis.path, value.clone())
                .expect("every axis path was checked against the base");
            described.push(format!("{} = {value}", axis.path));
        }
        let origin = if described.is_empty() {
            format!("{} (sweep scenario {index})", self.base_origin)
        } else {
            format!("{} (sweep scenario {index}: {})", self.base_origin, described.join(", "))
        };
        Point { index, values, text: document.to_string(), origin }
    }

    /// The value of each axis at scenario `index` (`index < len()`).
    ///
    /// # Panics
    /// If `index` is out of range.
    #[must_use]
    pub fn point_values(&self, index: usize) -> Vec<Value> {
        assert!(index < self.len, "scenario {index} of a sweep of {}", self.len);
        let mut rest = index;
        let mut values = vec![Value::Boolean(false); self.axes.len()];
        for (slot, axis) in values.iter_mut().zip(&self.axes).rev() {
            *slot = axis.values[rest % axis.values.len()].clone();
            rest /= axis.values.len();
        }
        values
    }

    /// Checks and runs scenario `index` on `options`, and reduces it to a row.
    #[must_use]
    pub fn run_point(&self, index: usize, options: &RunOptions) -> Row {
        let point = self.point(index);
        let outcome = check(&point.text, &point.origin, &self.engines)
            .map_err(|error| RowError {
                field: error.diagnostics.first().map(|d| d.path.clone()).filter(|p| !p.is_empty()),
                message: error.to_string(),
            })
            .and_then(|scenario| {
                figures(&scenario, &point.origin, &self.engines, options)
                    .map_err(|error| RowError { message: error.to_string(), field: None })
            });
        Row { index, outcome }
    }

    /// Runs the scenarios `indices`, up to `threads` at a time (each on one thread), and
    /// returns their rows in the order of `indices`. The rows do not depend on `threads`.
    #[must_use]
    pub fn run_points(&self, indices: &[usize], threads: NonZeroUsize) -> Vec<Row> {
        self.run_points_with_progress(indices, threads, &|_, _| ControlFlow::Continue(()))
            .expect("an observer that never stops")
    }

    /// [`Sweep::run_points`] reporting its progress: `progress(done, total)` is called once
    /// as each scenario finishes, from the worker that ran it, with `done` counting 1, 2,
    /// ... up to `total = indices.len()` (the calls are serialized, so `done` only grows).
    /// The rows are those of [`Sweep::run_points`]: the observer sees the counts, never the
    /// work, so it cannot change them.
    ///
    /// # Errors
    /// [`Stopped`] when `progress` returned [`ControlFlow::Break`] (a caller that has to
    /// give up: a Python callback that raised): no scenario starts after that, the running
    /// ones finish, `progress` is not called again and no row is returned.
    pub fn run_points_with_progress(
        &self,
        indices: &[usize],
        threads: NonZeroUsize,
        progress: &(dyn Fn(usize, usize) -> ControlFlow<()> + Sync),
    ) -> Result<Vec<Row>, Stopped> {
        let one = RunOptions::with_threads(NonZeroUsize::MIN);
        let total = indices.len();
        let done = Mutex::new(0_usize);
        let stopped = AtomicBool::new(false);
        let rows = cporamp_core::parallel::map_in_order(indices, threads.get(), |&index| {
            if stopped.load(Ordering::Acquire) {
                return None;
            }
            let row = self.run_point(index, &one);
            let mut done = done.lock().unwrap_or_else(PoisonError::into_inner);
            if !stopped.load(Ordering::Acquire) {
                *done += 1;
                if progress(*done, total).is_break() {
                    stopped.store(true, Ordering::Release);
                }
            }
            Some(row)
        });
        if stopped.into_inner() {
            let done = done.into_inner().unwrap_or_else(PoisonError::into_inner);
            return Err(Stopped { done, total });
        }
        Ok(rows.into_iter().map(|row| row.expect("no scenario skipped unless stopped")).collect())
    }

    /// Runs every scenario ([`Sweep::run_points`] on `0..len()`).
    #[must_use]
    pub fn run(&self, threads: NonZeroUsize) -> Vec<Row> {
        let indices: Vec<usize> = (0..self.len).collect();
        self.run_points(&indices, threads)
    }

    /// Runs every scenario reporting progress ([`Sweep::run_points_with_progress`] on
    /// `0..len()`).
    ///
    /// # Errors
    /// [`Stopped`] when `progress` stopped the sweep.
    pub fn run_with_progress(
        &self,
        threads: NonZeroUsize,
        progress: &(dyn Fn(usize, usize) -> ControlFlow<()> + Sync),
    ) -> Result<Vec<Row>, Stopped> {
        let indices: Vec<usize> = (0..self.len).collect();
        self.run_points_with_progress(&indices, threads, progress)
    }
}

/// A sweep stopped by its progress observer (it returned [`ControlFlow::Break`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the sweep was stopped by its progress observer after {done} of {total} scenarios")]
pub struct Stopped {
    /// Scenarios finished and reported when it stopped.
    pub done: usize,
    /// Scenarios asked for.
    pub total: usize,
}

/// A sweep file (`cporamp sweep SWEEP.toml`):
///
/// ```toml
/// base = "@quick"                       # a scenario file (relative to this file), @default or @quick
/// engines = ["thermal", "photonics"]    # any of compare, thermal, photonics, yield, fleet, market, align
/// seeds = "derived"                     # optional: "derived" (default) or "common"
///
/// [[axis]]                              # one table per axis; the first varies slowest
/// path = "thermal.cold_plate.nominal_inlet_c"
/// values = [25.0, 35.0, 45.0]
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// The base scenario: a path relative to the sweep file, `@default` or `@quick`.
    pub base: String,
    /// The engines to run.
    pub engines: Vec<Engine>,
    /// The seed policy.
    #[serde(default)]
    pub seeds: Seeds,
    /// The axes (none: the base alone).
    #[serde(default, rename = "axis")]
    pub axes: Vec<Axis>,
}

/// Parses a sweep file's text (`origin` names it in messages).
///
/// # Errors
/// [`SweepError::File`] with the parser's message (the key, line and what was expected).
pub fn parse_sweep_file(text: &str, origin: &str) -> Result<SweepFile, SweepError> {
    toml::from_str(text).map_err(|error: toml::de::Error| SweepError::File {
        origin: origin.to_string(),
        message: error.to_string().trim().replace('\n', "\n  "),
    })
}
