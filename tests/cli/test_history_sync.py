"""``history sync``: incremental, idempotent, equal to one full read, safe when a target
fails or another sync runs, quiet when all is well."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backupctl.cli.app import run
from backupctl.cli.environment import Environment
from backupctl.local.history_store import HistoryStore
from backupctl.sandbox import Faults, JobChange, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.conftest import SandboxFactory
from tests.stores import day_counts, recounted, stored_jobs, sync_marks

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
REGIONS = ("--region", "us-east-1,eu-west-1")
ORG_VIEW = ("--account", "all", *REGIONS)
ROLE = ("--account", "all", "--role", "OrganizationAccountAccessRole", *REGIONS)
LISTS = ("ListBackupJobs", "ListCopyJobs", "ListRestoreJobs")


def org(sandbox_factory: SandboxFactory, jobs_per_region: int = 300) -> Sandbox:
    """Four accounts, two regions, about ``jobs_per_region`` jobs per account and region."""
    return sandbox_factory(SandboxConfig(members=3, jobs_per_region=jobs_per_region, now=NOW))


def sync(sandbox: Sandbox, db: Path, *targets: str, at: datetime = NOW) -> Result:
    return invoke_on(sandbox, "history", "sync", *targets, "--db", str(db), now=at)


def keys(changes: tuple[JobChange, ...]) -> set[tuple[str, str]]:
    return {(change.kind, change.job_id) for change in changes}


def list_calls(sandbox: Sandbox) -> dict[tuple[str, str, str], int]:
    """List calls by (operation, caller account, region)."""
    return {
        (operation, account, region): count
        for (_, operation, account, region), count in sandbox.counters.requests.items()
        if operation in LISTS
    }


@pytest.mark.parametrize("targets", [ORG_VIEW, ROLE], ids=["org-view", "role"])
def test_a_sync_then_a_second_sync_equals_one_full_read(
    sandbox_factory: SandboxFactory, tmp_path: Path, targets: tuple[str, ...]
) -> None:
    sandbox = org(sandbox_factory)
    first = sync(sandbox, tmp_path / "a.sqlite", *targets)
    assert (first.exit_code, first.stdout, first.stderr) == (0, "", "")
    # A day on: jobs end, new ones start, the oldest leave the API's 30 days.
    advance = sandbox.advance(24 * 3600)
    later = NOW + timedelta(hours=24)
    assert advance.settled and advance.created and advance.removed
    second = sync(sandbox, tmp_path / "a.sqlite", *targets, at=later)
    full = sync(sandbox, tmp_path / "b.sqlite", *targets, at=later)
    assert (second.exit_code, full.exit_code) == (0, 0), second.stderr + full.stderr
    synced, once = stored_jobs(tmp_path / "a.sqlite"), stored_jobs(tmp_path / "b.sqlite")
    removed = keys(advance.removed)
    assert removed <= set(synced)  # history the API no longer has is kept
    assert {key: row for key, row in synced.items() if key not in removed} == once
    state = 4  # the column of the job's state
    for change in advance.settled:
        assert synced[change.kind, change.job_id][state] == change.after
    assert day_counts(tmp_path / "a.sqlite") == recounted(tmp_path / "a.sqlite")


def test_a_second_sync_minutes_later_reads_one_page_per_listing(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    sandbox = org(sandbox_factory, jobs_per_region=1500)
    db = tmp_path / "h.sqlite"
    assert sync(sandbox, db, *ORG_VIEW).exit_code == 0
    first = list_calls(sandbox)
    assert max(first.values()) > 1  # the first sync read listings of several pages
    sandbox.advance(300)
    sandbox.counters.reset()
    assert sync(sandbox, db, *ORG_VIEW, at=NOW + timedelta(minutes=5)).exit_code == 0
    assert list_calls(sandbox) == dict.fromkeys(first, 1)


class Terminal(io.StringIO):
    """A stderr a person watches."""

    def isatty(self) -> bool:
        return True


def watched_sync(sandbox: Sandbox, db: Path) -> tuple[int, str]:
    """``history sync`` with stderr on a terminal: its exit code and stderr."""
    stderr = Terminal()
    env = Environment(sandbox_env=sandbox.env(), stdout=io.StringIO(), stderr=stderr)
    env.clock = lambda: NOW
    code = run(["history", "sync", *ROLE, "--db", str(db)], env)
    return code, stderr.getvalue()


def test_syncing_twice_changes_nothing(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    sandbox = org(sandbox_factory)
    db = tmp_path / "h.sqlite"
    code, said = watched_sync(sandbox, db)
    assert code == 0
    jobs, counts = stored_jobs(db), day_counts(db)
    assert f"{len(jobs):,} jobs read, {len(jobs):,} new, 0 changed" in said
    code, said = watched_sync(sandbox, db)
    assert code == 0
    assert " jobs read, 0 new, 0 changed" in said  # the last hour of each listing, again
    assert (stored_jobs(db), day_counts(db)) == (jobs, counts)


def test_a_failing_target_is_named_and_keeps_its_last_good_point(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    sandbox = org(sandbox_factory)
    db = tmp_path / "h.sqlite"
    assert sync(sandbox, db, *ROLE).exit_code == 0
    before = sync_marks(db)
    denied = sandbox.dataset.active_accounts[1].id
    sandbox.set_faults(Faults(deny_backup=frozenset({denied})))
    sandbox.advance(24 * 3600)
    later = NOW + timedelta(hours=24)
    failed = sync(sandbox, db, *ROLE, at=later)
    assert failed.exit_code == 3
    assert failed.stdout == ""
    assert f"could not read account {denied}" in failed.stderr
    after = sync_marks(db)
    assert {key: mark for key, mark in after.items() if key[0] == denied} == {
        key: mark for key, mark in before.items() if key[0] == denied
    }
    moved = {key for key in after if after[key] != before[key]}
    assert moved == {key for key in before if key[0] != denied}
    sandbox.set_faults(Faults())
    assert sync(sandbox, db, *ROLE, at=later).exit_code == 0
    assert sync(sandbox, tmp_path / "full.sqlite", *ROLE, at=later).exit_code == 0
    removed = keys(sandbox.dataset.advances[-1].removed)
    kept = {key: row for key, row in stored_jobs(db).items() if key not in removed}
    assert kept == stored_jobs(tmp_path / "full.sqlite")


def test_nothing_read_exits_4(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    sandbox = org(sandbox_factory)
    sandbox.set_faults(Faults(deny_backup=frozenset({sandbox.dataset.management_account_id})))
    result = sync(sandbox, tmp_path / "h.sqlite", *ORG_VIEW)
    assert result.exit_code == 4
    assert "could not read all accounts" in result.stderr
    assert stored_jobs(tmp_path / "h.sqlite") == {}


def test_another_sync_holds_the_lock(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    sandbox = org(sandbox_factory)
    db = tmp_path / "h.sqlite"
    holder = HistoryStore.for_sync(db)
    try:
        result = sync(sandbox, db, *ORG_VIEW)
    finally:
        holder.close()
    assert result.exit_code == 5
    assert result.stderr == f"backupctl: error: another 'history sync' holds the lock ({db}.lock)\n"
    assert sandbox.counters.total_requests() == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--account", "12"), "--account"),
        (("--db",), "--db"),
        (("--ou", "ou-bad"), "--ou"),
    ],
)
def test_bad_usage_exits_2_before_any_call(
    sandbox_factory: SandboxFactory, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    sandbox = org(sandbox_factory)
    db = ("--db", str(tmp_path)) if args == ("--db",) else ("--db", str(tmp_path / "h.sqlite"))
    result = invoke_on(sandbox, "history", "sync", *(a for a in args if a != "--db"), *db)
    assert result.exit_code == 2
    assert said in result.stderr
    assert result.stderr.count("\n") == 1
    assert sandbox.counters.total_requests() == 0


def test_the_default_store_is_private_under_xdg_data_home(
    sandbox_factory: SandboxFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    sandbox = org(sandbox_factory)
    assert invoke_on(sandbox, "history", "sync", now=NOW).exit_code == 0
    folder = tmp_path / "backupctl"
    assert stat_mode(folder) == 0o700
    assert {path.name: stat_mode(path) for path in folder.iterdir()} == {
        "history.sqlite": 0o600,
        "history.sqlite.lock": 0o600,
    }
    assert stored_jobs(folder / "history.sqlite")


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
