"""A service that repeats pages, sends the wrong JSON types or answers Describe with
something that is not a job: every job printed and counted once, the bad target named,
the others printed, exit 3; never a crash."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator

import pytest

from backupctl.domain.errors import ExitStatus
from backupctl.sandbox import REPEAT_MODES, Faults, RepeatMode, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on

ROLE = "OrganizationAccountAccessRole"
IDS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
PAGE = 40  # pages this short make every listing several pages long


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=3, jobs_per_region=120)) as server:
        yield server


@pytest.fixture(autouse=True)
def _short_pages(org: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("backupctl.aws.backup_jobs.PAGE_SIZE", PAGE)
    org.set_faults(Faults())
    org.counters.reset()
    yield
    org.set_faults(Faults())


def member(server: Sandbox) -> str:
    data = server.dataset
    return next(a.id for a in data.active_accounts if a.id != data.management_account_id)


def job_ids(server: Sandbox, accounts: list[str]) -> Counter[str]:
    data = server.dataset
    return Counter(
        job[IDS[kind]]
        for account in accounts
        for region in data.regions
        for kind in IDS
        for job in data.jobs(kind, account, region)
    )


def run(server: Sandbox, *args: str) -> Result:
    regions = ",".join(server.dataset.regions)
    return invoke_on(server, "jobs", "list", "--region", regions, *args)


def printed(fmt: str, stdout: str) -> Counter[str]:
    """The job ids a run printed, as many times as it printed each."""
    if fmt == "json":
        return Counter(record["job_id"] for record in json.loads(stdout))
    if fmt == "ndjson":
        return Counter(json.loads(line)["job_id"] for line in stdout.splitlines())
    rows = list(csv.DictReader(io.StringIO(stdout, newline="")))
    return Counter(row["job_id"] for row in rows)


MODES = {"assume-role": ["--role", ROLE], "org-view": []}


@pytest.mark.parametrize("repeat", REPEAT_MODES)
@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv"])
@pytest.mark.parametrize("mode", MODES)
def test_repeated_pages_print_every_job_once(
    org: Sandbox, repeat: RepeatMode, fmt: str, mode: str
) -> None:
    account = member(org)
    org.set_faults(
        Faults(repeating_pages_accounts=frozenset({account}), repeating_pages_mode=repeat)
    )
    result = run(org, "--account", account, *MODES[mode], "-o", fmt)
    assert org.counters.faults["repeated_job"] > 0  # the service did repeat itself
    assert printed(fmt, result.stdout) == job_ids(org, [account])  # each exactly once
    if repeat == "token_returns":
        # The token came back: the listings end there, named, every job printed once.
        assert result.exit_code == ExitStatus.PARTIAL
        assert "pagination loop" in result.stderr
    else:
        assert result.exit_code == ExitStatus.OK, result.stderr
        assert result.stderr == ""


def test_the_jobs_read_before_a_loop_are_counted_once(org: Sandbox) -> None:
    account = member(org)
    org.set_faults(
        Faults(repeating_pages_accounts=frozenset({account}), repeating_pages_mode="token_returns")
    )
    result = run(org, "--account", account, "--role", ROLE, "--kind", "backup", "-o", "ndjson")
    shown = printed("ndjson", result.stdout)
    data = org.dataset
    distinct = sum(len(data.jobs("backup", account, region)) for region in data.regions)
    assert sum(shown.values()) == len(shown) == distinct  # every job, once
    # One line for the account's regions, counting the jobs printed, not the pages served.
    assert f"; {distinct} jobs read before the failure were printed" in result.stderr


def test_a_report_counts_each_problem_once_when_pages_repeat(org: Sandbox) -> None:
    account = member(org)
    regions = ",".join(org.dataset.regions)
    args = ["report", "failures", "--account", account, "--role", ROLE, "--region", regions]
    args += ["--since", "30d", "-o", "json"]
    clean = json.loads(invoke_on(org, *args).stdout)
    org.set_faults(
        Faults(repeating_pages_accounts=frozenset({account}), repeating_pages_mode="overlap")
    )
    repeated = json.loads(invoke_on(org, *args).stdout)
    assert org.counters.faults["repeated_job"] > 0
    assert repeated["totals"] == clean["totals"]
    assert [p["job_id"] for p in repeated["problems"]] == [p["job_id"] for p in clean["problems"]]


def test_an_org_view_listing_that_loops_after_printing_exits_3(org: Sandbox) -> None:
    account = member(org)
    org.set_faults(Faults(looping_token_accounts=frozenset({account})))
    result = run(org, "--account", account, "--kind", "backup", "-o", "ndjson")
    assert result.stdout  # the first pages were printed
    assert result.exit_code == ExitStatus.PARTIAL  # not "nothing could be read"
    assert "pagination loop" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_wrong_json_types_fail_that_target_only(org: Sandbox, fmt: str) -> None:
    data = org.dataset
    bad = member(org)
    org.set_faults(Faults(wrong_types_accounts=frozenset({bad})))
    result = run(org, "--account", "all", "--role", ROLE, "-o", fmt)
    assert org.counters.faults["wrong_type"] > 0
    assert result.exit_code == ExitStatus.PARTIAL
    assert "internal error" not in result.stderr
    assert f"could not read account {bad}" in result.stderr
    assert "the API model does not allow" in result.stderr
    others = [a.id for a in data.active_accounts if a.id != bad]
    if fmt == "json":
        shown = printed("json", result.stdout)
        assert set(job_ids(org, others)) <= set(shown)  # every other account's jobs
        assert max(shown.values()) == 1
    else:
        assert "jobs" in result.stdout


def test_wrong_json_types_in_a_report_fail_that_target_only(org: Sandbox) -> None:
    bad = member(org)
    org.set_faults(Faults(wrong_types_accounts=frozenset({bad})))
    regions = ",".join(org.dataset.regions)
    result = invoke_on(
        org, "report", "failures", "--account", "all", "--role", ROLE, "--region", regions,
        "--since", "30d",
    )  # fmt: skip
    assert result.exit_code == ExitStatus.PARTIAL
    assert "internal error" not in result.stderr
    assert f"account {bad}" in result.stdout  # listed among the targets that could not be read


@pytest.mark.parametrize("answer", ["html", "truncated", "empty"])
def test_a_describe_answer_that_is_not_a_job_is_no_job(org: Sandbox, answer: str) -> None:
    data = org.dataset
    account = data.management_account_id
    job_id = data.jobs("backup", account, data.regions[0])[0]["BackupJobId"]
    org.set_faults(Faults(not_a_job_accounts=frozenset({account}), not_a_job_mode=answer))  # type: ignore[arg-type]
    result = invoke_on(org, "job", "describe", job_id, "--region", data.regions[0])
    assert org.counters.faults["not_a_job"] > 0
    assert result.stdout == ""  # no empty panel
    assert result.exit_code in (ExitStatus.PARTIAL, ExitStatus.UNREADABLE)
    assert "not the job asked for" in result.stderr
