"""Notification targets: their kinds, the heartbeat's URLs, bad values refused without
being quoted, every part of an address known as a secret, and the config's ``[notify]``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backupctl.domain.errors import UsageError
from backupctl.domain.notify_targets import (
    DEFAULT_TIMEOUT,
    TargetKind,
    parse_heartbeat,
    parse_target,
    parse_timeout,
)
from backupctl.domain.secrets import REDACTED, SECRETS
from backupctl.local.config import load

SLACK = "https://hooks.slack.com/services/T0UNIT001/B0UNIT002/unitTokenAbcdefghijkl"
TOPIC = "arn:aws:sns:eu-west-1:111111111111:backup-alerts"


@pytest.fixture(autouse=True)
def _forget_the_addresses() -> Iterator[None]:
    """The parts of the addresses these tests register as secrets are forgotten after each:
    a run of backupctl is a process of its own, and later tests in this process would see
    ``example.com`` redacted from their jobs."""
    yield
    SECRETS.__init__()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "kind", "address"),
    [
        (SLACK, TargetKind.SLACK, SLACK),
        ("https://hooks.slack-gov.com/services/T1/B1/x1", TargetKind.SLACK, None),
        ("https://hooks.slack.com/workflows/T1/A1/x1", TargetKind.WEBHOOK, None),  # not /services/
        ("https://intake.example.com/backup?key=k123456#frag", TargetKind.WEBHOOK,
         "https://intake.example.com/backup?key=k123456"),
        ("slack:http://127.0.0.1:8080/services/T/B/x", TargetKind.SLACK,
         "http://127.0.0.1:8080/services/T/B/x"),
        ("HTTP://localhost/hook", TargetKind.WEBHOOK, "http://localhost/hook"),
        (f"sns:{TOPIC}", TargetKind.SNS, TOPIC),
        ("sns:arn:aws-us-gov:sns:us-gov-west-1:111111111111:a_b-c", TargetKind.SNS,
         "arn:aws-us-gov:sns:us-gov-west-1:111111111111:a_b-c"),
        (f"  sns:{TOPIC}\n", TargetKind.SNS, TOPIC),
    ],
)  # fmt: skip
def test_kinds(value: str, kind: TargetKind, address: str | None) -> None:
    target = parse_target(value, "--notify #1")
    assert target.kind is kind
    assert target.address == (address or value)
    assert target.name == f"--notify #1 ({kind.value})"
    assert value.strip() not in repr(target)


def test_a_topic_is_published_in_its_region() -> None:
    assert parse_target(f"sns:{TOPIC}", "x").region == "eu-west-1"


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("http://hooks.example.com/services/T0/B0/secretpath1", "http:// is only for 127.0.0.1"),
        ("ftp://files.example.com/secretpath2", "unknown scheme 'ftp'"),
        ("hooks.example.com/secretpath3", "unknown scheme:"),
        ("mailto:ops@example.com", "unknown scheme:"),
        ("https:///secretpath4", "a URL with no host"),
        ("https://example.com:99999/secretpath5", "not a URL"),
        ("https://example.com/secret path6", "cannot hold spaces"),
        ("https://example.com/secret\x1bpath7", "cannot hold spaces or control"),
        ("sns:arn:aws:sns:us-east-1:1111:secrettopic8", "not an SNS topic ARN"),
        ("sns:arn:aws:sqs:us-east-1:111111111111:secrettopic9", "not an SNS topic ARN"),
        ("sns:arn:aws:sns:us-east-1:111111111111:secret.topic10", "not an SNS topic ARN"),
        ("sns:arn:aws:sns:us-east-1:111111111111:secrettopic11.fifo", "a FIFO topic"),
        ("sns:", "not an SNS topic ARN"),
        ("slack:sns:secrettopic12", "unknown scheme"),
    ],
)
def test_bad_targets_say_why_without_the_value(value: str, why: str) -> None:
    with pytest.raises(ValueError, match=why) as raised:
        parse_target(value, "--notify #1")
    assert "secret" not in str(raised.value)


def test_every_part_of_a_url_that_may_hold_a_token_is_a_secret() -> None:
    url = "https://user:pw0rdSecret@hooks.example.com/services/T0PART001/B0PART002/longtokenwithoutdigits?sig=s1gnature&v=1"
    parse_target(url, "--notify #1")
    for part in (
        url,
        "/services/T0PART001/B0PART002/longtokenwithoutdigits",
        "T0PART001",
        "B0PART002",
        "longtokenwithoutdigits",
        "s1gnature",
        "sig=s1gnature&v=1",
        "pw0rdSecret",
    ):
        assert SECRETS.redact(f"log: {part} end") == f"log: {REDACTED} end", part
    # The service's own words are not cut out of every report.
    assert SECRETS.redact("services hooks.example.com") == "services hooks.example.com"


def test_a_topic_arn_is_a_secret_in_a_form_too() -> None:
    arn = "arn:aws:sns:us-east-1:222222222222:secret-alerts-unit"
    parse_target(f"sns:{arn}", "x")
    form = "TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A222222222222%3Asecret-alerts-unit&Message="
    assert "secret-alerts-unit" not in SECRETS.redact(form)


def test_a_value_refused_is_no_secret() -> None:
    # "https://" would be cut out of every report's links if it were one.
    with pytest.raises(ValueError):
        parse_target("https://", "x")
    assert SECRETS.redact("see https://docs.example.com") == "see https://docs.example.com"


@pytest.mark.parametrize(
    ("url", "failed"),
    [
        ("https://hc-ping.com/0f5e3a6c", "https://hc-ping.com/0f5e3a6c/fail"),
        ("https://hc-ping.com/0f5e3a6c/", "https://hc-ping.com/0f5e3a6c/fail"),
        ("https://hc-ping.com/0f5e3a6c?rid=1", "https://hc-ping.com/0f5e3a6c/fail?rid=1"),
        ("http://127.0.0.1:9/ping", "http://127.0.0.1:9/ping/fail"),
    ],
)
def test_the_heartbeat_appends_fail_to_its_path(url: str, failed: str) -> None:
    heartbeat = parse_heartbeat(url, "--heartbeat")
    assert heartbeat.url_for(completed=True) == url
    assert heartbeat.url_for(completed=False) == failed


def test_a_heartbeat_is_a_url() -> None:
    for value in (f"sns:{TOPIC}", "slack:https://hooks.slack.com/services/T/B/x", "http://x.io"):
        with pytest.raises(ValueError):
            parse_heartbeat(value, "--heartbeat")


def test_timeouts() -> None:
    assert parse_timeout(0.5) == 0.5
    for bad in (0, -1, 301):
        with pytest.raises(ValueError, match="more than 0 and at most 300"):
            parse_timeout(bad)


NOTIFY = f"""\
[notify]
always = true
heartbeat = "https://hc-ping.com/0f5e3a6c-config"
timeout = 2.5

