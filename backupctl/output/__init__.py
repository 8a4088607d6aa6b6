"""Renderers: one seam (``format``), one module per format, the record families.

Importing this package is cheap (no Rich): the CLI needs ``OutputFormat`` to declare
its options, and ``--help`` should not pay for tables. A family's person form (a Rich
table or panel) loads only when the table is asked for.
"""

from __future__ import annotations

from backupctl.output.family import Family, OutputFormat, RecordWriter
from backupctl.output.fields import validate_fields
from backupctl.output.format import make_writer

__all__ = ["Family", "OutputFormat", "RecordWriter", "make_writer", "validate_fields"]
