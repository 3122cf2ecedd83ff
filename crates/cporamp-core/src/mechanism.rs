//! The five failure mechanisms of a co-packaged package (the article's failure points) and a
//! value per mechanism.
//!
//! Coupling (fiber misalignment against the coupling budget), laser (dead and weak lasers),
//! drift (ring offsets the heater cannot lock), warpage (fiber shift from package bow and
//! bump opens) and ASIC (die defects). The yield engine's per-lane flags, test coverages and
//! results, the inspection analytics and the reports index by [`Mechanism`]; a
//! [`ByMechanism`] serializes as a plain array in [`Mechanism::ALL`] order, and reads from a
//! table keyed by mechanism (`coupling = 0.9`, ..., as the scenario writes coverages).

use crate::table::TableVisitor;
use serde::{Deserialize, Deserializer, Serialize};

/// A failure mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    /// Fiber misalignment: a lane's coupling loss above the coupling budget.
    Coupling,
    /// A dead laser, or a weak one that burn-in or the field finds.
    Laser,
    /// A ring whose fabrication offset the heater cannot lock.
    Drift,
    /// Package warpage: fiber shift from the package bow, bump and board-joint opens.
    Warpage,
    /// A killer defect on the ASIC die.
    Asic,
}

impl Mechanism {
    /// Every mechanism, in the order of every per-mechanism array.
    pub const ALL: [Mechanism; 5] = [
        Mechanism::Coupling,
        Mechanism::Laser,
        Mechanism::Drift,
        Mechanism::Warpage,
        Mechanism::Asic,
    ];

    /// The mechanism's id, as data files, `results.json` and scenario fields name it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Mechanism::Coupling => "coupling",
            Mechanism::Laser => "laser",
            Mechanism::Drift => "drift",
            Mechanism::Warpage => "warpage",
            Mechanism::Asic => "asic",
        }
    }

    /// What people call the mechanism (reports and charts).
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Mechanism::Coupling => "fiber coupling",
            Mechanism::Laser => "laser defects",
            Mechanism::Drift => "ring drift",
            Mechanism::Warpage => "package warpage",
            Mechanism::Asic => "ASIC defects",
        }
    }

    /// The mechanism with id `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|mechanism| mechanism.name() == name)
    }

    /// Every id, joined by `separator` (for error messages).
    #[must_use]
    pub fn names(separator: &str) -> String {
        Mechanism::ALL.map(Mechanism::name).join(separator)
    }
}

impl std::fmt::Display for Mechanism {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

crate::keyed_array!(
    /// One value per [`Mechanism`], indexed by it (serialized as an array in
    /// [`Mechanism::ALL`] order).
    ByMechanism,
    Mechanism,
    5
);

/// The mechanisms' ids, as serde names the fields of a [`ByMechanism`] table.
const NAMES: [&str; 5] = [
    Mechanism::Coupling.name(),
    Mechanism::Laser.name(),
    Mechanism::Drift.name(),
    Mechanism::Warpage.name(),
    Mechanism::Asic.name(),
];

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ByMechanism<T> {
    /// From a table with one value per mechanism, keyed by its id, each once and no other key.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TableVisitor::new(&NAMES)).map(ByMechanism)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_index_in_all_order() {
        for (index, mechanism) in Mechanism::ALL.into_iter().enumerate() {
            assert_eq!(Mechanism::from_name(mechanism.name()), Some(mechanism));
            assert_eq!(mechanism as usize, index);
        }
        assert_eq!(Mechanism::from_name("bow"), None);
        assert_eq!(Mechanism::names(", "), "coupling, laser, drift, warpage, asic");
        let mut values = ByMechanism::from_fn(|mechanism| mechanism as usize * 10);
        values[Mechanism::Drift] += 1;
        assert_eq!(values.0, [0, 10, 21, 30, 40]);
        assert_eq!(serde_json::to_string(&values).unwrap(), "[0,10,21,30,40]");
        assert_eq!(NAMES, Mechanism::ALL.map(Mechanism::name));
    }

    #[test]
    fn a_table_keyed_by_mechanism_reads_each_once_and_nothing_else() {
        let read = |text: &str| serde_json::from_str::<ByMechanism<u32>>(text);
        let table = r#"{"asic": 5, "laser": 2, "coupling": 1, "warpage": 4, "drift": 3}"#;
        assert_eq!(read(table).unwrap().0, [1, 2, 3, 4, 5]);
        let error = read(r#"{"coupling": 1, "laser": 2, "drift": 3, "warpage": 4}"#);
        assert!(error.unwrap_err().to_string().contains("missing field `asic`"));
        let error = read(r#"{"coupling": 1, "bow": 2}"#).unwrap_err().to_string();
        assert!(error.contains("unknown field `bow`, expected one of `coupling`"), "{error}");
        let error = read(r#"{"laser": 1, "laser": 2}"#).unwrap_err().to_string();
        assert!(error.contains("duplicate field `laser`"), "{error}");
    }
}
