"""cporamp for Python: the co-packaged optics ramp, computed.

Load, edit and check a scenario, run one engine or all of them, and sweep a scenario over
axes of field values, here on every core or on a Ray cluster. The engines are the Rust
crates of the command line (``cporamp``), called through the native module
``cporamp._native`` with the interpreter lock released while they run.

    >>> import cporamp
    >>> s = cporamp.Scenario.quick()                      # or .default(), .load("my.toml")
    >>> s = s.set("thermal.cold_plate.nominal_inlet_c", 40.0)
    >>> thermal = cporamp.run(s, "thermal")               # what `cporamp thermal --format json` prints
    >>> table = cporamp.sweep(s, {"thermal.cold_plate.nominal_inlet_c": [25, 35, 45]},
    ...                       engines=["thermal", "photonics"])   # a pyarrow.Table
    >>> table.to_pandas()

Field paths are those ``cporamp scenario check`` names: dotted keys, keys with dots quoted
(``technology.cpo_els.per_generation."102.4T".engines_per_switch``) and array elements by
index (``market.tiers[0].name``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from . import _native

__all__ = [
    "ENGINES",
    "RunError",
    "Scenario",
    "ScenarioError",
    "SweepError",
    "run",
    "run_tables",
    "sweep",
    "sweep_spec",
    "tables",
]

#: The engines, in the pipeline's order.
ENGINES: List[str] = list(_native.ENGINES)


class ScenarioError(ValueError):
    """A scenario that ``cporamp scenario check`` would refuse.

    ``diagnostics`` holds one dict per problem: ``path`` (the dotted field path, "" for a
    syntax error outside any field), ``line`` and ``column`` (1-based, or None) and
    ``message``; ``path`` is the first problem's field.
    """

    def __init__(self, message: str, origin: str, diagnostics: Sequence[tuple]):
        super().__init__(message)
        self.message = message
        self.origin = origin
        self.diagnostics: List[Dict[str, Any]] = [
            {"path": path, "line": line, "column": column, "message": text}
            for (path, line, column, text) in diagnostics
        ]
        self.path: Optional[str] = next(
            (d["path"] for d in self.diagnostics if d["path"]), None
        )


class SweepError(ValueError):
    """A sweep refused before anything runs: an axis naming a field the base lacks, an axis
    without values, no engine, or too many scenarios."""


class RunError(RuntimeError):
    """An engine that failed on a valid scenario (thermal runaway, an unsettled loop...)."""


class Scenario:
    """A scenario: its TOML text and where it came from. Immutable: ``set`` returns a new
    scenario. Nothing is checked until ``check`` (or a run); an edit with a bad value is
    refused there with the field's path."""

    __slots__ = ("_text", "_origin")

    def __init__(self, text: str, origin: str = "<python>"):
        self._text = str(text)
        self._origin = str(origin)

    @classmethod
    def default(cls) -> "Scenario":
        """The embedded default scenario (``cporamp scenario init`` writes it)."""
        return cls(*_native.default_scenario())

    @classmethod
    def quick(cls) -> "Scenario":
        """``@quick``: the default with small Monte Carlo sizes (every engine in about a
        second)."""
        return cls(*_native.quick_scenario())

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Scenario":
        """A scenario file, or ``@default`` / ``@quick``."""
        name = os.fspath(path)
        if name == "@default":
            return cls.default()
        if name == "@quick":
            return cls.quick()
        with open(name, encoding="utf-8") as file:
            return cls(file.read(), name)

    @property
    def toml(self) -> str:
        """The TOML text."""
        return self._text

    @property
    def origin(self) -> str:
        """Where it came from (a path, ``<embedded default>``, ...)."""
        return self._origin

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the TOML text to ``path``."""
        with open(os.fspath(path), "w", encoding="utf-8") as file:
            file.write(self._text)

    def get(self, path: str) -> Any:
        """The value of the field ``path`` (a number, text, list or dict)."""
        return json.loads(_native.get_field(self._text, path))

    def set(self, path: str, value: Any) -> "Scenario":
        """A copy with the field ``path`` set to ``value`` (comments are dropped). An integer
        given for a decimal field becomes a decimal number; the field must exist."""
        text = _native.set_field(self._text, path, json.dumps(value))
        return Scenario(text, f"{self._origin} (edited)")

    def check(self, engines: Optional[Iterable[str]] = None) -> Dict[str, Any]:
        """Checks the scenario as ``cporamp scenario check`` does (for a run of ``engines``,
        all by default) and returns the resolved scenario as a dict; raises
        ``ScenarioError`` naming each bad field."""
        names = list(ENGINES if engines is None else engines)
        return json.loads(_native.check(self._text, self._origin, names))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._text == other._text

    def __hash__(self) -> int:
        return hash(self._text)

    def __repr__(self) -> str:
        return f"Scenario(origin={self._origin!r}, {len(self._text)} characters of TOML)"

    def __reduce__(self):
        return (Scenario, (self._text, self._origin))


def _scenario(scenario: Union[Scenario, str, "os.PathLike[str]"]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else Scenario.load(scenario)


def run(
    scenario: Union[Scenario, str, "os.PathLike[str]"],
    engine: str = "all",
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """Runs ``engine`` (one of ``ENGINES``, or ``"all"``) on ``scenario`` and returns its
    results as Python objects: exactly what ``cporamp ENGINE --format json`` prints (for
    ``"all"``: ``results.json`` as ``cporamp run`` writes it). ``threads`` workers (all cores
    by default; results are identical for any count)."""
    s = _scenario(scenario)
    return json.loads(_native.run(s.toml, s.origin, engine, threads))


def run_tables(
    scenario: Union[Scenario, str, "os.PathLike[str]"],
    engine: str,
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """Runs ``engine`` (one of ``ENGINES``) on ``scenario`` and returns its full results as
    ``pyarrow.Table`` s by name (no Python object per value: the columns are built in Rust
    and read by pyarrow as Parquet buffers). Each list of records in the results is a table
    named by its path under the engine (``"thermal.technologies.sweep"``: the inlet sweep
    points; ``"photonics.technologies.inlet_sweep"``; ``"yield.technologies.ramp"``,
    ``"yield.technologies.result.package_rejects_by_mechanism"``; ``"fleet.fabrics"``,
    ``"fleet.fabrics.result.job.by_cause"``; ``"market.result.probabilities"``,
    ``"market.result.tiers"``; the market's own figures as the one-row ``"market"``), with ``position`` (the record's place in its list), the text
    fields of the records containing it (``technologies.id``, ``generation``) and the
    record's own fields, nested objects flattened with ``.``. Column names are the JSON
    field names, which carry their units (``inlet_c``, ``cost_usd``); values equal
    ``run(scenario, engine)``'s. ``.to_pandas()`` gives a DataFrame."""
    s = _scenario(scenario)
    return {name: _table(data) for name, data in _native.run_tables(s.toml, s.origin, engine, threads)}


