"""Organizations: pagination, the OU tree, and who may read it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Sandbox

from .clients import SandboxFactory, client


def every(call: Any, member: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        response = call(**params)
        items += response[member]
        if "NextToken" not in response:
            return items
        params["NextToken"] = response["NextToken"]


def test_list_accounts_pages_through_every_account_once(sandbox: Sandbox) -> None:
    org = client(sandbox, "organizations")
    accounts = every(org.list_accounts, "Accounts", MaxResults=3)
    assert [acct["Id"] for acct in accounts] == [acct.id for acct in sandbox.dataset.accounts]
    assert len(org.list_accounts(MaxResults=3)["Accounts"]) == 3
    statuses = {acct["Name"]: acct["Status"] for acct in accounts}
    assert statuses["management"] == "ACTIVE"
    assert sorted(name for name, status in statuses.items() if status == "SUSPENDED") == [
        "legacy-reporting",
        "old-marketing",
    ]
    assert all(acct["Email"].endswith("@example.com") for acct in accounts)


def test_the_page_limit_is_twenty(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=45, jobs_per_region=0)
    org = client(sandbox, "organizations", validate=False)
    first = org.list_accounts()
    assert len(first["Accounts"]) == 20
    assert len(every(org.list_accounts, "Accounts")) == 46
    with pytest.raises(ClientError) as raised:
        org.list_accounts(MaxResults=21)
    assert raised.value.response["Error"]["Code"] == "InvalidInputException"
    with pytest.raises(ClientError) as raised:
        org.list_accounts_for_parent(ParentId=sandbox.dataset.root_id, NextToken=first["NextToken"])
    assert raised.value.response["Error"]["Code"] == "InvalidInputException"


def _walk(org: Any, parent: str) -> tuple[list[str], int]:
    """Accounts below ``parent``, recursively, and the depth of the deepest OU."""
    children = every(
        org.list_children, "Children", ParentId=parent, ChildType="ACCOUNT", MaxResults=2
    )
    accounts = [child["Id"] for child in children]
    depth = 0
    ous = every(org.list_children, "Children", ParentId=parent, ChildType="ORGANIZATIONAL_UNIT")
    for ou in ous:
        below, deeper = _walk(org, ou["Id"])
        accounts += below
        depth = max(depth, deeper + 1)
    return accounts, depth


def test_the_ou_tree_holds_every_account_once_with_a_nested_ou(sandbox: Sandbox) -> None:
    org = client(sandbox, "organizations")
    roots = org.list_roots()["Roots"]
    assert [root["Id"] for root in roots] == [sandbox.dataset.root_id]
    accounts, depth = _walk(org, sandbox.dataset.root_id)
    assert sorted(accounts) == sorted(acct.id for acct in sandbox.dataset.accounts)
    assert depth == 2  # Root → Production → Payments
    names = {ou.name: ou for ou in sandbox.dataset.ous}
    assert names["Payments"].parent_id == names["Production"].id
    payments = every(org.list_accounts_for_parent, "Accounts", ParentId=names["Payments"].id)
    assert [acct["Name"] for acct in payments] == ["prod-payments"]
    suspended = every(org.list_accounts_for_parent, "Accounts", ParentId=names["Suspended"].id)
    assert {acct["Status"] for acct in suspended} == {"SUSPENDED"}


def test_parent_errors(sandbox: Sandbox) -> None:
    org = client(sandbox, "organizations", validate=False)
    with pytest.raises(ClientError) as raised:
        org.list_children(ParentId="ou-abcd-12345678", ChildType="ACCOUNT")
    assert raised.value.response["Error"]["Code"] == "ParentNotFoundException"
    with pytest.raises(ClientError) as raised:
        org.list_children(ParentId=sandbox.dataset.root_id, ChildType="POLICY")
    assert raised.value.response["Error"]["Code"] == "InvalidInputException"


def test_members_may_describe_the_organization_but_not_list_it(sandbox: Sandbox) -> None:
    member = sandbox.dataset.active_accounts[3].id
    org = client(sandbox, "organizations", member)
    described = org.describe_organization()["Organization"]
    assert described["MasterAccountId"] == sandbox.dataset.management_account_id
    for call in (org.list_accounts, org.list_roots):
        with pytest.raises(ClientError) as raised:
            call()
        error = raised.value.response["Error"]
        assert error["Code"] == "AccessDeniedException"
        assert error["Message"] == "You don't have permissions to access this resource."


def test_the_delegated_administrator_may_list(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=3, jobs_per_region=0, delegated_admin="security")
    security = next(acct for acct in sandbox.dataset.accounts if acct.name == "security")
    accounts = client(sandbox, "organizations", security.id).list_accounts()["Accounts"]
    assert len(accounts) == 4
