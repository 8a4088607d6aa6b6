"""List accounts: the use case behind ``accounts list``: the targets a fan-out would reach,
and how each account is reached."""

from __future__ import annotations

from backupctl.app.connect import connect
from backupctl.app.requests import Where
from backupctl.domain.targets import ALL_ACCOUNTS, Access, AccountEntry, Plan

SKIPPED = "skipped"  # the access shown for an account that is not ACTIVE


def list_accounts(where: Where) -> list[AccountEntry]:
    """Every account the options name (Organizations is asked for ``all`` and ``--ou``, in
    both modes), ACTIVE ones first, each with how it is reached and in which regions."""
    connector, plan = connect(where, list_org=True)
    role_arn = connector.roles.template if connector.roles else None
    return entries(plan, role_arn)


def entries(plan: Plan, role_arn: str | None) -> list[AccountEntry]:
    """The accounts of a resolved plan, as ``accounts list`` shows them."""
    by_account: dict[str, list[str]] = {}
    access: dict[str, Access] = {}
    for target in plan.targets:
        by_account.setdefault(target.account_id, []).append(target.region)
        access[target.account_id] = target.access
    org_wide = ALL_ACCOUNTS in by_account
    rows: list[AccountEntry] = []
    for account in plan.accounts:
        how = Access.ORG_VIEW if org_wide else access.get(account.account_id, plan.access)
        regions = by_account.get(ALL_ACCOUNTS if org_wide else account.account_id, plan.regions)
        arn = role_arn.replace("{account}", account.account_id) if role_arn else None
        rows.append(
            AccountEntry(
                account.account_id,
                account.name,
                account.status or "ACTIVE",
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
