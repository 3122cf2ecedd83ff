//! End-to-end tests of the real `cporamp` binary in temporary directories.
//!
//! Each bad-input test checks three things: exit code 2, a message naming the file or field,
//! the value and what was expected, and that nothing was written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DEFAULT: &str = include_str!("../../cporamp-scenario/presets/default.toml");

fn cporamp(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs")
}

/// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for character in line.chars() {
        match character {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(character),
        }
    }
    fields
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes the default scenario with `from` replaced by `to` (exactly once) and returns its path.
fn edited_scenario(directory: &Path, from: &str, to: &str) -> PathBuf {
    assert_eq!(DEFAULT.matches(from).count(), 1, "edit target {from:?} must occur exactly once");
    let path = directory.join("edited.toml");
    std::fs::write(&path, DEFAULT.replacen(from, to, 1)).unwrap();
    path
}

/// The quick scenario (`@quick`: the default with small Monte Carlo sizes; a whole run takes
/// seconds in a debug build), written to `directory/name` with `edits` (from, to) applied.
fn small_scenario(directory: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = cporamp_scenario::quick_scenario_toml();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "edit target {from:?} must occur exactly once");
        text = text.replacen(from, to, 1);
    }
    let path = directory.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The widest line of `text`, in characters.
fn widest_line(text: &str) -> usize {
    text.lines().map(|line| line.chars().count()).max().unwrap_or(0)
}

