//! The `cporamp` command line: a thin shell that parses flags, loads files, calls the
//! engines and writes their results.
//!
//! Parse, then resolve, then run: flags are parsed by clap; scenario text is read here and
//! handed to `cporamp_scenario::load`; engines return data; this crate prints and writes it.
//!
//! Exit codes: 0 success; 1 internal failure (a bug); 2 bad input: a malformed or invalid
//! scenario, an unknown flag value, a missing file or an unwritable output directory. On
//! bad input nothing is written.

mod align;
mod args;
mod calibrate;
mod codesign;
mod command;
mod input;
mod inspect;
mod output;
mod progress;
mod serve;
mod signals;
mod table;
mod thermal;

use args::{Cli, Command, EngineArgs, Format, ScenarioCommand};
use clap::Parser;
use cporamp_pipeline::RunOptions;
use cporamp_scenario::Scenario;
use cporamp_scenario::limits::{ALL_STAGES, Budget};
use cporamp_scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO_TOML};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Reads schema-2 or schema-3 test-data files (CSV or Parquet) as `cporamp inspect` does and
/// runs the analytics on `threads` threads, with no spec limits: public for the benchmark.
///
/// # Errors
/// The message `cporamp inspect` would print for a bad file.
pub fn inspect_files(
    paths: &[std::path::PathBuf],
    threads: usize,
) -> Result<cporamp_inspect::InspectResult, String> {
    let mut inspector = cporamp_inspect::Inspector::new(cporamp_inspect::InspectOptions::default());
    inspect::read_all(paths, None, &mut inspector).map_err(|failure| match failure {
        Failure::Input(error) | Failure::Internal(error) => format!("{error:#}"),
    })?;
    Ok(inspector.finish(threads))
}

/// A failure, classified by whose fault it is.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The user's input is wrong: exit 2.
    Input(anyhow::Error),
    /// A bug: exit 1.
    Internal(anyhow::Error),
}

impl Failure {
    pub(crate) fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure::Input(error.into())
    }

    pub(crate) fn internal(error: impl Into<anyhow::Error>) -> Failure {
        Failure::Internal(error.into())
    }
}

/// The thread count when `--threads` is not given: as many as the machine offers
/// ([`std::thread::available_parallelism`], 1 if unknown). Results do not depend on it.
pub(crate) fn machine_threads() -> std::num::NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(std::num::NonZeroUsize::MIN)
}

/// Runs the command line `args` (including the program name) and returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(error)) => {
            report_error(&error);
            ExitCode::from(2)
        }
        Err(Failure::Internal(error)) => {
            report_error(&error.context("internal error (please report it)"));
            ExitCode::from(1)
        }
    }
}

fn report_error(error: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {error:#}");
}

/// Writes to stdout; a closed pipe (`cporamp compare | head`) is not an error.
fn print(text: &str) -> Result<(), Failure> {
    print_bytes(text.as_bytes())
}

/// [`print()`] for any bytes (Parquet).
fn print_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::internal(error))
        }
        _ => Ok(()),
    }
}

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run { common, out, signals, calibrate } => {
            run_all(&common, &out, signals.as_deref(), &calibrate)
        }
        Command::Compare(common) => command::compare(&common),
        Command::Yield { common, test_data, test_packages } => {
            command::yields(&common, test_data.as_deref(), test_packages)
        }
        Command::Fleet(common) => command::fleet(&common),
        Command::Market { common, signals } => command::market(&common, signals.as_deref()),
        Command::Photonics(common) => command::photonics(&common),
        Command::Thermal(args) => command::thermal(&args),
        Command::Diff { a, b, out, format, output, execution } => {
            diff(&a, &b, out.as_deref(), format, output.as_deref(), &execution)
        }
        Command::Inspect(args) => run_inspect(&args),
        Command::Sweep { file, out, threads, quiet, progress } => {
            let execution = args::ExecutionArgs { threads, quiet, progress, ..Default::default() };
            sweep(&file, &out, &execution)
        }
        Command::Align(args) => align::run(args),
        Command::Serve(args) => serve::run(&args),
        Command::Codesign(args) => codesign::run(&args),
        Command::Diligence(args) => codesign::diligence(&args),
        Command::Scenario(ScenarioCommand::Init { path, force }) => {
            output::write_new_file(&path, DEFAULT_SCENARIO_TOML, force).map_err(Failure::Input)?;
            print(&format!("wrote the default scenario to {}\n", path.display()))
        }
        Command::Scenario(ScenarioCommand::Check { file, threads, budget }) => {
            command::scenario_check(&file, threads, &budget)
        }
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    let mut json = serde_json::to_string_pretty(value).map_err(Failure::internal)?;
    json.push('\n');
    Ok(json)
}

