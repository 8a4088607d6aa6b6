"""``backupctl jobs list``: jobs of all three kinds over the chosen accounts and regions."""

from __future__ import annotations

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.outcome import finish, tell_unread
from backupctl.cli.stored import stored_jobs
from backupctl.domain.errors import ExitStatus

app = typer.Typer(
    help="List, watch and count AWS Backup jobs.",
    epilog=examples("backupctl jobs list --state failed --since 24h", "backupctl jobs summary"),
    no_args_is_help=True,
)


@app.command(
    "list",
    epilog=examples(
        "backupctl jobs list --account all --region all --state failed --since 24h",
        "backupctl jobs list --kind copy --since 7d -o csv > copies.csv",
        "backupctl jobs list --since 24h -o json --query '[?state==`FAILED`].job_id'",
        "backupctl jobs list -o text --fields account_id,state | sort | uniq -c",
    ),
)
@args.grouped
def list_jobs(
    ctx: typer.Context,
    kind: opt.Kind = None,
    state: opt.State = None,
    since: opt.Since = None,
    until: opt.Until = None,
    resource_type: opt.ResourceType = None,
    resource_arn: opt.ResourceArn = None,
    vault: opt.Vault = None,
    limit: opt.Limit = None,
    targets: args.TargetArgs = args.TargetArgs(),
    shown: args.OutputArgs = args.OutputArgs(),
    fields: opt.Fields = None,
    history: opt.History = False,
    db: opt.Db = None,
) -> None:
    """List backup, copy and restore jobs, newest first, over every chosen account and region.

    With --history the jobs come from the local history store, with no AWS call.
    Exit codes: 0 done; 2 bad usage (no AWS call made); 3 some targets could not be read
    (the others' jobs are printed, each failure is named on stderr); 4 nothing could be
    read (stdout stays empty); 70 internal error (a bug); 130 interrupted (Ctrl-C);
    143 terminated (SIGTERM).
    """
    from backupctl.app.list_jobs import list_jobs as run
    from backupctl.output.families import JOBS

    env = environment(ctx)
    with reported(env):
        now = env.clock()
        chosen = args.QueryArgs(
            kind=kind,
            state=state,
            since=since,
            until=until,
            resource_type=resource_type,
            resource_arn=resource_arn,
            vault=vault,
            limit=limit,
        )
        query = args.query(chosen, now)
        if (unanswerable := query.unanswerable(now)) is not None:
            env.warn(unanswerable)
        chosen_fields = args.fields(fields, JOBS)
        writer = args.writer(env, JOBS, shown, fields=chosen_fields, now=now)
        where = args.where(env, targets)
        source = stored_jobs(env, db, where, query.since, now) if history else None
        reading = run(where, query, writer, env.hooks(), source)
        if reading.status is not ExitStatus.UNREADABLE:  # stdout is data: none was read
            writer.close()
        tell_unread(env, reading)
    finish(reading.status)
