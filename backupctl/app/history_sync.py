"""Sync the history store: the use case behind ``history sync``.

Each listing (a target and a kind of job) is read incrementally. The store keeps, per
listing, the newest creation time a finished read saw (its mark); the next sync lists
``ByCreatedAfter`` the mark less ``OVERLAP``, which is wide enough for a job the service
lists late. Jobs the store holds in a state that can still change are brought up to date
the cheaper way, counted in calls: when they are older than that window, the listing is
widened back to the oldest of them if that costs as many pages as there are jobs, or
more, they are described one by one (all at once, ``engine.gather``); the org view
cannot describe another account's job, so there the listing is always widened.

Pages are written as they arrive, one transaction each; a listing's mark moves only once
it was read to its end. A sync stopped at any moment (``kill -9`` included) leaves whole
pages and the old marks, so the next sync reads again from there and completes the store.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from backupctl.app.connect import account_names, connect
from backupctl.app.reading import Reading, open_progress
from backupctl.app.requests import Hooks, Where
from backupctl.app.watch_jobs import Reader
from backupctl.domain.errors import BackupctlError
from backupctl.domain.history import Scope, SyncMark
from backupctl.domain.job import Job, JobDetail, Kind
from backupctl.domain.outcome import Failure, Outcome
from backupctl.domain.page import Encoded, Page
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Plan, Target
from backupctl.engine import fanout
from backupctl.engine.gather import gather
from backupctl.engine.windows import REACH, Timed, splitter

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector
    from backupctl.local.history_store import HistoryStore

# How far before its mark a listing is read again: AWS lists a job within moments of its
# creation; an hour also covers a service that lists late, for one page or so of calls.
OVERLAP = timedelta(hours=1)
# A listing whose NextToken the service refuses part-way (tokens expire) starts again, at
# most this many times; errors that carry these codes on a continued page are taken so.
RESTARTS = 2
_TOKEN_REFUSED = frozenset(
    {"InvalidParameterValueException", "InvalidNextTokenException", "ValidationException"}
)

ListingKey = tuple[Target, Kind]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync read and wrote; ``reading.status`` is its exit status."""

    path: Path
    reading: Reading
    read: int
    new: int
    changed: int


