//! The per-sample market model: one draw of the inputs through the years.
//!
//! Years $y$ run from `start_year` to `end_year`, $t = y - y_0$. Per sample:
//!
//! - accelerators deployed in year $y$: $A(y) = A_0 \cdot 10^6 (1 + g)^t$;
//! - ports deployed in tier $j$: $D_j(y) = A(y)\thinspace p_j$ ($p_j$ = `ports_per_accelerator`);
//! - cumulative CPO switches at the **start** of year $y$: $V(y_0) = V_s$ (`seed_units`),
//!   $V(y+1) = V(y) + \sum_j s^\text{cpo}\_j(y) D_j(y) / P$ ($P$ = `ports_per_switch`), so
//!   year $y$'s cost and yield use the volume shipped before it (no simultaneity);
//! - Wright defect factor $d = (V/V_\text{ref})^{\log_2 r_y}$ and CPO package yield
//!   $Y = Y(d, a, m, h, w, q)$ from the yield surface ([`crate::YieldSurface`], formula
//!   there): the yield engine's package yield over factors $d$ that scale the laser defects
//!   and the attach process's variance together, the alignment factor $a$
//!   (`alignment_factor`) and the mode radius factor $m$ (`mode_radius_factor`) moving the
//!   attach variance by $a^2/m^2$, and the engine's yield along the heater efficiency $h$,
//!   warpage $w$ and ASIC defect density $q$ factors; $Y_\text{ref} = Y(1, \dots, 1)$;
//! - CPO capex per Gb/s:
//!   $c_\text{cpo} = [(c_0 - e_0)(V/V_\text{ref})^{\log_2 r_c}\thinspace Y_\text{ref}/Y +
//!   f_e\thinspace e_0 + k(y)]\thinspace(1 - \epsilon)^t$
//!   ($c_0$ the CPO anchor, $e_0$ its external-laser part `els_usd_per_gbps`, which sits
//!   outside the package and so carries neither package yield nor package learning, $f_e$ =
//!   `els_cost_factor`), with the switch's liquid cooling
//!   $k(y) = k_p + (1 - \ell(y))\thinspace k_i$: its cold plates $k_p$ always
//!   (`cpo_cooling.cold_plates_usd_per_gbps`), and the rest of the cooling bill $k_i$
//!   (`cpo_cooling.infrastructure_usd_per_gbps`: quick disconnects, hoses, sensors, coolant,
//!   manifold, CDU and facility water shares) in the racks that are not yet liquid-cooled,
//!   $\ell(y) = 1/(1 + e^{-2 (y - y_\text{cp})})$ being the liquid-cooled share of new AI
//!   racks (the cooling-design signal below; assumption: a CPO switch lands in a rack at
//!   random, so it carries the infrastructure in expectation). Neither part learns with CPO
//!   volume nor carries package yield; both erode with the market;
//! - pluggable and LPO capex per Gb/s: $c(y) = c_0 (1 - \epsilon)^t$: the market-wide price
//!   erosion $\epsilon$ falls on every technology (shared parts: ASIC, board, optics
//!   components), and CPO's volume learning $r_c$ comes on top, as a new product's;
//! - energy over the life $L = 5$ years: $E = \text{pJ/bit} \cdot 10^{-3}\thinspace\text{W per Gb/s}
//!   \times 8766 L\thinspace\text{h} \times 10^{-3} \times \text{USD}/\text{kWh}$ (IT power, no PUE: fold it
//!   into the power price);
//! - downtime, charged only in tiers whose failures reach the job (`job_exposed`: a
//!   GPU-facing link that fails interrupts a synchronous job; an uplink has equal-cost
//!   siblings and traffic reroutes): a technology's job goodput loss to network failures,
//!   $\max(0, G_p + \Delta G)$ with $G_p$ the pluggable fabric's
//!   (`pluggable_network_goodput_loss`) and $\Delta G$ the technology's against it (a fabric
//!   cannot lose less than nothing, so a credit is bounded by the pluggable fabric's own
//!   loss and every TCO stays positive), costs
//!   $\max(0, G_p + \Delta G) \cdot h_\text{GPU} \cdot 8766 L / (p_j B)$ per Gb/s,
//!   since one accelerator owns $p_j B$ Gb/s of tier $j$ ($B$ = `port_gbps`) and yields
//!   $8766 L$ GPU-hours over the life. CPO's
//!   $\Delta G = \hat G_l(f_l) + \hat G_e(f_e) - \hat G_e(1)$ ([`goodput_loss`]: the goodput
//!   surrogates along the laser and the engine port failure multipliers, each with the
//!   other at 1; the losses of rare independent failures add, and a fleet run with both
//!   away from 1 checks the sum), LPO's its own fleet figure `lpo_goodput_loss`, the
//!   pluggable's 0;
//! - TCO per Gb/s: capex + energy + downtime.
//!
//! **Eligibility** of CPO in tier $j$ in year $y$ (four gates): $Y \ge$ `yield_target`;
//! $\Delta G \le$ `goodput_parity` where the tier is job-exposed; $\text{TCO}\_\text{cpo}
//! \le \min(\text{TCO}\_\text{plug}, \text{TCO}\_\text{lpo})$ (LPO only where the tier allows
//! it); $y \ge$ `cold_plate_year`; and the tier allows CPO. Adoption starts at the first
//! eligible year $t_e$ and is not reversed.
//!
//! **Thermal check** ([`thermal_check`]): at the main tier's first qualification the
//! package is checked at the hot end of the inlet sweep, every temperature shifted by the
//! model error $e = \sigma_m z$, $z \sim N(0, 1)$: the hottest engine against
//! `engine_temp_limit_c`, the unlockable-lane fraction and the flap rate (interpolated in the
//! photonics engine's inlet sweep at inlet $+ e$, extended linearly beyond it) against their
//! limits. A failure forces a partial redesign that delays the start of adoption by
//! [`REDESIGN_YEARS`] (assumption: one package re-spin).
//!
//! **Shares** of the ports deployed in year $y$: before the start $t_0$ CPO ships the pilot
//! share $\pi$ (`pilot_share`, capped at the tier's ceiling); from $t_0$ a logistic that
//! passes through $\pi$ at the start of year $t_0$ and tends to the ceiling $\bar s$
//! (`cpo_max_share`) at rate $k$ (`adoption_speed`), taken at mid-year since ports deploy
//! through the year: $s^\text{cpo}(t) = \bar s / (1 + (\bar s/\pi - 1)\thinspace e^{-k(t - t_0 +
//! 1/2)})$. A gate opening therefore means pilots growing into volume over a year or more:
//! from 2 % to a 10 % share takes $\ln(39/7)/k - 1/2$ years at $\bar s = 0.8$. The rest
//! $1 - s^\text{cpo}$ splits between pluggable and LPO by a logistic in LPO's relative TCO
//! advantage, $f_\text{lpo} = 1/(1 + e^{-a/0.1})$ with
//! $a = (\text{TCO}\_\text{plug} - \text{TCO}\_\text{lpo})/\text{TCO}\_\text{plug}$ (a 10 %
//! advantage gives the cheaper one 73 %; [`SPLIT_SCALE`]), 0 where the
//! tier does not allow LPO.
//!
//! **Value** by layer $l$ in year $y$:
//! $\sum_j \sum_\tau D_j B\thinspace (c_\tau - \kappa_\tau)\thinspace s^\tau_j\thinspace \phi_{\tau l} +
//! [l = \text{thermal}] \sum_j D_j B\thinspace \kappa_\text{cpo}\thinspace s^\text{cpo}\_j$
//! ($\phi$ the layer split): the liquid-cooling bill
//! $\kappa_\text{cpo} = k(y)(1 - \epsilon)^t$ goes whole to the "test, thermal and periphery"
//! layer, in proportion to CPO's shipments, and the layer split shares out the rest of the
//! capex; the pluggable and LPO switches are air-cooled, $\kappa = 0$.
//!
//! **Volume year** of a tier: the first year with $s^\text{cpo} \ge$ `volume_share`.
//!
//! **Signals** per year (the article's five, [`Signal`]): production yield
//! $Y$; thermal drift as the engine temperature margin $m = m_0 - e$ (K); serviceability as
//! $\Delta G$; cooling design as the liquid-cooled share of new AI racks
//! $\ell(y) = 1/(1 + e^{-2 (y - y_\text{cp})})$ (50 % at `cold_plate_year`, assumption: the
//! transition takes about two years); inspection as the defect factor $d$ that inline
//! inspection counts relative to the reference.

