"""The expected records of ``report gaps -o json``, written from the sandbox's own record of
what it broke (``Dataset.gaps()``), its served jobs and plans, and the tests' own reading of
the sandbox's cron expressions (``tests.sandbox.gapcheck.scheduled``)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from backupctl.sandbox import Sandbox
from backupctl.sandbox.gaps import CopyGap, StoppedResource
from tests.cli.oracle import rfc3339
from tests.sandbox.gapcheck import scheduled

GRACE = timedelta(hours=4)  # --copy-grace's default
ASSUMED_WINDOW = timedelta(hours=8)  # AWS's default start window, when the plan is not read
_UTC = {"Etc/UTC", "UTC"}


def _at(moment: datetime) -> str | None:
    return rfc3339(moment.timestamp())


def _zone(timezone: str) -> str:
    return "" if timezone in _UTC else f" {timezone}"


def _hours(length: timedelta) -> str:
    hours = length.total_seconds() / 3600
    return f"{hours:.0f}h"


def _plan_name(server: Sandbox, account: str, region: str, plan_id: str) -> str:
    estate = server.dataset.jobset(account, region).estate
    assert estate is not None
    plan = estate.plan(plan_id)
    assert plan is not None
    return plan.name


def stopped_record(server: Sandbox, gap: StoppedResource, *, plan_read: bool) -> dict[str, Any]:
    """The record of a stopped resource: judged by its plan (``plan_read``), or by its
    last backup job's own record of the rule (the org view of a member account)."""
    window = timedelta(minutes=gap.start_window_minutes) if plan_read else ASSUMED_WINDOW
    later = server.dataset.now + timedelta(days=30)
    runs = scheduled(gap.schedule_expression, gap.schedule_timezone, gap.last_backup_time, later)
    # The runs strictly after the last backup (whose own run is at or before it).
    runs = [run for run in runs if run > gap.last_backup_time]
    plan = _plan_name(server, gap.account_id, gap.region, gap.backup_plan_id)
    rule = f"rule {gap.backup_rule_name} {gap.schedule_expression}{_zone(gap.schedule_timezone)}"
    if plan_read:
        text = f"plan {plan} {rule}, start window {_hours(window)}"
    else:
        text = f"plan {plan} {rule}, as its backup job records it (start window: AWS's default 8h)"
    account = server.dataset.account(gap.account_id)
    return {
        "account_id": gap.account_id,
        "account_name": account.name if account else None,
        "region": gap.region,
        "resource_arn": gap.resource_arn,
        "resource_type": gap.resource_type,
        "resource_name": gap.resource_name,
        "last_backup_time": _at(gap.last_backup_time),
        "last_backup_job_id": gap.last_backup_job_id if gap.in_job_listings else None,
        "last_recovery_point_arn": gap.last_recovery_point_arn,
        "last_backup_vault_arn": gap.last_backup_vault_arn,
        "backup_plan_id": gap.backup_plan_id,
        "backup_plan_version": gap.backup_plan_version,
        "backup_rule_id": gap.backup_rule_id,
        "backup_rule_name": gap.backup_rule_name,
        "schedule_expression": gap.schedule_expression,
        "schedule_timezone": gap.schedule_timezone,
        "start_window_minutes": gap.start_window_minutes if plan_read else None,
        "expected_interval_seconds": round((runs[1] - runs[0]).total_seconds()),
        "overdue_since": _at(runs[0] + window),
        "evidence": "plan" if plan_read else "job",
        "evidence_text": text,
    }


