//! 3D-ICE floorplan (`.flp` in 3D-ICE's syntax): the reader never panics; a refusal names the
//! file and line.
#![no_main]

use cporamp_thermal::threedice::Floorplan;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(error) = Floorplan::parse("fuzz.flp", text) {
        assert!(error.to_string().starts_with("fuzz.flp:"));
    }
});
