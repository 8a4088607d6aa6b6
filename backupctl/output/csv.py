"""CSV: RFC 4180 rows, in the family's order, with cells neutralized against formula injection
and nothing from the data live on a terminal."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TextIO, TypeVar

from backupctl.domain.job import JsonValue
from backupctl.output.family import Family
from backupctl.output.json import dumps
from backupctl.output.rows import SortedRows
from backupctl.output.safe import safe_csv

R = TypeVar("R")

# OWASP's list of characters a spreadsheet may read as the start of a formula, plus LF.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

Cell = str | int | float


def neutralize(text: str) -> str:
    """Prefix ``'`` to a string a spreadsheet would otherwise evaluate as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: JsonValue, *, spaced: bool = False) -> Cell:
    """One record value as a CSV cell: numbers stay numbers, booleans are ``true``/``false``;
    nested values are JSON, except a list of strings when ``spaced`` (joined by spaces)."""
    # Strings first: they are most of every record, and this runs once per cell.
    if isinstance(value, str):
        return neutralize(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if spaced and isinstance(value, list) and all(isinstance(item, str) for item in value):
        return neutralize(" ".join(map(str, value)))
    return neutralize(dumps(value))


class RowFormatter:
    """Renders one row at a time to text, so rows can be kept without keeping jobs.

    A character that acts on a terminal (ESC, BEL, C1, bidi controls, a lone surrogate)
    is written as the table shows it (``\\x1b``, ``<U+202E>``): a CSV printed to a
    terminal shows it, and none starts a formula. TAB, CR and LF stay, quoted.
    """

    def __init__(self) -> None:
        self._buffer = io.StringIO(newline="")
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def row(self, cells: Iterable[Cell]) -> str:
        """``cells`` as one CSV line, ``\\r\\n`` included."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        # The whole row at once: the csv module adds no such character, and a backslash
        # or a "<" changes no quoting.
        return safe_csv(self._buffer.getvalue())


class CsvWriter(SortedRows[R]):
    """Header row, then one row per record in the family's order, written at ``close``."""

    def __init__(
        self, stream: TextIO, family: Family[R], fields: Sequence[str] | None = None
    ) -> None:
        rows = RowFormatter()
        spaced = family.spaced_lists
        super().__init__(
            stream,
            family,
            fields,
            line=lambda values: rows.row([cell(value, spaced=spaced) for value in values]),
            header=lambda names: rows.row(neutralize(name) for name in names),
        )