use crate::{
    Anchors, ByMarketInput, COOLING_RATE_PER_YEAR, Family, HOURS_PER_YEAR, LIFE_YEARS, Layer,
    MarketInput, MarketInputs, MarketTier, REDESIGN_YEARS, Reason, SPLIT_SCALE, Signal,
    YieldFactors,
};

/// The layer that takes the liquid-cooling bill.
const THERMAL_LAYER: usize = Layer::TestThermalPeriphery.index();

/// One sample's values of the inputs, indexed by [`MarketInput`].
pub(crate) type Params = ByMarketInput<f64>;

/// The yield surface's factors of sample `p` at Wright defect factor `defect`.
fn yield_factors(p: &Params, defect: f64) -> YieldFactors {
    YieldFactors {
        defect,
        alignment: p[MarketInput::AlignmentFactor],
        mode_radius: p[MarketInput::ModeRadiusFactor],
        heater_efficiency: p[MarketInput::HeaterEfficiencyFactor],
        warpage: p[MarketInput::WarpageFactor],
        asic_defects: p[MarketInput::AsicDefectFactor],
    }
}

/// CPO minus pluggable job goodput loss (fraction) at laser failure multiplier
/// `laser_factor` and engine port failure multiplier `engine_factor`:
/// $\hat G_l(f_l) + \hat G_e(f_e) - \hat G_e(1)$.
pub fn goodput_loss(a: &Anchors, laser_factor: f64, engine_factor: f64) -> f64 {
    a.goodput_loss_vs_laser_factor.eval(laser_factor)
        + a.goodput_loss_vs_engine_factor.eval(engine_factor)
        - a.goodput_loss_vs_engine_factor.eval(1.0)
}

