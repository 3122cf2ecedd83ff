//! The comparison against published figures, closed forms and its own invariants.
//!
//! Each published-figure test names its sources by their keys in docs/sources.md (such as
//! S04 or PCM Gap 1). The figures are *outputs* of the component model: no total is an input,
//! so a test fails if a component (DSP energy, laser link budget, TEC, conversion) is wrong.

use super::*;

fn default_comparison() -> Comparison {
    compare(&cporamp_scenario::load_default().expect("default scenario"))
        .expect("default comparison")
}

fn result<'a>(
    comparison: &'a Comparison,
    generation: &str,
    technology: &str,
) -> &'a TechnologyResult {
    comparison
        .generations
        .iter()
        .find(|candidate| candidate.generation == generation)
        .and_then(|found| found.technologies.iter().find(|candidate| candidate.id == technology))
        .unwrap_or_else(|| panic!("{generation} {technology} missing"))
}

fn assert_within(value: f64, low: f64, high: f64, what: &str) {
    assert!((low..=high).contains(&value), "{what}: {value:.3} outside [{low}, {high}]");
}

#[test]
fn dsp_pluggable_800g_draws_14_to_18_w() {
    // [S04]/[PCM Gap 1] Broadcom: 14-16 W per 800G pluggable; [S01] NVIDIA DR8 twin-port 17 W max.
    let comparison = default_comparison();
    assert_within(
        result(&comparison, "51.2T", "pluggable_dsp").port_power.optics_w,
        14.0,
        18.0,
        "800G DSP module W",
    );
}

#[test]
fn lpo_800g_draws_8_to_10_w() {
    // [S21][S22] LPO 800G module 8-9 W; [PCM Gap 1, "800G LPO module"] 8-9 W typical.
    let comparison = default_comparison();
    assert_within(result(&comparison, "51.2T", "lpo").port_power.optics_w, 8.0, 10.0, "800G LPO W");
}

#[test]
fn dsp_pluggable_1p6t_draws_25_to_30_w() {
    // [S08][S10] 1.6T DSP pluggable ~30 W, range 25-30.
    let comparison = default_comparison();
    assert_within(
        result(&comparison, "102.4T", "pluggable_dsp").port_power.optics_w,
        25.0,
        30.0,
        "1.6T DSP module W",
    );
}

#[test]
fn cpo_1p6t_port_is_about_9_w_and_5p6_pj_per_bit() {
    // [S11] NVIDIA: optical engine ~7 W + CW laser ~2 W = ~9 W per 1.6T port (5.6 pJ/bit).
    // "About": the source rounds to watts, so +-1 W (+-0.6 pJ/bit).
    let comparison = default_comparison();
    let cpo = result(&comparison, "102.4T", "cpo_els");
    assert_within(cpo.port_power.optics_w, 8.0, 10.0, "1.6T CPO port W");
    assert_within(cpo.port_power.optics_pj_per_bit, 5.0, 6.2, "1.6T CPO pJ/bit");
    // The split: the laser share (ELS) is of the order of NVIDIA's ~2 W, the engine ~7 W.
    assert_within(cpo.port_power.els_w, 1.0, 2.5, "1.6T CPO laser share W");
}

#[test]
fn bailly_cpo_is_about_5p5_w_per_800g() {
    // [S04] Broadcom Bailly (TH5 51.2T CPO, external lasers): 5.5 W per 800G. Rounded to
    // 0.5 W by the source, so +-0.5 W.
    let comparison = default_comparison();
    assert_within(
        result(&comparison, "51.2T", "cpo_els").port_power.optics_w,
        5.0,
        6.0,
        "Bailly W per 800G",
    );
}

#[test]
fn th5_class_asic_draws_450_to_500_w() {
    // [S26][S27] TH5 51.2T with 512 long-reach SerDes: ~500 W estimate, 450 W typical.
    let comparison = default_comparison();
    let asic_w = result(&comparison, "51.2T", "pluggable_dsp").switch_power.asic_w;
    assert_within(asic_w, 450.0, 500.0, "TH5 ASIC W");
}

