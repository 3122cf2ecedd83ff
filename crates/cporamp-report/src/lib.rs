//! cporamp-report: turns engine results into `results.json` and a self-contained HTML report.
//!
//! **Architecture invariant:** rendering is pure. Functions here return strings; the CLI
//! writes them to disk (atomically). The HTML has no external resources: styles are inline
//! and charts are inline SVG, so the report works offline and can be mailed as one file.

mod align;
mod answer;
mod calibration;
mod codesign;
mod diff;
mod fleet;
mod frame;
mod html;
mod inspect;
mod market;
mod photonics;
mod svg;
mod testdata;
mod thermal;
mod yields;

pub use answer::{Answer, ScenarioLine};
pub use diff::{
    Headline, HeadlineDiff, InputChange, diff_html, figure_decimals, headline_diffs, headlines,
    input_changes,
};
pub use frame::{Frame, FrameColumn, number};
pub use inspect::{InspectSource, SUBGROUP_CAVEAT, inspect_html};
pub use market::NEGLIGIBLE_SHARE_SD;
pub use testdata::test_data_parquet;

use cporamp_compare::Comparison;
use cporamp_scenario::Scenario;
use serde::Serialize;

/// Version of the `results.json` layout. Bump it when a field is renamed or removed.
pub const RESULTS_SCHEMA_VERSION: u32 = 1;

/// Everything one `cporamp run` produced, ready to render.
#[derive(Debug, Clone, Copy)]
pub struct RunResults<'a> {
    /// Where the scenario came from: a path, or `<embedded default>`.
    pub origin: &'a str,
    /// The resolved scenario the engines ran on.
    pub scenario: &'a Scenario,
    /// The technology comparison.
    pub comparison: &'a Comparison,
    /// The thermal engine's results, per generation.
    pub thermal: &'a [cporamp_pipeline::ThermalGeneration],
    /// The photonics engine's results, per generation.
    pub photonics: &'a [cporamp_pipeline::PhotonicsGeneration],
    /// The yield engine's results, per generation.
    pub yields: &'a [cporamp_pipeline::YieldGeneration],
    /// The fleet engine's fabrics, when it ran.
    pub fleet: Option<&'a cporamp_pipeline::FleetOutput>,
    /// The market engine's results, when it ran.
    pub market: Option<&'a cporamp_pipeline::MarketOutput>,
    /// The market's update by observed signals, when there were any.
    pub market_update: Option<&'a cporamp_market::Update>,
    /// Automated fiber alignment against passive attach, when it ran.
    pub align: Option<&'a cporamp_align::AlignResult>,
    /// The calibration the run's scenario carries (`cporamp run --calibrate`), if any.
    pub calibration: Option<&'a cporamp_pipeline::calibrate::Calibration>,
    /// The liquid-cooling and optics co-design sweep, when it ran.
    pub codesign: Option<&'a cporamp_codesign::CodesignResult>,
}

impl<'a> RunResults<'a> {
    /// The results of a whole run (`cporamp_pipeline::run`) of `scenario`, read from `origin`.
    #[must_use]
    pub fn of_run(
        origin: &'a str,
        scenario: &'a Scenario,
        output: &'a cporamp_pipeline::RunOutput,
        market_update: Option<&'a cporamp_market::Update>,
    ) -> RunResults<'a> {
        RunResults {
            origin,
            scenario,
            comparison: &output.comparison,
            thermal: &output.thermal,
            photonics: &output.photonics,
            yields: &output.yields,
            fleet: Some(&output.fleet),
            market: Some(&output.market),
            market_update,
            align: Some(&output.align),
            calibration: None,
            codesign: None,
        }
    }

    /// The same results, with the co-design sweep (`cporamp run` runs it after the pipeline).
    #[must_use]
    pub fn with_codesign(
        self,
        codesign: Option<&'a cporamp_codesign::CodesignResult>,
    ) -> RunResults<'a> {
        RunResults { codesign, ..self }
    }

    /// The same results, with the calibration the scenario carries.
    #[must_use]
    pub fn with_calibration(
        self,
        calibration: Option<&'a cporamp_pipeline::calibrate::Calibration>,
    ) -> RunResults<'a> {
        RunResults { calibration, ..self }
    }
}

#[derive(Serialize)]
struct ResultsFile<'a> {
    schema_version: u32,
    cporamp_version: &'static str,
    scenario_origin: &'a str,
    scenario: &'a Scenario,
    compare: &'a Comparison,
    thermal: &'a [cporamp_pipeline::ThermalGeneration],
    photonics: &'a [cporamp_pipeline::PhotonicsGeneration],
    #[serde(rename = "yield")]
    yields: &'a [cporamp_pipeline::YieldGeneration],
    fleet: Option<&'a cporamp_pipeline::FleetOutput>,
    market: Option<&'a cporamp_pipeline::MarketOutput>,
    market_update: Option<&'a cporamp_market::Update>,
    align: Option<&'a cporamp_align::AlignResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calibration: Option<&'a cporamp_pipeline::calibrate::Calibration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    codesign: Option<&'a cporamp_codesign::CodesignResult>,
}

/// `results.json`: the schema version, the resolved inputs and every engine's results.
///
/// # Errors
/// Only if serialization fails, which would be a bug (every type here serializes).
pub fn results_json(run: &RunResults<'_>) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&ResultsFile {
        schema_version: RESULTS_SCHEMA_VERSION,
        cporamp_version: env!("CARGO_PKG_VERSION"),
        scenario_origin: run.origin,
        scenario: run.scenario,
        compare: run.comparison,
        thermal: run.thermal,
        photonics: run.photonics,
        yields: run.yields,
        fleet: run.fleet,
        market: run.market,
        market_update: run.market_update,
        align: run.align,
        calibration: run.calibration,
        codesign: run.codesign,
    })
}

/// The self-contained HTML report.
#[must_use]
pub fn report_html(run: &RunResults<'_>) -> String {
    html::render(run)
}
