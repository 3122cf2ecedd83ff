//! The per-sample market model: one draw of the inputs through the years.
//!
//! Years $y$ run from `start_year` to `end_year`, $t = y - y_0$. Per sample:
//!
//! - accelerators deployed in year $y$: $A(y) = A_0 \cdot 10^6 (1 + g)^t$;
//! - ports deployed in tier $j$: $D_j(y) = A(y)\, p_j$ ($p_j$ = `ports_per_accelerator`);
//! - cumulative CPO switches at the **start** of year $y$: $V(y_0) = V_s$ (`seed_units`),
//!   $V(y+1) = V(y) + \sum_j s^\text{cpo}_j(y) D_j(y) / P$ ($P$ = `ports_per_switch`), so
//!   year $y$'s cost and yield use the volume shipped before it (no simultaneity);
//! - Wright defect factor $d = (V/V_\text{ref})^{\log_2 r_y}$ and CPO package yield
//!   $Y = \hat Y(d)$ (the yield surrogate), $Y_\text{ref} = \hat Y(1)$;
//! - CPO capex per Gb/s:
//!   $c_\text{cpo} = [(c_0 - e_0)(V/V_\text{ref})^{\log_2 r_c}\,Y_\text{ref}/Y + f_e\, e_0]
//!   (1 - \epsilon)^t$
//!   ($c_0$ the CPO anchor, $e_0$ its external-laser part `els_usd_per_gbps`, which sits
//!   outside the package and so carries neither package yield nor package learning, $f_e$ =
//!   `els_cost_factor`);
//! - pluggable and LPO capex per Gb/s: $c(y) = c_0 (1 - \epsilon)^t$: the market-wide price
//!   erosion $\epsilon$ falls on every technology (shared parts: ASIC, board, optics
//!   components), and CPO's volume learning $r_c$ comes on top, as a new product's;
//! - energy over the life $L = 5$ years: $E = \text{pJ/bit} \cdot 10^{-3}\,\text{W per Gb/s}
//!   \times 8766 L\,\text{h} \times 10^{-3} \times \$/\text{kWh}$ (IT power, no PUE: fold it
//!   into the power price);
//! - downtime: the CPO fabric's extra job goodput loss $\Delta G = \hat G(f_\text{laser})$
//!   (the goodput surrogate) costs $\Delta G \cdot h_\text{GPU} \cdot 8766 L / (p_j B)$ per
//!   Gb/s, since one accelerator owns $p_j B$ Gb/s of tier $j$ ($B$ = `port_gbps`) and
//!   yields $8766 L$ GPU-hours over the life. Pluggable and LPO are the goodput reference
//!   (zero);
//! - TCO per Gb/s: capex + energy + downtime.
//!
//! **Eligibility** of CPO in tier $j$ in year $y$: the tier allows CPO, $Y \ge$
//! `yield_target`, $\text{TCO}_\text{cpo} \le \min(\text{TCO}_\text{plug},
//! \text{TCO}_\text{lpo})$ (LPO only where the tier allows it), $\Delta G \le$
//! `goodput_parity` and $y \ge$ `cold_plate_year`. Adoption starts at the first eligible
//! year $t_e$ and is not reversed afterwards. A **redesign** happens when the engine
//! temperature margin $m = m_0 + \sigma_m z$, $z \sim N(0, 1)$, is negative; it delays the
//! adoption start by [`REDESIGN_YEARS`]: $t_0 = t_e + 2$ (assumption:
//! the thermal problem shows at the first qualification and one package re-spin takes two
//! years).
//!
//! **Shares** of the ports deployed in year $y$: before $t_0$ CPO ships the pilot share
//! $\pi$ (`pilot_share`, capped at the tier's ceiling); from $t_0$,
//! $s^\text{cpo} = \max(\pi, \bar s / (1 + e^{-k (t - t_0 - 1)}))$ with ceiling $\bar s$
//! (`cpo_max_share`, 0 where CPO is not allowed) and rate $k$ (`adoption_speed`). The rest
//! $1 - s^\text{cpo}$ splits between pluggable and LPO by a logistic in LPO's relative TCO
//! advantage, $f_\text{lpo} = 1/(1 + e^{-a/0.1})$ with
//! $a = (\text{TCO}_\text{plug} - \text{TCO}_\text{lpo})/\text{TCO}_\text{plug}$ (a 10 %
//! advantage gives the cheaper one 73 %; [`SPLIT_SCALE`]), 0 where the
//! tier does not allow LPO.
//!
//! **Value** by layer $l$ in year $y$:
//! $\sum_j \sum_\tau D_j B\, c_\tau\, s^\tau_j\, \phi_{\tau l}$ ($\phi$ the layer split).
//!
//! **Volume year** of a tier: the first year with $s^\text{cpo} \ge$ `volume_share`.
//!
//! **Signals** per year (the article's five, [`Signal`](crate::Signal)): production yield
//! $Y$; thermal drift as the engine temperature margin $m$ (K); serviceability as
//! $\Delta G$; cooling design as the liquid-cooled share of new AI racks
//! $1/(1 + e^{-2 (y - y_\text{cp})})$ (50 % at `cold_plate_year`, assumption: the
//! transition takes about two years); inspection as the defect factor $d$ that inline
//! inspection counts relative to the reference.

