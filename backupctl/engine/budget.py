"""How many calls a fan-out may have in flight, and how many pages (and bytes of them) it
may hold at once.

A page is alive from the moment its call is made until the writer has written it: in
flight, then waiting in the queue, then being decoded. A worker asks the budget before
each call. Three bounds hold:

- calls in flight: at most ``calls`` (the concurrency), a call that hangs included;
- pages alive: at most ``pages`` (twice the concurrency by default), so a writer slower
  than the service slows the calls rather than fills memory, while the pages waiting for
  it do not take the places of calls in flight;
- bytes alive: a call reserves the size of the largest body seen so far (``first_guess``
  before any has come), and is not made while the reservations and the pages waiting
  would pass ``limit``; once its body has come, its reservation becomes the body's own
  size. One page is always allowed, however large, so a listing of huge pages is read
  one page at a time rather than not at all. So the bytes alive pass ``limit`` only when
  bodies larger than every one before come at once, and by no more than their excess.

Bodies of 1,000 jobs are from a few hundred KB (plain records) to several MB (AWS's longest
messages, names and ARNs): counting pages alone let 32 of the largest hold over 100 MB.

The budget wakes one waiting worker at a time, and that one wakes the next if there is
room for it: waking all of them for every page written (thirty-odd threads taking the
GIL in turn, to find that one may go) was a fifth of a 100-account run's CPU.
"""

from __future__ import annotations

import threading

# Bytes of bodies alive at once, by default. Measured with records as large as AWS's (bodies
# of 2.4 MB a page of 1,000 jobs) and a service that answers at once, 10 accounts x 2
# regions with long listings, -o ndjson: 390 MB peak RSS counting 32 pages alone (each
# worker also held its last body while it waited); with the allocator tuned and this
# budget, 182 MB at 24 MiB, 183 at 32, 200 at 48 (before the held bodies were let go), and
# the report, which keeps most besides, 155 MB at 24 MiB. 24 MiB is about ten of those
# pages: enough that the writer always has one waiting. It has a cost in speed where pages
# of 1,000 plain records are read many at once (the org view's windows): in the fan-out
# benchmark, in turns, the org view's ratio to the minimal client went from 0.87 to 1.09 at
# 40 ms and from 0.66 to 0.80 at 200 ms (assume-role mode, with smaller pages, unchanged),
# under the 1.25 target; a larger budget would trade memory back for it.
DEFAULT_LIMIT = 24 * 1024 * 1024
# What a call reserves before any body has come: a page of 1,000 of AWS's largest records.
# At a service that answers at once, the first calls' pages all come before the writer has
# written one: their reservations, not the bodies seen later, bound that first wave.
FIRST_GUESS = 2 * 1024 * 1024
# Pages alive per call in flight. With one, every page waiting for the writer kept a call
# from being made: at 200 ms a call in assume-role mode (pages of a few hundred KB, the
# byte bound far off), the fan-out benchmark's median went from 6.96 s to 6.33 s with two
# (the minimal client's: 5.82 s; three rounds each, in turns). Where the writer is the
# bottleneck (40 ms), more pages waiting change nothing; the bytes bound them all.
PAGES_PER_CALL = 2


class PageBudget:
    """The calls, pages and bytes alive in one fan-out (see the module's docstring)."""

    def __init__(
        self,
        calls: int,
        limit: int = DEFAULT_LIMIT,
        first_guess: int = FIRST_GUESS,
        pages: int | None = None,
    ) -> None:
        self._calls, self._limit = calls, limit
        self._pages = PAGES_PER_CALL * calls if pages is None else pages
        self._in_flight = 0
        self._alive = 0
        self._bytes = 0  # reserved for calls in flight, and held by pages waiting
        self._largest: int | None = None  # no body yet: a call reserves first_guess
        self._guess = first_guess
        self._changed = threading.Condition()
        self.most_calls = 0  # the most calls, pages and bytes alive at once so far
        self.most_pages = 0
        self.most_bytes = 0

    def _room(self, reserve: int) -> bool:
        fits = self._bytes + reserve <= self._limit or self._alive == 0
        return self._in_flight < self._calls and self._alive < self._pages and fits

    def take(self, cancel: threading.Event) -> int | None:
        """Wait until one more call may be made; what it reserved (give it to ``arrived``
        when the call returns, then to ``give_back``), or None when ``cancel`` was set
        meanwhile: no call is to be made."""
        with self._changed:
            while not cancel.is_set():
                reserve = self._guess if self._largest is None else self._largest
                if self._room(reserve):
                    self._in_flight += 1
                    self._alive += 1
                    self._bytes += reserve
                    self.most_calls = max(self.most_calls, self._in_flight)
                    self.most_pages = max(self.most_pages, self._alive)
                    if self._room(reserve):
                        self._changed.notify()  # room for one more: pass it on
                    return reserve
                self._changed.wait(0.1)
        return None

    def arrived(self, reserved: int, size: int) -> int:
        """A call returned, with a body of ``size`` bytes (0: no page, or an error) in place
        of its reservation; returns ``size``, what the page now holds."""
        with self._changed:
            self._in_flight -= 1
            self._bytes += size - reserved
            if size:
                self._largest = max(self._largest or 0, size)
            self.most_bytes = max(self.most_bytes, self._bytes)
            self._changed.notify()
        return size

    def give_back(self, size: int) -> None:
        """A page of ``size`` bytes was written or dropped (or a returned call made none):
        another page may be made."""
        with self._changed:
            self._alive -= 1
            self._bytes -= size
            self._changed.notify()
