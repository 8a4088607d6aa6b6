"""The output seam: the formats, what a record family tells the writers, the writer
Protocol, and the one dispatch from a format to its writer.

A format is one module (``json``, ``ndjson``, ``csv``, ``text``) that writes any family; the
table is each family's own "person" form (a table of jobs, a panel for one described
job). Adding a format touches this module and its own; adding a record family touches
``families`` and its person form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TextIO, TypeVar, assert_never

from backupctl.domain.job import JsonValue

if TYPE_CHECKING:
    from rich.console import Console

    from backupctl.output.query_expression import QueryExpression

R = TypeVar("R")
R_contra = TypeVar("R_contra", contravariant=True)


class OutputFormat(StrEnum):
    """The values of ``-o/--output``."""

    TABLE = "table"
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"
    TEXT = "text"


class RecordWriter(Protocol[R_contra]):
    """Receives records page by page, from one thread, and finishes the output at ``close``."""

    def write(self, records: Sequence[R_contra]) -> None:
        """Take one page of records, as it arrives."""

    def close(self) -> None:
        """End of the run: sorted formats write here."""


# The person form of a family: (console, chosen fields or None, "now" for relative times).
PersonForm = Callable[["Console", Sequence[str] | None, datetime | None], RecordWriter[R]]


@dataclass(frozen=True)
class Family(Generic[R]):
    """A kind of record the writers print, and what they need to know about it.

    ``fields`` are every field a record has, in contract order (what ``--fields`` may
    choose from); empty when each record names its own (a described job's extras).
    ``record`` gives a record's JSON values by field; ``row``, when set, gives the values
    of ``fields`` in order (the fast path of a large family). ``order`` is the key
    records are printed by (None: as they arrive); ``flat`` says no value is a list or
    an object; ``single`` that the output is one record, printed bare, not in an array;
    ``spaced_lists`` that a list of names is one CSV cell of space-separated names
    (otherwise a nested value is JSON in its cell).
    """

    name: str
    fields: tuple[str, ...]
    record: Callable[[R], dict[str, JsonValue]]
    person: PersonForm[R]
    row: Callable[[R], list[JsonValue]] | None = None
    order: Callable[[R], Any] | None = None
    flat: bool = True
    single: bool = False
    spaced_lists: bool = False


def make_writer(
    fmt: OutputFormat,
    family: Family[R],
    *,
    stream: TextIO,
    console: Console,
    fields: Sequence[str] | None,
    now: datetime | None = None,
    query: QueryExpression | None = None,
    header: bool = False,
) -> RecordWriter[R]:
    """The writer of ``family`` in ``fmt``; ``fields=None`` means the family's own.

    Machine formats write to ``stream`` and never see the console, so they carry no
    colour or escape sequence whatever the environment; the person form prints to
    ``console``. ``query`` (JSON, NDJSON and text only) is applied to the JSON form;
    ``header`` (text only) puts the field names on a first line.
    """
    # Imported here, not at the top: the CLI needs OutputFormat to build its options, and
    # --help should not pay for importing Rich's table machinery.
    if fmt is OutputFormat.TABLE:
        return family.person(console, fields, now)
    if fmt is OutputFormat.JSON:
        from backupctl.output.json import JsonWriter, dumps

        if query is not None:
            return _queried(stream, family, fields, query, lambda v: dumps(v, pretty=True) + "\n")
        return JsonWriter(stream, family, fields)
    if fmt is OutputFormat.NDJSON:
        from backupctl.output.ndjson import NdjsonWriter

        return NdjsonWriter(stream, family, fields, query)
    if fmt is OutputFormat.CSV:
        from backupctl.output.csv import CsvWriter

        return CsvWriter(stream, family, fields)
    if fmt is OutputFormat.TEXT:
        from backupctl.output.text import TextWriter, result_text

        if query is not None:
            return _queried(stream, family, fields, query, lambda v: result_text(v, header=header))
        return TextWriter(stream, family, fields, header=header)
    assert_never(fmt)


def _queried(
    stream: TextIO,
    family: Family[R],
    fields: Sequence[str] | None,
    query: QueryExpression,
    render: Callable[[JsonValue], str],
) -> RecordWriter[R]:
    from backupctl.output.query_expression import QueriedWriter

    return QueriedWriter(stream, family, fields, query, render)
