//! What the CLI prints: every engine's results as [`Table`]s, rendered as aligned text at
//! most [`WIDTH`] columns wide (headers wrap, wide tables split into column groups), or
//! flattened into a [`Frame`] (one row per cell) for CSV and Parquet. Text and CSV come from
//! the same tables, so they always agree.

use cporamp_compare::{GenerationComparison, TechnologyResult};
use cporamp_core::Scenario;
use cporamp_report::{Frame, FrameColumn};
use std::fmt::Write;

/// The widest line the text output may have.
pub const WIDTH: usize = 100;

/// One cell.
#[derive(Debug, Clone)]
pub enum Cell {
    /// A number shown with `decimals` places, with its standard error when it is an estimate.
    Number { value: f64, se: Option<f64>, decimals: usize },
    /// Text.
    Text(String),
    /// Does not apply.
    Empty,
}

impl Cell {
    pub(crate) fn number(value: f64, decimals: usize) -> Cell {
        Cell::Number { value, se: None, decimals }
    }

    pub(crate) fn pm(value: f64, se: f64, decimals: usize) -> Cell {
        Cell::Number { value, se: Some(se), decimals }
    }

    pub(crate) fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    fn shown(&self) -> String {
        let fixed = |value: f64, decimals: usize| {
            let text = format!("{value:.decimals$}");
            // -0.00 is 0.00.
            if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
                text.trim_start_matches('-').to_string()
            } else {
                text
            }
        };
        match self {
            Cell::Number { value, se: None, decimals } => fixed(*value, *decimals),
            Cell::Number { value, se: Some(se), decimals } => {
                if *value == 0.0 && *se == 0.0 {
                    "0".to_string()
                } else {
                    format!("{} ± {}", fixed(*value, *decimals), fixed(*se, *decimals))
                }
            }
            Cell::Text(text) => text.clone(),
            Cell::Empty => "-".to_string(),
        }
    }
}

/// A row: its label and one cell per column.
#[derive(Debug, Clone)]
pub struct Row {
    label: String,
    cells: Vec<Cell>,
}

/// A titled table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// What it shows.
    pub title: String,
    /// Header of the row-label column.
    corner: String,
    /// Column headers (units in them or in the row labels).
    columns: Vec<String>,
    rows: Vec<Row>,
    /// Lines printed under the table.
    notes: Vec<String>,
}

impl Table {
    pub(crate) fn new(title: impl Into<String>, corner: &str, columns: Vec<String>) -> Table {
        Table { title: title.into(), corner: corner.to_string(), columns, ..Table::default() }
    }

    pub(crate) fn row(&mut self, label: impl Into<String>, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(Row { label: label.into(), cells });
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The table as text lines of at most `width` characters (except a single word longer
    /// than the width, which is never cut).
    pub fn render(&self, width: usize) -> String {
        let mut out = String::new();
        for line in wrap(&self.title, width) {
            let _ = writeln!(out, "{line}");
        }
        let label_width = self
            .rows
            .iter()
            .map(|row| row.label.chars().count())
            .chain(std::iter::once(self.corner.chars().count()))
            .max()
            .unwrap_or(0);
        let shown: Vec<Vec<String>> =
            self.rows.iter().map(|row| row.cells.iter().map(Cell::shown).collect()).collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|column| {
                let cells = shown.iter().map(|row| row[column].chars().count()).max().unwrap_or(0);
                let word = longest_word(&self.columns[column]);
                // Headers wrap at ten characters or their cells' width, whichever is wider.
                let header = self.columns[column].chars().count();
                cells.max(word).max(header.min(10))
            })
            .collect();
        // Column groups that fit the width beside the labels.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut used = label_width;
        for (column, &column_width) in widths.iter().enumerate() {
            match groups.last_mut() {
                Some(group) if used + 2 + column_width <= width => group.push(column),
                _ => {
                    groups.push(vec![column]);
                    used = label_width;
                }
            }
            used += 2 + column_width;
        }
        for (index, group) in groups.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            let headers: Vec<Vec<String>> =
                group.iter().map(|&column| wrap(&self.columns[column], widths[column])).collect();
            let header_lines = headers.iter().map(Vec::len).max().unwrap_or(0);
            for line in 0..header_lines {
                let mut text = if line + 1 == header_lines {
                    format!("{:<label_width$}", self.corner)
                } else {
                    " ".repeat(label_width)
                };
                for (position, &column) in group.iter().enumerate() {
                    // Headers sit at the bottom, right-aligned over their numbers.
                    let offset = header_lines - headers[position].len();
                    let part = if line >= offset { &headers[position][line - offset] } else { "" };
                    let _ = write!(text, "  {part:>width$}", width = widths[column]);
                }
                let _ = writeln!(out, "{}", text.trim_end());
            }
            for (row, cells) in self.rows.iter().zip(&shown) {
                let mut text = format!("{:<label_width$}", row.label);
                for &column in group {
                    let _ = write!(text, "  {:>width$}", cells[column], width = widths[column]);
                }
                let _ = writeln!(out, "{}", text.trim_end());
            }
        }
        for note in &self.notes {
            for (index, line) in wrap(note, width - 2).iter().enumerate() {
                let prefix = if index == 0 { "* " } else { "  " };
                let _ = writeln!(out, "{prefix}{line}");
            }
        }
        out.push('\n');
        out
    }
}

fn longest_word(text: &str) -> usize {
    text.split_whitespace().map(|word| word.chars().count()).max().unwrap_or(0)
}

/// Greedy word wrap; a word longer than `width` gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Tables as text.
#[must_use]
pub fn render(tables: &[Table]) -> String {
    tables.iter().map(|table| table.render(WIDTH)).collect()
}

