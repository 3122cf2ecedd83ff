//! HotSpot power trace (`.ptrace`): the reader never panics, with or without negative powers
//! allowed (the first byte decides); a trace it accepts has finite powers within the bound.
#![no_main]

use cporamp_thermal::hotspot::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    if let Ok(trace) = parse::power_trace_with("fuzz.ptrace", text, flag & 1 == 1) {
        for row in &trace.rows {
            for power_w in row {
                assert!(power_w.is_finite() && power_w.abs() <= parse::MAX_BLOCK_POWER_W);
            }
        }
    }
});
