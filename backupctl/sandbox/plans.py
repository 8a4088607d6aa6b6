"""Backup plans of one account in one region: their rules, versions and resource selections.

Each plan has one rule. The daily plan was edited inside the 30 days (its schedule moved to
another hour and its retention grew), so it has two versions and jobs of both; the
daily-DR rule copies to a vault in another region, on a local-time schedule; the weekly
rule copies to that vault and to the organization's central vault.

The hours are set relative to the moment the data set is built, as the jobs' times are:
whenever the sandbox starts, the daily rules ran a few hours ago (the DR rule 1 to 3 hours
ago, so some of its backups and copies are still going), and the data has the same shape.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backupctl.sandbox import large_records
from backupctl.sandbox.ids import guid
from backupctl.sandbox.models import shape_members
from backupctl.sandbox.schedule import runs, zone

DAILY, DAILY_DR, WEEKLY = "daily", "daily-dr", "weekly"
PLAN_KINDS = (DAILY, DAILY_DR, WEEKLY)
DAY = 86400.0
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# The timezone the daily-DR rule is written in, by region; other rules and regions use UTC.
_REGION_ZONES = {
    "us-east-1": "America/New_York",
    "us-east-2": "America/Chicago",
    "us-west-1": "America/Los_Angeles",
    "us-west-2": "America/Los_Angeles",
    "ca-central-1": "America/Toronto",
    "eu-west-1": "Europe/Dublin",
    "eu-west-2": "Europe/London",
    "eu-central-1": "Europe/Berlin",
    "ap-northeast-1": "Asia/Tokyo",
    "ap-southeast-2": "Australia/Sydney",
}


@dataclass(frozen=True)
class CopyAction:
    """Where a rule copies each recovery point it makes, and how long the copy is kept."""

    destination: str  # a backup vault ARN
    lifecycle: dict[str, int]


@dataclass(frozen=True)
class Rule:
    """One rule of one plan version."""

    rule_id: str
    name: str
    schedule: str  # cron(...)
    timezone: str
    start_window: int  # minutes
    completion_window: int  # minutes
    lifecycle: dict[str, int]
    vault_name: str
    copy_actions: tuple[CopyAction, ...] = ()

    @property
    def destinations(self) -> tuple[str, ...]:
        """The vault ARNs a copy goes to."""
        return tuple(action.destination for action in self.copy_actions)

    def body(self) -> dict[str, Any]:
        """The wire form of BackupRule."""
        body: dict[str, Any] = {
            "RuleName": self.name,
            "TargetBackupVaultName": self.vault_name,
            "ScheduleExpression": self.schedule,
            "StartWindowMinutes": self.start_window,
            "CompletionWindowMinutes": self.completion_window,
            "Lifecycle": self.lifecycle,
            "RuleId": self.rule_id,
            "ScheduleExpressionTimezone": self.timezone,
        }
        if self.copy_actions:
            body["CopyActions"] = [
                {"Lifecycle": action.lifecycle, "DestinationBackupVaultArn": action.destination}
                for action in self.copy_actions
            ]
        return body


@dataclass(frozen=True)
class PlanVersion:
    """The rules a plan had from ``created`` until the next version."""

    version_id: str
    created: float
    rules: tuple[Rule, ...]


@dataclass(frozen=True, eq=False)
class Origin:
    """The plan version and rule that made a job, and the CreatedBy the job carries."""

    plan: Plan
    version: PlanVersion
    rule: Rule
    created_by: dict[str, Any]


@dataclass(frozen=True, eq=False)
class Plan:
    """A backup plan and every version of it, oldest first."""

    kind: str
    plan_id: str
    arn: str
    name: str
    created: float
    versions: tuple[PlanVersion, ...]
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        creator = set(shape_members("backup", "RecoveryPointCreator"))
        for version in self.versions:
            for rule in version.rules:
                created_by = {
                    "BackupPlanId": self.plan_id,
                    "BackupPlanArn": self.arn,
                    "BackupPlanName": self.name,
                    "BackupPlanVersion": version.version_id,
                    "BackupRuleId": rule.rule_id,
                    "BackupRuleName": rule.name,
                    "BackupRuleCron": rule.schedule,
                    "BackupRuleTimezone": rule.timezone,
                }
                self.origins[(version.version_id, rule.rule_id)] = Origin(
                    self, version, rule, {k: v for k, v in created_by.items() if k in creator}
                )

    @property
    def current(self) -> PlanVersion:
        """The version in force now."""
        return self.versions[-1]

    @property
    def rule(self) -> Rule:
        """The current version's rule (each sandbox plan has one)."""
        return self.current.rules[0]

    def version(self, version_id: str) -> PlanVersion | None:
        """The version with this id, or None."""
        return next((v for v in self.versions if v.version_id == version_id), None)

    def origin_at(self, moment: float) -> Origin:
        """What a job made at ``moment`` carries: the version then in force, its rule."""
        version = self.versions[0]
        for candidate in self.versions:
            if candidate.created <= moment:
                version = candidate
        return self.origins[(version.version_id, version.rules[0].rule_id)]

    def runs(self, start: float, end: float) -> list[tuple[float, Origin]]:
        """Every scheduled run in [start, end), each under the version then in force."""
        found: list[tuple[float, Origin]] = []
        for index, version in enumerate(self.versions):
            ends = self.versions[index + 1].created if index + 1 < len(self.versions) else end
            low, high = max(start, version.created), min(end, ends)
            if low >= high:
                continue
            origin = self.origins[(version.version_id, version.rules[0].rule_id)]
            rule = origin.rule
            found += [(at, origin) for at in runs(rule.schedule, rule.timezone, low, high)]
        return found


