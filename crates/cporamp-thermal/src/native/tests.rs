//! The native model against closed forms: a 1-D multilayer stack (exact at cell centres),
//! a centred square source on a convectively cooled plate (Fourier series, converging at
//! second order), and a slab heated through one face (series solution).

use super::*;

const SILICON: Material = Material { k_w_per_mk: 130.0, rho_c_j_per_m3k: 1.63e6 };
const TIM: Material = Material { k_w_per_mk: 4.0, rho_c_j_per_m3k: 4.0e6 };
const COPPER: Material = Material { k_w_per_mk: 390.0, rho_c_j_per_m3k: 3.45e6 };

fn square(side_m: f64) -> Rect {
    Rect { x_m: 0.0, y_m: 0.0, width_m: side_m, height_m: side_m }
}

fn layer(
    name: &str,
    thickness_m: f64,
    n_sublayers: usize,
    material: Material,
    footprint: Rect,
) -> Layer {
    Layer {
        name: name.to_string(),
        thickness_m,
        n_sublayers,
        material,
        footprint,
        regions: Vec::new(),
    }
}

#[test]
fn one_dimensional_stack_matches_the_series_resistance_closed_form() {
    // Die (heated uniformly through its thickness) / TIM / copper lid, h on the lid's bottom,
    // adiabatic top. Continuum: the lid and TIM are linear (series resistances t/(kA)), the die
    // quadratic, T(z) = T_die_bottom + q''(t0^2 - z^2)/(2 k0 t0) from its top. Below the
    // heated layer the scheme is exact (linear profiles, every face carries P); in the heated
    // layer the half-cell next to the TIM sees a quadratic profile, an O(q dz²/k) error.
    let side = 0.01;
    let area = side * side;
    let (power_w, h, fluid) = (100.0, 5000.0, 35.0);
    let stack = [(0.5e-3, 4, SILICON), (50e-6, 3, TIM), (2e-3, 5, COPPER)];
    let layers: Vec<Layer> = stack
        .iter()
        .enumerate()
        .map(|(index, &(thickness, n, material))| {
            layer(&format!("l{index}"), thickness, n, material, square(side))
        })
        .collect();
    let source = Source { name: "die".to_string(), layer: 0, rect: square(side), power_w };
    let boundaries =
        Boundaries { top_h_w_per_m2k: 0.0, bottom_h_w_per_m2k: h, fluid_temp_c: fluid };
    let model = Model::new(layers, &[source], boundaries, 1, 1).unwrap();
    let temperatures = model.steady().unwrap();

    let flux = power_w / area;
    // Interface temperatures from the bottom up: the series-resistance closed form.
    let mut top_of = [0.0; 3];
    let mut below = fluid + flux / h;
    for (index, &(thickness, _, material)) in stack.iter().enumerate().rev() {
        let drop = if index == 0 {
            flux * thickness / (2.0 * material.k_w_per_mk)
        } else {
            flux * thickness / material.k_w_per_mk
        };
        top_of[index] = below + drop;
        below = top_of[index];
    }
    for (index, &(thickness, n, material)) in stack.iter().enumerate() {
        let dz = thickness / n as f64;
        for sublayer in 0..n {
            let z = (sublayer as f64 + 0.5) * dz;
            let exact = if index == 0 {
                top_of[0] - flux * z * z / (2.0 * material.k_w_per_mk * thickness)
            } else {
                top_of[index] - flux * z / material.k_w_per_mk
            };
            let found = temperatures[model.node(index, sublayer, 0, 0).unwrap()];
            let relative = ((found - fluid) - (exact - fluid)).abs() / (exact - fluid);
            let tolerance = if index == 0 { 1e-3 } else { 1e-6 };
            assert!(relative < tolerance, "layer {index} sublayer {sublayer}: {found} vs {exact}");
        }
    }
    let rise: Vec<f64> = temperatures.iter().map(|t| t - fluid).collect();
    let out = model.network().heat_to_ambient(&rise);
    assert!(((out - power_w) / power_w).abs() < 1e-9, "energy: {out} W out of {power_w} W");
}

