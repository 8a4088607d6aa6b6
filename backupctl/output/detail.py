"""``job describe``: one job in full: its record, and the panel that is its person form.

The machine formats carry the contract record's keys in contract order, then the
describe-only keys (``JobDetail.extra``) in the order the API returned them. An extra
key that collides with a record key is dropped: the record's value wins. CSV has one
header row and one data row; a nested extra value is JSON-encoded into its cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import UTC, datetime

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from backupctl.domain.job import FIELDS, JobDetail, JsonValue, to_datetime
from backupctl.output import cells, humanize
from backupctl.output.cells import Clock
from backupctl.output.safe import safe_text

_RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
_SIZE_FIELDS = frozenset({"backup_size_bytes", "bytes_transferred"})


class PanelWriter:
    """The person form of a described job: a panel of every field, printed at ``close``."""

    def __init__(self, console: Console, now: datetime | None = None) -> None:
        self._console = console
        self._now = now
        self._details: list[JobDetail] = []

    def write(self, details: Sequence[JobDetail]) -> None:
        """Keep the described jobs."""
        self._details.extend(details)

    def close(self) -> None:
        """Print each job's panel."""
        clock = Clock(self._now or datetime.now(UTC))
        for detail in self._details:
            self._console.print(_panel(detail, clock))


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
