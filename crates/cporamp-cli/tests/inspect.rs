//! `cporamp inspect` end to end: the yield engine's own test data read back (CSV and
//! Parquet), a mapped layout with unit conversion, and each named error (exit 2, the file,
//! row and column in the message, nothing written).

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

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

const HEADER: &str = "lot,wafer,pic_wafer,package,engine,lane,position_rho_sq,gap_um,coupling_loss_db,heater_shift_nm,laser_dead,laser_weak,failures,reworks,package_test_pass,shipped";

/// A schema-2 CSV of `rows` (without header), with the schema line.
fn schema_2(directory: &Path, name: &str, header: &str, rows: &[&str]) {
    let mut text = format!(
        "# cporamp yield test data, schema 2, technology cpo_els, generation 51.2T\n{header}\n"
    );
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    std::fs::write(directory.join(name), text).unwrap();
}

const ROW_A: &str = "0,0,0,0,0,0,0.6250,3.0,0.2,1.5,false,false,,0,true,true";
const ROW_B: &str = "0,0,0,0,0,1,0.6250,3.0,0.3,1.6,false,false,,0,true,true";
const ROW_C: &str = "0,0,0,1,0,0,0.6250,3.1,1.2,1.7,false,false,coupling,1,false,false";

/// Runs `args` and checks the refusal: exit 2, every `needles` in the message, no output
/// directory.
fn refused(directory: &Path, args: &[&str], needles: &[&str]) {
    let output = cporamp(directory, args);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    assert!(!directory.join("out").exists(), "nothing is written on bad input");
}

#[test]
fn the_yield_engines_test_data_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let status = cporamp(
        dir.path(),
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
    assert!(status.status.success(), "{}", stderr(&status));
    let stem = "data/51.2T_cpo_integrated";
    // The CSV parsed here independently: rows, shipped packages, failed lanes per mechanism
    // and the mean coupling loss.
    let text = std::fs::read_to_string(dir.path().join(format!("{stem}.csv"))).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().skip(2).map(|line| line.split(',').collect()).collect();
    let mut shipped = std::collections::BTreeMap::new();
    let mut lanes_failed = std::collections::BTreeMap::<&str, u64>::new();
    let mut loss_sum = 0.0;
    for row in &rows {
        shipped.insert(row[3], row[15] == "true");
        for mechanism in row[12].split('+').filter(|m| !m.is_empty()) {
            *lanes_failed.entry(mechanism).or_default() += 1;
        }
        loss_sum += row[8].parse::<f64>().unwrap();
    }
    let loss_mean = loss_sum / rows.len() as f64;
    let shipped_count = shipped.values().filter(|&&s| s).count() as u64;
    assert_eq!(shipped.len(), 40);

    let from_csv =
        json(&cporamp(dir.path(), &["inspect", &format!("{stem}.csv"), "--format", "json"]));
    let from_parquet = json(&cporamp(
        dir.path(),
        &["inspect", &format!("{stem}.parquet"), "--format", "json", "--out", "out"],
    ));
    for (result, tolerance) in [(&from_csv["result"], 1e-12), (&from_parquet["result"], 5e-5)] {
        // The CSV rounds losses to 4 decimals: the Parquet file's full-precision mean is
        // within half a unit of the last place of it.
        assert_eq!(result["records"].as_u64(), Some(rows.len() as u64));
        assert_eq!(result["packages"].as_u64(), Some(40));
        assert_eq!(result["yield_overall"]["count"].as_u64(), Some(shipped_count));
        for bar in result["pareto"]["lanes_by_mechanism"].as_array().unwrap() {
            let label = bar["label"].as_str().unwrap();
            assert_eq!(
                bar["count"].as_u64(),
                Some(lanes_failed.get(label).copied().unwrap_or(0)),
                "{label}"
            );
        }
        let mean = result["capability"][0]["mean"].as_f64().unwrap();
        assert!((mean - loss_mean).abs() < tolerance, "{mean} vs {loss_mean}");
        // Limits from the default scenario: the 1 dB coupling allocation.
        assert_eq!(result["capability"][0]["limits"]["upper"].as_f64(), Some(1.0));
    }
    assert_eq!(from_parquet["files"][0]["technology"].as_str(), Some("cpo_integrated"));
    let html = std::fs::read_to_string(dir.path().join("out/inspect.html")).unwrap();
    for anchor in ["id=\"pareto\"", "id=\"capability\"", "id=\"spatial\"", "id=\"spc\""] {
        assert!(html.contains(anchor), "{anchor}");
    }
    assert!(dir.path().join("out/results.json").exists());
}

