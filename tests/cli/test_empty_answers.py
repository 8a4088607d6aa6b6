"""An answer that must be empty says why on stderr, so that it is not taken for a quiet
day (issue 14); an answer that may hold jobs says nothing more."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (
            ("--state", "EXPIRED", "--kind", "copy"),
            "no copy job is ever EXPIRED (EXPIRED is a state of backup jobs only): "
            "none was looked for",
        ),
        (
            ("--state", "expired,aborting", "--kind", "copy,restore"),
            "no copy/restore job is ever EXPIRED or ABORTING (EXPIRED is a state of backup "
            "jobs only; ABORTING is a state of backup jobs only): none was looked for",
        ),
        (
            ("--since", "2030-01-01"),
            "--since 2030-01-01T00:00:00.000Z is in the future: no job was created since",
        ),
    ],
)
def test_an_empty_answer_says_why(cli: Invoke, args: tuple[str, ...], why: str) -> None:
    result = cli("jobs", "list", *args, "-o", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert result.stderr == f"backupctl: {why}\n"


def test_the_report_says_why_too(cli: Invoke) -> None:
    result = cli("report", "failures", "--since", "2030-01-01")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "backupctl: --since 2030-01-01T00:00:00.000Z is in the future: no job was created since\n"
    )


def test_the_job_summary_says_why_too(cli: Invoke) -> None:
    result = cli("jobs", "summary", "--since", "2030-01-01", "-o", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert result.stderr == (
        "backupctl: --since 2030-01-01T00:00:00.000Z is in the future: no job was created since\n"
    )


def test_a_state_some_kind_has_says_nothing(cli: Invoke) -> None:
    result = cli("jobs", "list", "--state", "EXPIRED", "--limit", "1", "-o", "json")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_until_now_is_the_run_s_own_time(cli: Invoke) -> None:
    until_now = cli("jobs", "list", "--since", "2d", "--until", "now", "-o", "json")
    plain = cli("jobs", "list", "--since", "2d", "-o", "json")
    assert until_now.exit_code == 0, until_now.stderr
    assert until_now.stdout == plain.stdout != "[]\n"
