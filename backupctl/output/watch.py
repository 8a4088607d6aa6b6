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

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from backupctl.domain.job import Job, newest_first
from backupctl.output import cells
from backupctl.output.cells import Clock
from backupctl.output.safe import safe_str
from backupctl.output.table import WIDE_ID

# The state shown for a job that ended when its final state could not be read.
ENDED = "ENDED"
_BAR, _NARROW_BAR, _NARROW = 12, 8, 100
_MESSAGE_MIN = 12  # below this the message column is left out: a few letters say nothing
_RESOURCE_SHARE = 2 / 5  # of the width left over, when the message needs the rest
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


def _table(jobs: Sequence[Job], finished: Sequence[Job], clock: Clock, width: int) -> Table:
    ended = set(map(id, finished))
    bar_width = _BAR if width >= _NARROW else _NARROW_BAR
    fixed: list[tuple[str, Cell]] = [
        ("created", lambda job: cells.time_text(job.created_at, clock)),
        ("kind", lambda job: Text(job.kind.value)),
        ("state", lambda job: _state(job, id(job) in ended)),
        ("account", lambda job: cells.text(job.account_id)),
        ("region", lambda job: cells.text(job.region)),
    ]
    if width >= WIDE_ID:
        fixed.append(("job id", lambda job: cells.text(job.job_id)))
    rows = [[cell(job) for _, cell in fixed] for job in jobs]
    naturals = [
        max([len(header), *(_cell_len(row[i]) for row in rows)])
        for i, (header, _) in enumerate(fixed)
    ]
    resources = [cells.resource_text(job) for job in jobs]
    messages = [cells.text(job.status_message) for job in jobs]
    # What the resource may take: the width less the fixed columns, the bar, the percentage
    # and one space between each two columns.
    spare = width - sum(naturals) - bar_width - 4 - (len(fixed) + 2)
    resource_natural = max([len("resource"), *(t.cell_len for t in resources)])
    message_natural = max(
        (t.cell_len for job, t in zip(jobs, messages, strict=True) if job.status_message),
        default=0,
    )
    resource, message = min(resource_natural, spare), 0
    if message_natural:
        room = spare - 1  # the message column's own space
        shared = min(resource_natural, max(int(room * _RESOURCE_SHARE), room - message_natural))
        if room - shared >= _MESSAGE_MIN:
            resource, message = shared, min(message_natural, room - shared)
    table = Table(box=None, padding=(0, 1), collapse_padding=True, pad_edge=False)
    table.header_style = "bold"
    for (header, _), natural in zip(fixed, naturals, strict=True):
        table.add_column(header, width=natural, no_wrap=True, overflow="ellipsis")
    table.add_column("resource", width=max(resource, 1), no_wrap=True, overflow="ellipsis")
    table.add_column("progress", width=bar_width, no_wrap=True)
    table.add_column("", width=4, justify="right", no_wrap=True)
    if message:
        table.add_column("message", width=message, no_wrap=True, overflow="ellipsis")
    for job, row, res, msg in zip(jobs, rows, resources, messages, strict=True):
        extra = [msg] if message else []
        table.add_row(*row, res, _bar(bar_width)(job), _done(job), *extra)
    return table


def _cell_len(renderable: RenderableType) -> int:
    return renderable.cell_len if isinstance(renderable, Text) else 0
