"""The summary table's bars: proportional, every part that holds a job visible, readable
without colour, and group names shown inert."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from backupctl.domain.summary_rows import COUNT_FIELDS, Grouping, SummaryRow
from backupctl.output.summary_table import PARTS, SummaryTable, bar, bar_cells


def row(group: str | None = None, **counts: int) -> SummaryRow:
    values = [counts.get(name, 0) for name in COUNT_FIELDS]
    values[0] = sum(values)
    return SummaryRow(date(2026, 11, 20), group, tuple(values))


@given(st.lists(st.integers(0, 10_000), min_size=4, max_size=4), st.integers(0, 40))
def test_the_cells_add_up_and_every_part_shows(counts: list[int], length: int) -> None:
    cells = bar_cells(counts, length)
    assert sum(cells) == (length if sum(counts) else 0)
    assert all(cell == 0 for cell, count in zip(cells, counts, strict=True) if count == 0)
    if length >= 4:
        assert all(cell >= 1 for cell, count in zip(cells, counts, strict=True) if count)


def test_a_bar_reads_without_colour() -> None:
    busy = row(completed=10, completed_with_issues=5, failed=3, aborted=1, running=1)
    drawn = bar(busy, busiest=busy["jobs"], width=20).plain
    assert drawn == "█" * 10 + "▓" * 5 + "▒" * 4 + "░"
    assert bar(row(completed=5), busiest=busy["jobs"], width=20).plain == "█" * 5
    assert [part.glyph for part in PARTS] == ["█", "▓", "▒", "░"]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_table_fits_and_shows_names_inert(width: int) -> None:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, color_system=None)
    table = SummaryTable(console, Grouping.RESOURCE_TYPE)
    table.write([row("\x1b[31mEBS\x1b[0m", completed=3), row("SAP HANA on Amazon EC2", failed=2)])
    table.close()
    text = out.getvalue()
    assert "\x1b" not in text
    assert "\\x1b[31mEBS" in text
    assert max(len(line) for line in text.splitlines()) <= width


def test_chosen_fields_are_the_columns() -> None:
    out = io.StringIO()
    table = SummaryTable(Console(file=out, width=80), None, ["day", "failed", "jobs"])
    table.write([row(failed=2, completed=1)])
    table.close()
    header, line = out.getvalue().splitlines()[:2]
    assert header.split() == ["day", "failed", "jobs"]
    assert line.split()[:3] == ["2026-11-20", "2", "3"]