/// The stages `thermal`, `photonics` and `yield` run (`run_engines`).
const ENGINE_STAGES: &[&str] = &["thermal", "photonics", "yield"];

/// The names that stand for the embedded scenarios where a path is expected.
const DEFAULT_NAME: &str = "@default";
const QUICK_NAME: &str = "@quick";

/// CPU time for people.
fn format_cpu(seconds: f64) -> String {
    if seconds >= 3600.0 {
        format!("{:.1} CPU-hours", seconds / 3600.0)
    } else if seconds >= 60.0 {
        format!("{:.0} CPU-minutes", seconds / 60.0)
    } else {
        format!("{seconds:.0} CPU-s")
    }
}

/// Reads and resolves a scenario file, or an embedded one: the default (no path, or
/// `@default`) or the quick one (`@quick`), and refuses it if a run of `stages` would exceed
/// `budget`.
fn load_scenario(
    path: Option<&Path>,
    budget: Budget,
    stages: &[&str],
) -> Result<(Scenario, String, cporamp_scenario::limits::Estimate), Failure> {
    let (text, origin) = scenario_text(path)?;
    let scenario = cporamp_scenario::load(&text, &origin).map_err(Failure::input)?;
    cporamp_pipeline::preflight(&scenario, &text, &origin).map_err(Failure::input)?;
    let estimate =
        cporamp_scenario::limits::check_budget(&scenario, &text, &origin, budget, stages)
            .map_err(Failure::input)?;
    Ok((scenario, origin, estimate))
}

fn scenario_text(path: Option<&Path>) -> Result<(String, String), Failure> {
    match path {
        Some(path) if path.as_os_str() == QUICK_NAME => Ok((
            cporamp_scenario::quick_scenario_toml(),
            cporamp_scenario::QUICK_ORIGIN.to_string(),
        )),
        Some(path) if path.as_os_str() != DEFAULT_NAME => {
            let origin = path.display().to_string();
            Ok((input::read_text(path, "scenario file")?, origin))
        }
        _ => Ok((DEFAULT_SCENARIO_TOML.to_string(), DEFAULT_ORIGIN.to_string())),
    }
}

/// A loaded scenario, the progress display and where the output goes.
struct Session<'a> {
    scenario: Scenario,
    origin: String,
    args: &'a EngineArgs,
    progress: progress::Progress,
}

