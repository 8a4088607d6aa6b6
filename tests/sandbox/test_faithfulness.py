"""Every kind of response, success and error, parsed by botocore and walked against the model."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Faults, Sandbox, SandboxConfig

from .clients import assume, client
from .wiremodel import Recorder, check_json, check_response

LISTS = (
    ("list_backup_jobs", "BackupJobs"),
    ("list_copy_jobs", "CopyJobs"),
    ("list_restore_jobs", "RestoreJobs"),
)


def assert_faithful(recorder: Recorder) -> None:
    assert recorder.responses, "no response was recorded"
    for captured in recorder.responses:
        problems = check_response(captured)
        assert not problems, f"{captured.operation} {captured.status}: {problems[:5]}"


def test_the_checker_catches_every_kind_of_departure() -> None:
    assert check_json("backup", "BackupJob", {"BackupJobId": "x", "CreationDate": 1.5}) == []
    wrong = {
        "Bogus": 1,
        "CreationDate": "2026-11-27",
        "IsParent": "no",
        "BackupSizeInBytes": 1.5,
        "State": "DONE",
        "CreatedBy": {"BackupPlanId": 7},
        "BackupOptions": {"WindowsVSS": None},
    }
    assert len(check_json("backup", "BackupJob", wrong)) == len(wrong)


def test_every_list_page_of_every_account_and_region_matches_the_model(sandbox: Sandbox) -> None:
    recorder = Recorder()
    for account in sandbox.dataset.active_accounts:
        for region in sandbox.dataset.regions:
            backup = client(sandbox, "backup", account.id, region, recorder=recorder)
            for operation, member in LISTS:
                response = getattr(backup, operation)()
                assert response[member], f"{account.name} {region} has no {member}"
    assert len(recorder.responses) == 3 * len(sandbox.dataset.active_accounts) * 2
    assert_faithful(recorder)


def _sample(sandbox: Sandbox, kind: str, account: str, region: str) -> list[dict[str, Any]]:
    """A job in each state, every parent and child, and every hostile job."""
    key = "Status" if kind == "restore" else "State"
    jobs = sandbox.dataset.jobs(kind, account, region)
    by_state = {job[key]: job for job in jobs}
    family = [job for job in jobs if job.get("IsParent") or job.get("ParentJobId")]
    hostile_ids = {place.job_id for place in sandbox.dataset.hostile_jobs()}
    return [
        *by_state.values(),
        *family[:6],
        *(j for j in jobs if j[kind.capitalize() + "JobId"] in hostile_ids),
    ]


def test_describe_of_every_state_parent_child_and_hostile_job_matches_the_model(
    sandbox: Sandbox,
) -> None:
    recorder = Recorder()
    account, region = sandbox.dataset.management_account_id, "us-east-1"
    backup = client(sandbox, "backup", account, region, recorder=recorder)
    calls: dict[str, Callable[[dict[str, Any]], object]] = {
        "backup": lambda job: backup.describe_backup_job(BackupJobId=job["BackupJobId"]),
        "copy": lambda job: backup.describe_copy_job(CopyJobId=job["CopyJobId"]),
        "restore": lambda job: backup.describe_restore_job(RestoreJobId=job["RestoreJobId"]),
    }
    for kind, call in calls.items():
        for job in _sample(sandbox, kind, account, region):
            call(job)
    assert len(recorder.responses) > 20
    assert_faithful(recorder)


def test_plan_and_protected_resource_responses_match_the_model(sandbox: Sandbox) -> None:
    """Every plan (each version, with a preview), selection, protected resource and the
    last recovery point of each, in every account and region."""
    recorder = Recorder()
    operations: set[str] = set()
    for account in sandbox.dataset.active_accounts:
        for region in sandbox.dataset.regions:
            backup = client(sandbox, "backup", account.id, region, recorder=recorder)
            for plan in backup.list_backup_plans(MaxResults=2)["BackupPlansList"]:
                plan_id = plan["BackupPlanId"]
                backup.get_backup_plan(BackupPlanId=plan_id, MaxScheduledRunsPreview=2)
                versions = backup.list_backup_plan_versions(BackupPlanId=plan_id)
                for version in versions["BackupPlanVersionsList"]:
                    backup.get_backup_plan(BackupPlanId=plan_id, VersionId=version["VersionId"])
                selections = backup.list_backup_selections(BackupPlanId=plan_id)
                for item in selections["BackupSelectionsList"]:
                    backup.get_backup_selection(
                        BackupPlanId=plan_id, SelectionId=item["SelectionId"]
                    )
            for resource in backup.list_protected_resources(MaxResults=10)["Results"]:
                backup.describe_recovery_point(
                    BackupVaultName=resource["LastBackupVaultArn"].split(":")[-1],
                    RecoveryPointArn=resource["LastRecoveryPointArn"],
                )
    operations = {captured.operation for captured in recorder.responses}
    assert operations == {
        "ListBackupPlans", "GetBackupPlan", "ListBackupPlanVersions", "ListBackupSelections",
        "GetBackupSelection", "ListProtectedResources", "DescribeRecoveryPoint",
    }  # fmt: skip
    assert_faithful(recorder)


def test_organizations_and_sts_responses_match_the_model(sandbox: Sandbox) -> None:
    recorder = Recorder()
    org = client(sandbox, "organizations", recorder=recorder)
    org.list_accounts(MaxResults=2)
    org.describe_organization()
    root = org.list_roots()["Roots"][0]["Id"]
    org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")
    org.list_children(ParentId=root, ChildType="ACCOUNT")
    org.list_accounts_for_parent(ParentId=root)
    sts = client(sandbox, "sts", recorder=recorder)
    sts.get_caller_identity()
    member = sandbox.dataset.active_accounts[1].id
    sts.assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
        RoleSessionName="faithful",
    )
    assert {c.operation for c in recorder.responses} == {
        "ListAccounts", "DescribeOrganization", "ListRoots", "ListChildren",
        "ListAccountsForParent", "GetCallerIdentity", "AssumeRole",
    }  # fmt: skip
    assert_faithful(recorder)


def test_account_list_regions_responses_match_the_model(sandbox: Sandbox) -> None:
    recorder = Recorder()
    account = client(sandbox, "account", region="us-east-1", recorder=recorder)
    account.list_regions()
    first = account.list_regions(MaxResults=5)
    account.list_regions(MaxResults=5, NextToken=first["NextToken"])
    account.list_regions(RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"])
    account.list_regions(AccountId=sandbox.dataset.active_accounts[1].id, MaxResults=50)
    assert len(recorder.responses) == 5
    assert_faithful(recorder)


@pytest.fixture(scope="module")
def small() -> Iterator[Sandbox]:
    """A small organization whose faults the scenarios below switch on and off."""
    config = SandboxConfig(members=3, jobs_per_region=30, external_id="ext-1")
    with Sandbox(config) as server:
        yield server


Call = Callable[[], object]
Scenario = Callable[[Sandbox, Recorder], list[Call]]
BOGUS = {"AccessKeyId": "AKIA000000000000ZZZZ", "SecretAccessKey": "x"}


def _backup_errors(sb: Sandbox, rec: Recorder) -> list[Call]:
    loose = client(sb, "backup", recorder=rec, validate=False)
    member = client(sb, "backup", sb.dataset.active_accounts[1].id, recorder=rec)
    plan = client(sb, "backup").list_backup_plans()["BackupPlansList"][0]["BackupPlanId"]
    point = "arn:aws:backup:us-east-1:123456789012:recovery-point:nothing"
    return [
        lambda: loose.list_backup_jobs(MaxResults=5000),
        lambda: loose.describe_backup_job(BackupJobId="00000000-0000-0000-0000-000000000000"),
        lambda: member.list_copy_jobs(ByAccountId="*"),
        lambda: client(sb, "backup", region="af-south-1", recorder=rec).list_restore_jobs(),
        lambda: client(sb, "backup", region="xx-nowhere-1", recorder=rec).list_backup_jobs(),
        lambda: client(sb, "backup", credentials=BOGUS, recorder=rec).list_backup_jobs(),
        lambda: loose.list_protected_resources(MaxResults=0),
        lambda: loose.get_backup_plan(BackupPlanId=plan, MaxScheduledRunsPreview=11),
        lambda: loose.get_backup_plan(BackupPlanId=plan, VersionId="nope"),
        lambda: loose.get_backup_selection(BackupPlanId=plan, SelectionId="nope"),
        lambda: loose.describe_recovery_point(BackupVaultName="Default", RecoveryPointArn=point),
        lambda: loose.describe_recovery_point(
            BackupVaultName="Default", RecoveryPointArn=point, BackupVaultAccountId="123456789012"
        ),
    ]


def _org_errors(sb: Sandbox, rec: Recorder) -> list[Call]:
    member = client(sb, "organizations", sb.dataset.active_accounts[1].id, recorder=rec)
    org = client(sb, "organizations", recorder=rec, validate=False)
    bogus = client(sb, "organizations", credentials=BOGUS, recorder=rec)
    return [
        lambda: member.list_accounts(),
        lambda: org.list_accounts(NextToken="garbage"),
        lambda: org.list_accounts(MaxResults=50),
        lambda: org.list_children(ParentId="ou-zzzz-zzzzzzzz", ChildType="ACCOUNT"),
        lambda: bogus.describe_organization(),
    ]


def _account_errors(sb: Sandbox, rec: Recorder) -> list[Call]:
    member_id = sb.dataset.active_accounts[1].id
    member = client(sb, "account", member_id, "us-east-1", recorder=rec)
    loose = client(sb, "account", region="us-east-1", recorder=rec, validate=False)
    bogus = client(sb, "account", region="us-east-1", credentials=BOGUS, recorder=rec)
    management = sb.dataset.management_account_id
    return [
        lambda: member.list_regions(AccountId=management),
        lambda: loose.list_regions(AccountId=management),
        lambda: loose.list_regions(MaxResults=51),
        lambda: loose.list_regions(NextToken="garbage"),
        lambda: loose.list_regions(RegionOptStatusContains=["ON"]),
        lambda: bogus.list_regions(),
    ]


def _denied_list_regions(sb: Sandbox, rec: Recorder) -> list[Call]:
    sb.set_faults(Faults(deny_list_regions=frozenset({"management"})))
    return [lambda: client(sb, "account", region="us-east-1", recorder=rec).list_regions()]


def _sts_errors(sb: Sandbox, rec: Recorder) -> list[Call]:
    sts = client(sb, "sts", recorder=rec, validate=False)
    role = f"arn:aws:iam::{sb.dataset.active_accounts[1].id}:role/OrganizationAccountAccessRole"
    return [
        lambda: sts.assume_role(RoleArn=role.replace("OrganizationAccountAccessRole", "Other"),
                                RoleSessionName="tests", ExternalId="ext-1"),
        lambda: sts.assume_role(RoleArn=role, RoleSessionName="tests", DurationSeconds=60),
        lambda: client(sb, "sts", credentials=BOGUS, recorder=rec).get_caller_identity(),
    ]  # fmt: skip


def _fault_errors(faults: Faults) -> Scenario:
    def calls(sb: Sandbox, rec: Recorder) -> list[Call]:
        sb.set_faults(faults)
        return [
            lambda: client(sb, "backup", recorder=rec).list_backup_jobs(),
            lambda: client(sb, "backup", recorder=rec).list_protected_resources(),
            lambda: client(sb, "organizations", recorder=rec).list_accounts(),
            lambda: client(sb, "sts", recorder=rec).get_caller_identity(),
            lambda: client(sb, "account", region="us-east-1", recorder=rec).list_regions(),
        ]

    return calls


def _expired_errors(sb: Sandbox, rec: Recorder) -> list[Call]:
    sb.set_faults(Faults(credential_ttl=0.05))
    creds = assume(sb, sb.dataset.management_account_id, ExternalId="ext-1")
    time.sleep(0.1)
    return [
        lambda: client(sb, "backup", credentials=creds, recorder=rec).list_backup_jobs(),
        lambda: client(sb, "organizations", credentials=creds, recorder=rec).list_accounts(),
        lambda: client(sb, "sts", credentials=creds, recorder=rec).get_caller_identity(),
    ]


@pytest.mark.parametrize(
    ("scenario", "codes"),
    [
        (_backup_errors, ["InvalidParameterValueException", "ResourceNotFoundException",
                          "AccessDeniedException", "UnrecognizedClientException",
                          "InvalidSignatureException", "UnrecognizedClientException",
                          "InvalidParameterValueException", "InvalidParameterValueException",
                          "ResourceNotFoundException", "ResourceNotFoundException",
                          "ResourceNotFoundException", "AccessDeniedException"]),
        (_org_errors, ["AccessDeniedException", "InvalidInputException", "InvalidInputException",
                       "ParentNotFoundException", "UnrecognizedClientException"]),
        (_account_errors, ["AccessDeniedException", "ValidationException",
                           "ValidationException", "ValidationException", "ValidationException",
                           "UnrecognizedClientException"]),
        (_denied_list_regions, ["AccessDeniedException"]),
        (_sts_errors, ["AccessDenied", "ValidationError", "InvalidClientTokenId"]),
        (_fault_errors(Faults(throttle_rate=1.0)),
         ["ThrottlingException", "ThrottlingException", "TooManyRequestsException",
          "Throttling", "TooManyRequestsException"]),
        (_fault_errors(Faults(error_rate=1.0)),
         ["ServiceUnavailableException", "ServiceUnavailableException", "ServiceException",
          "InternalFailure", "InternalServerException"]),
        (_expired_errors, ["ExpiredTokenException", "ExpiredTokenException", "ExpiredToken"]),
    ],
    ids=["backup", "organizations", "account", "account-denied", "sts", "throttling", "5xx",
         "expired"],
)  # fmt: skip
def test_every_error_is_parsed_by_botocore_and_matches_the_model(
    small: Sandbox, scenario: Scenario, codes: list[str]
) -> None:
    recorder = Recorder()
    seen: list[str] = []
    try:
        for call in scenario(small, recorder):
            with pytest.raises(ClientError) as raised:
                call()
            seen.append(raised.value.response["Error"]["Code"])
    finally:
        small.set_faults(Faults())
    assert seen == codes
    assert all(captured.status >= 400 for captured in recorder.responses)
    assert_faithful(recorder)
