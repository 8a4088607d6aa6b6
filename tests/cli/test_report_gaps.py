"""``report gaps``: exactly the sandbox's record of what it broke, in both modes, with faults;
quiet when clean; failures are not gaps; --rpo; --new; the calls it costs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backupctl.local.report_state import ReportState
from backupctl.output.report.markdown import escape
from backupctl.sandbox import Faults, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.cli.gap_oracle import (
    copied_by_rule,
    copy_order,
    copy_record,
    stopped_order,
    stopped_record,
)
from tests.cli.oracle import rfc3339
from tests.sandbox.test_gaps import NO_GAPS

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
ROLE = "OrganizationAccountAccessRole"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
# More gaps than the default, over three regions.
GAP_COUNTS: dict[str, Any] = {
    "stopped_resources": 4,
    "stopped_long_ago": 3,
    "missing_copies": 5,
    "failed_copies": 4,
}


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    config = SandboxConfig(
        members=5, regions=REGIONS, jobs_per_region=300, now=DATA_NOW, **GAP_COUNTS
    )
    with Sandbox(config) as server:
        yield server


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def gaps(server: Sandbox, *args: str, role: bool = True) -> Result:
    where = ("--account", "all", "--region", ",".join(server.dataset.regions))
    return invoke_on(
        server, "report", "gaps", *where, *(("--role", ROLE) if role else ()), *args, now=NOW
    )


def as_json(result: Result) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_assume_role_finds_exactly_the_record(org: Sandbox) -> None:
    record = org.dataset.gaps()
    assert len({(g.account_id, g.region) for g in record.stopped}) >= 4
    assert {g.in_job_listings for g in record.stopped} == {True, False}
    result = gaps(org, "-o", "json")
    assert (result.exit_code, result.stderr) == (1, "")
    got = as_json(result)
    stopped = [stopped_record(org, g, plan_read=True) for g in record.stopped]
    stopped.sort(key=stopped_order)
    copies = sorted((copy_record(org, g, plan_read=True) for g in record.copies), key=copy_order)
    assert got["stopped"] == stopped
    assert got["copies"] == copies
    targets = len(org.dataset.active_accounts) * len(REGIONS)
    totals = got["totals"]
    assert totals["stopped"] == len(stopped) and totals["copies"] == len(copies)
    assert totals["gaps"] == len(stopped) + len(copies)
    assert (totals["targets"], totals["targets_read"], totals["unjudged"]) == (targets, targets, 0)
    assert got["unreachable"] == [] and got["jobs_only_accounts"] == [] and got["note"] is None
    assert got["window"] == {
        "since": "2026-10-28T06:05:00.000Z",
        "until": "2026-11-27T06:05:00.000Z",
    }
    assert (got["rpo_seconds"], got["copy_grace_seconds"]) == (None, 4 * 3600)


def test_the_org_view_finds_what_job_listings_show_and_says_what_role_adds(org: Sandbox) -> None:
    """Members are judged from their job listings: a resource whose last backup is older
    than the listings is not seen, a schedule comes from the job, a copy rule from the
    rule's other copies. The management account (the caller) is read in full."""
    record = org.dataset.gaps()
    management = org.dataset.management_account_id
    stopped = [
        stopped_record(org, g, plan_read=g.account_id == management)
        for g in record.stopped
        if g.in_job_listings or g.account_id == management
    ]
    assert len(stopped) < len(record.stopped), "some resources stopped before the listings"
    copies = [
        copy_record(org, g, plan_read=g.account_id == management)
        for g in record.copies
        if g.account_id == management
        or (g.backup_rule_id, g.destination_vault_arn)
        in copied_by_rule(org, g.account_id, g.region)
    ]
    result = gaps(org, "-o", "json", role=False)
    assert (result.exit_code, result.stderr) == (1, "")
    got = as_json(result)
    assert got["stopped"] == sorted(stopped, key=stopped_order)
    assert got["copies"] == sorted(copies, key=copy_order)
    members = sorted(a.id for a in org.dataset.active_accounts if a.id != management)
    assert got["jobs_only_accounts"] == members
    assert got["note"].startswith(f"{len(members)} accounts judged from job listings alone")
    assert "--role reads them in full" in got["note"]
    text = gaps(org, role=False).stdout
    assert text.count("--role reads them in full") == 1


def test_failing_resources_are_failures_not_gaps(org: Sandbox) -> None:
    failing = org.dataset.gaps().failing
    assert failing
    report = gaps(org, "-o", "json")
    named = {g["resource_arn"] for g in as_json(report)["stopped"]}
    assert not named & {f.resource_arn for f in failing}
    where = ("--account", "all", "--region", ",".join(REGIONS), "--role", ROLE)
    failures = invoke_on(org, "report", "failures", *where, "--since", "30d", "-o", "json", now=NOW)
    problems = {p["resource_arn"] for p in as_json(failures)["problems"]}
    assert {f.resource_arn for f in failing} <= problems


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_and_markdown_name_every_gap_and_its_evidence(org: Sandbox, fmt: str) -> None:
    result = gaps(org, "-o", fmt)
    assert (result.exit_code, result.stderr) == (1, "")
    report = as_json(gaps(org, "-o", "json"))
    inert = escape if fmt == "markdown" else str
    for gap in report["stopped"]:
        assert gap["resource_arn"] in result.stdout
        assert inert(gap["evidence_text"]) in result.stdout
        assert f"overdue since {gap['overdue_since'][:10]}" in result.stdout
    for gap in report["copies"]:
        line = f"backup job {gap['backup_job_id']} of {gap['resource_arn']}"
        assert line in result.stdout
        assert (gap["copy_job_id"] or "no copy job") in result.stdout
    first = result.stdout.splitlines()[0 if fmt == "text" else 2]
    assert first.startswith(f"{report['totals']['gaps']} gaps: ")


