//! The uncertain inputs of the market engine and a value per input.
//!
//! Each input needs a prior (`[market.priors.<name>]` in a scenario, checked by
//! `cporamp_scenario::limits`) and its samples must stay in its [`SampleRange`]. The market
//! engine's model reads its sampled values as a [`ByMarketInput`] indexed by [`MarketInput`];
//! each input is documented, with its meaning and unit, on the market engine's model.
//! Adding an input is one line of `market_inputs!` (the compiler then asks for its range).

use crate::table::TableVisitor;
use serde::{Deserialize, Deserializer, Serialize};

/// Declares [`MarketInput`] from one list of variants, ids and labels, so that `ALL`, the
/// count, `name` and `label` cannot miss a variant: a new input is one line here (the compiler
/// then asks for its range).
macro_rules! market_inputs {
    ($($(#[$doc:meta])* $variant:ident = $name:literal / $label:literal,)*) => {
        /// An uncertain input of the market engine.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MarketInput {
            $($(#[$doc])* $variant,)*
        }

        /// The inputs' count: the length of every per-input array.
        const COUNT: usize = [$(MarketInput::$variant),*].len();

        /// The inputs' ids in [`MarketInput::ALL`] order, as serde names a table's keys.
        const NAMES: [&str; COUNT] = [$($name),*];

        impl MarketInput {
            /// Every input, in declaration order: the order of every per-input array (and of
            /// the market results' input lists).
            pub const ALL: [MarketInput; COUNT] = [$(MarketInput::$variant),*];

            /// The input's id, as scenarios (`[market.priors.<name>]`), the market engine's
            /// inputs and `results.json` name it.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $(MarketInput::$variant => $name,)*
                }
            }

            /// What people call the input (reports and charts).
            #[must_use]
            pub const fn label(self) -> &'static str {
                match self {
                    $(MarketInput::$variant => $label,)*
                }
            }
        }
    };
}

market_inputs! {
    /// Factor on the CPO defect level per doubling of cumulative CPO switches (Wright;
    /// 0.8 = 20 % fewer defects per doubling), > 0.
    YieldLearningRate = "yield_learning_rate" / "yield learning rate (defects per volume doubling)",
    /// Factor on CPO USD per Gb/s per doubling of cumulative volume, beyond the yield effect, > 0.
    CostLearningRate = "cost_learning_rate" / "CPO cost learning rate (per volume doubling)",
    /// Fraction by which every technology's USD per Gb/s falls per year, in \[0, 1).
    PriceErosion = "price_erosion" / "price erosion per year",
    /// Multiplier on laser failure rates, ≥ 0.
    LaserFailureFactor = "laser_failure_factor" / "laser failure-rate factor",
    /// Multiplier on the external laser source cost per Gb/s, ≥ 0.
    ElsCostFactor = "els_cost_factor" / "external laser cost factor",
    /// Year liquid cold plates are standard in AI racks (CPO needs them).
    ColdPlateYear = "cold_plate_year" / "year cold plates are standard",
    /// AI accelerators deployed in the market's first year, millions, > 0.
    AcceleratorsFirstYear = "accelerators_first_year" / "accelerators deployed in the first year",
    /// Growth of accelerator deployments per year (0.25 = +25 %), > −1.
    AcceleratorGrowth = "accelerator_growth" / "accelerator growth per year",
    /// Electricity price, USD/kWh, ≥ 0.
    PowerUsdPerKwh = "power_usd_per_kwh" / "electricity price, $/kWh",
    /// Value of one accelerator-hour of goodput, USD, ≥ 0.
    GpuHourUsd = "gpu_hour_usd" / "value of a GPU-hour, $",
    /// Logistic rate of CPO adoption once eligible, per year, > 0.
    AdoptionSpeed = "adoption_speed" / "adoption speed once the criteria hold",
    /// Standard deviation of the engine temperature margin, K, ≥ 0.
    ThermalMarginSigmaK = "thermal_margin_sigma_k" / "engine temperature margin uncertainty, K",
    /// Multiplier on the fiber-attach process's placement and cure-shift spread, > 0.
    AlignmentFactor = "alignment_factor" / "fiber-attach alignment spread factor",
    /// Multiplier on the edge coupler's (and fiber's) mode radius, > 0.
    ModeRadiusFactor = "mode_radius_factor" / "coupler mode radius factor",
    /// Multiplier on the ring heaters' efficiency (nm/mW), > 0.
    HeaterEfficiencyFactor = "heater_efficiency_factor" / "ring heater efficiency factor",
    /// Multiplier on the package warpage's mean and spread, > 0.
    WarpageFactor = "warpage_factor" / "package warpage factor",
    /// Multiplier on the ASIC's killer-defect density, > 0.
    AsicDefectFactor = "asic_defect_factor" / "ASIC defect density factor",
    /// Multiplier on the co-packaged engine ports' random failure rate, > 0.
    EngineFitFactor = "engine_fit_factor" / "engine port failure-rate factor",
}

