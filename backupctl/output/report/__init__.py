"""Renderers of the ``report failures`` summary: plain text, Markdown and JSON."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TextIO, assert_never

from backupctl.domain.problems import Summary

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression


class ReportFormat(StrEnum):
    """The values of ``report failures -o``."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def render_report(
    summary: Summary,
    fmt: ReportFormat,
    stream: TextIO,
    now: datetime,
    query: QueryExpression | None = None,
) -> None:
    """Write the report in ``fmt`` to ``stream`` (the JSON's problems one by one;
    ``query``: JSON only)."""
    if fmt is ReportFormat.TEXT:
        from backupctl.output.report.text import render_text

        pieces: Iterable[str] = [render_text(summary, now)]
    elif fmt is ReportFormat.MARKDOWN:
        from backupctl.output.report.markdown import render_markdown

        pieces = [render_markdown(summary, now)]
    elif fmt is ReportFormat.JSON:
        from backupctl.output.report.json import render_json

        pieces = render_json(summary, now, query)
    else:
        assert_never(fmt)
    for piece in pieces:
        stream.write(piece)
    stream.flush()
