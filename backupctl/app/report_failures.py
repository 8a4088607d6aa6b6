"""Report failures: the use case behind ``report failures``.

One read of the window's jobs tallies the problems by account and resource and spools the
problem jobs to a temporary file for the JSON report (memory grows with the resources
that have problems, not with jobs or problems), into a ``Summary``. With ``--new`` the
state store (and its lock) is opened before any call, the problems an earlier run
reported are left out as they are read, and the ones printed are remembered only after
the report was written (``remember``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from backupctl.app.connect import account_names, connect
from backupctl.app.job_source import AwsJobs, JobSource
from backupctl.app.reading import Reading, ReadingOf, unreadable
from backupctl.app.requests import Hooks, Where
from backupctl.domain.job import PROBLEM_STATES, Job, format_time, newest_first
from backupctl.domain.problems import ProblemTally, Summary, Unreadable, problem_of
from backupctl.domain.query import Listing, Query
from backupctl.local.spool import Tape

if TYPE_CHECKING:
    from pathlib import Path

    from backupctl.app.report_gaps import GapReport
    from backupctl.aws.gap_reader import ReportListing
    from backupctl.domain.gaps import GapSummary
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


# What a problem job weighs in memory besides its message, as the tape's sort counts it:
# measured at 3,900 bytes a job of AWS's largest records, 1,600 of them its message (its
# other strings, two datetimes, the tuple). Counted lower, the sort's runs and the batches
# it merges held twice what they were meant to.
_JOB_WEIGHT = 2300

# What the --new state remembers of a problem: kind, job id, problem, account, region, created.
Remembered = tuple[str, str, str, str | None, str, str | None]


class _Problems:
    """Counts every job; tallies the problems an earlier ``--new`` run did not report, and
    keeps them on a tape for the JSON report: memory grows with the resources that have
    problems, not with the jobs or the problems."""

    def __init__(self, issues: bool, store: ReportState | None) -> None:
        self.issues, self.store = issues, store
        self.seen = 0
        self.already_reported = 0
        self.tally = ProblemTally()
        self.tape: Tape[Job] = Tape()
        self.remembered: list[Remembered] = []  # only with --new

    def write(self, jobs: Sequence[Job]) -> None:
        self.seen += len(jobs)
        for job in jobs:
            problem = problem_of(job, issues=self.issues)
            if problem is None:
                continue
            if self.store is not None:
                if self.store.reported((job.kind.value, job.job_id, problem)):
                    self.already_reported += 1
                    continue
                created = format_time(job.created_at)
                key = (job.kind.value, job.job_id, problem, job.account_id, job.region, created)
                self.remembered.append(key)
            self.tally.add(job, problem)
            self.tape.add(job, _JOB_WEIGHT + len(job.status_message or ""))

    def records(self) -> Iterator[Job]:
        """Every problem kept, newest first."""
        return self.tape.sorted(newest_first)


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
        self._problems: _Problems | None = None

    def open(self) -> None:
        """Take the state store and its lock (``--new``), before any AWS call."""
        if self.request.state_dir is not None:
            from backupctl.local.report_state import ReportState

            self._store = ReportState(self.request.state_dir)

    def read(self) -> tuple[Summary, Reading]:
        """Read the window's jobs; the summary of the problems (less those reported before)."""
        query = self._query()
        problems = self._problems = _Problems(self.request.issues, self._store)
        reading = self._source.read(query, problems.write)
        names = self._source.account_names(reading.plan)
        unread = unreadable(reading.failures)
        summary = self._summary(query, reading.targets, names, problems, unread)
        return summary, reading

    def read_with_gaps(
        self, gaps: GapReport
    ) -> tuple[Summary, GapSummary, ReadingOf[ReportListing]]:
        """Both reports from one fan-out: the window's listings read beside the gap
        report's (``report failures --gaps``); ``gaps`` shares this report's state store."""
        query = self._query()
        connector, plan = connect(self.request.where, query, stream=True)
        problems = self._problems = _Problems(self.request.issues, self._store)
        gaps.open(self._store)
        gap_summary, reading = gaps.read_with(connector, plan, query.listings(), problems.write)
        mine = unreadable([f for f in reading.failures if isinstance(f.listing, Listing)])
        names = account_names(connector, plan)
        return self._summary(query, reading.targets, names, problems, mine), gap_summary, reading

    def _query(self) -> Query:
        query = self.request.query
        if not self.request.issues:  # the service filters the problem states itself
            query = replace(query, states=tuple(sorted(PROBLEM_STATES)))
        return query

    def _summary(
        self,
        query: Query,
        targets: int,
        names: dict[str, str],
        problems: _Problems,
        unread: list[Unreadable],
    ) -> Summary:
        return Summary(
            since=query.since,
            until=query.until,
            jobs_seen=problems.seen,
            tally=problems.tally,
            targets=targets,
            unreadable=unread,
            account_names=names,
            issues_included=self.request.issues,
            already_reported=problems.already_reported,
            records=problems.records,
        )

    @property
    def state_emptied(self) -> Path | None:
        """The ``--new`` state file, when it was there but held nothing (emptied): what
        earlier runs reported is not known, and every problem is reported again."""
        store = self._store
        return store.path if store is not None and store.emptied else None

    def remember(self, summary: Summary) -> None:
        """Record the problems just reported, so the next ``--new`` run leaves them out;
        StateNotSavedError if they cannot be (the report is out: exit 6, not 4)."""
        # A run with nothing to remember writes nothing (and so cannot fail to): it stays
        # quiet when clean. The state is pruned by the next run that records problems.
        problems = self._problems
        if self._store is not None and problems is not None and problems.remembered:
            self._store.record(problems.remembered, self._hooks.clock())

    def close(self) -> None:
        """Release the state store and its lock, and the problems kept."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._problems is not None:
            self._problems.tape.close()
