"""``report failures --gaps``: both reports in one, for one cron mail.

Text and Markdown: the failure report, then the gap report; each names what it could not
read. JSON: the failure report's object with the gap report's object as ``gaps``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TextIO, assert_never

from backupctl.domain.gaps import GapSummary
from backupctl.domain.problems import Summary
from backupctl.output.report import ReportFormat

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression


def render_both(
    summary: Summary,
    gaps: GapSummary,
    fmt: ReportFormat,
    stream: TextIO,
    now: datetime,
    query: QueryExpression | None = None,
) -> None:
    """Write both reports in ``fmt`` to ``stream`` (the JSON's problems one by one;
    ``query``: JSON only)."""
    if fmt is ReportFormat.TEXT:
        from backupctl.output.report.gaps_text import render_gaps_text
        from backupctl.output.report.text import render_text

        text = render_text(summary, now) + "\n" + render_gaps_text(gaps)
    elif fmt is ReportFormat.MARKDOWN:
        from backupctl.output.report.gaps_markdown import render_gaps_markdown
        from backupctl.output.report.markdown import render_markdown

        text = render_markdown(summary, now) + "\n" + render_gaps_markdown(gaps)
    elif fmt is ReportFormat.JSON:
        from backupctl.output.report.gaps_json import gaps_object
        from backupctl.output.report.json import failures_object, report_pieces

        report = {**failures_object(summary, now), "gaps": gaps_object(gaps)}
        for piece in report_pieces(report, summary, query):
            stream.write(piece)
        stream.flush()
        return
    else:
        assert_never(fmt)
    stream.write(text)
    stream.flush()
