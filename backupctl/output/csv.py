"""CSV: RFC 4180 rows, newest first, with cells neutralized against formula injection."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TextIO

from backupctl.domain.job import Job, JsonValue
from backupctl.output.fields import record_values
from backupctl.output.json import dumps
from backupctl.output.spool import SortedSpool, sort_key

# OWASP's list of characters a spreadsheet may read as the start of a formula, plus LF.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A lone surrogate (from a \ud800 escape in an API response) has no UTF-8 encoding.
_SURROGATE = re.compile("[\ud800-\udfff]")

Cell = str | int | float


def neutralize(text: str) -> str:
    """Prefix ``'`` to a string a spreadsheet would otherwise evaluate as a formula."""
    if not text.isascii() and _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: JsonValue) -> Cell:
    """One record value as a CSV cell: numbers stay numbers, booleans are ``true``/``false``."""
    # Strings first: they are most of every record, and this runs once per cell.
    if isinstance(value, str):
        return neutralize(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    # Nested values only occur in `job describe` extras; the cell keeps them as JSON.
    return neutralize(dumps(value))


class RowFormatter:
    """Renders one row at a time to text, so rows can be kept without keeping jobs."""

    def __init__(self) -> None:
        self._buffer = io.StringIO(newline="")
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def row(self, cells: Iterable[Cell]) -> str:
        """``cells`` as one CSV line, ``\\r\\n`` included."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()


class CsvWriter:
    """Header row, then one row per job, newest first, written at ``close``."""

    def __init__(self, stream: TextIO, fields: Sequence[str]) -> None:
        self._stream = stream
        self._fields = fields
        self._rows = RowFormatter()
        self._spool = SortedSpool()

    def write(self, jobs: Sequence[Job]) -> None:
        """Render the page's rows now; keep only their text until ``close``."""
        for job in jobs:
            values = record_values(job, self._fields).values()
            self._spool.add(sort_key(job), self._rows.row([cell(value) for value in values]))

    def close(self) -> None:
        """Write the header and every row."""
        self._stream.write(self._rows.row(self._fields))
        for text in self._spool.drain():
            self._stream.write(text)
        self._stream.flush()
