"""Describe one job: the use case behind ``job describe``.

Job ids of all three kinds look alike, so the Describe call of every kind is tried in
every target at once; the first job found wins. With no ``--region``, the targets are
every region the accounts searched have enabled (``--region all``): a few dozen calls for
the caller's account, all in flight together.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from backupctl.app.connect import connect
from backupctl.app.reading import JobFailure, expected
from backupctl.app.requests import Where
from backupctl.domain.errors import BackupctlError, ExitStatus, UsageError
from backupctl.domain.job import JobDetail, Kind
from backupctl.domain.outcome import Failure
from backupctl.domain.query import Listing
from backupctl.domain.targets import Access, Plan, Target
from backupctl.engine.gather import gather

_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_GUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")


def check_job_id(job_id: str) -> str:
    """``job_id`` as AWS spells it, if it could be a job id; UsageError otherwise (before
    any call). AWS's job ids are upper-case GUIDs and Describe calls match them exactly,
    so a GUID in lower (or mixed) case is upper-cased."""
    if not _JOB_ID.fullmatch(job_id):
        raise UsageError(f"JOB_ID: {job_id!r} is not a job id")
    return job_id.upper() if _GUID.fullmatch(job_id) else job_id


@dataclass(frozen=True, slots=True)
class Search:
    """Where a job was looked for, and what was found; ``tries`` counts the Describe calls
    that could have found it (not those of regions ``--region all`` expected to be off)."""

    job_id: str
    plan: Plan
    targets: Sequence[Target]
    kinds: tuple[Kind, ...]
    found: JobDetail | None
    failures: tuple[JobFailure, ...]
    tries: int

    @property
    def status(self) -> ExitStatus:
        """OK when found; FINDINGS (no such job) when every place answered; PARTIAL or
        UNREADABLE when some or all places could not be searched."""
        if self.found is not None:
            return ExitStatus.OK
        if not self.failures:
            return ExitStatus.FINDINGS
        return ExitStatus.PARTIAL if len(self.failures) < self.tries else ExitStatus.UNREADABLE


def describe_targets(plan: Plan) -> Sequence[Target]:
    """Where ``job describe`` looks: Describe calls take no ByAccountId, so the org view
    can only look in the caller's own account."""
    if plan.access is not Access.ORG_VIEW:
        return plan.targets
    return [Target(plan.caller_account, r, Access.CALLER) for r in plan.regions]


def describe_job(where: Where, job_id: str, kinds: tuple[Kind, ...]) -> Search:
    """Try every kind's Describe call in every target at once; with no regions named, in
    every region enabled for the accounts searched."""
    from backupctl.aws.backup_jobs import BackupReader

    job_id = check_job_id(job_id)
    if not where.targets.regions:
        where = dataclasses.replace(
            where, targets=dataclasses.replace(where.targets, regions=("all",))
        )
    connector, plan = connect(where)
    reader = BackupReader(connector)
    targets = describe_targets(plan)
    tries = [(target, kind) for target in targets for kind in kinds]
    results = gather(
        lambda tried: reader.describe(tried[0], tried[1], job_id),
        tries,
        concurrency=where.concurrency,
        call_timeout=where.timeout,
        stop_at=lambda detail: detail is not None,  # the first job found wins
    )
    found = next((r for r in results if isinstance(r, JobDetail)), None)
    failed = [
        Failure(target, Listing(kind, {}), result)
        for (target, kind), result in zip(tries, results, strict=True)
        if isinstance(result, BackupctlError)
    ]
    failures = tuple(f for f in failed if not expected(plan, f))
    counted = len(tries) - (len(failed) - len(failures))
    return Search(job_id, plan, targets, kinds, found, failures, counted)
