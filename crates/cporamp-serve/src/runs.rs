//! The run queue: at most `max_running` runs at once (a semaphore), at most `max_queued`
//! waiting, each run the pipeline `cporamp run` calls (`cporamp_pipeline::run`, then
//! `cporamp_report::results_json` and `report_html`) on a blocking thread, its progress taken
//! from the pipeline's progress reports.
//!
//! Cancelling: the pipeline has no cancel hook, but it reports progress after every unit of
//! work (a technology x generation, a batch of replications); the progress callback of a
//! cancelled run unwinds with [`std::panic::resume_unwind`] (which runs no panic hook, so
//! nothing is printed), the unwinding is caught around the run and the run is marked
//! cancelled. A run that fails or panics is marked failed with its message; the server
//! keeps serving either way.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::store::{RunId, RunRecord, RunState, RunStore};

/// The pipeline's stages in the order they run, as progress names them.
pub const STAGES: [&str; 5] = ["thermal", "photonics", "yield", "fleet", "market"];

/// A stage's progress.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StageProgress {
    /// Units done.
    pub done: usize,
    /// Units in the stage (0 until it starts).
    pub total: usize,
}

/// A live run's progress.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    /// The stage running now.
    pub stage: Option<&'static str>,
    /// Each stage's units, in [`STAGES`] order.
    pub stages: [StageProgress; 5],
}

impl Progress {
    /// Percent done: the mean over the stages of each one's fraction done.
    #[must_use]
    pub fn percent(&self) -> f64 {
        let sum: f64 = self
            .stages
            .iter()
            .map(|s| if s.total == 0 { 0.0 } else { s.done as f64 / s.total as f64 })
            .sum();
        100.0 * sum / STAGES.len() as f64
    }

    fn update(&mut self, report: cporamp_pipeline::Progress) {
        let Some(index) = STAGES.iter().position(|name| *name == report.stage.label()) else {
            return;
        };
        // A later stage started: the earlier ones are done.
        for earlier in &mut self.stages[..index] {
            earlier.done = earlier.total.max(1);
            earlier.total = earlier.total.max(1);
        }
        self.stages[index] = StageProgress { done: report.done, total: report.total };
        self.stage = Some(STAGES[index]);
    }

    fn complete() -> Progress {
        Progress { stage: None, stages: [StageProgress { done: 1, total: 1 }; 5] }
    }
}

/// A run the server holds in memory while it is queued or running.
#[derive(Debug, Default)]
struct Live {
    cancel: AtomicBool,
    /// Wakes a queued run's wait for a slot when it is cancelled.
    cancelled: tokio::sync::Notify,
    progress: Mutex<Progress>,
}

/// The payload a cancelled run unwinds with.
struct Cancelled;

/// The queue and the live runs.
#[derive(Debug)]
pub struct Runs {
    store: Arc<RunStore>,
    live: Mutex<BTreeMap<RunId, Arc<Live>>>,
    slots: Arc<Semaphore>,
    queued: AtomicUsize,
    max_queued: usize,
    threads: NonZeroUsize,
    stopping: AtomicBool,
}

/// A run as the API shows it: its record, progress and links.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    /// The index's record.
    #[serde(flatten)]
    pub record: RunRecord,
    /// Percent done (100 once succeeded).
    pub percent: f64,
    /// Per-stage progress while live, or complete once succeeded.
    pub progress: Option<Progress>,
}

