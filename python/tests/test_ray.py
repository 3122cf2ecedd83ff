"""The Ray backend on a local Ray instance of 2 CPUs: the same 8 scenarios as the local
sweep, one task per scenario and in batches, give the identical table."""

import pytest

ray = pytest.importorskip("ray")

import cporamp  # noqa: E402
from conftest import AXES, ENGINES  # noqa: E402


@pytest.fixture(scope="module")
def ray_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_a_ray_sweep_equals_the_local_sweep(ray_cluster, quick, local_sweep):
    one_per_task = cporamp.sweep(quick, AXES, engines=ENGINES, backend="ray")
    assert one_per_task.equals(local_sweep)
    batched = cporamp.sweep(quick, AXES, engines=ENGINES, backend="ray", batch_size=3)
    assert batched.equals(local_sweep)


def test_a_ray_sweep_reports_a_failed_scenario_in_its_row(ray_cluster, quick):
    inlet = "thermal.cold_plate.nominal_inlet_c"
    table = cporamp.sweep(quick, {inlet: [35.0, -300.0]}, engines=["compare"], backend="ray")
    assert table.column("error_field").to_pylist() == [None, inlet]


def test_a_ray_sweep_reports_progress_as_tasks_complete(ray_cluster, quick, local_sweep):
    calls = []
    table = cporamp.sweep(quick, AXES, engines=ENGINES, backend="ray", batch_size=3,
                          progress=lambda done, total: calls.append((done, total)))
    assert table.equals(local_sweep)
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and len(set(dones)) == len(dones), calls
    assert calls[-1] == (8, 8) and {total for _, total in calls} == {8}
    # A raising callback stops the sweep with its exception.
    with pytest.raises(ZeroDivisionError):
        cporamp.sweep(quick, AXES, engines=["compare"], backend="ray", progress=lambda done, total: 1 / 0)
