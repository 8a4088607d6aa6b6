"""Sorted output in bounded memory: an external merge sort of rendered rows.

JSON and CSV promise newest first *and* constant memory. Rows are rendered as they
arrive, kept in memory up to ``run_size``, then sorted and spilled to a private
temporary file; ``drain`` merges the runs. Only text and sort keys are kept, never jobs.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter
from typing import IO, Any

SortKey = tuple[Any, ...]  # any key whose ascending order is the order to print
_Item = tuple[SortKey, str]

_BATCH = 1_000
_by_key = itemgetter(0)


def _write_run(items: Iterable[_Item]) -> IO[bytes]:
    run = tempfile.TemporaryFile()  # noqa: SIM115 -- returned open; drain() closes it
    iterator = iter(items)
    while batch := list(islice(iterator, _BATCH)):
        pickle.dump(batch, run, protocol=pickle.HIGHEST_PROTOCOL)
    run.seek(0)
    return run


def _read_run(run: IO[bytes]) -> Iterator[_Item]:
    # The file is one this process wrote and nobody else can open, so unpickling it is safe.
    while True:
        try:
            batch: list[_Item] = pickle.load(run)
        except EOFError:
            return
        yield from batch


class SortedSpool:
    """Rows added in any order, drained in key order, at most ``run_size`` of them in memory."""

    def __init__(self, run_size: int = 10_000, max_runs: int = 32) -> None:
        self._run_size = run_size
        self._max_runs = max_runs
        self._items: list[_Item] = []
        self._runs: list[IO[bytes]] = []

    def add(self, key: SortKey, text: str) -> None:
        """Keep one rendered row."""
        self._items.append((key, text))
        if len(self._items) >= self._run_size:
            self._spill()

    def drain(self) -> Iterator[str]:
        """Every row once, in order; the spool is empty afterwards."""
        self._items.sort(key=_by_key)
        sources = [_read_run(run) for run in self._runs]
        sources.append(iter(self._items))
        try:
            for _, text in heapq.merge(*sources, key=_by_key):
                yield text
        finally:
            self._discard()

    def _spill(self) -> None:
        self._items.sort(key=_by_key)
        self._runs.append(_write_run(self._items))
        self._items = []
        if len(self._runs) >= self._max_runs:
            # Fold the runs into one so a huge run never holds more than max_runs files open.
            merged = _write_run(heapq.merge(*map(_read_run, self._runs), key=_by_key))
            self._discard()
            self._runs = [merged]

    def _discard(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []
        self._items = []
