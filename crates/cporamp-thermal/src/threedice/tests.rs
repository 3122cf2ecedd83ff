//! Tests of the 3D-ICE reader and model on small stacks written for these tests (3D-ICE's
//! own example files are GPL-3.0 and are not copied into this repository).

#![allow(clippy::float_cmp, reason = "parsed numbers are compared with the literals written")]

use super::model::{Model, ModelError};
use super::parse::{Analysis, CavityModel, ElementKind, Floorplan, ParseError, StackFile};
use std::collections::BTreeMap;

const SILICON: &str = "material SILICON :\n   thermal conductivity 1.30e-4 ;\n   volumetric heat capacity 1.628e-12 ;\n";

fn floorplans(pairs: &[(&str, &str)]) -> BTreeMap<String, Floorplan> {
    pairs
        .iter()
        .map(|(name, text)| {
            ((*name).to_string(), Floorplan::parse(name, text).expect("floorplan parses"))
        })
        .collect()
}

fn build(stk: &str, flps: &[(&str, &str)]) -> Model {
    let stack = StackFile::parse("test.stk", stk).expect("stack parses");
    Model::build(&stack, &floorplans(flps)).expect("model builds")
}

fn parse_error(stk: &str) -> ParseError {
    StackFile::parse("bad.stk", stk).expect_err("must be refused")
}

/// A die of three layers (50 µm below, 2 µm source, 48 µm above) on a chip of
/// `size` µm with `cell` µm cells, one uniform floorplan element of `power` W.
fn solid_stack(size: f64, cell: f64, sinks: &str, extra_output: &str) -> String {
    format!(
        "{SILICON}{sinks}dimensions :\n  chip length {size}, width {size} ;\n  cell length {cell}, width {cell} ;\n\
         die D :\n  layer 48 SILICON ;\n  source 2 SILICON ;\n  layer 50 SILICON ;\n\
         stack :\n  die DIE D floorplan \"u.flp\" ;\n\
         solver :\n  steady ;\n  initial temperature 300.0 ;\n{extra_output}"
    )
}

