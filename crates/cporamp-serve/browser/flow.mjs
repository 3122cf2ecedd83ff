// The dashboard in a real browser: Debian's chromium driven by playwright-core (no browser
// download). Run by crates/cporamp-serve/tests/browser.rs as
//   node flow.mjs BASE_URL SCREENSHOT_DIR
// against a server it started. Edits a field to an invalid value and sees the named error,
// fixes it, starts a run and watches it reach 100 %, opens the result's sections, starts a
// second run and compares the two. Any console error, page error, failed request or answer
// of 400 or more on any page fails it. Prints one JSON line of what it saw; exit 1 on failure.
import { chromium } from "playwright-core";
import fs from "node:fs";
import path from "node:path";

const [base, shots] = process.argv.slice(2);
if (!base || !shots) {
  console.error("usage: node flow.mjs BASE_URL SCREENSHOT_DIR");
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

const problems = [];
const seen = { pages: [], percents: [], screenshots: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROME || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function shot(page, name) {
  const file = path.join(shots, name + ".png");
  await page.screenshot({ path: file, fullPage: false });
  seen.screenshots.push(file);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  page.on("console", (message) => {
    if (message.type() === "error") {
      problems.push(`console ${message.type()} on ${page.url()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on("load", () => seen.pages.push(new URL(page.url()).pathname));

  // The editor: a field set out of range shows the resolver's named error beside it.
  await page.goto(base + "/");
  const packages = page.locator('input[data-path="yield.packages"]');
  await packages.waitFor();
  await page.locator("#status.ok").waitFor();
  const row = page.locator('tr[data-path="yield.packages"]');
  expect((await row.locator("td.range").textContent()).includes("1 <= value <= 10000000"), "the range is shown");
  await packages.fill("-3");
  await packages.press("Tab");
  const error = page.locator('[data-error-for="yield.packages"] .code');
  await error.waitFor();
  const code = await error.textContent();
  expect(code === "out_of_range", `the named error is out_of_range, not ${code}`);
  const message = await page.locator('[data-error-for="yield.packages"]').textContent();
  expect(message.includes("yield.packages: value -3 is out of range"), `message: ${message}`);
  await page.locator("#status.bad").waitFor();
  await packages.scrollIntoViewIfNeeded();
  await shot(page, "1-editor-invalid-field");

  // Fixed: the error goes, the check passes.
  await packages.fill("400");
  await packages.press("Tab");
  await page.locator("#status.ok").waitFor();
  expect((await page.locator('[data-error-for="yield.packages"]').textContent()) === "", "the error is gone");
  await shot(page, "2-editor-fixed");

  // A run: progress to 100 %.
  async function runToEnd(label) {
    await page.fill("#label", label);
    await Promise.all([page.waitForURL(/\/runs\/[0-9a-f]{16}$/), page.click("#start-run")]);
    const id = new URL(page.url()).pathname.split("/")[2];
    for (;;) {
      const percent = await page.locator("#percent").textContent();
      seen.percents.push(percent);
      const state = await page.locator("#state").textContent();
      if (state === "succeeded" || state === "failed" || state === "cancelled") break;
      await page.waitForTimeout(100);
    }
    expect((await page.locator("#state").textContent()) === "succeeded", "the run succeeded");
    await page.locator("#percent", { hasText: "100 %" }).waitFor();
    // The run can finish between a percent read and a state read above: record what the page
    // shows once it is done.
    seen.percents.push(await page.locator("#percent").textContent());
    await page.locator("#sections li a").first().waitFor();
    return id;
  }
  const first = await runToEnd("browser-a");
  await shot(page, "3-run-finished");

  // The result: the report's sections as pages, with the report's SVG charts.
  const sections = await page.locator("#sections li a").allTextContents();
  expect(sections.length >= 5, `sections: ${sections}`);
  await page.locator("#sections li a").first().click();
  await page.locator("section#answer").waitFor();
  await shot(page, "4-result-answer");
  await page.locator(".app-sections a", { hasText: "102.4T switch" }).click();
  await page.locator("section#g-102-4t svg").first().waitFor();
  await shot(page, "5-result-generation");

  // A second run with fewer packages, then the two compared.
  await page.goto(base + "/");
  await page.locator("#status.ok").waitFor();
  await packages.fill("300");
  await packages.press("Tab");
  await page.locator("#status.ok").waitFor();
  const second = await runToEnd("browser-b");
  await page.goto(base + "/runs");
  await page.locator(`tr[data-run="${first}"] input[name=a]`).check();
  await page.locator(`tr[data-run="${second}"] input[name=b]`).check();
  await shot(page, "6-runs");
  await Promise.all([page.waitForURL(/\/compare\?/), page.click("#compare")]);
  await page.locator("h1", { hasText: "cporamp diff" }).waitFor();
  const changed = await page.locator("table").first().textContent();
  expect(changed.includes("yield.packages") && changed.includes("400") && changed.includes("300"),
    `the diff names the changed field: ${changed.slice(0, 300)}`);
  await shot(page, "7-compare");
  seen.runs = [first, second];
  seen.sections = sections;
} catch (error) {
  problems.push(`flow: ${error.message}`);
} finally {
  await browser.close();
}
const ok = problems.length === 0;
console.log(JSON.stringify({ ok, problems, ...seen }));
process.exit(ok ? 0 : 1);
