//! The server over real HTTP on a free loopback port: the API's answers to good requests
//! (a run's results are `cporamp run`'s; the comparison is `cporamp diff`'s) and to every
//! kind of bad input (each a JSON error with a named code and a 4xx status, never a 500),
//! the load check (50 concurrent API requests while 4 runs go on), cancelling and a restart
//! mid-run (the interrupted run is marked failed, the finished ones are kept).

mod common;

use common::{Running, quick, quick_with, raw, request};
use serde_json::{Value, json};

/// What `cporamp run` computes for a scenario read from a file: results.json, report.html
/// and the headlines `cporamp diff` compares.
type Files = (String, String, Vec<cporamp_report::Headline>);

fn pipeline_files(toml: &str, origin: &str) -> Files {
    let scenario = cporamp_scenario::load(toml, origin).expect("the fixture loads");
    let run = cporamp_codesign::full_run(
        &scenario,
        &cporamp_pipeline::RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
    )
    .expect("the fixture and its co-design run");
    let results = cporamp_report::RunResults::of_run(origin, &scenario, &run.output, None)
        .with_codesign(Some(&run.codesign));
    (
        cporamp_report::results_json(&results).unwrap(),
        cporamp_report::report_html(&results),
        cporamp_report::headlines(&results),
    )
}

/// The two fixtures the tests run, computed once for every test: the quick scenario as
/// `a.toml` and with 300 packages as `b.toml`.
fn expected(which: char) -> &'static Files {
    static A: std::sync::OnceLock<Files> = std::sync::OnceLock::new();
    static B: std::sync::OnceLock<Files> = std::sync::OnceLock::new();
    match which {
        'a' => A.get_or_init(|| pipeline_files(&quick(), "a.toml")),
        _ => B.get_or_init(|| pipeline_files(&variant(), "b.toml")),
    }
}

/// Fixture B: the quick scenario with 300 packages.
fn variant() -> String {
    quick_with("packages", "300")
}

/// Asserts a named JSON error with `status`; returns its body.
#[track_caller]
fn assert_error(answer: &common::Answer, status: u16, code: &str) -> Value {
    assert_eq!(answer.status, status, "expected {status} {code}, got {}", answer.text());
    assert!(
        answer.header("content-type").is_some_and(|t| t.starts_with("application/json")),
        "{:?}",
        answer.headers
    );
    let body = answer.json();
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(!body["error"]["message"].as_str().unwrap_or_default().is_empty(), "{body}");
    assert!(
        cporamp_serve::error::ERROR_CODES.iter().any(|(c, s, _)| *c == code && *s == status),
        "{code} {status} is listed in ERROR_CODES"
    );
    body
}

