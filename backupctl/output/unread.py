"""What could not be read, in lines for stderr: one line per account and kind of error."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

from backupctl.domain.errors import BackupctlError
from backupctl.domain.job import Kind
from backupctl.domain.outcome import Chain, Failure, Outcome
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS

C = TypeVar("C", bound=Chain)
L = TypeVar("L")

# What stands for each account's own id in the words of a line that names several.
ACCOUNT_MARK = "{account}"


def reads_text(kinds: Collection[Kind], others: Collection[str] = ()) -> str:
    """``backup, copy jobs``, and whatever else was being read: ``protected resources``."""
    named = ", ".join(k.value for k in Kind if k in kinds)
    return ", ".join(([f"{named} jobs"] if named else []) + sorted(others))


def failure_lines(failures: Sequence[Failure[C]]) -> list[str]:
    """One line per kind of error, naming the accounts, regions and kinds it covers.

    Calls of one account fail alike (a denied role, a refused permission), so grouping by
    the error's code names each failed target once; the words shown are those of its first
    listing in a fixed order (backup jobs first, then the first region), whichever failed
    first.
    Accounts that failed alike (the same code, regions, kinds and words, their own id
    aside: a role ARN names it) share one line that counts and names them.
    """
    groups: dict[tuple[str, str], list[Failure[C]]] = {}
    for failure in failures:
        code = failure.error.code or type(failure.error).__name__
        groups.setdefault((failure.target.account_id, code), []).append(failure)
    alike: dict[tuple[str, str, str, str], list[tuple[str, int]]] = {}
    for (account, code), group in sorted(groups.items()):
        regions = ", ".join(sorted({f.target.region for f in group}))
        kinds = {kind for f in group if (kind := f.listing.kind) is not None}
        others = {str(f.listing) for f in group if f.listing.kind is None}
        first = min(group, key=lambda f: (str(f.listing), f.target.region))
        reason = first.error.reason.replace(account, ACCOUNT_MARK)
        # Only the job listings of a command that prints jobs print what they read.
        read = sum(f.read for f in group if isinstance(f.listing, Listing))
        key = (code, regions, reads_text(kinds, others), reason)
        alike.setdefault(key, []).append((account, read))
    lines = []
    for (_, regions, what, reason), accounts in alike.items():
        if len(accounts) == 1:
            account = accounts[0][0]
            who = "all accounts" if account == ALL_ACCOUNTS else f"account {account}"
            reason = reason.replace(ACCOUNT_MARK, account)
        else:
            who = f"{len(accounts)} accounts ({', '.join(a for a, _ in accounts)})"
        read = sum(n for _, n in accounts)
        partial = f"; {read} jobs read before the failure were printed" if read else ""
        lines.append(f"could not read {who} in {regions} ({what}): {reason}{partial}")
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
