//! cporamp-core: what every engine shares.
//!
//! - [`check`]: range and choice checks of a section's fields, collecting every problem;
//! - [`math`]: the complementary error function and the normal distribution;
//! - [`units`]: newtypes that carry the unit of every quantity crossing an API;
//! - [`ids`]: the typed ids of generations and technologies that join the engines' results;
//! - [`locate`]: finding a field path back in TOML text, for line and column in errors;
//! - [`error`]: scenario errors that name the file, line, field, value, range and unit;
//! - [`exposure`]: the company-to-layer exposure map (data, shown as exposure, not advice).
//!
//! **Architecture invariant:** this crate does no I/O. It parses scenario *text* handed to it;
//! reading files is the CLI's job (enforced by `clippy.toml`).

pub mod check;
pub mod coupling;
pub mod error;
pub mod exposure;
pub mod ids;
pub mod keyed;
pub mod locate;
pub mod market_input;
pub mod math;
pub mod mechanism;
pub mod parallel;
pub mod pins;
pub mod prior;
pub mod quarter;
pub mod resources;
pub mod supply;
mod table;
pub mod units;
pub mod wdm;

pub use error::{Diagnostic, DiagnosticKind, ScenarioError};
