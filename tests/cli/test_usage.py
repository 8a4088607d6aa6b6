"""Bad usage: exit 2, one line on stderr, nothing on stdout, and not one request made.

Also ``--version``, every command's ``--help`` and ``BACKUPCTL_OUTPUT``. Typer prints help
and the version with its own console on ``sys.stdout``, so those tests read ``capsys``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer

from backupctl import __version__
from backupctl.cli.app import app
from backupctl.cli.help_text import GLOBAL_NOTE
from backupctl.sandbox import Sandbox
from tests.cli.conftest import Invoke

LIST = ("jobs", "list")
DESCRIBE = ("job", "describe", "0B8CDD88-2231-D72A-B419-67B3DA15714B")
ACCOUNTS = ("accounts", "list")
REPORT = ("report", "failures")

# Options every command that calls AWS shares, with their bad values.
WHERE = [
    ("--account", "123"),
    ("--account", "all,111111111111"),
    ("--account", "1111111111111"),
    ("--account", ""),
    ("--account", "\u0661" * 12),  # Arabic-Indic digits: Python's \d matches them
    ("--account", "\uff11" * 12),  # full-width digits
    ("--region", "mars"),
    ("--region", "us-east-\u0661"),
    ("--region", "us-east-7"),  # the form of a region, unknown to botocore's endpoint data
    ("--region", "eu-west-1,us-east-7"),
    ("--region", "all,us-east-1"),
    ("--region", "us-east-1,"),
    ("--ou", "bad"),
    ("--ou", "ou-abcd-12345678", "--account", "111111111111"),
    ("--role", "bad role{"),
    ("--role", "arn:aws:iam::1:role/x"),
    ("--role", "r\u00f4le"),  # IAM's \w is ASCII
    ("--external-id", "x"),
    ("--external-id", "x", "--role", "R"),
    ("--external-id", "an id", "--role", "R"),
    ("--external-id", "x" * 1225, "--role", "R"),
    ("--output", "xml"),
    ("-o", "XML"),
    ("-o", "json", "--query", "[?"),
    ("-o", "json", "--query", "foo(@)"),
    ("-o", "text", "--query", "length(@, @)"),
    ("-o", "csv", "--query", "job_id"),
    ("--query", "job_id"),  # the table has no JSON form
    ("-o", "json", "--header"),
    ("-o", ""),
    ("--nope",),
    ("--account",),
]
WHICH = [
    ("--state", "BROKEN"),
    ("--state", "FAILED,"),
    ("--kind", "snapshot"),
    ("--since", "yesterday"),
    ("--since", "7x"),
    ("--since", "-1d"),
    ("--since", ""),
    ("--since", "\u0667d"),
    ("--since", "99999999999999d"),
    ("--since", "1000000d"),
    ("--until", "99999999999999h"),
    ("--since", "0001-01-01"),
    ("--since", "0999-12-31T23:59:59Z"),
    ("--since", "0001-01-01T00:00:00+01:00"),
    ("--until", "9999-12-31T23:59:59-01:00"),
    ("--until", "2026-13-01"),
    ("--since", "2026-11-02", "--until", "2026-11-01"),
    ("--since", "2026-11-01T00:00:00Z", "--until", "2026-11-01T00:00:00Z"),
    ("--limit", "0"),
    ("--limit", "-3"),
    ("--limit", "abc"),
    ("--concurrency", "0"),
    ("--concurrency", "100000"),
    ("--concurrency", "1.5"),
    ("--timeout", "0"),
    ("--timeout", "soon"),
    ("--fields", "nope"),
    ("--fields", "state,state"),
    ("--fields", ""),
    ("--fields", "state,,job_id"),
    ("--resource-arn", "not-an-arn"),
    ("--resource-type", ""),
    ("--vault", "bad vault!"),
    ("--vault", "my.vault"),
    ("--vault", "my.vault", "--kind", "copy"),  # filtered by backupctl: still no such name
    ("--vault", "v"),
    ("--resource-type", "Elastic Block Store"),
    ("--resource-type", "\U0001f4be"),
    ("--resource-type", "x" * 200),
]
REPORT_WHICH = [
    ("--query", "totals"),  # -o text: no JSON form
    ("-o", "json", "--query", "a b"),
    ("--since", "1000000d"),
    ("--until", "99999999999999h"),
    ("--vault", "my.vault"),
    ("--resource-type", "a b"),
    ("--region", "us-east-7"),
]
CASES = [
    *[(LIST, bad) for bad in WHERE + WHICH],
    *[(DESCRIBE, bad) for bad in [*WHERE, ("--kind", "snapshot"), ("--concurrency", "0")]],
    *[(ACCOUNTS, bad) for bad in WHERE],
    *[(REPORT, bad) for bad in REPORT_WHICH],
    (("job", "describe"), ()),
    (("job", "describe", "a", "b"), ()),
    (("job", "describe", "--kind", "backup"), ()),
    (("jobs", "nope"), ()),
    (("nope",), ()),
    (("--nope",), ()),
    (("jobs", "list", "--state"), ()),
]


def _id(case: tuple[tuple[str, ...], tuple[str, ...]]) -> str:
    words = [w if len(w) <= 20 else f"{w[:10]}...({len(w)})" for w in (*case[0][:2], *case[1])]
    return " ".join(words) or "-"


@pytest.mark.parametrize("case", CASES, ids=map(_id, CASES))
def test_bad_usage_exits_2_with_one_line_and_no_request(
    cli: Invoke, sandbox: Sandbox, case: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    command, bad = case
    before = sandbox.counters.total_requests()
    result = cli(*command, *bad)
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert re.match(r"backupctl: error: \S.{10}", result.stderr), result.stderr
    assert result.stderr.endswith("\n")
    assert result.stderr.count("\n") == 1, result.stderr
    assert sandbox.counters.total_requests() == before


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("jobs", "list", "--state", "BROKEN"), "--state"),
        (("jobs", "list", "--since", "7x"), "--since"),
        (("jobs", "list", "--until", "2026-13-01"), "--until"),
        (("jobs", "list", "--until", "99999999999999h"), "--until"),
        (("jobs", "list", "--account", "\u0661" * 12), "--account"),
        (("jobs", "list", "--limit", "0"), "--limit"),
        (("jobs", "list", "--fields", "nope"), "nope"),
        (("jobs", "list", "--region", "mars"), "mars"),
        (("jobs", "list", "--region", "us-east-7"), "botocore"),
        (("jobs", "list", "--vault", "my.vault"), "^[a-zA-Z0-9\\-\\_]{2,50}$"),
        (("jobs", "list", "--resource-type", "a b"), "--resource-type: AWS does not accept 'a b'"),
        (("job", "describe"), "JOB_ID"),
        (("jobs", "list", "--nope"), "--nope"),
        (("jobs", "list", "-o", "json", "--query", "[?"), "--query: '[?'"),
        (("jobs", "list", "-o", "csv", "--query", "a"), "not to -o csv"),
        (("report", "gaps", "-o", "json", "--query", "nope(@)"), "no function nope()"),
    ],
)
def test_the_error_names_what_was_wrong(cli: Invoke, args: tuple[str, ...], named: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert named.lower() in result.stderr.lower()


COMMA = "has an empty value (a comma too many?)"
WHOLE = "is not a whole number of 1 or more"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("jobs", "list", "--concurrency", "0"), "--concurrency: '0' is not a whole number from 1 to 256"),  # noqa: E501
        (("jobs", "watch", "--interval", "0.5"), f"--interval: '0.5' {WHOLE}"),
        (("jobs", "watch", "--count", "-1"), f"--count: '-1' {WHOLE}"),
        (("jobs", "list", "--limit", "ten"), f"--limit: 'ten' {WHOLE}"),
        (("jobs", "list", "--timeout", "0.5"), "--timeout: '0.5' is not a number of seconds, 1 or more"),  # noqa: E501
        (("jobs", "list", "--account", "551882321577,"), f"--account: '551882321577,' {COMMA}"),
        (("jobs", "list", "--state", "FAILED,"), f"--state: 'FAILED,' {COMMA}"),
        (("jobs", "list", "--region", ",eu-west-1"), f"--region: ',eu-west-1' {COMMA}"),
    ],
)  # fmt: skip
def test_a_bad_value_is_said_in_backupctls_words(
    cli: Invoke, args: tuple[str, ...], line: str
) -> None:
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"backupctl: error: {line}\n"


@pytest.mark.parametrize("spelling", ["JSON", "Json", " json "])
def test_output_format_is_case_insensitive(cli: Invoke, sandbox: Sandbox, spelling: str) -> None:
    result = cli("jobs", "list", "--limit", "2", "-o", spelling)
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2


def test_bare_command_group_shows_help_and_exits_2(
    cli: Invoke, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sandbox.counters.total_requests()
    for group in ((), ("jobs",), ("job",), ("accounts",)):
        result = cli(*group)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert re.match(r"backupctl: error: \w", result.stderr), result.stderr
        assert f"backupctl {' '.join(group)} --help".replace("  ", " ") in result.stderr
        assert "Usage:" in capsys.readouterr().out
    assert sandbox.counters.total_requests() == before


def test_version(cli: Invoke, capsys: pytest.CaptureFixture[str]) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert capsys.readouterr().out == f"backupctl {__version__}\n"


HELP = {
    (): ("--sandbox", "--debug", "--version", "jobs", "job", "accounts", "history", "sandbox"),
    ("jobs", "list"): (
        "--kind", "--state", "--since", "--until", "--resource-type", "--resource-arn",
        "--vault", "--limit", "--account", "--ou", "--region", "--role", "--external-id",
        "--profile", "--concurrency", "--output", "--fields", "--history", "--db",
    ),
    ("jobs", "summary"): (
        "--by", "--kind", "--state", "--since", "--until", "--resource-type", "--account",
        "--region", "--role", "--output", "--fields", "--history", "--db",
    ),
    ("history", "sync"): (
        "--account", "--ou", "--region", "--role", "--external-id", "--profile",
        "--concurrency", "--db",
    ),
    ("job", "describe"): (
        "JOB_ID", "--kind", "--account", "--ou", "--region", "--role", "--external-id",
        "--profile", "--concurrency", "--output", "--history", "--db",
    ),
    ("accounts", "list"): (
        "--account", "--ou", "--region", "--role", "--external-id", "--profile", "--output",
    ),
    ("sandbox",): ("--seed", "--members", "--region", "--port", "--latency"),
    ("report", "gaps"): (
        "--rpo", "--copy-grace", "--new", "--verbose", "--account", "--ou", "--region", "--role",
        "--profile", "--concurrency", "--timeout", "--output",
    ),
    ("report", "failures"): ("--gaps", "--new", "--since", "--output"),
}  # fmt: skip


@pytest.mark.parametrize("command", list(HELP), ids=lambda c: " ".join(c) or "backupctl")
def test_every_command_has_help(
    cli: Invoke, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    before = sandbox.counters.total_requests()
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert result.stderr == ""
    shown = capsys.readouterr().out
    for option in HELP[command]:
        assert option.lower() in shown.lower(), option
    assert sandbox.counters.total_requests() == before


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's words, the root's and the groups' included."""
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


