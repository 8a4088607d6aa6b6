"""Jobs to rows of the history store and back, and a job query as SQL.

A row holds the record's fields in ``FIELDS`` order, times as integer microseconds since
1970-01-01 UTC, so a job read back is the job that was written: the same record, the
same sort key. The query's filters become the very tests the List calls make (creation
time from ``--since`` inclusive to ``--until`` exclusive, equality elsewhere), each on an
indexed column.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from backupctl.domain.history import Scope
from backupctl.domain.job import FIELDS, Job, Kind
from backupctl.domain.query import Query

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_CREATED, _COMPLETED, _IS_PARENT = (
    FIELDS.index(name) for name in ("created_at", "completed_at", "is_parent")
)
COLUMNS = ", ".join(FIELDS)
_PLACES = ", ".join("?" * len(FIELDS))
_CHANGEABLE = tuple(name for name in FIELDS if name not in ("kind", "job_id"))

# One statement per page: new jobs are inserted, and a known job is updated only when
# something in it changed (so the day-count triggers and the file see real changes only).
UPSERT = (
    f"INSERT INTO jobs ({COLUMNS}) VALUES ({_PLACES}) ON CONFLICT (kind, job_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _CHANGEABLE)
    + " WHERE ("
    + ", ".join(f"jobs.{name}" for name in _CHANGEABLE)
    + ") IS NOT ("
    + ", ".join(f"excluded.{name}" for name in _CHANGEABLE)
    + ")"
)
# Newest first, as ``domain.job.newest_first`` orders (a NULL account sorts as "").
NEWEST_FIRST = "created_at IS NULL, created_at DESC, job_id, coalesce(account_id, ''), region, kind"


def microseconds(moment: datetime) -> int:
    """An aware datetime as integer microseconds since 1970-01-01 UTC."""
    return (moment - _EPOCH) // _MICROSECOND


def moment(value: int) -> datetime:
    """The datetime ``microseconds`` made (aware, UTC)."""
    return _EPOCH + timedelta(microseconds=value)


def job_row(job: Job) -> tuple[Any, ...]:
    """The row that stores ``job``."""
    row: list[Any] = list(job)
    row[0] = job.kind.value
    for index in (_CREATED, _COMPLETED):
        if row[index] is not None:
            row[index] = microseconds(row[index])
    return tuple(row)


def row_job(row: Sequence[Any]) -> Job:
    """The job a row stores."""
    values = list(row)
    values[0] = Kind(values[0])
    for index in (_CREATED, _COMPLETED):
        if values[index] is not None:
            values[index] = moment(values[index])
    if isinstance(values[_IS_PARENT], int):  # SQLite keeps a bool as 0 or 1
        values[_IS_PARENT] = bool(values[_IS_PARENT])
    return Job._make(values)


def _within(column: str, values: Sequence[str], terms: list[str], params: list[Any]) -> None:
    terms.append(f"{column} IN ({', '.join('?' * len(values))})")
    params.extend(values)


def job_filter(query: Query, scope: Scope) -> tuple[str, list[Any]]:
    """The WHERE clause (with its parameters) of ``query``'s jobs within ``scope``."""
    terms: list[str] = []
    params: list[Any] = []
    if set(query.kinds) != set(Kind):
        _within("kind", [kind.value for kind in query.kinds], terms, params)
    if query.states:
        _within("state", query.states, terms, params)
    if query.since is not None:
        terms.append("created_at >= ?")
        params.append(microseconds(query.since))
    if query.until is not None:
        terms.append("created_at < ?")
        params.append(microseconds(query.until))
    for column, value in (
        ("resource_type", query.resource_type),
        ("resource_arn", query.resource_arn),
        ("vault_name", query.vault),
    ):
        if value is not None:
            terms.append(f"{column} = ?")
            params.append(value)
    if scope.accounts is not None:
        _within("account_id", scope.accounts, terms, params)
    if scope.regions is not None:
        _within("region", scope.regions, terms, params)
    return " AND ".join(terms) or "1", params
