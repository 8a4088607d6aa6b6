"""Turn --account/--ou/--region/--role into targets: which accounts and regions, and how.

``TargetOptions.validate`` checks every value without calling AWS (bad usage exits 2
before any call); ``resolve`` then asks STS and Organizations what it must.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backupctl.domain.errors import UsageError
from backupctl.domain.query import split_values
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Account, Target, role_arn_template

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


@dataclass(frozen=True, slots=True)
class TargetOptions:
    """The target options every AWS command shares, as typed on the command line."""

    accounts: tuple[str, ...] = ()
    ou: str | None = None
    regions: tuple[str, ...] = ()
    role: str | None = None
    external_id: str | None = None

    def validate(self) -> TargetOptions:
        """Check every value; raise UsageError on the first bad one. No AWS call."""
        accounts = tuple(split_values(self.accounts))
        for account in accounts:
            if account.lower() != "all" and not _ACCOUNT_ID.match(account):
                raise UsageError(f"--account: {account!r} is not a 12-digit account id or 'all'")
        if any(a.lower() == "all" for a in accounts) and len(accounts) > 1:
            raise UsageError("--account all cannot be combined with other accounts")
        if self.ou is not None:
            if accounts:
                raise UsageError("--ou and --account cannot be combined")
            if not _OU_ID.match(self.ou):
                raise UsageError(f"--ou: {self.ou!r} is not an OU id (ou-xxxx-xxxxxxxx) or root id")
        regions = tuple(split_values(self.regions))
        for region in regions:
            if region.lower() != "all" and not _REGION.match(region):
                raise UsageError(f"--region: {region!r} is not a region name (like eu-west-1)")
        if any(r.lower() == "all" for r in regions) and len(regions) > 1:
            raise UsageError("--region all cannot be combined with other regions")
        if self.role is not None:
            role_arn_template(self.role)
        if self.external_id is not None:
            if self.role is None:
                raise UsageError("--external-id needs --role")
            if not 2 <= len(self.external_id) <= 1224:
                raise UsageError("--external-id must be 2 to 1224 characters")
        return TargetOptions(accounts, self.ou, regions, self.role, self.external_id)

    @property
    def all_accounts(self) -> bool:
        """``--account all``."""
        return any(a.lower() == "all" for a in self.accounts)

    @property
    def all_regions(self) -> bool:
        """``--region all``."""
        return any(r.lower() == "all" for r in self.regions)


@dataclass(slots=True)
class Plan:
    """The resolved targets and what was learnt on the way.

    ``pending`` holds the accounts Organizations has still to list when ``resolve`` was
    asked to stream: ``more_targets`` reads them (while the first accounts are being read).
    """

    caller_account: str
    access: Access
    regions: list[str]
    accounts: list[Account] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    skipped: list[Account] = field(default_factory=list)
    all_regions: bool = False
    pending: Iterator[list[Account]] | None = None
    _known: set[str] = field(default_factory=set)

    def add(self, found: Sequence[Account]) -> list[Target]:
        """Take in accounts Organizations listed; the new targets (of the ACTIVE ones).

        An account listed twice is read once; the caller's own account is read with the
        caller's own credentials.
        """
        targets: list[Target] = []
        for account in found:
            if account.account_id in self._known:
                continue
            self._known.add(account.account_id)
            if (account.status or "ACTIVE") != "ACTIVE":
                self.skipped.append(account)
                continue
            self.accounts.append(account)
            how = Access.CALLER if account.account_id == self.caller_account else self.access
            targets.extend(Target(account.account_id, r, how, account.name) for r in self.regions)
        self.targets.extend(targets)
        return targets

    def more_targets(self) -> Iterator[list[Target]]:
        """The targets of the accounts still ``pending``, a page of accounts at a time."""
        pending, self.pending = self.pending, None
        for found in pending or ():
            yield self.add(found)


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

    regions = _regions(connector, options)
    caller = connector.caller_account()
    access = Access.ROLE if options.role else Access.ORG_VIEW
    plan = Plan(caller, access, regions, all_regions=options.all_regions)
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


def describe_targets(plan: Plan) -> Sequence[Target]:
    """Where ``job describe`` looks: Describe calls take no ByAccountId, so the org view
    can only look in the caller's own account."""
    if plan.access is not Access.ORG_VIEW:
        return plan.targets
    return [Target(plan.caller_account, r, Access.CALLER) for r in plan.regions]
