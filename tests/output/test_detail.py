"""`job describe` rendering: the panel and the one-record machine formats."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from backupctl.domain.job import FIELDS, JobDetail, JsonValue
from backupctl.output import OutputFormat, make_writer
from backupctl.output.families import JOB_DETAIL

from .factory import FULL_JOB_JSON, NOW, full_job

EXTRA: dict[str, JsonValue] = {
    "expected_completion_date": "2025-11-27T13:00:00Z",
    "created_by": {"BackupPlanVersion": "v1", "Nested": {"Deep": True}},
    "tags": ["a", "b"],
    "note": "\x1b[31m[bold]x[/]\u202e",
    "resource_name": "collision: the record wins",
    "empty": None,
}
# The describe-only keys as written, by hand: indented for inside the object.
EXTRA_JSON = """  "expected_completion_date": "2025-11-27T13:00:00Z",
  "created_by": {
    "BackupPlanVersion": "v1",
    "Nested": {
      "Deep": true
    }
  },
  "tags": [
    "a",
    "b"
  ],
  "note": "\\u001b[31m[bold]x[/]\\u202e",
  "empty": null
}
"""


def record_json() -> str:
    """The hand-written record of full_job(), as one object at the top level."""
    body = FULL_JOB_JSON.removeprefix("[\n").removesuffix("\n]\n")
    return "\n".join(line.removeprefix("  ") for line in body.splitlines()) + "\n"


def render(fmt: OutputFormat, *, width: int = 100) -> tuple[str, str]:
    """(what went to the console, what went to the stream)."""
    screen, stream = io.StringIO(), io.StringIO(newline="")
    console = Console(file=screen, width=width, force_terminal=True, color_system="truecolor")
    writer = make_writer(fmt, JOB_DETAIL, console=console, stream=stream, fields=None, now=NOW)
    writer.write([JobDetail(full_job(), EXTRA)])
    writer.close()
    return screen.getvalue(), stream.getvalue()


def test_json_is_record_then_extra_exactly() -> None:
    screen, text = render(OutputFormat.JSON)
    assert screen == ""
    assert text == record_json().removesuffix("\n}\n") + ",\n" + EXTRA_JSON
    assert list(json.loads(text)) == [*FIELDS, *(k for k in EXTRA if k != "resource_name")]


def test_ndjson_is_one_line() -> None:
    _, text = render(OutputFormat.NDJSON)
    assert text.count("\n") == 1
    assert "\x1b" not in text
    assert json.loads(text) == json.loads(record_json().removesuffix("\n}\n") + ",\n" + EXTRA_JSON)


def test_csv_is_header_and_one_row() -> None:
    _, text = render(OutputFormat.CSV)
    header, row = csv.reader(io.StringIO(text, newline=""))
    assert header == [*FIELDS, "expected_completion_date", "created_by", "tags", "note", "empty"]
    assert row[len(FIELDS) :] == [
        "2025-11-27T13:00:00Z",
        '{"BackupPlanVersion":"v1","Nested":{"Deep":true}}',
        '["a","b"]',
        "\\x1b[31m[bold]x[/]<U+202E>",  # shown, as the table shows them, not obeyed
        "",
    ]
    assert row[FIELDS.index("resource_name")] == "data-volume"


def test_panel_shows_every_value_safely() -> None:
    screen, stream = render(OutputFormat.TABLE)
    assert stream == ""
    text = re.sub(r"\x1b\[[0-9;]*m", "", screen)
    assert [char for char in ("\x1b", "\u202e") if char in text] == []
    assert max(cell_len(line) for line in text.splitlines()) <= 100
    lines = text.splitlines()
    assert lines[0] == "copy job c0ffee00-0000-4000-8000-000000000001"
    column = 26  # the labels' column: 24 cells at most, and two spaces
    for label, value in (
        ("  state", "FAILED"),
        ("  status_message", 'Access denied, "role" missing'),
        ("  created_at", "2025-11-27T12:05:00.000Z (1h ago)"),
        ("  completed_at", "2025-11-27T12:06:30.250Z (1h ago)"),
        ("  backup_size_bytes", "1536 (1.5 KiB)"),
        ("  percent_done", "42.5%"),
        ("  is_parent", "no"),
        ("  destination_vault_arn", "arn:aws:backup:eu-central-1:210987654321:backup-vault:dst"),
        ("    BackupPlanVersion", "v1"),
        ("      Deep", "true"),
        ("  tags", "a, b"),
        ("  note", "\\x1b[31m[bold]x[/]<U+202E>"),
    ):
        expected = label.ljust(column) + value
        assert expected in lines
    # A label too long for the column has its value below it, in the value column.
    at = lines.index("  expected_completion_date")
    assert lines[at + 1] == " " * column + "2025-11-27T13:00:00Z (1h ago)"
    assert "  created_by" in lines and "    Nested" in lines
    assert not any(
        line.startswith(("  created_resource_arn", "  parent_job_id", "  empty")) for line in lines
    )
    assert "collision" not in text


ARN = re.compile(r"arn:\S+")


@pytest.mark.parametrize("width", [40, 60, 80])
def test_panel_fits_narrow_consoles_but_never_breaks_an_arn_or_id(width: int) -> None:
    screen, _ = render(OutputFormat.TABLE, width=width)
    lines = re.sub(r"\x1b\[[0-9;]*m", "", screen).splitlines()
    job = full_job()
    arns = [v for v in job if isinstance(v, str) and v.startswith("arn:")]
    assert {match for line in lines for match in ARN.findall(line)} == set(arns)
    assert any(job.job_id in line for line in lines[1:])
    assert lines[0] == f"copy job {job.job_id}"  # whole, however narrow
    for line in lines[1:]:
        # A line wider than the console holds one whole ARN or id, and nothing else.
        assert cell_len(line) <= width or line.split() in ([a] for a in arns), line


def test_a_message_wraps_at_spaces_and_keeps_the_arns_in_it_whole() -> None:
    arn = "arn:aws:iam::210987654321:role/service-role/AWSBackupDefaultServiceRole"
    job = full_job()._replace(
        status_message=f"Access denied to {arn} while starting the copy " + "z" * 50
    )
    screen, stream = io.StringIO(), io.StringIO()
    console = Console(file=screen, width=60, force_terminal=False)
    writer = make_writer(
        OutputFormat.TABLE, JOB_DETAIL, console=console, stream=stream, fields=None, now=NOW
    )
    writer.write([JobDetail(job, {})])
    writer.close()
    lines = screen.getvalue().splitlines()
    start = lines.index("  status_message")
    assert lines[start + 1 : start + 5] == [
        "    Access denied to",
        f"    {arn}",
        "    while starting the copy",
        "    " + "z" * 50,
    ]


def test_a_label_longer_than_the_label_column_keeps_its_value_in_the_value_column() -> None:
    extra: dict[str, JsonValue] = {
        "expected_completion_time_minutes": 42,
        "composite_member_identifier": "arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
        "vault_type": "BACKUP_VAULT",
    }
    screen, stream = io.StringIO(), io.StringIO()
    console = Console(file=screen, width=100, force_terminal=False)
    writer = make_writer(
        OutputFormat.TABLE, JOB_DETAIL, console=console, stream=stream, fields=None, now=NOW
    )
    writer.write([JobDetail(full_job(), extra)])
    writer.close()
    lines = screen.getvalue().splitlines()
    column = 26  # the labels' column: 24 cells at most, and two spaces
    assert "  vault_type".ljust(column) + "BACKUP_VAULT" in lines
    for label, value in (
        ("expected_completion_time_minutes", "42"),
        ("composite_member_identifier", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"),
    ):
        at = lines.index(f"  {label}")
        assert lines[at + 1] == " " * column + value
