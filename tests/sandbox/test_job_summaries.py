"""The three job summary calls, counted against the jobs the List calls serve."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Faults, Sandbox, SandboxConfig

from .clients import SandboxFactory, client, pages

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
TODAY = datetime(2026, 11, 27, tzinfo=UTC).timestamp()
DAY = 86400.0
REGION = "us-east-1"
CALLS = {
    "backup": ("list_backup_job_summaries", "BackupJobSummaries", "State"),
    "copy": ("list_copy_job_summaries", "CopyJobSummaries", "State"),
    "restore": ("list_restore_job_summaries", "RestoreJobSummaries", "Status"),
}
Row = tuple[float, str, str, str, str | None]  # StartTime, AccountId, State, type, category


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    """Four active accounts, a fixed clock: today is 2026-11-27, half a day old."""
    with Sandbox(SandboxConfig(members=3, jobs_per_region=300, now=NOW)) as server:
        yield server


def summaries(sandbox: Sandbox, kind: str, account: str | None = None, **params: Any) -> Any:
    """Every row of a summary call, NextToken followed by hand."""
    operation, member, _ = CALLS[kind]
    backup = client(sandbox, "backup", account, params.pop("region", REGION))
    return list(pages(backup, operation, member, **params))


def keyed(rows: list[dict[str, Any]]) -> dict[Row, int]:
    """Rows by their dimensions; a repeated combination would be a bug."""
    found: dict[Row, int] = {}
    for row in rows:
        key = (
            row["StartTime"].timestamp(),
            row["AccountId"],
            row["State"],
            row["ResourceType"],
            row.get("MessageCategory"),
        )
        assert key not in found, key
        found[key] = row["Count"]
    return found


def counted(sandbox: Sandbox, kind: str, accounts: list[str], region: str = REGION) -> Counter[Row]:
    """The test's own count: each listed job of the 14 days before today, by UTC day."""
    state = CALLS[kind][2]
    counts: Counter[Row] = Counter()
    for account in accounts:
        for job in sandbox.dataset.jobs(kind, account, region):
            day = job["CreationDate"] - job["CreationDate"] % DAY
            if TODAY - 14 * DAY <= day < TODAY:
                key = (day, account, job[state], job["ResourceType"], job.get("MessageCategory"))
                counts[key] += 1
    return counts


def everyone(sandbox: Sandbox) -> list[str]:
    return [account.id for account in sandbox.dataset.active_accounts]


@pytest.mark.parametrize("kind", ["backup", "copy", "restore"])
def test_one_day_rows_count_every_job_of_the_14_days_before_today(org: Sandbox, kind: str) -> None:
    rows = summaries(org, kind, AccountId="ANY", MaxResults=50)
    assert keyed(rows) == counted(org, kind, everyone(org))
    assert {row["Region"] for row in rows} == {REGION}
    days = {row["StartTime"].timestamp() for row in rows}
    window = {TODAY - (14 - i) * DAY for i in range(14)}
    assert days <= window
    assert kind == "restore" or days == window  # restores are too few to fill every day
    for row in rows:
        end = round(row["EndTime"].timestamp(), 3)
        assert end == row["StartTime"].timestamp() + DAY - 0.001
    assert ("MessageCategory" in rows[0]) is (kind != "restore")
    # Today's jobs are listed, and counted in no summary until tomorrow.
    today = [j for account in everyone(org) for j in org.dataset.jobs(kind, account, REGION)
             if j["CreationDate"] >= TODAY]  # fmt: skip
    assert today or kind != "backup"  # backups run every day; copies and restores may not yet


def test_rows_come_oldest_first_and_the_period_is_echoed(org: Sandbox) -> None:
    backup = client(org, "backup")
    response = backup.list_backup_job_summaries(MaxResults=500)
    assert response["AggregationPeriod"] == "ONE_DAY"  # the default
    starts = [row["StartTime"] for row in response["BackupJobSummaries"]]
    assert starts == sorted(starts)
    seven = backup.list_backup_job_summaries(AggregationPeriod="SEVEN_DAYS")
    assert seven["AggregationPeriod"] == "SEVEN_DAYS"