/// Everything one sample produces.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The thermal problem found at the main tier's first qualification, if any.
    pub redesign: Option<Reason>,
    /// Per tier.
    pub volume_years: Vec<Option<i32>>,
    /// Per tier, the first year CPO was eligible.
    pub eligible_years: Vec<Option<i32>>,
    /// The main tier's gates in the last year of the scenario window (`bear_after_year`,
    /// or the horizon's last year if earlier).
    pub window_gates: Gates,
    /// `shares[tier * years + t]`: pluggable, LPO, CPO.
    pub shares: Vec<[f64; 3]>,
    /// Per year, USD per layer.
    pub value: Vec<[f64; 4]>,
    /// Per signal, per year.
    pub signals: [Vec<f64>; 5],
}

/// The eligibility gates of one tier in one year, with the values that decide them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Gates {
    pub year: i32,
    pub package_yield: f64,
    pub yield_ok: bool,
    pub goodput_loss: f64,
    pub goodput_ok: bool,
    /// CPO TCO over the best alternative's.
    pub tco_ratio: f64,
    pub cost_ok: bool,
    pub cooling_ok: bool,
}

impl Gates {
    pub(crate) fn eligible(&self) -> bool {
        Gate::ALL.into_iter().all(|gate| self.open(gate))
    }

    /// Whether `gate` is open.
    pub(crate) fn open(&self, gate: Gate) -> bool {
        match gate {
            Gate::Yield => self.yield_ok,
            Gate::Goodput => self.goodput_ok,
            Gate::Cost => self.cost_ok,
            Gate::Cooling => self.cooling_ok,
        }
    }
}

/// An eligibility gate of CPO in a tier: CPO is eligible in a year when all four are open
/// (crate docs). A value per gate is a [`ByGate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gate {
    /// The package yield reaches its threshold.
    Yield,
    /// The job's goodput loss is within parity (serviceability).
    Goodput,
    /// CPO's cost of ownership beats the best alternative's.
    Cost,
    /// The engines stay within their temperature limit.
    Cooling,
}

impl Gate {
    /// Every gate, in the order of every per-gate array.
    pub const ALL: [Gate; 4] = [Gate::Yield, Gate::Goodput, Gate::Cost, Gate::Cooling];

    /// What the gate judges, for people.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Gate::Yield => "package yield",
            Gate::Goodput => "serviceability (goodput)",
            Gate::Cost => "cost of ownership",
            Gate::Cooling => "cooling",
        }
    }
}

