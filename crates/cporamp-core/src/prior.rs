//! Prior distributions of uncertain inputs and the standard normal quantile: the scenario
//! reads them (`[market.priors.*]`) and the market engine samples them.
//!
//! A prior maps a uniform $u \in (0, 1)$ to a value through its quantile function:
//!
//! - normal: $\mu + \sigma\thinspace\Phi^{-1}(u)$;
//! - log-normal: $m \exp(\sigma\thinspace\Phi^{-1}(u))$ (median $m$, mean $m e^{\sigma^2/2}$);
//! - uniform: $a + u (b - a)$;
//! - triangular on $[a, b]$ with mode $c$: $a + \sqrt{u (b-a)(c-a)}$ for
//!   $u < (c-a)/(b-a)$, else $b - \sqrt{(1-u)(b-a)(b-c)}$.
//!
//! $\Phi^{-1}$ is Acklam's rational approximation (relative error below $1.15 \times 10^{-9}$
//! over $(0, 1)$): a central rational function for $0.02425 \le u \le 0.97575$ and a tail
//! rational function in $\sqrt{-2 \ln u}$ outside.

use serde::{Deserialize, Serialize};

/// A prior distribution of one uncertain input: `kind` and that kind's parameters, and no
/// others (a scenario writes the log-normal's kind `lognormal`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Prior {
    /// Normal with mean and standard deviation (0 for a fixed value).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, ≥ 0.
        sd: f64,
    },
    /// Log-normal with median $m$ and log-space standard deviation $\sigma$.
    #[serde(rename(deserialize = "lognormal"))]
    LogNormal {
        /// Median, > 0.
        median: f64,
        /// Standard deviation of the logarithm, ≥ 0.
        sigma: f64,
    },
    /// Uniform on \[low, high\].
    Uniform {
        /// Lower end.
        low: f64,
        /// Upper end, ≥ low.
        high: f64,
    },
    /// Triangular on \[low, high\] with its mode.
    Triangular {
        /// Lower end.
        low: f64,
        /// Most likely value, in \[low, high\].
        mode: f64,
        /// Upper end, ≥ low.
        high: f64,
    },
}

impl Prior {
    /// The value at cumulative probability `u` (clamped into the open unit interval).
    #[must_use]
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(1e-15, 1.0 - 1e-15);
        match *self {
            Prior::Normal { mean, sd } => mean + sd * normal_quantile(u),
            Prior::LogNormal { median, sigma } => median * (sigma * normal_quantile(u)).exp(),
            Prior::Uniform { low, high } => low + u * (high - low),
            Prior::Triangular { low, mode, high } => {
                let width = high - low;
                if width <= 0.0 {
                    return low;
                }
                if u < (mode - low) / width {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                }
            }
        }
    }

    /// The mean of the distribution.
    #[must_use]
    pub fn mean(&self) -> f64 {
        match *self {
            Prior::Normal { mean, .. } => mean,
            Prior::LogNormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
            Prior::Uniform { low, high } => 0.5 * (low + high),
            Prior::Triangular { low, mode, high } => (low + mode + high) / 3.0,
        }
    }

    /// The standard deviation of the distribution.
    #[must_use]
    pub fn sd(&self) -> f64 {
        match *self {
            Prior::Normal { sd, .. } => sd,
            Prior::LogNormal { median, sigma } => {
                let s2 = sigma * sigma;
                median * ((s2.exp() - 1.0) * s2.exp()).sqrt()
            }
            Prior::Uniform { low, high } => (high - low) / 12f64.sqrt(),
            Prior::Triangular { low, mode, high } => {
                ((low * low + mode * mode + high * high - low * mode - low * high - mode * high)
                    / 18.0)
                    .sqrt()
            }
        }
    }
}

/// The standard normal quantile $\Phi^{-1}(u)$ by Acklam's algorithm ($u$ in (0, 1)).
#[must_use]
pub fn normal_quantile(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    let tail = |p: f64| {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if u < LOW {
        tail(u)
    } else if u > 1.0 - LOW {
        -tail(1.0 - u)
    } else {
        let q = u - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}
