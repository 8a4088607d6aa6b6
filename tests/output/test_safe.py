"""Untrusted text as inert Text: placeholders, no markup, cut to a limit."""

from __future__ import annotations

import pytest

from backupctl.output.safe import PLACEHOLDER_STYLE, placeholder, safe_str, safe_text


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", "\\x00"),
        ("\x07", "\\x07"),
        ("\x1b", "\\x1b"),
        ("\n", "↵"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\x7f", "\\x7f"),
        ("\x85", "\\x85"),
        ("\x9b", "\\x9b"),
        ("\u202e", "<U+202E>"),
        ("\u2066", "<U+2066>"),
        ("\u2069", "<U+2069>"),
        ("\u200f", "<U+200F>"),
        ("\u2028", "<U+2028>"),
        ("\ud800", "<U+D800>"),
    ],
)
def test_placeholders(char: str, shown: str) -> None:
    assert placeholder(char) == shown
    assert safe_str(f"a{char}b") == f"a{shown}b"


def test_markup_is_text_not_style() -> None:
    text = safe_text("[bold red]x[/] [link=https://evil.example]click[/link]")
    assert text.plain == "[bold red]x[/] [link=https://evil.example]click[/link]"
    assert text.spans == []


def test_placeholders_are_styled_spans() -> None:
    text = safe_text("a\x1b[2Jb")
    assert text.plain == "a\\x1b[2Jb"
    assert [(span.start, span.end, span.style) for span in text.spans] == [
        (1, 5, PLACEHOLDER_STYLE)
    ]


def test_emoji_and_cjk_untouched() -> None:
    assert safe_text("😀👨‍👩‍👧 日本語").plain == "😀👨‍👩‍👧 日本語"


def test_limit_cuts_with_ellipsis() -> None:
    assert safe_text("x" * 5000, limit=10).plain == "x" * 9 + "…"
    assert safe_text("x" * 10, limit=10).plain == "x" * 10
    # Placeholders make a short string wide; the limit still holds.
    assert safe_text("\x1b" * 5, limit=10).cell_len == 10
    assert safe_text("日本語日本語", limit=5).cell_len <= 5
