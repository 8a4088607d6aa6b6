"""One long chain of List calls split into windows of creation time, read side by side.

A listing's pages depend on each other (each needs the NextToken of the one before),
so a listing of many pages takes pages x latency however many calls may be in
flight: ``ByAccountId=*`` over a large organization is one such chain per region and
kind. When the first pages of a listing say more follow, ``plan_windows`` estimates
from the time they span how many pages are left and, if reading them one after
another would take a while (at the last page's pace), replaces the rest of the chain
with several listings over consecutive windows of ``CreationDate``
(``ByCreatedAfter``/``ByCreatedBefore``), each its own chain.

Nothing may be lost or printed twice, whatever the service does at a window's edge
(inclusive or exclusive bounds, times compared to the second) and whatever order its
pages come in:

- the windows tile the whole time line: the oldest is open below (or starts at
  ``--since``), the newest open above (or ends at ``--until``);
- neighbouring windows overlap by ``OVERLAP`` on each side of their shared edge, so a
  job near an edge is in at least one of them;
- the fan-out drops the second sighting of a job, by its id, across every window of a
  listing and its first pages (``engine.seen``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol, runtime_checkable

from backupctl.domain.job import Job
from backupctl.domain.page import Encoded
from backupctl.domain.query import Listing
from backupctl.engine.work import Splitter

# Each side of an edge: wider than any rounding of times to the second.
OVERLAP = timedelta(seconds=1)
# Pages one window should hold: fewer means more windows, each ending on a partial page.
PAGES_PER_WINDOW = 4
# At most this many windows per listing, so one listing cannot take every call in flight.
MAX_WINDOWS = 16
# Split only a chain whose rest would take longer than this, at its latest page's pace.
WORTH_SECONDS = 5.0
# How far back the List calls reach (AWS Backup lists the jobs of the last 30 days):
# where the windows start when the query gives no --since. Older jobs, if any, are still
# read, by the oldest window, which is open below.
REACH = timedelta(days=30)


@runtime_checkable
class Timed(Protocol):
    """A page still encoded that can tell its jobs' creation times without being decoded."""

    def creation_times(self) -> list[datetime]: ...


def page_times(page: Sequence[Job] | Encoded[Job]) -> list[datetime]:
    """The creation times of a page's jobs (read from the body when it can tell them)."""
    if isinstance(page, Encoded):
        if isinstance(page, Timed):
            return page.creation_times()
        return list(_created(page.decode()))
    return list(_created(page))


def _created(jobs: Iterable[Job]) -> Iterator[datetime]:
    return (job.created_at for job in jobs if job.created_at is not None)


def plan_windows(
    listing: Listing,
    first_times: Sequence[Sequence[datetime]],
    page_seconds: float,
    *,
    page_size: int,
    now: datetime,
) -> list[Listing] | None:
    """The listings of the windows to read the rest of ``listing`` with, or None to keep
    to its one chain.

    ``first_times`` are the creation times of the jobs of the listing's first pages
    (``page_times``), the last of them read in ``page_seconds``; more pages follow. The
    estimate assumes jobs are spread over time as they were on those pages; the split
    is correct whatever the spread. A chain whose rest would take less than
    ``WORTH_SECONDS`` is left alone: windows cost a few calls more, and calls count
    against the service's rate limits.
    """
    times = [moment for page in first_times for moment in page]
    if not times:
        return None
    since: datetime | None = listing.params.get("ByCreatedAfter")
    until: datetime | None = listing.params.get("ByCreatedBefore")
    top = until or max(now, max(times))
    oldest = min(times)
    bottom = since or top - REACH
    covered = (top - oldest) * (page_size / len(times))  # the time one full page spans
    remaining = oldest - bottom
    if remaining <= OVERLAP * 4 or covered <= timedelta(0):
        return None
    # Windows for what is older than the first pages, and one from there on (which reads
    # their jobs again, and any created since).
    pages_left = remaining / covered
    if pages_left * page_seconds < WORTH_SECONDS:
        return None
    older = min(MAX_WINDOWS - 1, math.ceil(pages_left / PAGES_PER_WINDOW))
    if older < 2:
        return None  # two windows side by side would take as long as the chain
    step = remaining / older
    # Whole seconds (the service may compare times to the second), strictly inside the
    # query's own bounds, which the windows must never widen.
    edges = [_second(bottom + step * i) for i in range(1, older)] + [_second(oldest)]
    edges = sorted({e for e in edges if (not since or e > since) and (not until or e < until)})
    if not edges:
        return None
    lows: list[datetime | None] = [since, *edges]
    highs: list[datetime | None] = [*edges, until]
    last = len(edges)
    return [
        _window(listing, low, high, first=i == 0, last=i == last)
        for i, (low, high) in enumerate(zip(lows, highs, strict=True))
    ]


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _window(
    listing: Listing, low: datetime | None, high: datetime | None, *, first: bool, last: bool
) -> Listing:
    """The window from edge ``low`` to edge ``high``; the first and last keep the query's own
    bounds (None: open), every other edge is widened by ``OVERLAP``."""
    params = dict(listing.params)
    since, until = params.get("ByCreatedAfter"), params.get("ByCreatedBefore")
    after = low if first or low is None else low - OVERLAP
    before = high if last or high is None else high + OVERLAP
    after = max(after, since) if after is not None and since is not None else after
    before = min(before, until) if before is not None and until is not None else before
    for name, value in (("ByCreatedAfter", after), ("ByCreatedBefore", before)):
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    return replace(listing, params=params)


def splitter(page_size: int, now: datetime) -> Splitter[Listing, Job]:
    """The fan-out's way to split a long job listing into windows of creation time."""
    return Splitter(page_times, partial(plan_windows, page_size=page_size, now=now))