[notify.targets]
team-slack = "{SLACK}"
ops = "sns:{TOPIC}"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_files_notify_section(tmp_path: Path) -> None:
    notify = load(write(tmp_path, NOTIFY)).notify
    assert [(t.name, t.address) for t in notify.targets] == [
        ("notify target team-slack (slack)", SLACK),
        ("notify target ops (sns)", TOPIC),
    ]
    assert notify.always and notify.timeout == 2.5 and notify.holds_secrets
    assert notify.heartbeat is not None
    assert notify.heartbeat.url == "https://hc-ping.com/0f5e3a6c-config"
    empty = load(write(tmp_path, 'role = "x"\n')).notify
    assert (empty.targets, empty.always, empty.heartbeat, empty.timeout) == (
        (), False, None, DEFAULT_TIMEOUT
    )  # fmt: skip
    assert not empty.holds_secrets


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notify = 1\n", "line 1: 'notify' must be a table"),
        ("[notify]\nalways = 1\n", "line 2: 'always' must be true or false"),
        ("[notify]\nsend = true\n", "line 2: 'send' is not a [notify] setting"),
        ("[notify]\ntimeout = 0\n", "line 2: 'timeout' must be more than 0"),
        ('[notify]\ntimeout = "10"\n', "line 2: 'timeout' must be a number of seconds"),
        ("[notify]\nheartbeat = 5\n", "line 2: 'heartbeat' must be a string"),
        ('[notify]\nheartbeat = "http://ping.example/s3cretbeat"\n',
         "line 2: 'heartbeat' http:// is only for 127.0.0.1"),
        ('[notify]\ntargets = ["https://x.example/s3cret"]\n', "line 2: 'targets' must be a table"),
        ('[notify.targets]\nok = "https://x.example/a"\nbad = "ftp://x.example/s3cret"\n',
         "line 3: 'bad' unknown scheme 'ftp'"),
        ('[notify.targets]\n"bad label" = "https://x.example/s3cret"\n',
         "line 2: 'bad label' is not a target label"),
        ("[notify.targets]\nteam = 5\n", "line 2: 'team' must be a string"),
    ],
)  # fmt: skip
def test_notify_mistakes_name_file_line_and_key_not_the_value(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(UsageError, match=str(tmp_path)) as raised:
        load(write(tmp_path, text))
    assert message in str(raised.value)
    assert "s3cret" not in str(raised.value)
