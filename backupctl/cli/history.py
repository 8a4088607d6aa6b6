"""``backupctl history``: ``sync`` keeps the local history store of jobs current, from cron;
``export`` writes it out by day for the tools that take over when it grows too large."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.outcome import finish, tell_unread
from backupctl.cli.stored import open_store

if TYPE_CHECKING:
    from backupctl.domain.job import Job
    from backupctl.output import RecordWriter

app = typer.Typer(
    help="The local history store of jobs.",
    epilog=examples("backupctl history sync --account all", "backupctl history export DIR"),
    no_args_is_help=True,
)


@app.command(
    "sync",
    epilog=examples(
        "backupctl history sync --account all --region us-east-1,eu-west-1",
        "backupctl history sync --role BackupAuditRole --db ~/backups/history.sqlite",
    ),
)
@args.grouped
def sync(
    ctx: typer.Context,
    targets: args.TargetArgs = args.TargetArgs(),
    db: opt.Db = None,
) -> None:
    """Bring the local history store up to date with the targets' jobs (run it from cron).

    Each listing reads what is new since its last sync (less an hour), and the jobs the
    store holds that had not ended; a first sync reads the 30 days AWS keeps. Quiet when
    all is well; progress and a closing line when stderr is a terminal. Exit codes: 0
    done; 2 bad usage (no AWS call made); 3 some targets could not be read (named on
    stderr; the others were stored, the failed ones keep their last good point); 4
    nothing could be read, or the store cannot be used; 5 another sync holds the lock;
    130 interrupted.
    """
    from backupctl.app.history_sync import HistorySync
    from backupctl.local.history_store import HistoryStore
    from backupctl.output.history_notes import sync_line

    env = environment(ctx)
    with reported(env):
        where = args.where(env, targets)
        store = HistoryStore.for_sync(args.history_db(env, db))
        env.on_close(store.close)
        result = HistorySync(store, where, env.hooks()).run()
        tell_unread(env, result.reading)
        if env.stderr_is_terminal:
            targets_read = len(result.reading.plan.targets)
            env.warn(sync_line(result.path, targets_read, result.read, result.new, result.changed))
    finish(result.reading.status)


@app.command(
    "export",
    epilog=examples(
        "backupctl history export ./backup-jobs",
        "backupctl history export ./backup-jobs --since 2026-07-01 --until 2026-10-01",
    ),
)
@args.grouped
def export(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="FOLDER", help="The folder to write into (made if missing).", file_okay=False
        ),
    ],
    since: opt.Since = None,
    until: opt.Until = None,
    targets: args.TargetArgs = args.TargetArgs(),
    db: opt.Db = None,
) -> None:
    """Write the store as one gzipped NDJSON file of job records per UTC day of creation,
    FOLDER/day=YYYY-MM-DD/jobs.ndjson.gz, which DuckDB and Athena read. No AWS call.

    Whole days: from the one holding --since to the one before --until. Exporting again
    rewrites each day in full (the same jobs give the same bytes). Exit
    codes: 0 done; 2 bad usage; 4 no history store, or the folder cannot be written.
    """
    from backupctl.app.history_export import export_history
    from backupctl.domain.errors import HistoryError
    from backupctl.domain.history import Scope
    from backupctl.output import OutputFormat, make_writer
    from backupctl.output.families import JOBS

    env = environment(ctx)
    with reported(env):
        query = args.query(args.QueryArgs(since=since, until=until), env.clock())
        scope = Scope.of(args.where(env, targets).targets)
        store = open_store(env, db)
        console = env.out_console()

        def ndjson(stream: TextIO) -> RecordWriter[Job]:
            return make_writer(OutputFormat.NDJSON, JOBS, stream=stream, console=console,
                               fields=None)  # fmt: skip

        try:
            done = export_history(store, scope, folder, ndjson, query.since, query.until)
        except OSError as exc:
            raise HistoryError(f"cannot write into {folder}: {exc.strerror}") from None
        if env.stderr_is_terminal:
            env.warn(f"exported {done.jobs:,} jobs of {done.days:,} days into {folder}")
