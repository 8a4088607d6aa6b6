"""Untrusted text made safe for a terminal: shown, never obeyed.

Job messages, names and ARNs come from other people's accounts. In a table they are
``rich.text.Text`` (so ``[bold]`` is never markup), every control character is replaced
by a visible placeholder (so ESC, BEL and C1 never reach the terminal), and bidi
controls are named instead of reordering the line around them. The reports, the lines
on stderr and CSV use the same placeholders in plain strings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

# C0, DEL and C1 controls; bidi marks, embeddings, overrides and isolates; the Unicode
# line and paragraph separators (some terminals break lines on them); lone surrogates.
_NOT_C0 = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f{_NOT_C0}]")
# The same but TAB, CR and LF, which a CSV cell keeps (RFC 4180 quotes the cell).
_UNSAFE_IN_CSV = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_NOT_C0}]")
_CSV_SAFE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\r\n"
_NAMED = {"\n": "↵", "\r": "\\r", "\t": "\\t"}
PLACEHOLDER_STYLE = "reverse"


def placeholder(char: str) -> str:
    """The visible stand-in for one unsafe character: ``\\x1b``, ``↵`` or ``<U+202E>``."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def safe_text(value: str, *, limit: int | None = None, style: str = "") -> Text:
    """``value`` as inert ``Text``; cut to ``limit`` cells with an ellipsis when longer."""
    from rich.text import Text  # here: CSV and the reports make text safe without Rich

    cut = limit is not None and len(value) > limit
    if limit is not None:
        # Cut before building, so a 5,000-character message costs no more than a short one.
        value = value[:limit]
    text = Text(style=style)
    start = 0
    for match in _UNSAFE.finditer(value):
        text.append(value[start : match.start()])
        text.append(placeholder(match.group()), style=PLACEHOLDER_STYLE)
        start = match.end()
    text.append(value[start:])
    if limit is not None and (cut or text.cell_len > limit):
        text.truncate(max(limit - 1, 0))
        text.append("…")
    return text


def safe_str(value: str) -> str:
    """``value`` with every unsafe character replaced by its placeholder, for plain-text lines."""
    return _UNSAFE.sub(_shown, value)


def safe_csv(text: str) -> str:
    """CSV text with every unsafe character but TAB, CR and LF replaced by its placeholder."""
    # Most rows are ASCII with nothing to replace. Deleting every byte that may stay, in C
    # a byte at a time, tells so for a row in a sixth of the time the pattern takes.
    if text.isascii() and not text.encode("ascii").translate(None, _CSV_SAFE_ASCII):
        return text
    return _UNSAFE_IN_CSV.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    return placeholder(match.group())
