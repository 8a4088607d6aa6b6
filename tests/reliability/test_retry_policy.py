"""The environment cannot change backupctl's retry policy behind its back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backupctl.aws.settings import AwsSettings
from backupctl.sandbox import Faults
from tests.cli.conftest import invoke_on
from tests.conftest import SandboxFactory


@pytest.mark.parametrize(
    "env",
    [{"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "1"}, {"AWS_MAX_ATTEMPTS": "1"}],
    ids=["legacy-1", "attempts-1"],
)
def test_env_retry_settings_are_ignored(
    sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    server = sandbox_factory(members=4, jobs_per_region=30)
    server.set_faults(Faults(throttle_rate=0.5, seed=5))
    role = ("--role", "OrganizationAccountAccessRole")
    result = invoke_on(server, "jobs", "list", "--account", "all", *role, "-o", "json")
    # With one attempt half the listings would fail; backupctl's own policy retries them.
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)
    assert server.counters.faults.get("throttle", 0) > 0


def test_client_config_is_explicit() -> None:
    config: Any = AwsSettings().client_config()  # botocore-stubs leave its options out
    assert config.retries == {"mode": "standard", "total_max_attempts": AwsSettings().max_attempts}
    assert config.connect_timeout == AwsSettings().connect_timeout
    assert config.read_timeout == AwsSettings().read_timeout