/// Mean temperature rise over a centred square source of side `source_m` on the top of a
/// square plate (side `plate_m`, thickness `thickness_m`), adiabatic sides and top, h on the
/// bottom. Cosine series of the adiabatic-sided channel: each mode cos(mπx/L)cos(nπy/L)
/// decays through the thickness with eigenvalue ζ and reaches the surface with the factor
/// φ(ζ)/(kζ), φ = (ζ + (h/k) tanh ζt)/(ζ tanh ζt + h/k) (→ tanh ζt for an isothermal
/// bottom, coth ζt for an adiabatic one); the (0,0) mode is the 1-D resistance t/k + 1/h.
/// This is the Muzychka-Culham-Yovanovich result for a rectangular flux channel.
fn spreading_series(
    power_w: f64,
    plate_m: f64,
    source_m: f64,
    thickness_m: f64,
    k: f64,
    h: f64,
    n_terms: usize,
) -> f64 {
    let (x1, x2) = ((plate_m - source_m) / 2.0, (plate_m + source_m) / 2.0);
    let integral = |m: usize| {
        if m == 0 {
            x2 - x1
        } else {
            let wave = m as f64 * std::f64::consts::PI / plate_m;
            ((wave * x2).sin() - (wave * x1).sin()) / wave
        }
    };
    let integrals: Vec<f64> = (0..n_terms).map(integral).collect();
    let source_area = source_m * source_m;
    let mut sum = 0.0;
    for m in 0..n_terms {
        for n in 0..n_terms {
            if m == 0 && n == 0 {
                continue;
            }
            let weight = if m == 0 { 1.0 } else { 2.0 } * if n == 0 { 1.0 } else { 2.0 };
            let zeta = std::f64::consts::PI * ((m * m + n * n) as f64).sqrt() / plate_m;
            let tanh = (zeta * thickness_m).tanh();
            let phi = (zeta + h / k * tanh) / (zeta * tanh + h / k);
            sum += weight * integrals[m].powi(2) * integrals[n].powi(2) * phi / (k * zeta);
        }
    }
    power_w
        * (sum / (source_area * source_area * plate_m * plate_m)
            + (thickness_m / k + 1.0 / h) / (plate_m * plate_m))
}

#[test]
fn spreading_from_a_centred_source_converges_to_the_series_at_second_order() {
    let (plate, source_side, thickness, k, h, power_w) = (0.01, 0.002, 1e-3, 100.0, 1e5, 10.0);
    let exact = spreading_series(power_w, plate, source_side, thickness, k, h, 600);
    let coarser_series = spreading_series(power_w, plate, source_side, thickness, k, h, 300);
    assert!(
        (exact - coarser_series).abs() < 1e-4 * exact,
        "series converged: {exact} vs {coarser_series}"
    );
    // The spreading part must be a real share of the answer, or the test is moot.
    let one_dimensional = power_w * (thickness / k + 1.0 / h) / (plate * plate);
    assert!(exact > 1.5 * one_dimensional, "spreading {exact} vs 1-D {one_dimensional}");

    // A 2 µm skin carries the source, approximating the series' surface flux to ~1e-4.
    let skin = 2e-6;
    let material = Material { k_w_per_mk: k, rho_c_j_per_m3k: 1e6 };
    let source_rect = Rect { x_m: 0.004, y_m: 0.004, width_m: source_side, height_m: source_side };
    let mean_rise = |cells: usize| {
        let layers = vec![
            layer("skin", skin, 1, material, square(plate)),
            layer("plate", thickness - skin, cells / 5, material, square(plate)),
        ];
        let source = Source { name: "source".to_string(), layer: 0, rect: source_rect, power_w };
        let boundaries =
            Boundaries { top_h_w_per_m2k: 0.0, bottom_h_w_per_m2k: h, fluid_temp_c: 0.0 };
        let model = Model::new(layers, &[source], boundaries, cells, cells).unwrap();
        let temperatures = model.steady().unwrap();
        let rise: Vec<f64> = temperatures.clone();
        let out = model.network().heat_to_ambient(&rise);
        assert!(((out - power_w) / power_w).abs() < 1e-9, "energy {out}");
        model.region_stats(&temperatures, 0, 0, &source_rect).unwrap().0
    };
    let rises: Vec<f64> = [20, 40, 80].iter().map(|&cells| mean_rise(cells)).collect();
    let errors: Vec<f64> = rises.iter().map(|rise| (rise - exact).abs() / exact).collect();
    let orders: Vec<f64> = errors.windows(2).map(|pair| (pair[0] / pair[1]).log2()).collect();
    // Second order: each halving of the cell size cuts the error by about 4.
    assert!(
        orders.iter().all(|order| (1.6..2.4).contains(order)),
        "observed orders {orders:?}, errors {errors:?}"
    );
    assert!(errors[2] < 0.01, "finest grid error {:.3e}", errors[2]);
    // Richardson extrapolation of the two finest grids: the converged grid answer.
    let converged = (4.0 * rises[2] - rises[1]) / 3.0;
    assert!((converged - exact).abs() < 0.005 * exact, "converged {converged} vs series {exact}");
}

