"""``backupctl jobs watch``: a live view of the active jobs, refreshed every ``--interval``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment, environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.outcome import exit_with, finish
from backupctl.domain.errors import ExitStatus
from backupctl.domain.query import parse_count

if TYPE_CHECKING:
    from rich.console import Console

NOT_A_TERMINAL = (
    "jobs watch needs a terminal; for scripts use: backupctl jobs list --state RUNNING -o json"
)
_REFRESH = "Refresh"

Interval = Annotated[
    str,
    typer.Option(
        "--interval",
        metavar="SECONDS",
        help="Whole seconds from the start of one refresh to the start of the next (default 30).",
        rich_help_panel=_REFRESH,
        show_default=False,
    ),
]
Count = Annotated[
    str | None,
    typer.Option(
        "--count",
        metavar="N",
        help="Stop after N refreshes (default: at Ctrl-C).",
        rich_help_panel=_REFRESH,
    ),
]


@args.grouped
def watch(
    ctx: typer.Context,
    kind: opt.Kind = None,
    since: opt.Since = None,
    resource_type: opt.ResourceType = None,
    resource_arn: opt.ResourceArn = None,
    vault: opt.Vault = None,
    targets: args.TargetArgs = args.TargetArgs(),
    interval: Interval = "30",
    count: Count = None,
) -> None:
    """Watch CREATED, PENDING and RUNNING jobs live; jobs that end are shown once, final state.

    Needs a terminal. Exit codes: 0 done (--count reached); 2 bad usage or not a terminal
    (no AWS call made); 3 the last refresh could not read some targets, 4 any; 70 internal
    error (a bug); 130 Ctrl-C; 143 SIGTERM.
    """
    from backupctl.app.watch_jobs import WATCHED_STATES

    env = environment(ctx)
    with reported(env):
        chosen = args.QueryArgs(
            kind=kind,
            state=WATCHED_STATES,
            since=since,
            resource_type=resource_type,
            resource_arn=resource_arn,
            vault=vault,
        )
        query = args.query(chosen, env.clock())
        seconds = parse_count(interval, "--interval")
        refreshes = None if count is None else parse_count(count, "--count")
        where = args.where(env, targets)
        console = env.out_console()
        if not _watchable(env, console):
            env.warn(NOT_A_TERMINAL)
            exit_with(ExitStatus.USAGE)
        from backupctl.app.connect import connect
        from backupctl.app.watch_jobs import Watch
        from backupctl.aws.backup_jobs import BackupReader  # boto3: only once a call is made
        from backupctl.cli.live_watch import LiveWatch

        connector, plan = connect(where, query)
        jobs = Watch(BackupReader(connector), plan, query, where, since=since, clock=env.clock)
        status = LiveWatch(env, jobs).run(console, seconds, refreshes)
    finish(status)


def _watchable(env: Environment, console: Console) -> bool:
    """A person's terminal that can redraw in place (or one a test pins).

    A forced colour (``--color always``, FORCE_COLOR) says nothing about a person watching,
    so the stream decides; a dumb terminal (TERM=dumb) cannot move the cursor.
    """
    person = env.stdout_is_terminal or bool(env.force_terminal)
    return person and console.is_interactive


def register(jobs_app: typer.Typer) -> None:
    """Add ``watch`` to the ``jobs`` command group."""
    jobs_app.command(
        "watch",
        epilog=examples(
            "backupctl jobs watch --account all --region all",
            "backupctl jobs watch --kind backup --interval 10 --count 6",
        ),
    )(watch)
