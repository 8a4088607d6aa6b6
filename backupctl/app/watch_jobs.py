"""Watch jobs: the refresh of ``jobs watch``, without the view.

Each refresh lists the active jobs, compares them with the previous refresh, describes
the jobs that left the active states (their final state), and says what to show. The
CLI draws it and counts down to the next one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from backupctl.app.reading import Reading
from backupctl.app.requests import Where
from backupctl.domain.changes import JobKey, Unread, compare, job_key, settle
from backupctl.domain.errors import RegionNotEnabledError
from backupctl.domain.job import Job, JobDetail, Kind, identity
from backupctl.domain.outcome import Outcome
from backupctl.domain.page import Page
from backupctl.domain.query import Listing, Query, parse_when
from backupctl.domain.targets import Access, Plan, Target
from backupctl.engine import fanout
from backupctl.engine.gather import gather

WATCHED_STATES = ("CREATED", "PENDING", "RUNNING")


class Reader(Protocol):
    """Pages of jobs and single jobs: ``aws.backup_jobs.BackupReader`` in production."""

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]: ...

    def describe(self, target: Target, kind: Kind, job_id: str) -> JobDetail | None: ...


@dataclass(frozen=True, slots=True)
class Refresh:
    """What one refresh found: the jobs still active, those that just ended (their final
    state, None where it could not be read), and the targets that could not be read."""

    active: tuple[Job, ...]
    finished: tuple[Job, ...]
    now: datetime
    unreadable: tuple[str, ...]
    reading: Reading


class Watch:
    """The refreshes of one watch: each compared with the one before."""

    def __init__(
        self,
        reader: Reader,
        plan: Plan,
        query: Query,
        where: Where,
        *,
        since: str | None = None,
        clock: Callable[[], datetime],
    ) -> None:
        """``since`` is the ``--since`` text: a relative one slides with the clock."""
        self._reader, self._plan, self._query, self._where = reader, plan, query, where
        self._since, self._clock = since, clock
        self._targets = list(plan.targets)
        self._previous: dict[JobKey, Job] = {}

    def refresh(self, progress: fanout.Progress[Listing] | None = None) -> Refresh:
        """One refresh: list, compare, describe the jobs that left, and say what to show."""
        now = self._clock()
        query = self._query
        if self._since is not None:
            query = dataclasses.replace(query, since=parse_when(self._since, now))
        listed, outcome = self._read(query, progress)
        change = compare(self._previous, listed, Unread.of(outcome.failures), query.since)
        cycle = settle(change, self._describe(change.gone))
        self._previous = cycle.keyed
        reading = Reading.of(self._plan, outcome)
        if self._plan.all_regions:
            # A region the account has not enabled stays so: not asked again every refresh.
            off = {f.target for f in outcome.failures if isinstance(f.error, RegionNotEnabledError)}
            self._targets = [target for target in self._targets if target not in off]
        unreadable = tuple(sorted({str(failure.target) for failure in reading.failures}))
        return Refresh(cycle.active, cycle.finished, now, unreadable, reading)

    def _read(
        self, query: Query, progress: fanout.Progress[Listing] | None
    ) -> tuple[list[Job], Outcome[Listing]]:
        """One fan-out of the query's listings."""
        listed: list[Job] = []
        work: list[fanout.Work[Listing]] = fanout.plan_work(self._targets, query.listings())
        outcome = fanout.run(
            self._reader,
            work,
            listed.extend,
            concurrency=self._where.concurrency,
            progress=progress,
            call_timeout=self._where.timeout,
            key=identity,
        )
        return listed, outcome

    def _describe(self, gone: Sequence[Job]) -> dict[JobKey, Job | None]:
        """The final record of each job that left the active states; None where unreadable."""
        if not gone:
            return {}

        def final(job: Job) -> Job | None:
            detail = self._reader.describe(self._target(job), job.kind, job.job_id)
            return detail.job if detail is not None else None

        results = gather(
            final, gone, concurrency=self._where.concurrency, call_timeout=self._where.timeout
        )
        return {
            job_key(job): result if isinstance(result, Job) else None
            for job, result in zip(gone, results, strict=True)
        }

    def _target(self, job: Job) -> Target:
        """Where the job lives, reached the way the refresh reached it."""
        caller = self._plan.caller_account
        account = job.account_id or caller
        access = Access.CALLER if account == caller else self._plan.access
        return Target(account, job.region, access)
