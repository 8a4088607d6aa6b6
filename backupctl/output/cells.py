"""One job value as inert, styled ``Text`` for the table and the describe panel."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.text import Text

from backupctl.domain.job import Job, format_time
from backupctl.output import humanize
from backupctl.output.safe import safe_text

# Longest text a table cell keeps; the column's own width then cuts it further.
CELL_LIMIT = 200
ISSUES_MARK = "*"
MISSING = Text("-", style="dim")

STATE_STYLES = {
    "FAILED": "red",
    "ABORTED": "red",
    "EXPIRED": "red",
    "PARTIAL": "yellow",
    "COMPLETED": "green",
    "RUNNING": "cyan",
    "PENDING": "cyan",
    "CREATED": "cyan",
    "ABORTING": "cyan",
}
_TIME_FIELDS = frozenset({"created_at", "completed_at"})
_SIZE_FIELDS = frozenset({"backup_size_bytes", "bytes_transferred"})


@dataclass(frozen=True, slots=True)
class Clock:
    """The moment times are relative to, the zone they are shown in, and whether to show both."""

    now: datetime
    tz: tzinfo | None = None
    with_local: bool = False


def text(value: str | None, *, limit: int | None = CELL_LIMIT, style: str = "") -> Text:
    """A string from the data, or a dim dash for ``None``."""
    return MISSING.copy() if value is None else safe_text(value, limit=limit, style=style)


def state_text(job: Job) -> Text:
    """The state in its colour; COMPLETED with issues is yellow and marked ``*``."""
    if job.state is None:
        return MISSING.copy()
    if job.completed_with_issues:
        return text(job.state + ISSUES_MARK, style="yellow")
    return text(job.state, style=STATE_STYLES.get(job.state.upper(), ""))


def time_text(when: datetime | None, clock: Clock) -> Text:
    """``2h ago``, followed by the local time when the clock says there is room."""
    if when is None:
        return MISSING.copy()
    shown = humanize.relative(when, clock.now)
    if clock.with_local:
        shown += " " + humanize.local(when, clock.now, clock.tz)
    return Text(shown)


def exact_time_text(when: datetime, clock: Clock) -> Text:
    """RFC 3339 UTC time followed by its age, for the describe panel."""
    return Text(f"{format_time(when)} ({humanize.relative(when, clock.now)})")


def short_id(arn: str) -> str:
    """The last part of an ARN: ``vol-1`` from ``...:volume/vol-1``, ``db1`` from ``...:db:db1``"""
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1] or arn


def resource_text(job: Job) -> Text:
    """The resource's name, else its type and the short id from its ARN."""
    if job.resource_name:
        return text(job.resource_name)
    arn_id = short_id(job.resource_arn) if job.resource_arn else None
    parts = [part for part in (job.resource_type, arn_id) if part]
    return text(" ".join(parts)) if parts else MISSING.copy()


def field_text(job: Job, name: str, clock: Clock, *, limit: int | None = CELL_LIMIT) -> Text:
    """One record field of ``job``, formatted for a person."""
    value = getattr(job, name)
    if name == "state":
        return state_text(job)
    if name in _TIME_FIELDS:
        return time_text(value, clock)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING.copy()
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if name in _SIZE_FIELDS and isinstance(value, int):
        return Text(humanize.size(value))
    if name == "percent_done" and isinstance(value, float):
        return Text(humanize.percent(value))
    return text(str(value), limit=limit)
