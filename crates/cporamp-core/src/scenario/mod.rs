//! Scenarios: the TOML a user writes, checked and resolved into engine inputs.
//!
//! Three layers, as in ruff's options/settings split:
//! 1. [`raw`]: serde types that mirror the file, unknown fields refused, nothing defaulted;
//! 2. `resolve`: range and consistency checks that collect every problem with its field
//!    path, value, allowed range and unit, located back in the file by line and column;
//! 3. the resolved [`Scenario`] below: unit types, ordered lists, no strings to interpret.
//!
//! Engines take a [`Scenario`] and never see TOML.

mod align;
mod codesign;
pub mod limits;
mod locate;
mod quick;
pub mod raw;
mod resolve;
mod schema;

use crate::error::{Diagnostic, DiagnosticKind, ScenarioError};
use crate::mechanism::ByMechanism;
use crate::units::{
    Celsius, Db, Dbm, Gbps, Hours, Kelvin, Metres, Millimetres, Nanometres, PjPerBit, Usd, Watts,
};
use serde::Serialize;

/// The scenario schema this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// The embedded default scenario, with a comment citing the source of every value.
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../presets/default.toml");

/// The origin name used in messages about the embedded default.
pub const DEFAULT_ORIGIN: &str = "<embedded default>";

pub use crate::prior::Prior;
pub use align::{AlignSettings, AttachCost};
pub use codesign::{
    ChannelGeometry, CodesignSettings, CoolingBom, ElsPlacement, EnginePlate, PriceRange,
};
pub use quick::{QUICK_ORIGIN, quick_scenario_toml};

/// Parses, checks and resolves a scenario. `origin` names the file in error messages.
///
/// # Errors
/// A [`ScenarioError`] listing every problem found, each with its field path, value,
/// allowed range and unit, and its line and column where known.
pub fn load(source: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let fail =
        |diagnostics: Vec<Diagnostic>| ScenarioError { origin: origin.to_string(), diagnostics };
    let deserializer = toml::Deserializer::parse(source).map_err(|error| {
        let message = error.message().trim().to_string();
        let duplicate = match error.span() {
            Some(span) if message.starts_with("duplicate key") => {
                schema::duplicate_key(source, span)
            }
            _ => None,
        };
        fail(vec![duplicate.unwrap_or_else(|| Diagnostic {
            path: String::new(),
            location: error.span().map(|span| locate::line_column(source, span.start)),
            kind: DiagnosticKind::Syntax { message },
        })])
    })?;
    let file: raw::ScenarioFile =
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = schema::field_path(error.path());
            let inner = error.into_inner();
            let message = inner.message().trim().to_string();
            let kind = schema::wrong_type(source, &path, &message, inner.span())
                .unwrap_or(DiagnosticKind::Schema { message });
            fail(vec![Diagnostic {
                location: inner.span().map(|span| locate::line_column(source, span.start)),
                path,
                kind,
            }])
        })?;
    let located = |mut diagnostics: Vec<Diagnostic>| {
        for diagnostic in &mut diagnostics {
            diagnostic.location = locate::locate_path(source, &diagnostic.path);
        }
        fail(diagnostics)
    };
    let scenario = resolve::resolve(&file).map_err(located)?;
    // Ranges that depend on other fields, once every field is in its own range.
    let dependent = limits::dependent(&scenario);
    if dependent.is_empty() { Ok(scenario) } else { Err(located(dependent)) }
}

/// Line and column of the field `path` (dotted, as in diagnostics) in `source`, or of its
/// deepest parent present.
#[must_use]
pub fn locate(source: &str, path: &str) -> Option<(usize, usize)> {
    locate::locate_path(source, path)
}

/// The embedded default scenario, resolved.
///
/// # Errors
/// Only if the embedded file is broken, which a test rules out.
pub fn load_default() -> Result<Scenario, ScenarioError> {
    load(DEFAULT_SCENARIO_TOML, DEFAULT_ORIGIN)
}

/// A checked scenario: everything an engine needs, in unit types.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// One line on what it is for.
    pub description: String,
    /// Switch generations in display order.
    pub generations: Vec<Generation>,
    /// Technologies in display order.
    pub technologies: Vec<Technology>,
    /// Repair times.
    pub service: Service,
    /// Gross margin of pluggable-module vendors, a fraction in [0, 1).
    pub module_gross_margin: f64,
    /// The thermal engine's package and cooling.
    pub thermal: ThermalSettings,
    /// The photonics engine's settings.
    pub photonics: PhotonicsSettings,
    /// The yield engine's settings.
    pub yield_settings: YieldSettings,
    /// The fleet engine's settings.
    pub fleet: FleetSettings,
    /// The market engine's settings.
    pub market: MarketSettings,
    /// Automated fiber alignment and passive attach.
    pub align: AlignSettings,
    /// The liquid-cooling and optics co-design sweep and the cooling bill of materials.
    pub codesign: CodesignSettings,
}

