"""The package against the command line and itself: scenario round trip, named errors,
one engine's results equal to `cporamp ENGINE --format json`, and a local sweep."""

import json
import subprocess

import pytest

import cporamp
from conftest import AXES, ENGINES, FLAPS, HOTTEST, INLET


def test_scenario_round_trips_through_a_file_and_an_edit(quick, tmp_path):
    path = tmp_path / "quick.toml"
    quick.save(path)
    loaded = cporamp.Scenario.load(path)
    assert loaded == quick and loaded.origin == str(path)
    assert loaded.get(INLET) == 35.0
    edited = loaded.set(INLET, 41).set('technology.cpo_els.per_generation."102.4T".optics_usd_per_port', 300)
    # An integer for a decimal field becomes a decimal; the edit survives the text.
    again = cporamp.Scenario(edited.toml, "again")
    assert again.get(INLET) == 41.0 and isinstance(again.get(INLET), float)
    assert again.get('technology.cpo_els.per_generation."102.4T".optics_usd_per_port') == 300.0
    resolved = again.check()
    assert resolved["name"] == "quick"
    assert loaded.get(INLET) == 35.0, "set returns a copy"
    assert cporamp.Scenario.load("@default").get("photonics.seed") == 20261125


def test_a_bad_field_raises_a_scenario_error_naming_its_path(quick):
    bad = quick.set(INLET, -300.0)
    with pytest.raises(cporamp.ScenarioError) as raised:
        bad.check()
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.path == INLET
    assert len(error.diagnostics) == 1
    diagnostic = error.diagnostics[0]
    assert diagnostic["line"] is not None and diagnostic["column"] is not None
    assert "out of range" in diagnostic["message"] and "-300" in diagnostic["message"]
    # The same refusal stops a run before any engine starts.
    with pytest.raises(cporamp.ScenarioError):
        cporamp.run(bad, "thermal")
    # A path the scenario lacks is named at once.
    with pytest.raises(ValueError, match=r"thermal.cold_plate has no field \"inlet_c\""):
        quick.set("thermal.cold_plate.inlet_c", 30.0)
    with pytest.raises(ValueError, match="unknown engine"):
        cporamp.run(quick, "heat")
    # No thread count is guessed: 0 is refused, None means the machine's cores.
    with pytest.raises(ValueError, match=r"threads = 0; expected at least 1"):
        cporamp.run(quick, "compare", threads=0)


def test_an_engine_run_equals_the_cli_json(quick, cli):
    # Photonics: seeded Monte Carlo lanes on the settled package, so every draw must match.
    printed = subprocess.run(
        [cli, "photonics", "@quick", "--format", "json", "--threads", "1", "--quiet"],
        check=True, capture_output=True, text=True,
    ).stdout
    assert cporamp.run(quick, "photonics", threads=2) == json.loads(printed)


def test_a_local_sweep_of_8_scenarios(quick, local_sweep):
    table = local_sweep
    assert table.num_rows == 8
    assert table.column("index").to_pylist() == list(range(8))
    # The first axis varies slowest.
    assert table.column(INLET).to_pylist() == [25.0, 25.0, 32.0, 32.0, 39.0, 39.0, 46.0, 46.0]
    assert table.column("photonics.lanes").to_pylist() == [16, 32] * 4
    assert table.column("error").null_count == 8
    frame = table.to_pandas()
    # 7 K more coolant moves the hottest engine by 7 K plus the warmer ASIC's extra leakage.
    hottest = frame[frame["photonics.lanes"] == 16][HOTTEST].to_numpy()
    steps = hottest[1:] - hottest[:-1]
    assert all(7.0 < step < 8.2 for step in steps), steps
    assert (frame[FLAPS] >= 0).all() and (frame[FLAPS + " se"] >= 0).all()
    # One thread gives the same table: seeds are derived per scenario, not per worker.
    assert cporamp.sweep(quick, AXES, engines=ENGINES, threads=1).equals(table)