#[test]
fn a_mapped_layout_is_read_with_its_units() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("line.csv"),
        "serial,slot,ch,il_mdb,ok,operator\n7,0,0,200,1,ann\n7,0,1,400,1,ann\n8,0,0,300,0,bob\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("map.toml"),
        "ignore = [\"operator\"]\n[columns]\npackage = \"serial\"\nengine = \"slot\"\nlane = \"ch\"\nshipped = \"ok\"\ncoupling_loss_db = { column = \"il_mdb\", unit = \"mdB\" }\n",
    )
    .unwrap();
    let result = json(&cporamp(
        dir.path(),
        &["inspect", "line.csv", "--mapping", "map.toml", "--format", "json"],
    ));
    let result = &result["result"];
    assert_eq!(result["records"].as_u64(), Some(3));
    assert_eq!(result["yield_overall"]["count"].as_u64(), Some(1));
    let mean = result["capability"][0]["mean"].as_f64().unwrap();
    assert!((mean - 0.3).abs() < 1e-12, "{mean}");
    // An unmapped column that is not ignored, and a bad unit, are refused by name.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[columns]\npackage = \"serial\"\nengine = \"slot\"\nlane = \"ch\"\nshipped = \"ok\"\ncoupling_loss_db = { column = \"il_mdb\", unit = \"furlong\" }\n",
    )
    .unwrap();
    refused(
        dir.path(),
        &["inspect", "line.csv", "--mapping", "bad.toml", "--out", "out"],
        &["mapping bad.toml", "columns.coupling_loss_db", "bad unit \"furlong\"", "dB, mdB"],
    );
    std::fs::write(
        dir.path().join("bare.toml"),
        "[columns]\npackage = \"serial\"\nengine = \"slot\"\nlane = \"ch\"\nshipped = \"ok\"\n",
    )
    .unwrap();
    refused(
        dir.path(),
        &["inspect", "line.csv", "--mapping", "bare.toml", "--out", "out"],
        &["line.csv", "unknown column \"il_mdb\" (#4)", "ignore"],
    );
}

#[test]
fn a_missing_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let header = HEADER.trim_end_matches(",shipped");
    let strip = |row: &str| row.rsplit_once(',').unwrap().0.to_string();
    schema_2(dir.path(), "d.csv", header, &[&strip(ROW_A)]);
    refused(
        dir.path(),
        &["inspect", "d.csv", "--out", "out"],
        &["d.csv", "missing column \"shipped\""],
    );
}

#[test]
fn an_unknown_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    schema_2(dir.path(), "d.csv", &format!("{HEADER},extra"), &[&format!("{ROW_A},1")]);
    refused(
        dir.path(),
        &["inspect", "d.csv", "--out", "out"],
        &["d.csv", "unknown column \"extra\" (#17)", "--mapping"],
    );
}

#[test]
fn a_non_numeric_cell_is_named_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = ROW_B.replace(",0.3,", ",abc,");
    schema_2(dir.path(), "d.csv", HEADER, &[ROW_A, &bad, ROW_C]);
    refused(
        dir.path(),
        &["inspect", "d.csv", "--out", "out"],
        &["d.csv: row 2 (line 4), column \"coupling_loss_db\" (#9): value \"abc\" is not a number"],
    );
    let bad = ROW_B.replace(",false,false,,", ",maybe,false,,");
    schema_2(dir.path(), "e.csv", HEADER, &[ROW_A, &bad]);
    refused(
        dir.path(),
        &["inspect", "e.csv", "--out", "out"],
        &["e.csv: row 2 (line 4), column \"laser_dead\" (#11): value \"maybe\" is not a boolean"],
    );
}

#[test]
fn a_duplicate_key_names_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    schema_2(dir.path(), "d.csv", HEADER, &[ROW_A, ROW_B, ROW_C]);
    schema_2(dir.path(), "e.csv", HEADER, &[ROW_B]);
    refused(
        dir.path(),
        &["inspect", "d.csv", "e.csv", "--out", "out"],
        &[
            "e.csv: row 1",
            "duplicate key: package 0, engine 0, lane 1, insertion package_test",
            "already at d.csv row 2",
        ],
    );
}

#[test]
fn another_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.csv"),
        format!("# cporamp yield test data, schema 4, technology x\n{HEADER}\n{ROW_A}\n"),
    )
    .unwrap();
    refused(
        dir.path(),
        &["inspect", "d.csv", "--out", "out"],
        &["d.csv: line 1: schema 4", "schemas 2 and 3"],
    );
}

