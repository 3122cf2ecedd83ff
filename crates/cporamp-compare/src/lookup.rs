//! Finding a generation or a technology of the scenario by id, with an error naming the ids
//! the scenario defines.

use crate::CompareError;
use cporamp_scenario::Scenario;

/// The position of `id` among `ids`, or the ids, comma-separated.
fn position<'a>(ids: impl Iterator<Item = &'a str> + Clone, id: &str) -> Result<usize, String> {
    ids.clone().position(|defined| defined == id).ok_or_else(|| ids.collect::<Vec<_>>().join(", "))
}

/// The index in `scenario.technologies` of the technology with id `technology_id`.
///
/// # Errors
/// [`CompareError::UnknownTechnology`], naming the ids the scenario defines.
pub fn technology_index(scenario: &Scenario, technology_id: &str) -> Result<usize, CompareError> {
    let ids = scenario.technologies.iter().map(|technology| technology.id.as_str());
    position(ids, technology_id).map_err(|defined| CompareError::UnknownTechnology {
        id: technology_id.to_string(),
        defined,
    })
}

/// The index in `scenario.generations` of the generation with id `generation_id`.
///
/// # Errors
/// [`CompareError::UnknownGeneration`], naming the ids the scenario defines.
pub fn generation_index(scenario: &Scenario, generation_id: &str) -> Result<usize, CompareError> {
    let ids = scenario.generations.iter().map(|generation| generation.id.as_str());
    position(ids, generation_id).map_err(|defined| CompareError::UnknownGeneration {
        id: generation_id.to_string(),
        defined,
    })
}
