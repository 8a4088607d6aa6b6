"""A history store as the tests see it: its tables read with plain sqlite3, and the
day counts recounted from its jobs, apart from backupctl's own code."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

JobKey = tuple[str, str]  # (kind, job id)
DAY = 86_400_000_000  # microseconds


def stored_jobs(path: Path) -> dict[JobKey, tuple[Any, ...]]:
    """Every stored job's row, by (kind, job id)."""
    with sqlite3.connect(path) as db:
        return {(row[0], row[1]): tuple(row) for row in db.execute("SELECT * FROM jobs")}


def day_counts(path: Path) -> dict[tuple[Any, ...], int]:
    """The store's day_counts table."""
    with sqlite3.connect(path) as db:
        return {tuple(row[:-1]): row[-1] for row in db.execute("SELECT * FROM day_counts")}


def recounted(path: Path) -> dict[tuple[Any, ...], int]:
    """The day counts the store's jobs add up to, counted here from its rows."""
    counts: Counter[tuple[Any, ...]] = Counter()
    with sqlite3.connect(path) as db:
        query = (
            "SELECT created_at, kind, account_id, region, resource_type, state, message_category"
            " FROM jobs WHERE created_at IS NOT NULL"
        )
        for created, kind, account, region, rtype, state, category in db.execute(query):
            issues = state == "COMPLETED" and category is not None and category.upper() != "SUCCESS"
            day = created // DAY
            counts[day, kind, account or "", region, rtype or "", state or "", int(issues)] += 1
    return dict(counts)


def sync_marks(path: Path) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """The store's syncs table: (account, region, kind) -> (high water, covered, synced)."""
    with sqlite3.connect(path) as db:
        return {tuple(row[:3]): tuple(row[3:]) for row in db.execute("SELECT * FROM syncs")}
