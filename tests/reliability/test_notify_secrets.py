"""No part of a webhook URL, a heartbeat URL or a topic ARN on any output: not in a failure
line (the receiver echoes the request it refused, as some gateways do; SNS's refusal
quotes the topic), not in ``--debug``'s log (urllib3's and botocore's), not in a crash
line, not from the installed script in its own process; from options and from the config
file alike. Every address is new to the process: it is known as a secret only because
the run read it."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backupctl.sandbox import Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.cli.test_streams import BACKUPCTL, clean_env
from tests.receiver import Receiver

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
REDACTED = "<redacted>"


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=2, jobs_per_region=40, now=DATA_NOW)) as server:
        yield server


@dataclass(frozen=True)
class Addresses:
    """A fresh set of addresses, and every part of them that must not be printed."""

    slack: str
    webhook: str
    heartbeat: str
    topic: str
    parts: tuple[str, ...]

    def options(self) -> tuple[str, ...]:
        return (
            "--notify", f"slack:{self.slack}", "--notify", self.webhook,
            "--sns-topic", self.topic, "--heartbeat", self.heartbeat,
        )  # fmt: skip


def addresses(receiver: Receiver, sandbox: Sandbox) -> Addresses:
    team, channel, key = (uuid.uuid4().hex[:10].upper() for _ in range(3))
    token, sig, check = uuid.uuid4().hex, uuid.uuid4().hex[:20], str(uuid.uuid4())
    slack_path = f"/services/T{team}/B{channel}/{token}"
    webhook_path = f"/intake/hooks{key}"
    member = sandbox.dataset.active_accounts[1].id  # not the caller's: SNS refuses, quoting it
    topic = f"arn:aws:sns:us-east-1:{member}:backup-alerts"
    return Addresses(
        slack=receiver.url(slack_path),
        webhook=receiver.url(f"{webhook_path}?sig={sig}&sv=1.0"),
        heartbeat=receiver.url(f"/{check}"),
        topic=topic,
        parts=(
            slack_path, f"T{team}", f"B{channel}", token, webhook_path, f"hooks{key}", sig,
            check, topic, topic.replace(":", "%3A"),
        ),
    )  # fmt: skip


def assert_no_address(result: Result, found: Addresses) -> None:
    for name, stream in (("stdout", result.stdout), ("stderr", result.stderr)):
        for part in found.parts:
            assert part not in stream, (name, part)


def run(sandbox: Sandbox, *options: str, debug: bool = False, config: Path | None = None) -> Result:
    first = (*(["--debug"] if debug else []), *(["--config", str(config)] if config else []))
    return invoke_on(
        sandbox, *first, "report", "failures", "--account", "all", "--region", "us-east-1",
        "--since", "7d", *options, now=NOW,
    )  # fmt: skip


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_no_address_on_any_output_when_every_delivery_fails(
    org: Sandbox, receiver: Receiver, debug: bool
) -> None:
    receiver.answer("fail")
    found = addresses(receiver, org)
    result = run(org, *found.options(), debug=debug)
    assert result.exit_code == 6, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if "not delivered" in line]
    assert len(errors) == 4  # slack, webhook, sns and the heartbeat: each quoted its echo
    assert all(REDACTED in line for line in errors)
    if debug:  # urllib3's and botocore's logs named the requests: redacted
        assert '"POST <redacted>' in result.stderr and "Publish" in result.stderr
    assert_no_address(result, found)


def test_no_address_from_the_config_file(org: Sandbox, receiver: Receiver, tmp_path: Path) -> None:
    receiver.answer("fail", status=400)
    found = addresses(receiver, org)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[notify]\nheartbeat = "{found.heartbeat}"\n[notify.targets]\n'
        f'chat = "slack:{found.slack}"\nintake = "{found.webhook}"\n'
        f'topic = "sns:{found.topic}"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    for debug in (False, True):
        result = run(org, debug=debug, config=config)
        assert result.exit_code == 6, result.stderr[-3000:]
        assert "notify target intake (webhook): not delivered" in result.stderr
        assert_no_address(result, found)


def test_a_crash_quoting_an_address_prints_none_and_sends_fail(
    org: Sandbox, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = addresses(receiver, org)

    def crash(*args: object) -> None:
        raise RuntimeError(f"forced, quoting {found.webhook} and {found.topic}")

    monkeypatch.setattr("backupctl.output.report.notice.failures_notice", crash)
    for debug in (False, True):
        result = run(org, *found.options(), debug=debug)
        assert result.exit_code == 70
        assert f"internal error: RuntimeError: forced, quoting {REDACTED} and {REDACTED}" in (
            result.stderr
        )
        assert_no_address(result, found)
    # A bug is a failed run to the monitor, not a missed one.
    assert [r.path.rsplit("/", 1)[1] for r in receiver.arrived()] == ["fail", "fail"]


@pytest.mark.skipif(not Path(BACKUPCTL).exists(), reason="console script missing")
def test_the_console_script_prints_no_address(receiver: Receiver, sandbox: Sandbox) -> None:
    """The installed script in its own process, with its own sandbox (the default
    organization, as the session's): its real stdout and stderr are redacted too."""
    receiver.answer("fail")
    found = addresses(receiver, sandbox)
    done = subprocess.run(
        [BACKUPCTL, "--sandbox", "--debug", "report", "failures", "--since", "30d",
         "--region", "us-east-1", *found.options(), "--notify-timeout", "2"],
        capture_output=True, text=True, timeout=120, env=clean_env(), check=False,
    )  # fmt: skip
    assert done.returncode == 6, done.stderr[-3000:]
    assert "not delivered" in done.stderr and '"POST <redacted>' in done.stderr
    assert_no_address(Result(done.returncode, done.stdout, done.stderr), found)
