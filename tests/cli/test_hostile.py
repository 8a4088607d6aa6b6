"""Hostile strings from other people's accounts, in every format: shown, never obeyed.

``sandbox.dataset.hostile_jobs()`` says where each of ``HOSTILE_STRINGS`` was put (a
FAILED job's StatusMessage or ResourceName); every test here reads all of them back.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from rich.cells import cell_len

from backupctl.cli.environment import Environment
from backupctl.sandbox import HOSTILE_STRINGS, HostilePlacement, Sandbox
from tests.cli.conftest import Invoke

ROLE = "OrganizationAccountAccessRole"
FIELD = {"StatusMessage": "status_message", "ResourceName": "resource_name"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# What must never reach a terminal raw: ESC, BEL, C1 controls, bidi override and isolates.
TERMINAL_UNSAFE = re.compile("[\x1b\x07\x80-\x9f\u202e\u2066-\u2069]")
# In a table, also backspace and CR (they overwrite what was printed).
TABLE_UNSAFE = re.compile("[\x1b\x07\x08\r\x80-\x9f\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
# What the table shows for each unsafe character (README: "shown as \x1b and the like;
# bidi overrides are shown as <U+202E>").
_SHOWN = {"\n": "↵", "\r": "\\r", "\t": "\\t"}


def shown(text: str, keep: str = "") -> str:
    """``text`` as the table shows it: every control or bidi character as a visible name
    (but those in ``keep``: CSV keeps TAB, CR and LF, quoted)."""
    out = []
    for char in text:
        code = ord(char)
        if char in keep:
            out.append(char)
        elif char in _SHOWN:
            out.append(_SHOWN[char])
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"<U+{code:04X}>")
        else:
            out.append(char)
    return "".join(out)


def list_all_failed(cli: Invoke, sandbox: Sandbox, *args: str, **kw: Any) -> str:
    """Every FAILED job of the organization (where the hostile strings are), org view."""
    result = cli(
        "jobs", "list", "--account", "all", "--region", ",".join(sandbox.dataset.regions),
        "--state", "FAILED", *args, **kw,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def placements(sandbox: Sandbox) -> list[HostilePlacement]:
    found = sandbox.dataset.hostile_jobs()
    assert {p.string for p in found} == set(HOSTILE_STRINGS)
    return found


def _key(kind: str, account: str | None, region: str, job_id: str) -> tuple[str, ...]:
    return (kind, account or "", region, job_id)


def _by_job(records: list[dict[str, Any]]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {_key(r["kind"], r["account_id"], r["region"], r["job_id"]): r for r in records}


def _placed(placement: HostilePlacement) -> tuple[str, ...]:
    p = placement
    return _key(p.kind, p.account_id, p.region, p.job_id)


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_keeps_the_exact_strings_and_no_raw_terminal_controls(
    cli: Invoke, sandbox: Sandbox, placements: list[HostilePlacement], fmt: str
) -> None:
    out = list_all_failed(cli, sandbox, "-o", fmt)
    records = json.loads(out) if fmt == "json" else [json.loads(x) for x in out.splitlines()]
    by_job = _by_job(records)
    for p in placements:
        assert by_job[_placed(p)][FIELD[p.field]] == p.string, p
    assert not TERMINAL_UNSAFE.search(out)
    assert "\x08" not in out  # JSON escapes every C0 control
    if fmt == "ndjson":
        assert len(out.splitlines()) == len(records)


def test_csv_neutralizes_formulas_and_shows_terminal_controls(
    cli: Invoke, sandbox: Sandbox, placements: list[HostilePlacement]
) -> None:
    out = list_all_failed(cli, sandbox, "-o", "csv")
    assert not TERMINAL_UNSAFE.search(out)
    rows = list(csv.reader(io.StringIO(out, newline="")))
    header, body = rows[0], rows[1:]
    records = [dict(zip(header, row, strict=True)) for row in body]
    by_job = _by_job(records)
    for p in placements:
        cell = by_job[_placed(p)][FIELD[p.field]]
        neutralized = "'" + p.string if p.string.startswith(FORMULA_START) else p.string
        assert cell == shown(neutralized, keep="\t\r\n"), p
    # RFC 4180: CRLF after every record; quoting only where needed, quotes doubled.
    again = io.StringIO(newline="")
    csv.writer(again, lineterminator="\r\n").writerows(rows)
    assert out == again.getvalue()
    assert out.endswith("\r\n")


def _assert_terminal_safe(out: str, width: int, *, whole_arns: bool = False) -> str:
    """The output with Rich's own colour removed, checked for raw controls and width; with
    ``whole_arns`` (the describe panel), a line may be wider when it is one ARN alone."""
    assert "\x1b[" in out  # Rich did colour it: this is the terminal path
    text = SGR.sub("", out)
    assert not TABLE_UNSAFE.search(text), sorted(set(TABLE_UNSAFE.findall(text)))
    lines = text.split("\n")
    if whole_arns:
        lines = [line for line in lines if not re.fullmatch(r" *arn:\S+", line)]
    widest = max(map(cell_len, lines))
    assert widest <= width
    return text


@pytest.mark.parametrize("width", [80, 200])
def test_table_shows_no_raw_control_and_fits(
    cli: Invoke, sandbox: Sandbox, placements: list[HostilePlacement], width: int
) -> None:
    out = list_all_failed(cli, sandbox, terminal=True, width=width)
    text = _assert_terminal_safe(out, width)
    hostile_ids = {p.job_id for p in placements}
    if width >= 160:  # the default columns include the job id from this width on
        assert all(job_id in text for job_id in hostile_ids)


@pytest.mark.parametrize("field", ["status_message", "resource_name"])
def test_table_shows_each_string_literally_when_there_is_room(
    cli: Invoke, sandbox: Sandbox, placements: list[HostilePlacement], field: str
) -> None:
    out = list_all_failed(cli, sandbox, "--fields", field, terminal=True, width=200)
    text = _assert_terminal_safe(out, 200)
    lines = [line.rstrip() for line in text.splitlines()]
    assert "[bold red]x[/]" in lines
    assert "[link=https://evil.example]click[/link]" in lines
    for string in {p.string for p in placements if FIELD[p.field] == field}:
        visible = shown(string)
        if cell_len(visible) <= 200:
            assert visible in lines, visible
        else:  # the 5,000-character message: cut to the column with an ellipsis
            assert any(line.endswith("…") and visible.startswith(line[:-1]) for line in lines)


def _where(sandbox: Sandbox, p: HostilePlacement) -> tuple[str, ...]:
    """Options that find the job with one Describe call; a role only for a member account."""
    role = () if p.account_id == sandbox.dataset.management_account_id else ("--role", ROLE)
    return (*role, "--account", p.account_id, "--region", p.region, "--kind", p.kind)


# The strings a terminal could misread: control, bidi, markup, long or wide. (Short
# printable ASCII, the CSV formulas and quotes, renders as itself; jobs list covers it.)
TERMINAL_HOSTILE = [
    s
    for s in HOSTILE_STRINGS
    if not (s.isascii() and s.isprintable() and "[" not in s and len(s) < 100)
]


@pytest.mark.parametrize("string", TERMINAL_HOSTILE, ids=lambda s: ascii(s[:20]))
def test_describe_of_a_hostile_job(
    cli: Invoke, sandbox: Sandbox, placements: list[HostilePlacement], string: str
) -> None:
    p = next(p for p in placements if p.string == string)
    where = _where(sandbox, p)
    result = cli("job", "describe", p.job_id, *where, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert not TERMINAL_UNSAFE.search(result.stdout)
    record = json.loads(result.stdout)
    assert (record["job_id"], record[FIELD[p.field]]) == (p.job_id, p.string)

    # Folding at a narrow width matters for long and for double-width text only.
    narrow = len(p.string) > 60 or cell_len(p.string) != len(p.string)
    for width in (80, 200) if narrow else (200,):
        panel = cli("job", "describe", p.job_id, *where, terminal=True, width=width)
        assert panel.exit_code == 0, panel.stderr
        assert panel.stderr == ""
        text = _assert_terminal_safe(panel.stdout, width, whole_arns=True)
        assert p.job_id in text
        if width == 200 and cell_len(shown(p.string)) < 150:
            assert shown(p.string) in text


def test_a_line_on_stderr_is_one_inert_line() -> None:
    # A failure line quotes the service's message, which may hold anything (an endpoint
    # that echoes the request puts its CRLFs there).
    err = io.StringIO()
    Environment(stderr=err).warn("denied (Message: \x1b[2Jx\r\nHost: y\u202e)")
    assert err.getvalue() == "backupctl: denied (Message: \\x1b[2Jx\\r↵Host: y<U+202E>)\n"
