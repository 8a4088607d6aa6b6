"""Progress on stderr while a fan-out runs, only when a person is watching."""

from __future__ import annotations

import time
from typing import TypeVar

from rich.console import Console
from rich.status import Status

from backupctl.domain.outcome import Outcome
from backupctl.output.unread import progress_text

L = TypeVar("L")


class ProgressLine:
    """A transient status line: listings done / total, jobs found, failures."""

    def __init__(self, console: Console) -> None:
        self._status = Status("reading AWS Backup jobs…", console=console)
        self._status.start()
        self._last = 0.0

    def update(self, outcome: Outcome[L]) -> None:
        """Refresh at most ten times a second."""
        now = time.monotonic()
        if now - self._last < 0.1 and outcome.done < outcome.total:
            return
        self._last = now
        self._status.update(progress_text(outcome))

    def close(self) -> None:
        """Remove the line."""
        self._status.stop()
