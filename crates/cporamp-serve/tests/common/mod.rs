//! Shared by the server's tests: a server on a free loopback port with its store in a
//! temporary folder, and a raw HTTP/1.1 client (std sockets) that can send what a well-behaved
//! client never would (invalid UTF-8, lying lengths, no content type).

#![allow(dead_code, reason = "each test binary uses a part")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

/// A server on its own runtime.
pub struct Running {
    pub runtime: tokio::runtime::Runtime,
    pub server: Option<cporamp_serve::Server>,
    pub address: SocketAddr,
}

impl Running {
    /// Starts a server on a free loopback port with `store`, changed by `adjust`.
    pub fn start(store: &Path, adjust: impl FnOnce(&mut cporamp_serve::Config)) -> Running {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let mut config = cporamp_serve::Config::local(0, store.to_path_buf());
        adjust(&mut config);
        let server =
            runtime.block_on(cporamp_serve::Server::start(config)).expect("the server starts");
        let address = server.address();
        Running { runtime, server: Some(server), address }
    }

    /// An abrupt stop (as a crash).
    pub fn abort(mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.abort());
        }
    }

    pub fn get(&self, path: &str) -> Answer {
        request(self.address, "GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        request(self.address, "POST", path, &[("Content-Type", content_type)], body)
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.post(path, "application/json", body.to_string().as_bytes())
    }

    /// Queues a run of `toml` labelled `label`; its id.
    pub fn submit(&self, toml: &str, label: &str) -> String {
        let answer = self
            .post_json("/api/runs", &serde_json::json!({ "scenario_toml": toml, "label": label }));
        assert_eq!(answer.status, 202, "{}", answer.text());
        answer.json()["run"]["id"].as_str().expect("an id").to_string()
    }

    /// The run's JSON.
    pub fn run(&self, id: &str) -> Value {
        let answer = self.get(&format!("/api/runs/{id}"));
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["run"].clone()
    }

    /// Polls the run until `done` holds for it (at most `seconds`).
    pub fn wait(&self, id: &str, seconds: u64, done: impl Fn(&Value) -> bool) -> Value {
        let start = std::time::Instant::now();
        loop {
            let run = self.run(id);
            if done(&run) {
                return run;
            }
            assert!(start.elapsed() < Duration::from_secs(seconds), "run {id} still {run}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls until the run has ended.
    pub fn wait_final(&self, id: &str, seconds: u64) -> Value {
        self.wait(id, seconds, |run| {
            matches!(run["state"].as_str(), Some("succeeded" | "failed" | "cancelled"))
        })
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends raw `head` lines and `body`; the whole answer (the connection is closed after it).
pub fn raw(address: SocketAddr, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    // The server may answer (413) before reading the whole body and close: a failed write
    // is then expected, the answer is still there to read.
    let _ = stream.write_all(request);
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    parse(&bytes)
}

/// A request with a Content-Length.
pub fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method != "GET" || !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    raw(address, &bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = body.as_slice();
        while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16)
                .unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        body = out;
    }
    Answer { status, headers, body }
}

/// The quick scenario (`@quick`): every engine in about a second.
pub fn quick() -> String {
    cporamp_scenario::quick_scenario_toml()
}

/// The quick scenario with one `key = value` line replaced (the key's first line).
pub fn quick_with(key: &str, value: &str) -> String {
    let text = quick();
    let line = text
        .lines()
        .find(|line| line.split('=').next().is_some_and(|k| k.trim() == key))
        .unwrap_or_else(|| panic!("no {key}"))
        .to_string();
    text.replacen(&line, &format!("{key} = {value}"), 1)
}
