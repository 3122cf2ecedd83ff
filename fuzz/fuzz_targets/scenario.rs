//! Scenario TOML: `cporamp_scenario::load` never panics; a scenario it accepts has a resource
//! estimate without NaN, and the budget check never panics.
#![no_main]

use cporamp_scenario::limits::{ALL_STAGES, Budget, check_budget, estimate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(scenario) = cporamp_scenario::load(text, "fuzz.toml") {
        for demand in estimate(&scenario, 2).demands {
            assert!(demand.memory_bytes >= 0.0 && demand.cpu_s >= 0.0, "{demand:?}");
        }
        let _ = check_budget(&scenario, text, "fuzz.toml", Budget::default(), ALL_STAGES);
    }
});
