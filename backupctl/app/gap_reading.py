"""One pass of the fan-out for a gap report: every target's backup and copy jobs of the
30 days the API keeps, traced to their plan rules, and the protected resources of every
account that can be read in full; with ``report failures --gaps``, the failure report's
own listings in the same pass.

An account can be read in full with ``--role`` (every target account) and as the caller
(its own account): ListProtectedResources and GetBackupPlan take no account id, so the
org view reads the caller's own account in full and the other accounts from their job
listings alone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backupctl.app.reading import ReadingOf, open_progress
from backupctl.app.requests import Hooks, Where
from backupctl.domain.job import Job, Kind, identity
from backupctl.domain.protection import GapListing, ProtectedResource, Source, TracedJob
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Plan, Target
from backupctl.engine import fanout

if TYPE_CHECKING:
    from backupctl.aws.gap_reader import GapReader, ReportItem, ReportListing

    GapWork = fanout.Work[ReportListing]

JOB_LISTINGS = (GapListing(Source.BACKUP_JOBS), GapListing(Source.COPY_JOBS))
PROTECTED = GapListing(Source.PROTECTED)
Place = tuple[str, str]  # account id, region


def read_in_full(target: Target) -> bool:
    """Whether the account's protected resources and plans can be read (not the org view)."""
    return target.access is not Access.ORG_VIEW


def _work(targets: Sequence[Target], caller: str, also: Sequence[Listing]) -> list[GapWork]:
    """The chains of some targets: ``also`` (a failure report's listings), the job
    listings, and ListProtectedResources where the account can be read in full."""
    listings: list[ReportListing] = [*also, *JOB_LISTINGS]
    work: list[GapWork] = fanout.plan_work(targets, listings)
    full = [t for t in targets if read_in_full(t)]
    # The org view of the whole organization lists every account at once; the caller's
    # own protected resources are still its own to read.
    full += [
        Target(caller, t.region, Access.CALLER) for t in targets if t.account_id == ALL_ACCOUNTS
    ]
    return work + fanout.plan_work(full, [PROTECTED])


def _identity(item: ReportItem) -> Hashable | None:
    """What makes an item of a chain a repeat of another: a job's id, a resource's ARN."""
    if isinstance(item, ProtectedResource):
        return item.resource_arn
    return identity(item.job if isinstance(item, TracedJob) else item)


def full_places(plan: Plan) -> set[Place]:
    """The accounts and regions read in full (the plan's targets are all known once the
    fan-out has read the accounts Organizations was still listing)."""
    full = {(t.account_id, t.region) for t in plan.targets if read_in_full(t)}
    caller = plan.caller_account
    return full | {(caller, t.region) for t in plan.targets if t.account_id == ALL_ACCOUNTS}


@dataclass(slots=True)
class Sightings:
    """What the pass read, by account and region."""

    backups: dict[Place, list[TracedJob]] = field(default_factory=dict)
    copies: dict[Place, list[TracedJob]] = field(default_factory=dict)
    protected: dict[Place, list[ProtectedResource]] = field(default_factory=dict)

    def places(self) -> list[Place]:
        """Every account and region something was read of."""
        return sorted({*self.backups, *self.copies, *self.protected})

    def take(self, items: Sequence[ReportItem], on_jobs: Callable[[Sequence[Job]], None]) -> None:
        """File one page (a chain's pages carry one type): plain jobs, the failure
        report's, go to ``on_jobs``."""
        first = items[0]
        if isinstance(first, TracedJob):
            shelf = self.copies if first.job.kind is Kind.COPY else self.backups
            for traced in items:
                assert isinstance(traced, TracedJob)
                shelf.setdefault((traced.job.account_id or "", traced.job.region), []).append(
                    traced
                )
        elif isinstance(first, ProtectedResource):
            for resource in items:
                assert isinstance(resource, ProtectedResource)
                place = (resource.account_id, resource.region)
                self.protected.setdefault(place, []).append(resource)
        else:
            on_jobs([job for job in items if isinstance(job, Job)])


def read_for_gaps(
    reader: GapReader,
    plan: Plan,
    where: Where,
    hooks: Hooks,
    also: Sequence[Listing] = (),
    on_jobs: Callable[[Sequence[Job]], None] = lambda jobs: None,
) -> tuple[Sightings, ReadingOf[ReportListing]]:
    """Read every chain of a gap report (and ``also``) over ``plan``, the accounts
    Organizations is still listing included, in one fan-out."""
    work = _work(plan.targets, plan.caller_account, also)
    more: Iterator[list[GapWork]] | None = None
    if plan.pending is not None:
        more = (_work(targets, plan.caller_account, also) for targets in plan.more_targets())
    sightings = Sightings()
    progress = open_progress(hooks, plan)
    run = fanout.FanOut(
        reader,
        work,
        concurrency=where.concurrency,
        progress=progress.update if progress is not None else None,
        call_timeout=where.timeout,
        more=more,
        key=_identity,
    )
    try:
        for page in run:
            sightings.take(page, on_jobs)
    finally:
        if progress is not None:
            progress.close()
    return sightings, ReadingOf.of(plan, run.outcome)
