"""A Rich renderable printed without the spaces a table pads its lines with.

A table pads every cell to its column's width, so a line whose last cells are short ends
in spaces: noise in a terminal's copy and paste, in ``diff`` and in ``grep '...$'``.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.text import Text


def print_trimmed(console: Console, renderable: RenderableType) -> None:
    """Print ``renderable`` as it would be, every line ending at its last visible cell."""
    lines = []
    for segments in console.render_lines(renderable, pad=False):
        line = Text()
        for segment in segments:
            if not segment.control:
                line.append(segment.text, segment.style)
        line.rstrip()
        lines.append(line)
    console.print(Text("\n").join(lines), no_wrap=True, overflow="ignore", crop=False)
