//! Command-line arguments: one definition per flag, from which clap builds `--help`.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// cporamp: the co-packaged optics ramp, computed.
///
/// Compares pluggable optics, LPO, co-packaged copper and co-packaged optics from component
/// models whose every input cites a source. Exit codes: 0 success, 1 internal failure,
/// 2 bad input (scenario, flag, file or output directory).
#[derive(Debug, Parser)]
#[command(name = "cporamp", version, propagate_version = true)]
#[command(
    after_help = "Example:\n  cporamp run                  # the embedded default, report in ./cporamp-out\n  cporamp compare --format json"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process; size does not matter")]
#[allow(
    rustdoc::broken_intra_doc_links,
    reason = "these doc comments are clap's --help text, where [name] is a TOML table, not a link"
)]
pub enum Command {
    /// Run every engine on a scenario and write report.html and results.json.
    ///
    /// With no SCENARIO, runs the embedded default. Every file is rendered in memory and the
    /// set is then moved into place, so a failed run leaves no half-written file. Prints the
    /// summary of every engine (--format text), or all results as JSON, CSV or Parquet.
    #[command(
        after_help = "Example:\n  cporamp run\n  cporamp run my.toml --out results/my --generation 102.4T\n  cporamp run --quiet --format json > results.json\n  cporamp run --calibrate line/102.4T_cpo_integrated.csv --out results/calibrated"
    )]
    Run {
        #[command(flatten)]
        common: EngineArgs,
        /// Output directory for report.html and results.json, created if missing.
        #[arg(long, default_value = "cporamp-out")]
        out: PathBuf,
        /// Observed signals (CSV: date,signal,value,sd) that update the market's scenario
        /// probabilities; see `cporamp market --help`.
        #[arg(long, value_name = "FILE")]
        signals: Option<PathBuf>,
        /// Per-lane test data (schema 3 or 2, CSV or Parquet, as `cporamp yield --test-data`
        /// writes it, of one technology and generation): the yield engine's parameters are
        /// fitted by maximum likelihood and replace the scenario's before every engine runs;
        /// the report and results.json show fitted against default.
        #[arg(long, value_name = "DATA", num_args = 1..)]
        calibrate: Vec<PathBuf>,
    },
    /// Compare the technologies side by side: power, cost, density, reach, serviceability.
    #[command(
        after_help = "Example:\n  cporamp compare --generation 102.4T\n  cporamp compare my.toml --format csv > compare.csv"
    )]
    Compare(EngineArgs),
    /// Two scenarios side by side: the inputs that differ (field, old -> new, unit) and the
    /// headline results of both with their differences, each marked when it exceeds Monte
    /// Carlo noise (two standard errors of the difference).
    ///
    /// Either scenario may be `@default` (the embedded default scenario) or `@quick`.
    #[command(
        after_help = "Example:\n  cporamp diff @default my.toml\n  cporamp diff a.toml b.toml --out diff-ab    # also diff.html and diff.json"
    )]
    Diff {
        /// Scenario A (a TOML file, @default or @quick).
        a: PathBuf,
        /// Scenario B (a TOML file, @default or @quick).
        b: PathBuf,
        /// Also write diff.html and diff.json into this directory.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Write the output to FILE instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        execution: ExecutionArgs,
    },
    /// Yield engine on a scenario: the five CPO failure mechanisms through the test flow,
    /// per co-packaged technology and generation: yield by insertion, rejects by mechanism,
    /// escapes (DPPM) and cost per shipped switch.
    #[command(
        after_help = "Example:\n  cporamp yield my.toml\n  cporamp yield --test-data testdata --test-packages 100"
    )]
    Yield {
        #[command(flatten)]
        common: EngineArgs,
        /// Also write synthetic per-lane test data (CSV and Parquet, schema 3), one pair of
        /// files per technology and generation, into this directory.
        #[arg(long, value_name = "DIR")]
        test_data: Option<PathBuf>,
        /// Packages per file of test data, 1 to 256.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u16).range(1..=256))]
        test_packages: u16,
    },
    /// Fleet engine on a scenario: the cluster's scale-out fabric built once per technology
    /// (and once mixed) and run over years: failures and repairs per component, switch
    /// replacements, technician hours, spares, link availability, and a training job's
    /// interruptions, goodput and best checkpoint interval. --generation builds the cluster
    /// from that generation's switches.
    #[command(after_help = "Example:\n  cporamp fleet my.toml\n  cporamp fleet --generation 51.2T")]
    Fleet(EngineArgs),
    /// Market engine on a scenario: priors on what decides the ramp, propagated through the
    /// engines' results into the article's four scenarios (with their probabilities beside the
    /// article's), CPO volume years per tier, value pools by layer and Sobol indices; with
    /// --signals, the probabilities updated by observations.
    #[command(
        after_help = "Example:\n  cporamp market\n  cporamp market --signals signals.csv\n\nsignals.csv: a header `date,signal,value,sd`, then one observation per row: date as YYYY-MM-DD or a decimal year, signal one of production_yield, thermal_drift, serviceability, cooling_design, inspection."
    )]
    Market {
        #[command(flatten)]
        common: EngineArgs,
        /// Observations (CSV: date,signal,value,sd) that update the scenario probabilities.
        #[arg(long, value_name = "FILE")]
        signals: Option<PathBuf>,
    },
    /// Photonics engine on a scenario: ring and laser drift under the thermal engine's
    /// workload transient, the heater lock loop feedback-only and with feed-forward drift
    /// prediction, lane margins and link flaps.
    #[command(after_help = "Example:\n  cporamp photonics my.toml --generation 102.4T")]
    Photonics(EngineArgs),
    /// Thermal engine: the CPO packages' temperatures, inlet sweep and cycling on a scenario,
    /// or HotSpot-compatible mode (--hotspot-config): HotSpot's block or grid network from
    /// HotSpot's own input files, block temperatures (K) in HotSpot's `.steady` layout, or its
    /// transient trace layout with --transient; or 3D-ICE mode (--3d-ice): 3D-ICE's stack and
    /// floorplan files through its compact model (solid layers, heat sinks, 4- and 2-resistor
    /// microchannels, pin fins), steady or transient, writing 3D-ICE's output files.
    #[command(
        after_help = "Example:\n  cporamp thermal my.toml\n  cporamp thermal --hotspot-config example.config --flp ev6.flp --ptrace gcc.ptrace \\\n    --materials example.materials --model-type grid --grid-rows 128 --grid-cols 128 > gcc.steady\n  cporamp thermal --3d-ice stack.stk --out results   # 3D-ICE stack: summary, and its output files under results/"
    )]
    Thermal(ThermalArgs),
    /// Inspection analytics of per-lane test records: Pareto of rejects by mechanism and
    /// insertion, SPC per station and parameter (individuals, X̄–R and EWMA charts with the
    /// Western Electric rules and the rows that broke them), Cpk/Ppk with 95 % intervals
    /// (Bissell), yield by lot and week (95 % Wilson intervals), coupling loss by engine
    /// position with the fitted warpage bowl, and lot-to-lot variance components.
    ///
    /// DATA are CSV or Parquet files of schema 3, as `cporamp yield --test-data` writes them
    /// (schema 2, without the wafer sort, warpage and caught-by columns, is read too),
    /// or of any layout described by --mapping (a TOML file: our column = their column, with
    /// the unit of each quantity). Files are streamed (CSV record by record, Parquet row group
    /// by row group). Unknown or missing columns, bad units, cells that are not what their
    /// column holds and a key (package, engine, lane, insertion) seen twice are refused with
    /// the file, row and column. Spec limits come from the scenario (coupling loss at most
    /// photonics.coupling_allocation_db; heater shift within the technology's heater range)
    /// and --limits FILE (TOML: `[coupling_loss_db]` `upper = 1.0`, ...) overrides them.
    #[command(
        after_help = "Example:\n  cporamp yield @quick --test-data testdata\n  cporamp inspect testdata/102.4T_cpo_els.parquet --out inspect\n  cporamp inspect line.csv --mapping line-mapping.toml --limits limits.toml --format json\n\nMapping file:\n  ignore = [\"operator\"]\n  [columns]\n  package = \"serial\"\n  engine = \"slot\"\n  lane = \"channel\"\n  shipped = \"ship_ok\"\n  coupling_loss_db = { column = \"il\", unit = \"mdB\" }"
    )]
    Inspect(InspectArgs),
    /// Sweep a scenario: every combination of the values of the sweep file's axes (field
    /// paths as `cporamp scenario check` names them) is checked, run with the file's engines
    /// and reduced to one row (the values, the engines' headline figures, or the error that
    /// stopped that scenario: a failed scenario never stops the others), written as one
    /// Parquet table, DIR/sweep.parquet. Each scenario's seeds are derived from the base
    /// seeds and its index (seeds = "common" keeps the base's), so the table is identical for
    /// any --threads.
    #[command(after_help = "Example:
  cporamp sweep examples/sweep_inlet.toml --out sweep-inlet

