"""``--history``: ``jobs list``, ``job describe`` and ``report failures`` read the store with
the same filters, fields and formats, give what AWS gives for the same window while both
are within 30 days, make no AWS call, and say when the store falls short."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backupctl.sandbox import Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.conftest import SandboxFactory

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
TARGETS = (
    "--account", "all", "--role", "OrganizationAccountAccessRole",
    "--region", "us-east-1,eu-west-1",
)  # fmt: skip


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sandbox, Path]]:
    """An organization and a store of one sync of it, at NOW."""
    db = tmp_path_factory.mktemp("history") / "history.sqlite"
    with Sandbox(SandboxConfig(members=3, jobs_per_region=300, now=NOW)) as sandbox:
        assert (
            invoke_on(sandbox, "history", "sync", *TARGETS, "--db", str(db), now=NOW).exit_code == 0
        )
        yield sandbox, db


def both(synced: tuple[Sandbox, Path], *args: str, at: datetime = NOW) -> tuple[Result, Result]:
    """The command against AWS, then with --history; the second makes no AWS call."""
    sandbox, db = synced
    live = invoke_on(sandbox, *args, now=at)
    before = sandbox.counters.total_requests()
    stored = invoke_on(sandbox, *args, "--history", "--db", str(db), now=at)
    assert sandbox.counters.total_requests() == before
    return live, stored


def a_vault_and_a_resource(synced: tuple[Sandbox, Path]) -> tuple[str, str]:
    sandbox = synced[0]
    account = sandbox.dataset.active_accounts[2].id
    job = sandbox.dataset.jobs("backup", account, "eu-west-1")[5]
    return job["BackupVaultName"], job["ResourceArn"]


FILTERS = {
    "week": ("--since", "7d"),
    "failed": ("--state", "failed", "--since", "20d"),
    "kinds": ("--kind", "copy", "--kind", "restore", "--until", "2d"),
    "type": ("--resource-type", "ebs"),
    "limit": ("--limit", "25", "--state", "COMPLETED"),
    "window": ("--since", "10d", "--until", "3d"),
}


@pytest.mark.parametrize("filters", list(FILTERS.values()), ids=list(FILTERS))
def test_history_gives_what_aws_gives(
    synced: tuple[Sandbox, Path], filters: tuple[str, ...]
) -> None:
    live, stored = both(synced, "jobs", "list", *TARGETS, *filters, "-o", "json")
    assert (live.exit_code, stored.exit_code) == (0, 0), stored.stderr
    assert stored.stderr == ""
    assert len(json.loads(live.stdout)) > 5
    assert stored.stdout == live.stdout


@pytest.mark.parametrize("which", ["vault", "resource"])
def test_vault_and_resource_filters_too(synced: tuple[Sandbox, Path], which: str) -> None:
    vault, resource = a_vault_and_a_resource(synced)
    chosen = ("--vault", vault) if which == "vault" else ("--resource-arn", resource)
    live, stored = both(synced, "jobs", "list", *TARGETS, *chosen, "-o", "json")
    assert json.loads(live.stdout)
    assert stored.stdout == live.stdout


def test_the_window_edges_are_those_of_the_api(synced: tuple[Sandbox, Path]) -> None:
    # --since includes a job created at that very instant, --until leaves it out.
    listed = both(synced, "jobs", "list", *TARGETS, "--limit", "40", "-o", "json")[1].stdout
    edge = json.loads(listed)[-1]["created_at"]
    for window in (("--since", edge), ("--since", "5d", "--until", edge)):
        live, stored = both(synced, "jobs", "list", *TARGETS, *window, "-o", "json")
        assert stored.stdout == live.stdout
        assert (edge in stored.stdout) is (window[0] == "--since" and len(window) == 2)


@pytest.mark.parametrize(
    "output",
    [
        ("-o", "csv", "--fields", "created_at,job_id,state,message_category"),
        ("-o", "table", "--since", "2d"),
    ],
    ids=["csv", "table"],
)
def test_every_format(synced: tuple[Sandbox, Path], output: tuple[str, ...]) -> None:
    live, stored = both(synced, "jobs", "list", *TARGETS, *output)
    assert stored.stdout == live.stdout
    assert len(stored.stdout.splitlines()) > 5


def test_ndjson_holds_the_same_records(synced: tuple[Sandbox, Path]) -> None:
    live, stored = both(synced, "jobs", "list", *TARGETS, "--since", "5d", "-o", "ndjson")
    assert sorted(stored.stdout.splitlines()) == sorted(live.stdout.splitlines())


def test_the_targets_narrow_the_store(synced: tuple[Sandbox, Path]) -> None:
    member = synced[0].dataset.active_accounts[1].id
    narrowed = ("--account", member, "--role", "OrganizationAccountAccessRole")
    live, stored = both(synced, "jobs", "list", *narrowed, "--region", "eu-west-1", "-o", "json")
    records = json.loads(stored.stdout)
    assert {(r["account_id"], r["region"]) for r in records} == {(member, "eu-west-1")}
    assert stored.stdout == live.stdout


def test_job_describe_shows_the_stored_record(synced: tuple[Sandbox, Path]) -> None:
    listed = json.loads(
        both(synced, "jobs", "list", *TARGETS, "--limit", "3", "-o", "json")[1].stdout
    )
    for record in listed:
        live, stored = both(synced, "job", "describe", record["job_id"], *TARGETS, "-o", "json")
        assert stored.exit_code == 0
        assert json.loads(stored.stdout) == record
        described = json.loads(live.stdout)
        assert {key: described[key] for key in record} == record
    missing = both(synced, "job", "describe", "NO-SUCH-JOB", *TARGETS)[1]
    assert missing.exit_code == 1
    assert missing.stderr.startswith("backupctl: no job NO-SUCH-JOB in the history store ")


def test_report_failures_gives_the_same_report(synced: tuple[Sandbox, Path]) -> None:
    live, stored = both(synced, "report", "failures", *TARGETS, "--since", "3d", "-o", "json")
    assert live.exit_code == stored.exit_code == 1
    assert json.loads(stored.stdout) == json.loads(live.stdout)
    assert json.loads(stored.stdout)["accounts"]  # the names the sync learnt


def test_the_store_says_where_it_falls_short(synced: tuple[Sandbox, Path]) -> None:
    sandbox, db = synced
    history = ("--history", "--db", str(db))
    stale = invoke_on(
        sandbox, "jobs", "list", *history, "--since", "1d", now=NOW + timedelta(days=2)
    )
    assert stale.exit_code == 0
    assert "was last synced 2026-11-27 12:30 UTC (2d ago): run 'backupctl history sync'" in (
        stale.stderr
    )
    early = invoke_on(sandbox, "jobs", "list", *history, "--since", "40d", "-o", "json", now=NOW)
    assert "the window starts 2026-10-18 12:30 UTC" in early.stderr
    assert "history of these targets starts 2026-10-28 12:30 UTC" in early.stderr
    unknown = invoke_on(sandbox, "jobs", "list", *history, "--account", "999999999999", now=NOW)
    assert unknown.stderr.endswith(
        "holds no sync of account 999999999999: run 'backupctl history sync' with these "
        "target options\n"
    )
    assert unknown.stdout == "No jobs found.\n"


def test_history_is_kept_past_the_30_days(sandbox_factory: SandboxFactory, tmp_path: Path) -> None:
    sandbox = sandbox_factory(SandboxConfig(members=1, jobs_per_region=200, now=NOW))
    db = str(tmp_path / "h.sqlite")
    assert invoke_on(sandbox, "history", "sync", "--db", db, now=NOW).exit_code == 0
    advance = sandbox.advance(2 * 86400)
    later = NOW + timedelta(days=2)
    assert invoke_on(sandbox, "history", "sync", "--db", db, now=later).exit_code == 0
    window = ("jobs", "list", "--since", "40d", "-o", "json")
    live = json.loads(invoke_on(sandbox, *window, now=later).stdout)
    stored = json.loads(invoke_on(sandbox, *window, "--history", "--db", db, now=later).stdout)
    caller = sandbox.dataset.management_account_id
    gone = {c.job_id for c in advance.removed if c.account_id == caller and c.region == "us-east-1"}
    assert gone
    assert {r["job_id"] for r in stored} - {r["job_id"] for r in live} == gone


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("jobs", "list", "--history", "--ou", "ou-abcd-12345678"), 2, "--ou needs Organizations"),
        (("report", "failures", "--history", "--new"), 2, "--new remembers what AWS listed"),
        (("jobs", "list", "--history"), 4, "no history store at"),
        (("job", "describe", "X1", "--history"), 4, "no history store at"),
    ],
)
def test_what_cannot_be_read(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    code: int,
    said: str,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    before = sandbox.counters.total_requests()
    result = invoke_on(sandbox, *args)
    assert result.exit_code == code
    assert said in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert sandbox.counters.total_requests() == before


def test_an_org_view_sync_covers_the_organizations_accounts_only(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    db = str(tmp_path / "h.sqlite")
    org_view = ("--account", "all", "--region", "us-east-1")
    assert invoke_on(sandbox, "history", "sync", *org_view, "--db", db).exit_code == 0
    member = sandbox.dataset.active_accounts[1].id
    covered = invoke_on(sandbox, "jobs", "list", "--history", "--db", db, "--account", member)
    assert (covered.exit_code, covered.stderr) == (0, "")
    assert covered.stdout != "No jobs found.\n"
    stranger = invoke_on(
        sandbox, "jobs", "list", "--history", "--db", db, "--account", "111111111111"
    )
    assert (stranger.exit_code, stranger.stdout) == (0, "No jobs found.\n")
    assert stranger.stderr == (
        f"backupctl: the history store {db} holds no sync of account 111111111111: "
        "run 'backupctl history sync' with these target options\n"
    )
