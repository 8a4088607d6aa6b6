"""``backupctl sandbox``: prints the environment, describes the organization, stops cleanly."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import IO, Any, get_args

import boto3
import pytest
import typer
from botocore.config import Config
from botocore.exceptions import ClientError
from typer.testing import CliRunner

from backupctl.cli import sandbox_options as cli
from backupctl.cli.sandbox import register
from backupctl.sandbox import ECHO_MODES, NOT_A_JOB_MODES, REPEAT_MODES

# The command as the root app mounts it, without depending on the rest of the CLI.
APP = """
import typer
from backupctl.cli.sandbox import register
app = typer.Typer()
@app.callback()
def root() -> None:
    pass
register(app)
app()
"""
EXPORTS = (
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


def clean_env() -> dict[str, str]:
    """The test process's environment without any AWS setting of the developer's."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/backupctl"
    return env


def read_exports(stream: IO[str]) -> dict[str, str]:
    exports: dict[str, str] = {}
    for _ in EXPORTS:
        words = shlex.split(stream.readline())
        assert words[0] == "export"
        name, _, value = words[1].partition("=")
        exports[name] = value
    return exports


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """``backupctl sandbox`` running in a child process, and the environment it printed."""
    args = ["--members", "3", "--jobs-per-region", "40", "--region", "us-east-1",
            "--region", "eu-west-1", "--deny-backup", "security", "--latency", "0",
            "--stopped-long-ago", "1"]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-c", APP, "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert process.stdout is not None
        yield process, read_exports(process.stdout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_printed_environment_works_with_plain_boto3(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, exports = served
    assert sorted(exports) == sorted(EXPORTS)
    assert exports["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    # The README's claim, verbatim.
    claim = "import boto3; print(boto3.client('backup').list_backup_jobs()['BackupJobs'][0])"
    result = subprocess.run(
        [sys.executable, "-c", claim],
        env={**clean_env(), **exports},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "'BackupJobId':" in result.stdout
    backup = boto3.client(
        "backup",
        endpoint_url=exports["AWS_ENDPOINT_URL"],
        region_name=exports["AWS_REGION"],
        aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
    )
    assert backup.list_copy_jobs(MaxResults=2)["CopyJobs"]
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert "OrganizationAccountAccessRole" in stderr
    assert exports["AWS_ACCESS_KEY_ID"][4:16] in stderr  # the management account's id
    assert "deny_backup=" in stderr
    assert "gaps on purpose: 4 resources stopped (1 before the 30 days)" in stderr


def test_ctrl_c_exits_130_without_a_traceback(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    process, _ = served
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 130
    assert "Traceback" not in stderr


def runner_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """The root."""

    register(app)
    return app


def test_bad_options_exit_2_with_one_line() -> None:
    result = CliRunner().invoke(runner_app(), ["sandbox", "--deny-backup", "nobody"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no account 'nobody'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_help_lists_the_options() -> None:
    result = CliRunner().invoke(runner_app(), ["sandbox", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--seed", "--members", "--region", "--jobs-per-region", "--port",
                   "--role-name", "--external-id", "--latency", "--throttle-rate",
                   "--error-rate", "--deny-assume-role", "--deny-backup", "--credential-ttl",
                   "--looping-token", "--cycling-token", "--hang", "--repeating-pages",
                   "--repeating-pages-mode", "--wrong-types", "--not-a-job", "--not-a-job-mode",
                   "--echo-request-in-errors", "--large-records", "--sns-topic",
                   "--sns-fail-topic", "--advance-every", "--stopped-resources",
                   "--stopped-long-ago", "--missing-copies", "--failed-copies",
                   "--failing-resources", "--no-gaps"):  # fmt: skip
        assert option in result.stdout
    assert "replay|overlap|token_returns" in result.stdout
    for operation in ("GetBackupPlan", "ListProtectedResources", "DescribeRecoveryPoint"):
        assert operation in result.stdout


def test_the_modes_offered_are_the_sandbox_s() -> None:
    assert get_args(cli.RepeatMode) == REPEAT_MODES
    assert get_args(cli.NotAJobMode) == NOT_A_JOB_MODES
    assert get_args(cli.EchoMode) == ECHO_MODES


def test_a_mode_that_does_not_exist_is_refused() -> None:
    args = ["sandbox", "--repeating-pages-mode", "twice"]
    result = CliRunner().invoke(runner_app(), args, env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "'twice' is not one of 'replay', 'overlap', 'token_returns'" in result.stderr


def test_bad_answers_and_large_records_are_served_from_the_command_line() -> None:
    args = ["--members", "3", "--jobs-per-region", "40", "--repeating-pages", "security",
            "--repeating-pages-mode", "overlap", "--wrong-types", "log-archive",
            "--not-a-job", "security", "--not-a-job-mode", "empty",
            "--echo-request-in-errors", "escaped", "--deny-backup", "prod-payments",
            "--large-records"]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-c", APP, "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert process.stdout is not None
        exports = read_exports(process.stdout)
        backup = boto3.client(
            "backup",
            endpoint_url=exports["AWS_ENDPOINT_URL"],
            region_name=exports["AWS_REGION"],
            aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
        )
        accounts = {
            account["Name"]: account["Id"]
            for account in boto3.client(
                "organizations",
                endpoint_url=exports["AWS_ENDPOINT_URL"],
                region_name=exports["AWS_REGION"],
                aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
            ).list_accounts()["Accounts"]
        }
        first = backup.list_copy_jobs(ByAccountId=accounts["security"], MaxResults=4)
        second = backup.list_copy_jobs(
            ByAccountId=accounts["security"], MaxResults=4, NextToken=first["NextToken"]
        )
        assert second["CopyJobs"][0] == first["CopyJobs"][-1]  # overlap: a quarter of 4
        assert len(first["CopyJobs"][0]["DestinationBackupVaultArn"].rsplit(":")[-1]) == 50
        with pytest.raises(ClientError) as raised:
            backup.list_copy_jobs(ByAccountId=accounts["prod-payments"])
        assert '\\"Authorization\\": \\"AWS4-HMAC-SHA256' in str(raised.value)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    for described in ("repeating_pages_mode=overlap", "wrong_types_accounts=",
                      "not_a_job_mode=empty", "echo_request_in_errors=escaped",
                      "large records"):  # fmt: skip
        assert described in stderr


def test_sns_topics_their_fault_and_a_clock_that_moves() -> None:
    args = ["--members", "1", "--jobs-per-region", "40", "--sns-topic", "reports",
            "--sns-topic", "alerts", "--sns-fail-topic", "alerts",
            "--advance-every", "0.2"]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-c", APP, "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    try:
        assert process.stdout is not None
        exports = read_exports(process.stdout)
        management = exports["AWS_ACCESS_KEY_ID"][4:16]
        settings: dict[str, Any] = {
            "endpoint_url": exports["AWS_ENDPOINT_URL"],
            "region_name": exports["AWS_REGION"],
            "aws_access_key_id": exports["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": exports["AWS_SECRET_ACCESS_KEY"],
            "config": Config(retries={"total_max_attempts": 1}),
        }
        sns = boto3.client("sns", **settings)
        arn = f"arn:aws:sns:{exports['AWS_REGION']}:{management}"
        assert sns.publish(TopicArn=f"{arn}:reports", Message="m")["MessageId"]
        with pytest.raises(ClientError) as raised:
            sns.publish(TopicArn=f"{arn}:alerts", Message="m")
        assert raised.value.response["Error"]["Code"] == "InternalError"
        backup = boto3.client("backup", **settings)
        token = backup.list_backup_jobs(MaxResults=2)["NextToken"]
        time.sleep(0.6)  # the organization moved on: a token from before has expired
        with pytest.raises(ClientError) as raised:
            backup.list_backup_jobs(MaxResults=2, NextToken=token)
        assert "expired" in raised.value.response["Error"]["Message"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    topics = f"SNS topics reports, alerts in every active account and region, e.g. {arn}:reports"
    assert topics in stderr
    assert "in real time: every 0.2 s" in stderr
    assert "sns_fail_topics=" in stderr
