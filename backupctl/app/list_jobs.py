"""List jobs: the use case behind ``jobs list``, and the iterator of the Python API."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from typing import Protocol

from backupctl.app.connect import checked_connector, resolve
from backupctl.app.job_source import AwsJobs, JobSource
from backupctl.app.reading import Reading, job_fan_out
from backupctl.app.requests import Hooks, Where
from backupctl.domain.job import Job, newest_first
from backupctl.domain.query import Query


class JobSink(Protocol):
    """Takes the jobs a listing reads, a page at a time (a writer of ``output``)."""

    def write(self, jobs: Sequence[Job]) -> None:
        """One page of jobs, in the order they arrived."""


class Newest:
    """Keeps the ``limit`` newest jobs of everything it is given: memory stays O(limit)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._kept: list[Job] = []

    def write(self, jobs: Sequence[Job]) -> None:
        """Take a page; prune now and then."""
        self._kept.extend(jobs)
        if len(self._kept) > 4 * self._limit:
            self._kept = heapq.nsmallest(self._limit, self._kept, key=newest_first)

    def jobs(self) -> list[Job]:
        """The newest ``limit`` jobs, newest first."""
        return heapq.nsmallest(self._limit, self._kept, key=newest_first)


def list_jobs(
    where: Where,
    query: Query,
    sink: JobSink,
    hooks: Hooks | None = None,
    source: JobSource | None = None,
) -> Reading:
    """Read ``query``'s jobs from ``source`` (default: AWS, over ``where``'s targets) into
    ``sink``: every page as it comes, or with ``query.limit`` the newest jobs once all are
    read."""
    source = source or AwsJobs(where, hooks or Hooks())
    if query.limit is None:
        return source.read(query, sink.write)
    newest = Newest(query.limit)
    reading = source.read(query, newest.write)
    sink.write(newest.jobs())
    return reading


class JobStream:
    """The jobs of a query over targets, as an iterator; ``reading`` once it is exhausted.

    Nothing is called until the iteration starts (what AWS would refuse raises UsageError
    here, at once); leaving it early stops every call.
    """

    def __init__(self, where: Where, query: Query, hooks: Hooks | None = None) -> None:
        self._where, self._query, self._hooks = where, query, hooks or Hooks()
        self._connector = checked_connector(where, query)
        self.reading: Reading | None = None

    def __iter__(self) -> Iterator[Job]:
        plan = resolve(self._connector, self._where.targets, stream=True)
        run = job_fan_out(self._connector, plan, self._query, self._where, self._hooks)
        if self._query.limit is None:
            for page in run:
                yield from page
        else:
            newest = Newest(self._query.limit)
            for page in run:
                newest.write(page)
            yield from newest.jobs()
        self.reading = Reading.of(plan, run.outcome)
