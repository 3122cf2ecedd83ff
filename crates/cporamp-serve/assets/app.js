// cporamp serve: the dashboard's script (no libraries). One file for every page; the page's
// <body data-page> says which part runs.
"use strict";

function el(tag, attributes, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  for (const child of children || []) node.append(child);
  return node;
}

async function api(method, path, body, type) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.body = body;
    options.headers["Content-Type"] = type || "application/json";
  }
  const response = await fetch(path, options);
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { json = null; }
  return { status: response.status, ok: response.ok, json, text };
}

function errorText(result) {
  const error = result.json && result.json.error;
  return error ? error.code + ": " + error.message : "HTTP " + result.status;
}

function setStatus(text, good) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = good ? "ok" : "bad";
}

// ---- the scenario editor ------------------------------------------------------------------

const editor = { toml: "", rows: new Map() };

function fieldRow(field) {
  const input = el("input", { "data-path": field.path, "aria-label": field.path });
  input.value = field.value;
  input.dataset.kind = field.kind;
  input.addEventListener("change", () => editField(field.path, input));
  const error = el("div", { class: "field-error", "data-error-for": field.path });
  const row = el("tr", { "data-path": field.path }, [
    el("td", { class: "path" }, [el("code", { text: field.path })]),
    el("td", { class: "value" }, [input, error]),
    el("td", { class: "unit", text: field.unit || "" }),
    el("td", { class: "range", text: field.range || "" }),
    el("td", { class: "source", text: field.source || "" }),
  ]);
  editor.rows.set(field.path, { row, input, error });
  return row;
}

async function loadText(text) {
  editor.toml = text;
  document.getElementById("toml").value = text;
  const result = await api("POST", "/api/scenario/fields", text, "application/toml");
  const body = document.querySelector("#fields tbody");
  body.replaceChildren();
  editor.rows.clear();
  if (!result.ok) {
    setStatus(errorText(result), false);
    showDiagnostics(result.json && result.json.error && result.json.error.details);
    return;
  }
  for (const field of result.json.fields) body.append(fieldRow(field));
  document.getElementById("count").textContent = result.json.fields.length + " fields";
  await validate();
}

async function editField(path, input) {
  let value = input.value;
  if (input.dataset.kind === "string") value = JSON.stringify(value);
  const result = await api("POST", "/api/scenario/edit",
    JSON.stringify({ toml: editor.toml, path, value }));
  if (!result.ok) {
    const entry = editor.rows.get(path);
    if (entry) entry.error.textContent = errorText(result);
    setStatus(errorText(result), false);
    return;
  }
  editor.toml = result.json.toml;
  document.getElementById("toml").value = editor.toml;
  await validate();
}

function showDiagnostics(details) {
  const problems = document.getElementById("problems");
  problems.replaceChildren();
  for (const entry of editor.rows.values()) {
    entry.row.classList.remove("invalid");
    entry.input.classList.remove("invalid");
    entry.error.replaceChildren();
  }
  const diagnostics = (details && details.diagnostics) || [];
  for (const diagnostic of diagnostics) {
    const code = el("span", { class: "code", text: diagnostic.kind });
    const text = diagnostic.message;
    let entry = editor.rows.get(diagnostic.path);
    // A diagnostic on a table or array element lands on the nearest field above it.
    if (!entry) {
      for (const [path, candidate] of editor.rows) {
        if (diagnostic.path && (diagnostic.path.startsWith(path + ".") || diagnostic.path.startsWith(path + "["))) entry = candidate;
      }
    }
    if (entry) {
      entry.row.classList.add("invalid");
      entry.input.classList.add("invalid");
      entry.error.append(el("div", { class: "problem" }, [code, text]));
    } else {
      problems.append(el("li", { class: "problem" }, [code, text]));
    }
  }
  return diagnostics.length;
}

async function validate() {
  const result = await api("POST", "/api/scenario/validate", editor.toml, "application/toml");
  if (!result.ok) {
    setStatus(errorText(result), false);
    return false;
  }
  const count = showDiagnostics(result.json);
  if (result.json.ok) {
    const s = result.json.summary;
    setStatus("ok: " + s.name + ": " + s.technologies + " technologies x " + s.generations +
      " generations; about " + Math.round(s.cpu_s) + " CPU-s per run", true);
  } else {
    setStatus(count + " problem" + (count === 1 ? "" : "s") + " (as scenario check names them)", false);
  }
  return result.json.ok;
}

async function loadPreset() {
  const name = document.getElementById("preset").value;
  const result = await api("GET", "/api/presets/" + encodeURIComponent(name));
  if (!result.ok) { setStatus(errorText(result), false); return; }
  await loadText(result.text);
}

async function startRun() {
  if (!(await validate())) return;
  const label = document.getElementById("label").value;
  const result = await api("POST", "/api/runs", JSON.stringify({ scenario_toml: editor.toml, label }));
  if (!result.ok) {
    setStatus(errorText(result), false);
    showDiagnostics(result.json && result.json.error && result.json.error.details);
    return;
  }
  window.location.href = "/runs/" + result.json.run.id;
}

