"""The JSON report: a stable object a script can act on."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from backupctl.domain.job import JsonValue, as_record, format_time, newest_first
from backupctl.domain.problems import Summary, problem_of

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression


def render_json(summary: Summary, now: datetime, query: QueryExpression | None = None) -> str:
    """The report object as indented JSON, or what ``query`` makes of it."""
    from backupctl.output.query_expression import queried_json

    return queried_json(failures_object(summary, now), query)


def failures_object(summary: Summary, now: datetime) -> dict[str, JsonValue]:
    """The report object; its ``problems`` are job records, newest first."""
    by_kind: dict[str, JsonValue] = {
        kind: dict(sorted(counts.items()))
        for kind, counts in sorted(summary.by_kind_and_problem().items())
    }
    ordered = sorted(summary.problems, key=newest_first)
    problems: list[JsonValue] = [{**as_record(j), "problem": problem_of(j)} for j in ordered]
    report: dict[str, JsonValue] = {
        "generated_at": format_time(now),
        "window": {"since": format_time(summary.since), "until": format_time(summary.until)},
        "totals": {
            "jobs_seen": summary.jobs_seen,
            "problems": len(summary.problems),
            "by_kind": by_kind,
            "already_reported": summary.already_reported,
            "completed_with_issues_included": summary.issues_included,
            "targets": summary.targets,
            "targets_read": summary.targets_read,
            "targets_unreadable": summary.targets - summary.targets_read,
        },
        "unreachable": [
            {
                "account_id": u.account_id,
                "region": u.region,
                "kinds": [k.value for k in u.kinds],
                "code": u.code,
                "error": u.reason,
            }
            for u in summary.unreadable
        ],
        "accounts": dict(sorted(summary.account_names.items())),
        "problems": problems,
    }
    return report
