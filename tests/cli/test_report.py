"""``report failures``: exact JSON, golden text and Markdown, quiet when clean, --new, the lock."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backupctl.local.report_state import ReportState
from backupctl.sandbox import Faults, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.cli.oracle import expected_record, newest_first

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
ROLE = "OrganizationAccountAccessRole"
GOLDEN = Path(__file__).parent / "golden"
PROBLEM_STATES = {"FAILED", "ABORTED", "EXPIRED", "PARTIAL"}


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=4, jobs_per_region=300, now=DATA_NOW)) as server:
        yield server


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def report(server: Sandbox, *args: str) -> Result:
    regions = ",".join(server.dataset.regions)
    return invoke_on(
        server, "report", "failures", "--account", "all", "--role", ROLE, "--region", regions,
        *args, now=NOW,
    )  # fmt: skip


def problem(job: dict[str, Any], issues: bool = True) -> str | None:
    state = job.get("State") or job.get("Status")
    if state in PROBLEM_STATES:
        return str(state)
    category = job.get("MessageCategory")
    if issues and state == "COMPLETED" and category and category.upper() != "SUCCESS":
        return "COMPLETED_WITH_ISSUES"
    return None


def window(server: Sandbox, since: datetime) -> list[tuple[str, dict[str, Any], str]]:
    data = server.dataset
    return [
        (kind, job, region)
        for account in data.active_accounts
        for region in data.regions
        for kind in ("backup", "copy", "restore")
        for job in data.jobs(kind, account.id, region)
        if job["CreationDate"] >= since.timestamp()
    ]


def test_json_report_is_exact(org: Sandbox) -> None:
    result = report(org, "-o", "json")
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    seen = window(org, NOW - timedelta(hours=24))
    problems = newest_first(
        [{**expected_record(k, j, r), "problem": problem(j)} for k, j, r in seen if problem(j)]
    )
    assert problems, "the sandbox should have problems in a day"
    got = json.loads(result.stdout)
    assert got["problems"] == problems
    by_kind: dict[str, dict[str, int]] = {}
    for p in problems:
        by_kind.setdefault(p["kind"], {}).setdefault(p["problem"], 0)
        by_kind[p["kind"]][p["problem"]] += 1
    targets = len(org.dataset.active_accounts) * len(org.dataset.regions)
    assert got["totals"] == {
        "jobs_seen": len(seen),
        "problems": len(problems),
        "by_kind": {k: dict(sorted(v.items())) for k, v in sorted(by_kind.items())},
        "already_reported": 0,
        "completed_with_issues_included": True,
        "targets": targets,
        "targets_read": targets,
        "targets_unreadable": 0,
    }
    assert got["unreachable"] == []
    assert got["accounts"] == {a.id: a.name for a in org.dataset.accounts if a.status == "ACTIVE"}
    assert got["window"] == {"since": "2026-11-26T06:05:00.000Z", "until": None}


def test_no_issues_leaves_completed_jobs_out(org: Sandbox) -> None:
    result = report(org, "-o", "json", "--no-issues")
    assert result.exit_code == 1, result.stderr
    seen = window(org, NOW - timedelta(hours=24))
    ids = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
    want = {j[ids[kind]] for kind, j, _ in seen if problem(j, issues=False)}
    got = json.loads(result.stdout)
    assert {p["job_id"] for p in got["problems"]} == want
    assert {p["problem"] for p in got["problems"]} <= PROBLEM_STATES


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_match_the_golden_files(org: Sandbox, fmt: str) -> None:
    result = report(org, "-o", fmt)
    assert result.exit_code == 1, result.stderr
    golden = GOLDEN / f"report.{'md' if fmt == 'markdown' else 'txt'}"
    if os.environ.get("BACKUPCTL_REGOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    job_ids = json.loads(report(org, "-o", "json").stdout)["problems"]
    # Every resource's latest problem job is named once.
    assert all(result.stdout.count(p["job_id"]) <= 1 for p in job_ids)


def test_quiet_when_clean(org: Sandbox) -> None:
    clean = ("--since", "2026-01-01", "--until", "2026-01-02")
    result = report(org, *clean)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    verbose = report(org, *clean, "--verbose")
    assert verbose.exit_code == 0
    assert verbose.stdout.startswith("All clear: no problems in 0 jobs")


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_header_says_until_when_the_window_ends_before_now(org: Sandbox, fmt: str) -> None:
    result = report(org, "--since", "3d", "--until", "2d", "-o", fmt)
    assert result.exit_code == 1, result.stderr
    window = "since 2026-11-24 06:05 UTC (3d ago) until 2026-11-25 06:05 UTC (2d ago) —"
    assert window in result.stdout


def test_unreadable_targets_are_listed_and_outrank_findings(
    sandbox_factory: Any,
) -> None:
    server = sandbox_factory(members=3, jobs_per_region=300, now=DATA_NOW)
    denied = next(a.id for a in server.dataset.active_accounts if a.name == "security")
    server.set_faults(Faults(deny_backup=frozenset({denied})))
    result = report(server)
    assert result.exit_code == 3
    assert "Could not read:" in result.stdout
    assert f"account {denied} in 2 regions (eu-west-1, us-east-1)" in result.stdout
    assert f"account {denied}" in result.stderr
    as_json = json.loads(report(server, "-o", "json").stdout)
    assert {(u["account_id"], u["region"]) for u in as_json["unreachable"]} == {
        (denied, r) for r in server.dataset.regions
    }
    everyone = frozenset(a.id for a in server.dataset.active_accounts)
    server.set_faults(Faults(deny_backup=everyone))
    assert report(server).exit_code == 4


def test_new_reports_each_problem_once(org: Sandbox, _state_home: Path) -> None:
    first = report(org, "--new", "-o", "json")
    assert first.exit_code == 1, first.stderr
    count = len(json.loads(first.stdout)["problems"])
    second = report(org, "--new")
    assert (second.exit_code, second.stdout, second.stderr) == (0, "", "")
    third = report(org, "--new", "--verbose", "-o", "json")
    assert json.loads(third.stdout)["totals"]["already_reported"] == count
    said = report(org, "--new", "--verbose").stdout
    assert said.startswith("All clear: no new problems in ")
    assert f"; {count} problems reported by an earlier --new run are not repeated; " in said
    database = _state_home / "backupctl" / "reported.sqlite3"
    assert database.stat().st_mode & 0o777 == 0o600


def test_relative_xdg_state_home_is_ignored(
    org: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "relative/state")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert report(org, "--new").exit_code == 1
    assert (tmp_path / "home" / ".local" / "state" / "backupctl" / "reported.sqlite3").exists()
    assert not (tmp_path / "relative").exists()


def test_a_second_run_exits_5_while_the_lock_is_held(org: Sandbox, _state_home: Path) -> None:
    holder = ReportState(_state_home / "backupctl")
    try:
        org.counters.reset()
        result = report(org, "--new")
        assert result.exit_code == 5
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1 and "lock" in result.stderr
        assert org.counters.total_requests() == 0
    finally:
        holder.close()


def test_kill_9_leaves_no_stale_lock(org: Sandbox, _state_home: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; "
        "from backupctl.local.report_state import ReportState; "
        "ReportState(Path(sys.argv[1])); print('locked', flush=True); time.sleep(60)"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(_state_home / "backupctl")], stdout=subprocess.PIPE
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"locked"
        assert report(org, "--new").exit_code == 5
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        time.sleep(0.05)
        assert report(org, "--new").exit_code == 1
    finally:
        if child.poll() is None:
            child.kill()


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_hostile_strings_are_inert_in_the_report(sandbox: Sandbox, fmt: str) -> None:
    regions = ",".join(sandbox.dataset.regions)
    result = invoke_on(
        sandbox, "report", "failures", "--account", "all", "--region", regions, "--since", "30d",
        "-o", fmt,
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    unsafe = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\n"}
    unsafe |= {"\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}
    assert not unsafe & set(result.stdout)
    assert "\\x1b" in result.stdout  # shown, not obeyed
    if fmt == "markdown":
        # Markup from the data is escaped: no "[" without a backslash before it.
        assert not re.search(r"(?<!\\)\[(bold red|link=)", result.stdout)
        assert re.search(r"\\\[(bold red|link=)", result.stdout)
