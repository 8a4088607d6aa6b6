"""The SDK's costs the fan-out benchmark adds to its fair bound are measured, and added right."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from backupctl.sandbox import Sandbox

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "call_cost.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("call_cost", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


call_cost = _load()


def test_the_extra_is_each_calls_difference_times_its_count_and_the_starts() -> None:
    costs = call_cost.Costs(
        list_call_ms={"sdk": 1.5, "raw": 0.5},
        assume_role_ms={"sdk": 1.25, "raw": 0.25},
        start_s={"sdk": 0.25, "raw": 0.05},
    )
    # 601 List calls and 98 AssumeRoles, a millisecond more each; 0.2 s more to start.
    assert costs.extra_s(699, 98) == pytest.approx(0.601 + 0.098 + 0.2)


def test_every_cost_is_measured_on_the_sandbox(sandbox: Sandbox) -> None:
    costs = call_cost.measure(sandbox.env(), calls=3, rounds=1)
    for measured in (costs.list_call_ms, costs.assume_role_ms, costs.start_s):
        assert set(measured) == {"sdk", "raw"}
        assert all(value > 0 for value in measured.values())