#[test]
fn module_prices_land_in_published_bands() {
    // [S104] 800G DR8 $1,100-1,400, LPO $700-900; [S52] 1.6T $1,300-1,500. Price = BOM / (1 - margin).
    let comparison = default_comparison();
    let price = |generation, technology| {
        result(&comparison, generation, technology).cost.module_price_usd.unwrap()
    };
    assert_within(price("51.2T", "pluggable_dsp"), 1100.0, 1400.0, "800G DR8 price");
    assert_within(price("51.2T", "lpo"), 700.0, 900.0, "800G LPO price");
    assert_within(price("102.4T", "pluggable_dsp"), 1300.0, 1500.0, "1.6T price");
}

#[test]
fn one_db_more_coupling_loss_raises_uncooled_laser_power_by_ten_to_the_tenth() {
    // Link budget closed form: every dB of loss is a dB of launch power; an uncooled laser's
    // electrical power is launch / WPE, so the factor is exactly 10^(1/10).
    let scenario = cporamp_scenario::load_default().unwrap();
    let base = compare(&scenario).unwrap();
    let mut worse = scenario.clone();
    for technology in &mut worse.technologies {
        if let Some(link_budget) = technology.link_budget.as_mut() {
            link_budget.coupling_loss.0 += 1.0;
        }
    }
    let worse = compare(&worse).unwrap();
    for generation in ["51.2T", "102.4T"] {
        let before = result(&base, generation, "cpo_els");
        let after = result(&worse, generation, "cpo_els");
        let ratio = after.port_power.els_w / before.port_power.els_w;
        assert!((ratio - 10f64.powf(0.1)).abs() < 1e-12, "{generation}: ratio {ratio}");
        // The reported sensitivity is the same re-run of the model.
        let sensitivity =
            before.sensitivities.iter().find(|s| s.parameter == "coupling loss +1 dB").unwrap();
        let expected = before.port_power.els_w * (10f64.powf(0.1) - 1.0);
        assert!((sensitivity.delta_optics_w_per_port - expected).abs() < 1e-12);
        // A TEC-cooled laser: only the drive scales; the cooler's leak term does not.
        let before = result(&base, generation, "pluggable_dsp").laser.as_ref().unwrap();
        let after = result(&worse, generation, "pluggable_dsp").laser.as_ref().unwrap();
        assert!((after.power.drive_w / before.power.drive_w - 10f64.powf(0.1)).abs() < 1e-12);
        assert!(after.power.electrical().0 / before.power.electrical().0 < 10f64.powf(0.1));
    }
}

#[test]
fn components_sum_to_the_totals() {
    let comparison = default_comparison();
    for generation in &comparison.generations {
        for technology in &generation.technologies {
            let port = &technology.port_power;
            let sum: f64 = port.components().iter().map(|(_, watts)| watts).sum();
            assert!(
                (sum - port.with_host_w).abs() < 1e-9,
                "{}: {sum} vs {}",
                technology.id,
                port.with_host_w
            );
            assert!((port.with_host_w - port.optics_w - port.host_serdes_w).abs() < 1e-9);
            let ports = f64::from(generation.ports_per_switch);
            let switch = &technology.switch_power;
            assert!((switch.total_w - switch.asic_w - ports * port.optics_w).abs() < 1e-6);
            assert!(
                (switch.pj_per_bit - 1000.0 * switch.total_w / generation.switch_capacity_gbps)
                    .abs()
                    < 1e-9
            );
        }
    }
}

#[test]
fn serviceability_follows_the_laser_and_engine_placement() {
    let comparison = default_comparison();
    let pluggable = &result(&comparison, "102.4T", "pluggable_dsp").service;
    assert_eq!(pluggable.port_failure.fru, Fru::Module);
    assert_eq!(pluggable.port_failure.blast_radius_ports, 1);
    // ELS at 102.4T: 8 lasers x 4 lanes per laser / 8 lanes per port = 4 ports per module.
    let els = &result(&comparison, "102.4T", "cpo_els").service;
    let laser = els.laser_failure.as_ref().unwrap();
    assert_eq!(
        (laser.fru, laser.blast_radius_ports, laser.hot_swappable),
        (Fru::ElsModule, 4, true)
    );
    // An engine failure replaces the switch: all 64 ports drained; 6.4T engine / 1.6T = 4 down before.
    assert_eq!(els.port_failure.fru, Fru::Switch);
    assert_eq!((els.port_failure.ports_down, els.port_failure.blast_radius_ports), (4, 64));
    let integrated =
        result(&comparison, "51.2T", "cpo_integrated").service.laser_failure.clone().unwrap();
    assert_eq!(
        (integrated.fru, integrated.blast_radius_ports, integrated.mttr_class),
        (Fru::Switch, 64, MttrClass::Hours)
    );
    // Engines per switch: [S04] Bailly 8 x 6.4T; [S15] Davisson 16 x 6.4T.
    assert_eq!(result(&comparison, "51.2T", "cpo_els").density.engines_per_switch, Some(8));
    assert_eq!(result(&comparison, "102.4T", "cpo_els").density.engines_per_switch, Some(16));
}

