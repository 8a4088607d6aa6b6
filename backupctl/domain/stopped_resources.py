"""Stopped resources: a last completed backup, no backup job since, and a next one overdue.

A resource is a candidate when no backup job of it was made after its last completed
backup: one whose later jobs failed (or still run) is a failure, not a gap. A candidate
is stopped when the backup its own evidence expected is overdue. The evidence, best
first: ``--rpo``; the rule of the plan version that made the last backup (GetBackupPlan:
its next run after the last backup, plus its start window, by which a scheduled job
exists or has expired; a backup started on demand has no rule, and the rule of the
resource's newest scheduled job stands in); the rule's schedule as the job records it
(AWS's default start window assumed); the resource's own history (the median interval
between its completed backups, and as much again as grace).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from backupctl.domain.durations import duration_text
from backupctl.domain.gaps import Evidence, Expectation, StoppedGap
from backupctl.domain.protection import (
    DEFAULT_START_WINDOW,
    Creator,
    PlanVersion,
    ProtectedResource,
    Rule,
    TracedJob,
)
from backupctl.domain.schedule import ScheduleError, interval, parse

_UTC_NAMES = frozenset({"Etc/UTC", "UTC", "Etc/GMT", "GMT"})


@dataclass(frozen=True, slots=True)
class LastBackup:
    """A resource with no backup job since its last completed backup: a candidate."""

    account_id: str
    region: str
    resource_arn: str
    resource_type: str | None
    resource_name: str | None
    time: datetime
    recovery_point_arn: str | None
    vault_arn: str | None
    job_id: str | None  # None: no job listing shows the backup (older than 30 days)
    creator: Creator | None
    history: tuple[datetime, ...]  # creation times of its listed completed backups


def _completed_times(jobs: Sequence[TracedJob]) -> tuple[datetime, ...]:
    return tuple(
        sorted(t.job.created_at for t in jobs if t.job.state == "COMPLETED" and t.job.created_at)
    )


def _by_resource(backups: Sequence[TracedJob]) -> dict[str, list[TracedJob]]:
    found: dict[str, list[TracedJob]] = {}
    for traced in backups:
        if traced.job.resource_arn:
            found.setdefault(traced.job.resource_arn, []).append(traced)
    return found


def candidates(
    backups: Sequence[TracedJob], protected: Sequence[ProtectedResource] | None
) -> list[LastBackup]:
    """The resources of one account and region with nothing since their last backup.

    With ``protected`` (ListProtectedResources), every protected resource counts, also
    one whose last backup no job listing shows; without it (the org view of a member
    account), the resources of the job listings, each last backup being its newest
    completed job.
    """
    jobs = _by_resource(backups)
    if protected is None:
        return [last for mine in jobs.values() if (last := _newest_completed(mine))]
    found: list[LastBackup] = []
    for resource in protected:
        mine = jobs.get(resource.resource_arn, [])
        point = resource.last_recovery_point_arn
        if any(_since(t, resource.last_backup_time, point) for t in mine):
            continue
        made = next((t for t in mine if point and t.job.recovery_point_arn == point), None)
        found.append(
            LastBackup(
                account_id=resource.account_id,
                region=resource.region,
                resource_arn=resource.resource_arn,
                resource_type=resource.resource_type,
                resource_name=resource.resource_name,
                time=resource.last_backup_time,
                recovery_point_arn=point,
                vault_arn=resource.last_backup_vault_arn,
                job_id=made.job.job_id if made else None,
                creator=(made.creator if made else None) or _scheduled_by(mine),
                history=_completed_times(mine),
            )
        )
    return found


def _newest_completed(mine: Sequence[TracedJob]) -> LastBackup | None:
    """One resource's newest completed job, if no job was made after it."""
    done = [(t.job.created_at, t) for t in mine if t.job.state == "COMPLETED" and t.job.created_at]
    if not done:
        return None
    created, last = max(done, key=lambda pair: pair[0])
    if any(_since(t, created, last.job.recovery_point_arn) for t in mine if t is not last):
        return None
    job = last.job
    return LastBackup(
        account_id=job.account_id or "",
        region=job.region,
        resource_arn=job.resource_arn or "",
        resource_type=job.resource_type,
        resource_name=job.resource_name,
        time=created,
        recovery_point_arn=job.recovery_point_arn,
        vault_arn=job.vault_arn,
        job_id=job.job_id,
        creator=last.creator or _scheduled_by(mine),
        history=_completed_times(mine),
    )


