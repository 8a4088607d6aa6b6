"""A report as notifications send it (``app.notify.Notice``): a subject line, the text
report within SNS's size, the JSON report, and a Slack message.

Each form is the report's own renderer's (``render_report``, ``render_gaps``,
``render_both``), made when a target first asks for it and kept for the others.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from backupctl.domain.gaps import GapSummary
from backupctl.domain.problems import Summary
from backupctl.output.json import dumps
from backupctl.output.report import ReportFormat, render_report
from backupctl.output.report.slack import slack_message

# Amazon SNS Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html): a
# message of at most 256 KiB, 262,144 bytes of UTF-8 with its attributes (none are sent);
# a subject of printable ASCII with no line break, "less than 100 characters long".
SNS_MESSAGE_BYTES = 262_144
SNS_SUBJECT_CHARS = 99
_NOTE_BYTES = 256  # room kept at the end of a cut message for the note that says so


class ReportNotice:
    """One report in every form a target takes; ``render`` writes it in a format."""

    def __init__(self, subject: str, render: Callable[[ReportFormat], str]) -> None:
        self.subject = subject
        self._render = render

    @cached_property
    def _text(self) -> str:
        return self._render(ReportFormat.TEXT)

    def text(self) -> str:
        """The text report, cut after a whole line to fit SNS's message size, with a note."""
        return _within(self._text, SNS_MESSAGE_BYTES)

    def report_json(self) -> bytes:
        """The JSON report (``-o json``), as a webhook receives it."""
        return self._json

    @cached_property
    def _json(self) -> bytes:
        return self._render(ReportFormat.JSON).encode()

    def slack_message(self) -> bytes:
        """The Slack incoming-webhook payload."""
        return self._slack

    @cached_property
    def _slack(self) -> bytes:
        return dumps(slack_message(self.subject, self._text)).encode()


def failures_notice(summary: Summary, now: datetime) -> ReportNotice:
    """The notice of ``report failures``."""
    found = [_count(summary.problems, "problem")]
    subject = _subject(found, _unread(summary), summary.targets)
    return ReportNotice(
        subject, lambda fmt: _written(lambda s: render_report(summary, fmt, s, now))
    )


def gaps_notice(summary: GapSummary) -> ReportNotice:
    """The notice of ``report gaps``."""
    from backupctl.output.report.gaps import render_gaps

    subject = _subject([_count(summary.gaps, "gap")], _unread(summary), summary.targets)
    return ReportNotice(subject, lambda fmt: _written(lambda s: render_gaps(summary, fmt, s)))


def both_notice(summary: Summary, gaps: GapSummary, now: datetime) -> ReportNotice:
    """The notice of ``report failures --gaps``."""
    from backupctl.output.report.both import render_both

    found = [_count(summary.problems, "problem"), _count(gaps.gaps, "gap")]
    subject = _subject(found, max(_unread(summary), _unread(gaps)), summary.targets)
    return ReportNotice(
        subject, lambda fmt: _written(lambda s: render_both(summary, gaps, fmt, s, now))
    )


def _written(write: Callable[[io.StringIO], None]) -> str:
    stream = io.StringIO()
    write(stream)
    return stream.getvalue()


def _count(count: int, noun: str) -> str | None:
    return None if count == 0 else f"{count:,} {noun}{'' if count == 1 else 's'}"


def _unread(summary: Summary | GapSummary) -> int:
    return summary.targets - summary.targets_read


def _subject(found: list[str | None], unread: int, targets: int) -> str:
    """``AWS Backup: 12 problems, 3 gaps (1 of 14 targets not read)``: counts and words
    only, so always printable ASCII, and short."""
    said = ", ".join(part for part in found if part) or "all clear"
    if unread:
        said += f" ({unread} of {targets} targets not read)"
    return f"AWS Backup: {said}"[:SNS_SUBJECT_CHARS]


def _within(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` bytes of UTF-8: whole lines, then a note of what was
    left out."""
    data = text.encode()
    if len(data) <= limit:
        return text
    room = limit - _NOTE_BYTES
    end = data.rfind(b"\n", 0, room) + 1 or room  # a line too long for it all: cut inside
    kept = data[:end].decode(errors="ignore")
    left = text[len(kept) :].count("\n") or 1
    note = (
        f"\n… cut here to fit SNS's 256 KiB: {left:,} more lines. The whole report is on "
        "the run's standard output (-o json for a script).\n"
    )
    return kept + note