/// The fleet engine: a GPU cluster's scale-out fabric, built once per technology (every tier)
/// and once mixed, run over years with failures, repairs and a training job.
#[derive(Debug, Clone, Serialize)]
pub struct FleetSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Replications (at least 2).
    pub replications: usize,
    /// Simulated years.
    pub years: f64,
    /// Index into `Scenario::generations` of the cluster's switch generation.
    pub generation: usize,
    /// GPUs, one scale-out port each.
    pub gpus: usize,
    /// Switch tiers (2 or 3).
    pub tiers: usize,
    /// Indices into `Scenario::technologies`: one fabric per entry, that technology on every
    /// tier.
    pub technologies: Vec<usize>,
    /// One more fabric with a technology per tier (leaf first); empty for none.
    pub mixed_tiers: Vec<usize>,
    /// Index of the pluggable technology of the GPU's NIC module.
    pub nic_technology: usize,
    /// Technicians on site.
    pub technicians: usize,
    /// GPU and host failures that interrupt a job, per GPU-hour.
    pub gpu_interruptions_per_gpu_h: f64,
    /// Lognormal sigma of repair times (medians from `[service]`).
    pub repair_sigma: f64,
    /// Failed ports after which a co-packaged switch is replaced.
    pub replace_after_failed_ports: usize,
    /// Spares stocked, a fraction of the installed units of each pool (at least one).
    pub spare_fraction: f64,
    /// Reorder lead time of every spares pool, h.
    pub reorder_lead_h: f64,
    /// Failure rates and lifetimes.
    pub reliability: FleetReliability,
    /// The training job.
    pub job: FleetJob,
}

/// The market engine: priors on the inputs that decide the ramp, the network tiers, the value
/// split by supply-chain layer and the criteria that define the article's scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct MarketSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Prior samples.
    pub samples: usize,
    /// First and last year of the horizon.
    pub start_year: i32,
    /// Last year of the horizon.
    pub end_year: i32,
    /// Index of the co-packaged technology the market weighs.
    pub cpo_technology: usize,
    /// Index of the pluggable reference.
    pub pluggable_technology: usize,
    /// Index of the linear-drive technology.
    pub lpo_technology: usize,
    /// Engine temperature above which a co-packaged design needs a redesign, °C.
    pub engine_temp_limit_c: f64,
    /// CPO share shipped as pilots before the criteria hold.
    pub pilot_share: f64,
    /// Largest held-out error accepted from a surrogate of an engine.
    pub surrogate_error_bound: f64,
    /// Laser failure-rate multipliers at which the fleet engine is run for the goodput
    /// surrogate.
    pub laser_factors: Vec<f64>,
    /// Multipliers on the co-packaged engine ports' random failure rate at which the fleet
    /// engine is run for the goodput surrogate.
    pub engine_fit_factors: Vec<f64>,
    /// Base samples of the Sobol analysis.
    pub sobol_samples: usize,
    /// Bootstrap resamples of the Sobol confidence intervals.
    pub sobol_bootstrap: usize,
    /// Scenario criteria.
    pub criteria: MarketCriteria,
    /// Priors by input name.
    pub priors: Vec<(String, Prior)>,
    /// Network tiers.
    pub tiers: Vec<MarketTier>,
    /// Value split by layer per technology family (`pluggable`, `lpo`, `cpo`).
    pub layer_split: Vec<(String, [f64; 4])>,
}

/// The criteria that define volume and the scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct MarketCriteria {
    /// CPO package yield needed for volume.
    pub yield_target: f64,
    /// CPO share of a tier's new ports that counts as volume.
    pub volume_share: f64,
    /// Extra job goodput loss tolerated against pluggables.
    pub goodput_parity: f64,
    /// Bull: volume in the main tier by this year.
    pub bull_by_year: i32,
    /// The end of the article's window: base by this year, bear after it.
    pub bear_after_year: i32,
    /// Tail: largest fraction of unlockable lanes at the hot end of the inlet sweep.
    pub unlockable_limit: f64,
    /// Tail: largest flap rate there, per lane-hour.
    pub flap_limit_per_lane_h: f64,
}

/// One network tier of the market.
#[derive(Debug, Clone, Serialize)]
pub struct MarketTier {
    /// Name (`scale-up`, `leaf`, `spine`).
    pub name: String,
    /// Ports per accelerator in this tier.
    pub ports_per_accelerator: f64,
    /// Largest CPO share of new ports (0: CPO not used here).
    pub cpo_max_share: f64,
    /// Whether LPO reaches across this tier.
    pub lpo_allowed: bool,
    /// Whether this tier's link failures interrupt the training job.
    pub job_exposed: bool,
}

