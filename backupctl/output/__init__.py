"""Renderers: one module per output format behind one small Protocol.

Importing this package is cheap (no Rich): the CLI needs ``OutputFormat`` to declare
its options, and ``--help`` should not pay for tables. Writers load when ``make_writer``
picks one; ``render_detail`` loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backupctl.output.fields import validate_fields
from backupctl.output.format import JobWriter, OutputFormat, make_writer

if TYPE_CHECKING:
    from backupctl.output.detail import render_detail

__all__ = ["JobWriter", "OutputFormat", "make_writer", "render_detail", "validate_fields"]


def __getattr__(name: str) -> object:
    # PEP 562: `from backupctl.output import render_detail` imports Rich only when asked.
    if name == "render_detail":
        from backupctl.output.detail import render_detail

        return render_detail
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
