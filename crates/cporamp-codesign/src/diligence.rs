//! The optical-I/O due-diligence check: a startup's claims run through the engines and the
//! scenario, line by line, each to pass, concern or fail with the figure behind it and the
//! questions to ask.
//!
//! | line | figure | pass | concern | fail |
//! |---|---|---|---|---|
//! | coupling loss | switch coupling yield $Y_c = \Phi((a - \mu)/\sigma)^{N}$, $a$ the coupling allocation of `[photonics]`, $N$ the switch's lanes | $\ge 0.99$ | $\ge 0.9$ | below |
//! | temperature range | claimed maximum engine temperature against the engine's temperature at the hottest inlet of `[thermal.cold_plate]` (the pipeline's fixed point) | $\ge T + 5$ K | $\ge T$ | below |
//! | heater power | claimed mW per ring against the comparison's mean at the settled engine temperature $P_h$ and the heater's range $P_\text{max}$ | $\le P_\text{max}$ and $\ge P_h/2$ | $< P_h/2$ (better than the drift allows: ask how) | $> P_\text{max}$ |
//! | laser reliability | expected laser failures per switch over the service life at the settled laser temperature, the claimed FIT scaled by Arrhenius from its reference, the scenario's wear-out | $\le 1$ | $\le$ `replace_after_failed_ports` | above |
//! | engine reliability | engine-port failures per switch over the life (claimed FIT per 400G-equivalent port device) over those of the switch's pluggable modules at `module_fit` | $\le 1.25$ | $\le 2$ | above |
//! | yield | switch cost per Gb/s with the package cost over the claimed yield, against the pluggable reference's | $\le$ pluggable | $\le 1.2\times$ | above |
//! | test coverage | escapes $d(1-c)/Y$ with $d = (1-Y)/c$ defective before test, DPPM, against the pluggable modules' latent-defect rate `module_infant_dppm` | $\le 1\times$ | $\le 10\times$ | above |
//! | alignment throughput | fiber attach cost per package at the claimed fibers per second on the alignment model's machine and operator rates, against `[yield] packaging_usd` | $\le 25\\%$ | $\le 100\\%$ | above; a claim above the machine's fixed steps (handling and cure per array) is a concern |
//! | customer validation | the stage reached | qualification, volume | evaluation, sampling | none |
//!
//! The engine temperature and laser temperature come from [`cporamp_pipeline::settle_with`] on
//! the scenario's package at its hottest inlet, the comparison from the same loop; the
//! thresholds are the scenario's own where it has one (allocation, heater range, replacement
//! threshold, module defect rate, packaging cost) and otherwise named above.

use cporamp_core::check::{Bound, Checker, Limits};
use cporamp_core::coupling::gaussian_overlap;
use cporamp_core::error::Diagnostic;
use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::math::normal_cdf;
use cporamp_core::units::{Celsius, Db, Fit};
use cporamp_pipeline::{PipelineError, package_model_for, settle_with};
use cporamp_scenario::Scenario;
use cporamp_scenario::{Generation, LaserPlacement, Technology};
use serde::{Deserialize, Serialize};

/// A startup's claims (the claims file, `deny_unknown_fields`, every field required).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Who claims it.
    pub company: String,
    /// The scenario's technology the product is judged as (a co-packaged one).
    pub technology: TechnologyId,
    /// The scenario's generation.
    pub generation: GenerationId,
    /// Mean coupling (insertion) loss per lane above the ideal.
    pub coupling_loss_db: Db,
    /// Its lane-to-lane standard deviation.
    pub coupling_loss_sd_db: Db,
    /// Highest engine temperature the product operates at.
    pub max_engine_temp_c: Celsius,
    /// Lowest.
    pub min_engine_temp_c: Celsius,
    /// Mean ring heater power per ring, mW.
    pub heater_mw_per_ring: f64,
    /// Laser random failure rate.
    pub laser_fit: Fit,
    /// Temperature that FIT holds at.
    pub laser_fit_temp_c: Celsius,
    /// Engine port failure rate per 400G-equivalent port device.
    pub engine_port_fit: Fit,
    /// Package yield after test.
    pub package_yield: f64,
    /// Fraction of defects the test flow catches.
    pub test_coverage: f64,
    /// Fiber attach throughput, fibers per second.
    pub alignment_fibers_per_s: f64,
    /// Customer validation stage.
    pub customer_stage: CustomerStage,
}

