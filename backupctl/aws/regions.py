"""The regions an account has enabled: the Account API's ListRegions.

``--region all`` means every region where AWS Backup is offered, and opt-in regions
(af-south-1, ap-east-1, ...) refuse the credentials of an account that has not enabled
them. ListRegions is asked through the credentials that will read the account (the
caller's, or the account's role), without ``AccountId``: that needs only
``account:ListRegions``, not the organization's trusted access for Account Management
(which ``AccountId`` would). The Account API is global: one call per account (a page holds
50 regions; a partition has fewer), whatever the region of the client.
"""

from __future__ import annotations

from typing import Any

from backupctl.aws.errors import translate
from backupctl.aws.sessions import Connector
from backupctl.domain.errors import BackupctlError, PaginationError

_ENABLED = ["ENABLED", "ENABLED_BY_DEFAULT"]
_PAGE_SIZE = 50  # the most ListRegions returns at once


def enabled_regions(connector: Connector, account_id: str | None = None) -> frozenset[str]:
    """The regions enabled for ``account_id`` (through its role) or, with None, for the
    caller's account; a BackupctlError when they cannot be listed."""
    who = f"account {account_id}" if account_id else "the caller's account"
    doing = f"listing the regions enabled for {who} (account:ListRegions)"
    try:
        client = connector.client("account", connector.default_region or "us-east-1", account_id)
        return _listed(client, doing)
    except BackupctlError:
        raise
    except Exception as exc:
        raise translate(exc, doing=doing) from exc


def _listed(client: Any, doing: str) -> frozenset[str]:
    params: dict[str, Any] = {"RegionOptStatusContains": _ENABLED, "MaxResults": _PAGE_SIZE}
    regions: set[str] = set()
    seen: set[str] = set()
    while True:
        response = client.list_regions(**params)
        regions.update(str(region["RegionName"]) for region in response.get("Regions") or ())
        token = response.get("NextToken")
        if not token:
            return frozenset(regions)
        if token in seen:
            raise PaginationError("the service returned a NextToken twice", "PaginationLoop", doing)
        seen.add(token)
        params["NextToken"] = token
