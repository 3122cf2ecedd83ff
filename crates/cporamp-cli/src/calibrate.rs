//! `cporamp run --calibrate DATA...`: the yield engine's parameters fitted from schema-2 or
//! schema-3 test data ([`cporamp_inspect::yield_fit`]) replace the scenario's
//! ([`cporamp_pipeline::calibrate`]) before every engine runs.
//!
//! The files must name their technology and generation (the `# cporamp yield test data`
//! line of a CSV or the `cporamp.technology` / `cporamp.generation` metadata of a Parquet
//! file, as `cporamp yield --test-data` writes them), all the same, and the scenario must
//! have them; the design and test flow the fits assume are that technology's at that
//! generation.

use cporamp_core::ids::{GenerationId, TechnologyId};
use std::path::PathBuf;

use anyhow::anyhow;
use cporamp_pipeline::calibrate::Calibration;
use cporamp_scenario::Scenario;

use crate::{Failure, inspect};

/// The one value every file gives for `what` (`technology` or `generation`).
fn named(
    files: &[inspect::FileInfo],
    what: &str,
    of: impl Fn(&inspect::FileInfo) -> Option<&String>,
) -> Result<String, Failure> {
    let mut found: Option<&String> = None;
    for file in files {
        let Some(value) = of(file) else {
            return Err(Failure::Input(anyhow!(
                "--calibrate: {}: no {what} named in its header; calibration reads the files `cporamp yield --test-data` writes (a `# cporamp yield test data, schema 3, technology T, generation G` line, or the Parquet metadata)",
                file.path
            )));
        };
        if let Some(first) = found
            && first != value
        {
            return Err(Failure::Input(anyhow!(
                "--calibrate: {}: {what} {value}, but {} has {first}; calibrate from one technology and generation at a time",
                file.path,
                files[0].path
            )));
        }
        found = Some(value);
    }
    found.cloned().ok_or_else(|| Failure::Input(anyhow!("--calibrate: no data files")))
}

/// Reads `paths`, fits the yield engine's parameters and returns `scenario` with the fits in
/// place, and the calibration to report.
pub(crate) fn calibrate(
    scenario: &Scenario,
    paths: &[PathBuf],
    threads: usize,
) -> Result<(Scenario, Calibration), Failure> {
    let mut inspector = cporamp_inspect::Inspector::new(cporamp_inspect::InspectOptions::default());
    inspector.collect_fit_data();
    let files = inspect::read_all(paths, None, &mut inspector)?;
    let technology = named(&files, "technology", |f| f.technology.as_ref())?;
    let generation = named(&files, "generation", |f| f.generation.as_ref())?;
    let technology_index =
        scenario.technologies.iter().position(|t| t.id == technology).ok_or_else(|| {
            Failure::Input(anyhow!(
                "--calibrate: the data's technology {technology} is not in the scenario"
            ))
        })?;
    let generation_index =
        scenario.generations.iter().position(|g| g.id == generation).ok_or_else(|| {
            Failure::Input(anyhow!(
                "--calibrate: the data's generation {generation} is not in the scenario (or not the --generation asked for)"
            ))
        })?;
    let model = cporamp_pipeline::calibrate::fit_model(scenario, technology_index, generation_index)
        .ok_or_else(|| {
            Failure::Input(anyhow!(
                "--calibrate: technology {technology} is not co-packaged with rings; the yield engine does not run on it"
            ))
        })?;
    inspector.set_lasers(cporamp_pipeline::calibrate::laser_model(scenario, Some(&technology)));
    inspector.set_fit_model(Some(model));
    let result = inspector.finish(threads);
    let fits =
        result.yield_fits.ok_or_else(|| Failure::internal(anyhow!("no fits with a fit model")))?;
    let (calibrated, changed) = cporamp_pipeline::calibrate::calibrated(
        scenario,
        technology_index,
        generation_index,
        &fits,
    );
    Ok((
        calibrated,
        Calibration {
            files: files.iter().map(|f| f.path.clone()).collect(),
            technology: TechnologyId::new(technology),
            generation: GenerationId::new(generation),
            fits,
            changed,
        },
    ))
}
