//! Two runs side by side (`cporamp diff`): what changed in the inputs, and the headline
//! results of both with their differences.
//!
//! A difference between two Monte Carlo estimates with standard errors $s_A$ and $s_B$ has
//! the standard error $s_\Delta = \sqrt{s_A^2 + s_B^2}$ (independent runs; both runs use the
//! scenario's seeds, so unchanged parts draw the same numbers and the bound is conservative).
//! A difference is marked *beyond noise* when $|\Delta| > 2 s_\Delta$, the two-sided 95 %
//! level; a deterministic figure (no standard error) is beyond noise whenever it changed.

use std::fmt::Write as _;

use serde::Serialize;

use crate::RunResults;
use crate::svg::escape;

/// One headline figure of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The engine that computed it.
    pub engine: &'static str,
    /// What it is about: a generation and technology, a fabric, a scenario.
    pub subject: String,
    /// The quantity.
    pub quantity: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// The value.
    pub value: f64,
    /// Its Monte Carlo standard error, if it is an estimate.
    pub se: Option<f64>,
}

/// The headline figures of a run, in the order of the report.
#[must_use]
pub fn headlines(run: &RunResults<'_>) -> Vec<Headline> {
    let mut out = Vec::new();
    let mut push = |engine, subject: String, quantity, unit, value, se| {
        out.push(Headline { engine, subject, quantity, unit, value, se });
    };
    compare_headlines(run, &mut push);
    thermal_headlines(run, &mut push);
    photonics_headlines(run, &mut push);
    yield_headlines(run, &mut push);
    fleet_headlines(run, &mut push);
    market_headlines(run, &mut push);
    out
}

/// Takes one headline: engine, subject, quantity, unit, value and standard error.
type Push<'a> = dyn FnMut(&'static str, String, &'static str, &'static str, f64, Option<f64>) + 'a;

/// Per generation and technology: optics power and energy, switch power and cost.
fn compare_headlines(run: &RunResults<'_>, push: &mut Push<'_>) {
    for generation in &run.comparison.generations {
        for t in &generation.technologies {
            let subject = format!("{} {}", generation.generation, t.label);
            let p = &t.port_power;
            push("compare", subject.clone(), "optics power per port", "W", p.optics_w, None);
            push("compare", subject.clone(), "optics energy", "pJ/bit", p.optics_pj_per_bit, None);
            push("compare", subject.clone(), "switch power", "W", t.switch_power.total_w, None);
            push("compare", subject, "switch cost", "$/Gbps", t.cost.switch_usd_per_gbps, None);
        }
    }
}

/// Per generation and technology: the ASIC's junction maximum and the hottest engine.
fn thermal_headlines(run: &RunResults<'_>, push: &mut Push<'_>) {
    for generation in run.thermal {
        for t in &generation.technologies {
            let subject = format!("{} {}", generation.generation, t.label);
            let nominal = &t.nominal;
            push("thermal", subject.clone(), "ASIC junction max", "°C", nominal.asic_max_c, None);
            push("thermal", subject, "hottest engine", "°C", nominal.engine_mean_max_c, None);
        }
    }
}

/// Per generation and technology: flaps with feedback only and with feed-forward, heater power.
fn photonics_headlines(run: &RunResults<'_>, push: &mut Push<'_>) {
    for generation in run.photonics {
        for t in &generation.technologies {
            let subject = format!("{} {}", generation.generation, t.label);
            let fb = &t.nominal.feedback;
            let ff = &t.nominal.feed_forward;
            push(
                "photonics",
                subject.clone(),
                "flaps, feedback only",
                "1/lane-h",
                fb.flaps_per_lane_hour,
                Some(fb.flaps_se),
            );
            push(
                "photonics",
                subject.clone(),
                "flaps, feed-forward",
                "1/lane-h",
                ff.flaps_per_lane_hour,
                Some(ff.flaps_se),
            );
            push("photonics", subject, "heater power", "mW/ring", fb.heater_mw_per_ring, None);
        }
    }
}

/// Per generation and technology: package yield, escapes and cost per shipped switch.
fn yield_headlines(run: &RunResults<'_>, push: &mut Push<'_>) {
    for generation in run.yields {
        for t in &generation.technologies {
            let subject = format!("{} {}", generation.generation, t.label);
            let result = &t.result;
            push(
                "yield",
                subject.clone(),
                "package yield",
                "%",
                100.0 * result.package_yield.value,
                Some(100.0 * result.package_yield.se),
            );
            push("yield", subject.clone(), "escapes", "DPPM", result.escapes_total_dppm, None);
            push("yield", subject, "cost per shipped switch", "$", result.cost.total_usd, None);
        }
    }
}