cporamp_core::keyed_array!(
    /// One value per [`Gate`], indexed by it (serialized as an array in [`Gate::ALL`] order).
    ByGate,
    Gate,
    4
);

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Linear interpolation of `y` over ascending `x`, extended linearly beyond the ends (from
/// the two end points).
fn extrapolate(x: &[f64], y: &[f64], at: f64) -> f64 {
    match x.len() {
        0 => 0.0,
        1 => y[0],
        n => {
            let i = x.partition_point(|&xi| xi <= at).clamp(1, n - 1) - 1;
            y[i] + (at - x[i]) * (y[i + 1] - y[i]) / (x[i + 1] - x[i])
        }
    }
}

/// The thermal check at first qualification: the package at the hot end of the inlet sweep,
/// shifted by the model's temperature error $\sigma_m z$ (K, the same at every node of a
/// linear package), against the engine temperature limit, the unlockable-lane limit and the
/// flap limit; the first that fails is the reason for a redesign (`None`: no redesign).
pub fn thermal_check(m: &MarketInputs, error_k: f64) -> Option<Reason> {
    let a = &m.anchors;
    let c = &m.criteria;
    let hot = a.hot_end.last()?;
    let inlets: Vec<f64> = a.hot_end.iter().map(|p| p.inlet_c.0).collect();
    let at = hot.inlet_c.0 + error_k;
    let engine_c = hot.engine_temp_c.0 + error_k;
    if engine_c > m.engine_temp_limit_c.0 {
        return Some(Reason::EngineTemperature { excess_k: engine_c - m.engine_temp_limit_c.0 });
    }
    let unlockable: Vec<f64> = a.hot_end.iter().map(|p| p.unlockable_fraction).collect();
    let unlockable = extrapolate(&inlets, &unlockable, at).clamp(0.0, 1.0);
    if unlockable > c.unlockable_limit {
        return Some(Reason::HeaterRange { unlockable_fraction: unlockable });
    }
    let flaps: Vec<f64> = a.hot_end.iter().map(|p| p.flaps_per_lane_h).collect();
    let flaps = extrapolate(&inlets, &flaps, at).max(0.0);
    if flaps > c.flap_limit_per_lane_h {
        return Some(Reason::Flaps { per_lane_hour: flaps });
    }
    None
}

/// Runs one sample; `z` is the standard normal draw of the thermal model error.
pub(crate) fn run(m: &MarketInputs, p: &Params, z: f64, main: usize) -> Outcome {
    let a = &m.anchors;
    let c = &m.criteria;
    let years = (a.end_year - a.start_year + 1) as usize;
    let tiers = a.tiers.len();
    let life_h = HOURS_PER_YEAR * LIFE_YEARS;
    let y_ref = a.cpo_yield.package_yield(&YieldFactors::REFERENCE);
    let extra_loss =
        goodput_loss(a, p[MarketInput::LaserFailureFactor], p[MarketInput::EngineFitFactor]);
    let error_k = p[MarketInput::ThermalMarginSigmaK] * z;
    let margin = a.engine_temp_margin_k.0 - error_k;
    let thermal_problem = thermal_check(m, error_k);
    let splits = Family::ALL.map(|family| {
        a.layer_split.iter().find(|s| s.technology == family).map_or([0.0; 4], |s| s.fractions)
    });
    let yield_exponent = p[MarketInput::YieldLearningRate].log2();
    let cost_exponent = p[MarketInput::CostLearningRate].log2();
    let window_year = c.bear_after_year.min(a.end_year);
    let sample = Sample {
        m,
        p,
        main,
        years,
        life_h,
        y_ref,
        extra_loss,
        thermal_problem,
        splits,
        yield_exponent,
        cost_exponent,
        window_year,
    };

    let mut volume = m.seed_units;
    let mut first_eligible: Vec<Option<usize>> = vec![None; tiers];
    let mut out = Outcome {
        redesign: None,
        volume_years: vec![None; tiers],
        eligible_years: vec![None; tiers],
        window_gates: Gates {
            year: window_year,
            package_yield: 0.0,
            yield_ok: false,
            goodput_loss: extra_loss,
            goodput_ok: false,
            tco_ratio: f64::INFINITY,
            cost_ok: false,
            cooling_ok: false,
        },
        shares: vec![[0.0; 3]; tiers * years],
        value: vec![[0.0; 4]; years],
        signals: std::array::from_fn(|_| vec![0.0; years]),
    };
    for t in 0..years {
        let prices = year_prices(&sample, t, volume);
        let mut new_cpo_switches = 0.0;
        for (j, tier) in a.tiers.iter().enumerate() {
            new_cpo_switches +=
                tier_year(&sample, &prices, t, j, tier, &mut first_eligible, &mut out);
        }
        for (signal, value) in [
            (Signal::ProductionYield, prices.package_yield),
            (Signal::ThermalDrift, margin),
            (Signal::Serviceability, extra_loss),
            (Signal::CoolingDesign, prices.liquid),
            (Signal::Inspection, prices.defect),
        ] {
            out.signals[signal.index()][t] = value;
        }
        volume += new_cpo_switches;
    }
    out
}

/// What one sample holds fixed over its years.
struct Sample<'a> {
    /// The market inputs.
    m: &'a MarketInputs,
    /// The sample's input values.
    p: &'a Params,
    /// The main tier.
    main: usize,
    /// Years simulated.
    years: usize,
    /// Service life, h.
    life_h: f64,
    /// The yield surface at the reference factors.
    y_ref: f64,
    /// CPO's network goodput loss over the pluggable fabric's.
    extra_loss: f64,
    /// What the thermal check at first qualification found.
    thermal_problem: Option<Reason>,
    /// The layer split of pluggable, LPO and CPO.
    splits: [[f64; 4]; 3],
    /// Wright exponent of the defects.
    yield_exponent: f64,
    /// Wright exponent of the CPO cost.
    cost_exponent: f64,
    /// The year the window's gates are reported at.
    window_year: i32,
}

