//! `cporamp run --calibrate` and the fits of `cporamp inspect` end to end: the yield
//! engine's own test data fitted back (each identified parameter's interval holds the value
//! it was generated with), the calibrated run's scenario carrying the fits, and the refusals.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

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

/// The row of `parameter` in a `fits` object.
fn row<'a>(fits: &'a Value, parameter: &str) -> &'a Value {
    fits["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["parameter"] == parameter)
        .unwrap_or_else(|| panic!("no row {parameter}"))
}

#[test]
fn a_calibrated_run_fits_the_test_data_and_runs_on_the_fits() {
    let dir = tempfile::tempdir().unwrap();
    let generated = cporamp(
        dir.path(),
        &[
            "yield",
            "@quick",
            "--generation",
            "51.2T",
            "--test-data",
            "data",
            "--test-packages",
            "60",
            "-q",
        ],
    );
    assert!(generated.status.success(), "{}", stderr(&generated));
    let data = "data/51.2T_cpo_integrated.csv";

    // inspect shows the fits against the scenario's values.
    let inspected = cporamp(
        dir.path(),
        &["inspect", data, "--fit", "--scenario", "@quick", "--format", "json"],
    );
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let inspected: Value = serde_json::from_slice(&inspected.stdout).unwrap();
    let fits = &inspected["result"]["yield_fits"];
    // The data were generated with the scenario's values: each lies within its fit's interval
    // widened by its half-width on each side (about 4 standard errors: this checks the wiring;
    // the intervals' coverage is tested over 50 seeds in cporamp-inspect).
    for parameter in [
        "block_common_sigma_um",
        "fiber_sigma_um",
        "ring_local_sigma_nm",
        "warpage_mean_um",
        "warpage_sigma_um",
    ] {
        let row = row(fits, parameter);
        let default = row["default"].as_f64().unwrap();
        let (low, high) =
            (row["fit"]["low"].as_f64().unwrap(), row["fit"]["high"].as_f64().unwrap());
        let half = (high - low) / 2.0;
        assert!(
            low - half <= default && default <= high + half,
            "{parameter}: {default} not near [{low}, {high}]"
        );
    }
    // The scenario's 96 h burn-in lets no weak laser through: not identified, and said why.
    let weak = row(fits, "laser_weak_fraction");
    assert!(weak["fit"].is_null());
    assert!(weak["note"].as_str().unwrap().starts_with("not identified"));
    // 60 packages sort about one ASIC wafer of 94 dies: too few for the ASIC fit, said why.
    let asic = row(fits, "asic_defects_per_die");
    assert!(asic["fit"].is_null());
    assert!(asic["note"].as_str().unwrap().contains("fewer than 3 wafers"), "{asic}");

    let run = cporamp(
        dir.path(),
        &["run", "@quick", "--generation", "51.2T", "--calibrate", data, "--out", "out", "-q"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let results: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/results.json")).unwrap(),
    )
    .unwrap();
    let calibration = &results["calibration"];
    assert_eq!(calibration["technology"], "cpo_integrated");
    assert_eq!(calibration["generation"], "51.2T");
    // The run's scenario carries the fitted fiber sigma, and the yield engine ran on it.
    let fiber = row(&calibration["fits"], "fiber_sigma_um")["fit"]["value"].as_f64().unwrap();
    assert_eq!(results["scenario"]["photonics"]["fiber_sigma_um"].as_f64(), Some(fiber));
    let inputs = &results["yield"][0]["technologies"][0]["inputs"];
    assert_eq!(inputs["fiber_sigma_um"].as_f64(), Some(fiber));
    let changed: Vec<&str> = calibration["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(changed.contains(&"photonics.fiber_sigma_um"), "{changed:?}");
    // Schema 3's measured warpage: the warpage per mm² the run used is the fit's.
    assert!(changed.contains(&"yield.warpage_um_per_mm2"), "{changed:?}");
    let warpage = row(&calibration["fits"], "warpage_mean_um")["fit"]["value"].as_f64().unwrap();
    let used = inputs["warpage_mean_um"].as_f64().unwrap();
    assert!((used / warpage - 1.0).abs() < 1e-9, "{used} vs fitted {warpage}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("id=\"calibration\"") && html.contains("fiber_sigma_um"));
}

#[test]
fn calibration_data_without_a_generation_or_of_a_technology_without_rings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let header = "lot,wafer,pic_wafer,package,engine,lane,position_rho_sq,gap_um,coupling_loss_db,heater_shift_nm,laser_dead,laser_weak,failures,reworks,package_test_pass,shipped";
    let row = "0,0,0,0,0,0,0.6250,3.0,0.2,1.5,false,false,,0,true,true";
    std::fs::write(dir.path().join("bare.csv"), format!("{header}\n{row}\n")).unwrap();
    std::fs::write(
        dir.path().join("pluggable.csv"),
        format!(
            "# cporamp yield test data, schema 2, technology pluggable_dsp, generation 51.2T\n{header}\n{row}\n"
        ),
    )
    .unwrap();
    for (file, needle) in [
        ("bare.csv", "bare.csv: no technology named in its header"),
        ("pluggable.csv", "technology pluggable_dsp is not co-packaged with rings"),
    ] {
        let output =
            cporamp(dir.path(), &["run", "@quick", "--calibrate", file, "--out", "out", "-q"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(needle), "{needle:?} not in {}", stderr(&output));
        assert!(!dir.path().join("out").exists(), "nothing is written on bad input");
    }
}
