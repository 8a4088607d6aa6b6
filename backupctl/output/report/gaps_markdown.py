"""The Markdown gap report: for a ticket or a chat message."""

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
from backupctl.output.report.markdown import escape
from backupctl.output.unread import unreadable_lines


def render_gaps_markdown(summary: GapSummary) -> str:
    """The report as Markdown: a heading per account, a list item per gap."""
    lines = ["## AWS Backup gaps", "", escape(gap_header(summary))]
    note = jobs_only_note(summary)
    if note:
        lines += ["", f"_{escape(note)}_"]
    if summary.unreadable:
        lines += ["", "### Could not read", ""]
        lines += ["- " + escape(line) for line in unreadable_lines(summary.unreadable)]
    for account in by_account(summary):
        name = summary.account_names.get(account.account_id)
        named = escape(name) if name else None
        title = account_title(account.account_id, named, len(account.stopped), len(account.copies))
        lines += ["", f"### {title[0].upper()}{title[1:]}", ""]
        found = [stopped_lines(g, escape, summary.now) for g in account.stopped]
        found += [copy_lines(g, escape, summary.now) for g in account.copies]
        for what, detail, evidence in found:
            lines += [f"- **{what}**<br>{detail}<br>{evidence}"]
    return "\n".join(lines) + "\n"
