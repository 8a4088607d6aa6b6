"""The plain-text report: for a terminal or a cron mail, no colour, no markup; every string
from the data is made inert (``safe_str``), so none can move the cursor or start a line."""

from __future__ import annotations

from datetime import datetime

from backupctl.domain.problems import Summary, problem_of
from backupctl.output.report.common import header, message, problem_words, when
from backupctl.output.safe import safe_str
from backupctl.output.unread import unreadable_lines


def render_text(summary: Summary, now: datetime) -> str:
    """The report as plain text lines."""
    lines = [header(summary, now)]
    if summary.unreadable:
        lines += ["", "Could not read:"]
        lines += ["  " + line for line in unreadable_lines(summary.unreadable)]
    for account in summary.groups():
        name = f" ({safe_str(account.name)})" if account.name else ""
        noun = "problem" if account.count == 1 else "problems"
        lines += ["", f"account {safe_str(account.account_id)}{name}: {account.count} {noun}"]
        for group in account.resources:
            latest = group.latest
            label = safe_str(group.resource)
            if group.resource_name and group.resource_name not in group.resource:
                label = f"{safe_str(group.resource_name)} {label}"
            problems = problem_words(problem_of(latest) or "?")
            count = f"{group.count} x " if group.count > 1 else ""
            lines.append(f"  {label}")
            lines.append(
                f"    {count}{problems}, latest {when(latest.created_at, now)}, "
                f"{latest.kind.value} job {safe_str(latest.job_id)} in {safe_str(latest.region)}"
            )
            lines.append(f"    {message(latest.status_message)}")
    return "\n".join(lines) + "\n"
