"""``backupctl report failures``: the cron summary, quiet when all is well."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from backupctl.app.resolve import Plan
from backupctl.cli import completers as complete
from backupctl.cli import options as opt
from backupctl.cli.context import AppState, reported, state
from backupctl.cli.execute import connect, fan_out, report_failures, where_from
from backupctl.cli.jobs_list import build_query
from backupctl.domain.errors import BackupctlError, ExitStatus, UsageError
from backupctl.domain.job import PROBLEM_STATES, Job, Kind
from backupctl.domain.problems import Summary, Unreadable, problem_of
from backupctl.domain.query import Query
from backupctl.engine.fanout import Failure
from backupctl.output.report import ReportFormat, render_report

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector
    from backupctl.local.report_state import ReportState

app = typer.Typer(help="Reports for people and for cron.", no_args_is_help=True)

ReportOutput = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        help="text, markdown or json.",
        rich_help_panel="Output",
        autocompletion=complete.report_outputs,
    ),
]


def _format(value: str) -> ReportFormat:
    try:
        return ReportFormat(value.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in ReportFormat)
        raise UsageError(f"--output: unknown report format {value!r}; valid: {valid}") from None


class _Collector:
    """Counts every job and keeps only the problems: memory grows with problems, not jobs."""

    def __init__(self, issues: bool) -> None:
        self.issues = issues
        self.seen = 0
        self.problems: list[Job] = []

    def write(self, jobs: Sequence[Job]) -> None:
        self.seen += len(jobs)
        self.problems.extend(j for j in jobs if problem_of(j, issues=self.issues))


def _unreadable(failures: list[Failure]) -> list[Unreadable]:
    by_target: dict[tuple[str, str], list[Failure]] = {}
    for failure in failures:
        by_target.setdefault((failure.target.account_id, failure.target.region), []).append(failure)
    out = []
    for (account, region), group in sorted(by_target.items()):
        kinds = tuple(k for k in Kind if any(f.kind is k for f in group))
        error = group[0].error
        out.append(
            Unreadable(
                account,
                region,
                kinds,
                getattr(error, "code", None),
                getattr(error, "reason", str(error)),
            )
        )
    return out


def _account_names(connector: Connector, plan: Plan) -> dict[str, str]:
    names = {a.account_id: a.name for a in plan.accounts if a.name}
    if names or not any(t.account_id == "*" for t in plan.targets):
        return names
    from backupctl.aws.org import organization_accounts

    try:  # names are a nicety: a caller who may not list the organization still gets a report
        return {a.account_id: a.name for a in organization_accounts(connector) if a.name}
    except BackupctlError:
        return {}


def _open_state(new: bool) -> ReportState | None:
    if not new:
        return None
    from backupctl.local.report_state import ReportState, state_dir

    return ReportState(state_dir())


@app.command("failures")
def failures(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            "--since", help="Created at or after (default 24h): ISO 8601 or 90m, 24h, 7d, 2w."
        ),
    ] = "24h",
    until: opt.Until = None,
    kind: opt.Kind = None,
    resource_type: opt.ResourceType = None,
    resource_arn: opt.ResourceArn = None,
    vault: opt.Vault = None,
    no_issues: Annotated[
        bool,
        typer.Option(
            "--no-issues", help="Leave out COMPLETED jobs with a message (completed with issues)."
        ),
    ] = False,
    new: Annotated[
        bool,
        typer.Option(
            "--new", help="Only problems no earlier --new run reported (state in $XDG_STATE_HOME)."
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say so when all is well.")
    ] = False,
    account: opt.Account = None,
    ou: opt.Ou = None,
    region: opt.Region = None,
    role: opt.Role = None,
    external_id: opt.ExternalId = None,
    profile: opt.Profile = None,
    concurrency: opt.Concurrency = None,
    timeout: opt.Timeout = None,
    output: ReportOutput = "text",
) -> None:
    """Summarize FAILED, ABORTED, EXPIRED and PARTIAL jobs, and COMPLETED jobs with issues.

    Prints nothing and exits 0 when there is nothing to report. Exit codes: 0 nothing to
    report; 1 problems found; 2 bad usage; 3 some targets could not be read (listed in the
    report; errors outrank findings); 4 nothing could be read; 5 another --new run holds
    the lock; 130 interrupted.
    """
    app_state = state(ctx)
    with reported(app_state):
        now = app_state.clock()
        query = build_query(kind, None, since, until, resource_type, resource_arn, vault, None, now)
        if no_issues:  # the service filters the problem states itself
            query = Query(query.kinds, tuple(sorted(PROBLEM_STATES)), query.since, query.until,
                          query.resource_type, query.resource_arn, query.vault)  # fmt: skip
        fmt = _format(output)
        where = where_from(app_state, ctx.params)
        store = _open_state(new)
        if store is not None:
            app_state.on_close(store.close)
        connector, plan = connect(app_state, where, stream=True)
        collector = _Collector(issues=not no_issues)
        outcome = fan_out(app_state, connector, plan, query, collector.write, where)
        status = report_failures(app_state, plan, outcome)
        from backupctl.cli.execute import real_failures

        summary = Summary(
            since=query.since,
            until=query.until,
            jobs_seen=collector.seen,
            problems=collector.problems,
            targets=len(plan.targets),
            unreadable=_unreadable(real_failures(plan, outcome)[0]),
            account_names=_account_names(connector, plan),
            issues_included=not no_issues,
        )
        if store is not None:
            _keep_new(summary, store)
        _print(app_state, summary, fmt, now, verbose)
        if store is not None:
            store.record([(j, problem_of(j) or "") for j in summary.problems], now)
    if status is not ExitStatus.OK:
        raise typer.Exit(int(status))
    if summary.problems:
        raise typer.Exit(int(ExitStatus.FINDINGS))


def _keep_new(summary: Summary, store: ReportState) -> None:
    keys = {(j.kind.value, j.job_id, problem_of(j) or ""): j for j in summary.problems}
    seen = store.seen(keys)
    summary.problems = [j for key, j in keys.items() if key not in seen]
    summary.already_reported = len(seen)


def _print(
    app_state: AppState, summary: Summary, fmt: ReportFormat, now: datetime, verbose: bool
) -> None:
    if summary.problems or summary.unreadable:
        render_report(summary, fmt, app_state.stdout, now)
    elif verbose:
        if fmt is ReportFormat.JSON:
            render_report(summary, fmt, app_state.stdout, now)
        else:
            from backupctl.output.report.common import header

            app_state.stdout.write(f"All clear: {header(summary, now)}\n")
            app_state.stdout.flush()