impl MarketInput {
    /// The range the input's samples must stay in (the market engine refuses a sample
    /// outside it; the scenario's checks refuse a prior whose support leaves it).
    #[must_use]
    pub const fn range(self) -> SampleRange {
        const POSITIVE: SampleRange = SampleRange::from(0.0, false);
        const NON_NEGATIVE: SampleRange = SampleRange::from(0.0, true);
        match self {
            MarketInput::PriceErosion => SampleRange { low: 0.0, high: 1.0, low_inclusive: true },
            MarketInput::ColdPlateYear => SampleRange::from(f64::NEG_INFINITY, true),
            MarketInput::AcceleratorGrowth => SampleRange::from(-1.0, false),
            MarketInput::LaserFailureFactor
            | MarketInput::ElsCostFactor
            | MarketInput::PowerUsdPerKwh
            | MarketInput::GpuHourUsd
            | MarketInput::ThermalMarginSigmaK => NON_NEGATIVE,
            MarketInput::YieldLearningRate
            | MarketInput::CostLearningRate
            | MarketInput::AcceleratorsFirstYear
            | MarketInput::AdoptionSpeed
            | MarketInput::AlignmentFactor
            | MarketInput::ModeRadiusFactor
            | MarketInput::HeaterEfficiencyFactor
            | MarketInput::WarpageFactor
            | MarketInput::AsicDefectFactor
            | MarketInput::EngineFitFactor => POSITIVE,
        }
    }

    /// The input with id `name`, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<MarketInput> {
        MarketInput::ALL.into_iter().find(|input| input.name() == name)
    }

    /// Every id, joined by `separator` (for error messages).
    #[must_use]
    pub fn names(separator: &str) -> String {
        MarketInput::ALL.map(MarketInput::name).join(separator)
    }
}

impl Serialize for MarketInput {
    /// As its id.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

// `ALL` is in declaration order, so an input's discriminant is its index in `ALL` (and in
// every per-input array); the tests check it.

impl std::fmt::Display for MarketInput {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// The values an input's samples may take: above `low` (or at it, when `low_inclusive`) and
/// below `high` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleRange {
    /// Low end.
    pub low: f64,
    /// High end (exclusive).
    pub high: f64,
    /// Whether `low` itself is allowed.
    pub low_inclusive: bool,
}

impl SampleRange {
    /// From `low` up, without a high end.
    const fn from(low: f64, low_inclusive: bool) -> SampleRange {
        SampleRange { low, high: f64::INFINITY, low_inclusive }
    }
}

crate::keyed_array!(
    /// One value per [`MarketInput`], indexed by it (serialized as an array in
    /// [`MarketInput::ALL`] order, read from a table keyed by input id).
    ByMarketInput,
    MarketInput,
    COUNT
);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ByMarketInput<T> {
    /// From a table with one value per input, keyed by its id (`[market.priors.<name>]`),
    /// each once and no other key.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TableVisitor::new(&NAMES)).map(ByMarketInput)
    }
}

impl<T> ByMarketInput<T> {
    /// The number of inputs.
    pub const LEN: usize = COUNT;

    /// (input, value) sorted by the inputs' names: the order of `[market.priors.<name>]`
    /// tables in a scenario file, and of the input lists `results.json` shows.
    pub fn by_name(&self) -> Vec<(MarketInput, &T)> {
        let mut pairs: Vec<(MarketInput, &T)> = self.iter().collect();
        pairs.sort_by_key(|&(input, _)| input.name());
        pairs
    }
}

impl<T: Copy> ByMarketInput<T> {
    /// The values of `values`, which holds one per input in [`MarketInput::ALL`] order (a
    /// point of a design over all inputs).
    ///
    /// # Panics
    /// If `values` holds fewer than [`Self::LEN`] values.
    #[must_use]
    pub fn from_slice(values: &[T]) -> ByMarketInput<T> {
        ByMarketInput::from_fn(|input| values[input as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_index_in_all_order() {
        for (index, input) in MarketInput::ALL.into_iter().enumerate() {
            assert_eq!(MarketInput::from_name(input.name()), Some(input));
            assert_eq!(input as usize, index);
        }
        assert_eq!(MarketInput::from_name("thermal_margin_noise"), None);
        assert!(MarketInput::names(", ").starts_with("yield_learning_rate, cost_learning_rate, "));
        let mut values = ByMarketInput::from_fn(|input| input as usize * 10);
        values[MarketInput::PriceErosion] += 1;
        assert_eq!(values[MarketInput::PriceErosion], 21);
        assert_eq!(ByMarketInput::from_slice(&values.0), values);
        let sorted: Vec<&str> = values.by_name().iter().map(|(input, _)| input.name()).collect();
        assert_eq!(
            sorted[..3],
            ["accelerator_growth", "accelerators_first_year", "adoption_speed"]
        );
        assert!(sorted.windows(2).all(|pair| pair[0] < pair[1]) && sorted.len() == 18);
    }

    /// The ranges as the scenario checks and the market engine had them as a table.
    #[test]
    fn ranges_are_the_former_table() {
        let table: [(f64, f64, bool); 18] = [
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, false),
            (0.0, 1.0, true),
            (0.0, f64::INFINITY, true),
            (0.0, f64::INFINITY, true),
            (f64::NEG_INFINITY, f64::INFINITY, true),
            (0.0, f64::INFINITY, false),
            (-1.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, true),
            (0.0, f64::INFINITY, true),
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, true),
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, false),
            (0.0, f64::INFINITY, false),
        ];
        for (input, (low, high, low_inclusive)) in MarketInput::ALL.into_iter().zip(table) {
            assert_eq!(input.range(), SampleRange { low, high, low_inclusive }, "{input}");
        }
    }
}
