//! The yield engine's results, and how a batch's tally becomes them.

use super::*;

/// A fraction with its binomial standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fraction {
    /// The estimate.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

impl Fraction {
    fn of(count: u64, total: u64) -> Fraction {
        if total == 0 {
            return Fraction { value: 0.0, se: 0.0 };
        }
        let p = count as f64 / total as f64;
        Fraction { value: p, se: (p * (1.0 - p) / total as f64).sqrt() }
    }
}

/// The fraction `count / units` of units (lanes) that come in `clusters` equal clusters
/// (packages), with the cluster-robust standard error: lanes of one package share their
/// fiber block, warpage and ring offsets, so they do not fail independently. With $c_j$ the
/// count of cluster $j$, $n$ clusters of $m$ units: $\hat p = \sum c_j / (n m)$ and
/// $\mathrm{SE} = \sqrt{\widehat{\mathrm{Var}}(c) / n} / m$.
fn clustered(count: u64, count_sq: u64, clusters: u64, units: u64) -> Fraction {
    if clusters == 0 || units == 0 {
        return Fraction { value: 0.0, se: 0.0 };
    }
    let n = clusters as f64;
    let per_cluster = units as f64 / n;
    let mean = count as f64 / n;
    let variance = (count_sq as f64 / n - mean * mean).max(0.0) * n / (n - 1.0).max(1.0);
    Fraction { value: count as f64 / units as f64, se: (variance / n).sqrt() / per_cluster }
}

/// Cost per shipped switch, by what was bought.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CostBreakdown {
    /// Known-good ASICs (including those scrapped in packages), USD per shipped switch.
    pub asic_usd: f64,
    /// Engines, USD per shipped switch.
    pub engines_usd: f64,
    /// Packaging, USD per shipped switch.
    pub packaging_usd: f64,
    /// All test and burn-in, USD per shipped switch.
    pub test_usd: f64,
    /// Fiber re-attach, USD per shipped switch.
    pub rework_usd: f64,
    /// Total, USD per shipped switch.
    pub total_usd: f64,
    /// The same switch at 100 % yield with the same tests, USD.
    pub ideal_usd: f64,
}

impl CostBreakdown {
    /// What yield adds to the cost per shipped switch, % of the cost at 100 % yield.
    #[must_use]
    pub fn yield_overhead_percent(&self) -> f64 {
        100.0 * (self.total_usd / self.ideal_usd - 1.0)
    }
}

/// What a step of the yield waterfall is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaterfallStage {
    /// The packages assembled, the waterfall's start.
    Assembled,
    /// The packages a mechanism's tests reject first.
    Rejected(Mechanism),
    /// The rejected packages rework recovers.
    Rework,
    /// The packages system test rejects.
    SystemTest,
}

impl WaterfallStage {
    /// The stage's id, as `results.json` writes it (a mechanism's id for its rejects).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            WaterfallStage::Assembled => "assembled",
            WaterfallStage::Rejected(mechanism) => mechanism.name(),
            WaterfallStage::Rework => "rework",
            WaterfallStage::SystemTest => "system test",
        }
    }

    /// What people call the stage (a mechanism's label for its rejects).
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            WaterfallStage::Rejected(mechanism) => mechanism.label(),
            other => other.name(),
        }
    }
}

impl Serialize for WaterfallStage {
    /// As its id.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// One step of the yield waterfall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterfallStep {
    /// What the step is.
    pub label: WaterfallStage,
    /// Its change of yield (positive for `assembled` and `rework`), fraction of assembled
    /// packages.
    pub change: Fraction,
}

/// External laser source modules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ElsResult {
    /// Modules passing their test (enough working lasers).
    pub module_yield: Fraction,
    /// Dead lasers covered by spares, per shipped module.
    pub spare_lasers_used_per_module: f64,
    /// Shipped switches whose ELS modules carry a weak laser, DPPM (infant mortality of a
    /// field-replaceable module).
    pub weak_laser_escapes_dppm: f64,
}

/// What the yield engine reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YieldResult {
    /// Packages assembled.
    pub packages: usize,
    /// ASIC wafer-test yield (pass fraction).
    pub wafer_test_pass: Fraction,
    /// Engine-test pass fraction.
    pub engine_test_pass: Fraction,
    /// Package-test pass fraction (after any rework).
    pub package_test_pass: Fraction,
    /// System-test pass fraction of the packages that passed package test.
    pub system_test_pass: Fraction,
    /// Laser chips passing burn-in.
    pub burn_in_pass: Fraction,
    /// Shipped over assembled (after package test, rework and system test).
    pub package_yield: Fraction,
    /// Packages scrapped, by mechanism present (a package may count under several), as a
    /// fraction of assembled packages.
    pub package_rejects_by_mechanism: ByMechanism<Fraction>,
    /// The package yield as a waterfall: from all assembled packages, the first package
    /// test's rejects by the first mechanism detected (in [`Mechanism::ALL`] order, so each
    /// reject counts once), what rework recovered and the system test's rejects; the steps sum
    /// to the yield.
    pub waterfall: Vec<WaterfallStep>,
    /// Fiber re-attach attempts per assembled package.
    pub reworks_per_package: f64,
    /// Packages rejected at first test that passed package test after rework (the system test
    /// may still reject some), fraction of assembled.
    pub rework_recovered: Fraction,
    /// Rework attempts that damaged the package (scrap), fraction of attempts.
    pub rework_damaged: Fraction,
    /// External laser source modules, when the design has them.
    pub els: Option<ElsResult>,
    /// Failed lanes per mechanism, fraction of all lanes on assembled packages.
    pub lane_failures_by_mechanism: ByMechanism<Fraction>,
    /// Assembled packages whose board (BGA) joints open from warpage, fraction.
    pub bga_opens: Fraction,
    /// Shipped switches carrying an undetected failure, per mechanism, DPPM.
    pub escapes_dppm: ByMechanism<f64>,
    /// Any escape, DPPM: a failure present at shipment (found when the switch is brought
    /// up, since a dead lane does not train) or a latent one.
    pub escapes_total_dppm: f64,
    /// Shipped switches whose package carries a weak (infant-mortality) laser, DPPM: the only
    /// escape that passes bring-up and fails later in the field.
    pub latent_escapes_dppm: f64,
    /// Cost per shipped switch.
    pub cost: CostBreakdown,
}

