"""STS: AssumeRole's rules, session lifetimes, and GetCallerIdentity."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Faults, Sandbox

from .clients import SandboxFactory, assume, client


def role(account: str, name: str = "OrganizationAccountAccessRole") -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def refused(sandbox: Sandbox, account: str | None = None, **params: object) -> tuple[str, str]:
    sts = client(sandbox, "sts", account, validate=False)
    with pytest.raises(ClientError) as raised:
        sts.assume_role(RoleSessionName="tests", **params)
    error = raised.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


def test_assumed_credentials_call_backup_as_the_account(sandbox: Sandbox) -> None:
    member = sandbox.dataset.active_accounts[2].id
    creds = assume(sandbox, member)
    assert creds["AccessKeyId"].startswith(f"ASIA{member}")
    identity = client(sandbox, "sts", credentials=creds).get_caller_identity()
    assert identity["Account"] == member
    assert identity["Arn"] == f"arn:aws:sts::{member}:assumed-role/{sandbox.config.role_name}/tests"
    assert identity["UserId"].endswith(":tests")
    jobs = client(sandbox, "backup", credentials=creds).list_backup_jobs(MaxResults=5)
    assert {job["AccountId"] for job in jobs["BackupJobs"]} == {member}


def test_base_keys_identity(sandbox: Sandbox) -> None:
    member = sandbox.dataset.active_accounts[1].id
    identity = client(sandbox, "sts", member).get_caller_identity()
    assert identity["Account"] == member
    assert identity["Arn"].startswith(f"arn:aws:iam::{member}:")


def test_only_the_configured_role_in_active_org_accounts(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    member = dataset.active_accounts[1].id
    suspended = next(acct.id for acct in dataset.accounts if not acct.active)
    for arn in (role(member, "Admin"), role(suspended), role("999999999999")):
        code, message = refused(sandbox, RoleArn=arn)
        assert code == "AccessDenied"
        assert arn in message
    assert refused(sandbox, RoleArn="not-an-arn-at-all-really")[0] == "ValidationError"
    # The role trusts the management account, not other members.
    assert (
        refused(sandbox, dataset.active_accounts[2].id, RoleArn=role(member))[0] == "AccessDenied"
    )


def test_duration_seconds_is_honoured_and_bounded(sandbox: Sandbox) -> None:
    member = sandbox.dataset.active_accounts[1].id
    before = time.time()
    for duration in (900, 3600, 43200):
        creds = assume(sandbox, member, DurationSeconds=duration)
        left = creds["Expiration"].timestamp() - before  # type: ignore[attr-defined]
        assert duration - 5 <= left <= duration + 5
    for duration in (899, 43201):
        code, message = refused(sandbox, RoleArn=role(member), DurationSeconds=duration)
        assert code == "ValidationError"
        assert "durationSeconds" in message


def test_role_chaining_is_limited_to_an_hour(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    creds = assume(sandbox, dataset.management_account_id)
    chained = client(sandbox, "sts", credentials=creds)
    member = dataset.active_accounts[1].id
    assert chained.assume_role(RoleArn=role(member), RoleSessionName="hop")["Credentials"]
    with pytest.raises(ClientError) as raised:
        chained.assume_role(RoleArn=role(member), RoleSessionName="hop", DurationSeconds=7200)
    assert raised.value.response["Error"]["Code"] == "ValidationError"


def test_external_id_is_checked_when_configured(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=10, external_id="s3cret")
    member = sandbox.dataset.active_accounts[1].id
    assert refused(sandbox, RoleArn=role(member))[0] == "AccessDenied"
    assert refused(sandbox, RoleArn=role(member), ExternalId="wrong")[0] == "AccessDenied"
    assert assume(sandbox, member, ExternalId="s3cret")["SessionToken"]


def test_expired_and_forged_sessions(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=10, faults=Faults(credential_ttl=0.2))
    member = sandbox.dataset.active_accounts[1].id
    creds = assume(sandbox, member)
    # The response still promises DurationSeconds: the credentials die early regardless.
    assert creds["Expiration"] > datetime.now(UTC)  # type: ignore[operator]
    backup = client(sandbox, "backup", credentials=creds)
    assert backup.list_backup_jobs(MaxResults=1)["BackupJobs"]
    time.sleep(0.25)
    with pytest.raises(ClientError) as raised:
        backup.list_backup_jobs(MaxResults=1)
    assert raised.value.response["Error"]["Code"] == "ExpiredTokenException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as raised:
        client(sandbox, "sts", credentials=creds).get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "ExpiredToken"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert sandbox.counters.faults["expired_token"] == 2
    forged = {**assume(sandbox, member), "SessionToken": "forged"}
    with pytest.raises(ClientError) as raised:
        client(sandbox, "sts", credentials=forged).get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "InvalidClientTokenId"
