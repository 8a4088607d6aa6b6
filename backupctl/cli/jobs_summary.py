"""``backupctl jobs summary``: jobs counted by UTC day and state, per group."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment, environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.outcome import finish, tell_unread
from backupctl.domain.errors import ExitStatus

if TYPE_CHECKING:
    from backupctl.app.job_summary import JobSummary

By = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="GROUP",
        help="account, region, resource-type or kind: a row per day and group.",
        autocompletion=lambda: ["account", "region", "resource-type", "kind"],
        rich_help_panel="Output",
    ),
]
Since = Annotated[
    str,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="The first day counted: ISO 8601, 90m, 24h, 7d or 2w; whole UTC days are "
        "counted (default: 14d).",
        show_default=False,
        rich_help_panel="Which jobs",
    ),
]


def register(jobs: typer.Typer) -> None:
    """Add ``jobs summary`` beside ``jobs list``."""
    jobs.command(
        "summary",
        epilog=examples(
            "backupctl jobs summary --by account",
            "backupctl jobs summary --history --since 90d --by kind -o csv",
        ),
    )(summary)


@args.grouped
def summary(
    ctx: typer.Context,
    by: By = None,
    kind: opt.Kind = None,
    state: opt.State = None,
    since: Since = "14d",
    until: opt.Until = None,
    resource_type: opt.ResourceType = None,
    targets: args.TargetArgs = args.TargetArgs(),
    shown: args.OutputArgs = args.OutputArgs(),
    fields: opt.Fields = None,
    history: opt.History = False,
    db: opt.Db = None,
) -> None:
    """Count jobs by UTC day and state ("completed with issues" apart), per --by group.

    The 14 days before today come from AWS Backup's job summary calls, which count no
    job of today; --history, or a window that starts earlier, counts from the local
    history store (any day it holds, today included), with no AWS call. Exit codes:
    0 done; 2 bad usage (no AWS call made); 3 some targets could not be read; 4 nothing
    could be read, or no history store; 130 interrupted.
    """
    from backupctl.app.job_summary import SummaryRequest, summarize_jobs
    from backupctl.domain.summary_rows import parse_grouping
    from backupctl.output.families import summary_family

    env = environment(ctx)
    with reported(env):
        now = env.clock()
        chosen = args.QueryArgs(
            kind=kind, state=state, since=since, until=until, resource_type=resource_type
        )
        query = args.query(chosen, now)
        if (future := query.in_the_future(now)) is not None:
            env.warn(future)
        grouping = parse_grouping(by)
        family = summary_family(grouping)
        chosen_fields = args.fields(fields, family)
        writer = args.writer(env, family, shown, fields=chosen_fields, now=now)
        where = args.where(env, targets)
        db_path = args.history_db(env, db)
        since_at = query.since or now  # --since always has a value here (its default)
        request = SummaryRequest(where, query, since_at, db_path, grouping, history)
        result = summarize_jobs(request, env.hooks())
        if result.reading.status is not ExitStatus.UNREADABLE:  # stdout is data: none was read
            writer.write(result.rows)
            writer.close()
        tell_unread(env, result.reading)
        _tell_source(env, result, db_path, now)
    finish(result.reading.status)


def _tell_source(env: Environment, result: JobSummary, db: Path, now: datetime) -> None:
    """Say what the counts leave out, where they came from when the window chose the
    store, and where the store falls short of the window."""
    from backupctl.domain.summary_rows import SUMMARY_DAYS
    from backupctl.output.history_notes import freshness_lines

    if result.uncounted_today is not None:
        env.warn(
            f"today ({result.uncounted_today}) is in no job summary of AWS Backup: its jobs "
            "are not counted (--history counts them from the history store)"
        )
    if result.store_chosen:
        env.warn(
            f"the window starts before the {SUMMARY_DAYS} days the job summary calls count: "
            f"counted from the history store {db}"
        )
    if result.freshness is not None:
        start = datetime.combine(result.days.first, time(), UTC)
        for line in freshness_lines(result.freshness, db, start, now):
            env.warn(line)