def test_a_failed_scenario_keeps_its_row_and_the_others_run(quick):
    table = cporamp.sweep(quick, {INLET: [35.0, -300.0, 45.0]}, engines=["compare"], threads=2)
    assert table.column("error_field").to_pylist() == [None, INLET, None]
    power_name = "compare | 102.4T CPO, integrated laser | switch power [W]"
    power = table.column(power_name).to_pylist()
    assert power[1] is None and power[0] is not None and power[2] is not None
    # No axes: the base's headline figures as a one-row table.
    base = cporamp.sweep(quick, {}, engines=["compare"])
    assert base.num_rows == 1 and base.column(power_name).to_pylist() == [power[0]]
    with pytest.raises(cporamp.SweepError, match="inlet_c"):
        cporamp.sweep(quick, {"thermal.cold_plate.inlet_c": [1.0]}, engines=["compare"])


def test_an_engines_tables_equal_its_json_results(quick):
    results = cporamp.run(quick, "yield", threads=2)
    tables = cporamp.run_tables(quick, "yield", threads=2)
    assert tables.keys() == cporamp.tables(results, "yield").keys()
    ramp = tables["yield.technologies.ramp"].to_pylist()
    expected = [
        (g["generation"], t["id"], i, r["cost_usd"], r["escapes_dppm"])
        for g in results for t in g["technologies"] for i, r in enumerate(t["ramp"])
    ]
    got = [(r["generation"], r["technologies.id"], r["position"], r["cost_usd"], r["escapes_dppm"]) for r in ramp]
    assert got == expected


def test_a_progress_callback_sees_every_scenario_and_leaves_the_table_unchanged(quick, local_sweep):
    calls = []
    table = cporamp.sweep(quick, AXES, engines=ENGINES, threads=2, progress=lambda done, total: calls.append((done, total)))
    assert table.equals(local_sweep)
    assert [done for done, _ in calls] == list(range(1, 9)), calls
    assert {total for _, total in calls} == {8}
    assert calls[-1] == (8, 8)


def test_a_raising_progress_callback_stops_the_sweep_with_its_exception(quick):
    class Stop(Exception):
        pass

    calls = []

    def stop_at_3(done, total):
        calls.append(done)
        if done == 3:
            raise Stop(f"{done} of {total}")

    with pytest.raises(Stop, match="3 of 8"):
        cporamp.sweep(quick, AXES, engines=["compare"], threads=2, progress=stop_at_3)
    assert calls == [1, 2, 3], "no call after the exception"
    with pytest.raises(TypeError, match="progress"):
        cporamp.sweep(quick, AXES, engines=["compare"], progress="yes")


def test_the_engines_run_without_the_interpreter_lock_while_progress_is_reported(quick):
    import threading
    import time

    calls = []
    finished = threading.Event()

    def run():
        cporamp.sweep(quick, AXES, engines=["thermal"], threads=1, progress=lambda done, total: calls.append(done))
        finished.set()

    worker = threading.Thread(target=run)
    worker.start()
    # Python code on this thread goes on while the sweep runs (the lock is taken only for
    # each callback): thousands of steps over the seconds the sweep takes, not a handful.
    steps = 0
    while not finished.is_set():
        steps += 1
        time.sleep(0.0005)
    worker.join()
    assert calls == list(range(1, 9))
    assert steps > 100, steps


def test_progress_true_draws_a_bar_on_stderr(quick, capsys):
    table = cporamp.sweep(quick, {INLET: [30.0, 40.0]}, engines=["compare"], threads=1, progress=True)
    assert table.num_rows == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "\rcporamp sweep [" in captured.err and "2/2 scenarios" in captured.err
    assert captured.err.endswith("\n")


def test_the_market_tables_are_named_once(quick):
    names = list(cporamp.run_tables(quick, "market", threads=2))
    assert "market.result.probabilities" in names and names[0] == "market", names
    assert not any(name.startswith("market.market") for name in names), names
    probabilities = cporamp.run_tables(quick, "market", threads=2)["market.result.probabilities"]
    assert abs(sum(probabilities.column("probability").to_pylist()) - 1.0) < 1e-9