impl<'a> Session<'a> {
    /// Loads the scenario (restricted to --generation), checks that a run of `stages` fits
    /// the budget, and checks the output options, before any engine runs.
    fn start(args: &'a EngineArgs, stages: &[&str]) -> Result<Session<'a>, Failure> {
        if args.format == Format::Parquet
            && args.output.is_none()
            && std::io::stdout().is_terminal()
        {
            return Err(Failure::Input(anyhow::anyhow!(
                "--format parquet writes binary data; redirect standard output or give --output FILE"
            )));
        }
        if let Some(path) = &args.output {
            output::check_file(path).map_err(Failure::Input)?;
        }
        let threads = args.execution.threads.unwrap_or_else(crate::machine_threads);
        let budget = args.execution.budget.budget(threads.get());
        let (mut scenario, origin, _) = load_scenario(args.scenario.path(), budget, stages)?;
        if let Some(id) = &args.generation {
            let index = cporamp_compare::generation_index(&scenario, id)
                .map_err(|error| Failure::Input(anyhow::anyhow!("--generation: {error}")))?;
            scenario = scenario.only_generation(index);
        }
        Ok(Session { scenario, origin, args, progress: progress::Progress::new(&args.execution) })
    }

    /// Runs `stage` with the session's threads and progress display; its error is bad input.
    fn with_options<T, E: Into<anyhow::Error>>(
        &self,
        stage: impl FnOnce(&RunOptions) -> Result<T, E>,
    ) -> Result<T, Failure> {
        let report = |progress: cporamp_pipeline::Progress| {
            self.progress.update(progress.stage.label(), progress.done, progress.total);
        };
        let options = RunOptions {
            threads: self.args.execution.threads.unwrap_or_else(crate::machine_threads),
            progress: &report,
        };
        stage(&options).map_err(Failure::input)
    }

    fn engines(&self) -> Result<cporamp_pipeline::EnginesOutput, Failure> {
        self.with_options(|options| cporamp_pipeline::run_engines(&self.scenario, options))
    }

    fn run(&self) -> Result<cporamp_pipeline::RunOutput, Failure> {
        self.with_options(|options| cporamp_pipeline::run(&self.scenario, options))
    }

    /// The pipeline and the co-design sweep, as `cporamp run` writes them.
    fn full_run(&self) -> Result<cporamp_codesign::FullRun, Failure> {
        self.with_options(|options| cporamp_codesign::full_run(&self.scenario, options))
    }

    /// A note on standard error unless --quiet.
    #[allow(clippy::print_stderr, reason = "notes go to stderr so stdout stays the output")]
    fn note(&self, lines: &[String]) {
        self.progress.finish();
        if !self.args.execution.quiet {
            for line in lines {
                eprintln!("{line}");
            }
        }
    }

    /// Prints or writes the output in the asked format: text from the tables, JSON, or the
    /// tables (or `frame`, when the command has a table of its own) as CSV or Parquet.
    fn emit(
        &self,
        title: &str,
        tables: impl FnOnce() -> Vec<table::Table>,
        json: impl FnOnce() -> Result<String, Failure>,
        frame: Option<cporamp_report::Frame>,
    ) -> Result<(), Failure> {
        self.progress.finish();
        let title = format!("cporamp {title} ({})", self.origin);
        let bytes = encode(self.args.format, &title, tables, json, frame)?;
        deliver(&bytes, self.args.output.as_deref())?;
        if let Some(path) = &self.args.output {
            self.note(&[format!("wrote {}", path.display())]);
        }
        Ok(())
    }
}

/// The output in `format`: text from the tables, JSON, or the tables (or `frame`, when the
/// command has a table of its own) as CSV or Parquet titled `title`.
fn encode(
    format: Format,
    title: &str,
    tables: impl FnOnce() -> Vec<table::Table>,
    json: impl FnOnce() -> Result<String, Failure>,
    frame: Option<cporamp_report::Frame>,
) -> Result<Vec<u8>, Failure> {
    if format == Format::Text {
        return Ok(table::render(&tables()).into_bytes());
    }
    if format == Format::Json {
        return Ok(json()?.into_bytes());
    }
    let frame = frame.unwrap_or_else(|| table::frame(&tables()));
    if format == Format::Csv {
        Ok(frame.to_csv().into_bytes())
    } else {
        frame.to_parquet(title).map_err(Failure::internal)
    }
}

/// Writes `bytes` to `output` (atomically) or to standard output.
fn deliver(bytes: &[u8], output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(path) => output::write_file(path, bytes).map_err(Failure::Input),
        None => print_bytes(bytes),
    }
}

/// Synthetic per-lane test data, a CSV and a Parquet file per technology and generation.
fn write_test_data(
    directory: &Path,
    yields: &[cporamp_pipeline::YieldGeneration],
    test_packages: usize,
) -> Result<Vec<String>, Failure> {
    let mut files = Vec::new();
    for generation in yields {
        for technology in &generation.technologies {
            let records = cporamp_yield::test_records(&technology.inputs, test_packages)
                .map_err(Failure::input)?;
            let stem = format!("{}_{}", generation.generation, technology.id);
            let (id, name) = (&technology.id, &generation.generation);
            let csv = cporamp_yield::test_data_csv(&records, id, name);
            let parquet =
                cporamp_report::test_data_parquet(&records, id, name).map_err(Failure::internal)?;
            files.push((format!("{stem}.csv"), csv.into_bytes()));
            files.push((format!("{stem}.parquet"), parquet));
        }
    }
    let borrowed: Vec<(&str, &[u8])> =
        files.iter().map(|(name, body)| (name.as_str(), body.as_slice())).collect();
    let written = output::write_all_atomically(directory, &borrowed).map_err(Failure::Input)?;
    Ok(written.iter().map(|path| format!("wrote {}", path.display())).collect())
}