/// How far a customer has validated the product, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStage {
    /// No customer yet.
    None,
    /// A customer evaluates samples.
    Evaluation,
    /// Samples ship to customers.
    Sampling,
    /// A customer qualifies the product.
    Qualification,
    /// In volume production.
    Volume,
}

impl CustomerStage {
    /// The stage's id, as the claims file writes it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            CustomerStage::None => "none",
            CustomerStage::Evaluation => "evaluation",
            CustomerStage::Sampling => "sampling",
            CustomerStage::Qualification => "qualification",
            CustomerStage::Volume => "volume",
        }
    }
}

/// A claims file that cannot be judged: every problem, each with its field, value and what
/// was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", cporamp_core::error::one_line(problems))]
pub struct ClaimError {
    /// At least one problem.
    pub problems: Vec<Diagnostic>,
}

/// A checklist line's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The claim is consistent with the physics and the scenario.
    Pass,
    /// Possible but marginal, or too good to be checked: ask.
    Concern,
    /// Worse than the physics or the scenario allows.
    Fail,
}

/// One line of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct CheckLine {
    /// What is checked.
    pub claim: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// The figure behind it.
    pub figure: String,
    /// Questions to ask.
    pub questions: Vec<&'static str>,
}

/// The checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Diligence {
    /// Who claims it.
    pub company: String,
    /// Judged as this technology at this generation.
    pub technology: TechnologyId,
    /// Generation.
    pub generation: GenerationId,
    /// Lines in order.
    pub lines: Vec<CheckLine>,
}

/// A diligence run failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DiligenceError {
    /// A claim out of range or naming what the scenario does not have.
    #[error(transparent)]
    Claim(#[from] ClaimError),
    /// The engines failed.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
}

/// The claims the scenario itself makes for `technology_index` at `generation_index`: its
/// coupling (the mode overlap of its alignment spread), the engine temperature at its hottest
/// inlet plus 5 K, the comparison's heater power there, its laser and engine FITs, a 95 %
/// yield at full coverage, the alignment machine's fixed-step bound, and qualification.
///
/// # Errors
/// [`PipelineError`] if the package cannot be settled.
pub fn claims_of_scenario(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
) -> Result<Claims, PipelineError> {
    let photonics = &scenario.photonics;
    // The Gaussian overlap's loss is linear in d² (10 log10(e) d²/w²), and d² = x² + y² of two
    // normal axes (sigma² = block² + fiber²) has mean and SD both 2 sigma²: so the loss's mean
    // and SD are both the loss at d² = 2 sigma².
    let sigma2 = photonics.block_sigma_um.0.powi(2) + photonics.fiber_sigma_um.0.powi(2);
    let w = photonics.mode_radius_um.0;
    let loss_db = -10.0 * gaussian_overlap(w, w, (2.0 * sigma2).sqrt()).log10();
    let hot = hot_settled(scenario, generation_index, technology_index)?;
    let reliability = &scenario.fleet.reliability;
    let align = &scenario.align;
    Ok(Claims {
        company: "the scenario".to_string(),
        technology: scenario.technologies[technology_index].id.clone(),
        generation: scenario.generations[generation_index].id.clone(),
        coupling_loss_db: Db(loss_db),
        coupling_loss_sd_db: Db(loss_db),
        max_engine_temp_c: Celsius(hot.engine_temp_c + 5.0),
        min_engine_temp_c: Celsius(
            scenario
                .thermal
                .cold_plate
                .inlet_sweep_c
                .iter()
                .map(|inlet| inlet.0)
                .fold(f64::INFINITY, f64::min),
        ),
        heater_mw_per_ring: hot.heater_mw_per_ring,
        laser_fit: reliability.laser_fit,
        laser_fit_temp_c: reliability.laser_fit_ref_temp_c,
        engine_port_fit: reliability.engine_port_fit,
        package_yield: 0.95,
        test_coverage: 1.0,
        alignment_fibers_per_s: align.fibers_per_array as f64
            / (align.handling_s.0 + align.cure_s.0),
        customer_stage: CustomerStage::Qualification,
    })
}

/// What the engines say at the scenario's hottest inlet.
struct Hot {
    engine_temp_c: f64,
    laser_temp_c: f64,
    heater_mw_per_ring: f64,
    switch_usd: f64,
}

