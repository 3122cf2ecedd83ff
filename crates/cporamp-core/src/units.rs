//! Physical units as newtypes.
//!
//! Every quantity that crosses an API carries its unit in its type, so that watts cannot be
//! added to milliwatts or decibels to dBm by accident. Conversions happen only through the
//! named methods here. Raw scenario fields carry the unit in their names instead
//! (`power_w`, `loss_db`) and become these types when the scenario is resolved: every
//! dimensioned quantity of an engine's settings and inputs is one of these types. Bare `f64`
//! is left for dimensionless numbers and for coefficients that relate two units, whose unit is
//! in the field's name (`ring_drift_nm_per_k`).
//!
//! Conventions: pJ/bit = W / (Gb/s) x 1000; dBm = 10 log10(P / 1 mW).

use serde::{Deserialize, Serialize};
use std::ops::{Add, AddAssign, Mul, MulAssign, Sub};

/// Hours per year (365.25 days), as every engine counts them ([`Years::to_hours`]).
pub const HOURS_PER_YEAR: f64 = 8766.0;

macro_rules! unit {
    ($(#[$doc:meta])* $name:ident, $suffix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// The bare number, in this type's unit.
            #[must_use]
            pub fn value(self) -> f64 {
                self.0
            }
        }

        impl From<$name> for f64 {
            fn from(quantity: $name) -> f64 {
                quantity.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                if let Some(precision) = f.precision() {
                    write!(f, "{:.*} {}", precision, self.0, $suffix)
                } else {
                    write!(f, "{} {}", self.0, $suffix)
                }
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl MulAssign<f64> for $name {
            fn mul_assign(&mut self, rhs: f64) {
                self.0 *= rhs;
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|x| x.0).sum())
            }
        }
    };
}

unit!(
    /// Power in watts.
    Watts,
    "W"
);
unit!(
    /// Energy per bit in picojoules per bit.
    PjPerBit,
    "pJ/bit"
);
unit!(
    /// Data rate in gigabits per second.
    Gbps,
    "Gb/s"
);
unit!(
    /// A power ratio (loss or gain) in decibels.
    Db,
    "dB"
);
unit!(
    /// An absolute optical power in dBm (decibels relative to 1 mW).
    Dbm,
    "dBm"
);
unit!(
    /// A temperature in degrees Celsius.
    Celsius,
    "°C"
);
unit!(
    /// A temperature difference in kelvin.
    Kelvin,
    "K"
);
unit!(
    /// Money in US dollars.
    Usd,
    "USD"
);
unit!(
    /// A length in millimetres.
    Millimetres,
    "mm"
);
unit!(
    /// A length in metres.
    Metres,
    "m"
);
unit!(
    /// A length in centimetres (areas of dies against defect densities per cm²).
    Centimetres,
    "cm"
);
unit!(
    /// A length in micrometres (fiber and mode positions, warpage).
    Micrometres,
    "µm"
);
unit!(
    /// A wavelength or wavelength shift in nanometres.
    Nanometres,
    "nm"
);
unit!(
    /// Defective parts per million.
    Dppm,
    "DPPM"
);
unit!(
    /// A failure rate in FIT (failures per 10⁹ device-hours).
    Fit,
    "FIT"
);
unit!(
    /// A duration in hours.
    Hours,
    "h"
);
unit!(
    /// A duration in years of [`HOURS_PER_YEAR`] hours.
    Years,
    "years"
);
unit!(
    /// A duration in seconds.
    Seconds,
    "s"
);
unit!(
    /// A frequency in hertz.
    Hertz,
    "Hz"
);
unit!(
    /// Power in milliwatts (a ring heater's budget).
    Milliwatts,
    "mW"
);
unit!(
    /// Thermal conductivity in watts per metre-kelvin.
    WattsPerMetreKelvin,
    "W/(m K)"
);
unit!(
    /// Volumetric heat capacity in joules per cubic metre-kelvin.
    JoulesPerCubicMetreKelvin,
    "J/(m³ K)"
);
unit!(
    /// Specific heat capacity in joules per kilogram-kelvin.
    JoulesPerKilogramKelvin,
    "J/(kg K)"
);
unit!(
    /// Density in kilograms per cubic metre.
    KilogramsPerCubicMetre,
    "kg/m³"
);
unit!(
    /// Dynamic viscosity in pascal-seconds.
    PascalSeconds,
    "Pa s"
);
unit!(
    /// Volume flow in litres per minute.
    LitresPerMinute,
    "L/min"
);
unit!(
    /// Pressure in kilopascals.
    Kilopascals,
    "kPa"
);
unit!(
    /// Power in kilowatts (a facility's or a CDU's, where the file writes kW).
    Kilowatts,
    "kW"
);
unit!(
    /// Thermal resistance in kelvin per watt.
    KelvinPerWatt,
    "K/W"
);
unit!(
    /// Area-specific thermal resistance (of an interface) in kelvin square millimetres per watt.
    KelvinSquareMillimetresPerWatt,
    "K mm²/W"
);
unit!(
    /// An angle in milliradians.
    Milliradians,
    "mrad"
);
unit!(
    /// A cost rate in US dollars per hour (a machine's or an operator's).
    UsdPerHour,
    "USD/h"
);

