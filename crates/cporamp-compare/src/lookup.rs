//! Finding a generation or a technology of the scenario by id, with an error naming the ids
//! the scenario defines.

use crate::CompareError;
use cporamp_scenario::Scenario;

/// The index in `scenario.technologies` of the technology with id `technology_id`.
///
/// # Errors
/// [`CompareError::UnknownTechnology`], naming the ids the scenario defines.
pub fn technology_index(scenario: &Scenario, technology_id: &str) -> Result<usize, CompareError> {
    scenario.technologies.iter().position(|technology| technology.id == technology_id).ok_or_else(
        || CompareError::UnknownTechnology {
            id: technology_id.to_string(),
            defined: scenario
                .technologies
                .iter()
                .map(|technology| technology.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        },
    )
}

/// The index in `scenario.generations` of the generation with id `generation_id`.
///
/// # Errors
/// [`CompareError::UnknownGeneration`], naming the ids the scenario defines.
pub fn generation_index(scenario: &Scenario, generation_id: &str) -> Result<usize, CompareError> {
    scenario.generations.iter().position(|generation| generation.id == generation_id).ok_or_else(
        || CompareError::UnknownGeneration {
            id: generation_id.to_string(),
            defined: scenario
                .generations
                .iter()
                .map(|generation| generation.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        },
    )
}
