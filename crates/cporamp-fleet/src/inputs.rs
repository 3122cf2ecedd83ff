//! The fleet engine's inputs: the fabric's tiers and their port technologies, the NIC, switch
//! hardware, spares, component lifetimes, repair times and the training job, and the errors
//! that name an input out of range.

use cporamp_core::units::{Celsius, Fit, Hours, Years};
use serde::Serialize;

use crate::MAX_JOB_INTERRUPTIONS;
use crate::lifetimes::arrhenius_factor;
use crate::settings::FleetJob;

/// Everything the fleet engine needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetInputs {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Replications (at least 2, for standard errors).
    pub replications: usize,
    /// Simulated time.
    pub years: Years,
    /// GPUs in the cluster, one scale-out port each.
    pub gpus: usize,
    /// Switch ports at the fabric's port speed.
    pub radix: usize,
    /// Switch tiers, leaf first (2 or 3).
    pub tiers: Vec<TierInputs>,
    /// The GPU end of each GPU-leaf link.
    pub nic: NicInputs,
    /// Switch hardware other than the optics.
    pub switch: SwitchHardware,
    /// GPU and host failures that interrupt the job, per GPU-hour.
    pub gpu_interruptions_per_gpu_h: f64,
    /// Technicians on site (a shared first-in first-out queue).
    pub technicians: usize,
    /// The training job.
    pub job: JobInputs,
}

/// One tier of switches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierInputs {
    /// The technology of every port on this tier's switches.
    pub technology: PortTechnology,
    /// Spare switches for this tier.
    pub switch_spares: Spares,
}

/// A port technology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortTechnology {
    /// Name, for the results.
    pub name: String,
    /// How the optics sit and are serviced.
    pub kind: PortKind,
    /// The module (Module) or the co-packaged engine's share per port (driver, modulator,
    /// photodiode, TIA).
    pub port: Component,
    /// The laser: for [`PortKind::CoPackagedEls`] one ELS laser (required); for the other kinds
    /// an optional separate failure mode of the port (`None`: the laser is inside `port`'s
    /// rates).
    pub laser: Option<Component>,
    /// Module swap (Module), ELS or laser swap (CoPackagedEls); unused by CoPackaged.
    pub port_repair: Repair,
    /// Probability of a latent defect: per module (Module), per package (co-packaged kinds).
    pub infant_probability: f64,
    /// Spare field-replaceable port units: modules (Module), ELS modules or lasers
    /// (CoPackagedEls); unused by CoPackaged.
    pub spares: Spares,
}

/// How a port's optics sit and are serviced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PortKind {
    /// A field-replaceable module per port end (pluggable or LPO).
    Module,
    /// Optics in the switch package, lasers inside.
    CoPackaged {
        /// Failed ports that trigger the switch's replacement (at least 1).
        replace_after_failed_ports: usize,
    },
    /// Optics in the switch package, lasers in external laser sources.
    CoPackagedEls {
        /// Ports fed by one ELS.
        ports_per_els: usize,
        /// Lasers in one ELS.
        lasers_per_els: usize,
        /// Lasers needed for the fed ports to work ($k$ of $n$).
        lasers_needed: usize,
        /// What is swapped when a laser fails.
        service: ElsService,
        /// Failed engine ports that trigger the switch's replacement (at least 1).
        replace_after_failed_ports: usize,
        /// Probability that a switch's ELS modules were installed with a weak laser (the yield
        /// engine's ELS escapes, per switch): one laser of the switch's ELS, drawn at random,
        /// then carries a latent defect with the laser's `infant_mean_h`.
        weak_laser_probability: f64,
    },
}

/// What is swapped when an ELS laser fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ElsService {
    /// The whole ELS module, with all-new lasers.
    SwapModule,
    /// The failed laser only (lasers as separate field-replaceable units).
    SwapLaser,
}

/// The GPU end of a GPU-leaf link: a field-replaceable module in the server's NIC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NicInputs {
    /// The module.
    pub port: Component,
    /// Module swap.
    pub repair: Repair,
    /// Probability of a latent defect per module.
    pub infant_probability: f64,
    /// Spare modules.
    pub spares: Spares,
}

/// Switch hardware other than the optics: ASIC, board, power supplies, fans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchHardware {
    /// Constant failure rate, failures per 1e9 h.
    pub hardware_fit: Fit,
    /// Whole-switch replacement (drain, swap, re-cable, validate).
    pub replace: Repair,
}

/// A spares pool.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spares {
    /// Units on the shelf at the start.
    pub initial_units: usize,
    /// Delivery time of a reorder, h (every use orders one).
    pub reorder_lead_h: Hours,
}

