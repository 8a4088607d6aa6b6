"""``backupctl report gaps``: what did not happen, quiet when all is well."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment, environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.notifications import NotifyArgs, deliver, heartbeat
from backupctl.cli.outcome import finish, tell_unread, verdict
from backupctl.domain.errors import StateNotSavedError
from backupctl.domain.gaps import GapSummary
from backupctl.output.report import ReportFormat

if TYPE_CHECKING:
    from backupctl.app.report_gaps import GapReport
    from backupctl.output.query_expression import QueryExpression

Rpo = Annotated[
    str | None,
    typer.Option(
        "--rpo",
        metavar="DURATION",
        help="Expect a backup of every resource at least this often (90m, 26h, 2d, 1w), "
        "instead of each resource's own plan rule or history.",
    ),
]
CopyGrace = Annotated[
    str,
    typer.Option(
        "--copy-grace",
        metavar="DURATION",
        help="How long after a backup completes its copies may be missing (default: 4h).",
        show_default=False,
    ),
]
New = Annotated[
    bool,
    typer.Option(
        "--new", help="Only gaps no earlier --new run reported (state in $XDG_STATE_HOME)."
    ),
]
Verbose = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Say so when all is well; name the regions --region all left out."
    ),
]


@args.grouped
@heartbeat
def gaps(
    ctx: typer.Context,
    rpo: Rpo = None,
    copy_grace: CopyGrace = "4h",
    new: New = False,
    verbose: Verbose = False,
    targets: args.TargetArgs = args.TargetArgs(),
    notify: NotifyArgs = NotifyArgs(),
    output: opt.ReportOutput = "text",
    query: opt.ReportQuery = None,
) -> None:
    """Find protected resources whose backups stopped, and backups whose copy never ran.

    A resource is stopped when its last completed backup is older than its expected
    interval plus grace and no backup job was made since (--rpo; else the plan rule that
    made the last backup, with its start window; else the resource's own history). A
    copy is missing when a completed backup of a rule with copy actions has, after
    --copy-grace, no copy job to a destination, or one that ended FAILED, ABORTED or
    PARTIAL. Backups that were made and failed are for 'report failures'. Prints nothing
    and exits 0 when there is no gap. Exit codes: 0 no gap; 1 gaps found; 2 bad usage;
    3 some targets could not be read (listed in the report; errors outrank findings);
    4 nothing could be read; 5 another --new run holds the lock; 6 the report was printed
    but a notification or the heartbeat failed, or the --new state could not be saved (3
    and 4 outrank it); 130 interrupted.
    """
    from backupctl.app.report_gaps import GapReport, GapRequest
    from backupctl.domain.durations import parse_duration
    from backupctl.local.report_state import state_dir
    from backupctl.output.report.notice import gaps_notice

    env = environment(ctx)
    with reported(env):
        fmt = args.report_format(output)
        shape = args.query_expression(query, fmt, (ReportFormat.JSON,))
        where = args.where(env, targets)
        request = GapRequest(
            where,
            rpo=parse_duration(rpo, "--rpo") if rpo is not None else None,
            copy_grace=parse_duration(copy_grace, "--copy-grace"),
            state_dir=state_dir() if new else None,
        )
        report = GapReport(request, env.hooks())
        env.on_close(report.close)
        report.open()
        summary, reading = report.read()
        tell_unread(env, reading, verbose=verbose)
        _print(env, summary, fmt, verbose, shape)
        found = bool(summary.gaps or summary.unreadable)
        notice = partial(gaps_notice, summary)
        # What a target did not get is not marked as reported: the next run sends it again.
        delivered = deliver(ctx, where, found=found, notice=notice, new=new)
        remembered = delivered and _remember(env, report)
    finish(verdict(reading.status, findings=summary.gaps > 0, undelivered=not remembered))


def _remember(env: Environment, report: GapReport) -> bool:
    """Record the gaps for the next ``--new`` run; False, said on stderr, when they cannot
    be (the report is out: the run goes on to its exit code, 6 unless 3 or 4)."""
    try:
        report.remember()
    except StateNotSavedError as error:
        env.warn(f"error: {error}")
        return False
    return True


def _print(
    env: Environment,
    summary: GapSummary,
    fmt: ReportFormat,
    verbose: bool,
    query: QueryExpression | None,
) -> None:
    from backupctl.output.report.gaps import render_gaps

    if summary.gaps or summary.unreadable or (verbose and fmt is ReportFormat.JSON):
        render_gaps(summary, fmt, env.stdout, query)
    elif verbose:
        from backupctl.output.report.gap_words import gap_header

        env.stdout.write(f"All clear: {gap_header(summary)}\n")
        env.stdout.flush()


def register(report_app: typer.Typer) -> None:
    """Add ``gaps`` to the ``report`` command group."""
    report_app.command(
        "gaps",
        epilog=examples(
            "backupctl report gaps --account all --role BackupAuditRole --new",
            "backupctl report gaps --rpo 26h --copy-grace 6h -o json",
        ),
    )(gaps)
