"""The seam: every format has a writer, machine formats stay plain, --fields is validated."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from rich.console import Console

from backupctl.domain.job import FIELDS
from backupctl.output import OutputFormat, make_writer, validate_fields
from backupctl.output.families import JOBS

from .factory import NOW, full_job, make_job


def console(buffer: io.StringIO) -> Console:
    return Console(file=buffer, width=80, force_terminal=True, color_system="truecolor")


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_has_a_writer(fmt: OutputFormat) -> None:
    stream, screen = io.StringIO(), io.StringIO()
    writer = make_writer(fmt, JOBS, stream=stream, console=console(screen), fields=None, now=NOW)
    writer.write([make_job()])
    writer.close()
    shown = screen.getvalue() if fmt is OutputFormat.TABLE else stream.getvalue()
    assert "123456789012" in shown


@pytest.mark.parametrize(
    "fmt", [OutputFormat.JSON, OutputFormat.NDJSON, OutputFormat.CSV, OutputFormat.TEXT]
)
def test_machine_formats_never_colour(fmt: OutputFormat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("CLICOLOR_FORCE", "1")
    stream, screen = io.StringIO(), io.StringIO()
    writer = make_writer(fmt, JOBS, stream=stream, console=console(screen), fields=None)
    writer.write([full_job(), make_job(state="FAILED")])
    writer.close()
    assert screen.getvalue() == ""
    assert "\x1b" not in stream.getvalue()
    assert stream.getvalue().startswith(("[", "{", "kind,", "copy\t"))


def test_default_fields_are_the_whole_contract() -> None:
    stream = io.StringIO()
    writer = make_writer(OutputFormat.NDJSON, JOBS, stream=stream, console=Console(), fields=None)
    writer.write([make_job()])
    assert list(json.loads(stream.getvalue())) == list(FIELDS)


def test_validate_fields_accepts_spaces_and_keeps_order() -> None:
    assert validate_fields(" state , job_id,created_at ") == ("state", "job_id", "created_at")


def test_validate_fields_takes_the_table_headers_in_any_case() -> None:
    chosen = validate_fields("Created,RESOURCE,message,Job ID,Account,State,resource-type")
    assert chosen == (
        "created_at", "resource_name", "status_message", "job_id", "account_id", "state",
        "resource_type",
    )  # fmt: skip
    assert validate_fields("JOB-ID") == validate_fields("job_id") == ("job_id",)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("state,bogus", "unknown field 'bogus'"),
        ("state,State", "field 'state' appears twice"),
        ("created,created_at", "field 'created_at' appears twice"),
        ("job  id", "unknown field 'job  id'"),
        ("state,job_id,state", "field 'state' appears twice"),
        ("", "needs at least one field"),
        ("  ", "needs at least one field"),
        ("state,,job_id", "empty field name"),
        ("state,", "empty field name"),
        ("evil\n\x1b[2J", "unknown field 'evil\\n\\x1b[2J'"),
    ],
)
def test_validate_fields_rejects_in_one_line(text: str, named: str) -> None:
    with pytest.raises(ValueError, match="valid fields: kind, job_id, ") as caught:
        validate_fields(text)
    message = str(caught.value)
    assert named in message
    assert "\n" not in message
    assert message.endswith("parent_job_id, is_parent")


def test_importing_the_seam_does_not_import_rich() -> None:
    code = "import sys, backupctl.output; print(sorted(m for m in sys.modules if m == 'rich'))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"
