"""What earlier ``report failures --new`` runs reported, and the lock that keeps runs apart.

The state is one SQLite file under ``$XDG_STATE_HOME/backupctl/`` (``~/.local/state``
when the variable is unset or not absolute, as the XDG spec says), mode 0600, changed
in one transaction per run so it is never half-written. The lock is an ``flock`` on a
file beside it: the kernel drops it when the process dies, even by ``kill -9``, so no
stale lock outlives a run.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from backupctl.domain.errors import StateError
from backupctl.domain.job import Job, format_time
from backupctl.local.private_files import private_file, private_folder, take_lock

# AWS Backup returns jobs of the last 30 days; older entries can never be reported again.
KEEP = timedelta(days=31)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS reported (
    kind TEXT NOT NULL,
    job_id TEXT NOT NULL,
    problem TEXT NOT NULL,
    account_id TEXT,
    region TEXT NOT NULL,
    created_at TEXT,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (kind, job_id, problem)
)
"""


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/backupctl``, or ``~/.local/state/backupctl``."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_STATE_HOME", "")
    if not Path(base).is_absolute():
        base = str(Path(environ.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base) / "backupctl"


class ReportState:
    """The set of (kind, job id, problem) already reported, with the run lock held."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            private_folder(directory)
            self._lock_fd = take_lock(directory / "report.lock", "'report failures --new' run")
        except OSError as exc:
            raise StateError(
                f"cannot use the state directory {directory}: {exc.strerror}"
            ) from None
        path = directory / "reported.sqlite3"
        try:
            private_file(path)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise StateError(f"cannot open the state file {path}: {exc}") from None

    def seen(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which of these (kind, job id, problem) keys an earlier run reported."""
        wanted = set(keys)
        rows = self._db.execute("SELECT kind, job_id, problem FROM reported")
        return {row for row in rows if row in wanted}

    def record(self, jobs: Iterable[tuple[Job, str]], now: datetime) -> None:
        """Remember these (job, problem) pairs and forget what the API can no longer return."""
        rows = [
            (j.kind.value, j.job_id, problem, j.account_id, j.region, format_time(j.created_at),
             format_time(now))
            for j, problem in jobs
        ]  # fmt: skip
        cutoff = format_time(now - KEEP)
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT OR IGNORE INTO reported VALUES (?, ?, ?, ?, ?, ?, ?)", rows
            )
            self._db.execute(
                "DELETE FROM reported WHERE COALESCE(created_at, reported_at) < ?", (cutoff,)
            )
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._db.execute("ROLLBACK") if self._db.in_transaction else None
            raise StateError(f"cannot write the state file: {exc}") from None

    def close(self) -> None:
        """Close the file and drop the lock."""
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
        os.close(self._lock_fd)
