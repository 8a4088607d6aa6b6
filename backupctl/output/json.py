"""JSON: one array of records, newest first, and the terminal-safe encoder all JSON output uses."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TextIO

from backupctl.domain.job import Job, JsonValue
from backupctl.output.fields import record_values
from backupctl.output.spool import SortedSpool, sort_key

# json.dumps(ensure_ascii=False) leaves these raw; on a terminal they act (C1 controls,
# DEL), reorder text (bidi controls) or break lines (U+2028/9). Lone surrogates cannot
# be encoded as UTF-8 at all. Escaped as \uXXXX they still decode to the same string.
_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


# Built once: json.dumps with any option builds a new encoder per call, which shows at 100k jobs.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_PRETTY = json.JSONEncoder(ensure_ascii=False, indent=2)
# Python's indenting encoder is pure Python (4x slower); a job record is flat, so the C
# encoder with a newline in its separator writes the same text for a record in an array.
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


class JsonWriter:
    """One pretty-printed array of records, newest first, written at ``close``."""

    def __init__(self, stream: TextIO, fields: Sequence[str]) -> None:
        self._stream = stream
        self._fields = fields
        self._spool = SortedSpool()

    def write(self, jobs: Sequence[Job]) -> None:
        """Render the page's records now; keep only their text until ``close``."""
        for job in jobs:
            text = inert(_RECORD_IN_ARRAY.encode(record_values(job, self._fields)))
            self._spool.add(sort_key(job), "{\n    " + text[1:-1] + "\n  }")

    def close(self) -> None:
        """Write the whole array, exactly as ``json.dumps(records, indent=2)`` would."""
        write = self._stream.write
        write("[")
        empty = True
        for text in self._spool.drain():
            write(("\n  " if empty else ",\n  ") + text)
            empty = False
        write("]\n" if empty else "\n]\n")
        self._stream.flush()