fn uniform_flp(size: f64, power: f64) -> String {
    format!("all :\n  position 0, 0 ;\n  dimension {size}, {size} ;\n  power values {power} ;\n")
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn a_solid_die_matches_its_series_resistances_in_closed_form() {
    // Uniform power on the source layer: the heat flows straight up (and down, when a
    // bottom sink exists), so every column is the 1-D chain of 3D-ICE's half-cell
    // resistances: source centre → top layer centre (h_s/2 + h_t/2)/k, top layer centre →
    // ambient h_t/(2k) + 1/h_top; below, (h_s/2 + h_b)/k + 1/h_bottom.
    let (size, power) = (1000.0, 4.0);
    let flp = uniform_flp(size, power);
    let k = 1.30e-4;
    let area = size * size;
    let q = power / area; // W/µm²
    let (hs, ht, hb) = (2.0, 48.0, 50.0);
    let top = "top heat sink :\n  heat transfer coefficient 1.0e-7 ;\n  temperature 300 ;\n";
    let model = build(&solid_stack(size, 250.0, top, ""), &[("u.flp", &flp)]);
    let t = model.steady(0).unwrap();
    let expected = 300.0 + q * ((hs / 2.0 + ht) / k + 1.0 / 1.0e-7);
    let source = model.output_layer("DIE").unwrap();
    assert_eq!(source, 1);
    for r in 0..model.rows() {
        for c in 0..model.columns() {
            // Direct sparse LU: agreement to round-off (relative 1e-12 of a ~330 K value).
            assert!(
                relative(t[model.index(1, r, c)], expected) < 1e-12,
                "{} vs {expected}",
                t[model.index(1, r, c)]
            );
            // No sink below: the bottom layer carries no heat and sits at the source temperature.
            assert!(relative(t[model.index(0, r, c)], expected) < 1e-12);
        }
    }
    // Both sinks: two paths in parallel.
    let both = "top heat sink :\n  heat transfer coefficient 1.0e-7 ;\n  temperature 300 ;\nbottom heat sink :\n  heat transfer coefficient 2.0e-8 ;\n  temperature 300 ;\n";
    let model = build(&solid_stack(size, 250.0, both, ""), &[("u.flp", &flp)]);
    let t = model.steady(0).unwrap();
    let up = (hs / 2.0 + ht) / k + 1.0 / 1.0e-7;
    let down = (hs / 2.0 + hb) / k + 1.0 / 2.0e-8;
    let expected = 300.0 + q * up * down / (up + down);
    assert!(relative(t[model.index(1, 2, 2)], expected) < 1e-12);
    let balance = model.energy_balance(&t, 0);
    assert!(relative(balance.top_sink_w + balance.bottom_sink_w, power) < 1e-10);
    assert!(relative(balance.bottom_sink_w, power * up / (up + down)) < 1e-10);
}

#[test]
fn lateral_grid_refinement_converges_at_second_order() {
    // A 500 µm hot block in the middle of a 2 mm chip: the block's mean source temperature at
    // cells of 250, 125 and 62.5 µm. A second-order finite-volume scheme shrinks successive
    // differences by ~4; we require at least 2.5 and a monotone sequence.
    let flp = "hot :\n  position 750, 750 ;\n  dimension 500, 500 ;\n  power values 2.0 ;\n\
               rest :\n  rectangle (0, 0, 2000, 750) ;\n  rectangle (0, 1250, 2000, 750) ;\n  power values 0.0 ;\n";
    let top = "top heat sink :\n  heat transfer coefficient 1.0e-7 ;\n  temperature 300 ;\n";
    let out = "output :\n  Tflpel ( DIE.hot, \"hot.txt\", average, final ) ;\n";
    let mut means = Vec::new();
    for cell in [250.0, 125.0, 62.5] {
        let model = build(&solid_stack(2000.0, cell, top, out), &[("u.flp", flp)]);
        let run = model.run().unwrap();
        let layer = model.output_layer("DIE").unwrap();
        let n = model.columns();
        let (lo, hi) = ((750.0 / cell) as usize, (1250.0 / cell) as usize);
        let mut sum = 0.0;
        for r in lo..hi {
            for c in lo..hi {
                sum += run.temperatures_k[model.index(layer, r, c)];
            }
        }
        let mean = sum / ((hi - lo) * (hi - lo)) as f64;
        // The Tflpel file reports the same mean (printed %7.3f).
        let text = &run.files.iter().find(|f| f.name == "hot.txt").unwrap().text;
        let printed: f64 =
            text.lines().last().unwrap().split('\t').nth(1).unwrap().trim().parse().unwrap();
        assert!((printed - mean).abs() <= 5e-4, "{printed} vs {mean} ({n} columns)");
        means.push(mean);
    }
    let d1 = means[1] - means[0];
    let d2 = means[2] - means[1];
    assert!(d1.signum() == d2.signum() && d1.abs() > 2.5 * d2.abs(), "means {means:?}");
}

fn four_rm(sinks: &str, flow_ml_min: f64) -> String {
    format!(
        "{SILICON}{sinks}microchannel 4rm :\n  height 100 ;\n  channel length 100 ;\n  wall length 100 ;\n\
         first wall length 50 ;\n  last wall length 50 ;\n  wall material SILICON ;\n\
         coolant flow rate {flow_ml_min} ;\n  coolant heat transfer coefficient side 2.7132e-8 , top 5.7132e-8 , bottom 4.7132e-8 ;\n\
         coolant volumetric heat capacity 4.172e-12 ;\n  coolant incoming temperature 300.0 ;\n\
         dimensions :\n  chip length 1000, width 1000 ;\n  cell length 100, width 100 ;\n\
         die TOP :\n  source 2 SILICON ;\n  layer 50 SILICON ;\n\
         die BOT :\n  layer 10 SILICON ;\n  source 2 SILICON ;\n  layer 50 SILICON ;\n\
         stack :\n  die UP TOP floorplan \"a.flp\" ;\n  channel CH ;\n  die B BOT floorplan \"b.flp\" ;\n\
         solver :\n  steady ;\n  initial temperature 300.0 ;\n\
         output :\n  Tcoolant ( CH, \"cool.txt\", average ) ;\n  Tmap ( CH, \"map.txt\", final ) ;\n  Tflp ( B, \"flp.txt\", maximum ) ;\n  T ( UP, 500, 300, \"t.txt\" ) ;\n"
    )
}

#[test]
fn four_rm_coolant_carries_the_power_as_flow_times_heat_capacity() {
    // No heat sink: all the power leaves with the coolant. 3D-ICE's central advection
    // telescopes over each channel to 2C (T_last_row − T_in), so the mean outlet rise is
    // exactly P / (c_v Q) up to the direct solver's round-off.
    let a = "left :\n  rectangle (0, 0, 500, 1000) ;\n  power values 3.0 ;\nright :\n  rectangle (500, 0, 500, 1000) ;\n  power values 1.0 ;\n";
    let b = "core :\n  position 200, 200 ;\n  dimension 400, 400 ;\n  power values 6.0 ;\nrest :\n  position 0, 0 ;\n  dimension 1000, 200 ;\n  power values 0.5 ;\n";
    let flow = 10.0;
    let model = build(&four_rm("", flow), &[("a.flp", a), ("b.flp", b)]);
    // 1000 = 50 + 50 + 100 + 4 x 200: 11 columns, 5 channels.
    assert_eq!(model.columns(), 11);
    let t = model.steady(0).unwrap();
    let power = 3.0 + 1.0 + 6.0 + 0.5;
    let q_um3_s = flow * 1e12 / 60.0;
    let c_v = 4.172e-12;
    let outlets = model.outlet_temperatures(&t, "CH");
    assert_eq!(outlets.len(), 5);
    let mean_rise = outlets.iter().map(|o| o - 300.0).sum::<f64>() / outlets.len() as f64;
    assert!(relative(mean_rise, power / (c_v * q_um3_s)) < 1e-9, "{mean_rise}");
    let balance = model.energy_balance(&t, 0);
    assert!(relative(balance.coolant_w, power) < 1e-9);
    // Doubling the flow halves the rise.
    let model2 = build(&four_rm("", 2.0 * flow), &[("a.flp", a), ("b.flp", b)]);
    let t2 = model2.steady(0).unwrap();
    let rise2 = model2.outlet_temperatures(&t2, "CH").iter().map(|o| o - 300.0).sum::<f64>() / 5.0;
    assert!(relative(rise2, mean_rise / 2.0) < 1e-9);
}

#[test]
fn output_files_follow_three_d_ice_layouts() {
    let a = "left :\n  rectangle (0, 0, 500, 1000) ;\n  power values 3.0 ;\nright :\n  rectangle (500, 0, 500, 1000) ;\n  power values 1.0 ;\n";
    let b = "core :\n  position 200, 200 ;\n  dimension 400, 400 ;\n  power values 6.0 ;\nrest :\n  position 0, 0 ;\n  dimension 1000, 200 ;\n  power values 0.5 ;\n";
    let top = "top heat sink :\n  heat transfer coefficient 1.0e-7 ;\n  temperature 300 ;\n";
    let model = build(&four_rm(top, 10.0), &[("a.flp", a), ("b.flp", b)]);
    let run = model.run().unwrap();
    let file = |name: &str| run.files.iter().find(|f| f.name == name).unwrap().text.clone();
    let t = &run.temperatures_k;
    // T: header, then "%f \t %16.12f". (500, 300) lies in column 5 (x 450..550), row 3.
    let cell = file("t.txt");
    let lines: Vec<&str> = cell.lines().collect();
    assert_eq!(lines[0], "% Cell temperature for the location [UP, x=500.000,y=300.000]");
    assert_eq!(
        lines[1],
        "% Nearest [column, row] indices found= [5,3] (locations [x=450.000,y=300.000])"
    );
    assert_eq!(lines[2], "% Time(s) \t Temperature(K)");
    let layer = model.output_layer("UP").unwrap();
    assert_eq!(lines[3], format!("0.000000 \t {:16.12}", t[model.index(layer, 3, 5)]));
    // Tmap: one line per row (south first), "%7.3f  " per cell, then a blank line.
    let map = file("map.txt");
    let lines: Vec<&str> = map.lines().collect();
    assert!(lines[0].starts_with("% Thermal map for layer CH"));
    assert_eq!(lines.len(), 1 + model.rows() + 1);
    let ch = model.output_layer("CH").unwrap();
    let first_row: String =
        (0..model.columns()).map(|c| format!("{:7.3}  ", t[model.index(ch, 0, c)])).collect();
    assert_eq!(lines[1], first_row);
    assert!(
        run.files
            .iter()
            .any(|f| f.name == "xaxis.txt" && f.text.starts_with("25.00\n100.00\n200.00\n"))
    );
    // Tflp: element names in the header, one value per element.
    let flp = file("flp.txt");
    let lines: Vec<&str> = flp.lines().collect();
    assert_eq!(lines[0], "% Maximum temperatures for the floorplan of the die B");
    assert_eq!(lines[1], "% Time(s) \t core(K) \t rest(K) \t ");
    let values: Vec<&str> = lines[2].split(" \t ").collect();
    assert_eq!(values.len(), 4); // time, two values, trailing empty
    let b_layer = model.output_layer("B").unwrap();
    let core_max = (2..6)
        .flat_map(|r| (0..model.columns()).map(move |c| (r, c)))
        .filter(|(_, c)| (1..=5).contains(c))
        .map(|(r, c)| t[model.index(b_layer, r, c)])
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(values[1], format!("{core_max:5.3}"));
    // Tcoolant average: 3D-ICE adds the first (wall) column's outlet to the channels' sum
    // and divides by the number of channels.
    let cool = file("cool.txt");
    let last = cool.lines().last().unwrap();
    let outlets = model.outlet_temperatures(t, "CH");
    let quirky = (t[model.index(ch, model.rows() - 1, 0)] + outlets.iter().sum::<f64>()) / 5.0;
    assert_eq!(last, format!("0.000 \t {quirky:7.3}"));
    let balance = run.balance;
    assert!(relative(balance.top_sink_w + balance.coolant_w, balance.power_in_w) < 1e-9);
}

fn two_rm(cavity: &str) -> String {
    format!(
        "{SILICON}top heat sink :\n  heat transfer coefficient 1.0e-8 ;\n  temperature 310 ;\n{cavity}\
         dimensions :\n  chip length 1000, width 800 ;\n  cell length 200, width 200 ;\n  non-uniform false ;\n\
         die D :\n  source 2 SILICON ;\n  layer 48 SILICON ;\n\
         stack :\n  die UP D floorplan \"a.flp\" ;\n  channel CH ;\n  die B D floorplan \"a.flp\" ;\n\
         solver :\n  transient step 0.01, slot 0.05 ;\n  initial temperature 300.0 ;\n\
         output :\n  Tcoolant ( CH, \"cool.txt\", maximum, slot ) ;\n"
    )
}

#[test]
fn porous_channels_and_pin_fins_balance_their_energy() {
    let a = "x :\n  rectangle (0, 0, 600, 800) ;\n  power values 2.0, 4.0 ;\ny :\n  rectangle (600, 0, 400, 800) ;\n  power values 1.0, 0.0 ;\n";
    let coolant =
        "coolant volumetric heat capacity 4.172638e-12 ;\n  coolant incoming temperature 300.0 ;\n";
    let cavities = [
        format!(
            "microchannel 2rm :\n  height 100 ;\n  channel length 50 ;\n  wall length 50 ;\n  wall material SILICON ;\n  coolant flow rate 5 ;\n  coolant heat transfer coefficient top 4.7e-8 , bottom 5.7e-8 ;\n  {coolant}"
        ),
        format!(
            "pinfin :\n  height 100 ;\n  pin diameter 50 ;\n  pin pitch 100 ;\n  pin distribution inline ;\n  pin material SILICON ;\n  darcy velocity 1.1066e+06 ;\n  {coolant}"
        ),
        format!(
            "pinfin :\n  height 100 ;\n  pin diameter 50 ;\n  pin pitch 100 ;\n  pin distribution staggered ;\n  pin material SILICON ;\n  darcy velocity 1.1066e+06 ;\n  {coolant}"
        ),
    ];
    let mut maxima = Vec::new();
    for cavity in &cavities {
        let model = build(&two_rm(cavity), &[("a.flp", a)]);
        // Die (2) + channel (4) + die (2) layers.
        assert_eq!(model.layers().len(), 8);
        for slot in 0..2 {
            let t = model.steady(slot).unwrap();
            let b = model.energy_balance(&t, slot);
            let power = [6.0, 8.0][slot];
            assert!(relative(b.power_in_w, power) < 1e-15);
            // Heat leaves through the top sink and the coolant; a relative 1e-9 is far above
            // LU round-off (~1e-13) and far below any missing conductance.
            assert!(relative(b.top_sink_w + b.coolant_w, power) < 1e-9, "{b:?}");
            assert!(b.coolant_w > 0.5 * power);
        }
        // Transient: 2 slots of 5 backward-Euler steps; slot outputs at 0.05 and 0.10 s.
        let run = model.run().unwrap();
        assert_eq!(run.steps, 10);
        let cool = &run.files[0].text;
        let times: Vec<&str> =
            cool.lines().skip(2).map(|l| l.split(" \t ").next().unwrap()).collect();
        assert_eq!(times, ["0.050", "0.100"]);
        maxima.push(
            model
                .outlet_temperatures(&model.steady(0).unwrap(), "CH")
                .iter()
                .copied()
                .fold(0.0, f64::max),
        );
    }
    // Staggered pins transfer heat better than inline ones at the same Darcy velocity
    // (3D-ICE's correlation: a larger effective coefficient), so more of the heat goes into the
    // coolant rather than the top sink and the outlet is hotter.
    assert!(maxima[2] > maxima[1], "{maxima:?}");
}

#[test]
fn backward_euler_matches_its_one_cell_closed_form() {
    // One cell, one layer under a top sink: (C/Δt + G) T⁺ = C/Δt T + P + G T_a, step after
    // step, for the whole trace.
    let stk = format!(
        "{SILICON}top heat sink :\n  heat transfer coefficient 1.0e-7 ;\n  temperature 300 ;\n\
         dimensions :\n  chip length 1000, width 1000 ;\n  cell length 1000, width 1000 ;\n\
         die D :\n  source 100 SILICON ;\n\
         stack :\n  die DIE D floorplan \"u.flp\" ;\n\
         solver :\n  transient step 0.0005, slot 0.002 ;\n  initial temperature 290.0 ;\n\
         output :\n  T ( DIE, 10, 10, \"t.txt\", step ) ;\n"
    );
    let flp =
        "all :\n  position 0, 0 ;\n  dimension 1000, 1000 ;\n  power values 1.0, 3.0, 0.0 ;\n";
    let stack = StackFile::parse("one.stk", &stk).unwrap();
    assert_eq!(
        stack.analysis,
        Analysis::Transient { step_s: 0.0005, slot_s: 0.002, steps_per_slot: 4 }
    );
    let model = Model::build(&stack, &floorplans(&[("u.flp", flp)])).unwrap();
    let run = model.run().unwrap();
    let (k, h, area, htc) = (1.30e-4, 100.0, 1.0e6, 1.0e-7);
    let g = 2.0 * k * htc * area / (h * htc + 2.0 * k);
    let c = 1.628e-12 * area * h;
    let dt = 0.0005;
    let mut t = 290.0;
    let mut expected = Vec::new();
    for p in [1.0, 3.0, 0.0] {
        for _ in 0..4 {
            t = (c / dt * t + p + g * 300.0) / (c / dt + g);
            expected.push(t);
        }
    }
    let text = &run.files[0].text;
    let values: Vec<f64> = text
        .lines()
        .skip(3)
        .map(|l| l.split('\t').nth(1).unwrap().trim().parse().unwrap())
        .collect();
    assert_eq!(values.len(), 12);
    for (got, want) in values.iter().zip(&expected) {
        // Printed with 12 decimals.
        assert!((got - want).abs() < 2e-12, "{got} vs {want}");
    }
    assert!(relative(run.temperatures_k[0], expected[11]) < 1e-14);
}

#[test]
fn a_full_stack_parses_with_comments_layers_and_every_output() {
    let stk = format!(
        "// a comment\n{SILICON}material BEOL :\n thermal conductivity 2.25e-6 , 2.25e-6 , 1.0e-6 ; /* anisotropic\n over lines */\n volumetric heat capacity 2.175e-12 ;\n\
         bottom heat sink :\n heat transfer coefficient 1e-8 ;\n temperature 300 ;\n\
         dimensions :\n chip length 1000, width 1000 ;\n cell length 100, width 100 ;\n\
         layer PCB :\n height 10 ;\n material BEOL ;\n\
         die D :\n layer 10 BEOL ;\n source 2 SILICON ;\n layer PCB ;\n\
         stack :\n die TOP D floorplan \"u.flp\" ;\n layer BASE PCB ;\n\
         solver :\n steady ;\n initial temperature 300.0 ;\n numofcores 2 ;\n\
         output :\n T ( TOP, 1, 2, \"a.txt\", final ) ;\n Tflp ( TOP, \"b.txt\", minimum ) ;\n Tflpel ( TOP.all, \"c.txt\", gradient, slot ) ;\n Tmap ( BASE, \"d.txt\", step ) ;\n"
    );
    let stack = StackFile::parse("full.stk", &stk).unwrap();
    assert_eq!(stack.materials[1].conductivity_w_per_um_k, [2.25e-6, 2.25e-6, 1.0e-6]);
    assert_eq!(stack.dies[0].layers.len(), 3);
    // Stored bottom first: PCB layer (10 µm BEOL via the layer section), source, 10 µm BEOL.
    assert_eq!(stack.dies[0].source, 1);
    assert_eq!(stack.stack.len(), 2);
    assert!(matches!(stack.stack[1].kind, ElementKind::Layer(_)));
    assert_eq!(stack.outputs.len(), 4);
    assert!(stack.cavity.is_none() && stack.top_sink.is_none() && stack.bottom_sink.is_some());
    let model = Model::build(&stack, &floorplans(&[("u.flp", &uniform_flp(1000.0, 1.0))])).unwrap();
    assert_eq!(model.layers().len(), 4);
    assert!(model.layers()[0].to_pcb);
    let run = model.run().unwrap();
    // The bottom sink takes everything.
    assert!(relative(run.balance.bottom_sink_w, 1.0) < 1e-10);
}

#[test]
fn four_rm_geometry_is_read_in_three_d_ice_units() {
    let stack = StackFile::parse("g.stk", &four_rm("", 42.0)).unwrap();
    let Some(cavity) = &stack.cavity else { panic!("cavity") };
    let CavityModel::Microchannel4rm { flow_rate_um3_per_s, htc_side_w_per_um2_k, .. } =
        cavity.model
    else {
        panic!("4rm")
    };
    assert!(relative(flow_rate_um3_per_s, 42.0e12 / 60.0) < 1e-15);
    assert_eq!(htc_side_w_per_um2_k, 2.7132e-8);
}

// ---- Every malformed input is a named error: file, line, field, what was expected. ----

fn assert_error(error: &ParseError, line: usize, field: &str, message: &str) {
    assert_eq!(error.line, line, "{error}");
    assert!(error.field.contains(field), "field {:?} lacks {field:?}: {error}", error.field);
    assert!(error.message.contains(message), "message {:?} lacks {message:?}", error.message);
}

const TAIL: &str = "dimensions :\n chip length 1000, width 1000 ;\n cell length 100, width 100 ;\n\
                    die D :\n source 2 SILICON ;\n stack :\n die X D floorplan \"u.flp\" ;\n solver :\n steady ;\n initial temperature 300 ;\n";

#[test]
fn a_missing_semicolon_names_the_line_and_what_was_expected() {
    let error = parse_error(
        "material SILICON :\n thermal conductivity 1.3e-4\n volumetric heat capacity 1.6e-12 ;\n",
    );
    assert_eq!(error.file, "bad.stk");
    assert_error(
        &error,
        3,
        "material SILICON: thermal conductivity",
        "expected `;`, found `volumetric`",
    );
}

#[test]
fn an_unknown_material_is_named_with_the_known_ones() {
    let error = parse_error(&format!(
        "{SILICON}dimensions :\n chip length 1000, width 1000 ;\n cell length 100, width 100 ;\ndie D :\n source 2 COPPER ;\n"
    ));
    assert_error(&error, 8, "die D: source", "unknown material COPPER; expected one of: SILICON");
}

#[test]
fn a_keyword_is_not_an_identifier() {
    let error = parse_error(&format!("{SILICON}{}", TAIL.replace("die X D", "die step D")));
    assert_error(&error, 10, "stack", "found the keyword `step`");
}

#[test]
fn a_four_rm_pattern_must_fit_the_chip() {
    let stk = four_rm("", 10.0).replace("chip length 1000", "chip length 1030");
    let error = parse_error(&stk);
    assert_error(&error, 15, "dimensions: chip length", "does not fit the chip length 1030");
}

#[test]
fn a_channel_needs_a_cavity_and_cannot_be_outermost() {
    let stk = format!(
        "{SILICON}{}",
        TAIL.replace(
            "die X D floorplan \"u.flp\" ;",
            "channel C ;\n die X D floorplan \"u.flp\" ;"
        )
    );
    assert_error(&parse_error(&stk), 10, "stack: channel C", "no microchannel or pinfin section");
    let stk = four_rm("", 10.0)
        .replace("channel CH ;\n  die B", "die B")
        .replace("die UP TOP floorplan \"a.flp\" ;", "channel CH ;");
    assert_error(&parse_error(&stk), 26, "stack: channel CH", "top-most or bottom-most");
}

#[test]
fn a_transient_slot_must_not_be_shorter_than_its_step() {
    let stk = format!("{SILICON}{}", TAIL.replace("steady ;", "transient step 0.1, slot 0.01 ;"));
    assert_error(
        &parse_error(&stk),
        12,
        "solver: transient",
        "slot 0.01 s must not be shorter than the step 0.1 s",
    );
}

#[test]
fn outputs_must_name_existing_elements_of_the_right_kind() {
    let stk = format!("{SILICON}{TAIL}output :\n T ( Y, 1, 1, \"a.txt\" ) ;\n");
    assert_error(&parse_error(&stk), 15, "output T", "unknown stack element Y; expected one of: X");
    let stk = format!("{SILICON}{TAIL}output :\n Tcoolant ( X, \"a.txt\", average ) ;\n");
    assert_error(&parse_error(&stk), 15, "output Tcoolant", "must be a channel");
    let stk = format!("{SILICON}{TAIL}output :\n Tflp ( X, \"a.txt\", hottest ) ;\n");
    assert_error(
        &parse_error(&stk),
        15,
        "output Tflp",
        "expected `maximum`, `minimum`, `average` or `gradient`, found `hottest`",
    );
    // A floorplan element the die's floorplan lacks is found when the model is built.
    let stk = format!("{SILICON}{TAIL}output :\n Tflpel ( X.core, \"a.txt\", average ) ;\n");
    let stack = StackFile::parse("bad.stk", &stk).unwrap();
    let error =
        Model::build(&stack, &floorplans(&[("u.flp", &uniform_flp(1000.0, 1.0))])).unwrap_err();
    let ModelError::Input(error) = error else { panic!("input error") };
    assert_error(&error, 15, "output Tflpel", "unknown floorplan element core in die X");
}

#[test]
fn duplicates_and_unclosed_comments_are_refused() {
    let error = parse_error(&format!("{SILICON}{SILICON}"));
    assert_error(&error, 4, "material SILICON", "already declared");
    let error = parse_error(&format!("{SILICON}/* never closed\n"));
    assert_error(&error, 4, "token", "never closed");
}

#[test]
fn floorplan_errors_name_the_floorplan_file() {
    let error = Floorplan::parse(
        "f.flp",
        "a :\n position 0, 0 ;\n dimension 10, 10 ;\n power values 1.0 2.0 ;\n",
    )
    .unwrap_err();
    assert_eq!(error.file, "f.flp");
    assert_error(&error, 4, "floorplan element a: power values", "expected `;`, found number 2");
    let error = Floorplan::parse("f.flp", "a :\n rectangle (0, 0, -5, 10) ;\n").unwrap_err();
    assert_error(&error, 2, "floorplan element a: rectangle", "value -5 must be positive");
    // Outside the chip: found when placed on the grid.
    let stack = StackFile::parse("s.stk", &format!("{SILICON}{TAIL}")).unwrap();
    let flp = "a :\n position 0, 0 ;\n dimension 1000, 1000 ;\n power values 1 ;\nb :\n position 900, 0 ;\n dimension 200, 10 ;\n power values 1 ;\n";
    let ModelError::Input(error) =
        Model::build(&stack, &floorplans(&[("u.flp", flp)])).unwrap_err()
    else {
        panic!()
    };
    assert_eq!(error.file, "u.flp");
    assert_error(&error, 5, "floorplan element b", "outside of the chip");
    // A missing floorplan names the stack line.
    let ModelError::Input(error) = Model::build(&stack, &BTreeMap::new()).unwrap_err() else {
        panic!()
    };
    assert_error(&error, 10, "stack: die X", "floorplan \"u.flp\" was not provided");
}

#[test]
fn a_four_rm_channel_under_uniform_flux_matches_the_closed_form_of_the_central_scheme() {
    // One channel (first wall 50, channel 100, last wall 50 µm: 3 columns) under two dies
    // with uniform power and no sink, in a material that does not conduct along the flow
    // (k_y = 1e-20): every row then hands exactly q = P/N to the coolant. 3D-ICE's central
    // scheme makes the face temperatures (T_r + T_{r+1})/2 rise linearly,
    // T_in + (r + 1) q / (m c_p), and the outlet cell T_{N-1} = T_in + P / (m c_p),
    // the 1-D channel's closed form at its faces.
    let stk = "material ANISO :\n thermal conductivity 1.3e-4 , 1e-20 , 1.3e-4 ;\n volumetric heat capacity 1.6e-12 ;\n\
               microchannel 4rm :\n height 100 ;\n channel length 100 ;\n wall length 100 ;\n first wall length 50 ;\n last wall length 50 ;\n\
               wall material ANISO ;\n coolant flow rate 1 ;\n coolant heat transfer coefficient side 2e-8 , top 5e-8 , bottom 4e-8 ;\n\
               coolant volumetric heat capacity 4.172e-12 ;\n coolant incoming temperature 300 ;\n\
               dimensions :\n chip length 200, width 1000 ;\n cell length 100, width 100 ;\n\
               die D :\n layer 20 ANISO ;\n source 2 ANISO ;\n layer 50 ANISO ;\n\
               stack :\n die A D floorplan \"a.flp\" ;\n channel CH ;\n die B D floorplan \"b.flp\" ;\n\
               solver :\n steady ;\n initial temperature 300 ;\n";
    let a = "all :\n position 0, 0 ;\n dimension 200, 1000 ;\n power values 1.0 ;\n";
    let b = "all :\n position 0, 0 ;\n dimension 200, 1000 ;\n power values 0.5 ;\n";
    let model = build(stk, &[("a.flp", a), ("b.flp", b)]);
    assert_eq!((model.columns(), model.rows()), (3, 10));
    let t = model.steady(0).unwrap();
    let m_cp = 4.172e-12 * 1e12 / 60.0; // W/K
    let q = 1.5 / 10.0;
    let layer = model.output_layer("CH").unwrap();
    let coolant: Vec<f64> = (0..10).map(|r| t[model.index(layer, r, 1)]).collect();
    // Direct solve: round-off ~1e-13 K on rises of ~20 K; 1e-9 relative leaves margin.
    for r in 0..9 {
        let face = (coolant[r] + coolant[r + 1]) / 2.0 - 300.0;
        assert!(relative(face, (r + 1) as f64 * q / m_cp) < 1e-9, "row {r}: {face}");
    }
    assert!(relative(coolant[9] - 300.0, 1.5 / m_cp) < 1e-9, "{}", coolant[9]);
}

#[test]
fn a_grid_too_large_to_factor_is_refused_by_name() {
    let stack = StackFile::parse("big.stk", &solid_stack(100_000.0, 10.0, "", "")).unwrap();
    let ModelError::Input(error) =
        Model::build(&stack, &floorplans(&[("u.flp", &uniform_flp(1000.0, 1.0))])).unwrap_err()
    else {
        panic!("input error")
    };
    assert_error(
        &error,
        1,
        "dimensions",
        "300000000 cells (3 layers x 10000 rows x 10000 columns)",
    );
}

#[test]
fn absurd_dimensions_are_refused_without_allocating() {
    let stack = StackFile::parse("huge.stk", &solid_stack(1e30, 1e-30, "", "")).unwrap();
    let ModelError::Input(error) =
        Model::build(&stack, &floorplans(&[("u.flp", &uniform_flp(1000.0, 1.0))])).unwrap_err()
    else {
        panic!("input error")
    };
    assert_error(&error, 1, "dimensions", "use larger cells");
}
