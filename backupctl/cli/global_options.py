"""Global options anywhere on the line: ``jobs list --color never`` as gh and kubectl take it.

Click parses a group's options only before its command's name, so the global options
found after it are moved in front of it before click sees the line. Only what the line's
own commands do not claim is moved: the value of an option that takes one is never read
as an option (``--role --debug`` gives the role ``--debug``), a command's option of the
same name stays the command's, and nothing after ``--`` moves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from typer._click import Command
from typer.core import TyperGroup, TyperOption

# The root command's options that may also come after the command (--version and --help
# stay where they are: after a command, --help is that command's).
GLOBAL_OPTIONS = ("--sandbox", "--debug", "--config", "--color")


def before_the_command(root: Command, args: Sequence[str]) -> list[str]:
    """``args`` with the global options that come after the command moved before it."""
    takes_value = _value_options(root)
    command: Command = root
    head: list[str] = []  # the root's own options, up to the command's name
    moved: list[str] = []
    rest: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if command is root and token.startswith("-") and token != "--":
            head.append(token)
            if token in takes_value:
                head.extend(_next(tokens))
            continue
        if token == "--":
            rest += [token, *tokens]
            break
        if isinstance(command, TyperGroup) and not token.startswith("-"):
            found = command.commands.get(token)
            if found is None:  # an unknown command: click says so
                rest += [token, *tokens]
                break
            command = found
            takes_value = _value_options(command)
            rest.append(token)
            continue
        name = token.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and name not in _option_names(command):
            moved.append(token)
            if "=" not in token and name in _value_options(root):
                value = _next(tokens)
                if not value:
                    # The line ends with it: moved before the command, it would take the
                    # command's name for its value. Last among the root's options, it gets
                    # click's own "Option '--color' requires an argument."
                    return [*head, *moved]
                moved.extend(value)
            continue
        rest.append(token)
        if token in takes_value:
            rest.extend(_next(tokens))
    return [*head, *moved, *rest]


def _next(tokens: Iterator[str]) -> list[str]:
    """The next token, if there is one (an option's value)."""
    value = next(tokens, None)
    return [] if value is None else [value]


def _value_options(command: Command) -> frozenset[str]:
    """The names of ``command``'s options that take a value."""
    return frozenset(
        name
        for param in command.params
        if isinstance(param, TyperOption) and not (param.is_flag or param.count)
        for name in param.opts
    )


def _option_names(command: Command) -> frozenset[str]:
    """Every name of ``command``'s own options."""
    return frozenset(
        name
        for param in command.params
        if isinstance(param, TyperOption)
        for name in (*param.opts, *param.secondary_opts)
    )
