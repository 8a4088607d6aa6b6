"""Members of the wrong JSON type: exactly the ones the sandbox says, in List and Describe.

These responses break the model on purpose, so the faithfulness check is run on them with
the declared departures taken out: whatever else departs fails the test.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from backupctl.sandbox import KINDS, Faults, Sandbox, SandboxConfig, WrongType

from .clients import client
from .wiremodel import Captured, Recorder, check_response

LISTS = {
    "backup": ("list_backup_jobs", "BackupJobs"),
    "copy": ("list_copy_jobs", "CopyJobs"),
    "restore": ("list_restore_jobs", "RestoreJobs"),
}
IDS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
REGION = "us-east-1"


@pytest.fixture(scope="module")
def mistyping() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=3, jobs_per_region=200)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clear(mistyping: Sandbox) -> Iterator[None]:
    mistyping.set_faults(Faults())
    mistyping.counters.reset()
    yield
    mistyping.set_faults(Faults())


def member_of(sandbox: Sandbox) -> str:
    return sandbox.dataset.active_accounts[1].id


def list_raw(backup: Any, recorder: Recorder, kind: str, **params: Any) -> Captured:
    """One List page as it came off the wire (botocore may fail to parse it: that is the
    fault, and not what is tested here)."""
    operation, _ = LISTS[kind]
    with contextlib.suppress(ValueError):  # int("big"), in botocore's parser
        getattr(backup, operation)(MaxResults=1000, **params)
    return recorder.last


def departures(captured: Captured) -> set[str]:
    """Where the response departs from the model: the path of each problem."""
    return {problem.split(":")[0] for problem in check_response(captured)}


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_page_departs_exactly_where_the_sandbox_says(mistyping: Sandbox, kind: str) -> None:
    member = member_of(mistyping)
    mistyping.set_faults(Faults(wrong_types_accounts=frozenset({member})))
    recorder = Recorder()
    captured = list_raw(client(mistyping, "backup", member, recorder=recorder), recorder, kind)
    jobs = json.loads(captured.body)[LISTS[kind][1]]
    truth = {wrong.job_id: wrong for wrong in mistyping.wrong_types(kind, member, REGION)}
    listing = mistyping.dataset.jobs(kind, member, REGION)
    assert len(jobs) == len(listing)
    expected_paths: set[str] = set()
    for index, (sent, job) in enumerate(zip(jobs, listing, strict=True)):
        wrong = truth.get(job[IDS[kind]])
        if wrong is None:
            assert sent == job
            continue
        assert sent[wrong.member] == wrong.value
        assert {k: v for k, v in sent.items() if k != wrong.member} == {
            k: v for k, v in job.items() if k != wrong.member
        }
        expected_paths.add(f"$.{LISTS[kind][1]}[{index}].{wrong.member}")
    assert expected_paths and departures(captured) == expected_paths
    assert mistyping.counters.faults["wrong_type"] == len(truth)
    assert len(jobs) // 5 <= len(truth) <= len(jobs) // 5 + 1  # one job in five


def test_every_kind_of_wrong_type_is_sent(mistyping: Sandbox) -> None:
    member = member_of(mistyping)
    truth = [
        wrong
        for account in mistyping.dataset.active_accounts
        for kind in KINDS
        for wrong in mistyping.wrong_types(kind, account.id, REGION)
    ]
    shapes = {(wrong.member, type(wrong.value).__name__) for wrong in truth}
    assert shapes >= {
        ("State", "list"),
        ("Status", "list"),
        ("BackupJobId", "int"),
        ("CopyJobId", "int"),
        ("RestoreJobId", "int"),
        ("ResourceArn", "int"),
        ("SourceResourceArn", "int"),
        ("BackupSizeInBytes", "str"),
        ("ResourceType", "dict"),
        ("IsParent", "str"),
    }
    assert {wrong.value for wrong in truth if wrong.member == "BackupSizeInBytes"} == {"big"}
    assert {wrong.value for wrong in truth if wrong.member == "IsParent"} <= {"true", "false"}
    assert mistyping.wrong_types("backup", member, REGION)  # by id, as by name below
    name = mistyping.dataset.active_accounts[1].name
    assert mistyping.wrong_types("backup", name, REGION) == mistyping.wrong_types(
        "backup", member, REGION
    )


def test_the_choice_follows_the_seeds(mistyping: Sandbox) -> None:
    member = member_of(mistyping)

    def plan(seed: int | None) -> list[WrongType]:
        mistyping.set_faults(Faults(wrong_types_accounts=frozenset({member}), seed=seed))
        return mistyping.wrong_types("backup", member, REGION)

    assert plan(1) == plan(1)
    assert plan(None) == plan(None)
    assert plan(1) != plan(2)
    same = Sandbox(SandboxConfig(members=3, jobs_per_region=200, now=mistyping.dataset.now))
    assert same.wrong_types("backup", member, REGION) == plan(None)


def test_by_account_id_is_mistyped_the_same_and_star_is_not(mistyping: Sandbox) -> None:
    member = member_of(mistyping)
    mistyping.set_faults(Faults(wrong_types_accounts=frozenset({member})))
    recorder = Recorder()
    own = list_raw(client(mistyping, "backup", member, recorder=recorder), recorder, "copy")
    management = client(mistyping, "backup", recorder=recorder)
    scoped = list_raw(management, recorder, "copy", ByAccountId=member)
    assert scoped.body == own.body
    for captured in (
        list_raw(management, recorder, "copy", ByAccountId="*"),
        list_raw(management, recorder, "copy"),
    ):
        assert check_response(captured) == []


@pytest.mark.parametrize("kind", KINDS)
def test_describe_sends_the_same_wrong_member(mistyping: Sandbox, kind: str) -> None:
    member = member_of(mistyping)
    mistyping.set_faults(Faults(wrong_types_accounts=frozenset({member})))
    recorder = Recorder()
    backup = client(mistyping, "backup", member, recorder=recorder)
    operation = f"describe_{kind}_job"
    id_member = IDS[kind]
    truth = mistyping.wrong_types(kind, member, REGION)
    mistyped = {wrong.job_id for wrong in truth}
    clean = next(
        job[id_member]
        for job in mistyping.dataset.jobs(kind, member, REGION)
        if job[id_member] not in mistyped
    )
    getattr(backup, operation)(**{id_member: clean})
    assert check_response(recorder.last) == []
    for wrong in truth:
        with contextlib.suppress(ValueError):
            getattr(backup, operation)(**{id_member: wrong.job_id})
        body = json.loads(recorder.last.body)
        body = body.get("CopyJob", body)
        assert body[wrong.member] == wrong.value
        prefix = "$.CopyJob" if kind == "copy" else "$"
        assert departures(recorder.last) == {f"{prefix}.{wrong.member}"}
    assert mistyping.counters.faults["wrong_type"] == len(truth)
    assert Counter(c.status for c in recorder.responses) == {200: len(truth) + 1}
