"""Many accounts and regions at once: assume-role and org view, faults kept per target."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backupctl.sandbox import Faults, Sandbox, SandboxConfig
from tests.cli.conftest import invoke_on
from tests.cli.oracle import expected_record, newest_first, rfc3339
from tests.conftest import SandboxFactory

ROLE = "OrganizationAccountAccessRole"


def org_jobs(sandbox: Sandbox, accounts: list[str] | None = None) -> list[dict[str, Any]]:
    """Every job of the given (default: every ACTIVE) account in every data region."""
    data = sandbox.dataset
    ids = accounts or [a.id for a in data.active_accounts]
    return newest_first(
        [
            expected_record(kind, job, region)
            for account in ids
            for region in data.regions
            for kind in ("backup", "copy", "restore")
            for job in data.jobs(kind, account, region)
        ]
    )


def members(sandbox: Sandbox) -> list[str]:
    data = sandbox.dataset
    return [a.id for a in data.active_accounts if a.id != data.management_account_id]


def run_json(sandbox: Sandbox, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    regions = ",".join(sandbox.dataset.regions)
    result = invoke_on(sandbox, "jobs", "list", "--region", regions, "-o", "json", *args)
    return result.exit_code, json.loads(result.stdout or "[]"), result.stderr


@pytest.fixture(scope="module")
def small_org() -> Any:
    with Sandbox(SandboxConfig(members=6, jobs_per_region=80)) as server:
        yield server


@pytest.mark.parametrize("mode", [["--role", ROLE], []], ids=["assume-role", "org-view"])
def test_every_account_and_region(small_org: Sandbox, mode: list[str]) -> None:
    code, jobs, stderr = run_json(small_org, "--account", "all", *mode)
    assert code == 0, stderr
    assert stderr == ""
    assert jobs == org_jobs(small_org)


@pytest.mark.parametrize("mode", [["--role", ROLE], []], ids=["assume-role", "org-view"])
@pytest.mark.parametrize("days", [None, (12, 2)], ids=["all-time", "since-until"])
def test_long_listings_read_in_windows_print_every_job_once(
    small_org: Sandbox,
    mode: list[str],
    days: tuple[int, int] | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pages of 10 jobs make the listings long enough to be split into windows of time.
    monkeypatch.setattr("backupctl.aws.backup_jobs.PAGE_SIZE", 10)
    # Split however fast the pages come.
    monkeypatch.setattr("backupctl.engine.windows.WORTH_SECONDS", 0.0)
    now = datetime.now(UTC).replace(microsecond=0)
    span = ["--since", f"{days[0]}d", "--until", f"{days[1]}d"] if days else []
    regions = ",".join(small_org.dataset.regions)
    small_org.counters.reset()
    result = invoke_on(
        small_org, "jobs", "list", "--region", regions, "-o", "json", "--account", "all",
        *mode, *span, now=now,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    expected = org_jobs(small_org)
    if days:
        low, high = (rfc3339((now - timedelta(days=d)).timestamp()) or "" for d in days)
        expected = [j for j in expected if low <= j["created_at"] < high]
    assert json.loads(result.stdout) == expected
    if not days and not mode:  # (an account's own listings here are too short to split)
        # Split: more List calls than one chain per listing would make, but not many more.
        calls = sum(v for k, v in small_org.counters.requests.items() if k[1].startswith("List"))
        per_chain = Counter(
            (j["account_id"] if mode else "*", j["region"], j["kind"]) for j in expected
        )
        chained = sum(math.ceil(n / 10) for n in per_chain.values())
        assert chained < calls < 2 * chained


def test_role_is_assumed_once_per_account(small_org: Sandbox) -> None:
    small_org.counters.reset()
    code, _, stderr = run_json(small_org, "--account", "all", "--role", ROLE)
    assert code == 0, stderr
    assume = {k[2]: v for k, v in small_org.counters.requests.items() if k[1] == "AssumeRole"}
    # The management account is read with the caller's own credentials.
    assert sum(assume.values()) == len(members(small_org))


@pytest.mark.parametrize("mode", [["--role", ROLE], []], ids=["assume-role", "org-view"])
def test_named_accounts_in_both_modes(small_org: Sandbox, mode: list[str]) -> None:
    chosen = members(small_org)[:2]
    code, jobs, stderr = run_json(small_org, "--account", ",".join(chosen), *mode)
    assert code == 0, stderr
    assert jobs == org_jobs(small_org, chosen)


def test_ou_reaches_nested_accounts(small_org: Sandbox) -> None:
    data = small_org.dataset
    production = next(ou for ou in data.ous if ou.name == "Production")
    inside = {ou.id for ou in data.ous if ou.parent_id == production.id} | {production.id}
    expected_accounts = sorted(a.id for a in data.active_accounts if a.parent_id in inside)
    result = invoke_on(small_org, "accounts", "list", "--ou", production.id, "-o", "json")
    assert result.exit_code == 0, result.stderr
    listed = sorted(r["account_id"] for r in json.loads(result.stdout) if r["access"] != "skipped")
    assert listed == expected_accounts
    assert len(inside) > 1


@pytest.fixture(scope="module")
def large_org() -> Any:
    """Enough accounts for three pages of ListAccounts (20 a page)."""
    with Sandbox(SandboxConfig(members=45, jobs_per_region=6)) as server:
        yield server


@pytest.mark.parametrize(
    ("where", "mode"),
    [("all", ["--role", ROLE]), ("root", ["--role", ROLE]), ("root", [])],
    ids=["all-assume-role", "ou-assume-role", "ou-org-view"],
)
def test_accounts_listed_page_by_page_are_each_read_once(
    large_org: Sandbox, where: str, mode: list[str]
) -> None:
    # The first accounts are read while Organizations still lists the others.
    large_org.counters.reset()
    chosen = ["--account", "all"] if where == "all" else ["--ou", large_org.dataset.root_id]
    code, jobs, stderr = run_json(large_org, *chosen, *mode)
    assert code == 0, stderr
    assert stderr == ""
    assert jobs == org_jobs(large_org)
    assume = [v for k, v in large_org.counters.requests.items() if k[1] == "AssumeRole"]
    assert sum(assume) == (len(members(large_org)) if mode else 0)


def test_accounts_the_organization_could_not_list_are_said_and_exit_3(
    sandbox_factory: SandboxFactory,
) -> None:
    faults = Faults(org_token_expires_after=1)
    server = sandbox_factory(members=45, jobs_per_region=6, faults=faults)
    on_first_page = server.dataset.organization.accounts[:20]
    listed = [a.id for a in on_first_page if a.status == "ACTIVE"]
    code, jobs, stderr = run_json(server, "--account", "all", "--role", ROLE)
    assert code == 3
    assert jobs == org_jobs(server, listed)
    assert stderr == (
        "backupctl: could not finish listing the organization's accounts: "
        "InvalidInputException: The NextToken is not valid.; "
        f"only the {len(listed)} accounts listed before that were read\n"
    )


def test_a_report_over_accounts_not_all_listed_exits_3(sandbox_factory: SandboxFactory) -> None:
    faults = Faults(org_token_expires_after=1)
    server = sandbox_factory(members=45, jobs_per_region=6, faults=faults)
    regions = ",".join(server.dataset.regions)
    result = invoke_on(
        server, "report", "failures", "--account", "all", "--role", ROLE, "--region", regions
    )
    assert result.exit_code == 3  # errors outrank findings
    assert "could not finish listing the organization's accounts" in result.stderr
    assert "FAILED" in result.stdout  # the accounts that were listed are reported on


def test_denied_accounts_are_named_once_and_exit_3(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=6, jobs_per_region=40)
    denied_role, denied_backup = members(server)[0], members(server)[1]
    server.set_faults(
        Faults(deny_assume_role=frozenset({denied_role}), deny_backup=frozenset({denied_backup}))
    )
    code, jobs, stderr = run_json(server, "--account", "all", "--role", ROLE)
    assert code == 3
    readable = [
        a
        for a in [x.id for x in server.dataset.active_accounts]
        if a not in (denied_role, denied_backup)
    ]
    assert jobs == org_jobs(server, readable)
    lines = stderr.strip().splitlines()
    assert len(lines) == 2, stderr
    assert sum(denied_role in line for line in lines) == 1
    assert sum(denied_backup in line for line in lines) == 1
    assert all("access denied" in line.lower() for line in lines)


def test_nothing_readable_exits_4(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=3, jobs_per_region=20)
    everyone = frozenset(a.id for a in server.dataset.active_accounts)
    server.set_faults(Faults(deny_backup=everyone))
    code, jobs, stderr = run_json(server, "--account", "all", "--role", ROLE)
    assert (code, jobs) == (4, [])
    assert stderr


def test_throttling_and_5xx_are_retried_to_the_last_job(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=4, jobs_per_region=60)
    server.set_faults(Faults(throttle_rate=0.3, error_rate=0.05, seed=3))
    code, jobs, stderr = run_json(server, "--account", "all", "--role", ROLE)
    assert code == 0, stderr
    assert jobs == org_jobs(server)
    assert server.counters.faults


def test_expiring_credentials_are_renewed_without_losing_jobs(
    sandbox_factory: SandboxFactory,
) -> None:
    server = sandbox_factory(members=3, jobs_per_region=3000)
    # One call at a time, about 10 calls of 0.2 s per account: each account's 1.5 s
    # credentials expire at least once while it is read.
    server.set_faults(Faults(credential_ttl=1.5, latency=0.2))
    code, jobs, stderr = run_json(server, "--account", "all", "--role", ROLE, "--concurrency", "1")
    assert code == 0, stderr
    assert jobs == org_jobs(server)
    assume = sum(v for k, v in server.counters.requests.items() if k[1] == "AssumeRole")
    assert assume > len(members(server))  # renewed at least once...
    lists = sum(
        v
        for k, v in server.counters.requests.items()
        if k[1].startswith("List") and k[1].endswith("Jobs")
    )
    assert assume < lists  # ...but not once per call


@pytest.mark.parametrize("fault", ["looping_token_accounts", "cycling_token_accounts"])
def test_a_repeating_next_token_fails_that_target_without_duplicates(
    sandbox_factory: SandboxFactory, fault: str
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=2500)
    looping = members(server)[0]
    faults: dict[str, Any] = {fault: frozenset({looping})}
    server.set_faults(Faults(**faults))
    code, jobs, stderr = run_json(server, "--account", "all", "--role", ROLE, "--kind", "backup")
    assert code == 3
    ids = [j["job_id"] for j in jobs]
    assert len(ids) == len(set(ids))
    assert "NextToken" in stderr and looping in stderr
    others = [a.id for a in server.dataset.active_accounts if a.id != looping]
    want = {j["job_id"] for j in org_jobs(server, others) if j["kind"] == "backup"}
    assert want <= set(ids)


def test_org_view_refused_says_what_to_do(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=3, jobs_per_region=20, cross_account_monitoring=False)
    target = members(server)[0]
    code, _, stderr = run_json(server, "--account", target)
    assert code == 4
    assert "cross-account monitoring" in stderr and "--role" in stderr
