"""The Amazon SNS topics of the simulated organization: every name configured, in every
ACTIVE account and every region that holds data (by default ``backup-alerts``, e.g.
``arn:aws:sns:us-east-1:<management account>:backup-alerts``). Standard topics only."""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_TOPICS: tuple[str, ...] = ("backup-alerts",)
TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # a standard topic's name, as SNS allows
_TOPIC_ARN = re.compile(r"^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$")


def topic_arn(region: str, account_id: str, name: str) -> str:
    """The ARN of topic ``name`` of an account in a region."""
    return f"arn:aws:sns:{region}:{account_id}:{name}"


def parse_topic_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account id, name) of a well-formed topic ARN, else None."""
    match = _TOPIC_ARN.match(arn)
    return None if match is None else (match[1], match[2], match[3])


def topic_arns(
    accounts: Iterable[str], regions: Iterable[str], names: Iterable[str]
) -> frozenset[str]:
    """Every topic: each name in each account and region."""
    regions, names = tuple(regions), tuple(names)
    return frozenset(
        topic_arn(region, account, name)
        for account in accounts
        for region in regions
        for name in names
    )


def resolve_topics(refs: Iterable[str], topics: frozenset[str]) -> frozenset[str]:
    """Topic ARNs from ARNs or bare names (a name: that topic in every account and region);
    ValueError for one that names no topic."""
    resolved: set[str] = set()
    for ref in refs:
        found = (
            {ref} & topics
            if ref.startswith("arn:")
            else {arn for arn in topics if arn.rsplit(":", 1)[1] == ref}
        )
        if not found:
            raise ValueError(f"no SNS topic {ref!r} in the sandbox organization")
        resolved |= found
    return frozenset(resolved)
