"""The options commands share, defined once: where the calls go, which jobs, and output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backupctl.cli import completers as complete

_WHERE = "Where the calls go"
_WHICH = "Which jobs"
_OUTPUT = "Output"

Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="NAME",
        help="AWS profile (default: AWS_PROFILE, else the SDK's chain).",
        rich_help_panel=_WHERE,
    ),
]
Region = Annotated[
    list[str] | None,
    typer.Option(
        "--region",
        metavar="REGION",
        help="Region; repeat or comma-separate; 'all' = every region with AWS Backup that "
        "the account has enabled (default: AWS_REGION, else AWS_DEFAULT_REGION, else the "
        "profile's).",
        autocompletion=complete.regions,
        rich_help_panel=_WHERE,
    ),
]
Account = Annotated[
    list[str] | None,
    typer.Option(
        "--account",
        metavar="ID",
        help="Account id or @list; repeat or comma-separate; 'all' = every ACTIVE account of "
        "the organization (default: the caller's own account).",
        autocompletion=complete.accounts,
        rich_help_panel=_WHERE,
    ),
]
Ou = Annotated[
    str | None,
    typer.Option(
        "--ou",
        metavar="OU_ID",
        help="The accounts under this OU (recursively).",
        rich_help_panel=_WHERE,
    ),
]
Role = Annotated[
    str | None,
    typer.Option(
        "--role",
        metavar="ROLE",
        help="Assume this role (a name, or an ARN template with {account}) in each account. "
        "Without it: the org view, ByAccountId from the caller's account.",
        rich_help_panel=_WHERE,
    ),
]
ExternalId = Annotated[
    str | None,
    typer.Option(
        "--external-id", metavar="ID", help="ExternalId for --role.", rich_help_panel=_WHERE
    ),
]
Concurrency = Annotated[
    str | None,
    typer.Option(
        "--concurrency",
        metavar="N",
        help="Calls in flight at once, 1 to 256 (default 32).",
        rich_help_panel=_WHERE,
    ),
]
Timeout = Annotated[
    str | None,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        help="Give up on an API call (retries included) after this long (default 120).",
        rich_help_panel=_WHERE,
    ),
]

Kind = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="backup, copy or restore; repeat or comma-separate (default: all three).",
        autocompletion=complete.kinds,
        rich_help_panel=_WHICH,
    ),
]
State = Annotated[
    list[str] | None,
    typer.Option(
        "--state",
        metavar="STATE",
        help="Job state (any case); repeat or comma-separate. A kind without that state is "
        "not queried.",
        autocompletion=complete.states,
        rich_help_panel=_WHICH,
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="Created at or after: ISO 8601 (UTC unless an offset is given), 90m, 24h, 7d, "
        "2w, or now.",
        rich_help_panel=_WHICH,
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="WHEN",
        help="Created before: the same forms as --since (default: now).",
        rich_help_panel=_WHICH,
    ),
]
ResourceType = Annotated[
    str | None,
    typer.Option(
        "--resource-type",
        metavar="TYPE",
        help="EC2, EBS, RDS, DynamoDB, EFS, S3, ... (any case).",
        rich_help_panel=_WHICH,
    ),
]
ResourceArn = Annotated[
    str | None,
    typer.Option(
        "--resource-arn", metavar="ARN", help="Only jobs of this resource.", rich_help_panel=_WHICH
    ),
]
Vault = Annotated[
    str | None,
    typer.Option(
        "--vault",
        metavar="NAME",
        help="Backup vault name (copy jobs: the source vault).",
        rich_help_panel=_WHICH,
    ),
]
Limit = Annotated[
    str | None,
    typer.Option(
        "--limit", metavar="N", help="At most N jobs, the newest.", rich_help_panel=_WHICH
    ),
]

Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FORMAT",
        help="table, json, ndjson, csv or text (default: BACKUPCTL_OUTPUT, else the config "
        "file's, else table).",
        autocompletion=complete.outputs,
        rich_help_panel=_OUTPUT,
    ),
]
Fields = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="FIELDS",
        help="Fields to show, in order: a,b,c (field names or table headers, any case; "
        "default: all).",
        rich_help_panel=_OUTPUT,
    ),
]
Query = Annotated[
    str | None,
    typer.Option(
        "--query",
        metavar="EXPR",
        help="JMESPath over the JSON form, as in the AWS CLI: with -o json and -o text the "
        "whole array, with -o ndjson each record.",
        rich_help_panel=_OUTPUT,
    ),
]
Header = Annotated[
    bool,
    typer.Option(
        "--header", help="With -o text: the field names on a first line.", rich_help_panel=_OUTPUT
    ),
]
ReportQuery = Annotated[
    str | None,
    typer.Option(
        "--query",
        metavar="EXPR",
        help="With -o json: JMESPath over the report object, as in the AWS CLI.",
        rich_help_panel=_OUTPUT,
    ),
]
ReportOutput = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        metavar="FORMAT",
        help="text, markdown or json (default: text).",
        show_default=False,
        rich_help_panel=_OUTPUT,
        autocompletion=complete.report_outputs,
    ),
]

_HISTORY = "History"

History = Annotated[
    bool,
    typer.Option(
        "--history",
        help="Read the local history store (kept by 'backupctl history sync') instead of AWS: "
        "no AWS call, and no 30-day limit on --since.",
        rich_help_panel=_HISTORY,
    ),
]
Db = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="The history store (default: history_db in the config file, else "
        "$XDG_DATA_HOME/backupctl/history.sqlite).",
        dir_okay=False,
        rich_help_panel=_HISTORY,
    ),
]
