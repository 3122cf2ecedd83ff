"""Shared fixtures: the quick scenario and the 8-scenario sweep that the local and Ray tests
both run (the coolant inlet at 4 values x the photonics engine's lanes at 2)."""

import os
import pathlib

import pytest

import cporamp

INLET = "thermal.cold_plate.nominal_inlet_c"
AXES = {INLET: [25.0, 32.0, 39.0, 46.0], "photonics.lanes": [16, 32]}
ENGINES = ["thermal", "photonics"]
HOTTEST = "thermal | 102.4T CPO, integrated laser | hottest engine [°C]"
FLAPS = "photonics | 102.4T CPO, integrated laser | flaps, feedback only [1/lane-h]"


@pytest.fixture(scope="session")
def quick() -> cporamp.Scenario:
    return cporamp.Scenario.quick()


@pytest.fixture(scope="session")
def cli() -> str:
    """The `cporamp` binary: $CPORAMP_BIN, or the workspace's debug build."""
    root = pathlib.Path(__file__).resolve().parents[2]
    path = os.environ.get("CPORAMP_BIN", str(root / "target" / "debug" / "cporamp"))
    assert os.access(path, os.X_OK), f"no cporamp binary at {path}: cargo build -p cporamp-cli, or set CPORAMP_BIN"
    return path


@pytest.fixture(scope="session")
def local_sweep(quick):
    return cporamp.sweep(quick, AXES, engines=ENGINES, backend="local", threads=2)