#[test]
fn a_run_gives_the_pipelines_results_and_two_runs_compare_as_diff_does() {
    let store = tempfile::tempdir().unwrap();
    let server = Running::start(store.path(), |_| {});
    let fields = server.post("/api/scenario/fields", "application/toml", quick().as_bytes()).json();
    let fields = fields["fields"].as_array().unwrap();
    let packages = fields.iter().find(|f| f["path"] == "yield.packages").expect("yield.packages");
    assert_eq!(packages["value"], "400");
    assert_eq!(packages["range"], "an integer 1 <= value <= 10000000");
    assert_eq!(packages["unit"], "packages");
    // Fields whose type a sentinel does not fit (a year, a choice, a quarter) or that the file
    // writes as an integer (a capacity) get their ranges too.
    let range = |path: &str| {
        fields.iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path}"))["range"]
            .clone()
    };
    assert_eq!(range("market.start_year"), "an integer 2000 <= value <= 2100");
    assert_eq!(range("align.attach_cost"), "one of \"none\", \"active\", \"passive\"");
    assert_eq!(range("technology.cpo_els.package.engine_capacity_gbps"), "0 < value");
    assert_eq!(range("photonics.lanes_per_pic"), "an integer 1 <= value <= 4096");
    assert_eq!(
        range("yield.ramp.first_quarter"),
        "a quarter written YYYYQn, n in 1..4 (e.g. \"2026Q1\")"
    );
    let lanes =
        fields.iter().find(|f| f["path"] == "generation.\"51.2T\".lanes_per_switch").unwrap();
    assert_eq!(lanes["source"], "[S26] TH5: 512 x 106.25G SerDes");
    let with_range = fields.iter().filter(|f| f["range"].is_string()).count();
    assert!(
        fields.len() > 400 && with_range * 10 > fields.len() * 9,
        "{with_range} of {}",
        fields.len()
    );

    let a = server.submit(&quick(), "a.toml");
    let b_text = variant();
    let b = server.submit(&b_text, "b.toml");
    for id in [&a, &b] {
        let run = server.wait_final(id, 60);
        assert_eq!(run["state"], "succeeded", "{run}");
        assert_eq!(run["percent"], 100.0);
    }
    let (json_a, html_a, heads_a) = expected('a');
    assert!(server.get(&format!("/api/runs/{a}/results.json")).text() == *json_a);
    assert!(server.get(&format!("/api/runs/{a}/report.html")).text() == *html_a);
    assert_eq!(server.get(&format!("/api/runs/{b}/scenario.toml")).text(), b_text);

    let mut files: Vec<String> = std::fs::read_dir(store.path().join("runs").join(&a))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "headlines.json",
            "report.html",
            "resolved_scenario.json",
            "results.json",
            "scenario.toml"
        ]
    );
    let resolved: Value = serde_json::from_slice(
        &std::fs::read(store.path().join("runs").join(&a).join("resolved_scenario.json")).unwrap(),
    )
    .unwrap();
    let results: Value = serde_json::from_str(json_a).unwrap();
    assert_eq!(resolved, results["scenario"], "the resolved scenario results.json carries");
    let compare = server.get(&format!("/api/compare?a={a}&b={b}"));
    assert_eq!(compare.status, 200, "{}", compare.text());
    let compare = compare.json();
    assert_eq!(
        compare["inputs"],
        json!([{ "path": "yield.packages", "old": "400", "new": "300", "unit": "" }])
    );
    // The headlines, as `cporamp diff` matches them from the two runs' results.
    let (json_b, _, heads_b) = expected('b');
    assert!(server.get(&format!("/api/runs/{b}/results.json")).text() == *json_b);
    let expected = cporamp_report::headline_diffs(heads_a, heads_b);
    let expected_json = serde_json::to_value(&expected).unwrap();
    let (got, want) = (compare["results"].as_array().unwrap(), expected_json.as_array().unwrap());
    assert_eq!(got.len(), want.len());
    for (got, want) in got.iter().zip(want) {
        assert_eq!(got, want, "the stored runs' diff equals the diff in memory");
    }
    let yield_changed =
        expected.iter().filter(|d| d.engine == "yield" && d.delta != Some(0.0)).count();
    assert!(yield_changed > 0, "fewer packages change the yield engine's figures");

    let sections = server.get(&format!("/api/runs/{a}/sections")).json();
    let ids: Vec<&str> = sections["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["answer", "g-51-2t", "g-102-4t", "fleet", "market", "align", "codesign"]);
    let page = server.get(&format!("/runs/{a}/sections/fleet"));
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<section id=\"fleet\">") && page.text().contains("<svg"));
    let diff_page = server.get(&format!("/compare?a={a}&b={b}"));
    assert!(diff_page.text().contains("yield.packages"), "{}", diff_page.text());
    let list = server.get("/api/runs").json();
    assert_eq!(list["runs"].as_array().unwrap().len(), 2);
    server.abort();
}