fn hot_settled(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
) -> Result<Hot, PipelineError> {
    let model = package_model_for(scenario, &scenario.thermal, generation_index, technology_index)?;
    let inlet_c = scenario
        .thermal
        .cold_plate
        .inlet_sweep_c
        .iter()
        .map(|inlet| inlet.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let evaluate =
        |asic_w: f64, engine_w: f64, inlet_c: f64| model.evaluate(asic_w, engine_w, inlet_c);
    let settled =
        settle_with(scenario, generation_index, technology_index, 1.0, inlet_c, &evaluate)?;
    Ok(Hot {
        engine_temp_c: settled.engine_temp_c,
        laser_temp_c: settled
            .result
            .laser
            .as_ref()
            .map_or(settled.engine_temp_c, |laser| laser.power.laser_temp_c),
        heater_mw_per_ring: settled
            .result
            .rings
            .as_ref()
            .map_or(0.0, |rings| rings.heater_mw_per_ring),
        switch_usd: settled.result.cost.switch_usd,
    })
}

/// Every claim in its range, the generation one of the scenario's and the technology one of
/// its co-packaged ones: their indices, or every problem.
fn check(claims: &Claims, scenario: &Scenario) -> Result<(usize, usize), ClaimError> {
    let mut checker = Checker::default();
    let generation = scenario.generations.iter().position(|g| g.id == claims.generation);
    if generation.is_none() {
        let ids: Vec<String> =
            scenario.generations.iter().map(|g| format!("\"{}\"", g.id)).collect();
        checker.invalid(
            "generation",
            format!("\"{}\"", claims.generation),
            format!("a generation of the scenario: {}", ids.join(", ")),
        );
    }
    let co_packaged = |t: &&Technology| t.package.is_some();
    let technology =
        scenario.technologies.iter().position(|t| t.id == claims.technology && co_packaged(&t));
    if technology.is_none() {
        let ids: Vec<String> = scenario
            .technologies
            .iter()
            .filter(co_packaged)
            .map(|t| format!("\"{}\"", t.id))
            .collect();
        checker.invalid(
            "technology",
            format!("\"{}\"", claims.technology),
            format!("a co-packaged technology of the scenario: {}", ids.join(", ")),
        );
    }
    let temperature = Limits::between(-55.0, 200.0);
    let fit = Limits::between(0.0, 1e7);
    let c = claims;
    checker.number("coupling_loss_db", c.coupling_loss_db.0, Limits::between(0.0, 20.0), "dB");
    checker.number(
        "coupling_loss_sd_db",
        c.coupling_loss_sd_db.0,
        Limits::between(0.0, 10.0),
        "dB",
    );
    checker.number("max_engine_temp_c", c.max_engine_temp_c.0, temperature, "°C");
    checker.number("min_engine_temp_c", c.min_engine_temp_c.0, temperature, "°C");
    checker.number("heater_mw_per_ring", c.heater_mw_per_ring, Limits::between(0.0, 1000.0), "mW");
    checker.number("laser_fit", c.laser_fit.0, fit, "FIT");
    checker.number("laser_fit_temp_c", c.laser_fit_temp_c.0, temperature, "°C");
    checker.number("engine_port_fit", c.engine_port_fit.0, fit, "FIT");
    checker.number("package_yield", c.package_yield, Limits::FRACTION_OPEN_ZERO, "fraction");
    checker.number("test_coverage", c.test_coverage, Limits::FRACTION_OPEN_ZERO, "fraction");
    let rate = Limits { max: Bound::Inclusive(1e4), ..Limits::POSITIVE };
    checker.number("alignment_fibers_per_s", c.alignment_fibers_per_s, rate, "fibers/s");
    if c.max_engine_temp_c < c.min_engine_temp_c {
        checker.invalid(
            "max_engine_temp_c",
            c.max_engine_temp_c.0,
            format!("at least min_engine_temp_c ({} °C)", c.min_engine_temp_c.0),
        );
    }
    match (generation, technology) {
        (Some(generation), Some(technology)) if checker.diagnostics.is_empty() => {
            Ok((generation, technology))
        }
        _ => Err(ClaimError { problems: checker.diagnostics }),
    }
}

fn grade(value: f64, pass: f64, concern: f64) -> Verdict {
    if value <= pass {
        Verdict::Pass
    } else if value <= concern {
        Verdict::Concern
    } else {
        Verdict::Fail
    }
}

/// Runs `claims` through the engines of `scenario` (table in the module docs).
///
/// # Errors
/// [`DiligenceError::Claim`] for a claim out of range or naming a technology or generation the
/// scenario lacks; [`DiligenceError::Pipeline`] if the engines fail.
pub fn diligence(claims: &Claims, scenario: &Scenario) -> Result<Diligence, DiligenceError> {
    let (g, t) = check(claims, scenario)?;
    let generation = &scenario.generations[g];
    let technology = &scenario.technologies[t];
    let hot = hot_settled(scenario, g, t)?;
    let ctx = Context {
        claims,
        scenario,
        g,
        t,
        generation,
        technology,
        hot,
        ports: f64::from(generation.lanes_per_switch / generation.lanes_per_port),
        life_h: scenario.fleet.years.to_hours().0,
        replace: scenario.fleet.replace_after_failed_ports as f64,
    };
    let lines = vec![
        coupling_line(&ctx),
        temperature_line(&ctx),
        heater_line(&ctx),
        laser_line(&ctx)?,
        engine_line(&ctx),
        yield_line(&ctx)?,
        coverage_line(&ctx),
        alignment_line(&ctx),
        customer_line(&ctx),
    ];
    Ok(Diligence {
        company: claims.company.clone(),
        technology: technology.id.clone(),
        generation: generation.id.clone(),
        lines,
    })
}

/// What every line of the check reads: the claims, the scenario, the judged generation and
/// technology, and the engines' figures at the hottest inlet.
struct Context<'a> {
    /// The claims.
    claims: &'a Claims,
    /// The scenario.
    scenario: &'a Scenario,
    /// Generation index.
    g: usize,
    /// Technology index.
    t: usize,
    /// The generation.
    generation: &'a Generation,
    /// The technology.
    technology: &'a Technology,
    /// The engines at the hottest inlet.
    hot: Hot,
    /// Ports per switch.
    ports: f64,
    /// Service life, h.
    life_h: f64,
    /// Failed ports after which the switch is replaced.
    replace: f64,
}

