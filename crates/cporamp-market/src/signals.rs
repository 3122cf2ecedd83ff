//! A signals file: the observations a user records of the article's five signals, as
//! CSV text with the header `date,signal,value,sd` (date as `YYYY-MM-DD` or a decimal year). The
//! file is checked before any engine runs, and every bad cell of every row is reported in one
//! error, each with the file, its line and column, the value and what was expected:
//! the date must lie in the scenario's market horizon (decimal year in
//! `[market.start_year, market.end_year]`), the value in its signal's range
//! ([`Signal::range`]: fractions in \[0, 1\]), the sd finite and at least
//! [`MIN_OBSERVATION_SD`] (10⁻⁶ in the signal's unit), and the file may hold at most
//! [`MAX_OBSERVATIONS`] rows.

use crate::{MAX_OBSERVATIONS, MIN_OBSERVATION_SD, Observation, Signal};

const SIGNALS: [(&str, Signal); 5] = [
    ("production_yield", Signal::ProductionYield),
    ("thermal_drift", Signal::ThermalDrift),
    ("serviceability", Signal::Serviceability),
    ("cooling_design", Signal::CoolingDesign),
    ("inspection", Signal::Inspection),
];

/// A date as a decimal year: `2027.5` as is, `2027-07-02` as its year plus the elapsed
/// fraction of it (days from 1 January over 365.25).
fn year(text: &str) -> Option<f64> {
    if let Ok(year) = text.parse::<f64>() {
        return year.is_finite().then_some(year);
    }
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (year, month, day): (i32, usize, u32) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    const DAYS_BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    const DAYS_IN: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if !(1..=12).contains(&month) {
        return None;
    }
    let extra = u32::from(leap && month > 2);
    let length = DAYS_IN[month - 1] + u32::from(leap && month == 2);
    if !(1..=length).contains(&day) {
        return None;
    }
    Some(f64::from(year) + f64::from(DAYS_BEFORE[month - 1] + extra + day - 1) / 365.25)
}

