"""The Markdown report: for a ticket or a chat message."""

from __future__ import annotations

import re
from datetime import datetime

from backupctl.domain.problems import Summary, problem_of
from backupctl.output.report.common import header, message, problem_words, when
from backupctl.output.safe import safe_str
from backupctl.output.unread import unreadable_lines

# Characters that start Markdown syntax inside a line or a table cell: emphasis, code,
# links, HTML and entities, and the cell separator. (Line-start syntax such as # or -
# cannot occur: every escaped value sits after other text, on one line.)
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&])")
_BACKTICKS = re.compile("`+")


def escape(text: str) -> str:
    """``text`` inert in Markdown and on a terminal: syntax characters backslash-escaped."""
    return _MARKDOWN.sub(r"\\\1", safe_str(text))


def code(text: str) -> str:
    """``text`` as a code span in a table cell, shown as it is whatever backticks it holds:
    its fence is longer than any run of backticks inside (CommonMark), and its pipes are
    escaped, which a GFM table asks even inside code."""
    text = safe_str(text).replace("|", "\\|")
    fence = "`" * (max(map(len, _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(summary: Summary, now: datetime) -> str:
    """The report as Markdown: a heading per account, a table of resources."""
    lines = ["## AWS Backup problems", "", escape(header(summary, now))]
    if summary.unreadable:
        lines += ["", "### Could not read", ""]
        lines += ["- " + escape(line) for line in unreadable_lines(summary.unreadable)]
    for account in summary.groups():
        name = f" ({escape(account.name)})" if account.name else ""
        lines += [
            "",
            f"### Account {escape(account.account_id)}{name}: {account.count} problem"
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
                f"| {resource} | {problem_words(problem_of(latest) or '?')} | {group.count} "
                f"| {escape(when(latest.created_at, now))} "
                f"| {latest.kind.value} {code(latest.job_id)} ({escape(latest.region)}) "
                f"| {escape(message(latest.status_message))} |"
            )
    return "\n".join(lines) + "\n"
