"""Summarize jobs: the use case behind ``jobs summary``: jobs counted by UTC day and state.

AWS Backup's job summary calls count the 14 whole UTC days before today (one call per
kind and region with ``AccountId=ANY`` from the org view, per account with a role); a
window that starts before them, or ``--history``, is counted from the history store,
which counts any day it holds, today included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from backupctl.app.connect import connect
from backupctl.app.history_reading import freshness, stored_plan
from backupctl.app.reading import Reading, listing_work
from backupctl.app.requests import Hooks, Where
from backupctl.domain.history import Freshness, Scope
from backupctl.domain.outcome import Outcome
from backupctl.domain.query import Listing, Query
from backupctl.domain.summary_rows import (
    Count,
    Days,
    Grouping,
    SummaryRow,
    grouped,
    summary_listings,
    tally,
)
from backupctl.engine import fanout


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    """What to count: ``query``'s kinds, states and resource type from ``query.since`` on,
    over ``where``'s targets, grouped ``by``; from the store at ``db`` with ``history``
    (or when the window starts before the summary calls' 14 days)."""

    where: Where
    query: Query
    since: datetime
    db: Path
    by: Grouping | None = None
    history: bool = False


@dataclass(frozen=True, slots=True)
class JobSummary:
    """The rows, the days they count, and how they were counted: ``from_store`` (and
    whether the window chose it: ``store_chosen``), what the store covers, and
    ``uncounted_today`` when the window holds today and the summary calls counted it not."""

    rows: list[SummaryRow]
    days: Days
    reading: Reading
    from_store: bool = False
    store_chosen: bool = False
    freshness: Freshness | None = None
    uncounted_today: date | None = None


def summarize_jobs(request: SummaryRequest, hooks: Hooks | None = None) -> JobSummary:
    """Count the jobs of the request's days, from the summary calls or the store."""
    now = (hooks or Hooks()).clock()
    days = Days.of(request.since, request.query.until, now)
    counted = Days.summarized(now)
    if request.history or days.first < counted.first:
        return _from_store(request, days, now, chosen=not request.history)
    return _from_calls(request, days, counted)


def _from_store(request: SummaryRequest, days: Days, now: datetime, *, chosen: bool) -> JobSummary:
    from backupctl.local.history_store import HistoryStore

    scope = Scope.of(request.where.targets)
    store = HistoryStore.for_reading(request.db)
    try:
        counts = store.counts(days.first, days.last, request.query, scope, request.by)
        marks = store.marks()
        start = datetime.combine(days.first, time(), UTC)
        covered = freshness(store, scope, start, now)
    finally:
        store.close()
    plan = stored_plan(marks, scope)
    reading = Reading.of(plan, Outcome(total=len(plan.targets), done=len(plan.targets)))
    return JobSummary(tally(counts), days, reading, True, chosen, covered)


def _from_calls(request: SummaryRequest, days: Days, counted: Days) -> JobSummary:
    from backupctl.aws.summaries import SummaryReader

    where = request.where
    connector, plan = connect(where, stream=True)
    work: list[fanout.Work[Listing]]
    work, more = listing_work(plan, summary_listings(request.query))
    run = fanout.FanOut(
        SummaryReader.of(connector),
        work,
        concurrency=where.concurrency,
        call_timeout=where.timeout,
        more=more,
    )
    last = min(days.last, counted.last)
    counts: list[Count] = [
        grouped(count, request.by)
        for page in run
        for count in page
        if days.first <= count.day <= last
    ]
    today = counted.last.toordinal() + 1
    # Today, when the window holds it (a window in the future does not).
    in_window = days.first.toordinal() <= today <= days.last.toordinal()
    uncounted = date.fromordinal(today) if in_window else None
    return JobSummary(tally(counts), days, Reading.of(plan, run.outcome), uncounted_today=uncounted)
