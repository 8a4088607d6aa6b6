"""A report as notifications send it: Slack's and SNS's limits with a 5,000-job report,
the subject, and hostile strings inert in the Slack message."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from backupctl.domain.job import Job, Kind
from backupctl.domain.problems import ProblemTally, Summary, Unreadable, problem_of
from backupctl.output.report.json import render_json
from backupctl.output.report.notice import SNS_MESSAGE_BYTES, failures_notice
from backupctl.output.report.slack import MAX_BLOCKS, MAX_HEADER_CHARS, MAX_SECTION_CHARS
from backupctl.output.report.text import render_text

from .factory import HOSTILE, NOW, make_job
from .test_report import UNSAFE, summary_of

# SNS's subject, as the sandbox checks it: printable ASCII, not starting with a space.
SUBJECT = re.compile(r"^[!-~][ -~]{0,98}$")
ACCOUNTS = 100
MORE = re.compile(r"^  … and ([\d,]+) more$")


def report_of(
    jobs_seen: int,
    problems: list[Job],
    targets: int,
    unreadable: list[Unreadable] | None = None,
    names: dict[str, str] | None = None,
) -> Summary:
    """A report of ``problems`` (tallied as ``report failures`` tallies them)."""
    tally = ProblemTally()
    for job in problems:
        problem = problem_of(job)
        assert problem is not None
        tally.add(job, problem)
    return Summary(
        None, None, jobs_seen, tally, targets, unreadable or [], names or {},
        records=lambda: iter(problems),
    )  # fmt: skip


def big_summary(jobs: int = 5000, accounts: int = ACCOUNTS) -> Summary:
    """``jobs`` failed jobs of as many resources, spread over ``accounts`` accounts."""
    account = [f"{100000000000 + n % accounts:012d}" for n in range(jobs)]
    problems = [
        make_job(
            job_id=f"job-{n:05d}",
            account_id=account[n],
            resource_arn=f"arn:aws:ec2:us-east-1:{account[n]}:volume/vol-{n:05d}",
            state="FAILED",
            status_message=f"Backup job {n} failed: the volume was busy " + "x" * 80,
        )
        for n in range(jobs)
    ]
    names = {f"{100000000000 + a:012d}": f"team-{a}" for a in range(accounts)}
    return report_of(jobs * 2, problems, accounts, names=names)


def slack(summary: Summary) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(failures_notice(summary, NOW).slack_message())
    return payload


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def test_a_5000_job_report_fits_slack_with_and_n_more() -> None:
    summary = big_summary()
    payload = slack(summary)
    blocks = payload["blocks"]
    assert len(blocks) == MAX_BLOCKS
    header, totals, *accounts, rest = blocks
    assert header["type"] == "header" and utf16(header["text"]["text"]) <= MAX_HEADER_CHARS
    assert payload["text"] == header["text"]["text"] == "AWS Backup: 5,000 problems"
    assert totals["text"]["text"] == render_text(summary, NOW).split("\n", 1)[0]
    for block in blocks[1:]:
        assert block["type"] == "section"
        assert block["text"]["type"] == "plain_text" and block["text"]["emoji"] is False
        assert 0 < utf16(block["text"]["text"]) <= MAX_SECTION_CHARS
    # Each account shown: whole items while they fit, then how many did not.
    per_account = 5000 // ACCOUNTS
    for block in accounts:
        title, *lines = block["text"]["text"].split("\n")
        assert re.match(rf"^account \d{{12}} \(team-\d+\): {per_account} problems$", title)
        items = [line for line in lines if line.startswith("  ") and not line.startswith("   ")]
        more = MORE.match(items.pop())
        assert more is not None and items
        assert len(items) + int(more[1].replace(",", "")) == per_account
        assert all(line.startswith(("  arn:", "    ")) for line in lines[:-1])
    assert rest["text"]["text"] == f"… and {ACCOUNTS - len(accounts)} more accounts"


def test_a_short_report_is_whole_in_slack() -> None:
    summary = big_summary(jobs=6, accounts=2)
    sections = [b["text"]["text"] for b in slack(summary)["blocks"][1:]]
    assert "\n\n".join(sections) + "\n" == render_text(summary, NOW)


def test_sns_gets_the_text_report_cut_after_a_whole_line_with_a_note() -> None:
    summary = big_summary()
    full = render_text(summary, NOW)
    assert len(full.encode()) > 2 * SNS_MESSAGE_BYTES
    text = failures_notice(summary, NOW).text()
    assert len(text.encode()) <= SNS_MESSAGE_BYTES
    kept, note = text.rsplit("\n… cut here", 1)
    assert full.startswith(kept) and kept.endswith("\n")
    left = full[len(kept) :].count("\n")
    assert note.startswith(f" to fit SNS's 256 KiB: {left:,} more lines.")
    assert len(text.encode()) > SNS_MESSAGE_BYTES - 1000  # cut near the limit, not far below


def test_a_report_within_the_limit_goes_to_sns_whole() -> None:
    summary = big_summary(jobs=10, accounts=3)
    assert failures_notice(summary, NOW).text() == render_text(summary, NOW)


def test_a_single_line_past_the_limit_is_cut_inside_it() -> None:
    name = "é" * SNS_MESSAGE_BYTES  # two bytes each: cut in the middle of the line
    summary = report_of(1, [make_job(state="FAILED", resource_name=name)], 1)
    text = failures_notice(summary, NOW).text()
    assert len(text.encode()) <= SNS_MESSAGE_BYTES
    assert "\n… cut here to fit SNS's 256 KiB: " in text


@pytest.mark.parametrize(
    ("summary", "subject"),
    [
        (big_summary(jobs=1, accounts=1), "AWS Backup: 1 problem"),
        (report_of(70, [], 14), "AWS Backup: all clear"),
        (
            report_of(5, [], 14, [Unreadable("1", "r", (Kind.BACKUP,), None, "x")]),
            "AWS Backup: all clear (1 of 14 targets not read)",
        ),
    ],
)
def test_the_subject_is_short_printable_ascii(summary: Summary, subject: str) -> None:
    notice = failures_notice(summary, NOW)
    assert notice.subject == subject
    assert SUBJECT.match(notice.subject)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda s: ascii(s[:20]))
def test_hostile_strings_are_inert_in_the_slack_message(value: str) -> None:
    notice = failures_notice(summary_of(value), NOW)
    raw = notice.slack_message().decode()
    assert "\x1b" not in raw and "\x07" not in raw
    for block in json.loads(raw)["blocks"]:
        text = block["text"]
        assert text["type"] == "plain_text"  # no mrkdwn: no link, mention or markup
        assert not UNSAFE.search(text["text"])
        assert utf16(text["text"]) <= MAX_SECTION_CHARS


def test_emoji_count_twice_toward_slacks_limit() -> None:
    problems = [
        make_job(
            job_id=f"job-{n}", resource_arn=f"arn:r-{n}", state="FAILED", status_message="😀" * 250
        )
        for n in range(200)
    ]
    [_, _, account] = slack(report_of(200, problems, 1))["blocks"]
    text = account["text"]["text"]
    # Counted in Python's characters, twice as many emoji would have been let in.
    assert MAX_SECTION_CHARS - 800 < utf16(text) <= MAX_SECTION_CHARS
    assert len(text) <= utf16(text) - 1000


def test_webhooks_get_the_json_report() -> None:
    summary = big_summary(jobs=12, accounts=3)
    assert (
        failures_notice(summary, NOW).report_json() == "".join(render_json(summary, NOW)).encode()
    )
