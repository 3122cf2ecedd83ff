//! The run store: a folder per run under `<store>/runs/<id>/` (the scenario as submitted,
//! `scenario.toml`; the scenario as resolved, `resolved_scenario.json`; `results.json`,
//! `report.html` and the headline figures the comparison reads, `headlines.json`) and a SQLite
//! index `<store>/index.sqlite` of every run and its state, which survives a restart.
//!
//! Run ids are generated here (16 lower-case hex digits: the creation time in milliseconds
//! and a counter) and a folder path is only ever built from an id that [`RunId::parse`]
//! accepted, so no request reaches the file system outside the store. Files are written to a
//! temporary name and renamed, so a run's folder never holds half a file.
//!
//! When the store is opened, every run still `queued` or `running` in the index belongs to a
//! server that stopped without finishing it: it is marked `failed` with the reason
//! [`INTERRUPTED`], never lost silently.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::ApiError;

/// The reason given to a run that a server stop interrupted.
pub const INTERRUPTED: &str = "interrupted: the server stopped before the run finished";

/// A run id as the store generates it: 16 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RunId(String);

impl RunId {
    /// Digits of an id.
    const LEN: usize = 16;

    /// Accepts `text` only if it has the generated form, so that it is safe as a folder name.
    ///
    /// # Errors
    /// `invalid_run_id` (400) naming the value (cut to 40 characters).
    pub fn parse(text: &str) -> Result<RunId, ApiError> {
        if text.len() == Self::LEN
            && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(RunId(text.to_string()))
        } else {
            let shown: String = text.chars().take(40).collect();
            Err(ApiError::bad_request(
                "invalid_run_id",
                format!(
                    "run id {shown:?} is not a run id: expected {} lower-case hex digits, as POST /api/runs returns",
                    Self::LEN
                ),
            ))
        }
    }

    /// The id's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RunId {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Waiting for a free run slot.
    Queued,
    /// The pipeline is running.
    Running,
    /// Finished; its results are in its folder.
    Succeeded,
    /// Stopped by an error, or interrupted by a server stop.
    Failed,
    /// Cancelled by a client.
    Cancelled,
}

impl RunState {
    fn name(self) -> &'static str {
        match self {
            RunState::Queued => "queued",
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
        }
    }

    fn from_name(name: &str) -> RunState {
        match name {
            "queued" => RunState::Queued,
            "running" => RunState::Running,
            "succeeded" => RunState::Succeeded,
            "cancelled" => RunState::Cancelled,
            _ => RunState::Failed,
        }
    }

    /// Whether the run has ended (succeeded, failed or cancelled).
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, RunState::Succeeded | RunState::Failed | RunState::Cancelled)
    }
}

/// A run as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    /// Its id.
    pub id: RunId,
    /// The label the client gave it.
    pub label: String,
    /// The scenario's `name`.
    pub scenario_name: String,
    /// Where it is.
    pub state: RunState,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// When it was submitted, ms since the Unix epoch.
    pub created_ms: i64,
    /// When it started running.
    pub started_ms: Option<i64>,
    /// When it ended.
    pub finished_ms: Option<i64>,
}

/// The store: its folder and its index.
#[derive(Debug)]
pub struct RunStore {
    root: PathBuf,
    /// The index; `None` once closed (no more writes).
    index: Mutex<Option<Connection>>,
    counter: AtomicU64,
}

/// Milliseconds since the Unix epoch.
#[must_use]
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
}

fn db_error(error: rusqlite::Error) -> ApiError {
    ApiError::internal(format!("run index: {error}"))
}

fn io_error(what: &str, path: &Path, error: &std::io::Error) -> ApiError {
    ApiError::internal(format!("{what} {}: {error}", path.display()))
}

const COLUMNS: &str = "id, label, scenario_name, state, error, created_ms, started_ms, finished_ms";

fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<RunRecord> {
    Ok(RunRecord {
        id: RunId(row.get(0)?),
        label: row.get(1)?,
        scenario_name: row.get(2)?,
        state: RunState::from_name(&row.get::<_, String>(3)?),
        error: row.get(4)?,
        created_ms: row.get(5)?,
        started_ms: row.get(6)?,
        finished_ms: row.get(7)?,
    })
}