@dataclass(frozen=True)
class Selection:
    """Which resources a plan backs up: explicit ARNs, or a tag condition."""

    selection_id: str
    name: str
    plan_id: str
    created: float
    iam_role_arn: str
    resources: tuple[str, ...] = ()
    tag: tuple[str, str] | None = None  # (key, value) a resource must carry

    def body(self) -> dict[str, Any]:
        """The wire form of BackupSelection."""
        body: dict[str, Any] = {"SelectionName": self.name, "IamRoleArn": self.iam_role_arn}
        if self.resources:
            body["Resources"] = list(self.resources)
        if self.tag:
            key, value = self.tag
            body["ListOfTags"] = [
                {"ConditionType": "STRINGEQUALS", "ConditionKey": key, "ConditionValue": value}
            ]
        return body


def _version_id(rng: random.Random) -> str:
    return base64.b64encode(guid(rng, upper=False).encode()).decode()[:48]


def _schedules(rng: random.Random, now: float, local: str) -> tuple[str, str, str, str]:
    """The daily rule's old and new schedules, the daily-DR rule's (in ``local`` time) and
    the weekly rule's, each some hours (the weekly one, some days) before ``now``."""
    utc = datetime.fromtimestamp(now, UTC)
    here = datetime.fromtimestamp(now, zone(local))

    def hours_before(moment: datetime, low: int, high: int) -> int:
        return (moment.hour - rng.randint(low, high)) % 24

    weekday = _WEEKDAYS[(utc.isoweekday() - rng.randint(1, 6)) % 7]
    return (
        f"cron(0 {hours_before(utc, 9, 14)} ? * * *)",
        f"cron(0 {hours_before(utc, 3, 8)} ? * * *)",
        f"cron(0 {hours_before(here, 1, 3)} ? * * *)",
        f"cron(0 {rng.randrange(24)} ? * {weekday} *)",
    )


def build_plans(
    rng: random.Random,
    account: str,
    region: str,
    base: str,
    now: float,
    dr_vault: str,
    central_vault: str | None,
    long_names: bool = False,
) -> dict[str, Plan]:
    """The daily, daily-DR and weekly plans of one account in one region, by kind; with
    ``long_names``, their vaults' names are as long as AWS allows (``large_records``)."""
    keep_daily = {"DeleteAfterDays": 35}
    keep_weekly = {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365}
    to_dr = CopyAction(dr_vault, keep_daily)
    weekly_copies = [CopyAction(dr_vault, keep_weekly)]
    if central_vault:
        weekly_copies.append(CopyAction(central_vault, keep_weekly))
    local = _REGION_ZONES.get(region, "Etc/UTC")
    daily_was, daily, dr, weekly = _schedules(rng, now, local)
    # (name, schedule, timezone, start window, completion window, lifecycle) by version
    rules: dict[str, list[tuple[str, str, str, int, int, dict[str, int]]]] = {
        DAILY: [
            ("DailyBackups", daily_was, "Etc/UTC", 480, 1440, {"DeleteAfterDays": 35}),
            ("DailyBackups", daily, "Etc/UTC", 480, 1440, {"DeleteAfterDays": 42}),
        ],
        DAILY_DR: [("DailyWithDRCopy", dr, local, 240, 1440, keep_daily)],
        WEEKLY: [("WeeklyBackups", weekly, "Etc/UTC", 480, 10080, keep_weekly)],
    }
    copies = {DAILY: (), DAILY_DR: (to_dr,), WEEKLY: tuple(weekly_copies)}
    plans: dict[str, Plan] = {}
    for kind in PLAN_KINDS:
        plan_id, rule_id = guid(rng, upper=False), guid(rng, upper=False)
        created = round(now - rng.uniform(200, 700) * DAY, 3)
        edited = round(now - rng.uniform(8, 20) * DAY, 3)  # the daily plan's second version
        vault = f"{base}-{kind}-vault"[:50]
        if long_names:
            vault = large_records.vault_name(vault)
        versions = tuple(
            PlanVersion(_version_id(rng), saved, (Rule(rule_id, *settings, vault, copies[kind]),))
            for saved, settings in zip((created, edited), rules[kind], strict=False)
        )
        plans[kind] = Plan(
            kind=kind,
            plan_id=plan_id,
            arn=f"arn:aws:backup:{region}:{account}:backup-plan:{plan_id}",
            name=f"{base}-{kind}",
            created=created,
            versions=versions,
        )
    return plans
