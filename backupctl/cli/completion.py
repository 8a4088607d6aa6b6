"""``backupctl completion SHELL``: the completion script for bash, zsh or fish.

The scripts are thin: on Tab they run ``backupctl`` with ``_BACKUPCTL_COMPLETE`` set and
print what it answers, so completion always knows the installed version's options. The
copies in ``completions/`` are these scripts; a test keeps them current.
"""

from __future__ import annotations

from typing import Annotated

import typer

from backupctl.cli.help_text import examples
from backupctl.domain.errors import UsageError

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_BACKUPCTL_COMPLETE"
FILES = {"bash": "backupctl.bash", "zsh": "_backupctl", "fish": "backupctl.fish"}


def script(shell: str) -> str:
    """The completion script for ``shell``."""
    # Typer's own generator: the same protocol its completion handler answers.
    from typer._completion_shared import get_completion_script

    if shell not in SHELLS:
        raise UsageError(f"SHELL: {shell!r} is not one of {', '.join(SHELLS)}")
    text = get_completion_script(prog_name="backupctl", complete_var=COMPLETE_VAR, shell=shell)
    return text.strip() + "\n"


def register(app: typer.Typer) -> None:
    """Add the ``completion`` command to the root app."""

    @app.command(
        "completion",
        epilog=examples(
            "source <(backupctl completion bash)",
            "backupctl completion zsh > ~/.zfunc/_backupctl",
            "backupctl completion fish > ~/.config/fish/completions/backupctl.fish",
        ),
    )
    def completion(
        ctx: typer.Context,
        shell: Annotated[
            str,
            typer.Argument(
                metavar="SHELL",
                help="bash, zsh or fish.",
                autocompletion=lambda: list(SHELLS),
                show_default=False,
            ),
        ],
    ) -> None:
        """Print the shell completion script (see the README for where to put it)."""
        from backupctl.cli.environment import environment, reported

        env = environment(ctx)
        with reported(env):
            env.stdout.write(script(shell))
