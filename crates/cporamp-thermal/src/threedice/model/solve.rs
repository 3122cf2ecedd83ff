//! Sources, steady and backward-Euler solves, the energy balance, and [`Model::run`].

use super::output::Writer;
use super::{EnergyBalance, LayerKind, Model, ModelError, Run};
use crate::hotspot::microchannel::{LuFactor, lu_factor, lu_solve};
use crate::threedice::parse::{Analysis, Instant, ParseError};

impl Model {
    /// Number of power slots every floorplan element can supply (the shortest trace).
    #[must_use]
    pub fn slots(&self) -> usize {
        self.floorplans
            .iter()
            .flat_map(|(_, f)| f.elements.iter().map(|e| e.powers_w.len()))
            .min()
            .unwrap_or(0)
    }

    /// The source vector, W, for power slot `slot`: floorplan powers on source layers, the
    /// heat sinks' `G·T_ambient` and the inlets' `2·C·T_in`.
    #[must_use]
    pub fn sources(&self, slot: usize) -> Vec<f64> {
        let nc = self.columns();
        let mut b = vec![0.0; self.cells()];
        for (l, layer) in self.layers.iter().enumerate() {
            if layer.to_ambient {
                let t = self.top_sink.map_or(0.0, |s| s.temperature_k);
                for r in 0..self.rows {
                    for c in 0..nc {
                        b[self.index(l, r, c)] += t * self.g_top(l, c);
                    }
                }
            }
            if layer.to_pcb {
                let t = self.bottom_sink.map_or(0.0, |s| s.temperature_k);
                for r in 0..self.rows {
                    for c in 0..nc {
                        b[self.index(l, r, c)] += t * self.g_bottom(l, c);
                    }
                }
            }
            if matches!(
                layer.kind,
                LayerKind::Channel4rm | LayerKind::Channel2rm | LayerKind::PinFin { .. }
            ) {
                let t_in = self.coolant().inlet_k;
                for c in 0..nc {
                    if self.is_channel_column(c) {
                        b[self.index(l, 0, c)] = 2.0 * self.convective(l, c) * t_in;
                    }
                }
            }
        }
        for (l, flp) in &self.floorplans {
            let base = self.index(*l, 0, 0);
            for element in &flp.elements {
                let power = element.powers_w.get(slot).copied().unwrap_or(0.0);
                for (cell, coefficient) in &element.coefficients {
                    b[base + cell] += coefficient * power;
                }
            }
        }
        b
    }

    /// Floorplan power of slot `slot`, W.
    #[must_use]
    pub fn power_w(&self, slot: usize) -> f64 {
        self.floorplans
            .iter()
            .flat_map(|(_, f)| f.elements.iter())
            .map(|e| e.powers_w.get(slot).copied().unwrap_or(0.0))
            .sum()
    }

    /// The steady state with the powers of slot `slot`.
    ///
    /// # Errors
    /// A singular system.
    pub fn steady(&self, slot: usize) -> Result<Vec<f64>, ModelError> {
        let lu = lu_factor(self.cells(), &self.matrix(None))?;
        Ok(lu_solve(&lu, &self.sources(slot))?)
    }

    /// Where the heat goes for temperatures `t` and the powers of slot `slot`.
    #[must_use]
    pub fn energy_balance(&self, t: &[f64], slot: usize) -> EnergyBalance {
        let nc = self.columns();
        let mut balance = EnergyBalance {
            power_in_w: self.power_w(slot),
            top_sink_w: 0.0,
            bottom_sink_w: 0.0,
            coolant_w: 0.0,
        };
        for (l, layer) in self.layers.iter().enumerate() {
            for r in 0..self.rows {
                for c in 0..nc {
                    let temperature = t[self.index(l, r, c)];
                    if layer.to_ambient {
                        balance.top_sink_w += self.g_top(l, c)
                            * (temperature - self.top_sink.map_or(0.0, |s| s.temperature_k));
                    }
                    if layer.to_pcb {
                        balance.bottom_sink_w += self.g_bottom(l, c)
                            * (temperature - self.bottom_sink.map_or(0.0, |s| s.temperature_k));
                    }
                }
            }
            if matches!(
                layer.kind,
                LayerKind::Channel4rm | LayerKind::Channel2rm | LayerKind::PinFin { .. }
            ) {
                let t_in = self.coolant().inlet_k;
                for c in 0..nc {
                    if self.is_channel_column(c) {
                        balance.coolant_w += 2.0
                            * self.convective(l, c)
                            * (t[self.index(l, self.rows - 1, c)] - t_in);
                    }
                }
            }
        }
        balance
    }

    /// Outlet temperatures (last row of every coolant column) of the channel element
    /// `element`, K, by column.
    #[must_use]
    pub fn outlet_temperatures(&self, t: &[f64], element: &str) -> Vec<f64> {
        let Some(layer) = self.output_layer(element) else { return Vec::new() };
        (0..self.columns())
            .filter(|c| self.is_channel_column(*c))
            .map(|c| t[self.index(layer, self.rows - 1, c)])
            .collect()
    }

    /// Runs the stack as its solver section asks (steady with the first powers, or backward
    /// Euler from the initial temperature through every power slot) and writes the outputs.
    ///
    /// # Errors
    /// No powers, or a singular system.
    pub fn run(&self) -> Result<Run, ModelError> {
        let mut writer = Writer::new(self);
        let slots = self.slots();
        if slots == 0 {
            return Err(ParseError {
                file: self.stack.file.clone(),
                line: 1,
                field: "floorplans".into(),
                message: "no power values: every floorplan element needs at least one power value"
                    .into(),
            }
            .into());
        }
        match self.stack.analysis {
            Analysis::Steady => {
                let t = self.steady(0)?;
                writer.write(&t, 0.0, Instant::Final);
                let balance = self.energy_balance(&t, 0);
                Ok(Run {
                    temperatures_k: t,
                    files: writer.finish(),
                    steps: 0,
                    time_s: 0.0,
                    balance,
                })
            }
            Analysis::Transient { step_s, steps_per_slot, .. } => {
                let lu: LuFactor = lu_factor(self.cells(), &self.matrix(Some(step_s)))?;
                let capacities = self.capacities();
                let mut t = vec![self.stack.initial_temperature_k; self.cells()];
                let mut steps = 0u64;
                let steps_per_slot = steps_per_slot.max(1);
                for slot in 0..slots {
                    let sources = self.sources(slot);
                    for _ in 0..steps_per_slot {
                        let rhs: Vec<f64> = sources
                            .iter()
                            .zip(&capacities)
                            .zip(&t)
                            .map(|((s, c), t)| s + c / step_s * t)
                            .collect();
                        t = lu_solve(&lu, &rhs)?;
                        steps += 1;
                        let time = steps as f64 * step_s;
                        writer.write(&t, time, Instant::Step);
                        if steps % steps_per_slot == 0 {
                            writer.write(&t, time, Instant::Slot);
                        }
                    }
                }
                let time = steps as f64 * step_s;
                writer.write(&t, time, Instant::Final);
                let balance = self.energy_balance(&t, slots - 1);
                Ok(Run { temperatures_k: t, files: writer.finish(), steps, time_s: time, balance })
            }
        }
    }
}
