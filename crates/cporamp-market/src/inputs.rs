//! What the market engine takes: anchors from the engines, criteria, priors, signals and
//! observations.

use super::*;
use cporamp_core::units::{Celsius, Gbps, Kelvin, PjPerBit};

/// One inlet of the thermal and photonics engines' sweep, for the thermal check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HotPoint {
    /// Coolant inlet, °C.
    pub inlet_c: Celsius,
    /// Hottest engine mean, °C.
    pub engine_temp_c: Celsius,
    /// Lanes that cannot lock, fraction.
    pub unlockable_fraction: f64,
    /// Flaps per lane-hour.
    pub flaps_per_lane_h: f64,
}

/// Share of a technology family's spend going to each supply-chain layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerSplit {
    /// The family.
    pub technology: Family,
    /// Fractions in [`Layer::ALL`] order, summing to 1.
    pub fractions: [f64; 4],
}

/// What the engineering engines give, deterministic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anchors {
    /// First simulated year.
    pub start_year: i32,
    /// Last simulated year.
    pub end_year: i32,
    /// Pluggable switch + optics capex in `start_year`, USD per Gb/s.
    pub pluggable_usd_per_gbps: f64,
    /// LPO switch + optics capex in `start_year`, USD per Gb/s.
    pub lpo_usd_per_gbps: f64,
    /// CPO switch + optics capex (with package yield) at `reference_units`, USD per Gb/s.
    pub cpo_usd_per_gbps_at_reference: f64,
    /// Part of the CPO capex that is the external laser source, USD per Gb/s.
    pub els_usd_per_gbps: f64,
    /// Pluggable energy per bit, pJ/bit.
    pub pluggable_pj_per_bit: PjPerBit,
    /// LPO energy per bit, pJ/bit.
    pub lpo_pj_per_bit: PjPerBit,
    /// CPO energy per bit, pJ/bit.
    pub cpo_pj_per_bit: PjPerBit,
    /// Cumulative CPO switches at which the CPO anchors hold.
    pub reference_units: f64,
    /// CPO package yield over the Wright defect factor (1 at the reference) and the
    /// engineering inputs, from yield engine runs.
    pub cpo_yield: YieldSurface,
    /// CPO minus pluggable job goodput loss (fraction) versus the laser failure multiplier
    /// (the engine ports at their defaults).
    pub goodput_loss_vs_laser_factor: Surrogate,
    /// The same versus the engine ports' failure multiplier (the lasers at their defaults).
    pub goodput_loss_vs_engine_factor: Surrogate,
    /// A fleet run with both multipliers away from 1, held out of the two goodput
    /// surrogates, whose sum of effects it checks ([`model`]).
    pub goodput_held_out: GoodputCheckPoint,
    /// The pluggable fabric's own job goodput loss to network failures (every cause but the
    /// GPUs and hosts), fraction in \[0, 1\]: the downtime every technology's loss is
    /// counted from.
    pub pluggable_network_goodput_loss: f64,
    /// LPO minus pluggable job goodput loss (fraction), from the LPO fabric.
    pub lpo_goodput_loss: f64,
    /// Laser/ring temperature limit minus the engine temperature at the nominal inlet, K.
    pub engine_temp_margin_k: Kelvin,
    /// The CPO package over the inlet sweep, ascending inlet (the last is the hot end).
    pub hot_end: Vec<HotPoint>,
    /// Ports per switch.
    pub ports_per_switch: f64,
    /// Port speed, Gb/s.
    pub port_gbps: Gbps,
    /// Network tiers.
    pub tiers: Vec<MarketTier>,
    /// Layer split per technology, one for each of [`Family::ALL`].
    pub layer_split: Vec<LayerSplit>,
    /// A CPO switch's liquid-cooling bill of materials, per Gb/s of switch capacity (the
    /// pluggable and LPO switches of the comparison are air-cooled and carry none).
    pub cpo_cooling: CoolingAnchors,
}

