"""The command line: Typer apps, one module per command group. The only layer that imports typer."""
