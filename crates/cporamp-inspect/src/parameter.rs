//! The measured parameters of a lane ([`Parameter`]), a value per parameter
//! ([`ByParameter`], serialized as a plain array in [`Parameter::ALL`] order) and the
//! specification limits a `--limits` file sets on them ([`apply_limits_file`]).

use std::collections::BTreeMap;

use crate::SpecLimits;
use crate::columns::{Column, InputError};

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

    /// Its name (with its unit): the name of the column that holds it
    /// ([`Column::parameter`]), which a limits file uses too.
    #[must_use]
    pub fn name(self) -> &'static str {
        Column::ALL
            .into_iter()
            .find(|column| column.parameter() == Some(self))
            .map_or("", Column::name)
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

cporamp_core::keyed_array!(
    /// One value per [`Parameter`], indexed by it (serialized as an array in
    /// [`Parameter::ALL`] order).
    ByParameter,
    Parameter,
    3
);

/// A limits file's `text` (TOML, one table per [`Parameter`] with `lower`
/// and/or `upper` in its unit; `origin` names it in errors) over `limits`.
///
/// # Errors
/// [`InputError`] for bad TOML, an unknown parameter, a limit that is not finite, and a lower
/// limit not below the upper.
pub fn apply_limits_file(
    origin: &str,
    text: &str,
    limits: &mut ByParameter<SpecLimits>,
) -> Result<(), InputError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        lower: Option<f64>,
        upper: Option<f64>,
    }
    let fail = |message: String| InputError(format!("limits {origin}: {message}"));
    let raw: BTreeMap<String, Raw> = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
    for (name, raw) in raw {
        let Some(p) = Parameter::from_name(&name) else {
            let known: Vec<&str> = Parameter::ALL.iter().map(|p| p.name()).collect();
            return Err(fail(format!(
                "[{name}]: unknown parameter; expected one of {}",
                known.join(", ")
            )));
        };
        for (key, value) in [("lower", raw.lower), ("upper", raw.upper)] {
            if let Some(v) = value
                && !v.is_finite()
            {
                return Err(fail(format!("{name}.{key}: value {v} is not a finite number")));
            }
        }
        if let (Some(lower), Some(upper)) = (raw.lower, raw.upper)
            && lower >= upper
        {
            return Err(fail(format!("{name}: lower {lower} is not below upper {upper}")));
        }
        limits[p] = SpecLimits { lower: raw.lower, upper: raw.upper };
    }
    Ok(())
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
        // Every parameter has its column.
        assert!(Parameter::ALL.iter().all(|p| Column::from_name(p.name()).is_some()));
    }
}
