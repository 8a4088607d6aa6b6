"""``backupctl report failures``: the cron summary, quiet when all is well."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from backupctl.cli import args, completers
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment, environment, reported
from backupctl.cli.outcome import finish, tell_unread, verdict
from backupctl.cli.stored import stored_jobs
from backupctl.domain.errors import UsageError
from backupctl.domain.problems import Summary
from backupctl.output.report import ReportFormat, render_report

app = typer.Typer(help="Reports for people and for cron.", no_args_is_help=True)

ReportOutput = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="text, markdown or json.",
        rich_help_panel="Output",
        autocompletion=completers.report_outputs,
    ),
]


def _format(value: str) -> ReportFormat:
    try:
        return ReportFormat(value.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in ReportFormat)
        raise UsageError(f"--output: unknown report format {value!r}; valid: {valid}") from None


@app.command("failures")
@args.grouped
def failures(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            "--since", help="Created at or after (default 24h): ISO 8601 or 90m, 24h, 7d, 2w."
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
        bool, typer.Option("--verbose", "-v", help="Say so when all is well.")
    ] = False,
    targets: args.TargetArgs = args.TargetArgs(),
    output: ReportOutput = "text",
    history: opt.History = False,
    db: opt.Db = None,
) -> None:
    """Summarize FAILED, ABORTED, EXPIRED and PARTIAL jobs, and COMPLETED jobs with issues.

    Prints nothing and exits 0 when there is nothing to report; --history reads the local
    history store instead of AWS (any --since). Exit codes: 0 nothing to
    report; 1 problems found; 2 bad usage; 3 some targets could not be read (listed in the
    report; errors outrank findings); 4 nothing could be read; 5 another --new run holds
    the lock; 130 interrupted.
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
        fmt = _format(output)
        where = args.where(env, targets)
        if new and history:
            raise UsageError("--new remembers what AWS listed: it cannot be used with --history")
        source = stored_jobs(env, db, where, query.since, now) if history else None
        request = FailureRequest(where, query, issues=not no_issues,
                                 state_dir=state_dir() if new else None)  # fmt: skip
        report = FailureReport(request, env.hooks(), source)
        env.on_close(report.close)
        report.open()
        summary, reading = report.read()
        tell_unread(env, reading)
        _print(env, summary, fmt, now, verbose)
        report.remember(summary)
    finish(verdict(reading.status, findings=bool(summary.problems)))


def _print(
    env: Environment, summary: Summary, fmt: ReportFormat, now: datetime, verbose: bool
) -> None:
    if summary.problems or summary.unreadable:
        render_report(summary, fmt, env.stdout, now)
    elif verbose:
        if fmt is ReportFormat.JSON:
            render_report(summary, fmt, env.stdout, now)
        else:
            from backupctl.output.report.common import header

            env.stdout.write(f"All clear: {header(summary, now)}\n")
            env.stdout.flush()
