"""What a fan-out read, and what it could not: the failure and outcome types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from backupctl.domain.errors import BackupctlError
from backupctl.domain.job import Kind
from backupctl.domain.targets import Target

L = TypeVar("L")  # what one chain reads: a ``Listing`` for jobs


class Chain(Protocol):
    """What a chain reads, as a failure names it: a kind of job (a ``Listing``), or, with
    ``kind`` None, something else that ``str`` names ("protected resources")."""

    @property
    def kind(self) -> Kind | None:
        """The kind of job the chain lists; None when it lists no jobs."""


@dataclass(frozen=True, slots=True)
class Failure(Generic[L]):
    """A chain that could not be read to its end; ``read`` items were read before."""

    target: Target
    listing: L
    error: BackupctlError
    read: int = 0


@dataclass(slots=True)
class Outcome(Generic[L]):
    """What a fan-out read, and what it could not.

    ``finding`` while more work may still be found (the accounts of an organization, as
    they are listed), so ``total`` may grow; ``unfound`` is why finding stopped short: the
    chains found before it were read, but some that exist were never known.
    """

    total: int
    items: int = 0
    done: int = 0
    failures: list[Failure[L]] = field(default_factory=list)
    finding: bool = False
    unfound: BackupctlError | None = None
