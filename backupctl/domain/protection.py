"""What AWS says about how resources are protected, as a gap report reads it: jobs traced to
the plan rule that made them, protected resources, and the rules of plan versions.

The job record (``domain.job.Job``) is the contract of ``jobs list`` and stays as it is;
what only a gap report needs (the plan version, the rule's schedule, the backup job a copy
was made from) travels beside it in a ``TracedJob``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from backupctl.domain.job import Job, Kind

# AWS Backup's default start window, when a rule sets none: a scheduled job that has not
# started this long after its time expires.
DEFAULT_START_WINDOW = timedelta(hours=8)


class Creator(NamedTuple):
    """The plan rule that made a job or a recovery point (AWS's ``RecoveryPointCreator``)."""

    plan_id: str
    plan_version: str | None
    rule_id: str | None
    plan_name: str | None
    rule_name: str | None
    rule_cron: str | None
    rule_timezone: str | None


class TracedJob(NamedTuple):
    """A backup or copy job with what made it: ``creator`` None for a job started on
    demand; ``source_job_id`` for a copy, the backup job it copies (``CreatedByBackupJobId``)."""

    job: Job
    creator: Creator | None
    source_job_id: str | None


class ProtectedResource(NamedTuple):
    """One entry of ListProtectedResources: a resource and its last completed backup."""

    account_id: str
    region: str
    resource_arn: str
    resource_type: str | None
    resource_name: str | None
    last_backup_time: datetime
    last_recovery_point_arn: str | None
    last_backup_vault_arn: str | None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of one plan version, as GetBackupPlan gives it."""

    rule_id: str
    name: str
    schedule: str | None  # cron(...) or rate(...); None: the rule runs on demand only
    timezone: str | None
    start_window: timedelta
    destinations: tuple[str, ...]  # the vault ARNs of its CopyActions


@dataclass(frozen=True, slots=True)
class PlanVersion:
    """One version of one backup plan: its name and its rules by id."""

    plan_id: str
    version_id: str | None
    name: str
    rules: Mapping[str, Rule]


PlanKey = tuple[str, str, str, str | None]  # account, region, plan id, version id


def plan_key(account_id: str, region: str, creator: Creator) -> PlanKey:
    """Where a creator's plan version is read, and which: one GetBackupPlan per key."""
    return (account_id, region, creator.plan_id, creator.plan_version)


class Source(StrEnum):
    """What one chain of calls of a gap report reads."""

    BACKUP_JOBS = "backup jobs"
    COPY_JOBS = "copy jobs"
    PROTECTED = "protected resources"
    PLANS = "backup plans"
    RECOVERY_POINTS = "recovery points"


_KINDS = {Source.BACKUP_JOBS: Kind.BACKUP, Source.COPY_JOBS: Kind.COPY}


@dataclass(frozen=True, slots=True)
class GapListing:
    """One chain of calls a gap report reads (the fan-out's ``L``): the job listings of
    the 30 days the API keeps, or ListProtectedResources; plan and recovery point reads
    are named by it when they fail."""

    source: Source

    @property
    def kind(self) -> Kind | None:
        """The kind of job listed, if it is a job listing."""
        return _KINDS.get(self.source)

    def __str__(self) -> str:
        return self.source.value
