//! Laser optical power required by a link budget.
//!
//! Working back from the far receiver, the average power one laser must launch is
//!
//! $$ P_\text{laser} [\text{dBm}] = \text{OMA}\_\text{sens} + 10\log_{10}\frac{r+1}{2(r-1)} +
//!    L_\text{mod} + L_\text{coupling} + L_\text{connectors} + \alpha_\text{fiber} \ell +
//!    L_\text{other} + M + 10\log_{10} n_\text{lanes/laser} $$
//!
//! where $r = 10^{\text{ER}/10}$ is the linear extinction ratio. The second term converts the
//! receiver's OMA requirement into average power: for a two-level (or PAM4 outer-level)
//! signal with average $\bar P$, $\text{OMA} = P_1 - P_0 = 2\bar P (r-1)/(r+1)$. The last
//! term is the split of one CW laser over $n$ modulators. Every loss is in dB, so a +1 dB
//! coupling loss raises the required laser power by exactly $10^{0.1}$.

use cporamp_core::units::{Db, Dbm};
use cporamp_scenario::LinkBudget;

/// Terms of a link budget, each in dB, summing to the laser launch power.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkBudgetTerms {
    /// Receiver OMA sensitivity, dBm.
    pub rx_oma_sensitivity_dbm: f64,
    /// OMA-to-average-power penalty of the finite extinction ratio.
    pub extinction_penalty_db: f64,
    /// Modulator loss.
    pub modulator_loss_db: f64,
    /// Chip-fiber couplings.
    pub coupling_loss_db: f64,
    /// Connectors and splices.
    pub connector_loss_db: f64,
    /// Fiber attenuation times length.
    pub fiber_loss_db: f64,
    /// Splitter excess, mux and anything else.
    pub other_loss_db: f64,
    /// Design margin.
    pub margin_db: f64,
    /// Split of one laser over several lanes.
    pub split_loss_db: f64,
    /// Required launch power of one laser, dBm: the sum of the terms above.
    pub laser_launch_dbm: f64,
}

/// OMA-to-average penalty of extinction ratio `er`: $10\log_{10}((r+1)/(2(r-1)))$.
#[must_use]
pub fn extinction_penalty(extinction_ratio: Db) -> Db {
    let ratio = extinction_ratio.to_linear();
    Db::from_linear((ratio + 1.0) / (2.0 * (ratio - 1.0)))
}

/// The launch power one laser feeding `lanes_per_laser` lanes must deliver.
#[must_use]
pub fn required_launch(
    budget: &LinkBudget,
    rx_oma_sensitivity: Dbm,
    lanes_per_laser: u32,
) -> LinkBudgetTerms {
    let extinction_penalty_db = extinction_penalty(budget.extinction_ratio).0;
    let fiber_loss_db = budget.fiber_length_km * budget.fiber_loss_db_per_km;
    let split_loss_db = Db::from_linear(f64::from(lanes_per_laser)).0;
    let laser_launch_dbm = rx_oma_sensitivity.0
        + extinction_penalty_db
        + budget.modulator_loss.0
        + budget.coupling_loss.0
        + budget.connector_loss.0
        + fiber_loss_db
        + budget.other_loss.0
        + budget.margin.0
        + split_loss_db;
    LinkBudgetTerms {
        rx_oma_sensitivity_dbm: rx_oma_sensitivity.0,
        extinction_penalty_db,
        modulator_loss_db: budget.modulator_loss.0,
        coupling_loss_db: budget.coupling_loss.0,
        connector_loss_db: budget.connector_loss.0,
        fiber_loss_db,
        other_loss_db: budget.other_loss.0,
        margin_db: budget.margin.0,
        split_loss_db,
        laser_launch_dbm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extinction_penalty_matches_closed_form() {
        // ER 3 dB: r = 1.995, (r+1)/(2(r-1)) = 1.5048 -> 1.775 dB.
        let penalty = extinction_penalty(Db(3.0)).0;
        let ratio = 10f64.powf(0.3);
        assert!((penalty - 10.0 * ((ratio + 1.0) / (2.0 * (ratio - 1.0))).log10()).abs() < 1e-12);
        assert!((penalty - 1.775).abs() < 1e-3);
        // An infinite extinction ratio needs average power OMA/2: -3.01 dB.
        assert!((extinction_penalty(Db(200.0)).0 + 3.0103).abs() < 1e-3);
    }
}
