//! `cporamp inspect` over one million lanes, reader included: 2,048 packages of 16 engines x
//! 32 lanes (1,048,576 rows) written once as the yield engine writes its test data (schema 3,
//! CSV and Parquet, in a temporary directory), then read back and analysed on 2 threads
//! (`cporamp_cli::inspect_files`, what the command runs). The goal: under 5 s on 2
//! cores. Run: `cargo bench -p cporamp-cli --bench inspect`. Figures go in BENCHMARKS.md.

use std::path::PathBuf;

use cporamp_yield::LaneRecord;

fn main() {
    divan::main();
}

/// A deterministic stream of numbers in [0, 1) (xorshift64*).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn lanes() -> Vec<LaneRecord> {
    let mut stream = Stream(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(2048 * 512);
    for package in 0..2048 {
        let shipped = stream.next() < 0.6;
        let warp = stream.next();
        for engine in 0..16 {
            let along = ((engine % 4) as f64 + 0.5) / 4.0 - 0.5;
            let rho_sq = (0.25 + along * along) / 0.5;
            let block = stream.next();
            for lane in 0..32 {
                let loss = 0.1 + 0.3 * block + 0.2 * warp * rho_sq + 0.1 * stream.next();
                out.push(LaneRecord {
                    lot: package / 64,
                    wafer: package / 16,
                    pic_wafer: (package * 16 + engine) / 500,
                    package,
                    engine,
                    lane,
                    position_rho_sq: rho_sq,
                    gap_um: 5.0 + block,
                    coupling_loss_db: loss,
                    heater_shift_nm: 1.0 + stream.next(),
                    laser_dead: false,
                    laser_weak: false,
                    failures: if loss > 0.55 { "coupling".to_string() } else { String::new() },
                    reworks: 0,
                    package_test_pass: shipped,
                    shipped,
                    asic_wafer_dies_tested: 60,
                    asic_wafer_dies_passed: 40,
                    warpage_um: 50.0 + 10.0 * warp,
                    package_test_caught: String::new(),
                    system_test_caught: String::new(),
                });
            }
        }
    }
    out
}

/// The two files, written once.
fn files() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static FILES: std::sync::OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> =
        std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let records = lanes();
        let csv = dir.path().join("lanes.csv");
        let parquet = dir.path().join("lanes.parquet");
        std::fs::write(&csv, cporamp_yield::test_data_csv(&records, "cpo_els", "102.4T"))
            .expect("write CSV");
        let bytes = cporamp_report::test_data_parquet(&records, "cpo_els", "102.4T")
            .expect("encode Parquet");
        std::fs::write(&parquet, bytes).expect("write Parquet");
        (dir, csv, parquet)
    })
}

#[divan::bench(sample_count = 5)]
fn csv_one_million_lanes_2_threads(bencher: divan::Bencher) {
    let path = files().1.clone();
    bencher.bench(|| cporamp_cli::inspect_files(std::slice::from_ref(&path), 2).expect("reads"));
}

#[divan::bench(sample_count = 5)]
fn parquet_one_million_lanes_2_threads(bencher: divan::Bencher) {
    let path = files().2.clone();
    bencher.bench(|| cporamp_cli::inspect_files(std::slice::from_ref(&path), 2).expect("reads"));
}