/// The market's update by the observations read from a signals file, if any (each row
/// already checked when read); an observation the engine still rejects is named with the
/// file.
fn market_update(
    market: &cporamp_pipeline::MarketOutput,
    observations: Option<&(std::path::PathBuf, Vec<cporamp_market::Observation>)>,
) -> Result<Option<cporamp_market::Update>, Failure> {
    observations
        .map(|(path, observations)| {
            cporamp_market::update(&market.result, observations)
                .map_err(|error| Failure::Input(anyhow::anyhow!("{}: {error}", path.display())))
        })
        .transpose()
}

fn run_all(
    common: &EngineArgs,
    out: &Path,
    signals: Option<&Path>,
    calibrate_from: &[std::path::PathBuf],
) -> Result<(), Failure> {
    let mut session = Session::start(common, ALL_STAGES)?;
    output::check_directory(out).map_err(Failure::Input)?;
    let calibration = if calibrate_from.is_empty() {
        None
    } else {
        let threads = common.execution.threads.unwrap_or_else(crate::machine_threads);
        let (scenario, calibration) =
            calibrate::calibrate(&session.scenario, calibrate_from, threads.get())?;
        session.scenario = scenario;
        Some(calibration)
    };
    let observations = signals.map(|path| signals::read(path, &session.scenario)).transpose()?;
    let cporamp_codesign::FullRun { output, codesign } = session.full_run()?;
    let update = market_update(&output.market, observations.as_ref())?;
    let results = cporamp_report::RunResults::of_run(
        &session.origin,
        &session.scenario,
        &output,
        update.as_ref(),
    )
    .with_calibration(calibration.as_ref())
    .with_codesign(Some(&codesign));
    let json_text = cporamp_report::results_json(&results).map_err(Failure::internal)?;
    let html = cporamp_report::report_html(&results);
    let written = output::write_all_atomically(
        out,
        &[("results.json", json_text.as_bytes()), ("report.html", html.as_bytes())],
    )
    .map_err(Failure::Input)?;
    let wrote: Vec<String> =
        written.iter().map(|path| format!("wrote {}", path.display())).collect();
    let tables = || {
        let mut tables = calibration.as_ref().map(table::calibration_tables).unwrap_or_default();
        tables.extend(table::compare_tables(&output.comparison.generations));
        tables.extend(table::thermal_tables(&output.thermal));
        tables.extend(table::photonics_tables(&output.photonics));
        tables.extend(table::yield_tables(&output.yields, &output.comparison.generations));
        tables.extend(table::fleet_tables(&output.fleet, &session.scenario));
        tables.extend(table::market_tables(&output.market, update.as_ref()));
        tables
    };
    if common.format == Format::Text && common.output.is_none() {
        session.progress.finish();
        let mut text =
            format!("cporamp run: scenario {} ({})\n\n", session.scenario.name, session.origin);
        let answer = cporamp_report::Answer::of(&session.scenario, &output.market);
        text.push_str(&answer.text(output.market.inputs.anchors.end_year));
        text.push('\n');
        text.push_str(&table::render(&tables()));
        for line in &wrote {
            text.push_str(line);
            text.push('\n');
        }
        return print(&text);
    }
    session.note(&wrote);
    session.emit("run", tables, || Ok(json_text.clone() + "\n"), None)
}

/// What `cporamp inspect` writes as JSON.
#[derive(serde::Serialize)]
struct InspectFile<'a> {
    schema_version: u32,
    cporamp_version: &'static str,
    files: &'a [inspect::FileInfo],
    limits_origin: &'a str,
    options: &'a cporamp_inspect::InspectOptions,
    result: &'a cporamp_inspect::InspectResult,
}