def test_quiet_when_clean_in_both_modes(sandbox_factory: Any) -> None:
    quiet = sandbox_factory(members=3, jobs_per_region=300, now=DATA_NOW, **NO_GAPS)
    for role in (True, False):
        result = gaps(quiet, role=role)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    verbose = gaps(quiet, "--verbose")
    assert verbose.exit_code == 0
    assert verbose.stdout.startswith("All clear: no gaps; ")


def test_rpo_replaces_every_expectation(org: Sandbox) -> None:
    """With --rpo 26h, every protected resource with no job since a last backup older
    than 26h is a gap (weekly resources too), with no plan or recovery point read for it."""
    cutoff = NOW - timedelta(hours=26)
    want = set()
    for account in org.dataset.active_accounts:
        for region in REGIONS:
            jobset = org.dataset.jobset(account.id, region)
            backups = org.dataset.jobs("backup", account.id, region)
            for resource in jobset.protected:
                last = resource["LastBackupTime"]
                mine = [j for j in backups if j["ResourceArn"] == resource["ResourceArn"]]
                if last < cutoff.timestamp() and not any(j["CreationDate"] > last for j in mine):
                    want.add((account.id, region, resource["ResourceArn"], rfc3339(last)))
    org.counters.reset()
    got = as_json(gaps(org, "--rpo", "26h", "-o", "json"))
    found = [
        (g["account_id"], g["region"], g["resource_arn"], g["last_backup_time"])
        for g in got["stopped"]
    ]
    assert set(found) == want and len(found) == len(want)
    assert len(want) > len(org.dataset.gaps().stopped)
    assert {(g["evidence"], g["evidence_text"]) for g in got["stopped"]} == {("rpo", "--rpo 26h")}
    assert {g["overdue_since"] for g in got["stopped"]} == {
        rfc3339(datetime.fromisoformat(g["last_backup_time"]).timestamp() + 26 * 3600)
        for g in got["stopped"]
    }
    calls = {r["operation"] for r in org.counters.snapshot()["requests"]}
    assert "DescribeRecoveryPoint" not in calls


def test_faults_throttling_and_a_denied_account(sandbox_factory: Any) -> None:
    server = sandbox_factory(members=4, jobs_per_region=300, now=DATA_NOW, **GAP_COUNTS)
    denied = next(a.id for a in server.dataset.active_accounts if a.name == "security")
    server.set_faults(Faults(throttle_rate=0.3, deny_backup=frozenset({denied}), seed=3))
    record = server.dataset.gaps()
    result = gaps(server, "-o", "json")
    assert result.exit_code == 3
    assert f"could not read account {denied} in " in result.stderr
    got = as_json(result)
    assert got["stopped"] == sorted(
        (
            stopped_record(server, g, plan_read=True)
            for g in record.stopped
            if g.account_id != denied
        ),
        key=stopped_order,
    )
    assert got["copies"] == sorted(
        (copy_record(server, g, plan_read=True) for g in record.copies if g.account_id != denied),
        key=copy_order,
    )
    regions = sorted(server.dataset.regions)
    assert [
        (u["account_id"], u["region"], u["kinds"], u["others"]) for u in got["unreachable"]
    ] == [(denied, region, ["backup", "copy"], ["protected resources"]) for region in regions]
    assert server.counters.faults["throttle"] > 0


def test_new_reports_each_gap_once_under_the_shared_lock(org: Sandbox, _state_home: Path) -> None:
    first = gaps(org, "--new", "-o", "json")
    assert first.exit_code == 1
    found = as_json(first)["totals"]["gaps"]
    again = gaps(org, "--new")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    verbose = as_json(gaps(org, "--new", "--verbose", "-o", "json"))
    assert verbose["totals"]["already_reported"] == found
    assert verbose["stopped"] == verbose["copies"] == []
    said = gaps(org, "--new", "--verbose").stdout
    assert said.startswith(
        f"All clear: no new gaps; {found} gaps reported by an earlier --new run are not repeated; "
    )
    # report failures --new and report gaps --new never overlap: one lock.
    held = ReportState(_state_home / "backupctl")
    try:
        locked = gaps(org, "--new")
        assert locked.exit_code == 5 and "holds the lock" in locked.stderr
    finally:
        held.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rpo", "0h"), "--rpo: '0h' is not a length of time"),
        (("--rpo", "soon"), "--rpo: 'soon' is not a length of time"),
        (("--copy-grace", "4"), "--copy-grace: '4' is not a length of time"),
        (("-o", "yaml"), "--output: unknown report format 'yaml'"),
    ],
)
def test_bad_options_exit_2_before_any_call(
    org: Sandbox, args: tuple[str, ...], message: str
) -> None:
    org.counters.reset()
    result = gaps(org, *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert org.counters.total_requests() == 0
