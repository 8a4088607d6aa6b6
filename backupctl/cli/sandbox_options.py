"""The options of ``backupctl sandbox``: the data set, the faults and the gaps it serves."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

import typer

# The sandbox's own mode types, spelled out: importing them would import the sandbox (and
# botocore) for every --help; a test checks they agree.
RepeatMode = Literal["replay", "overlap", "token_returns"]
NotAJobMode = Literal["html", "truncated", "empty"]
EchoMode = Literal["http", "json", "escaped"]

_FAULTS = "Faults (account options take an account id or name, and repeat)"
_DATA = "Data set"
# Apart from the data set's options, whose help column then has room for the role's name.
_ORG_VIEW = "Who may read the whole organization (ByAccountId)"
_GAPS = "Gaps made on purpose, for report gaps (over the whole organization)"

Accounts = list[str] | None


def _data(help_: str, metavar: str = "N", **extra: Any) -> Any:
    return typer.Option(help=help_, rich_help_panel=_DATA, metavar=metavar, **extra)


def _fault(help_: str, metavar: str = "SECONDS", **extra: Any) -> Any:
    return typer.Option(help=help_, rich_help_panel=_FAULTS, metavar=metavar, **extra)


def _gap(help_: str) -> Any:
    return typer.Option(help=help_, rich_help_panel=_GAPS, min=0, metavar="N")


def _accounts(help_: str) -> Any:
    return typer.Option(help=help_, rich_help_panel=_FAULTS, metavar="ACCOUNT")


Seed = Annotated[int, _data("Seed of the data set.")]
Members = Annotated[int, _data("Member accounts.", min=0)]
Regions = Annotated[
    list[str] | None,
    _data(
        "A region holding data; repeatable (default: us-east-1 and eu-west-1).", metavar="REGION"
    ),
]
JobsPerRegion = Annotated[int, _data("About this many jobs per account and region.", min=0)]
RoleName = Annotated[str, _data("The role AssumeRole accepts.", metavar="NAME")]
ExternalId = Annotated[str | None, _data("The external id AssumeRole requires.", metavar="ID")]
DelegatedAdmin = Annotated[
    str | None,
    typer.Option(
        help="An account that may read the whole organization (a delegated administrator).",
        rich_help_panel=_ORG_VIEW,
        metavar="ACCOUNT",
    ),
]
NoMonitoring = Annotated[
    bool,
    typer.Option(
        "--no-cross-account-monitoring",
        help="ByAccountId may name no other account (cross-account monitoring off).",
        rich_help_panel=_ORG_VIEW,
    ),
]
LargeRecords = Annotated[
    bool,
    typer.Option(
        "--large-records",
        help="Records as large as AWS's get: status messages of thousands of characters, "
        "names and ARNs near their limits, 50-character vault names.",
        rich_help_panel=_DATA,
    ),
]
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
Port = Annotated[
    int,
    typer.Option(min=0, max=65535, metavar="PORT", help="Port on 127.0.0.1 (0: any free port)."),
]
Warm = Annotated[
    bool, typer.Option("--warm", help="Generate every job before printing the environment.")
]
Detach = Annotated[
    bool,
    typer.Option(
        "--detach",
        help="Serve in the background: print the exports and BACKUPCTL_SANDBOX_PID, and "
        'return (eval "$(backupctl sandbox --detach)"; kill $BACKUPCTL_SANDBOX_PID).',
    ),
]
Latency = Annotated[float, _fault("Seconds added to every request.", min=0.0)]
ThrottleRate = Annotated[
    float, _fault("Share of requests throttled.", metavar="SHARE", min=0.0, max=1.0)
]
ErrorRate = Annotated[
    float, _fault("Share of requests answered with a 5xx.", metavar="SHARE", min=0.0, max=1.0)
]
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
NoGaps = Annotated[
    bool, typer.Option("--no-gaps", help="Make none of the gaps above.", rich_help_panel=_GAPS)
]
OrgTokenExpiresAfter = Annotated[
    int | None,
    _fault("Organizations refuses the NextToken after N pages.", metavar="N", min=1),
]
RepeatingPages = Annotated[
    Accounts, _accounts("The List calls for this account serve jobs already sent.")
]
RepeatingPagesMode = Annotated[
    RepeatMode,
    _fault(
        "How --repeating-pages repeats: each page again under a new NextToken (replay), "
        "pages that start before the last one ended (overlap), or the first NextToken "
        "handed back after the last page (token_returns).",
        metavar="|".join(get_args(RepeatMode)),
    ),
]
WrongTypes = Annotated[
    Accounts, _accounts("One job in five of this account has a member of the wrong JSON type.")
]
NotAJob = Annotated[Accounts, _accounts("Describe calls for this account answer 200, not a job.")]
NotAJobModeOption = Annotated[
    NotAJobMode,
    _fault(
        "What --not-a-job answers: an HTML page, the job's JSON cut short, or {}.",
        "|".join(get_args(NotAJobMode)),
    ),
]
EchoRequest = Annotated[
    EchoMode | None,
    _fault(
        "Every error's Message carries the request as received, headers and body: as HTTP "
        "text, as JSON, or as JSON escaped once more.",
        metavar="|".join(get_args(EchoMode)),
    ),
]
SnsFailTopic = Annotated[
    list[str] | None,
    typer.Option(
        help="SNS Publish to this topic answers 500 (an ARN, or a name: everywhere).",
        rich_help_panel=_FAULTS,
        metavar="TOPIC",
    ),
]