@pytest.mark.parametrize(("period", "days"), [("SEVEN_DAYS", 7), ("FOURTEEN_DAYS", 14)])
def test_longer_periods_are_one_row_per_group(org: Sandbox, period: str, days: int) -> None:
    management = org.dataset.management_account_id
    rows = summaries(org, "backup", AggregationPeriod=period)
    periods = {(r["StartTime"].timestamp(), round(r["EndTime"].timestamp(), 3)) for r in rows}
    assert periods == {(TODAY - days * DAY, TODAY - 0.001)}
    want: Counter[tuple[str, str, str | None]] = Counter()
    for (day, _, state, resource_type, category), count in counted(
        org, "backup", [management]
    ).items():
        if day >= TODAY - days * DAY:
            want[state, resource_type, category] += count
    got = {(r["State"], r["ResourceType"], r.get("MessageCategory")): r["Count"] for r in rows}
    assert got == want


def test_aggregate_all_sums_every_dimension(org: Sandbox) -> None:
    accounts = everyone(org)
    total = sum(counted(org, "copy", accounts).values())
    rows = summaries(
        org, "copy", AccountId="AGGREGATE_ALL", State="AGGREGATE_ALL",
        ResourceType="AGGREGATE_ALL", MessageCategory="AGGREGATE_ALL",
        AggregationPeriod="FOURTEEN_DAYS",
    )  # fmt: skip
    assert [(r["AccountId"], r["State"], r["ResourceType"], r["MessageCategory"], r["Count"])
            for r in rows] == [("AGGREGATE_ALL",) * 4 + (total,)]  # fmt: skip
    by_day = summaries(org, "copy", AccountId="AGGREGATE_ALL", State="AGGREGATE_ALL")
    per_day: Counter[float] = Counter()
    for (day, *_), count in counted(org, "copy", accounts).items():
        per_day[day] += count
    got: Counter[float] = Counter()
    for row in by_day:
        assert (row["AccountId"], row["State"]) == ("AGGREGATE_ALL", "AGGREGATE_ALL")
        got[row["StartTime"].timestamp()] += row["Count"]
    assert got == per_day


def test_a_value_filters_and_categories_match_case_insensitively(org: Sandbox) -> None:
    everything = keyed(summaries(org, "backup"))
    failed = keyed(summaries(org, "backup", State="FAILED"))
    assert failed == {key: n for key, n in everything.items() if key[2] == "FAILED"}
    ec2 = keyed(summaries(org, "backup", ResourceType="EC2"))
    assert ec2 == {key: n for key, n in everything.items() if key[3] == "EC2"}
    success = keyed(summaries(org, "backup", MessageCategory="success"))
    assert success and success == {k: n for k, n in everything.items() if k[4] == "SUCCESS"}


def test_completed_with_issues_the_way_the_documentation_counts_it(org: Sandbox) -> None:
    def total(**params: Any) -> int:
        rows = summaries(org, "backup", AggregationPeriod="FOURTEEN_DAYS", **params)
        return sum(row["Count"] for row in rows)

    issues = total(State="COMPLETED") - total(State="COMPLETED", MessageCategory="SUCCESS")
    mine = counted(org, "backup", [org.dataset.management_account_id])
    assert issues == sum(n for k, n in mine.items() if k[2] == "COMPLETED" and k[4] != "SUCCESS")
    assert issues > 0


def test_who_sees_which_accounts(org: Sandbox) -> None:
    management, member, other, _ = everyone(org)
    own = keyed(summaries(org, "restore"))
    assert own == counted(org, "restore", [management])
    assert keyed(summaries(org, "restore", AccountId=management)) == own
    assert keyed(summaries(org, "restore", AccountId=member)) == counted(org, "restore", [member])
    # A member account counts its own jobs, whatever it asks for.
    for asked in ("ANY", other, None):
        params = {} if asked is None else {"AccountId": asked}
        rows = summaries(org, "restore", member, **params)
        assert keyed(rows) == counted(org, "restore", [member]), asked
    aggregated = summaries(org, "restore", member, AccountId="AGGREGATE_ALL")
    assert {row["AccountId"] for row in aggregated} == {"AGGREGATE_ALL"}
    assert sum(r["Count"] for r in aggregated) == sum(counted(org, "restore", [member]).values())


