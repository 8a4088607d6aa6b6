"""botocore's service models and endpoint data, read once, for the wire formats.

The sandbox never hard-codes which members an output has: it projects its full job records
onto the model's shapes, so a botocore upgrade that adds or drops a member is followed.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import botocore

_DATA = Path(botocore.__file__).parent / "data"

SERVICE_MODELS = {
    "backup": "backup/2018-11-15",
    "sts": "sts/2011-06-15",
    "organizations": "organizations/2016-11-28",
    "account": "account/2021-02-01",
}


@cache
def service_model(service: str) -> dict[str, Any]:
    """The parsed ``service-2.json`` of ``service`` (backup, sts, organizations or account)."""
    path = _DATA / SERVICE_MODELS[service] / "service-2.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        model: dict[str, Any] = json.load(handle)
    return model


@cache
def shape_members(service: str, shape: str) -> tuple[str, ...]:
    """The member names of a structure shape, in the model's order."""
    return tuple(service_model(service)["shapes"][shape]["members"])


@cache
def enum_values(service: str, shape: str) -> frozenset[str]:
    """The values of an enum string shape."""
    return frozenset(service_model(service)["shapes"][shape]["enum"])


@cache
def _endpoints() -> dict[str, Any]:
    with (_DATA / "endpoints.json").open(encoding="utf-8") as handle:
        endpoints: dict[str, Any] = json.load(handle)
    return endpoints


@cache
def partition_regions(region: str) -> tuple[str, ...]:
    """Every region of the partition that holds ``region``, sorted (what ListRegions lists)."""
    for partition in _endpoints()["partitions"]:
        if region in partition["regions"]:
            return tuple(sorted(partition["regions"]))
    return (region,)


@cache
def backup_regions() -> frozenset[str]:
    """Every region, in every partition, where botocore knows an AWS Backup endpoint."""
    regions: set[str] = set()
    for partition in _endpoints()["partitions"]:
        service = partition["services"].get("backup", {})
        regions.update(
            name
            for name, endpoint in service.get("endpoints", {}).items()
            if not endpoint.get("deprecated") and "fips" not in name
        )
    return frozenset(regions)
