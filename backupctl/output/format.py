"""The seam between the CLI and the renderers: the formats, the writer Protocol, the factory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TextIO, assert_never, runtime_checkable

from backupctl.domain.job import FIELDS, Job

if TYPE_CHECKING:
    from rich.console import Console


class OutputFormat(StrEnum):
    """The values of ``-o/--output``."""

    TABLE = "table"
    JSON = "json"
    NDJSON = "ndjson"
    CSV = "csv"


@runtime_checkable
class JobWriter(Protocol):
    """Receives jobs page by page, from one thread, and finishes the output at ``close``."""

    def write(self, jobs: Sequence[Job]) -> None:
        """Take one page of jobs, as it arrives."""

    def close(self) -> None:
        """End of the run: buffered formats sort and write here."""


def make_writer(
    fmt: OutputFormat,
    *,
    stream: TextIO,
    console: Console,
    fields: Sequence[str] | None,
    now: datetime | None = None,
) -> JobWriter:
    """The writer for ``fmt``; ``fields=None`` means that format's default fields.

    Machine formats write to ``stream`` and never see the console, so they carry no
    colour or escape sequence whatever the environment; the table prints to ``console``.
    """
    # Imported here, not at the top: the CLI needs OutputFormat to build its options, and
    # --help should not pay for importing Rich's table machinery.
    if fmt is OutputFormat.TABLE:
        from backupctl.output.table import TableWriter

        return TableWriter(console, fields, now=now)
    if fmt is OutputFormat.JSON:
        from backupctl.output.json import JsonWriter

        return JsonWriter(stream, fields or FIELDS)
    if fmt is OutputFormat.NDJSON:
        from backupctl.output.ndjson import NdjsonWriter

        return NdjsonWriter(stream, fields or FIELDS)
    if fmt is OutputFormat.CSV:
        from backupctl.output.csv import CsvWriter

        return CsvWriter(stream, fields or FIELDS)
    assert_never(fmt)
