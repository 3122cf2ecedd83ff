//! The budget a run must fit, the check that refuses a run exceeding it, and the formatters of
//! bytes and CPU time its messages use.

use super::super::Scenario;
use super::resources::{Estimate, estimate};
use cporamp_core::error::{Diagnostic, DiagnosticKind, ScenarioError};
use cporamp_core::resources::{human_bytes, human_cpu};

/// The limits a run must fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Peak memory, bytes.
    pub memory_bytes: f64,
    /// CPU time summed over threads, s.
    pub cpu_s: f64,
    /// Worker threads (stages that run side by side hold their memory at once).
    pub threads: usize,
}

impl Budget {
    /// Default memory budget, bytes (8 GB).
    pub const DEFAULT_MEMORY_BYTES: f64 = 8e9;
    /// Default CPU budget, s (2 CPU-hours).
    pub const DEFAULT_CPU_S: f64 = 7200.0;
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            memory_bytes: Budget::DEFAULT_MEMORY_BYTES,
            cpu_s: Budget::DEFAULT_CPU_S,
            threads: 1,
        }
    }
}

/// Refuses a scenario whose run of `stages` (e.g. [`ALL_STAGES`](super::ALL_STAGES) for
/// `cporamp run`) would exceed `budget`, naming the estimate, the budget and the field that
/// drives it (located in `source`). Returns the estimate when it fits.
///
/// # Errors
/// A [`ScenarioError`] with one problem per exceeded budget.
pub fn check_budget(
    scenario: &Scenario,
    source: &str,
    origin: &str,
    budget: Budget,
    stages: &[&str],
) -> Result<Estimate, ScenarioError> {
    let mut estimate = estimate(scenario, budget.threads);
    estimate.demands.retain(|demand| stages.contains(&demand.stage));
    let mut diagnostics = Vec::new();
    let peak = estimate.peak_memory_bytes();
    if peak > budget.memory_bytes
        && let Some(driver) = estimate.memory_driver()
    {
        diagnostics.push(Diagnostic {
            path: driver.field.clone(),
            location: cporamp_core::locate::locate_path(source, &driver.field),
            kind: DiagnosticKind::OverBudget {
                resource: "memory".to_string(),
                estimate: format!(
                    "{} (mostly {}: {}, {})",
                    human_bytes(peak),
                    driver.stage,
                    driver.what,
                    human_bytes(driver.memory_bytes)
                ),
                budget: format!("{} (--max-memory)", human_bytes(budget.memory_bytes)),
            },
        });
    }
    let cpu = estimate.cpu_s();
    if cpu > budget.cpu_s
        && let Some(driver) = estimate.cpu_driver()
    {
        diagnostics.push(Diagnostic {
            path: driver.field.clone(),
            location: cporamp_core::locate::locate_path(source, &driver.field),
            kind: DiagnosticKind::OverBudget {
                resource: "CPU time".to_string(),
                estimate: format!(
                    "{} (mostly {}: {}, {})",
                    human_cpu(cpu),
                    driver.stage,
                    driver.what,
                    human_cpu(driver.cpu_s)
                ),
                budget: format!("{} (--max-cpu-hours)", human_cpu(budget.cpu_s)),
            },
        });
    }
    if diagnostics.is_empty() {
        Ok(estimate)
    } else {
        Err(ScenarioError { origin: origin.to_string(), diagnostics })
    }
}