/// Per fabric: the job's network interruptions and goodput, switch replacements.
fn fleet_headlines(run: &RunResults<'_>, push: &mut Push<'_>) {
    if let Some(fleet) = run.fleet {
        for fabric in &fleet.fabrics {
            let result = &fabric.result;
            let job = &result.job;
            let subject = fabric.label.clone();
            push(
                "fleet",
                subject.clone(),
                "job network interruptions",
                "1/y",
                job.network_interruptions_per_year.mean,
                Some(job.network_interruptions_per_year.se),
            );
            push(
                "fleet",
                subject.clone(),
                "job goodput at the set interval",
                "fraction",
                job.goodput.mean,
                Some(job.goodput.se),
            );
            push(
                "fleet",
                subject,
                "switch replacements",
                "1/y",
                result.switch_replacements_per_year.mean,
                Some(result.switch_replacements_per_year.se),
            );
        }
    }
}

/// The scenario probabilities and each tier's median CPO volume year.
fn market_headlines(run: &RunResults<'_>, push: &mut Push<'_>) {
    if let Some(market) = run.market {
        for probability in &market.result.probabilities {
            push(
                "market",
                format!("scenario {}", probability.name),
                "probability",
                "%",
                100.0 * probability.probability,
                Some(100.0 * probability.se),
            );
        }
        for tier in &market.result.tiers {
            if let Some(year) = tier.volume_year.p50 {
                push(
                    "market",
                    format!("{} tier", tier.name),
                    "CPO volume year, median",
                    "year",
                    f64::from(year),
                    None,
                );
            }
        }
    }
}

/// A headline figure in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadlineDiff {
    /// The engine that computed it.
    pub engine: &'static str,
    /// What it is about.
    pub subject: String,
    /// The quantity.
    pub quantity: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// In run A, if it has the figure.
    pub a: Option<f64>,
    /// In run B, if it has the figure.
    pub b: Option<f64>,
    /// B - A.
    pub delta: Option<f64>,
    /// The difference's standard error, when both are estimates.
    pub delta_se: Option<f64>,
    /// Whether the difference is beyond Monte Carlo noise (see the module docs).
    pub beyond_noise: bool,
}

/// The headlines of A and B matched by engine, subject and quantity, in A's order, then
/// those only B has.
#[must_use]
pub fn headline_diffs(a: &[Headline], b: &[Headline]) -> Vec<HeadlineDiff> {
    let key = |h: &Headline| (h.engine, h.subject.clone(), h.quantity);
    let mut out: Vec<HeadlineDiff> = a
        .iter()
        .map(|left| {
            let right = b.iter().find(|right| key(right) == key(left));
            pair(left, right.map(|right| (right.value, right.se)), true)
        })
        .collect();
    for right in b {
        if !a.iter().any(|left| key(left) == key(right)) {
            out.push(pair(right, None, false));
        }
    }
    out
}

fn pair(known: &Headline, other: Option<(f64, Option<f64>)>, known_is_a: bool) -> HeadlineDiff {
    let (a, b, a_se, b_se) = match (known_is_a, other) {
        (true, Some((value, se))) => (Some(known.value), Some(value), known.se, se),
        (true, None) => (Some(known.value), None, known.se, None),
        (false, _) => (None, Some(known.value), None, known.se),
    };
    let delta = a.zip(b).map(|(a, b)| b - a);
    let delta_se = match (a_se, b_se) {
        (Some(a), Some(b)) if delta.is_some() => Some(a.hypot(b)),
        _ => None,
    };
    let beyond_noise = match (delta, delta_se) {
        (Some(delta), Some(se)) => delta.abs() > 2.0 * se,
        (Some(delta), None) => delta != 0.0,
        (None, _) => true,
    };
    HeadlineDiff {
        engine: known.engine,
        subject: known.subject.clone(),
        quantity: known.quantity,
        unit: known.unit,
        a,
        b,
        delta,
        delta_se,
        beyond_noise,
    }
}

/// One changed input of the scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputChange {
    /// Its TOML path, e.g. `yield.packages` or `technology.cpo_els.laser.lanes_per_laser`.
    pub path: String,
    /// Its value in A (TOML syntax), absent if only B has it.
    pub old: Option<String>,
    /// Its value in B, absent if only A has it.
    pub new: Option<String>,
    /// The unit its name carries (`_w` watts, `_c` °C, ...), empty if none.
    pub unit: &'static str,
}