/// The coupling loss line: the switch's coupling yield against the allocation.
fn coupling_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let scenario = ctx.scenario;
    let generation = ctx.generation;
    let allocation = scenario.photonics.coupling_allocation_db.0;
    let lanes = f64::from(generation.lanes_per_switch);
    let (loss_db, sd_db) = (claims.coupling_loss_db.0, claims.coupling_loss_sd_db.0);
    let lane_pass = if sd_db > 0.0 {
        normal_cdf((allocation - loss_db) / sd_db)
    } else if loss_db <= allocation {
        1.0
    } else {
        0.0
    };
    let switch_yield = lane_pass.powf(lanes);
    CheckLine {
        claim: "coupling loss",
        verdict: grade(-switch_yield, -0.99, -0.9),
        figure: format!(
            "{:.2} ± {:.2} dB against the {allocation} dB coupling allocation: {:.4} % of lanes over it, \
             {:.1} % of switches with all {lanes:.0} lanes within it",
            loss_db,
            sd_db,
            100.0 * (1.0 - lane_pass),
            100.0 * switch_yield
        ),
        questions: vec![
            "Is the loss per facet or per link, measured at the wafer, the engine or the package?",
            "What is the distribution across lanes, engines and lots (not the best die)?",
            "How does it move after reflow, damp heat and thermal cycling?",
        ],
    }
}

/// The operating temperature line: the claimed maximum against the engines at the hottest inlet.
fn temperature_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let hot = &ctx.hot;
    let margin = claims.max_engine_temp_c.0 - hot.engine_temp_c;
    CheckLine {
        claim: "operating temperature range",
        verdict: grade(-margin, -5.0, 0.0),
        figure: format!(
            "claimed {:.0}-{:.0} °C; the engines reach {:.1} °C at the hottest coolant inlet of the \
             scenario (margin {margin:.1} K)",
            claims.min_engine_temp_c.0, claims.max_engine_temp_c.0, hot.engine_temp_c
        ),
        questions: vec![
            "Is the range the engine case, the laser junction or the ambient?",
            "Which cold plate and coolant temperature were used to show it?",
        ],
    }
}

/// The ring heater line: the claimed power against the drift's need and the heater's range.
fn heater_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let scenario = ctx.scenario;
    let hot = &ctx.hot;
    let heater_max = scenario.photonics.heater_max_mw.0;
    let heater_verdict = if claims.heater_mw_per_ring > heater_max {
        Verdict::Fail
    } else if claims.heater_mw_per_ring < 0.5 * hot.heater_mw_per_ring {
        Verdict::Concern
    } else {
        Verdict::Pass
    };
    CheckLine {
        claim: "ring heater power",
        verdict: heater_verdict,
        figure: format!(
            "claimed {:.1} mW per ring; the drift at the hottest inlet needs {:.1} mW on average, \
             the heater reaches {heater_max} mW",
            claims.heater_mw_per_ring, hot.heater_mw_per_ring
        ),
        questions: vec![
            "Mean or worst ring, with or without wavelength reassignment, at which temperature?",
            "How are rings locked at bring-up and after a laser or ELS swap?",
        ],
    }
}

