"""Shell completion: the values each option offers, computed without importing boto3.

Completion runs the program for every Tab press, so these read only small local
data: the states and kinds backupctl knows, botocore's endpoint file (found, not
imported) for regions, and the config file for account lists and names.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import typer

from backupctl.domain.job import ALL_STATES, Kind

OUTPUTS = ("table", "json", "ndjson", "csv", "text")
REPORT_OUTPUTS = ("text", "markdown", "json")


def _matching(values: list[str] | tuple[str, ...], incomplete: str) -> list[str]:
    """The values that start with ``incomplete`` in any case, spelled in its case (these
    values are read in any case, and a shell keeps only answers that start with what was
    typed)."""
    matched = [v for v in values if v.lower().startswith(incomplete.lower())]
    if not incomplete:
        return matched
    # The rest in the case of the last letter typed: f -> failed, F -> FAILED, Fa -> Failed.
    case = str.lower if incomplete[-1].islower() else str.upper
    return [incomplete + case(v[len(incomplete) :]) for v in matched]


def kinds(incomplete: str) -> list[str]:
    """``--kind`` values."""
    return _matching([k.value for k in Kind], incomplete)


def states(incomplete: str) -> list[str]:
    """``--state`` values."""
    return _matching(ALL_STATES, incomplete)


def outputs(incomplete: str) -> list[str]:
    """``-o`` values of the job commands."""
    return _matching(OUTPUTS, incomplete)


def report_outputs(incomplete: str) -> list[str]:
    """``-o`` values of ``report failures``."""
    return _matching(REPORT_OUTPUTS, incomplete)


def backup_regions() -> list[str]:
    """Regions with AWS Backup in any partition, from botocore's endpoint data file."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "endpoints.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    regions: set[str] = set()
    for partition in data.get("partitions", ()):
        endpoints = partition.get("services", {}).get("backup", {}).get("endpoints", {})
        regions.update(r for r in endpoints if "fips" not in r and r[-1:].isdigit())
    return sorted(regions)


def regions(incomplete: str) -> list[str]:
    """``--region`` values: ``all`` and every region with AWS Backup (lower case only)."""
    return [r for r in ["all", *backup_regions()] if r.startswith(incomplete)]


def accounts(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """``--account`` values: ``all``, the config file's ``@lists`` and its named accounts."""
    from backupctl.domain.errors import UsageError
    from backupctl.local.config import load

    path = ctx.find_root().params.get("config")
    try:
        config = load(Path(path) if path else None)
    except UsageError:
        return []
    offered = [("all", "every ACTIVE account of the organization")]
    offered += [(f"@{name}", f"{len(ids)} accounts") for name, ids in sorted(config.lists.items())]
    offered += sorted(config.names.items())
    return [(value, help_) for value, help_ in offered if value.startswith(incomplete)]