/// The lifetime model of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Component {
    /// Constant random failure rate, failures per 1e9 h.
    pub random_fit: Fit,
    /// Weibull wear-out shape $\beta$.
    pub weibull_shape: f64,
    /// Weibull characteristic life at the reference temperature, h (infinite: no wear-out).
    pub weibull_scale_h: Hours,
    /// Arrhenius activation energy of wear-out, eV.
    pub activation_energy_ev: f64,
    /// Temperature at which the characteristic life holds, °C.
    pub ref_temp_c: Celsius,
    /// Operating temperature, °C.
    pub temp_c: Celsius,
    /// Mean time to failure of a latent defect, h.
    pub infant_mean_h: Hours,
    /// Temperature at which `random_fit` is quoted, °C: the random rate is scaled from it to
    /// `temp_c` by the Arrhenius factor with `activation_energy_ev`. `None`: `random_fit` holds
    /// at the operating point (a field rate).
    pub random_fit_ref_temp_c: Option<Celsius>,
}

impl Component {
    /// The random failure rate at the operating temperature, FIT: `random_fit` times the
    /// Arrhenius factor from `random_fit_ref_temp_c` to `temp_c` (1 without a reference).
    #[must_use]
    pub fn random_fit_at_temp(&self) -> f64 {
        match self.random_fit_ref_temp_c {
            Some(ref_temp_c) => {
                self.random_fit.0
                    * arrhenius_factor(self.activation_energy_ev, ref_temp_c.0, self.temp_c.0)
            }
            None => self.random_fit.0,
        }
    }
}

/// A repair-time distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Repair {
    /// Lognormal: median times $e^{\sigma Z}$ ($\sigma = 0$: deterministic).
    LogNormal {
        /// Median, h.
        median_h: Hours,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Exponential (memoryless, for closed-form checks).
    Exponential {
        /// Mean, h.
        mean_h: Hours,
    },
}

/// The training job.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JobInputs {
    /// The job as `[fleet.job]` sets it: its GPUs (at most the cluster, on the first leaves),
    /// the work between checkpoints, the time to write one and to restart from one
    /// (flattened: `results.json` shows its fields here).
    #[serde(flatten)]
    pub settings: FleetJob,
    /// Transient link flaps that interrupt the job and need no repair, per link-hour.
    pub flaps_per_link_h: f64,
}

/// Bad fleet input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FleetInputError {
    /// A value out of its range.
    #[error("fleet: {name} = {value}; expected {expected}")]
    OutOfRange {
        /// The input's path.
        name: String,
        /// Its value.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A negative or non-finite repair time.
    #[error("fleet: {name} = {value_h} h; expected a repair time >= 0 h")]
    NegativeRepairTime {
        /// The input's path.
        name: String,
        /// Its value, h.
        value_h: f64,
    },
    /// A Weibull shape that is not positive.
    #[error("fleet: {name} = {value}; expected a Weibull shape > 0")]
    BadWeibullShape {
        /// The input's path.
        name: String,
        /// Its value.
        value: f64,
    },
    /// A pool with no spares that is never restocked.
    #[error(
        "fleet: {name} has 0 spares and a reorder lead time of 0 h; give spares or a lead time"
    )]
    NoSpares {
        /// The pool's path.
        name: String,
    },
    /// More GPUs than the radix can connect in the tiers given.
    #[error(
        "fleet: {gpus} GPUs do not fit {tiers} tiers of radix {radix} (at most {max_gpus} GPUs)"
    )]
    TopologyNotBuildable {
        /// GPUs asked for.
        gpus: usize,
        /// Switch radix.
        radix: usize,
        /// Tiers.
        tiers: usize,
        /// The most GPUs those tiers hold.
        max_gpus: usize,
    },
    /// Poisson job interruptions (GPU failures and flaps) beyond [`MAX_JOB_INTERRUPTIONS`].
    #[error(
        "fleet: {expected:.3e} job interruptions expected per replication ({gpu_per_gpu_h} GPU \
         interruptions + {flaps_per_link_h} flaps, per GPU-hour, x {job_gpus} job GPUs x \
         {horizon_h} h); expected at most {MAX_JOB_INTERRUPTIONS:e} (the job would make no \
         progress)"
    )]
    TooManyInterruptions {
        /// Expected interruptions per replication.
        expected: f64,
        /// GPU and host interruptions per GPU-hour.
        gpu_per_gpu_h: f64,
        /// Flaps per link-hour.
        flaps_per_link_h: f64,
        /// GPUs of the job.
        job_gpus: usize,
        /// Simulated hours.
        horizon_h: f64,
    },
    /// A job larger than the cluster.
    #[error("fleet: job.gpus = {job_gpus} is larger than the cluster's {gpus} GPUs")]
    JobTooLarge {
        /// GPUs of the job.
        job_gpus: usize,
        /// GPUs of the cluster.
        gpus: usize,
    },
}
