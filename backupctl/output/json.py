"""JSON: one array of records (or one bare record) and the terminal-safe encoder all JSON
output uses."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Generic, TextIO, TypeVar

from backupctl.domain.job import JsonValue
from backupctl.local.spool import RowSpool
from backupctl.output.family import Family
from backupctl.output.fields import selected

R = TypeVar("R")

# json.dumps(ensure_ascii=False) leaves these raw; on a terminal they act (C1 controls,
# DEL), reorder text (bidi controls) or break lines (U+2028/9). Lone surrogates cannot
# be encoded as UTF-8 at all. Escaped as \uXXXX they still decode to the same string.
_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


# Built once: json.dumps with any option builds a new encoder per call, which shows at 100k jobs.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_PRETTY = json.JSONEncoder(ensure_ascii=False, indent=2)
# Python's indenting encoder is pure Python (4x slower); a flat record (no list or object
# values) comes out the same from the C encoder with a newline in its separator.
_RECORD_IN_ARRAY = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "))


# Texts longer than this are scanned line by line.
_LONG = 4096


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(value: JsonValue, *, pretty: bool = False) -> str:
    """``value`` as JSON text (compact, or 2-space indented): exact, and inert on a terminal."""
    return inert((_PRETTY if pretty else _COMPACT).encode(value))


def inert(text: str) -> str:
    """JSON text with the characters that act on a terminal escaped (it decodes the same)."""
    if not text.isascii() and len(text) <= _LONG:
        return _UNSAFE.sub(_escape, text)
    if not text.isascii():
        # A page of NDJSON: the pattern scans a character at a time, isascii() a word at a
        # time, so only the few lines that hold anything but ASCII are scanned.
        lines = text.split("\n")  # json escapes a newline inside a string
        text = "\n".join(line if line.isascii() else _UNSAFE.sub(_escape, line) for line in lines)
    # DEL is the one unsafe ASCII character json leaves raw (the pattern escaped the rest).
    return text.replace("\x7f", "\\u007f") if "\x7f" in text else text


def _in_array(record: dict[str, JsonValue], flat: bool) -> str:
    """One record as an element of a 2-space indented array (``json.dumps(..., indent=2)``)."""
    if flat:
        return "{\n    " + inert(_RECORD_IN_ARRAY.encode(record))[1:-1] + "\n  }"
    return dumps(record, pretty=True).replace("\n", "\n  ")


class JsonWriter(Generic[R]):
    """One pretty-printed array of records, in the family's order, written at ``close``
    (a ``single`` family: its one record, bare)."""

    def __init__(
        self, stream: TextIO, family: Family[R], fields: Sequence[str] | None = None
    ) -> None:
        self._stream = stream
        self._family = family
        self._fields = fields
        self._spool: RowSpool[R] = RowSpool(family.order)

    def write(self, records: Sequence[R]) -> None:
        """Render the page's records now; keep only their text until ``close``."""
        family = self._family
        for record in records:
            values = selected(family.record(record), self._fields)
            text = dumps(values, pretty=True) if family.single else _in_array(values, family.flat)
            self._spool.add(record, text)

    def close(self) -> None:
        """Write the whole array, exactly as ``json.dumps(records, indent=2)`` would."""
        write = self._stream.write
        if self._family.single:
            for text in self._spool.drain():
                write(text + "\n")
            self._stream.flush()
            return
        # Each write ends a line (a record is written with the comma after it, so one
        # behind): output cut between two writes ends on a whole line.
        texts = self._spool.drain()
        previous = next(texts, None)
        if previous is None:
            write("[]\n")
        else:
            write("[\n")
            for text in texts:
                write(f"  {previous},\n")
                previous = text
            write(f"  {previous}\n]\n")
        self._stream.flush()
