//! The router: the JSON API under `/api` (documented by `/api/openapi.json`), the pages and
//! their assets, and the layers every request goes through (time limit, JSON errors for
//! unknown paths and methods).
//!
//! Bodies are read by [`read_body`], never by an extractor that could answer in plain text:
//! the content type is checked first, then the length (at most [`crate::MAX_BODY_BYTES`]),
//! then UTF-8, then the JSON shape (unknown fields refused).

use std::collections::BTreeMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::runs::not_found;
use crate::store::{RunId, RunRecord, RunState};

/// The OpenAPI document of the API.
pub const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");

/// Every route: (method, path as the router and the OpenAPI document write it).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("get", "/api/presets/{name}"),
    ("post", "/api/scenario/check"),
    ("post", "/api/scenario/validate"),
    ("post", "/api/scenario/fields"),
    ("post", "/api/scenario/edit"),
    ("get", "/api/runs"),
    ("post", "/api/runs"),
    ("get", "/api/runs/{id}"),
    ("post", "/api/runs/{id}/cancel"),
    ("get", "/api/runs/{id}/scenario.toml"),
    ("get", "/api/runs/{id}/results.json"),
    ("get", "/api/runs/{id}/report.html"),
    ("get", "/api/runs/{id}/sections"),
    ("get", "/api/compare"),
];

/// The router of the whole server.
pub fn router(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/presets/{name}", get(preset))
        .route("/api/scenario/check", post(check))
        .route("/api/scenario/validate", post(validate))
        .route("/api/scenario/fields", post(fields))
        .route("/api/scenario/edit", post(edit))
        .route("/api/runs", get(list_runs).post(create_run))
        .route("/api/runs/{id}", get(get_run))
        .route("/api/runs/{id}/cancel", post(cancel_run))
        .route("/api/runs/{id}/scenario.toml", get(run_scenario))
        .route("/api/runs/{id}/results.json", get(run_results))
        .route("/api/runs/{id}/report.html", get(run_report))
        .route("/api/runs/{id}/sections", get(run_sections))
        .route("/api/compare", get(compare))
        .merge(crate::pages::routes())
        .fallback(|request: Request| async move { ApiError::no_route(request.uri().path()) })
        .method_not_allowed_fallback(|request: Request| async move {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                format!("{} is not allowed on {}", request.method(), request.uri().path()),
            )
        })
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| async move {
            match tokio::time::timeout(timeout, next.run(request)).await {
                Ok(response) => response,
                Err(_) => ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "request_timeout",
                    format!("the request took longer than {} s", timeout.as_secs_f64()),
                )
                .into_response(),
            }
        }))
        .with_state(state)
}

/// A JSON response.
fn json_response(status: StatusCode, value: &Value) -> Response {
    (status, axum::Json(value)).into_response()
}

/// A response of `bytes` with `content_type`.
pub(crate) fn typed(content_type: &'static str, bytes: impl Into<Body>) -> Response {
    let mut response = Response::new(bytes.into());
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Reads a body whose content type is one of `accepted`: checks the type, the length and
/// that it is not empty.
///
/// # Errors
/// `unsupported_media_type` (415), `body_too_large` (413), `empty_body` (400).
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    accepted: &[&str],
) -> Result<Bytes, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    if !media.as_deref().is_some_and(|media| accepted.contains(&media)) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "Content-Type {} is not accepted here; send one of: {}",
                media.as_deref().map_or("(none)".to_string(), |m| format!("{m:?}")),
                accepted.join(", ")
            ),
        ));
    }
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is over the limit of {} bytes", crate::MAX_BODY_BYTES),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > crate::MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await.map_err(|_| too_large())?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("empty_body", "the body is empty"));
    }
    Ok(bytes)
}

/// `bytes` as UTF-8 text.
///
/// # Errors
/// `invalid_utf8` naming the byte offset.
pub fn utf8(bytes: &Bytes) -> Result<&str, ApiError> {
    std::str::from_utf8(bytes).map_err(|error| {
        ApiError::bad_request(
            "invalid_utf8",
            format!("the body is not UTF-8 text: invalid byte at offset {}", error.valid_up_to()),
        )
    })
}

/// A JSON body of type `T`.
async fn read_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    let bytes = read_body(headers, body, &["application/json"]).await?;
    let text = utf8(&bytes)?;
    serde_json::from_str(text)
        .map_err(|error| ApiError::bad_request("invalid_json", format!("the JSON body: {error}")))
}

