"""The history store: one SQLite file of jobs that ``history sync`` keeps current and that
``--history`` and ``jobs summary`` read with no AWS call.

``$XDG_DATA_HOME/backupctl/history.sqlite`` (``~/.local/share`` when the variable is unset
or not absolute) by default. The conventions of the ``--new`` state hold (see
``private_files``): a 0700 folder, 0600 files, and an ``flock`` beside the file that keeps
syncs apart and that the kernel drops even on ``kill -9``. The file is in WAL mode, so
reads go on while a sync writes; a sync writes one transaction per page, so a run
stopped at any moment leaves every page it wrote whole and the rest for the next run.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from backupctl.domain.errors import HistoryError
from backupctl.domain.history import Scope, SyncMark
from backupctl.domain.job import Job, Kind
from backupctl.domain.query import Query
from backupctl.domain.summary_rows import Count, Grouping, day_number, from_day_number
from backupctl.local import history_sql as sql
from backupctl.local.history_schema import APPLICATION_ID, OPEN, SCHEMA, SCHEMA_VERSION
from backupctl.local.private_files import private_file, private_folder, take_lock

PAGE = 1000  # jobs handed on at a time when reading
_GROUP_COLUMN: Mapping[Grouping | None, str] = {
    None: "NULL",
    Grouping.ACCOUNT: "nullif(account_id, '')",
    Grouping.REGION: "region",
    Grouping.RESOURCE_TYPE: "nullif(resource_type, '')",
    Grouping.KIND: "kind",
}


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/backupctl/history.sqlite``, or ``~/.local/share/backupctl/...``."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME", "")
    if not Path(base).is_absolute():
        base = str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "backupctl" / "history.sqlite"


def _connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection to an existing file (never creating one); nothing is read
    from the file yet."""
    uri = path.resolve().as_uri() + "?mode=rw"
    return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)