/// The laser reliability line: expected laser failures per switch over the service life.
fn laser_line(ctx: &Context<'_>) -> Result<CheckLine, DiligenceError> {
    let claims = ctx.claims;
    let scenario = ctx.scenario;
    let technology = ctx.technology;
    let hot = &ctx.hot;
    let ports = ctx.ports;
    let life_h = ctx.life_h;
    let reliability = &ctx.scenario.fleet.reliability;
    let replace = ctx.replace;
    let g = ctx.g;
    let t = ctx.t;
    let lasers_per_switch = {
        let compared =
            cporamp_compare::compare_technology(scenario, g, t).map_err(PipelineError::from)?;
        compared.laser.as_ref().map_or(0.0, |laser| laser.lasers_per_port) * ports
    };
    let random = claims.laser_fit.0
        * 1e-9
        * cporamp_fleet::arrhenius_factor(
            reliability.laser_activation_energy_ev,
            claims.laser_fit_temp_c.0,
            hot.laser_temp_c,
        );
    let scale_h = reliability.laser_weibull_scale_h.0
        / cporamp_fleet::arrhenius_factor(
            reliability.laser_activation_energy_ev,
            reliability.laser_ref_temp_c.0,
            hot.laser_temp_c,
        );
    let laser_failures = lasers_per_switch
        * ((1.0 - (-(life_h / scale_h).powf(reliability.laser_weibull_shape)).exp())
            + random * life_h);
    let external =
        technology.laser.as_ref().is_some_and(|laser| laser.placement == LaserPlacement::External);
    Ok(CheckLine {
        claim: "laser reliability",
        verdict: grade(laser_failures, 1.0, replace),
        figure: format!(
            "{:.0} lasers per switch at {:.1} °C, {} FIT at {} °C: {laser_failures:.2} expected laser \
             failures per switch over {} ({})",
            lasers_per_switch,
            hot.laser_temp_c,
            claims.laser_fit.0,
            claims.laser_fit_temp_c.0,
            scenario.fleet.years,
            if external { "front-panel swaps" } else { "inside the package: ports lost" }
        ),
        questions: vec![
            "How many device-hours, at what junction temperature and current, back the FIT?",
            "What is the wear-out (median life, sigma) from accelerated ageing?",
        ],
    })
}

/// The engine reliability line: engine-port failures against the switch's pluggable modules'.
fn engine_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let scenario = ctx.scenario;
    let generation = ctx.generation;
    let ports = ctx.ports;
    let life_h = ctx.life_h;
    let replace = ctx.replace;
    let reliability = &ctx.scenario.fleet.reliability;
    // Engine reliability, against the pluggable modules of the same switch.
    let devices = ports * generation.port_rate().0 / reliability.engine_port_fit_gbps.0;
    let engine_failures = claims.engine_port_fit.0 * 1e-9 * devices * life_h;
    let module_failures = reliability.module_fit.0 * 1e-9 * ports * life_h;
    CheckLine {
        claim: "engine reliability",
        verdict: grade(engine_failures / module_failures, 1.25, 2.0),
        figure: format!(
            "{} FIT per {} G port device, {devices:.0} devices per switch: {engine_failures:.2} port \
             failures per switch over {}, against {module_failures:.2} for its pluggable \
             modules ({} FIT each); the switch is replaced after {replace:.0}",
            claims.engine_port_fit.0,
            reliability.engine_port_fit_gbps.0,
            scenario.fleet.years,
            reliability.module_fit.0
        ),
        questions: vec![
            "Field data or prediction? How many engine-hours in customer systems?",
            "What fails: the engine, its fiber attach, the laser, the connector?",
        ],
    }
}

