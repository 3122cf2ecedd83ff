//! Electrical power of a CW laser: wall-plug efficiency at temperature, plus its cooler.
//!
//! Wall-plug efficiency falls with temperature. Fitted to the AOI ELSFP figure (+25 %
//! electrical power for +15 K at constant output; docs/sources.md: RY Gap 5):
//!
//! $$ \eta(T) = \eta_\text{ref}\thinspace e^{-(T - T_\text{ref})^+/T_s}, \quad T_s = 15/\ln 1.25 = 67\ \text{K} $$
//!
//! with $T_\text{ref}$ the top of the range over which $\eta_\text{ref}$ is rated: a chip's
//! efficiency measured at 25 °C, or a module's rated flat over 0-50 °C (the module's own
//! cooler holds it), which is not derated again below its rating's upper end.
//!
//! An uncooled laser runs at its surroundings' temperature; a cooled one at the TEC set
//! point. The laser draws $P_e = P_\text{opt}/\eta(T)$. A thermo-electric cooler pumps the
//! laser's own dissipation plus the heat leaking in from the warmer surroundings:
//!
//! $$ Q = (P_e - P_\text{opt}) + G\thinspace(T_\text{amb} - T_\text{set}), \qquad
//!    P_\text{TEC} = Q / \text{COP}\ (Q \ge 0), \quad |Q| / (\text{COP} + 1)\ (Q < 0) $$
//!
//! The second case is the TEC run as a heat pump into the laser (heating COP = cooling COP + 1).

use crate::CompareError;
use cporamp_core::units::{Celsius, Dbm, Watts};
use cporamp_scenario::Laser;

/// The power a laser draws to launch a given optical power.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LaserPower {
    /// Laser temperature (set point if cooled, surroundings if not), °C.
    pub laser_temp_c: f64,
    /// Wall-plug efficiency at that temperature.
    pub wall_plug_efficiency: f64,
    /// Optical output, W.
    pub optical_w: f64,
    /// Electrical drive power, W.
    pub drive_w: f64,
    /// Thermo-electric cooler power, W (0 when uncooled).
    pub tec_w: f64,
}

impl LaserPower {
    /// Drive plus cooler.
    #[must_use]
    pub fn electrical(&self) -> Watts {
        Watts(self.drive_w + self.tec_w)
    }
}

/// WPE(T) = WPE_ref exp(-max(0, T - T_ref)/T_s).
#[must_use]
pub fn wall_plug_efficiency(laser: &Laser, temp: Celsius) -> f64 {
    laser.wall_plug_efficiency
        * (-(temp.minus(laser.wpe_reference_temp).0.max(0.0)) / laser.wpe_temp_scale.0).exp()
}

/// Electrical power of `laser` launching `launch`.
///
/// # Errors
/// [`CompareError::UnphysicalEfficiency`] if the efficiency extrapolated to the laser's
/// temperature exceeds 1.
pub fn laser_power(
    technology_id: &str,
    laser: &Laser,
    launch: Dbm,
) -> Result<LaserPower, CompareError> {
    let laser_temp = laser.tec.as_ref().map_or(laser.ambient_temp, |tec| tec.setpoint);
    let efficiency = wall_plug_efficiency(laser, laser_temp);
    if !(efficiency > 0.0 && efficiency <= 1.0) {
        return Err(CompareError::UnphysicalEfficiency {
            technology: technology_id.to_string(),
            temp_c: laser_temp.0,
            efficiency,
        });
    }
    let optical = launch.to_watts();
    let drive = Watts(optical.0 / efficiency);
    if !drive.0.is_finite() {
        return Err(CompareError::UnphysicalEfficiency {
            technology: technology_id.to_string(),
            temp_c: laser_temp.0,
            efficiency,
        });
    }
    let tec_w = laser.tec.as_ref().map_or(0.0, |tec| {
        let heat_w =
            (drive.0 - optical.0) + tec.leak_w_per_k * laser.ambient_temp.minus(tec.setpoint).0;
        if heat_w >= 0.0 { heat_w / tec.cop } else { -heat_w / (tec.cop + 1.0) }
    });
    Ok(LaserPower {
        laser_temp_c: laser_temp.0,
        wall_plug_efficiency: efficiency,
        optical_w: optical.0,
        drive_w: drive.0,
        tec_w,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::units::Kelvin;
    use cporamp_scenario::{Cooling, LaserPlacement, Tec};

    fn uncooled() -> Laser {
        Laser {
            placement: LaserPlacement::External,
            cooling: Cooling::Uncooled,
            lanes_per_laser: 4,
            wall_plug_efficiency: 0.125,
            wpe_reference_temp: Celsius(25.0),
            wpe_temp_scale: Kelvin(67.0),
            ambient_temp: Celsius(40.0),
            tec: None,
            els: None,
        }
    }

    #[test]
    fn wpe_falls_as_the_aoi_elsfp_figure_says() {
        // [RY Gap 5] AOI: +25 % electrical power for +15 K at constant output. With
        // T_s = 67 K the model gives exp(15/67) = 1.2509.
        let laser = uncooled();
        let ratio = wall_plug_efficiency(&laser, Celsius(55.0))
            / wall_plug_efficiency(&laser, Celsius(70.0));
        assert!((ratio - 1.25).abs() < 0.002, "{ratio}");
    }

    #[test]
    fn a_rated_efficiency_holds_up_to_the_top_of_its_rating() {
        // [RY Gap 5] O-Net: 12.5 % over 0-50 °C, so no derating at 40 °C; 20 K above the
        // rating it falls by exp(-20/67).
        let laser = Laser { wpe_reference_temp: Celsius(50.0), ..uncooled() };
        assert!((wall_plug_efficiency(&laser, Celsius(40.0)) - 0.125).abs() < 1e-15);
        let hot = wall_plug_efficiency(&laser, Celsius(70.0));
        assert!((hot - 0.125 * (-20.0f64 / 67.0).exp()).abs() < 1e-15, "{hot}");
    }

    #[test]
    fn uncooled_laser_draws_optical_power_over_efficiency() {
        let laser = uncooled();
        let power = laser_power("t", &laser, Dbm(20.0)).unwrap();
        let efficiency = 0.125 * (-15.0f64 / 67.0).exp();
        assert!((power.drive_w - 0.1 / efficiency).abs() < 1e-12);
        assert!(power.tec_w.abs() < 1e-15);
    }

    #[test]
    fn tec_pumps_dissipation_plus_leak() {
        let mut laser = uncooled();
        laser.ambient_temp = Celsius(65.0);
        laser.cooling = Cooling::Tec;
        laser.tec = Some(Tec { setpoint: Celsius(45.0), leak_w_per_k: 0.02, cop: 0.5 });
        let power = laser_power("t", &laser, Dbm(10.0)).unwrap();
        let expected_heat = (power.drive_w - 0.01) + 0.02 * 20.0;
        assert!((power.tec_w - expected_heat / 0.5).abs() < 1e-12);
    }

    #[test]
    fn efficiency_above_one_is_an_error_not_a_clamp() {
        // Below its rating's reference temperature a laser does not gain efficiency, so only
        // an efficiency above 1 at the reference is unphysical.
        let mut laser = uncooled();
        laser.wall_plug_efficiency = 0.9;
        laser.ambient_temp = Celsius(-20.0);
        assert!((wall_plug_efficiency(&laser, laser.ambient_temp) - 0.9).abs() < 1e-15);
        laser.wall_plug_efficiency = 1.2;
        assert!(matches!(
            laser_power("t", &laser, Dbm(0.0)),
            Err(CompareError::UnphysicalEfficiency { .. })
        ));
    }
}
