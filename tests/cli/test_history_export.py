"""``history export``: the store as gzipped NDJSON job records, one file per UTC day of
creation in ``day=YYYY-MM-DD`` folders; every stored job once, the same bytes each time."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backupctl.sandbox import SandboxConfig
from tests.cli.conftest import invoke_on
from tests.conftest import SandboxFactory

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)


def exported(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Each day folder's records."""
    return {
        path.parent.name: [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
        for path in sorted(folder.glob("day=*/jobs.ndjson.gz"))
    }


def test_every_stored_job_once_by_day(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    sandbox = sandbox_factory(SandboxConfig(members=1, jobs_per_region=200, now=NOW))
    db = ("--db", str(tmp_path / "h.sqlite"))
    assert invoke_on(sandbox, "history", "sync", "--account", "all", *db, now=NOW).exit_code == 0
    before = sandbox.counters.total_requests()
    result = invoke_on(sandbox, "history", "export", str(tmp_path / "out"), *db, now=NOW)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert sandbox.counters.total_requests() == before
    days = exported(tmp_path / "out")
    listed = invoke_on(sandbox, "jobs", "list", "--history", *db, "-o", "ndjson", now=NOW).stdout
    stored = [json.loads(line) for line in listed.splitlines()]
    assert len(days) == 31  # the 30 days the API keeps, and today
    assert sorted(r["job_id"] for rs in days.values() for r in rs) == sorted(
        r["job_id"] for r in stored
    )
    for day, records in days.items():
        assert {f"day={r['created_at'][:10]}" for r in records} == {day}
    assert [r for rs in days.values() for r in rs if r["job_id"] == stored[0]["job_id"]] == [
        stored[0]
    ]
    first = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.gz")}
    again = invoke_on(sandbox, "history", "export", str(tmp_path / "out"), *db, now=NOW)
    assert again.exit_code == 0
    files = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert files == first  # the same bytes, and no file left over


def test_a_window_exports_its_days(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    sandbox = sandbox_factory(SandboxConfig(members=1, jobs_per_region=200, now=NOW))
    db = ("--db", str(tmp_path / "h.sqlite"))
    assert invoke_on(sandbox, "history", "sync", *db, now=NOW).exit_code == 0
    window = ("--since", "2026-11-20", "--until", "2026-11-23")
    result = invoke_on(sandbox, "history", "export", str(tmp_path / "out"), *window, *db, now=NOW)
    assert result.exit_code == 0
    assert list(exported(tmp_path / "out")) == [
        "day=2026-11-20", "day=2026-11-21", "day=2026-11-22",
    ]  # fmt: skip
