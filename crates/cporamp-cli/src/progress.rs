//! Progress on standard error: a bar per stage when stderr is a terminal (or `--progress`
//! asks for it), nothing with `--quiet` or when stderr is piped.

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

impl Progress {
    /// Progress as `execution` asks.
    pub fn new(execution: &ExecutionArgs) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let shown = !execution.quiet && (terminal || execution.progress);
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
