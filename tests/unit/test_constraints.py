"""What AWS accepts, from botocore's service models: the checks made before any call."""

from __future__ import annotations

from dataclasses import replace

import pytest
from botocore.loaders import Loader

from backupctl.aws.backup_jobs import PAGE_SIZE
from backupctl.aws.constraints import LIST_OPERATIONS, ServiceModels, check_inputs
from backupctl.aws.roles import ROLE_DURATION_SECONDS
from backupctl.aws.sessions import Connector
from backupctl.aws.settings import SESSION_NAME, AwsSettings
from backupctl.domain.errors import UsageError
from backupctl.domain.job import Kind
from backupctl.domain.query import RESOURCE_TYPES, Query
from backupctl.domain.targets import TargetOptions

# A connector makes no call until a client is used: these settings reach nothing.
SETTINGS = AwsSettings(
    region="us-east-1",
    endpoint_url="http://127.0.0.1:9",
    access_key_id="AKIDEXAMPLE",
    secret_access_key="not-a-secret",
)
TARGETS = TargetOptions(regions=("us-east-1",))


@pytest.fixture(scope="module")
def models() -> ServiceModels:
    return ServiceModels(Loader())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (Query(vault="my.vault"), r"^--vault: AWS does not accept 'my\.vault': ByBackupVaultName"),
        (Query(kinds=(Kind.RESTORE,), vault="a.b"), r"^--vault: .* must match"),
        (Query(vault="v"), r"^--vault: AWS does not accept 'v'"),
        (Query(resource_type="Storage  Gateway"), r"^--resource-type: .* ByResourceType"),
        (Query(resource_type="x" * 51), r"^--resource-type: AWS does not accept 'x{51}'"),
    ],
)
def test_a_filter_aws_would_refuse_is_named(query: Query, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_inputs(Connector(SETTINGS), TARGETS, query)


def test_a_long_value_is_cut_in_the_message() -> None:
    with pytest.raises(UsageError) as info:
        check_inputs(Connector(SETTINGS), TARGETS, Query(resource_type="y" * 500))
    assert f"'{'y' * 60}'... (500 characters)" in str(info.value)
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_every_documented_resource_type_is_sent(resource_type: str) -> None:
    check_inputs(Connector(SETTINGS), TARGETS, Query(resource_type=resource_type))


def test_good_filters_pass() -> None:
    query = Query(states=("FAILED", "EXPIRED"), vault="prod-vault_2", resource_type="EC2")
    check_inputs(Connector(SETTINGS), TARGETS, replace(query, resource_arn="arn:aws:s3:::b"))


def test_an_external_id_aws_would_refuse_is_named_but_not_shown() -> None:
    targets = replace(TARGETS, role="R", external_id="secret with spaces")
    with pytest.raises(UsageError, match=r"^--external-id: .*of 18 characters") as info:
        check_inputs(Connector(SETTINGS, "R", "secret with spaces"), targets, None)
    assert "secret" not in str(info.value)


def test_patterns_mean_what_they_mean_to_aws(models: ServiceModels) -> None:
    role_arn = ("sts", "AssumeRole", "RoleArn")
    models.check("--role", "arn:aws:iam::111122223333:role/x\U0001f600", role_arn)  # \u10000-
    with pytest.raises(UsageError):
        models.check("--role", "arn:aws:iam::111122223333:role/x\x01", role_arn)
    with pytest.raises(UsageError, match=r"must match \[\\w"):  # Java's \w is ASCII
        models.check("--external-id", "caf\u00e9-id", ("sts", "AssumeRole", "ExternalId"))


def test_what_backupctl_sends_of_its_own_fits_the_model(models: ServiceModels) -> None:
    models.check("session name", SESSION_NAME, ("sts", "AssumeRole", "RoleSessionName"))
    duration = models.shape(("sts", "AssumeRole", "DurationSeconds"))
    assert duration["min"] <= ROLE_DURATION_SECONDS <= duration["max"]
    for operation in LIST_OPERATIONS.values():
        page = models.shape(("backup", operation, "MaxResults"))
        assert page["min"] <= PAGE_SIZE <= page["max"]
