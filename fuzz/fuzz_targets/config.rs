//! HotSpot config (`-key value` lines): the reader never panics, nor do the model type and
//! run settings read from a config it accepts.
#![no_main]

use cporamp_thermal::hotspot::{self, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = parse::config("fuzz.config", text) {
        let _ = hotspot::model_type(&config);
        let _ = hotspot::run_settings(&config);
    }
});
