"""The Account API's ListRegions: each account's opt-in regions, as its Backup calls see them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import DEFAULT_DISABLED_REGIONS, Sandbox, SandboxConfig

from .clients import client

OPT_IN = "af-south-1"


@pytest.fixture(scope="module")
def opted() -> Iterator[Sandbox]:
    """The security account has enabled af-south-1; no other account has."""
    with Sandbox(
        SandboxConfig(members=2, jobs_per_region=5, opted_in=(("security", OPT_IN),))
    ) as sb:
        yield sb


def _statuses(account: Any, **params: Any) -> dict[str, str]:
    regions: dict[str, str] = {}
    while True:
        response = account.list_regions(**params)
        regions.update({r["RegionName"]: r["RegionOptStatus"] for r in response["Regions"]})
        if "NextToken" not in response:
            return regions
        params["NextToken"] = response["NextToken"]


def test_each_account_sees_its_own_opt_in_regions(opted: Sandbox) -> None:
    security = opted.dataset.organization.resolve("security")
    mine = _statuses(client(opted, "account", security, "us-east-1"))
    theirs = _statuses(client(opted, "account", region="us-east-1"))
    assert mine[OPT_IN] == "ENABLED"
    assert theirs[OPT_IN] == "DISABLED"
    for region in DEFAULT_DISABLED_REGIONS:
        if region != OPT_IN:
            assert mine[region] == theirs[region] == "DISABLED", region
    assert mine["us-east-1"] == "ENABLED_BY_DEFAULT"
    assert mine.keys() == theirs.keys()
    assert len(mine) > 30  # every region of the partition, over pages of 20


def test_the_status_filter_and_the_management_accounts_view_of_a_member(opted: Sandbox) -> None:
    security = opted.dataset.organization.resolve("security")
    management = client(opted, "account", region="us-east-1")
    enabled = _statuses(
        management, AccountId=security, RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]
    )
    assert OPT_IN in enabled
    assert not set(DEFAULT_DISABLED_REGIONS) - {OPT_IN} & set(enabled)
    assert set(enabled.values()) == {"ENABLED", "ENABLED_BY_DEFAULT"}


def test_backup_answers_an_opt_in_region_only_for_the_account_that_enabled_it(
    opted: Sandbox,
) -> None:
    security = opted.dataset.organization.resolve("security")
    assert client(opted, "backup", security, OPT_IN).list_backup_jobs()["BackupJobs"] == []
    with pytest.raises(ClientError) as refused:
        client(opted, "backup", region=OPT_IN).list_backup_jobs()
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
