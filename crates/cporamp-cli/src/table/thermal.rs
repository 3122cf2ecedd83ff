//! The thermal engine's tables: the packages, then their inlet sweeps.

use super::{Cell, Table, inlet_sweep, labels};

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
