"""Progress on stderr while a fan-out runs, only when a person is watching."""

from __future__ import annotations

import time

from rich.status import Status

from backupctl.cli.context import AppState
from backupctl.engine.fanout import Outcome


def progress_text(outcome: Outcome) -> str:
    """``listings 12/60, 4,800 jobs found, 1 failed``; "so far" while accounts are listed."""
    so_far = " so far" if outcome.finding else ""
    failed = f", {len(outcome.failures)} failed" if outcome.failures else ""
    return f"listings {outcome.done}/{outcome.total}{so_far}, {outcome.jobs:,} jobs found{failed}"


class ProgressLine:
    """A transient status line: listings done / total, jobs found, failures."""

    def __init__(self, app: AppState) -> None:
        self._status = Status("reading AWS Backup jobs…", console=app.err_console())
        self._status.start()
        self._last = 0.0

    def update(self, outcome: Outcome) -> None:
        """Refresh at most ten times a second."""
        now = time.monotonic()
        if now - self._last < 0.1 and outcome.done < outcome.total:
            return
        self._last = now
        self._status.update(progress_text(outcome))

    def close(self) -> None:
        """Remove the line."""
        self._status.stop()