def copy_record(server: Sandbox, gap: CopyGap, *, plan_read: bool) -> dict[str, Any]:
    """The record of a copy gap: the destination known from the plan (``plan_read``), or
    from where the rule's other backups were copied (the org view of a member account)."""
    data = server.dataset
    backup = data.job("backup", gap.account_id, gap.region, gap.backup_job_id)
    assert backup is not None and backup.origin is not None
    rule = backup.origin.rule
    if plan_read:
        plan = _plan_name(server, gap.account_id, gap.region, gap.backup_plan_id)
        text = f"plan {plan} rule {rule.name} copies there"
    else:
        text = f"the other backups of rule {rule.name} were copied there"
    account = data.account(gap.account_id)
    return {
        "account_id": gap.account_id,
        "account_name": account.name if account else None,
        "region": gap.region,
        "backup_job_id": gap.backup_job_id,
        "recovery_point_arn": gap.recovery_point_arn,
        "resource_arn": gap.resource_arn,
        "resource_type": backup.record["ResourceType"],
        "resource_name": backup.record["ResourceName"],
        "completed_at": _at(gap.completed_at),
        "destination_vault_arn": gap.destination_vault_arn,
        "copy_job_id": gap.copy_job_id,
        "copy_state": gap.copy_state,
        "backup_plan_id": gap.backup_plan_id,
        "backup_plan_version": backup.origin.version.version_id,
        "backup_rule_id": gap.backup_rule_id,
        "overdue_since": _at(gap.completed_at + GRACE),
        "evidence": "plan" if plan_read else "copies",
        "evidence_text": text,
    }


def stopped_order(record: dict[str, Any]) -> tuple[str, str, str]:
    """The report's order of stopped resources."""
    return (record["account_id"], record["region"], record["resource_arn"])


def copy_order(record: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """The report's order of copy gaps."""
    return (
        record["account_id"],
        record["region"],
        record["completed_at"],
        record["backup_job_id"],
        record["destination_vault_arn"],
    )


def copied_by_rule(server: Sandbox, account: str, region: str) -> set[tuple[str, str]]:
    """(rule id, destination) of every copy job one account and region lists: where the
    org view learns a member's copy rules from."""
    return {
        (job["CreatedBy"]["BackupRuleId"], job["DestinationBackupVaultArn"])
        for job in server.dataset.jobs("copy", account, region)
        if "BackupRuleId" in job.get("CreatedBy", {})
    }


PAGE = 1000  # the most a Backup List call returns at once, and what backupctl asks for
CallKey = tuple[str, str, str]  # operation, calling account, region


def _pages(items: int) -> int:
    return max(1, math.ceil(items / PAGE))


def needed_calls(server: Sandbox, *, role: bool) -> Counter[CallKey]:
    """The AWS Backup calls a gap report over every account and region needs, at least:
    every page of the backup and copy listings and of ListProtectedResources (the org
    view: the caller's own), GetBackupPlan once per plan version that made a completed
    backup (the org view: the caller's plans only), DescribeRecoveryPoint once per last
    backup no job listing shows (the org view: the caller's)."""
    data = server.dataset
    management = data.management_account_id
    long_ago = [g for g in data.gaps().stopped if not g.in_job_listings]
    need: Counter[CallKey] = Counter()
    for region in data.regions:
        listed = {"backup": 0, "copy": 0}
        for account in data.active_accounts:
            full = role or account.id == management
            caller = account.id if role else management
            for kind in listed:
                count = len(data.jobs(kind, account.id, region))
                listed[kind] += count
                if role:
                    need[(f"List{kind.title()}Jobs", caller, region)] += _pages(count)
            if not full:
                continue
            jobset = data.jobset(account.id, region)
            need[("ListProtectedResources", caller, region)] += _pages(len(jobset.protected))
            versions = {
                (job["CreatedBy"]["BackupPlanId"], job["CreatedBy"]["BackupPlanVersion"])
                for job in data.jobs("backup", account.id, region)
                if job["State"] == "COMPLETED" and "BackupPlanId" in job.get("CreatedBy", {})
            }
            unlisted = [g for g in long_ago if (g.account_id, g.region) == (account.id, region)]
            versions |= {(g.backup_plan_id, g.backup_plan_version) for g in unlisted}
            need[("GetBackupPlan", caller, region)] += len(versions)
            if unlisted:
                need[("DescribeRecoveryPoint", caller, region)] += len(unlisted)
        if not role:  # ByAccountId=*: one listing of every account per region and kind
            for kind, count in listed.items():
                need[(f"List{kind.title()}Jobs", management, region)] += _pages(count)
    return need


def backup_calls(server: Sandbox) -> Counter[CallKey]:
    """The AWS Backup calls the sandbox served since its counters were reset."""
    served: Counter[CallKey] = Counter()
    for entry in server.counters.snapshot()["requests"]:
        if entry["service"] == "backup":
            served[(entry["operation"], entry["account"], entry["region"])] += entry["count"]
    return served