Sweep file:
  base = \"@quick\"                    # scenario file (relative to this file), @default or @quick
  engines = [\"thermal\", \"photonics\"]  # compare, thermal, photonics, yield, fleet, market, align
  seeds = \"derived\"                  # or \"common\" (every scenario keeps the base's seeds)
  [[axis]]                           # the first axis varies slowest
  path = \"thermal.cold_plate.nominal_inlet_c\"
  values = [25.0, 35.0, 45.0]")]
    Sweep {
        /// The sweep file (TOML: base, engines, seeds, [[axis]] path and values).
        file: PathBuf,
        /// Output directory for sweep.parquet, created if missing.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Scenarios run at once, each on one thread (default: all cores); the table is
        /// identical for any count.
        #[arg(long, value_name = "N")]
        threads: Option<std::num::NonZeroUsize>,
        /// Print nothing on standard error but errors: no progress.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Show progress (scenarios done of all, elapsed, time left) on standard error even
        /// when it is not a terminal.
        #[arg(long, conflicts_with = "quiet")]
        progress: bool,
    },
    /// Automated fiber alignment: a fiber array actively aligned to a PIC's edge couplers
    /// (spiral for first light, hill climb over x, y, z and roll on the loopback power, with
    /// photodiode noise, stage resolution and settle time, then the epoxy cure shift) against
    /// passive V-groove attach: time per array and engine, fibers per second, cost per engine,
    /// coupling loss and yield against the coupling budget.
    #[command(
        after_help = "Example:\n  cporamp align\n  cporamp align my.toml --format json --threads 2 --seed 7"
    )]
    Align(AlignArgs),
    /// Liquid cooling and optics designed together: sweeps [codesign]'s grid (cold-plate flow
    /// per kW and channels, coolant supply, engine gap, engines on the ASIC's plate or their
    /// own, ELS in the front panel or on a plate, ASIC power) through the thermal engine's
    /// package and the comparison's power models, with pumping, facility cooling, laser and
    /// solder life, the liquid-cooling bill of materials and cost per Gb/s over the switch's
    /// life; prints the design the scenario's limits pick (and the limit that binds), the
    /// Pareto front and the chosen design's bill.
    #[command(
        after_help = "Example:\n  cporamp codesign\n  cporamp codesign my.toml --format json --threads 2 > codesign.json"
    )]
    Codesign(EngineArgs),
    /// Optical-I/O due diligence: a startup's claims (coupling loss and its spread, operating
    /// temperature range, heater power, laser and engine FIT, package yield and test coverage,
    /// alignment throughput, customer validation stage; a TOML file, see
    /// examples/claims.toml) run through the engines and the scenario, as a checklist of pass,
    /// concern or FAIL with the figure behind each line and the questions to ask.
    #[command(
        after_help = "Example:\n  cporamp diligence examples/claims.toml\n  cporamp diligence claims.toml my.toml --format json"
    )]
    Diligence(DiligenceArgs),
    /// Write or check scenario files.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// A local web dashboard: edit a scenario (every field with its unit, range and source,
    /// checked as `scenario check` checks it), run it, watch its progress, keep the runs in a
    /// run store, read the report's sections and compare two runs as `cporamp diff` does; the
    /// same as a JSON API (documented at /api/openapi.json). Stops on Ctrl-C; runs still
    /// going are then marked failed (interrupted).
    #[command(
        after_help = "Example:\n  cporamp serve                      # http://127.0.0.1:8080/\n  cporamp serve --port 9000 --store runs --threads 2"
    )]
    Serve(ServeArgs),
}

