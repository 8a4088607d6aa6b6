"""Where the job use cases read jobs from: AWS, or the history store (``history_reading``).

A source reads one query's jobs, handing them on a page at a time, and says what it
read in a ``Reading``; the use cases (list, report) filter, keep, sort and write the same
way whatever the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from backupctl.app.connect import account_names, connect
from backupctl.app.reading import Reading, read_jobs
from backupctl.app.requests import Hooks, Where
from backupctl.domain.job import Job
from backupctl.domain.query import Query
from backupctl.domain.targets import Plan

if TYPE_CHECKING:
    from backupctl.aws.sessions import Connector


class JobSource(Protocol):
    """Reads the jobs of a query."""

    def read(self, query: Query, on_page: Callable[[Sequence[Job]], None]) -> Reading:
        """Every job of ``query``, a page at a time to ``on_page``; what was read."""

    def account_names(self, plan: Plan) -> dict[str, str]:
        """Names of the accounts read, where known (after ``read``)."""


class AwsJobs:
    """The jobs AWS lists now, over ``where``'s targets."""

    def __init__(self, where: Where, hooks: Hooks) -> None:
        self._where, self._hooks = where, hooks
        self._connector: Connector | None = None

    def read(self, query: Query, on_page: Callable[[Sequence[Job]], None]) -> Reading:
        """Resolve the targets and fan the query's listings out over them."""
        self._connector, plan = connect(self._where, query, stream=True)
        return read_jobs(self._connector, plan, query, on_page, self._where, self._hooks)

    def account_names(self, plan: Plan) -> dict[str, str]:
        """The accounts' names (see ``account_names``)."""
        return {} if self._connector is None else account_names(self._connector, plan)
