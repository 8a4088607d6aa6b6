"""Connect and resolve: a connector for the caller, and the targets it will read.

``resolve`` asks STS who the caller is and, for ``--account all``/``--ou``, Organizations
which accounts there are; everything else about the targets was checked before, without
a call (``TargetOptions.validate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from backupctl.app.requests import Where
from backupctl.domain.errors import BackupctlError, UsageError
from backupctl.domain.query import Query
from backupctl.domain.targets import (
    ALL_ACCOUNTS,
    Access,
    Account,
    Plan,
    RegionLookup,
    Target,
    TargetOptions,
)
from backupctl.engine.gather import gather

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector
    from backupctl.aws.settings import AwsSettings


def settings_for(where: Where) -> AwsSettings:
    """botocore's settings for ``where``: the fixed endpoint and keys when one is set (the
    sandbox), else the profile and botocore's own chain."""
    from backupctl.aws.settings import AwsSettings

    regions = where.targets.regions
    region = regions[0] if len(regions) == 1 and regions[0].lower() != "all" else None
    endpoint = where.endpoint
    if endpoint is None:
        return AwsSettings(
            profile=where.profile,
            profile_origin=where.profile_origin,
            region=region,
            concurrency=where.concurrency,
            timeout=where.timeout,
        )
    return AwsSettings(
        region=region or endpoint.region,
        endpoint_url=endpoint.url,
        access_key_id=endpoint.access_key_id,
        secret_access_key=endpoint.secret_access_key,
        concurrency=where.concurrency,
        timeout=where.timeout,
    )


def checked_connector(where: Where, query: Query | None = None) -> Connector:
    """A connector for ``where``, once its targets, its regions and ``query`` are checked
    against what AWS accepts (botocore's service models and endpoint data): UsageError
    naming the option otherwise. No call is made."""
    from backupctl.aws.constraints import check_inputs
    from backupctl.aws.sessions import Connector

    connector = Connector(settings_for(where), where.targets.role, where.targets.external_id)
    check_inputs(connector, where.targets, query)
    return connector


def connect(
    where: Where, query: Query | None = None, *, list_org: bool = False, stream: bool = False
) -> tuple[Connector, Plan]:
    """A checked connector (``checked_connector``) and the resolved targets (STS and, for
    --account all/--ou, Organizations).

    With ``stream``, accounts Organizations lists after its first page are left in
    ``Plan.pending``, for the fan-out to read while it reads the first ones.
    """
    connector = checked_connector(where, query)
    return connector, resolve(connector, where.targets, list_org=list_org, stream=stream)


def resolve(
    connector: Connector, options: TargetOptions, *, list_org: bool = False, stream: bool = False
) -> Plan:
    """Accounts x regions, and how each account is reached.

    The org view of ``--account all`` reads every account with ``ByAccountId=*`` and needs
    no account list; ``list_org`` asks Organizations for it all the same (to show it).
    With ``stream``, only the first page of a discovery (``--account all`` with a role,
    ``--ou``) is read here; the rest is left in ``Plan.pending``.
    """
    from backupctl.aws.org import organization_account_pages, ou_account_pages

    asked = _regions(connector, options)  # a usage error, before any call
    caller = connector.caller_account()
    access = Access.ROLE if options.role else Access.ORG_VIEW
    plan = Plan(caller, access, asked, all_regions=options.all_regions)
    if options.all_regions:
        lookup = _enabled_regions(connector, caller)
        if options.role:
            plan.enabled_regions = lookup
        else:  # every call is made with the caller's credentials: its regions are the ones
            plan.regions = plan.narrow(caller, lookup([caller])[caller])
    regions = plan.regions
    org_wide = options.all_accounts and not options.role
    if org_wide and not list_org:
        plan.targets = [Target(ALL_ACCOUNTS, r, Access.ORG_VIEW) for r in regions]
        return plan
    if options.all_accounts or options.ou:
        pages = (
            organization_account_pages(connector)
            if options.all_accounts
            else ou_account_pages(connector, str(options.ou))
        )
        if stream and not org_wide:
            plan.add(next(pages, []))
            plan.pending = pages
        else:
            for found in pages:
                plan.add(found)
    elif options.accounts:
        plan.add([Account(a) for a in options.accounts])
    else:
        plan.add([Account(caller)])
    only_caller = [a.account_id for a in plan.accounts] == [caller]
    if not options.role and only_caller and plan.pending is None:
        plan.access = Access.CALLER
    if org_wide and plan.access is Access.ORG_VIEW:
        # One ByAccountId=* listing per region reads the whole organization.
        plan.targets = [Target(ALL_ACCOUNTS, r, Access.ORG_VIEW) for r in regions]
    return plan


def _regions(connector: Connector, options: TargetOptions) -> list[str]:
    if options.all_regions:
        return connector.available_regions("backup")
    if options.regions:
        return list(dict.fromkeys(options.regions))
    region = connector.default_region
    if region is None:
        raise UsageError("no region: pass --region or set AWS_REGION (or a region in the profile)")
    return [region]


def _enabled_regions(connector: Connector, caller: str) -> RegionLookup:
    """The regions each account has enabled, asked at once, one ListRegions call each,
    through the credentials that will read it (the caller's own account: the caller's)."""
    from backupctl.aws.regions import enabled_regions

    settings = connector.settings

    def lookup(accounts: Sequence[str]) -> dict[str, frozenset[str] | BackupctlError]:
        answers = gather(
            lambda account: enabled_regions(connector, None if account == caller else account),
            accounts,
            concurrency=settings.concurrency,
            call_timeout=settings.timeout,
        )
        return dict(zip(accounts, answers, strict=True))

    return lookup


def account_names(connector: Connector, plan: Plan) -> dict[str, str]:
    """Account names by id: those resolving the targets learnt, else (``--account all`` in
    the org view, which lists no accounts) Organizations' list, when the caller may read it."""
    names = {a.account_id: a.name for a in plan.accounts if a.name}
    if names or not any(t.account_id == ALL_ACCOUNTS for t in plan.targets):
        return names
    from backupctl.aws.org import organization_accounts

    try:  # names are a nicety: a caller who may not list the organization still gets a report
        return {a.account_id: a.name for a in organization_accounts(connector) if a.name}
    except BackupctlError:
        return {}
