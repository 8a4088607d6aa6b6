"""What AWS accepts, read from botocore's own data and checked before any call.

botocore checks a parameter's type and minimum length, not its pattern: a vault name with
a dot or a resource type with a space was sent, and refused by AWS target after target.
Here each value an option gives a call is checked against that call's input shape in
botocore's service model (``pattern``, ``min``/``max`` length, ``enum``), and each region
name against botocore's endpoint data, so what AWS would refuse is a usage error (exit 2)
naming the option.

The models' patterns are Java regular expressions, matched against the whole value as AWS
matches them: their ``\\w`` and ``\\d`` are ASCII (``re.ASCII`` here), and they write a code
point above U+FFFF as ``\\u10000``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import botocore
from botocore.exceptions import BotoCoreError

from backupctl.aws.errors import translate
from backupctl.domain.errors import UsageError
from backupctl.domain.job import Kind
from backupctl.domain.query import FILTER_OPTIONS, RESOURCE_TYPES, Query
from backupctl.domain.targets import TargetOptions, role_arn_template

if TYPE_CHECKING:
    from botocore.loaders import Loader

    from backupctl.aws.sessions import Connector

LIST_OPERATIONS = {
    Kind.BACKUP: "ListBackupJobs",
    Kind.COPY: "ListCopyJobs",
    Kind.RESTORE: "ListRestoreJobs",
}
_ANY_ACCOUNT = "0" * 12  # a role ARN is as long, and as valid, for every account id
_SHOWN = 60  # longer values are cut in a message, which stays one line
_ASTRAL = re.compile(r"\\u(10[0-9A-Fa-f]{4}|[0-9A-Fa-f]{5})(?![0-9A-Fa-f])")


def check_inputs(connector: Connector, targets: TargetOptions, query: Query | None) -> None:
    """Raise UsageError, naming the option, for the first value AWS would refuse. No call."""
    try:
        models = ServiceModels(connector.data_loader)
        _check_targets(models, targets)
        if query is not None:
            _check_query(models, query)
        _check_regions(connector, targets)
    except BotoCoreError as exc:  # a profile that does not exist, say
        raise translate(exc) from exc


class ServiceModels:
    """The input shapes of the calls backupctl makes, from botocore's service models."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader

    def shape(self, call: tuple[str, str, str]) -> dict[str, Any]:
        """The shape of a (service, operation, member) input parameter."""
        service, operation, member = call
        model: dict[str, Any] = self._loader.load_service_model(
            service, "service-2", api_version=None
        )
        shapes = model["shapes"]
        members = shapes[model["operations"][operation]["input"]["shape"]]["members"]
        shape: dict[str, Any] = shapes[members[member]["shape"]]
        return shape

    def check(
        self, option: str, value: str, call: tuple[str, str, str], *, shown: str | None = None
    ) -> None:
        """UsageError unless ``value`` fits the shape of ``call``'s input parameter;
        ``shown`` stands for the value in the message (a secret)."""
        allowed = _refusal(value, self.shape(call))
        if allowed is not None:
            _, operation, member = call
            raise UsageError(
                f"{option}: AWS does not accept {shown or _shown(value)}: "
                f"{member} of {operation} {allowed}"
            )


def _refusal(value: str, shape: dict[str, Any]) -> str | None:
    """What ``shape`` allows, when ``value`` does not fit it; None when it does."""
    if "enum" in shape and value not in shape["enum"]:
        return "must be one of " + ", ".join(shape["enum"])
    low, high = shape.get("min"), shape.get("max")
    if low is not None and len(value) < low:
        return f"must be at least {low} characters" + (f" and at most {high}" if high else "")
    if high is not None and len(value) > high:
        return f"must be at most {high} characters"
    pattern = shape.get("pattern")
    if pattern is not None and not _python_pattern(pattern).fullmatch(value):
        return f"must match {pattern}"
    return None


def _python_pattern(java: str) -> re.Pattern[str]:
    return re.compile(_ASTRAL.sub(lambda m: f"\\U{int(m.group(1), 16):08X}", java), re.ASCII)


def _shown(value: str) -> str:
    if len(value) <= _SHOWN:
        return repr(value)
    return f"{value[:_SHOWN]!r}... ({len(value)} characters)"


def _check_targets(models: ServiceModels, targets: TargetOptions) -> None:
    for account in () if targets.all_accounts else targets.accounts:
        models.check("--account", account, ("backup", "ListBackupJobs", "ByAccountId"))
    if targets.role is not None:
        arn = role_arn_template(targets.role).replace("{account}", _ANY_ACCOUNT)
        models.check("--role", arn, ("sts", "AssumeRole", "RoleArn"), shown=repr(targets.role))
    if targets.external_id is not None:
        length = f"an external id of {len(targets.external_id)} characters"
        external_id = ("sts", "AssumeRole", "ExternalId")
        models.check("--external-id", targets.external_id, external_id, shown=length)


def _check_query(models: ServiceModels, query: Query) -> None:
    # What each listing sends; then every filter once more as ListBackupJobs takes it, for
    # a vault name is a BackupVaultName even where backupctl filters copy and restore jobs.
    every_filter = replace(query, kinds=(Kind.BACKUP,), states=())
    for listing in (*query.listings(), *every_filter.listings()):
        for member, value in listing.params.items():
            # The documented resource types include two with a space, which the pattern
            # does not allow: AWS's own spelling of a documented type is sent as it is.
            if isinstance(value, str) and not (
                member == "ByResourceType" and value in RESOURCE_TYPES
            ):
                call = ("backup", LIST_OPERATIONS[listing.kind], member)
                models.check(FILTER_OPTIONS[member], value, call)


def _check_regions(connector: Connector, targets: TargetOptions) -> None:
    if connector.serves_any_region("backup"):
        return
    regions = [] if targets.all_regions else [(region, "--region") for region in targets.regions]
    if connector.settings.region is None:  # the calls that name no region (STS) use this one
        configured = connector.configured_region()
        regions += [configured] if configured is not None else []
    known = _known_regions(connector.data_loader)
    for region, source in regions:
        if region not in known:
            raise UsageError(
                f"{source}: {region!r} is not a region botocore {botocore.__version__} knows; "
                "region names come from its endpoint data (us-east-1, eu-west-1, ...: a newer "
                "region needs a newer botocore), or set AWS_ENDPOINT_URL_BACKUP to an "
                "endpoint of your own"
            )


def _known_regions(loader: Loader) -> frozenset[str]:
    """Every region of every partition in botocore's endpoint data (both of its files)."""
    endpoints, _ = loader.load_data_with_path("endpoints")
    partitions = loader.load_data("partitions")
    return frozenset(
        region
        for data in (endpoints, partitions)
        for partition in data["partitions"]
        for region in partition["regions"]
    )
