"""NDJSON: one record per line, written page by page as the pages arrive."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Generic, TextIO, TypeVar

from backupctl.domain.job import JsonValue
from backupctl.output.family import Family
from backupctl.output.fields import selected
from backupctl.output.json import dumps, inert

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression

R = TypeVar("R")

# A page is encoded in one call, not one per record: the C encoder's cost is mostly per
# dict item, so the values of every record go in one flat list, separated by NULs, and
# are slotted into a line whose keys were encoded once. The encoder escapes every control
# character inside strings, so a NUL in its output can only be a separator. The bytes are
# those ``dumps`` writes for each record.
_SEPARATOR = "\x00"
_VALUES = json.JSONEncoder(ensure_ascii=False, separators=(_SEPARATOR, ":"), check_circular=False)

Pick = Callable[[list[JsonValue]], Sequence[JsonValue]]


def _picker(all_fields: Sequence[str], fields: Sequence[str]) -> Pick | None:
    """The values of ``fields``, in their order, from a full row; None for every field."""
    if tuple(fields) == tuple(all_fields):
        return None
    indexes = [all_fields.index(name) for name in fields]
    return lambda row: [row[index] for index in indexes]


class NdjsonWriter(Generic[R]):
    """Streams records in arrival order; keeps nothing, so memory stays constant. With a
    ``query``, each line is the expression's value for one record (none when null)."""

    def __init__(
        self,
        stream: TextIO,
        family: Family[R],
        fields: Sequence[str] | None = None,
        query: QueryExpression | None = None,
    ) -> None:
        self._stream = stream
        self._family = family
        self._fields = fields
        self._query = query
        self._row = family.row if family.fields and query is None else None
        if self._row is not None:
            chosen = fields or family.fields
            self._line = "{" + ",".join(f"{dumps(name)}:%s" for name in chosen) + "}\n"
            self._pick = _picker(family.fields, chosen)

    def write(self, records: Sequence[R]) -> None:
        """Write the page as one ``write`` call, so an interruption never leaves half a line."""
        if not records:
            return
        row = self._row
        if row is None:
            record, fields = self._family.record, self._fields
            shown: Iterable[JsonValue] = (selected(record(r), fields) for r in records)
            if self._query is not None:
                shown = (v for v in map(self._query.search, shown) if v is not None)
            text = "".join(dumps(value) + "\n" for value in shown)
        else:
            values: list[JsonValue] = []
            add, pick = values.extend, self._pick
            for item in records:
                add(row(item) if pick is None else pick(row(item)))
            encoded = _VALUES.encode(values)[1:-1].split(_SEPARATOR)
            text = inert((self._line * len(records)) % tuple(encoded))
        self._stream.write(text)
        self._stream.flush()

    def close(self) -> None:
        """Nothing is buffered; flush for the last page's sake."""
        self._stream.flush()