/// One year's volume-driven yield and prices.
struct YearPrices {
    /// The year.
    year: i32,
    /// Accelerators deployed that year.
    accelerators: f64,
    /// Wright defect factor at the volume so far.
    defect: f64,
    /// CPO package yield.
    package_yield: f64,
    /// Liquid-cooled share of new racks.
    liquid: f64,
    /// Capex per Gb/s of pluggable, LPO and CPO (cooling included), USD.
    capex: [f64; 3],
    /// The cooling share of each, USD.
    cooling_capex: [f64; 3],
}

/// Year `t`'s yield and prices at the CPO `volume` deployed before it (Wright's law, price
/// erosion and the liquid-cooled share of new racks).
fn year_prices(sample: &Sample<'_>, t: usize, volume: f64) -> YearPrices {
    let a = &sample.m.anchors;
    let p = sample.p;
    let y_ref = sample.y_ref;
    let yield_exponent = sample.yield_exponent;
    let cost_exponent = sample.cost_exponent;
    let year = a.start_year + t as i32;
    let accelerators = p[MarketInput::AcceleratorsFirstYear]
        * 1e6
        * (1.0 + p[MarketInput::AcceleratorGrowth]).powi(t as i32);
    let ratio = volume / a.reference_units;
    let defect = ratio.powf(yield_exponent);
    let package_yield = a.cpo_yield.package_yield(&yield_factors(p, defect));
    let cpo_capex =
        (a.cpo_usd_per_gbps_at_reference - a.els_usd_per_gbps) * ratio.powf(cost_exponent) * y_ref
            / package_yield
            + p[MarketInput::ElsCostFactor] * a.els_usd_per_gbps;
    let erosion = (1.0 - p[MarketInput::PriceErosion]).powi(t as i32);
    // The liquid-cooled share of new racks; a CPO switch brings the rest of the cooling
    // bill into the others.
    let liquid =
        logistic(COOLING_RATE_PER_YEAR * (f64::from(year) - p[MarketInput::ColdPlateYear]));
    let cooling = a.cpo_cooling.cold_plates_usd_per_gbps
        + (1.0 - liquid) * a.cpo_cooling.infrastructure_usd_per_gbps;
    let capex = [
        a.pluggable_usd_per_gbps * erosion,
        a.lpo_usd_per_gbps * erosion,
        (cpo_capex + cooling) * erosion,
    ];
    let cooling_capex = [0.0, 0.0, cooling * erosion];
    YearPrices { year, accelerators, defect, package_yield, liquid, capex, cooling_capex }
}

