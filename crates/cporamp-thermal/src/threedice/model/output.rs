//! The output files in 3D-ICE's layouts (`T`, `Tflp`, `Tflpel`, `Tmap` with its axes,
//! `Tcoolant`), with 3D-ICE's probe alignment and its outlet statistics.

use super::{Model, OutputFile, PlacedElement};
use crate::threedice::parse::{Instant, OutputKind, Quantity};
use std::fmt::Write as _;

fn range_stat(
    t: &[f64],
    base: usize,
    columns: usize,
    range: (usize, usize, usize, usize),
) -> (f64, f64, f64) {
    let (r0, r1, c0, c1) = range;
    let mut max = f64::NEG_INFINITY;
    let mut min = f64::INFINITY;
    let mut sum = 0.0;
    let mut n = 0usize;
    for r in r0..=r1 {
        for c in c0..=c1 {
            let v = t[base + r * columns + c];
            max = max.max(v);
            min = min.min(v);
            sum += v;
            n += 1;
        }
    }
    (max, min, sum / n as f64)
}

fn element_stat(
    t: &[f64],
    base: usize,
    columns: usize,
    element: &PlacedElement,
    quantity: Quantity,
) -> f64 {
    let stats: Vec<(f64, f64, f64)> =
        element.ranges.iter().map(|r| range_stat(t, base, columns, *r)).collect();
    let max = stats.iter().map(|s| s.0).fold(f64::NEG_INFINITY, f64::max);
    let min = stats.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
    match quantity {
        Quantity::Maximum => max,
        Quantity::Minimum => min,
        Quantity::Average => stats.iter().map(|s| s.2).sum::<f64>() / stats.len() as f64,
        Quantity::Gradient => max - min,
    }
}

pub(super) struct Writer<'a> {
    model: &'a Model,
    files: Vec<OutputFile>,
    axes: bool,
}

impl<'a> Writer<'a> {
    pub(super) fn new(model: &'a Model) -> Self {
        let mut files: Vec<OutputFile> = Vec::new();
        let mut axes = false;
        for output in &model.stack.outputs {
            let element = &model.elements[match &output.kind {
                OutputKind::Cell { element, .. }
                | OutputKind::Floorplan { element, .. }
                | OutputKind::FloorplanElement { element, .. }
                | OutputKind::Map { element }
                | OutputKind::Coolant { element, .. } => *element,
            }];
            let header = match &output.kind {
                OutputKind::Cell { x_um, y_um, .. } => {
                    let (column, actual_x) = model.locate_column(*x_um);
                    let (row, actual_y) = model.locate_row(*y_um);
                    format!(
                        "% Cell temperature for the location [{}, x={x_um:5.3},y={y_um:5.3}]\n% Nearest [column, row] indices found= [{column},{row}] (locations [x={actual_x:5.3},y={actual_y:5.3}])\n% Time(s) \t Temperature(K)\n",
                        element.name
                    )
                }
                OutputKind::Floorplan { quantity, .. } => {
                    let mut h = format!(
                        "% {} temperatures for the floorplan of the die {}\n% Time(s) \t ",
                        quantity.header(),
                        element.name
                    );
                    for e in &model.floorplans[element.floorplan.expect("die")].1.elements {
                        let _ = write!(h, "{}(K) \t ", e.name);
                    }
                    h.push('\n');
                    h
                }
                OutputKind::FloorplanElement { name, quantity, .. } => format!(
                    "% {} temperatures for the floorplan element {name} of the die {}\n% Time(s) \t {}.{name}(K)\n",
                    quantity.header(),
                    element.name,
                    element.name
                ),
                OutputKind::Map { .. } => {
                    axes = true;
                    format!(
                        "% Thermal map for layer {} (please find axis information in \"xaxis.txt\" and \"yaxis.txt\")\n",
                        element.name
                    )
                }
                OutputKind::Coolant { quantity, .. } => format!(
                    "% {} temperatures for the outlet of the channel {}\n% Time(s) \t Temperature(K)\n",
                    quantity.header(),
                    element.name
                ),
            };
            // Several instructions may name one file: 3D-ICE reopens it, truncating.
            if let Some(file) = files.iter_mut().find(|f| f.name == output.file) {
                file.text = header;
            } else {
                files.push(OutputFile { name: output.file.clone(), text: header });
            }
        }
        Writer { model, files, axes }
    }

