"""AWS Backup's List and Describe calls, checked against the sandbox's own data set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Sandbox

from .clients import client, pages, raw_json

REGION = "us-east-1"
OPERATIONS = {
    "backup": ("list_backup_jobs", "BackupJobs", "BackupJobId", "State"),
    "copy": ("list_copy_jobs", "CopyJobs", "CopyJobId", "State"),
    "restore": ("list_restore_jobs", "RestoreJobs", "RestoreJobId", "Status"),
}


def listed(sandbox: Sandbox, kind: str, account: str | None = None, **params: Any) -> list[str]:
    """Job ids the API returns, every page followed."""
    operation, member, key, _ = OPERATIONS[kind]
    backup = client(sandbox, "backup", account, REGION)
    return [job[key] for job in pages(backup, operation, member, **params)]


def expected(
    sandbox: Sandbox, kind: str, test: Callable[[dict[str, Any]], bool], account: str | None = None
) -> list[str]:
    """Job ids of the data set that pass ``test``, newest first."""
    key = OPERATIONS[kind][2]
    jobs = sandbox.dataset.jobs(kind, account or sandbox.dataset.management_account_id, REGION)
    return [job[key] for job in jobs if test(job)]


def when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _some(sandbox: Sandbox, kind: str, member: str) -> Any:
    """A value of ``member`` that some but not all jobs have (a filter that does filter)."""
    jobs = sandbox.dataset.jobs(kind, sandbox.dataset.management_account_id, REGION)
    values = [job[member] for job in jobs if member in job]
    return sorted(values, key=values.count)[len(values) // 2]


@pytest.mark.parametrize("kind", ["backup", "copy"])
@pytest.mark.parametrize(
    ("param", "member"),
    [("ByResourceArn", "ResourceArn"), ("ByResourceType", "ResourceType"),
     ("ByParentJobId", "ParentJobId")],
)  # fmt: skip
def test_equality_filters(sandbox: Sandbox, kind: str, param: str, member: str) -> None:
    value = _some(sandbox, kind, member)
    want = expected(sandbox, kind, lambda job: job.get(member) == value)
    assert 0 < len(want) < len(expected(sandbox, kind, lambda job: True))
    assert listed(sandbox, kind, **{param: value}) == want


@pytest.mark.parametrize(
    ("kind", "param", "member"),
    [
        ("backup", "ByBackupVaultName", "BackupVaultName"),
        ("copy", "ByDestinationVaultArn", "DestinationBackupVaultArn"),
        ("copy", "BySourceRecoveryPointArn", "SourceRecoveryPointArn"),
        ("restore", "ByResourceType", "ResourceType"),
    ],
)
def test_kind_specific_filters(sandbox: Sandbox, kind: str, param: str, member: str) -> None:
    value = _some(sandbox, kind, member)
    want = expected(sandbox, kind, lambda job: job.get(member) == value)
    assert want
    assert listed(sandbox, kind, **{param: value}) == want


def test_restore_testing_plan_filter(sandbox: Sandbox) -> None:
    plan = _some(sandbox, "restore", "CreatedBy")["RestoreTestingPlanArn"]
    want = expected(sandbox, "restore", lambda job: "CreatedBy" in job)
    assert want
    assert listed(sandbox, "restore", ByRestoreTestingPlanArn=plan) == want


@pytest.mark.parametrize("kind", ["backup", "copy", "restore"])
def test_every_state_filter(sandbox: Sandbox, kind: str) -> None:
    key = OPERATIONS[kind][3]
    jobs = sandbox.dataset.jobs(kind, sandbox.dataset.management_account_id, REGION)
    states = {job[key] for job in jobs}
    assert len(states) >= 2
    param = "ByStatus" if kind == "restore" else "ByState"
    for state in states:
        want = [job[OPERATIONS[kind][2]] for job in jobs if job[key] == state]
        assert listed(sandbox, kind, **{param: state}) == want


@pytest.mark.parametrize("kind", ["backup", "copy"])
def test_message_category_filter_is_case_insensitive_and_any_matches_all(
    sandbox: Sandbox, kind: str
) -> None:
    every = expected(sandbox, kind, lambda job: True)
    success = expected(sandbox, kind, lambda job: job.get("MessageCategory") == "SUCCESS")
    assert 0 < len(success) < len(every)
    assert listed(sandbox, kind, ByMessageCategory="SUCCESS") == success
    assert listed(sandbox, kind, ByMessageCategory="success") == success
    assert listed(sandbox, kind, ByMessageCategory="ANY") == every
    issues = expected(
        sandbox,
        kind,
        lambda job: job["State"] == "COMPLETED" and job["MessageCategory"] != "SUCCESS",
    )
    if kind == "backup":  # "completed with issues", the way the Backup console counts it
        completed = listed(sandbox, kind, ByState="COMPLETED")
        clean = set(listed(sandbox, kind, ByState="COMPLETED", ByMessageCategory="SUCCESS"))
        assert [job for job in completed if job not in clean] == issues
        assert issues


@pytest.mark.parametrize("kind", ["backup", "copy", "restore"])
def test_time_windows_are_half_open(sandbox: Sandbox, kind: str) -> None:
    jobs = sandbox.dataset.jobs(kind, sandbox.dataset.management_account_id, REGION)
    middle = jobs[len(jobs) // 2]
    created = middle["CreationDate"]
    after = expected(sandbox, kind, lambda job: job["CreationDate"] >= created)
    before = expected(sandbox, kind, lambda job: job["CreationDate"] < created)
    assert listed(sandbox, kind, ByCreatedAfter=when(created)) == after
    assert listed(sandbox, kind, ByCreatedBefore=when(created)) == before
    assert middle[OPERATIONS[kind][2]] in after
    done = sorted(job["CompletionDate"] for job in jobs if "CompletionDate" in job)
    bound = done[len(done) // 3]
    assert listed(sandbox, kind, ByCompleteAfter=when(bound)) == expected(
        sandbox, kind, lambda job: job.get("CompletionDate", 0) >= bound
    )
    assert listed(sandbox, kind, ByCompleteBefore=when(bound)) == expected(
        sandbox, kind, lambda job: "CompletionDate" in job and job["CompletionDate"] < bound
    )


def test_timestamps_may_be_epoch_numbers(sandbox: Sandbox) -> None:
    jobs = sandbox.dataset.jobs("backup", sandbox.dataset.management_account_id, REGION)
    bound = jobs[10]["CreationDate"]
    status, body = raw_json(sandbox, f"/backup-jobs/?createdAfter={bound}")
    assert status == 200
    assert [job["BackupJobId"] for job in body["BackupJobs"]] == [
        job["BackupJobId"] for job in jobs[:11]
    ]
    status, body = raw_json(sandbox, "/backup-jobs/?createdAfter=yesterday")
    assert (status, body["Code"]) == (400, "InvalidParameterValueException")


def test_filters_combine(sandbox: Sandbox) -> None:
    vault = _some(sandbox, "backup", "BackupVaultName")
    want = expected(
        sandbox, "backup", lambda job: job["BackupVaultName"] == vault and job["State"] == "FAILED"
    )
    assert listed(sandbox, "backup", ByBackupVaultName=vault, ByState="FAILED") == want


def test_an_unknown_state_is_refused(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup")
    with pytest.raises(ClientError) as raised:
        backup.list_backup_jobs(ByState="DONE")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_pages_return_every_job_exactly_once_in_order(sandbox: Sandbox) -> None:
    every = expected(sandbox, "backup", lambda job: True)
    assert listed(sandbox, "backup", MaxResults=7) == every
    assert listed(sandbox, "backup", MaxResults=1000) == every
    failed = expected(sandbox, "backup", lambda job: job["State"] == "FAILED")
    assert listed(sandbox, "backup", ByState="FAILED", MaxResults=3) == failed


def test_max_results_bounds_and_default(sandbox: Sandbox) -> None:
    loose = client(sandbox, "backup", validate=False)
    for bad in (0, 1001):
        with pytest.raises(ClientError) as raised:
            loose.list_backup_jobs(MaxResults=bad)
        assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert len(loose.list_backup_jobs(MaxResults=1)["BackupJobs"]) == 1
    everyone = loose.list_backup_jobs(ByAccountId="*")
    assert len(everyone["BackupJobs"]) == 1000  # the default page is the maximum
    assert "NextToken" in everyone


def test_tokens_are_bound_to_their_query(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup")
    token = backup.list_backup_jobs(MaxResults=5)["NextToken"]
    for params in (
        {"NextToken": token, "ByState": "FAILED"},
        {"NextToken": "not-a-token"},
        {"NextToken": token[:-2]},
    ):
        with pytest.raises(ClientError) as raised:
            backup.list_backup_jobs(**params)
        assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"
    copy = client(sandbox, "backup")
    with pytest.raises(ClientError):
        copy.list_copy_jobs(NextToken=token)


def test_describe_returns_the_data_set_body(sandbox: Sandbox) -> None:
    account = sandbox.dataset.management_account_id
    backup = client(sandbox, "backup")
    for kind, call, key in (
        ("backup", backup.describe_backup_job, "BackupJobId"),
        ("copy", backup.describe_copy_job, "CopyJobId"),
        ("restore", backup.describe_restore_job, "RestoreJobId"),
    ):
        job = sandbox.dataset.jobs(kind, account, REGION)[3]
        body = call(**{key: job[key]})
        body.pop("ResponseMetadata")
        want = sandbox.dataset.describe(kind, account, REGION, job[key])
        assert want is not None
        described = body["CopyJob"] if kind == "copy" else body
        wanted = want["CopyJob"] if kind == "copy" else want
        assert described[key] == job[key]
        assert set(described) == set(wanted)


def test_describe_of_another_accounts_or_regions_job_is_not_found(sandbox: Sandbox) -> None:
    member = sandbox.dataset.active_accounts[2].id
    theirs = sandbox.dataset.jobs("backup", member, REGION)[0]["BackupJobId"]
    elsewhere = sandbox.dataset.jobs("backup", sandbox.dataset.management_account_id, "eu-west-1")
    for job_id, region in ((theirs, REGION), (elsewhere[0]["BackupJobId"], REGION)):
        with pytest.raises(ClientError) as raised:
            client(sandbox, "backup", region=region).describe_backup_job(BackupJobId=job_id)
        assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert sandbox.dataset.describe("backup", member, REGION, "missing") is None


def test_regions_without_data_disabled_and_unknown(sandbox: Sandbox) -> None:
    quiet = client(sandbox, "backup", region="us-west-2")
    assert quiet.list_backup_jobs()["BackupJobs"] == []
    assert quiet.list_restore_jobs()["RestoreJobs"] == []
    for region, code, status in (
        ("af-south-1", "UnrecognizedClientException", 403),
        ("me-south-1", "UnrecognizedClientException", 403),
        ("mars-north-1", "InvalidSignatureException", 403),
    ):
        with pytest.raises(ClientError) as raised:
            client(sandbox, "backup", region=region).list_backup_jobs()
        error = raised.value.response
        assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == (
            code,
            status,
        )
    disabled = raised_message(sandbox, "af-south-1")
    assert disabled == "The security token included in the request is invalid."


def raised_message(sandbox: Sandbox, region: str) -> str:
    with pytest.raises(ClientError) as raised:
        client(sandbox, "backup", region=region).list_copy_jobs()
    return str(raised.value.response["Error"]["Message"])
