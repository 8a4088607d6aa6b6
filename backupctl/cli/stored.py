"""What the ``--history`` commands share: the store ``--db`` names, opened to read, and a
word on stderr when it does not cover what was asked (never synced, synced more than a
day ago, or not as far back as the window)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from backupctl.app.history_reading import StoredJobs, freshness
from backupctl.app.requests import Where
from backupctl.cli import args
from backupctl.cli.environment import Environment
from backupctl.domain.history import Scope

if TYPE_CHECKING:
    from backupctl.local.history_store import HistoryStore


def open_store(env: Environment, db: Path | None) -> HistoryStore:
    """The store to read, closed when the command ends."""
    from backupctl.local.history_store import HistoryStore

    store = HistoryStore.for_reading(args.history_db(env, db))
    env.on_close(store.close)
    return store


def tell_freshness(
    env: Environment, store: HistoryStore, scope: Scope, since: datetime | None, now: datetime
) -> None:
    """Warn on stderr where the store falls short of the read; nothing when it does not."""
    from backupctl.output.history_notes import freshness_lines

    covered = freshness(store, scope, since, now)
    for line in freshness_lines(covered, store.path, since, now):
        env.warn(line)


def stored_jobs(
    env: Environment, db: Path | None, where: Where, since: datetime | None, now: datetime
) -> StoredJobs:
    """The ``--history`` source of a job command, after the word on what it covers."""
    scope = Scope.of(where.targets)
    store = open_store(env, db)
    tell_freshness(env, store, scope, since, now)
    return StoredJobs(store, scope)
