"""What the text and Markdown reports share: the header's words and trimmed messages."""

from __future__ import annotations

from datetime import UTC, datetime

from backupctl.domain.problems import SUMMARY_MESSAGE, WITH_ISSUES, Summary
from backupctl.output.humanize import relative
from backupctl.output.safe import safe_str

_ORDER = ("FAILED", "ABORTED", "EXPIRED", "PARTIAL", WITH_ISSUES)


def when(moment: datetime | None, now: datetime) -> str:
    """``2026-11-27 04:12 UTC (2h ago)``; cron mail is read later, so absolute time first."""
    if moment is None:
        return "unknown time"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({relative(moment, now)})"


def problem_words(problem: str) -> str:
    """``COMPLETED_WITH_ISSUES`` -> ``completed with issues``; states stay as AWS spells them."""
    return "completed with issues" if problem == WITH_ISSUES else problem


def message(text: str | None) -> str:
    """A status message on one line, inert on a terminal, cut to a readable length."""
    if not text:
        return "(no message)"
    line = " ".join(safe_str(text).split())
    return line if len(line) <= SUMMARY_MESSAGE else line[: SUMMARY_MESSAGE - 1] + "…"


def _rank(problem: str) -> int:
    return _ORDER.index(problem) if problem in _ORDER else len(_ORDER)


def header(summary: Summary, now: datetime) -> str:
    """One line of totals: problems by kind and state, jobs seen, targets read."""
    parts = []
    for kind, counts in sorted(summary.by_kind_and_problem().items()):
        ordered = sorted(
            counts.items(), key=lambda kv: _ORDER.index(kv[0]) if kv[0] in _ORDER else 9
        )
        parts.append(f"{kind}: " + ", ".join(f"{n} {problem_words(p)}" for p, n in ordered))
    problems = summary.problems
    noun = ("new " if summary.already_reported else "") + (
        "problem" if problems == 1 else "problems"
    )
    window = f"since {when(summary.since, now)}" if summary.since else "in the last 30 days"
    if summary.until:
        window += f" until {when(summary.until, now)}"
    seen = (
        f"{summary.jobs_seen:,} jobs"
        if summary.issues_included
        else (f"{summary.jobs_seen:,} failed/aborted/expired/partial jobs")
    )
    text = f"{problems or 'no'} {noun} in {seen} {window}"
    if parts:
        text += " — " + "; ".join(parts)
    text += not_repeated(summary.already_reported, "problem")
    return text + f"; {summary.targets_read} of {summary.targets} targets read"


def not_repeated(count: int, noun: str) -> str:
    """``; 2 problems reported by an earlier --new run are not repeated``, or nothing."""
    if not count:
        return ""
    said = (
        f"{count} {noun} reported by an earlier --new run is"
        if count == 1
        else (f"{count} {noun}s reported by an earlier --new run are")
    )
    return f"; {said} not repeated"
