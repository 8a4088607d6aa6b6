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
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from backupctl.domain.job import FIELDS, JobDetail, JsonValue, to_datetime
from backupctl.output import cells, humanize
from backupctl.output.cells import Clock
from backupctl.output.safe import safe_text

_RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
_SIZE_FIELDS = frozenset({"backup_size_bytes", "bytes_transferred"})


# Each level of a nested value is indented by this much more than its parent.
_INDENT = 2
# The widest label kept beside its value: a longer one has its value on the next line, in
# the value column.
_LABELS = 24
_WORD = re.compile(r"\S+")
_GUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")


@dataclass(frozen=True, slots=True)
class _Row:
    """One line's worth of the panel: a label at a depth, and its value (None: a heading
    whose children follow); ``whole``: an id or ARN, never broken."""

    depth: int
    label: Text
    value: Text | None
    whole: bool = False


class PanelWriter:
    """The person form of a described job: a title line, then every field, one a line,
    nested values indented under their parent; printed at ``close``.

    Labels are short (a nested value's own key, under its parent's), and an ARN or id is
    never broken: it goes on the line below its label when it does not fit beside it, and
    stays whole on one line even when that is wider than the console, so it can be copied.
    """

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
        width = self._console.width
        for detail in self._details:
            lines = _lines(detail, clock, width)
            self._console.print(Text("\n").join(lines), no_wrap=True, overflow="ignore", crop=False)


def _lines(detail: JobDetail, clock: Clock, width: int) -> list[Text]:
    job = detail.job
    rows = [*_record_rows(detail, clock), *_extra_rows(detail, clock)]
    labelled = [_INDENT * (row.depth + 1) + row.label.cell_len for row in rows if row.value]
    column = min(max(labelled, default=0), _LABELS) + 2
    lines = [safe_text(f"{job.kind.value} job {job.job_id}", style="bold")]
    for row in rows:
        indent = _INDENT * (row.depth + 1)
        label = Text(" " * indent).append_text(row.label)
        if row.value is None:
            lines.append(label)
            continue
        # In the value column: beside the label, or on the lines below a label too long
        # to leave room for it there; when it does not fit the column, below the label,
        # indented under it.
        shown = _wrapped(row.value, width - column, row.whole)
        fits = all(line.cell_len <= width - column for line in shown)
        if fits and label.cell_len + 2 <= column:
            label.pad_right(column - label.cell_len)
            lines.append(label.append_text(shown[0]))
            lines += [Text(" " * column).append_text(line) for line in shown[1:]]
            continue
        lines.append(label)
        below = column if fits else indent + _INDENT
        if not fits:
            shown = _wrapped(row.value, width - below, row.whole)
        lines += [Text(" " * below).append_text(line) for line in shown]
    return lines


def _record_rows(detail: JobDetail, clock: Clock) -> Iterator[_Row]:
    job = detail.job
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
        yield _Row(0, Text(name, style="bold"), shown, _names_an_id(name))


def _extra_rows(detail: JobDetail, clock: Clock) -> Iterator[_Row]:
    for key, value in detail.extra.items():
        if key not in FIELDS:
            yield from _tree(0, key, value, clock)


def _tree(depth: int, key: str, value: JsonValue, clock: Clock) -> Iterator[_Row]:
    """A value's rows: an object or a list of objects as a heading and its children, a
    list of scalars as one row; nothing for None or an empty list."""
    label = safe_text(key, style="bold")
    if isinstance(value, dict):
        yield _Row(depth, label, None)
        for child, inner in value.items():
            yield from _tree(depth + 1, child, inner, clock)
    elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        yield _Row(depth, label, None)
        for index, item in enumerate(value):
            yield from _tree(depth + 1, f"[{index}]", item, clock)
    elif isinstance(value, list):
        if value:
            yield _Row(depth, label, safe_text(", ".join(_scalar_str(item) for item in value)))
    elif value is not None:
        yield _Row(depth, label, _scalar_text(value, clock), _names_an_id(key))


def _names_an_id(key: str) -> bool:
    """Whether a field's value is an id or an ARN (``job_id``, ``BackupPlanArn``, ...)."""
    return key.endswith(("_id", "_arn", "Id", "Arn", "ID", "ARN"))


def _wrapped(value: Text, width: int, whole: bool) -> list[Text]:
    """``value`` in lines of at most ``width`` cells, broken at spaces. An ARN or a GUID
    in it (or all of a ``whole`` value) is never broken: its line may be wider; any other
    word wider than ``width`` is folded."""
    plain = value.plain
    if whole or cell_len(plain) <= width:
        return [value]
    spans: list[tuple[int, int]] = []  # each line's start and end in ``plain``
    start, end, used = 0, 0, -1  # used: cells on the line so far; -1 while it is empty
    for match in _WORD.finditer(plain):
        word, size = match.group(), cell_len(match.group())
        if used >= 0 and used + 1 + size <= width:
            end, used = match.end(), used + 1 + size
            continue
        if used >= 0:
            spans.append((start, end))
        pieces = [match.span()] if size <= width or _unbreakable(word) else _folds(match, width)
        spans += pieces[:-1]
        (start, end), used = pieces[-1], cell_len(plain[pieces[-1][0] : pieces[-1][1]])
    spans.append((start, end))
    return [value[a:b] for a, b in spans]


def _unbreakable(word: str) -> bool:
    return word.startswith("arn:") or bool(_GUID.search(word))


def _folds(match: re.Match[str], width: int) -> list[tuple[int, int]]:
    """A word too wide for a line, in pieces of at most ``width`` cells."""
    pieces: list[tuple[int, int]] = []
    start, used = match.start(), 0
    for offset in range(match.start(), match.end()):
        size = cell_len(match.string[offset])
        if used + size > max(width, 1):
            pieces.append((start, offset))
            start, used = offset, 0
        used += size
    pieces.append((start, match.end()))
    return pieces


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