#[test]
fn every_kind_of_bad_input_is_a_named_json_error_with_a_4xx_status() {
    let store = tempfile::tempdir().unwrap();
    let server = Running::start(store.path(), |config| {
        config.max_running = 1;
        config.max_queued = 1;
    });
    let toml = "application/toml";
    let mut kinds = 0;
    let mut check = |answer: common::Answer, status: u16, code: &str| {
        kinds += 1;
        assert_error(&answer, status, code)
    };
    // 1-4: scenarios the resolver refuses, each with the diagnostic `scenario check` names.
    for (text, kind, path) in [
        ("schema_version = 1\nname = [", "syntax", ""),
        (quick_with("packages", "-3").as_str(), "out_of_range", "yield.packages"),
        (quick_with("packages", "\"many\"").as_str(), "wrong_type", "yield.packages"),
        (format!("{}\n[yield.extra]\nx = 1\n", quick()).as_str(), "schema", ""),
    ] {
        let body = check(
            server.post("/api/scenario/check", toml, text.as_bytes()),
            422,
            "scenario_invalid",
        );
        let diagnostic = &body["error"]["details"]["diagnostics"][0];
        assert_eq!(diagnostic["kind"], kind, "{body}");
        if !path.is_empty() {
            assert_eq!(diagnostic["path"], path, "{body}");
        }
        let message = diagnostic["message"].as_str().unwrap();
        assert!(message.starts_with("scenario.toml:"), "{message}");
        // The editor's check says the same with 200 and ok false.
        let validated = server.post("/api/scenario/validate", toml, text.as_bytes()).json();
        assert_eq!(validated["ok"], false);
        assert_eq!(validated["diagnostics"][0]["message"], message);
    }
    // 5: a body over 1 MiB, declared, and 6: streamed without a length.
    let big = vec![b'#'; cporamp_serve::MAX_BODY_BYTES + 1];
    check(server.post("/api/scenario/check", toml, &big), 413, "body_too_large");
    let mut chunked = format!(
        "POST /api/scenario/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: {toml}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for _ in 0..17 {
        chunked.extend_from_slice(format!("{:x}\r\n", 65536).as_bytes());
        chunked.extend_from_slice(&[b'#'; 65536]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    check(raw(server.address, &chunked), 413, "body_too_large");
    // 7: a wrong content type, 8: none.
    check(server.post("/api/runs", "text/plain", b"{}"), 415, "unsupported_media_type");
    check(
        request(server.address, "POST", "/api/scenario/check", &[], b"x = 1"),
        415,
        "unsupported_media_type",
    );
    // 9: invalid UTF-8.
    check(server.post("/api/scenario/check", toml, b"name = \"\xff\xfe\""), 400, "invalid_utf8");
    // 10: malformed JSON, 11: JSON of the wrong shape, 12: an empty body, 13: a bad label.
    check(
        server.post("/api/runs", "application/json", b"{\"scenario_toml\": "),
        400,
        "invalid_json",
    );
    check(
        server.post_json("/api/runs", &json!({ "scenario_toml": quick(), "extra": 1 })),
        400,
        "invalid_json",
    );
    check(server.post("/api/runs", "application/json", b""), 400, "empty_body");
    check(
        server.post_json("/api/runs", &json!({ "scenario_toml": quick(), "label": "a\u{7}b" })),
        400,
        "invalid_json",
    );
    // 14: an invalid scenario as a run.
    check(
        server.post_json("/api/runs", &json!({ "scenario_toml": "name = 1" })),
        422,
        "scenario_invalid",
    );
    // 15: path-like and malformed run ids; 16: an unknown one.
    for id in ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..", "ABCDEF0123456789", "0123", "%FF%FE"] {
        check(server.get(&format!("/api/runs/{id}")), 400, "invalid_run_id");
        check(server.get(&format!("/api/runs/{id}/results.json")), 400, "invalid_run_id");
    }
    check(server.get("/api/runs/0123456789abcdef"), 404, "run_not_found");
    check(
        server.post("/api/runs/0123456789abcdef/cancel", "application/json", b"{}"),
        404,
        "run_not_found",
    );
    check(server.get("/runs/0123456789abcdef"), 404, "run_not_found");
    // 17: an unknown path, 18: a wrong method, 19: an unknown preset.
    check(server.get("/api/nothing/here"), 404, "not_found");
    check(request(server.address, "DELETE", "/api/runs", &[], b""), 405, "method_not_allowed");
    check(server.get("/api/presets/..%2Fsecret"), 404, "preset_not_found");
    // 20: a comparison without its runs; 21: an edit of a field that is not there.
    check(server.get("/api/compare?a=0123456789abcdef"), 400, "invalid_query");
    check(server.get("/api/compare?a=../x&b=0123456789abcdef"), 400, "invalid_run_id");
    check(
        server.post_json(
            "/api/scenario/edit",
            &json!({ "toml": quick(), "path": "yield.nope", "value": "1" }),
        ),
        400,
        "invalid_field",
    );
    // 22: results of a run still queued, 23: of a cancelled run, 24: cancelling it again,
    // 25: the queue full.
    // The default scenario runs for minutes: it holds the only slot.
    let first = server.submit(cporamp_scenario::DEFAULT_SCENARIO_TOML, "first");
    // It must have left the queue for the slot before the next one queues (on a loaded
    // machine that takes a moment, and the queue holds one run).
    server.wait(&first, 60, |run| run["state"] == "running");
    let second = server.submit(&quick(), "second");
    assert_eq!(server.run(&second)["state"], "queued");
    check(server.get(&format!("/api/runs/{second}/results.json")), 409, "run_not_finished");
    check(server.post_json("/api/runs", &json!({ "scenario_toml": quick() })), 429, "queue_full");
    assert_eq!(
        server.post(&format!("/api/runs/{second}/cancel"), "application/json", b"").status,
        202
    );
    // A queued run is cancelled at once, not when a slot frees.
    let cancelled = server.wait_final(&second, 60);
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    assert_eq!(server.run(&first)["state"], "running", "the first run holds the slot");
    check(server.get(&format!("/api/runs/{second}/report.html")), 409, "run_failed");
    check(
        server.post(&format!("/api/runs/{second}/cancel"), "application/json", b""),
        409,
        "run_finished",
    );
    // 26: a section the report does not have.
    assert_eq!(
        server.post(&format!("/api/runs/{first}/cancel"), "application/json", b"").status,
        202
    );
    assert_eq!(server.wait_final(&first, 120)["state"], "cancelled");
    let third = server.submit(&quick(), "third");
    assert_eq!(server.wait_final(&third, 60)["state"], "succeeded");
    check(
        server.get(&format!("/runs/{third}/sections/..%2F..%2Findex.sqlite")),
        404,
        "section_not_found",
    );
    assert!(kinds >= 30, "{kinds} bad requests");
    // The server still serves, and nothing above reached the file system outside the store.
    assert_eq!(server.get("/api/health").status, 200);
    let mut entries: Vec<String> = std::fs::read_dir(store.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["index.sqlite", "runs"]);
    server.abort();
}

#[test]
fn a_request_over_the_time_limit_is_a_named_408() {
    let store = tempfile::tempdir().unwrap();
    let server = Running::start(store.path(), |config| {
        config.request_timeout = std::time::Duration::from_millis(1);
    });
    // Listing the fields loads the scenario three times: far over a millisecond.
    let answer = server.post("/api/scenario/fields", "application/toml", quick().as_bytes());
    assert_error(&answer, 408, "request_timeout");
    server.abort();
}

#[test]
fn fifty_concurrent_requests_and_four_runs_are_all_answered_with_the_pipelines_results() {
    let store = tempfile::tempdir().unwrap();
    // Two runs at once, the others queued.
    let server = Running::start(store.path(), |config| config.max_running = 2);
    let runs: Vec<(String, String, &str)> = [(quick(), "a.toml"), (variant(), "b.toml")]
        .iter()
        .cycle()
        .take(4)
        .map(|(toml, label)| (server.submit(toml, label), toml.clone(), *label))
        .collect();
    let run_ids: Vec<String> = runs.iter().map(|(id, _, _)| id.clone()).collect();
    let address = server.address;
    let statuses: Vec<(String, u16)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|index| {
                let run_ids = &run_ids;
                scope.spawn(move || {
                    let (method, path, body): (&str, String, Vec<u8>) = match index % 5 {
                        0 => ("GET", "/api/runs".into(), vec![]),
                        1 => ("GET", format!("/api/runs/{}", run_ids[index % 4]), vec![]),
                        2 => ("GET", "/api/health".into(), vec![]),
                        3 => ("GET", "/api/openapi.json".into(), vec![]),
                        _ => ("POST", "/api/scenario/validate".into(), quick().into_bytes()),
                    };
                    let answer = request(
                        address,
                        method,
                        &path,
                        &[("Content-Type", "application/toml")],
                        &body,
                    );
                    (path, answer.status)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses.len(), 50);
    for (path, status) in &statuses {
        assert_eq!(*status, 200, "{path}");
    }
    for (id, _, label) in &runs {
        let run = server.wait_final(id, 120);
        assert_eq!(run["state"], "succeeded", "{run}");
        let expected = if *label == "a.toml" { &expected('a').0 } else { &expected('b').0 };
        assert!(
            server.get(&format!("/api/runs/{id}/results.json")).text() == *expected,
            "run {id} ({label}) equals cporamp run's results.json"
        );
    }
    assert_eq!(server.get("/api/runs").json()["runs"].as_array().unwrap().len(), 4, "no run lost");
    server.abort();
}

#[test]
fn a_running_run_cancels_and_a_restart_marks_the_interrupted_run_failed() {
    let store = tempfile::tempdir().unwrap();
    let default = cporamp_scenario::DEFAULT_SCENARIO_TOML;
    let first = Running::start(store.path(), |_| {});
    let finished = first.submit(&quick(), "finished");
    assert_eq!(first.wait_final(&finished, 60)["state"], "succeeded");
    let results = first.get(&format!("/api/runs/{finished}/results.json")).text();
    // The default scenario runs for minutes: it is surely still running when stopped.
    let cancelled = first.submit(default, "cancelled");
    first.wait(&cancelled, 60, |run| run["state"] == "running");
    assert_eq!(
        first.post(&format!("/api/runs/{cancelled}/cancel"), "application/json", b"").status,
        202
    );
    let run = first.wait_final(&cancelled, 120);
    assert_eq!(run["state"], "cancelled", "{run}");
    let interrupted = first.submit(default, "interrupted");
    first.wait(&interrupted, 60, |run| run["state"] == "running");
    first.abort();

    let second = Running::start(store.path(), |_| {});
    assert_eq!(second.server.as_ref().unwrap().interrupted(), 1);
    let run = second.run(&interrupted);
    assert_eq!(run["state"], "failed", "{run}");
    assert_eq!(run["error"], cporamp_serve::store::INTERRUPTED);
    assert_error(&second.get(&format!("/api/runs/{interrupted}/results.json")), 409, "run_failed");
    assert_eq!(second.run(&cancelled)["state"], "cancelled");
    assert_eq!(second.run(&finished)["state"], "succeeded");
    assert_eq!(second.get(&format!("/api/runs/{finished}/results.json")).text(), results);
    assert_eq!(second.get("/api/runs").json()["runs"].as_array().unwrap().len(), 3);
    second.abort();
}

#[test]
fn a_failed_run_is_recorded_failed_and_the_server_goes_on() {
    let store = tempfile::tempdir().unwrap();
    let server = Running::start(store.path(), |config| config.max_running = 1);
    let first = server.submit(&quick(), "first");
    let doomed = server.submit(&quick(), "doomed");
    assert_eq!(server.run(&doomed)["state"], "queued", "the first run holds the only slot");
    // The doomed run's folder becomes a file: writing its results fails when it ends.
    let folder = store.path().join("runs").join(&doomed);
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(&folder, "not a folder").unwrap();
    let run = server.wait_final(&doomed, 60);
    assert_eq!(run["state"], "failed", "{run}");
    assert!(run["error"].as_str().is_some_and(|e| e.contains(&doomed)), "{run}");
    assert_error(&server.get(&format!("/api/runs/{doomed}/results.json")), 409, "run_failed");
    assert_eq!(server.run(&first)["state"], "succeeded");
    let after = server.submit(&quick(), "after");
    assert_eq!(server.wait_final(&after, 60)["state"], "succeeded", "the server goes on");
    server.abort();
}
