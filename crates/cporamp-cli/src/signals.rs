//! Reads a signals file: the observations a user records of the article's five signals, as
//! CSV with the header `date,signal,value,sd` (date as `YYYY-MM-DD` or a decimal year). Every
//! bad row is named with the file, its line and column, the value and what was expected.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use cporamp_market::{Observation, Signal};

use crate::Failure;

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

/// Parses `text` (the contents of `path`).
fn parse(path: &Path, text: &str) -> Result<Vec<Observation>, String> {
    let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
    let header: Vec<&str> = match lines.next() {
        Some((_, line)) => line.split(',').map(str::trim).collect(),
        None => {
            return Err(format!(
                "{}: empty; expected a header date,signal,value,sd",
                path.display()
            ));
        }
    };
    if header != ["date", "signal", "value", "sd"] {
        return Err(format!(
            "{}:1: header {:?}; expected date,signal,value,sd",
            path.display(),
            header.join(",")
        ));
    }
    let mut observations = Vec::new();
    for (index, line) in lines {
        let row = index + 1;
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let bad = |column: &str, value: &str, expected: &str| {
            format!(
                "{}:{row}: column {column}: value {value:?}; expected {expected}",
                path.display()
            )
        };
        if cells.len() != 4 {
            return Err(bad("(all)", line, "4 comma-separated cells: date,signal,value,sd"));
        }
        let date =
            year(cells[0]).ok_or_else(|| bad("date", cells[0], "YYYY-MM-DD or a decimal year"))?;
        let signal = SIGNALS
            .iter()
            .find(|(name, _)| *name == cells[1])
            .map(|(_, signal)| *signal)
            .ok_or_else(|| {
                let names: Vec<&str> = SIGNALS.iter().map(|(name, _)| *name).collect();
                bad("signal", cells[1], &format!("one of {}", names.join(", ")))
            })?;
        let number = |column: &str, text: &str| {
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(column, text, "a finite number"))
        };
        let value = number("value", cells[2])?;
        let sd = number("sd", cells[3])?;
        if sd <= 0.0 {
            return Err(bad("sd", cells[3], "a standard deviation > 0"));
        }
        observations.push(Observation { year: date, signal, value, sd });
    }
    Ok(observations)
}

/// Reads and parses the signals file at `path`.
pub(crate) fn read(path: &Path) -> Result<(PathBuf, Vec<Observation>), Failure> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read signals file {}", path.display()))
        .map_err(Failure::Input)?;
    let observations =
        parse(path, &text).map_err(|message| Failure::Input(anyhow::anyhow!(message)))?;
    Ok((path.to_path_buf(), observations))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_rows_and_errors() {
        let path = Path::new("s.csv");
        let ok = parse(path, "date,signal,value,sd\n2027-07-02,production_yield,0.93,0.02\n2028.25,cooling_design,0.6,0.1\n").unwrap();
        assert_eq!(ok.len(), 2);
        // 2 July is day 182 of 2027: 2027 + 182/365.25.
        assert!((ok[0].year - (2027.0 + 182.0 / 365.25)).abs() < 1e-12);
        assert_eq!(ok[1].signal, Signal::CoolingDesign);
        let error = parse(path, "date,signal,value,sd\n2027-07-02,yield,0.93,0.02\n").unwrap_err();
        assert!(error.starts_with("s.csv:2: column signal: value \"yield\""), "{error}");
        let error =
            parse(path, "date,signal,value,sd\n2027-02-29,inspection,0.9,0.1\n").unwrap_err();
        assert!(error.contains("column date"), "{error}");
        assert!(parse(path, "date,signal,value,sd\n2028-02-29,inspection,0.9,0.1\n").is_ok());
        let error = parse(path, "date,signal,value,sd\n2027-07-02,inspection,0.9,0\n").unwrap_err();
        assert!(error.contains("column sd") && error.contains("> 0"), "{error}");
        let error = parse(path, "when,signal,value,sd\n").unwrap_err();
        assert!(error.contains("header"), "{error}");
    }
}
