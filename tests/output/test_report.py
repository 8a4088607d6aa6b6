"""The text and Markdown reports: every string from the data inert, whichever field it is in."""

from __future__ import annotations

import re

import pytest

from backupctl.domain.job import Kind
from backupctl.domain.problems import ProblemTally, Summary, Unreadable
from backupctl.output.report.markdown import render_markdown
from backupctl.output.report.text import render_text

from .factory import HOSTILE, NOW, make_job

# What must never be written raw: every C0 control but LF, DEL, C1, bidi controls, the
# Unicode line and paragraph separators, lone surrogates.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
    "\ud800-\udfff]"
)
# A pipe, backtick, bracket, angle bracket or emphasis character with no backslash before it.
UNESCAPED = re.compile(r"(?<!\\)[|`\[\]<>*_~&]")


def summary_of(value: str) -> Summary:
    """A report whose every data string is ``value``: the job's id, account, region,
    resource name and message, the account's name, an unreadable target and its reason."""
    job = make_job(
        job_id=value,
        account_id=value,
        region=value,
        state="FAILED",
        resource_name=value,
        status_message=value,
        created_at=NOW,
    )
    unreadable = Unreadable(value, value, (Kind.COPY,), "AccessDenied", value)
    tally = ProblemTally()
    tally.add(job, "FAILED")
    return Summary(
        NOW, None, 1, tally, 2, [unreadable], {value: value}, records=lambda: iter([job])
    )


def render(fmt: str, value: str) -> str:
    summary = summary_of(value)
    return render_text(summary, NOW) if fmt == "text" else render_markdown(summary, NOW)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
@pytest.mark.parametrize("value", HOSTILE, ids=lambda s: ascii(s[:20]))
def test_every_data_string_is_inert_and_stays_on_its_line(fmt: str, value: str) -> None:
    out = render(fmt, value)
    assert not UNSAFE.search(out), sorted(set(UNSAFE.findall(out)))
    # The same report with a plain string has as many lines: nothing broke out of its own.
    assert len(out.splitlines()) == len(render(fmt, "plain").splitlines())


def test_a_hostile_job_id_in_text() -> None:
    out = render_text(summary_of("id\x1b[2J\n# heading `x`"), NOW)
    assert out.splitlines()[-3:] == [
        "  id\\x1b[2J↵# heading `x`",
        "    FAILED, latest 2025-11-27 14:00 UTC (0s ago), backup job id\\x1b[2J↵# heading "
        "`x` in id\\x1b[2J↵# heading `x`",
        "    id\\x1b[2J↵# heading `x`",
    ]


@pytest.mark.parametrize(
    ("job_id", "cell"),
    [
        ("0F5E3A6C-1D2B", "`0F5E3A6C-1D2B`"),
        ("a`b", "``a`b``"),
        ("``x", "``` ``x ```"),
        ("a|b", "`a\\|b`"),
        ("[x](https://evil.example)\x1b[2J", "`[x](https://evil.example)\\x1b[2J`"),
    ],
)
def test_a_job_id_in_markdown_is_one_code_span(job_id: str, cell: str) -> None:
    out = render_markdown(summary_of(job_id), NOW)
    assert f"| backup {cell} (" in out


@pytest.mark.parametrize("value", HOSTILE, ids=lambda s: ascii(s[:20]))
def test_markdown_escapes_its_syntax_outside_the_job_id(value: str) -> None:
    out = render_markdown(summary_of(value), NOW)
    lines = out.splitlines()
    assert [line for line in lines if line.startswith("#")] == [
        "## AWS Backup problems",
        "### Could not read",
        lines[-5],  # the account's heading: its id and name, escaped
    ]
    row = lines[-1]
    assert row.startswith("| ") and row.endswith(" |")
    job = re.search(r"\| backup (`+).*?\1 \(", row)
    assert job is not None
    outside = row[: job.start()] + row[job.end() :]
    # Six cells, seven separators; no other syntax character is left unescaped.
    assert UNESCAPED.findall(outside) == ["|"] * 6
    assert not UNESCAPED.search(lines[-5]) and not UNESCAPED.search(lines[-8])
