"""The order of the fan-out's work: neighbouring units belong to different accounts."""

from __future__ import annotations

from itertools import pairwise

from backupctl.domain.job import Kind
from backupctl.domain.query import Listing
from backupctl.domain.targets import Access, Target
from backupctl.engine.fanout import Work, plan_work

ACCOUNTS = [f"{n:012d}" for n in range(1, 6)]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def test_every_listing_of_every_target_once_with_neighbours_in_different_accounts() -> None:
    targets = [Target(a, r, Access.ROLE) for a in ACCOUNTS for r in REGIONS]  # account-major
    listings = [Listing(kind, {}) for kind in Kind]
    work: list[Work[Listing]] = plan_work(targets, listings)
    assert sorted((w.target.account_id, w.target.region, w.listing.kind) for w in work) == sorted(
        (t.account_id, t.region, listing.kind) for t in targets for listing in listings
    )
    for here, there in pairwise(work):
        assert here.target.account_id != there.target.account_id
    # The first units reach as many accounts as there are.
    assert {w.target.account_id for w in work[: len(ACCOUNTS)]} == set(ACCOUNTS)
