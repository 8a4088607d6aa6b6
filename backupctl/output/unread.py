"""What could not be read, in lines for stderr and the reports: one line per kind of error
and the accounts that failed alike."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from backupctl.domain.errors import BackupctlError
from backupctl.domain.job import Kind
from backupctl.domain.outcome import Chain, Failure, Outcome
from backupctl.domain.problems import Unreadable
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS
from backupctl.output.safe import safe_str

C = TypeVar("C", bound=Chain)
L = TypeVar("L")

# What stands for each account's own id in the words of a line that names several.
ACCOUNT_MARK = "{account}"


def reads_text(kinds: Collection[Kind], others: Collection[str] = ()) -> str:
    """``backup, copy jobs``, and whatever else was being read: ``protected resources``."""
    named = ", ".join(k.value for k in Kind if k in kinds)
    return ", ".join(([f"{named} jobs"] if named else []) + sorted(others))


@dataclass(frozen=True, slots=True)
class _Unread:
    """What one failed read (a chain, or a report's target) brings to a line."""

    account: str
    region: str
    code: str  # what makes two failures of one account alike
    kinds: frozenset[Kind]
    others: frozenset[str]
    reason: str
    order: tuple[str, str]  # the failure whose words are shown is the first in this order
    read: int = 0


@dataclass(frozen=True, slots=True)
class _Line:
    accounts: list[tuple[str, int]]  # each account, and the jobs it printed before failing
    regions: list[str]
    what: str
    reason: str  # ACCOUNT_MARK for each account's own id

    def who(self) -> str:
        """``account 1234``, ``all accounts``, or ``3 accounts (1, 2, 3)``."""
        if len(self.accounts) > 1:
            return f"{len(self.accounts)} accounts ({', '.join(a for a, _ in self.accounts)})"
        account = self.accounts[0][0]
        return "all accounts" if account == ALL_ACCOUNTS else f"account {account}"

    def words(self) -> str:
        """The reason, in an account's own words when the line names one."""
        if len(self.accounts) > 1:
            return self.reason
        return self.reason.replace(ACCOUNT_MARK, self.accounts[0][0])


def _alike(unread: Iterable[_Unread]) -> list[_Line]:
    """One line per kind of error, naming the accounts, regions and kinds it covers.

    Calls of one account fail alike (a denied role, a refused permission), so grouping by
    the error's code names each failed target once; the words shown are those of its first
    failure in a fixed order (backup jobs first, then the first region).
    Accounts that failed alike (the same code, regions, kinds and words, their own id
    aside: a role ARN names it) share one line that counts and names them.
    """
    groups: dict[tuple[str, str], list[_Unread]] = {}
    for one in unread:
        groups.setdefault((one.account, one.code), []).append(one)
    alike: dict[tuple[str, tuple[str, ...], str, str], list[tuple[str, int]]] = {}
    for (account, code), group in sorted(groups.items()):
        regions = tuple(sorted({u.region for u in group}))
        kinds = frozenset(k for u in group for k in u.kinds)
        others = {o for u in group for o in u.others}
        reason = min(group, key=lambda u: u.order).reason.replace(account, ACCOUNT_MARK)
        key = (code, regions, reads_text(kinds, others), reason)
        alike.setdefault(key, []).append((account, sum(u.read for u in group)))
    return [
        _Line(accounts, list(regions), what, reason)
        for (_, regions, what, reason), accounts in alike.items()
    ]


def failure_lines(failures: Sequence[Failure[C]]) -> list[str]:
    """The failed chains, one line per kind of error and the accounts that failed alike."""
    unread = (
        _Unread(
            account=f.target.account_id,
            region=f.target.region,
            code=f.error.code or type(f.error).__name__,
            kinds=frozenset() if f.listing.kind is None else frozenset({f.listing.kind}),
            others=frozenset() if f.listing.kind is not None else frozenset({str(f.listing)}),
            reason=f.error.reason,
            order=(str(f.listing), f.target.region),
            # Only the job listings of a command that prints jobs print what they read.
            read=f.read if isinstance(f.listing, Listing) else 0,
        )
        for f in failures
    )
    lines = []
    for line in _alike(unread):
        read = sum(n for _, n in line.accounts)
        partial = f"; {read} jobs read before the failure were printed" if read else ""
        lines.append(
            f"could not read {line.who()} in {', '.join(line.regions)} ({line.what}): "
            f"{line.words()}{partial}"
        )
    return lines


def unreadable_lines(targets: Sequence[Unreadable]) -> list[str]:
    """A report's unreadable targets, one line per kind of error and the accounts that
    failed alike, inert (the account, region and reason are the service's words): a wrong
    ``--role`` over 6 accounts and 34 regions is one line, not 204."""
    unread = (
        _Unread(
            account=t.account_id,
            region=t.region,
            code=t.code or t.reason,
            kinds=frozenset(t.kinds),
            others=frozenset(t.others),
            reason=t.reason,
            order=("", t.region),
        )
        for t in targets
    )
    lines = []
    for line in _alike(unread):
        regions = ", ".join(line.regions)
        where = f"{len(line.regions)} regions ({regions})" if len(line.regions) > 1 else regions
        lines.append(safe_str(f"{line.who()} in {where} ({line.what}): {line.words()}"))
    return lines


def unfound_line(error: BackupctlError, accounts_read: int) -> str:
    """Why the organization's accounts could not all be listed, and what was read."""
    doing = error.doing or "listing the accounts"
    return (
        f"could not finish {doing}: {error.reason}; only the {accounts_read} "
        "accounts listed before that were read"
    )


def progress_text(outcome: Outcome[L]) -> str:
    """``listings 12/60, 4,800 jobs found, 1 failed``; "so far" while accounts are listed."""
    so_far = " so far" if outcome.finding else ""
    failed = f", {len(outcome.failures)} failed" if outcome.failures else ""
    return f"listings {outcome.done}/{outcome.total}{so_far}, {outcome.items:,} jobs found{failed}"