#[test]
fn schema_3_columns_are_read_and_refused_in_a_file_that_says_schema_2() {
    let dir = tempfile::tempdir().unwrap();
    let header = format!(
        "{HEADER},asic_wafer_dies_tested,asic_wafer_dies_passed,warpage_um,package_test_caught,system_test_caught"
    );
    let rows = [
        format!("{ROW_A},60,41,48.5,,"),
        format!("{ROW_B},60,41,48.5,,"),
        format!("{ROW_C},60,41,51.0,coupling,"),
    ];
    let text = |schema: u32| {
        format!(
            "# cporamp yield test data, schema {schema}, technology cpo_els, generation 51.2T\n{header}\n{}\n",
            rows.join("\n")
        )
    };
    std::fs::write(dir.path().join("three.csv"), text(3)).unwrap();
    let result = json(&cporamp(dir.path(), &["inspect", "three.csv", "--format", "json"]));
    assert_eq!(result["result"]["packages"], 2);
    // The same columns under a schema-2 line: schema 2 does not have them.
    std::fs::write(dir.path().join("two.csv"), text(2)).unwrap();
    refused(
        dir.path(),
        &["inspect", "two.csv", "--out", "out"],
        &["two.csv: unknown column \"asic_wafer_dies_tested\" (#17): schema 2"],
    );
    // A schema-3 line over schema 2's columns: the added ones are missing.
    std::fs::write(
        dir.path().join("short.csv"),
        format!("# cporamp yield test data, schema 3, technology x\n{HEADER}\n{ROW_A}\n"),
    )
    .unwrap();
    refused(
        dir.path(),
        &["inspect", "short.csv", "--out", "out"],
        &["short.csv: missing column \"asic_wafer_dies_tested\": schema 3 has it"],
    );
    // A bad caught-by cell is named with its row and column.
    std::fs::write(dir.path().join("bad.csv"), format!("{header}\n{ROW_A},60,41,48.5,lasers,\n"))
        .unwrap();
    refused(
        dir.path(),
        &["inspect", "bad.csv", "--out", "out"],
        &["bad.csv: row 1 (line 2), column \"package_test_caught\" (#20): value \"lasers\""],
    );
}

#[test]
fn a_mapped_parquet_file_reads_numbers_text_and_nulls_and_names_a_bad_cell() {
    use cporamp_report::{Frame, FrameColumn};
    let dir = tempfile::tempdir().unwrap();
    let write = |il: Vec<String>| {
        let mut frame = Frame::default();
        frame.push("serial", FrameColumn::Text(vec!["7".into(), "7".into(), "8".into()]));
        frame.push("slot", FrameColumn::Number(vec![Some(0.0), Some(0.0), Some(1.0)]));
        frame.push("ch", FrameColumn::Number(vec![Some(0.0), Some(1.0), Some(0.0)]));
        frame.push("ok", FrameColumn::Text(vec!["true".into(), "true".into(), "0".into()]));
        frame.push("il", FrameColumn::Text(il));
        frame.push("gap_nm", FrameColumn::Number(vec![Some(3000.0), None, Some(5000.0)]));
        std::fs::write(dir.path().join("line.parquet"), frame.to_parquet("line").unwrap()).unwrap();
    };
    std::fs::write(
        dir.path().join("map.toml"),
        "[columns]\npackage = \"serial\"\nengine = \"slot\"\nlane = \"ch\"\nshipped = \"ok\"\ncoupling_loss_db = { column = \"il\", unit = \"dB\" }\ngap_um = { column = \"gap_nm\", unit = \"nm\" }\n",
    )
    .unwrap();
    write(vec!["0.2".into(), "0.4".into(), String::new()]);
    let result = json(&cporamp(
        dir.path(),
        &["inspect", "line.parquet", "--mapping", "map.toml", "--format", "json"],
    ));
    let result = &result["result"];
    assert_eq!(result["records"].as_u64(), Some(3));
    assert_eq!(result["yield_overall"]["count"].as_u64(), Some(1));
    // Empty and null measurements are lanes not measured: two losses, two gaps (in µm).
    let capability = result["capability"].as_array().unwrap();
    assert_eq!(capability[0]["count"].as_u64(), Some(2));
    assert!((capability[0]["mean"].as_f64().unwrap() - 0.3).abs() < 1e-12);
    assert!((capability[1]["mean"].as_f64().unwrap() - 4.0).abs() < 1e-12);
    write(vec!["0.2".into(), "abc".into(), "0.1".into()]);
    refused(
        dir.path(),
        &["inspect", "line.parquet", "--mapping", "map.toml", "--out", "out"],
        &["line.parquet: row 2, column \"il\" (#5): value \"abc\" is not a number"],
    );
}