/// Failure rates and laser lifetimes for the fleet engine.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReliability {
    /// A DSP pluggable module, all causes, FIT.
    pub module_fit: f64,
    /// The DSP's share of it (absent from a linear-drive module), FIT.
    pub dsp_fit: f64,
    /// A co-packaged engine's share per port device of `engine_port_fit_gbps` (driver,
    /// modulator, photodiode, TIA), FIT.
    pub engine_port_fit: f64,
    /// Random failures per laser (co-packaged and ELS lasers) at `laser_fit_ref_temp_c`, FIT.
    pub laser_fit: f64,
    /// Laser wear-out Weibull shape.
    pub laser_weibull_shape: f64,
    /// Laser wear-out characteristic life at `laser_ref_temp_c`, h.
    pub laser_weibull_scale_h: f64,
    /// Temperature of that characteristic life, °C.
    pub laser_ref_temp_c: f64,
    /// Arrhenius activation energy of laser wear-out, eV.
    pub laser_activation_energy_ev: f64,
    /// Switch hardware other than optics, FIT.
    pub switch_hardware_fit: f64,
    /// Latent-defect fraction of pluggable modules, DPPM.
    pub module_infant_dppm: f64,
    /// Mean time to failure of a latent defect, h.
    pub infant_mean_h: f64,
    /// Port speed at which `engine_port_fit` is quoted, Gb/s: a port of the fleet's speed
    /// holds `port_rate_gbps / engine_port_fit_gbps` such devices' worth of optics in series.
    pub engine_port_fit_gbps: f64,
    /// Junction temperature at which `laser_fit` is quoted, °C: the random laser FIT is scaled
    /// to each laser's temperature with `laser_activation_energy_ev`.
    pub laser_fit_ref_temp_c: f64,
}

/// The training job of the fleet engine.
#[derive(Debug, Clone, Serialize)]
pub struct FleetJob {
    /// GPUs of the job.
    pub gpus: usize,
    /// Work between checkpoints, h.
    pub checkpoint_interval_h: f64,
    /// Time to write a checkpoint, h.
    pub checkpoint_cost_h: f64,
    /// Time to restart after an interruption, h.
    pub restart_cost_h: f64,
}

/// Fiber re-attach of a package that failed package test for coupling alone: the fiber
/// blocks of the engines with coupling failures are removed and attached again (fresh
/// placement, gap and tilt; the warpage stays), then the package is tested again. The yield
/// engine takes it as it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rework {
    /// Attempts per package (0: a reject is scrap).
    pub attempts: usize,
    /// Probability that an attempt damages the package.
    pub damage_probability: f64,
    /// Cost per attempt, USD.
    pub usd: f64,
}

/// Wright's-law learning of the yield engine's defect levels.
#[derive(Debug, Clone, Serialize)]
pub struct Ramp {
    /// Factor on defect levels per doubling of cumulative volume, in (0, 1].
    pub learning_rate: f64,
    /// Cumulative packages at which the `[yield]` defect levels hold.
    pub reference_units: f64,
    /// Packages built before the first quarter.
    pub initial_units: f64,
    /// Each quarter of the ramp (`2026Q1`, ...).
    pub quarters: Vec<crate::quarter::Quarter>,
    /// Cumulative packages at the end of each quarter: the units built before the first one
    /// plus the quarters' volumes.
    pub cumulative_units: Vec<f64>,
    /// Packages simulated per point.
    pub packages_per_point: usize,
}