/// `cporamp serve`'s flags.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on. Anything but a loopback address needs --allow-remote.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Allow a non-loopback --bind: the dashboard has no authentication, so anyone who
    /// reaches the address can start runs.
    #[arg(long)]
    pub allow_remote: bool,
    /// The run store: a folder per run and the SQLite index, created if missing.
    #[arg(long, value_name = "DIR", default_value = "cporamp-runs")]
    pub store: PathBuf,
    /// Worker threads per run (default: all cores); results are identical for any count.
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// Runs at once; more wait in a queue.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub max_runs: u16,
}

/// The scenario: positional, or `--scenario` (the older spelling).
#[derive(Debug, Default, clap::Args)]
pub struct ScenarioArg {
    /// Scenario TOML file, or `@default` (the embedded default, used without one) or
    /// `@quick` (the default with small Monte Carlo sizes: a first look in about a second).
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// The same as SCENARIO (kept for scripts).
    #[arg(long = "scenario", value_name = "FILE", conflicts_with = "scenario")]
    pub scenario_flag: Option<PathBuf>,
}

impl ScenarioArg {
    /// The scenario file, if one was given either way.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.scenario.as_deref().or(self.scenario_flag.as_deref())
    }
}

/// How to run: threads and what goes to standard error.
#[derive(Debug, Default, Clone, Copy, clap::Args)]
pub struct ExecutionArgs {
    /// Worker threads for the parallel stages (default: all cores); results are identical
    /// for any count.
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// Print nothing on standard error but errors: no progress, no notes.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show progress on standard error even when it is not a terminal.
    #[arg(long, conflicts_with = "quiet")]
    pub progress: bool,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

/// The resources a run may take; a scenario whose estimate exceeds them is refused before
/// anything runs.
#[derive(Debug, Default, Clone, Copy, clap::Args)]
pub struct BudgetArgs {
    /// Memory budget in GB (default 8): a scenario (or HotSpot grid) whose estimated peak
    /// memory exceeds it is refused, naming the field that drives the estimate.
    #[arg(long, value_name = "GB", value_parser = positive_number)]
    pub max_memory: Option<f64>,
    /// CPU-time budget in CPU-hours (default 2): a scenario (or HotSpot run) whose estimated
    /// run takes longer is refused, naming the field (or flag) that drives the estimate.
    #[arg(long, value_name = "HOURS", value_parser = positive_number)]
    pub max_cpu_hours: Option<f64>,
}

impl BudgetArgs {
    /// The budget for a run on `threads` workers.
    pub fn budget(&self, threads: usize) -> cporamp_scenario::limits::Budget {
        use cporamp_scenario::limits::Budget;
        Budget {
            memory_bytes: self.max_memory.map_or(Budget::DEFAULT_MEMORY_BYTES, |gb| gb * 1e9),
            cpu_s: self.max_cpu_hours.map_or(Budget::DEFAULT_CPU_S, |hours| hours * 3600.0),
            threads,
        }
    }
}

/// A finite number > 0.
fn positive_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!("{text:?} is not a number > 0")),
    }
}

