"""``gather``: results in order, and a search that stops at the first answer it wants."""

from __future__ import annotations

import threading
import time

from backupctl.domain.errors import AwsError
from backupctl.engine.gather import gather


def test_results_come_in_order_with_errors_kept_per_item() -> None:
    def square(n: int) -> int:
        if n == 3:
            raise AwsError("no three", "Three")
        return n * n

    results = gather(square, [1, 2, 3, 4], concurrency=2)
    assert results[:2] == [1, 4] and results[3] == 16
    assert isinstance(results[2], AwsError) and results[2].code == "Three"


def test_stop_at_ends_the_search_once_the_answer_is_kept() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def look(n: int) -> int | None:
        with lock:
            started.append(n)
        if n == 0:
            return 42
        time.sleep(0.3)
        return None

    began = time.monotonic()
    results = gather(look, list(range(40)), concurrency=4, stop_at=lambda r: r is not None)
    assert results[0] == 42
    assert time.monotonic() - began < 1.5  # not ten rounds of 0.3 s
    assert len(started) < 40  # the rest were never asked...
    unasked = [r for r in results if isinstance(r, AwsError)]
    assert len(unasked) == 40 - len(started)  # ...and say so
    assert {r.code for r in unasked} == {"Found"}
    # Those in flight when it was found were waited for: none is left running.
    assert results.count(None) == len(started) - 1
