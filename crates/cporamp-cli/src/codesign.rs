//! `cporamp codesign`: the liquid-cooling and optics co-design sweep of `[codesign]`, as
//! tables (the scenario's choice and its binding limit, the Pareto front, the chosen design's
//! cooling bill of materials) or JSON.

use crate::args::EngineArgs;
use crate::table::{Cell, Table};
use crate::{Failure, Session};
use cporamp_codesign::diligence::DiligenceError;
use cporamp_codesign::{CodesignResult, PointResult};
use cporamp_scenario::{ElsPlacement, EnginePlate};

/// Runs `cporamp codesign`.
pub(crate) fn run(args: &EngineArgs) -> Result<(), Failure> {
    let session = Session::start(args, &["codesign"])?;
    let threads = args.execution.threads.unwrap_or_else(crate::machine_threads).get();
    let result = cporamp_codesign::codesign(&session.scenario, threads).map_err(Failure::input)?;
    session.emit("codesign", || tables(&result), || crate::json(&result), None)
}

fn plate(point: &PointResult) -> &'static str {
    match point.point.engine_plate {
        EnginePlate::Shared => "shared",
        EnginePlate::Own => "own",
    }
}

fn els(point: &PointResult) -> &'static str {
    match point.point.els_placement {
        ElsPlacement::FrontPanel => "panel",
        ElsPlacement::ColdPlate => "plate",
    }
}

/// The figures of one point, one row each, for the choice table.
fn point_rows(table: &mut Table, points: &[&PointResult]) {
    let row = |table: &mut Table, label: &str, cell: &dyn Fn(&PointResult) -> Cell| {
        table.row(label, points.iter().map(|point| cell(point)).collect());
    };
    row(table, "flow per kW, L/min/kW", &|p| Cell::number(p.point.flow_l_per_min_per_kw, 2));
    row(table, "channels w x h, mm", &|p| {
        Cell::text(format!("{} x {}", p.point.channel.width_mm.0, p.point.channel.height_mm.0))
    });
    row(table, "coolant supply, °C", &|p| Cell::number(p.point.inlet_c, 1));
    row(table, "facility supply, °C", &|p| Cell::number(p.facility_supply_c, 1));
    row(table, "ASIC-engine gap, mm", &|p| Cell::number(p.point.engine_gap_mm, 1));
    row(table, "engine cold plate", &|p| Cell::text(plate(p)));
    row(table, "ELS placement", &|p| Cell::text(els(p)));
    row(table, "ASIC power factor", &|p| Cell::number(p.point.asic_power_factor, 2));
    row(table, "ASIC mean, °C", &|p| Cell::number(p.asic_mean_c, 1));
    row(table, "hottest engine, °C", &|p| Cell::number(p.engine_temp_c, 1));
    row(table, "laser temperature, °C", &|p| Cell::number(p.laser_temp_c, 1));
    row(table, "laser wall-plug efficiency, %", &|p| {
        Cell::number(100.0 * p.laser_wall_plug_efficiency, 1)
    });
    row(table, "laser median life, years", &|p| Cell::number(p.laser_median_life_years, 0));
    row(table, "laser failures per switch-life", &|p| Cell::number(p.laser_failures_per_switch, 2));
    row(table, "ring heaters per switch, W", &|p| Cell::number(p.heater_w, 1));
    row(table, "heater headroom per ring, mW", &|p| Cell::number(p.heater_headroom_mw, 1));
    row(table, "flaps per lane-hour (feedback)", &|p| {
        Cell::number(p.feedback_flaps_per_lane_hour, 1)
    });
    row(table, "unlockable lanes, %", &|p| Cell::number(100.0 * p.unlockable_fraction, 1));
    row(table, "switch power, W", &|p| Cell::number(p.switch_w, 0));
    row(table, "coolant flow, L/min", &|p| Cell::number(p.flow_l_per_min, 2));
    row(table, "coolant rise, K", &|p| Cell::number(p.coolant_rise_k, 2));
    row(table, "pressure drop (plate), kPa", &|p| Cell::number(p.plate_pressure_drop_kpa, 1));
    row(table, "pressure drop (branch), kPa", &|p| Cell::number(p.pressure_drop_kpa, 1));
    row(table, "pumping, W", &|p| Cell::number(p.pump_w, 2));
    row(table, "facility cooling, W", &|p| Cell::number(p.facility_w, 1));
    row(table, "energy per bit (all in), pJ/bit", &|p| Cell::number(p.pj_per_bit, 2));
    row(table, "ASIC solder swing, K", &|p| Cell::number(p.solder_swing_k, 1));
    row(table, "ASIC solder life, years", &|p| Cell::number(p.solder_life_years, 0));
    row(table, "cooling BOM per switch (mid), $", &|p| {
        Cell::number(p.bom.as_ref().map_or(0.0, |bom| bom.per_switch_mid_usd), 0)
    });
    row(table, "life energy cost, $", &|p| Cell::number(p.energy_usd, 0));
    row(table, "cost over life, $/Gb/s", &|p| Cell::number(p.life_usd_per_gbps, 3));
}

