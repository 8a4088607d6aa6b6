"""Splitting a long listing into windows of creation time: every job exactly once."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backupctl.domain.job import Job, Kind, identity
from backupctl.domain.page import Page
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Target
from backupctl.engine import fanout
from backupctl.engine.fanout import Work
from backupctl.engine.windows import MAX_WINDOWS, OVERLAP, page_times, plan_windows
from backupctl.engine.work import Splitter
from tests.output.factory import NOW, make_job

TARGET = Target(ALL_ACCOUNTS, "us-east-1", Access.ORG_VIEW)
DAY = timedelta(days=1)


def spread(count: int, over: timedelta, end: datetime = NOW) -> list[Job]:
    """``count`` jobs evenly over ``over`` before ``end``, newest first."""
    step = over / count
    return [make_job(job_id=f"job-{i:05d}", created_at=end - step * (i + 1)) for i in range(count)]


def test_a_listing_whose_first_page_covers_most_of_the_range_is_not_split() -> None:
    listing = Listing(Kind.BACKUP, {"ByCreatedAfter": NOW - DAY})
    first = spread(100, timedelta(hours=20))  # one page of 100 covers 20 of 24 hours
    assert plan_windows(listing, [page_times(first)], 1.0, page_size=100, now=NOW) is None


def test_a_listing_that_pages_quickly_is_not_split() -> None:
    # 29 pages to go at 0.1 s each: 2.9 s, less than windows are worth their extra calls.
    listing = Listing(Kind.BACKUP, {})
    first = spread(100, DAY)
    assert plan_windows(listing, [page_times(first)], 0.1, page_size=100, now=NOW) is None
    assert plan_windows(listing, [page_times(first)], 0.5, page_size=100, now=NOW) is not None


def test_windows_tile_the_time_line_with_overlapping_edges() -> None:
    listing = Listing(Kind.BACKUP, {"ByResourceType": "EBS"})
    first = spread(100, timedelta(hours=6))  # a page per 6 hours: about 120 pages in 30 days
    windows = plan_windows(listing, [page_times(first)], 1.0, page_size=100, now=NOW)
    assert windows is not None
    assert len(windows) == MAX_WINDOWS
    params = [w.params for w in windows]
    assert "ByCreatedAfter" not in params[0]  # the oldest is open below
    assert "ByCreatedBefore" not in params[-1]  # the newest is open above
    for below, above in pairwise(params):
        assert below["ByCreatedBefore"] - above["ByCreatedAfter"] == 2 * OVERLAP
    assert all(p["ByResourceType"] == "EBS" for p in params)  # the query's filters stay


def test_windows_keep_the_query_bounds() -> None:
    since, until = NOW - 10 * DAY, NOW - DAY
    listing = Listing(Kind.COPY, {"ByCreatedAfter": since, "ByCreatedBefore": until})
    windows = plan_windows(
        listing, [page_times(spread(50, timedelta(hours=2), until))], 1.0, page_size=50, now=NOW
    )
    assert windows is not None
    assert windows[0].params["ByCreatedAfter"] == since
    assert windows[-1].params["ByCreatedBefore"] == until
    edges = [w.params["ByCreatedAfter"] for w in windows[1:]]
    assert all(since < edge < until for edge in edges)
    assert all(edge.microsecond == 0 for edge in edges)


@dataclass(frozen=True)
class Service:
    """A List call over ``jobs`` as a service might implement the time filters."""

    jobs: list[Job]  # newest first
    page_size: int
    after_inclusive: bool
    before_inclusive: bool
    to_the_second: bool

    def _time(self, moment: datetime) -> datetime:
        return moment.replace(microsecond=0) if self.to_the_second else moment

    def _matches(self, job: Job, listing: Listing) -> bool:
        assert job.created_at is not None
        created = self._time(job.created_at)
        after, before = listing.params.get("ByCreatedAfter"), listing.params.get("ByCreatedBefore")
        if after is not None and (
            created < after or (created == after and not self.after_inclusive)
        ):
            return False
        return not (
            before is not None
            and (created > before or (created == before and not self.before_inclusive))
        )

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        matching = [job for job in self.jobs if self._matches(job, listing)]
        for start in range(0, max(1, len(matching)), self.page_size):
            more = start + self.page_size < len(matching)
            yield Page(matching[start : start + self.page_size], more=more)


def read_all(
    service: Service, listing: Listing, *, newest_window_first: bool = False
) -> tuple[list[str], int]:
    """Every job id printed, and how many chains were read. One chain at a time, so the
    windows are read in a known order: oldest first, or newest first."""
    plan = partial(plan_windows, page_size=service.page_size, now=NOW)

    def plan_in_order(
        listing: Listing, times: list[list[datetime]], seconds: float
    ) -> list[Listing] | None:
        windows = plan(listing, times, 1.0)  # as if each page took a second
        return windows[::-1] if windows and newest_window_first else windows

    split = Splitter(page_times, plan_in_order)

    printed: list[str] = []
    outcome = fanout.run(
        service,
        [Work(TARGET, listing)],
        lambda jobs: printed.extend(job.job_id for job in jobs),
        concurrency=1,
        split=split,
        key=identity,
    )
    assert not outcome.failures
    return printed, outcome.total


@st.composite
def job_times(draw: st.DrawFn) -> tuple[timedelta, list[datetime]]:
    """A span (30 days, or minutes: every window edge among the jobs) and job times in it;
    some in bursts on one whole second."""
    span = draw(st.sampled_from([30 * DAY, timedelta(minutes=3)]))
    moments = st.integers(0, int(span / timedelta(milliseconds=1))).map(
        lambda ms: NOW - timedelta(milliseconds=ms)
    )
    times = draw(st.lists(moments, min_size=1, max_size=400))
    for moment, count in draw(st.lists(st.tuples(moments, st.integers(1, 40)), max_size=5)):
        times += [moment.replace(microsecond=0)] * count
    return span, times


@settings(max_examples=150, deadline=None)
@given(
    span_and_times=job_times(),
    page_size=st.integers(1, 30),
    after_inclusive=st.booleans(),
    before_inclusive=st.booleans(),
    to_the_second=st.booleans(),
    newest_window_first=st.booleans(),
)
def test_a_split_listing_prints_every_job_exactly_once(
    span_and_times: tuple[timedelta, list[datetime]],
    page_size: int,
    after_inclusive: bool,
    before_inclusive: bool,
    to_the_second: bool,
    newest_window_first: bool,
) -> None:
    span, times = span_and_times
    jobs = [make_job(job_id=f"job-{i:05d}", created_at=t) for i, t in enumerate(times)]
    jobs.sort(key=lambda job: job.created_at or NOW, reverse=True)
    service = Service(jobs, page_size, after_inclusive, before_inclusive, to_the_second)
    since = (NOW - span - timedelta(seconds=2)).replace(microsecond=0)
    listing = Listing(Kind.BACKUP, {"ByCreatedAfter": since} if span < DAY else {})
    printed, _ = read_all(service, listing, newest_window_first=newest_window_first)
    assert sorted(printed) == sorted(job.job_id for job in jobs)


def test_a_long_listing_is_read_in_windows() -> None:
    jobs = spread(3000, 30 * DAY)
    service = Service(jobs, 100, True, False, False)
    printed, chains = read_all(service, Listing(Kind.BACKUP, {}))
    assert sorted(printed) == sorted(job.job_id for job in jobs)
    # The first chain (two pages), a window per 4 of the 28 pages older than those, and one
    # from there on.
    assert chains == 1 + math.ceil(28 / 4) + 1


def test_pages_in_any_order_are_still_read_exactly_once() -> None:
    # A service that does not list newest first: the first page is no clean cut in time.
    jobs = spread(1000, 30 * DAY)
    shuffled = jobs[::2] + jobs[1::2]
    service = Service(shuffled, 50, False, False, True)
    printed, chains = read_all(service, Listing(Kind.BACKUP, {}))
    assert chains > 1
    assert sorted(printed) == sorted(job.job_id for job in jobs)


@pytest.mark.parametrize("newest_window_first", [False, True])
@pytest.mark.parametrize("to_the_second", [False, True])
@pytest.mark.parametrize("before_inclusive", [False, True])
@pytest.mark.parametrize("after_inclusive", [False, True])
def test_jobs_at_every_window_edge_are_read_exactly_once(
    after_inclusive: bool, before_inclusive: bool, to_the_second: bool, newest_window_first: bool
) -> None:
    # A job every 100 ms over three minutes: every edge has jobs on it and around it.
    jobs = [
        make_job(job_id=f"job-{i:05d}", created_at=NOW - timedelta(milliseconds=100 * i + 7))
        for i in range(1800)
    ]
    service = Service(jobs, 20, after_inclusive, before_inclusive, to_the_second)
    since = (NOW - timedelta(minutes=3, seconds=2)).replace(microsecond=0)
    listing = Listing(Kind.BACKUP, {"ByCreatedAfter": since})
    printed, chains = read_all(service, listing, newest_window_first=newest_window_first)
    assert chains == 1 + MAX_WINDOWS
    assert sorted(printed) == sorted(job.job_id for job in jobs)


class Slow:
    """A service whose every call takes 10 ms, as over a network; counts calls in flight."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        for page in self.service.pages(target, listing):
            with self.lock:
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            time.sleep(0.01)
            with self.lock:
                self.in_flight -= 1
            yield page


