"""Job counts by period, account, state, resource type and message category: the rows of
ListBackupJobSummaries, ListCopyJobSummaries and ListRestoreJobSummaries.

They are counted from the jobs the List calls serve, so a test can count them itself. Where
AWS's documentation leaves room, the sandbox reads it this way:

- Days are UTC days. A job counts once, in the period holding its CreationDate, in the
  state (and message category) it is in now.
- "The prior 14 days" are the 14 whole UTC days before the current day: the current,
  partial day is in no summary (a job created today is listed, but counted only from
  tomorrow on). ONE_DAY gives a row per day of those 14, SEVEN_DAYS one row for the last 7
  of them, FOURTEEN_DAYS one row for all 14.
- StartTime is the first millisecond of the period (00:00:00.000) and EndTime its last
  (23:59:59.999 of its last day).
- Only combinations that hold at least one job get a row, oldest period first.
- In each dimension a value filters (and the row shows it), ANY gives a row per value, and
  AGGREGATE_ALL sums over the values (the row says AGGREGATE_ALL). A job without a
  MessageCategory (one still in progress) gives rows without that member when categories
  are grouped, and matches no category filter. Categories match case-insensitively, as
  the List calls' ByMessageCategory does.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from backupctl.sandbox.jobs import Job
from backupctl.sandbox.models import shape_members

ANY = "ANY"
AGGREGATE_ALL = "AGGREGATE_ALL"
DAY = 86400.0
SUMMARY_SHAPES = {
    "backup": "BackupJobSummary",
    "copy": "CopyJobSummary",
    "restore": "RestoreJobSummary",
}
# AggregationPeriod -> (days in one row, rows): together always the 14 days before today.
PERIODS = {"ONE_DAY": (1, 14), "SEVEN_DAYS": (7, 1), "FOURTEEN_DAYS": (14, 1)}
_STATE_MEMBER = {"backup": "State", "copy": "State", "restore": "Status"}
_MILLISECOND = 0.001

GroupKey = tuple[int, str | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class SummaryQuery:
    """What one summary call asks for: a value, ANY or AGGREGATE_ALL per dimension.

    ``message_category`` is None for restore jobs, whose summaries have no such member.
    """

    kind: str
    period: str = "ONE_DAY"
    account: str = ANY
    state: str = ANY
    resource_type: str = ANY
    message_category: str | None = ANY


def periods(period: str, now: float) -> list[tuple[float, float]]:
    """The [start, end) of each row's period, oldest first, for a call made at ``now``."""
    days, rows = PERIODS[period]
    today = now - now % DAY  # epoch days are UTC days
    first = today - days * rows * DAY
    return [(first + i * days * DAY, first + (i + 1) * days * DAY) for i in range(rows)]


def _part(mode: str | None, value: Any, fold: bool = False) -> tuple[bool, str | None]:
    """(whether the job passes, the row's value) for one dimension."""
    text = None if value is None else str(value)
    if mode is None or mode == AGGREGATE_ALL:
        return True, mode
    if mode == ANY:
        return True, text
    if text is None:
        return False, None
    same = text.casefold() == mode.casefold() if fold else text == mode
    return same, text


def _key(job: Job, query: SummaryQuery, period: int) -> GroupKey | None:
    record = job.record
    parts: list[str | None] = []
    for mode, value, fold in (
        (query.account, record.get("AccountId"), False),
        (query.state, record.get(_STATE_MEMBER[query.kind]), False),
        (query.resource_type, record.get("ResourceType"), False),
        (query.message_category, record.get("MessageCategory"), True),
    ):
        passes, shown = _part(mode, value, fold)
        if not passes:
            return None
        parts.append(shown)
    account, state, resource_type, category = parts
    return (period, account, state, resource_type, category)


def _order(key: GroupKey) -> tuple[int, str, str, str, str]:
    period, *names = key
    account, state, resource_type, category = (name or "" for name in names)
    return (period, account, state, resource_type, category)


def summarize(jobs: Iterable[Job], query: SummaryQuery, region: str, now: float) -> list[Any]:
    """The summary rows for ``jobs`` of one region, in the model's member order."""
    bounds = periods(query.period, now)
    starts = [start for start, _ in bounds]
    first, last = bounds[0][0], bounds[-1][1]
    counts: Counter[GroupKey] = Counter()
    for job in jobs:
        created = job.record["CreationDate"]
        if not first <= created < last:
            continue
        key = _key(job, query, bisect.bisect_right(starts, created) - 1)
        if key is not None:
            counts[key] += 1
    members = shape_members("backup", SUMMARY_SHAPES[query.kind])
    rows: list[Any] = []
    for key in sorted(counts, key=_order):
        period, account, state, resource_type, category = key
        start, end = bounds[period]
        row = {
            "Region": region,
            "AccountId": account,
            "State": state,
            "ResourceType": resource_type,
            "MessageCategory": category,
            "Count": counts[key],
            "StartTime": round(start, 3),
            "EndTime": round(end - _MILLISECOND, 3),
        }
        rows.append({name: row[name] for name in members if row.get(name) is not None})
    return rows
