"""Export the history store: the use case behind ``history export``.

One gzipped NDJSON file of job records per UTC day of creation, in Hive-style partition
folders (``day=2026-11-27/jobs.ndjson.gz``), which DuckDB (``read_json``) and Athena (a
table ``PARTITIONED BY (day string)`` over the JSON SerDe) read as they are: the way out
when one SQLite file is no longer the right tool. Each day's file is written beside its
final name and renamed into place, so a reader never sees half a day; exporting again
gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from backupctl.domain.history import Scope
from backupctl.domain.job import Job
from backupctl.domain.query import Query
from backupctl.domain.summary_rows import Days

if TYPE_CHECKING:
    from backupctl.local.history_store import HistoryStore

FILE = "jobs.ndjson.gz"


class DayWriter(Protocol):
    """Writes one day's jobs to its file (``output``'s NDJSON writer)."""

    def write(self, jobs: Sequence[Job]) -> None:
        """One page of jobs."""

    def close(self) -> None:
        """The day is done."""


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: days (files) and jobs."""

    folder: Path
    days: int
    jobs: int


def export_history(
    store: HistoryStore,
    scope: Scope,
    folder: Path,
    writer_for: Callable[[TextIO], DayWriter],
    since: datetime | None = None,
    until: datetime | None = None,
) -> Exported:
    """Write every day the store holds within ``scope`` as its own file, whole days: from
    the one holding ``since`` to the one holding the last instant before ``until``. A
    day with no job has no file."""
    span = store.span(scope)
    if span is None:
        return Exported(folder, 0, 0)
    asked = Days.of(since or span[0], until, span[1])
    first, last = max(asked.first, span[0].date()), min(asked.last, span[1].date())
    days = jobs = 0
    day = first
    while day <= last:
        count = _export_day(store, scope, folder, day, writer_for)
        days, jobs = days + bool(count), jobs + count
        day += timedelta(days=1)
    return Exported(folder, days, jobs)


def _export_day(
    store: HistoryStore,
    scope: Scope,
    folder: Path,
    day: date,
    writer_for: Callable[[TextIO], DayWriter],
) -> int:
    """One day's file (none when the day has no job); how many jobs it holds."""
    start = datetime.combine(day, time(), UTC)
    pages = store.jobs(Query(since=start, until=start + timedelta(days=1)), scope)
    target = folder / f"day={day.isoformat()}" / FILE
    first = next(pages, None)
    if first is None:
        target.unlink(missing_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with _replacing(target) as stream:
        writer = writer_for(stream)
        for page in (first, *pages):
            writer.write(page)
            count += len(page)
        writer.close()
    return count


@contextmanager
def _replacing(target: Path) -> Iterator[TextIO]:
    """A gzip text stream to a file beside ``target`` that takes its place when the block
    ends well (and is removed when it does not). No time in the gzip header: the same
    jobs give the same bytes."""
    partial = target.with_name(target.name + ".partial")
    try:
        with (
            partial.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
            io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as text,
        ):
            yield text
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