/// A CPO switch's liquid-cooling bill of materials, USD per Gb/s of switch capacity: the
/// comparison's bill (`cporamp_compare::cooling::cooling_bom` at the midpoint of the
/// `[codesign.bom]` price ranges, each price citing its source or its reasoning there, for the
/// switch's package heat) over the switch's capacity, split into what every CPO switch
/// carries and what a rack that is already liquid-cooled provides ([`model`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CoolingAnchors {
    /// The switch's cold plates (package, engine rows, ELS modules on plates), USD per Gb/s.
    pub cold_plates_usd_per_gbps: f64,
    /// The rest of the bill: quick disconnects, hoses, flow and leak sensors, coolant, the
    /// switch's share of its rack's manifold, and the CDU capacity and facility water for its
    /// heat, USD per Gb/s. A CPO switch carries it where the rack is not yet liquid-cooled.
    pub infrastructure_usd_per_gbps: f64,
}

/// A fleet run held out of the goodput surrogates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GoodputCheckPoint {
    /// Laser failure multiplier of the run.
    pub laser_factor: f64,
    /// Engine port failure multiplier of the run.
    pub engine_factor: f64,
    /// CPO minus pluggable job goodput loss, fraction.
    pub goodput_loss: f64,
    /// Its standard error, fraction.
    pub se: f64,
}

/// Everything the market engine needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketInputs {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Samples.
    pub samples: usize,
    /// One prior per uncertain input (serialized as `inputs`: `{name, prior}` objects sorted
    /// by name).
    #[serde(rename = "inputs", serialize_with = "named_priors")]
    pub priors: ByMarketInput<Prior>,
    /// Engine results.
    pub anchors: Anchors,
    /// Volume and scenario criteria, as `[market.criteria]` sets them.
    pub criteria: MarketCriteria,
    /// Hottest engine allowed at the hot end of the inlet sweep, °C.
    pub engine_temp_limit_c: Celsius,
    /// Cumulative CPO switches shipped before `start_year` (the seed volume), > 0.
    pub seed_units: f64,
    /// CPO share of allowed tiers' ports before CPO is eligible (pilots), in \[0, 1\].
    pub pilot_share: f64,
    /// Largest leave-one-out error allowed for the anchor surrogates (in their units).
    pub surrogate_error_bound: f64,
}

/// The article's five signals to watch, each a model quantity per sample and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// CPO package yield, fraction.
    ProductionYield,
    /// Engine temperature margin to the laser/ring limit, K.
    ThermalDrift,
    /// CPO minus pluggable job goodput loss, fraction.
    Serviceability,
    /// Liquid-cooled share of new AI racks, $1/(1 + e^{-2(y - y_\text{cp})})$.
    CoolingDesign,
    /// Defect level per CPO package relative to the reference volume's.
    Inspection,
}

impl Signal {
    /// Index into [`SampleRecord::signals`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The closed range an observed value must lie in: \[0, 1\] for the fractions
    /// (production yield, cooling design share), \[-1, 1\] for serviceability (a difference
    /// of two fractions), \[0, ∞) for the inspection defect level, any finite value for the
    /// thermal margin in K.
    pub fn range(self) -> (f64, f64) {
        match self {
            Signal::ProductionYield | Signal::CoolingDesign => (0.0, 1.0),
            Signal::Serviceability => (-1.0, 1.0),
            Signal::Inspection => (0.0, f64::MAX),
            Signal::ThermalDrift => (f64::MIN, f64::MAX),
        }
    }

    /// What [`Signal::range`] asks for, in words.
    pub fn expected(self) -> &'static str {
        match self {
            Signal::ProductionYield => "a production yield (fraction) in [0, 1]",
            Signal::CoolingDesign => "a cooling design share (fraction) in [0, 1]",
            Signal::Serviceability => "a goodput loss difference (fraction) in [-1, 1]",
            Signal::Inspection => "a finite relative defect level >= 0",
            Signal::ThermalDrift => "a finite temperature margin in K",
        }
    }
}

/// One observed signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    /// When, in (fractional) years within the horizon.
    pub year: f64,
    /// What.
    pub signal: Signal,
    /// Observed value, in the signal's unit, within [`Signal::range`].
    pub value: f64,
    /// Its standard deviation, finite and at least [`MIN_OBSERVATION_SD`].
    pub sd: f64,
}

/// `priors` as `{name, prior}` objects sorted by name.
fn named_priors<S: serde::Serializer>(
    priors: &ByMarketInput<Prior>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Named<'a> {
        name: &'static str,
        prior: &'a Prior,
    }
    let named =
        priors.by_name().into_iter().map(|(input, prior)| Named { name: input.name(), prior });
    serializer.collect_seq(named)
}
