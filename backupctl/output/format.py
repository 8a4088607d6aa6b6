"""The output seam's one dispatch, from a format to its writer (the formats, the record
family and the writer Protocol are in ``family``).

A format is one module (``json``, ``ndjson``, ``csv``) that writes any family; the
table is each family's own "person" form (a table of jobs, a panel for one described
job). Adding a format touches ``family`` (its enum member), this module and its own;
adding a record family touches ``families`` and its person form.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TextIO, TypeVar, assert_never

from backupctl.output.family import Family, OutputFormat, RecordWriter

if TYPE_CHECKING:
    from rich.console import Console

R = TypeVar("R")


def make_writer(
    fmt: OutputFormat,
    family: Family[R],
    *,
    stream: TextIO,
    console: Console,
    fields: Sequence[str] | None,
    now: datetime | None = None,
) -> RecordWriter[R]:
    """The writer of ``family`` in ``fmt``; ``fields=None`` means the family's own.

    Machine formats write to ``stream`` and never see the console, so they carry no
    colour or escape sequence whatever the environment; the person form prints to
    ``console``.
    """
    # Imported here, not at the top: the CLI needs OutputFormat to build its options, and
    # --help should not pay for importing Rich's table machinery.
    if fmt is OutputFormat.TABLE:
        return family.person(console, fields, now)
    if fmt is OutputFormat.JSON:
        from backupctl.output.json import JsonWriter

        return JsonWriter(stream, family, fields)
    if fmt is OutputFormat.NDJSON:
        from backupctl.output.ndjson import NdjsonWriter

        return NdjsonWriter(stream, family, fields)
    if fmt is OutputFormat.CSV:
        from backupctl.output.csv import CsvWriter

        return CsvWriter(stream, family, fields)
    assert_never(fmt)
