"""The sandbox's data set: the organization, and its jobs generated lazily and cached, then
moved forward in time by ``advance``.

Also what each account holds in each region beside its jobs (plans, protected resources,
recovery points), and the record of the gaps the sandbox made on purpose.
"""

from __future__ import annotations

import heapq
import json
import threading
from datetime import datetime, timedelta
from typing import Any

from backupctl.sandbox.advance import Advance, Timeline
from backupctl.sandbox.config import SandboxConfig
from backupctl.sandbox.fates import GapQuota, spread_quotas
from backupctl.sandbox.gaps import Gaps
from backupctl.sandbox.hostile import HOSTILE_STRINGS
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.jobset import (
    DESCRIBE_SHAPES,
    KINDS,
    HostilePlacement,
    JobSet,
    build_jobset,
    project,
)
from backupctl.sandbox.organization import Account, OrganizationalUnit, build_organization
from backupctl.sandbox.wire import dumps

_EMPTY = JobSet()


class Dataset:
    """The organization and its jobs, exactly as the server answers for them."""

    def __init__(self, config: SandboxConfig, now: datetime) -> None:
        self.config = config
        self.now = now  # moved on by advance()
        self.generated_at = now  # what the generator's 30 days end at
        self.generation = 0  # how many times advance() has moved the jobs
        self.advances: list[Advance] = []
        self._timeline = Timeline(config.seed, now.timestamp())
        self.organization = build_organization(config.seed, config.members, now)
        self.regions: tuple[str, ...] = tuple(dict.fromkeys(config.regions))
        self._lock = threading.Lock()
        self._jobsets: dict[tuple[str, str], JobSet] = {}
        self._merged: dict[tuple[str, str], list[Job]] = {}
        slots = [(acct.id, region) for acct in self.active_accounts for region in self.regions]
        # Hostile string i goes to slot i % len(slots): each string lands at least once, and
        # on the default data set every account and region carries some.
        self._hostile_slots: dict[tuple[str, str], tuple[int, ...]] = {
            slot: tuple(range(position, len(HOSTILE_STRINGS), len(slots)))
            for position, slot in enumerate(slots)
        }
        copy_hosts = [
            slots[index % len(slots)]
            for index in range(len(HOSTILE_STRINGS))
            if KINDS[index % len(KINDS)] == "copy"
        ]
        self._quotas = spread_quotas(config, slots, copy_hosts)

    @property
    def management_account_id(self) -> str:
        """The Organizations management account."""
        return self.organization.management_account_id

    @property
    def accounts(self) -> tuple[Account, ...]:
        """Every account, management first, suspended ones included."""
        return self.organization.accounts

    @property
    def active_accounts(self) -> tuple[Account, ...]:
        """The ACTIVE accounts: the only ones with jobs."""
        return tuple(acct for acct in self.accounts if acct.active)

    @property
    def ous(self) -> tuple[OrganizationalUnit, ...]:
        """The organizational units, parents before children."""
        return self.organization.ous

    @property
    def root_id(self) -> str:
        """The organization's root."""
        return self.organization.root_id

    def account(self, account_id: str) -> Account | None:
        """The account with this id, or None."""
        return self.organization.account(account_id)

    def jobset(self, account_id: str, region: str) -> JobSet:
        """The jobs of one account in one region, generated on first use."""
        key = (account_id, region)
        found = self._jobsets.get(key)
        if found is not None:
            return found
        account = self.account(account_id)
        if account is None or not account.active or region not in self.regions:
            return _EMPTY
        with self._lock:
            found = self._jobsets.get(key)
            if found is None:
                found = self._jobsets[key] = self._build(account, region)
        return found

    def _build(self, account: Account, region: str) -> JobSet:
        central = next(
            (acct.id for acct in self.active_accounts if acct.name == "log-archive"), None
        )
        return build_jobset(
            self.config.seed,
            (account.id, account.name),
            region,
            self.regions,
            self.config.jobs_per_region,
            self.generated_at.timestamp(),
            central,
            self._hostile_slots.get((account.id, region), ()),
            self.config.large_records,
            self._quotas.get((account.id, region), GapQuota()),
        )

    def listing(self, kind: str, scope: str, region: str) -> list[Job]:
        """Jobs of ``kind`` newest first: one account's, or with ``*`` every account's."""
        if scope != "*":
            return self.jobset(scope, region).jobs[kind]
        key = (kind, region)
        cache = self._merged  # advance() replaces it: a merge it outdates is not kept
        merged = cache.get(key)
        if merged is None:
            parts = [self.jobset(acct.id, region).jobs[kind] for acct in self.active_accounts]
            merged = list(heapq.merge(*parts, key=lambda job: job.sort_key))
            cache[key] = merged
        return merged

    def job(self, kind: str, account_id: str, region: str, job_id: str) -> Job | None:
        """One job of one account and region, or None."""
        return self.jobset(account_id, region).index[kind].get(job_id)

    def jobs(self, kind: str, account_id: str, region: str) -> list[dict[str, Any]]:
        """The List members for one account and region, unfiltered, newest first."""
        _check_kind(kind)
        return [json.loads(job.listed) for job in self.listing(kind, account_id, region)]

    def describe(
        self, kind: str, account_id: str, region: str, job_id: str
    ) -> dict[str, Any] | None:
        """The Describe body for one job, or None when it is not there."""
        _check_kind(kind)
        job = self.job(kind, account_id, region, job_id)
        return None if job is None else json.loads(describe_body(job))

    def hostile_jobs(self) -> list[HostilePlacement]:
        """Where every hostile string was placed (generates every account and region)."""
        self.warm()
        placements: list[HostilePlacement] = []
        for acct in self.active_accounts:
            for region in self.regions:
                placements.extend(self.jobset(acct.id, region).hostile)
        return placements

    def advance(self, seconds: float) -> Advance:
        """Move ``now`` forward: active jobs run and end, new jobs appear, jobs past 30 days
        go (see ``advance``). Returns exactly which jobs changed; NextTokens handed out
        before are refused as expired from now on."""
        if not seconds > 0:
            raise ValueError(f"seconds must be positive, not {seconds}")
        self.warm()  # every job set moves; one generated later would start at generation
        with self._lock:
            start, end = self.now, self.now + timedelta(seconds=seconds)
            moved, changes = self._timeline.advance(
                self._jobsets, start.timestamp(), end.timestamp()
            )
            advance = Advance(
                start=start,
                end=end,
                generation=self.generation + 1,
                **{name: tuple(found) for name, found in changes.items()},
            )
            self._jobsets, self._merged = moved, {}
            self.now, self.generation = end, advance.generation
            self.advances.append(advance)
        return advance

    def gaps(self) -> Gaps:
        """Every gap the data set holds, and every resource failing on purpose (generates
        every account and region): what ``report gaps`` must find, and must not."""
        self.warm()
        found = Gaps()
        for acct in self.active_accounts:
            for region in self.regions:
                found += self.jobset(acct.id, region).gaps
        return found

    def warm(self) -> None:
        """Generate every account and region now rather than on first request."""
        for acct in self.active_accounts:
            for region in self.regions:
                self.jobset(acct.id, region)


def describe_body(job: Job) -> bytes:
    """The Describe output for ``job``, serialized."""
    body = project(job.kind, job.record, DESCRIBE_SHAPES)
    return dumps({"CopyJob": body} if job.kind == "copy" else body)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
