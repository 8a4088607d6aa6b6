"""``backupctl report failures``: the cron summary, quiet when all is well."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment, environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.notifications import NotifyArgs, deliver, heartbeat
from backupctl.cli.outcome import finish, tell_unread, verdict
from backupctl.cli.stored import stored_jobs
from backupctl.domain.errors import ExitStatus, StateNotSavedError, UsageError
from backupctl.domain.problems import Summary
from backupctl.output.report import ReportFormat, render_report

if TYPE_CHECKING:
    from backupctl.app.report_failures import FailureReport
    from backupctl.output.query_expression import QueryExpression

app = typer.Typer(
    help="Reports for people and for cron: what failed, and what did not happen.",
    epilog=examples("backupctl report failures --new", "backupctl report gaps --rpo 26h"),
    no_args_is_help=True,
)


@app.command(
    "failures",
    epilog=examples(
        "backupctl report failures --account all --role BackupAuditRole --new",
        "backupctl report failures --since 7d --gaps -o markdown",
        "backupctl report failures -o json --query 'problems[].job_id'",
    ),
)
@args.grouped
@heartbeat
def failures(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            "--since",
            metavar="WHEN",
            help="Created at or after: ISO 8601, 90m, 24h, 7d, 2w or now (default: 24h).",
            show_default=False,
            rich_help_panel="Which jobs",
        ),
    ] = "24h",
    until: opt.Until = None,
    kind: opt.Kind = None,
    resource_type: opt.ResourceType = None,
    resource_arn: opt.ResourceArn = None,
    vault: opt.Vault = None,
    no_issues: Annotated[
        bool,
        typer.Option(
            "--no-issues", help="Leave out COMPLETED jobs with a message (completed with issues)."
        ),
    ] = False,
    new: Annotated[
        bool,
        typer.Option(
            "--new", help="Only problems no earlier --new run reported (state in $XDG_STATE_HOME)."
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Say so when all is well; name the regions --region all left out.",
        ),
    ] = False,
    gaps: Annotated[
        bool,
        typer.Option(
            "--gaps",
            help="Also report what did not happen, as 'report gaps' does, in the same run "
            "and report.",
        ),
    ] = False,
    targets: args.TargetArgs = args.TargetArgs(),
    notify: NotifyArgs = NotifyArgs(),
    output: opt.ReportOutput = "text",
    query_text: opt.ReportQuery = None,
    history: opt.History = False,
    db: opt.Db = None,
) -> None:
    """Summarize FAILED, ABORTED, EXPIRED and PARTIAL jobs, and COMPLETED jobs with issues.

    Prints nothing and exits 0 when there is nothing to report; --history reads the local
    history store instead of AWS (any --since). Exit codes: 0 nothing to report; 1 problems
    found; 2 bad usage, or a --new state that cannot be used (no AWS call made); 3 some
    targets could not be read (listed in the report; errors outrank findings); 4 nothing
    could be read; 5 another --new run holds the lock; 6 the report was printed but a
    notification or the heartbeat failed, or the --new state could not be saved, so the
    next run reports the same problems again (3 and 4 outrank it; it outranks 1); 70
    internal error (a bug); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
    """
    from backupctl.app.report_failures import FailureReport, FailureRequest
    from backupctl.local.report_state import state_dir

    env = environment(ctx)
    with reported(env):
        now = env.clock()
        chosen = args.QueryArgs(
            kind=kind,
            since=since,
            until=until,
            resource_type=resource_type,
            resource_arn=resource_arn,
            vault=vault,
        )
        query = args.query(chosen, now)
        if (unanswerable := query.unanswerable(now)) is not None:
            env.warn(unanswerable)
        fmt = args.report_format(output)
        shape = args.query_expression(query_text, fmt, (ReportFormat.JSON,))
        where = args.where(env, targets)
        if new and history:
            raise UsageError("--new remembers what AWS listed: it cannot be used with --history")
        if gaps and history:
            raise UsageError("--gaps reads plans and resources from AWS: not with --history")
        source = stored_jobs(env, db, where, query.since, now) if history else None
        request = FailureRequest(where, query, issues=not no_issues,
                                 state_dir=state_dir() if new else None)  # fmt: skip
        report = FailureReport(request, env.hooks(), source)
        env.on_close(report.close)
        report.open()
        if report.state_emptied is not None:
            env.warn(
                f"the state file {report.state_emptied} was there but held nothing (emptied?): "
                "what earlier --new runs reported is not known, so every problem is reported again"
            )
        if gaps:
            finish(_with_gaps(ctx, report, Shown(fmt, now, verbose, shape)))
            return
        summary, reading = report.read()
        tell_unread(env, reading, verbose=verbose)
        _print(env, summary, Shown(fmt, now, verbose, shape))
        from backupctl.output.report.notice import failures_notice

        found = bool(summary.problems or summary.unreadable)
        notice = partial(failures_notice, summary, now)
        delivered = deliver(ctx, where, found=found, notice=notice, new=new)
        # What a target did not get is not marked as reported: the next run sends it again.
        remembered = delivered and _remember(env, report, summary)
    finish(verdict(reading.status, findings=bool(summary.problems), undelivered=not remembered))


def _remember(env: Environment, report: FailureReport, summary: Summary) -> bool:
    """Record what was printed for the next ``--new`` run; False, said on stderr, when it
    cannot be (the report is out: the run goes on to its exit code)."""
    try:
        report.remember(summary)
    except StateNotSavedError as error:
        env.warn(f"error: {error}")
        return False
    return True


@dataclass(frozen=True, slots=True)
class Shown:
    """How the report is printed: its format, the moment it is written at, whether an
    all-clear is said, and the ``--query`` of its JSON."""

    fmt: ReportFormat
    now: datetime
    verbose: bool
    query: QueryExpression | None


def _with_gaps(ctx: typer.Context, report: FailureReport, shown: Shown) -> ExitStatus:
    """``--gaps``: both reports from one run, in one report; errors outrank findings."""
    from backupctl.app.report_gaps import GapReport, GapRequest
    from backupctl.output.report.both import render_both
    from backupctl.output.report.notice import both_notice

    env = environment(ctx)
    gap_report = GapReport(GapRequest(report.request.where), env.hooks())
    summary, found, reading = report.read_with_gaps(gap_report)
    tell_unread(env, reading, verbose=shown.verbose)
    found_any = summary.problems or summary.unreadable or found.gaps or found.unreadable
    if found_any or (shown.verbose and shown.fmt is ReportFormat.JSON):
        render_both(summary, found, shown.fmt, env.stdout, shown.now, shown.query)
    elif shown.verbose:
        from backupctl.output.report.common import header
        from backupctl.output.report.gap_words import gap_header

        clear = f"All clear: {header(summary, shown.now)}\nAll clear: {gap_header(found)}\n"
        env.stdout.write(clear)
        env.stdout.flush()
    where, new = report.request.where, report.request.state_dir is not None
    notice = partial(both_notice, summary, found, shown.now)
    if not deliver(ctx, where, found=bool(found_any), notice=notice, new=new):
        return verdict(reading.status, undelivered=True)
    remembered = _remember(env, report, summary)
    try:
        gap_report.remember()
    except StateNotSavedError as error:
        env.warn(f"error: {error}")
        remembered = False
    findings = bool(summary.problems) or found.gaps > 0
    return verdict(reading.status, findings=findings, undelivered=not remembered)


def _print(env: Environment, summary: Summary, shown: Shown) -> None:
    if summary.problems or summary.unreadable:
        render_report(summary, shown.fmt, env.stdout, shown.now, shown.query)
    elif shown.verbose:
        if shown.fmt is ReportFormat.JSON:
            render_report(summary, shown.fmt, env.stdout, shown.now, shown.query)
        else:
            from backupctl.output.report.common import header

            env.stdout.write(f"All clear: {header(summary, shown.now)}\n")
            env.stdout.flush()
