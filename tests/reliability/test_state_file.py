"""The ``report failures --new`` state: what a cron job is told when it cannot be saved or
was emptied, and the symbolic links it refuses."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backupctl.sandbox import Faults, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.conftest import SandboxFactory

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
ROLE = "OrganizationAccountAccessRole"


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=2, jobs_per_region=200, now=DATA_NOW)) as server:
        yield server


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The state directory of these runs (XDG_STATE_HOME's backupctl/)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "backupctl"


def report(server: Sandbox, *args: str) -> Result:
    regions = ",".join(server.dataset.regions)
    return invoke_on(
        server, "report", "failures", "--new", "--account", "all", "--role", ROLE,
        "--region", regions, *args, now=NOW,
    )  # fmt: skip


def problem_ids(result: Result) -> list[str]:
    return [p["job_id"] for p in json.loads(result.stdout)["problems"]]


def writer_holding(database: Path) -> sqlite3.Connection:
    """Another connection in the middle of a write to ``database``: readers may read,
    no other writer may write (SQLite's RESERVED lock)."""
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM reported WHERE 0")
    return other


def test_a_report_printed_but_not_remembered_exits_6_and_comes_again(
    org: Sandbox, state: Path
) -> None:
    assert report(org, "--since", "1h").exit_code in (0, 1)  # the state file now exists
    database = state / "reported.sqlite3"
    other = writer_holding(database)
    try:
        unsaved = report(org, "-o", "json")
    finally:
        other.rollback()
        other.close()
    assert unsaved.exit_code == 6  # it outranks 1: problems were found and printed
    assert problem_ids(unsaved)
    assert unsaved.stderr == (
        f"backupctl: error: cannot save the state file {database}: database is locked; the "
        "problems just reported will be reported again by the next --new run\n"
    )
    again = report(org, "-o", "json")
    assert again.exit_code == 1, again.stderr
    assert problem_ids(again) == problem_ids(unsaved)
    assert report(org).exit_code == 0


def test_a_read_that_failed_outranks_a_state_not_saved(
    sandbox_factory: SandboxFactory, state: Path
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=200, now=DATA_NOW)
    data = server.dataset
    denied = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    assert report(server, "--since", "1h").exit_code in (0, 1)  # the state file now exists
    server.set_faults(Faults(deny_backup=frozenset({denied})))
    other = writer_holding(state / "reported.sqlite3")
    try:
        result = report(server)
    finally:
        other.rollback()
        other.close()
    assert result.exit_code == 3
    assert f"could not read account {denied}" in result.stderr
    assert "backupctl: error: cannot save the state file" in result.stderr


def test_a_read_that_failed_outranks_a_gap_state_not_saved(
    sandbox_factory: SandboxFactory, state: Path
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=200, now=DATA_NOW)
    data = server.dataset
    denied = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    gaps = ("report", "gaps", "--new", "--account", "all", "--role", ROLE)
    assert invoke_on(server, *gaps, now=NOW).exit_code in (0, 1)  # the state file now exists
    server.set_faults(Faults(deny_backup=frozenset({denied})))
    other = writer_holding(state / "reported.sqlite3")
    try:
        result = invoke_on(server, *gaps, now=NOW)
    finally:
        other.rollback()
        other.close()
    assert result.exit_code == 3
    assert f"could not read account {denied}" in result.stderr
    assert "backupctl: error: cannot save the state file" in result.stderr


def test_a_state_file_emptied_is_said_once_and_everything_is_reported_again(
    org: Sandbox, state: Path
) -> None:
    first = report(org, "-o", "json")
    assert first.exit_code == 1, first.stderr
    database = state / "reported.sqlite3"
    database.write_bytes(b"")  # truncated to 0 bytes
    emptied = report(org, "-o", "json")
    assert emptied.exit_code == 1
    assert problem_ids(emptied) == problem_ids(first)
    assert emptied.stderr == (
        f"backupctl: the state file {database} was there but held nothing (emptied?): what "
        "earlier --new runs reported is not known, so every problem is reported again\n"
    )
    assert report(org) == Result(0, "", "")  # remembered again, and said once


def test_a_new_state_file_is_not_taken_for_an_emptied_one(org: Sandbox, state: Path) -> None:
    first = report(org)
    assert first.exit_code == 1
    assert first.stderr == ""


@pytest.mark.parametrize("name", ["reported.sqlite3", "report.lock"])
def test_a_symlinked_state_path_is_refused_and_its_target_left_alone(
    org: Sandbox, state: Path, tmp_path: Path, name: str
) -> None:
    state.mkdir(parents=True)
    target = tmp_path / "elsewhere"
    target.write_text("not backupctl's\n")
    target.chmod(0o644)
    (state / name).symlink_to(target)
    before = org.counters.total_requests()
    result = report(org)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"backupctl: error: the state path {state / name} is a symbolic link: backupctl does "
        "not follow it (it would write to, and chmod, its target); make it a regular file "
        "or remove it\n"
    )
    assert target.stat().st_mode & 0o777 == 0o644
    assert target.read_text() == "not backupctl's\n"
    assert org.counters.total_requests() == before


def test_a_dangling_symlinked_lock_creates_nothing(
    org: Sandbox, state: Path, tmp_path: Path
) -> None:
    state.mkdir(parents=True)
    (state / "report.lock").symlink_to(tmp_path / "created-by-nobody")
    assert report(org).exit_code == 2
    assert not (tmp_path / "created-by-nobody").exists()


def test_a_state_file_that_is_not_a_database_stops_the_run_before_any_call(
    org: Sandbox, state: Path
) -> None:
    state.mkdir(parents=True)
    (state / "reported.sqlite3").write_bytes(b"this is not a database, it is a test\n" * 200)
    before = org.counters.total_requests()
    result = report(org)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"backupctl: error: cannot read the state file {state / 'reported.sqlite3'}: "
        "file is not a database; moved away, it starts anew"
    )
    assert result.stderr.count("\n") == 1
    assert org.counters.total_requests() == before
