//! Bad input that could hang the command or exhaust memory is refused before anything runs:
//! scenario paths that are not regular files, dependent ranges at `scenario check` with file
//! and line, runs over the memory or CPU budget with the estimate and the field, HotSpot grids
//! too large for the memory budget, and out-of-range test-data sizes.

use std::path::Path;
use std::process::{Command, Output};

fn cporamp(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks exit 2, every fragment in stderr, nothing on stdout and nothing in `directory`
/// but `keep`.
fn refused(directory: &Path, output: &Output, fragments: &[&str], keep: &[&str]) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {message}");
    for fragment in fragments {
        assert!(message.contains(fragment), "stderr lacks {fragment:?}:\n{message}");
    }
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let mut left: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, keep, "nothing written");
}

/// The quick scenario with each `from` replaced by its `to` (once), written to
/// `directory/name`.
fn quick_with(directory: &Path, name: &str, edits: &[(&str, &str)]) {
    let mut text = cporamp_scenario::quick_scenario_toml();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "edit target {from:?} must occur once");
        text = text.replacen(from, to, 1);
    }
    std::fs::write(directory.join(name), text).unwrap();
}

#[cfg(unix)]
#[test]
fn a_scenario_path_that_is_a_fifo_is_refused_at_once() {
    let directory = tempfile::tempdir().unwrap();
    let made = Command::new("mkfifo").arg(directory.path().join("pipe.toml")).status();
    if !made.is_ok_and(|status| status.success()) {
        return; // no mkfifo: nothing to test on this system
    }
    for command in [&["scenario", "check", "pipe.toml"][..], &["run", "pipe.toml", "--out", "out"]]
    {
        let output = cporamp(directory.path(), command);
        refused(
            directory.path(),
            &output,
            &["cannot read scenario file pipe.toml", "not a regular file"],
            &["pipe.toml"],
        );
    }
}

#[test]
fn dependent_ranges_are_refused_at_check_with_line_and_path() {
    let directory = tempfile::tempdir().unwrap();
    // The quick scenario's 32 lanes make a row of 32: 31 sweeps of 50 ms outlast the 1 s
    // warm-up.
    let edits = [
        ("lanes_per_pic = 16 ", "lanes_per_pic = 512 "),
        ("relock_time_s = 0.02 ", "relock_time_s = 0.05 "),
    ];
    quick_with(directory.path(), "rows.toml", &edits);
    let line = cporamp_scenario::quick_scenario_toml()
        .lines()
        .position(|line| line.starts_with("lanes_per_pic = 16 "))
        .unwrap()
        + 1;
    let output = cporamp(directory.path(), &["scenario", "check", "rows.toml"]);
    refused(
        directory.path(),
        &output,
        &[&format!("rows.toml:{line}:17: photonics.lanes_per_pic: value 512"), "at most 20 lanes"],
        &["rows.toml"],
    );
    // The same at the start of a run: nothing runs, nothing is written.
    let output = cporamp(directory.path(), &["run", "rows.toml", "--out", "out"]);
    refused(directory.path(), &output, &["photonics.lanes_per_pic"], &["rows.toml"]);
}