/// The yield engine: Monte Carlo size, defect densities, warpage, test flow and costs (the
/// structure, optics and ASIC come from the technology, photonics and thermal settings).
#[derive(Debug, Clone, Serialize)]
pub struct YieldSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Packages simulated per technology and generation.
    pub packages: usize,
    /// Spare lanes per engine.
    pub spare_lanes_per_engine: usize,
    /// Post-attach (cure) shift sigma per axis of a whole fiber block, µm.
    pub shift_sigma_um: f64,
    /// Mean fiber-block-to-coupler gap, µm.
    pub gap_mean_um: f64,
    /// Gap sigma per fiber block, µm.
    pub gap_sigma_um: f64,
    /// Refractive index of the gap fill.
    pub gap_index: f64,
    /// Fiber-block tilt sigma per axis, mrad.
    pub tilt_sigma_mrad: f64,
    /// Expected killer defects per laser, $D_L A_L$.
    pub laser_defects_per_laser: f64,
    /// Weak (infant-mortality) laser fraction.
    pub laser_weak_fraction: f64,
    /// Failure rate of weak lasers under burn-in, 1/h.
    pub laser_weak_rate_per_h: f64,
    /// Burn-in duration, h.
    pub burn_in_h: f64,
    /// Corner warpage per package side squared, µm/mm².
    pub warpage_um_per_mm2: f64,
    /// Warpage sigma as a fraction of its mean.
    pub warpage_sigma_fraction: f64,
    /// Lateral fiber shift per µm of warpage at an engine, µm/µm.
    pub warpage_lateral_per_um: f64,
    /// Package warpage at reflow over warpage at room temperature.
    pub reflow_warpage_fraction: f64,
    /// Lower end of the band of reflow warpage in which board (BGA) joints open, µm.
    pub bga_open_low_um: f64,
    /// Upper end of that band, µm.
    pub bga_open_high_um: f64,
    /// Bow across an optical engine at which its joints to the substrate open, µm.
    pub engine_joint_open_um: f64,
    /// ASIC killer defect density, 1/cm².
    pub asic_defects_per_cm2: f64,
    /// Negative-binomial clustering parameter of ASIC defects (per wafer).
    pub asic_cluster_alpha: f64,
    /// ASIC wafers per lot.
    pub wafers_per_lot: usize,
    /// Lot-to-lot clustering parameter of the ASIC defect density.
    pub asic_lot_alpha: f64,
    /// Engines (PIC dies) per PIC wafer.
    pub engines_per_pic_wafer: usize,
    /// Share of the die-common ring offset variance that is common to a PIC wafer.
    pub ring_offset_wafer_share: f64,
    /// Spare lasers per external laser source module, beyond its data lasers.
    pub els_spare_lasers: usize,
    /// ASIC wafer-test coverage.
    pub wafer_test_coverage: f64,
    /// Engine-test coverage per mechanism.
    pub engine_test_coverage: ByMechanism<f64>,
    /// Package-test coverage per mechanism.
    pub package_test_coverage: ByMechanism<f64>,
    /// System-test coverage per mechanism (the switch under traffic, after package test).
    pub system_test_coverage: ByMechanism<f64>,
    /// Defect levels falling with cumulative volume.
    pub ramp: Ramp,
    /// Fiber re-attach of packages rejected for coupling alone.
    pub rework: Rework,
    /// Substrate, lid, assembly and fiber attach per package, USD.
    pub packaging_usd: f64,
    /// Wafer test per ASIC, USD.
    pub wafer_test_usd: f64,
    /// Engine test per engine, USD.
    pub engine_test_usd: f64,
    /// Package test per package, USD.
    pub package_test_usd: f64,
    /// System test per switch, USD.
    pub system_test_usd: f64,
    /// Burn-in per package, USD.
    pub burn_in_usd: f64,
}

/// The photonics engine: ring line shape, heater range, lock loop, lane-to-lane variation
/// and the workload whose thermal transient drives the drift.
#[derive(Debug, Clone, Serialize)]
pub struct PhotonicsSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Monte Carlo lanes per technology and generation.
    pub lanes: usize,
    /// Lanes sharing one PIC (one global fabrication offset).
    pub lanes_per_pic: usize,
    /// Operating wavelength, nm.
    pub wavelength_nm: f64,
    /// Loaded quality factor of the rings.
    pub ring_loaded_q: f64,
    /// Heater power limit, mW.
    pub heater_max_mw: f64,
    /// Share of a heater's shift reaching each adjacent ring of its PIC row.
    pub heater_crosstalk: f64,
    /// WDM channel spacing between adjacent rings of a row, nm.
    pub channel_spacing_nm: f64,
    /// Share of the fabrication-offset variance common to a PIC, 0..1.
    pub global_variance_fraction: f64,
    /// Laser wavelength offset spread, nm.
    pub laser_offset_sigma_nm: f64,
    /// Fiber-block placement spread per axis, common to the block's fibers, µm.
    pub block_sigma_um: f64,
    /// Core position spread per axis of each fiber within its block, µm.
    pub fiber_sigma_um: f64,
    /// Mode radius (1/e² intensity) of fiber and coupler, µm.
    pub mode_radius_um: f64,
    /// Part of each co-packaged link margin allocated to excess coupling loss: a lane whose
    /// coupling loss exceeds it fails package test, dB.
    pub coupling_allocation_db: f64,
    /// Part of the link margin held back for ageing (not available to detuning), dB.
    pub ageing_allocation_db: f64,
    /// Whether a ring bus may lock to its laser grid rotated by whole channels
    /// ([`crate::wdm`]).
    pub wavelength_reassignment: bool,
    /// Heater shift the bus rotation keeps below every ring at bring-up, nm.
    pub lock_guard_nm: f64,
    /// Lane-to-lane optical power spread, dB.
    pub power_sigma_db: f64,
    /// Lock-loop sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Proportional gain.
    pub kp: f64,
    /// Integral gain per sample.
    pub ki: f64,
    /// Capture half-width of the error signal in half-linewidths.
    pub capture_fwhm: f64,
    /// Time a re-lock takes, s.
    pub relock_time_s: f64,
    /// Time over the BER threshold that takes a link down, s.
    pub flap_window_s: f64,
    /// Workload period of the drift transient, s.
    pub workload_period_s: f64,
    /// Busy share of the workload period.
    pub workload_busy_fraction: f64,
    /// Thermal time step of the drift transient, s.
    pub thermal_step_s: f64,
    /// Lateral cells per package side of the drift transient's package model.
    pub drift_grid_cells: usize,
    /// Workload periods simulated (the first is warm-up).
    pub periods: usize,
    /// On-die temperature sensor resolution, K.
    pub sensor_lsb_k: f64,
    /// Samples per telemetry channel in the drift predictor.
    pub predictor_taps: usize,
}

