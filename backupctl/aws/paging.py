"""A paginated call's responses, one after another, and the loop a broken service makes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from backupctl.domain.errors import PaginationError


def responses(
    call: Callable[[dict[str, Any]], Any], params: dict[str, Any], doing: str
) -> Iterator[tuple[Any, str | None]]:
    """Each response of a paginated call, and its NextToken (None on the last page).

    A NextToken the service returned before is never requested: the chain fails with
    PaginationError, after the page that carried it was handed on.
    """
    seen: set[str] = set()
    while True:
        response = call(params)
        token = response.get("NextToken") or None
        yield response, token
        if not token:
            return
        if token in seen:
            raise PaginationError(
                "the service returned a NextToken it had already returned "
                "(a pagination loop); stopped reading this target",
                "PaginationLoop",
                doing,
            )
        seen.add(token)
        params["NextToken"] = token
