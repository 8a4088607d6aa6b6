"""The simulated AWS Organization: accounts, OUs and the root, deterministic from a seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from backupctl.sandbox.ids import lower_token, stable_int, stable_rng

# Member names in the order accounts are created; the two suspended accounts take their
# own names so a reader of any listing can tell them apart.
_MEMBER_NAMES = (
    "security",
    "log-archive",
    "prod-payments",
    "staging-web",
    "prod-web",
    "dev-sandbox",
    "prod-data",
    "staging-payments",
    "dev-analytics",
    "shared-services",
    "prod-identity",
    "staging-data",
    "prod-payments-ledger",
    "dev-web",
    "network",
)
_SUSPENDED_NAMES = ("legacy-reporting", "old-marketing")
_ENVIRONMENTS = ("prod", "staging", "dev")
_TEAMS = (
    "search",
    "billing",
    "mobile",
    "ml",
    "logistics",
    "crm",
    "checkout",
    "catalog",
    "messaging",
    "media",
    "fraud",
    "support",
    "inventory",
    "pricing",
    "growth",
    "platform",
)
_EMAIL_DOMAIN = "example.com"


@dataclass(frozen=True)
class Account:
    """One account of the organization, as Organizations describes it."""

    id: str
    name: str
    email: str
    status: str  # ACTIVE or SUSPENDED
    parent_id: str  # the root or OU directly above it
    arn: str
    joined_method: str  # CREATED or INVITED
    joined_at: datetime

    @property
    def active(self) -> bool:
        """Whether the account is ACTIVE (suspended accounts have no jobs)."""
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class OrganizationalUnit:
    """An OU, below the root or another OU."""

    id: str
    name: str
    parent_id: str
    arn: str


@dataclass(frozen=True)
class Organization:
    """The whole organization: read-only after it is built."""

    id: str
    arn: str
    root_id: str
    root_arn: str
    management_account_id: str
    accounts: tuple[Account, ...]
    ous: tuple[OrganizationalUnit, ...]

    def account(self, account_id: str) -> Account | None:
        """The account with this id, or None when it is not in the organization."""
        return next((acct for acct in self.accounts if acct.id == account_id), None)

    def resolve(self, ref: str) -> str:
        """An account id from an account id or an account name; ValueError if neither."""
        for acct in self.accounts:
            if ref in (acct.id, acct.name):
                return acct.id
        raise ValueError(f"no account {ref!r} in the sandbox organization")

    def children(
        self, parent_id: str
    ) -> tuple[tuple[OrganizationalUnit, ...], tuple[Account, ...]]:
        """The OUs and accounts directly below a root or OU."""
        ous = tuple(ou for ou in self.ous if ou.parent_id == parent_id)
        accounts = tuple(acct for acct in self.accounts if acct.parent_id == parent_id)
        return ous, accounts

    def is_parent(self, parent_id: str) -> bool:
        """Whether ``parent_id`` names the root or an OU."""
        return parent_id == self.root_id or any(ou.id == parent_id for ou in self.ous)


def _account_id(seed: int, slot: int, taken: set[str]) -> str:
    attempt = 0
    while True:
        candidate = f"{stable_int(seed, 'account', slot, attempt) % 10**12:012d}"
        if candidate not in taken:
            return candidate
        attempt += 1


def _member_names(members: int) -> list[tuple[str, bool]]:
    """(name, suspended) for each member slot, 1-based order."""
    suspended_slots: set[int] = set()
    if members >= 6:
        last = min(members, 8)
        suspended_slots = {last - 1, last}
    generated = (f"{env}-{team}" for team in _TEAMS for env in _ENVIRONMENTS)
    active_names = iter((*_MEMBER_NAMES, *generated))
    suspended_names = iter(_SUSPENDED_NAMES)
    names: list[tuple[str, bool]] = []
    for slot in range(1, members + 1):
        if slot in suspended_slots:
            names.append((next(suspended_names), True))
        else:
            # Past the generated names, number them: the organization scales without limit.
            names.append((next(active_names, f"workload-{slot:04d}"), False))
    return names


def _ou_for(name: str, suspended: bool, ou_ids: dict[str, str], root_id: str) -> str:
    if suspended:
        return ou_ids["Suspended"]
    if name in ("security", "log-archive"):
        return ou_ids["Security"]
    if name.startswith("prod-"):
        return ou_ids["Payments"] if "payments" in name else ou_ids["Production"]
    if name.startswith(("staging-", "dev-")):
        return ou_ids["Development"]
    return root_id


def build_organization(seed: int, members: int, now: datetime) -> Organization:
    """The organization for ``seed``: a management account and ``members`` members."""
    org_id = "o-" + lower_token(10, seed, "organization")
    root_id = "r-" + lower_token(4, seed, "root")
    management_id = _account_id(seed, 0, set())
    prefix = f"arn:aws:organizations::{management_id}"
    ou_ids: dict[str, str] = {}
    ous: list[OrganizationalUnit] = []
    for name, parent in (
        ("Security", None),
        ("Production", None),
        ("Payments", "Production"),
        ("Development", None),
        ("Suspended", None),
    ):
        ou_id = f"ou-{root_id[2:]}-{lower_token(8, seed, 'ou', name)}"
        ou_ids[name] = ou_id
        parent_id = ou_ids[parent] if parent else root_id
        ous.append(OrganizationalUnit(ou_id, name, parent_id, f"{prefix}:ou/{org_id}/{ou_id}"))

    rng = stable_rng(seed, "joined")
    created = now - timedelta(days=1400 + rng.randrange(300))
    accounts = [
        Account(
            management_id,
            "management",
            f"aws+management@{_EMAIL_DOMAIN}",
            "ACTIVE",
            root_id,
            f"{prefix}:account/{org_id}/{management_id}",
            "CREATED",
            created,
        )
    ]
    taken = {management_id}
    for slot, (name, suspended) in enumerate(_member_names(members), start=1):
        account_id = _account_id(seed, slot, taken)
        taken.add(account_id)
        joined = created + timedelta(days=slot * 3 + rng.randrange(3), seconds=rng.randrange(86400))
        accounts.append(
            Account(
                id=account_id,
                name=name,
                email=f"aws+{name}@{_EMAIL_DOMAIN}",
                status="SUSPENDED" if suspended else "ACTIVE",
                parent_id=_ou_for(name, suspended, ou_ids, root_id),
                arn=f"{prefix}:account/{org_id}/{account_id}",
                joined_method="INVITED" if suspended or slot % 7 == 0 else "CREATED",
                joined_at=joined,
            )
        )
    return Organization(
        id=org_id,
        arn=f"{prefix}:organization/{org_id}",
        root_id=root_id,
        root_arn=f"{prefix}:root/{org_id}/{root_id}",
        management_account_id=management_id,
        accounts=tuple(accounts),
        ous=tuple(ous),
    )
