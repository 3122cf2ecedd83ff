//! Every error the server answers: a JSON body `{"error": {"code", "message", ...}}` with a
//! named code and a 4xx status for what the client sent (5xx only for a fault of the server
//! itself, such as a full disk).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error's name, stable for clients (`scenario_invalid`, `run_not_found`, ...).
    pub code: &'static str,
    /// What is wrong, for people.
    pub message: String,
    /// Details for the client (the scenario's diagnostics, the allowed values, ...).
    pub details: Option<Value>,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), details: None }
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 `not_found` for a path no route serves.
    pub fn no_route(path: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no page or API at {path}"))
    }

    /// 500 `internal`: a fault of the server (a disk or database error), never of the input.
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("{message}"))
    }

    /// The same error with `details`.
    #[must_use]
    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = Some(details);
        self
    }

    /// The JSON body.
    #[must_use]
    pub fn body(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let (Some(details), Some(object)) = (&self.details, error.as_object_mut()) {
            object.insert("details".to_string(), details.clone());
        }
        json!({ "error": error })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// The codes the API answers with, for the OpenAPI document and the tests: (code, status,
/// meaning).
pub const ERROR_CODES: &[(&str, u16, &str)] = &[
    ("not_found", 404, "no page or API at this path"),
    ("method_not_allowed", 405, "the path exists but not for this method"),
    ("body_too_large", 413, "the request body is over the limit (1 MiB)"),
    ("unsupported_media_type", 415, "the Content-Type is not one the endpoint reads"),
    ("invalid_utf8", 400, "the body is not UTF-8 text"),
    ("invalid_json", 400, "the body is not JSON of the expected shape"),
    ("empty_body", 400, "the body is empty"),
    ("scenario_invalid", 422, "the scenario has problems (named diagnostics in details)"),
    ("invalid_run_id", 400, "a run id is not of the form the server generates"),
    ("run_not_found", 404, "no run has this id"),
    ("run_not_finished", 409, "the run has no results yet"),
    ("run_finished", 409, "the run has already ended and cannot be cancelled"),
    ("run_failed", 409, "the run failed or was cancelled: it has no results"),
    ("section_not_found", 404, "the report has no section with this id"),
    ("preset_not_found", 404, "no embedded scenario has this name"),
    ("invalid_query", 400, "a query parameter is missing or malformed"),
    ("invalid_field", 400, "a field path or value of an edit is not valid"),
    ("queue_full", 429, "too many runs are queued; retry later"),
    ("request_timeout", 408, "the request took longer than the server's limit"),
    ("service_stopping", 503, "the server is stopping"),
    ("internal", 500, "a fault of the server (disk, database), not of the request"),
];
