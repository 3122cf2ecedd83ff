//! 3D-ICE stack description (`.stk`): the reader never panics; a stack it accepts has finite,
//! positive chip and cell sizes.
#![no_main]

use cporamp_thermal::threedice::StackFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match StackFile::parse("fuzz.stk", text) {
        Ok(stack) => {
            let d = stack.dimensions;
            for size in [d.chip_length_um, d.chip_width_um, d.cell_length_um, d.cell_width_um] {
                assert!(size.is_finite() && size > 0.0, "{d:?}");
            }
        }
        Err(error) => assert!(error.to_string().starts_with("fuzz.stk:")),
    }
});