/// `cporamp inspect`: reads the data files, runs the analytics, prints and writes them.
fn run_inspect(args: &args::InspectArgs) -> Result<(), Failure> {
    if let Some(directory) = &args.out {
        output::check_directory(directory).map_err(Failure::Input)?;
    }
    if let Some(path) = &args.output {
        output::check_file(path).map_err(Failure::Input)?;
    }
    let mapping = args
        .mapping
        .as_deref()
        .map(|path| {
            let text = input::read_text(path, "mapping file")?;
            cporamp_inspect::columns::Mapping::parse(&path.display().to_string(), &text)
                .map_err(Failure::from)
        })
        .transpose()?;
    let (text, origin) = scenario_text(args.scenario.as_deref())?;
    let scenario = cporamp_scenario::load(&text, &origin).map_err(Failure::input)?;
    let limits_text = args
        .limits
        .as_deref()
        .map(|path| input::read_text(path, "limits file").map(|text| (path, text)))
        .transpose()?;
    let mut inspector = cporamp_inspect::Inspector::new(cporamp_inspect::InspectOptions {
        packages_per_week: args.packages_per_week,
        ..cporamp_inspect::InspectOptions::default()
    });
    if args.fit {
        inspector.collect_fit_data();
    }
    let files = inspect::read_all(&args.data, mapping.as_ref(), &mut inspector)?;
    let technology =
        args.technology.clone().or_else(|| files.iter().find_map(|file| file.technology.clone()));
    let generation = files.iter().find_map(|file| file.generation.clone());
    // The yield engine's fits need the design of the data's technology at its generation.
    let technology_index =
        scenario.technologies.iter().position(|t| technology.as_deref() == Some(t.id.as_str()));
    let generation_index =
        scenario.generations.iter().position(|g| generation.as_deref() == Some(g.id.as_str()));
    if let (true, Some(t), Some(g)) = (args.fit, technology_index, generation_index) {
        inspector.set_fit_model(cporamp_pipeline::calibrate::fit_model(&scenario, t, g));
    }
    let mut limits = cporamp_pipeline::calibrate::spec_limits(&scenario, technology.as_deref());
    let mut limits_origin = format!(
        "scenario {origin}{}",
        technology.as_deref().map(|t| format!(", technology {t}")).unwrap_or_default()
    );
    if let Some((path, text)) = &limits_text {
        cporamp_inspect::parameter::apply_limits_file(
            &path.display().to_string(),
            text,
            &mut limits,
        )?;
        limits_origin = format!("{} over {limits_origin}", path.display());
    }
    inspector.set_limits(limits);
    inspector
        .set_lasers(cporamp_pipeline::calibrate::laser_model(&scenario, technology.as_deref()));
    let options = inspector.options().clone();
    let threads = args.threads.unwrap_or_else(crate::machine_threads).get();
    let result = inspector.finish(threads);
    let report = InspectFile {
        schema_version: RESULTS_SCHEMA_INSPECT,
        cporamp_version: env!("CARGO_PKG_VERSION"),
        files: &files,
        limits_origin: &limits_origin,
        options: &options,
        result: &result,
    };
    let json_text = json(&report)?;
    let mut notes = Vec::new();
    if let Some(directory) = &args.out {
        let shown: Vec<(String, u64)> = files.iter().map(|f| (f.path.clone(), f.rows)).collect();
        let html = cporamp_report::inspect_html(
            &cporamp_report::InspectSource { files: &shown, limits_origin: &limits_origin },
            &result,
        );
        let written = output::write_all_atomically(
            directory,
            &[("results.json", json_text.as_bytes()), ("inspect.html", html.as_bytes())],
        )
        .map_err(Failure::Input)?;
        notes.extend(written.iter().map(|path| format!("wrote {}", path.display())));
    }
    let bytes = match args.format {
        args::InspectFormat::Json => json_text.into_bytes(),
        args::InspectFormat::Text => {
            let names: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            table::render(&table::inspect_tables(&result, &names, &limits_origin)).into_bytes()
        }
    };
    deliver(&bytes, args.output.as_deref())?;
    if let Some(path) = &args.output {
        notes.push(format!("wrote {}", path.display()));
    }
    if !args.quiet {
        #[allow(clippy::print_stderr, reason = "notes go to stderr so stdout stays the output")]
        for line in notes {
            eprintln!("{line}");
        }
    }
    Ok(())
}

/// Version of the layout of `cporamp inspect`'s JSON.
const RESULTS_SCHEMA_INSPECT: u32 = 1;

