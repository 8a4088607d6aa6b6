"""What one account holds in one region: resources, vaults, backup plans, roles and keys."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from typing import Any

from backupctl.sandbox import large_records
from backupctl.sandbox.ids import guid, hex_id, lower_token
from backupctl.sandbox.models import shape_members

_GIB = 1024**3

# (resource type, weight, name templates, size range in GiB or None when AWS reports none,
#  duration range in minutes)
_CATALOG: tuple[tuple[str, int, tuple[str, ...], tuple[int, int] | None, tuple[int, int]], ...] = (
    ("EC2", 22, ("{b}-api-{n}", "{b}-worker-{n}", "{b}-batch-{n}"), (8, 500), (10, 60)),
    ("EBS", 18, ("{b}-data-vol-{n}", "{b}-logs-vol-{n}"), (20, 2000), (10, 45)),
    ("RDS", 15, ("{b}-db", "{b}-reporting-db", "{b}-db-{n}"), (0, 0), (5, 30)),
    ("Aurora", 8, ("{b}-aurora", "{b}-aurora-{n}"), None, (5, 20)),
    ("DynamoDB", 13, ("{b}-orders", "{b}-sessions", "{b}-events-{n}"), (0, 50), (1, 5)),
    ("EFS", 8, ("{b}-shared-fs", "{b}-home-{n}"), (1, 200), (10, 120)),
    ("S3", 10, ("{b}-assets-{a}-{r}", "{b}-exports-{a}-{r}"), (1, 500), (5, 90)),
    ("FSx", 6, ("{b}-fileshare", "{b}-fileshare-{n}"), None, (20, 90)),
)
_ENVIRONMENTS = ("prod-", "staging-", "dev-")


@dataclass(frozen=True)
class Resource:
    """A protected resource."""

    type: str
    arn: str
    name: str
    size: int | None  # bytes AWS reports for a completed backup; None when it reports none
    minutes: tuple[int, int]


@dataclass(frozen=True)
class Plan:
    """A backup plan rule: who created a job, where it goes and how long it is kept."""

    created_by: dict[str, Any]  # wire form of RecoveryPointCreator
    lifecycle: dict[str, Any]  # wire form of Lifecycle
    vault_name: str


@dataclass(frozen=True)
class Estate:
    """Everything one account has in one region."""

    account_id: str
    region: str
    resources: tuple[Resource, ...]
    stack: Resource  # a CloudFormation stack: its backups are composite (parent) jobs
    plans: tuple[Plan, ...]
    role_arn: str
    kms_key_arn: str
    copy_destinations: tuple[str, ...]  # vault ARNs copies go to
    restore_testing_plan_arn: str

    def vault_arn(self, name: str) -> str:
        """The ARN of one of this account's vaults in this region."""
        return f"arn:aws:backup:{self.region}:{self.account_id}:backup-vault:{name}"


def _base_name(account_name: str) -> str:
    for prefix in _ENVIRONMENTS:
        if account_name.startswith(prefix):
            return account_name[len(prefix) :]
    return account_name


def resource_arn(kind: str, name: str, account: str, region: str, rng: random.Random) -> str:
    """The ARN of a resource of type ``kind`` (ids drawn from ``rng`` where AWS makes them)."""
    prefix = f"{region}:{account}"
    return {
        "EC2": f"arn:aws:ec2:{prefix}:instance/i-0{hex_id(rng, 16)}",
        "EBS": f"arn:aws:ec2:{prefix}:volume/vol-0{hex_id(rng, 16)}",
        "RDS": f"arn:aws:rds:{prefix}:db:{name}",
        "Aurora": f"arn:aws:rds:{prefix}:cluster:{name}",
        "DynamoDB": f"arn:aws:dynamodb:{prefix}:table/{name}",
        "EFS": f"arn:aws:elasticfilesystem:{prefix}:file-system/fs-0{hex_id(rng, 16)}",
        "S3": f"arn:aws:s3:::{name}",
        "FSx": f"arn:aws:fsx:{prefix}:file-system/fs-0{hex_id(rng, 16)}",
    }[kind]