pub(crate) fn result(inputs: &YieldInputs, tally: &Tally) -> YieldResult {
    let shipped = tally.shipped.max(1) as f64;
    let m = inputs.engines_per_package as f64;
    let asic_usd = tally.asics_passed as f64 * inputs.asic_usd.0 / shipped;
    let engines_usd = tally.engines_tested as f64 * inputs.engine_usd.0 / shipped;
    let packaging_usd = tally.packages as f64 * inputs.packaging_usd.0 / shipped;
    let rework_usd = tally.reworks as f64 * inputs.rework.usd.0 / shipped;
    let test_usd = (tally.asics_tested as f64 * inputs.test_costs.wafer_test_usd.0
        + tally.engines_tested as f64 * inputs.test_costs.engine_test_usd.0
        + tally.package_tests as f64 * inputs.test_costs.package_test_usd.0
        + tally.system_tests as f64 * inputs.test_costs.system_test_usd.0
        + tally.packages as f64 * inputs.test_costs.burn_in_usd.0)
        / shipped;
    let ideal_usd = inputs.asic_usd.0
        + m * inputs.engine_usd.0
        + inputs.packaging_usd.0
        + inputs.test_costs.wafer_test_usd.0
        + m * inputs.test_costs.engine_test_usd.0
        + inputs.test_costs.package_test_usd.0
        + inputs.test_costs.system_test_usd.0
        + inputs.test_costs.burn_in_usd.0;
    let dppm = |count: u64| count as f64 / shipped * 1e6;
    let mut waterfall = vec![WaterfallStep {
        label: WaterfallStage::Assembled,
        change: Fraction { value: 1.0, se: 0.0 },
    }];
    for (mechanism, &first_rejects) in tally.first_rejects.iter() {
        let rejects = Fraction::of(first_rejects, tally.packages);
        waterfall.push(WaterfallStep {
            label: WaterfallStage::Rejected(mechanism),
            change: Fraction { value: -rejects.value, se: rejects.se },
        });
    }
    waterfall.push(WaterfallStep {
        label: WaterfallStage::Rework,
        change: Fraction::of(tally.rework_recovered, tally.packages),
    });
    let system = Fraction::of(tally.system_rejects, tally.packages);
    waterfall.push(WaterfallStep {
        label: WaterfallStage::SystemTest,
        change: Fraction { value: -system.value, se: system.se },
    });
    YieldResult {
        packages: inputs.packages,
        wafer_test_pass: Fraction::of(tally.asics_passed, tally.asics_tested),
        engine_test_pass: Fraction::of(tally.engines_passed, tally.engines_tested),
        package_test_pass: Fraction::of(tally.package_passed, tally.packages),
        system_test_pass: Fraction::of(
            tally.system_tests - tally.system_rejects,
            tally.system_tests,
        ),
        burn_in_pass: Fraction::of(tally.lasers_passed, tally.lasers_burned_in),
        package_yield: Fraction::of(tally.shipped, tally.packages),
        package_rejects_by_mechanism: tally
            .rejects
            .map(|count| Fraction::of(count, tally.packages)),
        lane_failures_by_mechanism: ByMechanism::from_fn(|m| {
            clustered(
                tally.lane_failures[m],
                tally.lane_failures_sq[m],
                tally.packages,
                tally.lanes,
            )
        }),
        bga_opens: Fraction::of(tally.bga_opens, tally.packages),
        escapes_dppm: tally.escapes.map(dppm),
        escapes_total_dppm: dppm(tally.escapes_any),
        latent_escapes_dppm: dppm(tally.latent_escapes),
        waterfall,
        reworks_per_package: tally.reworks as f64 / tally.packages.max(1) as f64,
        rework_recovered: Fraction::of(tally.rework_recovered, tally.packages),
        rework_damaged: Fraction::of(tally.rework_damaged, tally.reworks),
        els: inputs.els.map(|_| ElsResult {
            module_yield: Fraction::of(tally.els_passed, tally.els_built),
            spare_lasers_used_per_module: tally.els_spares_used as f64
                / tally.els_passed.max(1) as f64,
            weak_laser_escapes_dppm: dppm(tally.els_weak_shipped),
        }),
        cost: CostBreakdown {
            asic_usd,
            engines_usd,
            packaging_usd,
            test_usd,
            rework_usd,
            total_usd: asic_usd + engines_usd + packaging_usd + test_usd + rework_usd,
            ideal_usd,
        },
    }
}