/// Unit suffixes of scenario field names, longest first.
const UNIT_SUFFIXES: &[(&str, &str)] = &[
    ("_pj_per_bit", "pJ/bit"),
    ("_w_per_m2k", "W/m²K"),
    ("_w_per_mk", "W/m·K"),
    ("_l_per_min", "L/min"),
    ("_usd_per_gbps", "$/Gbps"),
    ("_nm_per_mw", "nm/mW"),
    ("_nm_per_k", "nm/K"),
    ("_gbps", "Gb/s"),
    ("_dbm", "dBm"),
    ("_usd", "$"),
    ("_fit", "FIT"),
    ("_mw", "mW"),
    ("_db", "dB"),
    ("_mm", "mm"),
    ("_um", "µm"),
    ("_nm", "nm"),
    ("_km", "km"),
    ("_hz", "Hz"),
    ("_w", "W"),
    ("_c", "°C"),
    ("_k", "K"),
    ("_m", "m"),
    ("_h", "h"),
    ("_s", "s"),
    ("_y", "y"),
];

fn unit_of(path: &str) -> &'static str {
    let name = path.rsplit('.').next().unwrap_or(path);
    UNIT_SUFFIXES.iter().find(|(suffix, _)| name.ends_with(suffix)).map_or("", |(_, unit)| unit)
}

fn path_join(prefix: &str, key: &str) -> String {
    let simple =
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if simple { key.to_string() } else { format!("\"{key}\"") };
    if prefix.is_empty() { key } else { format!("{prefix}.{key}") }
}