#[test]
fn hotter_rings_and_lasers_cost_power_through_the_model() {
    // An engine-mounted laser 10 K warmer loses WPE by exp(10/67) (+16 % electrical); the
    // rings' heaters, locked by wavelength reassignment, need the same mean shift at any
    // temperature (the rotation absorbs it), so the laser part is the whole change.
    let comparison = default_comparison();
    let sensitivity = |id: &str| {
        result(&comparison, "102.4T", id)
            .sensitivities
            .iter()
            .find(|s| s.parameter.starts_with("laser and ring"))
            .unwrap()
            .delta_optics_w_per_port
    };
    let integrated = result(&comparison, "102.4T", "cpo_integrated");
    // Drawn through the engine's 90 % efficient conversion (default conversion_efficiency).
    let laser_part = integrated.port_power.laser_w * ((10.0f64 / 67.0).exp() - 1.0) / 0.9;
    assert!(laser_part > 0.0);
    let delta = sensitivity("cpo_integrated");
    assert!((delta - laser_part).abs() < 1e-9 * laser_part, "{delta} vs laser part {laser_part}");
    // The external source at 40 -> 50 °C stays within its 0-50 °C rating: no change at all.
    assert!(sensitivity("cpo_els").abs() < 1e-12);
}

#[test]
fn unknown_generation_is_a_named_error() {
    let scenario = cporamp_scenario::load_default().unwrap();
    let error = compare_one(&scenario, "25.6T").unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown generation \"25.6T\"; the scenario defines: 51.2T, 102.4T"
    );
}

#[test]
fn co_packaged_switches_carry_their_liquid_cooling_bill_and_others_none() {
    let scenario = cporamp_scenario::load_default().unwrap();
    let comparison = default_comparison();
    for generation in &comparison.generations {
        for technology in &generation.technologies {
            let packaged = scenario
                .technologies
                .iter()
                .find(|t| t.id == technology.id)
                .unwrap()
                .package
                .is_some();
            let cost = &technology.cost;
            assert_eq!(cost.cooling_usd_per_switch.is_some(), packaged, "{}", technology.id);
            let Some(cooling) = cost.cooling_usd_per_switch else { continue };
            // The package heat lies between the ASIC's and the whole switch's power.
            let bom = |kw: f64| {
                crate::cooling::cooling_bom(&scenario.codesign.bom, kw, false, 0, 0)
                    .per_switch_mid_usd
            };
            let (low, high) = (
                bom(technology.switch_power.asic_w / 1000.0),
                bom(technology.switch_power.total_w / 1000.0),
            );
            assert!(
                (low..=high).contains(&cooling),
                "{}: {cooling} not in {low}..{high}",
                technology.id
            );
            let with = cost.switch_usd_per_gbps_with_cooling.unwrap();
            let expected = (cost.switch_usd + cooling) / generation.switch_capacity_gbps;
            assert!((with - expected).abs() < 1e-12 * expected);
        }
    }
}

#[test]
fn a_technology_without_a_generations_parts_is_a_named_error_not_a_panic() {
    // A scenario built in code can lack parts that a loaded one is checked to have.
    let mut scenario = cporamp_scenario::load_default().unwrap();
    let lpo = scenario.technologies.iter_mut().find(|t| t.id == "lpo").unwrap();
    lpo.per_generation.remove("102.4T");
    let error = compare(&scenario).unwrap_err();
    assert_eq!(
        error.to_string(),
        "technology.lpo.per_generation has no parts for generation \"102.4T\""
    );
    assert!(compare_one(&scenario, "51.2T").is_ok(), "the other generation still compares");
}