/// The co-packaged switch package and its liquid cold plate (all lengths in mm as named).
#[derive(Debug, Clone, Serialize)]
pub struct ThermalSettings {
    /// Lateral cells per side of the package.
    pub grid_cells: usize,
    /// ASIC die side per generation, in [`Scenario::generations`] order, mm.
    pub asic_side_mm: Vec<f64>,
    /// Optical engine depth (perpendicular to the package edge), mm.
    pub engine_depth_mm: f64,
    /// Gap between the ASIC die and the engines, mm.
    pub engine_gap_mm: f64,
    /// Substrate beyond the outermost engine, mm.
    pub substrate_margin_mm: f64,
    /// Die (ASIC and engine) thickness, mm.
    pub die_thickness_mm: f64,
    /// Silicon conductivity, W/(m K).
    pub silicon_k_w_per_mk: f64,
    /// Silicon volumetric heat capacity, J/(m³ K).
    pub silicon_rho_c_j_per_m3k: f64,
    /// Die-to-lid TIM thickness, mm.
    pub tim_thickness_mm: f64,
    /// TIM conductivity, W/(m K).
    pub tim_k_w_per_mk: f64,
    /// Conductivity of what fills the die layer between dies, W/(m K).
    pub gap_k_w_per_mk: f64,
    /// Lid thickness, mm.
    pub lid_thickness_mm: f64,
    /// Lid conductivity, W/(m K).
    pub lid_k_w_per_mk: f64,
    /// Lid volumetric heat capacity, J/(m³ K).
    pub lid_rho_c_j_per_m3k: f64,
    /// Substrate thickness, mm.
    pub substrate_thickness_mm: f64,
    /// Substrate effective conductivity, W/(m K).
    pub substrate_k_w_per_mk: f64,
    /// Substrate volumetric heat capacity, J/(m³ K).
    pub substrate_rho_c_j_per_m3k: f64,
    /// The cold plate.
    pub cold_plate: ColdPlate,
    /// Workload cycling and solder fatigue.
    pub cycling: Cycling,
    /// The ASIC's leakage.
    pub leakage: AsicLeakage,
    /// The secondary heat path through the board.
    pub board: Board,
}

/// The secondary heat path under the package: solder balls, the board, and the board's
/// convection to the chassis air, in series over the package footprint.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Board {
    /// Solder-ball layer thickness, mm.
    pub solder_thickness_mm: f64,
    /// Effective conductivity of the solder-ball layer, W/(m K).
    pub solder_k_w_per_mk: f64,
    /// Board thickness, mm.
    pub pcb_thickness_mm: f64,
    /// Through-thickness board conductivity, W/(m K).
    pub pcb_k_w_per_mk: f64,
    /// Convection resistance from the whole board to air, K/W (HotSpot's `r_convec_sec`).
    pub air_r_k_per_w: f64,
    /// Chassis air temperature around the board, °C.
    pub air_temp_c: f64,
}

/// The ASIC's leakage: $P(T) = P_\text{nom}[(1 - f) + f e^{\beta (T - T_\text{ref})}]$ with
/// $P_\text{nom}$ the generation's ASIC power.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AsicLeakage {
    /// Leakage share of the ASIC power at the reference temperature, 0..1.
    pub fraction: f64,
    /// Junction temperature at which the generation's ASIC power holds, °C.
    pub reference_temp_c: f64,
    /// Exponential temperature coefficient, 1/K.
    pub beta_per_k: f64,
}

