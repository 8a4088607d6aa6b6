"""One page of a listing: what it carries, and whether more pages follow it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Encoded(ABC, Generic[T_co]):
    """A page's items still in the service's encoding (the raw body of a List response):
    compact while the page waits to be written, decoded once, by the thread that writes."""

    @abstractmethod
    def decode(self) -> Sequence[T_co]:
        """The items; ``BackupctlError`` when the body is not what the API model allows."""

    @property
    def size(self) -> int:
        """The bytes it holds while it waits (0 when not known: then only counted)."""
        return 0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a chain of List calls: its items (jobs, resources, ...), decoded or
    still encoded, and whether more pages follow it."""

    items: Sequence[T] | Encoded[T]
    more: bool = False
