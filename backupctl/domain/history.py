"""The history store's terms: which stored targets a read covers, what a sync knows of each
listing it finished, and which jobs may still change.

A *listing* here is one account (or ``*``, the whole organization read with one
``ByAccountId=*`` listing), one region and one kind of job: the unit a sync reads and
keeps a mark for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from backupctl.domain.errors import UsageError
from backupctl.domain.job import Kind
from backupctl.domain.targets import ALL_ACCOUNTS, TargetOptions

# A job in one of these states never changes again; any other state (the active ones, a
# state backupctl does not know, none at all) is read again until it ends.
FINAL_STATES: frozenset[str] = frozenset({"COMPLETED", "FAILED", "ABORTED", "EXPIRED", "PARTIAL"})


def is_final(state: str | None) -> bool:
    """Whether a job in ``state`` can still change."""
    return state in FINAL_STATES


@dataclass(frozen=True, slots=True)
class Scope:
    """Which stored jobs a read covers: these accounts and regions, None meaning every one
    the store holds (with no AWS call there is no caller account or default region to
    stand for "the default")."""

    accounts: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None

    @classmethod
    def of(cls, options: TargetOptions) -> Scope:
        """The scope of validated target options; ``--ou`` needs Organizations, so it is
        refused (UsageError) rather than guessed."""
        if options.ou is not None:
            raise UsageError(
                "--ou needs Organizations to know its accounts: with --history, "
                "name them with --account (or --account all)"
            )
        accounts = None if not options.accounts or options.all_accounts else options.accounts
        regions = None if not options.regions or options.all_regions else options.regions
        return cls(accounts, regions)

    def holds(self, account_id: str, region: str | None) -> bool:
        """Whether a stored listing of ``account_id`` (or ``*``) in ``region`` (None: in
        any) is in scope."""
        in_accounts = (
            self.accounts is None or account_id == ALL_ACCOUNTS or account_id in self.accounts
        )
        return in_accounts and (self.regions is None or region is None or region in self.regions)


@dataclass(frozen=True, slots=True)
class SyncMark:
    """What the store knows of one listing a sync finished.

    ``high_water``: the newest creation time the finished listings read (None: they read
    no job); the next sync lists from there, less an overlap. ``covered_from``: the
    oldest creation time the first finished listing could see (the API keeps 30 days).
    ``synced_at``: when the last listing finished.
    """

    account_id: str
    region: str
    kind: Kind
    high_water: datetime | None
    covered_from: datetime
    synced_at: datetime

    @property
    def target_name(self) -> str:
        """``account 123456789012 in eu-west-1`` (or ``all accounts in ...``)."""
        who = "all accounts" if self.account_id == ALL_ACCOUNTS else f"account {self.account_id}"
        return f"{who} in {self.region}"


@dataclass(frozen=True, slots=True)
class Freshness:
    """How well the store covers a read: what was asked and never synced (``account X in
    R``, ``account X``, ``region R``, or ``anything``), the targets last synced longer
    than a day ago (their oldest listing), and where the store's history of the targets
    starts when the window reaches before it."""

    unsynced: tuple[str, ...]
    stale: tuple[SyncMark, ...]
    starts: datetime | None
