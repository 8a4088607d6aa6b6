"""``jobs list`` on the caller's own account, compared exactly with the sandbox's data."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from backupctl.sandbox import Sandbox
from tests.cli.conftest import Invoke
from tests.cli.oracle import expected_record, newest_first
from tests.cli.test_streams import clean_env, run

KINDS = ("backup", "copy", "restore")


def expected(
    sandbox: Sandbox,
    regions: tuple[str, ...],
    kinds: tuple[str, ...] = KINDS,
    account: str | None = None,
) -> list[dict[str, Any]]:
    account = account or sandbox.dataset.management_account_id
    return newest_first(
        [
            expected_record(kind, job, region)
            for region in regions
            for kind in kinds
            for job in sandbox.dataset.jobs(kind, account, region)
        ]
    )


def test_json_is_every_job_of_the_region_newest_first(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    result = cli("jobs", "list", "--region", region, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    want = expected(sandbox, (region,))
    assert len(want) > 100
    assert json.loads(result.stdout) == want


def test_several_regions_in_one_run(cli: Invoke, sandbox: Sandbox) -> None:
    regions = sandbox.dataset.regions
    result = cli("jobs", "list", "--region", ",".join(regions), "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected(sandbox, tuple(regions))


def test_ndjson_has_the_same_records_one_per_line(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[1]
    result = cli("jobs", "list", "--region", region, "-o", "ndjson")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert newest_first(records) == expected(sandbox, (region,))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else value
    return str(value)


def test_csv_is_rfc4180_with_every_field(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    result = cli("jobs", "list", "--region", region, "-o", "csv")
    assert result.exit_code == 0, result.stderr
    want = expected(sandbox, (region,))
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == list(want[0].keys())
    assert rows[1:] == [[_csv_cell(v) for v in record.values()] for record in want]
    assert result.stdout.endswith("\r\n")


def test_fields_pick_and_order(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    result = cli("jobs", "list", "--region", region, "--fields", "state,job_id", "-o", "json")
    assert result.exit_code == 0, result.stderr
    want = [{"state": r["state"], "job_id": r["job_id"]} for r in expected(sandbox, (region,))]
    assert json.loads(result.stdout) == want
    assert list(json.loads(result.stdout)[0]) == ["state", "job_id"]


@pytest.mark.parametrize("state", ["FAILED", "expired", "PARTIAL"])
def test_state_filter(cli: Invoke, sandbox: Sandbox, state: str) -> None:
    region = sandbox.dataset.regions[0]
    result = cli("jobs", "list", "--region", region, "--state", state, "-o", "json")
    assert result.exit_code == 0, result.stderr
    want = [r for r in expected(sandbox, (region,)) if r["state"] == state.upper()]
    assert want
    assert json.loads(result.stdout) == want


def test_a_kind_without_the_state_is_not_queried(cli: Invoke, sandbox: Sandbox) -> None:
    sandbox.counters.reset()
    result = cli(
        "jobs", "list", "--region", sandbox.dataset.regions[0], "--state", "EXPIRED", "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    operations = {key[1] for key in sandbox.counters.requests}
    assert "ListBackupJobs" in operations
    assert not operations & {"ListCopyJobs", "ListRestoreJobs"}


def test_kind_and_resource_type_filters(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    result = cli(
        "jobs",
        "list",
        "--region",
        region,
        "--kind",
        "backup,copy",
        "--resource-type",
        "ebs",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    want = [
        r for r in expected(sandbox, (region,), ("backup", "copy")) if r["resource_type"] == "EBS"
    ]
    assert want
    assert json.loads(result.stdout) == want


def test_since_until_window(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    everything = expected(sandbox, (region,))
    since, until = everything[60]["created_at"], everything[20]["created_at"]
    result = cli(
        "jobs", "list", "--region", region, "--since", since, "--until", until, "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    got = json.loads(result.stdout)
    assert got
    assert all(since <= r["created_at"] <= until for r in got)
    assert {r["job_id"] for r in got} >= {r["job_id"] for r in everything[21:60]}


def test_vault_filter_covers_copy_jobs_client_side(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    copies = expected(sandbox, (region,), ("copy",))
    vault = copies[0]["vault_name"]
    result = cli("jobs", "list", "--region", region, "--vault", vault, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        r for r in expected(sandbox, (region,)) if r["vault_name"] == vault
    ]


def test_limit_gives_the_newest(cli: Invoke, sandbox: Sandbox) -> None:
    regions = sandbox.dataset.regions
    result = cli("jobs", "list", "--region", ",".join(regions), "--limit", "7", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected(sandbox, tuple(regions))[:7]


def test_pages_of_1000_and_no_page_twice(cli: Invoke, sandbox: Sandbox) -> None:
    region = sandbox.dataset.regions[0]
    sandbox.counters.reset()
    result = cli("jobs", "list", "--region", region, "--kind", "backup", "-o", "ndjson")
    assert result.exit_code == 0, result.stderr
    jobs = len(sandbox.dataset.jobs("backup", sandbox.dataset.management_account_id, region))
    pages = -(-jobs // 1000) or 1
    calls = {k: v for k, v in sandbox.counters.requests.items() if k[1] == "ListBackupJobs"}
    assert sum(calls.values()) == pages


@pytest.mark.parametrize("columns", [80, 100])
def test_every_line_of_the_table_fits_the_terminal(columns: int) -> None:
    done = run("--sandbox", "jobs", "list", "--account", "all", "--region", "all",
               env=clean_env(COLUMNS=str(columns)))  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1].endswith("completed with issues (*)")  # the caption, whole
    assert [line for line in lines if len(line) > columns] == []
