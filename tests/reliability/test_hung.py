"""A hung endpoint: the run ends within the bound --timeout sets, that target reported, exit 3."""

from __future__ import annotations

import json
import time

from backupctl.sandbox import Faults
from tests.cli.conftest import invoke_on
from tests.conftest import SandboxFactory

ROLE = "OrganizationAccountAccessRole"


def test_a_hung_account_is_given_up_after_the_timeout(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=3, jobs_per_region=40)
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


def test_describe_does_not_wait_for_a_hung_account(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=2, jobs_per_region=20)
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
