"""Clients: member accounts share one client per region, each call signed as its account."""

from __future__ import annotations

import json

import pytest

from backupctl.aws.fastparse import RAW
from backupctl.aws.sessions import Connector
from backupctl.aws.settings import AwsSettings
from backupctl.domain.errors import CredentialsError
from backupctl.sandbox import Sandbox

ROLE = "OrganizationAccountAccessRole"


def connector_for(sandbox: Sandbox, role: str | None = ROLE) -> Connector:
    env = sandbox.env()
    settings = AwsSettings(
        region=env["AWS_REGION"],
        endpoint_url=env["AWS_ENDPOINT_URL"],
        access_key_id=env["AWS_ACCESS_KEY_ID"],
        secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    return Connector(settings, role)


def test_each_member_call_is_signed_as_its_own_account(sandbox: Sandbox) -> None:
    data = sandbox.dataset
    first, second = [a.id for a in data.active_accounts if a.id != data.management_account_id][:2]
    region = data.regions[0]
    connector = connector_for(sandbox)
    sandbox.counters.reset()
    for account in (first, second, first):
        page = connector.client("backup", region, account).list_backup_jobs(MaxResults=1)
        assert json.loads(page[RAW])["BackupJobs"][0]["AccountId"] == account
    calls = {k[2]: v for k, v in sandbox.counters.requests.items() if k[1] == "ListBackupJobs"}
    assert calls == {first: 2, second: 1}
    assumed = {k[2]: v for k, v in sandbox.counters.requests.items() if k[1] == "AssumeRole"}
    assert sum(assumed.values()) == 2  # once per account, not per call


def test_member_accounts_share_one_client_per_region(sandbox: Sandbox) -> None:
    data = sandbox.dataset
    accounts = [a.id for a in data.active_accounts if a.id != data.management_account_id][:3]
    connector = connector_for(sandbox)
    for region in data.regions:
        for account in accounts:
            connector.client("backup", region, account).list_backup_jobs(MaxResults=1)
    shared = {id(connector.client("backup", r, a)._client) for r in data.regions for a in accounts}
    assert len(shared) == len(data.regions)


def test_a_member_call_with_no_account_bound_is_refused(sandbox: Sandbox) -> None:
    data = sandbox.dataset
    member = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    connector = connector_for(sandbox)
    bound = connector.client("backup", data.regions[0], member)
    # The regional client underneath signs only inside a call made through an account.
    with pytest.raises(CredentialsError, match="no account bound"):
        bound._client.list_backup_jobs(MaxResults=1)


def test_an_account_client_is_the_regional_client_but_for_signing(sandbox: Sandbox) -> None:
    data = sandbox.dataset
    member = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    client = connector_for(sandbox).client("backup", data.regions[0], member)
    assert client.meta is client._client.meta
    assert client.exceptions.ResourceNotFoundException  # the service's own error classes
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_backup_job(BackupJobId="no-such-job")