impl Years {
    /// The same time in hours ([`HOURS_PER_YEAR`] per year).
    #[must_use]
    pub fn to_hours(self) -> Hours {
        Hours(self.0 * HOURS_PER_YEAR)
    }
}

impl PjPerBit {
    /// Power drawn when this energy per bit is spent at `rate`:
    /// P (W) = E (pJ/bit) x R (Gb/s) / 1000.
    #[must_use]
    pub fn at_rate(self, rate: Gbps) -> Watts {
        Watts(self.0 * rate.0 / 1000.0)
    }
}

impl Watts {
    /// Energy per bit when this power carries `rate`: E (pJ/bit) = 1000 P (W) / R (Gb/s).
    #[must_use]
    pub fn per_bit(self, rate: Gbps) -> PjPerBit {
        PjPerBit(1000.0 * self.0 / rate.0)
    }

    /// The same power in dBm.
    #[must_use]
    pub fn to_dbm(self) -> Dbm {
        Dbm(10.0 * (self.0 * 1000.0).log10())
    }
}

impl Dbm {
    /// The same power in watts: P = 1 mW x 10^(dBm/10).
    #[must_use]
    pub fn to_watts(self) -> Watts {
        Watts(1e-3 * 10f64.powf(self.0 / 10.0))
    }
}

impl Db {
    /// The linear power ratio: 10^(dB/10).
    #[must_use]
    pub fn to_linear(self) -> f64 {
        10f64.powf(self.0 / 10.0)
    }

    /// The ratio in dB of a linear power ratio.
    #[must_use]
    pub fn from_linear(ratio: f64) -> Db {
        Db(10.0 * ratio.log10())
    }
}

impl Celsius {
    /// The difference `self - other` as a temperature difference.
    #[must_use]
    pub fn minus(self, other: Celsius) -> Kelvin {
        Kelvin(self.0 - other.0)
    }
}

impl Millimetres {
    /// The same length in metres: mm / 1000.
    #[must_use]
    pub fn to_metres(self) -> Metres {
        Metres(self.0 * 1e-3)
    }

    /// The same length in centimetres: mm / 10.
    #[must_use]
    pub fn to_centimetres(self) -> Centimetres {
        Centimetres(self.0 / 10.0)
    }
}

impl Nanometres {
    /// The same length in micrometres: nm / 1000.
    #[must_use]
    pub fn to_micrometres(self) -> Micrometres {
        Micrometres(self.0 / 1000.0)
    }
}

impl Hertz {
    /// The period of one cycle: 1 / f.
    #[must_use]
    pub fn period(self) -> Seconds {
        Seconds(1.0 / self.0)
    }
}

impl Dppm {
    /// The probability of a defective part: DPPM / 10⁶.
    #[must_use]
    pub fn to_probability(self) -> f64 {
        self.0 / 1e6
    }
}

impl Fit {
    /// The failure rate per device-hour: FIT / 10⁹.
    #[must_use]
    pub fn per_hour(self) -> f64 {
        self.0 / 1e9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dbm_round_trip_and_anchors() {
        // 0 dBm is 1 mW and 20 dBm is 100 mW by definition.
        assert!((Dbm(0.0).to_watts().0 - 1e-3).abs() < 1e-15);
        assert!((Dbm(20.0).to_watts().0 - 0.1).abs() < 1e-12);
        assert!((Watts(0.1).to_dbm().0 - 20.0).abs() < 1e-12);
    }

    #[test]
    fn lengths_and_rates_convert_by_their_definitions() {
        // 1 mm = 1000 µm = 0.1 cm exactly as the pipeline wrote them by hand (the same
        // floating-point operation, so every figure stays bit-identical).
        assert_eq!(Millimetres(26.0).to_metres(), Metres(26.0 * 1e-3));
        assert_eq!(Millimetres(26.0).to_centimetres(), Centimetres(2.6));
        assert_eq!(Nanometres(1310.0).to_micrometres(), Micrometres(1.31));
        assert_eq!(Hertz(1000.0).period(), Seconds(1.0 / 1000.0));
        assert_eq!(Dppm(250.0).to_probability().to_bits(), 2.5e-4_f64.to_bits());
        // 100 FIT is one failure per 10⁷ hours.
        assert_eq!(Fit(100.0).per_hour().to_bits(), 1e-7_f64.to_bits());
    }

    #[test]
    fn energy_per_bit_convention() {
        // [S11]: 9 W per 1.6T port, 9 W / 1600 Gb/s = 5.6 pJ/bit.
        let e = Watts(9.0).per_bit(Gbps(1600.0));
        assert!((e.0 - 5.625).abs() < 1e-12);
        assert!((e.at_rate(Gbps(1600.0)).0 - 9.0).abs() < 1e-12);
    }
}
