//! Snapshot tests (insta) of the CLI's output on the quick scenario: every subcommand's text
//! tables (and the table a sweep writes), and the key structure of `run @quick`'s results.json (key paths and value types,
//! arrays collapsed to one element, no numbers), so that a changed table, a renamed or a dropped key shows in review.
//!
//! The snapshots sit in `tests/snapshots/`. Update them with `INSTA_UPDATE=always cargo test
//! -p cporamp-cli --test snapshots` (or `cargo insta review`) and read the diff before
//! committing. With `CI` set (CI sets `CI=true`) or `INSTA_UPDATE=no`, insta writes nothing: a
//! missing or changed snapshot fails the test. The outputs hold no timings; the temporary
//! directory's path is replaced by `[TMP]` should any output name it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;

/// Runs the real binary in `directory` and returns its standard output, checking exit 0.
fn cporamp(directory: &Path, args: &[&str]) -> String {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs");
    assert!(
        output.status.success(),
        "cporamp {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    redact(directory, &String::from_utf8(output.stdout).expect("UTF-8 output"))
}

/// The output with the temporary directory's path (as given and canonical) replaced by
/// `[TMP]`, so a snapshot never holds a machine's path.
fn redact(directory: &Path, text: &str) -> String {
    let mut text = text.to_string();
    let canonical = directory.canonicalize().expect("temporary directory");
    for path in [canonical.as_path(), directory] {
        let path = path.to_string_lossy();
        if !path.is_empty() {
            text = text.replace(path.as_ref(), "[TMP]");
        }
    }
    text
}

/// Asserts `text` against the snapshot `name` in `tests/snapshots/`.
fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Text output of `cporamp COMMAND @quick -q --threads 2`.
fn quick_text(command: &str) -> String {
    let directory = tempfile::tempdir().unwrap();
    cporamp(directory.path(), &[command, "@quick", "-q", "--threads", "2"])
}

#[test]
fn thermal_text() {
    snapshot("thermal", &quick_text("thermal"));
}

#[test]
fn photonics_text() {
    snapshot("photonics", &quick_text("photonics"));
}

#[test]
fn yield_text() {
    snapshot("yield", &quick_text("yield"));
}

#[test]
fn fleet_text() {
    snapshot("fleet", &quick_text("fleet"));
}

#[test]
fn market_text() {
    snapshot("market", &quick_text("market"));
}

#[test]
fn compare_text() {
    snapshot("compare", &quick_text("compare"));
}

#[test]
fn align_text() {
    snapshot("align", &quick_text("align"));
}

#[test]
fn codesign_text() {
    snapshot("codesign", &quick_text("codesign"));
}

#[test]
fn run_text() {
    let directory = tempfile::tempdir().unwrap();
    let args = ["run", "@quick", "--out", "out", "-q", "--threads", "2"];
    snapshot("run", &cporamp(directory.path(), &args));
}

#[test]
fn diligence_text() {
    let directory = tempfile::tempdir().unwrap();
    let claims = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/claims.toml");
    let claims = claims.to_str().unwrap();
    let args = ["diligence", claims, "@quick", "-q", "--threads", "2"];
    snapshot("diligence", &cporamp(directory.path(), &args));
}

#[test]
fn diff_text() {
    // The quick scenario against itself with a warmer coolant inlet: one input differs and
    // every headline moves by its effect (the default scenario would take seconds).
    let directory = tempfile::tempdir().unwrap();
    let quick = cporamp_scenario::quick_scenario_toml();
    let from = "nominal_inlet_c = 35.0";
    assert_eq!(quick.matches(from).count(), 1, "edit target {from:?} must occur exactly once");
    std::fs::write(directory.path().join("a.toml"), &quick).unwrap();
    std::fs::write(
        directory.path().join("b.toml"),
        quick.replacen(from, "nominal_inlet_c = 40.0", 1),
    )
    .unwrap();
    let text = cporamp(directory.path(), &["diff", "a.toml", "b.toml", "-q", "--threads", "2"]);
    snapshot("diff", &text);
}

#[test]
fn inspect_text() {
    // The fixture of tests/inspect.rs: the yield engine's own test data, 40 packages of one
    // technology at 51.2T.
    let directory = tempfile::tempdir().unwrap();
    cporamp(
        directory.path(),
        &[
            "yield",
            "@quick",
            "--generation",
            "51.2T",
            "--test-data",
            "data",
            "--test-packages",
            "40",
            "-q",
        ],
    );
    let text = cporamp(
        directory.path(),
        &["inspect", "data/51.2T_cpo_integrated.csv", "-q", "--threads", "2"],
    );
    snapshot("inspect", &text);
}

#[test]
fn scenario_init_and_check_text() {
    let directory = tempfile::tempdir().unwrap();
    let mut text = cporamp(directory.path(), &["scenario", "init", "written.toml"]);
    for scenario in ["@quick", "written.toml"] {
        text.push_str(&cporamp(
            directory.path(),
            &["scenario", "check", scenario, "--threads", "2"],
        ));
    }
    snapshot("scenario", &text);
}

#[test]
fn sweep_text() {
    // Two inlets of the quick scenario through thermal and photonics: the command's line,
    // then the table it wrote, a column per line (name and each scenario's value).
    let directory = tempfile::tempdir().unwrap();
    let sweep = "base = \"@quick\"\nengines = [\"thermal\", \"photonics\"]\n\
        [[axis]]\npath = \"thermal.cold_plate.nominal_inlet_c\"\nvalues = [25.0, 45.0]\n";
    std::fs::write(directory.path().join("sweep.toml"), sweep).unwrap();
    let mut text =
        cporamp(directory.path(), &["sweep", "sweep.toml", "--out", "out", "-q", "--threads", "2"]);
    let file = std::fs::File::open(directory.path().join("out/sweep.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let rows: Vec<Vec<(String, String)>> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            let cell = |field: &Field| match field {
                // Four decimals: far above the last bits a libm may round differently.
                Field::Double(value) => format!("{value:.4}"),
                other => other.to_string(),
            };
            row.unwrap().get_column_iter().map(|(n, f)| (n.clone(), cell(f))).collect()
        })
        .collect();
    for (column, (name, _)) in rows[0].iter().enumerate() {
        let values: Vec<&str> = rows.iter().map(|row| row[column].1.as_str()).collect();
        text.push_str(&format!("{name}: {}\n", values.join(" | ")));
    }
    snapshot("sweep", &text);
}