class HistoryStore:
    """An open store: ``for_sync`` holds the lock and may write; ``for_reading`` only reads."""

    def __init__(self, path: Path, db: sqlite3.Connection, lock_fd: int | None) -> None:
        self.path, self._db, self._lock_fd = path, db, lock_fd

    @classmethod
    def for_sync(cls, path: Path) -> HistoryStore:
        """Take the lock (LockHeldError when a sync holds it), then open the store, made
        with the current schema if it is new; HistoryError when it cannot be used."""
        try:
            private_folder(path.parent)
            lock_fd = take_lock(path.with_name(path.name + ".lock"), "'history sync'")
        except OSError as exc:
            raise HistoryError(f"cannot use the folder {path.parent}: {exc.strerror}") from None
        try:
            private_file(path)
            store = cls(path, _connect(path), lock_fd)
        except (OSError, sqlite3.Error) as exc:
            os.close(lock_fd)
            raise HistoryError(f"cannot open the history store {path}: {exc}") from None
        try:
            store._check_schema(create=True)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def for_reading(cls, path: Path) -> HistoryStore:
        """Open the store to read; HistoryError when there is none or it cannot be read."""
        missing = HistoryError(
            f"no history store at {path}: run 'backupctl history sync' first (or pass --db)"
        )
        if not path.is_file():
            raise missing
        try:
            store = cls(path, _connect(path), None)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot open the history store {path}: {exc}") from None
        try:
            if not store._check_schema(create=False):
                raise missing
        except BaseException:
            store.close()
            raise
        return store

    def _check_schema(self, *, create: bool) -> bool:
        """Whether the file holds the current schema, after making it when ``create`` and the
        file is empty; HistoryError for anything else: it is never misread."""
        try:
            app_id = self._one("PRAGMA application_id")
            version = self._one("PRAGMA user_version")
            tables = self._one("SELECT count(*) FROM sqlite_master")
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
                raise HistoryError(f"{self.path} is not a SQLite database") from None
            raise HistoryError(f"cannot open the history store {self.path}: {exc}") from None
        if app_id == 0 and version == 0 and tables == 0:
            if not create:
                return False
            self._create()
        elif app_id != APPLICATION_ID:
            raise HistoryError(f"{self.path} is not a backupctl history store; pass another --db")
        elif version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path} was written by a newer backupctl (store schema {version}; this "
                f"version reads schema {SCHEMA_VERSION}): upgrade backupctl"
            )
        elif version < SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path} has store schema {version}, which this backupctl cannot migrate "
                f"to {SCHEMA_VERSION}: sync into a new --db"
            )
        self._db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never torn
        return True

    def _create(self) -> None:
        """The schema, application id and version in one transaction (all or nothing)."""
        self._db.executescript(
            f"BEGIN IMMEDIATE; {SCHEMA}; PRAGMA application_id = {APPLICATION_ID};"
            f" PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        )
        self._db.execute("PRAGMA journal_mode = WAL")

    def _one(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(statement, params).fetchone()[0]

    def _transaction(self, statements: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> int:
        """Run ``executemany`` for each (statement, rows) in one transaction; the rows they
        inserted or changed (not counting what the triggers did)."""
        changed = 0
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for statement, rows in statements:
                changed += self._db.executemany(statement, rows).rowcount
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise HistoryError(f"cannot write the history store {self.path}: {exc}") from None
        return changed

    def write(self, jobs: Sequence[Job]) -> tuple[int, int]:
        """Store a page of jobs in one transaction: (how many were new, how many changed)."""
        if not jobs:
            return 0, 0
        known = 0
        for kind in {job.kind for job in jobs}:
            ids = [job.job_id for job in jobs if job.kind is kind]
            places = ", ".join("?" * len(ids))
            known += self._one(
                f"SELECT count(*) FROM jobs WHERE kind = ? AND job_id IN ({places})",
                [kind.value, *ids],
            )
        written = self._transaction([(sql.UPSERT, [sql.job_row(job) for job in jobs])])
        new = len({(job.kind, job.job_id) for job in jobs}) - known
        return new, written - new

    def save_marks(self, marks: Sequence[SyncMark]) -> None:
        """Record the listings a sync finished, in one transaction."""
        rows = [
            (m.account_id, m.region, m.kind.value,
             None if m.high_water is None else sql.microseconds(m.high_water),
             sql.microseconds(m.covered_from), sql.microseconds(m.synced_at))
            for m in marks
        ]  # fmt: skip
        self._transaction([("INSERT OR REPLACE INTO syncs VALUES (?, ?, ?, ?, ?, ?)", rows)])

    def save_names(self, names: Mapping[str, str]) -> None:
        """Remember the accounts' names (for reports), in one transaction."""
        self._transaction([("INSERT OR REPLACE INTO accounts VALUES (?, ?)", list(names.items()))])

    def names(self, scope: Scope) -> dict[str, str]:
        """The names of the accounts in ``scope``."""
        rows = self._read("SELECT account_id, name FROM accounts ORDER BY account_id", ())
        return {account: name for account, name in rows if scope.holds(account, None)}

    def known(self, accounts: Sequence[str]) -> frozenset[str]:
        """Those of ``accounts`` the store knows: it holds a job or the name of each (an
        org-view sync learns the names of the organization's accounts)."""
        statement = (
            "SELECT EXISTS (SELECT 1 FROM jobs WHERE account_id = ?1)"
            " OR EXISTS (SELECT 1 FROM accounts WHERE account_id = ?1)"
        )
        return frozenset(a for a in accounts if self._read(statement, (a,)).fetchone()[0])

    def marks(self) -> list[SyncMark]:
        """What the store knows of every listing a sync finished."""
        rows = self._db.execute("SELECT * FROM syncs ORDER BY account_id, region, kind")
        return [
            SyncMark(account, region, Kind(kind), None if high is None else sql.moment(high),
                     sql.moment(covered), sql.moment(synced))
            for account, region, kind, high, covered, synced in rows
        ]  # fmt: skip

    def _listing_filter(
        self, account_id: str | None, region: str, kind: Kind
    ) -> tuple[str, list[Any]]:
        """The jobs of one listing: one account's (None: every account) in a region."""
        where, params = "region = ? AND kind = ?", [region, kind.value]
        if account_id is not None:
            where, params = where + " AND account_id = ?", [*params, account_id]
        return where, params

    def open_jobs(
        self, account_id: str | None, region: str, kind: Kind, since: datetime
    ) -> list[Job]:
        """The listing's jobs created at or after ``since`` that may still change, oldest first."""
        where, params = self._listing_filter(account_id, region, kind)
        rows = self._db.execute(
            f"SELECT {sql.COLUMNS} FROM jobs WHERE {where} AND {OPEN} AND created_at >= ?"
            " ORDER BY created_at",
            [*params, sql.microseconds(since)],
        )
        return [sql.row_job(row) for row in rows]

    def count(
        self, account_id: str | None, region: str, kind: Kind, since: datetime, until: datetime
    ) -> int:
        """How many of the listing's jobs were created in [since, until)."""
        where, params = self._listing_filter(account_id, region, kind)
        statement = f"SELECT count(*) FROM jobs WHERE {where} AND created_at BETWEEN ? AND ?"
        return int(
            self._one(statement, [*params, sql.microseconds(since), sql.microseconds(until) - 1])
        )

    def jobs(self, query: Query, scope: Scope) -> Iterator[list[Job]]:
        """``query``'s jobs within ``scope``, newest first (``query.limit`` of them at most),
        a page at a time."""
        where, params = sql.job_filter(query, scope)
        statement = f"SELECT {sql.COLUMNS} FROM jobs WHERE {where} ORDER BY {sql.NEWEST_FIRST}"
        if query.limit is not None:
            statement, params = statement + " LIMIT ?", [*params, query.limit]
        cursor = self._read(statement, params)
        while rows := cursor.fetchmany(PAGE):
            yield [sql.row_job(row) for row in rows]

    def span(self, scope: Scope) -> tuple[datetime, datetime] | None:
        """The first and last creation time of the jobs in ``scope``; None when it has none."""
        where, params = sql.job_filter(Query(), scope)
        statement = f"SELECT min(created_at), max(created_at) FROM jobs WHERE {where}"
        first, last = self._read(statement, params).fetchone()
        return None if first is None else (sql.moment(first), sql.moment(last))

    def find(self, job_id: str, kinds: Sequence[Kind], scope: Scope) -> Job | None:
        """The job with this id, of one of ``kinds``, within ``scope``; None if there is none."""
        where, params = sql.job_filter(Query(kinds=tuple(kinds)), scope)
        statement = f"SELECT {sql.COLUMNS} FROM jobs WHERE job_id = ? AND {where} LIMIT 1"
        row = self._read(statement, [job_id, *params]).fetchone()
        return None if row is None else sql.row_job(row)

    def counts(
        self, first: date, last: date, query: Query, scope: Scope, by: Grouping | None
    ) -> list[Count]:
        """The jobs of days ``first`` to ``last`` (inclusive), counted by day, group and
        state; ``query``'s kinds, states and resource type apply."""
        chosen = Query(kinds=query.kinds, states=query.states, resource_type=query.resource_type)
        where, params = sql.job_filter(chosen, scope)
        group = _GROUP_COLUMN[by]
        statement = (
            f"SELECT day, {group} AS grouped, nullif(state, ''), with_issues, sum(jobs)"
            f" FROM day_counts WHERE day BETWEEN ? AND ? AND {where}"
            " GROUP BY day, grouped, state, with_issues"
        )
        rows = self._read(statement, [day_number(first), day_number(last), *params])
        return [
            Count(from_day_number(day), grouped, state, bool(issues), int(jobs))
            for day, grouped, state, issues, jobs in rows
        ]

    def _read(self, statement: str, params: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self._db.execute(statement, params)
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read the history store {self.path}: {exc}") from None

    def optimize(self) -> None:
        """Let SQLite refresh the statistics its planner chooses indexes by (cheap)."""
        self._db.execute("PRAGMA optimize")

    def close(self) -> None:
        """Close the file and drop the lock."""
        self._db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
