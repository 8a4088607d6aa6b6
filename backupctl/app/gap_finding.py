"""From what the fan-out read to the gaps: the few single calls a judgment needs, then the
judgment of every account and region.

The single calls, all at once, each made once: DescribeRecoveryPoint for a last backup
that no job listing shows (older than the 30 days), and GetBackupPlan once per plan
version (a plan is shared by thousands of jobs). Neither is made where ``--rpo`` makes it
needless, nor for an account the org view cannot read in full. A place (account and
region) whose listings could not all be read is not judged: its jobs since a last backup
are not known, and it is named as unreadable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from backupctl.app.gap_reading import Place, Sightings, full_places
from backupctl.app.requests import Where
from backupctl.domain.copy_gaps import Destinations, copied_to, copy_gaps, rule_of, settled
from backupctl.domain.errors import BackupctlError
from backupctl.domain.gaps import CopyGap, Evidence, StoppedGap
from backupctl.domain.outcome import Failure
from backupctl.domain.protection import (
    Creator,
    GapListing,
    PlanKey,
    PlanVersion,
    Source,
    TracedJob,
    plan_key,
)
from backupctl.domain.stopped_resources import LastBackup, candidates, expect, stopped_gap
from backupctl.domain.targets import Access, Plan, Target
from backupctl.engine.gather import gather

if TYPE_CHECKING:
    from backupctl.aws.gap_reader import GapReader, ReportListing

_T = TypeVar("_T")
_R = TypeVar("_R")
_NOT_FOUND = "ResourceNotFoundException"  # a plan deleted since: its jobs' schedule tells


@dataclass(slots=True)
class Found:
    """The gaps, what was checked, and the single calls that failed."""

    stopped: list[StoppedGap] = field(default_factory=list)
    copies: list[CopyGap] = field(default_factory=list)
    resources_checked: int = 0
    backups_checked: int = 0
    unjudged: int = 0
    jobs_only: tuple[str, ...] = ()
    failures: list[Failure[ReportListing]] = field(default_factory=list)


class GapFinder:
    """Judges what one pass read: ``find`` once the fan-out is over."""

    def __init__(self, reader: GapReader, plan: Plan, where: Where) -> None:
        self._reader, self._plan, self._where = reader, plan, where
        self.found = Found()

    def _target(self, place: Place) -> Target:
        account, region = place
        own = account == self._plan.caller_account or self._plan.access is not Access.ROLE
        return Target(account, region, Access.CALLER if own else Access.ROLE)

    def find(
        self,
        sightings: Sightings,
        unread: Sequence[Failure[ReportListing]],
        rpo: timedelta | None,
        grace: timedelta,
        now: datetime,
    ) -> Found:
        """Every gap of the places read completely."""
        full = full_places(self._plan)
        broken = {(f.target.account_id, f.target.region, f.listing) for f in unread}

        def complete(place: Place, *sources: Source) -> bool:
            return not any(
                (who, place[1], GapListing(source)) in broken
                for who in (place[0], "*")
                for source in sources
            )

        places = sorted({*sightings.places(), *full})
        found = self.found
        found.jobs_only = tuple(sorted({p[0] for p in places if p not in full}))
        judged: dict[Place, list[LastBackup]] = {}
        for place in places:
            in_full = place in full
            needed = (Source.BACKUP_JOBS, Source.PROTECTED) if in_full else (Source.BACKUP_JOBS,)
            if complete(place, *needed):
                protected = sightings.protected.get(place, []) if in_full else None
                judged[place] = candidates(sightings.backups.get(place, []), protected)
                found.resources_checked += _resources(sightings, place, protected is not None)
        if rpo is None:
            self._trace_unlisted(judged, full)
        copying = {
            place: list(settled(sightings.backups.get(place, []), now, grace))
            for place in places
            if complete(place, Source.BACKUP_JOBS, Source.COPY_JOBS)
        }
        keys = {
            plan_key(*place, item.creator)
            for place, items in judged.items()
            if place in full and rpo is None
            for item in items
            if item.creator is not None
        } | {
            plan_key(*place, traced.creator)
            for place, backups in copying.items()
            if place in full
            for traced in backups
            if traced.creator is not None
        }
        versions = self._plan_versions(sorted(keys, key=str))
        for place, items in judged.items():
            for item in items:
                key = plan_key(*place, item.creator) if item.creator else None
                expected, rule, known = expect(item, rpo, versions.get(key) if key else None)
                found.unjudged += not known
                if expected is not None and expected.overdue_since < now:
                    found.stopped.append(stopped_gap(item, expected, rule))
        for place in copying:
            backups, copies = sightings.backups.get(place, []), sightings.copies.get(place, [])
            planned = _planned(place, versions) if place in full else None
            gaps, checked = copy_gaps(
                backups, copies, _destinations(planned, copied_to(copies, backups)), now, grace
            )
            found.copies += gaps
            found.backups_checked += checked
        return found

    def _trace_unlisted(self, judged: dict[Place, list[LastBackup]], full: set[Place]) -> None:
        """The creator of each last backup no job listing shows: DescribeRecoveryPoint."""
        wanted = [
            (place, index, item)
            for place, items in judged.items()
            if place in full
            for index, item in enumerate(items)
            if _describable(item)
        ]

        def describe(entry: tuple[Place, int, LastBackup]) -> Creator | None:
            place, _, item = entry
            assert item.vault_arn is not None and item.recovery_point_arn is not None
            target = self._target(place)
            return self._reader.recovery_point_creator(
                target, item.vault_arn, item.recovery_point_arn
            )

        for (place, index, item), result in zip(
            wanted, self._gather(describe, wanted), strict=True
        ):
            if isinstance(result, BackupctlError):
                self._failed(place, Source.RECOVERY_POINTS, result)
            elif result is not None:
                judged[place][index] = replace(item, creator=result)

    def _plan_versions(self, keys: Sequence[PlanKey]) -> dict[PlanKey, PlanVersion]:
        """GetBackupPlan once per plan version; a plan not found (deleted) is left out."""

        def get(key: PlanKey) -> PlanVersion:
            account, region, plan_id, version = key
            return self._reader.plan_version(self._target((account, region)), plan_id, version)

        versions: dict[PlanKey, PlanVersion] = {}
        for key, result in zip(keys, self._gather(get, keys), strict=True):
            if isinstance(result, PlanVersion):
                versions[key] = result
            elif result.code != _NOT_FOUND:
                self._failed((key[0], key[1]), Source.PLANS, result)
        return versions

    def _gather(self, fn: Callable[[_T], _R], items: Sequence[_T]) -> list[_R | BackupctlError]:
        where = self._where
        return gather(fn, items, concurrency=where.concurrency, call_timeout=where.timeout)

    def _failed(self, place: Place, source: Source, error: BackupctlError) -> None:
        self.found.failures.append(Failure(self._target(place), GapListing(source), error))


def _describable(item: LastBackup) -> bool:
    """Whether a last backup no listing shows can be traced to its rule (no creator yet)."""
    unknown = item.creator is None and item.job_id is None
    return unknown and item.vault_arn is not None and item.recovery_point_arn is not None


def _resources(sightings: Sightings, place: Place, protected: bool) -> int:
    if protected:
        return len(sightings.protected.get(place, []))
    return len({t.job.resource_arn for t in sightings.backups.get(place, [])})


def _planned(
    place: Place, versions: dict[PlanKey, PlanVersion]
) -> Callable[[TracedJob], Destinations | None]:
    """Destinations by the rule's CopyActions (None when its plan version was not read)."""

    def planned(traced: TracedJob) -> Destinations | None:
        creator = traced.creator
        version = versions.get(plan_key(*place, creator)) if creator else None
        rule = version.rules.get(creator.rule_id or "") if version and creator else None
        if version is None or rule is None:
            return None
        return (
            rule.destinations,
            Evidence.PLAN,
            f"plan {version.name} rule {rule.name} copies there",
        )

    return planned


def _destinations(
    planned: Callable[[TracedJob], Destinations | None] | None,
    seen: dict[tuple[str, str | None, str | None], set[str]],
) -> Callable[[TracedJob], Destinations | None]:
    """By the plan where it was read, else by where the rule's other backups were copied."""

    def destinations(traced: TracedJob) -> Destinations | None:
        found = planned(traced) if planned else None
        if found is not None or traced.creator is None:
            return found
        creator = traced.creator
        vaults = tuple(sorted(seen.get(rule_of(creator), ())))
        rule = creator.rule_name or creator.rule_id
        words = f"the other backups of rule {rule} were copied there"
        return (vaults, Evidence.COPIES, words) if vaults else None

    return destinations