/// The choice, the front and the chosen design's bill.
pub(crate) fn tables(result: &CodesignResult) -> Vec<Table> {
    let mut tables = vec![choice_table(result), front_table(result)];
    tables.extend(bom_table(result));
    tables
}

/// The chosen design point beside the one chosen without the binding limit, with the limits.
fn choice_table(result: &CodesignResult) -> Table {
    let solved = result.points.iter().filter(|p| p.error.is_none()).count();
    let feasible = result.points.iter().filter(|p| p.feasible).count();
    let mut columns = Vec::new();
    let mut shown: Vec<&PointResult> = Vec::new();
    if let Some(index) = result.choice.index {
        columns.push(format!("chosen (#{index})"));
        shown.push(&result.points[index]);
    }
    if let Some(index) = result.choice.unconstrained_index {
        columns.push(format!("without the limit (#{index})"));
        shown.push(&result.points[index]);
    }
    let mut choice = Table::new(
        format!(
            "Co-design of {} at {}: {} points, {} solved, {} within the limits, {} on the Pareto front",
            result.technology,
            result.generation,
            result.points.len(),
            solved,
            feasible,
            result.front.len()
        ),
        "design",
        columns,
    );
    point_rows(&mut choice, &shown);
    choice.note(format!(
        "Limits: hottest engine <= {} °C, flow <= {} L/min per switch, branch pressure drop <= {} kPa. \
         Binding: {}. Costs over {} of service. Flaps: the photonics engine at {} drift \
         offsets, interpolated.",
        result.max_engine_temp_c,
        result.max_flow_l_per_min,
        result.max_pressure_drop_kpa,
        result.choice.binding_field.as_deref().unwrap_or("none"),
        result.years,
        result.flap_nodes.len()
    ));
    if result.choice.index.is_none() {
        choice.note("No design point meets every limit: relax one of them or widen the grid.");
    }
    choice
}

