"""The Python API: what the commands do, for scripts that would rather not parse JSON.

    import backupctl

    failed = backupctl.jobs(accounts=["all"], regions=["all"], states=["FAILED"], since="24h")
    for job in failed:
        print(job.account_id, job.region, job.resource_arn, job.status_message)
    if failed.reading.failures:
        ...  # the targets that could not be read, as `jobs list` names them on stderr

The options are those of the command line, with the same checks (a bad value raises
``UsageError`` before any call) and the same defaults (the SDK's credential chain and
region, 32 calls in flight, a 120 s limit per call). Errors that stop a whole run
(no credentials, the organization cannot be listed) raise ``BackupctlError``; a target
that cannot be read does not: it is in ``reading.failures`` once the iteration ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from backupctl.app.describe_job import Search, describe_job
from backupctl.app.list_accounts import list_accounts
from backupctl.app.list_jobs import JobStream
from backupctl.app.requests import Hooks, Where, utc_now
from backupctl.domain.job import JobDetail
from backupctl.domain.query import Query, parse_kinds, parse_resource_type, parse_states, parse_when
from backupctl.domain.targets import AccountEntry, TargetOptions
from backupctl.engine.fanout import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, MAX_CONCURRENCY


def where(
    *,
    accounts: Sequence[str] = (),
    ou: str | None = None,
    regions: Sequence[str] = (),
    role: str | None = None,
    external_id: str | None = None,
    profile: str | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
) -> Where:
    """Where the calls go, checked as the command line checks ``--account``, ``--region``..."""
    targets = TargetOptions(tuple(accounts), ou, tuple(regions), role, external_id).validate()
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        from backupctl.domain.errors import UsageError

        raise UsageError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
    return Where(targets, profile, concurrency, timeout)


def query(
    *,
    kinds: Sequence[str] = (),
    states: Sequence[str] = (),
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    resource_type: str | None = None,
    resource_arn: str | None = None,
    vault: str | None = None,
    limit: int | None = None,
) -> Query:
    """Which jobs, checked as the command line checks them; ``since``/``until`` take a
    datetime or the command line's forms (``24h``, ``2026-11-27``)."""
    now = utc_now()
    return Query(
        kinds=parse_kinds(kinds),
        states=parse_states(states),
        since=_when(since, now, "since"),
        until=_when(until, now, "until"),
        resource_type=parse_resource_type(resource_type),
        resource_arn=resource_arn,
        vault=vault,
        limit=limit,
    )


def jobs(
    *,
    accounts: Sequence[str] = (),
    ou: str | None = None,
    regions: Sequence[str] = (),
    role: str | None = None,
    external_id: str | None = None,
    profile: str | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float = DEFAULT_TIMEOUT,
    kinds: Sequence[str] = (),
    states: Sequence[str] = (),
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    resource_type: str | None = None,
    resource_arn: str | None = None,
    vault: str | None = None,
    limit: int | None = None,
) -> JobStream:
    """The jobs of ``backupctl jobs list`` with these options, as an iterator of ``Job``
    records (in arrival order; with ``limit``, the newest, newest first). Nothing is
    called until the iteration starts; ``reading`` says what could not be read once it
    ends."""
    return JobStream(
        where(accounts=accounts, ou=ou, regions=regions, role=role, external_id=external_id,
              profile=profile, concurrency=concurrency, timeout=timeout),
        query(kinds=kinds, states=states, since=since, until=until, resource_type=resource_type,
              resource_arn=resource_arn, vault=vault, limit=limit),
        Hooks(),
    )  # fmt: skip


def describe(
    job_id: str,
    *,
    accounts: Sequence[str] = (),
    ou: str | None = None,
    regions: Sequence[str] = (),
    role: str | None = None,
    external_id: str | None = None,
    profile: str | None = None,
    kinds: Sequence[str] = (),
) -> JobDetail | None:
    """The job in full, as ``job describe`` finds it; None if it is in none of the places
    searched. A place that could not be searched raises its error when nothing was found."""
    search: Search = describe_job(
        where(accounts=accounts, ou=ou, regions=regions, role=role, external_id=external_id,
              profile=profile),
        job_id,
        parse_kinds(kinds),
    )  # fmt: skip
    if search.found is None and search.failures:
        raise search.failures[0].error
    return search.found


def accounts(
    *,
    accounts: Sequence[str] = (),
    ou: str | None = None,
    regions: Sequence[str] = (),
    role: str | None = None,
    external_id: str | None = None,
    profile: str | None = None,
) -> list[AccountEntry]:
    """The accounts ``accounts list`` shows: how each is reached, and in which regions."""
    return list_accounts(
        where(accounts=accounts, ou=ou, regions=regions, role=role, external_id=external_id,
              profile=profile)
    )  # fmt: skip


def _when(value: str | datetime | None, now: datetime, name: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # UTC unless it says otherwise, as on the command line
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_when(value, now, option=name)
