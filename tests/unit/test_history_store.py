"""The history store: jobs read back exactly, day counts that always equal counting the
jobs, private files, one writer at a time, and no store of another schema misread."""

from __future__ import annotations

import math
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backupctl.aws.normalize import normalize
from backupctl.domain.errors import HistoryError, LockHeldError
from backupctl.domain.history import Scope
from backupctl.domain.job import Job, Kind, as_record, newest_first
from backupctl.domain.query import Query
from backupctl.local.history_store import HistoryStore
from backupctl.sandbox import Sandbox, SandboxConfig
from tests.stores import day_counts, recounted, stored_jobs

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def jobs() -> list[Job]:
    """Every job of a small organization, and a few odd ones: no creation time, a NaN
    percentage, a parent, hostile strings (the data set has some)."""
    dataset = Sandbox(SandboxConfig(members=1, now=NOW)).dataset
    found = [
        normalize(kind, raw, account.id, region)
        for kind in Kind
        for account in dataset.active_accounts
        for region in dataset.regions
        for raw in dataset.jobs(kind.value, account.id, region)
    ]
    odd = found[0]._replace(job_id="no-time", created_at=None, percent_done=math.nan)
    return [*found, odd, found[1]._replace(job_id="parent", is_parent=True)]


def test_jobs_read_back_exactly(tmp_path: Path, jobs: list[Job]) -> None:
    store = HistoryStore.for_sync(tmp_path / "h.sqlite")
    store.write(jobs)
    back = [job for page in store.jobs(Query(), Scope()) for job in page]
    store.close()
    assert [as_record(job) for job in back] == [
        as_record(job) for job in sorted(jobs, key=newest_first)
    ]
    assert [newest_first(job) for job in back] == sorted(newest_first(job) for job in jobs)
    assert any(job.is_parent is True for job in back)


def test_a_page_written_again_changes_nothing(tmp_path: Path, jobs: list[Job]) -> None:
    path = tmp_path / "h.sqlite"
    store = HistoryStore.for_sync(path)
    assert store.write(jobs[:100]) == (100, 0)
    assert store.write(jobs) == (len(jobs) - 100, 0)
    before = stored_jobs(path)
    assert store.write(jobs) == (0, 0)
    running = [job for job in jobs if job.state == "RUNNING"]
    assert running
    assert store.write([job._replace(state="COMPLETED") for job in running]) == (0, len(running))
    store.close()
    after = stored_jobs(path)
    assert {key for key in after if after[key] != before[key]} == {
        (job.kind.value, job.job_id) for job in running
    }


def test_day_counts_always_equal_counting_the_jobs(tmp_path: Path, jobs: list[Job]) -> None:
    path = tmp_path / "h.sqlite"
    store = HistoryStore.for_sync(path)
    store.write(jobs)
    assert day_counts(path) == recounted(path)
    # A state change, a message category that makes a job "completed with issues", a new day.
    changed = [
        jobs[0]._replace(state="FAILED"),
        jobs[1]._replace(state="COMPLETED", message_category="InvalidParameters"),
        jobs[2]._replace(created_at=NOW),
    ]
    store.write(changed)
    store.close()
    assert day_counts(path) == recounted(path)
    # Whoever writes: a person pruning or editing with the sqlite3 shell.
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM jobs WHERE kind = 'copy'")
        db.execute("UPDATE jobs SET account_id = NULL WHERE state = 'EXPIRED'")
    assert day_counts(path) == recounted(path)
    assert 0 not in day_counts(path).values()


def test_the_files_are_private(tmp_path: Path, jobs: list[Job]) -> None:
    folder = tmp_path / "new" / "backupctl"
    store = HistoryStore.for_sync(folder / "history.sqlite")
    store.write(jobs[:10])
    names = sorted(path.name for path in folder.iterdir())
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    store.close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert names == [
        "history.sqlite",
        "history.sqlite-shm",
        "history.sqlite-wal",
        "history.sqlite.lock",
    ]
    assert set(modes.values()) == {0o600}


def test_one_writer_at_a_time_and_readers_meanwhile(tmp_path: Path, jobs: list[Job]) -> None:
    path = tmp_path / "h.sqlite"
    writer = HistoryStore.for_sync(path)
    writer.write(jobs[:5])
    with pytest.raises(LockHeldError, match="another 'history sync' holds the lock"):
        HistoryStore.for_sync(path)
    reader = HistoryStore.for_reading(path)
    assert sum(len(page) for page in reader.jobs(Query(), Scope())) == 5
    reader.close()
    writer.close()
    HistoryStore.for_sync(path).close()  # released with the writer


def _schema_version(path: Path, version: int) -> None:
    HistoryStore.for_sync(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {version}")


def _foreign(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE jobs (id TEXT)")


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda path: _schema_version(path, 2), "written by a newer backupctl"),
        (lambda path: _schema_version(path, 0), "cannot migrate"),
        (_foreign, "is not a backupctl history store"),
        (lambda path: path.write_text("jobs,state\n"), "is not a SQLite database"),
    ],
    ids=["newer", "older", "foreign", "not-sqlite"],
)
def test_a_store_of_another_schema_is_refused_untouched(
    tmp_path: Path, make: object, said: str
) -> None:
    path = tmp_path / "h.sqlite"
    assert callable(make)
    make(path)
    before = path.read_bytes()
    for opening in (HistoryStore.for_sync, HistoryStore.for_reading):
        with pytest.raises(HistoryError, match=said) as raised:
            opening(path)
        assert "\n" not in str(raised.value)
    assert path.read_bytes() == before
    HistoryStore.for_sync(tmp_path / "other.sqlite").close()  # the lock was released


def test_reading_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match=r"no history store at .*run 'backupctl history sync'"):
        HistoryStore.for_reading(tmp_path / "missing.sqlite")
    (tmp_path / "empty.sqlite").touch()  # a sync stopped before it made the schema
    with pytest.raises(HistoryError, match="no history store"):
        HistoryStore.for_reading(tmp_path / "empty.sqlite")
