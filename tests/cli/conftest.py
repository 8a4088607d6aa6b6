"""Run the real CLI in-process against a sandbox over HTTP, with captured streams."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest

from backupctl.cli.app import run
from backupctl.cli.environment import Environment
from backupctl.sandbox import Sandbox


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


Invoke = Callable[..., Result]


def invoke_on(
    sandbox: Sandbox,
    *args: str,
    width: int = 200,
    terminal: bool = False,
    now: datetime | None = None,
) -> Result:
    """``backupctl ARGS`` against ``sandbox``, as with ``--sandbox``; ``now`` fixes the clock."""
    stdout, stderr = io.StringIO(), io.StringIO()
    state = Environment(
        sandbox_env=sandbox.env(),
        stdout=stdout,
        stderr=stderr,
        force_terminal=terminal,
        width=width,
    )
    if now is not None:
        state.clock = lambda: now
    code = run(list(args), state)
    return Result(code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def cli(sandbox: Sandbox) -> Invoke:
    """``cli("jobs", "list", ...)`` against the session's sandbox."""

    def invoke(*args: str, width: int = 200, terminal: bool = False) -> Result:
        return invoke_on(sandbox, *args, width=width, terminal=terminal)

    return invoke
