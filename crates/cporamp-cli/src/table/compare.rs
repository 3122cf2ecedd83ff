//! The comparison's tables: a table per generation, technologies as rows, and its CSV frame.

use super::{Cell, Table};
use cporamp_compare::{GenerationComparison, TechnologyResult};
use cporamp_report::{Frame, FrameColumn};

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
            // A column that applies to no technology (liquid cooling in a generation without
            // a co-packaged technology) is left out, and named in a note under the table.
            let (columns, left_out): (Vec<&Column>, Vec<&Column>) =
                COLUMNS.iter().partition(|column| {
                    generation
                        .technologies
                        .iter()
                        .any(|t| !matches!((column.value)(t), Cell::Empty))
                });
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
            if !left_out.is_empty() {
                let headers: Vec<&str> = left_out.iter().map(|column| column.header).collect();
                table.note(format!(
                    "Not shown, as no technology here has them: {}.",
                    headers.join(", ")
                ));
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
    frame.push("technology", text(&|_, t| t.id.to_string()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_no_technology_has_is_left_out_and_named_under_the_table() {
        let scenario = cporamp_scenario::load(&cporamp_scenario::quick_scenario_toml(), "@quick")
            .expect("the quick scenario loads");
        let comparison = cporamp_compare::compare(&scenario).expect("compares");
        let mut generation = comparison.generations[0].clone();
        let all = compare_tables(std::slice::from_ref(&generation)).remove(0).render(200);
        assert!(!all.contains("Not shown"), "{all}");
        // Pluggable optics alone: no liquid-cooled package, so the columns that only a
        // co-packaged technology fills are left out, and the note names exactly those.
        generation.technologies.retain(|technology| technology.id == "pluggable_dsp");
        let empty: Vec<&str> = COLUMNS
            .iter()
            .filter(|column| matches!((column.value)(&generation.technologies[0]), Cell::Empty))
            .map(|column| column.header)
            .collect();
        assert!(!empty.is_empty());
        let text = compare_tables(&[generation]).remove(0).render(200);
        let expected = format!("Not shown, as no technology here has them: {}.", empty.join(", "));
        assert!(text.contains(&expected), "{text}");
    }
}