/// What every engine subcommand and `run` take.
#[derive(Debug, Default, clap::Args)]
pub struct EngineArgs {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    /// Only this switch generation (an id the scenario defines, e.g. 51.2T or 102.4T); the
    /// fleet and the market are then built at it.
    #[arg(long)]
    pub generation: Option<String>,
    /// Output format: aligned text tables, the full results as JSON, or the printed tables
    /// as CSV or Parquet (one row per cell: table, row, column, value, se, text; compare
    /// writes one row per generation and technology).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of standard output (needed for Parquet on a
    /// terminal).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub execution: ExecutionArgs,
}

/// `cporamp thermal`.
#[derive(Debug, clap::Args)]
pub struct ThermalArgs {
    /// Scenario, generation, format, threads and output of the package mode.
    #[command(flatten)]
    pub common: EngineArgs,
    /// HotSpot config file of `-key value` lines (`-c` in HotSpot): selects HotSpot mode.
    #[arg(long, value_name = "FILE", requires = "ptrace")]
    pub hotspot_config: Option<PathBuf>,
    /// 3D-ICE stack description file (`.stk`): selects 3D-ICE mode. Its floorplans are read
    /// relative to it; a summary is printed and the output files its `output:` section names
    /// are written under --out.
    #[arg(
        long = "3d-ice",
        visible_alias = "stack",
        value_name = "STACK",
        conflicts_with = "hotspot_config"
    )]
    pub three_d_ice: Option<PathBuf>,
    /// Directory for the 3D-ICE output files (default: the current directory, as 3D-ICE).
    #[arg(long, value_name = "DIR", requires = "three_d_ice")]
    pub out: Option<PathBuf>,
    /// Floorplan (`-f`); not needed with --lcf.
    #[arg(long, value_name = "FILE")]
    pub flp: Option<PathBuf>,
    /// Layer configuration file (`-grid_layer_file`); its floorplans are read relative to it.
    #[arg(long, value_name = "FILE")]
    pub lcf: Option<PathBuf>,
    /// Power trace (`-p`).
    #[arg(long, value_name = "FILE")]
    pub ptrace: Option<PathBuf>,
    /// Materials file (`-materials_file`), needed when the config names materials; without
    /// it the single `*.materials` file beside the config is used (with a note).
    #[arg(long, value_name = "FILE")]
    pub materials: Option<PathBuf>,
    /// HotSpot's model (overrides `-model_type`): `block` (HotSpot's default) or `grid`.
    /// Without it, grid options (--grid-rows, --grid-cols, --grid-steady-file, --lcf) select
    /// the grid model, as HotSpot's run scripts pass `-model_type grid` with them; otherwise
    /// the config's `-model_type` decides.
    #[arg(long, value_name = "TYPE")]
    pub model_type: Option<String>,
    /// Grid rows (overrides `-grid_rows`); any positive number, not only powers of two.
    #[arg(long)]
    pub grid_rows: Option<usize>,
    /// Grid columns (overrides `-grid_cols`).
    #[arg(long)]
    pub grid_cols: Option<usize>,
    /// Print the transient trace (one row per power-trace row) instead of the steady state.
    #[arg(long)]
    pub transient: bool,
    /// Initial temperatures for --transient in `.steady` layout (HotSpot's `-init_file`);
    /// without it every node starts at the config's `-init_temp`.
    #[arg(long, value_name = "FILE")]
    pub init_file: Option<PathBuf>,
    /// Time scheme for --transient. Default: `rk4` for the block model (HotSpot's only
    /// block transient), `backward-euler` for the grid model (HotSpot's SuperLU build).
    #[arg(long, value_enum)]
    pub time_scheme: Option<Scheme>,
    /// Also write every grid cell's steady temperature in HotSpot's `-grid_steady_file` layout.
    #[arg(long, value_name = "FILE")]
    pub grid_steady_file: Option<PathBuf>,
    /// HotSpot's `-detailed_3D on`: per-cell materials from each LCF layer's floorplan (blocks
    /// with their own specific heat and resistivity columns, such as TSV regions) and HotSpot's
    /// half-cell vertical resistances. Needs --lcf and the grid model, as in HotSpot.
    #[arg(long = "detailed-3d", value_enum, value_name = "on|off")]
    pub detailed_3d: Option<OnOff>,
    /// HotSpot's `-use_microchannels 1`: LCF layers whose file is a `.csv` are HotSpot 7
    /// microchannel layers (coolant, pressure and heat-transfer options from the config).
    /// Needs --detailed-3d on and the grid model, as in HotSpot.
    #[arg(long)]
    pub use_microchannels: bool,
    /// Accept negative powers in the power trace (blocks that absorb heat, e.g. a
    /// thermoelectric cooler); without it a negative power is refused as a likely error.
    #[arg(long)]
    pub allow_negative_power: bool,
}

