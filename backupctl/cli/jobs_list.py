"""``backupctl jobs list``: jobs of all three kinds over the chosen accounts and regions."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import datetime

import typer

from backupctl.cli import options as opt
from backupctl.cli.context import reported, state
from backupctl.cli.execute import connect, fan_out, report_failures, where_from
from backupctl.cli.signals import WholeLines
from backupctl.domain.errors import ExitStatus, UsageError
from backupctl.domain.job import Job
from backupctl.domain.query import Query, parse_kinds, parse_resource_type, parse_states, parse_when
from backupctl.output import JobWriter, OutputFormat, make_writer, validate_fields

app = typer.Typer(help="List AWS Backup jobs.", no_args_is_help=True)


def parse_output(value: str | None, ctx: typer.Context | None = None) -> OutputFormat:
    """``-o`` value, any case (else the config file's, else table); UsageError if not a format.

    With ``ctx``, an error names BACKUPCTL_OUTPUT or the config file when that is where
    the value came from.
    """
    config = state(ctx).config if ctx is not None else None
    if value is None:
        value = (config.output if config else None) or "table"
        if config and config.output:
            try:
                return OutputFormat(value.strip().lower())
            except ValueError:
                raise UsageError(f"{config.path}: output {value!r} is not a format") from None
    try:
        return OutputFormat(value.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in OutputFormat)
        source = ctx.get_parameter_source("output") if ctx is not None else None
        name = "BACKUPCTL_OUTPUT" if getattr(source, "name", "") == "ENVIRONMENT" else "--output"
        raise UsageError(f"{name}: unknown format {value!r}; valid: {valid}") from None


def parse_fields(value: str | None) -> tuple[str, ...] | None:
    """``--fields`` value; UsageError when a name is unknown."""
    if value is None:
        return None
    try:
        return validate_fields(value)
    except ValueError as error:
        raise UsageError(str(error)) from None


def build_query(
    kind: list[str] | None,
    state_: list[str] | None,
    since: str | None,
    until: str | None,
    resource_type: str | None,
    resource_arn: str | None,
    vault: str | None,
    limit: int | None,
    now: datetime,
) -> Query:
    """The validated Query for these options (UsageError on the first bad value)."""
    return Query(
        kinds=parse_kinds(kind or []),
        states=parse_states(state_ or []),
        since=parse_when(since, now, option="--since") if since is not None else None,
        until=parse_when(until, now, option="--until") if until is not None else None,
        resource_type=parse_resource_type(resource_type),
        resource_arn=resource_arn,
        vault=vault,
        limit=limit,
    )


def _newest_first(job: Job) -> tuple[float, str]:
    created = job.created_at.timestamp() if job.created_at else float("-inf")
    return (-created, job.job_id)


class _Newest:
    """Keeps the ``limit`` newest jobs, then hands them to the real writer at close."""

    def __init__(self, writer: JobWriter, limit: int) -> None:
        self._writer = writer
        self._limit = limit
        self._kept: list[Job] = []

    def write(self, jobs: Sequence[Job]) -> None:
        self._kept.extend(jobs)
        if len(self._kept) > 4 * self._limit:  # prune now and then: memory stays O(limit)
            self._kept = heapq.nsmallest(self._limit, self._kept, key=_newest_first)

    def close(self) -> None:
        self._writer.write(heapq.nsmallest(self._limit, self._kept, key=_newest_first))
        self._writer.close()


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    kind: opt.Kind = None,
    state_: opt.State = None,
    since: opt.Since = None,
    until: opt.Until = None,
    resource_type: opt.ResourceType = None,
    resource_arn: opt.ResourceArn = None,
    vault: opt.Vault = None,
    limit: opt.Limit = None,
    account: opt.Account = None,
    ou: opt.Ou = None,
    region: opt.Region = None,
    role: opt.Role = None,
    external_id: opt.ExternalId = None,
    profile: opt.Profile = None,
    concurrency: opt.Concurrency = None,
    timeout: opt.Timeout = None,
    output: opt.Output = None,
    fields: opt.Fields = None,
) -> None:
    """List backup, copy and restore jobs, newest first, over every chosen account and region.

    Exit codes: 0 done; 2 bad usage (no AWS call made); 3 some targets could not be read
    (the others' jobs are printed, each failure is named on stderr); 4 nothing could be
    read; 130 interrupted.
    """
    app_state = state(ctx)
    with reported(app_state):
        now = app_state.clock()
        query = build_query(
            kind, state_, since, until, resource_type, resource_arn, vault, limit, now
        )
        fmt = parse_output(output, ctx)
        chosen_fields = parse_fields(fields)
        where = where_from(app_state, ctx.params)
        connector, plan = connect(app_state, where, stream=True)
        writer: JobWriter = make_writer(
            fmt,
            stream=app_state.stdout,
            console=app_state.out_console(),
            fields=chosen_fields,
            now=now,
        )
        if query.limit is not None:
            writer = _Newest(writer, query.limit)
        writer = WholeLines(writer)
        outcome = fan_out(app_state, connector, plan, query, writer.write, where)
        writer.close()
        status = report_failures(app_state, plan, outcome)
    if status is not ExitStatus.OK:
        raise typer.Exit(int(status))
