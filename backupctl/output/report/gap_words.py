"""What the text and Markdown gap reports share: the header, the org view's note, and the
words of each gap. Data from AWS in these lines (names, ARNs, evidence) is made inert by
the caller's ``clean`` (``safe_str`` for text, Markdown escaping for Markdown)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backupctl.domain.gaps import CopyGap, GapSummary, StoppedGap
from backupctl.output.report.common import not_repeated, when


def _plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def gap_header(summary: GapSummary) -> str:
    """One line of totals: gaps by kind, what was checked, targets read."""
    new = "new gap" if summary.already_reported else "gap"
    if summary.gaps:
        text = (
            f"{_plural(summary.gaps, new)}: "
            f"{_plural(len(summary.stopped), 'stopped resource')}, "
            f"{_plural(len(summary.copies), 'copy', 'copies')} missing or failed"
        )
    else:
        text = f"no {new}s"
    text += not_repeated(summary.already_reported, "gap")
    text += (
        f"; {_plural(summary.resources_checked, 'resource')} and "
        f"{_plural(summary.backups_checked, 'copied backup')} checked"
    )
    if summary.unjudged:
        text += f" ({summary.unjudged} with no schedule or history to judge by)"
    return text + f"; {summary.targets_read} of {summary.targets} targets read"


def jobs_only_note(summary: GapSummary) -> str | None:
    """What ``--role`` would add, once per report, when some accounts were judged from
    their job listings alone (the org view)."""
    if not summary.jobs_only:
        return None
    accounts = _plural(len(summary.jobs_only), "account")
    return (
        f"{accounts} judged from job listings alone (the org view): their resources whose "
        "last backup is older than the 30 days the listings keep cannot be seen, and their "
        "plans' start windows and copy rules are not read; --role reads them in full"
    )


def account_title(account_id: str, name: str | None, stopped: int, copies: int) -> str:
    """``account 1234 (name): 1 stopped resource, 2 copy gaps``; ``name`` already inert."""
    named = f" ({name})" if name else ""
    parts = [_plural(stopped, "stopped resource")] if stopped else []
    parts += [_plural(copies, "copy gap")] if copies else []
    return f"account {account_id}{named}: {', '.join(parts)}"


def stopped_lines(
    gap: StoppedGap, clean: Callable[[str], str], now: datetime
) -> tuple[str, str, str]:
    """(what, when, evidence) of a stopped resource."""
    name = f"{clean(gap.resource_name)} " if gap.resource_name else ""
    job = f", backup job {clean(gap.last_backup_job_id)}" if gap.last_backup_job_id else ""
    return (
        f"stopped: {name}{clean(gap.resource_arn)} in {gap.region}",
        f"last backup {when(gap.last_backup_time, now)}{job}; "
        f"overdue since {when(gap.expected.overdue_since, now)}",
        f"evidence: {clean(gap.expected.text)}",
    )


def copy_lines(gap: CopyGap, clean: Callable[[str], str], now: datetime) -> tuple[str, str, str]:
    """(what, where to, evidence) of a copy gap."""
    what = "copy missing" if gap.copy_job_id is None else f"copy {clean(gap.copy_state or '')}"
    resource = f" of {clean(gap.resource_arn)}" if gap.resource_arn else ""
    outcome = (
        "no copy job"
        if gap.copy_job_id is None
        else f"copy job {clean(gap.copy_job_id)} {clean(gap.copy_state or '')}"
    )
    return (
        f"{what}: backup job {clean(gap.backup_job_id)}{resource} in {gap.region}, "
        f"completed {when(gap.completed_at, now)}",
        f"to {clean(gap.destination_vault_arn)}: {outcome}",
        f"evidence: {clean(gap.expected.text)}",
    )


def ordered(summary: GapSummary) -> tuple[list[StoppedGap], list[CopyGap]]:
    """The gaps in report order: by account and region; resources by ARN, copies by the
    backup's completion."""
    stopped = sorted(summary.stopped, key=lambda g: (g.account_id, g.region, g.resource_arn))
    copies = sorted(summary.copies, key=_copy_order)
    return stopped, copies


def _copy_order(gap: CopyGap) -> tuple[str, str, datetime, str, str]:
    return (
        gap.account_id,
        gap.region,
        gap.completed_at,
        gap.backup_job_id,
        gap.destination_vault_arn,
    )


@dataclass(frozen=True, slots=True)
class AccountGaps:
    """One account's gaps, in report order."""

    account_id: str
    stopped: tuple[StoppedGap, ...]
    copies: tuple[CopyGap, ...]


def by_account(summary: GapSummary) -> list[AccountGaps]:
    """The gaps grouped by account, in report order."""
    stopped, copies = ordered(summary)
    accounts = sorted({g.account_id for g in stopped} | {g.account_id for g in copies})
    return [
        AccountGaps(
            account,
            tuple(g for g in stopped if g.account_id == account),
            tuple(g for g in copies if g.account_id == account),
        )
        for account in accounts
    ]
