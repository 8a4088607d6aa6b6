"""The gap report's renderers: data from AWS is inert in every format, JSON is exact."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from backupctl.domain.gaps import CopyGap, Evidence, Expectation, GapSummary, StoppedGap
from backupctl.output.report import ReportFormat
from backupctl.output.report.gaps import render_gaps
from tests.output.factory import NOW

HOSTILE = "\x1b]8;;http://x\x07[bold]evil[/bold]\u202e|`*_<b>"


def summary() -> GapSummary:
    due = Expectation(Evidence.PLAN, f"plan {HOSTILE} rule r cron(0 5 ? * * *)", None, NOW)
    stopped = StoppedGap(
        "123456789012", "us-east-1", f"arn:aws:ec2:us-east-1:123456789012:volume/{HOSTILE}",
        "EBS", HOSTILE, NOW - timedelta(days=3), None, None, None, "p", "v", "r", HOSTILE,
        "cron(0 5 ? * * *)", "Etc/UTC", timedelta(hours=8), due,
    )  # fmt: skip
    copy = CopyGap(
        "123456789012", "us-east-1", "B-1", None, None, None, None, NOW - timedelta(days=1),
        f"arn:aws:backup:eu-west-1:123456789012:backup-vault:{HOSTILE}", "C-1", HOSTILE, "p",
        "v", "r", due,
    )  # fmt: skip
    return GapSummary(NOW, None, timedelta(hours=4), [stopped], [copy], 2, [],
                      account_names={"123456789012": HOSTILE})  # fmt: skip


@pytest.mark.parametrize("fmt", [ReportFormat.TEXT, ReportFormat.MARKDOWN])
def test_hostile_strings_are_shown_never_obeyed(fmt: ReportFormat) -> None:
    out = io.StringIO()
    render_gaps(summary(), fmt, out)
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b" in text and "U+202E" in text
    if fmt is ReportFormat.MARKDOWN:
        assert "<b>" not in text and "\\<b\\>" in text and "\\|" in text


def test_json_keeps_the_exact_strings() -> None:
    out = io.StringIO()
    render_gaps(summary(), ReportFormat.JSON, out)
    assert "\x1b" not in out.getvalue() and "\u202e" not in out.getvalue()
    report = json.loads(out.getvalue())
    assert report["stopped"][0]["resource_name"] == HOSTILE
    assert report["copies"][0]["copy_state"] == HOSTILE
    assert report["accounts"] == {"123456789012": HOSTILE}
