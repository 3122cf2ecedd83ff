//! The cold plate's heat transfer: channel correlations, fin efficiency, energy balance.
//!
//! # Cold plate
//! Parallel rectangular channels (width $w$, height $H$, walls $t_w$) over the lid, flow $Q$
//! split evenly. With $D_h = 2wH/(w+H)$, $Re = \rho V D_h/\mu$, $Pr = \mu c_p / k_f$:
//!
//! - laminar ($Re < 2300$): Shah & London fully developed, uniform heat flux (H1),
//!   $Nu = 8.235(1 - 2.0421\alpha + 3.0853\alpha^2 - 2.4765\alpha^3 + 1.0578\alpha^4 - 0.1861\alpha^5)$,
//!   $\alpha = \min(w,H)/\max(w,H)$. Valid for fully developed flow; when the thermal entry
//!   length $0.05\thinspace Re\thinspace Pr\thinspace D_h$ exceeds 10 % of the channel length a warning says that the
//!   true $h$ is higher there (the result is conservative);
//! - turbulent: Gnielinski, $Nu = (f/8)(Re-1000)Pr / (1 + 12.7\sqrt{f/8}(Pr^{2/3}-1))$ with
//!   Petukhov's $f = (0.79\ln Re - 1.64)^{-2}$, valid $3000 \le Re \le 5\times10^6$,
//!   $0.5 < Pr \le 2000$; the transitional gap $2300 \le Re < 3000$ and anything outside
//!   are errors.
//!
//! - air plate fins (`kind = "air_fins"`): Teertstra, Yovanovich & Culham,
//!   $Re_b^\ast = Re_b\thinspace b/L$ with $Re_b = V b/\nu$ on the fin gap $b$ and flow length $L$,
//!   $Nu_b = [(Re_b^\ast Pr/2)^{-3} + (0.664\sqrt{Re_b^\ast}Pr^{1/3}\sqrt{1 + 3.65/\sqrt{Re_b^\ast}})^{-3}]^{-1/3}$,
//!   $h = Nu_b k_f / b$, valid $0.1 < Re_b^\ast < 100$ (2.1 % RMS against data); outside, an error.
//!
//! $h = Nu\thinspace k_f/D_h$; the walls are fins of efficiency $\eta = \tanh(mH)/(mH)$,
//! $m = \sqrt{2h/(k_p t_w)}$, so the base sees $h_b = h(w + 2\eta H)/(w + t_w)$; in series with
//! the plate base $t_b/k_p$ and the lid-to-plate interface $R''$:
//! $h_\text{eff} = 1/(1/h_b + t_b/k_p + R'')$ on the lid's top. The coolant warms by
//! $\Delta T = P/(\rho Q c_p)$ (energy balance) and the lid sees the mean coolant temperature
//! $T_\text{in} + \Delta T/2$.
//!
//! With `kind = "microchannel_4rm"` the same channels (the same $h$ on their walls) are
//! solved instead by 3D-ICE's 4-resistor model over the package footprint, the coolant
//! warming along each channel, coupled to the lid cell by cell; the unit responses are then
//! rises above the inlet ([`crate::channel_plate`], equations there). Every consumer
//! ([`PackageModel::evaluate`](super::PackageModel::evaluate), the histories) sees either
//! model through the same superposition, and [`ColdPlateResult::model`] says which.

use super::PackageError;
use crate::settings::{ColdPlate, HeatSinkKind};
use serde::Serialize;

/// Which model produced the package's temperatures over the cold plate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ColdPlateModel {
    /// The correlation's effective coefficient on the lid, to the mean coolant temperature.
    #[serde(rename = "correlation")]
    Correlation,
    /// 3D-ICE's 4-resistor microchannel model coupled to the lid ([`crate::channel_plate`]).
    #[serde(rename = "3d_ice_4rm")]
    Microchannel4rm,
}

impl ColdPlateModel {
    /// For people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ColdPlateModel::Correlation => "correlation (uniform h to the mean coolant)",
            ColdPlateModel::Microchannel4rm => "3D-ICE 4-resistor microchannels (coolant advected)",
        }
    }
}

/// The cold plate's heat transfer.
#[derive(Debug, Clone, Serialize)]
pub struct ColdPlateResult {
    /// The model that produced the temperatures.
    pub model: ColdPlateModel,
    /// Parallel channels.
    pub n_channels: usize,
    /// Reynolds number.
    pub reynolds: f64,
    /// Prandtl number.
    pub prandtl: f64,
    /// Correlation used.
    pub correlation: &'static str,
    /// Channel-wall heat-transfer coefficient, W/(m² K).
    pub h_channel_w_per_m2k: f64,
    /// Fin efficiency of the walls.
    pub fin_efficiency: f64,
    /// Effective coefficient on the lid top, W/(m² K) (the 3D-ICE plate's: interface plus
    /// base-to-mean-coolant resistance under a uniform heat flux).
    pub h_effective_w_per_m2k: f64,
    /// Coolant temperature rise inlet to outlet, K.
    pub coolant_rise_k: f64,
    /// Mean coolant temperature the lid sees (inlet plus half the rise), °C.
    pub mean_coolant_c: f64,
    /// Validity notes.
    pub warnings: Vec<String>,
}

