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
    stage: Mutex<String>,
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
                    "{spinner} {msg:<34} [{bar:30}] {percent:>3}% {elapsed}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar, plain: shown && !terminal, stage: Mutex::new(String::new()) }
    }

    /// `stage` has done `done` of `total` units.
    #[allow(clippy::print_stderr, reason = "progress is what stderr is for")]
    pub fn update(&self, stage: &str, done: usize, total: usize) {
        let mut current = self.stage.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let new_stage = *current != stage;
        if new_stage {
            *current = stage.to_string();
            if self.plain {
                eprintln!("cporamp: {stage}");
            }
        }
        if let Some(bar) = &self.bar {
            if new_stage {
                bar.set_message(stage.to_string());
            }
            bar.set_length(total.max(1) as u64);
            bar.set_position(done.min(total) as u64);
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
