//! The cluster's switch count for the cooling bill: the fleet engine's topology.

use cporamp_core::units::{Celsius, Fit, Hours};
use cporamp_fleet::{
    Component, FleetInputs, JobInputs, NicInputs, PortKind, PortTechnology, Repair, Spares,
    SwitchHardware, TierInputs,
};
use cporamp_scenario::Scenario;

use crate::CodesignError;

/// Switches in the scenario's cluster, all tiers: the fleet engine's topology of `[fleet]`
/// (GPUs, tiers) at the radix of the generation `generation_index`. Switch counts depend only
/// on the GPUs, the radix and the tiers, so the ports are given as plain modules.
///
/// # Errors
/// [`CodesignError::Topology`] when the fleet engine refuses the fabric.
pub fn cluster_switches(
    scenario: &Scenario,
    generation_index: usize,
) -> Result<usize, CodesignError> {
    let settings = &scenario.fleet;
    let generation = &scenario.generations[generation_index];
    let radix = (generation.lanes_per_switch / generation.lanes_per_port) as usize;
    let component = Component {
        random_fit: Fit(100.0),
        weibull_shape: 1.0,
        weibull_scale_h: Hours(f64::INFINITY),
        activation_energy_ev: 0.0,
        ref_temp_c: Celsius(40.0),
        temp_c: Celsius(40.0),
        infant_mean_h: Hours(1000.0),
        random_fit_ref_temp_c: None,
    };
    let spares = Spares { initial_units: 1, reorder_lead_h: settings.reorder_lead_h };
    let repair = Repair::Exponential { mean_h: Hours(6.0) };
    let port = PortTechnology {
        name: "module".to_string(),
        kind: PortKind::Module,
        port: component,
        laser: None,
        port_repair: repair,
        infant_probability: 0.0,
        spares,
    };
    let inputs = FleetInputs {
        seed: settings.seed,
        replications: settings.replications,
        years: settings.years,
        gpus: settings.gpus,
        radix,
        tiers: (0..settings.tiers)
            .map(|_| TierInputs { technology: port.clone(), switch_spares: spares })
            .collect(),
        nic: NicInputs { port: component, repair, infant_probability: 0.0, spares },
        switch: SwitchHardware { hardware_fit: Fit(100.0), replace: repair },
        gpu_interruptions_per_gpu_h: 0.0,
        technicians: 1,
        job: JobInputs { settings: settings.job, flaps_per_link_h: 0.0 },
    };
    let counts = cporamp_fleet::topology(&inputs)
        .map_err(|error| CodesignError::Topology(error.to_string()))?;
    Ok(counts.tiers.iter().map(|tier| tier.switches).sum())
}
