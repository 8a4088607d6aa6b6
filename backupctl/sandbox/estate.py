"""What one account holds in one region: resources, backup plans and their selections,
the CloudFormation stack backed up as a composite, roles and keys."""

from __future__ import annotations

import random
from dataclasses import dataclass

from backupctl.sandbox import large_records
from backupctl.sandbox.coverage import Protection, plan_coverage
from backupctl.sandbox.fates import GapQuota, broken_protections
from backupctl.sandbox.ids import guid, lower_token
from backupctl.sandbox.plans import DAILY, DAY, PLAN_KINDS, WEEKLY, Plan, Selection, build_plans
from backupctl.sandbox.resources import Resource, ResourceDrawer

WINDOW = 30 * DAY  # how far back the job listings reach
_ENVIRONMENTS = ("prod-", "staging-", "dev-")
_SELECTION_LIMIT = 500  # ARNs one selection may name
_SELECTION_TAG = ("backup-plan", "daily")


@dataclass(frozen=True)
class Estate:
    """Everything one account has in one region."""

    account_id: str
    region: str
    plans: dict[str, Plan]  # by kind: daily, daily-dr, weekly
    protections: tuple[Protection, ...]
    stack: Resource  # a CloudFormation stack: its backups are composite (parent) jobs
    stack_members: tuple[Resource, ...]  # none: the stack is not backed up
    selections: tuple[Selection, ...]
    role_arn: str
    kms_key_arn: str
    restore_testing_plan_arn: str
    quota: GapQuota

    def vault_arn(self, name: str) -> str:
        """The ARN of one of this account's vaults in this region."""
        return f"arn:aws:backup:{self.region}:{self.account_id}:backup-vault:{name}"

    def plan(self, plan_id: str) -> Plan | None:
        """The plan with this id, or None."""
        return next((plan for plan in self.plans.values() if plan.plan_id == plan_id), None)


def _base_name(account_name: str) -> str:
    for prefix in _ENVIRONMENTS:
        if account_name.startswith(prefix):
            return account_name[len(prefix) :]
    return account_name


def _selections(
    rng: random.Random,
    plans: dict[str, Plan],
    protections: list[Protection],
    stack: Resource | None,
    role_arn: str,
) -> tuple[Selection, ...]:
    """Each plan's selections as they are now: without the resources taken out of them."""
    found: list[Selection] = []
    for kind in PLAN_KINDS:
        plan = plans[kind]
        mine = [item for item in protections if item.plan is plan]
        arns = [item.resource.arn for item in mine if item.stopped_at is None]
        if kind == WEEKLY and stack is not None:
            arns.append(stack.arn)
        if not arns and not mine:
            continue
        created = round(plan.created + rng.uniform(0.01, 3.0) * DAY, 3)
        if kind == DAILY:
            # Tagged resources: one that stops has lost its tag; the selection is unchanged.
            name = f"{plan.name}-tagged"
            selection_id = guid(rng, upper=False)
            found.append(
                Selection(selection_id, name, plan.plan_id, created, role_arn, tag=_SELECTION_TAG)
            )
            continue
        # A selection cannot be edited: taking a resource out of it re-creates it.
        removed = [item.stopped_at for item in mine if item.stopped_at is not None]
        created = max([created, *(moment for moment in removed if moment > created)])
        for index in range(0, len(arns), _SELECTION_LIMIT):
            name = f"{plan.name}-resources-{index // _SELECTION_LIMIT + 1}"
            chunk = tuple(arns[index : index + _SELECTION_LIMIT])
            found.append(
                Selection(guid(rng, upper=False), name, plan.plan_id, created, role_arn, chunk)
            )
    return tuple(found)


def build_estate(
    rng: random.Random,
    account: tuple[str, str],
    region: str,
    budget: tuple[int, int],
    dr_region: str,
    central_account: str | None,
    quota: GapQuota,
    now: float,
    large: random.Random | None = None,
) -> Estate:
    """The estate of ``account`` (id, name) in ``region``, drawn from ``rng``, sized for
    ``budget`` (backup jobs, copy jobs) in the 30 days before ``now``; with ``large`` (a
    generator of its own) names, ARNs and vault names as long as AWS allows."""
    account_id, account_name = account
    base = _base_name(account_name)
    long_names = large is not None
    dr_name, central_name = (
        large_records.vault_name(name) if long_names else name
        for name in ("dr-vault", "org-central-vault")
    )
    dr_vault = f"arn:aws:backup:{dr_region}:{account_id}:backup-vault:{dr_name}"
    central_vault = None
    if central_account and central_account != account_id:
        central_vault = f"arn:aws:backup:{region}:{central_account}:backup-vault:{central_name}"
    plans = build_plans(rng, account_id, region, base, now, dr_vault, central_vault, long_names)
    backups, copies = budget
    coverage = plan_coverage(backups, copies, plans, now - WINDOW, now)
    drawer = ResourceDrawer(rng, base, account_id, region, large)
    protections = [
        Protection(resource, plans[kind])
        for kind in PLAN_KINDS
        for resource in drawer.draw_many(coverage.resources[kind])
    ]
    if backups > 0:
        protections += broken_protections(rng, quota, plans, drawer.draw, now)
    stack_name = f"{base}-stack"
    if large is not None:
        stack_name = large_records.resource_name("CloudFormation", stack_name, large)
    stack_arn = (
        f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/{guid(rng, upper=False)}"
    )
    stack = Resource("CloudFormation", stack_arn, stack_name, None, (5, 30))
    members = tuple(drawer.draw_many(coverage.stack_members))
    role_arn = f"arn:aws:iam::{account_id}:role/service-role/AWSBackupDefaultServiceRole"
    if large is not None:
        role_arn = large_records.role_arn(account_id, account_name, large)
    return Estate(
        account_id=account_id,
        region=region,
        plans=plans,
        protections=tuple(protections),
        stack=stack,
        stack_members=members,
        selections=_selections(rng, plans, protections, stack if members else None, role_arn),
        role_arn=role_arn,
        kms_key_arn=f"arn:aws:kms:{region}:{account_id}:key/{guid(rng, upper=False)}",
        restore_testing_plan_arn=(
            f"arn:aws:backup:{region}:{account_id}:restore-testing-plan:"
            f"weekly_restore_test-{lower_token(6, account_id, region)}"
        ),
        quota=quota if backups > 0 else GapQuota(),
    )
