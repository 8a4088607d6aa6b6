"""``backupctl job describe JOB_ID``: one job in full, wherever it is."""

from __future__ import annotations

import re
from collections.abc import Sequence

import typer

from backupctl.app.resolve import describe_targets
from backupctl.cli import options as opt
from backupctl.cli.context import reported, state
from backupctl.cli.execute import connect, where_from
from backupctl.cli.jobs_list import parse_output
from backupctl.cli.signals import interrupts_held
from backupctl.domain.errors import BackupctlError, ExitStatus, UsageError
from backupctl.domain.job import JobDetail, Kind
from backupctl.domain.query import parse_kinds
from backupctl.domain.targets import Access, Target
from backupctl.engine.fanout import Failure
from backupctl.engine.gather import gather
from backupctl.output import render_detail

app = typer.Typer(help="Describe one AWS Backup job.", no_args_is_help=True)

_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")


@app.command("describe")
def describe(
    ctx: typer.Context,
    job_id: str = typer.Argument(
        ..., help="The job id (backup, copy or restore).", show_default=False
    ),
    kind: opt.Kind = None,
    account: opt.Account = None,
    ou: opt.Ou = None,
    region: opt.Region = None,
    role: opt.Role = None,
    external_id: opt.ExternalId = None,
    profile: opt.Profile = None,
    concurrency: opt.Concurrency = None,
    timeout: opt.Timeout = None,
    output: opt.Output = None,
) -> None:
    """Show one job in full, trying every kind, account and region at once.

    Exit codes: 0 found; 1 no such job where it looked; 2 bad usage (no AWS call made);
    3 not found, and some places could not be searched; 4 nothing could be searched.
    """
    app_state = state(ctx)
    with reported(app_state):
        if not _JOB_ID.match(job_id):
            raise UsageError(f"JOB_ID: {job_id!r} is not a job id")
        kinds = parse_kinds(kind or [])
        fmt = parse_output(output, ctx)
        where = where_from(app_state, ctx.params)
        connector, plan = connect(app_state, where)
        from backupctl.aws.backup_jobs import BackupReader

        reader = BackupReader(connector)
        tries = [(t, k) for t in describe_targets(plan) for k in kinds]
        results = gather(
            lambda tk: reader.describe(tk[0], tk[1], job_id),
            tries,
            concurrency=where.concurrency,
            call_timeout=where.timeout,
        )
        found = [r for r in results if isinstance(r, JobDetail)]
        failures = [
            Failure(t, k, r)
            for (t, k), r in zip(tries, results, strict=True)
            if isinstance(r, BackupctlError)
        ]
        if found:
            with interrupts_held():
                render_detail(found[0], console=app_state.out_console(), fmt=fmt)
            return
        from backupctl.cli.execute import failure_lines

        for line in failure_lines(failures):
            app_state.warn(line)
        looked = _where_looked(describe_targets(plan), kinds)
        hint = ""
        if plan.access is Access.ORG_VIEW:
            hint = (
                "; the org view can describe only the caller's own jobs: "
                "pass --role to look in other accounts"
            )
        if failures:
            status = ExitStatus.PARTIAL if len(failures) < len(tries) else ExitStatus.UNREADABLE
            app_state.warn(
                f"no job {job_id} found in {looked}, but some places could not be searched{hint}"
            )
            raise typer.Exit(int(status))
        app_state.warn(f"no job {job_id} found in {looked}{hint}")
    raise typer.Exit(int(ExitStatus.FINDINGS))


def _where_looked(targets: Sequence[Target], kinds: tuple[Kind, ...]) -> str:
    accounts = sorted({t.account_id for t in targets})
    regions = sorted({t.region for t in targets})
    kinds_text = "/".join(k.value for k in kinds)
    return f"{kinds_text} jobs of account {', '.join(accounts)} in {', '.join(regions)}"