#[test]
fn check_prints_the_estimate_and_a_run_over_budget_names_the_field() {
    let directory = tempfile::tempdir().unwrap();
    let output = cporamp(directory.path(), &["scenario", "check", "@quick", "--threads", "1"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("a run on 1 thread needs about"), "{text}");
    assert!(text.contains("budget 8.0 GB and 2.0 CPU-hours"), "{text}");
    // 1 MHz x 1 s x 2 periods of tiled drift: 2e6 samples x 80 B = 160 MB > 0.1 GB.
    quick_with(
        directory.path(),
        "fast.toml",
        &[("sample_rate_hz = 1000.0 ", "sample_rate_hz = 1e6 ")],
    );
    let output =
        cporamp(directory.path(), &["run", "fast.toml", "--out", "out", "--max-memory", "0.1"]);
    refused(
        directory.path(),
        &output,
        &[
            "photonics.sample_rate_hz",
            "memory of a run: about ",
            "; the budget is 100 MB (--max-memory)",
        ],
        &["fast.toml"],
    );
    let output =
        cporamp(directory.path(), &["scenario", "check", "fast.toml", "--max-cpu-hours", "1e-6"]);
    refused(directory.path(), &output, &["CPU time", "(--max-cpu-hours)"], &["fast.toml"]);
    for bad in ["0", "-1", "nan", "lots"] {
        let flag = format!("--max-memory={bad}");
        let output = cporamp(directory.path(), &["scenario", "check", "@quick", &flag]);
        refused(
            directory.path(),
            &output,
            &["--max-memory", "is not a number > 0"],
            &["fast.toml"],
        );
    }
}

#[test]
fn a_hotspot_run_over_the_cpu_budget_is_refused_with_its_estimate() {
    let directory = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cporamp-thermal/tests/data/hotspot/example2");
    let files = ["example.config", "ev6.flp", "gcc.ptrace", "example.materials"];
    for file in files {
        std::fs::copy(source.join(file), directory.path().join(file)).unwrap();
    }
    let base = [
        "thermal",
        "--hotspot-config",
        "example.config",
        "--flp",
        "ev6.flp",
        "--ptrace",
        "gcc.ptrace",
        "--materials",
        "example.materials",
    ];
    let mut kept: Vec<&str> = files.to_vec();
    kept.sort_unstable();
    // A 1024^2 grid fits the 8 GB memory budget (1.9 GB), but its multigrid steady state
    // (7 s) and 100 backward-Euler rows on the factor of 4.2 M nodes (4.3 min to factor,
    // 7.5 s a row): about 17 CPU-minutes, over 6.
    let mut grid = base.to_vec();
    grid.extend([
        "--grid-rows",
        "1024",
        "--grid-cols",
        "1024",
        "--transient",
        "--max-cpu-hours",
        "0.1",
    ]);
    refused(
        directory.path(),
        &cporamp(directory.path(), &grid),
        &[
            "CPU time of a run: about 17 CPU-minutes (--ptrace: 100 trace rows of 0.01 s, one \
             implicit step each",
            "the budget is 6 CPU-minutes (--max-cpu-hours)",
        ],
        &kept,
    );
    // HotSpot's RK4 on a 64^2 grid: about 98 CPU-s (53 s measured), over a budget of 36.
    let mut rk4 = base.to_vec();
    rk4.extend([
        "--grid-rows",
        "64",
        "--grid-cols",
        "64",
        "--transient",
        "--time-scheme",
        "rk4",
        "--max-cpu-hours",
        "0.01",
    ]);
    refused(
        directory.path(),
        &cporamp(directory.path(), &rk4),
        &[
            "about 98.5 CPU-s (--ptrace: 100 trace rows of 0.01 s, HotSpot's adaptive RK4",
            "36.0 CPU-s",
        ],
        &kept,
    );
}

#[test]
fn a_hotspot_grid_over_the_memory_budget_is_refused_with_its_estimate() {
    let directory = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cporamp-thermal/tests/data/hotspot/example2");
    let files = ["example.config", "ev6.flp", "gcc.ptrace", "example.materials"];
    for file in files {
        std::fs::copy(source.join(file), directory.path().join(file)).unwrap();
    }
    let args = [
        "thermal",
        "--hotspot-config",
        "example.config",
        "--flp",
        "ev6.flp",
        "--ptrace",
        "gcc.ptrace",
        "--materials",
        "example.materials",
        "--grid-rows",
        "4096",
        "--grid-cols",
        "4096",
    ];
    // 4096^2 cells x 4 layers x 450 B + 50 MB = 30.2 GB.
    let output = cporamp(directory.path(), &args);
    let mut kept: Vec<&str> = files.to_vec();
    kept.sort_unstable();
    refused(
        directory.path(),
        &output,
        &["4096 x 4096 grid of 4 layers", "30.2 GB", "8.0 GB (--max-memory)"],
        &kept,
    );
}

#[test]
fn test_data_sizes_outside_one_to_256_are_named_errors() {
    let directory = tempfile::tempdir().unwrap();
    for packages in ["0", "257"] {
        let output = cporamp(
            directory.path(),
            &["yield", "@quick", "--test-data", "td", "--test-packages", packages],
        );
        let message = format!("invalid value '{packages}' for '--test-packages");
        refused(directory.path(), &output, &[&message, "is not in 1..=256"], &[]);
    }
}