function initEditor() {
  document.getElementById("load-preset").addEventListener("click", loadPreset);
  document.getElementById("start-run").addEventListener("click", startRun);
  document.getElementById("apply-text").addEventListener("click",
    () => loadText(document.getElementById("toml").value));
  document.getElementById("upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) await loadText(await file.text());
  });
  document.getElementById("download").addEventListener("click", () => {
    const link = el("a", { download: "scenario.toml" });
    link.href = URL.createObjectURL(new Blob([editor.toml], { type: "application/toml" }));
    document.body.append(link);
    link.click();
    link.remove();
  });
  document.getElementById("filter").addEventListener("input", (event) => {
    const needle = event.target.value.trim();
    for (const [path, entry] of editor.rows) entry.row.hidden = needle !== "" && !path.includes(needle);
  });
  loadPreset();
}

// ---- the run list -------------------------------------------------------------------------

function percentText(run) {
  return Math.floor(run.percent) + " %";
}

async function refreshRuns() {
  const result = await api("GET", "/api/runs");
  if (!result.ok) return;
  const body = document.querySelector("#runs tbody");
  const picked = { a: pickedRun("a"), b: pickedRun("b") };
  body.replaceChildren();
  let live = false;
  for (const run of result.json.runs) {
    if (run.state === "queued" || run.state === "running") live = true;
    const radios = ["a", "b"].map((side) => {
      const radio = el("input", { type: "radio", name: side, value: run.id, "aria-label": side + " " + run.id });
      radio.disabled = run.state !== "succeeded";
      radio.checked = picked[side] === run.id;
      radio.addEventListener("change", updateCompare);
      return el("td", {}, [radio]);
    });
    const bar = el("progress", { max: "100", value: String(run.percent) });
    body.append(el("tr", { "data-run": run.id }, [
      ...radios,
      el("td", {}, [el("a", { href: "/runs/" + run.id, text: run.id })]),
      el("td", { text: run.label }),
      el("td", { text: run.scenario_name }),
      el("td", { class: "state " + run.state, text: run.state }),
      el("td", {}, [bar, " " + percentText(run)]),
      el("td", { text: new Date(run.created_ms).toLocaleString() }),
    ]));
  }
  updateCompare();
  if (live) setTimeout(refreshRuns, 1000);
}

function pickedRun(side) {
  const checked = document.querySelector("input[name=" + side + "]:checked");
  return checked ? checked.value : null;
}

function updateCompare() {
  const a = pickedRun("a");
  const b = pickedRun("b");
  const button = document.getElementById("compare");
  button.disabled = !(a && b);
  document.getElementById("pick").textContent = a && b ? "A " + a + ", B " + b : "pick two finished runs";
}

function initRuns() {
  document.getElementById("compare").addEventListener("click", () => {
    window.location.href = "/compare?a=" + pickedRun("a") + "&b=" + pickedRun("b");
  });
  refreshRuns();
}

// ---- one run ------------------------------------------------------------------------------

const STAGES = ["thermal", "photonics", "yield", "fleet", "market"];

async function refreshRun(id) {
  const result = await api("GET", "/api/runs/" + id);
  if (!result.ok) {
    document.getElementById("error").textContent = errorText(result);
    return;
  }
  const run = result.json.run;
  document.getElementById("label").textContent = run.label;
  document.getElementById("scenario").textContent = run.scenario_name;
  const state = document.getElementById("state");
  state.textContent = run.state;
  state.className = "state " + run.state;
  document.getElementById("overall").value = run.percent;
  document.getElementById("percent").textContent = percentText(run);
  document.getElementById("error").textContent = run.error || "";
  const live = run.state === "queued" || run.state === "running";
  document.getElementById("cancel").hidden = !live;
  const body = document.querySelector("#stages tbody");
  body.replaceChildren();
  STAGES.forEach((name, index) => {
    const stage = run.progress ? run.progress.stages[index] : { done: 0, total: 0 };
    const value = stage.total ? (100 * stage.done) / stage.total : 0;
    body.append(el("tr", { "data-stage": name }, [
      el("td", { text: name }),
      el("td", {}, [el("progress", { max: "100", value: String(value) })]),
      el("td", { text: run.state === "succeeded" ? "done" : stage.total ? stage.done + " / " + stage.total : "" }),
    ]));
  });
  if (live) {
    setTimeout(() => refreshRun(id), 300);
  } else if (run.state === "succeeded") {
    await showResults(id);
  }
}

async function showResults(id) {
  const result = await api("GET", "/api/runs/" + id + "/sections");
  if (!result.ok) return;
  document.getElementById("report").href = "/api/runs/" + id + "/report.html";
  document.getElementById("results-json").href = "/api/runs/" + id + "/results.json";
  document.getElementById("scenario-toml").href = "/api/runs/" + id + "/scenario.toml";
  const list = document.getElementById("sections");
  list.replaceChildren();
  for (const section of result.json.sections) {
    list.append(el("li", {}, [el("a", { href: "/runs/" + id + "/sections/" + section.id, text: section.title })]));
  }
  document.getElementById("results").hidden = false;
}

function initRun() {
  const id = window.location.pathname.split("/")[2];
  document.getElementById("run-id").textContent = id;
  document.getElementById("cancel").addEventListener("click", async () => {
    await api("POST", "/api/runs/" + id + "/cancel");
  });
  refreshRun(id);
}

const page = document.body.dataset.page;
if (page === "editor") initEditor();
else if (page === "runs") initRuns();
else if (page === "run") initRun();
