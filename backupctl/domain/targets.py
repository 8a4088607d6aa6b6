"""Targets: the (account, region) pairs a command reads, and how each account is reached.

``TargetOptions.validate`` checks every value without calling AWS (bad usage exits 2
before any call; ``aws.constraints`` then checks them against what botocore's service
models and endpoint data allow); ``app.connect.resolve`` then asks STS and Organizations
what it must, and records what it found in a ``Plan``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from backupctl.domain.errors import BackupctlError, UsageError
from backupctl.domain.query import split_values

ALL_ACCOUNTS = "*"
# re.ASCII throughout: AWS's \w and \d are ASCII (Java's), Python's any Unicode letter or digit.
_ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,512}$", re.ASCII)


class Access(StrEnum):
    """How an account is reached."""

    CALLER = "caller"  # the caller's own account, with the caller's credentials
    ROLE = "role"  # a role assumed in the account
    ORG_VIEW = "org-view"  # the caller's credentials with ByAccountId=<account>


@dataclass(frozen=True, slots=True)
class Account:
    """An account to read, with its name when Organizations told us."""

    account_id: str
    name: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """One account as ``accounts list`` shows it: how it is reached, and where."""

    account_id: str
    name: str | None
    status: str | None
    access: str  # an Access value, or "skipped" for an account that is not ACTIVE
    role_arn: str | None
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Target:
    """One account in one region."""

    account_id: str
    region: str
    access: Access
    account_name: str | None = None

    def __str__(self) -> str:
        who = "all accounts" if self.account_id == ALL_ACCOUNTS else self.account_id
        return f"{who} {self.region}"


def role_arn_template(role: str) -> str:
    """``NAME`` or an ARN template with ``{account}`` -> an ARN template, or UsageError."""
    role = role.strip()
    if role.startswith("arn:"):
        if "{account}" not in role:
            raise UsageError(f"--role: the ARN template {role!r} must contain {{account}}")
        return role
    if not _ROLE_NAME.fullmatch(role) or "{" in role:
        raise UsageError(f"--role: {role!r} is neither a role name nor an ARN template")
    return "arn:aws:iam::{account}:role/" + role.strip("/")


_ACCOUNT_ID = re.compile(r"^\d{12}$", re.ASCII)
_OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", re.ASCII)


def is_account_id(value: str) -> bool:
    """Twelve ASCII digits."""
    return bool(_ACCOUNT_ID.fullmatch(value))


def is_region_name(value: str) -> bool:
    """The form of a region name (``eu-west-1``); whether botocore knows it is another
    matter, checked once a connector is made."""
    return bool(_REGION.fullmatch(value))


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
        accounts = tuple(split_values(self.accounts, "--account"))
        for account in accounts:
            if account.lower() != "all" and not is_account_id(account):
                raise UsageError(f"--account: {account!r} is not a 12-digit account id or 'all'")
        if any(a.lower() == "all" for a in accounts) and len(accounts) > 1:
            raise UsageError("--account all cannot be combined with other accounts")
        if self.ou is not None:
            if accounts:
                raise UsageError("--ou and --account cannot be combined")
            if not _OU_ID.fullmatch(self.ou):
                raise UsageError(f"--ou: {self.ou!r} is not an OU id (ou-xxxx-xxxxxxxx) or root id")
        regions = tuple(split_values(self.regions, "--region"))
        for region in regions:
            if region.lower() != "all" and not is_region_name(region):
                raise UsageError(f"--region: {region!r} is not a region name (like eu-west-1)")
        if any(r.lower() == "all" for r in regions) and len(regions) > 1:
            raise UsageError("--region all cannot be combined with other regions")
        if self.role is not None:
            role_arn_template(self.role)
        if self.external_id is not None and self.role is None:
            raise UsageError("--external-id needs --role")
        return TargetOptions(accounts, self.ou, regions, self.role, self.external_id)

    @property
    def all_accounts(self) -> bool:
        """``--account all``."""
        return any(a.lower() == "all" for a in self.accounts)

    @property
    def all_regions(self) -> bool:
        """``--region all``."""
        return any(r.lower() == "all" for r in self.regions)


# The regions each of these accounts has enabled, or why that could not be learnt.
RegionLookup = Callable[[Sequence[str]], Mapping[str, frozenset[str] | BackupctlError]]


@dataclass(slots=True)
class Plan:
    """The resolved targets and what was learnt on the way.

    ``pending`` holds the accounts Organizations has still to list when ``resolve`` was
    asked to stream: ``more_targets`` reads them (while the first accounts are being read).
    ``enabled_regions`` (``--region all`` with a role) says which regions each account
    added has enabled: it is read in those only. ``not_enabled`` names, per account, the
    regions left out so; ``regions_unknown`` the accounts whose enabled regions could not
    be learnt (read in every region, a region that answers "not enabled" is skipped).
    """

    caller_account: str
    access: Access
    regions: list[str]
    accounts: list[Account] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    skipped: list[Account] = field(default_factory=list)
    all_regions: bool = False
    pending: Iterator[list[Account]] | None = None
    enabled_regions: RegionLookup | None = None
    not_enabled: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regions_unknown: dict[str, BackupctlError] = field(default_factory=dict)
    _known: set[str] = field(default_factory=set)

    def add(self, found: Sequence[Account]) -> list[Target]:
        """Take in accounts Organizations listed; the new targets (of the ACTIVE ones).

        An account listed twice is read once; the caller's own account is read with the
        caller's own credentials.
        """
        new: list[Account] = []
        for account in found:
            if account.account_id in self._known:
                continue
            self._known.add(account.account_id)
            if (account.status or "ACTIVE") != "ACTIVE":
                self.skipped.append(account)
                continue
            new.append(account)
        lookup = self.enabled_regions
        enabled = lookup([a.account_id for a in new]) if lookup is not None and new else {}
        targets: list[Target] = []
        for account in new:
            self.accounts.append(account)
            how = Access.CALLER if account.account_id == self.caller_account else self.access
            regions = self.narrow(account.account_id, enabled.get(account.account_id))
            targets.extend(Target(account.account_id, r, how, account.name) for r in regions)
        self.targets.extend(targets)
        return targets

    def narrow(self, account_id: str, enabled: frozenset[str] | BackupctlError | None) -> list[str]:
        """The plan's regions that ``account_id`` has ``enabled``, noting those left out;
        every one of them when that is not known (noted when it could not be learnt)."""
        if isinstance(enabled, BackupctlError):
            self.regions_unknown[account_id] = enabled
        if not isinstance(enabled, frozenset):
            return self.regions
        off = tuple(region for region in self.regions if region not in enabled)
        if off:
            self.not_enabled[account_id] = off
        return [region for region in self.regions if region in enabled]

    def more_targets(self) -> Iterator[list[Target]]:
        """The targets of the accounts still ``pending``, a page of accounts at a time."""
        pending, self.pending = self.pending, None
        for found in pending or ():
            yield self.add(found)
