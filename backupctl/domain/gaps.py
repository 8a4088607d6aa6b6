"""The gap report: what did not happen, and what each finding rests on.

Two kinds of gap. A **stopped** resource: its last completed backup is older than its
expected interval plus grace, and no backup job at all was made since (a job that was
made and failed is a failure, which ``report failures`` tells). A **copy** gap: a
completed backup made by a rule with copy actions, settled for ``--copy-grace``, whose
copy to one destination never started, or ended FAILED, ABORTED or PARTIAL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from backupctl.domain.job import format_time
from backupctl.domain.problems import Unreadable

# How long after a backup completes its copies may still be missing. AWS starts a rule's
# copy jobs when the backup completes, within minutes, and a copy job that waits for a
# concurrency quota already exists (CREATED): four hours is ample, and short enough that
# the copies of a nightly backup are checked by the next morning's report.
DEFAULT_COPY_GRACE = timedelta(hours=4)


class Evidence(StrEnum):
    """What a gap's expectation rests on."""

    RPO = "rpo"  # --rpo: the interval the user gave
    PLAN = "plan"  # the plan version's rule, read with GetBackupPlan
    JOB = "job"  # the rule's schedule as the backup job records it (no start window)
    HISTORY = "history"  # the resource's own completed backups
    COPIES = "copies"  # where the same rule's other backups were copied to


@dataclass(frozen=True, slots=True)
class Expectation:
    """When the next backup was due, and why: ``interval`` between backups (None when
    the schedule gives none), overdue from ``overdue_since``."""

    evidence: Evidence
    text: str  # for people: "plan acme-daily rule DailyBackups cron(0 5 ? * * *), ..."
    interval: timedelta | None
    overdue_since: datetime


@dataclass(frozen=True, slots=True)
class StoppedGap:
    """A protected resource whose backups stopped: nothing since ``last_backup_time``."""

    account_id: str
    region: str
    resource_arn: str
    resource_type: str | None
    resource_name: str | None
    last_backup_time: datetime
    last_backup_job_id: str | None  # None: no job listing shows it (older than 30 days)
    last_recovery_point_arn: str | None
    last_backup_vault_arn: str | None
    backup_plan_id: str | None
    backup_plan_version: str | None
    backup_rule_id: str | None
    backup_rule_name: str | None
    schedule_expression: str | None
    schedule_timezone: str | None
    start_window: timedelta | None  # None: not read (the org view, or --rpo)
    expected: Expectation


@dataclass(frozen=True, slots=True)
class CopyGap:
    """A completed backup's copy to one destination that never ran, or ended badly."""

    account_id: str
    region: str
    backup_job_id: str
    recovery_point_arn: str | None
    resource_arn: str | None
    resource_type: str | None
    resource_name: str | None
    completed_at: datetime
    destination_vault_arn: str
    copy_job_id: str | None  # None: no copy job to this destination
    copy_state: str | None
    backup_plan_id: str
    backup_plan_version: str | None
    backup_rule_id: str | None
    expected: Expectation


class GapKey(NamedTuple):
    """A gap's identity for ``--new``: a stopped resource is the same gap while its last
    backup is the same; a copy gap is one backup's copy to one destination."""

    gap: str  # "stopped" or "copy"
    account_id: str
    region: str
    subject: str  # the resource ARN, or the backup job id
    detail: str  # the last backup's time (RFC 3339), or the destination vault ARN


def gap_key(gap: StoppedGap | CopyGap) -> GapKey:
    """The identity of a gap for ``--new``."""
    if isinstance(gap, StoppedGap):
        since = format_time(gap.last_backup_time) or ""
        return GapKey("stopped", gap.account_id, gap.region, gap.resource_arn, since)
    return GapKey("copy", gap.account_id, gap.region, gap.backup_job_id, gap.destination_vault_arn)


@dataclass(slots=True)
class GapSummary:
    """What a gap report says: the gaps, what was checked, and what could not be read.

    ``jobs_only`` are the accounts judged from their job listings alone (the org view's
    member accounts: their protected resources and plans need ``--role``); ``unjudged``
    counts resources with nothing since their last backup whose interval nothing told.
    """

    now: datetime
    rpo: timedelta | None
    copy_grace: timedelta
    stopped: list[StoppedGap]
    copies: list[CopyGap]
    targets: int
    unreadable: list[Unreadable]
    resources_checked: int = 0
    backups_checked: int = 0
    unjudged: int = 0
    jobs_only: tuple[str, ...] = ()
    account_names: Mapping[str, str] = field(default_factory=dict)
    already_reported: int = 0

    @property
    def gaps(self) -> int:
        """How many gaps are reported."""
        return len(self.stopped) + len(self.copies)

    @property
    def targets_read(self) -> int:
        """Targets read in full."""
        return self.targets - len({(u.account_id, u.region) for u in self.unreadable})