impl Runs {
    /// A queue over `store` running at most `max_running` runs at once on `threads` threads
    /// each, with at most `max_queued` waiting.
    #[must_use]
    pub fn new(
        store: Arc<RunStore>,
        max_running: usize,
        max_queued: usize,
        threads: NonZeroUsize,
    ) -> Runs {
        Runs {
            store,
            live: Mutex::new(BTreeMap::new()),
            slots: Arc::new(Semaphore::new(max_running.max(1))),
            queued: AtomicUsize::new(0),
            max_queued,
            threads,
            stopping: AtomicBool::new(false),
        }
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &RunStore {
        &self.store
    }

    fn live(&self, id: &RunId) -> Option<Arc<Live>> {
        self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(id).cloned()
    }

    /// A run's view: its record with the live progress.
    #[must_use]
    pub fn view(&self, record: RunRecord) -> RunView {
        let progress = match record.state {
            RunState::Succeeded => Some(Progress::complete()),
            _ => self.live(&record.id).map(|live| {
                live.progress.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
            }),
        };
        let percent = progress.as_ref().map_or(0.0, Progress::percent);
        RunView { record, percent, progress }
    }

    /// Queues a run of the (already checked) scenario `text` and starts it when a slot is
    /// free.
    ///
    /// # Errors
    /// `queue_full` (429) when `max_queued` runs wait; `internal` on a store failure.
    pub fn submit(
        self: &Arc<Self>,
        label: &str,
        scenario_name: &str,
        text: String,
    ) -> Result<RunRecord, ApiError> {
        if self.queued.fetch_add(1, Ordering::SeqCst) >= self.max_queued {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                "queue_full",
                format!("{} runs are already waiting; retry when one has started", self.max_queued),
            ));
        }
        let record = match self.store.create(label, scenario_name, &text) {
            Ok(record) => record,
            Err(error) => {
                self.queued.fetch_sub(1, Ordering::SeqCst);
                return Err(error);
            }
        };
        let live = Arc::new(Live::default());
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(record.id.clone(), Arc::clone(&live));
        let runs = Arc::clone(self);
        let id = record.id.clone();
        let origin = label.to_string();
        tokio::spawn(async move {
            // A queued run waits for a slot, or for its cancellation.
            let permit = tokio::select! {
                permit = Arc::clone(&runs.slots).acquire_owned() => permit.ok(),
                () = live.cancelled.notified() => None,
            };
            runs.queued.fetch_sub(1, Ordering::SeqCst);
            let Some(permit) = permit.filter(|_| !live.cancel.load(Ordering::SeqCst)) else {
                runs.finish(&id, RunState::Cancelled, Some("cancelled before it started"));
                return;
            };
            runs.set_state(&id, RunState::Running, None);
            let worker = Arc::clone(&runs);
            let worker_id = id.clone();
            let joined = tokio::task::spawn_blocking(move || {
                let outcome = worker.execute(&worker_id, &origin, &text, &live);
                drop(permit);
                outcome
            })
            .await;
            let (state, error) = match joined {
                Ok(outcome) => outcome,
                Err(error) => (RunState::Failed, Some(format!("internal error: {error}"))),
            };
            runs.finish(&id, state, error.as_deref());
        });
        Ok(record)
    }

    fn set_state(&self, id: &RunId, state: RunState, error: Option<&str>) {
        if !self.stopping.load(Ordering::SeqCst) {
            // A store failure here leaves the run as it was; the next start marks it failed.
            let _ = self.store.set_state(id, state, error);
        }
    }

    fn finish(&self, id: &RunId, state: RunState, error: Option<&str>) {
        self.set_state(id, state, error);
        self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(id);
    }

    /// Runs the pipeline on `text` and writes the run's files; the run's final state.
    fn execute(
        &self,
        id: &RunId,
        origin: &str,
        text: &str,
        live: &Live,
    ) -> (RunState, Option<String>) {
        let report = |progress: cporamp_pipeline::Progress| {
            live.progress
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .update(progress);
            if live.cancel.load(Ordering::Relaxed) {
                std::panic::resume_unwind(Box::new(Cancelled));
            }
        };
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
            let scenario =
                cporamp_scenario::load(text, origin).map_err(|error| error.to_string())?;
            let options = cporamp_pipeline::RunOptions { threads: self.threads, progress: &report };
            let run = cporamp_codesign::full_run(&scenario, &options)
                .map_err(|error| error.to_string())?;
            let results = cporamp_report::RunResults::of_run(origin, &scenario, &run.output, None)
                .with_codesign(Some(&run.codesign));
            let json = cporamp_report::results_json(&results).map_err(|error| error.to_string())?;
            let html = cporamp_report::report_html(&results);
            let headlines = serde_json::to_string(&cporamp_report::headlines(&results))
                .map_err(|error| error.to_string())?;
            let resolved =
                serde_json::to_string_pretty(&scenario).map_err(|error| error.to_string())?;
            if self.stopping.load(Ordering::SeqCst) {
                return Err(crate::store::INTERRUPTED.to_string());
            }
            for (name, bytes) in [
                ("results.json", json.as_bytes()),
                ("report.html", html.as_bytes()),
                ("headlines.json", headlines.as_bytes()),
                ("resolved_scenario.json", resolved.as_bytes()),
            ] {
                self.store.write(id, name, bytes).map_err(|error| error.message)?;
            }
            Ok(())
        }));
        match outcome {
            Ok(Ok(())) => (RunState::Succeeded, None),
            Ok(Err(message)) => (RunState::Failed, Some(message)),
            Err(payload) if payload.is::<Cancelled>() => {
                (RunState::Cancelled, Some("cancelled by a client".to_string()))
            }
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                (
                    RunState::Failed,
                    Some(format!("internal error (a bug, please report it): {message}")),
                )
            }
        }
    }

    /// Asks a queued or running run to stop.
    ///
    /// # Errors
    /// `run_not_found`, or `run_finished` (409) if it has already ended.
    pub fn cancel(&self, id: &RunId) -> Result<(), ApiError> {
        let record = self.store.get(id)?.ok_or_else(|| not_found(id))?;
        match self.live(id) {
            Some(live) if !record.state.is_final() => {
                live.cancel.store(true, Ordering::SeqCst);
                // Stores a wake-up if the queued run is not waiting yet: none is lost.
                live.cancelled.notify_one();
                Ok(())
            }
            _ => Err(ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "run_finished",
                format!(
                    "run {id} has already ended ({:?}); there is nothing to cancel",
                    record.state
                )
                .to_lowercase(),
            )),
        }
    }

    /// Stops taking runs: every live run is cancelled and nothing more is written to the
    /// store, so that the runs still live stay `queued` or `running` in the index, as after
    /// a crash (`crate::store::RunStore::open` marks them failed at the next start).
    pub fn abandon(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.store.close();
        self.slots.close();
        for live in self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner).values() {
            live.cancel.store(true, Ordering::SeqCst);
            live.cancelled.notify_one();
        }
    }

    /// Marks every live run failed as interrupted, then [`Runs::abandon`]s them (a graceful
    /// stop).
    pub fn interrupt(&self) {
        let ids: Vec<RunId> = self
            .live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        for id in &ids {
            let _ = self.store.set_state(id, RunState::Failed, Some(crate::store::INTERRUPTED));
        }
        self.abandon();
    }
}

/// `run_not_found` (404) for `id`.
#[must_use]
pub fn not_found(id: &RunId) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "run_not_found",
        format!("no run has the id {id}"),
    )
}
