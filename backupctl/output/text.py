"""Text: tab-separated values, one record a line, as the AWS CLI's ``text`` output, for
grep, awk and cut.

A line holds the record's values in the family's field order (or ``--fields``'s), with
no header unless asked for. ``null`` is an empty field (as jq's ``@tsv`` writes it), so
every line has as many fields; a list or an object is compact JSON. A value never holds a
raw tab or line break: TAB, CR and LF, and everything else that acts on a terminal, are
shown as the table shows them (``\\t``, ``\\r``, ``↵``, ``\\x1b``, ``<U+202E>``). That is
not reversible: for the exact value, use JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO, TypeVar

from backupctl.domain.job import JsonValue
from backupctl.output.family import Family
from backupctl.output.json import dumps
from backupctl.output.rows import SortedRows
from backupctl.output.safe import safe_str

R = TypeVar("R")


def text_value(value: JsonValue, *, spaced: bool = False) -> str:
    """One value as a field: visible, with no tab or line break in it; a list of names is
    space-separated when ``spaced`` (as in CSV)."""
    if isinstance(value, str):
        return safe_str(value)
    if value is None:
        return ""
    if spaced and isinstance(value, list) and all(isinstance(item, str) for item in value):
        return safe_str(" ".join(map(str, value)))
    return safe_str(dumps(value))  # numbers, true/false, and nested values as compact JSON


def text_line(values: Sequence[JsonValue], *, spaced: bool = False) -> str:
    """Values as one line of tab-separated fields."""
    return "\t".join(text_value(value, spaced=spaced) for value in values) + "\n"


def result_text(result: JsonValue, *, header: bool = False) -> str:
    """A ``--query`` result as lines: a list is a line per item, anything else one line;
    an object's or a list's values are the line's fields. ``header``: the first object's
    keys on a line before."""
    rows = result if isinstance(result, list) else [] if result is None else [result]
    lines = [header_line(list(rows[0]))] if header and rows and isinstance(rows[0], dict) else []
    for row in rows:
        if isinstance(row, dict):
            lines.append(text_line(list(row.values())))
        else:
            lines.append(text_line(row if isinstance(row, list) else [row]))
    return "".join(lines)


def header_line(names: Sequence[str]) -> str:
    """The field names as a line."""
    return text_line(list(names))


class TextWriter(SortedRows[R]):
    """A line per record in the family's order, written at ``close``; a header line first
    when asked for."""

    def __init__(
        self,
        stream: TextIO,
        family: Family[R],
        fields: Sequence[str] | None = None,
        *,
        header: bool = False,
    ) -> None:
        spaced = family.spaced_lists
        super().__init__(
            stream,
            family,
            fields,
            lambda values: text_line(values, spaced=spaced),
            header_line if header else None,
        )
