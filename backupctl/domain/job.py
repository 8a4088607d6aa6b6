"""The job record: one frozen shape for backup, copy and restore jobs, normalized once.

``normalize`` is the only place that knows the API's field names. It accepts a
job as botocore parses it (``datetime`` values) and as backupctl's fast parser
leaves it (epoch seconds), so both paths give the same record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from math import isfinite
from typing import Any, NamedTuple


class Kind(StrEnum):
    """The three kinds of AWS Backup job."""

    BACKUP = "backup"
    COPY = "copy"
    RESTORE = "restore"


# Spelled as AWS spells them (botocore's BackupJobState, CopyJobState, RestoreJobStatus);
# tests/unit/test_model.py checks these against the installed service model.
STATES: Mapping[Kind, tuple[str, ...]] = {
    Kind.BACKUP: (
        "CREATED",
        "PENDING",
        "RUNNING",
        "ABORTING",
        "ABORTED",
        "COMPLETED",
        "FAILED",
        "EXPIRED",
        "PARTIAL",
    ),
    Kind.COPY: ("CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL"),
    Kind.RESTORE: ("PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"),
}

ALL_STATES: tuple[str, ...] = tuple(sorted({s for states in STATES.values() for s in states}))
PROBLEM_STATES: frozenset[str] = frozenset({"FAILED", "ABORTED", "EXPIRED", "PARTIAL"})
ACTIVE_STATES: frozenset[str] = frozenset({"CREATED", "PENDING", "RUNNING", "ABORTING"})


class Job(NamedTuple):
    """One job of any kind; every field of the contract, ``None`` where the kind has none.

    A named tuple rather than a dataclass: ``normalize`` builds one for every job of every
    page, and a tuple is made in one step (half the time of filling 27 slots).
    """

    kind: Kind
    job_id: str
    account_id: str | None
    region: str
    state: str | None
    status_message: str | None
    message_category: str | None
    resource_type: str | None
    resource_arn: str | None
    resource_name: str | None
    vault_name: str | None
    vault_arn: str | None
    destination_vault_arn: str | None
    recovery_point_arn: str | None
    destination_recovery_point_arn: str | None
    created_resource_arn: str | None
    created_at: datetime | None
    completed_at: datetime | None
    percent_done: float | None
    backup_size_bytes: int | None
    bytes_transferred: int | None
    iam_role_arn: str | None
    backup_plan_id: str | None
    backup_plan_arn: str | None
    backup_rule_id: str | None
    parent_job_id: str | None
    is_parent: bool | None

    @property
    def completed_with_issues(self) -> bool:
        """COMPLETED, but AWS attached a message category other than SUCCESS."""
        return completed_with_issues(self.state, self.message_category)


def completed_with_issues(state: str | None, message_category: str | None) -> bool:
    """What the console calls "completed with issues": COMPLETED, with a message category
    other than SUCCESS. (The history store's SQL spells the same test once more.)"""
    return (
        state == "COMPLETED"
        and message_category is not None
        and (message_category.upper() != "SUCCESS")
    )


FIELDS: tuple[str, ...] = Job._fields

_GUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def identity(job: Job) -> int | str | None:
    """The job's identity within its listing, kept small: an AWS job id (an upper-case
    GUID) as the 128-bit number it spells, any other id as it is, None when it has none."""
    job_id = job.job_id
    if len(job_id) == 36 and _GUID.fullmatch(job_id):
        return int(job_id.replace("-", ""), 16)
    return job_id or None


NewestFirst = tuple[bool, int, str, str, str, str]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def newest_first(job: Job) -> NewestFirst:
    """The sort key of every job listing: newest first, jobs without a creation time last,
    ties broken by id, account, region and kind."""
    # Integer microseconds, negated: ascending order is newest first, with no float error.
    age = 0 if job.created_at is None else -((job.created_at - _EPOCH) // _MICROSECOND)
    return (
        job.created_at is None,
        age,
        job.job_id,
        job.account_id or "",
        job.region,
        job.kind.value,
    )


def to_datetime(value: Any) -> datetime | None:
    """A botocore ``datetime``, an epoch number or an ISO 8601 string, as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value)
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_RFC3339 = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ"


def format_time(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with milliseconds (AWS's precision) and a trailing ``Z``.

    Always the same width, so the strings sort as the times do.
    """
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Twice per record: %-formatting takes half the time of isoformat() and its "+00:00".
    return _RFC3339 % (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond // 1000,
    )


JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


_KIND, _CREATED, _COMPLETED, _PERCENT = (
    FIELDS.index(name) for name in ("kind", "created_at", "completed_at", "percent_done")
)


def record_row(job: Job) -> list[JsonValue]:
    """The job's contract record as a list of values in ``FIELDS`` order.

    A non-finite number (``PercentDone`` of "NaN" from a misbehaving endpoint) becomes
    ``None``, because JSON has no spelling for it and a spreadsheet would misread it.
    """
    row: list[Any] = list(job)  # kind and times become JSON values just below
    row[_KIND] = job.kind.value
    row[_CREATED] = format_time(job.created_at)
    row[_COMPLETED] = format_time(job.completed_at)
    percent = job.percent_done  # the record's only float
    if isinstance(percent, float) and not isfinite(percent):
        row[_PERCENT] = None
    return row


def as_record(job: Job) -> dict[str, JsonValue]:
    """The job as the stable JSON record of the contract: every key, snake_case, RFC 3339 times."""
    return dict(zip(FIELDS, record_row(job), strict=True))


@dataclass(frozen=True, slots=True)
class JobDetail:
    """A described job: the record plus the fields only the Describe call returns."""

    job: Job
    extra: Mapping[str, JsonValue]

    def record(self) -> dict[str, JsonValue]:
        """The job's record in contract order, then the describe-only keys (an extra key
        that collides with a record key is dropped: the record's value wins)."""
        record = as_record(self.job)
        for key, value in self.extra.items():
            record.setdefault(key, value)
        return record
