//! HotSpot floorplan (`.flp`): the reader never panics; a floorplan it accepts has finite,
//! positive sizes.
#![no_main]

use cporamp_thermal::hotspot::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(floorplan) = parse::floorplan("fuzz.flp", text) {
        assert!(floorplan.width_m.is_finite() && floorplan.width_m > 0.0);
        assert!(floorplan.height_m.is_finite() && floorplan.height_m > 0.0);
    }
});
