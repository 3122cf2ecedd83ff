//! The `solver` section: steady or transient analysis, and the initial temperature.

use super::ParseError;
use super::lexer::{Lexer, statement};

/// Steady or transient analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Analysis {
    /// One steady solve with each element's first power value.
    Steady,
    /// Backward Euler with `step_s`; each power value lasts `slot_s`.
    Transient {
        /// Time step, s.
        step_s: f64,
        /// Power slot, s.
        slot_s: f64,
        /// Steps per slot (3D-ICE's decimal-exact division).
        steps_per_slot: u64,
    },
}

/// 3D-ICE's slot/step division: both scaled by 10 until integral, then divided.
fn steps_per_slot(step_s: f64, slot_s: f64) -> u64 {
    let (mut sl, mut st) = (slot_s, step_s);
    for _ in 0..30 {
        if sl.fract() == 0.0 && st.fract() == 0.0 {
            break;
        }
        sl *= 10.0;
        st *= 10.0;
    }
    // Truncating conversions as in 3D-ICE (both are integral after scaling).
    let (sl, st) = (sl.trunc() as u64, st.trunc() as u64);
    sl / st.max(1)
}

pub(super) fn parse_solver(lx: &mut Lexer<'_>) -> Result<(Analysis, f64), ParseError> {
    let field = "solver";
    lx.word(field, "solver")?;
    lx.punct(field, ':')?;
    let analysis = if lx.is_word("steady") {
        lx.next();
        lx.punct("solver: steady", ';')?;
        Analysis::Steady
    } else if lx.is_word("transient") {
        let f = "solver: transient";
        lx.next();
        lx.word(f, "step")?;
        let step = lx.positive(f)?;
        lx.punct(f, ',')?;
        lx.word(f, "slot")?;
        let slot_line = lx.line();
        let slot = lx.positive(f)?;
        lx.punct(f, ';')?;
        if slot < step {
            return Err(ParseError {
                file: lx.file.to_string(),
                line: slot_line,
                field: f.into(),
                message: format!("slot {slot} s must not be shorter than the step {step} s"),
            });
        }
        Analysis::Transient {
            step_s: step,
            slot_s: slot,
            steps_per_slot: steps_per_slot(step, slot),
        }
    } else {
        return Err(lx.unexpected(field, "`steady` or `transient`"));
    };
    let initial = statement(lx, "solver: initial temperature", &["initial", "temperature"])?;
    if lx.is_word("numofcores") {
        // Threads of 3D-ICE's solver: no effect on results.
        statement(lx, "solver: numofcores", &["numofcores"])?;
    }
    Ok((analysis, initial))
}
