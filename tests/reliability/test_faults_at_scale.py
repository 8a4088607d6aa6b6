"""Throttling and 5xx over a large organization: every job exactly once, within the retries."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from backupctl.aws.settings import MAX_ATTEMPTS
from backupctl.sandbox import Faults, Sandbox, SandboxConfig
from tests.cli.conftest import invoke_on

ROLE = "OrganizationAccountAccessRole"
REGIONS = ("us-east-1", "eu-west-1", "us-west-2")


@pytest.fixture(scope="module")
def big_org() -> Iterator[Sandbox]:
    config = SandboxConfig(members=100, regions=REGIONS, jobs_per_region=12)
    with Sandbox(config) as server:
        server.warm()
        yield server


def every_job_id(server: Sandbox) -> list[str]:
    ids = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
    return sorted(
        job[ids[kind]]
        for account in server.dataset.active_accounts
        for region in server.dataset.regions
        for kind in ids
        for job in server.dataset.jobs(kind, account.id, region)
    )


def test_throttling_and_503_lose_nothing(big_org: Sandbox) -> None:
    # A call fails for good only after MAX_ATTEMPTS faults in a row: at these rates about
    # 1e-6 a call, so the run is not a lottery (at 0.3 and 0.05 it was 2e-4 a call, one
    # run in seven over 900 calls, the rolls' order following the threads').
    big_org.set_faults(Faults(throttle_rate=0.15, error_rate=0.03, seed=11))
    big_org.counters.reset()
    try:
        result = invoke_on(
            big_org, "jobs", "list", "--account", "all", "--role", ROLE,
            "--region", ",".join(REGIONS), "-o", "ndjson",
        )  # fmt: skip
    finally:
        big_org.set_faults(Faults())
    assert result.exit_code == 0, result.stderr[-2000:]
    got = sorted(json.loads(line)["job_id"] for line in result.stdout.splitlines())
    assert got == every_job_id(big_org)  # every job, exactly once
    faults = big_org.counters.faults
    assert faults.get("throttle", 0) > 80 and faults.get("error", 0) > 10
    # Requests: one per page that exists (one page per listing here), one AssumeRole per
    # member, the organization's pages, and the retries: never more than MAX_ATTEMPTS a call.
    active = len(big_org.dataset.active_accounts)
    org_pages = -(-len(big_org.dataset.accounts) // 20)
    calls = active * len(REGIONS) * 3 + (active - 1) + org_pages + 1
    assert big_org.counters.total_requests() <= calls * MAX_ATTEMPTS
    retried = faults.get("throttle", 0) + faults.get("error", 0)
    assert big_org.counters.total_requests() == calls + retried