/// Runs `cporamp run SCENARIO --out out` and checks exit 2, the message, and no output.
fn assert_rejected(directory: &Path, scenario: &Path, expected_fragments: &[&str]) {
    let output = cporamp(directory, &["run", scenario.to_str().unwrap(), "--out", "out"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "stderr: {message}");
    for fragment in expected_fragments {
        assert!(message.contains(fragment), "stderr lacks {fragment:?}:\n{message}");
    }
    assert!(!directory.join("out").exists(), "bad input must not create the output directory");
    assert!(stdout(&output).is_empty(), "bad input prints nothing to stdout");
}

#[test]
fn default_run_writes_report_and_results() {
    let directory = tempfile::tempdir().unwrap();
    let output = cporamp(directory.path(), &["run"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("wrote cporamp-out/report.html"), "{text}");
    // The summary fits 100 columns; stderr is not a terminal here, so no progress is shown.
    assert!(widest_line(&text) <= 100, "a line is {} wide:\n{text}", widest_line(&text));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));

    let results =
        std::fs::read_to_string(directory.path().join("cporamp-out/results.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    assert_eq!(json["schema_version"], 1);
    let generations = json["compare"]["generations"].as_array().unwrap();
    assert_eq!(generations.len(), 2);
    for generation in generations {
        let ids: Vec<&str> = generation["technologies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["pluggable_dsp", "lpo", "cpc", "cpo_integrated", "cpo_els"]);
    }
    // The fleet engine's fabrics, each with its result.
    let fabrics = json["fleet"]["fabrics"].as_array().unwrap();
    let ids: Vec<&str> = fabrics.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["pluggable_dsp", "lpo", "cpo_integrated", "cpo_els", "mixed"]);
    // The market engine's probabilities, beside the article's, summing to 1.
    let probabilities = json["market"]["result"]["probabilities"].as_array().unwrap();
    let total: f64 = probabilities.iter().map(|p| p["probability"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    for fabric in fabrics {
        let goodput = fabric["result"]["job"]["goodput"]["mean"].as_f64().unwrap();
        assert!(goodput > 0.0 && goodput < 1.0, "{goodput}");
    }
    // At the defaults every yield mechanism acts, and its lane-failure rate agrees with its
    // closed form within 3 standard errors (drift: with wavelength reassignment the closed
    // form is an upper bound, far below the Monte Carlo's resolution, and no lane fails).
    for generation in json["yield"].as_array().unwrap() {
        for technology in generation["technologies"].as_array().unwrap() {
            let result = &technology["result"];
            let forms = &technology["closed_form"];
            let lanes = result["lane_failures_by_mechanism"].as_array().unwrap();
            for (index, key) in [(0, "coupling_lane"), (3, "warpage_lane")] {
                let (value, se) =
                    (lanes[index]["value"].as_f64().unwrap(), lanes[index]["se"].as_f64().unwrap());
                let expected = forms[key].as_f64().unwrap();
                assert!(
                    expected > 1e-4 && (value - expected).abs() < 3.0 * se,
                    "{key}: {value} +- {se} vs {expected}"
                );
            }
            let (value, se) = (
                result["bga_opens"]["value"].as_f64().unwrap(),
                result["bga_opens"]["se"].as_f64().unwrap(),
            );
            let expected = forms["bga_open"].as_f64().unwrap();
            assert!(
                (value - expected).abs() < 3.0 * se.max(1e-6),
                "bga: {value} +- {se} vs {expected}"
            );
            assert!(forms["drift_is_bound"].as_bool().unwrap());
            assert!(
                lanes[2]["value"].as_f64().unwrap() <= forms["drift_lane"].as_f64().unwrap() + 1e-6
            );
        }
    }
    // The answer comes first.
    assert!(text.contains("The answer"), "{text}");
    assert!(text.find("The answer") < text.find("51.2T switch"), "{text}");

    let html = std::fs::read_to_string(directory.path().join("cporamp-out/report.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.matches("<svg").count() >= 6, "three charts per generation");
    assert!(html.contains("CPO, external laser"));
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(directory.path().join("cporamp-out"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn compare_json_csv_and_table_agree() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let json = cporamp(
        directory.path(),
        &["compare", "small.toml", "--format", "json", "--generation", "102.4T"],
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let parsed: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let cpo = &parsed[0]["technologies"][4];
    assert_eq!(cpo["id"], "cpo_els");
    let cpo_w = cpo["port_power"]["optics_w"].as_f64().unwrap();

    let csv = cporamp(directory.path(), &["compare", "small.toml", "--format", "csv"]);
    let text = stdout(&csv);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 2 * 5, "header plus 5 technologies x 2 generations");
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header.iter().position(|name| *name == "optics_w_per_port").unwrap();
    let row = lines.iter().find(|line| line.starts_with("102.4T,cpo_els,")).unwrap();
    let csv_w: f64 = split_csv(row)[column].parse().unwrap();
    assert!((csv_w - cpo_w).abs() < 1e-9 * cpo_w);
    // Numbers carry at most 12 significant digits: no 481.28000000000003.
    for line in &lines[1..] {
        for field in split_csv(line) {
            let digits = field.trim_start_matches('-').replace('.', "");
            if field.parse::<f64>().is_ok() {
                assert!(digits.trim_start_matches('0').len() <= 12, "{field} in {line}");
            }
        }
    }

    let table = stdout(&cporamp(directory.path(), &["compare", "small.toml"]));
    assert!(
        table.contains("51.2T switch") && table.contains("102.4T switch") && table.contains("LPO"),
        "{table}"
    );
}

#[test]
fn scenario_init_writes_a_file_that_checks_and_runs_identically() {
    let directory = tempfile::tempdir().unwrap();
    let init = cporamp(directory.path(), &["scenario", "init", "mine.toml"]);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert_eq!(std::fs::read_to_string(directory.path().join("mine.toml")).unwrap(), DEFAULT);
    let check = cporamp(directory.path(), &["scenario", "check", "mine.toml"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stdout(&check).contains("mine.toml: ok"));
    // It refuses to overwrite.
    let again = cporamp(directory.path(), &["scenario", "init", "mine.toml"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("mine.toml already exists; pass --force"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    let directory = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["compare", "--help"],
        &["thermal", "--help"],
        &["photonics", "--help"],
        &["yield", "--help"],
        &["fleet", "--help"],
        &["market", "--help"],
        &["diff", "--help"],
        &["scenario", "--help"],
        &["scenario", "init", "--help"],
        &["scenario", "check", "--help"],
    ] {
        let output = cporamp(directory.path(), args);
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let text = stdout(&output);
        if args[0] != "scenario" || args.len() > 2 {
            assert!(text.contains("Example"), "{args:?} help lacks an example:\n{text}");
        }
    }
}

#[test]
fn malformed_toml_is_rejected_with_line() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = edited_scenario(directory.path(), "name = \"default\"", "name = \"default");
    assert_rejected(directory.path(), &scenario, &["edited.toml:", "invalid TOML"]);
}

#[test]
fn unknown_field_is_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = edited_scenario(
        directory.path(),
        "[technology.lpo.link_budget]\n",
        "[technology.lpo.link_budget]\nmargin = 2\n",
    );
    assert_rejected(
        directory.path(),
        &scenario,
        &["edited.toml:", "technology.lpo.link_budget", "unknown field `margin`"],
    );
}

#[test]
fn negative_power_is_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = edited_scenario(
        directory.path(),
        "overhead_w_per_port = 0.25               # assumption: engine control, monitor photodiodes, lock loops",
        "overhead_w_per_port = -3",
    );
    assert_rejected(
        directory.path(),
        &scenario,
        &[
            "technology.cpo_integrated.overhead_w_per_port: value -3 is out of range; expected 0 <= value (W)",
        ],
    );
}

#[test]
fn efficiency_above_one_is_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = edited_scenario(
        directory.path(),
        "wall_plug_efficiency = 0.125",
        "wall_plug_efficiency = 1.4",
    );
    assert_rejected(
        directory.path(),
        &scenario,
        &[
            "technology.cpo_els.laser.wall_plug_efficiency: value 1.4 is out of range; expected 0 < value <= 1 (fraction)",
        ],
    );
}

#[test]
fn unknown_technology_is_rejected() {
    let directory = tempfile::tempdir().unwrap();
    let scenario =
        edited_scenario(directory.path(), "\"cpc\", \"cpo_integrated\"", "\"cpc\", \"npo\"");
    assert_rejected(
        directory.path(),
        &scenario,
        &[
            "compare.technologies[3]: value \"npo\" is not valid; expected a technology defined under [technology]",
            "technology.cpo_integrated",
        ],
    );
}

#[test]
fn unknown_generation_is_rejected_in_files_and_flags() {
    let directory = tempfile::tempdir().unwrap();
    let scenario = edited_scenario(
        directory.path(),
        "[technology.cpc.per_generation.\"102.4T\"]",
        "[technology.cpc.per_generation.\"204.8T\"]",
    );
    assert_rejected(
        directory.path(),
        &scenario,
        &[
            "technology.cpc.per_generation.\"204.8T\": value \"204.8T\" is not valid; expected a generation listed in compare.generations",
        ],
    );
    let flag = cporamp(directory.path(), &["compare", "--generation", "9T"]);
    assert_eq!(flag.status.code(), Some(2));
    assert!(
        stderr(&flag).contains("unknown generation \"9T\"; the scenario defines: 51.2T, 102.4T"),
        "{}",
        stderr(&flag)
    );
}

#[test]
fn missing_scenario_file_is_rejected() {
    let directory = tempfile::tempdir().unwrap();
    assert_rejected(
        directory.path(),
        &directory.path().join("absent.toml"),
        &["cannot read scenario file", "absent.toml"],
    );
}

#[test]
fn unwritable_output_directory_is_rejected() {
    // A path below a regular file cannot be a directory, even for root.
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("file"), "x").unwrap();
    let output = cporamp(directory.path(), &["run", "--out", "file/out"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot create output directory file/out"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(directory.path().join("file")).unwrap(), "x");
}

#[test]
fn unknown_format_is_a_usage_error() {
    let directory = tempfile::tempdir().unwrap();
    let output = cporamp(directory.path(), &["compare", "--format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("invalid value 'xml'"), "{}", stderr(&output));
}

/// HotSpot's example2 inputs (vendored unmodified in cporamp-thermal's
/// `tests/data/hotspot`), copied into `directory` so tests can edit them.
fn hotspot_example2(directory: &Path) -> Vec<String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cporamp-thermal/tests/data/hotspot/example2");
    for file in ["example.config", "ev6.flp", "gcc.ptrace", "example.materials"] {
        std::fs::copy(source.join(file), directory.join(file)).unwrap();
    }
    [
        "thermal",
        "--hotspot-config",
        "example.config",
        "--flp",
        "ev6.flp",
        "--ptrace",
        "gcc.ptrace",
        "--materials",
        "example.materials",
        "--model-type",
        "grid",
    ]
    .iter()
    .map(|arg| (*arg).to_string())
    .collect()
}

fn run_strings(directory: &Path, args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cporamp(directory, &args)
}

#[test]
fn thermal_prints_hotspot_steady_layout_and_transient_trace() {
    let directory = tempfile::tempdir().unwrap();
    let mut args = hotspot_example2(directory.path());
    args.extend(
        ["--grid-rows", "40", "--grid-cols", "24", "--grid-steady-file", "grid.steady"]
            .map(String::from),
    );
    let output = run_strings(directory.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 4 * 30 + 12);
    assert!(text.starts_with("L2_left\t3"), "{text}");
    let grid = std::fs::read_to_string(directory.path().join("grid.steady")).unwrap();
    assert_eq!(grid.lines().count(), 4 * (1 + 40 * 24));

    args.push("--transient".to_string());
    let transient = stdout(&run_strings(directory.path(), &args));
    let lines: Vec<&str> = transient.lines().collect();
    let trace = std::fs::read_to_string(directory.path().join("gcc.ptrace")).unwrap();
    assert_eq!(
        lines[0].split('\t').collect::<Vec<_>>(),
        trace.lines().next().unwrap().split_whitespace().collect::<Vec<_>>()
    );
    assert_eq!(lines.len(), trace.lines().filter(|line| !line.trim().is_empty()).count());
}

/// `name\tvalue` lines of a HotSpot output (grid files' `Layer n:` headers skipped).
fn hotspot_values(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter(|line| !line.starts_with("Layer "))
        .map(|line| {
            let (name, value) = line.split_once('\t').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

#[test]
fn thermal_runs_hotspot_example3_detailed_3d_like_hotspot() {
    // HotSpot's example3 run.sh: two active dies through a layer configuration file with
    // -detailed_3D on. Every block and every cell within one unit of HotSpot's last printed
    // digit (0.01 K; the thermal crate's tests_3d.rs explains the bound) of HotSpot's own files.
    let directory = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cporamp-thermal/tests/data/hotspot/example3");
    for file in [
        "example.config",
        "example.lcf",
        "example.materials",
        "example.ptrace",
        "floorplan1.flp",
        "floorplan2.flp",
    ] {
        std::fs::copy(source.join(file), directory.path().join(file)).unwrap();
    }
    let mut args = vec![
        "thermal",
        "--hotspot-config",
        "example.config",
        "--ptrace",
        "example.ptrace",
        "--lcf",
        "example.lcf",
        "--materials",
        "example.materials",
        "--model-type",
        "grid",
        "--detailed-3d",
        "on",
        "--grid-steady-file",
        "example.grid.steady",
    ];
    let output = cporamp(directory.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let grid = std::fs::read_to_string(directory.path().join("example.grid.steady")).unwrap();
    for (ours, file) in [(stdout(&output), "example.steady"), (grid, "example.grid.steady")] {
        let hotspot =
            hotspot_values(&std::fs::read_to_string(source.join("reference").join(file)).unwrap());
        let ours = hotspot_values(&ours);
        assert_eq!(ours.len(), hotspot.len(), "{file}");
        for ((name, value), (hotspot_name, hotspot_value)) in ours.iter().zip(&hotspot) {
            assert_eq!(name, hotspot_name, "{file}");
            assert!((value - hotspot_value).abs() <= 0.01 + 1e-9, "{file} {name}: {value}");
        }
    }
    // Without -detailed_3D, HotSpot's default network: the vertical joins take the upper
    // layer's whole resistance, with none of the sink's convection between spreader and
    // sink, so the blocks run up to 23.5 K cooler (what cporamp printed before detailed 3-D).
    args.truncate(11);
    let plain = hotspot_values(&stdout(&cporamp(directory.path(), &args)));
    let detailed =
        hotspot_values(&std::fs::read_to_string(source.join("reference/example.steady")).unwrap());
    assert_eq!(plain.len(), detailed.len());
    let cooler = plain
        .iter()
        .zip(&detailed)
        .map(|((_, plain), (_, detailed))| detailed - plain)
        .fold(f64::NEG_INFINITY, f64::max);
    assert!((cooler - 23.5).abs() < 0.05, "{cooler} K");
    // HotSpot refuses -detailed_3D on without a layer configuration file or the grid model.
    let example2 = hotspot_example2(directory.path());
    let mut refused: Vec<String> = example2.clone();
    refused.extend(["--detailed-3d", "on"].map(String::from));
    let output = run_strings(directory.path(), &refused);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--detailed-3d on needs a layer configuration file (--lcf)"));
    let last = refused.len() - 3;
    refused[last] = "block".to_string();
    let output = run_strings(directory.path(), &refused);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--detailed-3d on needs the grid model"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn thermal_runs_hotspot_example5_microchannels_like_hotspot() {
    // HotSpot's example5 run.sh: a microchannel layer (.csv) in a layer configuration file,
    // `-detailed_3D on -use_microchannels 1`, the steady state and then the transient from the
    // steady file. HotSpot's SuperLU build solves the same network directly, so its
    // two-decimal prints are ours rounded: every block, every cell and every transient value
    // is the same text (the thermal crate's tests_microchannel.rs holds them to 1e-6 K against
    // six-decimal prints).
    let directory = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cporamp-thermal/tests/data/hotspot/example5");
    std::fs::create_dir_all(directory.path().join("floorplans")).unwrap();
    std::fs::create_dir_all(directory.path().join("microchannel_geometries")).unwrap();
    for file in [
        "example.config",
        "example.lcf",
        "example.materials",
        "example.ptrace",
        "floorplans/interposer.flp",
        "floorplans/silicon.flp",
        "floorplans/heater.flp",
        "floorplans/DRAM.flp",
        "microchannel_geometries/horizontal.csv",
    ] {
        std::fs::copy(source.join(file), directory.path().join(file)).unwrap();
    }
    let mut args = vec![
        "thermal",
        "--hotspot-config",
        "example.config",
        "--ptrace",
        "example.ptrace",
        "--materials",
        "example.materials",
        "--lcf",
        "example.lcf",
        "--model-type",
        "grid",
        "--detailed-3d",
        "on",
        "--use-microchannels",
        "--grid-steady-file",
        "example.grid.steady",
    ];
    let output = cporamp(directory.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reference =
        |file: &str| std::fs::read_to_string(source.join("reference").join(file)).unwrap();
    assert_eq!(stdout(&output), reference("example.steady"));
    let grid = std::fs::read_to_string(directory.path().join("example.grid.steady")).unwrap();
    assert_eq!(grid, reference("example.grid.steady"));
    std::fs::write(directory.path().join("example.init"), reference("example.steady")).unwrap();
    args.truncate(14);
    args.extend(["--transient", "--init-file", "example.init"]);
    let output = cporamp(directory.path(), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), reference("example.transient"));
    // Without --use-microchannels the .csv layer is refused by file, line and field, as
    // HotSpot refuses it without -use_microchannels 1.
    args.truncate(13);
    let output = cporamp(directory.path(), &args);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "example.lcf:33: floorplan file: microchannel_geometries/horizontal.csv is a microchannel network"
        ),
        "{}",
        stderr(&output)
    );
    // A malformed channel file is named by file, line and column.
    let csv = directory.path().join("microchannel_geometries/horizontal.csv");
    let text = std::fs::read_to_string(&csv).unwrap().replacen("3, 1, 1", "3, 7, 1", 1);
    std::fs::write(&csv, text).unwrap();
    args.push("--use-microchannels");
    let output = cporamp(directory.path(), &args);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("horizontal.csv:2: column 2: value \"7\"; expected -1 (TSV)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn thermal_rejects_malformed_hotspot_files_by_file_line_and_field() {
    let directory = tempfile::tempdir().unwrap();
    let args = hotspot_example2(directory.path());
    let flp = std::fs::read_to_string(directory.path().join("ev6.flp")).unwrap();
    let ptrace = std::fs::read_to_string(directory.path().join("gcc.ptrace")).unwrap();
    let cases: [(&str, String, &str); 4] = [
        (
            "ev6.flp",
            flp.replacen(
                "Icache\t0.003100\t0.002600\t0.004900\t0.009800",
                "Icache\t0.003100\t0.002600\t0.004900",
                1,
            ),
            "ev6.flp:11: line: 4 columns",
        ),
        (
            "ev6.flp",
            flp.replacen("Icache\t0.003100", "Icache\t-0.003100", 1),
            "ev6.flp:11: width: block Icache: value -0.0031 m; expected > 0 m",
        ),
        (
            "gcc.ptrace",
            ptrace.replacen("L2_left", "L3_left", 1),
            "power trace column L3_left names no block",
        ),
        (
            "gcc.ptrace",
            ptrace.replacen("\n1.44\t", "\nabc\t", 1),
            "gcc.ptrace:2: power of L2_left: value \"abc\" is not a finite number",
        ),
    ];
    for (file, text, expected) in cases {
        let original = std::fs::read_to_string(directory.path().join(file)).unwrap();
        assert_ne!(original, text, "the edit of {file} must change it");
        std::fs::write(directory.path().join(file), &text).unwrap();
        let output = run_strings(directory.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{expected}: {}", stderr(&output));
        assert!(stderr(&output).contains(expected), "want {expected:?}, got {}", stderr(&output));
        assert!(stdout(&output).is_empty());
        std::fs::write(directory.path().join(file), original).unwrap();
    }
}

#[test]
fn thermal_refuses_negative_powers_unless_allowed_and_unknown_config_keys() {
    let directory = tempfile::tempdir().unwrap();
    let mut args = hotspot_example2(directory.path());
    args.extend(["--grid-rows", "16", "--grid-cols", "16"].map(String::from));
    let l2_left_k = |output: &Output| -> f64 {
        let text = stdout(output);
        let line = text.lines().next().unwrap().to_string();
        assert!(line.starts_with("L2_left\t"), "{text}");
        line.split('\t').nth(1).unwrap().parse().unwrap()
    };
    let plain = run_strings(directory.path(), &args);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    let ptrace = std::fs::read_to_string(directory.path().join("gcc.ptrace")).unwrap();
    let negative = ptrace.replacen("\n1.44\t", "\n-1.44\t", 1);
    assert_ne!(negative, ptrace);
    std::fs::write(directory.path().join("gcc.ptrace"), negative).unwrap();
    let refused = run_strings(directory.path(), &args);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains(
            "gcc.ptrace:2: column 1 (power of L2_left): value -1.44 W; expected >= 0 W (--allow-negative-power accepts negative powers)"
        ),
        "{}",
        stderr(&refused)
    );
    args.push("--allow-negative-power".to_string());
    let allowed = run_strings(directory.path(), &args);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    // Less power in L2_left (one row's 1.44 W became -1.44 W): it runs cooler.
    assert!(l2_left_k(&allowed) < l2_left_k(&plain) - 1e-3);

    let config = std::fs::read_to_string(directory.path().join("example.config")).unwrap();
    std::fs::write(directory.path().join("example.config"), format!("{config}-frobnicate 7\n"))
        .unwrap();
    let line = config.lines().count() + 1;
    let unknown = run_strings(directory.path(), &args);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains(&format!(
            "example.config:{line}: -frobnicate: unknown option; the nearest HotSpot option is -"
        )),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn thermal_scenario_mode_reports_package_temperatures_and_run_carries_them() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let output = cporamp(directory.path(), &["thermal", "small.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // A package table and an inlet sweep per generation, a column per CPO technology.
    assert_eq!(text.matches("thermal: CPO packages at the nominal inlet").count(), 2, "{text}");
    assert_eq!(text.matches("thermal: inlet sweep").count(), 2, "{text}");
    assert_eq!(text.matches("\nhottest engine, °C ").count(), 2, "{text}");

    let run = cporamp(directory.path(), &["run", "small.toml"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let results =
        std::fs::read_to_string(directory.path().join("cporamp-out/results.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&results).unwrap();
    let thermal = json["thermal"].as_array().unwrap();
    assert_eq!(thermal.len(), 2);
    for generation in thermal {
        for technology in generation["technologies"].as_array().unwrap() {
            let engine_c = technology["nominal"]["engine_mean_max_c"].as_f64().unwrap();
            assert!((30.0..120.0).contains(&engine_c), "{engine_c}");
            assert_eq!(technology["sweep"].as_array().unwrap().len(), 3, "the quick inlet sweep");
        }
    }
    // The comparison's integrated-laser temperature is the thermal engine's engine temperature.
    let compared_laser_c =
        json["compare"]["generations"][0]["technologies"][3]["laser"]["power"]["laser_temp_c"]
            .as_f64()
            .unwrap();
    let engine_c = thermal[0]["technologies"][0]["nominal"]["engine_mean_max_c"].as_f64().unwrap();
    assert!((compared_laser_c - engine_c).abs() < 0.01, "{compared_laser_c} vs {engine_c}");
}
#[test]
fn thermal_on_the_microchannel_example_names_the_3d_ice_plate_everywhere() {
    // examples/microchannel_cold_plate.toml overrides the quick scenario's cold-plate kind
    // (a sweep over the two models); its microchannel value applied to the quick scenario is
    // what `cporamp thermal` runs, and the example itself runs as written.
    let example_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/microchannel_cold_plate.toml");
    let example = std::fs::read_to_string(&example_path).unwrap();
    assert!(example.contains("base = \"@quick\""), "{example}");
    assert!(example.contains("path = \"thermal.cold_plate.kind\""), "{example}");
    assert!(example.contains("\"microchannel_4rm\""), "{example}");
    let directory = tempfile::tempdir().unwrap();
    small_scenario(
        directory.path(),
        "microchannel.toml",
        &[("kind = \"liquid_channels\"", "kind = \"microchannel_4rm\"")],
    );
    let output = cporamp(directory.path(), &["thermal", "microchannel.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(
        text.matches("cold plate model: 3D-ICE 4-resistor microchannels").count(),
        2,
        "{text}"
    );
    assert_eq!(text.matches("thermal: inlet sweep").count(), 2, "{text}");
    let json = cporamp(directory.path(), &["thermal", "microchannel.toml", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for generation in json.as_array().unwrap() {
        for technology in generation["technologies"].as_array().unwrap() {
            assert_eq!(technology["nominal"]["cold_plate"]["model"], "3d_ice_4rm");
            for point in technology["sweep"].as_array().unwrap() {
                let engine_c = point["engine_mean_max_c"].as_f64().unwrap_or(f64::NAN);
                assert!((30.0..120.0).contains(&engine_c), "{point}");
            }
        }
    }
    std::fs::copy(&example_path, directory.path().join("example.toml")).unwrap();
    let sweep = cporamp(directory.path(), &["sweep", "example.toml", "--out", "out"]);
    assert_eq!(sweep.status.code(), Some(0), "{}", stderr(&sweep));
    assert!(stdout(&sweep).starts_with("2 scenarios (2 ran, 0 failed)"), "{}", stdout(&sweep));
}

#[test]
fn bad_thermal_inputs_are_rejected_by_field() {
    let directory = tempfile::tempdir().unwrap();
    let scenario =
        edited_scenario(directory.path(), "flow_l_per_min = 2.0 ", "flow_l_per_min = -2.0 ");
    assert_rejected(
        directory.path(),
        &scenario,
        &[
            "thermal.cold_plate.flow_l_per_min: value -2 is out of range; expected 0 < value (L/min)",
        ],
    );
    let scenario = edited_scenario(directory.path(), "\"102.4T\" = 30.0 }", "\"204.8T\" = 30.0 }");
    assert_rejected(
        directory.path(),
        &scenario,
        &["thermal.asic_side_mm.\"204.8T\"", "a die side for generation \"102.4T\""],
    );
}

#[test]
fn thermal_runs_hotspot_examples_as_the_issue_writes_the_command_with_notes() {
    // HotSpot's example configs say `-model_type block` and name materials that HotSpot takes
    // from its command line. The plain command builds the block model the config asks for;
    // grid options build the grid model, as HotSpot's run scripts pass `-model_type grid`
    // with them. The single materials file beside the config is found; stderr says all this.
    let directory = tempfile::tempdir().unwrap();
    let full = hotspot_example2(directory.path());
    let plain: Vec<String> = full[..7].to_vec();
    assert_eq!(plain.last().unwrap(), "gcc.ptrace");
    let output = run_strings(directory.path(), &plain);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let notes = stderr(&output);
    assert!(notes.contains("building HotSpot's block model"), "{notes}");
    assert!(notes.contains("example.materials"), "{notes}");
    // The block model's layout: 4 layers of 30 blocks, then the 12 package nodes.
    let block_text = stdout(&output);
    assert_eq!(block_text.lines().count(), 4 * 30 + 12);
    let mut explicit_block = full.clone();
    let last = explicit_block.len() - 1;
    explicit_block[last] = "block".to_string();
    assert_eq!(block_text, stdout(&run_strings(directory.path(), &explicit_block)));

    let mut with_grid = plain.clone();
    with_grid.extend(["--grid-rows", "64", "--grid-cols", "64"].map(str::to_string));
    let output = run_strings(directory.path(), &with_grid);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("grid options given"), "{}", stderr(&output));
    assert_eq!(stdout(&output), stdout(&run_strings(directory.path(), &full)));
    assert_ne!(stdout(&output), block_text);

    let mut unknown = full.clone();
    unknown[last] = "mesh".to_string();
    let refused = run_strings(directory.path(), &unknown);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--model-type mesh: expected block or grid"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn photonics_prints_both_loops_per_technology_and_generation_and_rejects_bad_rings() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let output = cporamp(directory.path(), &["photonics", "small.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // Per generation a table with a column per co-packaged technology with rings.
    assert_eq!(text.matches("photonics: ring drift and the heater lock loop").count(), 2, "{text}");
    assert_eq!(text.matches("\nMonte Carlo lanes ").count(), 2, "{text}");
    assert_eq!(text.matches("\nfeedback: flaps, 1/lane-h ").count(), 2, "{text}");
    assert_eq!(text.matches("\nfeed-forward: flaps, 1/lane-h ").count(), 2, "{text}");
    assert_eq!(text.matches("flaps per lane-hour over the inlet sweep").count(), 2, "{text}");
    assert!(text.contains("feed-forward cuts RMS detuning"), "{text}");
    // A negative heater efficiency is named with its file, line and field.
    let scenario = edited_scenario(
        directory.path(),
        "heater_efficiency_nm_per_mw = 0.15       # [S56][RY Gap 4] as above\n",
        "heater_efficiency_nm_per_mw = -0.42      # [S56][RY Gap 4] as above\n",
    );
    let output = cporamp(directory.path(), &["photonics", scenario.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("heater_efficiency_nm_per_mw: value -0.42"),
        "{}",
        stderr(&output)
    );
}
#[test]
fn yield_prints_insertions_mechanisms_escapes_and_cost_per_technology() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let output = cporamp(directory.path(), &["yield", "small.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for table in
        ["the test flow", "by mechanism", "waterfall", "cost per shipped switch", "the volume ramp"]
    {
        assert_eq!(text.matches(&format!("yield: {table}")).count(), 2, "{table}: {text}");
    }
    assert_eq!(text.matches("\npackages simulated ").count(), 2, "{text}");
    for mechanism in ["coupling", "laser", "drift", "warpage", "asic"] {
        assert_eq!(text.matches(&format!("\n{mechanism} ")).count(), 4, "{mechanism}: {text}");
    }
    // Synthetic test data: one CSV per technology and generation, schema line and header;
    // the note goes to stderr, the tables to stdout.
    let output = cporamp(
        directory.path(),
        &["yield", "small.toml", "--test-data", "data", "--test-packages", "3"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("wrote data/102.4T_cpo_els.csv"), "{}", stderr(&output));
    let csv = std::fs::read_to_string(directory.path().join("data/102.4T_cpo_els.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("# cporamp yield test data, schema 3, technology cpo_els"));
    assert_eq!(lines.len(), 2 + 3 * 16 * 32, "3 packages x 16 engines x 32 lanes");
    // The same records as Parquet: the format's magic at both ends.
    let parquet = std::fs::read(directory.path().join("data/102.4T_cpo_els.parquet")).unwrap();
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    // A coverage above 1 is named with its path.
    let scenario = edited_scenario(
        directory.path(),
        "coupling = 0.99                          # assumption: insertion loss is measured on every lane",
        "coupling = 1.5                           # assumption: insertion loss is measured on every lane",
    );
    let output = cporamp(directory.path(), &["yield", scenario.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("yield.package_test_coverage.coupling: value 1.5"),
        "{}",
        stderr(&output)
    );
}
#[test]
fn fleet_prints_every_fabric_and_rejects_a_copper_fabric() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let output = cporamp(directory.path(), &["fleet", "small.toml", "--generation", "51.2T"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    // --generation builds the cluster from that generation's switches.
    assert!(text.starts_with("Fleet: 4096 GPUs on 3 tiers of 64-port 51.2T switches"), "{text}");
    assert!(text.matches("\njob: goodput at 1 h checkpoints ").count() >= 1, "{text}");
    for fabric in ["DSP pluggable", "LPO", "CPO, integrated laser", "CPO, external laser"] {
        assert!(text.contains(&format!("\nFleet: {fabric}, per switch tier")), "{fabric}: {text}");
    }
    // Copper cannot span a fabric tier: the entry is named.
    let scenario = edited_scenario(
        directory.path(),
        "technologies = [\"pluggable_dsp\", \"lpo\", \"cpo_integrated\", \"cpo_els\"]",
        "technologies = [\"cpc\", \"lpo\", \"cpo_integrated\", \"cpo_els\"]",
    );
    let output = cporamp(directory.path(), &["fleet", "--scenario", scenario.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("fleet.technologies[0]") && message.contains("copper"), "{message}");
}
#[test]
fn market_prints_probabilities_and_updates_them_by_signals() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let signals = directory.path().join("signals.csv");
    std::fs::write(
        &signals,
        "date,signal,value,sd\n2026-10-01,production_yield,0.97,0.01\n2027.5,cooling_design,0.8,0.1\n",
    )
    .unwrap();
    let market = |signals: &Path| {
        cporamp(directory.path(), &["market", "small.toml", "--signals", signals.to_str().unwrap()])
    };
    let output = market(&signals);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("Market: the article's scenarios (300 prior samples"), "{text}");
    for scenario in ["base", "bull", "bear", "tail"] {
        // The prior table, the updated table.
        assert_eq!(text.matches(&format!("\n{scenario} ")).count(), 2, "{scenario}: {text}");
    }
    assert!(text.contains("Market: updated by 2 observations"), "{text}");
    // A bad row is named with its file, line and column; a date outside the horizon too.
    std::fs::write(&signals, "date,signal,value,sd\n2026-10-01,yield,0.97,0.01\n").unwrap();
    let output = market(&signals);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("signals.csv:2: column signal: value \"yield\""),
        "{}",
        stderr(&output)
    );
    std::fs::write(&signals, "date,signal,value,sd\n2040-01-01,inspection,1.0,0.1\n").unwrap();
    let output = market(&signals);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("signals.csv:2: column date"), "{}", stderr(&output));
}

#[test]
fn every_engine_command_takes_the_scenario_by_position_or_flag_and_prints_json_quietly() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    // Positional, --format json, --quiet: valid JSON on stdout, nothing on stderr.
    for (command, key) in [
        ("compare", None),
        ("thermal", None),
        ("photonics", None),
        ("yield", None),
        ("fleet", Some("fabrics")),
        ("market", Some("market")),
        ("run", Some("schema_version")),
    ] {
        let output = cporamp(
            directory.path(),
            &[command, "small.toml", "--generation", "51.2T", "--format", "json", "--quiet"],
        );
        assert_eq!(output.status.code(), Some(0), "{command}: {}", stderr(&output));
        assert!(stderr(&output).is_empty(), "{command} --quiet: {}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output))
            .unwrap_or_else(|error| panic!("{command}: not JSON: {error}"));
        match key {
            Some(key) => assert!(json.get(key).is_some(), "{command}: no {key}"),
            None => {
                let generations = json.as_array().unwrap();
                assert_eq!(generations.len(), 1, "{command}: --generation keeps one");
            }
        }
    }
    // --scenario is the same as the positional argument; giving both is a usage error.
    let positional = cporamp(directory.path(), &["compare", "small.toml", "--format", "csv"]);
    let flag =
        cporamp(directory.path(), &["compare", "--scenario", "small.toml", "--format", "csv"]);
    assert_eq!(positional.status.code(), Some(0), "{}", stderr(&positional));
    assert_eq!(stdout(&positional), stdout(&flag));
    let both = cporamp(directory.path(), &["compare", "small.toml", "--scenario", "small.toml"]);
    assert_eq!(both.status.code(), Some(2));
    // CSV and Parquet of the printed tables; Parquet to a file.
    let csv = cporamp(
        directory.path(),
        &["yield", "small.toml", "--generation", "51.2T", "--format", "csv"],
    );
    let csv_text = stdout(&csv);
    assert!(csv_text.starts_with("table,row,column,value,se,text\n"), "{csv_text}");
    assert!(csv_text.contains("51.2T yield: the test flow (mean ± SE),\"package yield, %\","));
    let parquet = cporamp(
        directory.path(),
        &[
            "photonics",
            "small.toml",
            "--generation",
            "51.2T",
            "--format",
            "parquet",
            "-o",
            "p.parquet",
        ],
    );
    assert_eq!(parquet.status.code(), Some(0), "{}", stderr(&parquet));
    let bytes = std::fs::read(directory.path().join("p.parquet")).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
}

#[test]
fn diff_names_the_changed_input_and_the_results_it_moved() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "a.toml", &[]);
    small_scenario(
        directory.path(),
        "b.toml",
        &[("nominal_inlet_c = 35.0", "nominal_inlet_c = 40.0")],
    );
    let output = cporamp(directory.path(), &["diff", "a.toml", "b.toml", "--out", "d", "--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(widest_line(&text) <= 100, "{text}");
    assert!(text.contains("Inputs that differ: 1 fields"), "{text}");
    assert!(text.contains("thermal.cold_plate.nominal_inlet_c"), "{text}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(directory.path().join("d/diff.json")).unwrap(),
    )
    .unwrap();
    let inputs = json["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["old"], "35.0");
    assert_eq!(inputs[0]["new"], "40.0");
    assert_eq!(inputs[0]["unit"], "°C");
    let results = json["results"].as_array().unwrap();
    let find = |engine: &str, quantity: &str| {
        results
            .iter()
            .find(|r| r["engine"] == engine && r["quantity"] == quantity)
            .unwrap_or_else(|| panic!("no {engine} {quantity}"))
    };
    // A 5 K warmer inlet warms the ASIC by about 5 K (the package is nearly linear) ...
    let asic = find("thermal", "ASIC junction max");
    let delta = asic["delta"].as_f64().unwrap();
    assert!((4.5..7.0).contains(&delta), "{delta}");
    assert_eq!(asic["beyond_noise"], true);
    // ... and leaves the pluggables' port power exactly where it was.
    let pluggable = results
        .iter()
        .find(|r| r["engine"] == "compare" && r["subject"] == "51.2T DSP pluggable")
        .unwrap();
    assert_eq!(pluggable["delta"].as_f64(), Some(0.0));
    assert_eq!(pluggable["beyond_noise"], false);
    let html = std::fs::read_to_string(directory.path().join("d/diff.html")).unwrap();
    assert!(html.contains("thermal.cold_plate.nominal_inlet_c") && html.contains("id=\"results\""));
    // Against itself: nothing differs.
    let same = cporamp(directory.path(), &["diff", "a.toml", "a.toml", "--format", "json", "-q"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&same)).unwrap();
    assert!(json["inputs"].as_array().unwrap().is_empty());
    assert!(json["results"].as_array().unwrap().iter().all(|r| r["beyond_noise"] == false));
}

#[test]
fn market_signals_report_every_bad_row_and_bound_the_rows_before_the_engines_run() {
    let directory = tempfile::tempdir().unwrap();
    small_scenario(directory.path(), "small.toml", &[]);
    let signals = directory.path().join("signals.csv");
    let market = || {
        cporamp(directory.path(), &["market", "small.toml", "--signals", signals.to_str().unwrap()])
    };
    // Three bad rows (sd below the floor, a yield of 5, a date past the 2032 horizon) and a
    // good one: all three named in one error, exit 2.
    std::fs::write(
        &signals,
        "date,signal,value,sd\n2027.0,production_yield,0.9,1e-300\n2027.0,production_yield,5.0,0.1\n2027.0,inspection,1.0,0.1\n2040-01-01,inspection,1.0,0.1\n",
    )
    .unwrap();
    let output = market();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    for expected in [
        "signals.csv: 3 bad row(s), 3 problem(s):",
        "signals.csv:2: column sd: value \"1e-300\"; expected a finite standard deviation >= 1e-6",
        "signals.csv:3: column value: value \"5.0\"; expected a production yield (fraction) in [0, 1]",
        "signals.csv:5: column date: value \"2040-01-01\"; expected a date in the market horizon, decimal year in [2026, 2032]",
    ] {
        assert!(message.contains(expected), "{expected} in {message}");
    }
    // One row more than the limit: a named error, and no table printed.
    let row = "2027.0,inspection,1.0,0.1\n";
    std::fs::write(&signals, format!("date,signal,value,sd\n{}", row.repeat(10_001))).unwrap();
    let output = market();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("signals.csv:10002: 10001 observation rows; expected at most 10000"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}
