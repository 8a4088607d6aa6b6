"""The sandbox's own record of what did not happen: the exact answer ``report gaps`` must
give, and the failures it must not mistake for gaps.

Read from the jobs as served (after the hostile strings are placed), not from what was
meant, so the record cannot drift from the data:

- a stopped resource: one of the estate's protections that stopped at S. From S on no run
  of its rule made a job; its last backup before S completed.
- a copy gap: one (completed backup, destination) pair, for every backup made by a rule
  with copy actions that completed at least ``COPY_SETTLED`` ago (by then each of its
  copies has been created), whose copy to that destination is missing or ended FAILED or
  PARTIAL. A composite's children count on their own (each is a completed backup too), but
  they are copied with their composite, once it is over: its completion is theirs here.
- a failing resource: one whose scheduled jobs all fail from some moment on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from backupctl.sandbox.copies import COPY_DELAY
from backupctl.sandbox.estate import WINDOW, Estate
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.protected import latest_completed

COPY_SETTLED = COPY_DELAY[1]  # seconds after a backup completes by which its copies exist
_BROKEN_COPY = frozenset({"FAILED", "PARTIAL"})


def _when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@dataclass(frozen=True)
class StoppedResource:
    """A protected resource whose backups silently stopped."""

    account_id: str
    region: str
    resource_arn: str
    resource_type: str
    resource_name: str
    last_backup_time: datetime  # ListProtectedResources' LastBackupTime: its creation
    last_completion_time: datetime
    last_backup_job_id: str
    last_recovery_point_arn: str
    last_backup_vault_arn: str
    stopped_at: datetime  # runs from this moment on made no job
    backup_plan_id: str
    backup_plan_version: str  # the version that made the last backup
    backup_rule_id: str
    backup_rule_name: str
    schedule_expression: str
    schedule_timezone: str
    start_window_minutes: int
    in_job_listings: bool  # False: it stopped before the 30 days the listings keep


@dataclass(frozen=True)
class CopyGap:
    """A completed backup's copy to one destination that never ran, or ended badly."""

    account_id: str
    region: str
    backup_job_id: str
    recovery_point_arn: str
    resource_arn: str
    completed_at: datetime  # the backup's completion
    destination_vault_arn: str
    backup_plan_id: str
    backup_rule_id: str
    copy_job_id: str | None  # None: no copy job to this destination
    copy_state: str | None  # FAILED or PARTIAL; None when there is no copy job


@dataclass(frozen=True)
class FailingResource:
    """A resource whose backups fail: a failure ``report failures`` names, not a gap."""

    account_id: str
    region: str
    resource_arn: str
    failing_since: datetime  # every scheduled job from then on failed (or still runs)
    last_backup_time: datetime | None  # its last completed backup's creation
    latest_job_id: str


@dataclass(frozen=True)
class Gaps:
    """Every gap, and every failing resource, of some accounts and regions."""

    stopped: tuple[StoppedResource, ...] = ()
    copies: tuple[CopyGap, ...] = ()
    failing: tuple[FailingResource, ...] = ()

    def __add__(self, other: Gaps) -> Gaps:
        return Gaps(
            self.stopped + other.stopped,
            self.copies + other.copies,
            self.failing + other.failing,
        )


def _stopped(estate: Estate, latest: dict[str, Job], now: float) -> list[StoppedResource]:
    found: list[StoppedResource] = []
    for protection in estate.protections:
        if protection.stopped_at is None:
            continue
        job = latest[protection.resource.arn]
        assert job.origin is not None  # the last backup before a stop is a scheduled one
        record, rule = job.record, job.origin.rule
        found.append(
            StoppedResource(
                account_id=estate.account_id,
                region=estate.region,
                resource_arn=protection.resource.arn,
                resource_type=protection.resource.type,
                resource_name=protection.resource.name,
                last_backup_time=_when(record["CreationDate"]),
                last_completion_time=_when(record["CompletionDate"]),
                last_backup_job_id=job.job_id,
                last_recovery_point_arn=record["RecoveryPointArn"],
                last_backup_vault_arn=record["BackupVaultArn"],
                stopped_at=_when(protection.stopped_at),
                backup_plan_id=job.origin.plan.plan_id,
                backup_plan_version=job.origin.version.version_id,
                backup_rule_id=rule.rule_id,
                backup_rule_name=rule.name,
                schedule_expression=rule.schedule,
                schedule_timezone=rule.timezone,
                start_window_minutes=rule.start_window,
                in_job_listings=job.created >= now - WINDOW,
            )
        )
    return found


def _copies(estate: Estate, backups: list[Job], copies: list[Job], now: float) -> list[CopyGap]:
    made = {
        (job.record["CreatedByBackupJobId"], job.record["DestinationBackupVaultArn"]): job
        for job in copies
    }
    parents = {job.job_id: job for job in backups if job.record["IsParent"]}
    found: list[CopyGap] = []
    for backup in backups:
        record = backup.record
        if backup.origin is None or record["State"] != "COMPLETED":
            continue
        # A child is copied with its composite, once the composite is over.
        composite = parents.get(record.get("ParentJobId", ""))
        settled = (composite or backup).record.get("CompletionDate", now)
        if max(settled, record["CompletionDate"]) > now - COPY_SETTLED:
            continue
        for destination in backup.origin.rule.destinations:
            copy = made.get((backup.job_id, destination))
            if copy is not None and copy.record["State"] not in _BROKEN_COPY:
                continue
            found.append(
                CopyGap(
                    account_id=estate.account_id,
                    region=estate.region,
                    backup_job_id=backup.job_id,
                    recovery_point_arn=record["RecoveryPointArn"],
                    resource_arn=record["ResourceArn"],
                    completed_at=_when(record["CompletionDate"]),
                    destination_vault_arn=destination,
                    backup_plan_id=backup.origin.plan.plan_id,
                    backup_rule_id=backup.origin.rule.rule_id,
                    copy_job_id=copy.job_id if copy else None,
                    copy_state=copy.record["State"] if copy else None,
                )
            )
    return found


def _failing(estate: Estate, backups: list[Job], latest: dict[str, Job]) -> list[FailingResource]:
    found: list[FailingResource] = []
    for protection in estate.protections:
        if protection.failing_since is None:
            continue
        arn = protection.resource.arn
        mine = [job for job in backups if job.record["ResourceArn"] == arn]
        newest = min(mine, key=lambda job: job.sort_key)
        last = latest.get(arn)
        found.append(
            FailingResource(
                account_id=estate.account_id,
                region=estate.region,
                resource_arn=arn,
                failing_since=_when(protection.failing_since),
                last_backup_time=_when(last.record["CreationDate"]) if last else None,
                latest_job_id=newest.job_id,
            )
        )
    return found


def find_gaps(
    estate: Estate, backups: list[Job], unlisted: list[Job], copies: list[Job], now: float
) -> Gaps:
    """The gaps of one estate, read from its jobs: ``backups`` listed, ``unlisted`` older."""
    latest = latest_completed(backups + unlisted)
    return Gaps(
        stopped=tuple(_stopped(estate, latest, now)),
        copies=tuple(_copies(estate, backups, copies, now)),
        failing=tuple(_failing(estate, backups, latest)),
    )
