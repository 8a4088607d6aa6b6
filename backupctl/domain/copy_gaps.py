"""Copy gaps: a completed backup whose planned copy to a destination never ran, or failed.

A backup counts once it has been complete for ``--copy-grace``: AWS starts a rule's copies
when its backup completes, so by then every copy job exists (it may still be running,
which is no gap). A composite's children are copied with their composite, once it is
over: until then they are not counted. The destinations are the rule's ``CopyActions``
(GetBackupPlan), or, where the plan cannot be read (the org view of a member account),
the vaults the same rule's other backups were copied to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from backupctl.domain.gaps import CopyGap, Evidence, Expectation
from backupctl.domain.job import Job, newest_first
from backupctl.domain.protection import Creator, TracedJob

BROKEN_COPY_STATES = frozenset({"FAILED", "ABORTED", "PARTIAL"})

# Where a backup's copies should go, and why: (destination vault ARNs, evidence, words).
Destinations = tuple[tuple[str, ...], Evidence, str]
RuleId = tuple[str, str | None, str | None]  # plan id, version, rule id


def settled(backups: Sequence[TracedJob], now: datetime, grace: timedelta) -> Iterator[TracedJob]:
    """The completed backups made by a plan whose copies should all exist by now."""
    composites = {t.job.job_id: t.job for t in backups if t.job.is_parent}
    for traced in backups:
        job = traced.job
        if job.state != "COMPLETED" or traced.creator is None or job.completed_at is None:
            continue
        done = job.completed_at
        composite = composites.get(job.parent_job_id or "")
        if composite is not None:
            if composite.completed_at is None:
                continue  # its composite is still going: the copies wait for it
            done = max(done, composite.completed_at)
        if done <= now - grace:
            yield traced


def rule_of(creator: Creator) -> RuleId:
    """The plan rule a creator names, version included."""
    return (creator.plan_id, creator.plan_version, creator.rule_id)


def copied_to(copies: Sequence[TracedJob], backups: Sequence[TracedJob]) -> dict[RuleId, set[str]]:
    """Where each rule's backups were copied to, as the copy jobs show (a copy's own
    creator, else its backup's)."""
    makers = {t.job.job_id: t.creator for t in backups}
    found: dict[RuleId, set[str]] = {}
    for copy in copies:
        creator = copy.creator or makers.get(copy.source_job_id or "")
        if creator is not None and copy.job.destination_vault_arn:
            found.setdefault(rule_of(creator), set()).add(copy.job.destination_vault_arn)
    return found


def _copies_by_source(copies: Sequence[TracedJob]) -> dict[tuple[str, str], list[Job]]:
    """Copy jobs by (source recovery point or source backup job, destination)."""
    found: dict[tuple[str, str], list[Job]] = {}
    for copy in copies:
        destination = copy.job.destination_vault_arn or ""
        for source in {copy.job.recovery_point_arn, copy.source_job_id} - {None}:
            found.setdefault((str(source), destination), []).append(copy.job)
    return found


def copy_gaps(
    backups: Sequence[TracedJob],
    copies: Sequence[TracedJob],
    destinations: Callable[[TracedJob], Destinations | None],
    now: datetime,
    grace: timedelta,
) -> tuple[list[CopyGap], int]:
    """The copy gaps of one account and region, and how many backups were checked."""
    made = _copies_by_source(copies)
    gaps: list[CopyGap] = []
    checked = 0
    for traced in settled(backups, now, grace):
        planned = destinations(traced)
        if not planned or not planned[0]:
            continue
        checked += 1
        job, creator = traced.job, traced.creator
        assert creator is not None and job.completed_at is not None  # settled() saw to it
        vaults, evidence, words = planned
        for vault in vaults:
            found = {
                copy.job_id: copy
                for source in (job.recovery_point_arn, job.job_id)
                for copy in made.get((source or "", vault), ())
            }
            if any(copy.state not in BROKEN_COPY_STATES for copy in found.values()):
                continue
            latest = min(found.values(), key=newest_first, default=None)
            gaps.append(
                CopyGap(
                    account_id=job.account_id or "",
                    region=job.region,
                    backup_job_id=job.job_id,
                    recovery_point_arn=job.recovery_point_arn,
                    resource_arn=job.resource_arn,
                    resource_type=job.resource_type,
                    resource_name=job.resource_name,
                    completed_at=job.completed_at,
                    destination_vault_arn=vault,
                    copy_job_id=latest.job_id if latest else None,
                    copy_state=latest.state if latest else None,
                    backup_plan_id=creator.plan_id,
                    backup_plan_version=creator.plan_version,
                    backup_rule_id=creator.rule_id,
                    expected=Expectation(evidence, words, None, job.completed_at + grace),
                )
            )
    return gaps, checked
