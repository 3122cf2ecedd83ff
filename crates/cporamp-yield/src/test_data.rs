//! Synthetic per-lane test data: the records of the packages the Monte Carlo draws, and
//! their CSV layout (schema [`TEST_DATA_SCHEMA`]).
//!
//! Schema 3 adds to schema 2's 16 columns ([`SCHEMA_2_COLUMNS`]) what a line's MES export
//! joins onto each package and what the calibration of the ASIC, warpage and test-coverage
//! parameters needs: the wafer sort of the package's ASIC wafer (dies sorted and passed),
//! the package's measured corner warpage, and the mechanisms each test insertion caught
//! (the first package test, and system test).

use super::*;

/// Version of the synthetic test-data layout ([`test_data_csv`]).
pub const TEST_DATA_SCHEMA: u32 = 3;

/// Schema 2's columns: the first 16 of [`TEST_DATA_COLUMNS`] (schema 3 appends 5).
pub const SCHEMA_2_COLUMNS: usize = 16;

/// The test-data columns in order, with their meaning (the schema [`TEST_DATA_SCHEMA`]).
pub const TEST_DATA_COLUMNS: [(&str, &str); 21] = [
    ("lot", "ASIC lot number within the batch"),
    ("wafer", "ASIC wafer number within the batch"),
    ("pic_wafer", "PIC wafer of the lane's engine, within the batch"),
    ("package", "package number"),
    ("engine", "engine position in the package"),
    ("lane", "lane within the engine (spares last)"),
    ("position_rho_sq", "engine's normalized distance from the package centre, squared"),
    ("gap_um", "fiber-block-to-coupler gap of the final attach, µm"),
    ("coupling_loss_db", "insertion loss from misalignment (warpage included), dB"),
    ("heater_shift_nm", "heater red shift the ring needs, nm"),
    ("laser_dead", "the lane's laser is dead"),
    ("laser_weak", "the lane's laser is weak (infant mortality)"),
    ("failures", "mechanisms failing the lane, '+'-separated, empty when good"),
    ("reworks", "fiber re-attach attempts on the package"),
    ("package_test_pass", "the package passed its last package test"),
    ("shipped", "the package shipped"),
    (
        "asic_wafer_dies_tested",
        "dies of the package's ASIC wafer sorted at wafer test (the last wafer of the data may be partly sorted)",
    ),
    ("asic_wafer_dies_passed", "of those, dies that passed wafer test"),
    ("warpage_um", "package corner warpage measured after assembly, µm"),
    (
        "package_test_caught",
        "mechanisms the package's first package test caught, '+'-separated, empty when none",
    ),
    (
        "system_test_caught",
        "mechanisms system test caught, '+'-separated, empty when none or not system-tested",
    ),
];

/// One lane of one shipped or rejected package, as a line's test data would record it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaneRecord {
    /// ASIC lot number within the batch.
    pub lot: usize,
    /// ASIC wafer number within the batch.
    pub wafer: usize,
    /// PIC wafer of the lane's engine, within the batch.
    pub pic_wafer: usize,
    /// Package number.
    pub package: usize,
    /// Engine position in the package.
    pub engine: usize,
    /// Lane within the engine (spares last).
    pub lane: usize,
    /// Engine's normalized distance from the package centre squared.
    pub position_rho_sq: f64,
    /// Fiber-block-to-coupler gap of the final attach, µm.
    pub gap_um: f64,
    /// Insertion loss from misalignment (warpage included), dB.
    pub coupling_loss_db: f64,
    /// Heater red shift the ring needs, nm.
    pub heater_shift_nm: f64,
    /// The lane's laser is dead.
    pub laser_dead: bool,
    /// The lane's laser is weak (infant mortality).
    pub laser_weak: bool,
    /// Mechanisms failing this lane, `+`-separated (empty when good).
    pub failures: String,
    /// Fiber re-attach attempts on the package.
    pub reworks: usize,
    /// The package passed its last package test.
    pub package_test_pass: bool,
    /// The package shipped.
    pub shipped: bool,
    /// Dies of the package's ASIC wafer sorted at wafer test.
    pub asic_wafer_dies_tested: usize,
    /// Of those, dies that passed.
    pub asic_wafer_dies_passed: usize,
    /// Package corner warpage measured after assembly, µm.
    pub warpage_um: f64,
    /// Mechanisms the package's first package test caught, `+`-separated (empty when none).
    pub package_test_caught: String,
    /// Mechanisms system test caught, `+`-separated (empty when none or not system-tested).
    pub system_test_caught: String,
}

/// Synthetic test data: every lane of the first `packages` packages of the first batch (the
/// same packages [`simulate()`] draws first), as a line's test logs would record them.
///
/// # Errors
/// [`YieldInputError`] for bad inputs, or `packages` outside 1 to [`BATCH`].
pub fn test_records(
    inputs: &YieldInputs,
    packages: usize,
) -> Result<Vec<LaneRecord>, YieldInputError> {
    check(inputs)?;
    if !(1..=BATCH).contains(&packages) {
        return Err(YieldInputError {
            name: "test_packages".to_string(),
            value: packages as f64,
            expected: "1 to 256 packages (the first batch)",
        });
    }
    let mut records = Vec::new();
    run_batch(inputs, 0, packages, Some(&mut records));
    Ok(records)
}

/// The records as CSV (schema [`TEST_DATA_SCHEMA`]): a `# cporamp yield test data` line naming
/// the schema, technology and generation, a header, then one line per lane.
#[must_use]
pub fn test_data_csv(records: &[LaneRecord], technology: &str, generation: &str) -> String {
    let mut out = format!(
        "# cporamp yield test data, schema {TEST_DATA_SCHEMA}, technology {technology}, generation {generation}\n"
    );
    let header: Vec<&str> = TEST_DATA_COLUMNS.iter().map(|(name, _)| *name).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for r in records {
        out.push_str(&format!(
            "{},{},{},{},{},{},{:.4},{:.3},{:.4},{:.4},{},{},{},{},{},{},{},{},{:.3},{},{}\n",
            r.lot,
            r.wafer,
            r.pic_wafer,
            r.package,
            r.engine,
            r.lane,
            r.position_rho_sq,
            r.gap_um,
            r.coupling_loss_db,
            r.heater_shift_nm,
            r.laser_dead,
            r.laser_weak,
            r.failures,
            r.reworks,
            r.package_test_pass,
            r.shipped,
            r.asic_wafer_dies_tested,
            r.asic_wafer_dies_passed,
            r.warpage_um,
            r.package_test_caught,
            r.system_test_caught,
        ));
    }
    out
}
