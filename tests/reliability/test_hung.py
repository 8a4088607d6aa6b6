"""A hung endpoint: the run ends within the bound --timeout sets, that target reported, exit 3."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from backupctl.sandbox import Faults, Sandbox
from tests.cli.conftest import invoke_on
from tests.conftest import SandboxFactory

ROLE = "OrganizationAccountAccessRole"


@pytest.fixture
def hanging(sandbox_factory: SandboxFactory) -> Iterator[SandboxFactory]:
    """``sandbox_factory``, and at the end of the test the calls it left hanging are let go
    and backupctl's threads stuck in them end. Otherwise they would run on, retrying
    against a stopped server, into later tests (hypothesis notices their use of random)."""
    servers: list[Sandbox] = []

    def start(**fields: Any) -> Sandbox:
        servers.append(sandbox_factory(**fields))
        return servers[-1]

    yield start
    for server in servers:
        server.set_faults(Faults())
    deadline = time.monotonic() + 10
    while _backupctl_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _backupctl_threads() == []


def _backupctl_threads() -> list[str]:
    """The threads of backupctl's fan-out (the sandbox's own are the sandbox's)."""
    ours = ("backupctl-fanout", "backupctl-gather", "backupctl-find")
    return [t.name for t in threading.enumerate() if t.name.startswith(ours)]


def test_a_hung_account_is_given_up_after_the_timeout(hanging: SandboxFactory) -> None:
    server = hanging(members=3, jobs_per_region=40)
    data = server.dataset
    hung = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    server.set_faults(Faults(hang_accounts=frozenset({hung})))
    started = time.monotonic()
    result = invoke_on(
        server, "jobs", "list", "--account", "all", "--role", ROLE, "--timeout", "2", "-o", "json"
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.stderr
    assert elapsed < 2 + 4  # the timeout, and a little for everything else
    ids = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
    want = sorted(
        job[ids[kind]]
        for account in data.active_accounts
        if account.id != hung
        for kind in ids
        for job in data.jobs(kind, account.id, data.regions[0])
    )
    assert sorted(j["job_id"] for j in json.loads(result.stdout)) == want
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert hung in lines[0] and "no answer within 2 s" in lines[0]


def test_describe_does_not_wait_for_a_hung_account(hanging: SandboxFactory) -> None:
    server = hanging(members=2, jobs_per_region=20)
    data = server.dataset
    hung = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    server.set_faults(Faults(hang_accounts=frozenset({hung})))
    job_id = data.jobs("backup", data.management_account_id, data.regions[0])[0]["BackupJobId"]
    started = time.monotonic()
    result = invoke_on(
        server, "job", "describe", job_id, "--account", "all", "--role", ROLE, "--timeout", "2",
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["job_id"] == job_id
    assert time.monotonic() - started < 2 + 4