/// Tables flattened to one row per cell: table, row, column, value, se, text.
#[must_use]
pub fn frame(tables: &[Table]) -> Frame {
    let mut columns: [Vec<String>; 3] = Default::default();
    let (mut values, mut ses, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    for table in tables {
        for row in &table.rows {
            for (header, cell) in table.columns.iter().zip(&row.cells) {
                columns[0].push(table.title.clone());
                columns[1].push(row.label.clone());
                columns[2].push(header.clone());
                let (value, se, text) = match cell {
                    Cell::Number { value, se, .. } => (Some(*value), *se, String::new()),
                    Cell::Text(text) => (None, None, text.clone()),
                    Cell::Empty => (None, None, String::new()),
                };
                values.push(value);
                ses.push(se);
                texts.push(text);
            }
        }
    }
    let [tables, rows, headers] = columns;
    let mut frame = Frame::default();
    frame.push("table", FrameColumn::Text(tables));
    frame.push("row", FrameColumn::Text(rows));
    frame.push("column", FrameColumn::Text(headers));
    frame.push("value", FrameColumn::Number(values));
    frame.push("se", FrameColumn::Number(ses));
    frame.push("text", FrameColumn::Text(texts));
    frame
}

/// Column headers of technologies.
fn labels<'a, T: 'a>(items: impl IntoIterator<Item = &'a T>, label: fn(&T) -> &str) -> Vec<String> {
    items.into_iter().map(|item| label(item).to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// compare
// ---------------------------------------------------------------------------------------

/// One column of the comparison: header and how to show a technology's value.
struct Column {
    header: &'static str,
    value: fn(&TechnologyResult) -> Cell,
}

const COLUMNS: &[Column] = &[
    Column { header: "optics W/port", value: |t| Cell::number(t.port_power.optics_w, 2) },
    Column { header: "optics pJ/bit", value: |t| Cell::number(t.port_power.optics_pj_per_bit, 2) },
    Column {
        header: "+host pJ/bit",
        value: |t| Cell::number(t.port_power.with_host_pj_per_bit, 2),
    },
    Column { header: "switch W", value: |t| Cell::number(t.switch_power.total_w, 0) },
    Column { header: "ASIC W", value: |t| Cell::number(t.switch_power.asic_w, 0) },
    Column { header: "port $/Gbps", value: |t| Cell::number(t.cost.port_usd_per_gbps, 3) },
    Column { header: "switch $/Gbps", value: |t| Cell::number(t.cost.switch_usd_per_gbps, 3) },
    Column {
        header: "switch $/Gbps with yield",
        value: |t| {
            t.cost.switch_usd_per_gbps_with_yield.map_or(Cell::Empty, |v| Cell::number(v, 3))
        },
    },
    Column {
        header: "switch $/Gbps with liquid cooling",
        value: |t| {
            t.cost.switch_usd_per_gbps_with_cooling.map_or(Cell::Empty, |v| Cell::number(v, 3))
        },
    },
    Column { header: "Tb/s per RU", value: |t| Cell::number(t.density.tbps_per_ru, 1) },
    Column {
        header: "Tb/s per mm edge",
        value: |t| t.density.tbps_per_mm_edge.map_or(Cell::Empty, |v| Cell::number(v, 2)),
    },
    Column { header: "reach m", value: |t| Cell::number(t.reach_m, 1) },
    Column {
        header: "laser FRU",
        value: |t| {
            t.service.laser_failure.as_ref().map_or(Cell::Empty, |f| Cell::text(f.fru.label()))
        },
    },
    Column {
        header: "laser blast ports",
        value: |t| {
            t.service
                .laser_failure
                .as_ref()
                .map_or(Cell::Empty, |f| Cell::number(f64::from(f.blast_radius_ports), 0))
        },
    },
    Column { header: "port FRU", value: |t| Cell::text(t.service.port_failure.fru.label()) },
    Column {
        header: "port blast ports",
        value: |t| Cell::number(f64::from(t.service.port_failure.blast_radius_ports), 0),
    },
];

/// The comparison: a table per generation, technologies as rows.
#[must_use]
pub fn compare_tables(generations: &[GenerationComparison]) -> Vec<Table> {
    generations
        .iter()
        .map(|generation| {
            // A column that applies to no technology (with yield, when the yield engine did
            // not run) is left out, with a note.
            let columns: Vec<&Column> = COLUMNS
                .iter()
                .filter(|column| {
                    generation
                        .technologies
                        .iter()
                        .any(|t| !matches!((column.value)(t), Cell::Empty))
                })
                .collect();
            let mut table = Table::new(
                format!(
                    "{} switch: {} ports x {} Gb/s ({:.1} Tb/s)",
                    generation.generation,
                    generation.ports_per_switch,
                    generation.port_rate_gbps,
                    generation.switch_capacity_gbps / 1000.0
                ),
                "technology",
                columns.iter().map(|column| column.header.to_string()).collect(),
            );
            for technology in &generation.technologies {
                table.row(
                    technology.label.clone(),
                    columns.iter().map(|column| (column.value)(technology)).collect(),
                );
            }
            if columns.len() < COLUMNS.len() {
                table.note(
                    "switch $/Gbps with yield needs the yield engine: see cporamp yield or \
                     cporamp run",
                );
            }
            table
        })
        .collect()
}

/// One CSV row per generation and technology, with unit-suffixed headers.
#[must_use]
pub fn compare_frame(generations: &[GenerationComparison]) -> Frame {
    let rows: Vec<(&str, &TechnologyResult)> = generations
        .iter()
        .flat_map(|g| g.technologies.iter().map(move |t| (g.generation.as_str(), t)))
        .collect();
    let mut frame = Frame::default();
    let text = |f: &dyn Fn(&str, &TechnologyResult) -> String| {
        FrameColumn::Text(rows.iter().map(|(g, t)| f(g, t)).collect())
    };
    let number = |f: &dyn Fn(&TechnologyResult) -> Option<f64>| {
        FrameColumn::Number(rows.iter().map(|(_, t)| f(t)).collect())
    };
    frame.push("generation", text(&|g, _| g.to_string()));
    frame.push("technology", text(&|_, t| t.id.clone()));
    frame.push("label", text(&|_, t| t.label.clone()));
    type Watts = fn(&TechnologyResult) -> f64;
    let powers: [(&str, Watts); 13] = [
        ("optics_w_per_port", |t| t.port_power.optics_w),
        ("optics_pj_per_bit", |t| t.port_power.optics_pj_per_bit),
        ("with_host_pj_per_bit", |t| t.port_power.with_host_pj_per_bit),
        ("host_serdes_w_per_port", |t| t.port_power.host_serdes_w),
        ("dsp_w_per_port", |t| t.port_power.dsp_w),
        ("driver_w_per_port", |t| t.port_power.driver_w),
        ("tia_w_per_port", |t| t.port_power.tia_w),
        ("oe_serdes_w_per_port", |t| t.port_power.oe_serdes_w),
        ("heater_w_per_port", |t| t.port_power.heater_w),
        ("laser_w_per_port", |t| t.port_power.laser_w),
        ("els_w_per_port", |t| t.port_power.els_w),
        ("overhead_w_per_port", |t| t.port_power.overhead_w),
        ("conversion_loss_w_per_port", |t| t.port_power.conversion_loss_w),
    ];
    for (name, value) in powers {
        frame.push(name, number(&|t| Some(value(t))));
    }
    frame.push("switch_w", number(&|t| Some(t.switch_power.total_w)));
    frame.push("asic_w", number(&|t| Some(t.switch_power.asic_w)));
    frame.push("port_usd", number(&|t| Some(t.cost.port_usd)));
    frame.push("port_usd_per_gbps", number(&|t| Some(t.cost.port_usd_per_gbps)));
    frame.push("switch_usd_per_gbps", number(&|t| Some(t.cost.switch_usd_per_gbps)));
    frame
        .push("switch_usd_per_gbps_with_yield", number(&|t| t.cost.switch_usd_per_gbps_with_yield));
    frame.push("cooling_usd_per_switch", number(&|t| t.cost.cooling_usd_per_switch));
    frame.push(
        "switch_usd_per_gbps_with_cooling",
        number(&|t| t.cost.switch_usd_per_gbps_with_cooling),
    );
    frame.push("module_price_usd", number(&|t| t.cost.module_price_usd));
    frame.push("tbps_per_ru", number(&|t| Some(t.density.tbps_per_ru)));
    frame.push("tbps_per_mm_edge", number(&|t| t.density.tbps_per_mm_edge));
    frame.push("reach_m", number(&|t| Some(t.reach_m)));
    frame.push(
        "laser_fru",
        text(&|_, t| {
            t.service.laser_failure.as_ref().map(|f| f.fru.label().to_string()).unwrap_or_default()
        }),
    );
    frame.push(
        "laser_blast_radius_ports",
        number(&|t| t.service.laser_failure.as_ref().map(|f| f64::from(f.blast_radius_ports))),
    );
    frame.push("port_fru", text(&|_, t| t.service.port_failure.fru.label().to_string()));
    frame.push(
        "port_blast_radius_ports",
        number(&|t| Some(f64::from(t.service.port_failure.blast_radius_ports))),
    );
    frame
}

// ---------------------------------------------------------------------------------------
// thermal
// ---------------------------------------------------------------------------------------

/// A named series of an inlet sweep: the column's name and how to read a point.
type Series<'a, P> = (&'a str, fn(&P) -> f64);

/// A table over an inlet sweep: a row per inlet, per technology a column per series.
fn inlet_sweep<P>(
    title: String,
    technologies: Vec<(&str, &[P])>,
    inlet_c: fn(&P) -> f64,
    series: &[Series<'_, P>],
    decimals: usize,
) -> Table {
    let columns = technologies
        .iter()
        .flat_map(|(label, _)| series.iter().map(move |(name, _)| format!("{label} {name}")))
        .collect();
    let mut table = Table::new(title, "inlet °C", columns);
    let points = technologies.first().map_or(0, |(_, points)| points.len());
    for index in 0..points {
        let cells = technologies
            .iter()
            .flat_map(|(_, points)| {
                series.iter().map(move |(_, value)| Cell::number(value(&points[index]), decimals))
            })
            .collect();
        table.row(format!("{:.0}", inlet_c(&technologies[0].1[index])), cells);
    }
    table
}

/// The thermal engine: per generation, the package of each co-packaged technology, then its
/// inlet sweep.
#[must_use]
pub fn thermal_tables(generations: &[cporamp_pipeline::ThermalGeneration]) -> Vec<Table> {
    let mut tables = Vec::new();
    for generation in generations {
        let technologies = &generation.technologies;
        if technologies.is_empty() {
            continue;
        }
        let mut table = Table::new(
            format!("{} thermal: CPO packages at the nominal inlet", generation.generation),
            "quantity",
            labels(technologies, |t| &t.label),
        );
        type Get = fn(&cporamp_pipeline::ThermalTechnology) -> f64;
        let quantities: [(&str, usize, Get); 18] = [
            ("package side, mm", 0, |t| t.nominal.substrate_side_mm),
            ("ASIC power, W", 0, |t| t.asic_w),
            ("  of which leakage, W", 0, |t| t.asic_leakage_w),
            ("optical engines", 0, |t| t.n_engines as f64),
            ("power per engine, W", 1, |t| t.engine_w),
            ("coolant inlet, °C", 1, |t| t.nominal.inlet_c),
            ("coolant rise, K", 1, |t| t.nominal.cold_plate.coolant_rise_k),
            ("cold plate h_eff, W/m²K", 0, |t| t.nominal.cold_plate.h_effective_w_per_m2k),
            ("coolant Reynolds number", 0, |t| t.nominal.cold_plate.reynolds),
            ("ASIC junction mean, °C", 1, |t| t.nominal.asic_mean_c),
            ("ASIC junction max, °C", 1, |t| t.nominal.asic_max_c),
            ("hottest engine, °C", 1, |t| t.nominal.engine_mean_max_c),
            ("fixed-point iterations", 0, |t| t.iterations as f64),
            ("heat through the board, W", 2, |t| t.nominal.board_w),
            ("workload cycles per day", 0, |t| t.cycling.asic.cycles_per_day),
            ("ASIC cycle swing, K", 1, |t| t.cycling.asic.max_range_k),
            ("ASIC bump life, y", 1, |t| t.cycling.asic.life_years),
            ("engine joint life, y", 1, |t| t.cycling.engine.life_years),
        ];
        for (label, decimals, value) in quantities {
            table.row(
                label,
                technologies.iter().map(|t| Cell::number(value(t), decimals)).collect(),
            );
        }
        let mut notes: Vec<String> = Vec::new();
        for technology in technologies {
            let plate = &technology.nominal.cold_plate;
            let model = format!("cold plate model: {}", plate.model.label());
            if !notes.contains(&model) {
                notes.push(model);
            }
            let correlation = format!("cold plate correlation: {}", plate.correlation);
            if !notes.contains(&correlation) {
                notes.push(correlation);
            }
            for warning in &plate.warnings {
                notes.push(format!("{}: {warning}", technology.label));
            }
        }
        notes.push("solder life: Norris-Landzberg against the qualification cycle".to_string());
        for note in notes {
            table.note(note);
        }
        tables.push(table);

        tables.push(inlet_sweep(
            format!("{} thermal: inlet sweep", generation.generation),
            technologies.iter().map(|t| (t.label.as_str(), t.sweep.as_slice())).collect(),
            |point| point.inlet_c,
            &[
                ("engine max °C", |point| point.engine_mean_max_c),
                ("ASIC max °C", |point| point.asic_max_c),
            ],
            1,
        ));
    }
    tables
}

// ---------------------------------------------------------------------------------------
// photonics
// ---------------------------------------------------------------------------------------

/// The photonics engine: per generation, the lane population and both lock loops, then the
/// flap rate over the inlet sweep.
#[must_use]
pub fn photonics_tables(generations: &[cporamp_pipeline::PhotonicsGeneration]) -> Vec<Table> {
    let mut tables = Vec::new();
    for generation in generations {
        let technologies = &generation.technologies;
        if technologies.is_empty() {
            continue;
        }
        let mut table = Table::new(
            format!(
                "{} photonics: ring drift and the heater lock loop (pm = 0.001 nm)",
                generation.generation
            ),
            "quantity",
            labels(technologies, |t| &t.label),
        );
        let all = |f: &dyn Fn(&cporamp_pipeline::PhotonicsTechnology) -> Cell| {
            technologies.iter().map(f).collect::<Vec<Cell>>()
        };
        table.row("Monte Carlo lanes", all(&|t| Cell::number(t.nominal.lanes as f64, 0)));
        table.row(
            "laser",
            all(&|t| Cell::text(if t.laser_on_engine { "on engine" } else { "external" })),
        );
        table.row("ring linewidth, pm", all(&|t| Cell::number(1e3 * t.nominal.linewidth_nm, 0)));
        table.row("heater range, nm", all(&|t| Cell::number(t.nominal.tuning_range_nm, 1)));
        table.row("ring temperature swing, K", all(&|t| Cell::number(t.nominal.ring_swing_k, 2)));
        table.row(
            "laser-ring drift p-p, pm",
            all(&|t| Cell::number(1e3 * t.nominal.drift_peak_to_peak_nm, 1)),
        );
        for (name, feed_forward) in [("feedback", false), ("feed-forward", true)] {
            let loop_of = |t: &cporamp_pipeline::PhotonicsTechnology| {
                if feed_forward { t.nominal.feed_forward } else { t.nominal.feedback }
            };
            table.row(
                format!("{name}: RMS detuning, pm"),
                all(&|t| Cell::number(1e3 * loop_of(t).rms_detuning_nm, 3)),
            );
            table.row(
                format!("{name}: max detuning, pm"),
                all(&|t| Cell::number(1e3 * loop_of(t).max_detuning_nm, 3)),
            );
            table.row(
                format!("{name}: heater, mW/ring"),
                all(&|t| Cell::number(loop_of(t).heater_mw_per_ring, 1)),
            );
            table.row(
                format!("{name}: heater, pJ/bit"),
                all(&|t| Cell::number(loop_of(t).heater_pj_per_bit, 3)),
            );
            table.row(
                format!("{name}: lock losses, 1/lane-h"),
                all(&|t| {
                    Cell::pm(loop_of(t).lock_losses_per_lane_hour, loop_of(t).lock_losses_se, 2)
                }),
            );
            table.row(
                format!("{name}: flaps, 1/lane-h"),
                all(&|t| Cell::pm(loop_of(t).flaps_per_lane_hour, loop_of(t).flaps_se, 2)),
            );
        }
        table.row("drift predictor R²", all(&|t| Cell::number(t.nominal.predictor_r_squared, 4)));
        table.row(
            "predictor RMS error, pm",
            all(&|t| Cell::number(1e3 * t.nominal.predictor_rms_error_nm, 3)),
        );
        table.row(
            "feed-forward cuts RMS detuning, x",
            all(&|t| Cell::number(t.nominal.rms_reduction, 1)),
        );
        table.row(
            "lanes that cannot lock, %",
            all(&|t| Cell::number(100.0 * t.nominal.unlockable_fraction, 1)),
        );
        table.row(
            "lanes with negative margin, %",
            all(&|t| Cell::number(100.0 * t.nominal.negative_margin_fraction, 1)),
        );
        tables.push(table);

        tables.push(inlet_sweep(
            format!(
                "{} photonics: flaps per lane-hour over the inlet sweep",
                generation.generation
            ),
            technologies.iter().map(|t| (t.label.as_str(), t.inlet_sweep.as_slice())).collect(),
            |point| point.inlet_c,
            &[
                ("feedback", |point| point.feedback_flaps_per_lane_hour),
                ("feed-forward", |point| point.feed_forward_flaps_per_lane_hour),
            ],
            2,
        ));
    }
    tables
}

// ---------------------------------------------------------------------------------------
// yield
// ---------------------------------------------------------------------------------------

/// The yield engine: per generation, yield by insertion, rejects and escapes by mechanism,
/// cost, what to fix first; then the ramp by quarter.
#[must_use]
pub fn yield_tables(
    generations: &[cporamp_pipeline::YieldGeneration],
    comparisons: &[GenerationComparison],
) -> Vec<Table> {
    type Tech = cporamp_pipeline::YieldTechnology;
    let mut tables = Vec::new();
    for generation in generations {
        let technologies = &generation.technologies;
        if technologies.is_empty() {
            continue;
        }
        let headers = labels(technologies, |t| &t.label);
        let all = |f: &dyn Fn(&Tech) -> Cell| technologies.iter().map(f).collect::<Vec<Cell>>();
        let percent = |fraction: &cporamp_yield::Fraction| {
            Cell::pm(100.0 * fraction.value, 100.0 * fraction.se, 2)
        };

        let mut flow = Table::new(
            format!("{} yield: the test flow (mean ± SE)", generation.generation),
            "quantity",
            headers.clone(),
        );
        flow.row("packages simulated", all(&|t| Cell::number(t.result.packages as f64, 0)));
        flow.row(
            "engines x lanes per package",
            all(&|t| {
                Cell::text(format!(
                    "{} x {}",
                    t.inputs.engines_per_package, t.inputs.lanes_per_engine
                ))
            }),
        );
        flow.row("package yield, %", all(&|t| percent(&t.result.package_yield)));
        flow.row("pass: ASIC wafer test, %", all(&|t| percent(&t.result.wafer_test_pass)));
        flow.row(
            "pass: laser burn-in, %",
            all(&|t| {
                if t.inputs.lanes_per_laser > 0 {
                    percent(&t.result.burn_in_pass)
                } else {
                    Cell::Empty
                }
            }),
        );
        flow.row("pass: engine test, %", all(&|t| percent(&t.result.engine_test_pass)));
        flow.row("pass: package test, %", all(&|t| percent(&t.result.package_test_pass)));
        flow.row("pass: system test, %", all(&|t| percent(&t.result.system_test_pass)));
        flow.row(
            "rework attempts per package",
            all(&|t| Cell::number(t.result.reworks_per_package, 3)),
        );
        flow.row("rework: packages recovered, %", all(&|t| percent(&t.result.rework_recovered)));
        flow.row("rework: attempts damaged, %", all(&|t| percent(&t.result.rework_damaged)));
        if technologies.iter().any(|t| t.result.els.is_some()) {
            flow.row(
                "ELS module yield, %",
                all(&|t| {
                    t.result.els.as_ref().map_or(Cell::Empty, |els| percent(&els.module_yield))
                }),
            );
            flow.row(
                "ELS spare lasers used per module",
                all(&|t| {
                    t.result.els.as_ref().map_or(Cell::Empty, |els| {
                        Cell::number(els.spare_lasers_used_per_module, 3)
                    })
                }),
            );
        }
        flow.note("burn-in shows - where the package holds no lasers");
        tables.push(flow);

        let mut mechanisms = Table::new(
            format!("{} yield: by mechanism", generation.generation),
            "mechanism",
            technologies
                .iter()
                .flat_map(|t| {
                    [
                        format!("{} scrapped %", t.label),
                        format!("{} escapes DPPM", t.label),
                        format!("{} fix-first saving $", t.label),
                    ]
                })
                .collect(),
        );
        for mechanism in cporamp_yield::Mechanism::ALL {
            let mut cells = Vec::new();
            for t in technologies {
                cells.push(Cell::number(
                    100.0 * t.result.package_rejects_by_mechanism[mechanism].value,
                    2,
                ));
                cells.push(Cell::number(t.result.escapes_dppm[mechanism], 0));
                let saving = t.tornado.iter().find(|bar| bar.mechanism == mechanism.name());
                cells.push(saving.map_or(Cell::Empty, |bar| Cell::number(bar.saving_usd, 0)));
            }
            mechanisms.row(mechanism.name(), cells);
        }
        let mut total = Vec::new();
        for t in technologies {
            total.push(Cell::number(100.0 * (1.0 - t.result.package_yield.value), 2));
            total.push(Cell::number(t.result.escapes_total_dppm, 0));
            total.push(Cell::Empty);
        }
        mechanisms.row("all (1 - yield)", total);
        if let Some(els) = technologies.iter().find_map(|t| t.result.els.as_ref()) {
            mechanisms.note(format!(
                "ELS weak-laser escapes: {:.0} DPPM of modules",
                els.weak_laser_escapes_dppm
            ));
        }
        mechanisms
            .note("fix-first saving: cost per shipped switch saved by removing the mechanism");
        tables.push(mechanisms);

        let mut waterfall = Table::new(
            format!("{} yield: waterfall, % of assembled packages", generation.generation),
            "step",
            headers.clone(),
        );
        let steps = technologies.first().map_or(0, |t| t.result.waterfall.len());
        for index in 0..steps {
            waterfall.row(
                technologies[0].result.waterfall[index].label,
                all(&|t| Cell::number(100.0 * t.result.waterfall[index].change.value, 2)),
            );
        }
        tables.push(waterfall);

        let mut cost = Table::new(
            format!("{} yield: cost per shipped switch", generation.generation),
            "quantity",
            headers.clone(),
        );
        cost.row("cost per shipped switch, $", all(&|t| Cell::number(t.result.cost.total_usd, 0)));
        cost.row("  at 100 % yield, $", all(&|t| Cell::number(t.result.cost.ideal_usd, 0)));
        cost.row(
            "  yield overhead, %",
            all(&|t| {
                Cell::number(100.0 * (t.result.cost.total_usd / t.result.cost.ideal_usd - 1.0), 1)
            }),
        );
        cost.row("ASICs, $", all(&|t| Cell::number(t.result.cost.asic_usd, 0)));
        cost.row("optical engines, $", all(&|t| Cell::number(t.result.cost.engines_usd, 0)));
        cost.row("packaging, $", all(&|t| Cell::number(t.result.cost.packaging_usd, 0)));
        cost.row("test, $", all(&|t| Cell::number(t.result.cost.test_usd, 0)));
        cost.row("rework, $", all(&|t| Cell::number(t.result.cost.rework_usd, 0)));
        let compared = |t: &Tech| {
            comparisons
                .iter()
                .find(|c| c.generation == generation.generation)
                .and_then(|c| c.technologies.iter().find(|r| r.id == t.id))
        };
        cost.row(
            "switch $/Gbps, BOM",
            all(&|t| {
                compared(t).map_or(Cell::Empty, |c| Cell::number(c.cost.switch_usd_per_gbps, 3))
            }),
        );
        cost.row(
            "switch $/Gbps with yield",
            all(&|t| {
                compared(t)
                    .and_then(|c| c.cost.switch_usd_per_gbps_with_yield)
                    .map_or(Cell::Empty, |v| Cell::number(v, 3))
            }),
        );
        tables.push(cost);

        let mut columns = vec!["cumulative units, k".to_string()];
        for t in technologies {
            columns.push(format!("{} yield %", t.label));
            columns.push(format!("{} $/switch", t.label));
        }
        let mut ramp = Table::new(
            format!("{} yield: the volume ramp by quarter", generation.generation),
            "quarter",
            columns,
        );
        let points = technologies.first().map_or(0, |t| t.ramp.len());
        for index in 0..points {
            let first = &technologies[0].ramp[index];
            let mut cells = vec![Cell::number(first.cumulative_units / 1e3, 0)];
            for t in technologies {
                let point = &t.ramp[index];
                cells.push(Cell::number(100.0 * point.package_yield.value, 1));
                cells.push(Cell::number(point.cost_usd, 0));
            }
            ramp.row(first.quarter.to_string(), cells);
        }
        if let Some(point) = technologies.first().and_then(|t| t.ramp.first()) {
            ramp.note(format!(
                "each quarter is its own Monte Carlo run: yields carry about ± {:.1} % (1 SE)",
                100.0 * point.package_yield.se
            ));
        }
        tables.push(ramp);
    }
    tables
}

// ---------------------------------------------------------------------------------------
// fleet
// ---------------------------------------------------------------------------------------

/// The fleet engine: the job and repairs per fabric, then failures and availability per tier.
#[must_use]
pub fn fleet_tables(fleet: &cporamp_pipeline::FleetOutput, scenario: &Scenario) -> Vec<Table> {
    let settings = &scenario.fleet;
    let Some(first) = fleet.fabrics.first() else { return Vec::new() };
    let fabrics = &fleet.fabrics;
    let years = settings.years;
    let mut summary = Table::new(
        format!(
            "Fleet: {} GPUs on {} tiers of {}-port {} switches over {} years, {} replications \
             (mean ± SE); a training job on {} GPUs",
            settings.gpus,
            settings.tiers,
            first.inputs.radix,
            fleet.generation,
            years,
            settings.replications,
            settings.job.gpus,
        ),
        "quantity",
        labels(fabrics, |f| &f.label),
    );
    type Fabric = cporamp_pipeline::FleetFabric;
    let all = |f: &dyn Fn(&Fabric) -> Cell| fabrics.iter().map(f).collect::<Vec<Cell>>();
    let est = |e: &cporamp_fleet::Estimate, decimals| Cell::pm(e.mean, e.se, decimals);
    let yearly =
        |e: &cporamp_fleet::Estimate, decimals| Cell::pm(e.mean / years, e.se / years, decimals);
    summary.row(
        "job: network interruptions/y",
        all(&|f| yearly(&f.result.job.network_interruptions, 0)),
    );
    summary
        .row("job: GPU/host interruptions/y", all(&|f| yearly(&f.result.job.gpu_interruptions, 0)));
    summary.row("job: flap interruptions/y", all(&|f| yearly(&f.result.job.flap_interruptions, 1)));
    summary.row(
        "job: mean time between, h",
        all(&|f| Cell::number(f.result.job.mean_time_between_interruptions_h, 2)),
    );
    summary.row(
        format!("job: goodput at {} h checkpoints", settings.job.checkpoint_interval_h),
        all(&|f| est(&f.result.job.goodput, 4)),
    );
    summary.row(
        "job: best checkpoint interval, h",
        all(&|f| est(&f.result.job.optimal_checkpoint_interval_h, 2)),
    );
    summary
        .row("job: Young's interval, h", all(&|f| Cell::number(f.result.job.young_interval_h, 2)));
    summary.row("job: goodput at the best", all(&|f| est(&f.result.job.goodput_at_optimal, 4)));
    summary.row(
        "job: GPU-hours lost/y, M",
        all(&|f| {
            let e = &f.result.job.gpu_hours_lost_per_year;
            Cell::pm(e.mean / 1e6, e.se / 1e6, 2)
        }),
    );
    summary.row("switch replacements/y", all(&|f| est(&f.result.switch_replacements_per_year, 0)));
    summary.row("technician hours/y", all(&|f| est(&f.result.technician_hours_per_year, 0)));
    summary.row("spares consumed/y", all(&|f| est(&f.result.spares_consumed_per_year, 0)));
    summary.row("NIC failures/y", all(&|f| est(&f.result.nic.failures_per_year, 0)));
    let label = |id: &str| {
        scenario
            .technologies
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.label.clone())
    };
    let mut tables = vec![summary];
    for fabric in fabrics {
        let tiers = &fabric.result.tiers;
        let counts = &fabric.result.topology.tiers;
        let mut table = Table::new(
            format!("Fleet: {}, per switch tier (mean ± SE)", fabric.label),
            "quantity",
            (0..tiers.len()).map(|index| cporamp_pipeline::tier_name(index, tiers.len())).collect(),
        );
        type Tier = cporamp_fleet::TierResult;
        let each = |f: &dyn Fn(&Tier, &cporamp_fleet::TierCounts) -> Cell| {
            tiers.iter().zip(counts).map(|(tier, count)| f(tier, count)).collect::<Vec<Cell>>()
        };
        table.row("technology", each(&|tier, _| Cell::text(label(&tier.technology))));
        table.row("switches", each(&|_, count| Cell::number(count.switches as f64, 0)));
        table.row(
            "modules or engine ports",
            each(&|_, count| {
                Cell::number(
                    if count.modules > 0 { count.modules } else { count.engine_ports } as f64,
                    0,
                )
            }),
        );
        table.row(
            "ELS modules",
            each(&|_, count| {
                if count.els > 0 { Cell::number(count.els as f64, 0) } else { Cell::Empty }
            }),
        );
        table.row("port failures/y", each(&|tier, _| est(&tier.ports.failures_per_year, 1)));
        table.row(
            "ELS laser failures/y",
            each(&|tier, _| est(&tier.els_lasers.failures_per_year, 1)),
        );
        table.row(
            "switch hardware failures/y",
            each(&|tier, _| est(&tier.switches.failures_per_year, 1)),
        );
        table.row("spares/y", each(&|tier, _| est(&tier.port_spares_consumed_per_year, 1)));
        table.row(
            "link availability, %",
            each(&|tier, _| {
                let availability = &tier.link_availability;
                Cell::pm(100.0 * availability.mean, 100.0 * availability.se, 4)
            }),
        );
        tables.push(table);
    }
    tables
}

// ---------------------------------------------------------------------------------------
// market
// ---------------------------------------------------------------------------------------

/// The market engine: scenario probabilities beside the article's, CPO volume years per tier,
/// value pools, what drives the timing; and the update by observations when given.
#[must_use]
pub fn market_tables(
    market: &cporamp_pipeline::MarketOutput,
    update: Option<&cporamp_market::Update>,
) -> Vec<Table> {
    let result = &market.result;
    let mut tables = Vec::new();
    let mut probabilities = Table::new(
        format!(
            "Market: the article's scenarios ({} prior samples, anchored on {}; main tier {})",
            result.samples, market.generation, result.main_tier
        ),
        "scenario",
        vec!["probability %".to_string(), "article %".to_string()],
    );
    for probability in &result.probabilities {
        probabilities.row(
            probability.name,
            vec![
                Cell::pm(100.0 * probability.probability, 100.0 * probability.se, 1),
                Cell::number(100.0 * probability.article, 0),
            ],
        );
    }
    tables.push(probabilities);

    let last_year = result.years.last().copied().unwrap_or_default();
    let mut timing = Table::new(
        "Market: the year CPO reaches volume, per tier",
        "tier",
        vec!["p10".into(), "p50".into(), "p90".into(), format!("never by {last_year}, %")],
    );
    let year =
        |year: Option<i32>| year.map_or_else(|| Cell::text("never"), |y| Cell::text(y.to_string()));
    for tier in &result.tiers {
        timing.row(
            tier.name.clone(),
            vec![
                year(tier.volume_year.p10),
                year(tier.volume_year.p50),
                year(tier.volume_year.p90),
                Cell::number(100.0 * tier.never_fraction, 0),
            ],
        );
    }
    tables.push(timing);

    if let Some(pool) = result.value_pools.last() {
        let mut pools = Table::new(
            format!("Market: value pools in {}", pool.year),
            "layer",
            vec!["$ B".to_string()],
        );
        for (layer, usd) in cporamp_market::LAYERS.iter().zip(&pool.usd) {
            pools.row(*layer, vec![Cell::number(usd / 1e9, 1)]);
        }
        tables.push(pools);
    }

    let set = |output| market.sobol.iter().find(|set| set.output == output);
    let share = set(cporamp_market::SobolOutput::CpoShare);
    let mut ranked: Vec<&cporamp_market::SobolIndex> =
        share.map(|set| set.indices.iter().collect()).unwrap_or_default();
    ranked.sort_by(|a, b| b.total.total_cmp(&a.total));
    let mut drivers = Table::new(
        "Market: what drives the main tier's CPO share in the last year (Sobol, 95 % intervals)",
        "input",
        vec!["first order".into(), "total".into(), "total 95 % interval".into()],
    );
    for index in ranked.iter().take(6) {
        drivers.row(
            index.input.clone(),
            vec![
                Cell::number(index.first, 2),
                Cell::number(index.total, 2),
                Cell::text(format!("{:.2} to {:.2}", index.total_ci[0], index.total_ci[1])),
            ],
        );
    }
    if let Some(share) = share {
        drivers.note(format!(
            "the share: {:.3} ± {:.3} (mean ± SD over the samples){}",
            share.mean,
            share.sd,
            if share.sd < cporamp_report::NEGLIGIBLE_SHARE_SD {
                "; it hardly varies, so these indices apportion noise, not drivers"
            } else {
                ""
            }
        ));
    }
    let yields = set(cporamp_market::SobolOutput::PackageYield);
    let tco = set(cporamp_market::SobolOutput::TcoRatio);
    let gates = yields.zip(tco).map(|(yields, tco)| {
        let mut rows: Vec<_> = yields.indices.iter().zip(&tco.indices).collect();
        rows.sort_by(|a, b| (b.0.total + b.1.total).total_cmp(&(a.0.total + a.1.total)));
        let mut gates = Table::new(
            format!("Market: what decides the main tier's gates in {} (total Sobol, 95 % intervals)", yields.year),
            "input",
            vec!["package yield".into(), "log cost ratio".into()],
        );
        let cell = |index: &cporamp_market::SobolIndex| {
            Cell::text(format!("{:.2} [{:.2}, {:.2}]", index.total, index.total_ci[0], index.total_ci[1]))
        };
        for (y, c) in rows.into_iter().take(6) {
            gates.row(y.input.clone(), vec![cell(y), cell(c)]);
        }
        gates.note(format!(
            "package yield {:.3} ± {:.3}; log of CPO's cost of ownership over the best alternative's {:.2} ± {:.2} (mean ± SD)",
            yields.mean, yields.sd, tco.mean, tco.sd
        ));
        gates
    });
    for check in &result.surrogates {
        drivers.note(format!(
            "surrogate {}: held-out error {:.4} (bound {})",
            check.name, check.held_out_error, check.bound
        ));
    }
    tables.push(drivers);
    tables.extend(gates);

    if let Some(update) = update {
        let mut updated = Table::new(
            format!(
                "Market: updated by {} observations (effective sample size {:.0}{})",
                update.attribution.len(),
                update.ess,
                if update.ess_warning {
                    "; COLLAPSED: the observations contradict the priors"
                } else {
                    ""
                }
            ),
            "scenario",
            vec!["prior %".into(), "updated %".into()],
        );
        for (prior, posterior) in result.probabilities.iter().zip(&update.probabilities) {
            updated.row(
                posterior.name,
                vec![
                    Cell::number(100.0 * prior.probability, 1),
                    Cell::pm(100.0 * posterior.probability, 100.0 * posterior.se, 1),
                ],
            );
        }
        tables.push(updated);
        let mut attribution = Table::new(
            "Market: what each observation moved (percentage points)",
            "observation",
            result.probabilities.iter().map(|p| p.name.to_string()).collect(),
        );
        for item in &update.attribution {
            attribution.row(
                format!("{} {:?} at {:.2}", item.observation + 1, item.signal, item.year),
                item.change.iter().map(|change| Cell::number(100.0 * change, 1)).collect(),
            );
        }
        tables.push(attribution);
    }
    tables
}

// ---------------------------------------------------------------------------------------
// diff
// ---------------------------------------------------------------------------------------

/// `cporamp diff`: the changed inputs, then the headline results side by side.
#[must_use]
pub fn diff_tables(
    a: &str,
    b: &str,
    changes: &[cporamp_report::InputChange],
    diffs: &[cporamp_report::HeadlineDiff],
) -> Vec<Table> {
    let mut inputs = Table::new(
        format!("Inputs that differ: {} fields (A = {a}, B = {b})", changes.len()),
        "field",
        vec!["A".into(), "B".into(), "unit".into()],
    );
    for change in changes {
        let value = |v: &Option<String>| Cell::text(v.clone().unwrap_or_else(|| "(absent)".into()));
        inputs.row(
            change.path.clone(),
            vec![value(&change.old), value(&change.new), Cell::text(change.unit)],
        );
    }
    let beyond = diffs.iter().filter(|diff| diff.beyond_noise).count();
    let changed: Vec<&cporamp_report::HeadlineDiff> =
        diffs.iter().filter(|diff| diff.delta != Some(0.0)).collect();
    let mut results = Table::new(
        format!(
            "Headline results that changed: {} of {} ({beyond} beyond Monte Carlo noise)",
            changed.len(),
            diffs.len()
        ),
        "subject / quantity",
        vec!["A".into(), "B".into(), "B - A".into(), "± SE".into(), "beyond noise".into()],
    );
    let mut subject = String::new();
    for diff in changed {
        let heading = format!("{}: {}", diff.engine, diff.subject);
        if heading != subject {
            results.row(heading.clone(), vec![Cell::text(""); 5]);
            subject = heading;
        }
        let decimals = cporamp_report::figure_decimals(diff);
        let shown = |value: Option<f64>| value.map_or(Cell::Empty, |v| Cell::number(v, decimals));
        results.row(
            format!("  {}, {}", diff.quantity, diff.unit),
            vec![
                shown(diff.a),
                shown(diff.b),
                shown(diff.delta),
                shown(diff.delta_se),
                Cell::text(if diff.beyond_noise { "yes" } else { "no" }),
            ],
        );
    }
    results.note(
        "beyond noise: |B - A| > 2 standard errors of the difference; figures without a \
         standard error are deterministic; every figure, changed or not, is in --format json \
         and the --out page",
    );
    vec![inputs, results]
}

/// `cporamp inspect`'s tables: files, yield, Pareto, capability, yield by lot and week, the
/// warpage fingerprint, variance components and SPC rule counts with the first flagged rows.
pub fn inspect_tables(
    result: &cporamp_inspect::InspectResult,
    files: &[String],
    limits_origin: &str,
) -> Vec<Table> {
    let mut tables = Vec::new();
    let percent = |p: &cporamp_inspect::Proportion| {
        Cell::text(format!("{:.1} [{:.1}, {:.1}]", 100.0 * p.value, 100.0 * p.low, 100.0 * p.high))
    };
    let mut summary = Table::new("Inspection: records read", "", vec!["value".to_string()]);
    summary.row("lanes (records)", vec![Cell::number(result.records as f64, 0)]);
    summary.row("packages", vec![Cell::number(result.packages as f64, 0)]);
    summary.row("yield, % [95 % Wilson]", vec![percent(&result.yield_overall)]);
    summary.row("rejected packages", vec![Cell::number(result.pareto.rejected_packages as f64, 0)]);
    for file in files {
        summary.note(format!("data: {file}"));
    }
    summary.note(format!("spec limits: {limits_origin}"));
    tables.push(summary);
    for (title, bars) in [
        ("Pareto: rejected packages by mechanism", &result.pareto.packages_by_mechanism),
        ("Pareto: rejected packages by insertion", &result.pareto.packages_by_insertion),
        ("Pareto: failed lanes by mechanism", &result.pareto.lanes_by_mechanism),
    ] {
        let mut table =
            Table::new(title, "", vec!["count".to_string(), "cumulative %".to_string()]);
        for bar in bars {
            table.row(
                bar.label.clone(),
                vec![
                    Cell::number(bar.count as f64, 0),
                    Cell::number(100.0 * bar.cumulative_share, 1),
                ],
            );
        }
        tables.push(table);
    }
    let mut capability = Table::new(
        "Capability (95 % intervals by Bissell's approximation)",
        "parameter",
        ["n", "mean", "sd within", "sd overall", "LSL", "USL", "Cpk [95 %]", "Ppk [95 %]"]
            .map(String::from)
            .to_vec(),
    );
    for c in &result.capability {
        let limit = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::number(v, 3));
        let index = |i: Option<cporamp_inspect::Capability>| {
            i.map_or(Cell::Empty, |i| {
                Cell::text(format!("{:.2} [{:.2}, {:.2}]", i.value, i.low, i.high))
            })
        };
        capability.row(
            format!("{} ({})", c.parameter, c.unit),
            vec![
                Cell::number(c.count as f64, 0),
                Cell::number(c.mean, 4),
                Cell::number(c.within_sd, 4),
                Cell::number(c.overall_sd, 4),
                limit(c.limits.lower),
                limit(c.limits.upper),
                index(c.cpk),
                index(c.ppk),
            ],
        );
    }
    tables.push(capability);
    for (title, rows) in
        [("Yield by lot", &result.yield_by_lot), ("Yield by week", &result.yield_by_week)]
    {
        let mut table = Table::new(
            title,
            if title.ends_with("lot") { "lot" } else { "week" },
            ["packages", "shipped", "yield % [95 % Wilson]"].map(String::from).to_vec(),
        );
        for row in rows.iter() {
            table.row(
                row.label.clone(),
                vec![
                    Cell::number(row.yield_.total as f64, 0),
                    Cell::number(row.yield_.count as f64, 0),
                    percent(&row.yield_),
                ],
            );
        }
        if rows.is_empty() {
            table.note("no week column in the data; give --packages-per-week N for build weeks");
        }
        tables.push(table);
    }
    if let Some(spatial) = &result.spatial {
        let mut table = Table::new(
            "Coupling loss by engine position, with the fitted warpage bowl",
            "engine",
            ["lanes", "rho²", "mean dB", "sd dB", "bowl dB", "residual dB"]
                .map(String::from)
                .to_vec(),
        );
        let maybe = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::number(v, 4));
        for p in &spatial.positions {
            table.row(
                p.engine.to_string(),
                vec![
                    Cell::number(p.lanes as f64, 0),
                    Cell::number(p.rho_sq, 4),
                    Cell::number(p.mean_loss_db, 4),
                    Cell::number(p.sd_loss_db, 4),
                    maybe(p.fitted_db),
                    maybe(p.residual_db),
                ],
            );
        }
        if let (Some(a), Some(b)) = (spatial.bowl_intercept_db, spatial.bowl_slope_db_per_rho_sq) {
            table.note(format!(
                "bowl: mean loss = {a:.4} {} {:.4} rho² dB; RMS residual {:.4} dB",
                if b < 0.0 { "-" } else { "+" },
                b.abs(),
                spatial.residual_rms_db.unwrap_or(0.0)
            ));
        }
        tables.push(table);
    }
    let mut variance = Table::new(
        "Variance components of engine means (one-way random-effects ANOVA)",
        "parameter by",
        ["groups", "units", "between var", "within var", "between %", "F"]
            .map(String::from)
            .to_vec(),
    );
    for v in &result.variance_components {
        variance.row(
            format!("{} by {}", v.parameter, v.grouping),
            vec![
                Cell::number(v.components.groups as f64, 0),
                Cell::number(v.components.units as f64, 0),
                Cell::text(format!("{:.3e}", v.components.between_variance)),
                Cell::text(format!("{:.3e}", v.components.within_variance)),
                Cell::number(100.0 * v.components.between_share, 1),
                Cell::number(v.components.f_ratio, 2),
            ],
        );
    }
    tables.push(variance);
    if let Some(calibration) = &result.calibration {
        let mut table = Table::new(
            "Calibration by maximum likelihood (95 % profile-likelihood intervals)",
            "parameter",
            ["fitted", "95 % low", "95 % high", "scenario"].map(String::from).to_vec(),
        );
        match &calibration.laser_dead {
            Some(fit) => {
                table.row(
                    "laser dead probability",
                    vec![
                        Cell::text(format!("{:.5}", fit.probability)),
                        Cell::text(format!("{:.5}", fit.low)),
                        Cell::text(format!("{:.5}", fit.high)),
                        Cell::text(format!("{:.5}", calibration.model.scenario_probability)),
                    ],
                );
                table.note(format!(
                    "{} dead lasers on {} assembled engines of {} lasers ({} lanes each); engine test's laser coverage {}",
                    fit.dead_lasers,
                    fit.engines,
                    fit.lasers_per_engine,
                    calibration.model.lanes_per_laser,
                    calibration.model.engine_test_coverage
                ));
            }
            None => table.note(
                "laser dead probability: not identifiable (engine test catches every dead laser)",
            ),
        }
        tables.push(table);
    }
    if let Some(fits) = &result.yield_fits {
        tables.push(fits_table("Yield-engine fits by maximum likelihood (95 % intervals)", fits));
    }
    let mut spc = Table::new(
        "SPC: points breaking Western Electric rules 1-4 (EWMA and range: beyond the limits)",
        "station / parameter / chart",
        ["points", "centre", "sigma", "rule 1", "rule 2", "rule 3", "rule 4"]
            .map(String::from)
            .to_vec(),
    );
    let mut first_flags = Vec::new();
    for series in &result.spc {
        for c in &series.charts {
            let chart = &c.chart;
            let mut cells = vec![
                Cell::number(chart.points as f64, 0),
                Cell::number(chart.centre, 4),
                Cell::number(chart.sigma, 4),
            ];
            cells.extend(chart.breaks_per_rule.iter().map(|&n| Cell::number(n as f64, 0)));
            spc.row(format!("{} / {} / {}", series.station, series.parameter, chart.kind), cells);
            if let Some(flag) = c.flagged.first() {
                let file = files.get(flag.rows.file as usize).map_or("?", String::as_str);
                first_flags.push(format!(
                    "{} {} {}: first break rule {} at point {}: {file} rows {}-{} (package {}, engine {})",
                    series.station,
                    series.parameter,
                    chart.kind,
                    flag.rule,
                    flag.point,
                    flag.rows.first_row,
                    flag.rows.last_row,
                    flag.rows.package,
                    flag.rows.engine
                ));
            }
        }
    }
    for line in first_flags {
        spc.note(line);
    }
    spc.note(cporamp_report::SUBGROUP_CAVEAT);
    tables.push(spc);
    tables
}

