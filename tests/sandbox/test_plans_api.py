"""AWS Backup's plan calls: plans, their versions and rules, and their selections."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Sandbox

from .clients import client, pages

REGION = "us-east-1"


def plans_of(sandbox: Sandbox, account: str | None = None) -> dict[str, dict[str, Any]]:
    """The caller's plans, by name."""
    backup = client(sandbox, "backup", account, REGION)
    return {p["BackupPlanName"]: p for p in pages(backup, "list_backup_plans", "BackupPlansList")}


def rule_of(backup: Any, plan_id: str, **params: Any) -> dict[str, Any]:
    """The rule of a plan (each sandbox plan has one)."""
    return dict(backup.get_backup_plan(BackupPlanId=plan_id, **params)["BackupPlan"]["Rules"][0])


def error_of(call: Any, **params: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_each_account_has_a_daily_a_daily_dr_and_a_weekly_plan(sandbox: Sandbox) -> None:
    for account in sandbox.dataset.active_accounts:
        plans = plans_of(sandbox, account.id)
        base = account.name.removeprefix("prod-").removeprefix("staging-").removeprefix("dev-")
        assert sorted(plans) == [f"{base}-daily", f"{base}-daily-dr", f"{base}-weekly"]
        for plan in plans.values():
            arn = f"arn:aws:backup:{REGION}:{account.id}:backup-plan:{plan['BackupPlanId']}"
            assert plan["BackupPlanArn"] == arn
            assert plan["LastExecutionDate"] <= sandbox.dataset.now


def test_get_backup_plan_answers_every_version(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup", region=REGION)
    daily = plans_of(sandbox)["management-daily"]
    current = backup.get_backup_plan(BackupPlanId=daily["BackupPlanId"])
    assert current["VersionId"] == daily["VersionId"]
    versions = backup.list_backup_plan_versions(BackupPlanId=daily["BackupPlanId"])[
        "BackupPlanVersionsList"
    ]
    assert versions[0]["VersionId"] == daily["VersionId"]  # newest first
    assert len(versions) == 2
    edited = versions[0]["CreationDate"]
    assert sandbox.dataset.now - timedelta(days=30) < edited < sandbox.dataset.now
    rules = [rule_of(backup, daily["BackupPlanId"], VersionId=v["VersionId"]) for v in versions]
    assert rules[0]["RuleId"] == rules[1]["RuleId"]
    assert rules[0]["ScheduleExpression"] != rules[1]["ScheduleExpression"]
    assert rules[0]["Lifecycle"] != rules[1]["Lifecycle"]
    assert rules[0] == current["BackupPlan"]["Rules"][0]
    for rule in rules:
        assert rule["StartWindowMinutes"] >= 60
        assert rule["CompletionWindowMinutes"] > rule["StartWindowMinutes"]
        assert rule["TargetBackupVaultName"] == "management-daily-vault"


def test_copy_actions_go_to_another_region_and_the_central_vault(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    log_archive = next(a.id for a in dataset.accounts if a.name == "log-archive")
    for account in dataset.active_accounts:
        backup = client(sandbox, "backup", account.id, REGION)
        plans = plans_of(sandbox, account.id)
        rules = {
            kind: rule_of(backup, plan["BackupPlanId"])
            for kind in ("daily", "dr", "weekly")
            for name, plan in plans.items()
            if name.endswith(f"-{kind}")
        }
        assert "CopyActions" not in rules["daily"]
        dr_vault = f"arn:aws:backup:eu-west-1:{account.id}:backup-vault:dr-vault"
        assert [c["DestinationBackupVaultArn"] for c in rules["dr"]["CopyActions"]] == [dr_vault]
        assert rules["dr"]["ScheduleExpressionTimezone"] == "America/New_York"
        weekly = [c["DestinationBackupVaultArn"] for c in rules["weekly"]["CopyActions"]]
        central = f"arn:aws:backup:{REGION}:{log_archive}:backup-vault:org-central-vault"
        assert weekly == ([dr_vault] if account.id == log_archive else [dr_vault, central])


def test_the_scheduled_runs_preview(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup", region=REGION, validate=False)
    weekly = plans_of(sandbox)["management-weekly"]["BackupPlanId"]
    preview = backup.get_backup_plan(BackupPlanId=weekly, MaxScheduledRunsPreview=3)[
        "ScheduledRunsPreview"
    ]
    times = [run["ExecutionTime"] for run in preview]
    assert times == sorted(times) and len(times) == 3
    assert times[0] > sandbox.dataset.now
    assert times[1] - times[0] == timedelta(days=7)
    assert "ScheduledRunsPreview" not in backup.get_backup_plan(BackupPlanId=weekly)
    code = error_of(backup.get_backup_plan, BackupPlanId=weekly, MaxScheduledRunsPreview=11)
    assert code == ("InvalidParameterValueException", 400)


def test_unknown_plans_versions_and_selections_are_not_found(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup", region=REGION)
    member = sandbox.dataset.active_accounts[1].id
    theirs = plans_of(sandbox, member)
    mine = plans_of(sandbox)["management-weekly"]["BackupPlanId"]
    not_found = ("ResourceNotFoundException", 404)
    for plan_id in ("nope", next(iter(theirs.values()))["BackupPlanId"]):
        assert error_of(backup.get_backup_plan, BackupPlanId=plan_id) == not_found
        assert error_of(backup.list_backup_selections, BackupPlanId=plan_id) == not_found
        assert error_of(backup.list_backup_plan_versions, BackupPlanId=plan_id) == not_found
    assert error_of(backup.get_backup_plan, BackupPlanId=mine, VersionId="v0") == not_found
    assert error_of(backup.get_backup_selection, BackupPlanId=mine, SelectionId="x") == not_found


def test_selections_name_what_each_plan_backs_up_now(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    stopped = {gap.resource_arn for gap in dataset.gaps().stopped}
    for account in dataset.active_accounts:
        backup = client(sandbox, "backup", account.id, REGION)
        protected = {r["ResourceArn"] for r in pages(backup, "list_protected_resources", "Results")}
        named: set[str] = set()
        for name, plan in plans_of(sandbox, account.id).items():
            listed = backup.list_backup_selections(BackupPlanId=plan["BackupPlanId"])[
                "BackupSelectionsList"
            ]
            for item in listed:
                body = backup.get_backup_selection(
                    BackupPlanId=plan["BackupPlanId"], SelectionId=item["SelectionId"]
                )
                selection = body["BackupSelection"]
                assert body["CreationDate"] == item["CreationDate"]
                assert selection["SelectionName"] == item["SelectionName"]
                if name.endswith("-daily"):  # by tag: who carries it is not served
                    assert selection["ListOfTags"][0]["ConditionKey"] == "backup-plan"
                    assert "Resources" not in selection
                else:
                    named |= set(selection["Resources"])
        assert named and named <= protected
        assert not named & stopped


def test_plans_list_in_pages_bound_to_their_query(sandbox: Sandbox) -> None:
    backup = client(sandbox, "backup", region=REGION)
    first = backup.list_backup_plans(MaxResults=2)
    assert len(first["BackupPlansList"]) == 2
    rest = backup.list_backup_plans(MaxResults=2, NextToken=first["NextToken"])
    assert len(rest["BackupPlansList"]) == 1 and "NextToken" not in rest
    other = client(sandbox, "backup", region="eu-west-1")
    code = error_of(other.list_backup_plans, NextToken=first["NextToken"])
    assert code == ("InvalidParameterValueException", 400)