fn walk(path: &str, a: Option<&toml::Value>, b: Option<&toml::Value>, out: &mut Vec<InputChange>) {
    match (a, b) {
        (Some(toml::Value::Table(a)), Some(toml::Value::Table(b))) => {
            for (key, value) in a {
                walk(&path_join(path, key), Some(value), b.get(key), out);
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    walk(&path_join(path, key), None, Some(value), out);
                }
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(InputChange {
            path: path.to_string(),
            old: a.map(ToString::to_string),
            new: b.map(ToString::to_string),
            unit: unit_of(path),
        }),
    }
}

/// The inputs that differ between two scenario texts, by TOML path in A's order, then the
/// paths only B has. Arrays compare whole.
///
/// # Errors
/// The TOML parse error of either text, prefixed by `a_name` or `b_name`.
pub fn input_changes(
    a_name: &str,
    a_text: &str,
    b_name: &str,
    b_text: &str,
) -> Result<Vec<InputChange>, String> {
    let parse = |name: &str, text: &str| {
        text.parse::<toml::Table>().map_err(|error| format!("{name}: invalid TOML: {error}"))
    };
    let a = toml::Value::Table(parse(a_name, a_text)?);
    let b = toml::Value::Table(parse(b_name, b_text)?);
    let mut out = Vec::new();
    walk("", Some(&a), Some(&b), &mut out);
    Ok(out)
}

/// Decimal places that show the larger of a headline's A and B with five significant digits
/// (at most 6 places; none for 0). Its difference and standard error are shown with the same
/// places, so that they read against the figures.
#[must_use]
pub fn figure_decimals(diff: &HeadlineDiff) -> usize {
    let scale = diff.a.unwrap_or(0.0).abs().max(diff.b.unwrap_or(0.0).abs());
    if scale > 0.0 { (4 - scale.log10().floor() as i32).clamp(0, 6) as usize } else { 0 }
}

/// The diff as one self-contained HTML page (inline style, no script).
#[must_use]
pub fn diff_html(
    a_name: &str,
    b_name: &str,
    changes: &[InputChange],
    diffs: &[HeadlineDiff],
) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>cporamp diff</title>\n<style>{DIFF_CSS}</style>\n</head>\n<body>\n<main>\n\
         <h1>cporamp diff</h1>\n<p>A: <code>{}</code><br>B: <code>{}</code></p>\n",
        escape(a_name),
        escape(b_name)
    );
    let _ = writeln!(html, "<h2 id=\"inputs\">Inputs that differ ({})</h2>", changes.len());
    if changes.is_empty() {
        html.push_str("<p>The two scenarios have the same inputs.</p>\n");
    } else {
        html.push_str(
            "<table>\n<thead><tr><th>field</th><th>A</th><th>B</th><th>unit</th></tr></thead>\n<tbody>\n",
        );
        for change in changes {
            let _ = writeln!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&change.path),
                escape(change.old.as_deref().unwrap_or("(absent)")),
                escape(change.new.as_deref().unwrap_or("(absent)")),
                escape(change.unit)
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    let beyond = diffs.iter().filter(|diff| diff.beyond_noise).count();
    let _ = write!(
        html,
        "<h2 id=\"results\">Headline results</h2>\n<p>{beyond} of {} figures differ beyond \
         Monte Carlo noise (|B − A| &gt; 2 standard errors of the difference; a figure without \
         a standard error is deterministic and differs when it changed).</p>\n",
        diffs.len()
    );
    let mut engine = "";
    for diff in diffs {
        if diff.engine != engine {
            if !engine.is_empty() {
                html.push_str("</tbody>\n</table>\n");
            }
            engine = diff.engine;
            let _ = write!(
                html,
                "<h3 id=\"{engine}\">{engine}</h3>\n<table>\n<thead><tr><th>subject</th>\
                 <th>quantity</th><th>A</th><th>B</th><th>B − A</th><th>± SE</th><th>beyond \
                 noise</th></tr></thead>\n<tbody>\n"
            );
        }
        let decimals = figure_decimals(diff);
        let figure = |value: f64| format!("{value:.decimals$}");
        let cell = |value: Option<f64>| value.map_or_else(|| "—".to_string(), figure);
        let class = if diff.beyond_noise { " class=\"changed\"" } else { "" };
        let _ = writeln!(
            html,
            "<tr{class}><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&diff.subject),
            escape(diff.quantity),
            escape(diff.unit),
            cell(diff.a),
            cell(diff.b),
            diff.delta.map_or_else(
                || "—".to_string(),
                |delta| format!("{}{}", if delta > 0.0 { "+" } else { "" }, figure(delta))
            ),
            cell(diff.delta_se),
            if diff.beyond_noise { "yes" } else { "no" }
        );
    }
    if !engine.is_empty() {
        html.push_str("</tbody>\n</table>\n");
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

const DIFF_CSS: &str = "body{margin:0;font-family:system-ui,sans-serif;color:#1b1b1b;line-height:1.4}\
main{max-width:1000px;margin:0 auto;padding:20px}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.9rem}\
th,td{border-bottom:1px solid #d5d8dc;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
th{background:#f3f4f6}td:nth-child(n+3){text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;overflow-wrap:normal}\
tr.changed{background:#fff4e0}code{font-size:.85rem}";

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(value: f64, se: Option<f64>) -> Headline {
        Headline { engine: "yield", subject: "x".into(), quantity: "q", unit: "%", value, se }
    }

    #[test]
    fn a_difference_is_beyond_noise_past_two_standard_errors_of_the_difference() {
        // s_delta = sqrt(0.3^2 + 0.4^2) = 0.5: 0.9 is within 2 s_delta, 1.1 beyond.
        let within = headline_diffs(&[headline(10.0, Some(0.3))], &[headline(10.9, Some(0.4))]);
        assert!((within[0].delta_se.unwrap() - 0.5).abs() < 1e-12);
        assert!(!within[0].beyond_noise);
        let beyond = headline_diffs(&[headline(10.0, Some(0.3))], &[headline(11.1, Some(0.4))]);
        assert!(beyond[0].beyond_noise);
        let exact = headline_diffs(&[headline(1.0, None)], &[headline(1.0, None)]);
        assert!(!exact[0].beyond_noise);
        assert!(headline_diffs(&[headline(1.0, None)], &[headline(1.5, None)])[0].beyond_noise);
    }

    #[test]
    fn input_changes_name_paths_values_and_units() {
        let a = "[yield]\npackages = 20000\n[thermal.cold_plate]\nnominal_inlet_c = 35.0\n";
        let b = "[yield]\npackages = 20000\n[thermal.cold_plate]\nnominal_inlet_c = 40.0\nx = 1\n";
        let changes = input_changes("a", a, "b", b).unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].path, "thermal.cold_plate.nominal_inlet_c");
        assert_eq!(changes[0].old.as_deref(), Some("35.0"));
        assert_eq!(changes[0].new.as_deref(), Some("40.0"));
        assert_eq!(changes[0].unit, "°C");
        assert_eq!(
            (changes[1].path.as_str(), changes[1].old.as_deref()),
            ("thermal.cold_plate.x", None)
        );
        let quoted = input_changes("a", "[g.\"51.2T\"]\nv = 1\n", "b", "[g.\"51.2T\"]\nv = 2\n");
        assert_eq!(quoted.unwrap()[0].path, "g.\"51.2T\".v");
        assert!(input_changes("a", "x = ", "b", "").unwrap_err().starts_with("a: invalid TOML"));
    }
}
