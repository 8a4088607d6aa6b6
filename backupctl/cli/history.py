"""``backupctl history sync``: keep the local history store of jobs current, from cron."""

from __future__ import annotations

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import environment, reported
from backupctl.cli.outcome import finish, tell_unread

app = typer.Typer(help="The local history store of jobs.", no_args_is_help=True)


@app.command("sync")
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
