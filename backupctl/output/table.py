"""The table: newest first, state coloured, times relative and local, sized to the console."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from rich.console import Console
from rich.text import Text

from backupctl.domain.job import PROBLEM_STATES, Job, newest_first
from backupctl.local.spool import SortedSpool
from backupctl.output import cells
from backupctl.output.cells import Clock

# From this width on, the created column also shows local time and columns get a 2-space gap.
WIDE = 120
# From this width on, the default columns include the job id (for `job describe`).
WIDE_ID = 160
# Narrowest a shrinking column gets before Rich's own squeezing takes over.
_MIN_FLEX = 6
# Short values that read badly when cut: their columns keep their full width.
_FIXED_FIELDS = frozenset(
    {
        "kind",
        "state",
        "account_id",
        "region",
        "created_at",
        "completed_at",
        "percent_done",
        "backup_size_bytes",
        "bytes_transferred",
        "is_parent",
    }
)


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    cell: Callable[[Job, Clock], Text]
    # 0: keeps its natural width; otherwise its share of the width the fixed columns leave.
    flex: int = 0


DEFAULT_COLUMNS = (
    _Column("created", lambda job, clock: cells.time_text(job.created_at, clock)),
    _Column("kind", lambda job, clock: Text(job.kind.value)),
    _Column("state", lambda job, clock: cells.state_text(job)),
    _Column("account", lambda job, clock: cells.text(job.account_id)),
    _Column("region", lambda job, clock: cells.text(job.region)),
    _Column("resource", lambda job, clock: cells.resource_text(job), flex=2),
    _Column("message", lambda job, clock: cells.text(job.status_message), flex=3),
)
_JOB_ID = _Column("job id", lambda job, clock: cells.text(job.job_id))


def columns(fields: Sequence[str] | None, width: int) -> tuple[_Column, ...]:
    """The chosen fields' columns, or the default ones for a console this wide."""
    if fields is not None:
        return tuple(map(_field_column, fields))
    if width >= WIDE_ID:
        return (*DEFAULT_COLUMNS[:-1], _JOB_ID, DEFAULT_COLUMNS[-1])
    return DEFAULT_COLUMNS


def _field_column(name: str) -> _Column:
    flex = 0 if name in _FIXED_FIELDS else 2 if name == "status_message" else 1
    return _Column(name, lambda job, clock: cells.field_text(job, name, clock), flex)


def fit(natural: Sequence[int], flex: Sequence[int], available: int) -> list[int]:
    """Column widths: fixed columns keep theirs; flexible ones share the rest, narrowest first."""
    widths = list(natural)
    spare = available - sum(width for width, share in zip(natural, flex, strict=True) if not share)
    flexible = [i for i, share in enumerate(flex) if share]
    flexible.sort(key=lambda i: natural[i] / flex[i])
    weight = sum(flex[i] for i in flexible)
    # A column narrower than its share gives the difference to the wider ones after it.
    for i in flexible:
        share = max(spare * flex[i] // weight, min(natural[i], _MIN_FLEX))
        widths[i] = min(natural[i], share)
        spare -= widths[i]
        weight -= flex[i]
    return widths


class _Tally:
    """What the caption counts: jobs, problems by state, completed with issues."""

    def __init__(self) -> None:
        self.jobs = 0
        self.problems: Counter[str] = Counter()
        self.issues = 0

    def add(self, job: Job) -> None:
        self.jobs += 1
        if job.state in PROBLEM_STATES:
            self.problems[job.state] += 1
        self.issues += job.completed_with_issues

    def caption(self) -> Text:
        parts = [f"{self.jobs} job" + ("" if self.jobs == 1 else "s")]
        parts += [f"{self.problems[state]} {state}" for state in sorted(self.problems)]
        if self.issues:
            parts.append(f"{self.issues} completed with issues ({cells.ISSUES_MARK})")
        return Text(" · ".join(parts))


# A cell kept for later: its text, its style and its spans (Rich's Text, flattened).
_Frozen = tuple[str, str, tuple[tuple[int, int, str], ...]]
_LINES_PER_PRINT = 256  # rows handed to Rich at once: fewer calls, bounded text


def _freeze(cell: Text) -> _Frozen:
    spans = tuple((span.start, span.end, str(span.style)) for span in cell.spans)
    return cell.plain, str(cell.style), spans


def _thaw(cell: _Frozen) -> Text:
    plain, style, spans = cell
    text = Text(plain, style=style)
    for start, end, span_style in spans:
        text.stylize(span_style, start, end)
    return text


class TableWriter:
    """The jobs as a table, newest first, fitted to the console.

    Rows are rendered as pages arrive and spooled like JSON and CSV (``output.spool``), so
    memory stays bounded however many jobs there are; the columns' widths are known when
    every row has been seen, and the rows are printed one line each at ``close``.
    """

    def __init__(
        self,
        console: Console,
        fields: Sequence[str] | None = None,
        *,
        now: datetime | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        self._console = console
        width = console.width
        self._wide = width >= WIDE
        self._columns = columns(fields, width)
        self._clock = Clock(now or datetime.now(UTC), tz, with_local=self._wide)
        self._natural = [len(column.header) for column in self._columns]
        self._spool: SortedSpool[list[_Frozen]] = SortedSpool()
        self._tally = _Tally()

    def write(self, jobs: Sequence[Job]) -> None:
        """Render the page's rows now; keep only their cells until ``close``."""
        clock, natural, chosen = self._clock, self._natural, self._columns
        for job in jobs:
            row = [column.cell(job, clock) for column in chosen]
            size = 0
            for i, cell in enumerate(row):
                length = cell.cell_len
                size += length
                if length > natural[i]:
                    natural[i] = length
            self._spool.add(newest_first(job), [_freeze(cell) for cell in row], size)
            self._tally.add(job)

    def close(self) -> None:
        """Print the table, or one plain line when there are no jobs."""
        console = self._console
        if not self._tally.jobs:
            console.print(Text("No jobs found."))
            return
        gap = "  " if self._wide else " "
        flex = [column.flex for column in self._columns]
        room = console.width - len(gap) * (len(flex) - 1)
        widths = _squeeze(fit(self._natural, flex, room), room)
        header = [Text(column.header, style="bold") for column in self._columns]
        lines = [_line(header, widths, gap)]
        for row in self._spool.drain():
            lines.append(_line([_thaw(cell) for cell in row], widths, gap))
            if len(lines) >= _LINES_PER_PRINT:
                _print(console, lines)
                lines = []
        lines.append(self._tally.caption())
        _print(console, lines)


def _squeeze(widths: list[int], room: int) -> list[int]:
    """Narrower columns, the widest first, when even the fixed ones do not fit ``room``."""
    while sum(widths) > room and max(widths) > 1:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _line(row: Sequence[Text], widths: Sequence[int], gap: str) -> Text:
    """One row: each cell cut (with an ellipsis) and padded to its column, no trailing space."""
    line = Text()
    last = len(row) - 1
    for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
        cell.truncate(width, overflow="ellipsis", pad=i < last)
        line.append_text(cell)
        if i < last:
            line.append(gap)
    line.rstrip()
    return line


def _print(console: Console, lines: list[Text]) -> None:
    console.print(Text("\n").join(lines), no_wrap=True, overflow="ignore", crop=False)