/// Parses the text of a signals file (`name` names it in messages) for a market horizon of
/// the decimal years `[start_year, end_year]`.
///
/// # Errors
/// Every bad cell of every row, each with `name`, line and column, value and what was
/// expected (one message, a line per problem).
pub fn parse_signals(
    name: &str,
    text: &str,
    (start_year, end_year): (i32, i32),
) -> Result<Vec<Observation>, String> {
    let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
    let header: Vec<&str> = match lines.next() {
        Some((_, line)) => line.split(',').map(str::trim).collect(),
        None => {
            return Err(format!("{}: empty; expected a header date,signal,value,sd", name));
        }
    };
    if header != ["date", "signal", "value", "sd"] {
        return Err(format!(
            "{}:1: header {:?}; expected date,signal,value,sd",
            name,
            header.join(",")
        ));
    }
    let rows: Vec<(usize, &str)> = lines.collect();
    if let Some(&(index, _)) = rows.get(MAX_OBSERVATIONS) {
        return Err(format!(
            "{}:{}: {} observation rows; expected at most {MAX_OBSERVATIONS} (this is row {})",
            name,
            index + 1,
            rows.len(),
            MAX_OBSERVATIONS + 1
        ));
    }
    let names: Vec<&str> = SIGNALS.iter().map(|(name, _)| *name).collect();
    let horizon = format!(
        "a date in the market horizon, decimal year in [{start_year}, {end_year}] \
         ({start_year}-01-01 to {end_year}-01-01)"
    );
    let sd_expected = format!("a finite standard deviation >= {MIN_OBSERVATION_SD:e}");
    let mut observations = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    let mut bad_rows = 0;
    for (index, line) in rows {
        let row = index + 1;
        let before = problems.len();
        let mut bad = |column: &str, value: &str, expected: &str| {
            problems.push(format!(
                "{}:{row}: column {column}: value {value:?}; expected {expected}",
                name
            ));
        };
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 4 {
            bad("(all)", line, "4 comma-separated cells: date,signal,value,sd");
            bad_rows += 1;
            continue;
        }
        let date = match year(cells[0]) {
            None => {
                bad("date", cells[0], "YYYY-MM-DD or a decimal year");
                None
            }
            Some(date) if !(date >= f64::from(start_year) && date <= f64::from(end_year)) => {
                bad("date", cells[0], &horizon);
                None
            }
            date => date,
        };
        let signal = SIGNALS.iter().find(|(name, _)| *name == cells[1]).map(|(_, s)| *s);
        if signal.is_none() {
            bad("signal", cells[1], &format!("one of {}", names.join(", ")));
        }
        let number = |text: &str| text.parse::<f64>().ok().filter(|v| v.is_finite());
        let value = match (number(cells[2]), signal) {
            (None, _) => {
                bad("value", cells[2], "a finite number");
                None
            }
            (Some(value), Some(signal))
                if !(signal.range().0..=signal.range().1).contains(&value) =>
            {
                bad("value", cells[2], signal.expected());
                None
            }
            (value, _) => value,
        };
        let sd = number(cells[3]).filter(|&sd| sd >= MIN_OBSERVATION_SD);
        if sd.is_none() {
            bad("sd", cells[3], &sd_expected);
        }
        match (date, signal, value, sd) {
            (Some(year), Some(signal), Some(value), Some(sd)) if problems.len() == before => {
                observations.push(Observation { year, signal, value, sd });
            }
            _ => bad_rows += 1,
        }
    }
    if problems.is_empty() {
        Ok(observations)
    } else {
        Err(format!(
            "{}: {bad_rows} bad row(s), {} problem(s):\n{}",
            name,
            problems.len(),
            problems.join("\n")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HORIZON: (i32, i32) = (2026, 2035);
    const HEADER: &str = "date,signal,value,sd\n";

    fn error_of(text: &str) -> String {
        parse_signals("s.csv", &format!("{HEADER}{text}"), HORIZON).unwrap_err()
    }

    #[test]
    fn dates_rows_and_errors() {
        let path = "s.csv";
        let ok = parse_signals(
            path,
            "date,signal,value,sd\n2027-07-02,production_yield,0.93,0.02\n2028.25,cooling_design,0.6,0.1\n",
            HORIZON,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        // 2 July is day 182 of 2027: 2027 + 182/365.25.
        assert!((ok[0].year - (2027.0 + 182.0 / 365.25)).abs() < 1e-12);
        assert_eq!(ok[1].signal, Signal::CoolingDesign);
        let error = error_of("2027-07-02,yield,0.93,0.02\n");
        assert!(error.contains("\ns.csv:2: column signal: value \"yield\""), "{error}");
        let error = error_of("2027-02-29,inspection,0.9,0.1\n");
        assert!(error.contains("column date"), "{error}");
        assert!(
            parse_signals(path, "date,signal,value,sd\n2028-02-29,inspection,0.9,0.1\n", HORIZON)
                .is_ok()
        );
        let error = error_of("2027-07-02,inspection,0.9,0\n");
        assert!(error.contains("column sd") && error.contains(">= 1e-6"), "{error}");
        let error = parse_signals(path, "when,signal,value,sd\n", HORIZON).unwrap_err();
        assert!(error.contains("header"), "{error}");
    }

    #[test]
    fn every_bad_row_is_reported_in_one_error() {
        // Lines 2 and 5 are good; line 3 has two bad cells, line 4 one, line 6 the wrong
        // number of cells.
        let error = error_of(
            "2027.0,inspection,0.9,0.1\n\
             2027-13-01,yield,0.9,0.1\n\
             2027.0,thermal_drift,hot,0.1\n\
             2028.0,production_yield,0.9,0.05\n\
             2028.0,production_yield,0.9\n",
        );
        assert!(error.starts_with("s.csv: 3 bad row(s), 4 problem(s):\n"), "{error}");
        for expected in [
            "s.csv:3: column date: value \"2027-13-01\"; expected YYYY-MM-DD or a decimal year",
            "s.csv:3: column signal: value \"yield\"; expected one of production_yield",
            "s.csv:4: column value: value \"hot\"; expected a finite number",
            "s.csv:6: column (all): value \"2028.0,production_yield,0.9\"; expected 4",
        ] {
            assert!(error.contains(expected), "{expected} in {error}");
        }
        assert_eq!(error.lines().count(), 5, "{error}");
    }

    #[test]
    fn sd_below_the_resolution_floor_is_refused() {
        let error = error_of("2027.0,production_yield,0.9,1e-300\n");
        assert!(
            error.contains(
                "s.csv:2: column sd: value \"1e-300\"; expected a finite standard deviation >= 1e-6"
            ),
            "{error}"
        );
        assert!(error_of("2027.0,production_yield,0.9,inf\n").contains("column sd"));
        // The floor itself is accepted.
        let ok =
            parse_signals("s.csv", &format!("{HEADER}2027.0,thermal_drift,3.0,1e-6\n"), HORIZON)
                .unwrap();
        assert_eq!(ok[0].sd.to_bits(), MIN_OBSERVATION_SD.to_bits(), "exactly the floor");
    }

    #[test]
    fn fraction_signals_lie_in_zero_to_one() {
        let error = error_of("2027.0,production_yield,5.0,0.1\n2027.0,cooling_design,-0.2,0.1\n");
        assert!(
            error.contains(
                "s.csv:2: column value: value \"5.0\"; expected a production yield (fraction) in [0, 1]"
            ),
            "{error}"
        );
        assert!(
            error.contains("s.csv:3: column value: value \"-0.2\"; expected a cooling design share (fraction) in [0, 1]"),
            "{error}"
        );
        assert!(error_of("2027.0,serviceability,1.5,0.1\n").contains("in [-1, 1]"));
        assert!(error_of("2027.0,inspection,-1,0.1\n").contains(">= 0"));
        // The ends of the range and a negative serviceability difference are valid.
        let ok = parse_signals(
            "s.csv",
            &format!("{HEADER}2027.0,production_yield,1,0.1\n2027.0,cooling_design,0,0.1\n2027.0,serviceability,-0.3,0.1\n2027.0,thermal_drift,-4,1\n"),
            HORIZON,
        )
        .unwrap();
        assert_eq!(ok.len(), 4);
    }

    #[test]
    fn dates_outside_the_market_horizon_are_named_with_their_line() {
        let error = error_of(
            "2027.0,inspection,0.9,0.1\n2040-01-01,inspection,1.0,0.1\n2025.99,inspection,1.0,0.1\n",
        );
        for line in [3, 4] {
            let expected = format!("s.csv:{line}: column date: value");
            assert!(error.contains(&expected), "{expected} in {error}");
        }
        assert!(
            error.contains("expected a date in the market horizon, decimal year in [2026, 2035]"),
            "{error}"
        );
        // Both ends are inside.
        let ok = parse_signals(
            "s.csv",
            &format!("{HEADER}2026-01-01,inspection,1,0.1\n2035-01-01,inspection,1,0.1\n"),
            HORIZON,
        )
        .unwrap();
        assert_eq!((ok[0].year, ok[1].year), (2026.0, 2035.0));
        assert!(error_of("2035-01-02,inspection,1,0.1\n").contains("s.csv:2: column date"));
    }

    #[test]
    fn at_most_max_observations_rows() {
        let row = "2027.0,inspection,1,0.1\n";
        let at_limit = format!("{HEADER}{}", row.repeat(MAX_OBSERVATIONS));
        assert_eq!(parse_signals("s.csv", &at_limit, HORIZON).unwrap().len(), MAX_OBSERVATIONS);
        // One more: the error names the first row beyond the limit (line 10,002 after the
        // header) and is found before any row is parsed.
        let error = error_of(&row.repeat(MAX_OBSERVATIONS + 1));
        assert_eq!(
            error,
            "s.csv:10002: 10001 observation rows; expected at most 10000 (this is row 10001)"
        );
    }
}