/// A value to 4 significant digits (the fits span µm, nm and probabilities of 1e-3).
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let decimals = (3 - value.abs().log10().floor() as i32).clamp(0, 9);
    format!("{value:.*}", usize::try_from(decimals).unwrap_or(0))
}

/// The yield-engine fits: parameter, default, fitted, interval and method; the notes say
/// what each fit used or why a parameter is not fitted.
pub(crate) fn fits_table(title: &str, fits: &cporamp_inspect::yield_fit::YieldFits) -> Table {
    let mut table = Table::new(
        title,
        "parameter",
        ["unit", "default", "fitted", "95 % low", "95 % high", "method"].map(String::from).to_vec(),
    );
    for row in &fits.parameters {
        let (value, low, high) = row.fit.map_or_else(
            || ("-".to_string(), String::new(), String::new()),
            |f| (significant(f.value), significant(f.low), significant(f.high)),
        );
        table.row(
            row.parameter,
            vec![
                Cell::text(row.unit),
                Cell::text(significant(row.default)),
                Cell::text(value),
                Cell::text(low),
                Cell::text(high),
                Cell::text(row.method),
            ],
        );
    }
    for row in &fits.parameters {
        table.note(format!("{}: {}", row.parameter, row.note));
    }
    table
}

/// The calibration of `cporamp run --calibrate`: the fits, then the scenario fields changed.
pub(crate) fn calibration_tables(
    calibration: &cporamp_pipeline::calibrate::Calibration,
) -> Vec<Table> {
    let mut fits = fits_table(
        &format!(
            "Calibration: the yield engine's parameters fitted from {} at {} (95 % intervals)",
            calibration.technology, calibration.generation
        ),
        &calibration.fits,
    );
    fits.note(format!("data: {}", calibration.files.join(", ")));
    let mut changed = Table::new(
        "Calibration: scenario fields replaced by the fits (every engine ran on these)",
        "field",
        ["default", "calibrated"].map(String::from).to_vec(),
    );
    for change in &calibration.changed {
        changed.row(
            change.field.clone(),
            vec![
                Cell::text(significant(change.default)),
                Cell::text(significant(change.calibrated)),
            ],
        );
    }
    vec![fits, changed]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_table_splits_into_column_groups_within_the_width() {
        let columns: Vec<String> = (0..12).map(|i| format!("column number {i}")).collect();
        let mut table = Table::new("a title that is long enough", "row", columns);
        table.row(
            "first row label",
            (0..12).map(|i| Cell::pm(f64::from(i) * 1000.0, 1.5, 1)).collect(),
        );
        let text = table.render(60);
        assert!(text.lines().all(|line| line.chars().count() <= 60), "{text}");
        // Every cell is printed once, in some group.
        for i in 0..12 {
            assert_eq!(text.matches(&format!(" {:.1} ± 1.5", f64::from(i) * 1000.0)).count(), 1);
        }
        assert!(text.matches("first row label").count() >= 2, "labels repeat per group: {text}");
    }

    #[test]
    fn headers_wrap_into_lines_over_their_column_and_zeros_are_plain() {
        let mut table = Table::new("t", "q", vec!["CPO, integrated laser".into()]);
        table.row("flaps", vec![Cell::pm(0.0, 0.0, 2)]);
        table.row("negative zero", vec![Cell::number(-0.0001, 2)]);
        let text = table.render(100);
        let expected = [
            "t",
            "                     CPO,",
            "               integrated",
            "q                   laser",
            "flaps                   0",
            "negative zero        0.00",
            "",
            "",
        ];
        assert_eq!(text, expected.join("\n"));
    }

    #[test]
    fn the_frame_has_a_row_per_cell_with_value_and_se() {
        let mut table = Table::new("t", "q", vec!["a".into(), "b".into()]);
        table.row("r", vec![Cell::pm(1.25, 0.5, 2), Cell::text("x")]);
        let csv = frame(&[table]).to_csv();
        assert_eq!(csv, "table,row,column,value,se,text\nt,r,a,1.25,0.5,\nt,r,b,,,x\n");
    }
}