def test_regions_are_counted_apart(org: Sandbox) -> None:
    rows = summaries(org, "backup", AccountId="ANY", region="eu-west-1")
    assert {row["Region"] for row in rows} == {"eu-west-1"}
    assert keyed(rows) == counted(org, "backup", everyone(org), "eu-west-1")
    assert summaries(org, "backup", AccountId="ANY", region="us-west-2") == []


def test_the_delegated_administrator_and_the_organization_rules(
    sandbox_factory: SandboxFactory,
) -> None:
    sandbox = sandbox_factory(members=3, jobs_per_region=60, delegated_admin="security")
    security = sandbox.dataset.organization.resolve("security")
    rows = summaries(sandbox, "backup", security, AccountId="ANY")
    assert {row["AccountId"] for row in rows} == set(everyone(sandbox))
    member = everyone(sandbox)[2]
    sandbox.set_faults(Faults(deny_backup=frozenset({member})))
    assert code_of(sandbox, AccountId=member) == "AccessDeniedException"
    assert code_of(sandbox, AccountId="999999999999") == "AccessDeniedException"
    assert summaries(sandbox, "backup", AccountId="ANY")  # the fault names one account only
    closed = sandbox_factory(members=2, jobs_per_region=60, cross_account_monitoring=False, now=NOW)
    assert code_of(closed, AccountId="ANY") == "AccessDeniedException"
    own = counted(closed, "backup", [closed.dataset.management_account_id])
    assert own and keyed(summaries(closed, "backup")) == own  # its own jobs, still


def code_of(sandbox: Sandbox, account: str | None = None, **params: Any) -> str:
    backup = client(sandbox, "backup", account, validate=False)
    with pytest.raises(ClientError) as raised:
        backup.list_backup_job_summaries(**params)
    return str(raised.value.response["Error"]["Code"])


@pytest.mark.parametrize(
    "params",
    [
        {"MaxResults": 0},
        {"MaxResults": 501},
        {"State": "DONE"},
        {"AggregationPeriod": "ONE_WEEK"},
        {"AccountId": "12345"},
        {"ResourceType": "not a type"},
        {"MessageCategory": ""},
        {"NextToken": "garbage"},
    ],
)
def test_what_the_service_refuses(org: Sandbox, params: dict[str, Any]) -> None:
    assert code_of(org, **params) == "InvalidParameterValueException"


def test_pages_hold_every_row_once_and_tokens_belong_to_their_query(org: Sandbox) -> None:
    whole = summaries(org, "backup", AccountId="ANY")
    paged = summaries(org, "backup", AccountId="ANY", MaxResults=7)
    assert len(paged) > 50
    assert paged == whole
    token = client(org, "backup").list_backup_job_summaries(MaxResults=5)["NextToken"]
    assert code_of(org, MaxResults=5, NextToken=token, State="FAILED") == (
        "InvalidParameterValueException"
    )


def test_summaries_follow_an_advance_and_old_tokens_expire(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=120, now=NOW)
    backup = client(sandbox, "backup")
    token = backup.list_backup_job_summaries(AccountId="ANY", MaxResults=2)["NextToken"]
    sandbox.dataset.advance(DAY)  # tomorrow: today's jobs are counted, the oldest day is not
    with pytest.raises(ClientError) as raised:
        backup.list_backup_job_summaries(AccountId="ANY", MaxResults=2, NextToken=token)
    assert "expired" in raised.value.response["Error"]["Message"]
    rows = summaries(sandbox, "backup", AccountId="ANY", AggregationPeriod="FOURTEEN_DAYS")
    want = 0
    for account in everyone(sandbox):
        for job in sandbox.dataset.jobs("backup", account, REGION):
            want += TODAY - 13 * DAY <= job["CreationDate"] < TODAY + DAY
    assert sum(row["Count"] for row in rows) == want
    assert {row["StartTime"].timestamp() for row in rows} == {TODAY - 13 * DAY}
