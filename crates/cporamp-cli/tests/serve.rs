//! `cporamp serve` from the real binary: it refuses a non-loopback address without
//! `--allow-remote` (exit 2, nothing created); on loopback it prints its address and answers
//! there; Ctrl-C (SIGINT) during a run stops it, and the run is marked failed (interrupted)
//! for the next server on the store. The server itself is tested in
//! `crates/cporamp-serve/tests/`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let directory = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--store", "store"])
        .current_dir(directory.path())
        .output()
        .expect("cporamp runs");
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("--bind 0.0.0.0") && message.contains("--allow-remote"), "{message}");
    assert!(!directory.path().join("store").exists(), "nothing is created");
}

/// Starts `cporamp serve` on a free loopback port with the store `store` in `directory`;
/// the child and its address.
fn serve(directory: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(["serve", "--port", "0", "--store", "store", "--threads", "1"])
        .current_dir(directory)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("cporamp starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines.next().expect("a line").expect("text");
    let address = line
        .strip_prefix("cporamp serve: http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    (child, address)
}

/// An HTTP/1.1 exchange; the whole answer.
fn exchange(address: &str, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).expect("it listens");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

fn get(address: &str, path: &str) -> String {
    exchange(address, &format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
}

#[test]
fn serve_prints_its_loopback_address_and_answers_there() {
    let directory = tempfile::tempdir().unwrap();
    let (mut child, address) = serve(directory.path());
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let answer = get(&address, "/api/health");
    child.kill().expect("the server stops");
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"ok\":true"), "{answer}");
    assert!(directory.path().join("store/index.sqlite").is_file(), "the run store is made");
}

#[test]
fn ctrl_c_during_a_run_stops_the_server_and_marks_the_run_interrupted() {
    let directory = tempfile::tempdir().unwrap();
    let (mut child, address) = serve(directory.path());
    // The default scenario runs for minutes.
    let body = serde_json::json!({
        "scenario_toml": include_str!("../../cporamp-scenario/presets/default.toml"),
        "label": "long"
    })
    .to_string();
    let answer = exchange(
        &address,
        &format!(
            "POST /api/runs HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: \
             application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    let start = std::time::Instant::now();
    while !get(&address, "/api/runs").contains("\"state\":\"running\"") {
        assert!(start.elapsed().as_secs() < 60, "the run never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let interrupted = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    assert!(interrupted.is_ok_and(|status| status.success()), "kill -INT");
    let status = child.wait().expect("it stops");
    assert_eq!(status.code(), Some(0), "a clean stop");
    let (mut again, address) = serve(directory.path());
    let runs = get(&address, "/api/runs");
    again.kill().expect("the server stops");
    let _ = again.wait();
    assert!(runs.contains("\"state\":\"failed\""), "{runs}");
    assert!(runs.contains("interrupted: the server stopped"), "{runs}");
}
