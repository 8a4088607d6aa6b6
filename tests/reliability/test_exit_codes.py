"""Exit codes that say what happened: a bug is not an AWS outage (70, not 4)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.conftest import invoke_on
from tests.conftest import SandboxFactory


class Bug(RuntimeError):
    """A bug, forced."""


def crash(*args: Any, **kwargs: Any) -> None:
    raise Bug("forced")


@pytest.mark.parametrize(
    ("where", "command"),
    [
        ("backupctl.output.ndjson.NdjsonWriter.write", ("jobs", "list", "-o", "ndjson")),
        ("backupctl.cli.report_failures.render_report", ("report", "failures", "--since", "7d")),
    ],
)
def test_a_bug_exits_70_with_one_line(
    sandbox_factory: SandboxFactory,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    command: tuple[str, ...],
) -> None:
    # A sandbox of its own: calls in flight when the bug ended the run land on it alone.
    monkeypatch.setattr(where, crash)
    result = invoke_on(sandbox_factory(members=2), *command)
    assert result.exit_code == 70
    assert result.stderr == (
        "backupctl: internal error: Bug: forced (run with --debug for details)\n"
    )
