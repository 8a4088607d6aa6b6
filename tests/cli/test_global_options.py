"""Global options after the command, as gh and kubectl take them (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from backupctl.cli.app import app
from backupctl.cli.global_options import before_the_command
from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on
from tests.cli.test_streams import clean_env, run

SGR = "\x1b["


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (["jobs", "list", "--color", "never"], ["--color", "never", "jobs", "list"]),
        (["jobs", "list", "--color=never"], ["--color=never", "jobs", "list"]),
        (
            ["--debug", "jobs", "list", "--limit", "3", "--sandbox", "--config", "c.toml"],
            ["--debug", "--sandbox", "--config", "c.toml", "jobs", "list", "--limit", "3"],
        ),
        # an option's value is never taken for an option
        (["jobs", "list", "--role", "--debug"], ["jobs", "list", "--role", "--debug"]),
        (["jobs", "list", "--", "--sandbox"], ["jobs", "list", "--", "--sandbox"]),
        (["job", "describe", "ID", "--debug"], ["--debug", "job", "describe", "ID"]),
        (["jobs", "--sandbox", "list"], ["--sandbox", "jobs", "list"]),
        (["--color", "always", "jobs", "list"], ["--color", "always", "jobs", "list"]),
        # a global option that wants a value and has none is left last, for click to say so
        (["jobs", "list", "--color"], ["--color"]),
        (["jobs", "list", "--debug", "--config"], ["--debug", "--config"]),
        # an unknown command is left for click to name
        (["nope", "--debug"], ["nope", "--debug"]),
    ],
)
def test_global_options_move_before_the_command(line: list[str], expected: list[str]) -> None:
    assert before_the_command(typer.main.get_command(app), line) == expected


def test_color_after_the_command_is_the_global_one(sandbox: Sandbox) -> None:
    before = invoke_on(sandbox, "--color", "always", "jobs", "list", "--limit", "3")
    after = invoke_on(sandbox, "jobs", "list", "--limit", "3", "--color", "always")
    never = invoke_on(sandbox, "jobs", "list", "--limit", "3", "--color=never", terminal=True)
    assert after.exit_code == 0, after.stderr
    assert after.stdout == before.stdout
    assert SGR in after.stdout
    assert never.exit_code == 0 and SGR not in never.stdout


@pytest.mark.parametrize("option", ["--color", "--config"])
def test_a_global_option_with_no_value_after_the_command_says_so(
    sandbox: Sandbox, option: str
) -> None:
    result = invoke_on(sandbox, "jobs", "list", option)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"backupctl: error: Option '{option}' requires an argument. (see 'backupctl --help')\n"
    )


def test_config_after_the_command(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('output = "ndjson"\n', encoding="utf-8")
    result = invoke_on(sandbox, "jobs", "list", "--limit", "2", "--config", str(config))
    assert result.exit_code == 0, result.stderr
    assert len([json.loads(line) for line in result.stdout.splitlines()]) == 2


def test_help_after_a_global_option_is_the_commands(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    result = invoke_on(sandbox, "jobs", "list", "--debug", "--help")
    assert result.exit_code == 0
    assert "Usage: backupctl jobs list" in capsys.readouterr().out


def test_sandbox_after_the_command_in_the_installed_script() -> None:
    done = run("jobs", "list", "--limit", "2", "-o", "json", "--sandbox", env=clean_env())
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 2
