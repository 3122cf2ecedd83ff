"""Type stubs of the cporamp package (the implementation is __init__.py)."""

import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import pyarrow

ENGINES: List[str]

_PathLike = Union[str, "os.PathLike[str]"]

class ScenarioError(ValueError):
    message: str
    origin: str
    diagnostics: List[Dict[str, Any]]
    path: Optional[str]
    def __init__(self, message: str, origin: str, diagnostics: Sequence[Tuple[str, Optional[int], Optional[int], str]]) -> None: ...

class SweepError(ValueError): ...
class RunError(RuntimeError): ...

class Scenario:
    def __init__(self, text: str, origin: str = ...) -> None: ...
    @classmethod
    def default(cls) -> Scenario: ...
    @classmethod
    def quick(cls) -> Scenario: ...
    @classmethod
    def load(cls, path: _PathLike) -> Scenario: ...
    @property
    def toml(self) -> str: ...
    @property
    def origin(self) -> str: ...
    def save(self, path: _PathLike) -> None: ...
    def get(self, path: str) -> Any: ...
    def set(self, path: str, value: Any) -> Scenario: ...
    def check(self, engines: Optional[Iterable[str]] = None) -> Dict[str, Any]: ...

def run(scenario: Union[Scenario, _PathLike], engine: str = "all", threads: Optional[int] = None) -> Dict[str, Any]: ...
def sweep_spec(
    base: Union[Scenario, _PathLike],
    axes: Mapping[str, Sequence[Any]],
    engines: Sequence[str] = ...,
    seeds: str = "derived",
) -> str: ...
def sweep(
    base: Union[Scenario, _PathLike],
    axes: Mapping[str, Sequence[Any]],
    engines: Sequence[str] = ...,
    backend: str = "local",
    threads: Optional[int] = None,
    seeds: str = "derived",
    batch_size: int = 1,
) -> pyarrow.Table: ...