def _resources(
    base: str,
    account: str,
    region: str,
    count: int,
    rng: random.Random,
    large: random.Random | None,
) -> list[Resource]:
    weights = [entry[1] for entry in _CATALOG]
    names: set[str] = set()
    resources: list[Resource] = []
    for index in range(count):
        kind, _, templates, sizes, minutes = rng.choices(_CATALOG, weights)[0]
        name = rng.choice(templates).format(b=base, n=index + 1, a=account, r=region)
        if name in names:
            name = f"{name}-{index + 1}"
        names.add(name)
        if large:
            name = large_records.resource_name(kind, name, large)
        size = None if sizes is None else rng.randint(*sizes) * _GIB + rng.randrange(_GIB)
        if sizes == (0, 0):
            size = 0  # RDS instances report a backup size of 0, as AWS documents.
        arn = resource_arn(kind, name, account, region, rng)
        resources.append(Resource(kind, arn, name, size, minutes))
    return resources


def _plan(
    account: str,
    region: str,
    base: str,
    rule: tuple[str, str, str],
    keep: dict[str, int],
    rng: random.Random,
    large: bool,
) -> Plan:
    plan_id = guid(rng, upper=False)
    suffix, rule_name, cron = rule
    created_by = {
        "BackupPlanId": plan_id,
        "BackupPlanArn": f"arn:aws:backup:{region}:{account}:backup-plan:{plan_id}",
        "BackupPlanName": f"{base}-{suffix}",
        "BackupPlanVersion": base64.b64encode(guid(rng, upper=False).encode()).decode()[:48],
        "BackupRuleId": guid(rng, upper=False),
        "BackupRuleName": rule_name,
        "BackupRuleCron": cron,
        "BackupRuleTimezone": "Etc/UTC",
    }
    creator = set(shape_members("backup", "RecoveryPointCreator"))
    lifecycle = set(shape_members("backup", "Lifecycle"))
    return Plan(
        created_by={key: value for key, value in created_by.items() if key in creator},
        lifecycle={key: value for key, value in keep.items() if key in lifecycle},
        vault_name=_vault(f"{base}-{suffix}-vault"[:50], large),
    )


def _vault(name: str, large: bool) -> str:
    return large_records.vault_name(name) if large else name


def build_estate(
    rng: random.Random,
    account_id: str,
    account_name: str,
    region: str,
    resource_count: int,
    copy_regions: tuple[str, ...],
    central_account: str | None,
    large: random.Random | None = None,
) -> Estate:
    """The estate of one account in one region, drawn from ``rng``; with ``large`` (a
    generator of its own) names, ARNs and vault names as long as AWS allows."""
    base = _base_name(account_name)
    long_names = large is not None
    resources = _resources(base, account_id, region, resource_count, rng, large)
    stack_name = f"{base}-stack"
    if large:
        stack_name = large_records.resource_name("CloudFormation", stack_name, large)
    stack_arn = (
        f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/{guid(rng, upper=False)}"
    )
    plans = (
        _plan(
            account_id,
            region,
            base,
            ("daily", "DailyBackups", "cron(0 5 ? * * *)"),
            {"DeleteAfterDays": 35},
            rng,
            long_names,
        ),
        _plan(
            account_id,
            region,
            base,
            ("weekly", "WeeklyBackups", "cron(0 3 ? * SUN *)"),
            {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365},
            rng,
            long_names,
        ),
    )
    dr_vault, central_vault = (
        _vault(name, long_names) for name in ("dr-vault", "org-central-vault")
    )
    destinations = [
        f"arn:aws:backup:{other}:{account_id}:backup-vault:{dr_vault}" for other in copy_regions
    ]
    if central_account and central_account != account_id:
        destinations.append(
            f"arn:aws:backup:{region}:{central_account}:backup-vault:{central_vault}"
        )
    role_arn = f"arn:aws:iam::{account_id}:role/service-role/AWSBackupDefaultServiceRole"
    if large:
        role_arn = large_records.role_arn(account_id, account_name, large)
    return Estate(
        account_id=account_id,
        region=region,
        resources=tuple(resources),
        stack=Resource("CloudFormation", stack_arn, stack_name, None, (5, 30)),
        plans=plans,
        role_arn=role_arn,
        kms_key_arn=f"arn:aws:kms:{region}:{account_id}:key/{guid(rng, upper=False)}",
        copy_destinations=tuple(destinations),
        restore_testing_plan_arn=(
            f"arn:aws:backup:{region}:{account_id}:restore-testing-plan:"
            f"weekly_restore_test-{lower_token(6, account_id, region)}"
        ),
    )
