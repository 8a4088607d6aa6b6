"""``backupctl job describe JOB_ID``: one job in full, wherever it is."""

from __future__ import annotations

from collections.abc import Sequence

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.outcome import exit_with
from backupctl.cli.stored import open_store
from backupctl.domain.errors import ExitStatus
from backupctl.domain.history import Scope
from backupctl.domain.job import Kind
from backupctl.domain.query import parse_kinds
from backupctl.domain.targets import Access, Target
from backupctl.output.unread import failure_lines

_EXAMPLES = examples(
    "backupctl job describe 5B3F2D8C-1A2B-4C3D-9E8F-0123456789AB",
    "backupctl job describe JOB_ID --account all --role OrganizationAccountAccessRole",
    "backupctl job describe JOB_ID -o json --query status_message",
)
app = typer.Typer(help="Describe one AWS Backup job.", epilog=_EXAMPLES, no_args_is_help=True)


@app.command("describe", epilog=_EXAMPLES)
@args.grouped
def describe(
    ctx: typer.Context,
    job_id: str = typer.Argument(
        ..., metavar="JOB_ID", help="The job id (backup, copy or restore).", show_default=False
    ),
    kind: opt.Kind = None,
    targets: args.TargetArgs = args.TargetArgs(),
    shown: args.OutputArgs = args.OutputArgs(),
    history: opt.History = False,
    db: opt.Db = None,
) -> None:
    """Show one job in full, trying every kind, account and region at once.

    With --history, the job's record as the history store last synced it (no AWS call).
    Exit codes: 0 found; 1 no such job where it looked; 2 bad usage (no AWS call made);
    3 not found, and some places could not be searched; 4 nothing could be searched;
    70 internal error (a bug); 130 interrupted (Ctrl-C); 143 terminated (SIGTERM).
    """
    from backupctl.app.describe_job import check_job_id, describe_job
    from backupctl.app.history_reading import find_stored
    from backupctl.output.families import JOB_DETAIL

    env = environment(ctx)
    with reported(env):
        check_job_id(job_id)
        kinds = parse_kinds(kind or [])
        writer = args.writer(env, JOB_DETAIL, shown)
        where = args.where(env, targets)
        if history:
            store = open_store(env, db)
            stored = find_stored(store, job_id, kinds, Scope.of(where.targets))
            if stored is None:
                env.warn(f"no job {job_id} in the history store {store.path}")
                exit_with(ExitStatus.FINDINGS)
            writer.write([stored])
            writer.close()
            return
        search = describe_job(where, job_id, kinds)
        if search.found is not None:
            writer.write([search.found])
            writer.close()
            return
        for line in failure_lines(search.failures):
            env.warn(line)
        looked = _where_looked(search.targets, kinds)
        hint = ""
        if search.plan.access is Access.ORG_VIEW:
            hint = (
                "; the org view can describe only the caller's own jobs: "
                "pass --role to look in other accounts"
            )
        if search.status is ExitStatus.FINDINGS:
            env.warn(f"no job {job_id} found in {looked}{hint}")
        else:
            env.warn(
                f"no job {job_id} found in {looked}, but some places could not be searched{hint}"
            )
    exit_with(search.status)


def _where_looked(targets: Sequence[Target], kinds: tuple[Kind, ...]) -> str:
    accounts = sorted({t.account_id for t in targets})
    regions = sorted({t.region for t in targets})
    kinds_text = "/".join(k.value for k in kinds)
    return f"{kinds_text} jobs of account {', '.join(accounts)} in {', '.join(regions)}"
