"""Delivery is reliable and honest: retries with backoff, timeouts, the failure named on
stderr by its target with exit 6 (3 and 4 outranking it), ``--new`` keeping what was not
delivered for the next run, and the heartbeat by exit status. Against a real HTTP
receiver on 127.0.0.1 that fails as it is told, and the sandbox's SNS faults."""

from __future__ import annotations

import io
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backupctl.cli.app import run
from backupctl.cli.environment import Environment
from backupctl.local.report_state import ReportState
from backupctl.sandbox import Faults, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.cli.test_streams import BACKUPCTL, clean_env
from tests.receiver import Receiver

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
CLEAN = ("--since", "2020-01-01", "--until", "2020-01-02")  # a window with no job at all
FAILED_ON_PURPOSE = "HTTP 500 Internal Server Error: failed on purpose: POST /hook"


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=2, jobs_per_region=60, now=DATA_NOW)) as server:
        yield server


@pytest.fixture(autouse=True)
def state(org: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    yield tmp_path / "state"
    org.set_faults(Faults())
    org.clear_published()


def report(server: Sandbox, *args: str) -> Result:
    window = () if "--since" in args else ("--since", "7d")
    return invoke_on(
        server, "report", "failures", "--account", "all", "--region", "us-east-1,eu-west-1",
        *window, *args, now=NOW,
    )  # fmt: skip


def topic(server: Sandbox, account: str | None = None) -> str:
    return f"arn:aws:sns:us-east-1:{account or server.dataset.management_account_id}:backup-alerts"


def test_a_receiver_that_fails_twice_then_succeeds_gets_it_once(
    org: Sandbox, receiver: Receiver
) -> None:
    receiver.answer("fail", times=2)
    result = report(org, "--notify", receiver.url("/hook"))
    assert (result.exit_code, result.stderr) == (1, "")
    assert [r.status for r in receiver.arrived()] == [500, 500, 200]
    assert receiver.arrived()[0].body == receiver.arrived()[2].body  # the same report each try


def test_a_receiver_that_always_fails_exits_6_and_new_keeps_the_problems(
    org: Sandbox, receiver: Receiver
) -> None:
    receiver.answer("fail")
    first = report(org, "--new", "--notify", receiver.url("/hook"))
    assert first.exit_code == 6
    assert first.stdout.startswith(tuple("123456789"))  # the report is printed all the same
    assert first.stderr.splitlines() == [
        f"backupctl: error: --notify #1 (webhook): not delivered after 4 attempts: "
        f"{FAILED_ON_PURPOSE}",
        "backupctl: nothing of this report is marked as reported: the next --new run reports "
        "it all again, to every target",
    ]
    assert len(receiver.arrived()) == 4
    # Nothing is lost: the next run reports (and sends) every problem again.
    receiver.answer("ok")
    second = report(org, "--new", "--notify", receiver.url("/hook"))
    assert (second.exit_code, second.stdout, second.stderr) == (1, first.stdout, "")
    assert len(receiver.delivered()) == 1
    third = report(org, "--new", "--notify", receiver.url("/hook"))
    assert (third.exit_code, third.stdout, third.stderr) == (0, "", "")
    assert len(receiver.arrived()) == 5  # nothing new: nothing sent


def test_one_target_failing_keeps_everything_for_every_target(
    org: Sandbox, receiver: Receiver
) -> None:
    receiver.answer("fail", path="/down")
    first = report(org, "--new", "--notify", receiver.url("/up"), "--notify", receiver.url("/down"))
    assert first.exit_code == 6
    assert "--notify #2 (webhook): not delivered after 4 attempts" in first.stderr
    receiver.answer("ok", path="/down")
    second = report(
        org, "--new", "--notify", receiver.url("/up"), "--notify", receiver.url("/down")
    )
    assert (second.exit_code, second.stdout) == (1, first.stdout)
    assert sorted(r.path for r in receiver.delivered()) == ["/down", "/up", "/up"]


def test_a_refusal_that_cannot_pass_is_not_tried_again(org: Sandbox, receiver: Receiver) -> None:
    receiver.answer("fail", status=404)
    result = report(org, "--notify", receiver.url("/hook"))
    assert result.exit_code == 6
    assert result.stderr == (
        "backupctl: error: --notify #1 (webhook): not delivered: HTTP 404 Not Found: "
        "failed on purpose: POST /hook\n"
    )
    assert len(receiver.arrived()) == 1


def test_a_hung_receiver_is_ended_by_the_timeout_and_holds_no_other_target(
    org: Sandbox, receiver: Receiver
) -> None:
    receiver.answer("hang", path="/hung")
    started = time.monotonic()
    result = report(
        org, "--notify", receiver.url("/hung"), "--notify", receiver.url("/ok"),
        "--notify-timeout", "0.5",
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.exit_code == 6
    assert result.stderr == (
        "backupctl: error: --notify #1 (webhook): not delivered after 4 attempts: "
        "no answer within 0.5 s\n"
    )
    assert len(receiver.arrived("/hung")) == 4 and len(receiver.delivered("/ok")) == 1
    assert elapsed < 4 * 0.5 + 3.5 + 1.5 + 5  # tries, backoff and jitter, and the report


def test_a_connection_closed_without_an_answer_is_tried_again(
    org: Sandbox, receiver: Receiver
) -> None:
    receiver.answer("close")
    result = report(org, "--notify", f"slack:{receiver.url('/services/T/B/closing')}")
    assert result.exit_code == 6
    assert result.stderr == (
        "backupctl: error: --notify #1 (slack): not delivered after 4 attempts: the "
        "connection was closed before an answer\n"
    )
    assert len(receiver.arrived()) == 4


def test_a_receivers_retry_after_is_waited_for(org: Sandbox, receiver: Receiver) -> None:
    receiver.answer("fail", status=429, times=1, retry_after="2")
    started = time.monotonic()
    result = report(org, *CLEAN, "--notify", receiver.url("/hook"), "--notify-always")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [r.status for r in receiver.arrived()] == [429, 200]
    assert time.monotonic() - started >= 2.0  # the backoff alone would be 0.5-1 s


def test_sns_server_errors_are_tried_again_and_named(org: Sandbox) -> None:
    org.set_faults(Faults(sns_fail_topics=frozenset({topic(org)})))
    org.counters.reset()
    result = report(org, "--sns-topic", topic(org))
    assert result.exit_code == 6
    assert result.stderr == (
        "backupctl: error: --sns-topic #1 (sns): not delivered after 4 attempts: SNS "
        "answered InternalError: Internal Error\n"
    )
    assert org.counters.faults["sns_fail"] == 4
    assert org.published() == ()


def test_a_topic_the_caller_may_not_publish_to_is_not_tried_again(org: Sandbox) -> None:
    member = org.dataset.active_accounts[1].id
    org.counters.reset()
    result = report(org, "--notify", f"sns:{topic(org, member)}")
    assert result.exit_code == 6
    assert result.stderr.startswith(
        "backupctl: error: --notify #1 (sns): not delivered: SNS answered AuthorizationError: "
    )
    assert topic(org, member) not in result.stderr and "<redacted>" in result.stderr
    sns = [k for k in org.counters.requests if k[0] == "sns"]
    assert [org.counters.requests[k] for k in sns] == [1]


def test_a_read_that_failed_outranks_a_delivery_that_failed(
    sandbox_factory: Any, receiver: Receiver
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=60, now=DATA_NOW)
    member = server.dataset.active_accounts[1].id
    server.set_faults(Faults(deny_backup=frozenset({member})))
    receiver.answer("fail", path="/hook")
    result = invoke_on(
        server, "report", "failures", "--account", "all", "--role", "OrganizationAccountAccessRole",
        "--region", "us-east-1", "--since", "7d", "--notify", receiver.url("/hook"),
        "--heartbeat", receiver.url("/ping"), now=NOW,
    )  # fmt: skip
    assert result.exit_code == 3
    assert "--notify #1 (webhook): not delivered after 4 attempts" in result.stderr
    # The heartbeat says the run failed: it could not read every target.
    assert [r.path for r in receiver.delivered("/ping")] == ["/ping/fail"]


@pytest.mark.parametrize(
    ("args", "exit_code", "path"),
    [
        (CLEAN, 0, "/ping"),
        ((), 1, "/ping"),
        (("--notify", "http://127.0.0.1:9/nobody-listens"), 6, "/ping/fail"),
    ],
    ids=["clean", "findings", "undelivered"],
)
def test_the_heartbeat_by_exit_status(
    org: Sandbox, receiver: Receiver, args: tuple[str, ...], exit_code: int, path: str
) -> None:
    result = report(org, *args, "--heartbeat", receiver.url("/ping"), "--notify-timeout", "0.5")
    assert result.exit_code == exit_code, result.stderr
    assert [(r.method, r.path) for r in receiver.arrived()] == [("GET", path)]


def test_a_run_that_could_not_read_at_all_sends_fail(org: Sandbox, receiver: Receiver) -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    env = Environment(
        sandbox_env={**org.env(), "AWS_ACCESS_KEY_ID": "AKIA000000000000ZZZZ"},
        stdout=stdout,
        stderr=stderr,
    )
    code = run(["report", "failures", "--heartbeat", receiver.url("/ping")], env)
    assert code == 4 and "sts:GetCallerIdentity" in stderr.getvalue()
    assert [r.path for r in receiver.arrived()] == ["/ping/fail"]


def test_a_run_that_did_not_happen_sends_no_heartbeat(
    org: Sandbox, receiver: Receiver, state: Path
) -> None:
    holder = ReportState(state / "backupctl")
    try:
        result = report(org, "--new", "--heartbeat", receiver.url("/ping"))
    finally:
        holder.close()
    assert result.exit_code == 5
    usage = report(org, "--since", "yesterday", "--heartbeat", receiver.url("/ping"))
    assert usage.exit_code == 2
    assert receiver.arrived() == []


def test_a_heartbeat_that_fails_is_exit_6_of_a_clean_run(org: Sandbox, receiver: Receiver) -> None:
    receiver.answer("fail")
    result = report(org, *CLEAN, "--heartbeat", receiver.url("/ping"))
    assert result.exit_code == 6
    assert result.stderr == (
        "backupctl: error: --heartbeat: not delivered after 4 attempts: HTTP 500 Internal "
        "Server Error: failed on purpose: GET /ping\n"
    )


def test_the_environments_proxy_is_used_unless_no_proxy_names_the_host(
    org: Sandbox, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", receiver.base)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the sandbox, which botocore calls direct
    result = report(org, "--notify", "http://localhost:9/through-the-proxy")
    assert (result.exit_code, result.stderr) == (1, "")
    assert [r.path for r in receiver.delivered()] == ["http://localhost:9/through-the-proxy"]
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    result = report(org, "--notify", "http://localhost:9/through-the-proxy")
    assert result.exit_code == 6
    assert "not delivered after 4 attempts: could not connect: Connection refused" in result.stderr
    assert len(receiver.arrived()) == 1


@pytest.mark.skipif(not Path(BACKUPCTL).exists(), reason="console script missing")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_while_a_receiver_hangs_ends_the_run_at_once(
    receiver: Receiver, stop: signal.Signals
) -> None:
    receiver.answer("hang")
    run = subprocess.Popen(
        [BACKUPCTL, "--sandbox", "report", "failures", "--since", "30d", "--region",
         "us-east-1", "--notify", receiver.url("/hook")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not receiver.arrived() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.arrived(), "the report was never sent"
    run.send_signal(stop)
    stopped = time.monotonic()
    stdout, stderr = run.communicate(timeout=30)
    assert time.monotonic() - stopped < 2.0
    code, last = (130, "interrupted") if stop is signal.SIGINT else (143, "terminated")
    assert run.returncode == code
    assert stderr.splitlines() == [f"backupctl: {last}"]
    assert stdout.startswith(tuple("123456789"))  # the report was printed before
