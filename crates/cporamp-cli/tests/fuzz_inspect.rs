//! Property test: inspection data files with random edits never make the readers panic.
//!
//! - The yield engine's own schema-3 test data (2 packages, the first 200 lanes) with random
//!   edits (a cell replaced by a valid, boundary, out-of-range or malformed value, NaN and
//!   infinity included; a line deleted, duplicated or truncated; a garbage line; the schema
//!   line and header included) read in process as `cporamp inspect` reads them: each file is
//!   read, with finite figures, or refused with a message naming it.
//! - A mapped layout (`--mapping`, a TOML file of column names and units) and a spec-limits
//!   file (`--limits`) with random edits, through the real binary: exit 0 or 2 (a named
//!   error), never a panic or an internal failure.
//!
//! Seeded, so every run tries the same cases.

use std::cell::Cell;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

const CELLS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "0.5",
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "",
    "x",
    "true",
    "false",
    "TRUE",
    "coupling",
    "laser",
    "18446744073709551616",
    "4294967296",
    "\"0\"",
    "0,0",
];

/// One edit of a file's text.
#[derive(Debug, Clone)]
enum Edit {
    /// A cell (comma-separated field, or `=`-separated side of a TOML line) replaced.
    Cell { line: usize, cell: usize, value: String },
    /// A line deleted.
    Delete { line: usize },
    /// A line written twice.
    Duplicate { line: usize },
    /// A line cut short.
    Truncate { line: usize, keep: usize },
    /// A garbage line inserted.
    Garbage { line: usize, text: String },
}

fn edit() -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        4 => proptest::sample::select(CELLS).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
        1 => any::<i64>().prop_map(|v| v.to_string()),
    ];
    prop_oneof![
        8 => (any::<usize>(), any::<usize>(), value)
            .prop_map(|(line, cell, value)| Edit::Cell { line, cell, value }),
        1 => any::<usize>().prop_map(|line| Edit::Delete { line }),
        1 => any::<usize>().prop_map(|line| Edit::Duplicate { line }),
        1 => (any::<usize>(), 0usize..60).prop_map(|(line, keep)| Edit::Truncate { line, keep }),
        1 => (any::<usize>(), proptest::collection::vec(any::<char>(), 0..30))
            .prop_map(|(line, chars)| Edit::Garbage { line, text: chars.into_iter().collect() }),
    ]
}

