"""What changed between two refreshes of ``jobs watch``: the jobs still active, those that ended.

A refresh lists the active jobs (CREATED, PENDING, RUNNING). A job listed last time and
missing now has left those states, or moved between two of them while the listings ran:
``compare`` names it, the caller describes it, and ``settle`` decides from the described
record. Jobs of a listing that failed this time are kept as they were: their fate is
unknown, and reporting them finished would be a lie.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from backupctl.domain.job import ACTIVE_STATES, Job, Kind
from backupctl.domain.outcome import Failure
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS

JobKey = tuple[Kind, str | None, str, str]
# When a job moves between two active states while the listings run, it can be listed twice.
_LATER = {"CREATED": 0, "PENDING": 1, "RUNNING": 2}


def job_key(job: Job) -> JobKey:
    """What identifies a job across refreshes: kind, account, region and id."""
    return (job.kind, job.account_id, job.region, job.job_id)


@dataclass(frozen=True, slots=True)
class Unread:
    """The listings that failed in this refresh, as (account or ``*``, region, kind)."""

    listings: frozenset[tuple[str, str, Kind]] = frozenset()

    @classmethod
    def of(cls, failures: Iterable[Failure[Listing]]) -> Unread:
        """The listings the fan-out could not read to their end."""
        return cls(
            frozenset((f.target.account_id, f.target.region, f.listing.kind) for f in failures)
        )

    def covers(self, job: Job) -> bool:
        """True when the listing that would show ``job`` failed."""
        account = job.account_id or ALL_ACCOUNTS
        return any((who, job.region, job.kind) in self.listings for who in (account, ALL_ACCOUNTS))


@dataclass(frozen=True, slots=True)
class Change:
    """One refresh compared with the previous one."""

    active: dict[JobKey, Job]
    gone: tuple[Job, ...]  # active last time, not listed now: describe these


def compare(
    previous: Mapping[JobKey, Job],
    listed: Iterable[Job],
    unread: Unread | None = None,
    since: datetime | None = None,
) -> Change:
    """The jobs listed now, and the ones that were active last time and are not any more.

    A job of a failed listing is kept as it was; one created before ``since`` has left the
    window being watched, not its state, and is dropped without a describe.
    """
    unread = unread or Unread()
    active: dict[JobKey, Job] = {}
    for job in listed:
        key = job_key(job)
        seen = active.get(key)
        if seen is None or _LATER.get(job.state or "", 0) >= _LATER.get(seen.state or "", 0):
            active[key] = job
    gone: list[Job] = []
    for key, job in previous.items():
        if key in active:
            continue
        if unread.covers(job):
            active[key] = job
        elif since is None or job.created_at is None or job.created_at >= since:
            gone.append(job)
    return Change(active, tuple(gone))


@dataclass(frozen=True, slots=True)
class Cycle:
    """What one refresh shows: the active jobs, and those that just ended (shown once)."""

    active: tuple[Job, ...] = ()
    # The final records; ``state`` is None where the final state could not be read.
    finished: tuple[Job, ...] = ()
    keyed: dict[JobKey, Job] = field(default_factory=dict)  # the next compare's ``previous``


def settle(change: Change, described: Mapping[JobKey, Job | None]) -> Cycle:
    """Turn the gone jobs into finished ones, using what the describe calls returned.

    A described job still in an active state (it moved while the listings ran, or is
    ABORTING, which is not listed) stays active; one that could not be described is
    reported finished with an unknown state.
    """
    active = dict(change.active)
    finished: list[Job] = []
    for job in change.gone:
        key = job_key(job)
        final = described.get(key)
        if final is None:
            finished.append(job._replace(state=None))
        elif (final.state or "") in ACTIVE_STATES:
            active[key] = final
        else:
            finished.append(final)
    return Cycle(tuple(active.values()), tuple(finished), active)
