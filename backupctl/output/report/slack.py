"""A report as a Slack message (Block Kit), within Slack's limits.

Built from the text report, whose shape it relies on: paragraphs apart by blank lines; an
account's paragraph starts with ``account ``, and its items (a resource and its problem,
a gap) each start with a line indented two spaces, their details four. The message: a
header with the subject, then a section per paragraph (the totals, what could not be
read, each account). An account's list that does not fit a section is cut after whole
items with "… and N more"; accounts past the message's last block are one "… and N more
accounts". Every section is ``plain_text``: nothing in the data is read as markup, a link
or a mention (``<!channel>``), and the text report has already made it inert.
"""

from __future__ import annotations

from backupctl.domain.job import JsonValue

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks): at most 50 blocks a
# message; a section's text at most 3,000 characters, a header's 150. Slack counts
# characters as JavaScript does (UTF-16 code units: an emoji is two), and so does _length.
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
_ACCOUNT = "account "


def slack_message(subject: str, report: str) -> dict[str, JsonValue]:
    """The incoming-webhook payload: ``text`` (what notifications show) and ``blocks``."""
    paragraphs = [p for p in report.strip("\n").split("\n\n") if p.strip()]
    runs = _runs(paragraphs)
    headings = sum(1 for run in runs if isinstance(run, str))
    lists = len(runs) - headings
    # Every heading is kept; each list of accounts may need one block to say what was left.
    room = MAX_BLOCKS - 1 - headings - lists
    blocks: list[JsonValue] = [_header(subject)]
    for run in runs:
        if isinstance(run, str):
            blocks.append(_section(run))
            continue
        shown = run[:room]
        room -= len(shown)
        blocks += [_section(paragraph) for paragraph in shown]
        if len(shown) < len(run):
            blocks.append(_section(f"… and {len(run) - len(shown):,} more accounts"))
    return {"text": subject, "blocks": blocks}


def _runs(paragraphs: list[str]) -> list[str | list[str]]:
    """Headings (a str each) and the lists of account paragraphs between them."""
    runs: list[str | list[str]] = []
    for paragraph in paragraphs:
        if not paragraph.startswith(_ACCOUNT):
            runs.append(paragraph)
        elif runs and isinstance(runs[-1], list):
            runs[-1].append(paragraph)
        else:
            runs.append([paragraph])
    return runs


def _header(subject: str) -> JsonValue:
    return {"type": "header", "text": _plain(_cut(subject, MAX_HEADER_CHARS))}


def _section(paragraph: str) -> JsonValue:
    return {"type": "section", "text": _plain(_fitted(paragraph))}


def _plain(text: str) -> dict[str, JsonValue]:
    return {"type": "plain_text", "text": text, "emoji": False}


def _fitted(paragraph: str) -> str:
    """``paragraph`` within a section: its title, then whole items while they fit, and how
    many did not."""
    if _length(paragraph) <= MAX_SECTION_CHARS:
        return paragraph
    title, *lines = paragraph.split("\n")
    items: list[list[str]] = []
    for line in lines:
        if (line.startswith("  ") and not line.startswith("   ")) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    kept = _cut(title, MAX_SECTION_CHARS)
    for done, item in enumerate(items):
        more = f"\n  … and {len(items) - done:,} more"
        text = "\n".join(item)
        if _length(kept) + 1 + _length(text) + _length(more) > MAX_SECTION_CHARS:
            return kept + more if _length(kept + more) <= MAX_SECTION_CHARS else kept
        kept += "\n" + text
    return kept


def _cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, with "…" where it was cut."""
    if _length(text) <= limit:
        return text
    while _length(text) > limit - 1:
        text = text[: len(text) - max(1, (_length(text) - limit + 1) // 2)]
    return text + "…"


def _length(text: str) -> int:
    """Characters as Slack counts them: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
