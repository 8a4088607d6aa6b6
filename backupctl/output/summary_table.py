"""``jobs summary``: the person form: a row per day and group, with a bar of its jobs.

The bar's length is the row's jobs against the busiest row's; its parts are the
completed jobs, those completed with issues, the failed ones (FAILED, ABORTED, EXPIRED,
PARTIAL) and those still active, each in its own colour and its own shade, so the bar
reads the same without colour. A part that holds any job gets at least one cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from backupctl.domain.summary_rows import Grouping, SummaryRow
from backupctl.output.safe import safe_text
from backupctl.output.trimmed import print_trimmed


@dataclass(frozen=True, slots=True)
class _Part:
    name: str
    glyph: str
    style: str
    fields: tuple[str, ...]

    def of(self, row: SummaryRow) -> int:
        return sum(row[name] for name in self.fields)


PARTS = (
    _Part("ok", "█", "green", ("completed",)),
    _Part("issues", "▓", "yellow", ("completed_with_issues",)),
    _Part("failed", "▒", "red", ("failed", "aborted", "expired", "partial")),
    _Part("active", "░", "cyan", ("created", "pending", "running", "aborting", "other")),
)
BAR_MIN, BAR_MAX = 8, 30


def bar_cells(counts: Sequence[int], length: int) -> list[int]:
    """``length`` cells shared among ``counts`` in proportion (largest remainders first);
    every non-zero count gets at least one cell while there are cells to give."""
    total = sum(counts)
    if total == 0 or length <= 0:
        return [0] * len(counts)
    exact = [count * length / total for count in counts]
    cells = [int(share) for share in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - cells[i], reverse=True)
    for i in by_remainder[: length - sum(cells)]:
        cells[i] += 1
    for i, count in enumerate(counts):
        if count and not cells[i]:
            donor = max(range(len(cells)), key=lambda j: cells[j])
            if cells[donor] > 1:
                cells[donor] -= 1
                cells[i] = 1
    return cells


def bar(row: SummaryRow, busiest: int, width: int) -> Text:
    """The row's bar, ``width`` cells for the busiest row's jobs."""
    length = max(1, round(width * row["jobs"] / busiest)) if busiest and row["jobs"] else 0
    text = Text()
    for part, cells in zip(PARTS, bar_cells([p.of(row) for p in PARTS], length), strict=True):
        text.append(part.glyph * cells, style=part.style)
    return text


class SummaryTable:
    """Keeps the rows and prints one table at ``close`` (rows come oldest day first)."""

    def __init__(
        self, console: Console, by: Grouping | None, fields: Sequence[str] | None = None
    ) -> None:
        self._console, self._by, self._fields = console, by, fields
        self._rows: list[SummaryRow] = []

    def write(self, rows: Sequence[SummaryRow]) -> None:
        """Keep the page's rows."""
        self._rows.extend(rows)

    def close(self) -> None:
        """Print the table, or one plain line when no job was counted."""
        if not self._rows:
            self._console.print(Text("No jobs in these days."))
            return
        headers, cells = self._columns()
        # One space after each column: the widths below add up to the console's.
        table = Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold",
                      caption=self._caption(), caption_justify="left")  # fmt: skip
        for i, header in enumerate(headers):
            numeric = i > (0 if self._by is None else 1) and self._fields is None
            table.add_column(header, justify="right" if numeric else "left", no_wrap=True,
                             overflow="ellipsis")  # fmt: skip
        natural = sum(
            max(len(header), *(row[i].cell_len for row in cells)) + 1
            for i, header in enumerate(headers)
        )
        width = max(BAR_MIN, min(BAR_MAX, self._console.width - natural))
        busiest = max(row["jobs"] for row in self._rows)
        table.add_column("", no_wrap=True, overflow="crop")
        for row, texts in zip(self._rows, cells, strict=True):
            table.add_row(*texts, bar(row, busiest, width))
        print_trimmed(self._console, table)

    def _columns(self) -> tuple[list[str], list[list[Text]]]:
        """The headers and cells of every column but the bar."""
        group = [] if self._by is None else [self._by.value]
        if self._fields is not None:
            names = list(self._fields)
            return names, [[self._cell(row, name) for name in names] for row in self._rows]
        headers = ["day", *group, "jobs", *(part.name for part in PARTS)]
        rows = [
            [Text(row.day.isoformat()), *self._group(row), Text(f"{row['jobs']:,}"),
             *(Text(f"{part.of(row):,}") for part in PARTS)]
            for row in self._rows
        ]  # fmt: skip
        return headers, rows

    def _group(self, row: SummaryRow) -> list[Text]:
        if self._by is None:
            return []
        return [safe_text(row.group) if row.group is not None else Text("-", style="dim")]

    def _cell(self, row: SummaryRow, name: str) -> Text:
        if name == "day":
            return Text(row.day.isoformat())
        if self._by is not None and name == self._by.field:
            return self._group(row)[0]
        return Text(f"{row[name]:,}")

    def _caption(self) -> Text:
        """The totals, each part named beside its shade."""
        total = _sum(self._rows)
        days = len({row.day for row in self._rows})
        caption = Text(f"{total['jobs']:,} jobs, {days} day" + ("" if days == 1 else "s") + ":")
        for part in PARTS:
            caption.append("  ")
            caption.append(part.glyph, style=part.style)
            caption.append(f" {part.name} {part.of(total):,}")
        return caption


def _sum(rows: Sequence[SummaryRow]) -> SummaryRow:
    """One row adding up ``rows`` (for the caption's totals)."""
    counts = tuple(sum(values) for values in zip(*(row.counts for row in rows), strict=True))
    return SummaryRow(rows[0].day, None, counts)
