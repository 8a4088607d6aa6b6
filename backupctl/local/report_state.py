"""What earlier ``report failures --new`` and ``report gaps --new`` runs reported, and the
lock that keeps runs apart (one lock for both reports: they share the file).

The state is one SQLite file under ``$XDG_STATE_HOME/backupctl/`` (``~/.local/state``
when the variable is unset or not absolute, as the XDG spec says), mode 0600, changed
in one transaction per run so it is never half-written. The lock is an ``flock`` on a
file beside it: the kernel drops it when the process dies, even by ``kill -9``, so no
stale lock outlives a run.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from backupctl.domain.errors import LockHeldError, StateError
from backupctl.domain.gaps import GapKey
from backupctl.domain.job import Job, format_time

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
# The gaps reported, one row per gap (``GapKey``); ``seen_at`` moves on while a gap is still
# found, and a gap not found for ``KEEP`` is forgotten. A table of its own: a state file
# written before gaps were reported gains it on first use, and its rows stay as they were.
_GAP_SCHEMA = """
CREATE TABLE IF NOT EXISTS reported_gaps (
    gap TEXT NOT NULL,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (gap, account_id, region, subject, detail)
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
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._lock_fd = os.open(directory / "report.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateError(
                f"cannot use the state directory {directory}: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise LockHeldError(
                f"another 'report --new' run holds the lock ({directory / 'report.lock'})"
            ) from None
        path = directory / "reported.sqlite3"
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
            path.chmod(0o600)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute(_SCHEMA)
            self._db.execute(_GAP_SCHEMA)
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

    def seen_gaps(self, keys: Iterable[GapKey]) -> set[GapKey]:
        """Which of these gaps an earlier run reported."""
        wanted = set(keys)
        rows = self._db.execute(
            "SELECT gap, account_id, region, subject, detail FROM reported_gaps"
        )
        return {key for row in rows if (key := GapKey(*row)) in wanted}

    def record_gaps(self, keys: Iterable[GapKey], now: datetime) -> None:
        """Remember the gaps found now (reported now or before) and forget those not
        found for ``KEEP``."""
        stamp = format_time(now)
        rows = [(*key, stamp, stamp) for key in keys]
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO reported_gaps VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (gap, account_id, region, subject, detail) "
                "DO UPDATE SET seen_at = excluded.seen_at",
                rows,
            )
            self._db.execute(
                "DELETE FROM reported_gaps WHERE seen_at < ?", (format_time(now - KEEP),)
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
