//! The `cporamp` command line: a thin shell that parses flags, loads files, calls the
//! engines and writes their results.
//!
//! Parse, then resolve, then run: flags are parsed by clap; scenario text is read here and
//! handed to `cporamp_core::load`; engines return data; this crate prints and writes it.
//!
//! Exit codes: 0 success; 1 internal failure (a bug); 2 bad input: a malformed or invalid
//! scenario, an unknown flag value, a missing file or an unwritable output directory. On
//! bad input nothing is written.

mod args;
mod output;
mod signals;
mod table;
mod thermal;

use anyhow::Context;
use args::{Cli, Command, Format, ScenarioCommand};
use clap::Parser;
use cporamp_compare::{Comparison, GenerationComparison};
use cporamp_core::Scenario;
use cporamp_core::scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO_TOML};
use cporamp_pipeline::RunOptions;
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

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
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::internal(error))
        }
        _ => Ok(()),
    }
}

fn dispatch(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run { scenario, out, signals } => {
            run_all(scenario.as_deref(), &out, signals.as_deref())
        }
        Command::Compare { scenario, generation, format } => {
            compare(scenario.as_deref(), generation.as_deref(), format)
        }
        Command::Yield { scenario, test_data, test_packages } => {
            let (scenario, _) = load_scenario(scenario.as_deref())?;
            let output = cporamp_pipeline::run_engines(&scenario, &RunOptions::default())
                .map_err(Failure::input)?;
            let mut text = table::yield_text(&output.yields, &output.comparison.generations);
            if let Some(directory) = &test_data {
                let mut files = Vec::new();
                for generation in &output.yields {
                    for technology in &generation.technologies {
                        let records =
                            cporamp_yield::test_records(&technology.inputs, test_packages)
                                .map_err(Failure::input)?;
                        let stem = format!("{}_{}", generation.generation, technology.id);
                        let (id, name) = (&technology.id, &generation.generation);
                        let csv = cporamp_yield::test_data_csv(&records, id, name);
                        let parquet = cporamp_report::test_data_parquet(&records, id, name)
                            .map_err(Failure::internal)?;
                        files.push((format!("{stem}.csv"), csv.into_bytes()));
                        files.push((format!("{stem}.parquet"), parquet));
                    }
                }
                let borrowed: Vec<(&str, &[u8])> =
                    files.iter().map(|(name, body)| (name.as_str(), body.as_slice())).collect();
                for path in crate::output::write_all_atomically(directory, &borrowed)
                    .map_err(Failure::Input)?
                {
                    text.push_str(&format!("wrote {}\n", path.display()));
                }
            }
            print(&text)
        }
        Command::Fleet { scenario } => {
            let (scenario, _) = load_scenario(scenario.as_deref())?;
            let engines = cporamp_pipeline::run_engines(&scenario, &RunOptions::default())
                .map_err(Failure::input)?;
            let fleet = cporamp_pipeline::run_fleet(&scenario, &engines, &RunOptions::default())
                .map_err(Failure::input)?;
            print(&table::fleet_text(&fleet, &scenario))
        }
        Command::Market { scenario, signals } => {
            let (scenario, _) = load_scenario(scenario.as_deref())?;
            let observations = signals.as_deref().map(signals::read).transpose()?;
            let output =
                cporamp_pipeline::run(&scenario, &RunOptions::default()).map_err(Failure::input)?;
            let update = market_update(&output.market, observations.as_ref())?;
            print(&table::market_text(&output.market, update.as_ref()))
        }
        Command::Photonics { scenario } => {
            let (scenario, _) = load_scenario(scenario.as_deref())?;
            let output = cporamp_pipeline::run_engines(&scenario, &RunOptions::default())
                .map_err(Failure::input)?;
            print(&table::photonics_text(&output.photonics))
        }
        Command::Thermal(args) => match &args.hotspot_config {
            Some(_) => print(&thermal::run_hotspot(&args)?),
            None => {
                let (scenario, _) = load_scenario(args.scenario.as_deref())?;
                let output = cporamp_pipeline::run_engines(&scenario, &RunOptions::default())
                    .map_err(Failure::input)?;
                print(&table::thermal_text(&output.thermal))
            }
        },
        Command::Scenario(ScenarioCommand::Init { path, force }) => {
            output::write_new_file(&path, DEFAULT_SCENARIO_TOML, force).map_err(Failure::Input)?;
            print(&format!("wrote the default scenario to {}\n", path.display()))
        }
        Command::Scenario(ScenarioCommand::Check { file }) => {
            let (scenario, origin) = load_scenario(Some(&file))?;
            print(&format!(
                "{origin}: ok: {} technologies x {} generations\n",
                scenario.technologies.len(),
                scenario.generations.len()
            ))
        }
    }
}

/// Reads and resolves a scenario file, or the embedded default.
fn load_scenario(path: Option<&Path>) -> Result<(Scenario, String), Failure> {
    let (text, origin) = match path {
        Some(path) => {
            let origin = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read scenario file {origin}"))
                .map_err(Failure::Input)?;
            (text, origin)
        }
        None => (DEFAULT_SCENARIO_TOML.to_string(), DEFAULT_ORIGIN.to_string()),
    };
    let scenario = cporamp_core::load(&text, &origin).map_err(Failure::input)?;
    Ok((scenario, origin))
}

fn compare(path: Option<&Path>, generation: Option<&str>, format: Format) -> Result<(), Failure> {
    let (scenario, _) = load_scenario(path)?;
    let generations: Vec<GenerationComparison> =
        cporamp_pipeline::compare(&scenario, generation, &RunOptions::default())
            .map_err(Failure::input)?
            .generations;
    let text = match format {
        Format::Table => table::text(&generations),
        Format::Csv => table::csv(&generations),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&generations).map_err(Failure::internal)?;
            json.push('\n');
            json
        }
    };
    print(&text)
}

/// The market's update by the observations read from a signals file, if any; an observation
/// the engine rejects (a year outside the horizon) is named with the file.
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

fn run_all(path: Option<&Path>, out: &Path, signals: Option<&Path>) -> Result<(), Failure> {
    let (scenario, origin) = load_scenario(path)?;
    let observations = signals.map(signals::read).transpose()?;
    let output =
        cporamp_pipeline::run(&scenario, &RunOptions::default()).map_err(Failure::input)?;
    let update = market_update(&output.market, observations.as_ref())?;
    let comparison: &Comparison = &output.comparison;
    let results = cporamp_report::RunResults {
        origin: &origin,
        scenario: &scenario,
        comparison,
        thermal: &output.thermal,
        photonics: &output.photonics,
        yields: &output.yields,
        fleet: Some(&output.fleet),
        market: Some(&output.market),
        market_update: update.as_ref(),
    };
    let json = cporamp_report::results_json(&results).map_err(Failure::internal)?;
    let html = cporamp_report::report_html(&results);
    let written = crate::output::write_all_atomically(
        out,
        &[("results.json", json.as_bytes()), ("report.html", html.as_bytes())],
    )
    .map_err(Failure::Input)?;

    let mut summary = format!("cporamp run: scenario {} ({origin})\n\n", scenario.name);
    summary.push_str(&table::text(&comparison.generations));
    summary.push_str(&table::thermal_text(&output.thermal));
    summary.push_str(&table::photonics_text(&output.photonics));
    summary.push_str(&table::yield_text(&output.yields, &comparison.generations));
    summary.push_str(&table::fleet_text(&output.fleet, &scenario));
    summary.push_str(&table::market_text(&output.market, update.as_ref()));
    for path in &written {
        summary.push_str(&format!("wrote {}\n", path.display()));
    }
    print(&summary)
}