/// Heat transfer of `plate` over a `side_m` square lid carrying `power_w`.
///
/// # Errors
/// [`PackageError::Correlation`] outside the correlations' range.
pub fn cold_plate(
    plate: &ColdPlate,
    side_m: f64,
    power_w: f64,
    inlet_c: f64,
) -> Result<ColdPlateResult, PackageError> {
    let (width, height, wall) = (
        plate.channel_width_mm.0 * 1e-3,
        plate.channel_height_mm.0 * 1e-3,
        plate.wall_thickness_mm.0 * 1e-3,
    );
    let n_channels = (side_m / (width + wall)).floor() as usize;
    if n_channels == 0 {
        return Err(PackageError::Correlation(format!(
            "a {:.1} mm lid holds no {:.2} mm channel with {:.2} mm walls",
            side_m * 1e3,
            plate.channel_width_mm.0,
            plate.wall_thickness_mm.0
        )));
    }
    let flow_m3_per_s = plate.flow_l_per_min.0 * 1e-3 / 60.0;
    let velocity = flow_m3_per_s / (n_channels as f64 * width * height);
    let hydraulic_diameter = 2.0 * width * height / (width + height);
    let reynolds = plate.coolant_rho_kg_per_m3.0 * velocity * hydraulic_diameter
        / plate.coolant_viscosity_pa_s.0;
    let prandtl =
        plate.coolant_viscosity_pa_s.0 * plate.coolant_cp_j_per_kgk.0 / plate.coolant_k_w_per_mk.0;
    let mut warnings = Vec::new();
    let (nusselt, correlation) = if plate.kind == HeatSinkKind::AirFins {
        // Teertstra, Yovanovich & Culham: composite of the developing and fully developed
        // parallel-plate limits, with b the fin gap and L the flow length.
        let modified = reynolds * width / hydraulic_diameter * width / side_m;
        if !(0.1..=100.0).contains(&modified) {
            return Err(PackageError::Correlation(format!(
                "modified channel Reynolds number Re_b* = {modified:.3} is outside Teertstra's range 0.1-100"
            )));
        }
        let fully_developed = modified * prandtl / 2.0;
        let developing = 0.664
            * modified.sqrt()
            * prandtl.powf(1.0 / 3.0)
            * (1.0 + 3.65 / modified.sqrt()).sqrt();
        let nusselt_gap = (fully_developed.powi(-3) + developing.powi(-3)).powf(-1.0 / 3.0);
        // Expressed on D_h so that h = Nu k / D_h below holds for both branches.
        (nusselt_gap * hydraulic_diameter / width, "Teertstra-Yovanovich-Culham plate fins (air)")
    } else if reynolds < 2300.0 {
        let alpha = width.min(height) / width.max(height);
        let nusselt = 8.235
            * (1.0 - 2.0421 * alpha + 3.0853 * alpha.powi(2) - 2.4765 * alpha.powi(3)
                + 1.0578 * alpha.powi(4)
                - 0.1861 * alpha.powi(5));
        let entry_m = 0.05 * reynolds * prandtl * hydraulic_diameter;
        if entry_m > 0.1 * side_m {
            warnings.push(format!(
                "thermal entry length {:.1} mm is {:.0} % of the {:.1} mm channel; the fully developed Shah-London Nu underestimates h there (conservative)",
                entry_m * 1e3,
                100.0 * entry_m / side_m,
                side_m * 1e3
            ));
        }
        (nusselt, "Shah-London laminar fully developed H1")
    } else {
        if !(3000.0..=5e6).contains(&reynolds) || prandtl <= 0.5 || prandtl > 2000.0 {
            return Err(PackageError::Correlation(format!(
                "Re = {reynolds:.0}, Pr = {prandtl:.2}: neither laminar (Re < 2300, Shah-London) nor inside Gnielinski's range (3000 <= Re <= 5e6, 0.5 < Pr <= 2000); change the flow or the channels"
            )));
        }
        let friction = (0.79 * reynolds.ln() - 1.64).powi(-2);
        let nusselt = (friction / 8.0) * (reynolds - 1000.0) * prandtl
            / (1.0 + 12.7 * (friction / 8.0).sqrt() * (prandtl.powf(2.0 / 3.0) - 1.0));
        (nusselt, "Gnielinski turbulent (Petukhov friction)")
    };
    let h_channel = nusselt * plate.coolant_k_w_per_mk.0 / hydraulic_diameter;
    let m = (2.0 * h_channel / (plate.plate_k_w_per_mk.0 * wall)).sqrt();
    let fin_efficiency = (m * height).tanh() / (m * height);
    let h_base = h_channel * (width + 2.0 * fin_efficiency * height) / (width + wall);
    let h_effective = 1.0
        / (1.0 / h_base
            + plate.base_thickness_mm.0 * 1e-3 / plate.plate_k_w_per_mk.0
            + plate.interface_r_k_mm2_per_w.0 * 1e-6);
    let coolant_rise_k =
        power_w / (plate.coolant_rho_kg_per_m3.0 * flow_m3_per_s * plate.coolant_cp_j_per_kgk.0);
    Ok(ColdPlateResult {
        model: if plate.kind.is_microchannel() {
            ColdPlateModel::Microchannel4rm
        } else {
            ColdPlateModel::Correlation
        },
        n_channels,
        reynolds,
        prandtl,
        correlation,
        h_channel_w_per_m2k: h_channel,
        fin_efficiency,
        h_effective_w_per_m2k: h_effective,
        coolant_rise_k,
        mean_coolant_c: inlet_c + coolant_rise_k / 2.0,
        warnings,
    })
}
