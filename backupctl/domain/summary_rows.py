"""The rows of ``jobs summary``: jobs counted by UTC day and state, per group (``--by``).

Two sources give counts: AWS Backup's job summary calls (the 14 whole UTC days before
today) and the history store (any day it holds). Both become ``Count`` values, and
``tally`` turns them into one ``SummaryRow`` per day and group, with a column per state
and "completed with issues" (COMPLETED with a message category other than SUCCESS) in a
column of its own, out of ``completed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from backupctl.domain.errors import UsageError
from backupctl.domain.job import STATES, JsonValue, Kind
from backupctl.domain.query import Listing, Query

# The summary calls count the 14 whole UTC days before the current one; today is in none.
SUMMARY_DAYS = 14
_EPOCH_DAY = date(1970, 1, 1)


class Grouping(StrEnum):
    """The values of ``--by``."""

    ACCOUNT = "account"
    REGION = "region"
    RESOURCE_TYPE = "resource-type"
    KIND = "kind"

    @property
    def field(self) -> str:
        """The name of the row's group field (the job record's name for it)."""
        return _FIELDS[self]


_FIELDS: Mapping[Grouping, str] = {
    Grouping.ACCOUNT: "account_id",
    Grouping.REGION: "region",
    Grouping.RESOURCE_TYPE: "resource_type",
    Grouping.KIND: "kind",
}


def parse_grouping(value: str | None) -> Grouping | None:
    """``--by`` value, any case; UsageError when it is not a grouping."""
    if value is None:
        return None
    try:
        return Grouping(value.strip().lower())
    except ValueError:
        valid = ", ".join(g.value for g in Grouping)
        raise UsageError(f"--by: {value!r} is not one of {valid}") from None


# The count columns of a row, in record order: every state of the three kinds, with
# COMPLETED split in two; ``other`` holds a state backupctl does not know (or none).
COUNT_FIELDS: tuple[str, ...] = (
    "jobs",
    "completed",
    "completed_with_issues",
    "failed",
    "partial",
    "aborted",
    "expired",
    "created",
    "pending",
    "running",
    "aborting",
    "other",
)
_COLUMN = {name.upper(): i for i, name in enumerate(COUNT_FIELDS) if 3 <= i < len(COUNT_FIELDS) - 1}
_COMPLETED, _WITH_ISSUES, _OTHER = 1, 2, len(COUNT_FIELDS) - 1


class JobCount(NamedTuple):
    """How many jobs of one kind, account, region, resource type and state were created on
    one UTC day: one row of a summary call."""

    day: date
    kind: Kind
    account_id: str | None
    region: str
    resource_type: str | None
    state: str | None
    with_issues: bool
    jobs: int


class Count(NamedTuple):
    """How many jobs of one group and state were created on one UTC day."""

    day: date
    group: str | None
    state: str | None
    with_issues: bool
    jobs: int


def grouped(count: JobCount, by: Grouping | None) -> Count:
    """``count`` under the group ``by`` names (None: one group)."""
    group: str | None = None
    if by is Grouping.ACCOUNT:
        group = count.account_id
    elif by is Grouping.REGION:
        group = count.region
    elif by is Grouping.RESOURCE_TYPE:
        group = count.resource_type
    elif by is Grouping.KIND:
        group = count.kind.value
    return Count(count.day, group, count.state, count.with_issues, count.jobs)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One day and group: how many jobs, and how many in each state (``COUNT_FIELDS``)."""

    day: date
    group: str | None
    counts: tuple[int, ...]

    def __getitem__(self, name: str) -> int:
        return self.counts[COUNT_FIELDS.index(name)]


def _column(state: str | None, with_issues: bool) -> int:
    if state == "COMPLETED":
        return _WITH_ISSUES if with_issues else _COMPLETED
    return _COLUMN.get(state or "", _OTHER)


def tally(counts: Iterable[Count]) -> list[SummaryRow]:
    """One row per day and group, oldest day first, then by group."""
    rows: dict[tuple[date, str | None], list[int]] = {}
    for count in counts:
        row = rows.setdefault((count.day, count.group), [0] * len(COUNT_FIELDS))
        row[0] += count.jobs
        row[_column(count.state, count.with_issues)] += count.jobs
    ordered = sorted(rows.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    return [SummaryRow(day, group, tuple(values)) for (day, group), values in ordered]


def summary_record(row: SummaryRow, by: Grouping | None) -> dict[str, JsonValue]:
    """The row as the stable record of ``jobs summary -o json``."""
    record: dict[str, JsonValue] = {"day": row.day.isoformat()}
    if by is not None:
        record[by.field] = row.group
    record.update(zip(COUNT_FIELDS, row.counts, strict=True))
    return record


def day_number(day: date) -> int:
    """Days since 1970-01-01: how the history store keys a day."""
    return (day - _EPOCH_DAY).days


def from_day_number(number: int) -> date:
    """The date ``day_number`` made."""
    return _EPOCH_DAY + timedelta(days=number)


@dataclass(frozen=True, slots=True)
class Days:
    """Whole UTC days, ``first`` to ``last`` inclusive: those a summary counts, or an
    export writes."""

    first: date
    last: date

    @classmethod
    def of(cls, since: datetime, until: datetime | None, now: datetime) -> Days:
        """The days holding ``since`` up to the one holding the last instant before
        ``until`` (or ``now``): a summary counts whole days."""
        end = until - timedelta(microseconds=1) if until is not None else now
        return cls(since.astimezone(UTC).date(), end.astimezone(UTC).date())

    @staticmethod
    def summarized(now: datetime) -> Days:
        """The days the summary calls count at ``now``: the 14 before today."""
        today = now.astimezone(UTC).date()
        return Days(today - timedelta(days=SUMMARY_DAYS), today - timedelta(days=1))


def summary_listings(query: Query) -> list[Listing]:
    """The summary calls ``query`` needs: one per kind, or per kind and state where states
    are given (a kind without the state is not asked), filtered by the calls' own
    parameters. ``AccountId`` is the target's (the reader adds it)."""
    out: list[Listing] = []
    for kind in query.kinds:
        params: dict[str, Any] = {
            "AggregationPeriod": "ONE_DAY",
            "ResourceType": query.resource_type or "ANY",
        }
        if kind is not Kind.RESTORE:  # restore jobs have no message category
            params["MessageCategory"] = "ANY"
        states = [s for s in query.states if s in STATES[kind]] if query.states else ["ANY"]
        out += [Listing(kind, {**params, "State": state}) for state in states]
    return out
