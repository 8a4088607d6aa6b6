"""Typed requests: where the calls go, and what a use case needs from outside.

The command line, the config file and the Python API all end in these frozen objects;
a use case reads nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from backupctl.domain.outcome import Outcome
from backupctl.domain.targets import TargetOptions
from backupctl.engine.fanout import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT

L = TypeVar("L")  # what the fan-out's chains read


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A fixed endpoint and keys (the built-in sandbox). Without one, botocore's own chain
    (profile, environment, ``AWS_ENDPOINT_URL*``) decides where calls go."""

    url: str
    region: str
    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True, slots=True)
class Where:
    """Where the calls go: the targets, how to reach them, and how hard to try."""

    targets: TargetOptions = field(default_factory=TargetOptions)
    profile: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    timeout: float = DEFAULT_TIMEOUT
    endpoint: Endpoint | None = None
    profile_origin: str = "--profile"  # where ``profile`` was named (the config file's)


class ProgressSink(Protocol):
    """Told how a fan-out is going; the CLI's is a status line on stderr."""

    def update(self, outcome: Outcome[L]) -> None:
        """The fan-out moved on."""

    def close(self) -> None:
        """The fan-out ended."""


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Hooks:
    """What a use case needs from outside: a progress sink (made when a fan-out starts) and
    a clock. Tests pin the clock; scripts usually leave both alone."""

    progress: Callable[[], ProgressSink] | None = None
    clock: Callable[[], datetime] = utc_now
