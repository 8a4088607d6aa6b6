"""One page of a listing: what it carries, and whether more pages follow it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a chain of List calls: its items (jobs, resources, ...) and whether
    more pages follow it."""

    items: Sequence[T]
    more: bool = False