def tables(results: Any, engine: str) -> Dict[str, Any]:
    """The tables of ``run_tables`` from results already in hand: ``results`` as
    ``run(scenario, engine)`` returned them (or their JSON text)."""
    text = results if isinstance(results, str) else json.dumps(results)
    return {name: _table(data) for name, data in _native.result_tables(engine, text)}


def sweep_spec(
    base: Union[Scenario, str, "os.PathLike[str]"],
    axes: Mapping[str, Sequence[Any]],
    engines: Sequence[str] = ("thermal",),
    seeds: str = "derived",
) -> str:
    """The sweep as the native module takes it (JSON text): what a Ray task receives."""
    s = _scenario(base)
    return json.dumps(
        {
            "base": s.toml,
            "origin": s.origin,
            "axes": [{"path": path, "values": list(values)} for path, values in axes.items()],
            "engines": list(engines),
            "seeds": seeds,
        }
    )


def _table(parquet: bytes):
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_table(pa.BufferReader(parquet))


def sweep(
    base: Union[Scenario, str, "os.PathLike[str]"],
    axes: Mapping[str, Sequence[Any]],
    engines: Sequence[str] = ("thermal",),
    backend: str = "local",
    threads: Optional[int] = None,
    seeds: str = "derived",
    batch_size: int = 1,
    progress: Union[None, bool, Callable[[int, int], Any]] = None,
):
    """Runs every combination of the ``axes`` values (field path -> values; the first axis
    varies slowest) on ``base`` with ``engines`` and returns one ``pyarrow.Table``, a row per
    scenario: ``index``, one column per axis, ``error`` and ``error_field`` (null when the
    scenario ran), and the engines' headline figures (``engine | subject | quantity [unit]``,
    with `` se`` columns for Monte Carlo standard errors). A scenario that fails fills its
    ``error`` and leaves its figures null; the others run. ``.to_pandas()`` gives a
    DataFrame. No axes (``{}``): the base scenario's figures as a one-row table.

    ``backend="local"`` runs ``threads`` scenarios at a time in this process (all cores by
    default). ``backend="ray"`` submits one Ray task per ``batch_size`` scenarios to the
    cluster ``ray.init()`` connected to (each task receives the sweep's JSON and its indices,
    and returns its rows as JSON). ``seeds="derived"`` gives scenario *i* seeds hashed from
    the base seeds and *i*, so the table is identical for every backend, thread count and
    batch size; ``seeds="common"`` keeps the base seeds in every scenario.

    ``progress``: a callable called as ``progress(done, total)`` as scenarios finish, ``done``
    growing up to ``total`` (the number of scenarios), on the thread that called ``sweep``
    for Ray (as tasks complete: a batch counts all its scenarios at once), from the sweep's
    worker threads for the local backend (one call at a time; the engines run without the
    interpreter lock, which each call takes for itself alone). An exception it raises stops the sweep (no scenario
    starts after it; Ray's pending tasks are cancelled) and is raised by ``sweep``.
    ``progress=True`` draws a text bar on stderr. The table is the same with or without it.
    """
    callback = _progress(progress)
    spec = sweep_spec(base, axes, engines, seeds)
    if backend == "local":
        return _table(_native.sweep_local(spec, threads, callback))
    if backend == "ray":
        return _table(_ray_sweep(spec, batch_size, callback))
    raise ValueError(f'backend {backend!r}: expected "local" or "ray"')


