"""Pages that repeat jobs already sent, in the three ways a service (or a proxy) does it.

- ``replay``: every page is served a second time, under a NextToken of its own, before the
  listing moves on; a client that only watches for a repeated token sees nothing wrong.
- ``overlap``: each page starts a quarter of a page (at least one job) before where the
  previous one ended.
- ``token_returns``: the last page hands out one more token, which leads to a page that
  repeats the second page's jobs and carries the first NextToken again (A, B, C, …, A). A
  client that follows A again goes round for ever, as with a cycling token; one that never
  requests a token twice stops on that page, having been given every job.

In every mode the pages together hold every job of the listing, and a client that follows
each token it is given once receives each repeated job exactly twice. Tokens stay
stateless: their spare field (``back``) carries what the mode needs to know, so every
token is new to a client until ``token_returns`` hands A back.
"""

from __future__ import annotations

from typing import NamedTuple

from backupctl.sandbox import paging
from backupctl.sandbox.config import RepeatMode
from backupctl.sandbox.jobs import Job

_REPLAY = 1  # ``back`` of the token that serves its page a second time


class PageRequest(NamedTuple):
    """What a List request asks for, its token decoded."""

    first: bool  # no NextToken: the listing's first page
    offset: int
    back: int
    size: int
    digest: bytes


class ServedPage(NamedTuple):
    """A page: its jobs, its NextToken, and how many of its jobs earlier pages held."""

    jobs: list[Job]
    next_token: str | None
    repeated: int


def repeating_page(mode: RepeatMode, jobs: list[Job], request: PageRequest) -> ServedPage:
    """The page ``request`` gets from a listing of ``jobs`` that repeats as ``mode`` says."""
    if mode == "replay":
        return _replay(jobs, request)
    if mode == "overlap":
        return _overlap(jobs, request)
    return _token_returns(jobs, request)


def _replay(jobs: list[Job], request: PageRequest) -> ServedPage:
    offset, digest = request.offset, request.digest
    page = jobs[offset : offset + request.size]
    end = offset + len(page)
    if request.back == _REPLAY:
        next_token = paging.encode(end, digest) if end < len(jobs) else None
        return ServedPage(page, next_token, len(page))
    replay = paging.encode(offset, digest, back=_REPLAY) if page else None
    return ServedPage(page, replay, 0)


def _overlap(jobs: list[Job], request: PageRequest) -> ServedPage:
    """The token points ``shared`` jobs back, and says so in ``back`` for the count."""
    offset, digest = request.offset, request.digest
    page = jobs[offset : offset + request.size]
    end = offset + len(page)
    repeated = min(request.back, len(page))
    if end >= len(jobs):
        return ServedPage(page, None, repeated)
    shared = max(1, len(page) // 4) if len(page) > 1 else 0  # a page of one cannot overlap
    return ServedPage(page, paging.encode(end - shared, digest, back=shared), repeated)


def _token_returns(jobs: list[Job], request: PageRequest) -> ServedPage:
    """Token A is the first page's; every later token carries A's offset in ``back``."""
    offset, back, digest = request.offset, request.back, request.digest
    total = len(jobs)
    if back and offset >= total:  # the extra page: A's jobs again, and A itself
        page = jobs[back : back + request.size]
        return ServedPage(page, paging.encode(back, digest), len(page))
    page = jobs[offset : offset + request.size]
    end = offset + len(page)
    if request.first:
        return ServedPage(page, paging.encode(end, digest) if end < total else None, 0)
    returns_to = back or offset  # back is 0 only on A, which starts at A's offset
    # At the end, the token to the extra page: its offset is past the last job.
    return ServedPage(page, paging.encode(end, digest, back=returns_to), 0)
