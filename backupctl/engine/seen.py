"""The items a listing has given, by key: how a page the service repeats is recognised.

A service may answer a NextToken with items it already sent: a page served again, pages
that overlap, a token that comes back several pages later. Keeping the key of every item
of a listing until the listing (all its windows) has ended drops each repeat, whatever
the pages hold. The cost is one set entry per item of a listing that is being read, about
70 bytes (a job id kept as a 128-bit integer), freed when the listing ends.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


class Seen:
    """The keys one listing has handed on so far."""

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: set[Hashable] = set()

    def fresh(self, items: Sequence[T], key: Callable[[T], Hashable | None]) -> Sequence[T]:
        """``items`` less those given before (or earlier on the same page), in order; an
        item whose key is None is never a repeat."""
        keys = self._keys
        found = [key(item) for item in items]
        page = set(found)
        if len(page) == len(found) and None not in page and keys.isdisjoint(page):
            keys |= page
            return items  # the common case: nothing repeated, nothing copied
        out: list[T] = []
        for item, item_key in zip(items, found, strict=True):
            if item_key is not None:
                if item_key in keys:
                    continue
                keys.add(item_key)
            out.append(item)
        return out
