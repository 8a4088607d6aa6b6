"""Thirty days of backup jobs for one estate: a job for every scheduled run of every
resource's rule, the stack's composite backups, and on-demand backups to make up the rest.

A scheduled job is created within minutes of its run and must start by the run plus the
rule's start window. A stopped resource gets no job from its moment S on, and its last run
before S completed; one that stopped before the 30 days has only that last backup, which
no job listing shows. A failing resource's jobs all fail from their moment on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from backupctl.sandbox.coverage import ON_DEMAND_LEAST, Protection
from backupctl.sandbox.estate import WINDOW, Estate
from backupctl.sandbox.jobs import CHILD_START, ON_DEMAND_WINDOW, BackupJobFactory, Job, stamp
from backupctl.sandbox.plans import DAY, WEEKLY, Origin, Plan

CREATE_DELAY = (1.0, 900.0)  # seconds after its run that a scheduled job is created
_HISTORY = 8 * DAY  # how far before a stop its last run is looked for


@dataclass
class Backups:
    """The backup jobs of one estate."""

    listed: list[Job] = field(default_factory=list)
    unlisted: list[Job] = field(default_factory=list)  # last backups before the 30 days
    last_before_stop: set[str] = field(default_factory=set)  # job ids that must stay COMPLETED


class ScheduledBackups:
    """Draws the backup jobs of one estate."""

    def __init__(self, rng: random.Random, estate: Estate, now: float) -> None:
        self.rng = rng
        self.estate = estate
        self.now = now
        self.factory = BackupJobFactory(rng, estate, now)
        self._runs: dict[str, list[tuple[float, Origin]]] = {}

    def generate(self, budget: int) -> Backups:
        """Every scheduled job, and on-demand jobs up to about ``budget`` backup jobs."""
        backups = Backups()
        for protection in self.estate.protections:
            self._protect(protection, backups)
        if self.estate.stack_members:
            for at, origin in self._runs_of(self.estate.plans[WEEKLY]):
                created = self._created(at)
                if created + CHILD_START[1] < self.now:  # its children are made too
                    start_by = at + origin.rule.start_window * 60.0
                    backups.listed += self.factory.composite(created, origin, start_by)
        on_demand = max(round(ON_DEMAND_LEAST * budget), budget - len(backups.listed))
        backups.listed += self._on_demand(on_demand)
        return backups

    def _runs_of(self, plan: Plan) -> list[tuple[float, Origin]]:
        found = self._runs.get(plan.plan_id)
        if found is None:
            found = self._runs[plan.plan_id] = plan.runs(self.now - WINDOW, self.now)
        return found

    def _created(self, at: float) -> float:
        return stamp(at + self.rng.uniform(*CREATE_DELAY))

    def _protect(self, protection: Protection, backups: Backups) -> None:
        resource, stop, failing = (
            protection.resource,
            protection.stopped_at,
            protection.failing_since,
        )
        if stop is not None and stop < self.now - WINDOW:
            at, origin = protection.plan.runs(stop - _HISTORY, stop)[-1]
            created = self._created(at)
            start_by = at + origin.rule.start_window * 60.0
            job = self.factory.job(resource, created, origin, start_by, forced="COMPLETED")
            backups.unlisted.append(job)
            backups.last_before_stop.add(job.job_id)
            return
        runs = [run for run in self._runs_of(protection.plan) if stop is None or run[0] < stop]
        for index, (at, origin) in enumerate(runs):
            created = self._created(at)
            if created >= self.now:
                continue  # the run in progress: its job is not made yet
            start_by = at + origin.rule.start_window * 60.0
            forced = None
            if failing is not None and at >= failing:
                forced = "FAILED"
            elif stop is not None and index == len(runs) - 1:
                forced = "COMPLETED"
            job = self.factory.job(resource, created, origin, start_by, forced=forced)
            if forced == "FAILED" and job.record["State"] == "FAILED":
                self.factory.fail(job, resource)
            elif forced == "COMPLETED":
                backups.last_before_stop.add(job.job_id)
            backups.listed.append(job)

    def _on_demand(self, count: int) -> list[Job]:
        """Backups someone started by hand, of resources that are backed up on schedule."""
        candidates = [
            item.resource
            for item in self.estate.protections
            if item.stopped_at is None and item.failing_since is None
        ]
        if not candidates:
            return []
        jobs: list[Job] = []
        for _ in range(count):
            created = stamp(self.now - self.rng.uniform(60.0, WINDOW))
            resource = self.rng.choice(candidates)
            start_by = created + ON_DEMAND_WINDOW * 60.0
            jobs.append(self.factory.job(resource, created, None, start_by))
        return jobs
