"""``backupctl job describe JOB_ID``: one job in full, wherever it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from backupctl.cli import args
from backupctl.cli import options as opt
from backupctl.cli.environment import environment, reported
from backupctl.cli.help_text import examples
from backupctl.cli.outcome import exit_with
from backupctl.cli.stored import open_store
from backupctl.domain.errors import ExitStatus
from backupctl.domain.history import Scope
from backupctl.domain.query import parse_kinds
from backupctl.domain.targets import Access
from backupctl.output.unread import failure_lines

if TYPE_CHECKING:
    from backupctl.app.describe_job import Search

_EXAMPLES = examples(
    "backupctl job describe 5B3F2D8C-1A2B-4C3D-9E8F-0123456789AB",
    "backupctl job describe JOB_ID --account all --role OrganizationAccountAccessRole",
    "backupctl job describe JOB_ID -o json --query status_message",
)
app = typer.Typer(help="Describe one AWS Backup job.", epilog=_EXAMPLES, no_args_is_help=True)
_NAMED = 5  # accounts named in a not-found line; more are counted


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

    With no --region, every region the account has enabled; --account and --role search
    other accounts too. A job id in lower case is upper-cased, as AWS writes them.
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
        job_id = check_job_id(job_id)
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
        widest = where.targets.all_accounts
        env.warn(_not_found(search, narrowed_kinds=bool(kind), all_accounts=widest))
    exit_with(search.status)


def _not_found(search: Search, *, narrowed_kinds: bool, all_accounts: bool) -> str:
    """Where the job was looked for, and the options that would look further."""
    plan = search.plan
    accounts = sorted({t.account_id for t in search.targets})
    regions = sorted({t.region for t in search.targets})
    if len(accounts) == 1:
        who = f"account {accounts[0]}"
    elif len(accounts) <= _NAMED:
        who = "accounts " + ", ".join(accounts)
    else:
        who = f"{len(accounts)} accounts"
    places = f"{len(regions)} regions (all those enabled)" if plan.all_regions else None
    kinds = "/".join(k.value for k in search.kinds)
    further = []
    if not plan.all_regions:
        further.append("--region all (every region enabled)")
    if plan.access is not Access.ROLE:
        further.append(
            "--account all --role ROLE (the organization's accounts: Describe calls take no "
            "ByAccountId, so without a role only the caller's own account is searched)"
        )
    elif not all_accounts:
        further.append("--account all")
    if narrowed_kinds:
        further.append("no --kind (every kind)")
    partly = ", and some places could not be searched" if search.failures else ""
    searched = f"the {kinds} jobs of {who} in {places or ', '.join(regions)}"
    line = f"no job {search.job_id} found{partly}: searched {searched}"
    return line + (f"; to search further: {', '.join(further)}" if further else "")
