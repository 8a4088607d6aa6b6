"""Shared orchestration of the AWS commands: connect, resolve targets, fan out, tell what failed."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from backupctl.app.resolve import Plan, TargetOptions
from backupctl.cli.context import AppState
from backupctl.domain.errors import BackupctlError, ExitStatus, RegionNotEnabledError
from backupctl.domain.job import Job
from backupctl.domain.query import Query, split_values
from backupctl.engine.fanout import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, Failure, Outcome

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector


@dataclass(frozen=True, slots=True)
class Where:
    """The options that say where the calls go, validated."""

    targets: TargetOptions
    profile: str | None
    concurrency: int
    timeout: float = DEFAULT_TIMEOUT


def where_from(app: AppState, params: Mapping[str, Any]) -> Where:
    """The target options of a command (its ``ctx.params``), each from the command line, else
    the environment, else the config file, else the built-in default; validated, with
    ``@list`` accounts expanded."""
    account, ou, region = params.get("account"), params.get("ou"), params.get("region")
    role, external_id, profile = (
        params.get("role"),
        params.get("external_id"),
        params.get("profile"),
    )
    concurrency, timeout = params.get("concurrency"), params.get("timeout")
    config = app.config
    accounts: tuple[str, ...] = tuple(account or ()) or (() if ou else config.accounts)
    accounts = config.expand_accounts(split_values(accounts)) if accounts else ()
    regions = tuple(region or ())
    if not regions and not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        regions = config.regions
    if profile is None and not os.environ.get("AWS_PROFILE"):
        profile = config.profile
    targets = TargetOptions(
        accounts,
        ou,
        regions,
        role if role is not None else config.role,
        external_id if external_id is not None else config.external_id,
    )
    return Where(
        targets.validate(),
        profile,
        concurrency or config.concurrency or DEFAULT_CONCURRENCY,
        timeout or DEFAULT_TIMEOUT,
    )


def connect(
    app: AppState, where: Where, *, list_org: bool = False, stream: bool = False
) -> tuple[Connector, Plan]:
    """A connector and the resolved targets (STS and, for --account all/--ou, Organizations).

    With ``stream``, accounts Organizations lists after its first page are left for
    ``fan_out`` to read while it reads the first ones.
    """
    from backupctl.app.resolve import resolve
    from backupctl.aws.sessions import Connector

    explicit_region = where.targets.regions[0] if len(where.targets.regions) == 1 else None
    if explicit_region is not None and explicit_region.lower() == "all":
        explicit_region = None
    settings = app.aws_settings(where.profile, explicit_region, where.concurrency, where.timeout)
    connector = Connector(settings, where.targets.role, where.targets.external_id)
    return connector, resolve(connector, where.targets, list_org=list_org, stream=stream)


def fan_out(
    app: AppState,
    connector: Connector,
    plan: Plan,
    query: Query,
    on_page: Callable[[Sequence[Job]], None],
    where: Where,
) -> Outcome:
    """Every listing of ``query`` on every target of ``plan``, those of its pending accounts
    included as Organizations lists them; Ctrl-C stops new calls at once."""
    from backupctl.aws.backup_jobs import PAGE_SIZE, BackupReader
    from backupctl.cli.progress import ProgressLine
    from backupctl.engine import fanout
    from backupctl.engine.windows import plan_windows

    listings = query.listings()
    work = fanout.plan_work(plan.targets, listings)
    more = None
    if plan.pending is not None:
        more = (fanout.plan_work(targets, listings) for targets in plan.more_targets())
    cancel = threading.Event()
    progress = ProgressLine(app) if app.stderr_is_terminal else None
    try:
        return fanout.run(
            BackupReader(connector),
            work,
            on_page,
            concurrency=where.concurrency,
            limit=query.limit,
            progress=progress.update if progress else None,
            cancel=cancel,
            call_timeout=where.timeout,
            split=partial(plan_windows, page_size=PAGE_SIZE, now=app.clock()),
            more=more,
        )
    finally:
        cancel.set()
        if progress:
            progress.close()


def real_failures(plan: Plan, outcome: Outcome) -> tuple[list[Failure], list[str]]:
    """The failures that count, and the regions skipped because they are not enabled.

    With ``--region all`` a region the account has not enabled is expected, not an error.
    """
    skipped: set[str] = set()
    failures: list[Failure] = []
    for failure in outcome.failures:
        if plan.all_regions and isinstance(failure.error, RegionNotEnabledError):
            skipped.add(failure.target.region)
        else:
            failures.append(failure)
    return failures, sorted(skipped)


def report_failures(app: AppState, plan: Plan, outcome: Outcome) -> ExitStatus:
    """Name each failed target once on stderr; the exit status the failures call for."""
    failures, skipped = real_failures(plan, outcome)
    if skipped:
        app.warn("skipped regions not enabled for the account: " + ", ".join(skipped))
    for line in failure_lines(failures):
        app.warn(line)
    if outcome.unfound is not None:
        app.warn(f"{_unfound_line(outcome.unfound)}; only the {len(plan.accounts)} "
                 "accounts listed before that were read")  # fmt: skip
    elif not failures:
        return ExitStatus.OK
    read_in_full = outcome.done - len(outcome.failures)
    return ExitStatus.PARTIAL if read_in_full > 0 else ExitStatus.UNREADABLE


def _unfound_line(error: BackupctlError) -> str:
    """Why the accounts could not all be listed."""
    doing = getattr(error, "doing", "") or "listing the accounts"
    return f"could not finish {doing}: {getattr(error, 'reason', str(error))}"


def failure_lines(failures: Sequence[Failure]) -> list[str]:
    """One line per account and kind of error, naming the regions and kinds it covers.

    Calls of one account fail alike (a denied role, a refused permission), so grouping by
    the error's code names each failed target once; the first failure's words are shown.
    """
    groups: dict[tuple[str, str], list[Failure]] = {}
    for failure in failures:
        code = getattr(failure.error, "code", None) or type(failure.error).__name__
        groups.setdefault((failure.target.account_id, code), []).append(failure)
    lines = []
    for (account, _), group in sorted(groups.items()):
        who = "all accounts" if account == "*" else f"account {account}"
        regions = ", ".join(sorted({f.target.region for f in group}))
        kinds = {f.kind.value for f in group}
        kinds_text = ", ".join(k for k in ("backup", "copy", "restore") if k in kinds)
        reason = getattr(group[0].error, "reason", str(group[0].error))
        read = sum(f.jobs_read for f in group)
        partial = f"; {read} jobs read before the failure were printed" if read else ""
        lines.append(f"could not read {who} in {regions} ({kinds_text} jobs): {reason}{partial}")
    return lines
