//! How a run is carried out: worker threads and progress reports. Never what it computes:
//! every result is identical for any options.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How a run is carried out (never what it computes: results are identical for any options).
pub struct RunOptions<'a> {
    /// Worker threads for the parallel stages; results are identical for any count.
    pub threads: NonZeroUsize,
    /// Called whenever a stage starts or advances; must be cheap.
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

fn no_progress(_: Progress) {}

impl RunOptions<'_> {
    /// `threads` workers, no progress reports. The caller picks the count (the command line
    /// from `--threads`, or the machine's cores); the library never guesses it.
    #[must_use]
    pub fn with_threads(threads: NonZeroUsize) -> Self {
        RunOptions { threads, progress: &no_progress }
    }
}

impl std::fmt::Debug for RunOptions<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("RunOptions").field("threads", &self.threads).finish_non_exhaustive()
    }
}

/// A stage of the pipeline, as progress reports name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The compare <-> thermal fixed point, inlet sweep and cycling (units: technology x
    /// generation).
    Thermal,
    /// The drift transients and lock loops (units: technology x generation).
    Photonics,
    /// The yield Monte Carlo, ramp and tornado (units: technology x generation).
    Yield,
    /// The fleet simulation (units: replications of every fabric).
    Fleet,
    /// The market propagation (units: the goodput surrogate's fleet runs, the samples' run,
    /// the Sobol run).
    Market,
}

impl Stage {
    /// The stage's name for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Stage::Thermal => "thermal",
            Stage::Photonics => "photonics",
            Stage::Yield => "yield",
            Stage::Fleet => "fleet",
            Stage::Market => "market",
        }
    }
}

/// How far a stage has got: `done` of `total` units.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// The stage.
    pub stage: Stage,
    /// Units done.
    pub done: usize,
    /// Units in the stage.
    pub total: usize,
}

/// Counts a stage's units as they finish (from any thread) and reports each step; reports
/// `done = 0` when created.
pub(crate) struct Counter<'a> {
    stage: Stage,
    total: usize,
    done: AtomicUsize,
    progress: &'a (dyn Fn(Progress) + Sync),
}

impl<'a> Counter<'a> {
    pub(crate) fn start(options: &RunOptions<'a>, stage: Stage, total: usize) -> Counter<'a> {
        (options.progress)(Progress { stage, done: 0, total });
        Counter { stage, total, done: AtomicUsize::new(0), progress: options.progress }
    }

    /// One more unit done.
    pub(crate) fn advance(&self) {
        self.advance_by(1);
    }

    /// `units` more units done.
    pub(crate) fn advance_by(&self, units: usize) {
        let done = self.done.fetch_add(units, Ordering::Relaxed) + units;
        (self.progress)(Progress {
            stage: self.stage,
            done: done.min(self.total),
            total: self.total,
        });
    }
}
