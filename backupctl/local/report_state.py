"""What earlier ``report failures --new`` and ``report gaps --new`` runs reported, and the
lock that keeps runs apart (one lock for both reports: they share the file).

The state is one SQLite file under ``$XDG_STATE_HOME/backupctl/`` (``~/.local/state``
when the variable is unset or not absolute, as the XDG spec says), mode 0600, changed
in one transaction per run so it is never half-written. The lock is an ``flock`` on a
file beside it: the kernel drops it when the process dies, even by ``kill -9``, so no
stale lock outlives a run. Neither file is opened through a symbolic link (its target
would be written and chmod'ed), and a state file that was emptied is told apart from a
new one (``ReportState.emptied``).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path

from backupctl.domain.errors import StateError, StateNotSavedError
from backupctl.domain.gaps import GapKey
from backupctl.domain.job import format_time
from backupctl.local.private_files import connect_private, private_folder, take_lock

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


_HAS_SCHEMA = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reported'"


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/backupctl``, or ``~/.local/state/backupctl``."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_STATE_HOME", "")
    if not Path(base).is_absolute():
        base = str(Path(environ.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base) / "backupctl"


class ReportState:
    """The set of (kind, job id, problem) already reported, with the run lock held.

    Everything is read when it is opened, before any AWS call: a state that cannot be used
    stops the run there (StateError), and only ``record`` writes after the report is out.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "reported.sqlite3"
        try:
            private_folder(directory)
            self._lock_fd = take_lock(directory / "report.lock", "'report --new' run")
        except OSError as exc:
            raise _unusable(directory / "report.lock", exc) from None
        try:
            self._db, created = connect_private(self.path)
            known = self._db.execute(_HAS_SCHEMA).fetchone() is not None
            # A file that was there without the table is SQLite's empty database: the
            # file was emptied (truncated to 0 bytes), and earlier runs' reports with it.
            self.emptied = not created and not known
            self._db.execute(_SCHEMA)
            self._reported = set(self._db.execute("SELECT kind, job_id, problem FROM reported"))
            self._db.execute(_GAP_SCHEMA)
        except OSError as exc:
            self.close()
            raise _unusable(self.path, exc) from None
        except sqlite3.Error as exc:
            self.close()
            raise StateError(
                f"cannot read the state file {self.path}: {exc}; moved away, it starts anew "
                "(and every problem in the window is reported again)"
            ) from None

    def reported(self, key: tuple[str, str, str]) -> bool:
        """Whether an earlier run reported this (kind, job id, problem)."""
        return key in self._reported

    def record(
        self, problems: Iterable[tuple[str, str, str, str | None, str, str | None]], now: datetime
    ) -> None:
        """Remember these problems (kind, job id, problem, account, region, creation time)
        and forget what the API can no longer return."""
        stamp = format_time(now)
        rows = [(*problem, stamp) for problem in problems]
        self._save(
            "problems",
            ("INSERT OR IGNORE INTO reported VALUES (?, ?, ?, ?, ?, ?, ?)", rows),
            "DELETE FROM reported WHERE COALESCE(created_at, reported_at) < ?",
            format_time(now - KEEP),
        )

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
        insert = (
            "INSERT INTO reported_gaps VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (gap, account_id, region, subject, detail) "
            "DO UPDATE SET seen_at = excluded.seen_at"
        )
        self._save(
            "gaps",
            (insert, rows),
            "DELETE FROM reported_gaps WHERE seen_at < ?",
            format_time(now - KEEP),
        )

    def _save(
        self,
        what: str,
        insert: tuple[str, Sequence[Sequence[object]]],
        prune: str,
        cutoff: str | None,
    ) -> None:
        """Insert rows and prune what is older than ``cutoff``, in one transaction;
        StateNotSavedError (nothing written) if that cannot be done."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(*insert)
            self._db.execute(prune, (cutoff,))
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise StateNotSavedError(
                f"cannot save the state file {self.path}: {exc}; the {what} just reported "
                "will be reported again by the next --new run"
            ) from None

    def close(self) -> None:
        """Close the file and drop the lock."""
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
        os.close(self._lock_fd)


def _unusable(path: Path, exc: OSError) -> StateError:
    if exc.errno == errno.ELOOP:
        return StateError(
            f"the state path {path} is a symbolic link: backupctl does not follow it (it "
            "would write to, and chmod, its target); make it a regular file or remove it"
        )
    return StateError(
        f"cannot use the --new state at {exc.filename or path}: {exc.strerror or exc}"
    )
