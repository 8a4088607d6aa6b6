"""``backupctl jobs watch``: a live view of the active jobs, refreshed every ``--interval``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from backupctl.cli import options as opt
from backupctl.cli.context import AppState, reported, state
from backupctl.cli.execute import connect, where_from
from backupctl.cli.jobs_list import build_query
from backupctl.domain.errors import ExitStatus

if TYPE_CHECKING:
    from rich.console import Console

NOT_A_TERMINAL = (
    "jobs watch needs a terminal; for scripts use: backupctl jobs list --state RUNNING -o json"
)
WATCHED_STATES = ["CREATED", "PENDING", "RUNNING"]
_REFRESH = "Refresh"

Interval = Annotated[
    int,
    typer.Option(
        "--interval",
        min=1,
        metavar="SECONDS",
        help="Seconds from the start of one refresh to the start of the next.",
        rich_help_panel=_REFRESH,
    ),
]
Count = Annotated[
    int | None,
    typer.Option(
        "--count",
        min=1,
        help="Stop after this many refreshes (default: at Ctrl-C).",
        rich_help_panel=_REFRESH,
    ),
]


def watch(
    ctx: typer.Context,
    kind: opt.Kind = None,
    since: opt.Since = None,
    resource_type: opt.ResourceType = None,
    resource_arn: opt.ResourceArn = None,
    vault: opt.Vault = None,
    account: opt.Account = None,
    ou: opt.Ou = None,
    region: opt.Region = None,
    role: opt.Role = None,
    external_id: opt.ExternalId = None,
    profile: opt.Profile = None,
    concurrency: opt.Concurrency = None,
    timeout: opt.Timeout = None,
    interval: Interval = 30,
    count: Count = None,
) -> None:
    """Watch CREATED, PENDING and RUNNING jobs live; jobs that end are shown once, final state.

    Needs a terminal. Exit codes: 0 done (--count reached); 2 bad usage or not a terminal
    (no AWS call made); 3 the last refresh could not read some targets, 4 any; 130 Ctrl-C.
    """
    app_state = state(ctx)
    with reported(app_state):
        now = app_state.clock()
        query = build_query(
            kind, WATCHED_STATES, since, None, resource_type, resource_arn, vault, None, now
        )
        where = where_from(app_state, ctx.params)
        console = app_state.out_console()
        if not _watchable(app_state, console):
            app_state.warn(NOT_A_TERMINAL)
            raise typer.Exit(int(ExitStatus.USAGE))
        connector, plan = connect(app_state, where)
        from backupctl.aws.backup_jobs import BackupReader  # boto3: only once a call is to be made
        from backupctl.cli.watcher import Watcher

        watcher = Watcher(app_state, BackupReader(connector), plan, query, since, where)
        status = watcher.run(console, interval, count)
    if status is not ExitStatus.OK:
        raise typer.Exit(int(status))


def _watchable(app_state: AppState, console: Console) -> bool:
    """A person's terminal that can redraw in place (or one a test pins).

    A forced colour (``--color always``, FORCE_COLOR) says nothing about a person watching,
    so the stream decides; a dumb terminal (TERM=dumb) cannot move the cursor.
    """
    person = app_state.stdout_is_terminal or bool(app_state.force_terminal)
    return person and console.is_interactive


def register(jobs_app: typer.Typer) -> None:
    """Add ``watch`` to the ``jobs`` command group."""
    jobs_app.command("watch")(watch)