/// The package yield line: cost per Gb/s per good switch against the pluggable reference's.
fn yield_line(ctx: &Context<'_>) -> Result<CheckLine, DiligenceError> {
    let claims = ctx.claims;
    let scenario = ctx.scenario;
    let generation = ctx.generation;
    let hot = &ctx.hot;
    let g = ctx.g;
    // Yield: cost per Gb/s against the pluggable reference.
    let capacity = generation.switch_capacity().0;
    let with_yield = hot.switch_usd / claims.package_yield / capacity;
    let reference =
        cporamp_compare::technology_index(scenario, &scenario.market.pluggable_technology)
            .map_err(PipelineError::from)?;
    let pluggable = cporamp_compare::compare_technology(scenario, g, reference)
        .map_err(PipelineError::from)?
        .cost
        .switch_usd_per_gbps;
    Ok(CheckLine {
        claim: "package yield",
        verdict: grade(with_yield / pluggable, 1.0, 1.2),
        figure: format!(
            "{:.1} % yield: {with_yield:.3} $/Gb/s per good switch against {pluggable:.3} $/Gb/s for {}",
            100.0 * claims.package_yield,
            scenario.technologies[reference].label
        ),
        questions: vec![
            "Yield at which insertion (engine, package, system), over how many units and lots?",
            "What is scrapped with a failed package (the ASIC)? Is there rework?",
        ],
    })
}

/// The test coverage line: escapes against the pluggable modules' latent defects.
fn coverage_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let reliability = &ctx.scenario.fleet.reliability;
    let defective = (1.0 - claims.package_yield) / claims.test_coverage;
    let escapes_dppm = 1e6 * defective * (1.0 - claims.test_coverage) / claims.package_yield;
    let reference = reliability.module_infant_dppm.0;
    CheckLine {
        claim: "test coverage",
        verdict: grade(escapes_dppm / reference, 1.0, 10.0),
        figure: format!(
            "{:.1} % coverage at {:.1} % yield: {escapes_dppm:.0} DPPM escapes against {reference:.0} \
             DPPM latent defects of pluggable modules",
            100.0 * claims.test_coverage,
            100.0 * claims.package_yield
        ),
        questions: vec![
            "Which defects does each test insertion see (optical, electrical, burn-in)?",
            "How were escapes measured: field returns, re-test of shipped units?",
        ],
    }
}

/// The alignment throughput line: fiber attach cost per package at the claimed rate.
fn alignment_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let scenario = ctx.scenario;
    let generation = ctx.generation;
    let technology = ctx.technology;
    let align = &scenario.align;
    let fibers_per_engine = (align.fibers_per_array * align.arrays_per_engine) as f64;
    let engines = f64::from(
        technology.package.as_ref().map_or(0, |package| package.engines_per_switch(generation)),
    );
    let rate_usd_per_s = (align.machine_usd_per_h.0
        + align.operator_usd_per_h.0 / align.machines_per_operator)
        / 3600.0;
    let attach_usd = engines * fibers_per_engine / claims.alignment_fibers_per_s * rate_usd_per_s;
    let share = attach_usd / scenario.yield_settings.packaging_usd.0;
    let bound = align.fibers_per_array as f64 / (align.handling_s.0 + align.cure_s.0);
    let verdict = match grade(share, 0.25, 1.0) {
        Verdict::Pass if claims.alignment_fibers_per_s > bound * (1.0 + 1e-9) => Verdict::Concern,
        verdict => verdict,
    };
    CheckLine {
        claim: "alignment throughput",
        verdict,
        figure: format!(
            "{:.2} fibers/s: {attach_usd:.0} $ of attach per package ({:.0} % of the {:.0} $ packaging); \
             the machine's handling and cure alone allow {bound:.2} fibers/s",
            claims.alignment_fibers_per_s,
            100.0 * share,
            scenario.yield_settings.packaging_usd.0
        ),
        questions: vec![
            "Active or passive attach? Fibers per second including load, cure and rework?",
            "How many machines and operators per line at the claimed rate?",
        ],
    }
}

/// The customer validation line: the stage reached.
fn customer_line(ctx: &Context<'_>) -> CheckLine {
    let claims = ctx.claims;
    let stage = claims.customer_stage;
    CheckLine {
        claim: "customer validation",
        verdict: match stage {
            CustomerStage::Qualification | CustomerStage::Volume => Verdict::Pass,
            CustomerStage::Evaluation | CustomerStage::Sampling => Verdict::Concern,
            CustomerStage::None => Verdict::Fail,
        },
        figure: format!(
            "stage: {} (none < evaluation < sampling < qualification < volume)",
            stage.name()
        ),
        questions: vec![
            "Which customer, which system, and can we speak to them?",
            "Which qualification (GR-468, the customer's own) has been passed, on how many units?",
        ],
    }
}
