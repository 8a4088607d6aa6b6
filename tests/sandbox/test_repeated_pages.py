"""Pages that repeat jobs already sent: replayed, overlapping, or a NextToken that returns."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest

from backupctl.sandbox import KINDS, REPEAT_MODES, Faults, RepeatMode, Sandbox, SandboxConfig

from .clients import client
from .test_faithfulness import assert_faithful
from .wiremodel import Recorder

LISTS = {
    "backup": ("list_backup_jobs", "BackupJobs", "BackupJobId"),
    "copy": ("list_copy_jobs", "CopyJobs", "CopyJobId"),
    "restore": ("list_restore_jobs", "RestoreJobs", "RestoreJobId"),
}


class Listing(NamedTuple):
    """What a client that never requests a token twice was served."""

    pages: list[list[str]]  # job ids, page by page
    tokens: list[str]  # every NextToken, in order, the one it stopped on included

    @property
    def served(self) -> list[str]:
        return [job for page in self.pages for job in page]


def follow(backup: Any, kind: str, size: int, **params: Any) -> Listing:
    """Follow NextTokens until there is none, or until one comes back a second time."""
    operation, member, key = LISTS[kind]
    listing = Listing([], [])
    while True:
        response = getattr(backup, operation)(MaxResults=size, **params)
        listing.pages.append([job[key] for job in response[member]])
        token = response.get("NextToken")
        if token is None:
            return listing
        seen = token in listing.tokens
        listing.tokens.append(token)
        if seen:
            return listing
        params["NextToken"] = token


@pytest.fixture(scope="module")
def repeating() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=3, jobs_per_region=60)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clear(repeating: Sandbox) -> Iterator[None]:
    repeating.set_faults(Faults())
    repeating.counters.reset()
    yield
    repeating.set_faults(Faults())


def expected(sandbox: Sandbox, kind: str, account: str) -> list[str]:
    key = LISTS[kind][2]
    return [job[key] for job in sandbox.dataset.jobs(kind, account, "us-east-1")]


def page_size(sandbox: Sandbox, kind: str, account: str) -> int:
    """Five pages or so, whatever the kind, of two jobs at least: room to overlap."""
    return max(2, len(expected(sandbox, kind, account)) // 5)


def switch_on(sandbox: Sandbox, mode: RepeatMode, account: str) -> None:
    sandbox.set_faults(
        Faults(repeating_pages_accounts=frozenset({account}), repeating_pages_mode=mode)
    )


@pytest.mark.parametrize("mode", REPEAT_MODES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("by_account_id", [False, True], ids=["caller", "ByAccountId"])
def test_every_job_is_served_and_the_repeats_are_counted(
    repeating: Sandbox, mode: RepeatMode, kind: str, by_account_id: bool
) -> None:
    member = repeating.dataset.active_accounts[1].id
    switch_on(repeating, mode, member)
    recorder = Recorder()
    if by_account_id:
        backup, params = client(repeating, "backup", recorder=recorder), {"ByAccountId": member}
    else:
        backup, params = client(repeating, "backup", member, recorder=recorder), {}
    listing = follow(backup, kind, page_size(repeating, kind, member), **params)
    assert_faithful(recorder)  # repeated, but every page as the model says
    served, jobs = listing.served, expected(repeating, kind, member)
    assert set(served) == set(jobs)  # nothing missing, nothing foreign
    times = Counter(served)
    assert 2 in set(times.values()) <= {1, 2}  # a repeated job comes back exactly once more
    repeated = len(served) - len(jobs)
    assert repeating.counters.faults["repeated_job"] == repeated > 0
    assert repeating.counters.faults["repeated_page"] == pages_with_repeats(listing.pages)


def pages_with_repeats(pages: list[list[str]]) -> int:
    seen: set[str] = set()
    count = 0
    for page in pages:
        count += bool(seen & set(page))
        seen.update(page)
    return count


def test_replay_serves_each_page_again_under_a_new_token(repeating: Sandbox) -> None:
    member = repeating.dataset.active_accounts[1].id
    switch_on(repeating, "replay", member)
    listing = follow(client(repeating, "backup", member), "backup", 10)
    assert len(set(listing.tokens)) == len(listing.tokens)  # no token ever comes twice
    pages = listing.pages
    jobs = expected(repeating, "backup", member)
    chunks = [len(jobs[start : start + 10]) for start in range(0, len(jobs), 10)]
    assert [len(page) for page in pages] == [size for size in chunks for _ in (1, 2)]
    assert all(pages[i] == pages[i + 1] for i in range(0, len(pages), 2))
    assert [job for page in pages[::2] for job in page] == jobs
    assert repeating.counters.faults["repeated_page"] == len(chunks)


def test_overlap_starts_each_page_before_the_last_one_ended(repeating: Sandbox) -> None:
    member = repeating.dataset.active_accounts[1].id
    switch_on(repeating, "overlap", member)
    listing = follow(client(repeating, "backup", member), "backup", 8)
    assert len(set(listing.tokens)) == len(listing.tokens)
    pages = listing.pages
    for previous, page in itertools.pairwise(pages):
        assert page[:2] == previous[-2:]  # a quarter of a page of 8
        assert not set(page[2:]) & set(previous)
    jobs = expected(repeating, "backup", member)
    assert len(pages) == 1 + -(-max(0, len(jobs) - 8) // 6)  # 8, then 6 new ones a page
    assert pages[-1][-1] == jobs[-1]


def test_a_returning_token_answers_what_it_answered_first(repeating: Sandbox) -> None:
    member = repeating.dataset.active_accounts[1].id
    switch_on(repeating, "token_returns", member)
    backup = client(repeating, "backup", member)
    listing = follow(backup, "backup", 10)
    tokens, pages = listing.tokens, listing.pages
    # A, B, C, ..., then A again: the page that brings it holds the second page's jobs.
    pages_of_jobs = -(-len(expected(repeating, "backup", member)) // 10)
    assert tokens[-1] == tokens[0]
    assert len(set(tokens[:-1])) == len(tokens) - 1 == pages_of_jobs
    assert pages[-1] == pages[1]
    assert [job for page in pages[:-1] for job in page] == expected(repeating, "backup", member)
    again = backup.list_backup_jobs(MaxResults=10, NextToken=tokens[-1])
    assert [job["BackupJobId"] for job in again["BackupJobs"]] == pages[1]
    assert again["NextToken"] == tokens[1]  # and on it goes, for a client that follows


def test_a_two_page_listing_returns_its_only_token(repeating: Sandbox) -> None:
    member = repeating.dataset.active_accounts[1].id
    switch_on(repeating, "token_returns", member)
    copies = len(expected(repeating, "copy", member))
    first = -(-copies // 2)  # two pages
    listing = follow(client(repeating, "backup", member), "copy", first)
    assert len(listing.tokens) == 3 and listing.tokens[2] == listing.tokens[0]
    second = copies - first
    assert [len(page) for page in listing.pages] == [first, second, second]


def test_other_accounts_and_every_account_listings_are_untouched(repeating: Sandbox) -> None:
    management = repeating.dataset.management_account_id
    member = repeating.dataset.active_accounts[1].id
    switch_on(repeating, "replay", management)
    backup = client(repeating, "backup")
    everyone = follow(backup, "backup", 50, ByAccountId="*")
    assert len(everyone.served) == len(set(everyone.served))
    assert len(everyone.served) == len(repeating.dataset.listing("backup", "*", "us-east-1"))
    other = follow(client(repeating, "backup", member), "backup", 10)
    assert other.served == expected(repeating, "backup", member)
    assert "repeated_job" not in repeating.counters.faults


def test_a_looping_token_wins_over_repeated_pages(repeating: Sandbox) -> None:
    member = repeating.dataset.active_accounts[1].id
    repeating.set_faults(
        Faults(
            repeating_pages_accounts=frozenset({member}),
            looping_token_accounts=frozenset({member}),
        )
    )
    listing = follow(client(repeating, "backup", member), "backup", 10)
    assert listing.tokens[0] == listing.tokens[1]
    assert "repeated_job" not in repeating.counters.faults
    copies = follow(client(repeating, "backup", member), "copy", 5)  # no token fault on copies
    repeated = len(copies.served) - len(expected(repeating, "copy", member))
    assert repeating.counters.faults["repeated_job"] == repeated > 0


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="repeating_pages_mode must be one of replay"):
        Faults(repeating_pages_mode="twice")  # type: ignore[arg-type]
