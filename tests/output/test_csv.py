"""CSV: exact RFC 4180 text, formula neutralization, exact round trip through csv.reader."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backupctl.domain.job import FIELDS, Job
from backupctl.output.csv import CsvWriter
from backupctl.output.families import JOBS

from .factory import NOW, full_job, make_job

FULL_JOB_CSV = (
    "kind,job_id,account_id,region,state,status_message,message_category,resource_type,"
    "resource_arn,resource_name,vault_name,vault_arn,destination_vault_arn,recovery_point_arn,"
    "destination_recovery_point_arn,created_resource_arn,created_at,completed_at,percent_done,"
    "backup_size_bytes,bytes_transferred,iam_role_arn,backup_plan_id,backup_plan_arn,"
    "backup_rule_id,parent_job_id,is_parent\r\n"
    "copy,c0ffee00-0000-4000-8000-000000000001,210987654321,eu-west-1,FAILED,"
    '"Access denied, ""role"" missing",ACCESS_DENIED,EBS,'
    "arn:aws:ec2:eu-west-1:210987654321:volume/vol-0abc,data-volume,src,"
    "arn:aws:backup:eu-west-1:210987654321:backup-vault:src,"
    "arn:aws:backup:eu-central-1:210987654321:backup-vault:dst,"
    "arn:aws:ec2:eu-west-1::snapshot/snap-1,arn:aws:ec2:eu-central-1::snapshot/snap-2,,"
    "2025-11-27T12:05:00.000Z,2025-11-27T12:06:30.250Z,42.5,1536,0,"
    "arn:aws:iam::210987654321:role/backup,plan-1,"
    "arn:aws:backup:eu-west-1:210987654321:backup-plan:plan-1,rule-1,,false\r\n"
)

# Each hostile message and its cell exactly as written, by hand.
HOSTILE_CELLS = {
    '=HYPERLINK("https://evil.example","x")': '"\'=HYPERLINK(""https://evil.example"",""x"")"',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "\tleading tab": "'\tleading tab",
    "\rcarriage first": '"\'\rcarriage first"',
    "\nnewline first": '"\'\nnewline first"',
    "line one\nline two": '"line one\nline two"',
    'quote " and, comma': '"quote "" and, comma"',
    "a=1 is fine": "a=1 is fine",
    "emoji 😀 CJK 日本語": "emoji 😀 CJK 日本語",
    # Terminal-active characters are shown as the table shows them, never written raw.
    "\x1b[31mred": "\\x1b[31mred",
    "\x1b]8;;https://evil.example\x07link": "\\x1b]8;;https://evil.example\\x07link",
    "next\x85line \x9b31m": "next\\x85line \\x9b31m",
    "del\x7f nul\x00 bs\x08": "del\\x7f nul\\x00 bs\\x08",
    "invoice\u202egnp.exe \u2066x\u2069 \u200f\u061c": (
        "invoice<U+202E>gnp.exe <U+2066>x<U+2069> <U+200F><U+061C>"
    ),
    "line\u2028separator\u2029": "line<U+2028>separator<U+2029>",
    "lone \ud800 surrogate": "lone <U+D800> surrogate",
    # A placeholder never starts a formula; a formula after a control is still neutralized.
    "\x1b=1+1": "\\x1b=1+1",
    "=1+1\x1b": "'=1+1\\x1b",
}


def render(jobs: Sequence[Job], fields: Sequence[str] = FIELDS) -> str:
    stream = io.StringIO(newline="")
    writer = CsvWriter(stream, JOBS, fields)
    writer.write(jobs)
    writer.close()
    return stream.getvalue()


def test_full_record_exact() -> None:
    assert render([full_job()]) == FULL_JOB_CSV


def test_empty_run_is_header_only() -> None:
    assert render([], ("job_id", "state")) == "job_id,state\r\n"


@pytest.mark.parametrize(("raw", "written"), HOSTILE_CELLS.items())
def test_hostile_cells_exact(raw: str, written: str) -> None:
    assert render([make_job(status_message=raw)], ("status_message",)) == (
        f"status_message\r\n{written}\r\n"
    )


def test_numbers_booleans_and_none() -> None:
    job = make_job(percent_done=50.0, backup_size_bytes=-5, is_parent=True, bytes_transferred=None)
    fields = ("percent_done", "backup_size_bytes", "is_parent", "bytes_transferred", "region")
    assert render([job], fields) == (
        "percent_done,backup_size_bytes,is_parent,bytes_transferred,region\r\n"
        "50.0,-5,true,,us-east-1\r\n"
    )


def test_fields_order_and_newest_first() -> None:
    jobs = [
        make_job(job_id="old", created_at=NOW - timedelta(days=1)),
        make_job(job_id="undated", created_at=None),
        make_job(job_id="new", created_at=NOW),
    ]
    assert render(jobs, ("created_at", "job_id")) == (
        "created_at,job_id\r\n"
        "2025-11-27T14:00:00.000Z,new\r\n"
        "2025-11-26T14:00:00.000Z,old\r\n"
        ",undated\r\n"
    )


def _shown(char: str) -> str:
    """A character as the CSV shows it, written independently of the code under test."""
    code = ord(char)
    if (code < 0x20 and char not in "\t\r\n") or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if code in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029) or 0x202A <= code <= 0x202E:
        return f"<U+{code:04X}>"
    if 0x2066 <= code <= 0x2069 or 0xD800 <= code <= 0xDFFF:
        return f"<U+{code:04X}>"
    return char


def expected_cell(text: str) -> str:
    """OWASP neutralization, then every terminal-active character shown."""
    text = "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r", "\n"} else text
    return "".join(map(_shown, text))


@given(rows=st.lists(st.tuples(st.text(max_size=30), st.text(max_size=30)), max_size=6))
def test_round_trip_through_csv_reader(rows: list[tuple[str, str]]) -> None:
    jobs = [
        make_job(job_id=f"{i:03d}", status_message=message, resource_name=name)
        for i, (message, name) in enumerate(rows)
    ]
    text = render(jobs, ("job_id", "status_message", "resource_name"))
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == ["job_id", "status_message", "resource_name"]
    assert read[1:] == [
        [f"{i:03d}", expected_cell(message), expected_cell(name)]
        for i, (message, name) in enumerate(rows)
    ]
