"""Gaps found the way a client must find them: from what the sandbox serves over HTTP.

Written apart from the sandbox's own record (``Dataset.gaps()``), with its own reading of
the cron expressions the sandbox's rules use, so the tests can hold one against the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from backupctl.sandbox import Sandbox

from .clients import client, pages

# The forms the sandbox's rules take: a minute, an hour, every day or one day a week.
_CRON = re.compile(r"cron\((\d+) (\d+) \? \* (\*|SUN|MON|TUE|WED|THU|FRI|SAT) \*\)")
COPY_SETTLED = timedelta(minutes=30)  # a backup's copies exist this long after it completes
BROKEN_COPY = {"FAILED", "PARTIAL"}


def scheduled(expression: str, timezone: str, start: datetime, end: datetime) -> list[datetime]:
    """The runs of ``expression`` in [start, end), in UTC."""
    match = _CRON.fullmatch(expression)
    assert match, f"the sandbox's rules use simple cron expressions, not {expression}"
    minute, hour, weekday = int(match[1]), int(match[2]), match[3]
    zone = ZoneInfo(timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    found: list[datetime] = []
    while day <= end.astimezone(zone).date():
        if weekday == "*" or day.strftime("%a").upper() == weekday:
            at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            if start <= at.astimezone(UTC) < end:
                found.append(at.astimezone(UTC))
        day += timedelta(days=1)
    return found


@dataclass
class Served:
    """What one account serves in one region: plans by (id, version), and listings."""

    backup: Any
    now: datetime
    protected: list[dict[str, Any]]
    backups: list[dict[str, Any]]
    copies: list[dict[str, Any]]
    plans: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def rule(self, created_by: dict[str, Any]) -> dict[str, Any]:
        """The rule that made a job or recovery point, from GetBackupPlan of its version."""
        key = (created_by["BackupPlanId"], created_by["BackupPlanVersion"])
        if key not in self.plans:
            self.plans[key] = self.backup.get_backup_plan(BackupPlanId=key[0], VersionId=key[1])[
                "BackupPlan"
            ]
        rules = [r for r in self.plans[key]["Rules"] if r["RuleId"] == created_by["BackupRuleId"]]
        assert len(rules) == 1, created_by
        return dict(rules[0])


def served(sandbox: Sandbox, account: str, region: str) -> Served:
    """Every protected resource, backup job and copy job of one account and region."""
    backup = client(sandbox, "backup", account, region)
    return Served(
        backup=backup,
        now=sandbox.dataset.now,
        protected=list(pages(backup, "list_protected_resources", "Results", MaxResults=50)),
        backups=list(pages(backup, "list_backup_jobs", "BackupJobs")),
        copies=list(pages(backup, "list_copy_jobs", "CopyJobs")),
    )


def _creator(data: Served, resource: dict[str, Any]) -> dict[str, Any]:
    """Who made a resource's last backup: its job, if listed; else its recovery point."""
    point = resource["LastRecoveryPointArn"]
    job = next((j for j in data.backups if j.get("RecoveryPointArn") == point), None)
    if job is not None:
        return dict(job.get("CreatedBy", {}))
    vault = resource["LastBackupVaultArn"].split(":")[-1]
    described = data.backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=point)
    return dict(described.get("CreatedBy", {}))


def stopped(data: Served) -> set[str]:
    """Protected resources with no job since their last backup, whose rule's next run after
    it (plus its start window) is past: their backups stopped."""
    found: set[str] = set()
    for resource in data.protected:
        last = resource["LastBackupTime"]
        since = [
            job
            for job in data.backups
            if job["ResourceArn"] == resource["ResourceArn"] and job["CreationDate"] > last
        ]
        creator = _creator(data, resource)
        if since or "BackupPlanId" not in creator:
            continue  # jobs since (they failed, or still go), or no rule to expect runs of
        rule = data.rule(creator)
        runs = scheduled(
            rule["ScheduleExpression"],
            rule["ScheduleExpressionTimezone"],
            last,
            data.now + timedelta(days=8),
        )
        window = timedelta(minutes=rule["StartWindowMinutes"])
        if runs and runs[0] + window < data.now:
            found.add(resource["ResourceArn"])
    return found


CopyKey = tuple[str, str, str | None, str | None]  # backup job, destination, copy job, state


def copy_gaps(data: Served) -> set[CopyKey]:
    """(backup job, destination, copy job or None, its state) for every completed backup
    of a copying rule, settled, whose copy to a destination is missing or ended badly."""
    parents = {job["BackupJobId"]: job for job in data.backups if job["IsParent"]}
    found: set[CopyKey] = set()
    for job in data.backups:
        if job["State"] != "COMPLETED" or "BackupPlanId" not in job.get("CreatedBy", {}):
            continue
        composite = parents.get(job.get("ParentJobId", ""), job)
        if "CompletionDate" not in composite:
            continue
        if max(job["CompletionDate"], composite["CompletionDate"]) > data.now - COPY_SETTLED:
            continue
        for action in data.rule(job["CreatedBy"]).get("CopyActions", []):
            destination = action["DestinationBackupVaultArn"]
            made = [
                copy
                for copy in data.copies
                if copy["CreatedByBackupJobId"] == job["BackupJobId"]
                and copy["DestinationBackupVaultArn"] == destination
            ]
            assert len(made) <= 1
            if not made:
                found.add((job["BackupJobId"], destination, None, None))
            elif made[0]["State"] in BROKEN_COPY:
                found.add((job["BackupJobId"], destination, made[0]["CopyJobId"], made[0]["State"]))
    return found
