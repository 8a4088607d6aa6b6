"""Completions, fast start-up, the config file and colour: the everyday details (issue 6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backupctl.cli.completion import FILES, SHELLS, script
from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on

ROOT = Path(__file__).resolve().parents[2]
SGR = "\x1b["


@pytest.mark.parametrize("shell", SHELLS)
def test_checked_in_completions_are_current(shell: str) -> None:
    checked_in = (ROOT / "completions" / FILES[shell]).read_text(encoding="utf-8")
    assert checked_in == script(shell), "run: backupctl completion SHELL > completions/FILE"


def _in_child(args: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    """Run the CLI in a fresh interpreter; its stdout and the heavy modules it imported."""
    code = (
        "import sys\nfrom backupctl.cli.app import run\n"
        "try:\n    run(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('boto3', 'botocore', 'tenacity') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    heavy_line = [line for line in done.stderr.splitlines() if line.startswith("HEAVY=")][-1]
    return done.stdout, [m for m in heavy_line[len("HEAVY=") :].split(",") if m]


@pytest.mark.parametrize(
    "args", [["--help"], ["jobs", "list", "--help"], ["report", "failures", "--help"]]
)
def test_help_does_not_import_boto3(args: list[str]) -> None:
    out, heavy = _in_child(args, {})
    assert "Usage" in out
    assert heavy == []


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("backupctl jobs list --state F", "4", ["FAILED"]),
        ("backupctl jobs list --state f", "4", ["failed"]),
        ("backupctl jobs list --state Fa", "4", ["Failed"]),
        ("backupctl jobs list --kind B", "4", ["BACKUP"]),
        ("backupctl jobs list -o J", "4", ["JSON"]),
        ("backupctl jobs list -o t", "4", ["table", "text"]),
        ("backupctl jobs list --kind ", "4", ["backup", "copy", "restore"]),
        ("backupctl jobs list -o n", "4", ["ndjson"]),
        ("backupctl jobs list --region eu-west-", "4", ["eu-west-1", "eu-west-2", "eu-west-3"]),
        ("backupctl rep", "1", ["report"]),
    ],
)
def test_completion_offers_values_without_boto3(
    words: str, cword: str, expected: list[str]
) -> None:
    env = {"_BACKUPCTL_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}
    out, heavy = _in_child([], env)
    assert out.split() == expected
    assert heavy == []


def test_completion_offers_config_lists_and_names(tmp_path: Path) -> None:
    config = tmp_path / "backupctl" / "config.toml"
    config.parent.mkdir()
    config.write_text('[lists]\nprod = ["111111111111"]\n[names]\n"222222222222" = "web"\n')
    env = {
        "_BACKUPCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": "backupctl jobs list --account ",
        "COMP_CWORD": "4",
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    out, _ = _in_child([], env)
    assert out.split() == ["all", "@prod", "222222222222"]


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_defaults_and_precedence(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sandbox.dataset
    member = next(a for a in data.active_accounts if a.id != data.management_account_id)
    path = _config(
        tmp_path,
        f'role = "OrganizationAccountAccessRole"\noutput = "json"\nregions = ["eu-west-1"]\n'
        f'[lists]\nteam = ["{member.id}"]\n',
    )
    base = ("--config", str(path), "jobs", "list", "--account", "@team", "--limit", "3")
    from_config = invoke_on(sandbox, *base)
    assert from_config.exit_code == 0, from_config.stderr
    jobs = json.loads(from_config.stdout)  # output = "json" from the file
    assert {(j["account_id"], j["region"]) for j in jobs} == {(member.id, "eu-west-1")}
    monkeypatch.setenv("BACKUPCTL_OUTPUT", "csv")  # the environment beats the file...
    assert invoke_on(sandbox, *base).stdout.startswith("kind,job_id,")
    assert invoke_on(sandbox, *base, "-o", "ndjson").stdout.startswith(
        "{"
    )  # ...the flag beats both


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("regionz = []\n", "line 1: 'regionz' is not a setting (settings: role, external_id, concurrency, output, color, profile, history_db, regions, accounts, lists, names, notify)"),  # noqa: E501
        ("output = 'xml'\n", "line 1: 'output' is 'xml'; valid: table, json, ndjson, csv, text"),
        ('role = "R"\ncolor = "sometimes"\n', "line 2: 'color' is 'sometimes'; valid: auto, always, never"),  # noqa: E501
        (
            '[lists]\nprod = ["551882321577"]\nold = ["551882321577", "12345"]\n',
            "line 3: 'old' holds '12345', which is not a 12-digit account id",
        ),
        ('accounts = ["@prod"]\n', "line 1: 'accounts' holds '@prod', and [lists] has no list 'prod'"),  # noqa: E501
        ('regions = ["eu-west-1", "mars"]\n', "line 1: 'regions' holds 'mars', which is not a region name or 'all'"),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_config_is_one_line_and_exit_2(
    sandbox: Sandbox, tmp_path: Path, text: str, needle: str
) -> None:
    path = _config(tmp_path, text)
    sandbox.counters.reset()
    result = invoke_on(sandbox, "--config", str(path), "jobs", "list")
    assert result.exit_code == 2
    assert result.stderr == f"backupctl: error: {path}, {needle}\n"
    assert sandbox.counters.total_requests() == 0


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["--color", "never"], {}, False),
        (["--color", "always"], {}, True),
        ([], {"NO_COLOR": "1"}, False),
        ([], {"TERM": "dumb"}, False),
        (["--color", "always"], {"NO_COLOR": "1"}, True),  # the flag beats the environment
        (["--color", "always"], {"TERM": "dumb"}, True),
        ([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_follows_flag_and_environment(
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    coloured: bool,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    failed = ("jobs", "list", "--state", "FAILED", "--limit", "5")
    result = invoke_on(sandbox, *args, *failed, terminal=True)
    assert result.exit_code == 0, result.stderr
    assert (SGR in result.stdout) is coloured
    assert (f"{SGR}31mFAILED" in result.stdout) is coloured  # the state itself, in red


@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv"])
def test_machine_formats_never_carry_escapes(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    result = invoke_on(sandbox, "--color", "always", "jobs", "list", "-o", fmt, terminal=True)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
