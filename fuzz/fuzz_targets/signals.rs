//! Signals CSV (`--signals`): the reader never panics; the observations of a file it accepts
//! are within their ranges, their sds at least the floor, at most the row bound.
#![no_main]

use cporamp_market::{MAX_OBSERVATIONS, MIN_OBSERVATION_SD};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(observations) = cporamp_market::parse_signals("fuzz.csv", text, (2026, 2032)) {
        assert!(observations.len() <= MAX_OBSERVATIONS);
        for observation in observations {
            let (low, high) = observation.signal.range();
            assert!((low..=high).contains(&observation.value), "{observation:?}");
            assert!(observation.sd.is_finite() && observation.sd >= MIN_OBSERVATION_SD);
        }
    }
});