#[test]
fn slab_heated_through_one_face_follows_the_series_solution() {
    // A slab 0 < z < L, flux q'' into z = 0, adiabatic at z = L, from uniform zero rise
    // (Carslaw & Jaeger §3.3): θ = (q''L/k)[αt/L² + 1/3 - z/L + z²/(2L²)
    //   - (2/π²) Σ (1/n²) exp(-n²π²αt/L²) cos(nπz/L)].
    let (thickness, k, rho_c, flux) = (1e-3, 100.0, 2e6, 1e6);
    let alpha = k / rho_c;
    let side = 1e-3;
    let skin = 1e-7;
    let n_sublayers = 40;
    let material = Material { k_w_per_mk: k, rho_c_j_per_m3k: rho_c };
    let layers = vec![
        layer("skin", skin, 1, material, square(side)),
        layer("slab", thickness - skin, n_sublayers, material, square(side)),
    ];
    let power_w = flux * side * side;
    let source = Source { name: "face".to_string(), layer: 0, rect: square(side), power_w };
    let boundaries =
        Boundaries { top_h_w_per_m2k: 0.0, bottom_h_w_per_m2k: 0.0, fluid_temp_c: 0.0 };
    let model = Model::new(layers, &[source], boundaries, 1, 1).unwrap();
    let end_s = 0.2 * thickness * thickness / alpha;
    let n_steps = 400;
    let stepper = model.stepper(end_s / f64::from(n_steps), TimeScheme::CrankNicolson).unwrap();
    let mut theta = vec![0.0; model.network().n_nodes()];
    for _ in 0..n_steps {
        stepper.step(&mut theta, model.power(), model.power()).unwrap();
    }
    let series = |z: f64| {
        let mut sum = 0.0;
        for n in 1..200 {
            let n = f64::from(n);
            let decay = (-n * n * std::f64::consts::PI.powi(2) * alpha * end_s
                / (thickness * thickness))
                .exp();
            sum += decay * (n * std::f64::consts::PI * z / thickness).cos() / (n * n);
        }
        flux * thickness / k
            * (alpha * end_s / (thickness * thickness) + 1.0 / 3.0 - z / thickness
                + z * z / (2.0 * thickness * thickness)
                - 2.0 / std::f64::consts::PI.powi(2) * sum)
    };
    let dz = (thickness - skin) / n_sublayers as f64;
    for sublayer in [0, n_sublayers / 2, n_sublayers - 1] {
        let z = skin + (sublayer as f64 + 0.5) * dz;
        let found = theta[model.node(1, sublayer, 0, 0).unwrap()];
        let exact = series(z);
        // Spatial error O(dz²) and temporal O(Δt²) at 40 cells and 400 steps: well under 0.5 %.
        assert!((found - exact).abs() < 5e-3 * exact, "z = {z}: {found} vs {exact}");
    }
    // Energy: everything put in is stored (no boundary loses heat).
    let stored = model.network().stored_energy(&theta);
    assert!((stored - power_w * end_s).abs() < 1e-9 * power_w * end_s, "{stored}");
}

/// A package-like stack: a copper lid, a TIM, a die layer whose footprint covers only the
/// middle of the domain (its cells elsewhere do not exist), with a silicon region in a
/// mould, and a substrate; cooled on top and weakly underneath.
pub(super) fn partial_stack(nx: usize, ny: usize, sublayers: [usize; 4]) -> Model {
    let side = 0.03;
    let inner = Rect { x_m: 0.005, y_m: 0.004, width_m: 0.02, height_m: 0.021 };
    let die = Rect { x_m: 0.009, y_m: 0.009, width_m: 0.012, height_m: 0.01 };
    let mould = Material { k_w_per_mk: 0.9, rho_c_j_per_m3k: 1.8e6 };
    let substrate = Material { k_w_per_mk: 15.0, rho_c_j_per_m3k: 2.0e6 };
    let layers = vec![
        layer("lid", 2e-3, sublayers[0], COPPER, square(side)),
        layer("tim", 1e-4, sublayers[1], TIM, square(side)),
        Layer {
            regions: vec![(die, SILICON)],
            ..layer("dies", 7.5e-4, sublayers[2], mould, inner)
        },
        layer("substrate", 1.5e-3, sublayers[3], substrate, square(side)),
    ];
    let sources = [
        Source { name: "asic".to_string(), layer: 2, rect: die, power_w: 300.0 },
        Source {
            name: "engine".to_string(),
            layer: 2,
            rect: Rect { x_m: 0.0055, y_m: 0.005, width_m: 0.002, height_m: 0.004 },
            power_w: 12.0,
        },
    ];
    let boundaries =
        Boundaries { top_h_w_per_m2k: 2.0e4, bottom_h_w_per_m2k: 50.0, fluid_temp_c: 35.0 };
    Model::new(layers, &sources, boundaries, nx, ny).unwrap()
}

#[test]
fn the_multigrid_path_matches_the_direct_solve_on_a_stack_with_partial_footprints() {
    // 96 x 80 cells (coarsened to 48 x 40, then 24 x 20, solved directly), eight sublayers,
    // the die layer's cells only under its footprint.
    let model = partial_stack(96, 80, [3, 1, 2, 2]);
    let direct = model.network().steady(model.power()).unwrap();
    let iterative = model.steady_rise_multigrid(model.power()).unwrap();
    let scale = direct.iter().fold(0.0f64, |max, rise| max.max(rise.abs()));
    let worst = iterative.iter().zip(&direct).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    // CG stops at a relative residual of 1e-12.
    assert!(worst < 1e-8 * scale, "largest difference {worst} K of a {scale} K rise");
    let power_w: f64 = model.power().iter().sum();
    let out_w = model.network().heat_to_ambient(&iterative);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
}
