"""Renderers of the ``report gaps`` summary: plain text, Markdown and JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO, assert_never

from backupctl.domain.gaps import GapSummary
from backupctl.output.report import ReportFormat

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression


def render_gaps(
    summary: GapSummary, fmt: ReportFormat, stream: TextIO, query: QueryExpression | None = None
) -> None:
    """Write the gap report in ``fmt`` to ``stream`` as one write (``query``: JSON only)."""
    if fmt is ReportFormat.TEXT:
        from backupctl.output.report.gaps_text import render_gaps_text

        text = render_gaps_text(summary)
    elif fmt is ReportFormat.MARKDOWN:
        from backupctl.output.report.gaps_markdown import render_gaps_markdown

        text = render_gaps_markdown(summary)
    elif fmt is ReportFormat.JSON:
        from backupctl.output.report.gaps_json import render_gaps_json

        text = render_gaps_json(summary, query)
    else:
        assert_never(fmt)
    stream.write(text)
    stream.flush()
