"""The failure summary of ``report failures``: which jobs are problems, grouped for a person.

A problem is a job in FAILED, ABORTED, EXPIRED or PARTIAL, or a COMPLETED job whose
MessageCategory is not SUCCESS ("completed with issues"). Problems are grouped by
account, then by resource; every group keeps its jobs newest first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from backupctl.domain.job import PROBLEM_STATES, Job, Kind, newest_first

WITH_ISSUES = "COMPLETED_WITH_ISSUES"


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
    """The problems of one resource in one account, newest first."""

    account_id: str
    resource: str
    jobs: tuple[Job, ...]

    @property
    def latest(self) -> Job:
        """The most recent problem job."""
        return self.jobs[0]

    @property
    def resource_name(self) -> str | None:
        """A name for the resource, from the newest job that has one."""
        return next((j.resource_name for j in self.jobs if j.resource_name), None)


@dataclass(frozen=True, slots=True)
class AccountGroup:
    """One account's problems, by resource (the most recent problem first)."""

    account_id: str
    name: str | None
    resources: tuple[ResourceGroup, ...]

    @property
    def count(self) -> int:
        """How many problem jobs."""
        return sum(len(r.jobs) for r in self.resources)


@dataclass(slots=True)
class Summary:
    """What a report says: totals, problems by account and resource, unreadable targets."""

    since: datetime | None
    until: datetime | None
    jobs_seen: int
    problems: list[Job]
    targets: int
    unreadable: list[Unreadable]
    account_names: Mapping[str, str] = field(default_factory=dict)
    issues_included: bool = True
    already_reported: int = 0

    @property
    def targets_read(self) -> int:
        """Targets read in full."""
        return self.targets - len({(u.account_id, u.region) for u in self.unreadable})

    def by_kind_and_problem(self) -> dict[str, Counter[str]]:
        """Counts of problems: kind -> problem -> count."""
        counts: dict[str, Counter[str]] = {}
        for job in self.problems:
            problem = problem_of(job) or "?"
            counts.setdefault(job.kind.value, Counter())[problem] += 1
        return counts

    def groups(self) -> list[AccountGroup]:
        """Problems grouped by account, then resource; most recent problem first at each level."""
        by_account: dict[str, dict[str, list[Job]]] = {}
        for job in sorted(self.problems, key=newest_first):
            account = job.account_id or "unknown"
            resource = job.resource_arn or job.resource_name or f"{job.kind.value} job {job.job_id}"
            by_account.setdefault(account, {}).setdefault(resource, []).append(job)
        return [
            AccountGroup(
                account,
                self.account_names.get(account),
                tuple(ResourceGroup(account, res, tuple(jobs)) for res, jobs in resources.items()),
            )
            for account, resources in by_account.items()
        ]
