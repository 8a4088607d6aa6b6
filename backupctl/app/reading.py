"""Read the jobs of a query over resolved targets: the step every job command shares.

``read_jobs`` fans the query's listings out over the plan's targets (and those of the
accounts Organizations is still listing) and returns a ``Reading``: what was read, the
failures that count, and the regions skipped as expected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, Self, TypeVar

from backupctl.app.requests import Hooks, ProgressSink, Where
from backupctl.domain.errors import BackupctlError, ExitStatus, RegionNotEnabledError
from backupctl.domain.job import Job, Kind, identity
from backupctl.domain.outcome import Chain, Failure, Outcome
from backupctl.domain.problems import Unreadable
from backupctl.domain.query import Listing, Query
from backupctl.domain.targets import Plan, Target
from backupctl.engine import fanout

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector

JobFailure = Failure[Listing]
JobWork = fanout.Work[Listing]
C = TypeVar("C", bound=Chain)  # what a chain of the read reads
L = TypeVar("L")  # what a chain reads, as progress sees it
T = TypeVar("T")  # what the pages of a listing carry


def expected(plan: Plan, failure: Failure[L]) -> bool:
    """Whether ``failure`` was to be expected: with ``--region all``, a region the account
    has not enabled (when its enabled regions could not be learnt beforehand)."""
    return plan.all_regions and isinstance(failure.error, RegionNotEnabledError)


@dataclass(frozen=True, slots=True)
class ReadingOf(Generic[C]):
    """What a read over ``plan`` found, and what it could not.

    ``failures`` are those that count; the targets that ``expected`` failures came from
    are ``skipped`` instead, and not counted among the ``targets``.
    """

    plan: Plan
    outcome: Outcome[C]
    failures: tuple[Failure[C], ...]
    skipped: tuple[Target, ...]

    @classmethod
    def of(cls, plan: Plan, outcome: Outcome[C]) -> Self:
        """Sort the outcome's failures into those that count and the targets skipped."""
        skipped = {f.target for f in outcome.failures if expected(plan, f)}
        failures = tuple(f for f in outcome.failures if f.target not in skipped)
        return cls(plan, outcome, failures, tuple(sorted(skipped, key=str)))

    @property
    def targets(self) -> int:
        """The targets asked for and expected to answer (the skipped ones left out)."""
        return len(self.plan.targets) - len(self.skipped)

    @property
    def unfound(self) -> BackupctlError | None:
        """Why the organization's accounts could not all be listed, if they could not."""
        return self.outcome.unfound

    @property
    def status(self) -> ExitStatus:
        """OK when everything asked for was read; PARTIAL when some of it (a listing read in
        full, or any job printed); UNREADABLE when none of it."""
        if self.unfound is None and not self.failures:
            return ExitStatus.OK
        read_in_full = self.outcome.done - len(self.outcome.failures)
        read = read_in_full > 0 or self.outcome.items > 0  # anything printed is partial
        return ExitStatus.PARTIAL if read else ExitStatus.UNREADABLE


class Reading(ReadingOf[Listing]):
    """What a read of job listings found, and what it could not."""

    __slots__ = ()


class _CountedProgress:
    """A progress sink told of the failures that count only (see ``expected``)."""

    def __init__(self, sink: ProgressSink, plan: Plan) -> None:
        self._sink, self._plan = sink, plan

    def update(self, outcome: Outcome[L]) -> None:
        if any(expected(self._plan, f) for f in outcome.failures):
            kept = [f for f in outcome.failures if not expected(self._plan, f)]
            outcome = replace(outcome, failures=kept)
        self._sink.update(outcome)

    def close(self) -> None:
        self._sink.close()


def open_progress(hooks: Hooks, plan: Plan) -> ProgressSink | None:
    """The progress sink of a read over ``plan``, when someone is watching."""
    if hooks.progress is None:
        return None
    sink = hooks.progress()
    return _CountedProgress(sink, plan) if plan.all_regions else sink


def unreadable(failures: Sequence[Failure[C]]) -> list[Unreadable]:
    """The failed chains as one entry per target (account and region), what they read merged."""
    by_target: dict[tuple[str, str], list[Failure[C]]] = {}
    for failure in failures:
        by_target.setdefault((failure.target.account_id, failure.target.region), []).append(failure)
    out = []
    for (account, region), group in sorted(by_target.items()):
        kinds = tuple(k for k in Kind if any(f.listing.kind is k for f in group))
        others = tuple(sorted({str(f.listing) for f in group if f.listing.kind is None}))
        error = group[0].error
        out.append(Unreadable(account, region, kinds, error.code, error.reason, others))
    return out


def job_work(plan: Plan, query: Query) -> tuple[list[JobWork], Iterator[Sequence[JobWork]] | None]:
    """The chains to read now, and those of the accounts Organizations is still listing."""
    return listing_work(plan, query.listings())


def listing_work(
    plan: Plan, listings: Sequence[Listing]
) -> tuple[list[fanout.Work[Listing]], Iterator[Sequence[fanout.Work[Listing]]] | None]:
    """Every listing on every target of ``plan`` now, and on those of the accounts
    Organizations is still listing as they come."""
    work: list[fanout.Work[Listing]] = fanout.plan_work(plan.targets, listings)
    if plan.pending is None:
        return work, None
    more: Iterator[list[fanout.Work[Listing]]] = (
        fanout.plan_work(targets, listings) for targets in plan.more_targets()
    )
    return work, more


def job_fan_out(
    connector: Connector,
    plan: Plan,
    query: Query,
    where: Where,
    hooks: Hooks,
    progress: fanout.Progress[Listing] | None = None,
) -> fanout.FanOut[Listing, Job]:
    """The fan-out of ``query`` over ``plan``: iterate it for the pages."""
    from backupctl.aws.backup_jobs import PAGE_SIZE, BackupReader
    from backupctl.engine.windows import splitter

    work, more = job_work(plan, query)
    return fanout.FanOut(
        BackupReader(connector),
        work,
        concurrency=where.concurrency,
        limit=query.limit,
        progress=progress,
        call_timeout=where.timeout,
        split=splitter(PAGE_SIZE, hooks.clock()),
        more=more,
        key=identity,
    )


def read_jobs(
    connector: Connector,
    plan: Plan,
    query: Query,
    on_page: Callable[[Sequence[Job]], None],
    where: Where,
    hooks: Hooks,
) -> Reading:
    """Every listing of ``query`` on every target of ``plan``, those of its pending accounts
    included as Organizations lists them, each page handed to ``on_page``."""
    progress = open_progress(hooks, plan)
    on_progress = progress.update if progress is not None else None
    run = job_fan_out(connector, plan, query, where, hooks, on_progress)
    try:
        for page in run:
            on_page(page)
    finally:
        if progress is not None:
            progress.close()
    return Reading.of(plan, run.outcome)