/// `cporamp sweep`: the sweep file's scenarios run, one Parquet table written.
fn sweep(file: &Path, out: &Path, execution: &args::ExecutionArgs) -> Result<(), Failure> {
    output::check_directory(out).map_err(Failure::Input)?;
    let origin = file.display().to_string();
    let text = input::read_text(file, "sweep file")?;
    let spec = cporamp_sweep::parse_sweep_file(&text, &origin).map_err(Failure::input)?;
    let base_path = match spec.base.as_str() {
        name @ (DEFAULT_NAME | QUICK_NAME) => std::path::PathBuf::from(name),
        relative => file.parent().unwrap_or(Path::new("")).join(relative),
    };
    let (base_text, base_origin) = scenario_text(Some(&base_path))?;
    let sweep =
        cporamp_sweep::Sweep::new(&base_text, &base_origin, spec.axes, &spec.engines, spec.seeds)
            .map_err(|error| Failure::Input(anyhow::anyhow!("{origin}: {error}")))?;
    let threads = execution.threads.unwrap_or_else(crate::machine_threads);
    let progress = progress::Counter::new(execution, "sweep", "scenarios", sweep.len());
    let rows = sweep
        .run_with_progress(threads, &|done, _| {
            progress.update(done);
            std::ops::ControlFlow::Continue(())
        })
        .map_err(Failure::internal)?;
    progress.finish();
    let table = cporamp_sweep::table(&sweep, &rows);
    let bytes = cporamp_sweep::table_parquet(&table).map_err(Failure::internal)?;
    let written = output::write_all_atomically(out, &[("sweep.parquet", bytes.as_slice())])
        .map_err(Failure::Input)?;
    let failed: Vec<&cporamp_sweep::Row> = rows.iter().filter(|row| row.outcome.is_err()).collect();
    let mut summary = format!(
        "{} scenarios ({} ran, {} failed), {} columns\n",
        rows.len(),
        rows.len() - failed.len(),
        failed.len(),
        table.columns.len()
    );
    for row in &failed {
        if let Err(error) = &row.outcome {
            let first = error.message.lines().last().unwrap_or_default().trim();
            summary.push_str(&format!("  scenario {} failed: {first}\n", row.index));
        }
    }
    for path in written {
        summary.push_str(&format!("wrote {}\n", path.display()));
    }
    print(&summary)
}

/// `cporamp diff`: both scenarios run, their inputs and headline results side by side.
fn diff(
    a: &Path,
    b: &Path,
    out: Option<&Path>,
    format: Format,
    output: Option<&Path>,
    execution: &args::ExecutionArgs,
) -> Result<(), Failure> {
    if let Some(directory) = out {
        output::check_directory(directory).map_err(Failure::Input)?;
    }
    if let Some(path) = output {
        output::check_file(path).map_err(Failure::Input)?;
    }
    let (a_text, a_origin) = scenario_text(Some(a))?;
    let (b_text, b_origin) = scenario_text(Some(b))?;
    let changes = cporamp_report::input_changes(&a_origin, &a_text, &b_origin, &b_text)
        .map_err(|error| Failure::Input(anyhow::anyhow!(error)))?;
    let mut heads = Vec::new();
    for (path, name) in [(a, "A"), (b, "B")] {
        let common = EngineArgs {
            scenario: args::ScenarioArg { scenario: Some(path.to_path_buf()), scenario_flag: None },
            execution: *execution,
            ..EngineArgs::default()
        };
        let session = Session::start(&common, ALL_STAGES)?;
        let run = session.run().map_err(|failure| match failure {
            Failure::Input(error) => Failure::Input(error.context(format!("scenario {name}"))),
            internal @ Failure::Internal(_) => internal,
        })?;
        heads.push(cporamp_report::headlines(&cporamp_report::RunResults::of_run(
            &session.origin,
            &session.scenario,
            &run,
            None,
        )));
    }
    let diffs = cporamp_report::headline_diffs(&heads[0], &heads[1]);
    let report =
        serde_json::json!({ "a": a_origin, "b": b_origin, "inputs": changes, "results": diffs });
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(directory) = out {
        let html = cporamp_report::diff_html(&a_origin, &b_origin, &changes, &diffs);
        files.push(("diff.html".into(), html.into_bytes()));
        files.push(("diff.json".into(), json(&report)?.into_bytes()));
        let borrowed: Vec<(&str, &[u8])> =
            files.iter().map(|(name, body)| (name.as_str(), body.as_slice())).collect();
        let written = output::write_all_atomically(directory, &borrowed).map_err(Failure::Input)?;
        if !execution.quiet {
            #[allow(clippy::print_stderr, reason = "notes go to stderr so stdout stays the output")]
            for path in written {
                eprintln!("wrote {}", path.display());
            }
        }
    }
    let tables = || table::diff_tables(&a_origin, &b_origin, &changes, &diffs);
    let bytes = encode(format, "cporamp diff", tables, || json(&report), None)?;
    deliver(&bytes, output)
}
