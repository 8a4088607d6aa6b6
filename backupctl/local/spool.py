"""Sorted output in bounded memory: an external merge sort of rendered rows.

JSON, CSV and the table print newest first *and* keep memory bounded, however many jobs
there are. Rows are rendered as they arrive, kept in memory up to ``run_bytes``, then
sorted and spilled to a private temporary file; ``drain`` merges the runs. Only rendered
rows and sort keys are kept, never jobs; files are read back in batches of at most
``_BATCH_BYTES``, so a merge of many runs holds one small batch of each.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import count
from operator import itemgetter
from typing import IO, Any, Generic, TypeVar

SortKey = tuple[Any, ...]  # any key whose ascending order is the order to print
Row = TypeVar("Row")  # a rendered row: text, or the cells of a table row
Record = TypeVar("Record")

# Rows of AWS's largest records are several KB: runs and batches are measured in bytes.
RUN_BYTES = 8 * 1024 * 1024
_BATCH_BYTES = 256 * 1024
_by_key = itemgetter(0)


def _write_run(items: Iterable[tuple[SortKey, Row, int]]) -> IO[bytes]:
    """Sorted (key, row, size) items to a new temporary file, in pickled batches."""
    run = tempfile.TemporaryFile()  # noqa: SIM115 -- returned open; drain() closes it
    batch: list[tuple[SortKey, Row, int]] = []
    size = 0
    for item in items:
        batch.append(item)
        size += item[2]
        if size >= _BATCH_BYTES:
            pickle.dump(batch, run, protocol=pickle.HIGHEST_PROTOCOL)
            batch, size = [], 0
    if batch:
        pickle.dump(batch, run, protocol=pickle.HIGHEST_PROTOCOL)
    run.seek(0)
    return run


def _read_run(run: IO[bytes]) -> Iterator[tuple[SortKey, Any, int]]:
    # The file is one this process wrote and nobody else can open, so unpickling it is safe.
    while True:
        try:
            batch: list[tuple[SortKey, Any, int]] = pickle.load(run)
        except EOFError:
            return
        yield from batch


class SortedSpool(Generic[Row]):
    """Rows added in any order, drained in key order; at most ``run_bytes`` (as the caller
    counts them) of rows in memory, and at most ``max_runs`` files open."""

    def __init__(self, run_bytes: int = RUN_BYTES, max_runs: int = 32) -> None:
        self._run_bytes = run_bytes
        self._max_runs = max_runs
        self._items: list[tuple[SortKey, Row, int]] = []
        self._bytes = 0
        self._runs: list[IO[bytes]] = []

    def add(self, key: SortKey, row: Row, size: int) -> None:
        """Keep one rendered row; ``size`` is about what it weighs (its length in text)."""
        self._items.append((key, row, size))
        self._bytes += size
        if self._bytes >= self._run_bytes:
            self._spill()

    def drain(self) -> Iterator[Row]:
        """Every row once, in order; the spool is empty afterwards."""
        self._items.sort(key=_by_key)
        sources = [_read_run(run) for run in self._runs]
        sources.append(iter(self._items))
        try:
            for _, row, _size in heapq.merge(*sources, key=_by_key):
                yield row
        finally:
            self._discard()

    def _spill(self) -> None:
        self._items.sort(key=_by_key)
        self._runs.append(_write_run(self._items))
        self._items, self._bytes = [], 0
        if len(self._runs) >= self._max_runs:
            # Fold the runs into one so a huge run never holds more than max_runs files open.
            merged = _write_run(heapq.merge(*map(_read_run, self._runs), key=_by_key))
            self._discard()
            self._runs = [merged]

    def _discard(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []
        self._items, self._bytes = [], 0


class RowSpool(Generic[Record]):
    """The rendered rows of a family's records, drained in the family's ``order`` (in the
    order they came when it has none)."""

    def __init__(self, order: Callable[[Record], Any] | None) -> None:
        self._order = order
        self._arrival = count()
        self._spool: SortedSpool[str] = SortedSpool()

    def add(self, record: Record, text: str) -> None:
        """Keep ``text``, the rendering of ``record``."""
        order = self._order
        key = (order(record),) if order is not None else (next(self._arrival),)
        self._spool.add(key, text, len(text))

    def drain(self) -> Iterator[str]:
        """Every row once, in order."""
        return self._spool.drain()


class Tape(Generic[Row]):
    """Rows kept on disk as they come, to be read back, sorted, as often as asked: what a
    report keeps of every problem job while it counts them (``Summary.records``)."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._batch: list[tuple[Row, int]] = []
        self._bytes = 0

    def add(self, row: Row, size: int) -> None:
        """Keep ``row``; ``size`` is about what it weighs."""
        self._batch.append((row, size))
        self._bytes += size
        if self._bytes >= _BATCH_BYTES:
            self._flush()

    def sorted(self, key: Callable[[Row], SortKey]) -> Iterator[Row]:
        """Every row kept, in ``key`` order (sorted anew in bounded memory at each call)."""
        self._flush()
        spool: SortedSpool[Row] = SortedSpool()
        if self._file is not None:
            self._file.seek(0)
            while True:
                try:
                    batch: list[tuple[Row, int]] = pickle.load(self._file)
                except EOFError:
                    break
                for row, size in batch:
                    spool.add(key(row), row, size)
            self._file.seek(0, 2)  # appends go on at the end
        return spool.drain()

    def close(self) -> None:
        """Drop the file."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _flush(self) -> None:
        if not self._batch:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by close()
        pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._batch, self._bytes = [], 0
