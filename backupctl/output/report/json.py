"""The JSON report: a stable object a script can act on, written a record at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from backupctl.domain.job import Job, JsonValue, as_record, format_time
from backupctl.domain.problems import Summary, problem_of
from backupctl.output.json import dumps

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression

# Stands for the problems while the rest of the object is encoded (json escapes the NULs,
# so the data cannot hold it).
_PROBLEMS = "\x00problems\x00"


def render_json(
    summary: Summary, now: datetime, query: QueryExpression | None = None
) -> Iterator[str]:
    """The report object as indented JSON, in pieces (the problems one by one), exactly
    as ``json.dumps(report, indent=2)`` writes it; or what ``query`` makes of it."""
    return report_pieces(failures_object(summary, now), summary, query)


def report_pieces(
    report: dict[str, JsonValue], summary: Summary, query: QueryExpression | None
) -> Iterator[str]:
    """``report`` (its ``problems`` still the placeholder) as ``json_pieces`` writes it;
    with ``query``, what the expression makes of the whole object, which then holds every
    problem record at once."""
    if query is None:
        return json_pieces(report, summary)
    from backupctl.output.query_expression import queried_json

    report = {**report, "problems": [_problem_record(job) for job in summary.records()]}
    return iter((queried_json(report, query),))


def _problem_record(job: Job) -> dict[str, JsonValue]:
    return {**as_record(job), "problem": problem_of(job)}


def json_pieces(report: dict[str, JsonValue], summary: Summary) -> Iterator[str]:
    """``report`` (its ``problems`` still the placeholder) as indented JSON, the summary's
    problem records written in its place, newest first, one piece each. Every piece ends a
    line (a record goes out with the comma after it, so one behind): output cut between
    two pieces ends on a whole line."""
    before, after = dumps(report, pretty=True).split(dumps(_PROBLEMS), 1)
    records = (
        "    " + dumps(_problem_record(job), pretty=True).replace("\n", "\n    ")
        for job in summary.records()
    )
    previous = next(records, None)
    if previous is None:
        yield before + "[]" + after + "\n"
        return
    yield before + "[\n"
    for record in records:
        yield previous + ",\n"
        previous = record
    yield previous + "\n  ]" + after + "\n"


def failures_object(summary: Summary, now: datetime) -> dict[str, JsonValue]:
    """The report object, its ``problems`` a placeholder for ``json_pieces``."""
    by_kind: dict[str, JsonValue] = {
        kind: dict(sorted(counts.items()))
        for kind, counts in sorted(summary.by_kind_and_problem().items())
    }
    return {
        "generated_at": format_time(now),
        "window": {"since": format_time(summary.since), "until": format_time(summary.until)},
        "totals": {
            "jobs_seen": summary.jobs_seen,
            "problems": summary.problems,
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
        "problems": _PROBLEMS,
    }