use crate::{
    COOLING_RATE_PER_YEAR, HOURS_PER_YEAR, LIFE_YEARS, MarketInputs, REDESIGN_YEARS, SPLIT_SCALE,
};

/// The sampled inputs, by meaning, in [`crate::INPUT_NAMES`] order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    pub yield_learning_rate: f64,
    pub cost_learning_rate: f64,
    pub price_erosion: f64,
    pub laser_failure_factor: f64,
    pub els_cost_factor: f64,
    pub cold_plate_year: f64,
    pub accelerators_first_year: f64,
    pub accelerator_growth: f64,
    pub power_usd_per_kwh: f64,
    pub gpu_hour_usd: f64,
    pub adoption_speed: f64,
    pub thermal_margin_sigma_k: f64,
}

/// Allowed range of each input's sampled values, in [`crate::INPUT_NAMES`] order:
/// (low, high, low inclusive).
pub const INPUT_RANGES: [(f64, f64, bool); 12] = [
    (0.0, f64::INFINITY, false),
    (0.0, f64::INFINITY, false),
    (0.0, 1.0, true),
    (0.0, f64::INFINITY, true),
    (0.0, f64::INFINITY, true),
    (f64::NEG_INFINITY, f64::INFINITY, true),
    (0.0, f64::INFINITY, false),
    (-1.0, f64::INFINITY, false),
    (0.0, f64::INFINITY, true),
    (0.0, f64::INFINITY, true),
    (0.0, f64::INFINITY, false),
    (0.0, f64::INFINITY, true),
];

impl Params {
    pub(crate) fn from_values(v: &[f64]) -> Params {
        Params {
            yield_learning_rate: v[0],
            cost_learning_rate: v[1],
            price_erosion: v[2],
            laser_failure_factor: v[3],
            els_cost_factor: v[4],
            cold_plate_year: v[5],
            accelerators_first_year: v[6],
            accelerator_growth: v[7],
            power_usd_per_kwh: v[8],
            gpu_hour_usd: v[9],
            adoption_speed: v[10],
            thermal_margin_sigma_k: v[11],
        }
    }
}