    pub(super) fn write(&mut self, t: &[f64], time_s: f64, instant: Instant) {
        let model = self.model;
        let columns = model.columns();
        for output in &model.stack.outputs {
            if output.instant != instant {
                continue;
            }
            let mut text = String::new();
            match &output.kind {
                OutputKind::Cell { element, x_um, y_um } => {
                    let layer = model.elements[*element].output_layer;
                    let (column, _) = model.locate_column(*x_um);
                    let (row, _) = model.locate_row(*y_um);
                    let _ = writeln!(
                        text,
                        "{time_s:.6} \t {:16.12}",
                        t[model.index(layer, row, column)]
                    );
                }
                OutputKind::Floorplan { element, quantity } => {
                    let info = &model.elements[*element];
                    let base = model.index(info.output_layer, 0, 0);
                    let _ = write!(text, "{time_s:5.3} \t ");
                    for e in &model.floorplans[info.floorplan.expect("die")].1.elements {
                        let _ = write!(
                            text,
                            "{:5.3} \t ",
                            element_stat(t, base, columns, e, *quantity)
                        );
                    }
                    text.push('\n');
                }
                OutputKind::FloorplanElement { element, name, quantity } => {
                    let info = &model.elements[*element];
                    let base = model.index(info.output_layer, 0, 0);
                    let e = model.floorplans[info.floorplan.expect("die")]
                        .1
                        .elements
                        .iter()
                        .find(|e| &e.name == name)
                        .expect("checked at build");
                    let _ = writeln!(
                        text,
                        "{time_s:5.3} \t {:7.3}",
                        element_stat(t, base, columns, e, *quantity)
                    );
                }
                OutputKind::Map { element } => {
                    let layer = model.elements[*element].output_layer;
                    for r in 0..model.rows {
                        for c in 0..columns {
                            let _ = write!(text, "{:7.3}  ", t[model.index(layer, r, c)]);
                        }
                        text.push('\n');
                    }
                    text.push('\n');
                }
                OutputKind::Coolant { element, quantity } => {
                    let layer = model.elements[*element].output_layer;
                    let _ = writeln!(
                        text,
                        "{time_s:5.3} \t {:7.3}",
                        model.coolant_stat(t, layer, *quantity)
                    );
                }
            }
            if let Some(file) = self.files.iter_mut().find(|f| f.name == output.file) {
                file.text.push_str(&text);
            }
        }
    }

    pub(super) fn finish(mut self) -> Vec<OutputFile> {
        if self.axes {
            let model = self.model;
            let mut x = String::new();
            for c in 0..model.columns() {
                let _ = writeln!(x, "{:5.2}", model.cell_center_x(c));
            }
            let mut y = String::new();
            for r in 0..model.rows {
                let _ = writeln!(y, "{:5.2}", model.row_y(r) + model.cell_width_um / 2.0);
            }
            self.files.push(OutputFile { name: "xaxis.txt".into(), text: x });
            self.files.push(OutputFile { name: "yaxis.txt".into(), text: y });
        }
        self.files
    }
}

impl Model {
    fn cell_center_x(&self, column: usize) -> f64 {
        (self.column_x_um[column] + self.column_x_um[column + 1]) / 2.0
    }

    fn row_y(&self, row: usize) -> f64 {
        self.cell_width_um * row as f64
    }

    /// 3D-ICE's probe alignment: the column whose span holds x (the last one, located at 0,
    /// when none does).
    fn locate_column(&self, x: f64) -> (usize, f64) {
        for c in 0..self.columns() {
            let end =
                if c + 1 == self.columns() { self.probe_end_um } else { self.column_x_um[c + 1] };
            if x >= self.column_x_um[c] && x < end {
                return (c, self.column_x_um[c]);
            }
        }
        (self.columns() - 1, 0.0)
    }

    fn locate_row(&self, y: f64) -> (usize, f64) {
        for r in 0..self.rows {
            if y >= self.row_y(r) && y < self.row_y(r + 1) {
                return (r, self.row_y(r));
            }
        }
        (self.rows - 1, 0.0)
    }

    /// 3D-ICE's outlet statistics, kept as it computes them: the scan starts from the first
    /// column's outlet cell even when that column is a wall (4RM); the average divides the
    /// first column plus every coolant column by the number of channels; the `gradient`
    /// returns the maximum.
    fn coolant_stat(&self, t: &[f64], layer: usize, quantity: Quantity) -> f64 {
        let base = self.index(layer, self.rows - 1, 0);
        let first = t[base];
        let channels: Vec<f64> = (0..self.columns())
            .filter(|c| self.is_channel_column(*c))
            .map(|c| t[base + c])
            .collect();
        match quantity {
            Quantity::Maximum | Quantity::Gradient => {
                channels.iter().copied().fold(first, f64::max)
            }
            Quantity::Minimum => channels.iter().copied().fold(first, f64::min),
            Quantity::Average => {
                (first + channels.iter().sum::<f64>()) / self.coolant().channels as f64
            }
        }
    }
}
