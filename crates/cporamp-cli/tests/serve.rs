//! `cporamp serve` from the real binary: it refuses a non-loopback address without
//! `--allow-remote` (exit 2, nothing created), and on loopback it prints its address and
//! answers there. The server itself is tested in `crates/cporamp-serve/tests/`.

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

#[test]
fn serve_prints_its_loopback_address_and_answers_there() {
    let directory = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(["serve", "--port", "0", "--store", "store", "--threads", "1"])
        .current_dir(directory.path())
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
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    let mut stream = std::net::TcpStream::connect(&address).expect("it listens");
    stream.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    child.kill().expect("the server stops");
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"ok\":true"), "{answer}");
    assert!(directory.path().join("store/index.sqlite").is_file(), "the run store is made");
}
