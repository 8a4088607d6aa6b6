"""Moving the organization forward in time: the ground truth an advance reports is exact,
and every call serves the new state."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import KINDS, JobChange, Sandbox, SandboxConfig

from .clients import SandboxFactory, client, pages, raw
from .test_faithfulness import LISTS, assert_faithful
from .wiremodel import Recorder

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
KEYS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
ACTIVE = {"CREATED", "PENDING", "RUNNING", "ABORTING"}
Jobs = dict[tuple[str, str, str, str], dict[str, Any]]  # (kind, account, region, id) -> job


def snapshot(sandbox: Sandbox) -> Jobs:
    """Every job's List form."""
    dataset = sandbox.dataset
    return {
        (kind, account.id, region, job[KEYS[kind]]): job
        for kind in KINDS
        for account in dataset.active_accounts
        for region in dataset.regions
        for job in dataset.jobs(kind, account.id, region)
    }


def state_of(job: dict[str, Any]) -> str:
    return str(job.get("State") or job["Status"])


def ids(changes: tuple[JobChange, ...]) -> set[tuple[str, str, str, str]]:
    return {(c.kind, c.account_id, c.region, c.job_id) for c in changes}


def small(sandbox_factory: SandboxFactory, **fields: Any) -> Sandbox:
    return sandbox_factory(SandboxConfig(members=2, jobs_per_region=200, now=NOW, **fields))


def test_the_ground_truth_is_exact(sandbox_factory: SandboxFactory) -> None:
    sandbox = small(sandbox_factory)
    before = snapshot(sandbox)
    # A day: every daily schedule's oldest run leaves the 30 days the listings keep.
    advance = sandbox.advance(24 * 3600)
    after = snapshot(sandbox)
    start, end = NOW.timestamp(), (NOW + timedelta(hours=24)).timestamp()
    assert (advance.start, advance.end, advance.generation) == (
        NOW, NOW + timedelta(hours=24), 1
    )  # fmt: skip
    assert sandbox.dataset.now == advance.end
    assert ids(advance.created) == after.keys() - before.keys()
    assert ids(advance.removed) == before.keys() - after.keys()
    kept = before.keys() & after.keys()
    assert ids(advance.changed) == {key for key in kept if before[key] != after[key]}
    assert advance.created and advance.settled and advance.removed
    for change in advance.created:
        job = after[change.kind, change.account_id, change.region, change.job_id]
        assert start < job["CreationDate"] <= end
        assert change.before is None and change.after == state_of(job)
    for change in advance.settled:
        key = (change.kind, change.account_id, change.region, change.job_id)
        assert state_of(before[key]) in ACTIVE and state_of(after[key]) not in ACTIVE
        assert (change.before, change.after) == (state_of(before[key]), state_of(after[key]))
        assert start < after[key]["CompletionDate"] <= end
    for change in advance.removed:
        job = before[change.kind, change.account_id, change.region, change.job_id]
        assert job["CreationDate"] < end - 30 * 86400 and change.after is None
    # Six hours is longer than any job the generator leaves running: all of them ended.
    assert not [key for key in kept if state_of(before[key]) in ACTIVE and key[3] not in
                {c.job_id for c in advance.settled}]  # fmt: skip


def test_every_call_serves_the_new_state(sandbox_factory: SandboxFactory) -> None:
    sandbox = small(sandbox_factory)
    management = sandbox.dataset.management_account_id
    backup = client(sandbox, "backup")
    # Listings the server has merged and filtered before: it must not serve them again.
    for state in ("RUNNING", "CREATED", "PENDING", "COMPLETED", "FAILED"):
        list(pages(backup, "list_backup_jobs", "BackupJobs", ByState=state))
    assert list(pages(backup, "list_backup_jobs", "BackupJobs", ByAccountId="*"))
    advance = sandbox.advance(4 * 3600)
    mine = [c for c in advance.settled + advance.created if c.account_id == management
            and c.region == "us-east-1" and c.kind == "backup"]  # fmt: skip
    assert mine
    listed = {job["BackupJobId"]: job for job in pages(backup, "list_backup_jobs", "BackupJobs")}
    everyone = pages(backup, "list_backup_jobs", "BackupJobs", ByAccountId="*", MaxResults=97)
    merged = {job["BackupJobId"]: job for job in everyone}
    for change in mine:
        described = backup.describe_backup_job(BackupJobId=change.job_id)
        assert described["State"] == listed[change.job_id]["State"] == change.after
        assert merged[change.job_id] == listed[change.job_id]
        by_state = pages(backup, "list_backup_jobs", "BackupJobs", ByState=change.after)
        assert change.job_id in {job["BackupJobId"] for job in by_state}


def test_small_steps_show_progress(sandbox_factory: SandboxFactory) -> None:
    sandbox = small(sandbox_factory)
    before = snapshot(sandbox)
    advance = sandbox.advance(300)
    after = snapshot(sandbox)
    assert advance.progressed
    for change in advance.progressed:
        key = (change.kind, change.account_id, change.region, change.job_id)
        assert state_of(after[key]) in ACTIVE
        if "PercentDone" in after[key]:
            assert float(after[key]["PercentDone"]) >= float(before[key]["PercentDone"])


