//! Every source key cited by the default scenario, and by the workspace's code and docs,
//! resolves to an entry of the repository's `docs/sources.md`.
//!
//! A citation is a bracket in a comment: `[S26]`, `[PCM Gap 1]`, `[PCM 29]`, `[RY Gap 5]`,
//! `[RY 42]`, `[HotSpot]`, `[Article]`, or several keys and quoted row names separated by
//! commas (`[PCM Gap 2, PCM 29]`, `[PCM Gap 1, "51.2T switch: SerDes block power"]`).
//! A bracket holding a lower-case table path (`[yield.ramp]`) names a scenario table.
//! Anything else in a bracket (a bare `[42]`, a misspelt key) is reported, not skipped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SOURCES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/sources.md"));
const SCENARIO: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/presets/default.toml"));

/// The key legend in the scenario's header: placeholders that explain the format, not
/// citations. Each must occur exactly once, in the header, so that none hides a real key.
const HEADER_PLACEHOLDERS: [&str; 7] =
    ["[S##]", "[PCM Gap #]", "[PCM ##]", "[RY Gap #]", "[RY ##]", "[KEY, \"row\"]", "[KEY, KEY]"];

/// The keys `docs/sources.md` defines: its level-3 headings.
fn defined_keys() -> BTreeSet<String> {
    let headings: Vec<&str> =
        SOURCES.lines().filter_map(|line| line.strip_prefix("### ")).map(str::trim).collect();
    let keys: BTreeSet<String> = headings.iter().map(|key| key.to_string()).collect();
    assert_eq!(keys.len(), headings.len(), "docs/sources.md has a duplicated heading");
    keys
}

/// Whether `text` is a key of the documented form (`S26`, `PCM Gap 1`, `RY 42`, ...).
fn is_key(text: &str) -> bool {
    let number = |digits: &str| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if text == "HotSpot" || text == "Article" {
        return true;
    }
    if let Some(digits) = text.strip_prefix('S') {
        return number(digits);
    }
    for family in ["PCM ", "RY "] {
        if let Some(rest) = text.strip_prefix(family) {
            return number(rest.strip_prefix("Gap ").unwrap_or(rest));
        }
    }
    false
}

/// A bracket naming a scenario table (`[yield.ramp]`, `[..laser.tec]`), not a source.
fn is_table_path(content: &str) -> bool {
    content.starts_with(|c: char| c.is_ascii_lowercase() || c == '.')
        && content
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._\"".contains(c))
}

/// Splits at commas outside double quotes.
fn parts(content: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in content.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                found.push(content[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    found.push(content[start..].trim());
    found
}

/// The source keys cited in `text` (a comment), or the brackets that are neither
/// citations nor table paths.
fn citations(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut keys, mut malformed) = (Vec::new(), Vec::new());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else { break };
        let content = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if is_table_path(content) {
            continue;
        }
        for part in parts(content) {
            let row_name = part.len() >= 2 && part.starts_with('"') && part.ends_with('"');
            if is_key(part) {
                keys.push(part.to_string());
            } else if !row_name {
                malformed.push(format!("[{content}]"));
                break;
            }
        }
    }
    (keys, malformed)
}

/// The comment of a TOML line: from the first `#` outside a string.
fn comment(line: &str) -> Option<&str> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return Some(&line[i..]),
            _ => {}
        }
    }
    None
}

#[test]
fn the_citation_reader_takes_compound_keys_and_rejects_bare_numbers() {
    let (keys, malformed) = citations(
        "# [PCM Gap 1, \"51.2T switch: SerDes block power\"] [S26][PCM Gap 2, PCM 29] \
         [yield.ramp] [..laser.tec] [42] [RY Gap 5, 14 nm TX] [Rx 3]",
    );
    assert_eq!(keys, ["PCM Gap 1", "S26", "PCM Gap 2", "PCM 29", "RY Gap 5"]);
    assert_eq!(malformed, ["[42]", "[RY Gap 5, 14 nm TX]", "[Rx 3]"]);
    assert!(is_key("S103") && is_key("RY 1") && is_key("HotSpot"));
    assert!(!is_key("S") && !is_key("PCM Gap") && !is_key("RY Gap x") && !is_key("S 26"));
}

