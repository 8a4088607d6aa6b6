"""Organizations discovery: the accounts of the organization, or of one OU, recursively."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from backupctl.aws.errors import translate
from backupctl.aws.sessions import Connector
from backupctl.domain.errors import AccessDeniedError, AwsError, BackupctlError
from backupctl.domain.targets import Account

_NEEDS = (
    "reading the organization needs organizations:ListAccounts (and ListChildren for --ou) "
    "from the management account or a delegated administrator"
)


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[list[Any]]:
    """Each page's ``key`` list, page after page."""
    seen: set[str] = set()
    while True:
        response = getattr(client, operation)(**params)
        yield list(response.get(key) or ())
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
    if error.__class__ is AwsError and error.code == "AWSOrganizationsNotInUseException":
        return AwsError(f"{doing}: the caller's account is not in an organization", code="NoOrg")
    return error


def _guarded(doing: str, pages: Iterator[list[Account]]) -> Iterator[list[Account]]:
    """``pages``, with any error turned into a ``BackupctlError`` that says what to do."""
    try:
        yield from pages
    except BackupctlError:
        raise
    except Exception as exc:
        raise _guard(doing, exc) from exc


def organization_account_pages(connector: Connector) -> Iterator[list[Account]]:
    """Every account of the organization (all statuses), a ListAccounts page at a time."""
    return _guarded("listing the organization's accounts", _list_accounts(connector))


def _list_accounts(connector: Connector) -> Iterator[list[Account]]:
    client = connector.client("organizations", "us-east-1")
    for page in _pages(client, "list_accounts", "Accounts"):
        yield [_account(raw) for raw in page]


def organization_accounts(connector: Connector) -> list[Account]:
    """Every account of the organization (all statuses), in ListAccounts order."""
    return [account for page in organization_account_pages(connector) for account in page]


def ou_account_pages(connector: Connector, ou_id: str) -> Iterator[list[Account]]:
    """Every account under ``ou_id`` and its child OUs, depth first, a page at a time."""
    return _guarded(f"listing the accounts under {ou_id}", _walk_ou(connector, ou_id))


def _walk_ou(connector: Connector, ou_id: str) -> Iterator[list[Account]]:
    client = connector.client("organizations", "us-east-1")
    parents = [ou_id]
    while parents:
        parent = parents.pop()
        for page in _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent):
            yield [_account(raw) for raw in page]
        children = _pages(
            client, "list_children", "Children", ParentId=parent, ChildType="ORGANIZATIONAL_UNIT"
        )
        parents.extend(str(child["Id"]) for page in children for child in page)
