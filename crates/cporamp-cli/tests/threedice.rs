//! End-to-end tests of `cporamp thermal --3d-ice` on the 3D-ICE-format stack written for the
//! tests (`crates/cporamp-thermal/tests/data/3d-ice`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../cporamp-thermal/tests/data/3d-ice")
}

fn cporamp(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cporamp"))
        .args(args)
        .current_dir(directory)
        .output()
        .expect("cporamp runs")
}

fn copy_data(directory: &Path) {
    for name in ["mc4rm.stk", "bad_line.stk", "top.flp", "bottom.flp"] {
        std::fs::copy(data().join(name), directory.join(name)).unwrap();
    }
}

/// A number after the last `\t` of the last line of an output file.
fn last_value(path: &Path) -> f64 {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .last()
        .unwrap()
        .split('\t')
        .rfind(|f| !f.trim().is_empty())
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn three_d_ice_stack_prints_a_balanced_summary_and_writes_its_outputs() {
    let directory = tempfile::tempdir().unwrap();
    copy_data(directory.path());
    let output =
        cporamp(directory.path(), &["thermal", "--3d-ice", "mc4rm.stk", "--out", "results"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    // 2000 µm = 50 + 50 + 100 + 9 x 200: 21 columns; 10 rows; 2 + 1 + 3 layers.
    assert!(text.contains("6 layers x 10 rows x 21 columns = 1260 cells; steady"), "{text}");
    // Powers of the first slot: 2 + 1 + 8 + 2 = 13 W, leaving through the sink and coolant.
    let line = text.lines().find(|l| l.starts_with("power ")).unwrap();
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|t| t.parse().ok())
        .collect();
    assert!((numbers[0] - 13.0).abs() < 1e-12, "{line}");
    // Printed with 6 decimals: top + bottom + coolant within 2e-6 W of the power.
    assert!((numbers[1] + numbers[2] + numbers[3] - 13.0).abs() < 2e-6, "{line}");
    let out = directory.path().join("results");
    for name in [
        "out/probe.txt",
        "out/logic_map.txt",
        "out/memory_max.txt",
        "out/core_avg.txt",
        "out/outlet.txt",
        "xaxis.txt",
        "yaxis.txt",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    // The map has one line per row (10) after its header, then a blank line; the core's mean
    // lies between the map's extremes.
    let map = std::fs::read_to_string(out.join("out/logic_map.txt")).unwrap();
    let values: Vec<f64> = map
        .lines()
        .skip(1)
        .flat_map(|l| l.split_whitespace().map(|v| v.parse::<f64>().unwrap()))
        .collect();
    assert_eq!(values.len(), 10 * 21);
    let core = last_value(&out.join("out/core_avg.txt"));
    let (min, max) =
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    assert!(core > min && core < max && core > 300.0, "{core} outside {min}..{max}");
    let x_axis = std::fs::read_to_string(out.join("xaxis.txt")).unwrap();
    assert_eq!(x_axis.lines().count(), 21);
    assert!(x_axis.starts_with("25.00\n100.00\n200.00\n"));
}

#[test]
fn a_malformed_stack_names_file_line_and_what_was_expected() {
    let directory = tempfile::tempdir().unwrap();
    copy_data(directory.path());
    let output =
        cporamp(directory.path(), &["thermal", "--3d-ice", "bad_line.stk", "--out", "results"]);
    assert_eq!(output.status.code(), Some(2));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(
        error.contains("bad_line.stk:49: solver: steady: expected `;`, found `initial`"),
        "{error}"
    );
    assert!(!directory.path().join("results").exists());
    // A missing floorplan names the path tried.
    std::fs::remove_file(directory.path().join("top.flp")).unwrap();
    let output = cporamp(directory.path(), &["thermal", "--3d-ice", "mc4rm.stk"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("top.flp"));
}
