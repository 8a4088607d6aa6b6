"""The resources an account backs up: their types, names, ARNs, sizes and backup durations."""

from __future__ import annotations

import random
from dataclasses import dataclass

from backupctl.sandbox import large_records
from backupctl.sandbox.ids import hex_id

_GIB = 1024**3

# (resource type, weight, name templates, size range in GiB or None when AWS reports none,
#  duration range in minutes)
_CATALOG: tuple[tuple[str, int, tuple[str, ...], tuple[int, int] | None, tuple[int, int]], ...] = (
    ("EC2", 22, ("{b}-api-{n}", "{b}-worker-{n}", "{b}-batch-{n}"), (8, 500), (10, 60)),
    ("EBS", 18, ("{b}-data-vol-{n}", "{b}-logs-vol-{n}"), (20, 2000), (10, 45)),
    ("RDS", 15, ("{b}-db", "{b}-reporting-db", "{b}-db-{n}"), (0, 0), (5, 30)),
    ("Aurora", 8, ("{b}-aurora", "{b}-aurora-{n}"), None, (5, 20)),
    ("DynamoDB", 13, ("{b}-orders", "{b}-sessions", "{b}-events-{n}"), (0, 50), (1, 5)),
    ("EFS", 8, ("{b}-shared-fs", "{b}-home-{n}"), (1, 200), (10, 120)),
    ("S3", 10, ("{b}-assets-{a}-{r}", "{b}-exports-{a}-{r}"), (1, 500), (5, 90)),
    ("FSx", 6, ("{b}-fileshare", "{b}-fileshare-{n}"), None, (20, 90)),
)
_WEIGHTS = [entry[1] for entry in _CATALOG]


@dataclass(frozen=True)
class Resource:
    """A resource AWS Backup can back up."""

    type: str
    arn: str
    name: str
    size: int | None  # bytes AWS reports for a completed backup; None when it reports none
    minutes: tuple[int, int]


def resource_arn(kind: str, name: str, account: str, region: str, rng: random.Random) -> str:
    """The ARN of a resource of type ``kind`` (ids drawn from ``rng`` where AWS makes them)."""
    prefix = f"{region}:{account}"
    return {
        "EC2": f"arn:aws:ec2:{prefix}:instance/i-0{hex_id(rng, 16)}",
        "EBS": f"arn:aws:ec2:{prefix}:volume/vol-0{hex_id(rng, 16)}",
        "RDS": f"arn:aws:rds:{prefix}:db:{name}",
        "Aurora": f"arn:aws:rds:{prefix}:cluster:{name}",
        "DynamoDB": f"arn:aws:dynamodb:{prefix}:table/{name}",
        "EFS": f"arn:aws:elasticfilesystem:{prefix}:file-system/fs-0{hex_id(rng, 16)}",
        "S3": f"arn:aws:s3:::{name}",
        "FSx": f"arn:aws:fsx:{prefix}:file-system/fs-0{hex_id(rng, 16)}",
    }[kind]


class ResourceDrawer:
    """Draws the resources of one account in one region: every name and ARN unique."""

    def __init__(
        self,
        rng: random.Random,
        base: str,
        account: str,
        region: str,
        large: random.Random | None = None,
    ) -> None:
        """``large`` (a generator of its own, so the data set's draws do not change) makes
        every name as long as its type allows (``large_records``)."""
        self.rng = rng
        self.large = large
        self.base = base
        self.account = account
        self.region = region
        self._names: set[str] = set()
        self._arns: set[str] = set()

    def draw(self) -> Resource:
        """One more resource, of a type drawn by the catalog's weights."""
        rng = self.rng
        kind, _, templates, sizes, minutes = rng.choices(_CATALOG, _WEIGHTS)[0]
        number = len(self._names) + 1
        name = rng.choice(templates).format(b=self.base, n=number, a=self.account, r=self.region)
        while name in self._names:
            name = f"{name}-{number}"
        self._names.add(name)
        if self.large is not None:
            name = large_records.resource_name(kind, name, self.large)
        size = None if sizes is None else rng.randint(*sizes) * _GIB + rng.randrange(_GIB)
        if sizes == (0, 0):
            size = 0  # RDS instances report a backup size of 0, as AWS documents.
        arn = resource_arn(kind, name, self.account, self.region, rng)
        while arn in self._arns:  # an S3 bucket's ARN is its name: names are unique already
            arn = resource_arn(kind, name, self.account, self.region, rng)
        self._arns.add(arn)
        return Resource(kind, arn, name, size, minutes)

    def draw_many(self, count: int) -> list[Resource]:
        """``count`` more resources."""
        return [self.draw() for _ in range(count)]
