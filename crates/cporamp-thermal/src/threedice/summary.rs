//! The temperatures `cporamp thermal --3d-ice` reports after a run: per stack element with an
//! output layer (a die's source layer, a channel's coolant layer, a layer itself), the
//! hottest, coolest and mean cell of that layer and, for a channel, its outlets' hottest and
//! mean temperature.

use super::parse::ElementKind;
use super::{Model, Run, StackFile};

/// One stack element's temperatures after a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementSummary<'a> {
    /// The element's name.
    pub name: &'a str,
    /// Its output layer: "die, source layer", "channel, coolant layer" or "layer".
    pub what: &'static str,
    /// The hottest cell of the layer, K.
    pub max_k: f64,
    /// The coolest cell of the layer, K.
    pub min_k: f64,
    /// The mean over the layer's cells, K.
    pub mean_k: f64,
    /// For a channel: its hottest outlet and the outlets' mean, K.
    pub outlet_k: Option<(f64, f64)>,
}

/// The summary of every element of `stack` that has an output layer in `model`, in stack
/// order, from `run`'s final temperatures.
#[must_use]
pub fn element_summaries<'a>(
    stack: &'a StackFile,
    model: &Model,
    run: &Run,
) -> Vec<ElementSummary<'a>> {
    let mut summaries = Vec::new();
    for element in &stack.stack {
        let Some(layer) = model.output_layer(&element.name) else { continue };
        let cells = model.rows() * model.columns();
        let start = layer * cells;
        let slice = &run.temperatures_k[start..start + cells];
        let max = slice.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = slice.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = slice.iter().sum::<f64>() / cells as f64;
        let what = match element.kind {
            ElementKind::Die { .. } => "die, source layer",
            ElementKind::Channel => "channel, coolant layer",
            ElementKind::Layer(_) => "layer",
        };
        let outlet_k = (element.kind == ElementKind::Channel).then(|| {
            let outlets = model.outlet_temperatures(&run.temperatures_k, &element.name);
            let outlet_max = outlets.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let outlet_mean = outlets.iter().sum::<f64>() / outlets.len().max(1) as f64;
            (outlet_max, outlet_mean)
        });
        summaries.push(ElementSummary {
            name: &element.name,
            what,
            max_k: max,
            min_k: min,
            mean_k: mean,
            outlet_k,
        });
    }
    summaries
}
