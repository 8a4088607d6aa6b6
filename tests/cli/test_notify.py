"""``--notify``, ``--sns-topic``, ``--heartbeat`` and ``[notify]``: a report with something
in it delivered once to each target, in each target's form; a clean run sending nothing
but its heartbeat; the config file's targets and labels; bad values refused before any
call. Against the sandbox (SNS Publish) and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backupctl import __version__
from backupctl.output.report.slack import MAX_BLOCKS, MAX_SECTION_CHARS
from backupctl.sandbox import Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.receiver import Receiver

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
REGIONS = "us-east-1,eu-west-1"
CLEAN = ("--since", "2020-01-01", "--until", "2020-01-02")  # a window with no job at all


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=2, jobs_per_region=60, now=DATA_NOW)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(org: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    org.clear_published()
    org.counters.reset()
    yield


def report(
    server: Sandbox, *args: str, command: str = "failures", config: Path | None = None
) -> Result:
    window = ("--since", "7d") if command == "failures" and "--since" not in args else ()
    first = ("--config", str(config)) if config else ()
    return invoke_on(
        server, *first, "report", command, "--account", "all", "--region", REGIONS, *window,
        *args, now=NOW,
    )  # fmt: skip


def topic(server: Sandbox, region: str = "us-east-1") -> str:
    return f"arn:aws:sns:{region}:{server.dataset.management_account_id}:backup-alerts"


def token() -> str:
    """A path segment no other test uses (every address is a secret from its first use)."""
    return f"T0{uuid.uuid4().hex[:10].upper()}"


def test_a_report_with_problems_is_delivered_once_to_each_target(
    org: Sandbox, receiver: Receiver
) -> None:
    hook, slack, ping = f"/hook/{token()}", f"/services/{token()}/B0/x", f"/ping/{token()}"
    result = report(
        org, "--notify", receiver.url(hook), "--notify", f"slack:{receiver.url(slack)}",
        "--sns-topic", topic(org), "--heartbeat", receiver.url(ping),
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    text = result.stdout
    assert text.startswith(("1 problem", *(f"{n}" for n in range(2, 10))))
    # The webhook: the JSON report, exactly what -o json prints.
    [webhook] = receiver.arrived(hook)
    assert (webhook.method, webhook.status) == ("POST", 200)
    assert webhook.headers["content-type"] == "application/json"
    assert webhook.headers["user-agent"] == f"backupctl/{__version__}"
    assert webhook.json() == json.loads(report(org, "-o", "json").stdout)
    # Slack: the header line and a section per paragraph of the text report.
    [message] = receiver.arrived(slack)
    payload = message.json()
    problems = len(json.loads(webhook.body)["problems"])
    assert payload["text"] == f"AWS Backup: {problems} problems"
    header, *sections = payload["blocks"]
    assert header["text"]["text"] == payload["text"]
    assert "\n\n".join(s["text"]["text"] for s in sections) + "\n" == text
    # SNS: the text report under the subject, in the topic's account and region.
    [published] = org.published()
    assert (published.topic_arn, published.region) == (topic(org), "us-east-1")
    assert (published.subject, published.message) == (payload["text"], text)
    # The heartbeat: once, as it is (the run completed).
    [beat] = receiver.arrived("/ping")
    assert (beat.method, beat.path, beat.status) == ("GET", ping, 200)
    assert len(receiver.arrived()) == 3


def test_a_clean_run_sends_nothing_but_its_heartbeat(org: Sandbox, receiver: Receiver) -> None:
    ping = f"/ping/{token()}"
    result = report(
        org, *CLEAN, "--notify", receiver.url("/hook"), "--sns-topic", topic(org),
        "--heartbeat", receiver.url(ping),
    )  # fmt: skip
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert [(r.method, r.path) for r in receiver.arrived()] == [("GET", ping)]
    assert org.published() == ()


def test_notify_always_sends_a_clean_report_too(org: Sandbox, receiver: Receiver) -> None:
    result = report(
        org, *CLEAN, "--notify", receiver.url("/hook"), "--sns-topic", topic(org),
        "--notify-always",
    )  # fmt: skip
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    [webhook] = receiver.delivered("/hook")
    assert webhook.json()["totals"]["problems"] == 0
    [published] = org.published()
    assert published.subject == "AWS Backup: all clear"
    assert published.message.startswith("no problems in 0 jobs since 2020-01-01 00:00 UTC")


def test_report_gaps_notifies_its_own_report(org: Sandbox, receiver: Receiver) -> None:
    result = report(org, "--notify", receiver.url("/gaps"), "--sns-topic", topic(org),
                    command="gaps")  # fmt: skip
    assert result.exit_code == 1, result.stderr
    [webhook] = receiver.delivered("/gaps")
    assert webhook.json() == json.loads(report(org, "-o", "json", command="gaps").stdout)
    [published] = org.published()
    gaps = webhook.json()["totals"]["gaps"]
    assert published.subject == f"AWS Backup: {gaps} gaps"
    assert published.message == result.stdout


def test_failures_with_gaps_send_one_report_of_both(org: Sandbox, receiver: Receiver) -> None:
    result = report(org, "--gaps", "--notify", receiver.url("/both"), "--sns-topic", topic(org))
    assert result.exit_code == 1, result.stderr
    [webhook] = receiver.delivered("/both")
    both = webhook.json()
    assert both == json.loads(report(org, "--gaps", "-o", "json").stdout)
    problems, gaps = both["totals"]["problems"], both["gaps"]["totals"]["gaps"]
    assert org.published()[0].subject == f"AWS Backup: {problems} problems, {gaps} gaps"


def write_config(tmp_path: Path, receiver: Receiver, mode: int = 0o600) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[notify]\nheartbeat = "{receiver.url("/config-ping")}"\n\n'
        f'[notify.targets]\nteam = "{receiver.url("/config-hook")}"\n',
        encoding="utf-8",
    )
    config.chmod(mode)
    return config


def test_the_config_files_targets_named_by_their_labels(
    org: Sandbox, receiver: Receiver, tmp_path: Path
) -> None:
    config = write_config(tmp_path, receiver)
    receiver.answer("fail", status=404)
    result = report(org, config=config)
    assert result.exit_code == 6
    assert result.stderr.splitlines() == [
        "backupctl: error: notify target team (webhook): not delivered: HTTP 404 Not Found: "
        "failed on purpose: POST <redacted>",
        "backupctl: error: the config file's heartbeat: not delivered: HTTP 404 Not Found: "
        "failed on purpose: GET <redacted>/fail",
    ]
    assert [r.path for r in receiver.arrived()] == ["/config-hook", "/config-ping/fail"]


def test_options_replace_the_config_files_targets_and_no_notify_sends_nothing(
    org: Sandbox, receiver: Receiver, tmp_path: Path
) -> None:
    config = write_config(tmp_path, receiver)
    result = report(org, "--notify", receiver.url("/option-hook"), config=config)
    assert result.exit_code == 1, result.stderr
    assert [r.path for r in receiver.arrived()] == ["/option-hook", "/config-ping"]
    receiver.received.clear()
    result = report(org, "--no-notify", config=config)
    assert (result.exit_code, receiver.arrived()) == (1, [])


def test_the_config_files_always_is_for_its_targets_or_the_options(
    org: Sandbox, receiver: Receiver, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[notify]\nalways = true\n", encoding="utf-8")
    assert report(org, *CLEAN, config=config) == Result(0, "", "")  # nowhere to send: fine
    result = report(org, *CLEAN, "--notify", receiver.url("/hook"), config=config)
    assert (result.exit_code, len(receiver.delivered("/hook"))) == (0, 1)


@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o640, True), (0o600, False)])
def test_a_config_file_with_addresses_that_others_can_read_is_warned(
    org: Sandbox, receiver: Receiver, tmp_path: Path, mode: int, warned: bool
) -> None:
    config = write_config(tmp_path, receiver, mode)
    result = report(org, *CLEAN, config=config)
    assert result.exit_code == 0
    warning = (
        f"backupctl: the config file {config} holds notification addresses, which are "
        f"secrets, and others may read it: chmod 600 {config}\n"
    )
    assert result.stderr == (warning if warned else "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--notify", "http://hooks.example.com/s3cret1"),
         "--notify #1: http:// is only for 127.0.0.1 and localhost: use https://"),
        (("--notify", "https://ok.example.com/a", "--notify", "ftp://x.example.com/s3cret2"),
         "--notify #2: unknown scheme 'ftp': use https://URL, slack:https://URL or sns:TOPIC_ARN"),
        (("--notify", "hooks.slack.com/services/s3cret3"),
         "--notify #1: unknown scheme: use https://URL, slack:https://URL or sns:TOPIC_ARN"),
        (("--sns-topic", "arn:aws:sns:us-east-1:12:s3cret4"),
         "--sns-topic #1: not an SNS topic ARN (sns:arn:aws:sns:REGION:ACCOUNT:TOPIC)"),
        (("--notify", "sns:arn:aws:sns:us-east-1:111111111111:s3cret5.fifo"),
         "--notify #1: a FIFO topic (.fifo) cannot take a report: use a standard topic"),
        (("--heartbeat", "https://"), "--heartbeat: a URL with no host"),
        (("--heartbeat", "sns:arn:aws:sns:us-east-1:111111111111:s3cret6"),
         "--heartbeat: unknown scheme: use an https:// URL (http:// only on 127.0.0.1 or "
         "localhost)"),
        (("--heartbeat", "slack:https://hooks.slack.com/services/s3cret8"),
         "--heartbeat: unknown scheme 'slack': use an https:// URL (http:// only on 127.0.0.1 or "
         "localhost)"),
        (("--notify-timeout", "0"),
         "--notify-timeout: '0' is not a number of seconds, more than 0 and at most 300"),
        (("--notify-timeout", "abc"),
         "--notify-timeout: 'abc' is not a number of seconds, more than 0 and at most 300"),
        (("--notify-timeout", "301"),
         "--notify-timeout: '301' is not a number of seconds, more than 0 and at most 300"),
        (("--notify-always",),
         "--notify-always: no target (--notify, --sns-topic, [notify.targets])"),
        (("--no-notify", "--heartbeat", "https://hc-ping.com/s3cret7"),
         "--no-notify: not with --notify, --sns-topic, --heartbeat or --notify-always"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("command", ["failures", "gaps"])
def test_bad_values_exit_2_before_any_call_without_quoting_them(
    org: Sandbox, receiver: Receiver, command: str, args: tuple[str, ...], message: str
) -> None:
    beat = ("--heartbeat", receiver.url("/ping"))
    result = report(org, *args, *(() if {"--heartbeat", "--no-notify"} & {*args} else beat),
                    command=command)  # fmt: skip
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"backupctl: error: {message}\n"
    assert org.counters.total_requests() == 0
    assert receiver.arrived() == []  # no heartbeat either: the run did not happen


def test_a_5000_job_report_is_cut_within_slacks_limits_and_snss(
    sandbox_factory: Any, receiver: Receiver
) -> None:
    server = sandbox_factory(members=24, jobs_per_region=110, now=DATA_NOW)
    result = report(
        server, "--since", "30d", "--notify", f"slack:{receiver.url('/services/T/B/big')}",
        "--sns-topic", topic(server), "--notify", receiver.url("/hook"),
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert re.match(r"^\d+ problems in 5,\d{3} jobs ", result.stdout)
    blocks = receiver.arrived("/services")[0].json()["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    texts = [block["text"]["text"] for block in blocks[1:]]
    assert all(len(text.encode("utf-16-le")) // 2 <= MAX_SECTION_CHARS for text in texts)
    assert any(re.search(r"\n  … and [\d,]+ more$", text) for text in texts)
    # SNS took it (the sandbox holds Publish to AWS's limits), whole: it is under 256 KiB.
    [published] = server.published()
    assert published.message == result.stdout
    assert receiver.arrived("/hook")[0].json()["totals"]["jobs_seen"] >= 5000
