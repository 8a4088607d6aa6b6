"""Sorted lines, one per record, after a header line: what CSV and text have in common.

Each record is written to its line as it arrives and only the line is kept (in a
``RowSpool``, which spills to a private file), so memory stays bounded; ``close``
writes the header and the lines in the family's order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TextIO, TypeVar

from backupctl.domain.job import JsonValue
from backupctl.local.spool import RowSpool
from backupctl.output.family import Family
from backupctl.output.fields import selected

R = TypeVar("R")

Line = Callable[[Sequence[JsonValue]], str]  # a record's values -> its line, newline included
Header = Callable[[Sequence[str]], str]  # the field names -> the header line


class SortedRows(Generic[R]):
    """A header line (when ``header`` is given), then one line per record in the family's
    order, all written at ``close``."""

    def __init__(
        self,
        stream: TextIO,
        family: Family[R],
        fields: Sequence[str] | None,
        line: Line,
        header: Header | None,
    ) -> None:
        self._stream = stream
        self._family = family
        self._fields = fields
        self._line = line
        self._header = header
        self._names: Sequence[str] | None = fields or family.fields or None
        self._spool: RowSpool[R] = RowSpool(family.order)

    def write(self, records: Sequence[R]) -> None:
        """Render the page's lines now; keep only their text until ``close``."""
        family = self._family
        for item in records:
            record = selected(family.record(item), self._fields)
            if self._names is None:  # a family whose records name their own fields
                self._names = tuple(record)
            text = self._line(list(record.values()))
            self._spool.add(item, text)

    def close(self) -> None:
        """Write the header and every line."""
        if self._header is not None:
            self._stream.write(self._header(self._names or ()))
        for text in self._spool.drain():
            self._stream.write(text)
        self._stream.flush()