#[test]
fn every_source_key_in_the_default_scenario_resolves() {
    let header_end = SCENARIO.find("\nschema_version").expect("the scenario's header");
    let (header, body) = SCENARIO.split_at(header_end);
    let mut header = header.to_string();
    for placeholder in HEADER_PLACEHOLDERS {
        assert_eq!(SCENARIO.matches(placeholder).count(), 1, "{placeholder} in the header only");
        assert!(header.contains(placeholder), "{placeholder} is explained in the header");
        header = header.replacen(placeholder, "", 1);
    }
    let defined = defined_keys();
    let (mut n_citations, mut cited) = (0, BTreeSet::new());
    let (mut unresolved, mut malformed) = (Vec::new(), Vec::new());
    for (index, line) in (header + body).lines().enumerate() {
        let number = index + 1;
        let Some(comment) = comment(line) else { continue };
        let (keys, bad) = citations(comment);
        malformed.extend(bad.into_iter().map(|bracket| format!("line {number}: {bracket}")));
        for key in keys {
            n_citations += 1;
            if !defined.contains(&key) {
                unresolved.push(format!("line {number}: [{key}]"));
            }
            cited.insert(key);
        }
    }
    // The scan found the citations: the default scenario cites well over 200 times.
    assert!(n_citations > 200 && cited.len() > 60, "{n_citations} citations, {} keys", cited.len());
    assert!(
        unresolved.is_empty() && malformed.is_empty(),
        "keys of presets/default.toml without an entry in docs/sources.md: {unresolved:#?}\n\
         brackets that are neither keys nor table paths: {malformed:#?}"
    );
}

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().parent().unwrap().to_path_buf()
}

/// The repository's `.rs`, `.toml` and `.md` files under `crates/` and `docs/`, and its
/// top-level `.md` files, except the default scenario (the test above reads it, header
/// legend excluded) and this file (its strings are examples of the format).
fn repository_texts() -> Vec<PathBuf> {
    let root = root();
    let mut found = Vec::new();
    let mut pending = vec![root.join("crates"), root.join("docs")];
    #[allow(clippy::disallowed_methods, reason = "the test reads the repository's own files")]
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "toml" || e == "md")
                && !path.ends_with("cporamp-scenario/presets/default.toml")
                && !path.ends_with("cporamp-scenario/tests/sources.rs")
            {
                found.push(path);
            }
        }
    }
    #[allow(clippy::disallowed_methods, reason = "the test reads the repository's own files")]
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
    found
}

#[test]
fn every_source_key_cited_in_code_and_docs_resolves() {
    let defined = defined_keys();
    let files = repository_texts();
    assert!(files.len() > 50, "the walk found the sources ({})", files.len());
    let (mut n_citations, mut unresolved) = (0, Vec::new());
    for file in files {
        #[allow(clippy::disallowed_methods, reason = "the test reads the repository's own files")]
        let text = std::fs::read_to_string(&file).unwrap();
        for (index, line) in text.lines().enumerate() {
            let place = format!("{}:{}", file.strip_prefix(root()).unwrap().display(), index + 1);
            // Bracketed keys; brackets that do not start like a key are code, not citations.
            let mut keys = Vec::new();
            let mut rest = line;
            while let Some(open) = rest.find('[') {
                rest = &rest[open..];
                let Some(close) = rest.find(']') else { break };
                let content = &rest[1..close];
                let first = parts(content)[0];
                let s_number =
                    first.strip_prefix('S').is_some_and(|r| r.starts_with(char::is_numeric));
                if s_number
                    || ["PCM", "RY ", "HotSpot", "Article"].iter().any(|f| first.starts_with(f))
                {
                    let (found, bad) = citations(&rest[..=close]);
                    keys.extend(found);
                    unresolved.extend(bad.into_iter().map(|b| format!("{place}: {b} (malformed)")));
                }
                rest = &rest[close + 1..];
            }
            // Doc comments, where a bracket would be an intra-doc link: `docs/sources.md: S46`.
            for (at, pattern) in line.match_indices("docs/sources.md: ") {
                let cited = &line[at + pattern.len()..];
                let cited = cited.split([')', ';']).next().unwrap_or_default();
                keys.extend(cited.split(", ").map(|key| key.trim().to_string()));
            }
            for key in keys {
                n_citations += 1;
                if !defined.contains(&key) {
                    unresolved.push(format!("{place}: [{key}]"));
                }
            }
            // A link to an entry uses the entry's anchor.
            for (at, _) in line.match_indices("](#") {
                let Some(open) = line[..at].rfind('[') else { continue };
                let key = &line[open + 1..at];
                let anchor = line[at + 3..].split(')').next().unwrap_or_default();
                if is_key(key) && anchor != key.to_lowercase().replace(' ', "-") {
                    unresolved.push(format!("{place}: [{key}](#{anchor}) has the wrong anchor"));
                }
            }
        }
    }
    assert!(n_citations > 60, "the scan found the citations ({n_citations})");
    assert!(
        unresolved.is_empty(),
        "citations without an entry in docs/sources.md: {unresolved:#?}"
    );
}
