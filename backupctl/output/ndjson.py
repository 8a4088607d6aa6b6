"""NDJSON: one record per line, written page by page as the pages arrive."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TextIO

from backupctl.domain.job import FIELDS, Job, JsonValue, record_row
from backupctl.output.json import dumps, inert

# A page is encoded in one call, not one per record: the C encoder's cost is mostly per
# dict item, so the values of every record go in one flat list, separated by NULs, and
# are slotted into a line whose keys were encoded once. The encoder escapes every control
# character inside strings, so a NUL in its output can only be a separator. The bytes are
# those ``dumps`` writes for each record.
_SEPARATOR = "\x00"
_VALUES = json.JSONEncoder(ensure_ascii=False, separators=(_SEPARATOR, ":"), check_circular=False)

Pick = Callable[[list[JsonValue]], Sequence[JsonValue]]


def _picker(fields: Sequence[str]) -> Pick | None:
    """The values of ``fields``, in their order, from a full row; None for every field."""
    if tuple(fields) == FIELDS:
        return None
    indexes = [FIELDS.index(name) for name in fields]
    return lambda row: [row[index] for index in indexes]


class NdjsonWriter:
    """Streams records in arrival order; keeps nothing, so memory stays constant."""

    def __init__(self, stream: TextIO, fields: Sequence[str]) -> None:
        self._stream = stream
        self._line = "{" + ",".join(f"{dumps(name)}:%s" for name in fields) + "}\n"
        self._pick = _picker(fields)

    def write(self, jobs: Sequence[Job]) -> None:
        """Write the page as one ``write`` call, so an interruption never leaves half a line."""
        if not jobs:
            return
        values: list[JsonValue] = []
        add, pick = values.extend, self._pick
        for job in jobs:
            add(record_row(job) if pick is None else pick(record_row(job)))
        encoded = _VALUES.encode(values)[1:-1].split(_SEPARATOR)
        self._stream.write(inert((self._line * len(jobs)) % tuple(encoded)))
        self._stream.flush()

    def close(self) -> None:
        """Nothing is buffered; flush for the last page's sake."""
        self._stream.flush()
