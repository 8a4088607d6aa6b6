"""What to fetch: kinds, states, time window and filters, turned into per-kind API parameters.

Every filter the service can apply goes to the List call's own ``By*`` parameter;
only what the API cannot filter (the vault name of copy and restore jobs) is
checked client-side, by ``Listing.keep``. What AWS's own patterns allow (a vault name, a
resource type) is checked against botocore's service model by ``aws.constraints``, before
any call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from backupctl.domain.errors import UsageError
from backupctl.domain.job import ALL_STATES, STATES, Job, Kind, format_time

# ASCII digits only: Python's \d is any Unicode digit, and int() reads them all.
_RELATIVE = re.compile(r"^\s*(?P<n>[0-9]+)\s*(?P<unit>[mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Times are sent with four-digit years (botocore writes year 999 as "999-...", which
# no ISO 8601 reader takes); a datetime ends with 9999.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)

# The API's resource types are case-sensitive; accept any case and send AWS's spelling.
RESOURCE_TYPES: tuple[str, ...] = (
    "Aurora",
    "CloudFormation",
    "DocumentDB",
    "DynamoDB",
    "EBS",
    "EC2",
    "EFS",
    "EKS",
    "FSx",
    "Neptune",
    "RDS",
    "Redshift",
    "S3",
    "SAP HANA on Amazon EC2",
    "Storage Gateway",
    "Timestream",
    "VirtualMachine",
)
_RESOURCE_TYPE_BY_LOWER = {t.lower(): t for t in RESOURCE_TYPES}
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:.+$")
# The option each By* parameter's value comes from, to name it when AWS would refuse the value.
FILTER_OPTIONS = {
    "ByState": "--state",
    "ByStatus": "--state",
    "ByResourceType": "--resource-type",
    "ByResourceArn": "--resource-arn",
    "ByBackupVaultName": "--vault",
}


def parse_when(text: str, now: datetime, *, option: str = "--since") -> datetime:
    """``now``, ``90m``/``24h``/``7d``/``2w`` before ``now``, or ISO 8601 (UTC unless an
    offset is given), from 1000-01-01 to the end of 9999 (UTC)."""
    if text.strip().lower() == "now":
        return now
    match = _RELATIVE.fullmatch(text)
    try:
        if match:
            unit = _UNITS[match.group("unit").lower()]
            when: datetime | None = now - timedelta(**{unit: int(match.group("n"))})
        else:
            when = _iso_time(text, option)
    except OverflowError:  # before year 1 or after 9999: further than a datetime reaches
        when = None
    if when is None or when < EARLIEST:
        raise UsageError(
            f"{option}: {text!r} is out of range; times from 1000-01-01 to 9999-12-31 (UTC)"
        )
    return when


def _iso_time(text: str, option: str) -> datetime:
    from dateutil import parser as dateparser  # here, not at the top: --help stays fast

    try:
        parsed = dateparser.isoparse(text.strip())
    except (ValueError, OverflowError):
        raise UsageError(
            f"{option}: cannot read {text!r}; use an ISO 8601 date or time "
            "(2026-11-27, 2026-11-27T06:00:00Z), a relative time (90m, 24h, 7d, 2w) or now"
        ) from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_states(values: Sequence[str]) -> tuple[str, ...]:
    """Upper-case and validate states against the union of the three kinds' states."""
    states: list[str] = []
    for value in split_values(values, "--state"):
        state = value.upper()
        if state not in ALL_STATES:
            raise UsageError(f"--state: unknown state {value!r}; valid: {', '.join(ALL_STATES)}")
        if state not in states:
            states.append(state)
    return tuple(states)


def parse_kinds(values: Sequence[str]) -> tuple[Kind, ...]:
    """Validate ``--kind`` values; none given means all three kinds."""
    kinds: list[Kind] = []
    for value in split_values(values, "--kind"):
        try:
            kind = Kind(value.lower())
        except ValueError:
            valid = ", ".join(k.value for k in Kind)
            raise UsageError(f"--kind: unknown kind {value!r}; valid: {valid}") from None
        if kind not in kinds:
            kinds.append(kind)
    return tuple(kinds) or tuple(Kind)


def parse_resource_type(value: str | None) -> str | None:
    """AWS's spelling of a resource type given in any case; unknown types pass through."""
    if value is None:
        return None
    if not value.strip():
        raise UsageError("--resource-type: empty value")
    return _RESOURCE_TYPE_BY_LOWER.get(value.strip().lower(), value.strip())


def split_values(values: Sequence[str], option: str) -> list[str]:
    """Repeatable options that also take comma lists: ``--x a,b --x c`` -> ``[a, b, c]``."""
    out: list[str] = []
    for value in values:
        parts = [p.strip() for p in value.split(",")]
        if any(not p for p in parts):
            raise UsageError(f"{option}: {value!r} has an empty value (a comma too many?)")
        out.extend(parts)
    return out


