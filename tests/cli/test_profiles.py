"""AWS profiles as the AWS CLI reads them: a mistyped one is one line naming it and the
files profiles come from (exit 2, no call); a chain of profiles without SSO works through
the SDK, in the installed script (issue 14)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from backupctl.cli.app import run as run_in_process
from backupctl.cli.environment import Environment
from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on
from tests.cli.test_streams import clean_env, run

CONFIG_FILE = "/nonexistent/backupctl-tests/config"  # tests/conftest.py sets these
CREDENTIALS_FILE = "/nonexistent/backupctl-tests/credentials"
ROLE = "OrganizationAccountAccessRole"


def _aws(*args: str) -> tuple[int, str, str]:
    """``backupctl ARGS`` with no sandbox: botocore's own chain, and no region anywhere."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_in_process(list(args), Environment(stdout=stdout, stderr=stderr))
    return code, stdout.getvalue(), stderr.getvalue()


WHERE_PROFILES_ARE = (
    f"in {CONFIG_FILE} (AWS_CONFIG_FILE) or {CREDENTIALS_FILE} (AWS_SHARED_CREDENTIALS_FILE), "
    "where the AWS CLI and SDKs read profiles ('aws configure list-profiles' lists them)\n"
)


@pytest.mark.parametrize(
    "command", [("jobs", "list"), ("accounts", "list"), ("report", "failures")]
)
def test_a_mistyped_profile_option_is_named_with_the_files(command: tuple[str, ...]) -> None:
    code, out, err = _aws(*command, "--profile", "nosuch")
    assert (code, out) == (2, "")
    assert err == f"backupctl: error: --profile: no profile 'nosuch' {WHERE_PROFILES_ARE}"


def test_a_mistyped_aws_profile_is_named_as_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nosuch")
    code, out, err = _aws("jobs", "list")
    assert (code, out) == (2, "")
    assert err == f"backupctl: error: AWS_PROFILE: no profile 'nosuch' {WHERE_PROFILES_ARE}"


def test_a_mistyped_profile_in_the_config_file_is_named_there(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('profile = "nosuch"\n', encoding="utf-8")
    code, _, err = _aws("--config", str(config), "jobs", "list")
    assert code == 2
    assert err == f"backupctl: error: {config}: profile: no profile 'nosuch' {WHERE_PROFILES_ARE}"


def test_the_sandbox_ignores_the_shells_profile(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nosuch")
    result = invoke_on(sandbox, "jobs", "list", "--limit", "1", "-o", "json", "--role", ROLE)
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 1


def test_a_profile_chain_with_credential_process_and_a_role(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """``audit`` assumes a role in a member account from ``base``, whose keys come from a
    ``credential_process``: botocore resolves the chain, and backupctl reads as the member."""
    key, secret = sandbox.credentials()
    data = sandbox.dataset
    member = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    keys = json.dumps({"Version": 1, "AccessKeyId": key, "SecretAccessKey": secret})
    process = tmp_path / "keys.py"
    process.write_text(f"print({keys!r})\n", encoding="utf-8")
    config = tmp_path / "aws-config"
    config.write_text(
        f"[profile base]\ncredential_process = {sys.executable} {process}\n\n"
        f"[profile audit]\nsource_profile = base\nrole_arn = arn:aws:iam::{member}:role/{ROLE}\n"
        f"region = {sandbox.dataset.regions[0]}\n",
        encoding="utf-8",
    )
    env = {**clean_env(AWS_ENDPOINT_URL=sandbox.endpoint_url), "AWS_CONFIG_FILE": str(config)}
    done = run("jobs", "list", "--profile", "audit", "--limit", "5", "-o", "json", env=env)
    assert done.returncode == 0, done.stderr
    jobs = json.loads(done.stdout)
    assert len(jobs) == 5
    assert {job["account_id"] for job in jobs} == {member}
