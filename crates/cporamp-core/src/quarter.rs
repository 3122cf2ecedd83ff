//! A calendar quarter (the yield ramp's points), written `YYYYQn` in scenarios, results and
//! reports.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar quarter: a year and the quarter's number in it (1 to 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    year: i32,
    number: u8,
}

impl Quarter {
    /// Quarter `number` (1 to 4) of `year`; `None` for another number.
    #[must_use]
    pub fn new(year: i32, number: u8) -> Option<Quarter> {
        (1..=4).contains(&number).then_some(Quarter { year, number })
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The quarter's number in its year, 1 to 4.
    #[must_use]
    pub fn number(self) -> u8 {
        self.number
    }

    /// The quarter `quarters` after this one (before it when negative).
    #[must_use]
    pub fn plus(self, quarters: i32) -> Quarter {
        let index = self.year * 4 + i32::from(self.number) - 1 + quarters;
        Quarter { year: index.div_euclid(4), number: index.rem_euclid(4) as u8 + 1 }
    }

    /// The quarter's start as a fractional year (2026Q3 is 2026.5).
    #[must_use]
    pub fn start_year(self) -> f64 {
        f64::from(self.year) + (f64::from(self.number) - 1.0) / 4.0
    }
}

impl std::fmt::Display for Quarter {
    /// `YYYYQn`, e.g. `2026Q1`.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}Q{}", self.year, self.number)
    }
}

/// What a quarter's text looks like, for people.
const QUARTER_TEXT: &str = "a quarter written YYYYQn, n in 1..4 (e.g. \"2026Q1\")";

/// Why a text is not a quarter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not {QUARTER_TEXT}")]
pub struct QuarterError(pub String);

impl std::str::FromStr for Quarter {
    type Err = QuarterError;

    /// `YYYYQn`, n in 1..4.
    fn from_str(text: &str) -> Result<Quarter, QuarterError> {
        text.split_once('Q')
            .and_then(|(year, number)| Quarter::new(year.parse().ok()?, number.parse().ok()?))
            .ok_or_else(|| QuarterError(text.to_string()))
    }
}

impl Serialize for Quarter {
    /// As its `YYYYQn` text.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    /// From its `YYYYQn` text.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Quarter, D::Error> {
        let text = String::deserialize(deserializer)?;
        // serde's own wording for a value of the right type that is not valid, which a reader
        // (the scenario's) can turn into a problem naming the value and what was expected.
        text.parse().map_err(|_| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &QUARTER_TEXT)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_read_write_and_count_as_yyyyqn() {
        let first: Quarter = "2026Q3".parse().unwrap();
        assert_eq!((first.year(), first.number()), (2026, 3));
        assert_eq!(first.to_string(), "2026Q3");
        assert_eq!(first.plus(2).to_string(), "2027Q1");
        assert_eq!(first.plus(-3).to_string(), "2025Q4");
        assert_eq!(first.start_year().to_bits(), 2026.5f64.to_bits());
        for bad in ["2026Q0", "2026Q5", "2026", "Q1", "2026q1", "2026Q1x", "2026Q-1"] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&first).unwrap(), "\"2026Q3\"");
        assert_eq!(serde_json::from_str::<Quarter>("\"2026Q3\"").unwrap(), first);
        assert!(serde_json::from_str::<Quarter>("\"2026Q9\"").is_err());
    }
}
