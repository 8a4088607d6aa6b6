"""NDJSON: one record per line, written page by page as the pages arrive."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from backupctl.model import Job
from backupctl.output.fields import record_values
from backupctl.output.json import dumps


class NdjsonWriter:
    """Streams records in arrival order; keeps nothing, so memory stays constant."""

    def __init__(self, stream: TextIO, fields: Sequence[str]) -> None:
        self._stream = stream
        self._fields = fields

    def write(self, jobs: Sequence[Job]) -> None:
        """Write the page as one ``write`` call, so an interruption never leaves half a line."""
        if not jobs:
            return
        self._stream.write("".join(dumps(record_values(job, self._fields)) + "\n" for job in jobs))
        self._stream.flush()

    def close(self) -> None:
        """Nothing is buffered; flush for the last page's sake."""
        self._stream.flush()