impl RunStore {
    /// Opens (creating if needed) the store in `root`, and marks the runs a stopped server
    /// left queued or running as failed ([`INTERRUPTED`]). Returns the store and how many
    /// runs were so marked.
    ///
    /// # Errors
    /// The folder cannot be created or the index cannot be opened.
    pub fn open(root: &Path) -> Result<(RunStore, usize), String> {
        std::fs::create_dir_all(root.join("runs"))
            .map_err(|error| format!("run store {}: {error}", root.display()))?;
        let path = root.join("index.sqlite");
        let connection = Connection::open(&path)
            .map_err(|error| format!("run index {}: {error}", path.display()))?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .and_then(|()| {
                connection.execute_batch(
                    "CREATE TABLE IF NOT EXISTS runs (
                        id TEXT PRIMARY KEY NOT NULL,
                        label TEXT NOT NULL,
                        scenario_name TEXT NOT NULL,
                        state TEXT NOT NULL,
                        error TEXT,
                        created_ms INTEGER NOT NULL,
                        started_ms INTEGER,
                        finished_ms INTEGER
                    );",
                )
            })
            .map_err(|error| format!("run index {}: {error}", path.display()))?;
        let interrupted = connection
            .execute(
                "UPDATE runs SET state = 'failed', error = ?1, finished_ms = ?2
                 WHERE state IN ('queued', 'running')",
                params![INTERRUPTED, now_ms()],
            )
            .map_err(|error| format!("run index {}: {error}", path.display()))?;
        let store = RunStore {
            root: root.to_path_buf(),
            index: Mutex::new(Some(connection)),
            counter: AtomicU64::new(0),
        };
        Ok((store, interrupted))
    }

    fn with_index<T>(
        &self,
        job: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, ApiError> {
        let guard = self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match guard.as_ref() {
            Some(connection) => job(connection).map(Some).map_err(db_error),
            None => Ok(None),
        }
    }

    /// Stops every write: what is in the index stays as it is (runs still running stay
    /// `running`, as after a crash, and the next [`RunStore::open`] marks them failed).
    pub fn close(&self) {
        let mut guard = self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = None;
    }

    /// A run's folder. Only from a [`RunId`], which is hex digits.
    fn folder(&self, id: &RunId) -> PathBuf {
        self.root.join("runs").join(id.as_str())
    }

    /// Records a new queued run and writes its scenario to its folder.
    ///
    /// # Errors
    /// `internal` on a disk or index failure; `service_stopping` once closed.
    pub fn create(
        &self,
        label: &str,
        scenario_name: &str,
        scenario_toml: &str,
    ) -> Result<RunRecord, ApiError> {
        let created_ms = now_ms();
        for _ in 0..1000 {
            let count = self.counter.fetch_add(1, Ordering::Relaxed);
            let id = RunId(format!("{:012x}{:04x}", created_ms & 0xffff_ffff_ffff, count & 0xffff));
            let inserted = self.with_index(|connection| {
                connection.execute(
                    "INSERT OR IGNORE INTO runs (id, label, scenario_name, state, created_ms)
                     VALUES (?1, ?2, ?3, 'queued', ?4)",
                    params![id.as_str(), label, scenario_name, created_ms],
                )
            })?;
            match inserted {
                None => return Err(stopping()),
                Some(0) => continue,
                Some(_) => {}
            }
            self.write(&id, "scenario.toml", scenario_toml.as_bytes())?;
            return Ok(RunRecord {
                id,
                label: label.to_string(),
                scenario_name: scenario_name.to_string(),
                state: RunState::Queued,
                error: None,
                created_ms,
                started_ms: None,
                finished_ms: None,
            });
        }
        Err(ApiError::internal("no free run id"))
    }

    /// Writes `bytes` as `name` in the run's folder (temporary file, then rename).
    ///
    /// # Errors
    /// `internal` on a disk failure.
    pub fn write(&self, id: &RunId, name: &str, bytes: &[u8]) -> Result<(), ApiError> {
        let folder = self.folder(id);
        std::fs::create_dir_all(&folder).map_err(|e| io_error("creating", &folder, &e))?;
        let temporary = folder.join(format!(".{name}.partial"));
        std::fs::write(&temporary, bytes).map_err(|e| io_error("writing", &temporary, &e))?;
        let path = folder.join(name);
        std::fs::rename(&temporary, &path).map_err(|e| io_error("renaming to", &path, &e))
    }

    /// Reads `name` from the run's folder, `None` if it is not there.
    ///
    /// # Errors
    /// `internal` on a disk failure other than a missing file.
    pub fn read(&self, id: &RunId, name: &str) -> Result<Option<Vec<u8>>, ApiError> {
        let path = self.folder(id).join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error("reading", &path, &error)),
        }
    }

    /// Sets a run's state (and its start or end time, and error).
    ///
    /// # Errors
    /// `internal` on an index failure. Once closed, nothing is written and `Ok` returned.
    pub fn set_state(
        &self,
        id: &RunId,
        state: RunState,
        error: Option<&str>,
    ) -> Result<(), ApiError> {
        let now = now_ms();
        self.with_index(|connection| {
            if state == RunState::Running {
                connection.execute(
                    "UPDATE runs SET state = ?1, started_ms = ?2 WHERE id = ?3",
                    params![state.name(), now, id.as_str()],
                )
            } else {
                connection.execute(
                    "UPDATE runs SET state = ?1, error = ?2, finished_ms = ?3 WHERE id = ?4",
                    params![state.name(), error, now, id.as_str()],
                )
            }
        })?;
        Ok(())
    }

    /// The run with `id`, if the index has it.
    ///
    /// # Errors
    /// `internal` on an index failure.
    pub fn get(&self, id: &RunId) -> Result<Option<RunRecord>, ApiError> {
        let found = self.with_index(|connection| {
            connection
                .query_row(
                    &format!("SELECT {COLUMNS} FROM runs WHERE id = ?1"),
                    [id.as_str()],
                    record,
                )
                .optional()
        })?;
        found.ok_or_else(stopping)
    }

    /// Every run, newest first.
    ///
    /// # Errors
    /// `internal` on an index failure.
    pub fn list(&self) -> Result<Vec<RunRecord>, ApiError> {
        let found = self.with_index(|connection| {
            let mut statement = connection.prepare(&format!(
                "SELECT {COLUMNS} FROM runs ORDER BY created_ms DESC, id DESC"
            ))?;
            let rows = statement.query_map([], record)?;
            rows.collect::<rusqlite::Result<Vec<RunRecord>>>()
        })?;
        found.ok_or_else(stopping)
    }
}

fn stopping() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "service_stopping",
        "the server is stopping",
    )
}
