"""Scenarios per second of a sweep, local and on Ray, on this machine.

    python python/benches/sweep_rate.py [--scenarios 16] [--repeats 3]

The quick scenario (`@quick`) with the coolant inlet at N values, engines thermal and
photonics (each scenario runs the pipeline's per-generation engines once, about half a CPU
second in the workspace's optimized dev profile). Local: the Rust sweep on 1 and 2 threads.
Ray: a local Ray instance with 2 CPUs (`ray.init(num_cpus=2)`, started once, not timed),
one task per scenario and one per 4 scenarios. Prints the median over the repeats, and what a
task sends and returns. Figures go in BENCHMARKS.md.
"""

import argparse
import statistics
import time

import cporamp


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.scenarios
    base = cporamp.Scenario.quick()
    axes = {"thermal.cold_plate.nominal_inlet_c": [25.0 + 20.0 * i / (n - 1) for i in range(n)]}
    engines = ["thermal", "photonics"]

    def rate(label, **kwargs):
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            table = cporamp.sweep(base, axes, engines=engines, **kwargs)
            times.append(time.perf_counter() - start)
            assert table.num_rows == n and table.column("error").null_count == n
        median = statistics.median(times)
        print(f"{label:<34} {median:6.2f} s for {n}: {n / median:5.2f} scenarios/s")
        return table

    reference = rate("local, 1 thread", backend="local", threads=1)
    rate("local, 2 threads", backend="local", threads=2)

    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    assert rate("ray (2 CPUs), 1 scenario per task", backend="ray").equals(reference)
    assert rate("ray (2 CPUs), 4 scenarios per task", backend="ray", batch_size=4).equals(reference)
    ray.shutdown()

    spec = cporamp.sweep_spec(base, axes, engines)
    rows = cporamp._native.sweep_rows(spec, [0], 1)
    print(f"per task: the sweep's JSON ({len(spec)} bytes, sent once with ray.put) and the indices;")
    print(f"per scenario returned: one row as JSON ({len(rows)} bytes)")


if __name__ == "__main__":
    main()