/// A square-wave workload and the Norris-Landzberg fatigue model.
#[derive(Debug, Clone, Serialize)]
pub struct Cycling {
    /// Workload period, s.
    pub period_s: f64,
    /// Fraction of the period at full power.
    pub busy_fraction: f64,
    /// Power at idle as a fraction of full power (ASIC and engines).
    pub idle_power_fraction: f64,
    /// Coolant inlet rise while busy over its idle value (a shared loop warming under load), K.
    pub inlet_swing_k: f64,
    /// Time steps per period.
    pub steps_per_period: usize,
    /// Periods simulated (the first is discarded as the start-up transient).
    pub n_periods: usize,
    /// Norris-Landzberg temperature-range exponent.
    pub range_exponent: f64,
    /// Norris-Landzberg frequency exponent.
    pub frequency_exponent: f64,
    /// Norris-Landzberg activation energy over Boltzmann's constant, K.
    pub ea_over_k_k: f64,
    /// Cycles the qualification test survives.
    pub test_cycles: f64,
    /// Test minimum temperature, °C.
    pub test_min_c: f64,
    /// Test maximum temperature, °C.
    pub test_max_c: f64,
    /// Test cycles per day.
    pub test_cycles_per_day: f64,
}

/// What flows between the fins of the heat sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeatSinkKind {
    /// A liquid cold plate: Shah-London laminar or Gnielinski turbulent channel flow.
    LiquidChannels,
    /// An air-cooled plate-fin sink: Teertstra, Yovanovich and Culham parallel-plate model.
    AirFins,
    /// A liquid cold plate solved with 3D-ICE's 4-resistor microchannel model (channels and
    /// walls resolved, coolant advected along the channels), the channel wall's
    /// heat-transfer coefficient from the liquid correlation.
    #[serde(rename = "microchannel_4rm")]
    Microchannel4rm,
}

impl HeatSinkKind {
    /// Whether the package's cold plate is solved with 3D-ICE's channel model rather than
    /// a lumped correlation over the lid.
    #[must_use]
    pub fn is_microchannel(self) -> bool {
        matches!(self, HeatSinkKind::Microchannel4rm)
    }
}

/// A heat sink over the lid with parallel rectangular channels between fins: a liquid cold
/// plate or an air plate-fin sink (the `coolant_*` properties are then air's).
#[derive(Debug, Clone, Serialize)]
pub struct ColdPlate {
    /// Liquid channels or air fins: selects the heat-transfer correlation.
    pub kind: HeatSinkKind,
    /// Coolant inlet temperature for the comparison, °C.
    pub nominal_inlet_c: f64,
    /// Inlet temperatures of the sweep, °C.
    pub inlet_sweep_c: Vec<f64>,
    /// Coolant flow, L/min.
    pub flow_l_per_min: f64,
    /// Channel width, mm.
    pub channel_width_mm: f64,
    /// Channel height (fin height), mm.
    pub channel_height_mm: f64,
    /// Wall (fin) thickness between channels, mm.
    pub wall_thickness_mm: f64,
    /// Plate base thickness under the channels, mm.
    pub base_thickness_mm: f64,
    /// Plate conductivity, W/(m K).
    pub plate_k_w_per_mk: f64,
    /// Lid-to-plate interface resistance, K mm²/W.
    pub interface_r_k_mm2_per_w: f64,
    /// Coolant conductivity, W/(m K).
    pub coolant_k_w_per_mk: f64,
    /// Coolant density, kg/m³.
    pub coolant_rho_kg_per_m3: f64,
    /// Coolant specific heat, J/(kg K).
    pub coolant_cp_j_per_kgk: f64,
    /// Coolant dynamic viscosity, Pa s.
    pub coolant_viscosity_pa_s: f64,
}

impl Scenario {
    /// The generation with this id.
    #[must_use]
    pub fn generation(&self, id: &str) -> Option<&Generation> {
        self.generations.iter().find(|generation| generation.id == id)
    }

    /// The scenario restricted to the generation at `index` of [`Scenario::generations`]:
    /// every per-generation list keeps that generation's entry only, and the fleet (so the
    /// market, which is anchored on it) is built at it.
    ///
    /// # Panics
    /// If `index` is out of range (look the id up first, e.g. with
    /// `cporamp_compare::generation_index`, which names the ids the scenario defines).
    #[must_use]
    pub fn only_generation(&self, index: usize) -> Scenario {
        let mut only = self.clone();
        only.generations = vec![self.generations[index].clone()];
        only.thermal.asic_side_mm = vec![self.thermal.asic_side_mm[index]];
        for technology in &mut only.technologies {
            technology.parts = vec![technology.parts[index].clone()];
        }
        only.fleet.generation = 0;
        only.codesign.generation = 0;
        only
    }
}