def test_the_same_moment_whatever_the_steps(sandbox_factory: SandboxFactory) -> None:
    one, other = small(sandbox_factory), small(sandbox_factory)
    one.advance(5 * 3600)
    for _ in range(5):
        other.advance(3600)
    assert snapshot(one) == snapshot(other)
    assert other.dataset.generation == 5


def test_advances_are_deterministic_and_follow_the_seed(sandbox_factory: SandboxFactory) -> None:
    def truth(sandbox: Sandbox) -> Any:
        return sandbox.advance(3 * 3600).as_json()

    assert truth(small(sandbox_factory)) == truth(small(sandbox_factory))
    assert truth(small(sandbox_factory)) != truth(small(sandbox_factory, seed=8))


def test_the_advanced_jobs_stay_realistic(sandbox_factory: SandboxFactory) -> None:
    sandbox = small(sandbox_factory)
    for seconds in (600, 3 * 3600, 20 * 3600, 9 * 86400):
        sandbox.advance(seconds)
    now = sandbox.dataset.now.timestamp()
    for (kind, account, region, job_id), job in snapshot(sandbox).items():
        state = state_of(job)
        assert now - 30 * 86400 <= job["CreationDate"] <= now
        if state in ACTIVE:
            assert "CompletionDate" not in job
            assert now - job["CreationDate"] <= 8 * 3600
        else:
            assert job["CreationDate"] <= job["CompletionDate"] <= now
        if state in ("FAILED", "ABORTED", "EXPIRED"):
            assert job["StatusMessage"]
        if kind == "backup" and state == "COMPLETED":
            assert job["PercentDone"] == "100.0"
            assert ("StatusMessage" in job) == (job["MessageCategory"] != "SUCCESS")
        described = sandbox.dataset.describe(kind, account, region, job_id)
        assert described is not None
        body = described.get("CopyJob", described)
        if body.get("IsParent"):
            children = [j for j in sandbox.dataset.jobs(kind, account, region)
                        if j.get("ParentJobId") == job_id]  # fmt: skip
            assert body["NumberOfChildJobs"] == sum(body["ChildJobsInState"].values())
            if any(state_of(child) in ACTIVE for child in children):
                assert state in ACTIVE
            elif children and len(children) == body["NumberOfChildJobs"]:
                assert state not in ACTIVE


def test_tokens_from_before_an_advance_expire(sandbox_factory: SandboxFactory) -> None:
    sandbox = small(sandbox_factory)
    backup = client(sandbox, "backup")
    token = backup.list_copy_jobs(MaxResults=3)["NextToken"]
    assert backup.list_copy_jobs(MaxResults=3, NextToken=token)["CopyJobs"]
    sandbox.advance(60)
    with pytest.raises(ClientError) as raised:
        backup.list_copy_jobs(MaxResults=3, NextToken=token)
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert re.search(r"expired", error["Message"])
    fresh = backup.list_copy_jobs(MaxResults=3)["NextToken"]
    assert backup.list_copy_jobs(MaxResults=3, NextToken=fresh)["CopyJobs"]


def test_the_admin_endpoint_advances_another_process_s_sandbox(
    sandbox_factory: SandboxFactory,
) -> None:
    sandbox = small(sandbox_factory)
    status, _, body = raw(sandbox, "POST", "/_sandbox/advance?seconds=7200")
    assert status == 200
    truth = json.loads(body)
    assert truth == sandbox.dataset.advances[0].as_json()
    assert truth["generation"] == 1 and truth["created"]
    assert truth["end"] == (NOW + timedelta(hours=2)).isoformat()
    status, _, body = raw(sandbox, "POST", "/_sandbox/advance?seconds=-5")
    assert status == 400 and b"positive" in body
    with pytest.raises(ValueError, match="positive"):
        sandbox.advance(0)


def test_changed_and_new_jobs_match_the_model(sandbox_factory: SandboxFactory) -> None:
    sandbox = small(sandbox_factory)
    changes = sandbox.advance(1800).changed + sandbox.advance(2 * 86400).created
    recorder = Recorder()
    describe = {
        "backup": ("describe_backup_job", "BackupJobId"),
        "copy": ("describe_copy_job", "CopyJobId"),
        "restore": ("describe_restore_job", "RestoreJobId"),
    }
    for change in changes:
        backup = client(sandbox, "backup", change.account_id, change.region, recorder=recorder)
        operation, member = describe[change.kind]
        getattr(backup, operation)(**{member: change.job_id})
    for operation, member in LISTS:
        list(pages(client(sandbox, "backup", recorder=recorder), operation, member, MaxResults=500))
    assert {c.kind for c in changes} == set(KINDS)
    assert_faithful(recorder)
