"""The failure summary of ``report failures``: which jobs are problems, grouped for a person.

A problem is a job in FAILED, ABORTED, EXPIRED or PARTIAL, or a COMPLETED job whose
MessageCategory is not SUCCESS ("completed with issues"). Problems are counted by
account, then by resource, each group with its most recent problem job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from backupctl.domain.job import PROBLEM_STATES, Job, Kind, newest_first

WITH_ISSUES = "COMPLETED_WITH_ISSUES"
# The text and Markdown summaries show a message on one line, cut to this many characters.
SUMMARY_MESSAGE = 300
# A group keeps this much of its latest job's message: twice what a summary shows, so
# that collapsing whitespace and dropping invisible characters still leave it enough.
_KEPT_MESSAGE = 2 * SUMMARY_MESSAGE


def problem_of(job: Job, *, issues: bool = True) -> str | None:
    """The job's problem (its state, or COMPLETED_WITH_ISSUES), or None when it is fine."""
    if job.state in PROBLEM_STATES:
        return job.state
    if issues and job.completed_with_issues:
        return WITH_ISSUES
    return None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A target (account and region) that could not be read, for some kinds of job (and,
    for a gap report, ``others``)."""

    account_id: str
    region: str
    kinds: tuple[Kind, ...]
    code: str | None
    reason: str
    others: tuple[str, ...] = ()  # what else could not be read: "protected resources", ...


@dataclass(frozen=True, slots=True)
class ResourceGroup:
    """The problems of one resource in one account: how many, and the most recent one.

    ``latest`` is that job as a summary shows it: its message cut to twice what a summary
    shows, and the fields a summary does not show left out (``None``); the JSON report's
    records keep every problem job whole. A report over many thousands of resources keeps
    one of these for each.
    """

    account_id: str
    resource: str
    latest: Job
    count: int
    resource_name: str | None  # from the newest problem job that has one


@dataclass(frozen=True, slots=True)
class AccountGroup:
    """One account's problems, by resource (the most recent problem first)."""

    account_id: str
    name: str | None
    resources: tuple[ResourceGroup, ...]

    @property
    def count(self) -> int:
        """How many problem jobs."""
        return sum(r.count for r in self.resources)


class _Resource:
    """The running tally of one resource's problems."""

    __slots__ = ("count", "latest", "latest_key", "name", "name_key")

    def __init__(self, job: Job) -> None:
        self.count = 1
        self.latest, self.latest_key = _shown(job), newest_first(job)
        self.name, self.name_key = job.resource_name, self.latest_key

    def add(self, job: Job) -> None:
        self.count += 1
        key = newest_first(job)
        if key < self.latest_key:
            self.latest, self.latest_key = _shown(job), key
        if job.resource_name and (not self.name or key < self.name_key):
            self.name, self.name_key = job.resource_name, key


def _shown(job: Job) -> Job:
    """What a summary shows of ``job`` (``ResourceGroup.latest``)."""
    message = job.status_message
    if message is not None and len(message) > _KEPT_MESSAGE:
        message = message[:_KEPT_MESSAGE]
    # What a summary never shows is left out: a report over many resources keeps one each.
    return job._replace(
        status_message=message, resource_name=None, vault_name=None, vault_arn=None,
        destination_vault_arn=None, recovery_point_arn=None,
        destination_recovery_point_arn=None, created_resource_arn=None, iam_role_arn=None,
        backup_plan_id=None, backup_plan_arn=None, backup_rule_id=None, parent_job_id=None,
    )  # fmt: skip


class ProblemTally:
    """The problems of a report, counted as they are read: by kind and problem, and by
    account and resource with the most recent job of each. Memory grows with the resources
    that have problems, not with the problem jobs (those are spooled for the JSON report)."""

    def __init__(self) -> None:
        self.count = 0
        self._by_kind: dict[str, Counter[str]] = {}
        self._resources: dict[tuple[str, str], _Resource] = {}

    def add(self, job: Job, problem: str) -> None:
        """Count one problem job."""
        self.count += 1
        self._by_kind.setdefault(job.kind.value, Counter())[problem] += 1
        account = job.account_id or "unknown"
        resource = job.resource_arn or job.resource_name or f"{job.kind.value} job {job.job_id}"
        tally = self._resources.get((account, resource))
        if tally is None:
            self._resources[account, resource] = _Resource(job)
        else:
            tally.add(job)

    def by_kind_and_problem(self) -> dict[str, Counter[str]]:
        """Counts of problems: kind -> problem -> count."""
        return {kind: Counter(counts) for kind, counts in self._by_kind.items()}

    def groups(self, names: Mapping[str, str]) -> list[AccountGroup]:
        """Problems by account, then resource; the most recent problem first at each level."""
        by_account: dict[str, list[ResourceGroup]] = {}
        ordered = sorted(self._resources.items(), key=lambda item: item[1].latest_key)
        for (account, resource), tally in ordered:
            by_account.setdefault(account, []).append(
                ResourceGroup(account, resource, tally.latest, tally.count, tally.name)
            )
        return [
            AccountGroup(account, names.get(account), tuple(resources))
            for account, resources in by_account.items()
        ]


def no_records() -> Iterator[Job]:
    """A report's problem jobs when it has none."""
    return iter(())


@dataclass(slots=True)
class Summary:
    """What a report says: totals, problems by account and resource, unreadable targets.

    ``records`` gives every problem job, newest first (the JSON report's ``problems``);
    each call reads them again, from where they were spooled.
    """

    since: datetime | None
    until: datetime | None
    jobs_seen: int
    tally: ProblemTally
    targets: int
    unreadable: list[Unreadable]
    account_names: Mapping[str, str] = field(default_factory=dict)
    issues_included: bool = True
    already_reported: int = 0
    records: Callable[[], Iterator[Job]] = no_records

    @property
    def problems(self) -> int:
        """How many problem jobs the report holds."""
        return self.tally.count

    @property
    def targets_read(self) -> int:
        """Targets read in full."""
        return self.targets - len({(u.account_id, u.region) for u in self.unreadable})

    def by_kind_and_problem(self) -> dict[str, Counter[str]]:
        """Counts of problems: kind -> problem -> count."""
        return self.tally.by_kind_and_problem()

    def groups(self) -> list[AccountGroup]:
        """Problems grouped by account, then resource; most recent problem first at each level."""
        return self.tally.groups(self.account_names)
