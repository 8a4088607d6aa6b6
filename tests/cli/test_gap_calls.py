"""``report gaps`` costs the calls it needs and no more: every page once, a plan version
once per account and region, a recovery point only where no job listing shows it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from backupctl.sandbox import Sandbox, SandboxConfig
from tests.cli.conftest import invoke_on
from tests.cli.gap_oracle import backup_calls, needed_calls

ROLE = "OrganizationAccountAccessRole"


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    # Listings longer than a page: 1,500 jobs per account and region.
    config = SandboxConfig(members=3, jobs_per_region=1500, stopped_long_ago=3)
    with Sandbox(config) as server:
        yield server


@pytest.mark.parametrize("role", [True, False], ids=["assume-role", "org-view"])
def test_the_calls_are_the_ones_needed(org: Sandbox, role: bool) -> None:
    needed = needed_calls(org, role=role)
    assert any(count > 1 for (operation, _, _), count in needed.items() if "Jobs" in operation)
    assert needed[("DescribeRecoveryPoint", org.dataset.management_account_id, "us-east-1")]
    org.counters.reset()
    where = ["--account", "all", "--region", ",".join(org.dataset.regions)]
    now = org.dataset.now + timedelta(minutes=1)
    result = invoke_on(org, "report", "gaps", *where, *(["--role", ROLE] if role else []), now=now)
    assert result.exit_code == 1, result.stderr
    assert backup_calls(org) == needed
