"""What the simulated organization holds, and which faults it injects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Real opt-in regions: AWS answers them with "The security token included in the request is
# invalid." until the account enables them, and so does the sandbox.
DEFAULT_DISABLED_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
)


@dataclass(frozen=True)
class Faults:
    """Faults the server injects; all off by default.

    Account sets take account ids or account names (names are resolved to ids when the
    faults are installed). ``org_token_expires_after`` pages into an Organizations
    listing, the next page's NextToken is refused (as when a token expires mid-listing).
    """

    latency: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    deny_assume_role: frozenset[str] = frozenset()
    deny_backup: frozenset[str] = frozenset()
    credential_ttl: float | None = None
    looping_token_accounts: frozenset[str] = frozenset()
    cycling_token_accounts: frozenset[str] = frozenset()
    hang_accounts: frozenset[str] = frozenset()
    org_token_expires_after: int | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("throttle_rate", "error_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {rate}")
        if self.latency < 0:
            raise ValueError(f"latency must not be negative, not {self.latency}")
        if self.credential_ttl is not None and self.credential_ttl < 0:
            raise ValueError(f"credential_ttl must not be negative, not {self.credential_ttl}")
        pages = self.org_token_expires_after
        if pages is not None and pages < 1:
            raise ValueError(f"org_token_expires_after must be at least 1, not {pages}")


@dataclass(frozen=True)
class SandboxConfig:
    """The organization, its data and the server's address.

    ``now`` anchors the 30 days of jobs (default: when the sandbox is built, to the
    second); ``delegated_admin`` is an account id (or name) that may read the organization
    and, with ``cross_account_monitoring``, every account's jobs. A region in both
    ``regions`` and ``disabled_regions`` holds data: the data regions win.

    The gaps the sandbox makes on purpose, for the whole organization, spread over its
    accounts and regions (``Dataset.gaps()`` records them): ``stopped_resources`` stop
    getting backups inside the 30 days, ``stopped_long_ago`` before them (only
    ListProtectedResources still shows those); ``missing_copies`` completed backups lack
    their copy to one destination, ``failed_copies`` have one that ended FAILED (PARTIAL
    for a composite). ``failing_resources`` are not gaps: their backups fail from some
    moment on, so a gap report must tell them apart. Zero turns each off.
    """

    seed: int = 7
    members: int = 8
    regions: tuple[str, ...] = ("us-east-1", "eu-west-1")
    jobs_per_region: int = 400
    role_name: str = "OrganizationAccountAccessRole"
    external_id: str | None = None
    delegated_admin: str | None = None
    cross_account_monitoring: bool = True
    faults: Faults = field(default_factory=Faults)
    now: datetime | None = None
    host: str = "127.0.0.1"
    port: int = 0
    disabled_regions: tuple[str, ...] = DEFAULT_DISABLED_REGIONS
    stopped_resources: int = 3
    stopped_long_ago: int = 2
    missing_copies: int = 4
    failed_copies: int = 4
    failing_resources: int = 3

    def __post_init__(self) -> None:
        for name in (
            "members",
            "jobs_per_region",
            "stopped_resources",
            "stopped_long_ago",
            "missing_copies",
            "failed_copies",
            "failing_resources",
        ):
            value = getattr(self, name)
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
        if not self.regions:
            raise ValueError("at least one region must hold data")