/// A scenario as the body: TOML text.
async fn read_scenario(headers: &HeaderMap, body: Body) -> Result<String, ApiError> {
    let bytes = read_body(headers, body, &["application/toml", "text/plain"]).await?;
    Ok(utf8(&bytes)?.to_string())
}

/// The run id of a path, checked.
fn run_id(path: Result<Path<String>, PathRejection>) -> Result<RunId, ApiError> {
    let Path(text) =
        path.map_err(|rejection| ApiError::bad_request("invalid_run_id", rejection.body_text()))?;
    RunId::parse(&text)
}

/// The record of the run named in the path.
pub(crate) fn find_run(
    state: &AppState,
    path: Result<Path<String>, PathRejection>,
) -> Result<RunRecord, ApiError> {
    let id = run_id(path)?;
    state.runs.store().get(&id)?.ok_or_else(|| not_found(&id))
}

/// Runs blocking work (loading scenarios) off the async threads.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(job).await.map_err(ApiError::internal)?
}

async fn health(State(state): State<AppState>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "ok": true,
            "version": env!("CARGO_PKG_VERSION"),
            "max_running": state.config.max_running,
            "max_queued": state.config.max_queued,
            "threads_per_run": state.config.threads.get(),
            "max_body_bytes": crate::MAX_BODY_BYTES,
        }),
    )
}

async fn openapi() -> Response {
    typed("application/json", OPENAPI_JSON)
}

/// The embedded scenarios by name, and their origins.
pub(crate) fn preset_text(name: &str) -> Result<(String, &'static str), ApiError> {
    match name {
        "default" => Ok((
            cporamp_scenario::DEFAULT_SCENARIO_TOML.to_string(),
            cporamp_scenario::DEFAULT_ORIGIN,
        )),
        "quick" => Ok((cporamp_scenario::quick_scenario_toml(), cporamp_scenario::QUICK_ORIGIN)),
        other => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "preset_not_found",
            format!(
                "no embedded scenario {:?}; expected default or quick",
                other.chars().take(40).collect::<String>()
            ),
        )),
    }
}

async fn preset(path: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let Path(name) =
        path.map_err(|rejection| ApiError::bad_request("invalid_query", rejection.body_text()))?;
    let (text, _) = preset_text(&name)?;
    let mut response = typed("application/toml; charset=utf-8", text);
    let disposition = format!("attachment; filename=\"{name}.toml\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The origin a scenario from the editor is named by.
const EDITOR_ORIGIN: &str = "scenario.toml";

async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let text = read_scenario(&headers, body).await?;
    let threads = state.config.threads.get();
    let summary =
        blocking(move || scenario_check(&text, EDITOR_ORIGIN, threads).map(|(_, s)| s)).await?;
    Ok(json_response(StatusCode::OK, &json!({ "ok": true, "summary": summary })))
}

async fn validate(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let text = read_scenario(&headers, body).await?;
    let threads = state.config.threads.get();
    let outcome = blocking(move || Ok(scenario_check(&text, EDITOR_ORIGIN, threads))).await?;
    match outcome {
        Ok((_, summary)) => Ok(json_response(
            StatusCode::OK,
            &json!({ "ok": true, "summary": summary, "diagnostics": [] }),
        )),
        Err(error) if error.code == "scenario_invalid" => {
            let diagnostics = error
                .details
                .as_ref()
                .and_then(|d| d.get("diagnostics"))
                .cloned()
                .unwrap_or(json!([]));
            Ok(json_response(StatusCode::OK, &json!({ "ok": false, "diagnostics": diagnostics })))
        }
        Err(error) => Err(error),
    }
}

fn scenario_check(
    text: &str,
    origin: &str,
    threads: usize,
) -> Result<(cporamp_scenario::Scenario, crate::scenario::CheckSummary), ApiError> {
    crate::scenario::check(text, origin, threads)
}

async fn fields(headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let text = read_scenario(&headers, body).await?;
    let fields = blocking(move || crate::scenario::fields(&text, EDITOR_ORIGIN)).await?;
    Ok(json_response(StatusCode::OK, &json!({ "fields": fields })))
}

/// The body of `POST /api/scenario/edit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditRequest {
    /// The scenario text.
    toml: String,
    /// The field's dotted path.
    path: String,
    /// Its new value: TOML, or text taken as a string.
    value: String,
}

async fn edit(headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let request: EditRequest = read_json(&headers, body).await?;
    let toml = crate::scenario::edit(&request.toml, &request.path, &request.value)?;
    Ok(json_response(StatusCode::OK, &json!({ "toml": toml })))
}