class _Bar:
    """``progress=True``: scenarios done of all, the elapsed time and the time left, redrawn
    in place on stderr; a newline when the last scenario is done."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        width = 24
        filled = width * done // max(total, 1)
        elapsed = time.monotonic() - self._started
        left = elapsed * (total - done) / max(done, 1)
        sys.stderr.write(
            f"\rcporamp sweep [{'=' * filled}{' ' * (width - filled)}] {done}/{total} scenarios"
            f"  {elapsed:.0f} s elapsed, {left:.0f} s left"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(progress: Any) -> Optional[Callable[[int, int], Any]]:
    if progress is None or progress is False:
        return None
    if progress is True:
        return _Bar()
    if not callable(progress):
        raise TypeError(f"progress {progress!r}: expected a callable progress(done, total), True or None")
    return progress


def _ray_sweep(spec: str, batch_size: int, progress: Optional[Callable[[int, int], Any]] = None) -> bytes:
    import ray

    if batch_size < 1:
        raise ValueError(f"batch_size {batch_size}: expected at least 1")
    count = _native.sweep_len(spec)
    if not ray.is_initialized():
        ray.init()
    spec_ref = ray.put(spec)
    task = ray.remote(num_cpus=1)(_ray_rows)
    batches = [list(range(start, min(start + batch_size, count))) for start in range(0, count, batch_size)]
    futures = [task.remote(spec_ref, indices) for indices in batches]
    if progress is None:
        return _native.sweep_table(spec, ray.get(futures))
    # As tasks complete: every task ready within 0.2 s at each step, so a sweep of many
    # tasks does not wait on them one by one.
    sizes = {future: len(indices) for future, indices in zip(futures, batches)}
    pending, rows, done = list(futures), [], 0
    try:
        while pending:
            ready, pending = ray.wait(pending, num_returns=len(pending), timeout=0.2)
            for future in ready:
                rows.append(ray.get(future))
                done += sizes[future]
                progress(done, count)
    except BaseException:
        for future in pending:
            ray.cancel(future)
        raise
    return _native.sweep_table(spec, rows)


def _ray_rows(spec: str, indices: List[int]) -> str:
    """One Ray task: the rows of ``indices`` (JSON), each scenario on one thread."""
    return _native.sweep_rows(spec, indices, 1)
