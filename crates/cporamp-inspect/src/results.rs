//! The parts of an [`InspectResult`](crate::InspectResult).

use serde::Serialize;

use crate::{Capability, Chart, Proportion, SpecLimits, SubgroupRows, VarianceComponents};

/// One bar of a Pareto chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParetoBar {
    /// Mechanism or insertion.
    pub label: String,
    /// Count.
    pub count: u64,
    /// Cumulative share of all counts up to and including this bar.
    pub cumulative_share: f64,
}

/// Pareto charts (largest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pareto {
    /// Packages not shipped.
    pub rejected_packages: u64,
    /// Rejected packages by mechanism (a package under each mechanism its lanes show).
    pub packages_by_mechanism: Vec<ParetoBar>,
    /// Failed lanes by mechanism.
    pub lanes_by_mechanism: Vec<ParetoBar>,
    /// Rejected packages by the insertion that rejected them.
    pub packages_by_insertion: Vec<ParetoBar>,
}

/// A flagged point and where its records are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlaggedPoint {
    /// Rule 1-4.
    pub rule: u8,
    /// Point (subgroup) index in the series.
    pub point: usize,
    /// The subgroup's file, rows, package and engine.
    pub rows: SubgroupRows,
}

/// A chart with its first flagged points per rule (at most
/// [`MAX_LISTED_BREAKS`](crate::MAX_LISTED_BREAKS) each).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartResult {
    /// The chart (with every break).
    #[serde(flatten)]
    pub chart: Chart,
    /// The first flagged points per rule with their rows.
    pub flagged: Vec<FlaggedPoint>,
}

/// SPC of one station and parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpcSeries {
    /// Station.
    pub station: String,
    /// Parameter.
    pub parameter: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// Subgroups (points of the individuals chart).
    pub subgroups: usize,
    /// Individuals, EWMA, X̄ and R charts (those that apply).
    pub charts: Vec<ChartResult>,
    /// Index of the first plotted point.
    pub plot_first_point: usize,
    /// Subgroup means of the last [`PLOT_POINTS`](crate::PLOT_POINTS) points.
    pub plot_means: Vec<f64>,
    /// EWMA of those points.
    pub plot_ewma: Vec<f64>,
}

/// Capability of one parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapabilityResult {
    /// Parameter.
    pub parameter: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Values.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Overall standard deviation.
    pub overall_sd: f64,
    /// Pooled within-subgroup standard deviation.
    pub within_sd: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// The limits.
    pub limits: SpecLimits,
    /// $C_{pk}$ (within sigma) with its interval; `None` without limits or spread.
    pub cpk: Option<Capability>,
    /// $P_{pk}$ (overall sigma) with its interval.
    pub ppk: Option<Capability>,
}

/// Yield of one lot or week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupYield {
    /// Lot or week.
    pub label: String,
    /// Shipped over packages, with its Wilson interval.
    #[serde(rename = "yield")]
    pub yield_: Proportion,
}

/// One engine position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionResult {
    /// Engine position.
    pub engine: u64,
    /// Lanes measured.
    pub lanes: u64,
    /// Normalized distance from the package centre, squared.
    pub rho_sq: f64,
    /// Mean coupling loss, dB.
    pub mean_loss_db: f64,
    /// Its lane-to-lane standard deviation, dB.
    pub sd_loss_db: f64,
    /// The bowl's value here, dB.
    pub fitted_db: Option<f64>,
    /// Mean minus bowl, dB.
    pub residual_db: Option<f64>,
}

/// Coupling loss by engine position with the fitted warpage bowl.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spatial {
    /// Bowl $a$, dB (None: fewer than two distinct positions).
    pub bowl_intercept_db: Option<f64>,
    /// Bowl $b$, dB per unit $\rho^2$.
    pub bowl_slope_db_per_rho_sq: Option<f64>,
    /// Lane-weighted RMS of the positions' residuals, dB.
    pub residual_rms_db: Option<f64>,
    /// Per position.
    pub positions: Vec<PositionResult>,
}

/// Variance components of one parameter's engine means by one grouping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VarianceResult {
    /// Parameter.
    pub parameter: &'static str,
    /// `lot` or `pic_wafer`.
    pub grouping: &'static str,
    /// The components.
    #[serde(flatten)]
    pub components: VarianceComponents,
}