/// HotSpot's `on`/`off` switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    /// Switched on.
    On,
    /// Switched off.
    Off,
}

/// Time schemes of `thermal --transient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scheme {
    /// HotSpot's SuperLU build: one backward-Euler step per sampling interval.
    BackwardEuler,
    /// Second order in time, one step per sampling interval.
    CrankNicolson,
    /// HotSpot's adaptive fourth-order Runge-Kutta (0.01 K step-doubling error per step).
    Rk4,
}

/// `cporamp scenario ...`.
#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Write the default scenario, with a comment citing the source of every value.
    #[command(
        after_help = "Example:\n  cporamp scenario init my.toml && $EDITOR my.toml && cporamp scenario check my.toml"
    )]
    Init {
        /// Where to write it.
        #[arg(default_value = "cporamp.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Check a scenario file without running anything; report every problem found.
    #[command(after_help = "Example:\n  cporamp scenario check my.toml")]
    Check {
        /// Scenario TOML file.
        file: PathBuf,
        /// Worker threads a run would use (default: all cores): runs side by side hold their
        /// memory at once.
        #[arg(long, value_name = "N")]
        threads: Option<std::num::NonZeroUsize>,
        #[command(flatten)]
        budget: BudgetArgs,
    },
}

/// Output formats.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text tables, at most 100 columns wide.
    #[default]
    #[value(alias = "table")]
    Text,
    /// The full result structure.
    Json,
    /// The printed tables as CSV.
    Csv,
    /// The printed tables as Parquet.
    Parquet,
}

