"""ByAccountId: a member sees itself; the management account (and a delegated administrator
with cross-account monitoring) sees any account, or every account with ``*``."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Sandbox, SandboxConfig

from .clients import SandboxFactory, client, pages

REGION = "eu-west-1"


def ids(sandbox: Sandbox, account: str | None, **params: Any) -> list[str]:
    backup = client(sandbox, "backup", account, REGION)
    return [job["CopyJobId"] for job in pages(backup, "list_copy_jobs", "CopyJobs", **params)]


def data_ids(sandbox: Sandbox, account: str) -> list[str]:
    return [job["CopyJobId"] for job in sandbox.dataset.jobs("copy", account, REGION)]


def denied(sandbox: Sandbox, account: str | None, target: str) -> str:
    with pytest.raises(ClientError) as raised:
        client(sandbox, "backup", account, REGION).list_backup_jobs(ByAccountId=target)
    error = raised.value.response
    assert error["Error"]["Code"] == "AccessDeniedException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    return str(error["Error"]["Message"])


def test_a_member_may_name_only_itself(sandbox: Sandbox) -> None:
    member, other = (acct.id for acct in sandbox.dataset.active_accounts[1:3])
    assert ids(sandbox, member, ByAccountId=member) == data_ids(sandbox, member)
    assert ids(sandbox, member) == data_ids(sandbox, member)
    denied(sandbox, member, other)
    denied(sandbox, member, "*")


def test_the_management_account_names_any_account_or_all(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    for account in dataset.active_accounts[1:3]:
        assert ids(sandbox, None, ByAccountId=account.id) == data_ids(sandbox, account.id)
    merged = [
        job
        for account in dataset.active_accounts
        for job in dataset.jobs("copy", account.id, REGION)
    ]
    merged.sort(key=lambda job: (-job["CreationDate"], job["CopyJobId"]))
    everyone = ids(sandbox, None, ByAccountId="*", MaxResults=250)
    assert everyone == [job["CopyJobId"] for job in merged]
    suspended = next(acct for acct in dataset.accounts if not acct.active)
    assert ids(sandbox, None, ByAccountId=suspended.id) == []
    assert "not a member" in denied(sandbox, None, "123456789012")


def test_a_bad_account_id_is_invalid(sandbox: Sandbox) -> None:
    with pytest.raises(ClientError) as raised:
        client(sandbox, "backup", validate=False).list_backup_jobs(ByAccountId="12345")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValueException"


def test_a_delegated_administrator_reads_every_account(sandbox_factory: SandboxFactory) -> None:
    probe = Sandbox(SandboxConfig(members=3))
    security = probe.dataset.active_accounts[1]
    assert security.name == "security"
    sandbox = sandbox_factory(members=3, jobs_per_region=20, delegated_admin=security.id)
    member = sandbox.dataset.active_accounts[2].id
    assert ids(sandbox, security.id, ByAccountId=member) == data_ids(sandbox, member)
    assert len(ids(sandbox, security.id, ByAccountId="*")) > len(data_ids(sandbox, member))
    denied(sandbox, member, security.id)  # other members still may not


def test_without_cross_account_monitoring_only_own_jobs(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=20, cross_account_monitoring=False)
    member = sandbox.dataset.active_accounts[1].id
    message = denied(sandbox, None, member)
    assert "cross-account monitoring is not enabled" in message.lower()
    assert "cross-account monitoring" in denied(sandbox, None, "*").lower()
    own = sandbox.dataset.management_account_id
    assert ids(sandbox, None, ByAccountId=own) == data_ids(sandbox, own)
