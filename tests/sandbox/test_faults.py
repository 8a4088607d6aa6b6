"""Each fault, switched on at construction or at run time, and counted."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from backupctl.sandbox import Faults, Sandbox, SandboxConfig

from .clients import SandboxFactory, assume, client


@pytest.fixture(scope="module")
def faulty() -> Iterator[Sandbox]:
    """A small organization whose faults each test sets, and clears after itself."""
    with Sandbox(SandboxConfig(members=3, jobs_per_region=60)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clear(faulty: Sandbox) -> Iterator[None]:
    faulty.set_faults(Faults())
    faulty.counters.reset()
    yield
    faulty.set_faults(Faults())


def code_of(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(raised.value.response["Error"]["Code"])


def test_latency_delays_every_request(faulty: Sandbox) -> None:
    backup = client(faulty, "backup")
    backup.list_backup_jobs(MaxResults=1)
    faulty.set_faults(Faults(latency=0.15))
    started = time.perf_counter()
    backup.list_backup_jobs(MaxResults=1)
    client(faulty, "sts").get_caller_identity()
    assert time.perf_counter() - started >= 0.3
    assert faulty.counters.faults["latency"] == 2


def test_throttling_and_errors_follow_their_rates(faulty: Sandbox) -> None:
    faulty.set_faults(Faults(throttle_rate=0.3, error_rate=0.2, seed=1))
    backup = client(faulty, "backup")
    outcomes: Counter[str] = Counter()
    for _ in range(300):
        try:
            backup.list_copy_jobs(MaxResults=1)
            outcomes["ok"] += 1
        except ClientError as error:
            outcomes[error.response["Error"]["Code"]] += 1
    # Throttled first at 30%, then 20% of the rest fail: 30% and 14% expected.
    assert 60 <= outcomes["ThrottlingException"] <= 120
    assert 22 <= outcomes["ServiceUnavailableException"] <= 70
    faults = faulty.counters.faults
    assert faults["throttle"] == outcomes["ThrottlingException"]
    assert faults["error"] == outcomes["ServiceUnavailableException"]


def test_deny_assume_role_by_account_name(faulty: Sandbox) -> None:
    faulty.set_faults(Faults(deny_assume_role=frozenset({"security"})))
    security = next(acct.id for acct in faulty.dataset.accounts if acct.name == "security")
    assert faulty.faults.deny_assume_role == frozenset({security})
    with pytest.raises(ClientError) as raised:
        assume(faulty, security)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert assume(faulty, faulty.dataset.active_accounts[2].id)["AccessKeyId"]
    assert faulty.counters.faults["deny_assume_role"] == 1


def test_deny_backup_as_caller_and_by_account_id(faulty: Sandbox) -> None:
    member = faulty.dataset.active_accounts[1].id
    faulty.set_faults(Faults(deny_backup=frozenset({member})))
    assert code_of(client(faulty, "backup", member).list_backup_jobs) == "AccessDeniedException"
    management = client(faulty, "backup")
    assert code_of(management.list_restore_jobs, ByAccountId=member) == "AccessDeniedException"
    assert management.list_restore_jobs()["RestoreJobs"]  # the others are unaffected
    assert faulty.counters.faults["deny_backup"] == 2


def test_looping_token_repeats_forever(faulty: Sandbox) -> None:
    member = faulty.dataset.active_accounts[1].id
    faulty.set_faults(Faults(looping_token_accounts=frozenset({member})))
    for backup, params in (
        (client(faulty, "backup", member), {}),
        (client(faulty, "backup"), {"ByAccountId": member}),
    ):
        first = backup.list_backup_jobs(MaxResults=5, **params)["NextToken"]
        tokens = [
            backup.list_backup_jobs(MaxResults=5, NextToken=first, **params)["NextToken"]
            for _ in range(4)
        ]
        assert tokens == [first] * 4
    assert "NextToken" not in client(faulty, "backup", member).list_copy_jobs()


def test_cycling_tokens_go_a_b_a(faulty: Sandbox) -> None:
    member = faulty.dataset.active_accounts[1].id
    faulty.set_faults(Faults(cycling_token_accounts=frozenset({member})))
    backup = client(faulty, "backup", member)
    a = backup.list_backup_jobs(MaxResults=5)["NextToken"]
    b = backup.list_backup_jobs(MaxResults=5, NextToken=a)["NextToken"]
    again = backup.list_backup_jobs(MaxResults=5, NextToken=b)["NextToken"]
    assert a != b
    assert again == a
    assert faulty.counters.faults["cycling_token"] == 3


def test_a_hung_account_never_answers_and_stop_is_prompt(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=10)
    member = sandbox.dataset.active_accounts[1].id
    sandbox.set_faults(Faults(hang_accounts=frozenset({member})))
    hung = client(sandbox, "backup", member, read_timeout=0.3)
    with pytest.raises(ReadTimeoutError):
        hung.list_backup_jobs()
    assert client(sandbox, "backup").list_backup_jobs(MaxResults=1)["BackupJobs"]
    with pytest.raises(ReadTimeoutError):
        client(sandbox, "backup", read_timeout=0.3).list_backup_jobs(ByAccountId=member)
    # Another request still hangs in the server while it stops.
    waiting = threading.Thread(
        target=lambda: _swallow(client(sandbox, "backup", member).list_copy_jobs)
    )
    waiting.start()
    time.sleep(0.1)
    started = time.perf_counter()
    sandbox.stop()
    assert time.perf_counter() - started < 1.0
    waiting.join(timeout=5)
    assert not waiting.is_alive()
    assert sandbox.counters.faults["hang"] == 3


def _swallow(call: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):  # the server dropped the connection: that is the point
        call()


def test_faults_set_at_construction(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=1, jobs_per_region=10, faults=Faults(throttle_rate=1.0))
    assert code_of(client(sandbox, "organizations").list_roots) == "TooManyRequestsException"
    assert code_of(client(sandbox, "sts").get_caller_identity) == "Throttling"
    sandbox.set_faults(Faults())
    assert client(sandbox, "sts").get_caller_identity()["Account"]


def test_bad_faults_are_refused(faulty: Sandbox) -> None:
    with pytest.raises(ValueError, match="throttle_rate"):
        Faults(throttle_rate=1.5)
    with pytest.raises(ValueError, match="no account"):
        faulty.set_faults(Faults(hang_accounts=frozenset({"nobody"})))


def test_org_token_expires_after_the_pages_asked_for(faulty: Sandbox) -> None:
    faulty.set_faults(Faults(org_token_expires_after=2))
    org = client(faulty, "organizations")
    first = org.list_accounts(MaxResults=1)
    second = org.list_accounts(MaxResults=1, NextToken=first["NextToken"])
    assert [len(first["Accounts"]), len(second["Accounts"])] == [1, 1]
    assert code_of(org.list_accounts, MaxResults=1, NextToken=second["NextToken"]) == (
        "InvalidInputException"
    )
    assert faulty.counters.faults["org_token_expired"] == 1
    assert "NextToken" not in client(faulty, "organizations").list_accounts()  # one page: fine


def test_a_hung_call_is_answered_once_the_fault_is_lifted(faulty: Sandbox) -> None:
    member = faulty.dataset.active_accounts[1].id
    faulty.set_faults(Faults(hang_accounts=frozenset({member})))
    answers: list[object] = []
    waiting = threading.Thread(
        target=lambda: answers.append(client(faulty, "backup", member).list_copy_jobs())
    )
    waiting.start()
    time.sleep(0.2)
    assert answers == []  # still hanging
    faulty.set_faults(Faults())
    waiting.join(timeout=5)
    assert len(answers) == 1


def _plan_and_resource_calls(sandbox: Sandbox, account: str) -> dict[str, Callable[[Any], object]]:
    """One call of each plan and protected-resource operation, on ``account``'s own data."""
    jobset = sandbox.dataset.jobset(account, sandbox.dataset.regions[0])
    assert jobset.estate is not None
    selection = jobset.estate.selections[0]
    resource = jobset.protected[0]
    plan = selection.plan_id
    return {
        "ListProtectedResources": lambda b: b.list_protected_resources(),
        "ListBackupPlans": lambda b: b.list_backup_plans(),
        "GetBackupPlan": lambda b: b.get_backup_plan(BackupPlanId=plan),
        "ListBackupPlanVersions": lambda b: b.list_backup_plan_versions(BackupPlanId=plan),
        "ListBackupSelections": lambda b: b.list_backup_selections(BackupPlanId=plan),
        "GetBackupSelection": lambda b: b.get_backup_selection(
            BackupPlanId=plan, SelectionId=selection.selection_id
        ),
        "DescribeRecoveryPoint": lambda b: b.describe_recovery_point(
            BackupVaultName=resource["LastBackupVaultArn"].split(":")[-1],
            RecoveryPointArn=resource["LastRecoveryPointArn"],
        ),
    }


