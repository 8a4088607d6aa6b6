"""The live view of ``jobs watch``: active jobs with progress bars, then the status lines.

Every line is cut to the console's width and the rows to its height, so the view never
scrolls the terminal (a live display taller than the screen cannot be redrawn in place).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from backupctl.domain.job import Job, newest_first
from backupctl.output import cells
from backupctl.output.cells import Clock
from backupctl.output.safe import safe_str
from backupctl.output.table import fit, shown

# The state shown for a job that ended when its final state could not be read.
ENDED = "ENDED"
_BAR, _NARROW_BAR, _NARROW = 12, 8, 100
_STATUS_LINES = 3

Cell = Callable[[Job], RenderableType]


@dataclass(frozen=True, slots=True)
class WatchView:
    """One refresh as shown: jobs, when it was read, what comes next, what could not be read."""

    active: Sequence[Job]
    finished: Sequence[Job]
    now: datetime
    refreshed_at: datetime | None = None
    next_in: int | None = None  # seconds; None after the last refresh
    busy: str | None = None  # shown instead of the countdown while a refresh runs
    unreadable: Sequence[str] = ()
    tz: tzinfo | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width, height = options.max_width, options.max_height
        refreshed = self.refreshed_at
        if refreshed is None:  # before the first refresh there is nothing to count
            yield _line(f"reading the active jobs… {self.busy or ''}".rstrip(), "dim", width)
            return
        room = max(height - 1 - _STATUS_LINES - 1, 1)  # header, status lines, cursor line
        shown, hidden = _rows(self.active, self.finished, room)
        parts: list[RenderableType] = [
            _table(shown, self.finished, Clock(self.now, self.tz), width)
            if shown
            else Text("No active jobs.")
        ]
        parts += [_line(text, style, width) for text, style in self._status(refreshed, hidden)]
        yield Group(*parts)

    def _status(self, refreshed: datetime, hidden: int) -> list[tuple[str, str]]:
        counts = Counter(safe_str(job.state) for job in self.active if job.state)
        first = f"{len(self.active)} active"
        if counts:
            first += ": " + _counted(counts)
        if self.finished:
            ended = Counter(safe_str(job.state or ENDED) for job in self.finished)
            first += f" · {len(self.finished)} just ended: "
            first += _counted(ended)
        if hidden:
            first += f" · {hidden} more not shown"
        when = "refreshed " + refreshed.astimezone(self.tz).strftime("%H:%M:%S")
        if self.busy is not None:
            when += f", {self.busy}"
        elif self.next_in is not None:
            when += f", next in {self.next_in}s"
        if self.next_in is not None or self.busy is not None:
            when += ", Ctrl-C to quit"
        lines = [(first, ""), (when, "dim")]
        if self.unreadable:
            n = len(self.unreadable)
            targets = ", ".join(safe_str(t) for t in self.unreadable)
            lines.append(
                (f"{n} target{'' if n == 1 else 's'} could not be read: {targets}", "yellow")
            )
        return lines


def _counted(counts: Counter[str]) -> str:
    """``2 RUNNING, 1 PENDING``: most first, then by name, so the line does not jump about."""
    return ", ".join(
        f"{n} {name}" for name, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))
    )


def _line(text: str, style: str, width: int) -> Text:
    line = Text(text, no_wrap=True, overflow="ellipsis", style=style)
    line.truncate(width, overflow="ellipsis")
    return line


def _rows(active: Sequence[Job], finished: Sequence[Job], room: int) -> tuple[list[Job], int]:
    """Newest first; when they do not all fit, the ended ones stay and the oldest active go."""
    jobs = sorted([*active, *finished], key=newest_first)
    if len(jobs) <= room:
        return jobs, 0
    keep = set(map(id, sorted(finished, key=newest_first)[:room]))
    keep |= set(map(id, sorted(active, key=newest_first)[: max(room - len(keep), 0)]))
    return [job for job in jobs if id(job) in keep], len(jobs) - len(keep)


def _state(job: Job, ended: bool) -> Text:
    if not ended:
        return cells.state_text(job)
    # Shown for one refresh only: bold, so the eye finds it.
    shown = Text(ENDED, style="dim") if job.state is None else cells.state_text(job)
    shown.stylize("bold")
    return shown


def _percent(job: Job) -> float | None:
    value = job.percent_done
    return value if value is not None and math.isfinite(value) else None


def _bar(width: int) -> Cell:
    def bar(job: Job) -> RenderableType:
        value = _percent(job)
        if value is None:
            return Text("")
        return ProgressBar(total=100, completed=min(max(value, 0.0), 100.0), width=width)

    return bar


def _done(job: Job) -> Text:
    value = _percent(job)
    return cells.MISSING.copy() if value is None else Text(f"{value:.0f}%")


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    cell: Cell
    width: int = 0  # fixed; 0: as wide as its widest text
    flex: int = 0  # shrinks, taking this share of the width the others leave
    gives_way: int = 0  # on a narrow console: left out in this order (1 first); 0: never
    justify: JustifyMethod = "left"


def _columns(finished: Sequence[Job], clock: Clock, bar_width: int) -> list[_Column]:
    """The view's columns, in the order shown; the job id is never cut."""
    ended = set(map(id, finished))
    return [
        _Column("created", lambda job: cells.time_text(job.created_at, clock)),
        _Column("kind", lambda job: Text(job.kind.value), gives_way=3),
        _Column("state", lambda job: _state(job, id(job) in ended)),
        _Column("account", lambda job: cells.text(job.account_id), gives_way=5),
        _Column("region", lambda job: cells.text(job.region), gives_way=4),
        _Column("job id", lambda job: cells.text(job.job_id)),
        _Column("resource", cells.resource_text, flex=2, gives_way=2),
        _Column("progress", _bar(bar_width), width=bar_width, gives_way=6),
        _Column("", _done, width=4, gives_way=7, justify="right"),
        _Column("message", lambda job: cells.text(job.status_message), flex=3, gives_way=1),
    ]


def _table(jobs: Sequence[Job], finished: Sequence[Job], clock: Clock, width: int) -> Table:
    bar_width = _BAR if width >= _NARROW else _NARROW_BAR
    columns = _columns(finished, clock, bar_width)
    rows = [[column.cell(job) for column in columns] for job in jobs]
    natural = [
        column.width or max([len(column.header), *(_cell_len(row[i]) for row in rows)])
        for i, column in enumerate(columns)
    ]
    if not any(job.status_message for job in jobs):
        natural[-1] = 0  # no message column of dashes
    flex, ways = [c.flex for c in columns], [c.gives_way for c in columns]
    kept = shown(natural, flex, ways, width, 1)
    room = width - (len(kept) - 1)
    widths = fit([natural[i] for i in kept], [flex[i] for i in kept], room)
    table = Table(box=None, padding=(0, 1), collapse_padding=True, pad_edge=False)
    table.header_style = "bold"
    for i, size in zip(kept, widths, strict=True):
        column = columns[i]
        table.add_column(
            column.header, width=size, no_wrap=True, overflow="ellipsis", justify=column.justify
        )
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    return table


def _cell_len(renderable: RenderableType) -> int:
    return renderable.cell_len if isinstance(renderable, Text) else 0
