"""No secret key, session token or external id in any output, with --debug or on a crash."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from backupctl.domain.job import Job
from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on

ROLE = "OrganizationAccountAccessRole"
EXTERNAL_ID = "ext-id-never-printed"
TOKEN_PREFIX = "FwoGZXIvYXdzE"  # every session token the sandbox issues starts so


class Boom(RuntimeError):
    """A bug, forced."""


@pytest.mark.parametrize("debug", [[], ["--debug"]], ids=["plain", "debug"])
def test_a_crash_prints_no_secret(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, debug: list[str]
) -> None:
    def crash(self: object, jobs: Sequence[Job]) -> None:
        raise Boom(f"forced crash after {len(jobs)} jobs")

    monkeypatch.setattr("backupctl.output.ndjson.NdjsonWriter.write", crash)
    _, secret = sandbox.credentials()
    result = invoke_on(
        sandbox, *debug, "jobs", "list", "--account", "all", "--role", ROLE,
        "--external-id", EXTERNAL_ID, "-o", "ndjson",
    )  # fmt: skip
    assert result.exit_code == 70
    assert "internal error: Boom: forced crash" in result.stderr
    if debug:
        assert "Traceback" in result.stderr and "AssumeRole" in result.stderr
    else:
        assert len(result.stderr.splitlines()) == 1
    for output in (result.stdout, result.stderr):
        assert secret not in output
        assert TOKEN_PREFIX not in output
        assert EXTERNAL_ID not in output
