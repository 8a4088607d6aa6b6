"""What the sandbox breaks on purpose in one account and region, so ``report gaps`` has
something to find and something it must not mistake for a gap.

Each stopped resource stops at a moment S at least two of its intervals plus its start
window before now, so that the missing runs are beyond doubt; its last run before S
completed. Those stopped "long ago" stopped before the 30 days the job listings keep: only
ListProtectedResources still knows them. A failing resource keeps getting jobs, which fail:
a failure, not a gap.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from backupctl.sandbox.config import SandboxConfig
from backupctl.sandbox.coverage import Protection
from backupctl.sandbox.plans import DAILY, DAILY_DR, DAY, WEEKLY, Plan
from backupctl.sandbox.resources import Resource

# Days before now that S is drawn from, by plan kind. Recent stops leave their last run
# inside the 30 days; a weekly rule's S is at least 2 weeks + 8 hours before now.
_RECENT = {DAILY: (3.0, 20.0), DAILY_DR: (3.0, 20.0), WEEKLY: (15.5, 21.0)}
# A daily resource stopped long ago still has its last recovery point (kept 35 days).
_LONG_AGO = {DAILY: (31.5, 33.5), WEEKLY: (36.0, 80.0)}
_FAILING = (2.5, 8.0)
_RECENT_ORDER = (DAILY, WEEKLY, DAILY_DR)
_LONG_AGO_ORDER = (WEEKLY, DAILY)
_FAILING_ORDER = (DAILY_DR, DAILY)


@dataclass(frozen=True)
class GapQuota:
    """What breaks on purpose in one account and region: the plan kind of each resource
    that stops or fails, and how many copies are missing or fail."""

    stopped: tuple[str, ...] = ()  # stopped inside the 30 days
    stopped_long_ago: tuple[str, ...] = ()  # stopped before them
    failing: tuple[str, ...] = ()  # backups that fail from some moment on
    missing_copies: int = 0  # completed backups whose copy to one destination never ran
    failed_copies: int = 0  # copies that ended FAILED (a composite's: PARTIAL)

    def __add__(self, other: GapQuota) -> GapQuota:
        return GapQuota(
            self.stopped + other.stopped,
            self.stopped_long_ago + other.stopped_long_ago,
            self.failing + other.failing,
            self.missing_copies + other.missing_copies,
            self.failed_copies + other.failed_copies,
        )


def broken_protections(
    rng: random.Random,
    quota: GapQuota,
    plans: dict[str, Plan],
    draw: Callable[[], Resource],
    now: float,
) -> list[Protection]:
    """New resources that stop or fail as ``quota`` says; ``draw`` makes each resource."""

    def days_ago(bounds: tuple[float, float]) -> float:
        return round(now - rng.uniform(*bounds) * DAY, 3)

    broken: list[Protection] = []
    for kind in quota.stopped:
        broken.append(Protection(draw(), plans[kind], stopped_at=days_ago(_RECENT[kind])))
    for kind in quota.stopped_long_ago:
        broken.append(Protection(draw(), plans[kind], stopped_at=days_ago(_LONG_AGO[kind])))
    for kind in quota.failing:
        broken.append(Protection(draw(), plans[kind], failing_since=days_ago(_FAILING)))
    return broken


Slot = tuple[str, str]  # (account id, region)


def _spread(count: int, slots: int, offset: int) -> list[int]:
    """``count`` slot indices spread evenly over ``slots``, from ``offset`` on."""
    return [(offset + index * slots // count) % slots for index in range(count)]


def _add(quotas: dict[Slot, GapQuota], slot: Slot, quota: GapQuota) -> None:
    quotas[slot] = quotas.get(slot, GapQuota()) + quota


def spread_quotas(
    config: SandboxConfig, slots: list[Slot], copy_hosts: list[Slot]
) -> dict[Slot, GapQuota]:
    """Each account and region's share of the organization's gaps.

    Slots run account by account (the management account first), region by region. The
    stopped resources start at the first slot, so the management account has one, and
    alternate long ago / recent, and their plans daily / weekly / daily-DR; each kind of
    gap starts elsewhere so the gaps meet few times.
    Failed copies go first to the first slot, then to ``copy_hosts``, the slots whose
    hostile strings a copy job should carry: a FAILED copy job is the only copy a hostile
    string may go to.
    """
    quotas: dict[Slot, GapQuota] = {}
    if not slots:
        return quotas
    count = len(slots)
    stops: list[GapQuota] = []
    for number in range(max(config.stopped_resources, config.stopped_long_ago)):
        if number < config.stopped_long_ago:
            kind = _LONG_AGO_ORDER[number % len(_LONG_AGO_ORDER)]
            stops.append(GapQuota(stopped_long_ago=(kind,)))
        if number < config.stopped_resources:
            kind = _RECENT_ORDER[number % len(_RECENT_ORDER)]
            stops.append(GapQuota(stopped=(kind,)))
    for quota, index in zip(stops, _spread(len(stops), count, 0), strict=True):
        _add(quotas, slots[index], quota)
    failing = _spread(config.failing_resources, count, count // 3)
    for number, index in enumerate(failing):
        kind = _FAILING_ORDER[number % len(_FAILING_ORDER)]
        _add(quotas, slots[index], GapQuota(failing=(kind,)))
    for index in _spread(config.missing_copies, count, 1):
        _add(quotas, slots[index], GapQuota(missing_copies=1))
    hosts = list(dict.fromkeys([slots[0], *copy_hosts]))[: config.failed_copies]
    rest = config.failed_copies - len(hosts)
    for slot in [*hosts, *(slots[index] for index in _spread(rest, count, 2))]:
        _add(quotas, slot, GapQuota(failed_copies=1))
    return quotas
