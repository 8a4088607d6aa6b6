"""The table: inert with hostile text, fits the width, coloured states, newest first."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, timedelta

import pytest
from rich.cells import cell_len
from rich.console import Console

from backupctl.domain.job import Job, Kind
from backupctl.output.table import TableWriter, fit

from .factory import HOSTILE, NOW, make_job

SGR = re.compile(r"\x1b\[[0-9;]*m")
GUID = "B355707E-4E2D-137E-EACA-E8E94316A0B1"  # as AWS writes job ids: upper-case
# What may never reach the terminal from the data, once Rich's own SGR styling is removed.
FORBIDDEN = ["\x1b", "\x07", "\x08", "\r", "\x7f", "\x85", "\x9b", "\u2028"] + [
    chr(c) for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
]


def render(jobs: Sequence[Job], *, width: int = 80, fields: Sequence[str] | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, color_system="truecolor")
    writer = TableWriter(console, fields, now=NOW, tz=UTC)
    writer.write(jobs)
    writer.close()
    return buffer.getvalue()


def plain(output: str) -> str:
    return SGR.sub("", output)


def hostile_jobs() -> list[Job]:
    return [
        make_job(job_id=f"job-{i}", status_message=text, resource_name=text)
        for i, text in enumerate(HOSTILE)
    ]


@pytest.mark.parametrize("width", [80, 60, 132])
def test_hostile_text_never_reaches_the_terminal(width: int) -> None:
    text = plain(render(hostile_jobs(), width=width))
    assert [char for char in FORBIDDEN if char in text] == []
    assert max(cell_len(line) for line in text.splitlines()) <= width


def test_hostile_text_is_shown_literally() -> None:
    text = plain(render(hostile_jobs(), width=200, fields=("status_message",)))
    for shown in (
        "[bold red]x[/]",
        "[link=https://evil.example]click[/link]",
        "\\x1b[31mred\\x1b[0m",
        "\\x1b[2J",
        "\\x1b]8;;https://evil.example\\x07link\\x1b]8;;\\x07",
        "bell\\x07",
        "back\\x08space",
        "carriage\\rreturn",
        '=HYPERLINK("https://evil.example","x")',
        "\\tleading tab",
        "line one↵line two",
        "<U+202E>evil.exe",
        "<U+2066>isolate<U+2067>rtl<U+2068>first<U+2069>",
        "emoji 😀👨‍👩‍👧 and CJK 日本語のバックアップ",
        "\\x9b31m C1 CSI",
        "next\\x85line",
        "del\\x7f",
        "line<U+2028>separator",
    ):
        assert shown in text


def test_long_message_is_cut_with_an_ellipsis() -> None:
    text = plain(render([make_job(status_message="y" * 5000)], width=160))
    row = text.splitlines()[1]
    assert row.rstrip().endswith("y…")
    assert len(text) < 1000


def test_default_columns_at_80() -> None:
    job = make_job(
        kind=Kind.RESTORE,
        job_id=GUID,
        region="ap-southeast-2",
        state="FAILED",
        resource_type="EBS",
        resource_arn="arn:aws:ec2:ap-southeast-2:123456789012:volume/vol-0abcdef",
        status_message="Access denied while assuming the restore role in the target account",
    )
    header, row, *_ = plain(render([job])).splitlines()
    assert header.split() == ["created", "state", "account", "region", "job", "id"]
    assert row == f"2h ago  FAILED 123456789012 ap-southeast-2 {GUID}"


def test_default_columns_at_100_add_the_kind_and_the_resource() -> None:
    job = make_job(
        job_id=GUID, resource_type="EBS", resource_arn="arn:aws:ec2:us-east-1:1:volume/vol-0abc"
    )
    header, row, *_ = plain(render([job], width=100)).splitlines()
    assert header.split() == [
        "created",
        "kind",
        "state",
        "account",
        "region",
        "job",
        "id",
        "resource",
    ]
    assert row == f"2h ago  backup COMPLETED 123456789012 us-east-1 {GUID} EBS vol-0abc"


def test_wide_console_shows_local_time_and_whole_values() -> None:
    job = make_job(resource_type="EBS", resource_arn="arn:aws:ec2:us-east-1:1:volume/vol-0abc")
    row = plain(render([job], width=160)).splitlines()[1]
    assert row.startswith("2h ago 11-27 12:00")
    assert "EBS vol-0abc" in row


@pytest.mark.parametrize("width", [60, 80, 100, 120, 159, 160, 200])
def test_the_job_id_is_whole_at_every_width(width: int) -> None:
    jobs = [
        make_job(job_id=GUID, region="ap-southeast-4", state="COMPLETED", status_message="y" * 300),
        make_job(job_id=GUID.replace("B", "C"), resource_name="r" * 80),
    ]
    header, *rows, _ = plain(render(jobs, width=width)).splitlines()
    assert "job id" in header
    assert GUID in rows[0] and GUID.replace("B", "C") in rows[1]
    assert max(map(cell_len, rows)) <= max(width, 36 + 15)  # created, state and the id


@pytest.mark.parametrize("width", [40, 80])
def test_a_chosen_id_is_never_cut(width: int) -> None:
    job = make_job(job_id=GUID, parent_job_id=GUID.lower(), status_message="y" * 300)
    fields = ("job_id", "parent_job_id", "status_message")
    header, row, *_ = plain(render([job], width=width, fields=fields)).splitlines()
    assert header.startswith("job id                               parent_job_id ")
    assert row.startswith(f"{GUID} {GUID.lower()} ")


def test_resource_name_wins_over_arn() -> None:
    job = make_job(resource_name="orders-db", resource_arn="arn:aws:rds:us-east-1:1:db:x")
    assert "orders-db" in plain(render([job], width=160))


@pytest.mark.parametrize(
    ("state", "category", "shown", "sgr"),
    [
        ("FAILED", None, "FAILED", "31"),
        ("ABORTED", None, "ABORTED", "31"),
        ("EXPIRED", None, "EXPIRED", "31"),
        ("PARTIAL", None, "PARTIAL", "33"),
        ("COMPLETED", "SUCCESS", "COMPLETED", "32"),
        ("COMPLETED", "ACCESS_DENIED", "COMPLETED*", "33"),
        ("RUNNING", None, "RUNNING", "36"),
        ("PENDING", None, "PENDING", "36"),
        ("CREATED", None, "CREATED", "36"),
        ("ABORTING", None, "ABORTING", "36"),
    ],
)
def test_state_colours(state: str, category: str | None, shown: str, sgr: str) -> None:
    output = render([make_job(state=state, message_category=category)])
    assert f"\x1b[{sgr}m{shown}" in output


def test_summary_counts_problems() -> None:
    jobs = [
        make_job(job_id="a", state="FAILED"),
        make_job(job_id="b", state="FAILED"),
        make_job(job_id="c", state="COMPLETED", message_category="WARNING"),
        make_job(job_id="d", state="RUNNING"),
    ]
    last = plain(render(jobs)).splitlines()[-1].rstrip()
    assert last == "4 jobs · 2 FAILED · 1 completed with issues (*)"


def test_newest_first() -> None:
    jobs = [
        make_job(job_id="old", resource_name="old", created_at=NOW - timedelta(days=3)),
        make_job(job_id="none", resource_name="none", created_at=None),
        make_job(job_id="new", resource_name="new", created_at=NOW - timedelta(minutes=5)),
    ]
    rows = plain(render(jobs)).splitlines()[1:4]
    assert [row.split()[0] for row in rows] == ["5m", "3d", "-"]


def test_fields_choose_the_columns() -> None:
    job = make_job(percent_done=42.5, backup_size_bytes=3 * 1024**3, is_parent=False)
    fields = ("job_id", "percent_done", "backup_size_bytes", "is_parent", "completed_at")
    header, row, *_ = plain(render([job], width=120, fields=fields)).splitlines()
    assert header.split() == ["job", "id", *fields[1:]]  # headed as the default table heads it
    assert row.split() == [job.job_id, "42.5%", "3.0", "GiB", "no", "-"]


def test_no_jobs_is_one_plain_line() -> None:
    assert render([]) == "No jobs found.\n"


def test_fit_keeps_fixed_columns_and_shares_the_rest() -> None:
    assert fit([10, 5, 40, 100], [0, 0, 1, 2], 75) == [10, 5, 20, 40]
    assert fit([10, 5, 8, 100], [0, 0, 1, 2], 75) == [10, 5, 8, 52]
    assert fit([10, 5, 8, 10], [0, 0, 1, 2], 75) == [10, 5, 8, 10]