/// The type of a JSON value, as the structure lists it.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Adds (path, type) for `value` and everything below it. An array is collapsed to one
/// element, `path[]`, holding the union of its elements' structures (so a key present in
/// only some elements, or null in the first, still shows); an empty one is marked as such.
fn structure(path: &str, value: &Value, lines: &mut BTreeSet<(String, &'static str)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                structure(&format!("{path}.{key}"), child, lines);
            }
        }
        Value::Array(items) if items.is_empty() => {
            lines.insert((path.to_string(), "array (empty)"));
            return;
        }
        Value::Array(items) => {
            for item in items {
                structure(&format!("{path}[]"), item, lines);
            }
        }
        _ => {}
    }
    lines.insert((path.to_string(), type_name(value)));
}

/// The structure as text: one line per path, its types joined by ` | `, sorted by path.
fn structure_text(lines: &BTreeSet<(String, &'static str)>) -> String {
    let mut text = String::new();
    let mut previous: Option<&str> = None;
    for (path, kind) in lines {
        if previous == Some(path.as_str()) {
            text.push_str(" | ");
        } else {
            if previous.is_some() {
                text.push('\n');
            }
            text.push_str(path);
            text.push_str(": ");
        }
        text.push_str(kind);
        previous = Some(path);
    }
    text.push('\n');
    text
}

#[test]
fn run_results_json_structure() {
    let directory = tempfile::tempdir().unwrap();
    cporamp(directory.path(), &["run", "@quick", "--out", "out", "-q", "--threads", "2"]);
    let results: Value =
        serde_json::from_slice(&std::fs::read(directory.path().join("out/results.json")).unwrap())
            .expect("results.json is JSON");
    let mut lines = BTreeSet::new();
    structure("$", &results, &mut lines);
    snapshot("run_results_json_structure", &structure_text(&lines));
    assert_eq!(type_name(&results), "object");
}