/// Tier `j` in year `t`: its TCO and gates, its first eligible year, its CPO adoption and
/// shares, and its value by layer into `out`. Returns the new CPO switches it deploys.
fn tier_year(
    sample: &Sample<'_>,
    prices: &YearPrices,
    t: usize,
    j: usize,
    tier: &MarketTier,
    first_eligible: &mut [Option<usize>],
    out: &mut Outcome,
) -> f64 {
    let m = sample.m;
    let a = &m.anchors;
    let c = &m.criteria;
    let p = sample.p;
    let (main, years, life_h) = (sample.main, sample.years, sample.life_h);
    let (extra_loss, thermal_problem) = (sample.extra_loss, sample.thermal_problem);
    let (window_year, splits) = (sample.window_year, &sample.splits);
    let YearPrices { year, accelerators, package_yield, capex, cooling_capex, .. } = *prices;
    let energy = |pj: f64| pj * 1e-3 * life_h * 1e-3 * p[MarketInput::PowerUsdPerKwh];
    // Downtime is charged only where a tier's failures reach the job; the loss per
    // accelerator over the life, spread over the tier's Gb/s per accelerator.
    // Each technology's own network loss: the pluggable fabric's plus the difference,
    // and a fabric cannot lose less than nothing.
    let downtime = |difference: f64| {
        if tier.job_exposed {
            let loss = (a.pluggable_network_goodput_loss + difference).max(0.0);
            loss * p[MarketInput::GpuHourUsd] * life_h
                / (tier.ports_per_accelerator * a.port_gbps.0)
        } else {
            0.0
        }
    };
    let tco_plug = capex[0] + energy(a.pluggable_pj_per_bit.0) + downtime(0.0);
    let tco_lpo = capex[1] + energy(a.lpo_pj_per_bit.0) + downtime(a.lpo_goodput_loss);
    let tco_cpo = capex[2] + energy(a.cpo_pj_per_bit.0) + downtime(extra_loss);
    let best_other = if tier.lpo_allowed { tco_plug.min(tco_lpo) } else { tco_plug };
    let ceiling = tier.cpo_max_share;
    let gates = Gates {
        year,
        package_yield,
        yield_ok: package_yield >= c.yield_target,
        goodput_loss: extra_loss,
        goodput_ok: !tier.job_exposed || extra_loss <= c.goodput_parity,
        tco_ratio: tco_cpo / best_other.max(f64::MIN_POSITIVE),
        cost_ok: tco_cpo <= best_other,
        cooling_ok: f64::from(year) >= p[MarketInput::ColdPlateYear],
    };
    if j == main && year == window_year {
        out.window_gates = gates;
    }
    if ceiling > 0.0 && gates.eligible() && first_eligible[j].is_none() {
        first_eligible[j] = Some(t);
        out.eligible_years[j] = Some(year);
        if j == main {
            out.redesign = thermal_problem;
        }
    }
    // Adoption starts at the first eligible year (after a re-spin if the main tier's
    // qualification found a thermal problem): a logistic through the pilot share at
    // the start of that year, evaluated at mid-year (ports deploy through the year).
    let delay = if thermal_problem.is_some() { REDESIGN_YEARS as usize } else { 0 };
    let pilot = m.pilot_share.min(ceiling);
    let cpo = match first_eligible[j].map(|first| first + delay) {
        Some(t0) if t >= t0 && pilot > 0.0 && ceiling > pilot => {
            let elapsed = t as f64 - t0 as f64 + 0.5;
            let odds = (ceiling / pilot - 1.0) * (-p[MarketInput::AdoptionSpeed] * elapsed).exp();
            ceiling / (1.0 + odds)
        }
        Some(t0) if t >= t0 => ceiling,
        _ => pilot,
    };
    let lpo_fraction = if tier.lpo_allowed {
        logistic((tco_plug - tco_lpo) / (SPLIT_SCALE * tco_plug.max(f64::MIN_POSITIVE)))
    } else {
        0.0
    };
    let rest = 1.0 - cpo;
    let shares = [rest * (1.0 - lpo_fraction), rest * lpo_fraction, cpo];
    out.shares[j * years + t] = shares;
    if out.volume_years[j].is_none() && cpo >= c.volume_share {
        out.volume_years[j] = Some(year);
    }
    let ports = accelerators * tier.ports_per_accelerator;
    let new_cpo_switches = cpo * ports / a.ports_per_switch;
    for tech in 0..3 {
        let usd = ports * a.port_gbps.0 * (capex[tech] - cooling_capex[tech]) * shares[tech];
        for (layer, fraction) in splits[tech].iter().enumerate() {
            out.value[t][layer] += usd * fraction;
        }
        out.value[t][THERMAL_LAYER] += ports * a.port_gbps.0 * cooling_capex[tech] * shares[tech];
    }
    new_cpo_switches
}