/// `text` with `edits` applied; cells are split at `separator` (line and cell numbers taken
/// modulo what is there).
fn apply(text: &str, edits: &[Edit], separator: char) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match edit {
            Edit::Cell { line, cell, value } => {
                let line = &mut lines[line % n];
                let mut cells: Vec<&str> = line.split(separator).collect();
                let index = cell % cells.len();
                cells[index] = value;
                *line = cells.join(&separator.to_string());
            }
            Edit::Delete { line } => {
                lines.remove(line % n);
            }
            Edit::Duplicate { line } => {
                let copy = lines[line % n].clone();
                lines.insert(line % n, copy);
            }
            Edit::Truncate { line, keep } => {
                let line = &mut lines[line % n];
                *line = line.chars().take(*keep).collect();
            }
            Edit::Garbage { line, text } => {
                lines.insert(line % n, text.replace(['\n', '\r'], " "));
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn cporamp(directory: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs")
}

/// The yield engine's schema-3 test data for 2 packages at 51.2T: its schema line, header and
/// first 200 lanes.
fn schema_3_fixture(directory: &Path) -> String {
    let output = cporamp(
        directory,
        &[
            "yield",
            "@quick",
            "--generation",
            "51.2T",
            "--test-data",
            "data",
            "--test-packages",
            "2",
            "-q",
        ],
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = std::fs::read_to_string(directory.join("data/51.2T_cpo_integrated.csv")).unwrap();
    assert!(text.starts_with("# cporamp yield test data, schema 3"));
    let mut lines: Vec<&str> = text.lines().take(202).collect();
    lines.push("");
    lines.join("\n")
}

#[test]
fn random_edits_of_schema_3_test_data_never_panic_and_give_finite_figures_or_named_errors() {
    let directory = tempfile::tempdir().unwrap();
    let fixture = schema_3_fixture(directory.path());
    let path = directory.path().join("edited.csv");
    let runner_config = Config {
        cases: 300,
        rng_seed: RngSeed::Fixed(20_261_204),
        failure_persistence: None,
        ..Config::default()
    };
    let (read, refused) = (Cell::new(0), Cell::new(0));
    TestRunner::new(runner_config)
        .run(&proptest::collection::vec(edit(), 0..4), |edits| {
            std::fs::write(&path, apply(&fixture, &edits, ',')).unwrap();
            match cporamp_cli::inspect_files(std::slice::from_ref(&path), 2) {
                Ok(result) => {
                    if result.packages > 0 {
                        prop_assert!(result.yield_overall.value.is_finite(), "{result:?}");
                    }
                    for capability in result.capability.iter().filter(|c| c.count > 0) {
                        prop_assert!(
                            capability.mean.is_finite() && capability.overall_sd.is_finite(),
                            "{capability:?}"
                        );
                    }
                    read.set(read.get() + 1);
                }
                Err(message) => {
                    prop_assert!(message.contains("edited.csv"), "{message}");
                    refused.set(refused.get() + 1);
                }
            }
            Ok(())
        })
        .unwrap();
    assert!(
        read.get() > 20 && refused.get() > 20,
        "read {}, refused {}",
        read.get(),
        refused.get()
    );
}

const LINE_CSV: &str =
    "serial,slot,ch,il_mdb,ok,operator\n7,0,0,200,1,ann\n7,0,1,400,1,ann\n8,0,0,300,0,bob\n";
const MAPPING: &str = "ignore = [\"operator\"]\n[columns]\npackage = \"serial\"\nengine = \"slot\"\nlane = \"ch\"\nshipped = \"ok\"\ncoupling_loss_db = { column = \"il_mdb\", unit = \"mdB\" }\n";
const LIMITS: &str =
    "[coupling_loss_db]\nupper = 1.0\n[heater_shift_nm]\nlower = 0.0\nupper = 4.5\n";

#[test]
fn random_edits_of_mapping_and_limits_files_exit_0_or_2_never_panic() {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("line.csv"), LINE_CSV).unwrap();
    let files = || proptest::collection::vec(edit(), 0..3);
    let runner_config = Config {
        cases: 48,
        rng_seed: RngSeed::Fixed(20_261_205),
        failure_persistence: None,
        ..Config::default()
    };
    let (read, refused) = (Cell::new(0), Cell::new(0));
    TestRunner::new(runner_config)
        .run(&(files(), files(), files()), |(data_edits, mapping_edits, limits_edits)| {
            std::fs::write(directory.path().join("data.csv"), apply(LINE_CSV, &data_edits, ','))
                .unwrap();
            std::fs::write(directory.path().join("map.toml"), apply(MAPPING, &mapping_edits, '='))
                .unwrap();
            std::fs::write(directory.path().join("limits.toml"), apply(LIMITS, &limits_edits, '='))
                .unwrap();
            let output = cporamp(
                directory.path(),
                &[
                    "inspect",
                    "data.csv",
                    "--mapping",
                    "map.toml",
                    "--limits",
                    "limits.toml",
                    "--format",
                    "json",
                    "-q",
                ],
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            match output.status.code() {
                Some(0) => read.set(read.get() + 1),
                Some(2) => {
                    prop_assert!(!stderr.trim().is_empty());
                    refused.set(refused.get() + 1);
                }
                code => prop_assert!(false, "exit {code:?}: {stderr}"),
            }
            Ok(())
        })
        .unwrap();
    assert!(read.get() > 3 && refused.get() > 10, "read {}, refused {}", read.get(), refused.get());
}