/// The Pareto front's points, one row each.
fn front_table(result: &CodesignResult) -> Table {
    let mut front = Table::new(
        "Pareto front: energy per bit, cost per Gb/s over life, laser failures per switch",
        "point",
        [
            "flow/kW", "w mm", "in °C", "gap", "plate", "ELS", "ASIC x", "eng °C", "pJ/b",
            "$/Gb/s", "lasers", "flaps", "kPa", "L/min",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    for &index in &result.front {
        let p = &result.points[index];
        front.row(
            format!("#{index}{}", if p.feasible { "" } else { " (over a limit)" }),
            vec![
                Cell::number(p.point.flow_l_per_min_per_kw, 2),
                Cell::number(p.point.channel.width_mm.0, 2),
                Cell::number(p.point.inlet_c, 0),
                Cell::number(p.point.engine_gap_mm, 1),
                Cell::text(plate(p)),
                Cell::text(els(p)),
                Cell::number(p.point.asic_power_factor, 2),
                Cell::number(p.engine_temp_c, 1),
                Cell::number(p.pj_per_bit, 2),
                Cell::number(p.life_usd_per_gbps, 3),
                Cell::number(p.laser_failures_per_switch, 2),
                Cell::number(p.feedback_flaps_per_lane_hour, 1),
                Cell::number(p.pressure_drop_kpa, 0),
                Cell::number(p.flow_l_per_min, 2),
            ],
        );
    }
    front
}

/// The chosen design's liquid-cooling bill of materials (none without a chosen design or bill).
fn bom_table(result: &CodesignResult) -> Option<Table> {
    let bom = result.choice.index.and_then(|index| result.points[index].bom.as_ref())?;
    let mut lines = Table::new(
        format!(
            "Liquid-cooling bill of materials of the chosen design ({}): per switch, \
             {} switches per rack, {} switches in {} racks in the cluster",
            bom.coolant, bom.switches_per_rack, bom.cluster_switches, bom.cluster_racks
        ),
        "line",
        ["per", "qty", "unit low $", "unit high $", "switch low $", "switch high $"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    for line in &bom.lines {
        lines.row(
            line.item.clone(),
            vec![
                Cell::text(line.per),
                Cell::number(line.quantity, 2),
                Cell::number(line.unit_low_usd, 0),
                Cell::number(line.unit_high_usd, 0),
                Cell::number(line.per_switch_low_usd, 0),
                Cell::number(line.per_switch_high_usd, 0),
            ],
        );
    }
    lines.row(
        "total per switch",
        vec![
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::text(""),
            Cell::number(bom.per_switch_low_usd, 0),
            Cell::number(bom.per_switch_high_usd, 0),
        ],
    );
    lines.note(format!(
        "Per rack ${:.0}-{:.0}; cluster ${:.2}-{:.2} M for {:.0} kW of switch heat, {:.1} CDUs \
         and {:.0} L of coolant. Prices and their sources: [codesign.bom] in the scenario.",
        bom.per_rack_low_usd,
        bom.per_rack_high_usd,
        bom.cluster_low_usd / 1e6,
        bom.cluster_high_usd / 1e6,
        bom.cluster_heat_kw,
        bom.cluster_cdus,
        bom.cluster_coolant_l
    ));
    Some(lines)
}

/// Runs `cporamp diligence CLAIMS [SCENARIO]`.
pub(crate) fn diligence(args: &crate::args::DiligenceArgs) -> Result<(), Failure> {
    let path = &args.claims;
    let text = crate::input::read_text(path, "claims file")?;
    let claims: cporamp_codesign::diligence::Claims = toml::from_str(&text)
        .map_err(|error| Failure::Input(anyhow::anyhow!("{}: {error}", path.display())))?;
    let session = Session::start(&args.common, &["diligence"])?;
    let result = cporamp_codesign::diligence::diligence(&claims, &session.scenario).map_err(
        |mut error| {
            // Each problem with its line in the claims file.
            if let DiligenceError::Claim(claim) = &mut error {
                for problem in &mut claim.problems {
                    problem.location = cporamp_core::locate::locate_path(&text, &problem.path);
                }
            }
            Failure::Input(anyhow::anyhow!("{}: {error}", path.display()))
        },
    )?;
    session.emit("diligence", || diligence_tables(&result), || crate::json(&result), None)
}

fn diligence_tables(result: &cporamp_codesign::diligence::Diligence) -> Vec<Table> {
    use cporamp_codesign::diligence::Verdict;
    let mut table = Table::new(
        format!(
            "Due diligence of {}'s claims, judged as {} at {}",
            result.company, result.technology, result.generation
        ),
        "claim",
        vec!["verdict".to_string()],
    );
    let mut questions = Table::new("Questions to ask", "claim", vec!["questions".to_string()]);
    for line in &result.lines {
        let verdict = match line.verdict {
            Verdict::Pass => "pass",
            Verdict::Concern => "concern",
            Verdict::Fail => "FAIL",
        };
        table.row(line.claim, vec![Cell::text(verdict)]);
        table.note(format!("{}: {}", line.claim, line.figure));
        questions.row(line.claim, vec![Cell::number(line.questions.len() as f64, 0)]);
        for question in &line.questions {
            questions.note(format!("{}: {question}", line.claim));
        }
    }
    vec![table, questions]
}
