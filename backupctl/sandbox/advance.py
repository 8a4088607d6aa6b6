"""Moving the organization forward in time: what ``Dataset.advance`` does to the jobs.

A layer over the generated jobs that reads and writes their wire form only, so it holds
whatever the generator does:

- Active jobs (CREATED, PENDING, RUNNING…) run and end, COMPLETED mostly, some FAILED,
  ABORTED or EXPIRED (``job_progress``); a composite parent ends when its children have.
- New jobs appear at the rate their account and region had over the generated 30 days, each
  kind on its own. Each is a copy of one of the generated finished jobs (never a parent, a
  child or a job that carries a hostile string) with a new id and creation time, begun
  afresh. They are drawn per hour of the clock from the seed, account, region and hour.
- Jobs created more than 30 days before the new ``now`` are no longer served: the List
  calls keep 30 days.

So the jobs at a moment do not depend on the steps taken to reach it: ``advance(7200)``
serves the same jobs as ``advance(3600)`` twice.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backupctl.sandbox.ids import guid, stable_rng
from backupctl.sandbox.job_progress import (
    STATE_MEMBER,
    Origin,
    begun,
    is_active,
    parent_at,
    record_at,
)
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.jobset import KINDS, LIST_SHAPES, JobSet, project
from backupctl.sandbox.wire import dumps

WINDOW = 30 * 86400.0  # how long the List calls keep a job
HOUR = 3600.0
Key = tuple[str, str]  # (account id, region)


@dataclass(frozen=True)
class JobChange:
    """One job an advance touched, and its state before and after."""

    kind: str
    account_id: str
    region: str
    job_id: str
    before: str | None  # None: the job is new
    after: str | None  # None: the job is no longer served

    def as_json(self) -> dict[str, Any]:
        """A JSON-able copy."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Advance:
    """The ground truth of one advance: exactly which jobs are new, changed or gone.

    ``created``: jobs created in (start, end], in the state they are in at ``end`` (some
    already ended). ``settled``: jobs that were active at ``start`` and are final at
    ``end``. ``progressed``: jobs still active whose record changed (state, PercentDone,
    BytesTransferred, a parent's ChildJobsInState…). ``removed``: jobs created more than 30
    days before ``end``, no longer served. Every other job reads as it did.
    """

    start: datetime
    end: datetime
    generation: int
    created: tuple[JobChange, ...]
    settled: tuple[JobChange, ...]
    progressed: tuple[JobChange, ...]
    removed: tuple[JobChange, ...]

    @property
    def changed(self) -> tuple[JobChange, ...]:
        """Jobs served before and after whose record changed: settled and progressed."""
        return self.settled + self.progressed

    def as_json(self) -> dict[str, Any]:
        """A JSON-able copy (times in RFC 3339)."""
        lists = {
            name: [change.as_json() for change in getattr(self, name)]
            for name in ("created", "settled", "progressed", "removed")
        }
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "generation": self.generation,
            **lists,
        }


@dataclass
class _Lineage:
    """What one account and region started with, and its jobs that may still change."""

    templates: dict[str, list[Job]]  # by kind: finished jobs new ones are copied from
    hourly: dict[str, float]  # by kind: new jobs per hour
    sizes: dict[str, int]  # resource ARN -> bytes its completed backups hold
    origins: dict[tuple[str, str], Origin]  # (kind, job id) -> how an active job began


def _lineage(jobset: JobSet, seen_at: float) -> _Lineage:
    """``seen_at``: when the job set was generated (it has not moved since)."""
    hostile = {place.job_id for place in jobset.hostile}
    templates = {
        kind: [
            job
            for job in jobset.jobs[kind]
            if "CompletionDate" in job.record
            and not job.record.get("IsParent")
            and "ParentJobId" not in job.record
            and job.job_id not in hostile
        ]
        for kind in KINDS
    }
    sizes: dict[str, int] = {}
    for job in reversed(jobset.jobs["backup"]):  # oldest first: the newest size wins
        if job.record["State"] == "COMPLETED" and "BackupSizeInBytes" in job.record:
            sizes[job.record["ResourceArn"]] = job.record["BackupSizeInBytes"]
    origins = {
        (kind, job.job_id): Origin(kind, job.record, seen_at)
        for kind in KINDS
        for job in jobset.jobs[kind]
        if is_active(kind, job.record)
    }
    hourly = {kind: len(jobset.jobs[kind]) * HOUR / WINDOW for kind in KINDS}
    return _Lineage(templates, hourly, sizes, origins)