/// A switch generation: the ASIC and its SerDes.
#[derive(Debug, Clone, Serialize)]
pub struct Generation {
    /// Id such as `51.2T`.
    pub id: String,
    /// SerDes lanes on the switch ASIC.
    pub lanes_per_switch: u32,
    /// Payload rate of one lane.
    pub lane_rate: Gbps,
    /// Lanes in one front-panel port.
    pub lanes_per_port: u32,
    /// Energy of the switching core (packet processing, buffers) per switched bit.
    pub asic_core: PjPerBit,
    /// Long-reach host SerDes, TX + RX per lane.
    pub host_serdes_long_reach: PjPerBit,
    /// XSR (die-to-optical-engine) host SerDes, TX + RX per lane.
    pub host_serdes_xsr: PjPerBit,
    /// Receiver OMA needed at the KP4 pre-FEC threshold.
    pub rx_oma_sensitivity: Dbm,
    /// Switch ASIC cost.
    pub asic_cost: Usd,
}

impl Generation {
    /// Switch capacity: lanes x lane rate.
    #[must_use]
    pub fn switch_capacity(&self) -> Gbps {
        Gbps(f64::from(self.lanes_per_switch) * self.lane_rate.0)
    }

    /// Port rate: lanes per port x lane rate.
    #[must_use]
    pub fn port_rate(&self) -> Gbps {
        Gbps(f64::from(self.lanes_per_port) * self.lane_rate.0)
    }

    /// Front-panel ports per switch.
    #[must_use]
    pub fn ports_per_switch(&self) -> u32 {
        self.lanes_per_switch / self.lanes_per_port
    }
}

/// How the ports reach the front panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TechnologyKind {
    /// A field-replaceable module in a front-panel cage.
    Pluggable,
    /// Passive copper from the package or board to the panel.
    Copper,
    /// Optical engines on the switch package.
    CoPackaged,
}

/// The class of SerDes on the switch ASIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SerdesClass {
    /// Drives PCB, connector and module (~22 dB at 200G; docs/sources.md: S08).
    LongReach,
    /// Drives a few cm of package substrate to an optical engine.
    Xsr,
}

/// A technology: its structure and its parts.
#[derive(Debug, Clone, Serialize)]
pub struct Technology {
    /// Id such as `cpo_els`.
    pub id: String,
    /// Name for people.
    pub label: String,
    /// Pluggable, copper or co-packaged.
    pub kind: TechnologyKind,
    /// Host SerDes class.
    pub host_serdes: SerdesClass,
    /// Fraction of the class's energy the host SerDes draws (CPC runs LR at a shorter setting).
    pub host_serdes_scale: f64,
    /// Efficiency of power conversion for the port's electronics, in (0, 1].
    pub conversion_efficiency: f64,
    /// Control and monitoring power per port.
    pub overhead_per_port: Watts,
    /// Reach.
    pub reach: Metres,
    /// Reach class for people.
    pub reach_class: String,
    /// Front-panel ports per rack unit.
    pub faceplate_ports_per_ru: u32,
    /// The laser and its link budget; `None` for copper.
    pub optics: Option<Optics>,
    /// Microring tuning; `None` for designs without rings.
    pub rings: Option<Rings>,
    /// Co-packaging geometry; `Some` exactly for co-packaged technologies.
    pub package: Option<Package>,
    /// Electronics energies and costs, one entry per generation in [`Scenario::generations`] order.
    pub parts: Vec<Parts>,
}

/// A laser and the link it must close.
#[derive(Debug, Clone, Serialize)]
pub struct Optics {
    /// The laser.
    pub laser: Laser,
    /// The link budget it serves.
    pub link_budget: LinkBudget,
}

/// Where the laser sits; this sets its field-replaceable unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LaserPlacement {
    /// Inside a pluggable module.
    Module,
    /// Inside the co-packaged optical engine.
    Package,
    /// In an external laser source module on the front panel.
    External,
}

/// A CW laser (or the CW section of an EML).
#[derive(Debug, Clone, Serialize)]
pub struct Laser {
    /// Where it sits.
    pub placement: LaserPlacement,
    /// Lanes fed by one laser through a splitter.
    pub lanes_per_laser: u32,
    /// Wall-plug efficiency at `wpe_reference_temp`, a fraction in (0, 1].
    pub wall_plug_efficiency: f64,
    /// Top of the temperature range over which `wall_plug_efficiency` holds.
    pub wpe_reference_temp: Celsius,
    /// WPE(T) = WPE_ref exp(-max(0, T - T_ref) / scale).
    pub wpe_temp_scale: Kelvin,
    /// Temperature of the laser's surroundings (module case, engine, ELS cage).
    pub ambient_temp: Celsius,
    /// A thermo-electric cooler; `None` when uncooled.
    pub tec: Option<Tec>,
    /// External-laser-source module; `Some` exactly for [`LaserPlacement::External`].
    pub els: Option<Els>,
}

