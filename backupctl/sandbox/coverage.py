"""Which resources each plan backs up, sized so an account and region has about the jobs
it was asked for.

Jobs follow the schedules, so their number is set by how many resources each rule backs
up: the daily rules make about 30 backups a resource in the 30 days, the weekly rule 4 or
5, and each completed backup of a rule with copy actions makes one copy per destination.
The counts below come close to the backup and copy shares; on-demand backups make up the
rest of the backups.
"""

from __future__ import annotations

from dataclasses import dataclass

from backupctl.sandbox.plans import DAILY, DAILY_DR, WEEKLY, Plan
from backupctl.sandbox.resources import Resource

COMPLETES = 0.86  # about this share of scheduled backups complete, and are copied
ON_DEMAND_SHARE = 0.05  # the share of backups left to on-demand jobs
ON_DEMAND_LEAST = 0.02  # however many scheduled jobs there are, this share is on demand
STACK_MEMBERS = 3  # resources in the CloudFormation stack backed up as a composite
_STACK_SHARE = 0.15  # the stack's backups may take at most this share of the backups
_WEEKLY_SHARE = 0.25  # a quarter of the resources are backed up weekly only
_FIT_WEIGHT = 0.2  # how much a weekly share off the mark costs, against a budget missed


@dataclass(frozen=True)
class Protection:
    """A resource one plan backs up, and how its backups go.

    ``stopped_at``: from this moment on no job at all is made for it (untagged, or taken out
    of the selection). ``failing_since``: from this moment on every scheduled job fails.
    """

    resource: Resource
    plan: Plan
    stopped_at: float | None = None
    failing_since: float | None = None


@dataclass(frozen=True)
class Coverage:
    """How many resources each plan backs up, and the stack's size (0: no stack)."""

    resources: dict[str, int]
    stack_members: int


def _runs(plan: Plan, start: float, end: float) -> int:
    return len(plan.runs(start, end))


def plan_coverage(
    backups: int, copies: int, plans: dict[str, Plan], start: float, end: float
) -> Coverage:
    """Resources per plan so that [start, end) holds about ``backups`` backup jobs and
    ``copies`` copy jobs."""
    daily, dr, weekly = (_runs(plans[kind], start, end) for kind in (DAILY, DAILY_DR, WEEKLY))
    dr_copies = COMPLETES * dr * len(plans[DAILY_DR].rule.destinations)
    weekly_copies = COMPLETES * weekly * len(plans[WEEKLY].rule.destinations)
    stack_backups = weekly * (1 + STACK_MEMBERS)
    stack = STACK_MEMBERS if stack_backups <= _STACK_SHARE * backups else 0
    target = backups * (1 - ON_DEMAND_SHARE) - (stack_backups if stack else 0)
    copy_target = copies - (weekly_copies * (1 + STACK_MEMBERS) if stack else 0)
    best: tuple[float, dict[str, int]] | None = None
    for weeklies in range(int(max(target, 0) / max(weekly, 1)) + 2):
        rest = target - weeklies * weekly
        if rest < 0 and best is not None:
            break
        most_dr = int(max(rest, 0) // max(dr, 1))
        wanted_dr = (copy_target - weeklies * weekly_copies) / max(dr_copies, 1.0)
        drs = min(most_dr, max(0, round(wanted_dr)))
        dailies = max(0, round((rest - drs * dr) / max(daily, 1)))
        made = dailies * daily + drs * dr + weeklies * weekly
        copied = drs * dr_copies + weeklies * weekly_copies
        count = dailies + drs + weeklies
        cost = abs(made - target) / max(target, 1.0) + abs(copied - copy_target) / max(copies, 1)
        cost += _FIT_WEIGHT * abs(weeklies / max(count, 1) - _WEEKLY_SHARE)
        if best is None or cost < best[0]:
            best = (cost, {DAILY: dailies, DAILY_DR: drs, WEEKLY: weeklies})
    counts = best[1] if best else {DAILY: 0, DAILY_DR: 0, WEEKLY: 0}
    if backups > 0 and not any(counts.values()):
        # Too few jobs for a daily resource: one weekly resource, so every account has one.
        counts[WEEKLY if target < daily else DAILY] = 1
    return Coverage(counts, stack)
