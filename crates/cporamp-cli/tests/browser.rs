//! The HTML report in a real browser: a report rendered from a small scenario (the default
//! preset with fewer cells, lanes, packages, replications and samples, so that every section
//! is there but the engines run in about a second) is loaded in headless Chromium at 760 px
//! (a printed page, a narrow window). An injected script records console errors, measures
//! every element against the viewport and looks up every anchor, and writes its verdict into
//! the DOM, which Chromium dumps. No WebDriver: only the `chromium` binary.
//!
//! The test lives with the CLI because it does file I/O and runs a process (the report
//! crate is pure). Without a Chromium (`$CHROME`, `chromium`, `chromium-browser` on the
//! PATH) it is skipped with a message on stderr; CI installs one (`.ci/run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use cporamp_report::RunResults;

/// The page width the report must fit, px (the window; the page is this less a scrollbar).
const WIDTH_PX: u32 = 760;

/// A Chromium binary: `$CHROME`, else `chromium` or `chromium-browser` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROME").map(PathBuf::from) {
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|directory| ["chromium", "chromium-browser"].map(|name| directory.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The script injected at the top of `<head>`: it records errors from the start and, once
/// the page has loaded, writes its measurements as JSON into `<pre id="verdict">`.
const PROBE: &str = r##"<script>
window.__errors = [];
window.addEventListener('error', (event) => window.__errors.push(String(event.message)));
const __consoleError = console.error;
console.error = (...args) => { window.__errors.push(args.map(String).join(' ')); __consoleError(...args); };
window.addEventListener('load', () => {
  const viewport = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > viewport + 0.5 || box.left < -0.5) {
      const table = element.closest('table');
      wide.push(element.tagName + (element.className && element.className.baseVal === undefined ? '.' + element.className : '')
        + ' ' + Math.round(box.left) + '..' + Math.round(box.right)
        + (table ? ' in table.' + table.className : ''));
    }
  }
  const ids = [...document.querySelectorAll('[id]')].map((element) => element.id);
  const broken = [...document.querySelectorAll('a[href^="#"]')]
    .map((link) => link.getAttribute('href').slice(1))
    .filter((id) => !document.getElementById(id));
  const verdict = {
    viewport, inner_width: window.innerWidth,
    scroll_width: document.documentElement.scrollWidth,
    tables: document.querySelectorAll('table').length,
    charts: document.querySelectorAll('svg.chart').length,
    wide: wide.slice(0, 20), wide_count: wide.length, ids, broken, errors: window.__errors,
  };
  const pre = document.createElement('pre');
  pre.id = 'verdict';
  pre.textContent = JSON.stringify(verdict);
  document.body.appendChild(pre);
});
</script>"##;

/// Runs Chromium on `page` and returns the dumped DOM, killing it after a minute.
fn dump_dom(browser: &Path, page: &Path, profile: &Path) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--window-size={WIDTH_PX},2000"),
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    for _ in 0..600 {
        if child.try_wait().expect("chromium runs").is_some() {
            return reader.join().expect("the reader thread ends");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("chromium did not finish within 60 s");
}

/// Undoes the five entities an HTML serializer writes in text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
#[allow(clippy::print_stderr, reason = "a skipped test says why on stderr")]
fn report_fits_a_760_px_page_in_headless_chromium_with_every_anchor() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED report_fits_a_760_px_page_in_headless_chromium_with_every_anchor: no \
             Chromium found (set CHROME, or install chromium: apt-get install -y chromium)"
        );
        return;
    };
    let scenario =
        cporamp_scenario::load(&cporamp_scenario::quick_scenario_toml(), "browser-test.toml")
            .expect("the fixture loads");
    let output = cporamp_pipeline::run(
        &scenario,
        &cporamp_pipeline::RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
    )
    .expect("the fixture runs");
    assert!(
        !output.thermal.is_empty() && !output.photonics.is_empty() && !output.yields.is_empty()
    );
    let html = cporamp_report::report_html(&RunResults::of_run(
        "browser-test.toml",
        &scenario,
        &output,
        None,
    ));

    let directory = tempfile::tempdir().expect("a temporary directory");
    let page = directory.path().join("report.html");
    let probed = html.replacen("<head>", &format!("<head>\n{PROBE}"), 1);
    assert_ne!(probed, html, "the report has a <head>");
    std::fs::write(&page, probed).expect("the page is written");
    let dom = dump_dom(&browser, &page, &directory.path().join("profile"));
    let verdict = dom
        .split("<pre id=\"verdict\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no verdict in the dumped DOM ({} bytes)", dom.len()));
    let verdict: serde_json::Value =
        serde_json::from_str(&unescape(verdict)).expect("the verdict is JSON");

    // The page laid out at the intended width, with every table and chart.
    let viewport = verdict["viewport"].as_f64().expect("viewport");
    assert!(
        viewport > 0.9 * f64::from(WIDTH_PX) && viewport <= f64::from(WIDTH_PX),
        "viewport {viewport} px"
    );
    assert_eq!(verdict["tables"].as_u64(), Some(html.matches("<table").count() as u64));
    assert_eq!(
        verdict["charts"].as_u64(),
        Some(html.matches("<svg class=\"chart\"").count() as u64)
    );
    assert!(verdict["tables"].as_u64() > Some(20), "{verdict}");

    assert_eq!(verdict["errors"], serde_json::json!([]), "console errors");
    assert_eq!(
        verdict["wide_count"].as_u64(),
        Some(0),
        "elements wider than the {viewport} px page: {}",
        verdict["wide"]
    );
    assert!(
        verdict["scroll_width"].as_f64() <= Some(viewport),
        "the page scrolls sideways: {}",
        verdict["scroll_width"]
    );
    assert_eq!(verdict["broken"], serde_json::json!([]), "links to missing anchors");

    // Every generation and engine section has its anchor.
    let ids: Vec<&str> =
        verdict["ids"].as_array().expect("ids").iter().filter_map(|id| id.as_str()).collect();
    let mut expected: Vec<String> = Vec::new();
    for generation in &scenario.generations {
        let slug: String = generation
            .id
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let anchor = format!("g-{slug}");
        for part in [
            "summary",
            "charts",
            "service",
            "sensitivities",
            "lasers",
            "thermal",
            "photonics",
            "yield",
        ] {
            expected.push(format!("{anchor}-{part}"));
        }
        expected.push(anchor);
    }
    expected.extend(
        [
            "fleet",
            "fleet-fabric",
            "fleet-job",
            "market",
            "market-scenarios",
            "market-share",
            "market-value",
            "market-exposure",
            "market-migration",
            "market-drivers",
            "market-gate-drivers",
        ]
        .map(String::from),
    );
    for id in &expected {
        assert!(ids.contains(&id.as_str()), "anchor #{id} missing; the page has {ids:?}");
    }
    assert!(expected.contains(&"g-102-4t-yield".to_string()), "the preset's 102.4T generation");
}
