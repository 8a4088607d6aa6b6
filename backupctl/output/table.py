"""The table: newest first, state coloured, times relative and local, sized to the console."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from backupctl.domain.job import PROBLEM_STATES, Job, newest_first
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


def _summary(jobs: Sequence[Job]) -> Text:
    counts = Counter(job.state for job in jobs if job.state in PROBLEM_STATES)
    issues = sum(job.completed_with_issues for job in jobs)
    parts = [f"{len(jobs)} job" + ("" if len(jobs) == 1 else "s")]
    parts += [f"{counts[state]} {state}" for state in sorted(counts)]
    if issues:
        parts.append(f"{issues} completed with issues ({cells.ISSUES_MARK})")
    return Text(" · ".join(parts))


class TableWriter:
    """Keeps the jobs and prints one table at ``close``; a person reads it, so memory is fine."""

    def __init__(
        self,
        console: Console,
        fields: Sequence[str] | None = None,
        *,
        now: datetime | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        self._console = console
        self._fields = fields
        self._now = now
        self._tz = tz
        self._jobs: list[Job] = []

    def write(self, jobs: Sequence[Job]) -> None:
        """Keep the page's jobs."""
        self._jobs.extend(jobs)

    def close(self) -> None:
        """Print the table, or one plain line when there are no jobs."""
        if not self._jobs:
            self._console.print(Text("No jobs found."))
            return
        self._jobs.sort(key=newest_first)
        self._console.print(self._table(self._jobs))

    def _table(self, jobs: Sequence[Job]) -> Table:
        width = self._console.width
        wide = width >= WIDE
        chosen = columns(self._fields, width)
        clock = Clock(self._now or datetime.now(UTC), self._tz, with_local=wide)
        rows = [[column.cell(job, clock) for column in chosen] for job in jobs]
        headers = [Text(column.header) for column in chosen]
        natural = [
            max(header.cell_len, *(row[i].cell_len for row in rows))
            for i, header in enumerate(headers)
        ]
        gaps = (len(headers) - 1) * (2 if wide else 1)
        flex = [column.flex for column in chosen]
        widths = fit(natural, flex, width - gaps)
        table = Table(
            box=None,
            padding=(0, 1),
            collapse_padding=not wide,
            pad_edge=False,
            header_style="bold",
            caption=_summary(jobs),
            caption_justify="left",
        )
        for header, width in zip(headers, widths, strict=True):
            table.add_column(header, width=width, no_wrap=True, overflow="ellipsis")
        for row in rows:
            table.add_row(*row)
        return table
