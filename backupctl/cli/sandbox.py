"""``backupctl sandbox``: serve a simulated AWS Organization on 127.0.0.1 until stopped."""

from __future__ import annotations

import shlex
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

import typer

from backupctl.cli.environment import environment
from backupctl.cli.help_text import examples
from backupctl.cli.sandbox_options import (
    Accounts,
    AdvanceEvery,
    CredentialTtl,
    CyclingToken,
    DelegatedAdmin,
    DenyAssumeRole,
    DenyBackup,
    Detach,
    EchoRequest,
    ErrorRate,
    ExternalId,
    FailedCopies,
    FailingResources,
    Hang,
    JobsPerRegion,
    LargeRecords,
    Latency,
    LoopingToken,
    Members,
    MissingCopies,
    NoGaps,
    NoMonitoring,
    NotAJob,
    NotAJobModeOption,
    OrgTokenExpiresAfter,
    Port,
    Regions,
    RepeatingPages,
    RepeatingPagesMode,
    RoleName,
    Seed,
    SnsFailTopic,
    SnsTopics,
    StoppedLongAgo,
    StoppedResources,
    ThrottleRate,
    Warm,
    WrongTypes,
)
from backupctl.domain.errors import ExitStatus

if TYPE_CHECKING:
    from backupctl.sandbox import Faults, Sandbox


