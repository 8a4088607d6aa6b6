"""Reading the history store: the ``--history`` source of jobs, one stored job, and how
well the store covers what was asked (never synced, synced too long ago, or not as far
back as the window).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from backupctl.app.reading import Reading
from backupctl.domain.history import Freshness, Scope, SyncMark
from backupctl.domain.job import Job, JobDetail, Kind
from backupctl.domain.outcome import Outcome
from backupctl.domain.query import Query
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Plan, Target

if TYPE_CHECKING:
    from backupctl.local.history_store import HistoryStore

# A store synced longer ago than this is said to be stale (cron keeps it current).
STALE_AFTER = timedelta(days=1)


def stored_plan(marks: Sequence[SyncMark], scope: Scope) -> Plan:
    """The stored targets in ``scope``, as the plan of a read: no caller (no AWS call is
    made), each target as synced (``*`` is the whole organization, read at once)."""
    pairs = sorted({(m.account_id, m.region) for m in marks if scope.holds(m.account_id, m.region)})
    regions = sorted({region for _, region in pairs})
    targets = [Target(account, region, Access.CALLER) for account, region in pairs]
    return Plan("", Access.CALLER, regions, targets=targets)


class StoredJobs:
    """The jobs the history store holds within ``scope``: a ``JobSource``."""

    def __init__(self, store: HistoryStore, scope: Scope) -> None:
        self._store, self._scope = store, scope

    def read(self, query: Query, on_page: Callable[[Sequence[Job]], None]) -> Reading:
        """The query's jobs, newest first, a page at a time."""
        items = 0
        for page in self._store.jobs(query, self._scope):
            on_page(page)
            items += len(page)
        plan = stored_plan(self._store.marks(), self._scope)
        done = len(plan.targets)
        return Reading.of(plan, Outcome(total=done, items=items, done=done))

    def account_names(self, plan: Plan) -> dict[str, str]:
        """The names the syncs learnt of the accounts in scope."""
        return self._store.names(self._scope)


def find_stored(
    store: HistoryStore, job_id: str, kinds: Sequence[Kind], scope: Scope
) -> JobDetail | None:
    """The stored job with this id: its record as last synced (the List calls' fields; the
    fields only Describe returns are not stored)."""
    job = store.find(job_id, kinds, scope)
    return None if job is None else JobDetail(job, {})


def freshness(
    store: HistoryStore, scope: Scope, since: datetime | None, now: datetime
) -> Freshness:
    """How well the store's syncs cover a read of ``scope`` from ``since`` at ``now``."""
    held = [m for m in store.marks() if scope.holds(m.account_id, m.region)]
    oldest: dict[tuple[str, str], SyncMark] = {}
    for mark in held:
        known = oldest.get((mark.account_id, mark.region))
        if known is None or mark.synced_at < known.synced_at:
            oldest[mark.account_id, mark.region] = mark
    stale = tuple(m for m in oldest.values() if m.synced_at < now - STALE_AFTER)
    late = [m.covered_from for m in held if since is not None and m.covered_from > since]
    org_wide = any(m.account_id == ALL_ACCOUNTS for m in held)
    # An org-view sync covers the organization's accounts, not any account named.
    in_org = store.known(scope.accounts) if org_wide and scope.accounts else frozenset()
    return Freshness(_unsynced(held, scope, in_org), stale, max(late, default=None))


def _unsynced(held: Sequence[SyncMark], scope: Scope, known: Collection[str]) -> tuple[str, ...]:
    """The accounts and regions of ``scope`` no sync covers; an org-view sync (``*``)
    covers the ``known`` accounts."""

    def covers(mark: SyncMark, account: str | None) -> bool:
        if account is None or mark.account_id == account:
            return True
        return mark.account_id == ALL_ACCOUNTS and account in known

    def synced(account: str | None, region: str | None) -> bool:
        return any(covers(m, account) and (region is None or m.region == region) for m in held)

    accounts: Sequence[str | None] = scope.accounts or [None]
    regions: Sequence[str | None] = scope.regions or [None]
    missing = [(a, r) for a in accounts for r in regions if not synced(a, r)]
    return tuple(_name(account, region) for account, region in missing)


def _name(account: str | None, region: str | None) -> str:
    if account is None and region is None:
        return "anything"
    if account is None:
        return f"region {region}"
    return f"account {account}" + (f" in {region}" if region is not None else "")