async fn list_runs(State(state): State<AppState>) -> Result<Response, ApiError> {
    let runs: Vec<_> =
        state.runs.store().list()?.into_iter().map(|record| state.runs.view(record)).collect();
    Ok(json_response(StatusCode::OK, &json!({ "runs": runs })))
}

/// The body of `POST /api/runs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    /// The scenario's TOML text.
    scenario_toml: String,
    /// A label for the run list (the scenario's origin in its results).
    #[serde(default)]
    label: Option<String>,
}

/// The longest label, in characters.
const MAX_LABEL_CHARS: usize = 120;

async fn create_run(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let request: RunRequest = read_json(&headers, body).await?;
    let label = request.label.unwrap_or_else(|| EDITOR_ORIGIN.to_string());
    if label.trim().is_empty()
        || label.chars().count() > MAX_LABEL_CHARS
        || label.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(
            "invalid_json",
            format!("label: expected 1 to {MAX_LABEL_CHARS} characters of one line"),
        ));
    }
    let threads = state.config.threads.get();
    let text = request.scenario_toml;
    let origin = label.clone();
    let (text, name) = blocking(move || {
        let (scenario, _) = scenario_check(&text, &origin, threads)?;
        Ok((text, scenario.name))
    })
    .await?;
    let record = state.runs.submit(&label, &name, text)?;
    let view = state.runs.view(record);
    Ok(json_response(StatusCode::ACCEPTED, &json!({ "run": view })))
}

async fn get_run(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let record = find_run(&state, path)?;
    Ok(json_response(StatusCode::OK, &json!({ "run": state.runs.view(record) })))
}

async fn cancel_run(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let record = find_run(&state, path)?;
    state.runs.cancel(&record.id)?;
    Ok(json_response(
        StatusCode::ACCEPTED,
        &json!({ "run": state.runs.view(record), "cancelling": true }),
    ))
}

/// A file of a finished run.
///
/// # Errors
/// `run_not_finished` or `run_failed` (409) when the run has no results.
pub(crate) fn run_file(
    state: &AppState,
    record: &RunRecord,
    name: &str,
) -> Result<Vec<u8>, ApiError> {
    match record.state {
        RunState::Succeeded => {}
        RunState::Queued | RunState::Running => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "run_not_finished",
                format!(
                    "run {} is still {}; its results come when it succeeds",
                    record.id,
                    state_name(record.state)
                ),
            ));
        }
        RunState::Failed | RunState::Cancelled => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "run_failed",
                format!(
                    "run {} {}: {}; it has no results",
                    record.id,
                    state_name(record.state),
                    record.error.as_deref().unwrap_or("no reason recorded")
                ),
            ));
        }
    }
    state
        .runs
        .store()
        .read(&record.id, name)?
        .ok_or_else(|| ApiError::internal(format!("run {} succeeded but has no {name}", record.id)))
}

fn state_name(state: RunState) -> &'static str {
    match state {
        RunState::Queued => "queued",
        RunState::Running => "running",
        RunState::Succeeded => "succeeded",
        RunState::Failed => "failed",
        RunState::Cancelled => "cancelled",
    }
}

async fn run_scenario(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let record = find_run(&state, path)?;
    let bytes = state
        .runs
        .store()
        .read(&record.id, "scenario.toml")?
        .ok_or_else(|| ApiError::internal(format!("run {} has no scenario.toml", record.id)))?;
    Ok(typed("application/toml; charset=utf-8", bytes))
}

async fn run_results(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let record = find_run(&state, path)?;
    Ok(typed("application/json", run_file(&state, &record, "results.json")?))
}

async fn run_report(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let record = find_run(&state, path)?;
    Ok(typed("text/html; charset=utf-8", run_file(&state, &record, "report.html")?))
}

async fn run_sections(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let record = find_run(&state, path)?;
    let html = String::from_utf8_lossy(&run_file(&state, &record, "report.html")?).into_owned();
    let sections: Vec<Value> = crate::pages::sections(&html)
        .iter()
        .map(|section| json!({ "id": section.id, "title": section.title }))
        .collect();
    Ok(json_response(StatusCode::OK, &json!({ "sections": sections })))
}

/// The two runs of a comparison: `?a=ID&b=ID`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ComparePair {
    a: String,
    b: String,
}

/// A headline as stored in a run's `headlines.json`.
#[derive(Debug, Deserialize)]
struct StoredHeadline {
    engine: String,
    subject: String,
    quantity: String,
    unit: String,
    value: f64,
    se: Option<f64>,
}