def test_windows_are_read_side_by_side_up_to_the_concurrency() -> None:
    jobs = spread(3000, 30 * DAY)
    service = Slow(Service(jobs, 100, True, False, False))
    printed: list[str] = []
    outcome = fanout.run(
        service,
        [Work(TARGET, Listing(Kind.BACKUP, {}))],  # one listing: one worker to begin with
        lambda page: printed.extend(job.job_id for job in page),
        concurrency=6,
        split=Splitter(
            page_times,
            lambda listing, times, _: plan_windows(listing, times, 1.0, page_size=100, now=NOW),
        ),
        key=identity,
    )
    assert not outcome.failures
    assert sorted(printed) == sorted(job.job_id for job in jobs)
    assert service.most_in_flight == 6


@settings(max_examples=200, deadline=None)
@given(
    since_ms=st.integers(3_000, 600_000),
    until_ms=st.none() | st.integers(0, 2_000),
    spread_ms=st.integers(1, 2_000),
    count=st.integers(2, 40),
)
def test_windows_never_reach_outside_the_query_bounds(
    since_ms: int, until_ms: int | None, spread_ms: int, count: int
) -> None:
    # Bounds with fractions of a second, and windows of under a second: whole-second
    # edges must still fall inside the bounds.
    since = NOW - timedelta(milliseconds=since_ms)
    until = None if until_ms is None else NOW - timedelta(milliseconds=until_ms)
    top = until or NOW
    params: dict[str, object] = {"ByCreatedAfter": since}
    if until is not None:
        params["ByCreatedBefore"] = until
    first = spread(count, timedelta(milliseconds=spread_ms), top)
    windows = plan_windows(
        Listing(Kind.BACKUP, params), [page_times(first)], 10.0, page_size=count, now=NOW
    )
    for window in windows or []:
        after = window.params["ByCreatedAfter"]
        assert after >= since
        before = window.params.get("ByCreatedBefore")
        assert until is None or (before is not None and before <= until)
    if windows:
        assert windows[0].params["ByCreatedAfter"] == since
        assert windows[-1].params.get("ByCreatedBefore") == until
