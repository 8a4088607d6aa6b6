"""The progress line counts the failures that count: not the regions ``--region all``
expected to answer "not enabled"."""

from __future__ import annotations

from typing import TypeVar

from backupctl.app.reading import open_progress
from backupctl.app.requests import Hooks
from backupctl.domain.errors import AccessDeniedError, RegionNotEnabledError
from backupctl.domain.job import Kind
from backupctl.domain.outcome import Failure, Outcome
from backupctl.domain.query import Listing
from backupctl.domain.targets import Access, Plan, Target
from backupctl.output.unread import progress_text

L = TypeVar("L")
ACCOUNT = "123456789012"
LISTING = Listing(Kind.BACKUP, {})


class _Shown:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.closed = False

    def update(self, outcome: Outcome[L]) -> None:
        self.lines.append(progress_text(outcome))

    def close(self) -> None:
        self.closed = True


def _outcome() -> Outcome[Listing]:
    off = Failure(Target(ACCOUNT, "af-south-1", Access.CALLER), LISTING, RegionNotEnabledError("x"))
    denied = Failure(Target(ACCOUNT, "us-east-1", Access.CALLER), LISTING, AccessDeniedError("y"))
    return Outcome(total=4, items=10, done=4, failures=[off, denied])


def test_all_regions_progress_leaves_out_regions_not_enabled() -> None:
    shown = _Shown()
    plan = Plan(ACCOUNT, Access.CALLER, ["us-east-1", "af-south-1"], all_regions=True)
    sink = open_progress(Hooks(progress=lambda: shown), plan)
    assert sink is not None
    sink.update(_outcome())
    sink.close()
    assert shown.lines == ["listings 4/4, 10 jobs found, 1 failed"]
    assert shown.closed


def test_named_regions_progress_counts_every_failure() -> None:
    shown = _Shown()
    plan = Plan(ACCOUNT, Access.CALLER, ["us-east-1", "af-south-1"])
    sink = open_progress(Hooks(progress=lambda: shown), plan)
    assert sink is not None
    sink.update(_outcome())
    assert shown.lines == ["listings 4/4, 10 jobs found, 2 failed"]
    assert open_progress(Hooks(), plan) is None
