//! The dashboard in a real browser: `browser/flow.mjs` drives Debian's chromium with
//! playwright-core (from `browser/node_modules`, installed by `npm ci` in `.ci/run`; no
//! browser download) against a server on a free loopback port: a field set to an invalid
//! value shows its named error, the fix clears it, a run reaches 100 %, its report sections
//! open as pages, a second run is compared with the first, and no page logs a console error
//! or gets an answer of 400 or more. Screenshots stay in `target/tmp/serve-browser/`.
//!
//! Skipped, with a message saying why, without chromium, node or the npm packages.

mod common;

use std::path::{Path, PathBuf};

fn chromium() -> Option<PathBuf> {
    let candidates =
        [std::env::var_os("CHROME").map(PathBuf::from), Some(PathBuf::from("/usr/bin/chromium"))];
    candidates.into_iter().flatten().find(|path| path.is_file())
}

#[test]
#[allow(clippy::print_stderr, reason = "a skipped test says why on stderr")]
fn the_dashboard_edits_runs_shows_and_compares_in_chromium() {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    let skip = |why: &str| {
        eprintln!("SKIPPED the_dashboard_edits_runs_shows_and_compares_in_chromium: {why}");
    };
    let Some(chrome) = chromium() else {
        return skip("no chromium (set CHROME, or apt-get install -y chromium)");
    };
    if !browser.join("node_modules/playwright-core/package.json").is_file() {
        return skip("no playwright-core (run `npm ci` in crates/cporamp-serve/browser)");
    }
    let node = std::process::Command::new("node").arg("--version").output();
    if !node.is_ok_and(|output| output.status.success()) {
        return skip("no node on the PATH");
    }
    let store = tempfile::tempdir().unwrap();
    let server = common::Running::start(store.path(), |_| {});
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-browser");
    let _ = std::fs::remove_dir_all(&shots);
    let output = std::process::Command::new("node")
        .arg(browser.join("flow.mjs"))
        .arg(format!("http://{}", server.address))
        .arg(&shots)
        .env("CHROME", &chrome)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the browser flow failed:\n{stdout}\n{stderr}");
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(seen["ok"], true, "{seen}");
    assert_eq!(seen["problems"], serde_json::json!([]), "no console errors: {seen}");
    assert_eq!(seen["percents"].as_array().unwrap().last().unwrap(), "100 %", "{seen}");
    for name in
        ["1-editor-invalid-field", "3-run-finished", "5-result-generation", "6-runs", "7-compare"]
    {
        let file = shots.join(format!("{name}.png"));
        let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        assert!(bytes > 10_000, "{} is a screenshot ({bytes} bytes)", file.display());
    }
    // Both runs are in the store, finished.
    let runs = server.get("/api/runs").json();
    let states: Vec<&str> =
        runs["runs"].as_array().unwrap().iter().map(|r| r["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["succeeded", "succeeded"]);
    server.abort();
}
