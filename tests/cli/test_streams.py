"""The installed console script in a real process: pipes, ``--debug`` and Ctrl-C.

Each test starts ``backupctl`` as a subprocess with ``--sandbox`` (an in-process sandbox
for that one invocation) or against a ``backupctl sandbox`` process started here.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from backupctl.sandbox import Sandbox

BACKUPCTL = str(Path(sys.executable).with_name("backupctl"))
ROLE = "OrganizationAccountAccessRole"
# Every job of the organization: output well past a pipe's 64 KiB in every format.
EVERY_JOB = ("--account", "all", "--region", "us-east-1,eu-west-1")
# The sandbox's session tokens all start so (as real STS tokens do); none may be logged.
SESSION_TOKEN_PREFIX = "FwoGZXIvYXdzE"
# What each stop signal ends a run with: its exit code and the last line on stderr.
STOPS = {
    signal.SIGINT: (130, "backupctl: interrupted"),
    signal.SIGTERM: (143, "backupctl: terminated"),
}

pytestmark = pytest.mark.skipif(not Path(BACKUPCTL).exists(), reason="console script missing")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any AWS or backupctl setting, plus ``extra``."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BACKUPCTL_", "COLUMNS"))
    }
    env.update(
        AWS_CONFIG_FILE="/nonexistent/backupctl-tests/config",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/backupctl-tests/credentials",
        **extra,
    )
    return env


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BACKUPCTL, *args],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=60,
        check=False,
    )


@pytest.fixture
def served(sandbox: Sandbox) -> Iterator[dict[str, str]]:
    """A ``backupctl sandbox --latency 0.5`` process; the environment it printed."""
    process = subprocess.Popen(
        [BACKUPCTL, "sandbox", "--latency", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
    )
    assert process.stdout is not None
    env: dict[str, str] = {}
    try:
        for _ in sandbox.env():  # as many export lines as a sandbox's environment has names
            name, value = process.stdout.readline().removeprefix("export ").strip().split("=", 1)
            env[name] = value
        yield env
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


# Commands whose output `| head -1` cuts short: every format, a report, and help (which
# Typer prints with its own Rich console, a piece at a time).
HEAD_ONE = {
    **{
        fmt: ("--sandbox", "jobs", "list", *EVERY_JOB, "-o", fmt)
        for fmt in ("table", "json", "ndjson", "csv")
    },
    "report": ("--sandbox", "report", "failures", *EVERY_JOB, "--since", "30d", "-o", "json"),
    "help": ("--help",),
    "command-help": ("jobs", "list", "--help"),
}


@pytest.mark.parametrize("args", list(HEAD_ONE.values()), ids=list(HEAD_ONE))
def test_head_closing_the_pipe_ends_quietly(args: tuple[str, ...]) -> None:
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [BACKUPCTL, *args], stdout=subprocess.PIPE, stderr=errors, env=clean_env()
        )
        head = subprocess.Popen(["head", "-1"], stdin=child.stdout, stdout=subprocess.PIPE)
        assert child.stdout is not None
        child.stdout.close()  # head alone reads it
        first, _ = head.communicate(timeout=60)
        code = child.wait(timeout=60)
        errors.seek(0)
        stderr = errors.read().decode()
    assert first.endswith(b"\n")  # help's first line is blank: its box's top margin
    assert stderr == ""
    assert code == 0


# Every command: its help goes through click's echo or Typer's Rich console, on stdout.
COMMANDS = (
    (), ("jobs", "list"), ("jobs", "watch"), ("job", "describe"), ("accounts", "list"),
    ("report", "failures"), ("sandbox",), ("completion",),
)  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "backupctl")
def test_every_help_goes_whole_through_a_pipe(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert (result.returncode, result.stderr) == (0, "")
    assert "Usage: backupctl " + " ".join(command) in result.stdout
    assert result.stdout.endswith("\n")


def test_completion_answers_through_the_console_script() -> None:
    words = {"COMP_WORDS": "backupctl jobs list --kind ", "COMP_CWORD": "4"}
    result = run(env=clean_env(_BACKUPCTL_COMPLETE="complete_bash", **words))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.split() == ["backup", "copy", "restore"]


def test_stdout_carries_only_data() -> None:
    result = run("--sandbox", "jobs", "list", "--state", "FAILED", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = json.loads(result.stdout)
    assert records
    assert {r["state"] for r in records} == {"FAILED"}


def _redactions(stream: str, secrets: list[str]) -> int:
    """Assert that no secret is in ``stream``; how many logged secrets were redacted."""
    for secret in secrets:
        assert secret not in stream
    assert SESSION_TOKEN_PREFIX not in stream
    redacted = 0
    # Wherever a secret's name is logged (not a closing tag), its value is redacted.
    for name in ("SecretAccessKey", "SessionToken", "X-Amz-Security-Token", "ExternalId"):
        pattern = rf"(?<!/){name}(?:['\"]?\s*[:=>]\s*b?['\"]?|>)(.{{0,10}})"
        for match in re.finditer(pattern, stream, re.IGNORECASE):
            assert match.group(1).startswith("<redacted>"), match.group(0)
            redacted += 1
    return redacted


@pytest.mark.parametrize("role", [False, True], ids=["caller", "assume-role"])
def test_debug_logs_to_stderr_without_secrets(sandbox: Sandbox, role: bool) -> None:
    # --sandbox starts the default organization, whose keys are the session sandbox's.
    access_key, secret = sandbox.credentials()
    external_id = "ext-id-do-not-log"
    where = ["--account", "all", "--role", ROLE, "--external-id", external_id] if role else []
    result = run("--sandbox", "--debug", "jobs", "list", "--limit", "3", "-o", "json", *where)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(json.loads(result.stdout)) == 3
    assert "botocore" in result.stderr
    assert "DEBUG" in result.stderr
    assert access_key in result.stderr  # signed with these keys: the secret is the one to find
    assert _redactions(result.stdout, [secret, external_id]) == 0
    redacted = _redactions(result.stderr, [secret, external_id])
    if role:
        # The AssumeRole call and answer, and each request's token header, were logged.
        assert "AssumeRole" in result.stderr
        assert redacted >= 4


def _read_until_closed(stream: IO[bytes], deadline: float) -> bytes:
    data = b""
    while time.monotonic() < deadline:
        chunk = stream.read1(65536)  # type: ignore[attr-defined]
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.parametrize("stop", list(STOPS), ids=lambda s: signal.Signals(s).name)
def test_a_stop_signal_mid_run_ends_it_within_2s_on_a_whole_line(
    served: dict[str, str], stop: signal.Signals
) -> None:
    code, note = STOPS[stop]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            # One call at a time: after the first page, at least five more calls of 0.5 s each.
            [BACKUPCTL, "jobs", "list", *EVERY_JOB, "--concurrency", "1", "-o", "ndjson"],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=clean_env(**served),
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # the first page has arrived: the run is under way
        assert first.startswith(b"{")
        interrupted = time.monotonic()
        child.send_signal(stop)
        rest = _read_until_closed(child.stdout, interrupted + 2)
        exit_code = child.wait(timeout=max(0.1, interrupted + 2 - time.monotonic()))
        elapsed = time.monotonic() - interrupted
        errors.seek(0)
        stderr = errors.read().decode()
    assert exit_code == code
    assert elapsed < 2
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == note
    output = first + rest
    assert output.endswith(b"\n")
    for line in output.decode().splitlines():
        assert isinstance(json.loads(line), dict)