_LISTED_ACCOUNTS = 20  # past this, the description counts accounts instead of listing them
# A mode is described only when the accounts it applies to are set.
_MODE_ACCOUNTS = {
    "repeating_pages_mode": "repeating_pages_accounts",
    "not_a_job_mode": "not_a_job_accounts",
}


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to the root app."""
    app.command(
        "sandbox",
        epilog=examples(
            'eval "$(backupctl sandbox --port 4566 --detach)"',
            "backupctl sandbox --members 50 --latency 0.2 --deny-backup security",
            "backupctl --sandbox jobs list   # no server: one for this one run",
        ),
    )(sandbox)


def sandbox(
    ctx: typer.Context,
    seed: Seed = 7,
    members: Members = 8,
    region: Regions = None,
    jobs_per_region: JobsPerRegion = 400,
    role_name: RoleName = "OrganizationAccountAccessRole",
    external_id: ExternalId = None,
    delegated_admin: DelegatedAdmin = None,
    no_cross_account_monitoring: NoMonitoring = False,
    large_records: LargeRecords = False,
    sns_topic: SnsTopics = None,
    advance_every: AdvanceEvery = None,
    port: Port = 0,
    detach: Detach = False,
    warm: Warm = False,
    latency: Latency = 0.0,
    throttle_rate: ThrottleRate = 0.0,
    error_rate: ErrorRate = 0.0,
    deny_assume_role: DenyAssumeRole = None,
    deny_backup: DenyBackup = None,
    credential_ttl: CredentialTtl = None,
    looping_token: LoopingToken = None,
    cycling_token: CyclingToken = None,
    hang: Hang = None,
    org_token_expires_after: OrgTokenExpiresAfter = None,
    repeating_pages: RepeatingPages = None,
    repeating_pages_mode: RepeatingPagesMode = "replay",
    wrong_types: WrongTypes = None,
    not_a_job: NotAJob = None,
    not_a_job_mode: NotAJobModeOption = "html",
    echo_request_in_errors: EchoRequest = None,
    sns_fail_topic: SnsFailTopic = None,
    stopped_resources: StoppedResources = 3,
    stopped_long_ago: StoppedLongAgo = 2,
    missing_copies: MissingCopies = 4,
    failed_copies: FailedCopies = 4,
    failing_resources: FailingResources = 3,
    no_gaps: NoGaps = False,
) -> None:
    """Serve a simulated AWS Organization (Organizations, STS, Account, Backup, SNS) on 127.0.0.1.

    Prints the environment a shell needs on stdout, as export lines ready for eval.

    Describes the organization on stderr, and serves until Ctrl-C or SIGTERM; with
    --detach, serves in the background until SIGTERM and returns at once.

    AWS Backup serves 30 days of backup, copy and restore jobs (List, Describe) made by
    each account's backup plans on their schedules; the plans, their versions and
    selections (ListBackupPlans, GetBackupPlan, ListBackupPlanVersions,
    ListBackupSelections, GetBackupSelection); ListProtectedResources and
    DescribeRecoveryPoint. Some resources stop being backed up and some copies never run
    or fail, on purpose, for report gaps.
    """
    from backupctl.sandbox import Faults, Sandbox, SandboxConfig

    env = environment(ctx)

    def accounts(values: Accounts) -> frozenset[str]:
        return frozenset(values or ())

    try:
        faults = Faults(
            latency=latency,
            throttle_rate=throttle_rate,
            error_rate=error_rate,
            deny_assume_role=accounts(deny_assume_role),
            deny_backup=accounts(deny_backup),
            credential_ttl=credential_ttl,
            looping_token_accounts=accounts(looping_token),
            cycling_token_accounts=accounts(cycling_token),
            hang_accounts=accounts(hang),
            org_token_expires_after=org_token_expires_after,
            repeating_pages_accounts=accounts(repeating_pages),
            repeating_pages_mode=repeating_pages_mode,
            wrong_types_accounts=accounts(wrong_types),
            not_a_job_accounts=accounts(not_a_job),
            not_a_job_mode=not_a_job_mode,
            echo_request_in_errors=echo_request_in_errors,
            sns_fail_topics=frozenset(sns_fail_topic or ()),
        )
        config = SandboxConfig(
            seed=seed,
            members=members,
            regions=tuple(region) if region else SandboxConfig().regions,
            jobs_per_region=jobs_per_region,
            role_name=role_name,
            external_id=external_id,
            delegated_admin=delegated_admin,
            cross_account_monitoring=not no_cross_account_monitoring,
            large_records=large_records,
            sns_topics=tuple(sns_topic) if sns_topic else SandboxConfig().sns_topics,
            faults=faults,
            port=port,
            stopped_resources=stopped_resources if not no_gaps else 0,
            stopped_long_ago=stopped_long_ago if not no_gaps else 0,
            missing_copies=missing_copies if not no_gaps else 0,
            failed_copies=failed_copies if not no_gaps else 0,
            failing_resources=failing_resources if not no_gaps else 0,
        )
        server = Sandbox(config)
    except ValueError as error:
        env.warn(f"error: {error}")
        raise typer.Exit(int(ExitStatus.USAGE)) from None

    def serve(exports: TextIO, settled: Callable[[], None]) -> int:
        if warm:
            server.warm()
        try:
            server.start()
        except OSError as error:
            env.warn(f"error: cannot serve on {config.host}:{port}: {error.strerror or error}")
            return int(ExitStatus.UNREADABLE)
        try:
            _print_env(server, exports)
            settled()
            return _serve_until_stopped(server, advance_every)
        finally:
            server.stop()

    if detach:
        from backupctl.cli.detached import run_detached

        raise typer.Exit(run_detached(serve, env.stdout, env.stderr))
    raise typer.Exit(serve(env.stdout, lambda: _describe(server, advance_every, env.stderr)))


def _print_env(server: Sandbox, out: TextIO) -> None:
    for name, value in server.env().items():
        out.write(f"export {name}={shlex.quote(value)}\n")
    out.flush()


def _describe(server: Sandbox, advance_every: float | None, err: TextIO) -> None:
    """A few lines for the person who started it: what is served, and with which faults."""
    dataset, config = server.dataset, server.config
    management = dataset.account(dataset.management_account_id)
    members = [acct for acct in dataset.accounts if acct.id != dataset.management_account_id]
    suspended = sum(1 for acct in members if not acct.active)
    lines = [
        f"backupctl sandbox: a simulated AWS Organization on {server.endpoint_url}",
        f"  organization {dataset.organization.id}, management account "
        f"{dataset.management_account_id} ({management.name if management else '?'})",
        f"  {len(members)} members ({len(members) - suspended} active, {suspended} suspended); "
        f"regions {', '.join(dataset.regions)}; about {config.jobs_per_region} jobs per "
        "account and region" + (", large records" if config.large_records else ""),
        f"  role {config.role_name}"
        + (f" (external id required: {config.external_id})" if config.external_id else ""),
    ]
    stopped = config.stopped_resources + config.stopped_long_ago
    if stopped or config.missing_copies or config.failed_copies or config.failing_resources:
        lines.append(
            f"  gaps on purpose: {stopped} resources stopped ({config.stopped_long_ago} before "
            f"the 30 days), {config.missing_copies} copies missing, {config.failed_copies} "
            f"failed; {config.failing_resources} resources failing (not gaps)"
        )
    if len(members) <= _LISTED_ACCOUNTS:
        lines += [f"    {acct.id}  {acct.name:<20} {acct.status}" for acct in members]
    example = f"arn:aws:sns:{dataset.regions[0]}:{dataset.management_account_id}"
    lines.append(
        f"  SNS topics {', '.join(config.sns_topics)} in every active account and region, "
        f"e.g. {example}:{config.sns_topics[0]}"
    )
    if advance_every is not None:
        lines.append(f"  in real time: every {advance_every:g} s, jobs run, end and appear")
    faults = server.faults
    active = {name: value for name, value in vars(faults).items() if _in_force(faults, name)}
    if active:
        described = ", ".join(
            f"{name}={','.join(sorted(value)) if isinstance(value, frozenset) else value}"
            for name, value in active.items()
        )
        lines.append(f"  faults: {described}")
    lines.append("Stop with Ctrl-C.")
    err.write("\n".join(lines) + "\n")
    err.flush()


def _in_force(faults: Faults, name: str) -> bool:
    """Whether a field of ``faults`` is worth telling: a mode only with its accounts."""
    value = getattr(faults, name)
    if name == "seed" or value in (0.0, None, frozenset()):
        return False
    accounts = _MODE_ACCOUNTS.get(name)
    return accounts is None or bool(getattr(faults, accounts))


def _serve_until_stopped(server: Sandbox, advance_every: float | None) -> int:
    """Block until SIGTERM (exit 0) or Ctrl-C (exit 130); with ``advance_every``, move the
    organization forward by the time that passed, that often."""
    stopped = threading.Event()
    code = [int(ExitStatus.OK)]

    def on_signal(signum: int, frame: object) -> None:
        code[0] = int(ExitStatus.INTERRUPTED if signum == signal.SIGINT else ExitStatus.OK)
        stopped.set()

    # Signals reach only the main thread; elsewhere the caller ends the process.
    on_main = threading.current_thread() is threading.main_thread()
    signals = (signal.SIGINT, signal.SIGTERM) if on_main else ()
    previous = {sig: signal.signal(sig, on_signal) for sig in signals}
    last = time.monotonic()
    try:
        while not stopped.wait(min(0.2, advance_every or 0.2)):
            passed = time.monotonic() - last
            if advance_every is not None and passed >= advance_every:
                server.advance(passed)
                last += passed
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code[0]
