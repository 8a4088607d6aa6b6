"""What a fan-out is given: chains of calls to read (``Work``), where their pages come from,
and how a long listing may be split; the types the engine and its callers share."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from backupctl.domain.outcome import Outcome
from backupctl.domain.page import Encoded, Page
from backupctl.domain.targets import Target

L = TypeVar("L")  # what one chain reads
T = TypeVar("T")  # what its pages carry
L_contra = TypeVar("L_contra", contravariant=True)

Items = Sequence[T] | Encoded[T]


def decoded(items: Items[T]) -> Sequence[T]:
    """A page's items, decoded if they are still the compact body."""
    return items.decode() if isinstance(items, Encoded) else items


def weight(page: Page[T] | None) -> int:
    """The bytes a page holds while it waits: its body's, if it is still encoded."""
    items = page.items if page is not None else None
    return items.size if isinstance(items, Encoded) else 0


Key = Callable[[T], Hashable | None]  # an item's identity; None: never a repeat


class PageSource(Protocol[L_contra, T]):
    """Where pages come from: ``aws.backup_jobs.BackupReader`` for jobs."""

    def pages(self, target: Target, listing: L_contra) -> Iterator[Page[T]]: ...


@dataclass(frozen=True, slots=True)
class Work(Generic[L]):
    """One chain of List calls; ``root``: the chain whose listing this one reads a part of
    (a window of a split listing), so the two drop each other's repeats."""

    target: Target
    listing: L
    root: int | None = None


def plan_work(targets: Sequence[Target], listings: Sequence[L]) -> list[Work[L]]:
    """Every listing of every target, ordered so that neighbouring units are different
    accounts: the first calls of an account wait for its AssumeRole, and spread over the
    workers they wait side by side instead of one account's listings queuing behind it."""
    by_region = sorted(targets, key=lambda target: target.region)  # stable: accounts stay
    return [Work(target, listing) for listing in listings for target in by_region]


@dataclass(frozen=True, slots=True)
class Splitter(Generic[L, T]):
    """How a long listing may be split. ``sample`` keeps, of each of a chain's first pages,
    the creation times that planning needs, as the page arrives: the page itself is written
    and let go meanwhile, so a chain waiting for its next page holds none of the budget.
    ``plan``, given the listing, those samples (more pages follow) and the seconds the last
    page took, gives the listings of the parts to read the rest with (None: keep to the one
    chain)."""

    sample: Callable[[Items[T]], list[datetime]]
    plan: Callable[[L, list[list[datetime]], float], Sequence[L] | None]


# A chain is considered for a split at its second page: the first call's time includes
# setting up the connection, and every chain starts at once.
SPLIT_AT_PAGE = 2

Progress = Callable[[Outcome[L]], None]
