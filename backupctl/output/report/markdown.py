"""The Markdown report: for a ticket or a chat message."""

from __future__ import annotations

import re
from datetime import datetime

from backupctl.domain.problems import Summary, problem_of
from backupctl.output.report.common import header, message, problem_words, target_line, when
from backupctl.output.safe import safe_str

# Characters that start Markdown syntax inside a line or a table cell: emphasis, code,
# links, HTML and the cell separator. (Line-start syntax such as # or - cannot occur:
# every escaped value sits after other text.)
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~])")


def escape(text: str) -> str:
    """``text`` inert in Markdown and on a terminal: syntax characters backslash-escaped."""
    return _MARKDOWN.sub(r"\\\1", safe_str(text))


def render_markdown(summary: Summary, now: datetime) -> str:
    """The report as Markdown: a heading per account, a table of resources."""
    lines = ["## AWS Backup problems", "", escape(header(summary, now))]
    if summary.unreadable:
        lines += ["", "### Could not read", ""]
        for target in summary.unreadable:
            kinds = ", ".join(k.value for k in target.kinds)
            lines.append(
                "- " + escape(target_line(target.account_id, target.region, kinds, target.reason))
            )
    for account in summary.groups():
        name = f" ({escape(account.name)})" if account.name else ""
        lines += [
            "",
            f"### Account {account.account_id}{name}: {account.count} problem"
            + ("" if account.count == 1 else "s"),
            "",
            "| resource | problem | jobs | latest | job | message |",
            "|---|---|---|---|---|---|",
        ]
        for group in account.resources:
            latest = group.latest
            resource = escape(group.resource)
            if group.resource_name and group.resource_name not in group.resource:
                resource = f"{escape(group.resource_name)}<br>{resource}"
            lines.append(
                f"| {resource} | {problem_words(problem_of(latest) or '?')} | {len(group.jobs)} "
                f"| {escape(when(latest.created_at, now))} "
                f"| {latest.kind.value} `{latest.job_id}` ({latest.region}) "
                f"| {escape(message(latest.status_message))} |"
            )
    return "\n".join(lines) + "\n"
