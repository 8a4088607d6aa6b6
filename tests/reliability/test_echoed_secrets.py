"""No secret on any output, even from an endpoint whose errors echo the request.

The sandbox's ``echo_request_in_errors`` puts the request, secrets and all, in every error
message (as HTTP text, as JSON, as JSON inside a JSON string); AssumeRole is denied in one
member (its form carries the external id), Backup in another (its headers carry the
session token). Whatever the format, with ``--debug`` or not, no secret key, session
token or external id the run used may reach stdout or stderr: the sandbox says which
keys and tokens it issued.
"""

from __future__ import annotations

import dataclasses
import itertools
import signal
import subprocess
from collections.abc import Iterator

import pytest

from backupctl.sandbox import ECHO_MODES, EchoMode, Faults, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.cli.test_streams import BACKUPCTL, clean_env

ROLE = "OrganizationAccountAccessRole"
REDACTED = "<redacted>"
# A seed of its own: the base keys are this module's, not another test's.
CONFIG = SandboxConfig(seed=9911, members=3, regions=("us-east-1",), jobs_per_region=12)
OUTPUTS = [
    ("jobs", "list", "-o", "table"),
    ("jobs", "list", "-o", "json"),
    ("jobs", "list", "-o", "ndjson"),
    ("jobs", "list", "-o", "csv"),
    ("report", "failures", "--since", "30d", "-o", "json"),
]
_runs = itertools.count()


@pytest.fixture(scope="module")
def echoing() -> Iterator[Sandbox]:
    with Sandbox(CONFIG) as server:
        yield server


def denied(sandbox: Sandbox, mode: EchoMode, throttle: float = 0.0) -> Faults:
    """AssumeRole denied in one member, Backup in another, every error echoing the request."""
    members = [
        a.id
        for a in sandbox.dataset.active_accounts
        if a.id != sandbox.dataset.management_account_id
    ]
    return Faults(
        deny_assume_role=frozenset(members[:1]),
        deny_backup=frozenset(members[1:2]),
        throttle_rate=throttle,
        echo_request_in_errors=mode,
    )


def external_id() -> str:
    """An external id no earlier run used, with the comma a pattern stops at."""
    return f"tenant,SecretPart-{next(_runs):04d}-9911"


def assert_no_secret(sandbox: Sandbox, result: Result, *values: str) -> None:
    """Neither stream holds a key or token the sandbox issued, its base secret, or ``values``."""
    secrets = (*sandbox.issued_secrets(), sandbox.credentials()[1], *values)
    assert len(sandbox.issued_secrets()) >= 4  # the run did assume roles: there is a token to leak
    for name, stream in (("stdout", result.stdout), ("stderr", result.stderr)):
        for secret in secrets:
            assert secret not in stream, (name, secret[:12])
        # Nor a part of one: "SecretPart" is what a redaction by shape used to leave.
        assert "SecretPart" not in stream and "FwoGZXIvYXdzE" not in stream, name


@pytest.mark.parametrize("output", OUTPUTS, ids=lambda args: " ".join(args[:2] + args[-1:]))
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("mode", ECHO_MODES)
def test_no_secret_reaches_any_output_when_errors_echo_the_request(
    echoing: Sandbox, mode: EchoMode, debug: bool, output: tuple[str, ...]
) -> None:
    echoing.set_faults(denied(echoing, mode))
    echoing.counters.reset()
    ext = external_id()
    result = invoke_on(
        echoing, *(["--debug"] if debug else []), *output, "--account", "all",
        "--role", ROLE, "--external-id", ext,
    )  # fmt: skip
    assert result.exit_code == 3, result.stderr[-2000:]
    assert echoing.counters.faults["echoed_request"] >= 2
    # The denied accounts are named, and what their errors quoted is redacted in the line.
    failures = [line for line in result.stderr.splitlines() if "could not read account" in line]
    assert len(failures) == 2 and all("(request received: " in line for line in failures)
    assert all(REDACTED in line for line in failures)
    if output[0] == "report":
        assert result.stdout.count('"error": ') == 2 and REDACTED in result.stdout
    if debug:
        assert "DEBUG" in result.stderr and "AssumeRole" in result.stderr
    else:  # one line per failure, whatever CRLFs the echo held
        assert [line for line in result.stderr.splitlines() if line not in failures] == []
    assert_no_secret(echoing, result, ext)


