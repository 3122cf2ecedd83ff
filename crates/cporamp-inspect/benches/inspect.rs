//! Inspection analytics over one million lanes: 2,048 packages of 16 engines x 32 lanes
//! (1,048,576 records, the size of a 102.4T line's month of package tests) folded into an
//! [`Inspector`] and finished on 2 threads. The reader's share (CSV and Parquet) is measured
//! by `cargo bench -p cporamp-cli --bench inspect`. The goal: `cporamp inspect` over
//! one million lanes in under 5 s on 2 cores.
//! Run: `cargo bench -p cporamp-inspect --bench inspect`. Figures go in BENCHMARKS.md.

use cporamp_inspect::{InspectOptions, Inspector, Record, SpecLimits};

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

/// One million lanes laid out as the yield engine writes them.
fn records() -> Vec<Record> {
    let mut stream = Stream(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(2048 * 512);
    for package in 0..2048u64 {
        let shipped = stream.next() < 0.6;
        let warp = stream.next();
        for engine in 0..16u64 {
            let along = ((engine % 4) as f64 + 0.5) / 4.0 - 0.5;
            let rho_sq = (0.25 + along * along) / 0.5;
            let block = stream.next();
            for lane in 0..32u64 {
                let loss = 0.1 + 0.3 * block + 0.2 * warp * rho_sq + 0.1 * stream.next();
                out.push(Record {
                    file: 0,
                    row: out.len() as u64 + 1,
                    lot: Some(package / 64),
                    pic_wafer: Some((package * 16 + engine) / 500),
                    package,
                    engine,
                    lane,
                    insertion: 0,
                    station: 0,
                    week: None,
                    position_rho_sq: Some(rho_sq),
                    values: [Some(loss), Some(5.0 + block), Some(1.0 + stream.next())],
                    laser_dead: Some(false),
                    laser_weak: Some(false),
                    reworks: Some(0),
                    failures: u8::from(loss > 0.55),
                    package_test_pass: Some(shipped),
                    shipped,
                });
            }
        }
    }
    out
}

#[divan::bench(sample_count = 5)]
fn one_million_lanes_2_threads(bencher: divan::Bencher) {
    let records = records();
    let mut options = InspectOptions { packages_per_week: Some(100), ..InspectOptions::default() };
    options.limits[0] = SpecLimits { lower: None, upper: Some(1.0) };
    options.limits[2] = SpecLimits { lower: Some(0.0), upper: Some(4.5) };
    bencher.bench_local(|| {
        let mut inspector = Inspector::new(options.clone());
        inspector.intern("package_test");
        for record in &records {
            inspector.push(record).expect("unique keys");
        }
        divan::black_box(inspector.finish(2))
    });
}
