//! The measured parameters of a lane ([`Parameter`]) and a value per parameter
//! ([`ByParameter`], serialized as a plain array in [`Parameter::ALL`] order).

use std::ops::{Index, IndexMut};

use serde::Serialize;

/// A parameter measured on each lane: what SPC charts, capability and variance components
/// are computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Parameter {
    /// Coupling loss from misalignment, dB.
    CouplingLossDb,
    /// Fiber-block-to-coupler gap, µm.
    GapUm,
    /// Heater red shift the ring needs, nm.
    HeaterShiftNm,
}

impl Parameter {
    /// Every parameter, in order.
    pub const ALL: [Parameter; 3] =
        [Parameter::CouplingLossDb, Parameter::GapUm, Parameter::HeaterShiftNm];

    /// Its name (with its unit), as its column and a limits file call it.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Parameter::CouplingLossDb => "coupling_loss_db",
            Parameter::GapUm => "gap_um",
            Parameter::HeaterShiftNm => "heater_shift_nm",
        }
    }

    /// Its unit.
    #[must_use]
    pub fn unit(self) -> &'static str {
        match self {
            Parameter::CouplingLossDb => "dB",
            Parameter::GapUm => "µm",
            Parameter::HeaterShiftNm => "nm",
        }
    }

    /// The parameter named `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Parameter> {
        Parameter::ALL.into_iter().find(|parameter| parameter.name() == name)
    }
}

/// One value per [`Parameter`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct ByParameter<T>(pub [T; 3]);

impl<T> ByParameter<T> {
    /// Each parameter with its value, in [`Parameter::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Parameter, &T)> {
        Parameter::ALL.into_iter().zip(&self.0)
    }
}

impl<T> Index<Parameter> for ByParameter<T> {
    type Output = T;

    fn index(&self, parameter: Parameter) -> &T {
        &self.0[parameter as usize]
    }
}

impl<T> IndexMut<Parameter> for ByParameter<T> {
    fn index_mut(&mut self, parameter: Parameter) -> &mut T {
        &mut self.0[parameter as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_index_their_values_and_serialize_in_order() {
        let mut values = ByParameter([1, 2, 3]);
        values[Parameter::GapUm] += 5;
        assert_eq!(values[Parameter::HeaterShiftNm], 3);
        assert_eq!(serde_json::to_string(&values).unwrap(), "[1,7,3]");
        let names: Vec<&str> = values.iter().map(|(p, _)| p.name()).collect();
        assert_eq!(names, ["coupling_loss_db", "gap_um", "heater_shift_nm"]);
        assert_eq!(Parameter::from_name("gap_um"), Some(Parameter::GapUm));
        assert_eq!(Parameter::from_name("gap"), None);
    }
}
