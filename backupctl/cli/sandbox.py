"""``backupctl sandbox``: serve a simulated AWS Organization on 127.0.0.1 until stopped."""

from __future__ import annotations

import shlex
import signal
import threading
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from backupctl.cli.context import state
from backupctl.errors import ExitStatus

if TYPE_CHECKING:
    from backupctl.sandbox import Sandbox

_FAULTS = "Faults (account options take an account id or name, and repeat)"
_DATA = "Data set"
_GAPS = "Gaps made on purpose, for report gaps (over the whole organization)"
_LISTED_ACCOUNTS = 20  # past this, the description counts accounts instead of listing them

Accounts = list[str] | None


def _data(help_: str, **extra: Any) -> Any:
    return typer.Option(help=help_, rich_help_panel=_DATA, **extra)


def _fault(help_: str, **extra: Any) -> Any:
    return typer.Option(help=help_, rich_help_panel=_FAULTS, **extra)


def _gap(help_: str) -> Any:
    return typer.Option(help=help_, rich_help_panel=_GAPS, min=0)


def _accounts(help_: str) -> Any:
    return typer.Option(help=help_, rich_help_panel=_FAULTS, metavar="ACCOUNT")


Seed = Annotated[int, _data("Seed of the data set.")]
Members = Annotated[int, _data("Member accounts.", min=0)]
Regions = Annotated[
    list[str] | None,
    _data("A region holding data (repeatable). [default: us-east-1, eu-west-1]", metavar="REGION"),
]
JobsPerRegion = Annotated[int, _data("About this many jobs per account and region.", min=0)]
RoleName = Annotated[str, _data("The role AssumeRole accepts.")]
ExternalId = Annotated[str | None, _data("The external id AssumeRole requires.")]
DelegatedAdmin = Annotated[
    str | None, _data("An account that may read the whole organization.", metavar="ACCOUNT")
]
Monitoring = Annotated[bool, _data("Whether ByAccountId may name other accounts.")]
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
StoppedResources = Annotated[int, _gap("Resources whose backups stop inside the 30 days.")]
StoppedLongAgo = Annotated[
    int, _gap("Resources whose backups stopped before the 30 days (ListProtectedResources only).")
]
MissingCopies = Annotated[int, _gap("Completed backups whose copy to one destination never ran.")]
FailedCopies = Annotated[int, _gap("Copies that end FAILED (a composite's: PARTIAL).")]
FailingResources = Annotated[
    int, _gap("Resources whose backups fail from some moment on: failures, not gaps.")
]
Gaps = Annotated[
    bool, typer.Option(help="Make the gaps above; --no-gaps makes none.", rich_help_panel=_GAPS)
]
OrgTokenExpiresAfter = Annotated[
    int | None, _fault("Organizations refuses the NextToken after this many pages.", min=1)
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
    stopped_resources: StoppedResources = 3,
    stopped_long_ago: StoppedLongAgo = 2,
    missing_copies: MissingCopies = 4,
    failed_copies: FailedCopies = 4,
    failing_resources: FailingResources = 3,
    gaps: Gaps = True,
) -> None:
    """Serve a simulated AWS Organization (Organizations, STS, AWS Backup) on 127.0.0.1.

    Prints the environment a shell needs on stdout, as export lines ready for eval.

    Describes the organization on stderr, and serves until Ctrl-C or SIGTERM.

    AWS Backup serves 30 days of backup, copy and restore jobs (List, Describe) made by
    each account's backup plans on their schedules; the plans, their versions and
    selections (ListBackupPlans, GetBackupPlan, ListBackupPlanVersions,
    ListBackupSelections, GetBackupSelection); ListProtectedResources and
    DescribeRecoveryPoint. Some resources stop being backed up and some copies never run
    or fail, on purpose, for report gaps.
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
            faults=faults,
            port=port,
            stopped_resources=stopped_resources if gaps else 0,
            stopped_long_ago=stopped_long_ago if gaps else 0,
            missing_copies=missing_copies if gaps else 0,
            failed_copies=failed_copies if gaps else 0,
            failing_resources=failing_resources if gaps else 0,
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
        _describe(server, app_state.stderr)
        code = _serve_until_stopped()
    finally:
        server.stop()
    raise typer.Exit(code)


def _print_env(server: Sandbox, out: TextIO) -> None:
    for name, value in server.env().items():
        out.write(f"export {name}={shlex.quote(value)}\n")
    out.flush()


def _describe(server: Sandbox, err: TextIO) -> None:
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
    stopped = config.stopped_resources + config.stopped_long_ago
    if stopped or config.missing_copies or config.failed_copies or config.failing_resources:
        lines.append(
            f"  gaps on purpose: {stopped} resources stopped ({config.stopped_long_ago} before "
            f"the 30 days), {config.missing_copies} copies missing, {config.failed_copies} "
            f"failed; {config.failing_resources} resources failing (not gaps)"
        )
    if len(members) <= _LISTED_ACCOUNTS:
        lines += [f"    {acct.id}  {acct.name:<20} {acct.status}" for acct in members]
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


def _serve_until_stopped() -> int:
    """Block until SIGTERM (exit 0) or Ctrl-C (exit 130)."""
    stopped = threading.Event()
    code = [int(ExitStatus.OK)]

    def on_signal(signum: int, frame: object) -> None:
        code[0] = int(ExitStatus.INTERRUPTED if signum == signal.SIGINT else ExitStatus.OK)
        stopped.set()

    if threading.current_thread() is not threading.main_thread():
        stopped.wait()  # signals reach only the main thread; the caller ends the process
        return code[0]
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopped.wait(0.2):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code[0]
