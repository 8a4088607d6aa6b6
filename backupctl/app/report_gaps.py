"""Report gaps: the use case behind ``report gaps`` (and the gaps half of ``report failures
--gaps``).

One pass of the fan-out reads the 30 days of backup and copy jobs and the protected
resources (``gap_reading``); the single calls a judgment needs follow, and the judgment
(``gap_finding``). With ``--new`` the state store and its lock (shared with ``report
failures``) are taken before any call, gaps an earlier run reported are left out, and
the gaps found are remembered only after the report was written (``remember``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from backupctl.app.connect import account_names, connect
from backupctl.app.gap_finding import GapFinder
from backupctl.app.gap_reading import read_for_gaps
from backupctl.app.reading import ReadingOf, unreadable
from backupctl.app.requests import Hooks, Where
from backupctl.domain.gaps import DEFAULT_COPY_GRACE, GapKey, GapSummary, gap_key
from backupctl.domain.job import Job
from backupctl.domain.query import Listing
from backupctl.domain.targets import Plan

if TYPE_CHECKING:
    from pathlib import Path

    from backupctl.aws.gap_reader import ReportListing
    from backupctl.aws.sessions import Connector
    from backupctl.local.report_state import ReportState


@dataclass(frozen=True, slots=True)
class GapRequest:
    """What to report: the gaps over ``where``; ``rpo`` replaces every resource's own
    expected interval; ``copy_grace`` is how long after its backup a copy may start;
    ``state_dir`` (``--new``) leaves out what was reported before."""

    where: Where
    rpo: timedelta | None = None
    copy_grace: timedelta = DEFAULT_COPY_GRACE
    state_dir: Path | None = None


class GapReport:
    """One run of the report: ``open`` (takes the ``--new`` lock), ``read``, then, once
    the report is printed, ``remember``; ``close`` in every case."""

    def __init__(self, request: GapRequest, hooks: Hooks | None = None) -> None:
        self.request = request
        self._hooks = hooks or Hooks()
        self._store: ReportState | None = None
        self._owned = False
        self._found: list[GapKey] = []

    def open(self, store: ReportState | None = None) -> None:
        """Take the state store and its lock (``--new``), before any AWS call; or use
        ``store``, taken by a report this one is part of."""
        if store is not None:
            self._store = store
        elif self.request.state_dir is not None:
            from backupctl.local.report_state import ReportState

            self._store, self._owned = ReportState(self.request.state_dir), True

    def read(self) -> tuple[GapSummary, ReadingOf[ReportListing]]:
        """Connect, read and judge: the gaps (less those reported before)."""
        connector, plan = connect(self.request.where, stream=True)
        return self.read_with(connector, plan)

    def read_with(
        self,
        connector: Connector,
        plan: Plan,
        also: Sequence[Listing] = (),
        on_jobs: Callable[[Sequence[Job]], None] = lambda jobs: None,
    ) -> tuple[GapSummary, ReadingOf[ReportListing]]:
        """Read and judge over ``plan``; ``also`` are listings read in the same pass,
        whose jobs go to ``on_jobs``."""
        from backupctl.aws.gap_reader import GapReader

        request, now = self.request, self._hooks.clock()
        reader = GapReader(connector)
        sightings, reading = read_for_gaps(reader, plan, request.where, self._hooks, also, on_jobs)
        finder = GapFinder(reader, plan, request.where)
        found = finder.find(sightings, reading.failures, request.rpo, request.copy_grace, now)
        reading = replace(reading, failures=(*reading.failures, *found.failures))
        mine = [f for f in reading.failures if not isinstance(f.listing, Listing)]
        summary = GapSummary(
            now=now,
            rpo=request.rpo,
            copy_grace=request.copy_grace,
            stopped=found.stopped,
            copies=found.copies,
            targets=reading.targets,
            unreadable=unreadable(mine),
            resources_checked=found.resources_checked,
            backups_checked=found.backups_checked,
            unjudged=found.unjudged,
            jobs_only=tuple(a for a in found.jobs_only if a != plan.caller_account),
            account_names=account_names(connector, plan),
        )
        self._found = [gap_key(g) for g in summary.stopped] + [gap_key(g) for g in summary.copies]
        if self._store is not None:
            seen = self._store.seen_gaps(self._found)
            summary.stopped = [g for g in summary.stopped if gap_key(g) not in seen]
            summary.copies = [g for g in summary.copies if gap_key(g) not in seen]
            summary.already_reported = len(seen)
        return summary, reading

    def remember(self) -> None:
        """Record the gaps found (those just reported, and those reported before, which
        are still there), so the next ``--new`` run leaves them out."""
        if self._store is not None:
            self._store.record_gaps(self._found, self._hooks.clock())

    def close(self) -> None:
        """Release the state store and its lock, if this report took them."""
        if self._store is not None and self._owned:
            self._store.close()
        self._store = None