class _Tracked:
    """The reader's pages, with what a sync needs on top: a listing whose NextToken is
    refused part-way starts again, and the newest creation time of each listing is kept."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self._lock = threading.Lock()
        self.newest: dict[ListingKey, datetime] = {}

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        """The listing's pages; a restarted listing gives its first pages again (the
        store takes a job twice as once)."""
        restarts = 0
        while True:
            continued = False
            try:
                for page in self._reader.pages(target, listing):
                    self._note((target, listing.kind), page.items)
                    yield page
                    continued = page.more
                return
            except BackupctlError as error:
                if not continued or error.code not in _TOKEN_REFUSED or restarts == RESTARTS:
                    raise
                restarts += 1

    def _note(self, key: ListingKey, jobs: Sequence[Job] | Encoded[Job]) -> None:
        if isinstance(jobs, Encoded):  # a raw page: its times read without decoding it
            times = jobs.creation_times() if isinstance(jobs, Timed) else []
        else:
            times = [job.created_at for job in jobs if job.created_at is not None]
        if not times:
            return
        with self._lock:
            known = self.newest.get(key)
            self.newest[key] = max(times) if known is None else max(known, *times)


class HistorySync:
    """One sync of the store over ``where``'s targets; ``reader_of`` makes the page source
    from the connector (default: ``aws.backup_jobs.BackupReader``)."""

    def __init__(
        self,
        store: HistoryStore,
        where: Where,
        hooks: Hooks | None = None,
        reader_of: Callable[[Connector], Reader] | None = None,
    ) -> None:
        self._store, self._where, self._hooks = store, where, hooks or Hooks()
        self._reader_of = reader_of
        self._new = self._changed = 0

    def run(self) -> SyncResult:
        """Read every listing of every target into the store; move the marks of those read
        to their end."""
        from backupctl.aws.backup_jobs import PAGE_SIZE, BackupReader

        started = self._hooks.clock()
        # The targets are resolved before any listing (no streaming): planning a listing
        # reads the store, whose connection belongs to this thread.
        connector, plan = connect(self._where)
        reader = (self._reader_of or BackupReader)(connector)
        marks = {(m.account_id, m.region, m.kind): m for m in self._store.marks()}
        units: list[fanout.Work[Listing]] = []
        described: dict[ListingKey, list[Job]] = {}
        for kind in Kind:
            for target in sorted(plan.targets, key=lambda target: target.region):
                mark = marks.get((target.account_id, target.region, kind))
                listing, old_open = self._listing(mark, target, kind, started, PAGE_SIZE)
                units.append(fanout.Work(target, listing))
                if old_open:
                    described[target, kind] = old_open
        source = _Tracked(reader)
        outcome = self._read(plan, source, units, started, PAGE_SIZE)
        self._describe(reader, described, outcome)
        finished = self._hooks.clock()
        failed = {(failure.target, failure.listing.kind) for failure in outcome.failures}
        moved: list[SyncMark] = []
        for work in units:
            target, kind = work.target, work.listing.kind
            if (target, kind) not in failed:
                mark = marks.get((target.account_id, target.region, kind))
                newest = source.newest.get((target, kind))
                moved.append(_moved(mark, target, kind, newest, started, finished))
        self._store.save_marks(moved)
        if plan.accounts or not self._store.names(Scope()):
            # Names come free with the accounts resolved; an org-wide read resolves none,
            # and asks Organizations for them only while the store knows none.
            self._store.save_names(account_names(connector, plan))
        self._store.optimize()
        reading = Reading.of(plan, outcome)
        return SyncResult(self._store.path, reading, outcome.items, self._new, self._changed)

    def _listing(
        self, mark: SyncMark | None, target: Target, kind: Kind, now: datetime, page_size: int
    ) -> tuple[Listing, list[Job]]:
        """How to read one listing this time, and the old open jobs to describe instead."""
        if mark is None or mark.high_water is None:
            return Listing(kind, {}), []  # never read, or read empty: everything there is
        after = mark.high_water - OVERLAP
        account = None if target.account_id == ALL_ACCOUNTS else target.account_id
        listed_from = now - REACH  # older jobs are no longer listed, nor worth describing
        store = self._store
        old_open = [
            job
            for job in store.open_jobs(account, target.region, kind, listed_from)
            if job.created_at is not None and job.created_at < after
        ]
        if not old_open:
            return Listing(kind, {"ByCreatedAfter": after}), []
        oldest = min(job.created_at or after for job in old_open) - OVERLAP
        recent = store.count(account, target.region, kind, after, now)
        older = store.count(account, target.region, kind, oldest, after)
        pages = _pages(recent + older, page_size) - _pages(recent, page_size)
        if target.access is not Access.ORG_VIEW and len(old_open) <= pages:
            return Listing(kind, {"ByCreatedAfter": after}), old_open
        return Listing(kind, {"ByCreatedAfter": oldest}), []

    def _read(
        self,
        plan: Plan,
        source: _Tracked,
        units: list[fanout.Work[Listing]],
        now: datetime,
        page_size: int,
    ) -> Outcome[Listing]:
        """Fan the listings out, writing each page as it arrives."""
        where = self._where
        progress = open_progress(self._hooks, plan)
        run = fanout.FanOut(
            source,
            units,
            concurrency=where.concurrency,
            progress=progress.update if progress is not None else None,
            call_timeout=where.timeout,
            split=splitter(page_size, now),
        )
        try:
            for page in run:
                self._write(page)
        finally:
            if progress is not None:
                progress.close()
        return run.outcome

    def _describe(
        self, reader: Reader, described: dict[ListingKey, list[Job]], outcome: Outcome[Listing]
    ) -> None:
        """Describe the old open jobs (all at once); a listing whose jobs could not all be
        described counts as a failure (they are tried again next time)."""
        if not described:
            return
        tries = [(key, job) for key, jobs in described.items() for job in jobs]
        results = gather(
            lambda tried: reader.describe(tried[0][0], tried[0][1], tried[1].job_id),
            tries,
            concurrency=self._where.concurrency,
            call_timeout=self._where.timeout,
        )
        self._write([result.job for result in results if isinstance(result, JobDetail)])
        errors: dict[ListingKey, BackupctlError] = {}
        for (key, _), result in zip(tries, results, strict=True):
            if isinstance(result, BackupctlError):
                errors.setdefault(key, result)
        outcome.total += len(described)
        outcome.done += len(described)
        outcome.items += sum(isinstance(result, JobDetail) for result in results)
        outcome.failures += [
            Failure(target, Listing(kind, {}), error) for (target, kind), error in errors.items()
        ]

    def _write(self, jobs: Sequence[Job]) -> None:
        new, changed = self._store.write(jobs)
        self._new += new
        self._changed += changed


def _pages(jobs: int, page_size: int) -> int:
    """The calls a listing of ``jobs`` takes (an empty one takes one)."""
    return max(1, math.ceil(jobs / page_size))


def _moved(
    mark: SyncMark | None,
    target: Target,
    kind: Kind,
    newest: datetime | None,
    started: datetime,
    finished: datetime,
) -> SyncMark:
    """The mark of a listing read to its end: the newest job it ever read, and when; a
    first read covered what the API keeps, from 30 days before it started."""
    if mark is not None and mark.high_water is not None:
        newest = mark.high_water if newest is None else max(newest, mark.high_water)
    covered_from = mark.covered_from if mark is not None else started - REACH
    return SyncMark(target.account_id, target.region, kind, newest, covered_from, finished)
