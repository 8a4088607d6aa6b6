"""The output seam's one dispatch, from a format to its writer (the formats, the record
family and the writer Protocol are in ``family``).

A format is one module (``json``, ``ndjson``, ``csv``, ``text``) that writes any family; the
table is each family's own "person" form (a table of jobs, a panel for one described
job). Adding a format touches ``family`` (its enum member), this module and its own;
adding a record family touches ``families`` and its person form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO, TypeVar, assert_never

from backupctl.domain.job import JsonValue
from backupctl.output.family import Family, OutputFormat, RecordWriter

if TYPE_CHECKING:
    from rich.console import Console

    from backupctl.output.query_expression import QueryExpression

R = TypeVar("R")


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
