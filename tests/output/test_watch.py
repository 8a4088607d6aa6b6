"""The live view of ``jobs watch``: fits the console, inert with hostile text, ended jobs marked."""

from __future__ import annotations

import io
from datetime import UTC, timedelta

import pytest
from rich.cells import cell_len
from rich.console import Console

from backupctl.output.watch import WatchView

from .factory import HOSTILE, NOW, make_job
from .test_table import FORBIDDEN, GUID, plain


def render(view: WatchView, *, width: int = 80, height: int = 60) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, height=height, force_terminal=True, color_system="truecolor"
    )
    console.print(view)
    return buffer.getvalue()


def hostile_view() -> WatchView:
    active = [
        make_job(
            job_id=f"job-{i}",
            state="RUNNING",
            percent_done=float(i * 4),
            status_message=text,
            resource_name=text,
            account_id=text[:12],
            region=text[:14],
            created_at=NOW - timedelta(minutes=i),
        )
        for i, text in enumerate(HOSTILE)
    ]
    finished = [make_job(job_id="ended", state=HOSTILE[2], status_message=HOSTILE[4])]
    return WatchView(
        active, finished, NOW, refreshed_at=NOW, next_in=30, unreadable=list(HOSTILE), tz=UTC
    )


@pytest.mark.parametrize("width", [80, 60, 132, 200])
def test_hostile_text_never_reaches_the_terminal_and_lines_fit(width: int) -> None:
    text = plain(render(hostile_view(), width=width))
    assert [char for char in FORBIDDEN if char in text] == []
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "[bold red]x[/]" in render(hostile_view(), width=200)  # shown, not obeyed


def test_row_at_80_columns_has_the_whole_job_id_state_progress_and_percentage() -> None:
    job = make_job(
        job_id=GUID,
        state="RUNNING",
        region="ap-southeast-2",
        resource_type="EBS",
        resource_arn="arn:aws:ec2:ap-southeast-2:123456789012:volume/vol-0abcdef",
        percent_done=42.5,
        status_message="copying",
    )
    view = WatchView([job], [], NOW, refreshed_at=NOW, next_in=7, tz=UTC)
    header, row, counts, status = plain(render(view)).splitlines()
    assert header.split() == ["created", "state", "account", "job", "id", "progress"]
    assert row.startswith(f"2h ago  RUNNING 123456789012 {GUID} ━")
    assert row.rstrip().endswith("42%")
    assert counts == "1 active: 1 RUNNING"
    assert status == "refreshed 14:00:00, next in 7s, Ctrl-C to quit"


def test_100_columns_add_the_region() -> None:
    job = make_job(job_id=GUID, state="RUNNING", region="ap-southeast-2", percent_done=42.5)
    header, row, *_ = plain(render(WatchView([job], [], NOW, refreshed_at=NOW), width=100)).split(
        "\n"
    )
    assert header.split() == ["created", "state", "account", "region", "job", "id", "progress"]
    assert f"ap-southeast-2 {GUID} ━" in row


@pytest.mark.parametrize("width", [60, 80, 100, 132, 200])
def test_the_job_id_is_whole_at_every_width(width: int) -> None:
    jobs = [
        make_job(job_id=GUID, state="RUNNING", resource_name="r" * 90, status_message="y" * 300),
        make_job(job_id=GUID.replace("B", "C"), state="PENDING", region="ap-southeast-4"),
    ]
    text = plain(render(WatchView(jobs, [], NOW, refreshed_at=NOW), width=width))
    assert GUID in text and GUID.replace("B", "C") in text
    assert max(map(cell_len, text.splitlines())) <= width


def test_a_wide_console_adds_the_kind_resource_and_message() -> None:
    job = make_job(state="PENDING", status_message="waiting for the backup window")
    header, row, *_ = plain(render(WatchView([job], [], NOW, refreshed_at=NOW), width=200)).split(
        "\n"
    )
    assert header.split() == [
        "created", "kind", "state", "account", "region", "job", "id", "resource", "progress",
        "message",
    ]  # fmt: skip
    assert job.job_id in row
    assert "waiting for the backup window" in row


def test_ended_jobs_show_their_final_state_or_ended() -> None:
    failed = make_job(job_id="failed-1", state="FAILED", percent_done=80.0)
    unknown = make_job(job_id="gone-1", state=None)
    view = WatchView([], [failed, unknown], NOW, refreshed_at=NOW, next_in=3, tz=UTC)
    lines = plain(render(view, width=200)).splitlines()
    assert any("failed-1" in line and "FAILED" in line and "80%" in line for line in lines)
    assert any("gone-1" in line and "ENDED" in line for line in lines)
    assert "0 active · 2 just ended: 1 ENDED, 1 FAILED" in lines


def test_rows_are_cut_to_the_height_and_ended_jobs_stay() -> None:
    active = [
        make_job(job_id=f"run-{i:02d}", state="RUNNING", created_at=NOW - timedelta(minutes=i))
        for i in range(40)
    ]
    ended = make_job(job_id="old-ended", state="COMPLETED", created_at=NOW - timedelta(days=3))
    view = WatchView(active, [ended], NOW, refreshed_at=NOW, next_in=3, tz=UTC)
    lines = plain(render(view, width=200, height=20)).splitlines()
    assert len(lines) < 20
    assert any("old-ended" in line for line in lines)
    assert any("run-00" in line for line in lines)
    assert not any("run-39" in line for line in lines)
    assert "more not shown" in lines[-2]


def test_before_the_first_refresh_it_says_so() -> None:
    assert plain(render(WatchView([], [], NOW))).strip() == "reading the active jobs…"


def test_no_active_jobs_and_unreadable_targets() -> None:
    view = WatchView([], [], NOW, refreshed_at=NOW, unreadable=["111111111111 eu-west-1"], tz=UTC)
    assert plain(render(view)).splitlines() == [
        "No active jobs.",
        "0 active",
        "refreshed 14:00:00",
        "1 target could not be read: 111111111111 eu-west-1",
    ]
