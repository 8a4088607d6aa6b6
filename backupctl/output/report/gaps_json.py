"""The JSON gap report: a stable object a script can act on."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from backupctl.domain.gaps import CopyGap, GapSummary, StoppedGap
from backupctl.domain.job import JsonValue, format_time
from backupctl.output.report.gap_words import jobs_only_note, ordered

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression

# How far back the job listings reach: the window a gap report reads.
LISTINGS_REACH = timedelta(days=30)


def _seconds(length: timedelta | None) -> int | None:
    return None if length is None else round(length.total_seconds())


def _minutes(length: timedelta | None) -> int | None:
    return None if length is None else round(length.total_seconds() / 60)


def stopped_record(gap: StoppedGap, account_name: str | None) -> dict[str, JsonValue]:
    """One stopped resource, every key present."""
    return {
        "account_id": gap.account_id,
        "account_name": account_name,
        "region": gap.region,
        "resource_arn": gap.resource_arn,
        "resource_type": gap.resource_type,
        "resource_name": gap.resource_name,
        "last_backup_time": format_time(gap.last_backup_time),
        "last_backup_job_id": gap.last_backup_job_id,
        "last_recovery_point_arn": gap.last_recovery_point_arn,
        "last_backup_vault_arn": gap.last_backup_vault_arn,
        "backup_plan_id": gap.backup_plan_id,
        "backup_plan_version": gap.backup_plan_version,
        "backup_rule_id": gap.backup_rule_id,
        "backup_rule_name": gap.backup_rule_name,
        "schedule_expression": gap.schedule_expression,
        "schedule_timezone": gap.schedule_timezone,
        "start_window_minutes": _minutes(gap.start_window),
        "expected_interval_seconds": _seconds(gap.expected.interval),
        "overdue_since": format_time(gap.expected.overdue_since),
        "evidence": gap.expected.evidence.value,
        "evidence_text": gap.expected.text,
    }


def copy_record(gap: CopyGap, account_name: str | None) -> dict[str, JsonValue]:
    """One copy gap, every key present."""
    return {
        "account_id": gap.account_id,
        "account_name": account_name,
        "region": gap.region,
        "backup_job_id": gap.backup_job_id,
        "recovery_point_arn": gap.recovery_point_arn,
        "resource_arn": gap.resource_arn,
        "resource_type": gap.resource_type,
        "resource_name": gap.resource_name,
        "completed_at": format_time(gap.completed_at),
        "destination_vault_arn": gap.destination_vault_arn,
        "copy_job_id": gap.copy_job_id,
        "copy_state": gap.copy_state,
        "backup_plan_id": gap.backup_plan_id,
        "backup_plan_version": gap.backup_plan_version,
        "backup_rule_id": gap.backup_rule_id,
        "overdue_since": format_time(gap.expected.overdue_since),
        "evidence": gap.expected.evidence.value,
        "evidence_text": gap.expected.text,
    }


def gaps_object(summary: GapSummary) -> dict[str, JsonValue]:
    """The report as a JSON object."""
    names = summary.account_names
    stopped, copies = ordered(summary)
    report: dict[str, JsonValue] = {
        "generated_at": format_time(summary.now),
        "window": {
            "since": format_time(summary.now - LISTINGS_REACH),
            "until": format_time(summary.now),
        },
        "rpo_seconds": _seconds(summary.rpo),
        "copy_grace_seconds": _seconds(summary.copy_grace),
        "totals": {
            "gaps": summary.gaps,
            "stopped": len(summary.stopped),
            "copies": len(summary.copies),
            "already_reported": summary.already_reported,
            "resources_checked": summary.resources_checked,
            "copied_backups_checked": summary.backups_checked,
            "unjudged": summary.unjudged,
            "targets": summary.targets,
            "targets_read": summary.targets_read,
            "targets_unreadable": summary.targets - summary.targets_read,
        },
    }
    report["unreachable"] = [
        {
            "account_id": u.account_id,
            "region": u.region,
            "kinds": [k.value for k in u.kinds],
            "others": list(u.others),
            "code": u.code,
            "error": u.reason,
        }
        for u in summary.unreadable
    ]
    report |= {
        "accounts": dict(sorted(names.items())),
        "jobs_only_accounts": list(summary.jobs_only),
        "note": jobs_only_note(summary),
        "stopped": [stopped_record(g, names.get(g.account_id)) for g in stopped],
        "copies": [copy_record(g, names.get(g.account_id)) for g in copies],
    }
    return report


def render_gaps_json(summary: GapSummary, query: QueryExpression | None = None) -> str:
    """The report object as indented JSON, or what ``query`` makes of it."""
    from backupctl.output.query_expression import queried_json

    return queried_json(gaps_object(summary), query)
