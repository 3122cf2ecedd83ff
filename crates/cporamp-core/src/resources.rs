//! What a run costs, for the budget checks of every command: one [`Demand`] per contribution
//! (a stage, the field driving it, memory and CPU time), and the formatters that show bytes
//! and CPU time to people.

/// One contribution to a run's resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// The stage (`thermal`, `photonics`, `yield`, `fleet`, `market`).
    pub stage: &'static str,
    /// The scenario field that drives it (its path).
    pub field: String,
    /// What is counted, for people (e.g. `256 lanes x 4000 samples x 4 periods x ...`).
    pub what: String,
    /// Memory held at once, bytes.
    pub memory_bytes: f64,
    /// CPU time, s.
    pub cpu_s: f64,
}

/// Bytes for people: `8.0 GB`, `312 MB`.
#[must_use]
pub fn human_bytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.0} MB", bytes / 1e6)
    } else {
        format!("{:.0} kB", bytes / 1e3)
    }
}

/// CPU time for people, as in the scenario budget messages (`3 CPU-minutes`, `2.4 CPU-hours`).
#[must_use]
pub fn human_cpu(seconds: f64) -> String {
    if seconds >= 7200.0 {
        format!("{:.1} CPU-hours", seconds / 3600.0)
    } else if seconds >= 120.0 {
        format!("{:.0} CPU-minutes", seconds / 60.0)
    } else {
        format!("{seconds:.1} CPU-s")
    }
}
