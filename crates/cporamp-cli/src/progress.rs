//! Progress on standard error: a bar per stage when stderr is a terminal (or `--progress`
//! asks for it), nothing with `--quiet` or when stderr is piped. [`Counter`] is the same for
//! one count of units (the scenarios of `cporamp sweep`), with their number and the time left.

use crate::args::ExecutionArgs;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

/// Where progress goes.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Without a terminal (`--progress` into a pipe): one plain line per stage start.
    plain: bool,
    /// Every stage seen, in order, with its units done and total (stages may run side by
    /// side, e.g. thermal and photonics per technology).
    stages: Mutex<Vec<(String, usize, usize)>>,
}

/// Whether progress is shown, and whether standard error is a terminal: shown on a terminal
/// or with `--progress`, never with `--quiet` (every command's rule).
fn shown(execution: &ExecutionArgs) -> (bool, bool) {
    let terminal = std::io::stderr().is_terminal();
    (!execution.quiet && (terminal || execution.progress), terminal)
}

impl Progress {
    /// Progress as `execution` asks.
    pub fn new(execution: &ExecutionArgs) -> Progress {
        let (shown, terminal) = shown(execution);
        let bar = (shown && terminal).then(|| {
            let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{bar:24}] {percent:>3}% {elapsed:>4}  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar, plain: shown && !terminal, stages: Mutex::new(Vec::new()) }
    }

    /// `stage` has done `done` of `total` units. The bar shows the mean share done of every
    /// stage seen so far and names the stages still running with their units.
    #[allow(clippy::print_stderr, reason = "progress is what stderr is for")]
    pub fn update(&self, stage: &str, done: usize, total: usize) {
        let mut stages = self.stages.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match stages.iter_mut().find(|(name, _, _)| name == stage) {
            Some(entry) => *entry = (stage.to_string(), done, total),
            None => {
                stages.push((stage.to_string(), done, total));
                if self.plain {
                    eprintln!("cporamp: {stage}");
                }
            }
        }
        if let Some(bar) = &self.bar {
            // Each stage seen counts as one share (their units are not comparable).
            let share: f64 = stages
                .iter()
                .map(|(_, done, total)| (*done).min(*total) as f64 / (*total).max(1) as f64)
                .sum::<f64>()
                / stages.len() as f64;
            let running: Vec<String> = stages
                .iter()
                .filter(|(_, done, total)| done < total)
                .map(|(name, done, total)| format!("{name} {done}/{total}"))
                .collect();
            bar.set_length(1000);
            bar.set_position((1000.0 * share).round() as u64);
            bar.set_message(if running.is_empty() {
                stage.to_string()
            } else {
                running.join(", ")
            });
        }
    }

    /// Removes the bar (before the results are printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Progress of one count of units (the scenarios of a sweep), shown by the same rules as
/// [`Progress`]: on a terminal a bar with units done of all, elapsed time and time left;
/// with `--progress` into a pipe a line at the start and one each time another tenth is
/// done (and at the end); nothing with `--quiet`.
pub struct Counter {
    bar: Option<ProgressBar>,
    /// Without a terminal: when it started and the tenths already printed.
    plain: Option<Mutex<(std::time::Instant, usize)>>,
    label: &'static str,
    units: &'static str,
    total: usize,
}

impl Counter {
    /// `total` `units` to count under `label` (`sweep`, `scenarios`), as `execution` asks.
    #[allow(clippy::print_stderr, reason = "progress is what stderr is for")]
    pub fn new(
        execution: &ExecutionArgs,
        label: &'static str,
        units: &'static str,
        total: usize,
    ) -> Counter {
        let (shown, terminal) = shown(execution);
        let bar = (shown && terminal).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let template = format!(
                "{{spinner}} {label} [{{bar:24}}] {{pos}}/{{len}} {units}  {{elapsed}} elapsed, \
                 {{eta}} left"
            );
            bar.set_style(
                ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        let plain = (shown && !terminal).then(|| {
            eprintln!("cporamp: {label} of {total} {units}");
            Mutex::new((std::time::Instant::now(), 0))
        });
        Counter { bar, plain, label, units, total }
    }

    /// `done` units of all are done (`done` only grows).
    #[allow(clippy::print_stderr, reason = "progress is what stderr is for")]
    pub fn update(&self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
        }
        if let Some(plain) = &self.plain {
            let mut plain = plain.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let (started, printed) = &mut *plain;
            let tenths = 10 * done / self.total.max(1);
            if tenths > *printed {
                *printed = tenths;
                let elapsed = started.elapsed().as_secs_f64();
                let left =
                    elapsed * (self.total - done.min(self.total)) as f64 / done.max(1) as f64;
                eprintln!(
                    "cporamp: {} {done}/{} {}, {elapsed:.1} s elapsed, about {left:.1} s left",
                    self.label, self.total, self.units
                );
            }
        }
    }

    /// Removes the bar (before the results are printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.finish();
    }
}
