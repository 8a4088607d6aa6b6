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
from backupctl.output.fields import JOB_HEADERS

# From this width on, the created column also shows local time and columns get a 2-space gap.
WIDE = 120
# Narrowest a shrinking column gets before Rich's own squeezing takes over.
_MIN_FLEX = 6
# Narrowest a shrinking column of the default table is shown at: fewer letters say nothing.
_MIN_SHOWN = 12
# Ids: never cut, whatever the width (a cut id cannot be passed to `job describe`).
_ID_FIELDS = frozenset(
    {"job_id", "account_id", "parent_job_id", "backup_plan_id", "backup_rule_id"}
)
# Short values that read badly when cut: their columns keep their full width.
_FIXED_FIELDS = _ID_FIELDS | {
    "kind",
    "state",
    "region",
    "created_at",
    "completed_at",
    "percent_done",
    "backup_size_bytes",
    "bytes_transferred",
    "is_parent",
}


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    cell: Callable[[Job, Clock], Text]
    # 0: keeps its natural width; otherwise its share of the width the fixed columns leave.
    flex: int = 0
    # In the default table on a narrow console, the order in which columns give way (1
    # first); 0: always shown.
    gives_way: int = 0
    # Never cut, even when the chosen columns do not fit: an id.
    whole: bool = False


def _field_column(name: str, gives_way: int = 0) -> _Column:
    """The column of one record field, headed as the table heads it."""
    flex = 0 if name in _FIXED_FIELDS else 2 if name == "status_message" else 1
    header = JOB_HEADERS.get(name, name)
    return _Column(header, _field_cell(name), flex, gives_way, whole=name in _ID_FIELDS)


def _field_cell(name: str) -> Callable[[Job, Clock], Text]:
    if name == "resource_name":  # a resource with no name is shown by its type and id
        return lambda job, clock: cells.resource_text(job)
    return lambda job, clock: cells.field_text(job, name, clock)


# The default table, in the order shown. On a narrow console the message gives way
# first, then the resource, the kind, the region and the account; the job id (for `job
# describe`), its state and age stay whole: at 80 columns, created, state, account,
# region and job id.
DEFAULT_COLUMNS = (
    _field_column("created_at"),
    _field_column("kind", gives_way=3),
    _field_column("state"),
    _field_column("account_id", gives_way=5),
    _field_column("region", gives_way=4),
    _field_column("job_id"),
    _field_column("resource_name", gives_way=2),
    _field_column("status_message", gives_way=1),
)


def columns(fields: Sequence[str] | None) -> tuple[_Column, ...]:
    """The chosen fields' columns, or the default ones."""
    if fields is None:
        return DEFAULT_COLUMNS
    return tuple(map(_field_column, fields))


def shown(
    natural: Sequence[int], flex: Sequence[int], gives_way: Sequence[int], room: int, gap: int
) -> list[int]:
    """The indexes of the columns that fit in ``room``: those that give way (``gives_way``
    above 0) do so in that order until the rest fit, a shrinking one (``flex``) needing
    ``_MIN_SHOWN`` at least; a column with nothing to show (natural width 0) never is."""
    kept = [i for i, width in enumerate(natural) if width]

    def width(indexes: list[int]) -> int:
        need = [natural[i] if not flex[i] else min(natural[i], _MIN_SHOWN) for i in indexes]
        return sum(need) + gap * (len(indexes) - 1)

    for i in sorted((i for i in kept if gives_way[i]), key=lambda i: gives_way[i]):
        if width(kept) <= room:
            break
        kept.remove(i)
    return kept


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

    def caption(self, width: int) -> Text:
        """``5799 jobs · 153 ABORTED · ...``, broken at a separator onto as many lines of at
        most ``width`` as it takes."""
        parts = [f"{self.jobs} job" + ("" if self.jobs == 1 else "s")]
        parts += [f"{self.problems[state]} {state}" for state in sorted(self.problems)]
        if self.issues:
            parts.append(f"{self.issues} completed with issues ({cells.ISSUES_MARK})")
        lines = [parts[0]]
        for part in parts[1:]:
            joined = f"{lines[-1]} · {part}"
            if len(joined) <= width:
                lines[-1] = joined
            else:
                lines.append(part)
        return Text("\n".join(lines))


# A cell kept for later: its text, its style and its spans (Rich's Text, flattened).
_Frozen = tuple[str, str, tuple[tuple[int, int, str], ...]]
_LINES_PER_PRINT = 256  # rows handed to Rich at once: fewer calls, bounded text
# What a frozen cell weighs in memory beyond its characters (its tuple, two strings and its
# spans, and its share of the row's list and sort key): a row of 8 cells holding 270 characters
# weighs 1,820 bytes. The spool counts
# this too, so its runs and the batches it merges weigh what it was told.
_CELL_WEIGHT = 195


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

    Rows are rendered as pages arrive and spooled like JSON and CSV (``local.spool``), so
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
        self._columns = columns(fields)
        self._default = fields is None
        self._clock = Clock(now or datetime.now(UTC), tz, with_local=self._wide)
        self._natural = [len(column.header) for column in self._columns]
        self._spool: SortedSpool[list[_Frozen]] = SortedSpool()
        self._tally = _Tally()

    def write(self, jobs: Sequence[Job]) -> None:
        """Render the page's rows now; keep only their cells until ``close``."""
        clock, natural, chosen = self._clock, self._natural, self._columns
        for job in jobs:
            row = [column.cell(job, clock) for column in chosen]
            size = _CELL_WEIGHT * len(row)
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
        chosen, natural = self._columns, self._natural
        kept = list(range(len(chosen)))
        if self._default:
            flexes, ways = [c.flex for c in chosen], [c.gives_way for c in chosen]
            kept = shown(natural, flexes, ways, console.width, len(gap))
        room = console.width - len(gap) * (len(kept) - 1)
        flex = [chosen[i].flex for i in kept]
        widths = fit([natural[i] for i in kept], flex, room)
        widths = _squeeze(widths, [chosen[i].whole for i in kept], room)
        header = [Text(chosen[i].header, style="bold") for i in kept]
        lines = [_line(header, widths, gap)]
        for row in self._spool.drain():
            lines.append(_line([_thaw(row[i]) for i in kept], widths, gap))
            if len(lines) >= _LINES_PER_PRINT:
                _print(console, lines)
                lines = []
        lines.append(self._tally.caption(console.width))
        _print(console, lines)


def _squeeze(widths: list[int], whole: Sequence[bool], room: int) -> list[int]:
    """Narrower columns, the widest first, when even the fixed ones do not fit ``room``;
    ``whole`` ones (ids) never: their lines are then wider than the console."""
    cuttable = [i for i, keep in enumerate(whole) if not keep]
    while cuttable and sum(widths) > room:
        widest = max(cuttable, key=lambda i: widths[i])
        if widths[widest] <= 1:
            break
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