ROOT = typer.main.get_command(app)
EVERY_COMMAND = _commands(ROOT)


def _option_names(words: tuple[str, ...]) -> list[str]:
    """The long names of the options of the command ``words`` names."""
    command: Any = ROOT
    for word in words:
        command = command.commands[word]
    return [name for param in command.params for name in param.opts if name.startswith("--")]


def test_every_command_is_covered() -> None:
    leaves = {"jobs list", "jobs watch", "jobs summary", "job describe", "accounts list",
              "report failures", "report gaps", "history sync", "history export", "sandbox",
              "completion"}  # fmt: skip
    assert leaves <= {" ".join(words) for words in EVERY_COMMAND}


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", EVERY_COMMAND, ids=lambda c: " ".join(c) or "backupctl")
def test_every_help_has_examples_value_names_and_fits(
    cli: Invoke,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    width: int,
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    assert cli(*command, "--help").exit_code == 0
    shown = capsys.readouterr().out
    lines = [line.rstrip() for line in shown.splitlines()]
    assert all(len(line) <= width for line in lines), shown
    # No option name or default is cut short ("--no-cross-account-monit…").
    assert "…" not in shown, shown
    names = set(re.findall(r"--[\w-]+", shown))
    assert set(_option_names(command)) <= names, shown
    examples = [line.strip() for line in lines[lines.index(" Examples:") + 1 :] if line.strip()]
    assert examples[0].startswith(("backupctl ", "eval ", "source ")), examples
    assert examples[-1] == GLOBAL_NOTE
    # Values are named (ID, WHEN, N), never Python's types; no default is said twice.
    assert not re.search(r"<(bool|str|int|float|list|file|path)", shown), shown
    assert "[default:" not in shown or command == ("sandbox",)


def test_root_help_lists_the_exit_codes(cli: Invoke, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--help").exit_code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for code in ("0", "1", "2", "3", "4", "5", "6", "70", "130", "143"):
        assert f" {code} " in shown, code
    assert "Exit codes" in shown


def test_backupctl_output_sets_the_default_and_o_overrides_it(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKUPCTL_OUTPUT", "json")
    by_env = cli("jobs", "list", "--limit", "3")
    assert by_env.exit_code == 0, by_env.stderr
    records = json.loads(by_env.stdout)
    assert len(records) == 3
    overridden = cli("jobs", "list", "--limit", "3", "-o", "ndjson")
    assert overridden.exit_code == 0, overridden.stderr
    assert [json.loads(line) for line in overridden.stdout.splitlines()] == records
    described = cli("job", "describe", records[0]["job_id"], "--kind", records[0]["kind"])
    assert described.exit_code == 0, described.stderr
    assert json.loads(described.stdout)["job_id"] == records[0]["job_id"]


def test_a_bad_backupctl_output_is_usage_and_names_the_variable(
    cli: Invoke, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKUPCTL_OUTPUT", "xml")
    before = sandbox.counters.total_requests()
    result = cli("jobs", "list")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "BACKUPCTL_OUTPUT" in result.stderr
    assert sandbox.counters.total_requests() == before
    assert cli("jobs", "list", "--limit", "1", "-o", "csv").exit_code == 0


@pytest.mark.parametrize("spelling", ["SAP HANA on Amazon EC2", "storage gateway"])
def test_documented_resource_types_with_a_space_are_sent(
    cli: Invoke, sandbox: Sandbox, spelling: str
) -> None:
    # ListBackupJobs documents these two, though the pattern of ByResourceType has no space.
    before = sandbox.counters.total_requests()
    result = cli("jobs", "list", "--resource-type", spelling, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert sandbox.counters.total_requests() > before
