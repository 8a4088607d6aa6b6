"""List accounts: the use case behind ``accounts list``: the targets a fan-out would reach,
and how each account is reached."""

from __future__ import annotations

from collections.abc import Mapping

from backupctl.app.connect import connect
from backupctl.app.requests import Where
from backupctl.domain.errors import BackupctlError
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Account, AccountEntry, Plan

SKIPPED = "skipped"  # the access shown for an account that is not ACTIVE
# The status of an account named by id that the organization does not hold.
NOT_IN_ORGANIZATION = "NOT_IN_ORGANIZATION"


def list_accounts(where: Where) -> list[AccountEntry]:
    """Every account the options name (Organizations is asked for ``all`` and ``--ou``, in
    both modes), ACTIVE ones first, each with how it is reached and in which regions.

    Accounts named by id are looked up in Organizations' list, when the caller may read
    it, for their names and statuses: an id it does not hold is said to be so; when the
    list cannot be read, their status is not known (null)."""
    from backupctl.aws.org import organization_accounts

    connector, plan = connect(where, list_org=True)
    role_arn = connector.roles.template if connector.roles else None
    members: dict[str, Account] | None = None
    if any(account.status is None for account in plan.accounts):
        try:
            members = {a.account_id: a for a in organization_accounts(connector)}
        except BackupctlError:
            members = None  # not the management account or a delegated administrator
    return entries(plan, role_arn, members)


def _as_listed(account: Account, members: Mapping[str, Account] | None) -> Account:
    """``account`` as Organizations lists it; NOT_IN_ORGANIZATION when it does not."""
    if account.status is not None or members is None:
        return account
    return members.get(account.account_id) or Account(account.account_id, None, NOT_IN_ORGANIZATION)


def entries(
    plan: Plan, role_arn: str | None, members: Mapping[str, Account] | None = None
) -> list[AccountEntry]:
    """The accounts of a resolved plan, as ``accounts list`` shows them (``members``: the
    organization's accounts by id, for those the plan knows by id alone)."""
    by_account: dict[str, list[str]] = {}
    access: dict[str, Access] = {}
    for target in plan.targets:
        by_account.setdefault(target.account_id, []).append(target.region)
        access[target.account_id] = target.access
    org_wide = ALL_ACCOUNTS in by_account
    rows: list[AccountEntry] = []
    for named in plan.accounts:
        account = _as_listed(named, members)
        how = Access.ORG_VIEW if org_wide else access.get(account.account_id, plan.access)
        regions = by_account.get(ALL_ACCOUNTS if org_wide else account.account_id, plan.regions)
        arn = role_arn.replace("{account}", account.account_id) if role_arn else None
        rows.append(
            AccountEntry(
                account.account_id,
                account.name,
                account.status,
                how.value,
                arn if how is Access.ROLE else None,
                tuple(regions),
            )
        )
    rows += [
        AccountEntry(account.account_id, account.name, account.status, SKIPPED, None, ())
        for account in plan.skipped
    ]
    return rows
