"""Denied accounts and credentials that expire mid-run: the rest printed, the failures named."""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter

from backupctl.sandbox import Faults, Sandbox
from tests.cli.conftest import invoke_on
from tests.conftest import SandboxFactory

ROLE = "OrganizationAccountAccessRole"
IDS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}


def job_ids(server: Sandbox, accounts: list[str]) -> list[str]:
    data = server.dataset
    return sorted(
        job[IDS[kind]]
        for account in accounts
        for region in data.regions
        for kind in IDS
        for job in data.jobs(kind, account, region)
    )


def list_all(server: Sandbox, *args: str) -> tuple[int, list[str], list[str]]:
    """Exit code, the printed job ids (sorted) and the stderr lines of ``jobs list``."""
    regions = ",".join(server.dataset.regions)
    result = invoke_on(
        server, "jobs", "list", "--account", "all", "--role", ROLE, "--region", regions,
        "-o", "ndjson", *args,
    )  # fmt: skip
    printed = sorted(json.loads(line)["job_id"] for line in result.stdout.splitlines())
    return result.exit_code, printed, result.stderr.splitlines()


def test_five_denied_roles_and_two_denied_backup_accounts(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=12, jobs_per_region=20)
    data = server.dataset
    members = [a.id for a in data.active_accounts if a.id != data.management_account_id]
    no_role, no_backup = members[:5], members[5:7]
    server.set_faults(Faults(deny_assume_role=frozenset(no_role), deny_backup=frozenset(no_backup)))
    code, printed, errors = list_all(server)
    assert code == 3
    readable = [a.id for a in data.active_accounts if a.id not in no_role + no_backup]
    assert printed == job_ids(server, readable)  # every other job, exactly once
    assert len(errors) == 2  # accounts that failed alike share a line: roles, then Backup
    for account in no_role + no_backup:
        assert sum(account in line for line in errors) == 1  # each named once
    for line in errors:
        assert "access denied" in line.lower()
        assert ("sts:AssumeRole" in line) == any(a in line for a in no_role)


def test_every_account_denied_exits_4_with_nothing_printed(
    sandbox_factory: SandboxFactory,
) -> None:
    server = sandbox_factory(members=4, jobs_per_region=10)
    data = server.dataset
    everyone = frozenset(a.id for a in data.active_accounts)
    # Members refuse the role; the caller's own account, read as itself, refuses Backup.
    server.set_faults(
        Faults(deny_assume_role=everyone, deny_backup=frozenset({data.management_account_id}))
    )
    code, printed, errors = list_all(server)
    assert (code, printed) == (4, [])
    assert len(errors) == 2  # the members refused the role alike; the caller refused Backup
    named = [re.match(r"backupctl: could not read (account \d+|\d+ accounts \([^)]*\))", line)
             for line in errors]  # fmt: skip
    assert sorted(re.findall(r"\d{12}", " ".join(m.group(1) for m in named if m))) == sorted(
        everyone
    )


def test_credentials_that_expire_mid_run_are_renewed_once_per_expiry(
    sandbox_factory: SandboxFactory,
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=4000)
    ttl = 1.0
    # Four calls at once, each 0.1 s, about 40 of them (about 4 s): every account's
    # credentials expire several times while it is read, with several workers using them.
    # A call retried after a renewal must reach the sandbox within the ttl: at 0.5 s, a
    # loaded 2-core machine running the whole suite sometimes took longer.
    server.set_faults(Faults(credential_ttl=ttl, latency=0.1))
    started = time.monotonic()
    code, printed, errors = list_all(server, "--concurrency", "4")
    seconds = time.monotonic() - started
    assert seconds > 2 * ttl
    assert code == 0, errors
    assert printed == job_ids(server, [a.id for a in server.dataset.active_accounts])
    assumed = Counter(
        account
        for (_, operation, account, _), n in server.counters.requests.items()
        if operation == "AssumeRole"
        for _ in range(n)
    )
    # The caller assumes each member's role (as the management account): count by target.
    assumed_total = sum(assumed.values())
    members = len(server.dataset.active_accounts) - 1
    renewals_possible = math.ceil(seconds / (0.75 * ttl)) + server.counters.faults.get(
        "expired_token", 0
    )
    assert assumed_total > members  # renewed...
    assert assumed_total <= members * (1 + renewals_possible)  # ...once per renewal, not per worker
