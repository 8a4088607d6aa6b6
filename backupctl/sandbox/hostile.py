"""Strings that must never reach a terminal or a spreadsheet unescaped.

They land in the StatusMessage and ResourceName of FAILED jobs, so every renderer is
exercised against them on the default data set.
"""

from __future__ import annotations

_SENTENCE = "Backup job failed because the resource changed during the backup window. "
_LONG_MESSAGE = (_SENTENCE * (5000 // len(_SENTENCE) + 1))[:5000]

HOSTILE_STRINGS: tuple[str, ...] = (
    # Rich markup: must print literally, not style or link.
    "[bold red]x[/]",
    "[link=https://evil.example]click[/link]",
    # ANSI CSI: colour and clear-screen.
    "\x1b[31mred alert\x1b[0m",
    "\x1b[2J\x1b[Hscreen cleared",
    # ANSI OSC: a hyperlink and a window-title change.
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x1b]0;title\x07window title changed",
    # Other control characters: bell, backspace, carriage return.
    "bell\x07 ringing",
    "backspace\x08\x08\x08\x08over",
    "carriage\rreturn overwrites",
    # CSV formula injection.
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tleading tab",
    # Line breaks, quotes and separators.
    "first line\nsecond line\r\nthird line",
    "quote \" and 'single' and, comma; semicolon",
    # Bidirectional overrides and isolates.
    "invoice\u202egnp.exe",
    "\u2066isolate\u2069 \u2067rtl\u2069 \u2068first-strong\u2069",
    # Width: a 5,000-character message.
    _LONG_MESSAGE,
    # Wide and astral characters.
    "💾 backup failed 🔥",
    "备份作业失败\uff1a快照超时",
)