/// A thermo-electric cooler holding a laser at a set point.
#[derive(Debug, Clone, Serialize)]
pub struct Tec {
    /// Laser temperature held by the TEC.
    pub setpoint: Celsius,
    /// Thermal conductance from the surroundings into the cooled stage, W/K.
    pub leak_w_per_k: f64,
    /// Coefficient of performance: heat pumped per electrical watt.
    pub cop: f64,
}

/// An external laser source module.
#[derive(Debug, Clone, Serialize)]
pub struct Els {
    /// Lasers (output fibers) in one module.
    pub lasers_per_module: u32,
    /// Cost of one module.
    pub module_cost: Usd,
}

/// The optical losses between the laser and the far receiver.
#[derive(Debug, Clone, Serialize)]
pub struct LinkBudget {
    /// Modulator extinction ratio.
    pub extinction_ratio: Db,
    /// Modulator insertion and modulation loss.
    pub modulator_loss: Db,
    /// All chip-fiber coupling losses on the path.
    pub coupling_loss: Db,
    /// All connector and splice losses on the path.
    pub connector_loss: Db,
    /// Fiber length, km.
    pub fiber_length_km: f64,
    /// Fiber attenuation, dB/km.
    pub fiber_loss_db_per_km: f64,
    /// Any other loss (splitter excess, mux).
    pub other_loss: Db,
    /// Design margin.
    pub margin: Db,
}

/// Microring thermal tuning.
#[derive(Debug, Clone, Serialize)]
pub struct Rings {
    /// Rings per lane (modulator, filters).
    pub rings_per_lane: u32,
    /// Free spectral range.
    pub fsr: Nanometres,
    /// Heater tuning efficiency, nm per mW.
    pub heater_efficiency_nm_per_mw: f64,
    /// Standard deviation of the fabricated resonance offset.
    pub fab_offset_sigma: Nanometres,
    /// Designed blue offset of the ring from the laser at the reference temperature.
    pub design_bias: Nanometres,
    /// Ring resonance drift, nm/K.
    pub ring_drift_nm_per_k: f64,
    /// Laser wavelength drift, nm/K.
    pub laser_drift_nm_per_k: f64,
    /// Ring operating temperature.
    pub ring_temp: Celsius,
    /// Temperature at which `design_bias` holds.
    pub reference_temp: Celsius,
}

/// Co-packaging geometry.
#[derive(Debug, Clone, Serialize)]
pub struct Package {
    /// Capacity of one optical engine.
    pub engine_capacity: Gbps,
    /// Width of one engine along the package edge.
    pub engine_edge: Millimetres,
}

impl Package {
    /// Optical engines a switch of `generation` carries: capacity over engine capacity
    /// (checked to be a whole multiple of 4 when the scenario is loaded).
    #[must_use]
    pub fn engines_per_switch(&self, generation: &Generation) -> u32 {
        (generation.switch_capacity().0 / self.engine_capacity.0).round() as u32
    }

    /// Front-panel ports one engine serves.
    #[must_use]
    pub fn ports_per_engine(&self, generation: &Generation) -> f64 {
        self.engine_capacity.0 / generation.port_rate().0
    }
}

/// Per-generation electronics energies and component costs of a technology.
#[derive(Debug, Clone, Serialize)]
pub struct Parts {
    /// Module DSP / retimer.
    pub dsp: PjPerBit,
    /// Modulator driver.
    pub driver: PjPerBit,
    /// Receiver TIA.
    pub tia: PjPerBit,
    /// The optical engine's end of the XSR link.
    pub oe_serdes: PjPerBit,
    /// DSP cost per port.
    pub dsp_cost_per_port: Usd,
    /// Driver and TIA cost per lane.
    pub electronics_cost_per_lane: Usd,
    /// Cost of one laser (in-module or in-package).
    pub laser_cost_each: Usd,
    /// Optical subassembly, PIC, fiber attach and test per port.
    pub optics_cost_per_port: Usd,
    /// Housing, board, cable or fiber hardware per port.
    pub housing_cost_per_port: Usd,
}

/// Repair times by field-replaceable unit.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    /// Swap a pluggable module.
    pub module_swap_mttr: Hours,
    /// Swap an external laser source module.
    pub els_swap_mttr: Hours,
    /// Swap a cable.
    pub cable_swap_mttr: Hours,
    /// Replace a whole switch.
    pub switch_replace_mttr: Hours,
}

#[cfg(test)]
mod tests;
