"""``report failures --gaps``: both reports from one run, in one report and one exit code."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from backupctl.sandbox import Faults, Sandbox
from tests.cli.conftest import Result, invoke_on
from tests.cli.test_report_gaps import DATA_NOW, NOW, ROLE
from tests.sandbox.test_gaps import NO_GAPS


def run(server: Sandbox, *args: str) -> Result:
    where = ("--account", "all", "--region", ",".join(server.dataset.regions), "--role", ROLE)
    return invoke_on(server, "report", *args, *where, now=NOW)


def calls(server: Sandbox) -> Counter[str]:
    found: Counter[str] = Counter()
    for entry in server.counters.snapshot()["requests"]:
        found[entry["operation"]] += entry["count"]
    return found


def test_one_run_gives_both_reports_exactly(sandbox_factory: Any) -> None:
    server = sandbox_factory(members=4, jobs_per_region=300, now=DATA_NOW)
    failures = json.loads(run(server, "failures", "-o", "json").stdout)
    gaps = json.loads(run(server, "gaps", "-o", "json").stdout)
    server.counters.reset()
    both = run(server, "failures", "--gaps", "-o", "json")
    assert (both.exit_code, both.stderr) == (1, "")
    assert json.loads(both.stdout) == {**failures, "gaps": gaps}
    # One run: one caller identity, one AssumeRole per member account, and the gap
    # report's listings beside the failure window's.
    made = calls(server)
    members = len(server.dataset.active_accounts) - 1
    assert (made["GetCallerIdentity"], made["AssumeRole"]) == (1, members)
    text = run(server, "failures", "--gaps").stdout
    assert text == run(server, "failures").stdout + "\n" + run(server, "gaps").stdout


def test_quiet_when_neither_finds_anything(sandbox_factory: Any) -> None:
    server = sandbox_factory(members=2, jobs_per_region=200, now=DATA_NOW, **NO_GAPS)
    window = ("--since", "2026-01-01", "--until", "2026-01-02")
    result = run(server, "failures", "--gaps", *window)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    failures_only = run(server, "failures", "--gaps", "--since", "30d")
    assert failures_only.exit_code == 1  # failures in 30 days and no gap: findings all the same
    assert "\nno gaps; " in failures_only.stdout


def test_errors_outrank_findings(sandbox_factory: Any) -> None:
    server = sandbox_factory(members=3, jobs_per_region=300, now=DATA_NOW)
    denied = next(a.id for a in server.dataset.active_accounts if a.name == "security")
    server.set_faults(Faults(deny_backup=frozenset({denied})))
    result = run(server, "failures", "--gaps", "-o", "json")
    assert result.exit_code == 3
    both = json.loads(result.stdout)
    assert {u["account_id"] for u in both["unreachable"]} == {denied}
    assert {u["account_id"] for u in both["gaps"]["unreachable"]} == {denied}
    assert both["gaps"]["totals"]["gaps"] > 0
