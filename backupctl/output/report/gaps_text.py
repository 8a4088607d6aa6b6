"""The plain-text gap report: for a terminal or a cron mail, no colour, no markup."""

from __future__ import annotations

from backupctl.domain.gaps import GapSummary
from backupctl.output.report.gap_words import (
    account_title,
    by_account,
    copy_lines,
    gap_header,
    jobs_only_note,
    stopped_lines,
)
from backupctl.output.safe import safe_str
from backupctl.output.unread import unreadable_lines


def render_gaps_text(summary: GapSummary) -> str:
    """The report as plain text lines."""
    lines = [gap_header(summary)]
    note = jobs_only_note(summary)
    if note:
        lines.append(note)
    if summary.unreadable:
        lines += ["", "Could not read:"]
        lines += ["  " + line for line in unreadable_lines(summary.unreadable)]
    for account in by_account(summary):
        name = summary.account_names.get(account.account_id)
        named = safe_str(name) if name else None
        lines += [
            "",
            account_title(account.account_id, named, len(account.stopped), len(account.copies)),
        ]
        found = [stopped_lines(g, safe_str, summary.now) for g in account.stopped]
        found += [copy_lines(g, safe_str, summary.now) for g in account.copies]
        for what, detail, evidence in found:
            lines += [f"  {what}", f"    {detail}", f"    {evidence}"]
    return "\n".join(lines) + "\n"