/// A stored name as the `&'static str` that `cporamp_report::Headline` holds. The names are
/// the report's own vocabulary (engines, quantities, units: a few dozen), read only from the
/// store's own files, so each distinct one is leaked once and the set stays bounded.
fn interned(name: &str) -> Result<&'static str, ApiError> {
    static NAMES: std::sync::OnceLock<std::sync::Mutex<std::collections::BTreeSet<&'static str>>> =
        std::sync::OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = names.get(name) {
        return Ok(*found);
    }
    if names.len() >= 4096 {
        return Err(ApiError::internal("too many distinct headline names in the store"));
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    Ok(leaked)
}

fn headlines(
    state: &AppState,
    record: &RunRecord,
) -> Result<Vec<cporamp_report::Headline>, ApiError> {
    let bytes = run_file(state, record, "headlines.json")?;
    let stored: Vec<StoredHeadline> = serde_json::from_slice(&bytes).map_err(|error| {
        ApiError::internal(format!("run {} headlines.json: {error}", record.id))
    })?;
    stored
        .into_iter()
        .map(|h| {
            Ok(cporamp_report::Headline {
                engine: interned(&h.engine)?,
                subject: h.subject,
                quantity: interned(&h.quantity)?,
                unit: interned(&h.unit)?,
                value: h.value,
                se: h.se,
            })
        })
        .collect()
}

/// What `cporamp diff` computes for two stored runs: the names, the changed inputs and the
/// matched headlines.
pub(crate) struct Comparison {
    pub(crate) a_name: String,
    pub(crate) b_name: String,
    pub(crate) inputs: Vec<cporamp_report::InputChange>,
    pub(crate) results: Vec<cporamp_report::HeadlineDiff>,
}

pub(crate) fn comparison(
    state: &AppState,
    query: Result<Query<ComparePair>, QueryRejection>,
) -> Result<Comparison, ApiError> {
    let Query(pair) = query.map_err(|rejection| {
        ApiError::bad_request(
            "invalid_query",
            format!("expected ?a=RUN_ID&b=RUN_ID: {}", rejection.body_text()),
        )
    })?;
    let mut records = Vec::new();
    let mut texts = Vec::new();
    for text in [&pair.a, &pair.b] {
        let id = RunId::parse(text)?;
        let record = state.runs.store().get(&id)?.ok_or_else(|| not_found(&id))?;
        let scenario = state
            .runs
            .store()
            .read(&id, "scenario.toml")?
            .ok_or_else(|| ApiError::internal(format!("run {id} has no scenario.toml")))?;
        texts.push(String::from_utf8_lossy(&scenario).into_owned());
        records.push(record);
    }
    let name = |record: &RunRecord| format!("{} (run {})", record.label, record.id);
    let (a_name, b_name) = (name(&records[0]), name(&records[1]));
    let inputs = cporamp_report::input_changes(&a_name, &texts[0], &b_name, &texts[1])
        .map_err(ApiError::internal)?;
    let results = cporamp_report::headline_diffs(
        &headlines(state, &records[0])?,
        &headlines(state, &records[1])?,
    );
    Ok(Comparison { a_name, b_name, inputs, results })
}

async fn compare(
    State(state): State<AppState>,
    query: Result<Query<ComparePair>, QueryRejection>,
) -> Result<Response, ApiError> {
    let comparison = comparison(&state, query)?;
    let mut body = BTreeMap::new();
    body.insert("a", json!(comparison.a_name));
    body.insert("b", json!(comparison.b_name));
    body.insert("inputs", json!(comparison.inputs));
    body.insert("results", json!(comparison.results));
    Ok(json_response(StatusCode::OK, &json!(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_lists_every_route_and_error_code() {
        let document: Value = serde_json::from_str(OPENAPI_JSON).expect("valid JSON");
        assert_eq!(document["openapi"], "3.1.0");
        let paths = document["paths"].as_object().unwrap();
        for (method, path) in ROUTES {
            assert!(
                paths.get(*path).and_then(|p| p.get(*method)).is_some(),
                "{method} {path} is documented"
            );
        }
        let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(documented, ROUTES.len(), "no documented route is missing from the router");
        let codes = &document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
            ["code"]["enum"];
        let codes: Vec<&str> =
            codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        let named: Vec<&str> = crate::error::ERROR_CODES.iter().map(|(code, _, _)| *code).collect();
        assert_eq!(codes.len(), named.len());
        for code in named {
            assert!(codes.contains(&code), "{code} is documented");
        }
    }
}
