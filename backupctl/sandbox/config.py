"""What the simulated organization holds, and which faults it injects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from backupctl.sandbox.topics import DEFAULT_TOPICS, TOPIC_NAME

RepeatMode = Literal["replay", "overlap", "token_returns"]
NotAJobMode = Literal["html", "truncated", "empty"]
EchoMode = Literal["http", "json", "escaped"]
REPEAT_MODES: tuple[RepeatMode, ...] = get_args(RepeatMode)
NOT_A_JOB_MODES: tuple[NotAJobMode, ...] = get_args(NotAJobMode)
ECHO_MODES: tuple[EchoMode, ...] = get_args(EchoMode)


# Real opt-in regions: AWS answers them with "The security token included in the request is
# invalid." until the account enables them, and so does the sandbox.
DEFAULT_DISABLED_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
)


@dataclass(frozen=True)
class Faults:
    """Faults the server injects; all off by default.

    Account sets take account ids or account names (names are resolved to ids when the
    faults are installed). ``deny_list_regions`` accounts are refused the Account API's
    ListRegions (as a role without ``account:ListRegions`` is). ``org_token_expires_after``
    pages into an Organizations listing, the next page's NextToken is refused (as when a
    token expires mid-listing).

    The faults of bad answers act on a List call when the caller or the ``ByAccountId``
    account is in their set (never on a ``*`` listing), and on a Describe call of the
    caller's own jobs: ``repeating_pages_accounts`` serve jobs already sent, as
    ``repeating_pages_mode`` says (see ``repeats``); ``wrong_types_accounts`` send some
    members with the wrong JSON type (see ``wrong_types``); ``not_a_job_accounts`` answer
    Describe with a 200 that is not a job, as ``not_a_job_mode`` says (see ``not_a_job``).
    ``echo_request_in_errors`` puts the request as received, secrets and all, in the
    Message of every error, in the form it names (see ``echo``).
    ``sns_fail_topics`` (topic ARNs, or names: that topic everywhere) answer Publish with
    500 InternalError.
    """

    latency: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    deny_assume_role: frozenset[str] = frozenset()
    deny_backup: frozenset[str] = frozenset()
    deny_list_regions: frozenset[str] = frozenset()
    credential_ttl: float | None = None
    looping_token_accounts: frozenset[str] = frozenset()
    cycling_token_accounts: frozenset[str] = frozenset()
    hang_accounts: frozenset[str] = frozenset()
    org_token_expires_after: int | None = None
    repeating_pages_accounts: frozenset[str] = frozenset()
    repeating_pages_mode: RepeatMode = "replay"
    wrong_types_accounts: frozenset[str] = frozenset()
    not_a_job_accounts: frozenset[str] = frozenset()
    not_a_job_mode: NotAJobMode = "html"
    echo_request_in_errors: EchoMode | None = None
    sns_fail_topics: frozenset[str] = frozenset()
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
        # Literal types are not checked at run time, and a typo must not pass for a mode.
        _check_choice("repeating_pages_mode", self.repeating_pages_mode, REPEAT_MODES)
        _check_choice("not_a_job_mode", self.not_a_job_mode, NOT_A_JOB_MODES)
        if self.echo_request_in_errors is not None:
            _check_choice("echo_request_in_errors", self.echo_request_in_errors, ECHO_MODES)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")


@dataclass(frozen=True)
class SandboxConfig:
    """The organization, its data and the server's address.

    ``now`` anchors the 30 days of jobs (default: when the sandbox is built, to the
    second); ``delegated_admin`` is an account id (or name) that may read the organization
    and, with ``cross_account_monitoring``, every account's jobs. A region in both
    ``regions`` and ``disabled_regions`` holds data: the data regions win.
    ``disabled_regions`` are the opt-in regions: an account has not enabled them, unless
    ``opted_in`` pairs it (its id or name) with the region; every other region of the
    partition is enabled by default (the Account API's ListRegions says so).
    ``large_records`` makes records as large as AWS's get (see ``large_records``): the same
    jobs, with long status messages, names, ARNs and vault names. Every name in
    ``sns_topics`` is a standard SNS topic in every active account and data region.

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
    opted_in: tuple[tuple[str, str], ...] = ()
    large_records: bool = False
    sns_topics: tuple[str, ...] = DEFAULT_TOPICS
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
        for name in self.sns_topics:
            if not TOPIC_NAME.match(name):
                raise ValueError(f"{name!r} is not a standard SNS topic name")