/// `cporamp diligence`.
#[derive(Debug, clap::Args)]
pub struct DiligenceArgs {
    /// The claims file (TOML; every field required, see examples/claims.toml).
    #[arg(value_name = "CLAIMS")]
    pub claims: PathBuf,
    /// The scenario the claims are judged against, format, output and threads.
    #[command(flatten)]
    pub common: EngineArgs,
}

/// `cporamp align`.
#[derive(Debug, clap::Args)]
pub struct AlignArgs {
    #[command(flatten)]
    pub scenario: ScenarioArg,
    /// Output format: aligned text tables, the full results as JSON, or the tables as CSV or
    /// Parquet.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Monte Carlo seed, in place of the scenario's `[align] seed`.
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u32>,
    #[command(flatten)]
    pub execution: ExecutionArgs,
}

/// `cporamp inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Test data files (.csv or .parquet), read in order (the order of manufacture).
    #[arg(required = true, value_name = "DATA")]
    pub data: Vec<PathBuf>,
    /// Column mapping (TOML) for files that are not schema 2 or 3.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Spec limits (TOML, one table per parameter with `lower` and/or `upper`), over the
    /// scenario's.
    #[arg(long, value_name = "FILE")]
    pub limits: Option<PathBuf>,
    /// Scenario whose thresholds give the spec limits (`@default` without one).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Technology whose heater range limits the heater shift (default: the one the data
    /// files name).
    #[arg(long, value_name = "ID")]
    pub technology: Option<String>,
    /// Packages per build week, for yield by week when the data has no week column (packages
    /// numbered in build order).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub packages_per_week: Option<u64>,
    /// Also fit the yield engine's parameters by maximum likelihood (alignment, ring spread,
    /// laser dead and weak fractions, with 95 % intervals; the rest said why not), for the
    /// technology and generation the files name; the alignment likelihood over up to 2048
    /// engines takes seconds. `cporamp run --calibrate` runs every engine on the fits.
    #[arg(long)]
    pub fit: bool,
    /// Output format: text tables or the full results as JSON.
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write results.json and inspect.html into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads for the charts (default: all cores); results are identical for any
    /// count.
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
    /// Print nothing on standard error but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Output formats of `cporamp inspect`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// Aligned text tables, at most 100 columns wide.
    #[default]
    Text,
    /// The full results.
    Json,
}
