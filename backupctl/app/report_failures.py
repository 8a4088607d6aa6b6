"""Report failures: the use case behind ``report failures``.

One read of the window's jobs keeps only the problems (memory grows with problems, not
jobs) and turns them into a ``Summary``. With ``--new`` the state store (and its lock)
is opened before any call, the problems an earlier run reported are left out, and the
ones printed are remembered only after the report was written (``remember``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from backupctl.app.job_source import AwsJobs, JobSource
from backupctl.app.reading import JobFailure, Reading
from backupctl.app.requests import Hooks, Where
from backupctl.domain.job import PROBLEM_STATES, Job, Kind
from backupctl.domain.problems import Summary, Unreadable, problem_of
from backupctl.domain.query import Query

if TYPE_CHECKING:
    from pathlib import Path

    from backupctl.local.report_state import ReportState


@dataclass(frozen=True, slots=True)
class FailureRequest:
    """What to report: the jobs of ``query`` over ``where``; ``issues`` counts COMPLETED
    jobs with a message as problems; ``state_dir`` (``--new``) leaves out what was
    reported before."""

    where: Where
    query: Query
    issues: bool = True
    state_dir: Path | None = None


class _Problems:
    """Counts every job and keeps only the problems."""

    def __init__(self, issues: bool) -> None:
        self.issues = issues
        self.seen = 0
        self.problems: list[Job] = []

    def write(self, jobs: Sequence[Job]) -> None:
        self.seen += len(jobs)
        self.problems.extend(j for j in jobs if problem_of(j, issues=self.issues))


class FailureReport:
    """One run of the report: ``open`` (takes the ``--new`` lock), ``read``, then, once
    the report is printed, ``remember``; ``close`` in every case."""

    def __init__(
        self, request: FailureRequest, hooks: Hooks | None = None, source: JobSource | None = None
    ) -> None:
        """``source``: where the jobs are read (default: AWS, over the request's targets)."""
        self.request = request
        self._hooks = hooks or Hooks()
        self._source = source or AwsJobs(request.where, self._hooks)
        self._store: ReportState | None = None

    def open(self) -> None:
        """Take the state store and its lock (``--new``), before any AWS call."""
        if self.request.state_dir is not None:
            from backupctl.local.report_state import ReportState

            self._store = ReportState(self.request.state_dir)

    def read(self) -> tuple[Summary, Reading]:
        """Read the window's jobs; the summary of the problems (less those reported before)."""
        request = self.request
        query = request.query
        if not request.issues:  # the service filters the problem states itself
            query = replace(query, states=tuple(sorted(PROBLEM_STATES)))
        problems = _Problems(request.issues)
        reading = self._source.read(query, problems.write)
        summary = Summary(
            since=query.since,
            until=query.until,
            jobs_seen=problems.seen,
            problems=problems.problems,
            targets=len(reading.plan.targets),
            unreadable=unreadable(reading.failures),
            account_names=self._source.account_names(reading.plan),
            issues_included=request.issues,
        )
        if self._store is not None:
            self._leave_out_reported(summary, self._store)
        return summary, reading

    def remember(self, summary: Summary) -> None:
        """Record the problems just reported, so the next ``--new`` run leaves them out."""
        if self._store is not None:
            now = self._hooks.clock()
            self._store.record([(j, problem_of(j) or "") for j in summary.problems], now)

    def close(self) -> None:
        """Release the state store and its lock."""
        if self._store is not None:
            self._store.close()
            self._store = None

    @staticmethod
    def _leave_out_reported(summary: Summary, store: ReportState) -> None:
        keys = {(j.kind.value, j.job_id, problem_of(j) or ""): j for j in summary.problems}
        seen = store.seen(keys)
        summary.problems = [j for key, j in keys.items() if key not in seen]
        summary.already_reported = len(seen)


def unreadable(failures: Sequence[JobFailure]) -> list[Unreadable]:
    """The failed listings as one entry per target (account and region), kinds merged."""
    by_target: dict[tuple[str, str], list[JobFailure]] = {}
    for failure in failures:
        by_target.setdefault((failure.target.account_id, failure.target.region), []).append(failure)
    out = []
    for (account, region), group in sorted(by_target.items()):
        kinds = tuple(k for k in Kind if any(f.listing.kind is k for f in group))
        error = group[0].error
        out.append(Unreadable(account, region, kinds, error.code, error.reason))
    return out
