//! The pages: the scenario editor, the run list, a run's progress and results, the report's
//! sections one page each (the report's own HTML and SVG charts, cut at its top-level
//! `<section id=...>` elements, under the report's own style) and the comparison of two runs
//! (`cporamp diff`'s page). Plain HTML, one style sheet and one small script, all compiled
//! into the binary; nothing is loaded from elsewhere.

use axum::Router;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::api::{ComparePair, find_run, run_file, typed};
use crate::error::ApiError;

const EDITOR_HTML: &str = include_str!("../assets/editor.html");
const RUNS_HTML: &str = include_str!("../assets/runs.html");
const RUN_HTML: &str = include_str!("../assets/run.html");
const APP_CSS: &str = include_str!("../assets/app.css");
const APP_JS: &str = include_str!("../assets/app.js");

/// The navigation bar of every page.
const NAV: &str = "<nav class=\"app-nav\"><a href=\"/\">Scenario editor</a> <a href=\"/runs\">Runs</a> \
                   <a href=\"/api/openapi.json\">API</a></nav>";

/// The pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { page(EDITOR_HTML) }))
        .route("/runs", get(|| async { page(RUNS_HTML) }))
        .route("/runs/{id}", get(run_page))
        .route("/runs/{id}/sections/{section}", get(section_page))
        .route("/compare", get(compare_page))
        .route("/assets/app.css", get(|| async { typed("text/css; charset=utf-8", APP_CSS) }))
        .route("/assets/app.js", get(|| async { typed("text/javascript; charset=utf-8", APP_JS) }))
}

fn page(html: &'static str) -> Response {
    typed("text/html; charset=utf-8", html.replace("<!--NAV-->", NAV))
}

async fn run_page(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    find_run(&state, path)?;
    Ok(page(RUN_HTML))
}

/// A top-level section of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Its anchor id (`answer`, `g-102-4t`, `fleet`, ...).
    pub id: String,
    /// Its heading.
    pub title: String,
    /// Its HTML, `<section ...>` to `</section>`.
    pub html: String,
}

/// Text without tags, entities as the report writes them decoded.
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for character in html.chars() {
        match character {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(character),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The report's top-level sections, in order.
#[must_use]
pub fn sections(report: &str) -> Vec<Section> {
    const OPEN: &str = "<section id=\"";
    let mut out = Vec::new();
    let mut cursor = 0;
    while let Some(offset) = report[cursor..].find(OPEN) {
        let start = cursor + offset;
        let id_start = start + OPEN.len();
        let Some(id_len) = report[id_start..].find('"') else { break };
        let id = report[id_start..id_start + id_len].to_string();
        // The matching close, counting nested sections.
        let mut depth = 0usize;
        let mut scan = start;
        let mut end = report.len();
        while let Some(next) = report[scan..]
            .find("<section")
            .map(|o| (o, true))
            .into_iter()
            .chain(report[scan..].find("</section>").map(|o| (o, false)))
            .min_by_key(|(o, _)| *o)
        {
            let (position, opens) = next;
            if opens {
                depth += 1;
                scan += position + "<section".len();
            } else {
                depth -= 1;
                scan += position + "</section>".len();
                if depth == 0 {
                    end = scan;
                    break;
                }
            }
        }
        let html = report[start..end].to_string();
        let title = html
            .find("<h2")
            .and_then(|h| html[h..].find('>').map(|g| h + g + 1))
            .and_then(|body| {
                html[body..].find("</h2>").map(|close| plain(&html[body..body + close]))
            })
            .unwrap_or_else(|| id.clone());
        out.push(Section { id, title, html });
        cursor = end;
    }
    out
}

/// The report's `<style>` element.
fn report_style(report: &str) -> &str {
    match (report.find("<style>"), report.find("</style>")) {
        (Some(start), Some(end)) if start < end => &report[start..end + "</style>".len()],
        _ => "",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn section_page(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((id, section)) =
        path.map_err(|rejection| ApiError::bad_request("invalid_run_id", rejection.body_text()))?;
    let record = find_run(&state, Ok(Path(id)))?;
    let report = String::from_utf8_lossy(&run_file(&state, &record, "report.html")?).into_owned();
    let all = sections(&report);
    let Some(index) = all.iter().position(|s| s.id == section) else {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "section_not_found",
            format!(
                "the report of run {} has no section {:?}; GET /api/runs/{}/sections lists them",
                record.id,
                section.chars().take(40).collect::<String>(),
                record.id
            ),
        ));
    };
    let mut tabs = String::new();
    for (position, s) in all.iter().enumerate() {
        let current = if position == index { " aria-current=\"page\"" } else { "" };
        tabs.push_str(&format!(
            "<a href=\"/runs/{}/sections/{}\"{current}>{}</a>\n",
            record.id,
            escape(&s.id),
            escape(&s.title)
        ));
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{title} · run {id}</title>\n{style}\n\
         <link rel=\"stylesheet\" href=\"/assets/app.css\">\n</head>\n<body>\n{NAV}\n\
         <main>\n<p class=\"app-crumbs\"><a href=\"/runs/{id}\">Run {id}</a> ({label}) · \
         <a href=\"/api/runs/{id}/report.html\">whole report</a></p>\n\
         <nav class=\"app-sections\" aria-label=\"Report sections\">\n{tabs}</nav>\n{section}\n</main>\n</body>\n</html>\n",
        title = escape(&all[index].title),
        id = record.id,
        label = escape(&record.label),
        style = report_style(&report),
        section = all[index].html,
    );
    Ok(typed("text/html; charset=utf-8", html))
}

async fn compare_page(
    State(state): State<AppState>,
    query: Result<Query<ComparePair>, QueryRejection>,
) -> Result<Response, ApiError> {
    let comparison = crate::api::comparison(&state, query)?;
    let html = cporamp_report::diff_html(
        &comparison.a_name,
        &comparison.b_name,
        &comparison.inputs,
        &comparison.results,
    );
    let html = html
        .replacen("<head>", "<head>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/assets/app.css\">", 1)
        .replacen("<body>", &format!("<body>\n{NAV}"), 1);
    Ok(typed("text/html; charset=utf-8", html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_cut_at_top_level_with_their_headings() {
        let report = "<main><section id=\"a\">\n<h2>One &amp; two</h2><section id=\"in\"><h3>x</h3></section>\
                      </section><section id=\"b\"><h2 class=\"x\">B</h2></section></main>";
        let found = sections(report);
        let ids: Vec<&str> = found.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(found[0].title, "One & two");
        assert!(found[0].html.ends_with("</section></section>"), "{}", found[0].html);
        assert_eq!(found[1].title, "B");
    }
}
