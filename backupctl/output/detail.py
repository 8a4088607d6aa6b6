"""``job describe``: one job in full, as a panel or as one JSON/NDJSON/CSV record.

The machine formats carry the contract record's keys in contract order, then the
describe-only keys (``JobDetail.extra``) in the order the API returned them. An extra
key that collides with a record key is dropped: the record's value wins. CSV has one
header row and one data row; a nested extra value is JSON-encoded into its cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from typing import TextIO, assert_never

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backupctl.domain.job import FIELDS, JobDetail, JsonValue, to_datetime
from backupctl.output import cells, humanize
from backupctl.output.cells import Clock
from backupctl.output.csv import RowFormatter, cell
from backupctl.output.fields import record_values
from backupctl.output.format import OutputFormat
from backupctl.output.json import dumps
from backupctl.output.safe import safe_text

_RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
_SIZE_FIELDS = frozenset({"backup_size_bytes", "bytes_transferred"})


def detail_record(detail: JobDetail) -> dict[str, JsonValue]:
    """The record's keys in contract order, then the describe-only keys."""
    record = record_values(detail.job, FIELDS)
    for key, value in detail.extra.items():
        record.setdefault(key, value)
    return record


def render_detail(
    detail: JobDetail,
    *,
    console: Console,
    fmt: OutputFormat,
    stream: TextIO | None = None,
    now: datetime | None = None,
) -> None:
    """Show one described job; machine formats go to ``stream`` (default: ``console.file``)."""
    out = console.file if stream is None else stream
    if fmt is OutputFormat.TABLE:
        console.print(_panel(detail, Clock(now or datetime.now(UTC))))
        return
    if fmt is OutputFormat.JSON:
        out.write(dumps(detail_record(detail), pretty=True) + "\n")
    elif fmt is OutputFormat.NDJSON:
        out.write(dumps(detail_record(detail)) + "\n")
    elif fmt is OutputFormat.CSV:
        record = detail_record(detail)
        rows = RowFormatter()
        out.write(rows.row(record) + rows.row(cell(value) for value in record.values()))
    else:
        assert_never(fmt)
    out.flush()


def _panel(detail: JobDetail, clock: Clock) -> Panel:
    job = detail.job
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name in FIELDS:
        value = getattr(job, name)
        if value is None:
            continue
        if isinstance(value, datetime):
            shown = cells.exact_time_text(value, clock)
        elif name in _SIZE_FIELDS and isinstance(value, int):
            shown = Text(f"{value} ({humanize.size(value)})")
        else:
            shown = cells.field_text(job, name, clock, limit=None)
        grid.add_row(Text(name), shown)
    for key, value in _flatten_all(detail):
        grid.add_row(safe_text(key), _scalar_text(value, clock))
    title = safe_text(f"{job.kind.value} job {job.job_id}")
    return Panel(grid, title=title, title_align="left", expand=False)


def _flatten_all(detail: JobDetail) -> Iterator[tuple[str, JsonValue]]:
    for key, value in detail.extra.items():
        if key not in FIELDS:
            yield from _flatten(key, value)


def _flatten(key: str, value: JsonValue) -> Iterator[tuple[str, JsonValue]]:
    """Nested values as ``parent.child`` and ``items[0]`` rows; a list of scalars stays one row."""
    if isinstance(value, dict):
        for child, inner in value.items():
            yield from _flatten(f"{key}.{child}", inner)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        for index, item in enumerate(value):
            yield from _flatten(f"{key}[{index}]", item)
    elif isinstance(value, list):
        if value:
            yield key, ", ".join(_scalar_str(item) for item in value)
    elif value is not None:
        yield key, value


def _scalar_str(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _scalar_text(value: JsonValue, clock: Clock) -> Text:
    shown = safe_text(_scalar_str(value))
    if isinstance(value, str) and _RFC3339_UTC.fullmatch(value):
        # Only the format is checked above; a month 13 still fails here, and stays plain.
        with suppress(ValueError):
            moment = to_datetime(value)
            if moment is not None:
                shown.append(f" ({humanize.relative(moment, clock.now)})")
    return shown
