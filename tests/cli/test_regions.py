"""Region names: from --region, AWS_REGION, AWS_DEFAULT_REGION or the profile, and checked
against botocore's endpoint data before any call, unless an endpoint of one's own is set.

These runs reach the sandbox as any SDK user would, through the standard settings
(``AWS_ENDPOINT_URL`` and the like), not through ``--sandbox``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from backupctl.cli.app import run
from backupctl.cli.environment import Environment
from backupctl.sandbox import Sandbox
from tests.cli.conftest import Result

UNKNOWN = "moon-1"  # the issue's; --region also wants the form of a region name
UNKNOWN_LIKE_A_REGION = "us-east-7"


def run_plain(*args: str) -> Result:
    """``backupctl ARGS`` with no --sandbox: botocore's own settings say where calls go."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(list(args), Environment(stdout=stdout, stderr=stderr, width=200))
    return Result(code, stdout.getvalue(), stderr.getvalue())


def use_keys(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, sandbox.env()[name])


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("AWS_REGION", "AWS_REGION"),
        ("AWS_DEFAULT_REGION", "AWS_DEFAULT_REGION"),
        ("profile", "the region of profile 'default'"),
    ],
)
def test_an_unknown_region_from_the_environment_or_the_profile_is_usage(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str, named: str
) -> None:
    use_keys(sandbox, monkeypatch)
    # STS alone is pointed at the sandbox: a run's first call, counted there if it is made.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sandbox.endpoint_url)
    if source == "profile":
        config = tmp_path / "config"
        config.write_text(f"[default]\nregion = {UNKNOWN}\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    else:
        monkeypatch.setenv(source, UNKNOWN)
    before = sandbox.counters.total_requests()
    result = run_plain("jobs", "list")
    assert result.exit_code == 2, result
    assert result.stderr.startswith(
        f"backupctl: error: {named}: '{UNKNOWN}' is not a region botocore "
    )
    assert "endpoint data" in result.stderr
    assert result.stderr.count("\n") == 1
    assert sandbox.counters.total_requests() == before


def test_the_environments_region_is_checked_beside_several_regions(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With two --region values the calls that name no region (STS) go to AWS_REGION's.
    use_keys(sandbox, monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sandbox.endpoint_url)
    monkeypatch.setenv("AWS_REGION", UNKNOWN)
    before = sandbox.counters.total_requests()
    result = run_plain("accounts", "list", "--region", "us-east-1,eu-west-1")
    assert result.exit_code == 2, result
    assert result.stderr.startswith(f"backupctl: error: AWS_REGION: '{UNKNOWN}'")
    assert sandbox.counters.total_requests() == before


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BACKUP"])
def test_any_region_name_goes_to_an_endpoint_of_ones_own(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    use_keys(sandbox, monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sandbox.endpoint_url)
    monkeypatch.setenv(variable, sandbox.endpoint_url)
    before = sandbox.counters.total_requests()
    result = run_plain("accounts", "list", "--region", UNKNOWN_LIKE_A_REGION)
    # The sandbox answers a region it does not serve as AWS answers one not enabled.
    assert result.exit_code == 4, result
    assert "botocore" not in result.stderr
    assert sandbox.counters.total_requests() > before


def test_aws_region_alone_sets_the_region(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keys(sandbox, monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", sandbox.endpoint_url)
    region = sandbox.dataset.regions[1]
    monkeypatch.setenv("AWS_REGION", region)  # botocore itself reads AWS_DEFAULT_REGION only
    result = run_plain("jobs", "list", "--limit", "5", "-o", "json")
    assert result.exit_code == 0, result
    records = json.loads(result.stdout)
    assert len(records) == 5
    assert {record["region"] for record in records} == {region}