/// Everything one sample produces.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub redesign: bool,
    /// Per tier.
    pub volume_years: Vec<Option<i32>>,
    /// `shares[tier * years + t]`: pluggable, LPO, CPO.
    pub shares: Vec<[f64; 3]>,
    /// Per year, USD per layer.
    pub value: Vec<[f64; 4]>,
    /// Per signal, per year.
    pub signals: [Vec<f64>; 5],
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Runs one sample; `z` is the standard normal draw of the thermal margin.
pub(crate) fn run(m: &MarketInputs, p: &Params, z: f64) -> Outcome {
    let a = &m.anchors;
    let years = (a.end_year - a.start_year + 1) as usize;
    let tiers = a.tiers.len();
    let life_h = HOURS_PER_YEAR * LIFE_YEARS;
    let energy = |pj: f64| pj * 1e-3 * life_h * 1e-3 * p.power_usd_per_kwh;
    let y_ref = a.cpo_yield_vs_defect_factor.eval(1.0);
    let extra_loss = a.goodput_loss_vs_laser_factor.eval(p.laser_failure_factor);
    let margin = a.engine_temp_margin_k + p.thermal_margin_sigma_k * z;
    let redesign = margin < 0.0;
    let split = |technology: &str| {
        a.layer_split.iter().find(|s| s.technology == technology).map_or([0.0; 4], |s| s.fractions)
    };
    let splits = [split("pluggable"), split("lpo"), split("cpo")];
    let yield_exponent = p.yield_learning_rate.log2();
    let cost_exponent = p.cost_learning_rate.log2();

    let mut volume = m.seed_units;
    let mut first_eligible: Vec<Option<usize>> = vec![None; tiers];
    let mut out = Outcome {
        redesign,
        volume_years: vec![None; tiers],
        shares: vec![[0.0; 3]; tiers * years],
        value: vec![[0.0; 4]; years],
        signals: std::array::from_fn(|_| vec![0.0; years]),
    };
    for t in 0..years {
        let year = a.start_year + t as i32;
        let accelerators =
            p.accelerators_first_year * 1e6 * (1.0 + p.accelerator_growth).powi(t as i32);
        let ratio = volume / a.reference_units;
        let defect = ratio.powf(yield_exponent);
        let package_yield = a.cpo_yield_vs_defect_factor.eval(defect);
        let cpo_capex = (a.cpo_usd_per_gbps_at_reference - a.els_usd_per_gbps)
            * ratio.powf(cost_exponent)
            * y_ref
            / package_yield
            + p.els_cost_factor * a.els_usd_per_gbps;
        let erosion = (1.0 - p.price_erosion).powi(t as i32);
        let capex =
            [a.pluggable_usd_per_gbps * erosion, a.lpo_usd_per_gbps * erosion, cpo_capex * erosion];
        let tco_plug = capex[0] + energy(a.pluggable_pj_per_bit);
        let tco_lpo = capex[1] + energy(a.lpo_pj_per_bit);
        let mut new_cpo_switches = 0.0;
        for (j, tier) in a.tiers.iter().enumerate() {
            let downtime =
                extra_loss * p.gpu_hour_usd * life_h / (tier.ports_per_accelerator * a.port_gbps);
            let tco_cpo = capex[2] + energy(a.cpo_pj_per_bit) + downtime;
            let best_other = if tier.lpo_allowed { tco_plug.min(tco_lpo) } else { tco_plug };
            let ceiling = if tier.cpo_allowed { tier.cpo_max_share } else { 0.0 };
            let eligible = ceiling > 0.0
                && package_yield >= m.criteria.yield_target
                && tco_cpo <= best_other
                && extra_loss <= m.criteria.goodput_parity
                && f64::from(year) >= p.cold_plate_year;
            if eligible && first_eligible[j].is_none() {
                first_eligible[j] = Some(t);
            }
            let start = first_eligible[j]
                .map(|first| first + if redesign { REDESIGN_YEARS as usize } else { 0 });
            let pilot = m.pilot_share.min(ceiling);
            let cpo = match start {
                Some(t0) if t >= t0 => {
                    let x = p.adoption_speed * (t as f64 - t0 as f64 - 1.0);
                    pilot.max(ceiling * logistic(x))
                }
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
            if out.volume_years[j].is_none() && cpo >= m.criteria.volume_share {
                out.volume_years[j] = Some(year);
            }
            let ports = accelerators * tier.ports_per_accelerator;
            new_cpo_switches += cpo * ports / a.ports_per_switch;
            for tech in 0..3 {
                let usd = ports * a.port_gbps * capex[tech] * shares[tech];
                for (layer, fraction) in splits[tech].iter().enumerate() {
                    out.value[t][layer] += usd * fraction;
                }
            }
        }
        out.signals[0][t] = package_yield;
        out.signals[1][t] = margin;
        out.signals[2][t] = extra_loss;
        out.signals[3][t] = logistic(COOLING_RATE_PER_YEAR * (f64::from(year) - p.cold_plate_year));
        out.signals[4][t] = defect;
        volume += new_cpo_switches;
    }
    out
}
