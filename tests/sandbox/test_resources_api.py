"""ListProtectedResources and DescribeRecoveryPoint, against the jobs the sandbox serves."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Sandbox

from .clients import client, pages

REGION = "eu-west-1"


def protected(sandbox: Sandbox, account: str, region: str, **params: Any) -> list[dict[str, Any]]:
    backup = client(sandbox, "backup", account, region)
    return list(pages(backup, "list_protected_resources", "Results", **params))


def test_last_backup_time_is_the_latest_completed_backups_creation(sandbox: Sandbox) -> None:
    long_ago = 0
    for account in sandbox.dataset.active_accounts:
        for region in sandbox.dataset.regions:
            backup = client(sandbox, "backup", account.id, region)
            jobs = list(pages(backup, "list_backup_jobs", "BackupJobs"))
            resources = protected(sandbox, account.id, region)
            assert resources == protected(sandbox, account.id, region, MaxResults=7)
            arns = [r["ResourceArn"] for r in resources]
            assert arns == sorted(arns)
            completed = {job["ResourceArn"] for job in jobs if job["State"] == "COMPLETED"}
            assert completed <= set(arns)
            for resource in resources:
                mine = [
                    job
                    for job in jobs
                    if job["ResourceArn"] == resource["ResourceArn"] and job["State"] == "COMPLETED"
                ]
                if not mine:  # it stopped before the 30 days the listings keep
                    long_ago += 1
                    continue
                latest = max(mine, key=lambda job: job["CreationDate"])
                assert resource["LastBackupTime"] == latest["CreationDate"]
                assert resource["LastRecoveryPointArn"] == latest["RecoveryPointArn"]
                assert resource["LastBackupVaultArn"] == latest["BackupVaultArn"]
                assert resource["ResourceType"] == latest["ResourceType"]
    assert long_ago == sum(not gap.in_job_listings for gap in sandbox.dataset.gaps().stopped)


def test_every_last_recovery_point_is_described(sandbox: Sandbox) -> None:
    account = sandbox.dataset.management_account_id
    for region in sandbox.dataset.regions:
        backup = client(sandbox, "backup", account, region)
        for resource in protected(sandbox, account, region):
            vault = resource["LastBackupVaultArn"].split(":")[-1]
            point = backup.describe_recovery_point(
                BackupVaultName=vault, RecoveryPointArn=resource["LastRecoveryPointArn"]
            )
            assert point["ResourceArn"] == resource["ResourceArn"]
            assert point["CreationDate"] == resource["LastBackupTime"]
            assert point["Status"] == "COMPLETED"
            assert point["BackupVaultArn"] == resource["LastBackupVaultArn"]
            if vault != "Default":  # a plan's vault: the plan is named
                assert point["CreatedBy"]["BackupPlanId"]
            lifecycle = point.get("Lifecycle", {})
            if "DeleteAfterDays" in lifecycle:
                kept = point["CalculatedLifecycle"]["DeleteAt"] - point["CreationDate"]
                assert kept.days == lifecycle["DeleteAfterDays"]


def test_a_child_recovery_point_names_its_composite(sandbox: Sandbox) -> None:
    account = sandbox.dataset.management_account_id
    backup = client(sandbox, "backup", account, REGION)
    jobs = list(pages(backup, "list_backup_jobs", "BackupJobs", ByState="COMPLETED"))
    parents = {job["BackupJobId"]: job for job in jobs if job["IsParent"]}
    child = next(job for job in jobs if job.get("ParentJobId") in parents)
    point = backup.describe_recovery_point(
        BackupVaultName=child["BackupVaultName"], RecoveryPointArn=child["RecoveryPointArn"]
    )
    assert point["ParentRecoveryPointArn"] == parents[child["ParentJobId"]]["RecoveryPointArn"]
    assert point["CompositeMemberIdentifier"] == child["ResourceName"]


def test_recovery_points_are_the_callers_own(sandbox: Sandbox) -> None:
    management = sandbox.dataset.management_account_id
    member = sandbox.dataset.active_accounts[1].id
    theirs = protected(sandbox, member, REGION)[0]
    vault = theirs["LastBackupVaultArn"].split(":")[-1]
    backup = client(sandbox, "backup", management, REGION)
    for params, code in (
        ({"BackupVaultName": vault}, "ResourceNotFoundException"),
        ({"BackupVaultName": vault, "BackupVaultAccountId": member}, "AccessDeniedException"),
        ({"BackupVaultName": "Default"}, "ResourceNotFoundException"),
    ):
        with pytest.raises(ClientError) as raised:
            backup.describe_recovery_point(
                RecoveryPointArn=theirs["LastRecoveryPointArn"], **params
            )
        assert raised.value.response["Error"]["Code"] == code
    own = client(sandbox, "backup", member, REGION).describe_recovery_point(
        BackupVaultName=vault, RecoveryPointArn=theirs["LastRecoveryPointArn"]
    )
    assert own["ResourceArn"] == theirs["ResourceArn"]
    assert {r["ResourceArn"] for r in protected(sandbox, management, REGION)}.isdisjoint(
        r["ResourceArn"] for r in protected(sandbox, member, REGION)
    )


def test_a_region_without_data_protects_nothing(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup", region="us-west-2")
    assert backup.list_protected_resources()["Results"] == []
    assert backup.list_backup_plans()["BackupPlansList"] == []