class Timeline:
    """Moves every account and region's jobs forward; remembers how active jobs began."""

    def __init__(self, seed: int, generated_at: float) -> None:
        self.seed = seed
        self.generated_at = generated_at
        self._lineages: dict[Key, _Lineage] = {}

    def advance(
        self, jobsets: dict[Key, JobSet], start: float, end: float
    ) -> tuple[dict[Key, JobSet], dict[str, list[JobChange]]]:
        """The job sets at ``end``, and the changes by kind of change."""
        changes: dict[str, list[JobChange]] = {
            name: [] for name in ("created", "settled", "progressed", "removed")
        }
        moved: dict[Key, JobSet] = {}
        for key in sorted(jobsets):
            lineage = self._lineages.get(key)
            if lineage is None:  # the first advance: the job set is still as generated
                lineage = self._lineages[key] = _lineage(jobsets[key], self.generated_at)
            moved[key] = self._move(key, jobsets[key], lineage, start, end, changes)
        return moved, changes

    def _move(
        self,
        key: Key,
        jobset: JobSet,
        lineage: _Lineage,
        start: float,
        end: float,
        changes: dict[str, list[JobChange]],
    ) -> JobSet:
        account, region = key
        arrived: dict[str, list[Job]] = {kind: [] for kind in KINDS}
        new_ids: set[str] = set()
        for kind in KINDS:
            for job_id, created, template in self._arrivals(key, kind, lineage, start, end):
                origin = Origin(kind, begun(kind, template.record, job_id, created), created)
                lineage.origins[kind, job_id] = origin
                new_ids.add(job_id)
                arrived[kind].append(dataclasses.replace(template, job_id=job_id, created=created))
        records = self._records_at(jobset, lineage, end)
        jobs: dict[str, list[Job]] = {}
        for kind in KINDS:
            kept: list[Job] = []
            for job in [*jobset.jobs[kind], *arrived[kind]]:
                state_before = None if job.job_id in new_ids else job.record[STATE_MEMBER[kind]]
                record = records.get((kind, job.job_id), job.record)
                state = record[STATE_MEMBER[kind]]
                change = JobChange(kind, account, region, job.job_id, state_before, state)
                if job.created < end - WINDOW:
                    changes["removed"].append(dataclasses.replace(change, after=None))
                    lineage.origins.pop((kind, job.job_id), None)
                    continue
                if state_before is None:
                    changes["created"].append(change)
                elif record != job.record:
                    changes["progressed" if is_active(kind, record) else "settled"].append(change)
                if record != job.record:
                    listed = dumps(project(kind, record, LIST_SHAPES))
                    job = dataclasses.replace(job, record=record, listed=listed)
                if not is_active(kind, record):
                    lineage.origins.pop((kind, job.job_id), None)
                kept.append(job)
            kept.sort(key=lambda job: job.sort_key)
            jobs[kind] = kept
        served = {job.job_id for kind in KINDS for job in jobs[kind]}
        return dataclasses.replace(
            jobset,
            jobs=jobs,
            index={kind: {job.job_id: job for job in jobs[kind]} for kind in KINDS},
            hostile=[place for place in jobset.hostile if place.job_id in served],
        )

    def _records_at(
        self, jobset: JobSet, lineage: _Lineage, moment: float
    ) -> dict[tuple[str, str], dict[str, Any]]:
        """The record at ``moment`` of every job that may have changed; parents last, from
        their children's records then."""
        records: dict[tuple[str, str], dict[str, Any]] = {}
        parents: list[Origin] = []
        for (kind, job_id), origin in lineage.origins.items():
            if origin.record.get("IsParent"):
                parents.append(origin)
            else:
                records[kind, job_id] = record_at(origin, moment, self.seed, lineage.sizes)
        for origin in parents:
            kind = origin.kind
            children = [
                records.get((kind, job.job_id), job.record)
                for job in jobset.jobs[kind]
                if job.record.get("ParentJobId") == origin.job_id
            ]
            records[kind, origin.job_id] = parent_at(origin, children, self.seed, lineage.sizes)
        return records

    def _arrivals(
        self, key: Key, kind: str, lineage: _Lineage, start: float, end: float
    ) -> Iterator[tuple[str, float, Job]]:
        """(job id, creation time, template) of the new jobs created in (start, end]."""
        templates, hourly = lineage.templates[kind], lineage.hourly[kind]
        if not templates:
            return
        whole, share = int(hourly), hourly - int(hourly)
        for hour in range(math.floor(start / HOUR), math.floor(end / HOUR) + 1):
            rng = stable_rng(self.seed, "arrivals", *key, kind, hour)
            for _ in range(whole + (rng.random() < share)):
                created = round(hour * HOUR + rng.uniform(0.0, HOUR), 3)
                template = rng.choice(templates)
                job_id = guid(rng)
                if start < created <= end:
                    yield job_id, created, template
