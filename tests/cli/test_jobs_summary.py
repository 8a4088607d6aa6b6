"""``jobs summary``: counts by UTC day and state equal counting the jobs, from the job
summary calls (the 14 days before today) and from the history store (any day)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backupctl.sandbox import Sandbox, SandboxConfig
from tests.cli.conftest import invoke_on
from tests.stores import stored_jobs

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
TODAY = NOW.date()
REGIONS = ("us-east-1", "eu-west-1")
ORG_VIEW = ("--account", "all", "--region", ",".join(REGIONS))
ROLE = (*ORG_VIEW, "--role", "OrganizationAccountAccessRole")
COUNTS = (
    "jobs", "completed", "completed_with_issues", "failed", "partial", "aborted", "expired",
    "created", "pending", "running", "aborting", "other",
)  # fmt: skip
GROUP_FIELD = {"account": "account_id", "region": "region", "resource-type": "resource_type",
               "kind": "kind"}  # fmt: skip
SUMMARY_CALLS = ("ListBackupJobSummaries", "ListCopyJobSummaries", "ListRestoreJobSummaries")
STATE = {"backup": "State", "copy": "State", "restore": "Status"}
# One job as the tests count it: kind, account, region, created, state, type, category.
Seen = tuple[str, str, str, datetime, str, str | None, str | None]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sandbox, Path]]:
    """An organization, and a store of one sync of it at NOW."""
    db = tmp_path_factory.mktemp("summary") / "history.sqlite"
    with Sandbox(SandboxConfig(members=3, jobs_per_region=300, now=NOW)) as sandbox:
        assert invoke_on(sandbox, "history", "sync", *ROLE, "--db", str(db), now=NOW).exit_code == 0
        yield sandbox, db


def served(sandbox: Sandbox) -> list[Seen]:
    """Every job the sandbox serves."""
    data = sandbox.dataset
    return [
        (kind, account.id, region, datetime.fromtimestamp(job["CreationDate"], UTC),
         job[STATE[kind]], job.get("ResourceType"), job.get("MessageCategory"))
        for kind in STATE
        for account in data.active_accounts
        for region in data.regions
        for job in data.jobs(kind, account.id, region)
    ]  # fmt: skip


def stored(db: Path) -> list[Seen]:
    """Every job the store holds."""
    return [
        (row[0], row[2], row[3], datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=row[16]),
         row[4], row[7], row[6])
        for row in stored_jobs(db).values()
    ]  # fmt: skip


def counted(jobs: list[Seen], first: date, last: date, by: str | None = None,
            **only: str) -> list[dict[str, Any]]:  # fmt: skip
    """The summary rows the tests expect: jobs of days first..last, by day and group."""
    rows: dict[tuple[date, str | None], Counter[str]] = {}
    for kind, account, region, created, state, rtype, category in jobs:
        day = created.date()
        values = {"kind": kind, "state": state, "resource_type": rtype}
        if not first <= day <= last or any(values[k] != v for k, v in only.items()):
            continue
        groups = {"account": account, "region": region, "resource-type": rtype, "kind": kind}
        issues = state == "COMPLETED" and category is not None and category.upper() != "SUCCESS"
        column = "completed_with_issues" if issues else state.lower()
        row = rows.setdefault((day, groups[by] if by else None), Counter())
        row["jobs"] += 1
        row[column if column in COUNTS else "other"] += 1
    ordered = sorted(rows.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    return [
        {"day": day.isoformat(), **({GROUP_FIELD[by]: group} if by else {}),
         **{name: row[name] for name in COUNTS}}
        for (day, group), row in ordered
    ]  # fmt: skip


def summary(org: tuple[Sandbox, Path], *args: str) -> Any:
    result = invoke_on(org[0], "jobs", "summary", *args, "-o", "json", now=NOW)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("by", [None, "account", "region", "resource-type", "kind"])
def test_the_summary_calls_count_the_jobs(org: tuple[Sandbox, Path], by: str | None) -> None:
    sandbox = org[0]
    sandbox.counters.reset()
    grouping = ("--by", by) if by else ()
    result = invoke_on(sandbox, "jobs", "summary", *ORG_VIEW, *grouping, "-o", "json", now=NOW)
    assert result.exit_code == 0
    first, last = TODAY - timedelta(days=14), TODAY - timedelta(days=1)
    assert json.loads(result.stdout) == counted(served(sandbox), first, last, by)
    assert result.stderr == (
        "backupctl: today (2026-11-27) is in no job summary of AWS Backup: its jobs are not "
        "counted (--history counts them from the history store)\n"
    )
    calls = Counter(op for (_, op, _, _), n in sandbox.counters.requests.items() for _ in range(n))
    assert {op: calls[op] for op in SUMMARY_CALLS} == dict.fromkeys(SUMMARY_CALLS, len(REGIONS))


def test_a_role_or_one_account_counts_alike(org: tuple[Sandbox, Path]) -> None:
    by_role = summary(org, *ROLE, "--by", "account")
    assert by_role == summary(org, *ORG_VIEW, "--by", "account")
    assert len({row["account_id"] for row in by_role}) == 4
    member = org[0].dataset.active_accounts[2].id
    one = ("--account", member, "--region", ",".join(REGIONS))
    assert summary(org, *one, "--by", "account") == [
        row for row in by_role if row["account_id"] == member
    ]


def test_the_filters_go_to_the_calls(org: tuple[Sandbox, Path]) -> None:
    window = ("--since", "2026-11-20", "--until", "2026-11-25")
    chosen = ("--kind", "backup", "--state", "failed", "--resource-type", "ebs")
    rows = summary(org, *ORG_VIEW, *window, *chosen, "--by", "region")
    expected = counted(served(org[0]), date(2026, 11, 20), date(2026, 11, 24), "region",
                       kind="backup", state="FAILED", resource_type="EBS")  # fmt: skip
    assert rows == expected
    assert rows


def test_the_store_counts_its_jobs_today_included(org: tuple[Sandbox, Path]) -> None:
    sandbox, db = org
    result = invoke_on(sandbox, "jobs", "summary", "--history", "--db", str(db), "--since", "29d",
                       "--by", "account", "-o", "json", now=NOW)  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    assert rows == counted(stored(db), TODAY - timedelta(days=29), TODAY, "account")
    assert rows[-1]["day"] == TODAY.isoformat()


def test_both_ways_agree_on_the_14_days(org: tuple[Sandbox, Path]) -> None:
    db = ("--db", str(org[1]))
    before_today = ("--until", TODAY.isoformat())
    for by in ("kind", "resource-type"):
        calls = summary(org, *ORG_VIEW, "--by", by)
        assert calls == summary(org, *ORG_VIEW, "--by", by, "--history", *db, *before_today)


def test_a_longer_window_is_counted_from_the_store(org: tuple[Sandbox, Path]) -> None:
    sandbox, db = org
    args = ("jobs", "summary", *ROLE, "--since", "20d", "--db", str(db), "-o", "json")
    before = sandbox.counters.total_requests()
    chosen = invoke_on(sandbox, *args, now=NOW)
    asked = invoke_on(sandbox, *args, "--history", now=NOW)
    assert sandbox.counters.total_requests() == before
    assert chosen.stdout == asked.stdout
    assert chosen.stderr == (
        "backupctl: the window starts before the 14 days the job summary calls count: "
        f"counted from the history store {db}\n"
    )


def test_csv_ndjson_and_a_table_that_fits_80_columns(org: tuple[Sandbox, Path]) -> None:
    sandbox, db = org
    base = ("jobs", "summary", "--history", "--db", str(db), "--by", "resource-type")
    rows = json.loads(invoke_on(sandbox, *base, "-o", "json", now=NOW).stdout)
    as_csv = invoke_on(sandbox, *base, "-o", "csv", now=NOW).stdout
    parsed = [
        {
            key: value if key in ("day", "resource_type") else int(value)
            for key, value in row.items()
        }
        for row in csv.DictReader(io.StringIO(as_csv))
    ]
    assert parsed == rows
    ndjson = invoke_on(sandbox, *base, "-o", "ndjson", now=NOW).stdout
    assert [json.loads(line) for line in ndjson.splitlines()] == rows
    table = invoke_on(sandbox, *base, now=NOW, width=80).stdout
    lines = table.splitlines()
    assert len(lines) == len(rows) + 2  # the header, a row each, the totals
    assert max(len(line) for line in lines) <= 80
    assert lines[0].split()[:3] == ["day", "resource-type", "jobs"]
    assert "█" in table
    assert lines[-1].startswith(f"{sum(row['jobs'] for row in rows):,} jobs, ")


@pytest.mark.parametrize(
    ("args", "said"),
    [(("--by", "day"), "--by: 'day' is not one of"), (("--fields", "nope"), "unknown field")],
)
def test_bad_usage_exits_2_before_any_call(
    org: tuple[Sandbox, Path], args: tuple[str, ...], said: str
) -> None:
    sandbox = org[0]
    before = sandbox.counters.total_requests()
    result = invoke_on(sandbox, "jobs", "summary", *ORG_VIEW, *args, now=NOW)
    assert result.exit_code == 2
    assert said in result.stderr
    assert result.stderr.count("\n") == 1
    assert sandbox.counters.total_requests() == before