# ASCII digits, as for relative times; a number of seconds may have a fraction.
_WHOLE = re.compile(r"^\s*[0-9]+\s*$")
_DECIMAL = re.compile(r"^\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*$")


def parse_count(text: str, option: str, *, least: int = 1, most: int | None = None) -> int:
    """A whole number from ``least`` to ``most`` (no limit when None), for ``option``."""
    if _WHOLE.match(text) and least <= int(text) <= (most if most is not None else int(text)):
        return int(text)
    upto = f"from {least} to {most}" if most is not None else f"of {least} or more"
    raise UsageError(f"{option}: {text!r} is not a whole number {upto}")


def parse_seconds(text: str, option: str, *, least: float = 1) -> float:
    """A number of seconds, ``least`` or more (a fraction allowed), for ``option``."""
    if _DECIMAL.match(text) and float(text) >= least:
        return float(text)
    raise UsageError(f"{option}: {text!r} is not a number of seconds, {least:g} or more")


@dataclass(frozen=True, slots=True)
class Listing:
    """One chain of List* calls: a kind and the By* parameters to send."""

    kind: Kind
    params: dict[str, Any] = field(hash=False)
    # (record field, value) pairs the API cannot filter for this kind.
    client_filters: tuple[tuple[str, str], ...] = ()

    def keep(self, job: Job) -> bool:
        """The client-side part of the filter: what the API could not filter."""
        return all(getattr(job, name) == value for name, value in self.client_filters)

    def __str__(self) -> str:
        return f"{self.kind.value} jobs"


@dataclass(frozen=True, slots=True)
class Query:
    """Which jobs: the options of ``jobs list`` after validation."""

    kinds: tuple[Kind, ...] = tuple(Kind)
    states: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    resource_type: str | None = None
    resource_arn: str | None = None
    vault: str | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since >= self.until:
            raise UsageError("--since must be earlier than --until")
        if self.limit is not None and self.limit < 1:
            raise UsageError("--limit must be at least 1")
        if self.resource_arn is not None and not _ARN.fullmatch(self.resource_arn):
            raise UsageError(f"--resource-arn: {self.resource_arn!r} is not an ARN")

    def unanswerable(self, now: datetime) -> str | None:
        """Why no job can match, known before any call (said on stderr, so that an empty
        answer is not taken for a quiet day); None when some job may."""
        if (future := self.in_the_future(now)) is not None:
            return future
        if self.states and not self.listings():
            kinds = "/".join(k.value for k in self.kinds)
            having = "; ".join(
                f"{state} is a state of {'/'.join(k.value for k in Kind if state in STATES[k])}"
                " jobs only"
                for state in self.states
            )
            either = " or ".join(self.states)
            return f"no {kinds} job is ever {either} ({having}): none was looked for"
        return None

    def in_the_future(self, now: datetime) -> str | None:
        """That ``--since`` is in the future, so no job was created since; None if not."""
        if self.since is not None and self.since > now:
            return f"--since {format_time(self.since)} is in the future: no job was created since"
        return None

    def listings(self) -> list[Listing]:
        """The List* call chains this query needs: per kind, and per state where states are given.

        A kind for which none of the chosen states exists is not queried at all.
        """
        out: list[Listing] = []
        for kind in self.kinds:
            base = self._params(kind)
            local = self._client_filters(kind)
            if not self.states:
                out.append(Listing(kind, base, local))
                continue
            state_key = "ByStatus" if kind is Kind.RESTORE else "ByState"
            for state in self.states:
                if state in STATES[kind]:
                    out.append(Listing(kind, {**base, state_key: state}, local))
        return out

    def _client_filters(self, kind: Kind) -> tuple[tuple[str, str], ...]:
        # ListCopyJobs and ListRestoreJobs have no vault-name filter; ListRestoreJobs none by ARN.
        local: list[tuple[str, str]] = []
        if self.vault and kind is not Kind.BACKUP:
            local.append(("vault_name", self.vault))
        if self.resource_arn and kind is Kind.RESTORE:
            local.append(("resource_arn", self.resource_arn))
        return tuple(local)

    def _params(self, kind: Kind) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.since:
            params["ByCreatedAfter"] = self.since
        if self.until:
            params["ByCreatedBefore"] = self.until
        if self.resource_type:
            params["ByResourceType"] = self.resource_type
        if self.resource_arn and kind is not Kind.RESTORE:
            params["ByResourceArn"] = self.resource_arn
        if self.vault and kind is Kind.BACKUP:
            params["ByBackupVaultName"] = self.vault
        return params
