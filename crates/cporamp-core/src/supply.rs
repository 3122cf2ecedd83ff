//! The market engine's closed sets: the three technology families that compete for each
//! network tier ([`Family`]) and the four supply-chain layers their spend is split into
//! ([`Layer`]). Every per-family array of the market engine (shares, capex, layer splits) is
//! in [`Family::ALL`] order and every per-layer array (value pools) in [`Layer::ALL`] order;
//! scenarios (`[market.layer_split]`) and `results.json` name them by [`Family::name`].

use serde::{Deserialize, Serialize};

/// A technology family of the market model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Pluggable optical modules (with DSP).
    Pluggable,
    /// Linear-drive pluggable optics (no DSP).
    Lpo,
    /// Co-packaged optics.
    Cpo,
}

impl<'de> Deserialize<'de> for Family {
    /// From its id ([`Family::name`]), read as text so that an unknown id's error path ends at
    /// it when it keys a table.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Family, D::Error> {
        const NAMES: [&str; 3] = [Family::Pluggable.name(), Family::Lpo.name(), Family::Cpo.name()];
        let id = String::deserialize(deserializer)?;
        Family::from_name(&id).ok_or_else(|| serde::de::Error::unknown_variant(&id, &NAMES))
    }
}

impl Family {
    /// Every family, in the order of every per-family array (ties in the market's leader go
    /// to the earlier one).
    pub const ALL: [Family; 3] = [Family::Pluggable, Family::Lpo, Family::Cpo];

    /// The family's id in scenarios and `results.json`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Family::Pluggable => "pluggable",
            Family::Lpo => "lpo",
            Family::Cpo => "cpo",
        }
    }

    /// The family of id `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|family| family.name() == name)
    }

    /// The family's position in [`Family::ALL`] (and in every per-family array).
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A supply-chain layer of the value pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Lasers, modulators, photonic ICs, fibers and connectors.
    OpticalComponents,
    /// The switch ASIC and its SerDes.
    SwitchAsic,
    /// Packaging, assembly and manufacturing.
    Packaging,
    /// Test, thermal management (the liquid-cooling bill) and periphery.
    TestThermalPeriphery,
}

impl Layer {
    /// Every layer, in the order of every per-layer array.
    pub const ALL: [Layer; 4] = [
        Layer::OpticalComponents,
        Layer::SwitchAsic,
        Layer::Packaging,
        Layer::TestThermalPeriphery,
    ];

    /// The layer's name as the report and tables show it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Layer::OpticalComponents => "optical components",
            Layer::SwitchAsic => "switch / ASIC",
            Layer::Packaging => "packaging and manufacturing",
            Layer::TestThermalPeriphery => "test, thermal and periphery",
        }
    }

    /// The layer's position in [`Layer::ALL`] (and in every per-layer array).
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The layer's key in the exposure map's CSV ([`crate::exposure`]).
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            Layer::OpticalComponents => "optical",
            Layer::SwitchAsic => "switch",
            Layer::Packaging => "packaging",
            Layer::TestThermalPeriphery => "test",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_indices_follow_all() {
        for (index, family) in Family::ALL.into_iter().enumerate() {
            assert_eq!(family.index(), index);
            assert_eq!(Family::from_name(family.name()), Some(family));
            assert_eq!(serde_json::to_value(family).unwrap(), family.name());
        }
        assert_eq!(Family::from_name("CPO"), None);
        for (index, layer) in Layer::ALL.into_iter().enumerate() {
            assert_eq!(layer.index(), index);
        }
        let keys: Vec<&str> = Layer::ALL.iter().map(|layer| layer.key()).collect();
        assert_eq!(keys, ["optical", "switch", "packaging", "test"]);
    }
}
