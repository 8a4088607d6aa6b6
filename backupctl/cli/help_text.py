"""How ``--help`` reads: an Examples block for every command, and each option's value named
in backupctl's words (``ID``, ``REGION``, ``WHEN``, ``N``), not in Python's.

Typer labels an option with its Python type (``<bool>``, ``<list[str]>``, ``<int range>
[1<=x<=256]``). Every option that takes a value names it here (its ``metavar``), and a
flag takes none, so the label is the metavar or nothing: ``use_value_names`` says so to
Typer, once, for the whole program. It also keeps option names whole: Rich cut them to
fit (``--no-cross-account-monit…``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from typer._click import Command, Context, HelpFormatter
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

# Global options, said under every command's examples (they are taken after it too).
GLOBAL_NOTE = "Global options (--sandbox, --debug, --config, --color) go before or after it."


def examples(*lines: str) -> str:
    """An epilog: ``Examples:`` and the command lines, one a line, as typed (Rich markup in
    them, like the brackets of a JMESPath filter, is shown, not read)."""
    shown = "\n".join("  " + line.replace("[", "\\[") for line in lines)
    return f"Examples:\n\n{shown}\n\n{GLOBAL_NOTE}"


def plain_paragraphs(command: Command) -> Command:
    """``command`` and every command under it with their help's paragraphs each on one line.

    Docstrings are wrapped to fit the source; Rich prints their line breaks as they are,
    which at 80 columns breaks lines in the middle. One line a paragraph, Rich wraps them
    to the terminal.
    """
    if command.help:
        paragraphs = inspect.cleandoc(command.help).split("\n\n")
        command.help = "\n\n".join(" ".join(p.split("\n")) for p in paragraphs)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            plain_paragraphs(sub)
    return command


def _value_name(option: TyperOption, ctx: Any) -> str | None:
    """The label of an option in the help: its value's name; none for a flag."""
    if option.is_flag or option.count:
        return None
    return option.metavar or "VALUE"


def _no_label(argument: TyperArgument, ctx: Any) -> None:
    """An argument is shown by its name (``JOB_ID``): no type after it."""


def _whole_option_names() -> None:
    """Make the option names of Typer's options tables never wrap or be cut.

    Rich narrows a table that is too wide by narrowing its widest columns, whatever their
    words: at 80 columns ``--no-cross-account-monitoring`` became
    ``--no-cross-account-monit…``. With the name columns kept whole, the type and help
    columns wrap instead. Done when help is first shown, so that a command's start does
    not import Rich's tables.
    """
    from rich.table import Table
    from typer import rich_utils

    if rich_utils.Table is not Table:  # type: ignore[attr-defined]
        return

    class OptionsTable(Table):
        def add_row(self, *renderables: Any, **kwargs: Any) -> None:
            super().add_row(*renderables, **kwargs)
            # An options row: the required mark, the four name columns, the type, the help.
            # (A commands table has two columns, added with their own settings.)
            for column in self.columns[:-2]:
                column.no_wrap = True

    rich_utils.Table = OptionsTable  # type: ignore[attr-defined]


def _with_whole_option_names(
    format_help: Callable[[Any, Context, HelpFormatter], None],
) -> Callable[[Any, Context, HelpFormatter], None]:
    def format_help_whole(self: Any, ctx: Context, formatter: HelpFormatter) -> None:
        _whole_option_names()
        format_help(self, ctx, formatter)

    return format_help_whole


def use_value_names() -> None:
    """Label options by the names of their values in every help screen, and arguments by
    their names alone; never cut an option's name."""
    TyperOption.display_type_rich = _value_name  # type: ignore[method-assign,assignment]
    TyperArgument.display_type_rich = _no_label  # type: ignore[method-assign,assignment]
    TyperCommand.format_help = _with_whole_option_names(TyperCommand.format_help)  # type: ignore[method-assign,assignment]
    TyperGroup.format_help = _with_whole_option_names(TyperGroup.format_help)  # type: ignore[method-assign,assignment]