def _scheduled_by(mine: Sequence[TracedJob]) -> Creator | None:
    """The rule of a resource's newest scheduled job: its schedule still holds when the
    last backup was one started on demand (whose times would mislead a history)."""
    made = [(t.job.created_at, t.creator) for t in mine if t.creator and t.job.created_at]
    return max(made, key=lambda pair: pair[0])[1] if made else None


def _since(traced: TracedJob, last: datetime, point: str | None) -> bool:
    """Whether a job was made after the last backup (a job of unknown time counts)."""
    job = traced.job
    if point is not None and job.recovery_point_arn == point:
        return False
    return job.created_at is None or job.created_at > last


def _zone_text(timezone: str | None) -> str:
    return f" {timezone}" if timezone and timezone not in _UTC_NAMES else ""


def _from_schedule(
    last: datetime, expression: str, timezone: str | None, window: timedelta
) -> tuple[timedelta | None, datetime | None] | None:
    """(interval, when the next run's job is overdue) by a schedule; None if unreadable;
    an overdue time of None when the schedule never runs again."""
    try:
        schedule = parse(expression, timezone)
    except ScheduleError:
        return None
    upcoming = schedule.next_after(last)
    return interval(schedule, last), (upcoming + window if upcoming else None)


def expect(
    candidate: LastBackup, rpo: timedelta | None, version: PlanVersion | None
) -> tuple[Expectation | None, Rule | None, bool]:
    """(expectation, the plan rule it rests on, judged): judged False when nothing told
    when a backup was due; an expectation of None when none is due (the rule never runs
    again)."""
    if rpo is not None:
        text = f"--rpo {duration_text(rpo)}"
        return Expectation(Evidence.RPO, text, rpo, candidate.time + rpo), None, True
    creator = candidate.creator
    rule = version.rules.get(creator.rule_id or "") if version and creator else None
    if version is not None and rule is not None and rule.schedule:
        read = _from_schedule(candidate.time, rule.schedule, rule.timezone, rule.start_window)
        if read is not None:
            every, overdue = read
            text = (
                f"plan {version.name} rule {rule.name} {rule.schedule}"
                f"{_zone_text(rule.timezone)}, start window {duration_text(rule.start_window)}"
            )
            due = Expectation(Evidence.PLAN, text, every, overdue) if overdue else None
            return due, rule, True
    if creator is not None and creator.rule_cron:
        read = _from_schedule(
            candidate.time, creator.rule_cron, creator.rule_timezone, DEFAULT_START_WINDOW
        )
        if read is not None:
            every, overdue = read
            plan = f"plan {creator.plan_name} " if creator.plan_name else ""
            text = (
                f"{plan}rule {creator.rule_name or creator.rule_id} {creator.rule_cron}"
                f"{_zone_text(creator.rule_timezone)}, as its backup job records it "
                f"(start window: AWS's default {duration_text(DEFAULT_START_WINDOW)})"
            )
            due = Expectation(Evidence.JOB, text, every, overdue) if overdue else None
            return due, None, True
    gaps = sorted(b - a for a, b in zip(candidate.history, candidate.history[1:], strict=False))
    if gaps:
        usual = gaps[len(gaps) // 2]
        text = f"history: every {duration_text(usual)}"
        return Expectation(Evidence.HISTORY, text, usual, candidate.time + 2 * usual), None, True
    return None, None, False


def stopped_gap(candidate: LastBackup, expected: Expectation, rule: Rule | None) -> StoppedGap:
    """The gap of a candidate whose expected backup is overdue."""
    creator = candidate.creator
    return StoppedGap(
        account_id=candidate.account_id,
        region=candidate.region,
        resource_arn=candidate.resource_arn,
        resource_type=candidate.resource_type,
        resource_name=candidate.resource_name,
        last_backup_time=candidate.time,
        last_backup_job_id=candidate.job_id,
        last_recovery_point_arn=candidate.recovery_point_arn,
        last_backup_vault_arn=candidate.vault_arn,
        backup_plan_id=creator.plan_id if creator else None,
        backup_plan_version=creator.plan_version if creator else None,
        backup_rule_id=creator.rule_id if creator else None,
        backup_rule_name=rule.name if rule else (creator.rule_name if creator else None),
        schedule_expression=rule.schedule if rule else (creator.rule_cron if creator else None),
        schedule_timezone=rule.timezone if rule else (creator.rule_timezone if creator else None),
        start_window=rule.start_window if rule else None,
        expected=expected,
    )
