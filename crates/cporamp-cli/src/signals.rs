//! Reads a signals file (`--signals`) before any engine runs; the market crate parses it
//! ([`cporamp_market::parse_signals`]: every bad cell of every row named in one error, with
//! the file, line and column, the value and what was expected).

use std::path::{Path, PathBuf};

use cporamp_market::Observation;
use cporamp_scenario::Scenario;

use crate::Failure;

/// Reads and parses the signals file at `path`, checking its dates against the market
/// horizon of `scenario`.
pub(crate) fn read(
    path: &Path,
    scenario: &Scenario,
) -> Result<(PathBuf, Vec<Observation>), Failure> {
    let text = crate::input::read_text(path, "signals file")?;
    let horizon = (scenario.market.start_year, scenario.market.end_year);
    let observations = cporamp_market::parse_signals(&path.display().to_string(), &text, horizon)
        .map_err(|message| Failure::Input(anyhow::anyhow!(message)))?;
    Ok((path.to_path_buf(), observations))
}
