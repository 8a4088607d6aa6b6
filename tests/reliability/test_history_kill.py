"""``kill -9`` in the middle of ``history sync``: the next sync completes the store, which
then equals the store of one uninterrupted sync."""

from __future__ import annotations

import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stores import day_counts, recounted, stored_jobs, sync_marks

TARGETS = (
    "--account", "all", "--role", "OrganizationAccountAccessRole",
    "--region", "us-east-1,eu-west-1", "--concurrency", "1",
)  # fmt: skip


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """``backupctl sandbox`` in a process of its own, slow (0.15 s a call); the environment
    that reaches it."""
    args = ["--members", "3", "--jobs-per-region", "400", "--region", "us-east-1",
            "--region", "eu-west-1", "--latency", "0.15", "--warm"]  # fmt: skip
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/backupctl"
    process = subprocess.Popen(
        [sys.executable, "-m", "backupctl", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    exports: dict[str, str] = {}
    while "AWS_DEFAULT_REGION" not in exports:
        words = shlex.split(process.stdout.readline())
        assert words and words[0] == "export"
        name, _, value = words[1].partition("=")
        exports[name] = value
    try:
        yield {**env, **exports, "BACKUPCTL_SANDBOX": "0"}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def sync(env: dict[str, str], db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "backupctl", "history", "sync", *TARGETS, "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as store:
            return int(store.execute("SELECT count(*) FROM jobs").fetchone()[0])
    except sqlite3.Error:  # not made yet, or the schema not yet committed
        return 0


def test_kill_9_mid_sync_then_a_sync_gives_the_same_store(
    served: dict[str, str], tmp_path: Path
) -> None:
    killed, whole = tmp_path / "killed.sqlite", tmp_path / "whole.sqlite"
    running = sync(served, killed)
    deadline = time.monotonic() + 60
    while stored_count(killed) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=10)
    assert running.returncode == -signal.SIGKILL  # killed, not finished
    with sqlite3.connect(killed) as store:
        assert store.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    partial = stored_count(killed)
    assert sync_marks(killed) == {}  # no listing was read to its end: no mark moved
    assert day_counts(killed) == recounted(killed)

    again = sync(served, killed)  # the lock died with the process
    assert again.communicate(timeout=90) == ("", "")
    assert again.returncode == 0
    once = sync(served, whole)
    assert once.communicate(timeout=90) == ("", "")
    assert once.returncode == 0
    assert stored_jobs(killed) == stored_jobs(whole)
    assert 0 < partial < len(stored_jobs(whole))  # it was killed part-way
    assert day_counts(killed) == day_counts(whole) == recounted(whole)
    assert sync_marks(killed).keys() == sync_marks(whole).keys()