def test_plan_and_resource_calls_meet_every_fault(faulty: Sandbox) -> None:
    member = faulty.dataset.active_accounts[1].id
    calls = _plan_and_resource_calls(faulty, member)
    backup = client(faulty, "backup", member)
    for call in calls.values():
        call(backup)
    region = faulty.dataset.regions[0]
    assert {key[1] for key in faulty.counters.requests if key[2:] == (member, region)} == set(calls)
    for faults, code in (
        (Faults(deny_backup=frozenset({member})), "AccessDeniedException"),
        (Faults(throttle_rate=1.0), "ThrottlingException"),
        (Faults(error_rate=1.0), "ServiceUnavailableException"),
    ):
        faulty.set_faults(faults)
        assert {name: code_of(call, backup) for name, call in calls.items()} == dict.fromkeys(
            calls, code
        )
    faulty.set_faults(Faults(credential_ttl=0.05))
    expiring = client(faulty, "backup", credentials=assume(faulty, member))
    time.sleep(0.1)
    assert {code_of(call, expiring) for call in calls.values()} == {"ExpiredTokenException"}
    faulty.set_faults(Faults(latency=0.05))
    started = time.perf_counter()
    for call in calls.values():
        call(backup)
    assert time.perf_counter() - started >= 0.05 * len(calls)
    faulty.set_faults(Faults(hang_accounts=frozenset({member})))
    hung = client(faulty, "backup", member, read_timeout=0.2)
    for name in ("ListProtectedResources", "GetBackupPlan", "DescribeRecoveryPoint"):
        with pytest.raises(ReadTimeoutError):
            calls[name](hung)
    counted = faulty.counters.faults
    assert counted["deny_backup"] == counted["throttle"] == counted["error"] == len(calls)
    assert counted["hang"] == 3