def test_throttled_calls_retried_and_logged_echo_no_secret(echoing: Sandbox) -> None:
    # A fixed seed: the calls throttled are (nearly) the same each run, and there are some.
    echoing.set_faults(dataclasses.replace(denied(echoing, "escaped", throttle=0.15), seed=7))
    echoing.counters.reset()
    ext = external_id()
    result = invoke_on(
        echoing, "--debug", "jobs", "list", "--account", "all", "--role", ROLE,
        "--external-id", ext, "-o", "ndjson",
    )  # fmt: skip
    assert result.exit_code == 3, result.stderr[-2000:]
    assert echoing.counters.faults["throttle"] >= 1
    # botocore logs each throttled answer, echo and all, before it retries; the echo of a
    # member account's call holds its session token, redacted.
    logged = [line for line in result.stderr.splitlines() if "Rate exceeded (request" in line]
    with_token = [line for line in logged if "X-Amz-Security-Token" in line]
    assert with_token and all(REDACTED in line for line in with_token)
    assert_no_secret(echoing, result, ext)


# Characters a name-pattern redaction stops at, that STS's ExternalId pattern allows. (A
# space, a quote or an ampersand is refused before any call: AWS would refuse it.)
@pytest.mark.parametrize("separator", [",", "=", "@", ":", "/", "+"])
def test_an_external_id_is_redacted_whole_in_the_debug_log(
    echoing: Sandbox, separator: str
) -> None:
    echoing.set_faults(Faults())
    ext = f"tenant{separator}SecretPart-{next(_runs):04d}-9911"
    result = invoke_on(
        echoing, "--debug", "jobs", "list", "--account", "all", "--role", ROLE,
        "--external-id", ext, "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "ExternalId" in result.stderr  # the AssumeRole parameters and form were logged
    assert_no_secret(echoing, result, ext)


def test_a_crash_after_an_echoed_error_prints_no_secret(
    echoing: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("forced, quoting " + " ".join(echoing.issued_secrets()))

    monkeypatch.setattr("backupctl.cli.outcome.tell_unread", crash)
    monkeypatch.setattr("backupctl.cli.jobs_list.tell_unread", crash)
    echoing.set_faults(denied(echoing, "escaped", throttle=0.0))
    ext = external_id()
    for debug in ([], ["--debug"]):
        result = invoke_on(
            echoing, *debug, "jobs", "list", "--account", "all", "--role", ROLE,
            "--external-id", ext, "-o", "ndjson",
        )  # fmt: skip
        assert result.exit_code == 70
        assert "internal error: RuntimeError: forced, quoting <redacted>" in result.stderr
        assert_no_secret(echoing, result, ext)


def test_the_console_script_prints_no_secret_from_an_echoing_endpoint() -> None:
    """The installed script in its own process (its own sys.stdout and sys.stderr), against
    ``backupctl sandbox`` in another: a real process's streams are redacted too."""
    args = ["--members", "3", "--region", "us-east-1", "--jobs-per-region", "12",
            "--deny-assume-role", "security", "--deny-backup", "log-archive",
            "--echo-request-in-errors", "escaped"]  # fmt: skip
    server = subprocess.Popen(
        [BACKUPCTL, "sandbox", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, env=clean_env(),
    )  # fmt: skip
    try:
        assert server.stdout is not None
        exports = dict(
            server.stdout.readline().removeprefix("export ").strip().split("=", 1) for _ in range(5)
        )
        ext = external_id()
        result = subprocess.run(
            [BACKUPCTL, "--debug", "jobs", "list", "--account", "all", "--role", ROLE,
             "--external-id", ext, "-o", "json"],
            capture_output=True, text=True, env=clean_env(**exports), timeout=60, check=False,
        )  # fmt: skip
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "(request received: " in result.stderr and REDACTED in result.stderr
    for stream in (result.stdout, result.stderr):
        assert exports["AWS_SECRET_ACCESS_KEY"] not in stream
        assert ext not in stream and "SecretPart" not in stream
        assert "FwoGZXIvYXdzE" not in stream  # every token the sandbox issues starts so
