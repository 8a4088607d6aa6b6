"""Organizations discovery: the accounts of the organization, or of one OU, recursively."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from backupctl.aws.errors import translate
from backupctl.aws.sessions import Connector
from backupctl.errors import AccessDeniedError, AwsError, BackupctlError
from backupctl.targets import Account

_NEEDS = (
    "reading the organization needs organizations:ListAccounts (and ListChildren for --ou) "
    "from the management account or a delegated administrator"
)


def _paginate(client: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    while True:
        response = getattr(client, operation)(**params)
        yield from response.get(key) or ()
        token = response.get("NextToken")
        if not token:
            return
        if token in seen:
            raise AwsError("pagination loop", "PaginationLoop", f"organizations {operation}")
        seen.add(token)
        params["NextToken"] = token


def _account(raw: dict[str, Any]) -> Account:
    return Account(str(raw["Id"]), raw.get("Name"), raw.get("Status") or raw.get("State"))


def _guard(doing: str, exc: Exception) -> BackupctlError:
    error = translate(exc, doing=doing)
    if isinstance(error, AccessDeniedError):
        return AccessDeniedError(f"{error.reason}; {_NEEDS}", error.code, doing)
    if (
        error.__class__ is AwsError
        and getattr(error, "code", "") == "AWSOrganizationsNotInUseException"
    ):
        return AwsError(f"{doing}: the caller's account is not in an organization", code="NoOrg")
    return error


def organization_accounts(connector: Connector) -> list[Account]:
    """Every account of the organization (all statuses), in ListAccounts order."""
    client = connector.client("organizations", "us-east-1")
    try:
        return [_account(a) for a in _paginate(client, "list_accounts", "Accounts")]
    except BackupctlError:
        raise
    except Exception as exc:
        raise _guard("listing the organization's accounts", exc) from exc


def ou_accounts(connector: Connector, ou_id: str) -> list[Account]:
    """Every account under ``ou_id`` and its child OUs, depth first."""
    client = connector.client("organizations", "us-east-1")
    accounts: list[Account] = []
    parents = [ou_id]
    try:
        while parents:
            parent = parents.pop()
            for raw in _paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent):
                accounts.append(_account(raw))
            children = _paginate(
                client,
                "list_children",
                "Children",
                ParentId=parent,
                ChildType="ORGANIZATIONAL_UNIT",
            )
            parents.extend(str(child["Id"]) for child in children)
    except BackupctlError:
        raise
    except Exception as exc:
        raise _guard(f"listing the accounts under {ou_id}", exc) from exc
    return accounts
