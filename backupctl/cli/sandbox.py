"""``backupctl sandbox``: serve a simulated AWS Organization on 127.0.0.1 until stopped."""

from __future__ import annotations

import shlex
import signal
import threading
import time
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from backupctl.cli.context import state
from backupctl.errors import ExitStatus

if TYPE_CHECKING:
    from backupctl.sandbox import Sandbox

_FAULTS = "Faults (account options take an account id or name, and repeat)"
_DATA = "Data set"
_LISTED_ACCOUNTS = 20  # past this, the description counts accounts instead of listing them

Accounts = list[str] | None


def _data(help_: str, **extra: Any) -> Any:
    return typer.Option(help=help_, rich_help_panel=_DATA, **extra)


def _fault(help_: str, **extra: Any) -> Any:
    return typer.Option(help=help_, rich_help_panel=_FAULTS, **extra)


def _accounts(help_: str) -> Any:
    return typer.Option(help=help_, rich_help_panel=_FAULTS, metavar="ACCOUNT")


Seed = Annotated[int, _data("Seed of the data set.")]
Members = Annotated[int, _data("Member accounts.", min=0)]
Regions = Annotated[
    list[str] | None,
    _data("A region holding data (repeatable). [default: us-east-1, eu-west-1]", metavar="REGION"),
]
JobsPerRegion = Annotated[int, _data("Jobs per account and region.", min=0)]
RoleName = Annotated[str, _data("The role AssumeRole accepts.")]
ExternalId = Annotated[str | None, _data("The external id AssumeRole requires.")]
DelegatedAdmin = Annotated[
    str | None, _data("An account that may read the whole organization.", metavar="ACCOUNT")
]
Monitoring = Annotated[bool, _data("Whether ByAccountId may name other accounts.")]
SnsTopics = Annotated[
    list[str] | None,
    _data(
        "An SNS topic name, in every active account and data region (repeatable; "
        "default: backup-alerts).",
        metavar="NAME",
    ),
]
AdvanceEvery = Annotated[
    float | None,
    _data(
        "Keep the organization in real time: every SECONDS, jobs run, end and appear as "
        "time has passed.",
        min=0.1,
        metavar="SECONDS",
    ),
]
Port = Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")]
Warm = Annotated[bool, typer.Option(help="Generate every job before printing the environment.")]
Latency = Annotated[float, _fault("Seconds added to every request.", min=0.0)]
ThrottleRate = Annotated[float, _fault("Share of requests throttled.", min=0.0, max=1.0)]
ErrorRate = Annotated[float, _fault("Share of requests answered with a 5xx.", min=0.0, max=1.0)]
CredentialTtl = Annotated[
    float | None, _fault("Seconds until assumed-role credentials expire.", min=0.0)
]
DenyAssumeRole = Annotated[Accounts, _accounts("AssumeRole into this account is refused.")]
DenyBackup = Annotated[Accounts, _accounts("Backup calls for this account are refused.")]
LoopingToken = Annotated[Accounts, _accounts("ListBackupJobs repeats its NextToken forever.")]
CyclingToken = Annotated[Accounts, _accounts("ListBackupJobs tokens cycle A, B, A.")]
Hang = Annotated[Accounts, _accounts("Backup calls for this account never answer.")]
OrgTokenExpiresAfter = Annotated[
    int | None, _fault("Organizations refuses the NextToken after this many pages.", min=1)
]
SnsFailTopic = Annotated[
    list[str] | None,
    typer.Option(
        help="SNS Publish to this topic answers 500 (an ARN, or a name: everywhere).",
        rich_help_panel=_FAULTS,
        metavar="TOPIC",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to the root app."""
    app.command("sandbox")(sandbox)


def sandbox(
    ctx: typer.Context,
    seed: Seed = 7,
    members: Members = 8,
    region: Regions = None,
    jobs_per_region: JobsPerRegion = 400,
    role_name: RoleName = "OrganizationAccountAccessRole",
    external_id: ExternalId = None,
    delegated_admin: DelegatedAdmin = None,
    cross_account_monitoring: Monitoring = True,
    sns_topic: SnsTopics = None,
    advance_every: AdvanceEvery = None,
    port: Port = 0,
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
    sns_fail_topic: SnsFailTopic = None,
) -> None:
    """Serve a simulated AWS Organization (Organizations, STS, AWS Backup, SNS) on 127.0.0.1.

    Prints the environment a shell needs on stdout, as export lines ready for eval.

    Describes the organization on stderr, and serves until Ctrl-C or SIGTERM.
    """
    from backupctl.sandbox import Faults, Sandbox, SandboxConfig

    app_state = state(ctx)

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
            cross_account_monitoring=cross_account_monitoring,
            sns_topics=tuple(sns_topic) if sns_topic else SandboxConfig().sns_topics,
            faults=faults,
            port=port,
        )
        server = Sandbox(config)
    except ValueError as error:
        app_state.warn(f"error: {error}")
        raise typer.Exit(int(ExitStatus.USAGE)) from None
    if warm:
        server.warm()
    try:
        server.start()
    except OSError as error:
        app_state.warn(f"error: cannot serve on {config.host}:{port}: {error.strerror or error}")
        raise typer.Exit(int(ExitStatus.UNREADABLE)) from None
    try:
        _print_env(server, app_state.stdout)
        _describe(server, advance_every, app_state.stderr)
        code = _serve_until_stopped(server, advance_every)
    finally:
        server.stop()
    raise typer.Exit(code)


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
        "account and region",
        f"  role {config.role_name}"
        + (f" (external id required: {config.external_id})" if config.external_id else ""),
    ]
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
    active = {
        name: value
        for name, value in vars(faults).items()
        if name != "seed" and value not in (0.0, None, frozenset())
    }
    if active:
        described = ", ".join(
            f"{name}={','.join(sorted(value)) if isinstance(value, frozenset) else value}"
            for name, value in active.items()
        )
        lines.append(f"  faults: {described}")
    lines.append("Stop with Ctrl-C.")
    err.write("\n".join(lines) + "\n")
    err.flush()


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
